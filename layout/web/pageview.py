"""Page views: one HTML page per print page, and the edition's front (index.html).

`page_view(web, page, size, pdf_size)` takes the `WebEdition`, one `WebPage`, the desktop page
image's pixel size and the page PDF's size in bytes, and returns the page view's HTML bytes:
the masthead, the 版 menu, the page image with one link per story region drawn over it (named
by the story's headline, focusable, outlined on hover and focus, and on `:target` when an article
page links back to it), the page's story list (and what its advertisements say), previous/next
page and the page's PDF (when there is one: `pdf_size` > 0).
`page_css(page, size)` is the page's own stylesheet: the regions' positions in percent, so they
scale with the image (a stylesheet file, not style attributes: the Content-Security-Policy allows
no inline style). `front(web, sizes)` is index.html: every page's small image and its stories.
"""
from __future__ import annotations

from layout.web.edition import WebEdition, WebPage, small_size
from layout.web.markup import document, el, footer, hidden, masthead, section_menu, to_bytes


def _kb(size: int) -> str:
    return f"{max(1, round(size / 1024)):,} KB"


def _story_label(kind: str, art, words: dict) -> str:
    """A story's name in a page's list and on its region: its headline; a jumped story's
    continuation says where it comes from (上接第1版)."""
    if kind == "continuation":
        return words["continued_from"].format(headline=art.headline, page=art.pages[0])
    return art.headline


def page_view(web: WebEdition, page: WebPage, size: tuple[int, int], pdf_size: int) -> bytes:
    html, body = document(web, f"{page.label} - {web.title}", css=(page.stylesheet,))
    words = web.words
    el(body, "a", words["skip_to_page"], href="#main", class_="skip")
    masthead(body, web)
    section_menu(body, web, current=page.number)
    main = el(body, "main", id="main", class_="pageview")
    el(main, "h1", page.label)
    sheet = el(main, "div", class_="sheet")
    w, h = size
    el(sheet, "img", src=page.image, srcset=f"{page.small_image} {small_size((w, h))[0]}w, {page.image} {w}w",
       sizes=f"(max-width: {w}px) 100vw, {w}px", width=w, height=h,
       alt=words["page_image"].format(label=page.label))
    for spot in page.hotspots:
        art = web.articles[spot.article]
        link = el(sheet, "a", href=art.url, class_="region", id=spot.id)
        hidden(link, _story_label(spot.kind, art, words))
    listing = el(main, "section", class_="stories", aria_labelledby="stories-title")
    el(listing, "h2", words["stories"], id="stories-title")
    ol = el(listing, "ol")
    for kind, art in web.on_page(page.number):
        li = el(ol, "li")
        if art.article and art.article.kicker and kind != "continuation":
            el(li, "span", art.article.kicker, class_="kicker")
        el(li, "a", _story_label(kind, art, words), href=art.url)
    if page.ads:   # what the page image shows besides the stories, for readers who cannot see it
        ads = el(main, "section", class_="ads", aria_labelledby="ads-title")
        el(ads, "h2", words["ads"], id="ads-title")
        ul = el(ads, "ul")
        for text in page.ads:
            el(ul, "li", text)
    tools = el(main, "nav", class_="pager", aria_label=words["page_pager"])
    numbers = [p.number for p in web.pages]
    i = numbers.index(page.number)
    if i > 0:
        el(tools, "a", words["prev_page"].format(label=web.pages[i - 1].label), href=web.pages[i - 1].url, rel="prev")
    if i + 1 < len(numbers):
        el(tools, "a", words["next_page"].format(label=web.pages[i + 1].label), href=web.pages[i + 1].url, rel="next")
    if pdf_size:
        el(el(main, "p", class_="download"), "a", words["download"].format(size=_kb(pdf_size)), href=web.pdf(page.number),
           type="application/pdf", download="")
    footer(body, web)
    return to_bytes(html)


def page_css(page: WebPage, size: tuple[int, int]) -> bytes:
    """The page view's own stylesheet: the sheet's width and each region's place, in percent."""
    rules = [f".sheet {{ max-width: {size[0]}px; }}"]
    for spot in page.hotspots:
        left, top, width, height = spot.box
        rules.append(f"#{spot.id} {{ left: {left:g}%; top: {top:g}%; "
                     f"width: {width:g}%; height: {height:g}%; }}")
    return ("\n".join(rules) + "\n").encode("utf-8")


def front(web: WebEdition, sizes: dict[int, tuple[int, int]]) -> bytes:
    """index.html: the edition's pages, each its small image, its 版 label and its stories."""
    html, body = document(web, web.title)
    el(body, "a", web.words["skip_to_pages"], href="#main", class_="skip")
    masthead(body, web)
    section_menu(body, web)
    main = el(body, "main", id="main", class_="front")
    el(main, "h1", web.words["front_title"].format(paper=web.paper, date=web.date_cn))
    ol = el(main, "ol", class_="pages")
    for page in web.pages:
        li = el(ol, "li")
        link = el(li, "a", href=page.url, class_="thumb")
        sw, sh = small_size(sizes[page.number])
        el(link, "img", src=page.small_image, width=sw, height=sh, alt="")
        el(link, "span", page.label, class_="label")
        stories = el(li, "ul")
        for kind, art in web.on_page(page.number):
            if kind != "continuation":
                el(el(stories, "li"), "a", art.headline, href=art.url)
    footer(body, web)
    return to_bytes(html)

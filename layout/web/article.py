"""Article pages: one HTML page per story (and per standalone picture).

`article_page(web, art, photos)` takes the `WebEdition`, one `WebArticle` and its photos as
(path from web/, (width, height)), and returns the page's HTML bytes: the masthead and the 版
menu, then the story: 引题/主题/副题 as a header, where it was printed (each page view, with the
story's region highlighted: the link's fragment is the region's id, outlined by `:target`), the
photos with caption, credit and alt text, the body with the dateline run in as in print and
插题 as h2, a 落款 flush right, the byline; then 上一篇/下一篇 in print reading order.
"""
from __future__ import annotations

from layout.model import Article, Paragraph, Photo
from layout.web.edition import WebArticle, WebEdition, page_url
from layout.web.markup import document, el, footer, masthead, section_menu, to_bytes

UP = "../"


def _text(parent, text: str) -> None:
    """Text at the end of `parent`; a hard line break ('\\n') becomes <br>."""
    for k, line in enumerate(text.split("\n")):
        if k:
            parent.append(el(None, "br"))
        if not line:
            continue
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + line
        else:
            parent.text = (parent.text or "") + line


def _paragraph(parent, art: Article, par: Paragraph, lead: bool) -> None:
    if par.kind == "subhead":
        node = el(parent, "h2", class_="intertitle")
    else:
        node = el(parent, "p", class_="signature" if par.kind == "signature" else None)
        if lead:
            run_in = el(node, "span", class_="lead")
            if art.dateline:
                el(run_in, "strong", art.dateline, class_="dateline")
            _text(run_in, ("\u3000" if art.dateline else "") + (f"{art.date}，" if art.date else ""))
    for span in par.spans:
        _text(el(node, "strong") if span.bold else node, span.text)


def _figure(parent, photo: Photo, src: str, size: tuple[int, int]) -> None:
    fig = el(parent, "figure", class_="photo")
    el(fig, "img", src=UP + src, alt=photo.alt or photo.caption, width=size[0], height=size[1])
    if photo.caption or photo.credit:
        cap = el(fig, "figcaption")
        if photo.caption:
            el(cap, "span", photo.caption, class_="caption")
        if photo.credit:
            el(cap, "span", photo.credit, class_="credit")


def _printed_on(parent, web: WebEdition, art: WebArticle) -> None:
    """'见报：第01版：要闻（转）第02版：综合', each linking to its page view with the story's region
    highlighted."""
    p = el(parent, "p", web.words["printed"], class_="printed")
    for k, number in enumerate(art.pages):
        page = web.page_of(number)
        link = el(p, "a", page.label if page else f"第{number:02d}版", href=f"{UP}{page_url(number)}#{art.key}")
        if k + 1 < len(art.pages):
            link.tail = web.words["jump"] if k == 0 else "、"


def phrased(deck, text: str) -> None:
    """A headline deck (the <h1>, the kicker's or subhead's <p>) filled with its phrases (split at its
    phrase gaps, the spaces), each a `phrase` span that the browser keeps whole where it can (web.css):
    a headline wraps between its phrases, as in print, not before its last characters
    (「…提升 / 35%」), and a phrase too long for a narrow screen between its words, never inside one
    (「装／卸」)."""
    last = None
    for part in text.split():
        if last is not None:
            last.tail = " "
        last = el(deck, "span", class_="phrase")
        for word in _words_of(part):
            el(last, "span", word, class_="w")


def _words_of(phrase: str) -> list[str]:
    """A headline phrase cut where print may break it (`layout.text.phrases.break_costs`: between
    words, a number kept with its unit, a date whole), never inside a title in 《》 or 〈〉: each piece
    a `w` span that web.css keeps whole, so a narrow screen breaks the phrase only between them."""
    from layout.text.phrases import break_costs

    costs = break_costs(phrase)
    depth, inside = 0, set()
    for k, ch in enumerate(phrase):
        depth += (ch in "《〈") - (ch in "》〉")
        if depth > 0:
            inside.add(k + 1)
    cuts = [0] + [k for k in range(1, len(phrase)) if costs[k] is not None and k not in inside] + [len(phrase)]
    return [phrase[a:b] for a, b in zip(cuts, cuts[1:])]


def article_page(web: WebEdition, art: WebArticle, photos: list[tuple[str, tuple[int, int]]]) -> bytes:
    html, body = document(web, f"{art.headline} - {web.title}", up=UP)
    words = web.words
    el(body, "a", words["skip_to_story"], href="#main", class_="skip")
    masthead(body, web, UP)
    section_menu(body, web, UP)
    main = el(body, "main", id="main")
    story = el(main, "article", class_="story" if art.article else "story picture")
    header = el(story, "header")
    a = art.article
    if a and a.kicker:
        phrased(el(header, "p", class_="kicker"), a.kicker)
    phrased(el(header, "h1"), art.headline)
    if a and a.subhead:
        phrased(el(header, "p", class_="subhead"), a.subhead)
    _printed_on(header, web, art)
    if a is None:
        _figure(story, art.picture, *photos[0])
    else:
        shots = list(zip(a.photos, photos))
        for photo, (src, size) in shots:
            if photo.position != "bottom":
                _figure(story, photo, src, size)
        lead = bool(a.lead)
        for par in a.paragraphs:
            _paragraph(story, a, par, lead and par.kind == "p")
            if par.kind == "p":
                lead = False
        for photo, (src, size) in shots:
            if photo.position == "bottom":
                _figure(story, photo, src, size)
        if a.byline:
            el(el(story, "footer"), "p", a.byline, class_="byline")
    nav = el(main, "nav", class_="pager", aria_label=words["article_pager"])
    if art.index > 0:
        prev = web.articles[art.index - 1]
        el(nav, "a", words["prev_article"].format(headline=prev.headline), href=f"{UP}{prev.url}", rel="prev")
    if art.index + 1 < len(web.articles):
        nxt = web.articles[art.index + 1]
        el(nav, "a", words["next_article"].format(headline=nxt.headline), href=f"{UP}{nxt.url}", rel="next")
    footer(body, web)
    return to_bytes(html)

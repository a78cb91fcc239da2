"""What the web edition holds and where each part lives: pages, articles, hotspots, URLs.

`web_edition(edition)` takes a laid-out `Edition` (pipeline.prepare) and returns a frozen
`WebEdition`: per print page a `WebPage` (its 版 label, page-view URL, image and PDF paths, and
one `Hotspot` per story region printed on it, in percent of the trimmed page), and per story or
standalone picture a `WebArticle` in print reading order (the EPUB's plan: page by page, each
page's stories in the order the layout set them; a jumped story is one article printed on
several pages). Advertisements are part of the page image and get no article; a page lists
their alt text. Nothing here
renders or writes anything; `summary(web)` is the edition as plain data (`edition.json`).
"""
from __future__ import annotations

from dataclasses import dataclass

from layout.model import Article, Photo
from layout.page.frames import Anchor, Mark, PageFrame
from layout.render.epub.plan import picture_label, plan_edition, slug
from layout.web.wording import words_for

#: The story kinds a page view links: a story's first part, a jumped story's continuation, a picture.
LINKED = ("story", "continuation", "picture")
#: Page images: the desktop one is this many pixels high, the small one half of it.
PAGE_HEIGHT = 1200
SMALL_FACTOR = 2


@dataclass(frozen=True)
class Hotspot:
    """A story's region on a page image, in percent of the trimmed page (left, top, width, height)."""

    article: int          # index into WebEdition.articles
    kind: str             # story | continuation | picture
    box: tuple[float, float, float, float]
    id: str               # the region link's id: the article's key (a second region of it on the page: key-2)


@dataclass(frozen=True)
class WebArticle:
    index: int
    kind: str                       # story | picture
    key: str                        # fragment id of its regions on the page views, e.g. s01-plenary
    url: str                        # article/01-plenary.html
    pages: tuple[int, ...]          # print pages it is on, the first where it begins
    article: Article | None = None
    picture: Photo | None = None
    lang: str = "zh-CN"             # the edition's: the script of a picture's 图片新闻 label

    @property
    def headline(self) -> str:
        return self.article.headline_line if self.article else picture_label(self.picture, self.lang)


@dataclass(frozen=True)
class WebPage:
    number: int
    section: str
    hotspots: tuple[Hotspot, ...]
    #: (kind, article index) of what the page prints, in its reading order (the EPUB plan's)
    contents: tuple[tuple[str, int], ...]
    width: float                    # the trimmed page, points
    height: float
    #: what the page's advertisements show and say (their alt text, else 广告): part of the page image only
    ads: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """第01版：要闻 (第01版 without a section)."""
        return f"第{self.number:02d}版" + (f"：{self.section}" if self.section else "")

    @property
    def url(self) -> str:
        return page_url(self.number)

    @property
    def image(self) -> str:
        return f"image/page-{self.number:02d}.jpg"

    @property
    def small_image(self) -> str:
        return f"image/page-{self.number:02d}-small.jpg"

    @property
    def stylesheet(self) -> str:
        return f"page-{self.number:02d}.css"


@dataclass(frozen=True)
class WebEdition:
    paper: str
    publisher: str
    date: str                       # ISO date
    date_cn: str                    # 2026年11月28日
    weekday: str
    number: int
    lang: str
    title: str
    stem: str                       # <paper>-<date>, the output files' common name
    pages: tuple[WebPage, ...]
    articles: tuple[WebArticle, ...]

    @property
    def words(self) -> dict[str, str]:
        """The pages' own wording, in the script of the edition's language."""
        return words_for(self.lang)

    def pdf(self, page: int) -> str:
        """The page's own PDF, inside web/."""
        return f"pdf/{self.stem}-p{page:02d}.pdf"

    def page_of(self, number: int) -> WebPage | None:
        return next((p for p in self.pages if p.number == number), None)

    def on_page(self, number: int) -> list[tuple[str, WebArticle]]:
        """(kind, article) for every article printed on page `number`, in the page's reading order;
        kind is story, continuation or picture."""
        page = self.page_of(number)
        return [(kind, self.articles[n]) for kind, n in page.contents] if page else []


def small_size(size: tuple[int, int]) -> tuple[int, int]:
    """The small page image's size for a desktop one of `size` (`Image.reduce` rounds up)."""
    return -(-size[0] // SMALL_FACTOR), -(-size[1] // SMALL_FACTOR)


def page_url(number: int) -> str:
    return f"page-{number:02d}.html"


def regions(frame: PageFrame) -> list[tuple[Anchor, Mark]]:
    """Each region on the page with the anchor of the story (or picture, ad) it holds: the anchor
    before it in the frame (make-up writes a placement's Anchor first and its region Mark last)."""
    out, current = [], None
    for item in frame.items:
        if isinstance(item, Anchor):
            current = item
        elif isinstance(item, Mark) and item.kind == "region" and current is not None:
            out.append((current, item))
            current = None
    return out


def percent_box(mark: Mark, frame: PageFrame) -> tuple[float, float, float, float]:
    """A region as (left, top, width, height) in percent of the trimmed page, clipped to it, to 0.001 %."""
    x0, y0 = max(0.0, mark.x), max(0.0, mark.y)
    x1, y1 = min(frame.width, mark.x + mark.w), min(frame.height, mark.y + mark.h)
    return (round(100 * x0 / frame.width, 3), round(100 * y0 / frame.height, 3),
            round(100 * max(0.0, x1 - x0) / frame.width, 3), round(100 * max(0.0, y1 - y0) / frame.height, 3))


def _articles(plan) -> tuple[list[WebArticle], dict[int, int]]:
    """The web articles of the EPUB's plan (its documents less the ads), and plan document ->
    article index."""
    index_of: dict[int, int] = {}
    arts: list[WebArticle] = []
    for doc in plan.docs:
        if doc.ad:
            continue
        n = len(arts)
        name = slug(doc.article.id) if doc.article else slug(doc.picture.file.stem)
        key = f"s{n + 1:02d}" + (f"-{name}" if name else "")
        # the page it begins on first (a jump may continue on an earlier page), then the rest in page order
        pages = tuple(dict.fromkeys([doc.page, *(p.number for p in plan.pages for _k, d, _s in p.items
                                                 if d == doc.index)]))
        arts.append(WebArticle(n, "story" if doc.article else "picture", key, f"article/{key[1:]}.html",
                               pages, doc.article, None if doc.article else doc.picture, doc.lang))
        index_of[doc.index] = n
    return arts, index_of


def _hotspots(frame: PageFrame, arts: list[WebArticle]) -> tuple[Hotspot, ...]:
    """A link region for each story, continuation and picture region on the page (not the ads)."""
    by_article = {a.article.id: a.index for a in arts if a.article}
    spots: list[Hotspot] = []
    for anchor, mark in regions(frame):
        if anchor.kind in ("story", "continuation"):
            n = by_article.get(anchor.article)
        elif anchor.kind == "picture":
            n = next((a.index for a in arts if a.picture is not None and a.pages[0] == frame.number
                      and a.picture.file.stem == anchor.article and all(s.article != a.index for s in spots)), None)
        else:
            n = None                            # an advertisement: part of the page image only
        if n is None:
            continue
        before = sum(spot.article == n for spot in spots)
        key = arts[n].key + (f"-{before + 1}" if before else "")
        spots.append(Hotspot(n, anchor.kind, percent_box(mark, frame), key))
    return tuple(spots)


def web_edition(edition) -> WebEdition:
    """The edition's web parts (see the module docstring)."""
    issue = edition.issue
    plan = plan_edition(issue, edition.frames)
    arts, index_of = _articles(plan)
    frames = {f.number: f for f in edition.frames}
    entries = {p.number: p for p in plan.pages}
    pages = []
    for spec in issue.pages:
        frame = frames.get(spec.number)
        entry = entries.get(spec.number)
        contents = tuple(dict.fromkeys((kind, index_of[d]) for kind, d, _s in (entry.items if entry else ())
                                       if d in index_of))
        width, height = (frame.width, frame.height) if frame else edition.style.trim
        ads = tuple(d.picture.alt or words_for(issue.info.lang)["ad"] for d in plan.docs if d.ad and d.page == spec.number)
        pages.append(WebPage(spec.number, spec.section, _hotspots(frame, arts) if frame else (), contents,
                             width, height, ads))
    info = issue.info
    return WebEdition(issue.paper.name, issue.paper.publisher_credit_in(issue.info.lang), info.date.isoformat(), info.date_cn,
                      info.weekday, info.number, info.lang, edition.title, edition.stem, tuple(pages), tuple(arts))


def plain_text(article: Article) -> str:
    """An article's running text as plain text: the dateline run into the first paragraph, one
    paragraph (or 插题) a line."""
    lines, lead = [], article.lead
    for par in article.paragraphs:
        text = par.text
        if lead and par.kind == "p":
            text = (f"{article.dateline}\u3000" if article.dateline else "") + \
                   (f"{article.date}，" if article.date else "") + text
            lead = ""
        lines.append(text)
    return "\n".join(lines)


def summary(web: WebEdition) -> dict:
    """The edition as plain data (written as web/edition.json): what an archive of many editions
    needs to list, feed and search it. Every URL is relative to the edition's web/ folder."""
    return {
        "format": "layout-web-edition/1",
        "paper": web.paper,
        "publisher": web.publisher,
        "date": web.date,
        "number": web.number,
        "lang": web.lang,
        "title": web.title,
        "index": "index.html",
        "pages": [{"number": p.number, "section": p.section, "label": p.label, "url": p.url,
                   "image": p.image, "small_image": p.small_image, "pdf": web.pdf(p.number),
                   "articles": [a.index for _kind, a in web.on_page(p.number)], "ads": list(p.ads)}
                  for p in web.pages],
        "articles": [_article_summary(a) for a in web.articles],
    }


def _article_summary(a: WebArticle) -> dict:
    art = a.article
    out = {"index": a.index, "kind": a.kind, "id": art.id if art else a.picture.file.stem, "url": a.url,
           "pages": list(a.pages), "headline": a.headline}
    if art:
        out.update(kicker=art.kicker, subhead=art.subhead, dateline=art.lead, byline=art.byline,
                   text=plain_text(art))
    else:
        out.update(kicker="", subhead="", dateline="", byline=a.picture.credit, text=a.picture.caption)
    return out

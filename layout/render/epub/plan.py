"""The EPUB's reading order and page map, worked out from the model and the layout.

`plan_edition(issue, frames)` takes the edition's `Issue` and its `PageFrame`s
and returns a frozen `Plan`: one `Doc` per story or standalone picture in
print order (page by page, each page's items in the order of its `Anchor`s),
and for every print page the `Spot` in those documents where the page's
content begins (document, paragraph, character offset). A jumped story is one
document; the page it continues on begins inside it, at the first character
printed on that page, found by counting the characters the layout set on the
pages before. An advertisement is a document of its own too (a figure with its
alt text, at its place in the page's reading order), left out of the table of
contents.

`epub_frames(frames)` reduces the frames to what the plan reads (anchors, and
the running text set after each), for handing an edition to another process:
the same plan, a fraction of the pickle.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from layout.model import Article, Issue, Photo
from layout.page.frames import Anchor, GlyphRun, PageFrame
from layout.render.epub.wording import words_for

#: Glyph-run roles whose characters are the article's running text (the dateline is set in the body role).
_TEXT_ROLES = frozenset({"body", "intertitle", "dateline", "signature"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Spot:
    """A place in a document: before paragraph `paragraph` (0-based; len(paragraphs) = after the last
    one), or inside it `offset` characters into its text. paragraph None = the document's top."""

    doc: int
    paragraph: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class Doc:
    """A content document: a story (`article`), a standalone picture (`picture`) or an advertisement
    (`picture` holds the ad, `ad` is true)."""

    index: int          # 0-based position in the reading order
    page: int           # the page it starts on
    section: str
    href: str           # path inside the package folder, e.g. text/02-work-conference.xhtml
    article: Article | None = None
    picture: Photo | None = None
    ad: bool = False
    lang: str = "zh-CN"  # the edition's language: the script of the labels of pictures and ads

    @property
    def label(self) -> str:
        """Its entry in the table of contents (its title, for an ad)."""
        if self.ad:
            return ad_label(self.picture, self.lang)
        return self.article.headline_line if self.article else picture_label(self.picture, self.lang)


@dataclass(frozen=True)
class PageEntry:
    number: int
    section: str
    spot: Spot | None                                   # None: an edition with no document at all
    #: (kind "story" | "continuation" | "picture" | "ad", document index, spot) in the page's reading order
    items: tuple[tuple[str, int, Spot], ...] = ()


@dataclass(frozen=True)
class Plan:
    docs: tuple[Doc, ...]
    pages: tuple[PageEntry, ...]

    def marks(self, doc: int) -> dict[Spot, list[int]]:
        """The page-break markers that fall in document `doc`: spot -> print page numbers."""
        out: dict[Spot, list[int]] = {}
        for p in self.pages:
            if p.spot is not None and p.spot.doc == doc:
                out.setdefault(p.spot, []).append(p.number)
        return out

    def href(self, spot: Spot, page: int | None = None) -> str:
        """A link to a spot: the document, with page `page`'s marker as the fragment when given."""
        base = self.docs[spot.doc].href
        return f"{base}#page-{page}" if page is not None else base


def picture_label(photo: Photo, lang: str = "zh-CN") -> str:
    """'图片新闻：' (圖片新聞 in a traditional-script edition) and the caption's first clause (at most 24
    characters)."""
    head = re.split(r"[。！？；]", photo.caption, maxsplit=1)[0] if photo.caption else ""
    head = head if len(head) <= 24 else head[:23] + "…"
    word = words_for(lang)["picture"]
    return f"{word}：{head}" if head else word


def ad_label(photo: Photo, lang: str = "zh-CN") -> str:
    """'广告：' (廣告 in a traditional-script edition) and the start of the ad's alt text (at most 24
    characters)."""
    head = re.split(r"[。！？；：]", photo.alt, maxsplit=1)[0] if photo.alt else ""
    head = head if len(head) <= 24 else head[:23] + "…"
    word = words_for(lang)["ad"]
    return f"{word}：{head}" if head else word


#: Placement kinds that are a document of their own, each one image: picture and advertisement.
_IMAGE_KINDS = ("picture", "ad")


def slug(text: str) -> str:
    """An ASCII file-name part for an article id or image name ('' when nothing ASCII is left)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:40].strip("-")


def _page_order(issue: Issue, frame: PageFrame | None, number: int) -> list[tuple[str, object]]:
    """(kind, key) for page `number` in reading order: its anchors, then placements the layout skipped.
    key: the article id for stories and continuations, the placement's index on the page for pictures
    and ads."""
    page = issue.pages[number - 1]
    images = [i for i, pl in enumerate(page.placements) if pl.kind in _IMAGE_KINDS and pl.photo is not None]
    order: list[tuple[str, object]] = []
    for a in (frame.items if frame else ()):
        if not isinstance(a, Anchor):
            continue
        if a.kind in ("story", "continuation") and a.article in issue.articles:
            order.append((a.kind, a.article))
        elif a.kind in _IMAGE_KINDS:
            match = next((i for i in images if page.placements[i].kind == a.kind
                          and page.placements[i].photo.file.stem == a.article and (a.kind, i) not in order), None)
            if match is not None:
                order.append((a.kind, match))
    for i, pl in enumerate(page.placements):
        if pl.kind == "article" and pl.article in issue.articles:
            key = ("continuation" if pl.continued else "story", pl.article)
        elif pl.kind in _IMAGE_KINDS and pl.photo is not None:
            key = (pl.kind, i)
        else:
            continue
        if key not in order:
            order.append(key)
    return order


def _printed_chars(frames: tuple[PageFrame, ...], article: str, before_page: int) -> int:
    """Non-space characters of `article`'s running text that the layout set on pages before `before_page`."""
    count = 0
    for frame in frames:
        if frame.number >= before_page:
            continue
        current = None
        for item in frame.items:
            if isinstance(item, Anchor):
                current = item.article if item.kind in ("story", "continuation") else None
            elif isinstance(item, GlyphRun) and current == article and item.role in _TEXT_ROLES:
                count += len(_SPACE.sub("", item.text))
    return count


def epub_frames(frames: tuple[PageFrame, ...]) -> tuple[PageFrame, ...]:
    """The frames reduced to what `plan_edition` reads from them: each page's anchors in order and, after
    a story's or continuation's anchor, one run holding the non-space running text the layout set for it
    (no positions, rules, images or other text). `plan_edition` gives the same plan from these as from
    the full frames; they pickle in a fraction of the size, for a worker process that makes the EPUB."""
    out = []
    for frame in frames:
        items: list = []
        current, text = None, []
        for item in (*frame.items, None):   # None: the end of the page
            if item is None or isinstance(item, Anchor):
                if text:
                    items.append(GlyphRun(font="", size=0.0, y=0.0, text="".join(text), xs=(), role="body"))
                    text = []
                if item is not None:
                    items.append(item)
                    current = item.article if item.kind in ("story", "continuation") else None
            elif isinstance(item, GlyphRun) and current is not None and item.role in _TEXT_ROLES:
                text.append(_SPACE.sub("", item.text))
        out.append(replace(frame, items=tuple(items)))
    return tuple(out)


def _lead_chars(article: Article) -> int:
    """Characters the print sets before the first paragraph's text: dateline, date and its comma."""
    if not article.lead:
        return 0
    n = len(_SPACE.sub("", article.dateline))
    if article.date:
        n += len(_SPACE.sub("", article.date)) + 1
    return n


def spot_after(article: Article, doc: int, chars: int) -> Spot:
    """The spot after the first `chars` non-space characters of the article's running text (as printed:
    the lead run into the first paragraph, subheads in line)."""
    if chars <= 0:
        return Spot(doc)
    lead_pending = bool(article.lead)
    left = chars
    for i, par in enumerate(article.paragraphs):
        if par.kind == "p" and lead_pending:
            lead_pending = False
            left -= _lead_chars(article)
            if left <= 0:
                return Spot(doc, i, 0)
        text = par.text
        n = len(_SPACE.sub("", text))
        if left < n:
            seen = 0
            for pos, ch in enumerate(text):
                if not ch.isspace():
                    if seen == left:
                        return Spot(doc, i, pos)
                    seen += 1
        left -= n
        if left <= 0:
            return Spot(doc, i + 1, 0)
    return Spot(doc, len(article.paragraphs), 0)


def _end(doc: Doc) -> Spot:
    return Spot(doc.index, len(doc.article.paragraphs), 0) if doc.article else Spot(doc.index)


def plan_edition(issue: Issue, frames: tuple[PageFrame, ...]) -> Plan:
    frames_by_page = {f.number: f for f in frames}
    orders = {p.number: _page_order(issue, frames_by_page.get(p.number), p.number) for p in issue.pages}
    docs: list[Doc] = []
    doc_of: dict[tuple[str, object], int] = {}     # ("story", id) | ("picture" | "ad", (page, index)) -> doc
    for page in issue.pages:
        for kind, key in orders[page.number]:
            if kind == "continuation":
                continue
            ref = (kind, key if kind == "story" else (page.number, key))
            if ref in doc_of:
                continue
            n = len(docs)
            if kind == "story":
                name, art, pic = slug(key), issue.articles[key], None
            else:
                pic = page.placements[key].photo
                stem = pic.file.stem
                name, art = slug(stem if stem.lower().startswith(kind) else f"{kind}-{stem}"), None
            doc_of[ref] = n
            docs.append(Doc(n, page.number, page.section, f"text/{n + 1:02d}-{name or 'story'}.xhtml", art, pic,
                            ad=kind == "ad", lang=issue.info.lang))

    pages: list[PageEntry] = []
    pending: list[tuple[int, str]] = []
    for page in issue.pages:
        items = []
        for kind, key in orders[page.number]:
            if kind in _IMAGE_KINDS:
                n = doc_of[(kind, (page.number, key))]
                items.append((kind, n, Spot(n)))
            elif ("story", key) in doc_of:
                n = doc_of[("story", key)]
                if kind == "story":
                    items.append((kind, n, Spot(n)))
                else:
                    article = issue.articles[key]
                    items.append((kind, n, spot_after(article, n, _printed_chars(frames, key, page.number))))
        if not items:
            pending.append((page.number, page.section))  # a page with nothing for the EPUB: marked with the next
            continue
        spot = items[0][2]
        for number, section in pending:
            pages.append(PageEntry(number, section, spot))
        pending = []
        pages.append(PageEntry(page.number, page.section, spot, tuple(items)))
    if pending:
        end = _end(docs[-1]) if docs else None
        pages += [PageEntry(number, section, end) for number, section in pending]
    return Plan(tuple(docs), tuple(pages))

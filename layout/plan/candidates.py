"""Candidate shapes of one story, measured by the real make-up code.

`Candidates(ts, issue, style)` composes an article placement at each width it
may take (and each photo width), exactly as make-up will set it in a region of
that width (`StorySetter.set_story`: headline group at the size the headline
hierarchy gives it, photos, body balanced through the columns), and returns
`Variant`s: the grid lines it needs, its headline's lines, where its photos
sit; beside a shape, its twin with the headline set as a 竖题 where the planner may use one
(`offers_vertical_head`). Results are cached per (article, width, photo width, lead, 竖题). Nothing is
reported: what a composition would warn about is reported by make-up later.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from layout.diagnostics import Report
from layout.model import Article, Issue, PageSpec, Paragraph, Placement, Span
from layout.page.adsource import ad_size
from layout.page.frames import GlyphRun, Image
from layout.page.hierarchy import headline_size
from layout.page.jumps import slot_chars, visible_chars
from layout.page.story import Region, StorySetter
from layout.page.typeset import Typesetter
from layout.plan.clash import Band, printed_band
from layout.style import Style
from layout.wording import print_words

#: The fewest body lines a column may hold (a shorter column reads as a fragment).
MIN_COLUMN_LINES = 4
#: A jump head keeps on its own page at least this share of its body lines, or JUMP_FRONT_LINES
#: lines a column when that is less: its front part is a real story, not a headline with a stub.
JUMP_FRONT_SHARE = 1 / 3
JUMP_FRONT_LINES = 12
#: The narrowest story the planner may give a 竖题 (its headline takes the right column, the text the rest).
VERTICAL_HEAD_MIN_COLUMNS = 2


@dataclass(frozen=True)
class Variant:
    """One way to set a story: `width` columns, its photos `photo_width` columns wide (0: no
    photos), the headline at `headline_pt`. Heights are grid lines from the region's top."""

    width: int
    photo_width: int
    headline_pt: float
    height: int                 # grid lines the whole story needs (headline, photos, body)
    head_lines: int             # grid lines of the headline group (with its line of air)
    body_lines: int             # body lines (column-lines) of its text
    chars: int                  # body characters
    photo_zone: tuple[int, int] | None   # grid lines [first, end) its photos take, None without photos
    photo_right: bool           # a photo reaches the story's right edge
    min_height: int             # the least height that still sets MIN_COLUMN_LINES per column (cut or jumped)
    slack: int = 0              # grid lines left empty across every column at the foot of `height` (e.g. the
                                # line of air under a photo's caption when no text runs under it)
    head_band: Band | None = None   # its headline as printed, grid lines from the region's top (`plan.clash`)
    vertical_head: bool = False     # its headline group a 竖题 in its right column: no horizontal band, no 撞题
    photo_lines: int = 0            # its photos' frame height in grid lines (0: as their proportions give it;
                                    # `plan.photofit` crops a photo taller or shorter so the story fills its region)


class Candidates:
    """Measures stories for the planner; one per edition (the cache lives as long as it)."""

    def __init__(self, ts: Typesetter, issue: Issue, style: Style):
        self.issue, self.style = issue, style
        self.ts = ts
        self.setter = StorySetter(ts, (style.margin_left, style.margin_top))
        self._cache: dict[tuple, Variant] = {}
        self._bodies: dict[tuple, list] = {}

    def variants(self, page: PageSpec, pl: Placement, widths: range, photo_widths: list[int] | None,
                 is_lead: bool, vertical: bool = False) -> list[Variant]:
        """The placement's variants at each width of `widths` (and photo width, when given: else
        each photo keeps its own `columns`, at most the story's width); with `vertical`, beside
        each its 竖题 twin where the planner may use one."""
        out = []
        for w in widths:
            for pw in (photo_widths or [0]):
                if pw > w:
                    continue
                v = self.variant(page, pl, w, pw, is_lead)
                if v is not None:
                    out.append(v)
                if vertical and self.offers_vertical_head(pl, w, is_lead):
                    out.append(self.variant(page, pl, w, pw, is_lead, vertical=True))
        return out

    def offers_vertical_head(self, pl: Placement, width: int, is_lead: bool) -> bool:
        """Whether the planner may set this story's headline group as a 竖题 (vertical, in its right
        column, the text beside it and on below it): the desk's way to stand a story beside another
        from the same line without 撞题 and without white above it. Not for the lead (its headline
        leads the page across its width), a jump or its landing, a box, a vertical story, nor a story
        narrower than 2 columns."""
        return (width >= VERTICAL_HEAD_MIN_COLUMNS and not is_lead and not pl.continue_on and not pl.continued
                and not pl.box and pl.direction != "vertical" and pl.headline_direction != "vertical")

    def variant(self, page: PageSpec, pl: Placement, width: int, photo_width: int, is_lead: bool,
                article: Article | None = None, vertical: bool = False, photo_lines: int = 0) -> Variant | None:
        """The story set `width` columns wide (`vertical`: its headline group a 竖题; a placement
        whose `headline_direction` is vertical always is; `photo_lines`: its photos' frames that
        many grid lines tall, 0: as the placement's `photo_lines` or their proportions give them)."""
        vertical = vertical or pl.headline_direction == "vertical"
        key = (pl.article, width, photo_width, is_lead, pl.box, pl.continue_on, article, vertical, photo_lines,
               pl.photo_lines)
        if key not in self._cache:
            v = self._measure(page, pl, width, photo_width, is_lead, article, vertical, photo_lines)
            self._cache[key] = replace(v, photo_lines=photo_lines) if photo_lines else v
        return self._cache[key]

    def body(self, article: Article, inset: float) -> list:
        """The article's body lines at the column measure (the same at every width: composed once)."""
        key = (article.id, inset, article.paragraphs, article.dateline, article.date, article.byline)
        if key not in self._bodies:
            self._bodies[key] = self.setter.body_slots(article, inset)
        return self._bodies[key]

    def article_for(self, pl: Placement, photo_width: int, article: Article | None = None,
                    photo_lines: int = 0) -> Article:
        """The article as this variant sets it: its photos `photo_width` columns wide (0: as written)
        and `photo_lines` grid lines tall (0: as the placement's `photo_lines`, else as their
        proportions give them)."""
        article = article or self.issue.articles[pl.article]
        if photo_width and article.photos:
            article = replace(article, photos=tuple(replace(p, columns=photo_width) for p in article.photos))
        if (photo_lines or pl.photo_lines) and article.photos:
            article = with_photo_lines(article, photo_lines or pl.photo_lines)
        return article

    def headline_pt(self, page: PageSpec, pl: Placement, width: int, is_lead: bool) -> float:
        """The 主题's size as make-up will choose it (`page.hierarchy`) for this width."""
        stub = replace(pl, columns=(1, width), lines=None, rank=1 if is_lead else (pl.rank or 2))
        stub_page = replace(page, placements=tuple(p for p in page.placements if not planned_here(p)) + (stub,))
        return headline_size(stub_page, stub, self.issue, self.style)

    def _measure(self, page: PageSpec, pl: Placement, width: int, photo_width: int, is_lead: bool,
                 article: Article | None, vertical: bool = False, photo_lines: int = 0) -> Variant:
        article = self.article_for(pl, photo_width, article, photo_lines)
        g = self.style.grid
        inset = g.char / 2 if pl.box else 0.0
        size = self.headline_pt(page, pl, width, is_lead)
        decks = [("kicker", article.kicker), ("headline", article.headline), ("subhead", article.subhead)]
        quiet, self.ts.report = self.ts.report, Report()   # make-up reports what matters, once
        try:
            body = self.body(article, inset)
            tall = Region(1, width, 0, 8 * g.lines, False, inset)
            result = self.setter.set_story(article, tall, slots=list(body), decks=decks, headline_size=size,
                                           vertical_head=vertical)
            if vertical:
                from layout.page.vertical import vertical_head_block

                head_items, _columns, head = vertical_head_block(self.setter, decks, tall, article, size)
            else:
                head_items, head = self.setter.headline_group(decks, tall, article, size)
            least = body[:self.least_lines(len(body), width, bool(pl.continue_on))]
            min_height = self.setter.set_story(article, tall, slots=list(least), decks=decks, headline_size=size,
                                               vertical_head=vertical).end + (1 if pl.continue_on else 0)
        finally:
            self.ts.report = quiet
        zone, right = self._photos(result.items, width)
        return Variant(width, photo_width, size, result.end, head, len(body), slot_chars(body), zone, right,
                       min(min_height, result.end), self._slack(result.items, width, result.end),
                       self._band(head_items), vertical)

    @staticmethod
    def least_lines(body_lines: int, width: int, jump_head: bool) -> int:
        """The fewest body lines a story `width` columns wide keeps when cut (MIN_COLUMN_LINES a
        column) or, as a jump head, on its own page (JUMP_FRONT_SHARE of them, at most
        JUMP_FRONT_LINES a column, and never fewer than a cut story keeps)."""
        least = MIN_COLUMN_LINES * width
        if jump_head:
            least = max(least, min(math.ceil(body_lines * JUMP_FRONT_SHARE), JUMP_FRONT_LINES * width))
        return least

    def remainder(self, page: PageSpec, pl: Placement, width: int, photo_width: int, is_lead: bool,
                  lines: int) -> tuple:
        """The body lines (slots) a jump head `width` columns wide hands on when its region holds
        `lines` grid lines of content, as make-up sets it."""
        article = self.article_for(pl, photo_width)
        g = self.style.grid
        inset = g.char / 2 if pl.box else 0.0
        decks = [("kicker", article.kicker), ("headline", article.headline), ("subhead", article.subhead)]
        quiet, self.ts.report = self.ts.report, Report()
        try:
            body = self.body(article, inset)
            result = self.setter.set_story(article, Region(1, width, 0, lines, True, inset), slots=list(body),
                                           decks=decks, jump_to=pl.continue_on,
                                           headline_size=self.headline_pt(page, pl, width, is_lead))
        finally:
            self.ts.report = quiet
        return result.remainder

    def continuation(self, pl: Placement, width: int, remainder: tuple, from_page: int) -> Variant:
        """A jump's continuation `width` columns wide holding `remainder` (the head's lines that
        did not fit), set as make-up sets it: the continuation head, （上接第N版）, the lines."""
        key = ("continuation", pl.article, width, remainder, from_page, pl.box)
        if key in self._cache:
            return self._cache[key]
        article = self.issue.articles[pl.article]
        g = self.style.grid
        inset = g.char / 2 if pl.box else 0.0
        decks = [("continuation_head", article.headline)]
        quiet, self.ts.report = self.ts.report, Report()
        try:
            slots = [self.setter.single_line(print_words(self.setter.ts.lang)["jump_from"].format(page=from_page),
                                            "jump", align="left", inset=inset),
                     *remainder]
            tall = Region(1, width, 0, 8 * g.lines, False, inset)
            result = self.setter.set_story(article, tall, slots=slots, decks=decks,
                                           label=f"{article.headline}（续）")
            head_items, head = self.setter.headline_group(decks, tall, article)
        finally:
            self.ts.report = quiet
        size = self.style.role("continuation_head").size
        v = self._cache[key] = Variant(width, 0, size, result.end, head, len(slots), slot_chars(remainder), None,
                                       False, result.end, self._slack(result.items, width, result.end),
                                       self._band(head_items))
        return v

    def picture(self, pl: Placement) -> Variant:
        """A picture or ad given columns but no lines, as make-up sets it: a picture's photo at its
        proportions with its caption, an ad as tall as it is at the columns' width."""
        g = self.style.grid
        width = pl.columns[1] - pl.columns[0] + 1
        if pl.kind == "ad":
            pw, ph = ad_size(pl.photo.file)
            lines = int(-(-g.span_width(*pl.columns) * ph / pw // g.pitch)) + 1
        else:
            quiet, self.ts.report = self.ts.report, Report()
            try:
                _items, lines = self.setter.photo_block(pl.photo, pl.columns[0], pl.columns[1], 0, pl.label)
            finally:
                self.ts.report = quiet
        return Variant(width, 0, 0.0, lines, 0, 0, 0, (0, lines) if pl.kind == "picture" else None, True, lines)

    def head_band(self, page: PageSpec, pl: Placement, width: int, is_lead: bool) -> Band | None:
        """The headline band (`plan.clash`) of an article set `width` columns wide: for a fixed
        story beside planned ones."""
        article = self.issue.articles[pl.article]
        inset = self.style.grid.char / 2 if pl.box else 0.0
        decks = [("kicker", article.kicker), ("headline", article.headline), ("subhead", article.subhead)]
        quiet, self.ts.report = self.ts.report, Report()
        try:
            items, _lines = self.setter.headline_group(decks, Region(1, width, 0, 8 * self.style.grid.lines, False,
                                                                     inset), article,
                                                       self.headline_pt(page, pl, width, is_lead))
        finally:
            self.ts.report = quiet
        return self._band(items)

    def _band(self, items) -> Band | None:
        return printed_band([it for it in items if isinstance(it, GlyphRun)], self.setter.y(0), self.style.grid.pitch)

    def _slack(self, items, width: int, end: int) -> int:
        """Grid lines at the foot of a story set `end` lines tall (from line 0, columns 1..width) that
        no column prints on: text, caption or photo, as a reader sees the region's foot."""
        g = self.style.grid
        oy = self.setter.y(0)
        last = {c: 0 for c in range(1, width + 1)}   # per column: the line after its lowest mark

        def mark(x0: float, x1: float, line_end: int) -> None:
            for c in last:
                left = self.setter.x(c)
                if x0 < left + g.column_width and left < x1:
                    last[c] = max(last[c], line_end)

        for it in items:
            if isinstance(it, GlyphRun) and it.xs:
                mark(it.xs[0], it.xs[-1] + 0.1, int((it.y - oy) // g.pitch) + 1)
            elif isinstance(it, Image):
                mark(it.x, it.x + it.w, int(-(-(it.y + it.h - oy - 0.01) // g.pitch)))
        return max(0, min(end - n for n in last.values()))

    def _photos(self, items, width: int) -> tuple[tuple[int, int] | None, bool]:
        g = self.style.grid
        images = [it for it in items if isinstance(it, Image)]
        if not images:
            return None, False
        oy = self.setter.y(0)
        first = min(int((im.y - oy) // g.pitch) for im in images)
        end = max(int(-(-(im.y + im.h - oy) // g.pitch)) for im in images)
        right_edge = self.setter.x(width) + g.column_width
        return (first, end), any(abs(im.x + im.w - right_edge) < 1.0 for im in images)


def planned_here(pl: Placement) -> bool:
    """Whether the planner places this placement of a page it plans: an auto article, or a
    placement given columns only (it keeps its columns; the planner chooses its lines)."""
    if pl.kind != "article":   # a picture or ad given columns only: the plan gives it its lines
        return pl.columns is not None and pl.lines is None
    return pl.auto or pl.lines is None


def with_photo_lines(article: Article, lines: int) -> Article:
    """The article with each photo's frame `lines` grid lines tall (cropped around its focus)."""
    return replace(article, photos=tuple(replace(p, lines=lines) for p in article.photos))


def without_last_chars(article: Article, count: int) -> Article:
    """The article with its last `count` printing characters of body text cut (spaces do not
    count, as in overset messages): from its last text paragraphs, back to front; subheads left
    without text after them go too; a closing signature (落款) and the byline stay."""
    paragraphs = list(article.paragraphs)
    tail = []
    while paragraphs and paragraphs[-1].kind == "signature":
        tail.insert(0, paragraphs.pop())
    left = count
    while left > 0 and paragraphs:
        par = paragraphs.pop()
        if par.kind != "p":
            continue
        printing = visible_chars(par.text)
        if printing > left:
            paragraphs.append(_cut_paragraph(par, printing - left))
            left = 0
        else:
            left -= printing
    while paragraphs and paragraphs[-1].kind == "subhead":
        paragraphs.pop()
    return replace(article, paragraphs=tuple(paragraphs + tail))


def _cut_paragraph(par: Paragraph, keep: int) -> Paragraph:
    """The paragraph up to its `keep`-th printing character, its spans kept."""
    spans, left = [], keep
    for sp in par.spans:
        if left <= 0:
            break
        end = 0
        while end < len(sp.text) and left > 0:
            left -= 0 if sp.text[end].isspace() else 1
            end += 1
        spans.append(Span(sp.text[:end], sp.bold))
    return replace(par, spans=tuple(spans))

"""Vertical stories (竖排, `direction: vertical`) and vertical headlines (竖题) on the page.

Takes: a `StorySetter` (the page's typesetter and grid), an article, its
region and its headline decks. Returns: `set_vertical_story(...)` -> a
`StoryResult` like `StorySetter.set_story`: the headline group set
vertically at the right (start) of the region, then the body in vertical
lines read right to left; `vertical_headline(...)` -> the items of a 竖题
and the width it takes, for a horizontal story.

Geometry (docs/typography.md, "Vertical setting"):

* every vertical line of a region is one body grid pitch wide (the style's
  `grid.line_pitch`), counted from the region's right edge: the lines of
  every vertical 栏 stand at the same x, so the character grid runs through;
* a line is a whole number of body characters long: the region's height,
  or `vertical.column_chars` when the style splits it into vertical 栏
  stacked top to bottom, `vertical.gutter_chars` apart;
* lines are composed by the same engine as horizontal ones, on the vertical
  axis (`layout.text.vertical`): prohibitions, compression, no 孤字, total fit.
"""
from __future__ import annotations

import math
from dataclasses import replace
from functools import partial

from layout.fonts.vertical import has_vertical_forms, vertical_advance
from layout.model import Article
from layout.page.frames import Anchor, Box, GlyphRun, Item, Mark
from layout.page.story import _HEADLINE_STEPS, BOX_WIDTH, Region, Slot, StoryResult, StorySetter
from layout.text.classes import CharClass, classify
from layout.text.compose import Line, Run, TextStyle, compose_headline, compose_paragraph
from layout.text.vertical import VerticalMetrics, is_tcy, upright

#: Marks whose vertical form only a face's `vert` gives: set from a face that has it.
_TURNED = frozenset({CharClass.OPEN, CharClass.CLOSE, CharClass.STOP, CharClass.PAUSE, CharClass.DASH,
                     CharClass.ELLIPSIS, CharClass.CONNECTOR})
#: Where a rotated glyph's baseline sits, from the line's middle, in em (the em box's descent).
_ROTATED_BASELINE = 0.38


class VerticalTypesetter:
    """A `Typesetter` (wrapped) that composes vertical lines: the same faces and fallback, the
    runs' metrics measured down the line, the settings `vertical=True`."""

    def __init__(self, ts):
        self._ts = ts
        self.settings = replace(ts.settings, vertical=True, tcy_max=ts.style.vertical.tcy_max)
        self._vstyles: dict[tuple[str, float], TextStyle] = {}

    def __getattr__(self, name):
        return getattr(self._ts, name)

    def vertical_style(self, font: str, size: float) -> TextStyle:
        key = (font, size)
        st = self._vstyles.get(key)
        if st is None:
            face = self._ts.face(font)
            st = self._vstyles[key] = TextStyle(font, size, VerticalMetrics(face, partial(vertical_advance, face)))
        return st

    def runs(self, text: str, role: str, **kw) -> list[Run]:
        """`Typesetter.runs` with vertical metrics; a mark that turns in a vertical line, in a face
        without vertical forms, is set in the first fallback face that has them (never rotated)."""
        out: list[Run] = []
        for run in self._ts.runs(text, role, **kw):
            font = run.style.font
            turned_in = None if has_vertical_forms(self._ts.face(font)) else self._face_with_forms(font)
            if turned_in is None:
                out.append(Run(run.text, self.vertical_style(font, run.style.size)))
                continue
            buf, buf_font = "", font
            for ch in run.text:
                turns = classify(ch) in _TURNED and upright(ch)   # ～ turns, a hyphen lies on its side
                use = turned_in if turns and self._ts.face(turned_in).has(ch) else font
                if use != buf_font and buf:
                    out.append(Run(buf, self.vertical_style(buf_font, run.style.size)))
                    buf = ""
                buf_font = use
                buf += ch
            if buf:
                out.append(Run(buf, self.vertical_style(buf_font, run.style.size)))
            for r in out:
                self._ts.used.setdefault(r.style.font, set()).update(r.text)
        return out

    def _face_with_forms(self, font: str) -> str | None:
        return next((k for k in self._ts._chain(font) if has_vertical_forms(self._ts.face(k))), None)

    def paragraph(self, runs: list[Run], measure: float, *, align: str = "justify", indent: float = 2.0):
        return compose_paragraph(runs, measure, replace(self.settings, align=align, indent=indent))

    def headline(self, runs: list[Run], measure: float, *, align: str = "left", max_lines: int | None = None):
        return compose_headline(runs, measure, replace(self.settings, align=align, indent=0.0), max_lines=max_lines)


def vertical_glyph_runs(line: Line, xc: float, top: float, color, role: str) -> list[GlyphRun]:
    """A composed vertical line whose middle is at x `xc` and whose first em box starts at `top`
    -> GlyphRuns: upright glyphs ("v"), Latin on its side ("r"), 縦中横 numbers side by side ("t")."""
    out: list[GlyphRun] = []
    text: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    current = None

    def flush():
        if text:
            writing, font, size = current
            out.append(GlyphRun(font, size, ys[0], "".join(text), tuple(xs), color, role, writing, tuple(ys)))
            text.clear(), xs.clear(), ys.clear()

    for g in line.glyphs:
        if not g.text.strip():
            continue
        st, y = g.style, top + g.x
        if is_tcy(g.text) and abs(g.advance - st.size) < 1e-6:   # 縦中横: the composer made it one em
            flush()
            current = None
            out.append(_tcy_run(g.text, st, xc, y, color, role))
            continue
        writing = "v" if upright(g.text) else "r"
        key = (writing, st.font, st.size)
        if key != current:
            flush()
            current = key
        x = xc if writing == "v" else xc - _ROTATED_BASELINE * st.size
        for ch in g.text:   # a cluster: every character at the base's origin
            text.append(ch)
            xs.append(x)
            ys.append(y)
    flush()
    return out


def _tcy_run(digits: str, st: TextStyle, xc: float, top: float, color, role: str) -> GlyphRun:
    """A 縦中横 number: its digits upright side by side, centred in the one em box it takes (made
    smaller where they are together wider than the em): a run of writing "t"."""
    face = st.metrics.face
    natural = sum(face.advance(ch) for ch in digits)
    scale = min(1.0, 1.0 / natural) if natural > 0 else 1.0
    size = st.size * scale
    x = xc - natural * size / 2
    xs = []
    for ch in digits:
        xs.append(x)
        x += face.advance(ch) * size
    baseline = top + (st.size - size) / 2 + 0.88 * size
    return GlyphRun(st.font, size, baseline, digits, tuple(xs), color, role, "t")


def _deck_lines(vts: VerticalTypesetter, text: str, role: str, measure: float, article: Article,
                size: float | None = None) -> tuple[Line, ...]:
    """A deck's vertical lines, `measure` pt long at most, broken between words (and at the editor's breaks)."""
    return tuple(line for part in text.split("\n")
                 for line in vts.headline(vts.runs(part, role, size=size, where=article.source, article=article.id),
                                          measure))


def _width(lines: tuple[Line, ...], role) -> float:
    """The width vertical deck lines take: one leading (at the line's size) each."""
    return sum(role.leading * (line.glyphs[0].style.size if line.glyphs else role.size) / role.size for line in lines)


def _fit_vertical_headline(vts: VerticalTypesetter, text: str, role_name: str, measure: float, article: Article,
                           start: float, room: float) -> tuple[tuple[Line, ...], bool]:
    """The main headline down `measure` pt: at `start` pt, or smaller until it takes at most two lines
    (more only where the editor broke it) and at most `room` pt across; where no size does both, the
    largest that fits across, else the smallest. -> (lines, whether they fit across)."""
    role = vts.style.role(role_name)
    most = max(2, text.count("\n") + 1)
    tried = []
    for size in [start] + [s for s in _HEADLINE_STEPS if s < start]:
        lines = _deck_lines(vts, text, role_name, measure, article, size)
        fits = _width(lines, role) <= room + 1e-6
        if fits and len(lines) <= most:
            return lines, True
        tried.append((lines, fits))
    across = [lines for lines, fits in tried if fits]
    return (across[0], True) if across else (tried[-1][0], False)


def vertical_headline(setter: StorySetter, decks: list[tuple[str, str]], x_right: float, top: float,
                      measure: float, article: Article, headline_size: float | None = None,
                      room: float = float("inf"), report: bool = False) -> tuple[list[Item], float]:
    """Headline decks [(role, text)] set vertically from `x_right` leftwards, each line from `top`
    down at most `measure` pt, the main headline sized to keep the decks within `room` pt across
    -> (items, the width in pt the decks take). `report`: say so (an error) when they cannot."""
    vts = VerticalTypesetter(setter.ts)
    style = setter.ts.style
    composed = {name: _deck_lines(vts, text, name, measure, article) for name, text in decks
                if text and name != "headline"}
    others = sum(_width(lines, style.role(name)) for name, lines in composed.items())
    items: list[Item] = []
    x = x_right
    for role_name, text in decks:
        if not text:
            continue
        role = style.role(role_name)
        if role_name == "headline":
            size = style.vertical.headline_size or headline_size or role.size
            lines, fits = _fit_vertical_headline(vts, text, role_name, measure, article, size, room - others)
            if report and not fits:
                setter.ts.report.error(
                    "vertical-headline-wide", f"the vertical headline of '{article.id}' is wider than its region even "
                    f"at {lines[0].glyphs[0].style.size if lines and lines[0].glyphs else size:g} pt",
                    article.source, "give the story more columns or grid lines, or shorten the headline")
        else:
            lines = composed[role_name]
        for line in lines:
            size = line.glyphs[0].style.size if line.glyphs else role.size
            leading = role.leading * size / role.size
            items += vertical_glyph_runs(line, x - leading / 2, top, role.color, role_name)
            x -= leading
    return items, x_right - x


def vertical_head_block(setter: StorySetter, decks: list[tuple[str, str]], region: Region, article: Article,
                        headline_size: float | None = None) -> tuple[list[Item], list[int], int]:
    """A 竖题 for a horizontal story: the decks set vertically, top-aligned, centred across the
    region's right column (or as many right columns as they need), at most the region's height
    long -> (items, the columns it takes, the grid lines it takes there, a line of air included)."""
    g = setter.grid
    top = setter.y(region.top) + (g.pitch / 2 if region.inset else 0.0)
    measure = (region.bottom - region.top) * g.pitch - (g.pitch - g.char) - (g.pitch if region.inset else 0.0)
    across = g.span_width(region.first, region.last) - 2 * region.inset
    probe, width = vertical_headline(setter, decks, 0.0, top, measure, article, headline_size, room=across)
    if not probe:
        return [], [], 0
    span = 1
    while span < region.last - region.first + 1 and g.span_width(region.last - span + 1, region.last) < width:
        span += 1
    first = region.last - span + 1
    room = g.span_width(first, region.last) - 2 * region.inset
    x_right = setter.x(first) + region.inset + (room + width) / 2
    items, _ = vertical_headline(setter, decks, x_right, top, measure, article, headline_size, room=across,
                                 report=True)
    foot = max(bounds_bottom(items), top)
    lines = math.ceil((foot - setter.y(region.top)) / g.pitch - 1e-6) + 1
    return items, list(range(first, region.last + 1)), min(lines, region.bottom - region.top)


def bounds_bottom(items) -> float:
    """The lowest em box of the glyph runs among `items`."""
    from layout.page.frames import run_bounds

    return max((run_bounds(it)[3] for it in items if isinstance(it, GlyphRun) and it.xs), default=0.0)


def set_vertical_story(setter: StorySetter, article: Article, region: Region, *, decks: list[tuple[str, str]],
                       headline_size: float | None = None) -> tuple[StoryResult, list[Slot], int]:
    """A whole story set vertically in its region (see the module docstring). A fixed region keeps
    its lines; a free one takes the fewest whole vertical 栏 that hold its text (of
    `vertical.column_chars`, else twice a grid column's characters), down to its foot at most.
    -> (the result, the body lines composed: what the text ledger counts as handed to make-up, the
    characters a vertical line holds). The result's `underset_cells` counts the vertical lines a
    fixed region leaves empty."""
    vts = VerticalTypesetter(setter.ts)
    vsetter = StorySetter(vts, (setter.ox, setter.oy))
    g = setter.grid
    vstyle = setter.ts.style.vertical
    x_right = setter.x(region.last) + g.column_width - region.inset
    x_left = setter.x(region.first) + region.inset
    top = setter.y(region.top) + (g.pitch / 2 if region.inset else 0.0)
    bodies: dict[float, list[Slot]] = {}
    # a free region grows in whole vertical 栏: of `vertical.column_chars`, else twice a grid column's characters
    lan_chars = vstyle.column_chars or (0 if region.fixed else 2 * g.column_chars)
    gutter = vstyle.gutter_chars * g.char
    across = x_right - x_left

    def layout(end: int, final: bool = False):
        height = setter.y(end) - (g.pitch - g.char) - top
        # the headline keeps room for two body lines beside it
        head, head_width = vertical_headline(setter, decks, x_right, top, height, article, headline_size,
                                             room=across - 2 * g.pitch, report=final)
        first = math.ceil(head_width / g.pitch - 1e-6) + (1 if head_width else 0)
        last = math.floor((across + (g.pitch - g.char) / 2) / g.pitch + 1e-6) - 1
        per_lan = max(0, last - first + 1)
        chars = math.floor(height / g.char + 1e-6)
        lans = 1
        if lan_chars and lan_chars < chars:
            lans = max(1, math.floor((height + gutter) / (lan_chars * g.char + gutter) + 1e-6))
            chars = lan_chars
        measure = chars * g.char
        if measure not in bodies:   # a region too short for one character still composes (and oversets) its text
            bodies[measure] = vsetter.body_slots(article, measure=max(measure, g.char))
        return head, first, per_lan, lans, measure, bodies[measure]

    end = region.bottom
    if not region.fixed:   # the fewest whole 栏 that hold the text, down to the region's foot at most
        for n in range(1, region.bottom - region.top + 1):
            height = n * lan_chars * g.char + (n - 1) * gutter + (g.pitch - g.char) + (top - setter.y(region.top))
            end = min(region.bottom, region.top + math.ceil(height / g.pitch - 1e-6))
            _h, _f, per_lan, lans, _m, slots = layout(end)
            if per_lan * lans >= len(slots) or end == region.bottom:
                break
    head, first, per_lan, lans, measure, slots = layout(end, final=True)
    if lans == 1:
        gutter = 0.0
    cap = per_lan * lans
    remainder = tuple(slots[cap:])
    items: list[Item] = [Anchor("story", article.id, article.headline.replace("\n", " "),
                                setter.x(region.first), setter.y(region.top))]
    items += head
    for i, slot in enumerate(slots[:cap]):
        lan, k = divmod(i, per_lan) if per_lan else (0, 0)
        xc = x_right - (first + k) * g.pitch - g.pitch / 2
        role = setter.ts.style.role(slot.role)
        items += vertical_glyph_runs(slot.line, xc, top + lan * (measure + gutter), role.color, slot.role)
    height = (end - region.top) * g.pitch
    if region.inset:
        items.append(Box(setter.x(region.first), setter.y(region.top), g.span_width(region.first, region.last),
                         (end - region.top + 0.25) * g.pitch, BOX_WIDTH))
    for lan in range(lans if per_lan else 0):   # the vertical grid, for the preview overlay: a mark per vertical 栏
        x1 = x_right - first * g.pitch
        items.append(Mark("vertical-grid", x1 - per_lan * g.pitch, top + lan * (measure + gutter), per_lan * g.pitch,
                          measure, f"{g.pitch:g}"))
    items.append(Mark("region", setter.x(region.first), setter.y(region.top),
                      g.span_width(region.first, region.last), height, article.id))
    empty = (cap - len(slots)) if region.fixed and not remainder else 0
    return StoryResult(tuple(items), end, remainder, underset_cells=empty), slots, round(measure / g.char)

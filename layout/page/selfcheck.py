"""Make-up self-check: finished page frames -> what a night editor would send back.

Looks only at what will be printed (the `PageFrame`s), never at how make-up
meant to place it, so it catches a whole class of make-up defects whatever
caused them:

- `collision` (error): a glyph whose box meets a rule, a box edge, a photo or
  another story's glyphs, or a rule or box edge across a photo;
- `empty-column` (warning): a column of a story's region with no text or photo;
- `lone-ending` (warning): a byline or jump line alone at the top of a column;
- `rule-crossing` (warning): a rule (or box edge) drawn through another, past the
  junction on both sides, or a rule that stops short of the rule it runs towards
  (a gap of up to a grid line at a corner where two rules should meet);
- `rule-stub` (warning): a rule between stories shorter than a grid line (a stray end);
- `rule-doubled` (warning): a rule running alongside a box edge or another rule,
  closer than a gutter with nothing between them (two lines where one parts the stories);
- `intertitle-stranded` (warning): an in-body subhead (插题) at the foot of a column, its text in
  the next;
- `credit-split` (warning): a photo credit (「某某 摄」) broken across two lines;
- `empty-space` (info): grid lines of a column that nothing covers (a hole, 天窗).

`page_findings(frame, style)` -> `Finding`s of one page (the preview overlay
marks them); `check_pages(frames, style, sources)` -> located `Diagnostic`s
for the report. Each check is a small function `PageIndex -> [Finding]` in
`CHECKS`; a new one is one more function there: it reads `page.stories` (each
story's glyph runs by role, photos, boxes and region), places what it finds
with `page.column_line(x, y)`, and gives its `Finding` a code, a message naming
the story and the page, and a hint (the preview tags an unknown code by name).

Glyph boxes are em boxes (0.88 em above the baseline to 0.12 em below it, as
the typesetter places them), from the glyph's origin to the next glyph's, at
most one em; 0.6 em for a Latin letter or digit ending a run; only the first
0.7 em of closing punctuation and the last 0.7 em of opening punctuation,
where their ink lies, so a mark hung past a line's end or before its start is
judged by its ink. Rules, box edges and photos find the glyphs they might meet
through a bucket grid over the page (`_Buckets`); two stories' glyphs are
compared only where the stories' extents meet. The cost grows with the number
of glyphs, not its square.
"""
from __future__ import annotations

import marshal
import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterator

from layout import __version__
from layout.blobstore import BlobStore
from layout.diagnostics import ERROR, INFO, WARNING, Diagnostic, Source
from layout.page.frames import Anchor, Box, GlyphRun, Image, Mark, PageFrame, Rule, run_bounds
from layout.page.story import ENDING_ROLES
from layout.style import Grid, Style

#: Roles of a story's text below its headline group (what fills its columns).
TEXT_ROLES = frozenset({"body", "dateline", "intertitle", "byline", "jump"})
#: Blank glyphs: no ink, nothing to strike.
_BLANK = frozenset(" \u3000\u00a0")
#: Closing punctuation: its ink lies in the first 0.7 em (left-bottom in zh-CN, centred in
#: zh-TW/HK), so one hung into the margin at a line's end reaches no further.
_CLOSING = frozenset("，。、；：！？）」』》〉】”’,.;:!?)")
#: Opening punctuation: its ink lies in the last 0.7 em, so one hung before the line's start
#: reaches no further left.
_OPENING = frozenset("（「『《〈【“‘(")
#: pt two boxes must overlap by before they count as meeting (rounding in the frames).
_EPS = 0.05
#: Owner of the masthead and running-head items (before any story's anchor).
CHROME = ""


@dataclass(frozen=True)
class Finding:
    """One defect on a page: where (story, 1-based grid column and line, the spot in pt) and what."""

    severity: str
    code: str
    page: int
    story: str            # region label (article id, picture or ad file name); CHROME for the masthead
    column: int
    line: int
    message: str
    spot: tuple[float, float, float, float]   # x, y, w, h on the page, pt
    other: str = ""       # a collision with another story's text: that story's label
    hint: str = ""        # what to do; default: the code's hint in `_HINTS`


_HINTS = {
    "collision": "a make-up fault: report it with the manifest; meanwhile move or resize the regions involved",
    "empty-column": "give the story fewer columns, or more text",
    "lone-ending": "give the region one grid line more or fewer, or cut or add a line of text",
    "intertitle-stranded": "give the region one grid line more or fewer, or cut or add a line of text before it",
    "headline-split-word": "mark where the headline breaks with '|' (or a new line), or shorten it",
    "rule-crossing": "a make-up fault: report it with the manifest; meanwhile move or resize the regions involved",
    "rule-stub": "a make-up fault: report it with the manifest; meanwhile move or resize the regions involved",
    "rule-doubled": "a make-up fault: report it with the manifest; meanwhile move or resize the regions involved",
    "empty-space": "give a story above fixed lines that reach down, place another story or an ad there, or move "
                   "the stories below up",
    "credit-split": "a make-up fault: report it with the manifest; meanwhile shorten the caption or the credit",
}


@dataclass
class Story:
    """The items one story (or picture, ad, or the page's chrome) put on the page."""

    label: str
    kind: str                                   # story | continuation | picture | ad | chrome
    runs: list[GlyphRun] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    region: Mark | None = None


@dataclass
class PageIndex:
    """A page's items sorted by owner, and its grid: what the checks read."""

    frame: PageFrame
    grid: Grid
    origin: tuple[float, float]
    stories: list[Story]
    rules: list[Rule]
    chrome_rules: int = 0    # how many of `rules` (the first ones) the masthead or running head drew
    #: id(story) -> its text runs by column (`_text_columns`, asked by several checks)
    text_columns: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        g = self.grid   # the grid's derived sizes, worked out once: every finding asks for its place
        self._half_gutter, self._column_step = g.gutter / 2, g.column_width + g.gutter

    def column_line(self, x: float, y: float) -> tuple[int, int]:
        """The 1-based grid column and line at page point (x, y) (clamped to the grid)."""
        g = self.grid
        column = int((x - self.origin[0] + self._half_gutter) // self._column_step) + 1
        line = int((y - self.origin[1]) // g.pitch) + 1
        return min(max(column, 1), g.columns), min(max(line, 1), g.lines)

    def region_columns(self, region: Mark) -> list[int]:
        g, ox = self.grid, self.origin[0]
        return [c for c in range(1, g.columns + 1)
                if ox + g.column_x(c) < region.x + region.w - _EPS
                and region.x < ox + g.column_x(c) + g.column_width - _EPS]

    def column_of(self, x: float) -> int:
        return self.column_line(x, self.origin[1])[0]


def index_page(frame: PageFrame, style: Style) -> PageIndex:
    """Each item under the story that made it: items between a story's `Anchor` and its region
    `Mark` are that story's; items outside any (masthead, running head) are the chrome's."""
    chrome = Story(CHROME, "chrome")
    stories, rules = [chrome], []
    current = chrome
    chrome_rules = None
    for item in frame.items:
        if isinstance(item, Anchor):
            chrome_rules = len(rules) if chrome_rules is None else chrome_rules
            current = Story(item.article, item.kind)
            stories.append(current)
        elif isinstance(item, Mark):
            if item.kind == "region" and current is not chrome:
                current.label, current.region = item.label, item
                current = chrome
        elif isinstance(item, GlyphRun):
            current.runs.append(item)
        elif isinstance(item, Image):
            current.images.append(item)
        elif isinstance(item, Box):
            current.boxes.append(item)
        elif isinstance(item, Rule):
            rules.append(item)
    return PageIndex(frame, style.grid, (style.margin_left, style.margin_top), stories, rules,
                     len(rules) if chrome_rules is None else chrome_rules)


# -- geometry -------------------------------------------------------------------------------

Rect = tuple[float, float, float, float]   # x0, y0, x1, y1


def run_rect(run: GlyphRun) -> Rect:
    return run_bounds(run)


def glyph_rects(run: GlyphRun) -> Iterator[tuple[int, Rect]]:
    """(index, em box) of each inked glyph of a run."""
    if run.writing in ("v", "r"):   # a vertical line's run: each glyph's em box down the line
        s = run.size
        for i, ch in enumerate(run.text):
            if ch in _BLANK:
                continue
            y = run.ys[i]
            step = min(s, run.ys[i + 1] - y) if i + 1 < len(run.ys) and run.ys[i + 1] > y else s
            if run.writing == "v":
                yield i, (run.xs[i] - s / 2, y, run.xs[i] + s / 2, y + max(step, 0.5 * s))
            else:
                yield i, (run.xs[i] - 0.12 * s, y, run.xs[i] + 0.88 * s, y + max(step, 0.5 * s))
        return
    top, bottom = run.y - 0.88 * run.size, run.y + 0.12 * run.size
    for i, ch in enumerate(run.text):
        if ch in _BLANK:
            continue
        x = run.xs[i]
        if i + 1 < len(run.xs):
            advance = min(run.size, run.xs[i + 1] - x)
        else:   # a run's last glyph: a Latin letter or digit is about half an em wide
            advance = run.size if ord(ch) >= 0x2E80 else 0.6 * run.size
        left = x
        if ch in _CLOSING:
            advance = min(advance, 0.7 * run.size)
        elif ch in _OPENING:
            left = x + advance - 0.7 * min(advance, run.size)
        yield i, (left, top, x + max(advance, 0.0), bottom)


def _meet(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] - _EPS and b[0] < a[2] - _EPS and a[1] < b[3] - _EPS and b[1] < a[3] - _EPS


def _rule_rect(x1: float, y1: float, x2: float, y2: float, width: float) -> Rect:
    """A horizontal or vertical line as drawn (butt ends): `width` thick, no longer than it is."""
    half = width / 2
    dx, dy = (0.0, half) if abs(y2 - y1) < abs(x2 - x1) else (half, 0.0)
    return min(x1, x2) - dx, min(y1, y2) - dy, max(x1, x2) + dx, max(y1, y2) + dy


def _box_edges(box: Box) -> list[Rect]:
    x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
    return [_rule_rect(x0, y0, x1, y0, box.width), _rule_rect(x0, y1, x1, y1, box.width),
            _rule_rect(x0, y0, x0, y1, box.width), _rule_rect(x1, y0, x1, y1, box.width)]


class _Buckets:
    """A uniform bucket grid over the page: rectangles in, the ones near a rectangle out."""

    def __init__(self, size: float = 48.0):
        self.size = size
        self.cells: dict[tuple[int, int], list] = {}

    def _keys(self, r: Rect) -> Iterator[tuple[int, int]]:
        s = self.size
        for i in range(int(r[0] // s), int(r[2] // s) + 1):
            for j in range(int(r[1] // s), int(r[3] // s) + 1):
                yield i, j

    def add(self, r: Rect, value) -> None:
        s, cells = self.size, self.cells
        rows = range(int(r[1] // s), int(r[3] // s) + 1)
        for i in range(int(r[0] // s), int(r[2] // s) + 1):
            for j in rows:
                cells.setdefault((i, j), []).append(value)

    def near(self, r: Rect) -> Iterator:
        seen = set()
        for key in self._keys(r):
            for value in self.cells.get(key, ()):
                if id(value) not in seen:
                    seen.add(id(value))
                    yield value


# -- the checks -----------------------------------------------------------------------------

def _name(story: Story) -> str:
    return "the masthead and running head" if story.label == CHROME else f"'{story.label}'"


def collisions(page: PageIndex) -> list[Finding]:
    """Glyphs meeting a rule, a box edge, a photo, or another story's glyphs; rules and box edges
    across photos (errors)."""
    runs = _Buckets()
    for story in page.stories:
        for run in story.runs:
            if run.xs:
                runs.add(run_rect(run), (story, run))
    obstacles: list[tuple[Rect, str, Story | None]] = [
        (_rule_rect(r.x1, r.y1, r.x2, r.y2, r.width), "a rule", None) for r in page.rules]
    for story in page.stories:
        obstacles += [(edge, f"the edge of {_name(story)}'s box", None) for box in story.boxes for edge in _box_edges(box)]
        obstacles += [((im.x, im.y, im.x + im.w, im.y + im.h), f"a photo of {_name(story)}", None)
                      for im in story.images]
    out: list[Finding] = []
    lines = [(rect, what) for rect, what, _ in obstacles if not what.startswith("a photo")]
    for story in page.stories:       # rules and box edges across a photo (few of each: all pairs)
        for im in story.images:
            spot = (im.x, im.y, im.x + im.w, im.y + im.h)
            for rect, what in lines:
                if _meet(rect, spot):
                    column, line = page.column_line((max(rect[0], spot[0]) + min(rect[2], spot[2])) / 2,
                                                    (max(rect[1], spot[1]) + min(rect[3], spot[3])) / 2)
                    out.append(Finding(ERROR, "collision", page.frame.number, story.label, column, line,
                                       f"{what} runs across a photo of {_name(story)} on page {page.frame.number} "
                                       f"at column {column}, line {line}",
                                       (rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1])))
    for rect, what, _ in obstacles:
        for story, run in runs.near(rect):
            hit = _first_hit(run, rect)
            if hit is not None:
                out.append(_collision(page, story, run, hit, what))
    bounds = [_bounds([run_rect(r) for r in story.runs if r.xs]) for story in page.stories]
    for n, story in enumerate(page.stories):       # another story's glyphs: only where two stories' extents meet
        for m in range(n + 1, len(page.stories)):
            if bounds[n] is None or bounds[m] is None or not _meet(bounds[n], bounds[m]):
                continue
            mine = [r for r in story.runs if r.xs and _meet(run_rect(r), bounds[m])]
            theirs = [r for r in page.stories[m].runs if r.xs and _meet(run_rect(r), bounds[n])]
            for run in mine:
                for other_run in theirs:
                    hit = _glyphs_meet(run, other_run) if _meet(run_rect(run), run_rect(other_run)) else None
                    if hit is not None:
                        out.append(_collision(page, story, run, hit, f"the text of {_name(page.stories[m])}",
                                              page.stories[m].label))
    return out


def _bounds(rects: list[Rect]) -> Rect | None:
    if not rects:
        return None
    return min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)


def _first_hit(run: GlyphRun, rect: Rect) -> int | None:
    if not _meet(run_rect(run), rect):
        return None
    return next((i for i, g in glyph_rects(run) if _meet(g, rect)), None)


def _glyphs_meet(run: GlyphRun, other: GlyphRun) -> int | None:
    others = [g for _i, g in glyph_rects(other)]
    return next((i for i, g in glyph_rects(run) if any(_meet(g, o) for o in others)), None)


def _collision(page: PageIndex, story: Story, run: GlyphRun, i: int, what: str, other: str = "") -> Finding:
    x, size = run.xs[i], run.size
    column, line = page.column_line(x + size / 2, run.y - 0.38 * size)
    text = run.text[max(0, i - 4):i + 5].strip()
    return Finding(ERROR, "collision", page.frame.number, story.label, column, line,
                   f"{what} strikes the text of {_name(story)} on page {page.frame.number} "
                   f"at column {column}, line {line}: 「{text}」",
                   (x, run.y - 0.88 * size, size, size), other)


def _text_columns(page: PageIndex, story: Story) -> dict[int, list[GlyphRun]]:
    """A story's text runs (below the headline group) by the grid column they start in (worked
    out once per page and story; the caller must not change what it gets)."""
    out = page.text_columns.get(id(story))
    if out is None:
        out = page.text_columns[id(story)] = {}
        for run in story.runs:
            if run.role in TEXT_ROLES and run.xs:
                out.setdefault(page.column_of(run.xs[0]), []).append(run)
    return out


def empty_columns(page: PageIndex) -> list[Finding]:
    """A column of a story's region with neither text nor photo (warnings)."""
    out = []
    for story in page.stories:
        if story.kind not in ("story", "continuation") or story.region is None:
            continue
        text = _text_columns(page, story)
        if not text:
            continue
        r = story.region
        for c in page.region_columns(r):
            x0 = page.origin[0] + page.grid.column_x(c)
            x1 = x0 + page.grid.column_width
            if c in text or any(im.x < x1 and x0 < im.x + im.w for im in story.images):
                continue
            line = page.column_line(x0, r.y)[1]
            out.append(Finding(WARNING, "empty-column", page.frame.number, story.label, c, line,
                               f"column {c} of {_name(story)} on page {page.frame.number} is empty "
                               f"(the story's text does not reach it)", (x0, r.y, x1 - x0, r.h)))
    return out


def _horizontal_text_columns(page: PageIndex) -> Iterator[tuple[Story, dict[int, list[GlyphRun]]]]:
    """(story, its text runs by grid column) for each story or continuation set horizontally (a
    vertical story's lines run across the grid's columns, not down them)."""
    for story in page.stories:
        if story.kind not in ("story", "continuation"):
            continue
        if any(run.writing != "h" for run in story.runs if run.role in TEXT_ROLES):
            continue
        yield story, _text_columns(page, story)


def _line_finding(page: PageIndex, story: Story, run: GlyphRun, code: str,
                  message: Callable[[int], str]) -> Finding:
    """A warning about the text line `run` starts, placed at its grid column and line."""
    column, line = page.column_line(run.xs[0], run.y - 0.38 * run.size)
    return Finding(WARNING, code, page.frame.number, story.label, column, line, message(column),
                   (run.xs[0], run.y - 0.88 * run.size, run.xs[-1] + run.size - run.xs[0], run.size))


def lone_endings(page: PageIndex) -> list[Finding]:
    """A byline or jump line that opens a column of its story (not the first) (warnings)."""
    out = []
    for story, columns in _horizontal_text_columns(page):
        for c in sorted(columns)[1:]:
            top = min(run.y for run in columns[c])
            first_line = [run for run in columns[c] if abs(run.y - top) < 0.5]
            if all(run.role in ENDING_ROLES for run in first_line):
                run = first_line[0]
                kind = "byline" if run.role == "byline" else "jump line"
                out.append(_line_finding(page, story, run, "lone-ending", lambda column: (
                    f"the {kind} 「{run.text.strip()}」 of {_name(story)} stands alone at the top of "
                    f"column {column} on page {page.frame.number}")))
    return out


def stranded_intertitles(page: PageIndex) -> list[Finding]:
    """An in-body subhead (插题) that ends a column of its story, its text in the next column or
    beyond (warnings)."""
    out = []
    for story, columns in _horizontal_text_columns(page):
        for c, runs in sorted(columns.items()):
            foot = max(run.y for run in runs)
            last_line = [run for run in runs if abs(run.y - foot) < 0.5]
            if all(run.role == "intertitle" for run in last_line):
                run = last_line[0]
                out.append(_line_finding(page, story, run, "intertitle-stranded", lambda column: (
                    f"the subhead 「{run.text.strip()}」 of {_name(story)} ends column {column} on "
                    f"page {page.frame.number}: its text starts in the next column")))
    return out


def headline_word_breaks(page: PageIndex) -> list[Finding]:
    """A headline (主题) whose lines break inside a word (warnings): its printed lines, top to bottom,
    read as one text by `layout.text.phrases.inside_word_breaks`."""
    out = []
    for story in page.stories:
        runs = [run for run in story.runs if run.role == "headline" and run.xs]
        if any(run.writing != "h" for run in runs):   # a vertical headline: its lines right to left
            groups = _vertical_lines(runs)
            heads = [group[0] for group in groups]
            lines = ["".join(run.text for run in group) for group in groups]
        else:
            heads = sorted(runs, key=lambda r: (r.y, r.xs[0]))
            lines = [run.text for run in heads]
        if len(heads) < 2:
            continue
        from layout.memo import inside_word_breaks

        for i in inside_word_breaks(lines):
            run = heads[i]
            column, line = page.column_line(run.xs[0], run.y - 0.38 * run.size)
            out.append(Finding(WARNING, "headline-split-word", page.frame.number, story.label, column, line,
                               f"the headline of {_name(story)} on page {page.frame.number} breaks inside a word: "
                               f"「{lines[i].strip()}／{lines[i + 1].strip()}」",
                               (run.xs[0], run.y - 0.88 * run.size, run.xs[-1] + run.size - run.xs[0], run.size)))
    return out


def _vertical_lines(runs: list[GlyphRun]) -> list[list[GlyphRun]]:
    """Runs of vertical lines grouped by line, lines right to left, runs top to bottom in each."""
    groups: dict[float, list[GlyphRun]] = {}
    for run in runs:
        if run.writing == "t":
            middle = sum(run.xs) / len(run.xs)
        else:
            middle = run.xs[0] + (0.38 * run.size if run.writing == "r" else 0.0)
        key = next((k for k in groups if abs(k - middle) < 0.4 * run.size), middle)
        groups.setdefault(key, []).append(run)
    return [sorted(groups[k], key=lambda r: r.ys[0] if r.ys else r.y) for k in sorted(groups, reverse=True)]


#: pt a rule may run past another (or stop short of it) and still meet it cleanly (line widths, rounding).
_JOIN_TOLERANCE = 1.0


def _segments(page: PageIndex) -> tuple[list[tuple], list[tuple]]:
    """The page's straight lines as (horizontal, vertical) lists: horizontal (y, x0, x1, what),
    vertical (x, y0, y1, what), `what` naming the line: "a rule" for a rule between stories.
    Rules and box edges; a line that is neither is left out."""
    flat, upright = [], []
    lines = [((r.x1, r.y1, r.x2, r.y2), "a rule" if n >= page.chrome_rules else "the masthead's or running head's rule")
             for n, r in enumerate(page.rules)]
    for story in page.stories:
        for box in story.boxes:
            x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
            what = f"the edge of {_name(story)}'s box"
            lines += [((x0, y0, x1, y0), what), ((x0, y1, x1, y1), what), ((x0, y0, x0, y1), what),
                      ((x1, y0, x1, y1), what)]
    for (x1, y1, x2, y2), what in lines:
        if abs(y2 - y1) < _EPS and abs(x2 - x1) > _EPS:
            flat.append((y1, min(x1, x2), max(x1, x2), what))
        elif abs(x2 - x1) < _EPS and abs(y2 - y1) > _EPS:
            upright.append((x1, min(y1, y2), max(y1, y2), what))
    return flat, upright


def rule_crossings(page: PageIndex) -> list[Finding]:
    """Rules that cross instead of meeting (warnings): a vertical and a horizontal line that each run
    past the other on both sides (a '+' where stories meet in a 'T' or an 'L': a rule drawn into the
    next story's space), and a vertical rule between stories that stops short of a horizontal one
    across its line (a gap at the corner, up to 3/4 of a grid line; box edges and the masthead's and
    running head's rules may stand apart from the column rules)."""
    flat, upright = _segments(page)
    tol, out = _JOIN_TOLERANCE, []
    for y, left, right, what in flat:
        if what == "a rule" and right - left < page.grid.pitch:
            out.append(_stub(page, (left + right) / 2, y, right - left))
    for x, top, bottom, what in upright:
        if what == "a rule" and bottom - top < page.grid.pitch:
            out.append(_stub(page, x, (top + bottom) / 2, bottom - top))

    def finding(x: float, y: float, message: str) -> Finding:
        column, line = page.column_line(x, y)
        return Finding(WARNING, "rule-crossing", page.frame.number, _story_at(page, x, y), column, line,
                       message.format(where=f"on page {page.frame.number} at column {column}, line {line}"),
                       (x - 3, y - 3, 6, 6))

    for x, top, bottom, what in upright:
        for y, left, right, other in flat:
            if not (left - tol <= x <= right + tol):
                continue
            if top - tol <= y <= bottom + tol:
                if min(y - top, bottom - y) > tol and min(x - left, right - x) > tol:
                    out.append(finding(x, y, f"{what} (vertical) runs through {other} {{where}}: "
                                             f"{max(min(y - top, bottom - y), 0):.1f} pt past it"))
            elif what == other == "a rule" and min(x - left, right - x) > -tol and 0 < min(abs(y - bottom), abs(top - y)) <= 0.75 * page.grid.pitch:
                gap = y - bottom if y > bottom else top - y
                if gap > tol and not _other_line_between(upright, x, y, top, bottom):
                    out.append(finding(x, y, f"{what} (vertical) stops {gap:.1f} pt short of {other} {{where}}"))
    return out


def doubled_rules(page: PageIndex) -> list[Finding]:
    """Two lines where one parts the stories (warnings): a rule running alongside a box edge or another
    rule, a vertical pair closer than a gutter, a horizontal pair closer than 3/4 of a grid line, side
    by side for at least a grid line, with no text between them."""
    flat, upright = _segments(page)
    g, out = page.grid, []
    runs = [run for story in page.stories for run in story.runs if run.xs]

    def clear(rect: Rect) -> bool:
        return not any(_first_hit(run, rect) is not None for run in runs)

    def pairs(lines: list[tuple], reach: float):
        for n, (a, a0, a1, what_a) in enumerate(lines):
            for b, b0, b1, what_b in lines[n + 1:]:
                if "rule" not in what_a + what_b or not _JOIN_TOLERANCE < abs(a - b) <= reach + _EPS:
                    continue
                lo, hi = max(a0, b0), min(a1, b1)
                if hi - lo >= g.pitch:
                    yield min(a, b), max(a, b), lo, hi, what_a, what_b

    for x0, x1, y0, y1, what_a, what_b in pairs(upright, g.gutter):
        if clear((x0, y0, x1, y1)):
            out.append(_doubled(page, (x0 + x1) / 2, (y0 + y1) / 2, (x0, y0, x1 - x0, y1 - y0), what_a, what_b))
    for y0, y1, x0, x1, what_a, what_b in pairs(flat, 0.75 * g.pitch):
        if clear((x0, y0, x1, y1)):
            out.append(_doubled(page, (x0 + x1) / 2, (y0 + y1) / 2, (x0, y0, x1 - x0, y1 - y0), what_a, what_b))
    return out


def _doubled(page: PageIndex, x: float, y: float, spot: tuple, what_a: str, what_b: str) -> Finding:
    column, line = page.column_line(x, y)
    return Finding(WARNING, "rule-doubled", page.frame.number, _story_at(page, x, y), column, line,
                   f"{what_a} runs alongside {what_b} on page {page.frame.number} at column {column}, line {line}, "
                   f"with nothing between them", spot)


def _stub(page: PageIndex, x: float, y: float, length: float) -> Finding:
    column, line = page.column_line(x, y)
    return Finding(WARNING, "rule-stub", page.frame.number, _story_at(page, x, y), column, line,
                   f"a rule only {length:.1f} pt long stands on page {page.frame.number} at column {column}, "
                   f"line {line} (a stray end of a rule)", (x - 3, y - 3, 6, 6))


def _other_line_between(upright: list[tuple], x: float, y: float, top: float, bottom: float) -> bool:
    """Whether another vertical line on `x` fills the gap between a line (top..bottom) and `y`."""
    lo, hi = (bottom, y) if y > bottom else (y, top)
    return any(abs(ux - x) < _EPS and u0 <= lo + _JOIN_TOLERANCE and u1 >= hi - _JOIN_TOLERANCE
               for ux, u0, u1, _w in upright)


def _story_at(page: PageIndex, x: float, y: float) -> str:
    """The label of the story whose region holds page point (x, y) (the nearest below it if none; CHROME)."""
    best, best_d = CHROME, None
    for story in page.stories:
        r = story.region
        if r is None or not (r.x - _JOIN_TOLERANCE <= x <= r.x + r.w + _JOIN_TOLERANCE):
            continue
        d = 0.0 if r.y <= y <= r.y + r.h else min(abs(r.y - y), abs(r.y + r.h - y))
        if best_d is None or d < best_d:
            best, best_d = story.label, d
    return best


def split_credits(page: PageIndex) -> list[Finding]:
    """A photo credit broken across lines (warnings): a credit run that starts its line, right under
    a line of the same caption (one starting at the same left edge) that ends in a credit run."""
    out = []
    for story in page.stories:
        lines: dict[float, list[GlyphRun]] = {}
        for run in story.runs:
            if run.xs and run.writing == "h" and run.role in ("caption", "credit"):
                lines.setdefault(run.y, []).append(run)
        for y, runs in lines.items():
            run = min(runs, key=lambda r: r.xs[0])
            if run.role != "credit":
                continue
            x0, x1 = run_rect(run)[0], max(run_rect(r)[2] for r in runs)
            above = [line for other, line in lines.items() if y - 1.8 * run.size < other < y - 0.5 * run.size
                     and abs(min(r.xs[0] for r in line) - run.xs[0]) < 0.5
                     and max(line, key=lambda r: r.xs[-1]).role == "credit"]
            if not above:
                continue
            first = max(above[0], key=lambda r: r.xs[-1])
            column, line = page.column_line(first.xs[-1], first.y - 0.38 * first.size)
            text = f"{first.text.strip()}／{run.text.strip()}"
            out.append(Finding(WARNING, "credit-split", page.frame.number, story.label, column, line,
                               f"the photo credit 「{text}」 of {_name(story)} on page {page.frame.number} breaks "
                               f"across two lines at column {column}, line {line}",
                               (x0, first.y - 0.88 * first.size, x1 - x0, run.y - first.y + run.size)))
    return out


#: Grid lines of a column no region covers that make a hole (天窗): more than the rule's line and the two
#: empty lines an underset region may leave.
HOLE_LINES = 4


def empty_space(page: PageIndex) -> list[Finding]:
    """Holes in the page (notes, `info`: an edition's own choice as often as a slip, so they do not
    make a build unclean, but `check` and the preview's overlay show them): at least `HOLE_LINES` grid lines of a column that no story,
    picture, ad or the masthead covers (a fixed region's own empty foot is its underset, not a hole);
    neighbouring columns' holes over the same lines are one finding. Only on a whole page, as make-up
    makes one (with its masthead or running head): a frame of a few items is no page."""
    if not page.stories[0].runs:
        return []
    g, (ox, oy) = page.grid, page.origin
    covered: list[Rect] = []
    for story in page.stories:
        if story.region is not None:
            r = story.region
            covered.append((r.x, r.y, r.x + r.w, r.y + r.h))
        elif story.label == CHROME:
            parts = [run_rect(run) for run in story.runs if run.xs and run.y > oy]
            parts += [_rule_rect(r.x1, r.y1, r.x2, r.y2, r.width) for r in page.rules[:page.chrome_rules]
                      if r.y1 > oy]
            box = _bounds(parts)
            if box is not None:
                covered.append(box)
    groups: list[list[int]] = []   # [first column, last column, first line, last line]
    for c in range(1, g.columns + 1):
        x0 = ox + g.column_x(c)
        spans = [(y0, y1) for x_0, y0, x_1, y1 in covered if x_0 < x0 + g.column_width - _EPS and x0 < x_1 - _EPS]
        taken: set[int] = set()   # the lines whose middle a span covers, tried only near each span
        for y0, y1 in spans:
            lo = max(1, math.floor((y0 - _EPS - oy) / g.pitch + 0.5) - 1)
            hi = min(g.lines, math.ceil((y1 + _EPS - oy) / g.pitch + 0.5) + 1)
            taken.update(line for line in range(lo, hi + 1) if y0 - _EPS <= oy + (line - 0.5) * g.pitch <= y1 + _EPS)
        empty = [line for line in range(1, g.lines + 1) if line not in taken]
        for first, last in _stretches(empty):
            if last - first + 1 < HOLE_LINES:
                continue
            group = next((gr for gr in groups if gr[1] == c - 1 and gr[2:] == [first, last]), None)
            if group is None:
                groups.append([c, c, first, last])
            else:
                group[1] = c
    out = []
    for c0, c1, l0, l1 in groups:
        x0, x1 = ox + g.column_x(c0), ox + g.column_x(c1) + g.column_width
        columns = f"column {c0}" if c0 == c1 else f"columns {c0}-{c1}"
        out.append(Finding(INFO, "empty-space", page.frame.number, _story_at(page, (x0 + x1) / 2, oy + (l0 - 1) * g.pitch),
                           c0, l0, f"grid lines {l0}-{l1} of {columns} on page {page.frame.number} are empty: no story, "
                           f"picture or ad covers them", (x0, oy + (l0 - 1) * g.pitch, x1 - x0, (l1 - l0 + 1) * g.pitch),
                           hint="give a story above fixed lines that reach down, place another story or an ad there, "
                                "or move the stories below up"))
    return out


def _stretches(lines: list[int]) -> list[tuple[int, int]]:
    """Sorted whole numbers -> (first, last) of each run of consecutive ones."""
    out: list[tuple[int, int]] = []
    for n in lines:
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


#: The checks, each `PageIndex -> [Finding]`, run in this order.
CHECKS: list[Callable[[PageIndex], list[Finding]]] = [collisions, empty_columns, lone_endings, stranded_intertitles,
                                                     headline_word_breaks,
                                                     rule_crossings, doubled_rules, split_credits, empty_space]


#: Findings of the pages checked last, by everything they depend on (`page_findings`): a rebuild
#: checks again only the pages that changed.
_CHECKED: OrderedDict[tuple, tuple[Finding, ...]] = OrderedDict()
KEEP_CHECKED = 256
_CHECKED_LOCK = threading.Lock()
#: id(frame) -> (a weak reference to the frame, the rest of its key, its findings)
_CHECKED_FRAMES: dict[int, tuple] = {}


def page_findings(frame: PageFrame, style: Style) -> list[Finding]:
    """Every finding of one page, sorted by place, one per story, code and grid position
    (remembered: the same frame on the same grid has the same findings)."""
    key = (frame, style.grid, style.margin_left, style.margin_top)
    same = _CHECKED_FRAMES.get(id(frame))   # the very frame checked before (the make-up memo's): no hashing
    if same is not None and same[0]() is frame and same[1] == key[1:]:
        return list(same[2])
    found = _findings_on_disk(frame, key[1:])   # a page the make-up memo read back: checked before
    if found is None:
        try:
            hash(key)
        except TypeError:   # an item holding a list (a frame made by hand): checked, not remembered
            return _page_findings(frame, style)
        with _CHECKED_LOCK:
            found = _CHECKED.get(key)
        if found is None:
            found = tuple(_page_findings(frame, style))
            with _CHECKED_LOCK:
                _CHECKED[key] = found
                while len(_CHECKED) > KEEP_CHECKED:
                    _CHECKED.popitem(last=False)
        _keep_findings_on_disk(frame, key[1:], found)   # (not there: a page the make-up memo just made)
    with _CHECKED_LOCK:
        _CHECKED_FRAMES[id(frame)] = (weakref.ref(frame), key[1:], found)
        while len(_CHECKED_FRAMES) > KEEP_CHECKED:
            _CHECKED_FRAMES.pop(next(iter(_CHECKED_FRAMES)))
    return list(found)


#: Raise when the findings' form or the checks change without a change of the package's code.
CHECKED_FORMAT = 1
#: The findings of pages the make-up memo keeps on disk (`layout.page.pagememo`), by the page's
#: key there: a new process (`layout build` after an edit) checks only the pages it made up.
CHECKED_DISK = BlobStore("checked", f"findings-{CHECKED_FORMAT}", 16 << 20)


def _disk_key(frame: PageFrame, grid: tuple) -> tuple | None:
    """The findings' key on disk: the key of the inputs the frame was made up from (None for a
    frame the make-up memo does not know), the grid, the package's version and code."""
    from layout.page.pagememo import PAGES, code_stamp

    page = PAGES.key_of(frame)
    return None if page is None else (page, repr(grid), __version__, code_stamp())


def _findings_on_disk(frame: PageFrame, grid: tuple) -> tuple[Finding, ...] | None:
    key = _disk_key(frame, grid)
    data = None if key is None else CHECKED_DISK.get(*key)
    if data is None:
        return None
    try:   # marshal: plain tuples of strings and numbers, no code run on load
        return tuple(Finding(*fields[:7], tuple(fields[7]), *fields[8:]) for fields in marshal.loads(data))
    except (ValueError, EOFError, TypeError, IndexError):
        return None


def _keep_findings_on_disk(frame: PageFrame, grid: tuple, found: tuple[Finding, ...]) -> None:
    key = _disk_key(frame, grid)
    if key is not None:
        CHECKED_DISK.put(*key, data=marshal.dumps(tuple(
            (f.severity, f.code, f.page, f.story, f.column, f.line, f.message, tuple(f.spot), f.other, f.hint)
            for f in found), 4))


def _page_findings(frame: PageFrame, style: Style) -> list[Finding]:
    page = index_page(frame, style)
    seen, out = set(), []
    for check in CHECKS:
        for f in check(page):
            key = (f.code, f.story, f.column, f.line)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return sorted(out, key=lambda f: (f.line, f.column, f.code, f.story))


def check_pages(frames, style: Style, sources: dict[tuple[int, str], Source | None],
                overlapping: frozenset[tuple[int, str]] = frozenset()) -> list[Diagnostic]:
    """Diagnostics for the findings of the edition's pages; collisions one per story, page and
    cause (the first place, and how many more), so a long fault is one message. `sources` maps
    (page number, region label) to the placement's position in the manifest, and (page number,
    CHROME) to the page's. `overlapping` holds the (page, label) of regions already reported as
    overlapping: their collisions are that error, not more."""
    groups: dict[tuple, list[Finding]] = {}
    for frame in frames:
        for f in page_findings(frame, style):
            if f.code == "collision" and {(f.page, f.story), (f.page, f.other)} & overlapping:
                continue
            cause = f.message.split(" strikes ")[0] if f.code == "collision" else f.message
            groups.setdefault((f.page, f.story, f.code, cause), []).append(f)
    out = []
    for (page, story, _code, _cause), found in groups.items():
        first = found[0]
        more = f" (and {len(found) - 1} more place{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
        source = sources.get((page, story)) or sources.get((page, CHROME))
        hint = first.hint or _HINTS.get(first.code, "")
        out.append(Diagnostic(first.severity, first.code, first.message + more, source, hint))
    return out

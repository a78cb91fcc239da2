"""Page make-up an editor can trust (issue 15): rules in space of their own, balanced columns,
underset in grid lines, and the make-up self-check over finished frames."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image as PILImage

from conftest import EDITIONS, ROOT
from layout.cli import main
from layout.diagnostics import Report, Source
from layout.page.frames import Anchor, Box, GlyphRun, Image, Mark, PageFrame, Rule
from layout.pipeline import prepare
from layout.style import load_style

TRIAL = ROOT / "tests" / "editions" / "donghu-trial" / "issue.yaml"
TEXT_ROLES = {"body", "dateline", "intertitle", "byline", "jump"}
SELF_CHECK = {"collision", "empty-column", "lone-ending", "headline-split-word", "rule-crossing"}


def _prepare(path):
    report = Report()
    ed = prepare(path, report)
    assert ed is not None, [d.format() for d in report.errors]
    return ed, report


@pytest.fixture(scope="module")
def trial():
    return _prepare(TRIAL)


def _story_runs(frame: PageFrame) -> dict[str, list[GlyphRun]]:
    """Glyph runs by the story that set them (between its Anchor and its region Mark)."""
    out, current = {}, None
    for item in frame.items:
        if isinstance(item, Anchor):
            current = []
        elif isinstance(item, Mark) and item.kind == "region" and current is not None:
            out[item.label] = current
            current = None
        elif isinstance(item, GlyphRun) and current is not None:
            current.append(item)
    return out


def _region(frame: PageFrame, label: str) -> Mark:
    return next(it for it in frame.items if isinstance(it, Mark) and it.kind == "region" and it.label == label)


def _struck(frame: PageFrame) -> list[tuple[str, str]]:
    """(text, what) of every glyph run a horizontal rule or box edge runs through: the line's
    y lies within the run's em box (0.88 em above the baseline to 0.12 below) and its x span
    meets the run's."""
    lines = [(r.y1, min(r.x1, r.x2), max(r.x1, r.x2), "rule") for r in frame.items
             if isinstance(r, Rule) and r.y1 == r.y2]
    for b in (it for it in frame.items if isinstance(it, Box)):
        lines += [(b.y, b.x, b.x + b.w, "box top"), (b.y + b.h, b.x, b.x + b.w, "box bottom")]
    out = []
    for run in (it for it in frame.items if isinstance(it, GlyphRun)):
        top, bottom = run.y - 0.88 * run.size, run.y + 0.12 * run.size
        left, right = run.xs[0], run.xs[-1] + run.size * 0.5
        out += [(run.text, what) for y, x0, x1, what in lines if top < y < bottom and x0 < right and left < x1]
    return out


# -- 1. rules and box edges never strike text ----------------------------------------------------

def test_no_rule_or_box_edge_strikes_a_line_of_text_in_the_trial_edition(trial):
    """Abutting regions ([15, 60] then [61, 86]), a jump line, boxes: every rule and box edge
    lies clear of every line of text."""
    ed, _ = trial
    for frame in ed.frames:
        assert _struck(frame) == [], frame.number


def test_the_jump_line_of_an_abutted_story_is_printed_clear_of_the_rule(trial):
    ed, _ = trial
    page1 = ed.frames[0]
    (jump,) = [r for r in _story_runs(page1)["metro-tunnel"] if r.role == "jump"]
    assert "下转第2版" in jump.text
    rules = [r for r in page1.items if isinstance(r, Rule) and r.y1 == r.y2 and r.x1 <= jump.xs[0] <= r.x2]
    below = min((r.y1 for r in rules if r.y1 > jump.y - jump.size), default=None)
    assert below is not None and below > jump.y + 0.12 * jump.size   # the rule under it passes below its glyphs


def test_a_stacked_story_above_a_fixed_one_stops_a_line_short_of_it(tmp_path):
    """A stacked story listed before a fixed region lower in its columns ends above it (and
    jumps), a grid line short of it for the rule, instead of running into it."""
    body = "东湖区今天举行冬季长跑比赛，三千名市民参加。" * 60
    manifest = _tiny(tmp_path, ["      - {article: high, columns: [1, 2], continue_on: 2}",
                                "      - {article: low, columns: [1, 2], lines: [40, 86]}",
                                "  - section: 二版",
                                "    stories:",
                                "      - {article: high, columns: [1, 2], continued: true}"],
                     [f"  low: {{headline: 下方稿件, body: 固定区域的稿件。}}",
                      f"  high: {{headline: 上方稿件, body: {body}}}"])
    ed, report = _prepare(manifest)
    assert not [d for d in report.errors if d.code in ("overlap", "collision")], [d.format() for d in report.items]
    assert _struck(ed.frames[0]) == []


# -- 4. balanced columns ---------------------------------------------------------------------------

def _column_lines(frame: PageFrame, label: str, style) -> list[int]:
    """Text lines (distinct baselines) of a story per grid column of its region, left to right."""
    g, ox = style.grid, style.margin_left
    region = _region(frame, label)
    cols = [c for c in range(1, g.columns + 1)
            if region.x - 0.1 <= ox + g.column_x(c) < region.x + region.w]
    counts = []
    for c in cols:
        x0 = ox + g.column_x(c)
        ys = {round(r.y, 2) for r in _story_runs(frame)[label]
              if r.role in TEXT_ROLES and x0 - 5 <= r.xs[0] < x0 + g.column_width}
        counts.append(len(ys))
    return counts


@pytest.mark.parametrize("page,label", [(2, "night-market"), (1, "winter-run"), (2, "heating-check"),
                                        (2, "library-hours"), (2, "volunteers"), (1, "water-notice")])
def test_fixed_regions_balance_their_columns_longer_first(trial, page, label):
    """A fixed region larger than its text: every column carries text, the counts differ by at
    most one and the longer columns come first; the space is left at the foot of all columns."""
    ed, _ = trial
    counts = _column_lines(ed.frames[page - 1], label, ed.style)
    assert min(counts) > 0, counts
    assert max(counts) - min(counts) <= 1, counts
    assert counts == sorted(counts, reverse=True), counts


def test_no_byline_or_jump_line_opens_a_column(trial):
    ed, _ = trial
    g, ox = ed.style.grid, ed.style.margin_left
    for frame in ed.frames:
        for label, runs in _story_runs(frame).items():
            text = [r for r in runs if r.role in TEXT_ROLES]
            by_col = {}
            for r in text:
                c = min(range(1, g.columns + 1), key=lambda c: abs(ox + g.column_x(c) - r.xs[0]))
                by_col.setdefault(c, []).append(r)
            for c in sorted(by_col)[1:]:
                top = min(r.y for r in by_col[c])
                assert {r.role for r in by_col[c] if r.y == top} - {"byline", "jump"}, (frame.number, label, c)


def test_balanced_columns_rule():
    from layout.page.story import balanced_columns

    cols = [1, 2, 3]
    start = {c: 10 for c in cols}
    room = {c: 30 for c in cols}
    assert balanced_columns(cols, start, room, ["body"] * 10) == {1: 4, 2: 3, 3: 3}
    assert balanced_columns(cols, start, room, ["body"] * 2) == {1: 1, 2: 1, 3: 0}
    # a byline that would open column 3 takes the last line of column 2 with it
    assert balanced_columns(cols, start, room, ["body"] * 6 + ["byline"]) == {1: 3, 2: 2, 3: 2}
    # a photo over column 1 (it starts lower): the column ends stay level
    assert balanced_columns(cols, {1: 16, 2: 10, 3: 10}, room, ["body"] * 14) == {1: 1, 2: 7, 3: 6}


# -- 5. underset in grid lines ----------------------------------------------------------------------

def test_underset_counts_grid_lines_across_the_columns(trial):
    """'leaves N grid lines empty' names grid lines (at most the region's height) and its
    columns; the hint says where to end the region; the overlay tag says lines x columns."""
    from layout.render.preview import region_flags

    ed, report = trial
    (warn,) = [d for d in report.items if d.code == "underset" and "'night-market'" in d.message]
    frame = ed.frames[1]                                    # night-market: columns [3, 5], lines [1, 40]
    lowest = max(r.y for r in _story_runs(frame)["night-market"] if r.role in TEXT_ROLES)
    # its last grid line (40) carries the rule above library-hours ([41, 60]): not empty space
    empty = 39 - (int((lowest - ed.style.margin_top) // ed.style.grid.pitch) + 1)
    assert 2 < empty < 40
    assert f"leaves {empty} grid lines empty across its 3 columns" in warn.message
    assert f"lines: [1, {40 - empty}]" in warn.hint
    assert region_flags(report)[2]["night-market"] == ("underset", f"空 {empty} 行 × 3 栏")


# -- the make-up self-check -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tabloid():
    return load_style("tabloid", ROOT, Report())


def _body_run(style, column: int, line: int, text: str, role: str = "body") -> GlyphRun:
    """A body line as the typesetter sets it: on grid line `line` (1-based) of `column`."""
    g = style.grid
    x0 = style.margin_left + g.column_x(column)
    y = style.margin_top + (line - 1) * g.pitch + (g.pitch - g.char) / 2 + 0.88 * g.char
    return GlyphRun("serif-regular", g.char, y, text, tuple(x0 + i * g.char for i in range(len(text))), role=role)


def _story(style, label: str, first: int, last: int, top: int, bottom: int, items) -> list:
    g = style.grid
    x, y = style.margin_left + g.column_x(first), style.margin_top + (top - 1) * g.pitch
    return ([Anchor("story", label, label, x, y)] + list(items)
            + [Mark("region", x, y, g.span_width(first, last), (bottom - top + 1) * g.pitch, label)])


def _frame(style, items) -> PageFrame:
    return PageFrame(1, "要闻", style.trim[0], style.trim[1], style.bleed, tuple(items))


def _findings(style, items):
    from layout.page.selfcheck import page_findings

    return page_findings(_frame(style, items), style)


def test_self_check_finds_a_rule_through_a_line_of_text(tabloid):
    g = tabloid.grid
    runs = [_body_run(tabloid, 1, n, "东湖区今天举行冬季长跑比赛") for n in range(15, 61)]
    y = tabloid.margin_top + 59 * g.pitch + g.pitch / 2    # the middle of grid line 60
    items = _story(tabloid, "upper", 1, 1, 15, 60, runs) + [Rule(tabloid.margin_left, y, tabloid.margin_left + 100, y)]
    (f,) = _findings(tabloid, items)
    assert (f.severity, f.code, f.story, f.column, f.line) == ("error", "collision", "upper", 1, 60)
    assert "a rule" in f.message and "column 1, line 60" in f.message
    # the same rule half a line lower, between two grid lines with no text: clean
    items[-1] = Rule(tabloid.margin_left, y + g.pitch, tabloid.margin_left + 100, y + g.pitch)
    assert _findings(tabloid, items) == []


def test_self_check_finds_box_edges_photos_and_other_stories_text(tabloid):
    g = tabloid.grid
    x2 = tabloid.margin_left + g.column_x(2)
    boxed = _story(tabloid, "boxed", 2, 2, 10, 20,
                   [_body_run(tabloid, 2, n, "银发志愿者守护上学路") for n in range(10, 21)]
                   + [Box(x2, tabloid.margin_top + 9 * g.pitch, g.column_width, 10.5 * g.pitch)])  # bottom in line 20
    photo = _story(tabloid, "photo", 3, 3, 30, 40,
                   [_body_run(tabloid, 3, 35, "图片说明压在照片上"),
                    Image("x.jpg", tabloid.margin_left + g.column_x(3), tabloid.margin_top + 29 * g.pitch,
                          g.column_width, 8 * g.pitch, (0, 0, 10, 10))])
    a = _story(tabloid, "a", 4, 4, 50, 52, [_body_run(tabloid, 4, 51, "两篇稿件的文字")])
    b = _story(tabloid, "b", 4, 4, 51, 52, [_body_run(tabloid, 4, 51, "重叠在一起")])
    found = {(f.code, f.story, f.column, f.line) for f in _findings(tabloid, boxed + photo + a + b)}
    assert ("collision", "boxed", 2, 20) in found
    assert ("collision", "photo", 3, 35) in found
    assert ("collision", "a", 4, 51) in found


def test_self_check_finds_an_empty_column_and_a_lone_byline(tabloid):
    three = _story(tabloid, "short", 1, 3, 20, 40,
                   [_body_run(tabloid, 1, n, "东湖区今天举行冬季长跑比赛") for n in range(20, 30)]
                   + [_body_run(tabloid, 2, 20, "记者 罗佳", role="byline")])
    found = {(f.severity, f.code, f.column, f.line) for f in _findings(tabloid, three)}
    assert found == {("warning", "empty-column", 3, 20), ("warning", "lone-ending", 2, 20)}


def test_self_check_finds_a_headline_broken_inside_a_word(tabloid):
    """The issue's 「冬季招聘会提／供岗位3200个」: a headline's printed lines read as one text break
    inside 提供; broken between words (招聘会／提供) it is clean."""
    def headline(first: str, second: str):
        return _story(tabloid, "job-fair", 1, 2, 10, 30,
                      [_body_run(tabloid, 1, 10, first, role="headline"),
                       _body_run(tabloid, 1, 12, second, role="headline")])
    (f,) = _findings(tabloid, headline("冬季招聘会提", "供岗位3200个"))
    assert (f.severity, f.code, f.story, f.column, f.line) == ("warning", "headline-split-word", "job-fair", 1, 10)
    assert "提／供" in f.message
    assert _findings(tabloid, headline("冬季招聘会", "提供岗位3200个")) == []


def test_self_check_diagnostics_name_the_placement_in_the_manifest(tabloid):
    from layout.page.selfcheck import check_pages

    g = tabloid.grid
    y = tabloid.margin_top + 59 * g.pitch + g.pitch / 2
    items = _story(tabloid, "upper", 1, 1, 60, 60, [_body_run(tabloid, 1, 60, "（下转第2版）", role="jump")])
    items.append(Rule(tabloid.margin_left, y, tabloid.margin_left + 100, y))
    where = Source("issue.yaml", 31, 9)
    (d,) = check_pages([_frame(tabloid, items)], tabloid, {(1, "upper"): where})
    assert (d.severity, d.code, d.source) == ("error", "collision", where)
    assert "'upper' on page 1 at column 1, line 60" in d.message and d.hint


def test_the_overlay_marks_self_check_findings(tabloid):
    from layout.render.preview import OVERSET, draw_overlay

    g = tabloid.grid
    y = tabloid.margin_top + 59 * g.pitch + g.pitch / 2
    run = _body_run(tabloid, 1, 60, "东湖区今天举行")
    items = _story(tabloid, "upper", 1, 1, 60, 60, [run]) + [Rule(tabloid.margin_left, y, tabloid.margin_left + 100, y)]
    frame = _frame(tabloid, items)
    scale = 1.0
    page = PILImage.new("RGB", (round(frame.width), round(frame.height)), "white")
    out = draw_overlay(page, frame, tabloid, scale)
    left = round(run.xs[0]) - 2, round(run.y - 0.88 * run.size) - 2   # the outline's top-left corner
    assert out.getpixel(left) == OVERSET[:3]


def test_both_samples_and_the_trial_edition_have_no_self_check_findings():
    """...and no error either: the rule's reserved line costs no story its fit (the broadsheet's
    报眼, a full box abutting a picture, used to have its bottom edge drawn across the photo)."""
    for path in EDITIONS + [TRIAL]:
        _ed, report = _prepare(path)
        assert [d.format() for d in report.items if d.code in SELF_CHECK] == [], path
        assert [d.format() for d in report.errors] == [], path


def test_self_check_finds_a_box_edge_across_a_photo(tabloid):
    g = tabloid.grid
    x = tabloid.margin_left + g.column_x(2)
    photo = Image("x.jpg", x, tabloid.margin_top + 18 * g.pitch, g.column_width, 8 * g.pitch, (0, 0, 10, 10))
    items = (_story(tabloid, "boxed", 2, 2, 1, 18, [Box(x, tabloid.margin_top, g.column_width, 18.25 * g.pitch)])
             + _story(tabloid, "picture", 2, 2, 19, 30, [photo]))
    (f,) = _findings(tabloid, items)
    assert (f.code, f.story, f.column, f.line) == ("collision", "picture", 2, 19)
    assert "box runs across a photo" in f.message


def test_layout_check_reports_the_self_check(tmp_path, capsys):
    """A story whose text falls short of its three columns: `layout check` says which column."""
    manifest = _tiny(tmp_path, ["      - {article: short, columns: [1, 3], lines: [1, 20]}"],
                     ["  short: {headline: 短稿, body: 只有一句话。, byline: 记者 何静}"])
    main(["check", "--json", str(manifest)])
    diags = json.loads(capsys.readouterr().out)
    empty = [d for d in diags if d["code"] == "empty-column"]
    assert empty and empty[0]["source"]["line"] == 7
    assert any("column 3 of 'short'" in d["message"] for d in empty)


def _tiny(tmp_path: Path, stories: list[str], articles: list[str]) -> Path:
    manifest = tmp_path / "issue.yaml"
    manifest.write_text("\n".join(["paper: {name: 东湖晚报}", "issue: {number: 1, date: 2026-12-06}",
                                   "style: tabloid", "pages:", "  - section: 要闻", "    stories:",
                                   *stories, "articles:", *articles]) + "\n", encoding="utf-8")
    return manifest


def test_a_box_abutted_from_below_keeps_its_edge_clear_of_text_and_gets_no_second_rule(tmp_path):
    body = "东湖区今天举行冬季长跑比赛，三千名市民参加。" * 12
    manifest = _tiny(tmp_path, ["      - {article: boxed, columns: [1, 2], lines: [1, 20], box: true}",
                                "      - {article: below, columns: [1, 2], lines: [21, 40]}"],
                     [f"  boxed: {{headline: 框内稿件, body: {body}}}", f"  below: {{headline: 下方稿件, body: {body}}}"])
    ed, report = _prepare(manifest)
    frame = ed.frames[0]
    assert _struck(frame) == [] and not [d for d in report.items if d.code == "collision"]
    (box,) = [b for b in frame.items if isinstance(b, Box)]
    bottom = box.y + box.h
    near = [r for r in frame.items if isinstance(r, Rule) and r.y1 == r.y2 and abs(r.y1 - bottom) < ed.style.grid.pitch]
    assert near == []


def test_one_collision_diagnostic_per_story_and_cause(tabloid):
    """A vertical rule down a column of text is one error (with how many more lines), not one per line."""
    from layout.page.selfcheck import check_pages

    g = tabloid.grid
    runs = [_body_run(tabloid, 1, n, "东湖区今天举行冬季长跑比赛") for n in range(10, 13)]
    x = tabloid.margin_left + 40
    items = _story(tabloid, "story", 1, 1, 10, 12, runs)
    items.append(Rule(x, tabloid.margin_top, x, tabloid.margin_top + 20 * g.pitch))
    (d,) = check_pages([_frame(tabloid, items)], tabloid, {})
    assert "line 10" in d.message and "(and 2 more places)" in d.message


def test_overlapping_regions_are_one_overlap_error_not_collisions_too(tmp_path):
    body = "第一条稿件的正文，内容很长。" * 80
    manifest = _tiny(tmp_path, ["      - {article: first, columns: [1, 3], lines: [10, 40]}",
                                "      - {article: second, columns: [3, 4], lines: [30, 60]}"],
                     [f"  first: {{headline: 第一条稿件的标题, body: {body}}}",
                      f"  second: {{headline: 第二条稿件的标题, body: {body}}}"])
    _ed, report = _prepare(manifest)
    assert [d.code for d in report.errors if d.code in ("overlap", "collision")] == ["overlap"]

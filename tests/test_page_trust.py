"""A page an editor can trust (trust round): column rules that meet the rules they run to, the
self-check that finds rules crossing or stopping short, the 落款's indent from the right edge."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, tiny_edition
from layout.diagnostics import Report
from layout.page.frames import Anchor, Box, GlyphRun, Mark, PageFrame, Rule
from layout.page.selfcheck import page_findings
from layout.pipeline import prepare
from layout.style import load_style

BODY = "东湖区今天举行冬季长跑比赛，三千名市民沿湖岸跑完十公里，沿途志愿者为选手送上热茶。" * 14


def _prepare(path: Path):
    report = Report()
    ed = prepare(path, report)
    assert ed is not None, [d.format() for d in report.errors]
    return ed, report


def _rules(frame: PageFrame) -> tuple[list[Rule], list[Rule]]:
    rules = [it for it in frame.items if isinstance(it, Rule)]
    return [r for r in rules if r.y1 == r.y2], [r for r in rules if r.x1 == r.x2]


def _near_misses(frame: PageFrame, style) -> list[tuple[float, float]]:
    """The ends (x, y) of vertical rules that stop within a grid line of a horizontal rule across their
    x without meeting it, and do not go on as another vertical rule."""
    flat, upright = _rules(frame)
    pitch = style.grid.pitch
    out = []
    for v in upright:
        for y in (min(v.y1, v.y2), max(v.y1, v.y2)):
            on_rule = any(abs(h.y1 - y) < 0.01 and min(h.x1, h.x2) - 0.01 <= v.x1 <= max(h.x1, h.x2) + 0.01
                          for h in flat)
            goes_on = any(o is not v and abs(o.x1 - v.x1) < 0.01 and min(o.y1, o.y2) - 0.01 <= y <= max(o.y1, o.y2) + 0.01
                          for o in upright)
            near = any(abs(h.y1 - y) < pitch and min(h.x1, h.x2) - 0.01 <= v.x1 <= max(h.x1, h.x2) + 0.01
                       for h in flat)
            if near and not (on_rule or goes_on):
                out.append((round(v.x1, 2), round(y, 2)))
    return out


def _crossings(frame: PageFrame) -> list[tuple[float, float]]:
    """(x, y) where a vertical and a horizontal rule each run on past the other on both sides."""
    flat, upright = _rules(frame)
    out = []
    for v in upright:
        y0, y1 = sorted((v.y1, v.y2))
        for h in flat:
            x0, x1 = sorted((h.x1, h.x2))
            if min(h.y1 - y0, y1 - h.y1) > 1 and min(v.x1 - x0, x1 - v.x1) > 1:
                out.append((round(v.x1, 2), round(h.y1, 2)))
    return out


@pytest.fixture(scope="module")
def edge_to_edge(tmp_path_factory):
    """Regions placed edge to edge as a hurried editor places them: two fixed stories side by side
    under the masthead, a wider one right under both, and a story stacked under a fixed one."""
    folder = tmp_path_factory.mktemp("edge")
    stories = "\n".join([
        "      - {article: left, columns: [1, 2], lines: [15, 40]}",
        "      - {article: right, columns: [3, 5], lines: [15, 40]}",
        "      - {article: wide, columns: [1, 4], lines: [41, 60]}",
        "      - {article: corner, columns: [5, 5], lines: [41, 55]}",
        "      - {article: stacked, columns: [5, 5]}",
    ])
    articles = "\n".join(f"  {name}: {{headline: {head}, body: {BODY[:size]}}}" for name, head, size in [
        ("left", "湖岸长跑迎来三千市民", 560), ("right", "志愿者沿途送热茶", 900), ("wide", "冬季长跑明年再办", 1000),
        ("corner", "跑友说", 150), ("stacked", "下期预告", 120)])
    return _prepare(tiny_edition(folder, stories, articles, masthead=True))


def test_column_rules_end_on_the_rules_they_meet(edge_to_edge):
    """A vertical rule near a horizontal rule across its line ends on it (the masthead's too): not
    half a line past it (a fixed region abutted by a wider one below), not half a line short
    of it (a story stacked a line under a fixed one), not through the masthead's rule."""
    ed, _report = edge_to_edge
    frame = ed.frames[0]
    assert _near_misses(frame, ed.style) == []
    assert _crossings(frame) == []


def test_the_rule_between_side_by_side_stories_runs_down_to_the_rule_under_them(edge_to_edge):
    ed, _report = edge_to_edge
    g, frame = ed.style.grid, ed.frames[0]
    flat, upright = _rules(frame)
    x = ed.style.margin_left + g.column_x(3) - g.gutter / 2
    (between,) = [v for v in upright if abs(v.x1 - x) < 0.01 and min(v.y1, v.y2) < ed.style.margin_top + 20 * g.pitch]
    under = [h for h in flat if min(h.x1, h.x2) < x < max(h.x1, h.x2) and h.y1 > min(between.y1, between.y2)]
    assert under, "the wide story's rule runs under both stories"
    assert max(between.y1, between.y2) == pytest.approx(min(h.y1 for h in under), abs=0.01)


def test_self_check_reports_a_rule_through_a_rule_and_one_stopping_short(tabloid):
    g = tabloid.grid
    x = tabloid.margin_left + g.column_x(3) - g.gutter / 2
    y = tabloid.margin_top + 40.5 * g.pitch
    left, right = tabloid.margin_left, tabloid.margin_left + g.width
    through = [Rule(left, y, right, y), Rule(x, tabloid.margin_top + 20 * g.pitch, x, y + g.pitch / 2)]
    (f,) = [f for f in _findings(tabloid, through) if f.code == "rule-crossing"]
    assert "runs through" in f.message and "line 41" in f.message
    short = [Rule(left, y, right, y), Rule(x, tabloid.margin_top + 20 * g.pitch, x, y - g.pitch / 2)]
    (f,) = [f for f in _findings(tabloid, short) if f.code == "rule-crossing"]
    assert "stops 5.8 pt short" in f.message
    met = [Rule(left, y, right, y), Rule(x, tabloid.margin_top + 20 * g.pitch, x, y)]
    assert _findings(tabloid, met) == []


@pytest.fixture(scope="module")
def tabloid():
    return load_style("tabloid", ROOT, Report())


def _findings(style, items):
    anchor = Anchor("story", "s", "s", style.margin_left, style.margin_top)
    region = Mark("region", style.margin_left, style.margin_top, style.grid.width, style.grid.height, "s")
    frame = PageFrame(1, "要闻", style.trim[0], style.trim[1], style.bleed, tuple([anchor, region] + items))
    return page_findings(frame, style)


# -- the 落款: two characters in from the right edge ------------------------------------------------

NOTICE = ("因东湖路供水管网改造，12月8日8时至20时东湖路沿线停水，请居民提前储水。给您带来不便，敬请谅解。\\n\\n"
          "::: 落款\\n东湖区水务局\\n2026年12月6日\\n:::")


@pytest.fixture(scope="module")
def notice(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notice")
    stories = "\n".join(["      - {article: notice, columns: [1, 1], lines: [1, 20]}",
                         "      - {article: tight, columns: [2, 2], lines: [1, 20]}"])
    articles = "\n".join([f'  notice: {{headline: 停水通知, body: "{NOTICE}", byline: 记者 何静}}',
                          '  tight: {headline: 志愿者, body: 银发志愿者守护上学路。, byline: 记者 欧阳晓东 通讯员 司马静}'])
    return _prepare(tiny_edition(folder, stories, articles))


def _right_gap(ed, run: GlyphRun, column: int) -> float:
    """Blank between a line's last glyph and its column's right edge, in the line's characters."""
    g = ed.style.grid
    edge = ed.style.margin_left + g.column_x(column) + g.column_width
    return (edge - (run.xs[-1] + run.size)) / run.size


def test_the_signature_and_byline_end_two_characters_from_the_right_edge(notice):
    ed, _report = notice
    runs = [it for it in ed.frames[0].items if isinstance(it, GlyphRun)]
    closing = {run.text.replace(" ", ""): run for run in runs if run.role in ("signature", "byline") and run.xs[0] < 200}
    assert set(closing) == {"东湖区水务局", "2026年12月6日", "记者何静"}
    for text, run in closing.items():
        assert _right_gap(ed, run, 1) == pytest.approx(2.0, abs=0.05), text
    body = [run for run in runs if run.role == "body" and run.xs[0] < 200]
    assert any(abs(_right_gap(ed, run, 1)) < 0.05 for run in body)   # the body runs to the edge


def test_a_byline_the_indent_would_break_stays_on_one_line_flush_right(notice):
    """「记者 欧阳晓东 通讯员 司马静」 fills the 13-character column: indented it would take two lines."""
    ed, _report = notice
    (run,) = [it for it in ed.frames[0].items if isinstance(it, GlyphRun) and it.role == "byline" and it.xs[0] > 200]
    assert run.text.replace(" ", "") == "记者欧阳晓东通讯员司马静"
    assert _right_gap(ed, run, 2) == pytest.approx(0.0, abs=0.05)


# -- one weekday for the paper and its archive ------------------------------------------------------

def test_the_archive_names_each_weekday_as_the_paper_prints_it(tmp_path):
    """The date index of `layout site` and the masthead's date line (IssueInfo.weekday) name a week's
    seven days alike: one table of weekdays (layout.model.weekday_name), not two."""
    import datetime as dt

    from lxml import html

    from layout.model import IssueInfo
    from layout.web.archive import ArchivedEdition, date_index
    from layout.web.archive_html import words_for

    days = [dt.date(2026, 11, 30) + dt.timedelta(days=n) for n in range(7)]
    editions = [ArchivedEdition("新区时报", d, str(n), "zh-CN", f"{d}/web/index.html", (), (), tmp_path / "x.json")
                for n, d in enumerate(days, 1)]
    doc = html.fromstring(date_index(editions, words_for(["zh-CN"]), "新区时报", "zh-CN"))
    printed = {t.get("datetime"): t.text_content().split()[-1] for t in doc.iter("time")}
    assert printed == {d.isoformat(): IssueInfo(1, d).weekday for d in days}
    assert sorted(printed.values()) == sorted("星期" + c for c in "一二三四五六日")


# -- a photo credit is never broken across lines --------------------------------------------------------

BRIDGE_CAPTION = ("12月5日傍晚，滨江大道二期工程全线贯通，华灯初上，市民在新建成的沿江慢行步道上散步、骑行。新路全长4.6公里，"
                  "沿江同步建成骑行绿道和三处观景平台，从东湖片区到高铁站的车程缩短约15分钟，周边居民出行更加方便。")


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    from PIL import Image as PILImage

    folder = tmp_path_factory.mktemp("picture")
    (folder / "images").mkdir()
    PILImage.new("RGB", (1600, 1000), (70, 110, 160)).save(folder / "images" / "bridge.jpg")
    stories = "\n".join(["      - picture: images/bridge.jpg",
                         f"        caption: {BRIDGE_CAPTION}",
                         "        credit: 东湖晚报记者 周航 摄",
                         "        columns: [4, 5]",
                         "        lines: [1, 22]"])
    return _prepare(tiny_edition(folder, stories, "  {}"))


def test_a_credit_that_would_break_goes_whole_onto_a_line_of_its_own(pictured):
    """The caption's last line has room for 「东湖晚报记者 周」 only: the credit is set whole on the next
    line, flush right, in the credit role, instead of 「…周／航 摄」."""
    ed, _report = pictured
    runs = [it for it in ed.frames[0].items if isinstance(it, GlyphRun) and it.role in ("caption", "credit")]
    credit = [run for run in runs if run.role == "credit"]
    assert len({run.y for run in credit}) == 1
    assert "".join(run.text for run in credit).replace(" ", "") == "东湖晚报记者周航摄"
    g = ed.style.grid
    edge = ed.style.margin_left + g.column_x(5) + g.column_width
    assert credit[-1].xs[-1] + credit[-1].size == pytest.approx(edge, abs=0.05)
    caption_text = "".join(run.text for run in sorted(runs, key=lambda r: (r.y, r.xs[0])) if run.role == "caption")
    assert caption_text.replace(" ", "").endswith("更加方便。")
    assert not [f for f in page_findings(ed.frames[0], ed.style) if f.code == "credit-split"]


def test_self_check_reports_a_credit_broken_across_lines(tabloid):
    g = tabloid.grid
    x = tabloid.margin_left
    y1 = tabloid.margin_top + 20 * g.pitch
    size = g.char

    def run(text, role, x0, y):
        return GlyphRun("serif-regular", size, y, text, tuple(x0 + i * size for i in range(len(text))), role=role)

    broken = [run("缩短约15分钟，出行更加方便。", "caption", x, y1), run("东湖晚报记者周", "credit", x + 16 * size, y1),
              run("航摄", "credit", x, y1 + 1.3 * size)]
    (f,) = [f for f in _findings(tabloid, broken) if f.code == "credit-split"]
    assert "东湖晚报记者周／航摄" in f.message
    whole = [run("缩短约15分钟，出行更加方便。", "caption", x, y1), run("东湖晚报记者周航摄", "credit", x + 14 * size, y1 + 1.3 * size)]
    assert [f for f in _findings(tabloid, whole) if f.code == "credit-split"] == []


# -- no rule runs alongside a box's edge ------------------------------------------------------------------

def _alongside_boxes(frame: PageFrame, style) -> list[Rule]:
    """Rules running beside a box's edge for a grid line or more, closer than a gutter (vertical) or
    3/4 of a grid line (horizontal): two lines where the box's edge alone parts the stories."""
    g = style.grid
    boxes = [it for it in frame.items if isinstance(it, Box)]
    out = []
    for rule in (it for it in frame.items if isinstance(it, Rule)):
        for b in boxes:
            if rule.x1 == rule.x2:
                near = min(abs(rule.x1 - b.x), abs(rule.x1 - b.x - b.w)) <= g.gutter
                side = min(max(rule.y1, rule.y2), b.y + b.h) - max(min(rule.y1, rule.y2), b.y)
            else:
                near = min(abs(rule.y1 - b.y), abs(rule.y1 - b.y - b.h)) <= 0.75 * g.pitch
                side = min(max(rule.x1, rule.x2), b.x + b.w) - max(min(rule.x1, rule.x2), b.x)
            if near and side >= g.pitch:
                out.append(rule)
    return out


@pytest.fixture(scope="module")
def boxed(tmp_path_factory):
    """A box under the masthead beside a story, a wider story under the box and its neighbour."""
    folder = tmp_path_factory.mktemp("boxed")
    stories = "\n".join([
        "      - {article: notice, columns: [1, 2], lines: [15, 40], box: true}",
        "      - {article: right, columns: [3, 5], lines: [15, 40]}",
        "      - {article: wide, columns: [1, 4], lines: [41, 70]}",
        "      - {article: side, columns: [5, 5], lines: [41, 70], box: true}",
    ])
    articles = "\n".join([f'  notice: {{headline: 东湖路停水通知, body: "{NOTICE}"}}',
                          f"  right: {{headline: 志愿者沿途送热茶, body: {BODY[:900]}}}",
                          f"  wide: {{headline: 冬季长跑明年再办, body: {BODY[:1000]}}}",
                          f"  side: {{headline: 跑友说, body: {BODY[:200]}}}"])
    return _prepare(tiny_edition(folder, stories, articles, masthead=True))


def test_no_rule_runs_alongside_a_box_edge(boxed):
    """The box's own edges part it from its neighbours: no column rule a gutter beside it, no hairline
    above or under it, no masthead rule right over its top edge; the rules elsewhere stay."""
    ed, _report = boxed
    frame = ed.frames[0]
    assert _alongside_boxes(frame, ed.style) == []
    flat, upright = _rules(frame)
    g = ed.style.grid
    x3 = ed.style.margin_left + g.column_x(3) - g.gutter / 2
    x5 = ed.style.margin_left + g.column_x(5) - g.gutter / 2
    over_wide = [h for h in flat if abs(h.y1 - (ed.style.margin_top + 39.5 * g.pitch)) < 0.01]
    assert [(round(h.x1, 2), round(h.x2, 2)) for h in over_wide] == [(round(x3, 2), round(x5, 2))]   # under 'right' only
    assert [r for r in flat + upright if max(abs(r.x2 - r.x1), abs(r.y2 - r.y1)) < g.pitch] == []   # no stray ends
    codes = {f.code for f in page_findings(frame, ed.style)}
    assert not codes & {"rule-doubled", "rule-crossing", "rule-stub", "collision"}


def test_self_check_reports_a_rule_doubling_a_box_edge(tabloid):
    g = tabloid.grid
    x = tabloid.margin_left + g.column_x(3)
    top = tabloid.margin_top + 10 * g.pitch
    box = Box(x, top, g.column_width, 20 * g.pitch)
    doubled = [box, Rule(x - g.gutter / 2, top, x - g.gutter / 2, top + 20 * g.pitch)]
    (f,) = [f for f in _findings(tabloid, doubled) if f.code == "rule-doubled"]
    assert "alongside the edge of" in f.message
    assert [f for f in _findings(tabloid, [box]) if f.code == "rule-doubled"] == []


# -- a masthead with no column left ---------------------------------------------------------------------

def test_a_masthead_page_whose_band_is_all_taken_is_an_error_not_a_masthead_over_the_lead(tmp_path):
    """A hurried lead at lines [1, 40] across every column of a masthead page: the masthead used to
    be drawn in column 1 over the lead's text. Now a located `masthead-no-room` error says so, and
    nothing is printed over the story."""
    stories = "\n".join(["      - {article: lead, columns: [1, 5], lines: [1, 40]}"])
    articles = f"  lead: {{headline: 湖岸长跑迎来三千市民, body: {BODY[:1200]}}}"
    manifest = tiny_edition(tmp_path, stories, articles, masthead=True)
    report = Report()
    ed = prepare(manifest, report)
    (error,) = [d for d in report.errors if d.code == "masthead-no-room"]
    assert error.source.line == 9 and "'lead' (columns [1, 5], lines [1, 40])" in error.message
    assert "lines: [15, " in error.hint
    frame = ed.frames[0]
    assert not [it for it in frame.items if isinstance(it, GlyphRun) and it.role in ("masthead", "edition_line")]
    assert not [d for d in report.errors if d.code == "collision"]


def test_self_check_reports_a_stray_end_of_a_rule(tabloid):
    g = tabloid.grid
    x = tabloid.margin_left + g.column_x(3) - g.gutter / 2
    y = tabloid.margin_top + 10 * g.pitch
    (f,) = [f for f in _findings(tabloid, [Rule(x, y, x, y + g.pitch / 2)]) if f.code == "rule-stub"]
    assert "5.8 pt long" in f.message and "column 3" in f.message
    assert [f for f in _findings(tabloid, [Rule(x, y, x, y + 3 * g.pitch)]) if f.code == "rule-stub"] == []


# -- a headline keeps a date or time of day on one line ----------------------------------------------------

def test_a_headline_does_not_break_a_date_and_the_self_check_says_so_when_it_is():
    from layout.text.phrases import inside_word_breaks

    assert inside_word_breaks(["东湖CBD冬季灯光秀12月", "20日开幕"]) == [0]
    assert inside_word_breaks(["明天下午3时", "30分起停水"]) == [0]
    assert inside_word_breaks(["灯光秀", "12月20日开幕"]) == []
    assert inside_word_breaks(["11月28日至", "12月5日展出"]) == []   # between two dates: a good break


def test_a_narrow_headline_with_a_date_keeps_the_date_whole(tmp_path):
    stories = "      - {article: lights, columns: [1, 1], lines: [1, 40]}"
    articles = f'  lights: {{headline: "东湖CBD冬季灯光秀12月20日开幕", body: {BODY[:300]}}}'
    ed, report = _prepare(tiny_edition(tmp_path, stories, articles))
    lines = [run.text for run in sorted((it for it in ed.frames[0].items if isinstance(it, GlyphRun)
                                         and it.role == "headline"), key=lambda r: r.y)]
    assert any("12月20日" in line for line in lines), lines
    assert not [d for d in report.items if d.code in ("headline-split-word", "headline-word-broken")]


# -- a hole in the page (天窗) ------------------------------------------------------------------------------

def test_self_check_reports_a_hole_between_stacked_stories_and_an_ad(tmp_path):
    """Short stacked stories over an ad booked at the page's foot leave grid lines nothing covers: one
    `empty-space` warning per run of columns with the same empty lines, none for a fixed region's own
    empty foot (that is its underset)."""
    stories = "\n".join(["      - {article: short, columns: [1, 3]}",
                         "      - {article: fixed, columns: [4, 5], lines: [1, 69]}",
                         "      - {article: foot, columns: [1, 5], lines: [70, 86]}"])
    articles = "\n".join([f"  short: {{headline: 跑友说, body: {BODY[:300]}}}",
                          f"  fixed: {{headline: 志愿者沿途送热茶, body: {BODY[:400]}}}",
                          f"  foot: {{headline: 冬季长跑明年再办, body: {BODY[:1000]}}}"])
    ed, report = _prepare(tiny_edition(tmp_path, stories, articles))
    holes = [f for f in page_findings(ed.frames[0], ed.style) if f.code == "empty-space"]
    assert [(f.column, f.message.split(" are empty")[0]) for f in holes] == [(1, f"grid lines {holes[0].line}-69 of columns 1-3 on page 1")]
    assert holes[0].line < 30
    assert any(d.code == "underset" and "'fixed'" in d.message for d in report.items)   # columns 4-5: underset, no hole
    assert any(d.code == "empty-space" for d in report.items)                         # the diagnostic reaches the report



# -- the hurried editor's pages ---------------------------------------------------------------------------

#: What make-up must never print, whatever the manifest: the self-check's faults and lost text.
MAKE_UP_FAULTS = {"collision", "rule-crossing", "rule-stub", "rule-doubled", "credit-split", "headline-split-word",
                  "headline-word-broken", "lone-ending", "text-lost"}
HURRIED = sorted((ROOT / "tests" / "editions").glob("hurried-*/issue.yaml"))


@pytest.mark.parametrize("path", HURRIED, ids=lambda p: p.parent.name)
def test_the_hurried_editors_pages_have_no_make_up_fault_and_their_slips_are_reported(path):
    """Pages written from the docs alone, as a hurried editor would (tests/editions/hurried-*): no
    make-up fault anywhere, and the editor's own slips (a story too long, regions too big, a lead over
    the masthead's band, a hole over the booked ad) each reported at its placement."""
    report = Report()
    ed = prepare(path, report)
    assert ed is not None
    assert [d.format() for d in report.items if d.code in MAKE_UP_FAULTS] == []
    slips = {d.code for d in report.items if d.source is not None}
    assert {"overset", "underset", "empty-space"} <= slips
    assert ("masthead-no-room" in slips) == ("broadsheet" in path.parent.name)

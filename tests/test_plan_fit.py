"""The planner fills the page (layout/plan/search.py, candidates.py): no region and no column
foot left more than one grid line short, as a reader sees the finished page."""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image

from layout.diagnostics import Report
from layout.page.frames import GlyphRun, Image as PhotoItem, Mark
from layout.pipeline import prepare
from layout.plan.candidates import Variant
from layout.plan.search import PageModel, Rect, StoryModel, solve_page


def story(width: int, height: int) -> Variant:
    """A story `width` columns wide, `height` grid lines tall, that cannot be cut (no headline
    group: the test is about heights only)."""
    return Variant(width, 0, 0.0, height, 0, height * width, 100, None, False, height)


def column_runs(pm: PageModel, solution) -> dict[int, list[tuple[int, int]]]:
    """Per column, the grid lines [top, end) each rectangle of the plan covers (with its rule line)."""
    spans = {c: [] for c in range(pm.columns)}
    rects = list(pm.fixed) + [Rect(p.x, p.y, p.variant.width, p.height + 1) for p in solution.placed.values() if p]
    for r in rects:
        for c in range(r.x, r.x + r.w):
            spans[c].append((r.y, r.y + r.h))
    return {c: sorted(s) for c, s in spans.items()}


def test_no_column_foot_is_left_empty_when_the_stories_can_fill_it():
    """Two columns under a lead: the rank-order plan (a small story under the second story of
    the first column) leaves three lines of white at the foot of the second column; a desk sets
    the small story across both columns at the foot instead, and every column is full."""
    pm = PageModel(2, 20, (), (
        StoryModel("lead", 1, (story(2, 9),)),
        StoryModel("second", 2, (story(1, 6),)),
        StoryModel("third", 3, (story(1, 6),)),
        StoryModel("brief", 4, (story(1, 3), story(2, 3))),
    ), lead="lead")
    solution = solve_page(pm, 0.5)
    assert all(p is not None and not p.cut for p in solution.placed.values())
    foot = pm.lines + 1   # the virtual rule line under the page's foot
    for c, spans in column_runs(pm, solution).items():
        assert foot - spans[-1][1] <= 1, f"column {c + 1} ends {foot - spans[-1][1]} lines above the foot"


# ----------------------------------------------------------------------------- a photo at a region's foot

BODY = ("区文化馆近日在新落成的展厅举办迎新年书画展，展出本地作者作品六十余幅。"
        "展览持续到下月中旬，市民可凭身份证免费参观。")


def photo_story_edition(folder: Path) -> Path:
    """One story two columns wide whose one-column photo runs deeper than the text beside it:
    under the photo's caption its column keeps a line of air, and nothing runs under it."""
    (folder / "images").mkdir(parents=True)
    Image.new("RGB", (1200, 1500), (90, 120, 150)).save(folder / "images" / "hall.jpg", quality=80)
    (folder / "issue.yaml").write_text(f"""paper: {{name: 新区时报}}
issue: {{number: 3, date: 2026-12-07}}
style: tabloid
pages:
  - section: 文化
    masthead: false
    stories:
      - article: hall
        width: 2
articles:
  hall:
    headline: 迎新年书画展在区文化馆开幕
    body: |
      {BODY}
    byline: 记者 周岚
    photos:
      - file: images/hall.jpg
        caption: 市民在展厅里观看书画作品。
        columns: 1
""", encoding="utf-8")
    return folder / "issue.yaml"


def empty_lines_at_foot(frame, article: str, pitch: float) -> int:
    """Grid lines at the foot of the story's region on which none of its columns prints."""
    region = next(it for it in frame.items if isinstance(it, Mark) and it.kind == "region" and it.label == article)
    inside = [it for it in frame.items if isinstance(it, (GlyphRun, PhotoItem))
              and region.x - 1 <= (it.xs[0] if isinstance(it, GlyphRun) else it.x) <= region.x + region.w
              and region.y - 1 <= it.y <= region.y + region.h + 1]
    used = max(int((it.y - region.y) // pitch) + 1 if isinstance(it, GlyphRun)   # the line its baseline is on
               else math.ceil((it.y + it.h - region.y) / pitch - 0.01) for it in inside)
    return round(region.h / pitch) - used


def test_a_photo_at_a_region_foot_is_not_given_a_line_more(tmp_path):
    """The story's foot is its photo's caption and the line of air under it: the planner counts
    that line as the region's one short line and gives the region no line more (else the reader
    sees two empty lines above the next rule)."""
    report = Report()
    edition = prepare(photo_story_edition(tmp_path), report)
    assert not report.errors, report.errors
    first, last = edition.plan.pages[0].placements[0].columns
    assert last - first == 1
    assert empty_lines_at_foot(edition.frames[0], "hall", edition.style.grid.pitch) <= 1


# ----------------------------------------------------------------------------- 撞题, jumps, briefs

from test_planner import HEADLINES, paragraphs, write_edition  # noqa: E402  (the planner tests' small editions)


def printed_clashes(edition) -> list[tuple[str, str]]:
    """Pairs of stories side by side whose headlines, as printed on the finished pages, overlap in
    height (撞题, `layout.plan.clash`)."""
    from layout.page.selfcheck import index_page
    from layout.plan.clash import headlines_clash, printed_band

    pairs = []
    for frame in edition.frames:
        page = index_page(frame, edition.style)
        heads = []
        for story in page.stories:
            band = printed_band(story.runs, page.origin[1], page.grid.pitch) if story.region else None
            if band is not None:
                columns = page.region_columns(story.region)
                heads.append((story.region.label, min(columns), len(columns), band))
        pairs += [(a[0], b[0]) for i, a in enumerate(heads) for b in heads[i + 1:] if headlines_clash(*a[1:], *b[1:])]
    return pairs


def test_no_two_headlines_stand_level_on_the_printed_page(tmp_path):
    """Six stories under the masthead: the planner's old test (headline tops a headline's depth
    apart) let a story's 主题 print level with its neighbour's; now the search and the page agree
    on one definition (the printed bands) and 撞题 is a hard rule: none on the page, no warning."""
    sizes = [11, 3, 6, 3, 6, 3]
    articles = {f"s{i}": {"headline": HEADLINES[i], "paras": paragraphs(n, i + 4), "photo": 2 if i == 1 else None}
                for i, n in enumerate(sizes)}
    report = Report()
    edition = prepare(write_edition(tmp_path, articles, "\n".join(f"      - article: s{i}" for i in range(6))), report)
    assert printed_clashes(edition) == []
    assert edition.plan.page(1).clashes == 0
    assert "plan-headline-clash" not in [d.code for d in report.items]


def test_a_lead_that_jumps_keeps_a_real_story_on_its_own_page(tmp_path):
    """A long lead jumping to page 2 beside three stories: its front part is a story, not a
    headline over a few lines: at least a third of its body lines, or 12 lines a column."""
    articles = {"s0": {"headline": HEADLINES[0], "paras": paragraphs(23, 0), "photo": 2},
                **{f"s{i}": {"headline": HEADLINES[i], "paras": paragraphs(n, i)} for i, n in ((1, 5), (2, 6), (3, 9))},
                "s4": {"headline": HEADLINES[4], "paras": paragraphs(3, 4)}}
    stories = "      - article: s0\n        continue_on: 2\n" + "\n".join(f"      - article: s{i}" for i in (1, 2, 3))
    extra = "  - section: 综合\n    stories:\n      - article: s0\n        continued: true\n      - article: s4"
    edition = prepare(write_edition(tmp_path, articles, stories, extra_pages=extra), Report())
    lead = next(s for s in edition.plan.page(1).placements if s.article_id == "s0")
    width = lead.columns[1] - lead.columns[0] + 1
    assert lead.lines_used > lead.lines_available   # it jumps
    assert lead.lines_available >= min(math.ceil(lead.lines_used / 3), 12 * width), lead


def test_a_brief_is_not_kept_beside_a_lead_cut_many_times_its_size(tmp_path):
    """A lead too long for the page and a two-sentence brief: keeping the brief in a column of its
    own cut the lead by far more than the brief holds, the brief alone over a white column. Now
    the lead takes the page's width and the brief is dropped to the next edition, named."""
    articles = {"lead": {"headline": HEADLINES[0], "paras": paragraphs(50, 0)},
                "brief": {"headline": HEADLINES[3], "paras": ["区图书馆本周六起延长开放时间至晚九点。"]}}
    report = Report()
    edition = prepare(write_edition(tmp_path, articles, "      - article: lead\n      - article: brief",
                                    masthead=False), report)
    plan = edition.plan.page(1)
    lead = next(s for s in plan.placements if s.article_id == "lead")
    assert lead.columns == (1, 5)
    advice = {a.article_id: a for a in plan.copyfit}
    assert advice["brief"].action == "drop"
    assert "lead" not in advice or advice["lead"].lines <= 5, advice   # at most a line a column
    assert any(d.code == "plan-no-room" and "brief" in d.message for d in report.items)


# ----------------------------------------------------------------------------- 竖题: side by side without white


VERTICAL_SIZES = (12, 12, 18)
VERTICAL_STORIES = ("      - article: s0\n        width: 5\n      - article: s1\n        width: 2\n"
                    "      - article: s2\n        width: 3")


def vertical_articles() -> dict[str, dict]:
    return {f"s{i}": {"headline": HEADLINES[i], "paras": paragraphs(n, i + 2)} for i, n in enumerate(VERTICAL_SIZES)}


def test_two_stories_side_by_side_from_one_line_fill_the_page_with_a_vertical_headline(tmp_path):
    """Under a lead across the page, two stories the editor wants 2 and 3 columns wide fill the rest
    of the page only side by side from the same line. Keeping their headlines apart (撞题) by
    starting one lower left white above it and a column short at the foot (`empty-space`); now
    one sets its headline as a 竖题 (vertical, in its right column, the text beside it): no
    headline stands level with another, no white, no cut, every column filled to the foot, and
    make-up sets the 竖题 the plan measured."""
    report = Report()
    edition = prepare(write_edition(tmp_path, vertical_articles(), VERTICAL_STORIES, masthead=False), report)
    plan = edition.plan.page(1)
    assert not plan.copyfit
    assert printed_clashes(edition) == []
    assert [d.code for d in report.items] == [], [d.format() for d in report.items]   # no empty-space, no underset
    lower = {s.article_id: s for s in plan.placements if s.article_id != "s0"}
    assert lower["s1"].lines[0] == lower["s2"].lines[0]   # side by side from the same line
    assert any(s.vertical_head for s in lower.values())
    vertical_runs = [it for it in edition.frames[0].items if isinstance(it, GlyphRun) and it.role == "headline"
                     and it.writing != "h"]
    assert vertical_runs   # the page prints the 竖题


def test_write_freezes_a_vertical_headline_and_builds_the_same_pdf(tmp_path, capsys):
    """`layout plan --write` writes `headline_direction: vertical` for the story the plan gave a
    竖题, and the frozen manifest builds the same PDF, byte for byte, as the planned one."""
    from layout.cli import main

    manifest = write_edition(tmp_path / "edition", vertical_articles(), VERTICAL_STORIES, masthead=False)
    assert main(["build", str(manifest), "-o", str(tmp_path / "planned"), "--pdf"]) == 0
    assert main(["plan", "--write", str(manifest)]) == 0
    capsys.readouterr()
    assert "        headline_direction: vertical\n" in manifest.read_text(encoding="utf-8")
    assert main(["build", str(manifest), "-o", str(tmp_path / "frozen"), "--pdf"]) == 0
    pdf = lambda folder: next(folder.glob("*.pdf")).read_bytes()   # noqa: E731
    assert pdf(tmp_path / "frozen") == pdf(tmp_path / "planned")

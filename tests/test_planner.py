"""The planner (layout/plan): pages whose stories have no columns are laid out by the tool.

Small tabloid editions are written here; their text is original, in the manner of a district paper.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PIL import Image

from layout.cli import main
from layout.diagnostics import Report
from layout.pipeline import prepare

SENTENCES = [
    "区交通运输局近日启动城区公交线网优化工作，计划年内新开和调整线路十二条。",
    "此次调整重点解决新建小区居民出行难、换乘远等问题，方便群众就近乘车。",
    "方案征求意见期间，共收到市民建议四百余条，多数意见已被吸收采纳。",
    "滨河街道的社区工作人员逐户走访独居老人，登记用餐、就医等方面的需求。",
    "工作人员表示，下一步将完善助餐点布局，延长部分站点的服务时间。",
    "今年以来，新区累计完成老旧管网改造三十六公里，片区供水压力明显改善。",
    "不少居民说，过去高峰时段水压不足的情况如今少了，家里用水踏实多了。",
    "项目由区住建部门牵头实施，施工期间采取分段围挡、夜间错峰作业等措施。",
]


def paragraphs(count: int, seed: int) -> list[str]:
    """`count` paragraphs of three sentences each, varied by `seed`."""
    return ["".join(SENTENCES[(seed + 2 * p + i) % len(SENTENCES)] for i in range(3)) for p in range(count)]


def without_last(paras: list[str], count: int) -> list[str]:
    """What an editor does with 'cut N characters': the last N characters of the text go."""
    out = list(paras)
    while count > 0:
        last = out.pop()
        if len(last) > count:
            out.append(last[:len(last) - count])
        count -= len(last)
    return out


def write_edition(folder: Path, articles: dict[str, dict], stories: str, masthead: bool = True,
                  extra_pages: str = "") -> Path:
    """A tabloid edition in `folder`: `articles` id -> {paras, photo?}, `stories` the first page's
    placement lines."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "images").mkdir(exist_ok=True)
    Image.new("RGB", (1800, 1200), (110, 130, 90)).save(folder / "images" / "park.jpg", quality=80)
    Image.new("RGB", (2400, 900), (180, 60, 50)).save(folder / "images" / "ad.jpg", quality=80)
    lines = []
    for art_id, a in articles.items():
        body = "\n\n".join(a["paras"]).replace("\n", "\n      ")
        lines.append(f"  {art_id}:\n    headline: {a['headline']}\n    dateline: 本报讯\n    body: |\n      {body}\n"
                     f"    byline: 记者 林晓")
        if a.get("photo"):
            lines.append("    photos:\n      - file: images/park.jpg\n        caption: 市民在新建的口袋公园里散步。\n"
                         f"        columns: {a['photo']}")
    (folder / "issue.yaml").write_text(f"""paper: {{name: 新区时报}}
issue: {{number: 9, date: 2026-12-04}}
style: tabloid
pages:
  - section: 要闻
    masthead: {'true' if masthead else 'false'}
    stories:
{stories}
{extra_pages}
articles:
""" + "\n".join(lines) + "\n", encoding="utf-8")
    return folder / "issue.yaml"


HEADLINES = ["公交线网年内优化十二条线路", "社区助餐点延长服务时间", "老旧管网改造完成三十六公里",
             "口袋公园方便居民就近休闲", "夜间错峰施工减少扰民", "独居老人需求逐户登记"]


def five_stories(scale: float = 1.0) -> dict[str, dict]:
    sizes = [9, 6, 5, 4, 4]
    return {f"s{i}": {"headline": HEADLINES[i], "paras": paragraphs(max(1, round(n * scale)), i),
                      "photo": 2 if i == 1 else None} for i, n in enumerate(sizes)}


AUTO = "\n".join(f"      - article: s{i}" for i in range(5))


def plan_of(path: Path):
    report = Report()
    edition = prepare(path, report)
    return edition, report


def codes(report: Report, severity: str = "error") -> list[str]:
    return [d.code for d in report.items if d.severity == severity]


@pytest.fixture(scope="module")
def auto_page(tmp_path_factory):
    path = write_edition(tmp_path_factory.mktemp("auto"), five_stories(), AUTO)
    edition, report = plan_of(path)
    return path, edition, report


def test_an_auto_page_builds_clean(auto_page):
    """Every story placed, on the grid, no two overlapping, 0 overset and the self-check clean."""
    _path, edition, report = auto_page
    assert codes(report) == [], report.items
    assert not [d for d in report.items if d.code in ("underset", "empty-column", "lone-ending", "collision")]
    plan = edition.plan.page(1)
    assert plan.status == "planned" and plan.clashes == 0 and plan.touching == 0
    assert "plan-headline-clash" not in codes(report, "warning")
    assert sorted(s.article_id for s in plan.placements) == [f"s{i}" for i in range(5)]
    cells = set()
    for s in plan.placements:
        assert 1 <= s.columns[0] <= s.columns[1] <= 5 and 15 <= s.lines[0] <= s.lines[1] <= 86   # under the masthead
        mine = {(c, ln) for c in range(s.columns[0], s.columns[1] + 1) for ln in range(s.lines[0], s.lines[1] + 1)}
        assert not cells & mine, s
        cells |= mine
        assert s.lines_used <= s.lines_available + s.columns[1] - s.columns[0] + 1   # short by at most a line
        assert s.lines_used >= 4 * (s.columns[1] - s.columns[0] + 1)   # no column under 4 body lines
    placed = {pl.article: pl for pl in edition.issue.pages[0].placements}
    assert all(pl.planned and pl.lines for pl in placed.values())


def test_the_lead_is_on_top_and_widest_with_the_largest_headline(auto_page):
    _path, edition, _report = auto_page
    plan = edition.plan.page(1)
    lead = next(s for s in plan.placements if s.rank == 1)
    assert lead.article_id == "s0"
    others = [s for s in plan.placements if s is not lead]
    assert all(lead.lines[0] <= s.lines[0] for s in others)
    width = lambda s: s.columns[1] - s.columns[0] + 1
    assert all(width(lead) >= width(s) for s in others)
    assert all(lead.headline_pt >= s.headline_pt for s in others)


def test_the_overlay_tags_each_planned_region_with_its_rank(auto_page):
    _path, edition, _report = auto_page
    tags = sorted(it.label for it in edition.frames[0].items if getattr(it, "kind", "") == "plan")
    assert tags == [f"排{n}" for n in range(1, 6)]


def test_the_same_manifest_gives_the_same_plan_and_the_same_pdf(auto_page, tmp_path):
    path, edition, _report = auto_page
    again, _ = plan_of(path)
    assert again.plan == edition.plan
    digests = []
    for n in (1, 2):
        assert main(["build", str(path), "-o", str(tmp_path / f"out{n}"), "--pdf"]) in (0, None)
        pdf = next((tmp_path / f"out{n}").glob("*.pdf"))
        digests.append(hashlib.sha256(pdf.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_fixed_placements_stay_and_the_plan_fills_round_them(tmp_path):
    """A booked ad at the foot and a 报眼 beside the masthead keep their regions; no planned story
    overlaps them."""
    stories = ("      - article: s4\n        columns: [4, 5]\n        lines: [1, 14]\n        box: true\n"
               "      - ad: images/ad.jpg\n        columns: [1, 5]\n        lines: [72, 86]\n"
               + "\n".join(f"      - article: s{i}" for i in range(4)))
    articles = five_stories(0.8)
    articles["s4"]["paras"] = paragraphs(1, 3)[:1]
    articles["s4"]["paras"][0] = articles["s4"]["paras"][0][:60]
    edition, report = plan_of(write_edition(tmp_path, articles, stories))
    assert codes(report) == [], report.items
    page = edition.issue.pages[0]
    fixed = {pl.label: pl for pl in page.placements if not pl.planned}
    assert fixed["s4"].columns == (4, 5) and fixed["s4"].lines == (1, 14)
    assert fixed["ad.jpg"].columns == (1, 5) and fixed["ad.jpg"].lines == (72, 86)
    for s in edition.plan.page(1).placements:
        assert s.lines[1] < 72 and s.lines[0] > 14, s
    # a 2-column 报眼 cannot lead the page: the first listed story does, at the lead's size
    lead = next(s for s in edition.plan.page(1).placements if s.rank == 1)
    assert lead.article_id == "s0" and lead.headline_pt == edition.style.headline_scale.lead


def test_an_over_full_page_gets_exact_cut_advice_that_builds_clean(tmp_path):
    """Too much text: the plan says how many characters to cut from which story. Cut them, keep
    the plan's regions (what `layout plan --write` writes), and the page builds with 0 overset."""
    articles = five_stories(1.7)
    edition, report = plan_of(write_edition(tmp_path / "full", articles, AUTO))
    plan = edition.plan.page(1)
    assert plan.status == "infeasible"
    cuts = [a for a in plan.copyfit if a.action == "cut"]
    assert cuts and {a.article_id for a in plan.copyfit} <= set(articles)
    overset = {d.message.split("'")[1] for d in report.items if d.code == "overset"}
    assert overset == {a.article_id for a in cuts}   # the build says the same stories do not fit
    for a in cuts:
        assert a.message == f"cut {a.chars:,} characters ({a.lines} line{'s' if a.lines != 1 else ''})" and a.chars > 1
        articles[a.article_id]["paras"] = without_last(articles[a.article_id]["paras"], a.chars)
    frozen = "\n".join(f"      - article: {s.article_id}\n        columns: [{s.columns[0]}, {s.columns[1]}]\n"
                       f"        lines: [{s.lines[0]}, {s.lines[1]}]\n        rank: {s.rank}"
                       + (f"\n        photo_lines: {s.photo_lines}" if s.photo_lines else "")   # as --write writes it
                       for s in plan.placements)
    _edition, report = plan_of(write_edition(tmp_path / "cut", articles, frozen))
    assert "overset" not in codes(report), report.items
    assert not [d for d in report.items if d.code == "underset"]
    # one character fewer cut is not enough: the advice is the least cut that fits
    short = five_stories(1.7)
    for a in cuts:
        short[a.article_id]["paras"] = without_last(short[a.article_id]["paras"], a.chars - 1)
    _edition, report = plan_of(write_edition(tmp_path / "short", short, frozen))
    assert "overset" in codes(report)


def test_a_story_with_no_room_is_named_never_dropped_silently(tmp_path):
    """Two pages: a page too full for one more story says where it can go (page 2)."""
    articles = five_stories(2.5)
    extra = "  - section: 综合\n    stories:\n      - article: s5\n        columns: [1, 5]"
    articles["s5"] = {"headline": HEADLINES[5], "paras": paragraphs(2, 5)}
    edition, report = plan_of(write_edition(tmp_path, articles, AUTO, extra_pages=extra))
    plan = edition.plan.page(1)
    placed = {s.article_id for s in plan.placements}
    assert any(a.action == "drop" for a in plan.copyfit)
    for a in plan.copyfit:
        assert a.article_id not in placed or a.action == "cut"
        if a.action == "drop":
            assert a.to_page == 2 and a.message.startswith("drop to page 2")
            d = next(d for d in report.items if d.code == "plan-no-room" and a.article_id in d.message)
            assert d.severity == "error" and d.source == next(
                pl.source for pl in prepare_issue_placements(edition) if pl.article == a.article_id)
    assert placed | {a.article_id for a in plan.copyfit} == {f"s{i}" for i in range(5)}


def prepare_issue_placements(edition):
    """The first page's placements as written (a story with no room is no longer on the page)."""
    from layout.manifest.load import load_manifest
    from layout.model import build_issue

    return build_issue(load_manifest(edition.issue.manifest_path, Report()), Report()).pages[0].placements


@pytest.mark.parametrize("stories, code, key", [
    ("      - article: s0\n        width: 7", "width-too-wide", "width"),
    ("      - article: s1\n        width: 1\n        photo_width: 3", "photo-too-wide", "photo_width"),
    ("      - picture: images/park.jpg", "needs-columns", "picture"),
    ("      - article: s0\n        lines: [20, 40]", "needs-columns", "lines"),
    ("      - article: s0\n        width: [0, 9]", "bad-value", "width"),
    ("      - article: s0\n        photo_width: wide", "wrong-type", "photo_width"),
])
def test_bad_planner_input_is_a_located_diagnostic(tmp_path, stories, code, key):
    path = write_edition(tmp_path, {k: v for k, v in five_stories(0.5).items() if k in ("s0", "s1")}, stories)
    report = Report()
    prepare(path, report)   # never a traceback
    found = [d for d in report.items if d.code == code]
    assert found, report.items
    text = path.read_text(encoding="utf-8").splitlines()
    assert key in text[found[0].source.line - 1]


def test_overlapping_fixed_placements_are_reported_and_the_rest_planned(tmp_path):
    stories = ("      - article: s0\n        columns: [1, 3]\n        lines: [15, 40]\n"
               "      - article: s1\n        columns: [3, 5]\n        lines: [30, 50]\n"
               "      - article: s2\n      - article: s3")
    articles = five_stories(0.6)
    edition, report = plan_of(write_edition(tmp_path, {k: articles[k] for k in ("s0", "s1", "s2", "s3")}, stories))
    overlap = [d for d in report.items if d.code == "overlap"]
    assert overlap and overlap[0].source.line > 0
    assert {s.article_id for s in edition.plan.page(1).placements} == {"s2", "s3"}


def test_width_and_photo_width_are_honoured(tmp_path):
    stories = "      - article: s0\n        width: [2, 3]\n      - article: s1\n        width: 3\n        photo_width: 3"
    articles = five_stories(0.6)
    edition, report = plan_of(write_edition(tmp_path, {k: articles[k] for k in ("s0", "s1")}, stories))
    by_id = {s.article_id: s for s in edition.plan.page(1).placements}
    assert 2 <= by_id["s0"].columns[1] - by_id["s0"].columns[0] + 1 <= 3
    assert by_id["s1"].columns[1] - by_id["s1"].columns[0] == 2 and by_id["s1"].photo_width == 3
    photo = edition.issue.articles["s1"].photos[0]
    assert photo.columns == 3


def test_a_jump_planned_on_both_pages_builds_clean(tmp_path):
    """A long lead jumps from page 1 to page 2, both pages planned: the head says what goes on,
    the continuation's region holds exactly that (0 overset, no region short by more than a line)."""
    articles = five_stories(1.0)
    articles["s0"]["paras"] = paragraphs(24, 0)
    stories = "      - article: s0\n        continue_on: 2\n" + "\n".join(f"      - article: s{i}" for i in (1, 2, 3))
    extra = ("  - section: 综合\n    stories:\n      - article: s0\n        continued: true\n"
             "      - article: s4\n      - article: s5")
    articles["s5"] = {"headline": HEADLINES[5], "paras": paragraphs(5, 5)}
    edition, report = plan_of(write_edition(tmp_path, articles, stories, extra_pages=extra))
    assert codes(report) == [], report.items
    assert not [d for d in report.items if d.code in ("underset", "empty-jump-head")]
    jump = [a for a in edition.plan.page(1).copyfit if a.action == "jump"]
    assert len(jump) == 1 and jump[0].to_page == 2 and jump[0].message.startswith("jump to page 2 (")
    continuation = next(s for s in edition.plan.page(2).placements if s.continued)
    assert continuation.article_id == "s0" and continuation.chars == jump[0].chars


def test_a_search_out_of_time_keeps_its_best_plan_and_warns(auto_page):
    """Never a hang: at the time limit the page keeps the best plan found so far, with a warning."""
    from layout.plan import plan_issue

    _path, edition, _report = auto_page
    unplanned = edition.issue.manifest_path
    from layout.manifest.load import load_manifest
    from layout.model import build_issue

    issue = build_issue(load_manifest(unplanned, Report()), Report())
    report = Report()
    plan = plan_issue(issue, edition.style, report, time_limit=1e-9)
    page = plan.page(1)
    assert page.status == "best-found-within-time-limit"
    assert "plan-time-limit" in codes(report, "warning")
    assert len(page.placements) + sum(a.action == "drop" for a in page.copyfit) == 5


def test_a_picture_and_an_ad_given_columns_only_get_their_lines_from_the_plan(tmp_path):
    stories = ("      - picture: images/park.jpg\n        columns: [4, 5]\n        caption: 市民在口袋公园里散步。\n"
               "      - ad: images/ad.jpg\n        columns: [1, 3]\n"
               + "\n".join(f"      - article: s{i}" for i in range(4)))
    articles = five_stories(0.7)
    edition, report = plan_of(write_edition(tmp_path, {k: articles[k] for k in ("s0", "s1", "s2", "s3")}, stories))
    assert codes(report) == [], report.items
    page = edition.issue.pages[0]
    by_label = {pl.label: pl for pl in page.placements}
    assert by_label["park.jpg"].columns == (4, 5) and by_label["park.jpg"].lines
    assert by_label["ad.jpg"].columns == (1, 3) and by_label["ad.jpg"].lines
    assert {s.article_id for s in edition.plan.page(1).placements} >= {"park.jpg", "ad.jpg"}


def test_the_sample_edition_planned_by_the_tool_builds_clean(tmp_path):
    """The hand-placed sample with every story's columns and lines taken away (the 报眼 stays
    booked): all four pages planned, the lead's jump to page 2 too, every story on its page and no
    headlines side by side (撞题, a hard rule). The hand-placed pages print some headlines level;
    kept clear of that, a page may need a few lines cut: exact advice, never a drop."""
    import re
    import shutil

    from conftest import SAMPLE

    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE.parent, folder)
    manifest = folder / "issue.yaml"
    text = manifest.read_text(encoding="utf-8")
    head, rest = text.split("  - article: work-conference\n", 1)   # the 报眼 above it keeps its region
    rest = re.sub(r"\n +(columns|lines): \[\d+, \d+\]", "", "\n" + rest)
    manifest.write_text(head + "  - article: work-conference" + rest, encoding="utf-8")
    edition, report = plan_of(manifest)
    cuts = {a.article_id: a for a in edition.plan.copyfit if a.action == "cut"}
    assert not [a for a in edition.plan.copyfit if a.action == "drop"]
    assert all(a.lines <= 3 for a in cuts.values()), cuts
    assert {d.message.split("'")[1] for d in report.errors} == set(cuts), report.errors
    assert set(codes(report)) <= {"overset"}
    assert all(p.clashes == 0 for p in edition.plan.pages)
    assert [p.number for p in edition.plan.pages] == [1, 2, 3, 4]
    jump = [a for a in edition.plan.copyfit if a.action == "jump"]
    assert len(jump) == 1 and jump[0].article_id == "work-conference" and jump[0].to_page == 2
    assert all(pl.lines for page in edition.issue.pages for pl in page.placements)

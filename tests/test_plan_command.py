"""`layout plan`: the desk's view of the planned pages (tables, --json, exit status) and `--write`,
which writes the planned regions back into the manifest keeping the editor's comments and layout."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from layout.cli import main
from layout.manifest.writeback import PlannedRegion, WritebackError, write_regions

AD = ROOT / "issues" / "2026-12-05-planned" / "images" / "ad-gas.png"

#: A page of three stories without columns above a booked ad; `{ad_top}` sets how much room they get.
MANIFEST = """\
# yaml-language-server: $schema=../layout/manifest/issue.schema.json
# A small edition for the plan command.
paper: {{name: 桐溪时报}}
issue: {{number: 7, date: 2026-12-05}}
style: tabloid

pages:
  - section: 要闻
    stories:
      - article: hub   # the lead
      # the next story keeps this comment above it
      - article: "inspection"

      - article: buses
      - ad: ad-gas.png
        alt: 燃气公司的冬季安全用气广告
        columns: [1, 5]
        lines: [{ad_top}, 86]

articles:
  hub:
    headline: 东岸综合交通枢纽主体结构封顶
    dateline: 本报讯
    body: |
      随着最后一方混凝土浇筑完成，东岸综合交通枢纽主体结构今天上午顺利封顶。这个总建筑面积约12.6万平方米的项目，是桐溪区今年投资规模最大的交通基础设施工程，建成后将把地铁、城际公交、长途客运和出租车停靠集中在一处，实现旅客“下楼即换乘”。

      枢纽位于东岸新城核心区，地上三层、地下两层。地下二层为地铁站厅和站台，地下一层设置停车场和非机动车停放区，共有停车泊位860个；地面层为城际公交和长途客运发车区，二层为候车大厅和商业配套。
    byline: 记者 唐一鸣
  inspection:
    headline: 区人大常委会视察民生实事
    body: |
      区人大常委会主任带领部分常委会组成人员和区人大代表，视察今年区政府民生实事项目推进情况，先后察看了老年人助餐点、新建教学楼和农贸市场改造现场。

      据介绍，今年确定的12项民生实事项目已完成9项，其余3项正在按计划推进，预计年底前全部完成。
    byline: 记者 方晓雯
  buses:
    headline: 3条公交线路调整
    body: |
      12月10日起，6路公交车延伸至东岸新城中央公园，15路公交车早晚高峰发车间隔由15分钟缩短至8分钟，22路公交车首班时间由6:30提前至6:00。
    byline: 记者 周航
"""


def _edition(folder: Path, ad_top: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(AD, folder / "ad-gas.png")
    path = folder / "issue.yaml"
    path.write_text(MANIFEST.format(ad_top=ad_top), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def roomy(tmp_path_factory) -> Path:
    """Room for all three stories (the ad takes the lower half of the page)."""
    return _edition(tmp_path_factory.mktemp("roomy"), ad_top=41)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory) -> Path:
    """The ad leaves 14 grid lines: the three stories cannot all fit."""
    return _edition(tmp_path_factory.mktemp("crowded"), ad_top=15)


def _plan(capsys, *args) -> tuple[int, str, str]:
    status = main(["plan", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def roomy_json(roomy):
    """`layout plan --json` of the roomy page (once for the module: capsys is per test)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["plan", "--json", str(roomy)])
    return status, json.loads(out.getvalue())


def test_plan_prints_each_story_of_the_page_and_exits_0_when_everything_fits(roomy, capsys):
    status, out, _err = _plan(capsys, roomy)
    assert status == 0
    assert out.startswith("第1版 要闻: planned")
    header = out.splitlines()[1].split()
    assert header[:5] == ["rank", "story", "columns", "lines", "characters"]
    rows = {line.split()[1]: line.split() for line in out.splitlines()[2:5]}
    assert set(rows) == {"hub", "inspection", "buses"}
    assert rows["hub"][0] == "1"                       # the lead is rank 1, as listed first
    used, available = map(int, rows["hub"][5].split("/"))
    assert used <= available                           # it fits
    assert "copyfit: nothing to do" in out
    assert "\x1b[" not in out                          # piped: plain text, no terminal colours


def test_plan_json_has_every_story_with_its_region_and_measures(roomy_json):
    status, data = roomy_json
    assert status == 0 and data["clean"] is True and data["copyfit"] == []
    (page,) = data["pages"]
    assert page["number"] == 1 and page["section"] == "要闻" and page["status"] == "planned"
    stories = {s["article"]: s for s in page["stories"]}
    assert set(stories) == {"hub", "inspection", "buses"}
    for s in stories.values():
        assert 1 <= s["columns"][0] <= s["columns"][1] <= 5
        assert 1 <= s["lines"][0] <= s["lines"][1] <= 40   # above the ad, which starts at line 41
        assert s["chars"] > 0 and s["lines_used"] <= s["lines_available"]
        assert isinstance(s["headline_size"], str) and s["source"]["line"] > 0
    assert stories["hub"]["rank"] == 1


def test_an_over_full_page_gets_copyfit_advice_and_exit_status_1(crowded, capsys):
    status, out, _err = _plan(capsys, crowded)
    assert status == 1
    advice = out[out.index("copyfit: the pages do not fit"):]
    assert any(word in advice for word in ("cut", "jump", "drop")), advice
    status, out, _err = _plan(capsys, "--json", crowded)
    data = json.loads(out)
    assert status == 1 and data["clean"] is False
    assert data["copyfit"] and all(a["action"] in ("cut", "jump", "drop") for a in data["copyfit"])
    assert all(a["message"] and a["page"] == 1 for a in data["copyfit"])


def test_write_keeps_comments_and_builds_the_same_pdf_as_the_planned_page(roomy, tmp_path, capsys):
    folder = tmp_path / "edition"
    shutil.copytree(roomy.parent, folder)
    manifest = folder / "issue.yaml"
    before = manifest.read_text(encoding="utf-8")
    assert main(["build", str(manifest), "-o", str(tmp_path / "planned"), "--pdf"]) == 0

    status, _out, err = _plan(capsys, "--write", manifest)
    assert status == 0 and "3 placements written" in err
    after = manifest.read_text(encoding="utf-8")
    # only lines were added, every line of the original is still there, in order
    old_lines, new_lines = before.splitlines(), after.splitlines()
    it = iter(new_lines)
    assert all(any(line == n for n in it) for line in old_lines)
    added = [n for n in new_lines if n not in old_lines]
    assert added and all(n.strip().split(":")[0] in ("columns", "lines", "rank", "photo_width") for n in added)
    # comments stay with what they are about
    lines = after.splitlines()
    assert lines[lines.index("      # the next story keeps this comment above it") + 1] == '      - article: "inspection"'
    assert "      - article: hub   # the lead" in lines

    assert main(["build", str(manifest), "-o", str(tmp_path / "written"), "--pdf"]) == 0
    planned_pdf = next((tmp_path / "planned").glob("*.pdf")).read_bytes()
    written_pdf = next((tmp_path / "written").glob("*.pdf")).read_bytes()
    assert written_pdf == planned_pdf

    # planning again: nothing left to plan, the file is not touched
    status, _out, err = _plan(capsys, "--write", manifest)
    assert status == 0 and manifest.read_text(encoding="utf-8") == after


def _jump_edition(folder: Path) -> Path:
    """The small edition with its lead jumping to a page 2 whose stories name no columns."""
    manifest = _edition(folder, ad_top=41)
    text = manifest.read_text(encoding="utf-8").replace("      - article: hub   # the lead\n",
                                                        "      - article: hub   # the lead\n        continue_on: 2\n")
    text = text.replace("\narticles:", """
  - section: 综合
    stories:
      - article: hub
        continued: true
      - article: extra

articles:
  extra:
    headline: 柳巷社区长者食堂开业
    body: |
      柳巷社区长者食堂今天开业，可同时容纳60位老人就餐，每餐两荤两素一汤，80岁以上老人每餐优惠3元。
""")
    text = text.replace("随着最后一方混凝土浇筑完成", "随着最后一方混凝土浇筑完成" + "，工地上一片欢腾" * 200)
    manifest.write_text(text, encoding="utf-8")
    return manifest


def test_a_planned_jump_is_no_copyfit_and_its_landing_is_written_without_a_rank(tmp_path, capsys):
    """The lead jumps to page 2, whose stories (the landing too) have no columns: the plan says what
    goes on, which is no reason for exit status 1; --write fixes both ends, and the PDF stays."""
    manifest = _jump_edition(tmp_path / "jump")

    status, out, _err = _plan(capsys, manifest)
    assert status == 0, out
    assert "jumps: what each jump head hands on" in out and "jump to page 2" in out
    assert any(line.split()[:2] == ["转", "hub"] for line in out.splitlines()), out
    status, out, _err = _plan(capsys, "--json", manifest)
    landing = next(s for p in json.loads(out)["pages"] if p["number"] == 2 for s in p["stories"] if s["article"] == "hub")
    assert landing["continued"] is True and landing["rank"] is None

    assert main(["build", str(manifest), "-o", str(tmp_path / "planned"), "--pdf"]) == 0
    assert _plan(capsys, "--write", manifest)[0] == 0
    written = manifest.read_text(encoding="utf-8").splitlines()
    at = [n for n, line in enumerate(written) if line.startswith("      - article: hub")][1]   # the landing
    assert written[at + 1].startswith("        columns: [") and written[at + 2].startswith("        lines: [")
    assert written[at + 3] == "        continued: true"
    assert main(["build", str(manifest), "-o", str(tmp_path / "written"), "--pdf"]) == 0
    assert next((tmp_path / "written").glob("*.pdf")).read_bytes() == \
        next((tmp_path / "planned").glob("*.pdf")).read_bytes()


# ----------------------------------------------------------------------------- writeback on its own

COMMENTED = """\
# top
pages:
  - section: 要闻   # the front page
    stories:
      - article: a  # first

      # about b
      - article: b
        rank: 2
      - {article: c, box: true}
      - article: d
        continued: true
        columns: [1, 2]
      - article: d
articles: {}
"""


def test_writeback_adds_only_the_planned_keys_after_the_article(tmp_path):
    path = tmp_path / "issue.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    regions = [PlannedRegion(0, "a", (1, 3), (1, 40), rank=1), PlannedRegion(0, "b", (4, 5), (1, 20), rank=2),
               PlannedRegion(0, "c", (4, 5), (21, 40)), PlannedRegion(0, "d", (1, 5), (41, 86))]
    assert write_regions(path, regions) == 4
    assert path.read_text(encoding="utf-8") == """\
# top
pages:
  - section: 要闻   # the front page
    stories:
      - article: a  # first
        columns: [1, 3]
        lines: [1, 40]
        rank: 1

      # about b
      - article: b
        columns: [4, 5]
        lines: [1, 20]
        rank: 2
      - {article: c, columns: [4, 5], lines: [21, 40], box: true}
      - article: d
        continued: true
        columns: [1, 2]
      - article: d
        columns: [1, 5]
        lines: [41, 86]
articles: {}
"""
    written = path.read_bytes()
    assert write_regions(path, regions) == 0           # the same plan again: nothing changes
    assert path.read_bytes() == written


def test_writeback_keeps_windows_line_ends_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "issue.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    assert write_regions(path, [PlannedRegion(0, "a", (1, 3), (1, 40))]) == 1
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    assert b"      - article: a  # first\r\n        columns: [1, 3]\r\n        lines: [1, 40]\r\n" in raw


def test_writeback_refuses_a_plan_for_a_manifest_that_changed_and_leaves_it_alone(tmp_path):
    path = tmp_path / "issue.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    for region in (PlannedRegion(0, "zz", (1, 3), (1, 40)), PlannedRegion(3, "a", (1, 3), (1, 40)),
                   PlannedRegion(0, "b", (1, 3), (1, 40), placement=0)):
        with pytest.raises(WritebackError) as caught:
            write_regions(path, [PlannedRegion(0, "a", (1, 2), (1, 9)), region])
        assert "changed since it was planned" in str(caught.value)
        assert path.read_text(encoding="utf-8") == COMMENTED


def test_write_into_a_manifest_it_cannot_keep_is_a_located_error_not_a_traceback(roomy, tmp_path, capsys):
    """A placement written as a flow mapping can only be written through the YAML writer, which would
    also respace `[1,5]` elsewhere in the file: refused with a `write-back` error, the file untouched."""
    folder = tmp_path / "odd"
    shutil.copytree(roomy.parent, folder)
    manifest = folder / "issue.yaml"
    text = manifest.read_text(encoding="utf-8").replace("- article: hub   # the lead", "- {article: hub}")
    text = text.replace("columns: [1, 5]", "columns: [1,5]")
    manifest.write_text(text, encoding="utf-8")
    status, _out, err = _plan(capsys, "--write", manifest)
    assert status == 1 and "Traceback" not in err
    assert f"{manifest}: error[write-back]:" in err and "nothing written" in err
    assert "already holds this plan" not in err and "written into" not in err
    assert manifest.read_text(encoding="utf-8") == text


def test_the_live_preview_plans_the_page_again_on_save(roomy, tmp_path):
    """`layout preview --serve` rebuilds through `pipeline.prepare`, which plans: a story made 200
    characters longer (16 lines more than its planned region holds) is placed again, not overset."""
    from layout.preview.serve import LivePreview

    folder = tmp_path / "live"
    shutil.copytree(roomy.parent, folder)
    manifest = folder / "issue.yaml"
    with LivePreview(manifest, tmp_path / "out", dpi=20, port=0, log=lambda msg: None) as live:
        live.rebuild()
        before = live.state()
        assert not before["broken"] and list(before["pages"]) == [1]
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace("实现旅客“下楼即换乘”。", "实现旅客“下楼即换乘”。" + "枢纽建成后，东岸新城到主城区的平均通行时间将缩短20分钟左右。" * 7),
                            encoding="utf-8")
        assert live.rebuild({manifest})
        after = live.state()
        assert after["version"] > before["version"] and after["pages"][1] != before["pages"][1]
        codes = {d.code for page in live.preview.pages for d in page.diagnostics} | {d.code for d in live.preview.diagnostics}
        assert "overset" not in codes and "copyfit" not in codes, codes

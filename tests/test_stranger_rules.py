"""Rules a stranger's editions showed were missing (tests/editions/stranger-*): an in-body subhead
(插题) never ends a column (背题), a jump whose head holds all its text says so, a missing glyph is
located at its own line and column, and a mark a face centres in its em keeps its ink inside the
half em it is set in."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import tiny_edition
from layout.diagnostics import Report
from layout.page.frames import GlyphRun
from layout.page.selfcheck import page_findings
from layout.pipeline import prepare

SENTENCE = "街道今年为辖区老人加装了扶手和夜灯。"


def _subhead_page(folder: Path) -> Path:
    """Twelve two-column stories, each a paragraph of a different length, a 插题, then its text:
    somewhere the subhead falls at the foot of a column unless make-up keeps it with its text."""
    stories, articles = [], []
    for i in range(12):
        columns = [1, 2] if i % 2 == 0 else [3, 4]
        top = 1 + (i // 2) * 14
        stories.append(f"      - {{article: s{i}, columns: {columns}, lines: [{top}, {top + 13}]}}")
        body = SENTENCE * (2 + i // 3) + "社区" * (i % 3) + "。"
        articles.append(f"  s{i}:\n    headline: 老楼加装电梯{i}\n    body: |\n      {body}\n\n"
                        f"      ### 居民自治议事\n\n      {SENTENCE * 3}")
    return tiny_edition(folder, "\n".join(stories), "\n".join(articles))


def _subheads_without_text_under(frame) -> list[str]:
    """The subheads (插题) on the page with no body line right under them in their column."""
    runs = [it for it in frame.items if isinstance(it, GlyphRun) and it.xs]
    return [f"{head.text} at y={head.y:.1f}" for head in runs if head.role == "intertitle"
            and not any(r.role == "body" and abs(r.xs[0] - head.xs[0]) < 20 and 0 < r.y - head.y < 20 for r in runs)]


@pytest.fixture(scope="module")
def subhead_page(tmp_path_factory):
    report = Report()
    ed = prepare(_subhead_page(tmp_path_factory.mktemp("subheads")), report)
    assert ed is not None
    return ed, report


def test_no_subhead_ends_a_column_its_text_goes_on_in_the_next(subhead_page):
    ed, report = subhead_page
    findings = page_findings(ed.frames[0], ed.style)
    assert [f.message for f in findings if f.code == "intertitle-stranded"] == []
    assert [d.format() for d in report.items if d.code in ("text-lost", "overset", "lone-ending", "empty-column")] == []
    assert _subheads_without_text_under(ed.frames[0]) == []


def test_a_stacked_story_takes_a_line_more_rather_than_leave_a_subhead_at_a_column_foot(tmp_path):
    """Stories stacked without `lines` take the height their text needs: where the balanced columns
    would end one with a subhead, the story is a line taller and the subhead heads its text."""
    stories, articles = [], []
    for i in range(10):
        stories.append(f"      - {{article: s{i}, columns: {[1, 2] if i % 2 == 0 else [3, 4]}}}")
        articles.append(f"  s{i}:\n    headline: 老楼加装电梯{i}\n    body: |\n      "
                        f"{SENTENCE * (1 + i // 2) + '社区' * (i % 4)}。\n\n      ### 居民自治议事\n\n      {SENTENCE * 2}")
    report = Report()
    ed = prepare(tiny_edition(tmp_path / "e", "\n".join(stories), "\n".join(articles)), report)
    assert ed is not None and _subheads_without_text_under(ed.frames[0]) == []
    assert [d.format() for d in report.items if d.code in ("intertitle-stranded", "overset", "text-lost")] == []


def test_self_check_reports_a_subhead_left_at_a_column_foot(tmp_path, monkeypatch):
    """The same page made up without the rule: the self-check finds the stranded subheads, located."""
    import layout.page.story as story

    monkeypatch.setattr(story, "keep_headings_with_text", lambda slots, per_col, caps, columns: per_col)
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    report = Report()
    ed = prepare(_subhead_page(tmp_path / "e"), report)
    stranded = [d for d in report.items if d.code == "intertitle-stranded"]
    assert stranded, "the page without the rule should strand a subhead somewhere"
    assert all(d.source and d.source.line and "居民自治议事" in d.message for d in stranded)
    assert ed is not None


def _jumping(folder: Path, sentences: int, lines: str) -> tuple[Path, Report]:
    """A story of `sentences` sentences in columns 1-3 at `lines`, continued on page 2: made up."""
    path = tiny_edition(folder, f"""      - article: story
        columns: [1, 3]
        lines: {lines}
        continue_on: 2""", f"""  story:
    headline: 东湖社区开办老年食堂
    body: |
      {SENTENCE * sentences}""", pages_extra="""  - section: 综合
    stories:
      - {article: story, continued: true, columns: [1, 2]}""")
    report = Report()
    assert prepare(path, report) is not None
    return path, report


def test_a_jump_whose_head_holds_all_its_text_is_reported(tmp_path):
    """continue_on on a story that fits: its continuation on page 2 stays blank, and the editor is told
    where (the head's placement), not left to find an empty region on the proof."""
    path, report = _jumping(tmp_path / "e", 3, "[20, 60]")
    unused = [d for d in report.items if d.code == "jump-unused"]
    assert len(unused) == 1, [d.format() for d in report.items]
    text = path.read_text(encoding="utf-8").split("\n")
    assert text[unused[0].source.line - 1].strip() == "- article: story"
    assert "page 2" in unused[0].message and "continue_on: 2" in unused[0].hint


def test_a_jump_that_jumps_is_not_reported_unused(tmp_path):
    _, report = _jumping(tmp_path / "e", 40, "[20, 30]")
    assert [d.code for d in report.items if d.code in ("jump-unused", "overset", "text-lost")] == []


def test_a_missing_glyph_is_located_at_its_own_line_and_column(tmp_path, monkeypatch):
    """No face has U+2A6A5 (only the bundled faces here): each paragraph holding it is an error at the
    character itself, in a YAML block and in a Markdown article file."""
    monkeypatch.setenv("LAYOUT_FONT_DIRS", str(tmp_path / "no-fonts"))
    (tmp_path / "no-fonts").mkdir()
    path = tiny_edition(tmp_path / "e", """      - {article: inline, columns: [1, 2], lines: [1, 40]}
      - {article: filed, columns: [3, 5], lines: [1, 40]}""", f"""  include: [articles/*.md]
  inline:
    headline: 青瓷村来了新窑工
    body: |
      {SENTENCE}

      回乡青年杨\U0002A6A5把老窑修了起来，{SENTENCE}""")
    (path.parent / "articles").mkdir()
    (path.parent / "articles" / "filed.md").write_text(
        f"---\nheadline: 窑火重燃\n---\n{SENTENCE}\n\n{SENTENCE}徒弟刘\U0002A6A5说。\n", encoding="utf-8")
    report = Report()
    prepare(path, report)
    missing = sorted((d for d in report.items if d.code == "missing-glyph"), key=lambda d: d.source.file)
    assert len(missing) == 2, [d.format() for d in report.items]
    for d in missing:
        line = Path(d.source.file).read_text(encoding="utf-8").split("\n")[d.source.line - 1]
        assert line[d.source.col - 1] == "\U0002A6A5", d.format()


INSTALLED = {"AR PL UMing CN": "/usr/share/fonts/truetype/arphic/uming.ttc",
             "WenQuanYi Zen Hei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "WenQuanYi Micro Hei": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"}


@pytest.mark.parametrize("name", sorted(INSTALLED))
def test_a_mark_set_half_width_keeps_its_ink_inside_its_half_em(name):
    """Faces without `halt` whose stops or brackets are centred in the em (Debian's fonts-arphic-uming,
    fonts-wqy-*): set half-width, every mark's ink stays inside the half em it is given, where the
    mark's class alone would push a centred 、 into the next character."""
    if not Path(INSTALLED[name]).exists():
        pytest.skip(f"{INSTALLED[name]} is not installed (scripts/test.sh installs it)")
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTCollection

    from layout.fonts.registry import HALT_CHARS, load_face
    from layout.text.classes import COMPRESSIBLE, CharClass, classify

    face = load_face(name)
    font = next(f for f in TTCollection(INSTALLED[name]).fonts if f["name"].getDebugName(1) == name)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    outside = []
    for ch in HALT_CHARS:
        cls = classify(ch)
        if cls not in COMPRESSIBLE or face.advances.get(ch, 0) < 0.75 or ord(ch) not in cmap:
            continue
        shift = face.half_shift(ch)
        if shift is None:   # the composer's guess from the class: stops left, opening brackets right
            shift = -(face.advances[ch] - 0.5) if cls == CharClass.OPEN else 0.0
        pen = BoundsPen(glyphs)
        glyphs[cmap[ord(ch)]].draw(pen)
        if pen.bounds is None:
            continue
        left, right = pen.bounds[0] / face.upm + shift, pen.bounds[2] / face.upm + shift
        if left < -0.05 or right > 0.55:
            outside.append(f"{ch} ink {left:.2f}..{right:.2f} em")
    assert outside == []


def test_an_overset_stacked_story_names_the_stories_right_above_it_not_every_one_higher_up(tmp_path):
    """A story stacked under a wide story that itself sits under a box: the overset names the wide
    story (the one to cut or move), not the box higher up that does not share its room."""
    path = tiny_edition(tmp_path / "e", """      - {article: ear, columns: [4, 5], lines: [1, 10], box: true}
      - {article: wide, columns: [1, 5]}
      - {article: long, columns: [1, 5]}""", f"""  ear:
    headline: 今日天气
    body: 晴，北风二级。
  wide:
    headline: 东湖社区开办老年食堂
    body: |
      {SENTENCE * 12}
  long:
    headline: 老旧小区改造全面启动
    body: |
      {SENTENCE * 400}""")
    report = Report()
    assert prepare(path, report) is not None
    overset = [d for d in report.errors if d.code == "overset"]
    assert len(overset) == 1 and "'long'" in overset[0].message, [d.format() for d in report.items]
    assert "below 'wide'" in overset[0].message and "'ear'" not in overset[0].message + overset[0].hint


def test_the_web_headline_keeps_the_editors_break_as_a_gap_and_wraps_only_between_words(tmp_path):
    """On the web edition a headline set in print as 「龙窑复烧／千年窑火…」 (a `|` break) reads with a
    gap where print breaks it, not run together; and each of its pieces a narrow screen may wrap
    at is a whole word: a title in 《》, 装卸, a number with its % stay whole. In the EPUB the break is
    a <br/> in the headline, and a gap in its title and table of contents."""
    import json
    import zipfile

    from lxml import html as lxml_html

    from layout.cli import main

    path = tiny_edition(tmp_path / "e", """      - {article: kiln, columns: [1, 3], lines: [1, 40]}
      - {article: port, columns: [4, 5], lines: [1, 40]}""", f"""  kiln:
    headline: 龙窑复烧|千年窑火照亮古村新生活
    body: |
      {SENTENCE * 4}
  port:
    headline: "《清河港志》翻开新篇 5G智慧码头装卸效率提升35%"
    body: |
      {SENTENCE * 4}""")
    assert main(["build", str(path), "-o", str(tmp_path / "out"), "--web"]) == 0
    web = tmp_path / "out" / "web"
    summary = json.loads((web / "edition.json").read_text(encoding="utf-8"))
    assert [a["headline"] for a in summary["articles"]] == ["龙窑复烧 千年窑火照亮古村新生活",
                                                            "《清河港志》翻开新篇 5G智慧码头装卸效率提升35%"]
    kiln, port = (lxml_html.fromstring(p.read_bytes()) for p in sorted((web / "article").glob("*.html")))
    assert kiln.xpath("string(//h1)") == "龙窑复烧 千年窑火照亮古村新生活"
    pieces = port.xpath("//h1//span[@class='w']/text()")
    assert "".join(pieces) == "《清河港志》翻开新篇5G智慧码头装卸效率提升35%"
    for whole in ("《清河港志》", "装卸", "35%"):
        assert any(whole in piece for piece in pieces), (whole, pieces)
    book = zipfile.ZipFile(next((tmp_path / "out").glob("*.epub")))
    names = book.namelist()
    nav = book.read(next(n for n in names if n.endswith("nav.xhtml"))).decode("utf-8")
    assert "龙窑复烧 千年窑火照亮古村新生活" in nav
    story = book.read(next(n for n in names if n.endswith("-kiln.xhtml"))).decode("utf-8")
    assert "<title>龙窑复烧 千年窑火照亮古村新生活</title>" in story and "龙窑复烧<br/>千年窑火" in story

"""Jumps to any page, the text-conservation check, unplaced articles, grid spans and overset wording.

- A jump to an EARLIER page (issue 20.2) is set: the head's page is made up before the page that
  carries its continuation, and （下转第N版）/（上接第N版） read right; pages whose jumps wait on each
  other end in one located `jump-cycle` error, never in silent loss.
- Conservation: for every placed article, the body characters on the page frames plus those an
  error counts (`overset`, `jump-cycle`) equal the article's body; a make-up step that drops a
  line is a loud `text-lost` error.
- An article no page places is a located `unplaced-article` warning (issue 15.10).
- Each malformed `columns`/`lines` span gives exactly one diagnostic, at the value (issue 15.12).
- Overset in a stack names the stories above and counts in good English: "1 line" (issue 15.15).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from layout.cli import main
from layout.diagnostics import Report
from layout.page.frames import Anchor, GlyphRun
from layout.pipeline import prepare

pypdf = pytest.importorskip("pypdf")
SAMPLE = ROOT / "issues" / "2026-11-27"
#: Glyph-run roles that carry an article's body (the dateline is set in the body role).
BODY_ROLES = {"body", "intertitle", "byline"}


def _edition(tmp_path: Path, pages: str) -> Path:
    """An edition in tmp_path using the sample's article files; `pages` is the YAML of its pages."""
    shutil.copytree(SAMPLE / "articles", tmp_path / "articles")
    shutil.copytree(SAMPLE / "images", tmp_path / "images")
    (tmp_path / "issue.yaml").write_text(f"""
paper: {{name: 新区时报}}
issue: {{number: 7, date: 2026-11-27}}
style: tabloid
pages:
{pages}
articles:
  include: [articles/*.md]
""", encoding="utf-8")
    return tmp_path / "issue.yaml"


def _one_page(tmp_path: Path, stories: str, article: str) -> Path:
    """A one-page edition with one inline article; `stories` starts on line 7 of the manifest."""
    (tmp_path / "issue.yaml").write_text(f"""paper: {{name: 新区时报}}
issue: {{number: 1, date: 2026-11-27}}
style: tabloid
pages:
  - section: 要闻
    stories:
{stories}
articles:
  {article}
""", encoding="utf-8")
    return tmp_path / "issue.yaml"


def _run(argv: list[str], capsys) -> tuple[int, list[dict]]:
    status = main([*argv, "--json"])
    return status, json.loads(capsys.readouterr().out)


def _visible(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _body(article) -> str:
    """The body as printed: dateline and date run into the first paragraph, subheads, byline."""
    lead = ""
    if article.lead:
        lead = article.dateline + (article.date + "，" if article.date else "")
    return _visible(lead + "".join(p.text for p in article.paragraphs) + article.byline)


def _page_texts(pdf: Path) -> list[str]:
    return [_visible(p.extract_text() or "") for p in pypdf.PdfReader(pdf).pages]


# ----------------------------------------------------------------------------- a jump to an earlier page

BACKWARD = """
  - section: 要闻
    stories:
      - {{article: chip-base-signing, columns: [1, 5]}}
      - {{article: sme-financing, continued: true, columns: [1, 5]}}
  - section: 综合
    stories:
      - {{article: wetland-park, columns: [1, 5]}}
      - {{article: sme-financing, columns: [1, 5], lines: {lines}, continue_on: 1}}
"""


def test_a_jump_to_an_earlier_page_is_set_whole_with_its_jump_lines(tmp_path, capsys):
    manifest = _edition(tmp_path, BACKWARD.format(lines="[78, 86]"))
    status, diags = _run(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf"], capsys)
    assert status == 0, [d for d in diags if d["severity"] == "error"]
    page1, page2 = _page_texts(next((tmp_path / "out").glob("*.pdf")))
    report = Report()
    body = _body(prepare(manifest, report).issue.articles["sme-financing"])
    # the head on page 2 sends the reader back to page 1, the continuation on page 1 says where it came from
    head, jump = page2.split("（下转第1版）", 1)
    part1 = head[head.index(body[:20]):]
    assert part1 and body.startswith(part1)
    landing = page1.split("（上接第2版）", 1)[1]
    rest = body[len(part1):]
    assert landing[:len(rest)] == rest


def test_the_issues_backward_jump_loses_nothing(tmp_path, capsys):
    """The case of issue 20.2: the head holds three grid lines (its headline), all its paragraphs
    jump back to page 1. They must be there, and the editor is told the head prints no text."""
    manifest = _edition(tmp_path, BACKWARD.format(lines="[84, 86]"))
    status, diags = _run(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf"], capsys)
    assert status == 0, [d for d in diags if d["severity"] == "error"]
    page1, _page2 = _page_texts(next((tmp_path / "out").glob("*.pdf")))
    article = prepare(manifest, Report()).issue.articles["sme-financing"]
    assert len(article.paragraphs) >= 5
    for par in article.paragraphs:
        assert _visible(par.text) in page1
    (warning,) = [d for d in diags if d["code"] == "empty-jump-head"]
    assert warning["source"]["line"] == 14 and "page 1" in warning["message"]


CYCLE = """
  - section: 要闻
    stories:
{first}
  - section: 综合
    stories:
      - {{article: chip-base-signing, continued: true, columns: [1, 5], lines: [1, 40]}}
      - {{article: sme-financing, columns: [1, 5], lines: [80, 86], continue_on: 1}}
"""
_SME_LANDS = "      - {article: sme-financing, continued: true, columns: [1, 5], lines: [1, 40]}"
_CHIP_JUMPS = "      - {article: chip-base-signing, columns: [1, 5], lines: [42, 50], continue_on: 2}"


def test_pages_whose_jumps_wait_on_each_other_get_one_located_error(tmp_path, capsys):
    """Page 1 carries sme's continuation before chip's head; page 2 carries chip's continuation
    before sme's head: neither page can be made up to the end first."""
    manifest = _edition(tmp_path, CYCLE.format(first=f"{_SME_LANDS}\n{_CHIP_JUMPS}"))
    status, diags = _run(["check", str(manifest)], capsys)
    assert status == 1
    (error,) = [d for d in diags if d["severity"] == "error"]
    assert error["code"] == "jump-cycle"
    assert "'sme-financing'" in error["message"] and re.search(r"\d+ characters \(\d+ lines\)", error["message"])
    assert (error["source"]["line"], error["source"]["col"]) == (14, 9)   # sme's continue_on placement


def test_the_same_jumps_listed_heads_first_are_set(tmp_path, capsys):
    manifest = _edition(tmp_path, CYCLE.format(first=f"{_CHIP_JUMPS}\n{_SME_LANDS}"))
    status, diags = _run(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf"], capsys)
    assert status == 0, [d for d in diags if d["severity"] == "error"]
    page1, page2 = _page_texts(next((tmp_path / "out").glob("*.pdf")))
    assert "（下转第2版）" in page1 and "（上接第2版）" in page1
    assert "（下转第1版）" in page2 and "（上接第1版）" in page2


# ----------------------------------------------------------------------------- conservation

def _printed(frames, article: str) -> int:
    """Body characters of `article` on the frames: glyph runs after its story or continuation anchor."""
    count = 0
    for frame in frames:
        current = None
        for item in frame.items:
            if isinstance(item, Anchor):
                current = item.article if item.kind in ("story", "continuation") else None
            elif isinstance(item, GlyphRun) and current == article and item.role in BODY_ROLES:
                count += len(_visible(item.text))
    return count


def _counted_in_errors(report: Report, article: str) -> int:
    total = 0
    for d in report.errors:
        m = re.search(r"'([^']+)'.*?([\d,]+) characters?", d.message)
        if d.code in ("overset", "jump-cycle") and m and m.group(1) == article:
            total += int(m.group(2).replace(",", ""))
    return total


#: A jump from page 1 whose remainder finds no continuation on page 2 (`page2`: the placement there).
NO_LANDING = """
  - section: 要闻
    stories:
      - {{article: sme-financing, columns: [1, 2], lines: [1, 20], continue_on: 2}}
  - section: 综合
    stories:
      - {page2}
"""


@pytest.mark.parametrize("pages", [
    pytest.param(BACKWARD.format(lines="[78, 86]"), id="backward"),
    pytest.param(BACKWARD.format(lines="[84, 86]"), id="backward-head-without-room"),
    pytest.param(CYCLE.format(first=f"{_SME_LANDS}\n{_CHIP_JUMPS}"), id="pages-wait-on-each-other"),
    pytest.param(NO_LANDING.format(page2="{article: wetland-park, columns: [1, 5]}"), id="continuation-missing"),
    pytest.param(NO_LANDING.format(page2="{article: sme-financing, continued: true, columns: [4, 9]}"),
                 id="continuation-off-the-grid"),
])
def test_every_character_is_printed_or_counted_in_an_error(tmp_path, pages):
    report = Report()
    ed = prepare(_edition(tmp_path, pages), report)
    placed = {pl.article for p in ed.issue.pages for pl in p.placements if pl.kind == "article" and not pl.continued}
    for article in sorted(placed):
        whole = len(_body(ed.issue.articles[article]))
        assert _printed(ed.frames, article) + _counted_in_errors(report, article) == whole, article
    assert not [d for d in report.errors if d.code == "text-lost"]


def test_a_make_up_step_that_drops_a_line_is_a_loud_error(tmp_path, monkeypatch):
    """The runtime check: a bug that loses a body line (here, the column distribution giving one
    line too few) must end in an error, not in a quiet page."""
    import layout.page.story as story

    distribute = story.balanced_columns

    def one_line_short(*args, **kwargs):
        out = distribute(*args, **kwargs)
        last = max((c for c in out if out[c]), default=None)
        if last is not None:
            out[last] -= 1
        return out

    monkeypatch.setattr(story, "balanced_columns", one_line_short)
    report = Report()
    prepare(_edition(tmp_path, BACKWARD.format(lines="[78, 86]")), report)
    lost = [d for d in report.errors if d.code == "text-lost"]
    assert {re.search(r"'([^']+)'", d.message).group(1) for d in lost} >= {"chip-base-signing", "sme-financing"}
    assert all(d.source is not None and d.source.line for d in lost)


# ----------------------------------------------------------------------------- unplaced articles

def test_an_article_no_page_places_is_a_located_warning(tmp_path, capsys):
    manifest = _edition(tmp_path, """
  - section: 要闻
    stories:
      - {article: chip-base-signing, columns: [1, 5]}
""")
    (tmp_path / "issue.yaml").write_text(manifest.read_text(encoding="utf-8") + """
  short-notice:
    headline: 青石路片区29日停水
    body: 因管道迁改，青石路片区29日停水一天。
""", encoding="utf-8")
    _status, diags = _run(["check", str(manifest)], capsys)
    unplaced = {Path(d["source"]["file"]).name + ":" + str(d["source"]["line"]): d
                for d in diags if d["code"] == "unplaced-article"}
    files = {p.stem for p in (tmp_path / "articles").glob("*.md")} - {"chip-base-signing"}
    assert {f"{stem}.md:1" for stem in files} | {"issue.yaml:14"} == set(unplaced)
    assert all(d["severity"] == "warning" for d in unplaced.values())
    assert "short-notice" in unplaced["issue.yaml:14"]["message"]


# ----------------------------------------------------------------------------- spans

@pytest.mark.parametrize("columns, lines, code, at, text", [
    ("[1, 2]", "[61, 40]", "bad-span", (9, 16), "lines [61, 40] run backwards"),
    ("[3, 1]", "[1, 10]", "bad-span", (8, 18), "columns [3, 1] run backwards"),
    ("[1, 2]", "[90, 88]", "bad-span", (9, 16), "lines [90, 88] run backwards and lie outside the grid's 86 lines"),
    ("[9, 0]", "[1, 10]", "bad-span", (8, 18), "columns [9, 0] run backwards and lie outside the 5-column grid"),
    ("[4, 7]", "[1, 10]", "outside-grid", (8, 18), "columns [4, 7] lie outside the 5-column grid"),
    ("[1, 2]", "[80, 90]", "outside-grid", (9, 16), "lines [80, 90] lie outside the grid's 86 lines"),
    ("[0, 2]", "[1, 10]", "outside-grid", (8, 18), "columns [0, 2] lie outside the 5-column grid"),
    ("[0, 0]", "[1, 10]", "outside-grid", (8, 18), "columns [0, 0] lie outside"),
    ("[1, 2]", "[-5, 3]", "outside-grid", (9, 16), "lines [-5, 3] lie outside"),
])
def test_each_malformed_span_gets_exactly_one_diagnostic_at_its_value(tmp_path, capsys, columns, lines, code, at,
                                                                      text):
    manifest = _one_page(tmp_path, f"      - article: flood-drill\n        columns: {columns}\n        lines: {lines}",
                         "flood-drill: {headline: 区里举行防汛演练, body: 演练当天，各部门按预案就位。}")
    status, diags = _run(["check", str(manifest)], capsys)
    assert status == 1
    (error,) = [d for d in diags if d["severity"] == "error"]
    assert error["code"] == code
    assert (error["source"]["line"], error["source"]["col"]) == at
    assert text in error["message"]
    assert re.search(r"\d", error["hint"])   # the hint gives the numbers to write


# ----------------------------------------------------------------------------- overset wording

def test_overset_in_a_stack_names_the_stories_above(tmp_path, capsys):
    manifest = _edition(tmp_path, """
  - section: 要闻
    stories:
      - {article: work-conference, columns: [1, 1]}
      - {article: sme-financing, columns: [1, 1]}
""")
    _status, diags = _run(["check", str(manifest)], capsys)
    oversets = {d["message"].split("'")[1]: d for d in diags if d["code"] == "overset"}
    below = oversets["sme-financing"]
    assert "below 'work-conference' in column 1" in below["message"]
    assert "work-conference" in below["hint"] and "grid line" in below["hint"]


def test_counts_in_messages_are_worded_in_the_singular_for_one(tmp_path, capsys):
    """One line over: '(1 line)', not '(1 lines)'."""
    def overset(body_chars: int) -> str:
        manifest = _one_page(tmp_path, "      - {article: long, columns: [1, 1], lines: [1, 20]}",
                             f"long: {{headline: 稿件太长, body: {'测' * body_chars}}}")
        _status, diags = _run(["check", str(manifest)], capsys)
        return next(d["message"] for d in diags if d["code"] == "overset")

    over = int(re.search(r"(\d+) characters", overset(900)).group(1))
    message = overset(900 - over + 5)   # what fits and five characters more: one line
    assert "5 characters (1 line) do not fit" in message


# ----------------------------------------------------------------------------- the tool's own words, by script

FORWARD = """
  - section: 要闻
    masthead: true
    stories:
      - {article: sme-financing, columns: [1, 5], lines: [16, 22], continue_on: 2}
  - section: 综合
    editor: 林文
    stories:
      - {article: sme-financing, continued: true, columns: [1, 5]}
"""


@pytest.mark.parametrize("lang, words", [("zh-CN", ("（下转第2版）", "（上接第1版）", "总第7期", "责任编辑")),
                                         ("zh-TW", ("（下轉第2版）", "（上接第1版）", "總第7期", "責任編輯"))])
def test_the_tools_own_words_on_the_page_follow_the_editions_script(tmp_path, capsys, lang, words):
    """A zh-TW edition's jump lines, masthead number and running head are printed in traditional
    characters (下轉, 總第, 責任編輯), a zh-CN one's in simplified: never the other script's forms."""
    manifest = _edition(tmp_path, FORWARD)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("date: 2026-11-27}", f"date: 2026-11-27, lang: {lang}}}"),
                        encoding="utf-8")
    status, diags = _run(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf"], capsys)
    assert status == 0, [d for d in diags if d["severity"] == "error"]
    text = "".join(_page_texts(next((tmp_path / "out").glob("*.pdf"))))
    for word in words:
        assert word in text, word
    other = {"（下转第2版）": "（下轉第2版）", "总第7期": "總第7期", "责任编辑": "責任編輯"}
    for simplified, traditional in other.items():
        assert (traditional if lang == "zh-CN" else simplified) not in text

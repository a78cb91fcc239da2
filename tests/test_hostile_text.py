"""Hostile text in an edition (issue 20: defects 5, 6, 7, 11 and minors): control characters,
invisible format characters, scripts the engine does not shape, numbers that are not whole,
blank headlines, and diagnostics that would drive the terminal. Listed in docs/robustness.md.

Each case takes a copy of the tabloid sample, writes the hostile text into it as a newsroom
would get it (pasted from Word, an agency feed, a web page) and runs `layout` in-process.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

import robustness_tools as rt
from layout import pipeline
from layout.diagnostics import Diagnostic, Report, Source
from layout.preview.html import diagnostics_list

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tabloid(tmp_path) -> Path:
    return rt.copy_edition(rt.TABLOID, tmp_path / "tabloid")


def check_json(manifest: Path) -> list[dict]:
    status, out, err = rt.run_cli(["check", "--json", str(manifest)])
    assert "Traceback" not in err, err[-3000:]
    assert status in (0, 1), err[-2000:]
    return json.loads(out)


def found(diags: list[dict], code: str) -> list[dict]:
    return [d for d in diags if d["code"] == code]


def at(d: dict) -> tuple[str, int, int]:
    return Path(d["source"]["file"]).name, d["source"]["line"], d["source"]["col"]


def line_col(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text`."""
    i = text.index(needle)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def paragraphs(manifest: Path, article: str) -> list[str]:
    edition = pipeline.prepare(manifest, Report())
    return [p.text for p in edition.issue.articles[article].paragraphs]


# ----------------------------------------------------------------------------- 5: control characters


def test_control_characters_are_cleaned_at_load_and_the_edition_builds(tabloid, tmp_path):
    """Word's line break (U+000B) and form feed where the paragraphs break, BEL, ESC, NUL and
    U+FFFE inside the text, and YAML escapes of them in the headline: the PDF and the EPUB are
    built (main: `ValueError: All strings must be XML compatible`, no EPUB), the story has the
    paragraphs of the clean original, and each character is reported at its line and column."""
    original = paragraphs(tabloid, "night-library")
    md = tabloid.parent / "articles" / "night-library.md"
    text = md.read_text(encoding="utf-8")
    front, body = text.split("---\n", 2)[1:]
    breaks = [m.start() for m in re.finditer("\n\n", body)]
    body = body[:breaks[-1]] + "\x0b" + body[breaks[-1] + 2:]          # the last paragraph break, as Word writes it
    body = body[:breaks[0]] + "\x0c" + body[breaks[0] + 2:]            # the first one as a form feed
    body = body.replace("城市书房的选址", "城市\x07书房\x1b的选址", 1).replace("自助借还机", "自助\x00借还\ufffe机", 1)
    front = front.replace("headline: 一盏灯 照亮一座城的夜读时光", 'headline: "一盏灯\\v照亮\\x1b一座城的夜读时光"')
    text = "---\n" + front + "---\n" + body
    md.write_text(text, encoding="utf-8")

    status, out, err = rt.run_cli(["build", str(tabloid), "-o", str(tmp_path / "out")])
    assert "Traceback" not in err, err[-3000:]
    assert status == 0, err[-3000:]
    written = {Path(p).suffix for p in out.split()}
    assert written == {".pdf", ".epub"}

    assert paragraphs(tabloid, "night-library") == original
    edition = pipeline.prepare(tabloid, Report())
    article = edition.issue.articles["night-library"]
    assert article.headline == "一盏灯 照亮一座城的夜读时光"
    # the paragraph after each break is located on the break's line (the break adds no lines)
    assert article.paragraphs[1].source.line == line_col(text, "\x0c")[0]
    assert article.paragraphs[-1].source.line == line_col(text, "\x0b")[0]
    epub = next((tmp_path / "out").glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        xhtml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))
    assert "城市书房的选址" in xhtml and "自助借还机" in xhtml

    diags = check_json(tabloid)
    headline = ("night-library.md", line_col(text, "headline:")[0], 11)   # an escape: at the value's start
    controls = sorted((d["message"].split()[0], at(d)) for d in found(diags, "control-character"))
    assert controls == sorted([
        ("U+0007", ("night-library.md", *line_col(text, "\x07"))),
        ("U+001B", ("night-library.md", *line_col(text, "\x1b"))),
        ("U+001B", headline),
        ("U+0000", ("night-library.md", *line_col(text, "\x00"))),
        ("U+FFFE", ("night-library.md", *line_col(text, "\ufffe"))),
    ])
    assert all(d["severity"] == "warning" for d in found(diags, "control-character"))
    breaks_reported = [d for d in found(diags, "normalized") if "(a line break)" in d["message"]]
    assert sorted((d["message"].split()[0], at(d)) for d in breaks_reported) == sorted([
        ("U+000B", ("night-library.md", *line_col(text, "\x0b"))),
        ("U+000C", ("night-library.md", *line_col(text, "\x0c"))),
        ("U+000B", headline),
    ])
    headline_break = next(d for d in breaks_reported if d["source"]["col"] == 11)
    assert "a space in articles.night-library.headline" in headline_break["message"]


def test_word_line_break_in_a_yaml_body_is_a_paragraph_break(tabloid):
    """An inline YAML body with "\\v" (the escape of U+000B): a paragraph break there, and the
    paragraph after it is the one reported unfinished."""
    data = rt.inline_articles(tabloid)
    data["articles"]["night-library"]["body"] = "第一段写到这里。\v第二段没有结束\n\n第三段。\n"
    manifest = tabloid.parent / "inline.yaml"
    manifest.write_text(rt.dump(data), encoding="utf-8")
    assert paragraphs(manifest, "night-library") == ["第一段写到这里。", "第二段没有结束", "第三段。"]
    unfinished = found(check_json(manifest), "paragraph-unfinished")
    assert [d["message"].endswith("第二段没有结束") for d in unfinished] == [True]


def test_raw_control_character_in_a_yaml_file_is_a_located_error(tabloid):
    """YAML cannot hold a raw U+000B: an error at its line and column that says what it is
    (main: 'YAML error: unacceptable character #x000b' at 1:1, with a hint about '---')."""
    yaml_file = tabloid.parent / "articles" / "cold-wave.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("headline:"))
    text = text.replace(line, line[:14] + "\x0b" + line[14:], 1)
    yaml_file.write_text(text, encoding="utf-8")
    errors = [d for d in check_json(tabloid) if d["severity"] == "error"]
    assert [(d["code"], at(d)) for d in errors if d["code"] != "unknown-article"] == [
        ("control-character", ("cold-wave.yaml", *line_col(text, "\x0b")))]   # (the article unread, it is unknown)
    assert "U+000B" in errors[0]["message"] and "word processor" in errors[0]["message"]


# ----------------------------------------------------------------------------- 6: invisible characters, scripts

INVISIBLE = "\u200b\u200c\u200d\u202e\u202c\u200e\u200f\u2060\ufeff\u00ad"


def test_invisible_format_characters_are_removed_and_reported(tabloid):
    """Zero-width space and joiners, bidi override and marks, word joiner, BOM, soft hyphen in a
    body and a headline: none reaches the page (main drew each as .notdef over the next Han
    character), each is reported as a normalisation at its line and column."""
    md = tabloid.parent / "articles" / "night-library.md"
    text = md.read_text(encoding="utf-8")
    text = text.replace("自助借还机", "自助" + INVISIBLE + "借还机", 1)
    text = text.replace("headline: 一盏灯 照亮", "headline: 一盏\u200b灯 照\u202e亮", 1)
    md.write_text(text, encoding="utf-8")
    edition = pipeline.prepare(tabloid, report := Report())
    printed = "".join(item.text for frame in edition.frames for item in frame.items if hasattr(item, "text"))
    assert not set(INVISIBLE) & set(printed)
    assert "自助借还机" in "".join(paragraphs(tabloid, "night-library"))
    assert not [d for d in report.items if d.code == "missing-glyph"]
    removed = {(d["message"].split()[0], at(d)) for d in found(check_json(tabloid), "normalized")
               if "invisible" in d["message"]}
    expected = {(f"U+{ord(ch):04X}", ("night-library.md", *line_col(text, ch))) for ch in INVISIBLE}
    assert expected <= removed


@pytest.mark.parametrize("script, sample", [
    ("Arabic", "مرحبا بكم في المكتبة"),
    ("Hebrew", "ברוכים הבאים"),
    ("Devanagari", "पुस्तकालय में स्वागत है"),
    ("Thai", "ยินดีต้อนรับสู่ห้องสมุด"),
])
def test_scripts_the_engine_does_not_shape_are_reported(tabloid, script, sample):
    """A quotation in a script the engine sets letter by letter without shaping: a warning naming
    the script, the story and the line (main: printed unshaped, nothing said)."""
    md = tabloid.parent / "articles" / "night-library.md"
    text = md.read_text(encoding="utf-8")
    text = text.replace("凌晨一点，", f"凌晨一点，一位外国读者写下“{sample}”，", 1)
    md.write_text(text, encoding="utf-8")
    warnings = found(check_json(tabloid), "unshaped-script")
    assert [(d["severity"], at(d)) for d in warnings] == [("warning", ("night-library.md", *line_col(text, sample)))]
    assert script in warnings[0]["message"] and "articles.night-library.body" in warnings[0]["message"]


def test_chinese_latin_greek_and_kana_are_not_reported(tabloid):
    md = tabloid.parent / "articles" / "night-library.md"
    text = md.read_text(encoding="utf-8")
    md.write_text(text.replace("凌晨一点，", "凌晨一点（Night Library, α-β, ひらがな, 한글），", 1), encoding="utf-8")
    assert not found(check_json(tabloid), "unshaped-script")


# ----------------------------------------------------------------------------- 7: whole numbers


@pytest.mark.parametrize("edit, key", [
    (lambda d: d["issue"].update(number=1024.0), "issue.number"),
    (lambda d: d["pages"][0]["stories"][1].update(continue_on=2.0), "pages[1].stories[2].continue_on"),
    (lambda d: d["pages"][0]["stories"][2].update(columns=[4.0, 5]), "pages[1].stories[3].columns[1]"),
    (lambda d: d["articles"]["night-library"]["photos"][0].update(columns=2.0), "articles.night-library.photos[1].columns"),
])
def test_a_decimal_number_where_a_whole_number_goes_is_wrong_type(tabloid, edit, key):
    """`number: 1024.0` printed 总第0期 and `check` said ok on main."""
    data = rt.inline_articles(tabloid)
    edit(data)
    manifest = tabloid.parent / "numbers.yaml"
    manifest.write_text(rt.dump(data), encoding="utf-8")
    assert [(d["severity"], d["message"]) for d in found(check_json(manifest), "wrong-type")] == [
        ("error", f"{key} must be a whole number, not a decimal number")]


@pytest.mark.parametrize("value", ["5.0", "true", "five"])
def test_style_whole_numbers_are_strict(tabloid, value):
    """A style's grid.columns of 5.0 or true was read as 5 or 1 on main ("five": a traceback)."""
    style = (ROOT / "styles" / "tabloid.yaml").read_text(encoding="utf-8")
    style = style.replace("  columns: 5\n", f"  columns: {value}\n")
    (tabloid.parent / "mystyle.yaml").write_text(style, encoding="utf-8")
    manifest = tabloid.parent / "issue.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("style: tabloid", "style: mystyle.yaml"),
                        encoding="utf-8")
    errors = [d for d in check_json(manifest) if d["severity"] == "error"]
    assert [(d["code"], d["source"]["line"]) for d in errors] == [("bad-style", line_col(style, f"columns: {value}")[0])]
    assert "grid.columns must be a whole number" in errors[0]["message"]


@pytest.mark.parametrize("value", ["85.5", "true"])
def test_print_jpeg_quality_is_a_whole_number(tmp_path, value):
    """`print.jpeg_quality: 85.5` was taken as 85 on main; `true` was already refused."""
    from layout.render.colour import load_print_settings

    style = tmp_path / "mystyle.yaml"
    style.write_text((ROOT / "styles" / "tabloid.yaml").read_text(encoding="utf-8")
                     + f"print:\n  jpeg_quality: {value}\n", encoding="utf-8")
    report = Report()
    settings = load_print_settings(style, report)
    assert [(d.code, d.message) for d in report.errors] == [
        ("bad-style", f"print.jpeg_quality must be a whole number from 50 to 100, not {value.replace('true', 'True')}")]
    assert settings.jpeg_quality == load_print_settings(None, Report()).jpeg_quality


# ----------------------------------------------------------------------------- 11: terminal escapes

OSC = "\x1b]0;PWNED\x07"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "terminal"])
def test_a_paragraph_cannot_send_escape_sequences_to_the_terminal(tabloid, tty):
    """A paragraph ending in an OSC sequence (it retitles the terminal) made main's
    `paragraph-unfinished` warning send it raw."""
    md = tabloid.parent / "articles" / "night-library.md"
    text = md.read_text(encoding="utf-8").rstrip("\n")
    md.write_text(text[:-1] + OSC + "结束\n", encoding="utf-8")
    err = _Terminal() if tty else io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        rt.main(["check", str(tabloid)])
    shown = err.getvalue()
    assert "\x07" not in shown and "\x1b]" not in shown
    assert "PWNED结束" in shown


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "terminal"])
def test_control_characters_in_diagnostics_are_shown_escaped(tabloid, tty):
    """A key with ESC, C1 CSI (U+009B) and a bidi override is quoted by `unknown-key`: on the
    terminal as visible escapes, in --json as JSON escapes of the very characters."""
    key = "pa\x1b]0;X\x07per\x9b2J\u202e"
    manifest = tabloid.parent / "issue.yaml"
    escaped = key.encode("unicode_escape").decode()      # as YAML escapes: "pa\x1b]0;X\x07…"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("paper:", f'"{escaped}": 1\npaper:', 1),
                        encoding="utf-8")
    err = _Terminal() if tty else io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        rt.main(["check", str(manifest)])
    shown = err.getvalue()
    assert not {"\x07", "\x9b", "\u202e"} & set(shown) and "\x1b]" not in shown
    assert r"pa\x1b]0;X\x07per\x9b2J\u202e" in shown

    status, out, _ = rt.run_cli(["check", "--json", str(manifest)])
    assert not {"\x1b", "\x07", "\x9b", "\u202e"} & set(out)
    assert any(d["code"] == "unknown-key" and key in d["message"] for d in json.loads(out))


def test_preview_page_shows_control_characters_escaped():
    page = diagnostics_list([Diagnostic("warning", "paragraph-unfinished", f"…肺”{OSC}结束",
                                        Source("articles/a\x1b.md", 3, 1), "join it\u202e")])
    assert not {"\x1b", "\x07", "\u202e"} & set(page)
    assert r"\x1b]0;PWNED\x07结束" in page and r"a\x1b.md" in page and r"join it\u202e" in page


# ----------------------------------------------------------------------------- minors


@pytest.mark.parametrize("blank", ["   ", "\u3000\u3000", "\t", "\\u200b"])
def test_a_blank_headline_is_a_missing_headline(tabloid, blank):
    data = rt.inline_articles(tabloid)
    del data["articles"]["night-library"]["headline"]
    manifest = tabloid.parent / "missing.yaml"
    manifest.write_text(rt.dump(data), encoding="utf-8")
    missing = [(d["code"], d["message"]) for d in check_json(manifest) if d["severity"] == "error"]
    assert missing == [("missing-key", "articles.night-library has no 'headline'")]

    md = tabloid.parent / "articles" / "night-library.md"
    md.write_text(re.sub("(?m)^headline: .*$", lambda _: f'headline: "{blank}"', md.read_text(encoding="utf-8")),
                  encoding="utf-8")
    assert [(d["code"], d["message"]) for d in check_json(tabloid) if d["severity"] == "error"] == missing


def test_many_values_without_aliases_are_called_too_many(tmp_path):
    manifest = tmp_path / "issue.yaml"
    manifest.write_text("paper: {name: 新区时报}\npages:\n" + "  - 1\n" * 200_001, encoding="utf-8")
    errors = [d for d in check_json(manifest) if d["severity"] == "error"]
    assert [d["code"] for d in errors] == ["yaml-too-large"]
    assert "more than 200,000 values" in errors[0]["message"] and "alias" not in errors[0]["message"]


def _emitted_codes(folder: Path, pattern: str) -> set[str]:
    codes = set()
    for source in folder.rglob("*.py"):
        codes.update(re.findall(pattern, source.read_text(encoding="utf-8")))
    return codes


def _documented(doc: str) -> set[str]:
    return set(re.findall(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)*)`", (ROOT / "docs" / doc).read_text(encoding="utf-8")))


def test_every_diagnostic_code_is_documented():
    """Every code `layout` reports (report.error/warning/info("code", …), and the codes of an
    image check) is in docs/manifest.md's list; every preflight check's code in docs/print.md."""
    emitted = _emitted_codes(ROOT / "layout", r'\.(?:error|warning|info)\(\s*"([a-z][a-z0-9-]*)"')
    emitted |= _emitted_codes(ROOT / "layout", r'return \(\s*"([a-z]+-[a-z0-9-]+)",')
    assert emitted >= {"empty-body", "overset", "bad-image"}
    assert sorted(emitted - _documented("manifest.md")) == []
    preflight = _emitted_codes(ROOT / "layout" / "render", r'\.add\(\s*(?:ERROR|WARNING|INFO),\s*"([a-z][a-z0-9-]*)"')
    assert preflight and sorted(preflight - _documented("print.md")) == []


def test_the_everyday_fast_path_holds_only_characters_the_rule_leaves_alone():
    """`chars._EVERYDAY` (text not looked up, for speed) must hold no character the load rule
    would clean and none of a script the engine does not set."""
    from layout.manifest import chars

    everyday = [chr(cp) for cp in range(0x10000) if chars._EVERYDAY.fullmatch(chr(cp))]
    assert len(everyday) > 20_000
    assert [ch for ch in everyday if chars._rule(ch) or chars._script(ch) not in chars.SET_SCRIPTS] == []

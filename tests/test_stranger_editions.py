"""A stranger's editions (tests/editions/stranger-*), written from README.md and docs/ alone: what an
editor checks on them. The broadsheet front page and its page 2 carry the slips a newcomer makes (a
misspelt key, a photo that is not there, a story too long for its region, two regions that
overlap), each reported where it stands; once the first two are mended as the hints say, the pages
are made up with no make-up fault. The tabloid inside page is set in faces installed from Debian
(two collections with other vertical metrics), with a character no face has."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from layout.diagnostics import Report
from layout.page.frames import GlyphRun
from layout.pipeline import prepare

EDITIONS = ROOT / "tests" / "editions"
#: What make-up must never print, whatever the manifest (the self-check's faults and lost text).
MAKE_UP_FAULTS = {"collision", "rule-crossing", "rule-stub", "rule-doubled", "credit-split", "headline-split-word",
                  "headline-word-broken", "lone-ending", "intertitle-stranded", "empty-column", "text-lost"}


def _line_of(path: Path, needle: str) -> int:
    """The 1-based number of the first line of `path` holding `needle`."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


def _page_text(frame) -> str:
    return "".join(it.text for it in frame.items if isinstance(it, GlyphRun))


# -- the broadsheet, as written --------------------------------------------------------------------------

def test_the_broadsheets_slips_are_each_reported_at_the_line_that_makes_them():
    manifest = EDITIONS / "stranger-broadsheet" / "issue.yaml"
    report = Report()
    assert prepare(manifest, report) is None   # errors in the manifest: nothing is made up
    by_code = {d.code: d for d in report.errors}
    # the misspelt key stops make-up, but what the grid alone shows is said in the same run
    assert set(by_code) == {"unknown-key", "missing-image", "overlap"}, [d.format() for d in report.items]
    overlap = by_code["overlap"]
    assert overlap.source.line == _line_of(manifest, "article: heating-box") and "'briefs'" in overlap.message
    typo = by_code["unknown-key"]
    assert (Path(typo.source.file).resolve(), typo.source.line) == (manifest.resolve(), _line_of(manifest, "captoin"))
    assert "'caption'" in typo.hint
    photo = by_code["missing-image"]
    wetland = EDITIONS / "stranger-broadsheet" / "articles" / "wetland.md"
    assert (Path(photo.source.file).resolve(), photo.source.line) == (wetland.resolve(), _line_of(wetland, "egret"))


# -- the broadsheet, its first two slips mended ------------------------------------------------------------

@pytest.fixture(scope="module")
def mended(tmp_path_factory):
    """The edition as the editor sends it again after the hints: the typo gone, the photo in place."""
    folder = tmp_path_factory.mktemp("stranger") / "stranger-broadsheet"
    shutil.copytree(EDITIONS / "stranger-broadsheet", folder)
    manifest = folder / "issue.yaml"
    manifest.write_text("".join(line for line in manifest.read_text(encoding="utf-8").splitlines(True)
                                if "captoin" not in line), encoding="utf-8")
    shutil.copy(folder / "images" / "ferry.jpg", folder / "images" / "egret-flock.jpg")
    report = Report()
    ed = prepare(manifest, report)
    assert ed is not None, [d.format() for d in report.errors]
    return manifest, ed, report


def test_the_mended_broadsheet_has_no_make_up_fault(mended):
    _, _, report = mended
    assert [d.format() for d in report.items if d.code in MAKE_UP_FAULTS] == []


def test_the_mended_broadsheet_reports_its_remaining_slips_where_they_are(mended):
    manifest, _, report = mended
    errors = sorted((d.code, d.source.line, d.message.split(" on page")[0]) for d in report.errors)
    assert errors == [("overlap", _line_of(manifest, "article: heating-box"), "'heating-box' overlaps 'briefs'"),
                      ("overset", _line_of(manifest, "article: clinic"), "'clinic'")]
    assert all(d.source and d.source.line and d.hint for d in report.items if d.severity in ("error", "warning"))


def test_the_lead_jumps_to_page_2_and_is_taken_up_there(mended):
    _, ed, report = mended
    first, second = (_page_text(frame) for frame in ed.frames)
    assert "（下转第2版）" in first and "（上接第1版）" in second
    assert "jump-unused" not in {d.code for d in report.items}
    # the headline with Latin, digits, 《》 and % is printed whole, and the date given twice once
    assert "《清河港志》翻开新篇" in first and "35%" in first
    assert first.count("12月7日上午") == 1


# -- the tabloid in installed faces ----------------------------------------------------------------------------

FACES = ("/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture(scope="module")
def tabloid():
    missing = [f for f in FACES if not Path(f).exists()]
    if missing:
        pytest.skip(f"{missing} not installed (scripts/test.sh installs fonts-arphic-uming and fonts-wqy-*)")
    report = Report()
    ed = prepare(EDITIONS / "stranger-tabloid" / "issue.yaml", report)
    assert ed is not None, [d.format() for d in report.errors]
    return ed, report


def test_a_character_no_face_has_is_reported_at_each_paragraph_holding_it_and_printed_as_geta(tabloid):
    ed, report = tabloid
    manifest = EDITIONS / "stranger-tabloid" / "issue.yaml"
    lines = manifest.read_text(encoding="utf-8").split("\n")
    holding = [n for n, line in enumerate(lines, 1) if "\U0002A6A5" in line and not line.lstrip().startswith("#")]
    missing = [d for d in report.errors if d.code == "missing-glyph"]
    assert sorted(d.source.line for d in missing) == holding
    for d in missing:
        assert lines[d.source.line - 1][d.source.col - 1] == "\U0002A6A5"
    text = _page_text(ed.frames[0])
    assert "\U0002A6A5" not in text and text.count("〓") == sum(line.count("\U0002A6A5") for line in lines
                                                                 if not line.lstrip().startswith("#"))


def test_characters_the_body_face_lacks_come_from_a_fallback_face(tabloid):
    ed, _ = tabloid
    runs = [it for it in ed.frames[0].items if isinstance(it, GlyphRun)]
    body_font = {it.font for it in runs if it.role == "body" and "窑" in it.text}
    for ch in ("\U00020BB7",):   # 𠮷: not in AR PL UMing CN
        fonts = {it.font for it in runs if ch in it.text}
        assert fonts and not fonts & body_font, ch


def test_the_tabloid_page_has_no_make_up_fault(tabloid):
    _, report = tabloid
    assert [d.format() for d in report.items if d.code in MAKE_UP_FAULTS] == []
    assert {d.code for d in report.errors} == {"missing-glyph"}

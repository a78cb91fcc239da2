"""A hurried editor's Hong Kong local tabloid (tests/editions/stranger-hk, lang zh-HK), written from README.md
and docs/ alone: a vertical lead with kicker and 竖题, a horizontal story beside it, a photo, a 簡訊 column, an
ad, built with --web. What the editor checks: it builds clean; the tool's own words on the page and on the
site are in traditional characters (主辦, not 主办); 縱中橫 takes the short numbers only; the slips (a
misspelt key, stories too long for their boxes, the vertical one too) are each reported where they stand."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from layout.cli import main

EDITION = ROOT / "tests" / "editions" / "stranger-hk"
STEM = "西灣街坊報-2026-12-07"


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The edition built with --web: (exit status, output folder)."""
    out = tmp_path_factory.mktemp("stranger-hk")
    return main(["build", str(EDITION / "issue.yaml"), "--web", "-o", str(out)]), out


def test_the_edition_builds_clean_with_pdf_epub_and_site(built):
    status, out = built
    assert status == 0
    assert (out / f"{STEM}.pdf").is_file() and (out / f"{STEM}.epub").is_file()
    assert (out / "web" / "index.html").is_file() and (out / "web" / "article" / "01-ferry.html").is_file()


def test_the_masthead_and_the_site_credit_the_publisher_in_traditional_characters(built):
    _status, out = built
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out / f"{STEM}.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "西灣街坊報社主辦" in page1 and "主办" not in page1
    for html in (out / "web" / "index.html", out / "web" / "article" / "01-ferry.html"):
        text = html.read_text(encoding="utf-8")
        assert "西灣街坊報社主辦" in text and "主办" not in text, html.name
    assert json.loads((out / "web" / "edition.json").read_text(encoding="utf-8"))["publisher"] == "西灣街坊報社主辦"


def test_the_vertical_lead_sets_short_numbers_upright_and_long_ones_on_their_side(built):
    _status, out = built
    with zipfile.ZipFile(out / f"{STEM}.epub") as epub:
        ferry = epub.read("EPUB/text/01-ferry.xhtml").decode("utf-8")
    assert 'class="vertical"' in ferry and 'lang="zh-Hant-HK"' in ferry
    upright = set(re.findall(r'<span class="tcy">([^<]*)</span>', ferry))
    assert {"1", "15", "36", "25"} <= upright
    assert not upright & {"12.5", "400", "2026"}
    assert "「海灣小輪」" in ferry   # the quotes as typed, turned only by the reader's vertical setting


def test_the_editors_slips_are_each_reported_where_they_stand(tmp_path, capsys):
    folder = tmp_path / "stranger-hk"
    shutil.copytree(EDITION, folder)
    manifest = folder / "issue.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("caption: 黃昏時分", "captoin: 黃昏時分")                         # a misspelt key
    manifest.write_text(text, encoding="utf-8")
    assert main(["check", "--json", str(manifest)]) == 1
    found = json.loads(capsys.readouterr().out)
    typo = next(d for d in found if d["code"] == "unknown-key")
    assert typo["source"]["line"] == _line_of(manifest, "captoin") and "'caption'" in typo["hint"]

    text = text.replace("captoin:", "caption:")
    text = text.replace("lines: [16, 60]", "lines: [16, 30]").replace("lines: [32, 62]", "lines: [32, 44]")
    manifest.write_text(text, encoding="utf-8")                                         # stories too long
    assert main(["check", "--json", str(manifest)]) == 1
    overset = {d["message"].split("'")[1]: d for d in json.loads(capsys.readouterr().out) if d["code"] == "overset"}
    assert {"ferry", "estate"} <= set(overset)
    assert overset["ferry"]["source"]["line"] == _line_of(manifest, "article: ferry")
    assert overset["estate"]["source"]["line"] == _line_of(manifest, "article: estate")


def test_a_photo_used_twice_is_stored_once_in_the_epub(built):
    """The edition places one image file in two documents: the EPUB holds its bytes once, and both
    documents show that one file."""
    _status, out = built
    with zipfile.ZipFile(out / f"{STEM}.epub") as epub:
        images = {name: epub.read(name) for name in epub.namelist()
                  if name.startswith("EPUB/images/") and name != "EPUB/images/cover.jpg"}
        texts = [epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith(".xhtml")]
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    assert len(set(images.values())) == len(images), sorted(images)   # no two files with the same bytes
    referenced = [src for text in texts for src in re.findall(r'<img[^>]* src="\.\./(images/[^"]+)"', text)]
    assert len(referenced) > len(set(referenced)), "the fixture shows one image in two documents"
    for src in referenced:
        assert f"EPUB/{src}" in images and f'href="{src}"' in opf, src

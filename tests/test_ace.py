"""The EPUB edition through DAISY Ace, the accessibility checker e-book shops and libraries run.

Ace (npm `@daisy/ace-cli`, pinned in tools/ace/package-lock.json; `bash scripts/test.sh` installs it
into tools/ace/node_modules) runs axe-core in headless Chromium on every content document, and
its own EPUB checks on the package: accessibility metadata, page list, landmarks, language, titles,
alt text. The module builds the zh-TW sample (vertical stories, standalone pictures, traditional
characters: the edition with the most kinds of markup) once, and Ace checks:
- the book as built: no violation of any impact, every accessibility property present, and every
  photo's text alternative seen;
- a copy with one photo's `alt` and one document's language taken out, checked at the same
  time: Ace reports both, so the clean report above is Ace's word, not a run that looked at
  nothing.
The same book's own words (navigation, picture titles, print edition, accessibility summary) are in
the traditional characters its language declares, and its summary names only what it holds.
Without Ace (or Chromium) the module is skipped with the reason; scripts/test.sh installs both.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SIMPLIFIED_ONLY
from layout.cli import main
from preview_tools import chromium_path

SAMPLE_TW = ROOT / "issues" / "2026-12-05-tw" / "issue.yaml"


def ace_command() -> str | None:
    """The project's pinned Ace (tools/ace), else an `ace` on PATH."""
    local = ROOT / "tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
    return str(local) if local.exists() else shutil.which("ace")


pytestmark = pytest.mark.skipif(ace_command() is None or chromium_path() is None,
                                reason="needs DAISY Ace and chromium: bash scripts/test.sh installs both "
                                       "(npm ci --prefix tools/ace --ignore-scripts)")

#: What EPUB Accessibility 1.1 asks of the package (Ace lists each as present or missing).
REQUIRED_METADATA = ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                     "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo")


def start_ace(epub: Path, report_dir: Path) -> subprocess.Popen:
    """Ace on one book in the background, driving the Debian chromium (Puppeteer's own is never fetched)."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium_path(), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    return subprocess.Popen([ace_command(), "--silent", "--force", "--outdir", str(report_dir), str(epub)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(run: subprocess.Popen, report_dir: Path) -> dict:
    out, _ = run.communicate(timeout=300)
    assert run.returncode == 0 and (report_dir / "report.json").is_file(), out
    return json.loads((report_dir / "report.json").read_text(encoding="utf-8"))


def findings(report: dict) -> list[tuple[str, str, str]]:
    """(document, rule, impact) of every assertion Ace made, of any impact."""
    return [(doc["earl:testSubject"]["url"], a["earl:test"]["dct:title"], a["earl:test"]["earl:impact"])
            for doc in report["assertions"] for a in doc.get("assertions", [])]


def spoil(epub: Path, dest: Path) -> tuple[str, str]:
    """A copy of the book with the first photo's `alt` and the next story's language removed;
    returns the two documents spoiled (paths inside the book)."""
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        with_photo = next(n for n in names if n.endswith(".xhtml") and "/text/" in n
                          and b"<img " in book.read(n))
        no_lang = next(n for n in names if n.endswith(".xhtml") and "/text/" in n and n != with_photo)
        with zipfile.ZipFile(dest, "w") as copy:
            for info in book.infolist():
                data = book.read(info)
                if info.filename == with_photo:
                    data = re.sub(rb' alt="[^"]*"', b"", data, count=1)
                if info.filename == no_lang:
                    data = re.sub(rb' (xml:)?lang="[^"]*"', b"", data, count=2)
                copy.writestr(info, data)
    return with_photo, no_lang


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    """The zh-TW sample built (EPUB only), its spoiled copy, and Ace's report on each (both run at once)."""
    out = tmp_path_factory.mktemp("ace")
    assert main(["build", str(SAMPLE_TW), "-o", str(out / "book"), "--epub"]) == 0
    epub = next((out / "book").glob("*.epub"))
    spoiled = spoil(epub, out / "spoiled.epub")
    runs = {"book": start_ace(epub, out / "report-book"), "spoiled": start_ace(out / "spoiled.epub", out / "report-spoiled")}
    return {"epub": epub, "spoiled documents": spoiled,
            **{name: finish(run, out / f"report-{name}") for name, run in runs.items()}}


def test_ace_finds_nothing_in_the_book(reports):
    report = reports["book"]
    assert findings(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"


def test_ace_sees_every_accessibility_property_and_text_alternative(reports):
    meta = reports["book"]["a11y-metadata"]
    assert [m for m in REQUIRED_METADATA if m not in meta["present"]] == []
    assert meta["empty"] == []
    with zipfile.ZipFile(reports["epub"]) as book:
        photos = {re.search(r"images/[^/]+$", n).group() for n in book.namelist() if re.search(r"images/[^/]+\.(jpg|png)$", n)}
    seen = {re.search(r"images/[^/]+$", im["src"]).group(): im.get("alt") for im in reports["book"]["data"]["images"]}
    assert set(seen) == photos
    assert all(seen.values()), seen


def test_ace_reports_a_missing_alt_and_language(reports):
    with_photo, no_lang = reports["spoiled documents"]
    rules = {(doc.rsplit("/", 1)[-1], rule) for doc, rule, _ in findings(reports["spoiled"])}
    assert (with_photo.rsplit("/", 1)[-1], "image-alt") in rules
    assert (no_lang.rsplit("/", 1)[-1], "html-has-lang") in rules
    assert reports["spoiled"]["earl:result"]["earl:outcome"] == "fail"


def test_a_traditional_book_labels_itself_in_traditional_characters(reports):
    """The zh-Hant-TW book's own words (table of contents, landmarks, picture titles, print edition,
    accessibility summary) are in the script its language declares, as its stories are."""
    from lxml import etree

    with zipfile.ZipFile(reports["epub"]) as book:
        names = book.namelist()
        opf = etree.fromstring(book.read(next(n for n in names if n.endswith(".opf"))))
        nav = etree.fromstring(book.read(next(n for n in names if n.endswith("/nav.xhtml"))))
        titles = [etree.fromstring(book.read(n)).findtext("{http://www.w3.org/1999/xhtml}head/{http://www.w3.org/1999/xhtml}title")
                  for n in names if "/text/" in n and n.endswith(".xhtml")]
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hant-TW"
    own_words = {"metadata": "".join(opf.find("{http://www.idpf.org/2007/opf}metadata").itertext()),
                 "guide": "".join(r.get("title", "") for r in opf.iter("{http://www.idpf.org/2007/opf}reference")),
                 "navigation": "".join(nav.itertext()), "document titles": "".join(titles)}
    assert {part: sorted(set(text) & SIMPLIFIED_ONLY) for part, text in own_words.items()} == \
        {part: [] for part in own_words}


def test_the_accessibility_summary_names_only_what_the_book_holds(reports):
    """The summary lists advertisements only in a book with an ad document, pictures only in one with photos."""
    from lxml import etree

    with zipfile.ZipFile(reports["epub"]) as book:
        names = book.namelist()
        opf = etree.fromstring(book.read(next(n for n in names if n.endswith(".opf"))))
        texts = [book.read(n) for n in names if "/text/" in n and n.endswith(".xhtml")]
    (summary,) = [m.text for m in opf.iter("{http://www.idpf.org/2007/opf}meta")
                  if m.get("property") == "schema:accessibilitySummary"]
    has_ads = any(b'class="ad"' in text for text in texts)
    has_photos = any(b"<img " in text for text in texts)
    assert ("廣告" in summary or "广告" in summary) == has_ads, summary
    assert ("圖片" in summary or "图片" in summary) == has_photos, summary

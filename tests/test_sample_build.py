"""Building the sample edition end to end, and reading the PDF back as a printer and a reader would."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from layout.cli import main
from layout.diagnostics import Report
from layout.pipeline import prepare

pypdf = pytest.importorskip("pypdf")

BASE14 = re.compile(r"Helvetica|Times|Courier|Symbol|ZapfDingbats", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_manifest):
    out = tmp_path_factory.mktemp("sample")
    status = main(["build", str(sample_manifest), "-o", str(out)])
    (pdf,) = out.glob("*.pdf")
    return status, pdf


@pytest.fixture(scope="module")
def edition(sample_manifest):
    report = Report()
    ed = prepare(sample_manifest, report)
    return ed, report


def test_sample_builds_clean(built, edition):
    status, pdf = built
    _, report = edition
    assert status == 0
    assert report.errors == [] and report.warnings == [], [d.format() for d in report.errors + report.warnings]
    assert pdf.name == "新区时报-2026-11-27.pdf"


def test_sample_is_big_enough(edition):
    ed, _ = edition
    han = sum(1 for a in ed.issue.articles.values() for p in a.paragraphs for ch in p.text if "\u4e00" <= ch <= "\u9fff")
    assert len(ed.issue.pages) == 4
    assert len(ed.issue.articles) >= 14
    assert han >= 12000


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_every_font_embedded_and_no_base14(built):
    _, pdf = built
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        cols = row.split()
        # name type encoding emb sub uni object ID: emb is the 4th column from the end but 3
        emb, uni = cols[-5], cols[-3]
        assert emb == "yes", row
        assert uni == "yes", row
        assert not BASE14.search(cols[0]), row


def test_page_boxes(built, edition):
    _, pdf = built
    ed, _ = edition
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 4
    w, h = ed.style.trim
    b = ed.style.bleed
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(w + 2 * b, abs=0.01)
        assert float(page.trimbox.width) == pytest.approx(w, abs=0.01)
        assert float(page.trimbox.height) == pytest.approx(h, abs=0.01)
        assert float(page.trimbox.left) == pytest.approx(b, abs=0.01)


def test_two_builds_are_byte_identical(built, sample_manifest, tmp_path):
    _, first = built
    assert main(["build", str(sample_manifest), "-o", str(tmp_path)]) == 0
    assert (tmp_path / first.name).read_bytes() == first.read_bytes()


def _page_texts(pdf) -> list[str]:
    reader = pypdf.PdfReader(pdf)
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in reader.pages]


def _body(article) -> str:
    text = "".join(p.text for p in article.paragraphs)
    lead = article.dateline + "\u3000" + (article.date + "，" if article.date else "") if article.dateline else ""
    return re.sub(r"\s+", "", lead + text + article.byline)


def test_every_story_is_in_the_pdf_whole(built, edition):
    """Nothing lost, nothing added: each story's text, read back from the PDF, equals the manifest's
    (after normalisation); a jumped story's two parts join up to the whole."""
    _, pdf = built
    ed, _ = edition
    pages = _page_texts(pdf)
    for page in ed.issue.pages:
        for pl in page.placements:
            art = ed.issue.articles[pl.article]
            body = _body(art)
            text = pages[page.number - 1]
            assert re.sub(r"\s+", "", art.headline) in text, (pl.article, art.headline)
            if pl.continued:
                continue
            if pl.continue_on:
                first, jump = text.split(f"（下转第{pl.continue_on}版）", 1)
                landing = pages[pl.continue_on - 1].split(f"（上接第{page.number}版）", 1)[1]
                start = first.index(body[:20])
                part1 = first[start:]
                assert landing.startswith(body[len(part1):][:20])
                rest = body[len(part1):]
                assert landing[: len(rest)] == rest
            else:
                assert body in text, pl.article

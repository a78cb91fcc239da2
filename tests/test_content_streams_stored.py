"""A new process compresses only the page content streams that changed: the others are read back
from the disk store of deflated streams (`pdffont.deflated`, `$XDG_CACHE_HOME/layout/deflated/`),
byte for byte what zlib makes, and a damaged entry is compressed again (docs/performance.md)."""
from __future__ import annotations

import io
import types
import zlib
from pathlib import Path

import pikepdf
import pytest

from layout.diagnostics import Report
from layout.pipeline import prepare
from layout.render import flatememo, pdffont
from layout.render.pdf import render_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2026-11-27" / "issue.yaml"


@pytest.fixture(scope="module")
def edition():
    ed = prepare(SAMPLE, Report())
    assert ed is not None
    return ed


def _large_contents(pdf: bytes) -> set[bytes]:
    """The decoded content streams of the PDF's pages that are large enough for the store."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        streams = {page.obj.Contents.read_bytes() for page in doc.pages}
    return {s for s in streams if len(s) >= pdffont._STORE_FROM}


def _as_a_new_process(monkeypatch) -> list[bytes]:
    """Forget this process's compressed streams; -> the list of what zlib is asked to compress."""
    monkeypatch.setattr(flatememo, "_done", flatememo.LockedLRU(flatememo.KEEP))
    asked: list[bytes] = []

    def compress(data, *args):
        asked.append(bytes(data))
        return zlib.compress(data, *args)

    monkeypatch.setattr(pdffont, "zlib", types.SimpleNamespace(compress=compress,
                                                               ZLIB_RUNTIME_VERSION=zlib.ZLIB_RUNTIME_VERSION))
    return asked


def test_unchanged_pages_are_not_compressed_again_in_a_new_process(edition, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LAYOUT_NO_CACHE", raising=False)
    asked = _as_a_new_process(monkeypatch)
    first = render_pdf(edition.frames, edition.title)
    pages = _large_contents(first)
    assert pages, "the sample's pages should have content streams the store keeps"
    assert pages <= set(asked)                       # compressed, and stored
    asked = _as_a_new_process(monkeypatch)
    again = render_pdf(edition.frames, edition.title)
    assert again == first
    assert not pages & set(asked)                    # read back, not compressed
    for f in (tmp_path / "cache" / "layout" / "deflated").glob("*.blob"):   # damaged: compressed again
        f.write_bytes(f.read_bytes()[:-1] + b"\x00")
    asked = _as_a_new_process(monkeypatch)
    assert render_pdf(edition.frames, edition.title) == first
    assert pages <= set(asked)
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    _as_a_new_process(monkeypatch)
    assert render_pdf(edition.frames, edition.title) == first

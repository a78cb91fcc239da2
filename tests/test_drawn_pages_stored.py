"""Pages drawn before, kept on disk (`layout/render/drawnstore.py`): a build as a new process runs
it (nothing in memory) draws only the pages whose make-up changed, and writes the PDF a build with
every cache off writes; a damaged drawing, one of foreign shape or of other code is drawn again.
(A new process proper, after an edit: `test_pagememo_disk.py`.)"""
from __future__ import annotations

import marshal

import pytest

from layout.memo import MEMO
from layout.page.pagememo import PAGES
from layout.render import drawnstore, pdf, textmemo
from test_incremental import _build, _clean, _edit, _edition
from test_startup_caches import own_cache  # noqa: F401 - the fixture


@pytest.fixture
def cache(own_cache):
    _as_a_new_process()
    return own_cache / "drawn"


def _as_a_new_process() -> None:
    MEMO.forget()
    textmemo.forget()
    PAGES.forget()
    pdf._drawn.clear()
    drawnstore.COUNTS.update(read=0, kept=0)


def _again(manifest, out):
    _as_a_new_process()
    files = _build(manifest, out)
    return files, dict(drawnstore.COUNTS)


def test_a_page_drawn_before_is_read_back_and_the_pdf_is_a_clean_builds(cache, tmp_path, monkeypatch):
    manifest = _edition(tmp_path / "edition")
    first, counts = _again(manifest, tmp_path / "first")
    assert counts == {"read": 0, "kept": 1} and len(list(cache.glob("*-page-1.blob"))) == 1
    found, characters = [], drawnstore.characters
    monkeypatch.setattr(drawnstore, "characters", lambda key: found.append(characters(key)) or found[-1])
    again, counts = _again(manifest, tmp_path / "again")
    assert counts == {"read": 1, "kept": 0}
    assert len(found) == 1 and found[0][0]   # the page's characters by face read back, not gathered again
    assert again == first == _clean(manifest, tmp_path / "clean", monkeypatch)
    _edit(manifest)   # the page's make-up changes: drawn afresh, never the old drawing
    edited, counts = _again(manifest, tmp_path / "edited")
    assert counts == {"read": 0, "kept": 1}
    assert edited == _clean(manifest, tmp_path / "clean-edited", monkeypatch) != first


@pytest.mark.parametrize("how", ["truncated", "flipped", "garbage"])
def test_a_damaged_drawing_is_drawn_again_and_replaced(cache, tmp_path, monkeypatch, how):
    manifest = _edition(tmp_path / "edition")
    first, _ = _again(manifest, tmp_path / "first")
    files = sorted(cache.glob("*.blob"))
    assert len(files) == 2   # the drawing, and the page's characters by face
    for file in files:
        raw = file.read_bytes()
        file.write_bytes(raw[: len(raw) // 2] if how == "truncated" else b"not a page" * 50 if how == "garbage"
                         else raw[:-9] + bytes([raw[-9] ^ 0x21]) + raw[-8:])
    files, counts = _again(manifest, tmp_path / "second")
    assert files == first and counts == {"read": 0, "kept": 1}
    assert _again(manifest, tmp_path / "third")[1] == {"read": 1, "kept": 0}


def test_drawings_of_foreign_shape_or_other_code_are_not_read(cache, tmp_path, monkeypatch):
    manifest = _edition(tmp_path / "edition")
    kept, keep = [], drawnstore.keep
    monkeypatch.setattr(drawnstore, "keep", lambda *a: kept.append(a) or keep(*a))
    first, _ = _again(manifest, tmp_path / "first")
    ((makeup, context, _fields),) = kept
    # files that pass their checksum but do not hold a drawing (another tool's, a future shape)
    for foreign in (marshal.dumps(("code",) * 7), marshal.dumps([1, 2, 3]), b"\x00\x01\x02"):
        drawnstore.DISK.put(makeup, context, drawnstore.__version__, drawnstore.code_stamp(), data=foreign)
        files, counts = _again(manifest, tmp_path / "foreign")
        assert files == first and counts == {"read": 0, "kept": 1}
    monkeypatch.setattr(drawnstore, "code_stamp", lambda: "the code of another branch")
    files, counts = _again(manifest, tmp_path / "other-code")
    assert files == first and counts == {"read": 0, "kept": 1}


def test_layout_no_cache_keeps_no_drawing(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    _again(_edition(tmp_path / "edition"), tmp_path / "first")
    assert not cache.exists()


def test_the_epub_workers_cover_reads_an_unchanged_page_1_back(cache, tmp_path):
    """The EPUB worker gets a pickled copy of page 1 (`pipeline._start_epub`) with its make-up key:
    the cover's drawing kept by the build before is read back, and the EPUB is the same as when the
    worker draws it."""
    import pickle

    from layout import pipeline
    from layout.diagnostics import Report
    from layout.render.colour import load_print_settings

    manifest = _edition(tmp_path / "edition")
    _again(manifest, tmp_path / "first")        # the cover (page 1 in its own fonts) drawn and kept
    _as_a_new_process()
    report = Report()
    edition = pipeline.prepare(manifest, report)
    meta = dict(author=edition.issue.paper.publisher, subject="", date=edition.issue.info.date,
                settings=load_print_settings(edition.style.path, report), slug=edition.stem)
    sent = pickle.dumps(edition)                # as the worker process receives it
    key = PAGES.key_of(edition.frames[0])
    assert key is not None
    drawnstore.COUNTS.update(read=0, kept=0)
    read_back, _ = pipeline._epub_in_worker(pickle.loads(sent), meta, False, key)
    assert drawnstore.COUNTS == {"read": 1, "kept": 0}
    pdf._drawn.clear()
    drawn, _ = pipeline._epub_in_worker(pickle.loads(sent), meta, False)   # no key: drawn, not kept
    assert drawnstore.COUNTS == {"read": 1, "kept": 0}
    assert read_back == drawn


def test_layout_build_in_a_new_process_after_an_edit_writes_a_clean_builds_files(cache, tmp_path):
    """The command itself (its worker processes: the EPUB and its cover in one of them), built,
    then a story on page 3 edited and built again: the PDF, the EPUB and the diagnostics are those
    of `layout build` with every cache off."""
    import os
    import subprocess
    import sys

    from test_incremental import ROOT, _replace_in, _sample

    manifest = _sample(tmp_path / "edition")

    def command(out, *, clean=False):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache.parent.parent)}
        env.pop("LAYOUT_NO_CACHE", None)
        if clean:
            env["LAYOUT_NO_CACHE"] = "1"
        done = subprocess.run([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(tmp_path / out)],
                              env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 1), done.stderr
        files = {p.suffix: p.read_bytes() for p in (tmp_path / out).iterdir() if p.suffix in (".pdf", ".epub")}
        return files, done.stderr.replace(str(tmp_path / out), "OUT")

    command("first")
    _replace_in(manifest.parent / "articles" / "old-estates.md", "。", "，")
    rebuilt, said = command("rebuilt")
    assert len(list(cache.glob("*-page-1.blob"))) >= 5     # the four pages and the cover, kept by the first build
    assert (rebuilt, said) == command("clean", clean=True)

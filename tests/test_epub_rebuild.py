"""The EPUB in a rebuild (issue #19): its content documents read back from disk
(`layout/render/epub/docstore.py`) give the EPUB of a build with every cache off, after an edit
too and in a new process (`layout build`); damaged or foreign entries are made again; and the
EPUB worker finishes a job the build waits for at the build's own priority (`pipeline._run_steps`)."""
from __future__ import annotations

import marshal
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from layout import pipeline
from layout.render.epub import docstore
from test_drawn_pages_stored import _as_a_new_process
from test_incremental import _build, _clean, _edit, _edition
from test_startup_caches import _damage, own_cache  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(own_cache):
    docstore.COUNTS.update(read=0, kept=0)
    return own_cache / "epub-docs"


def _again(manifest: Path, out: Path) -> tuple[bytes, dict]:
    """A build as a new process would make it (nothing in memory) -> (EPUB bytes, documents read/kept)."""
    _as_a_new_process()
    docstore.COUNTS.update(read=0, kept=0)
    return _build(manifest, out)[".epub"], dict(docstore.COUNTS)


def test_documents_read_back_give_a_clean_builds_epub_and_an_edit_remakes_its_story_only(store, tmp_path,
                                                                                       monkeypatch):
    manifest = _edition(tmp_path / "edition")
    first, counts = _again(manifest, tmp_path / "first")
    assert counts == {"read": 0, "kept": 2}   # the two stories
    again, counts = _again(manifest, tmp_path / "again")
    assert counts == {"read": 2, "kept": 0}
    assert again == first == _clean(manifest, tmp_path / "clean", monkeypatch)[".epub"]
    _edit(manifest)
    edited, counts = _again(manifest, tmp_path / "edited")
    assert counts == {"read": 1, "kept": 1}   # the story not edited read back, the edited one made
    assert edited == _clean(manifest, tmp_path / "clean-edited", monkeypatch)[".epub"] != first


@pytest.mark.parametrize("how", ["truncated", "altered", "garbage"])
def test_damaged_documents_are_made_again(store, tmp_path, monkeypatch, how):
    manifest = _edition(tmp_path / "edition")
    first, _ = _again(manifest, tmp_path / "first")
    _damage(store, how)
    again, counts = _again(manifest, tmp_path / "again")
    assert again == first and counts == {"read": 0, "kept": 2}
    assert _again(manifest, tmp_path / "third")[1] == {"read": 2, "kept": 0}   # replaced


def test_entries_of_foreign_shape_or_other_code_are_not_read(store, tmp_path, monkeypatch):
    manifest = _edition(tmp_path / "edition")
    kept, keep = [], docstore.keep
    monkeypatch.setattr(docstore, "keep", lambda key, *a: kept.append(key) or keep(key, *a))
    first, _ = _again(manifest, tmp_path / "first")
    assert len(kept) == 2
    for foreign in ((b"<html/>", [("body", "bold?", "text")]), (b"<html/>",), ["a", "list"], "text"):
        for key in kept:
            docstore._STORE.put_plain("document", key, docstore.code_stamp(), docstore.library_stamp("lxml"),
                                      value=foreign)
        again, counts = _again(manifest, tmp_path / "foreign")
        assert again == first and counts["read"] == 0
    monkeypatch.setattr(docstore, "code_stamp", lambda: "the code of another branch")
    again, counts = _again(manifest, tmp_path / "other-code")
    assert again == first and counts == {"read": 0, "kept": 2}


def test_layout_no_cache_keeps_no_document_and_layout_cache_shows_and_clears_them(store, tmp_path, monkeypatch):
    from layout import cache

    manifest = _edition(tmp_path / "edition")
    _clean(manifest, tmp_path / "clean", monkeypatch)
    assert not list(store.glob("*.blob"))
    _again(manifest, tmp_path / "kept")
    (line,) = [line for line in cache.report() if line.split()[0] == "epub-docs"]
    assert line.split()[1] == "2"
    cache.clear()
    assert not store.exists()


def _cli(manifest: Path, out: Path, cache: Path, no_cache: bool = False) -> bytes:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("LAYOUT_NO_CACHE", None)
    if no_cache:
        env["LAYOUT_NO_CACHE"] = "1"
    done = subprocess.run([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    (epub,) = out.glob("*.epub")
    return epub.read_bytes()


def test_a_new_process_rebuild_after_an_edit_writes_a_clean_builds_epub(tmp_path):
    """`layout build` itself (its EPUB made in a worker process), before and after an edit."""
    manifest = _edition(tmp_path / "edition")
    cache = tmp_path / "cache"
    first = _cli(manifest, tmp_path / "first", cache)
    kept = sorted((cache / "layout" / "epub-docs").glob("*.blob"))
    assert len(kept) == 2
    stamps = {f.name: f.stat().st_ino for f in kept}
    _edit(manifest)
    edited = _cli(manifest, tmp_path / "edited", cache)
    assert edited == _cli(manifest, tmp_path / "clean", tmp_path / "no-cache", no_cache=True) != first
    now = {f.name: f.stat().st_ino for f in (cache / "layout" / "epub-docs").glob("*.blob")}
    assert len(now) == 3 and sum(now.get(name) == ino for name, ino in stamps.items()) == 2


# ----------------------------------------------------------------------------- priority of a job waited for

def test_steps_left_when_the_build_waits_run_on_the_lane(monkeypatch):
    urgent = threading.Event()
    lane = ThreadPoolExecutor(1, thread_name_prefix="lane-under-test")
    monkeypatch.setattr(pipeline, "_urgent", urgent)
    monkeypatch.setattr(pipeline, "_lane", lane)
    where = []

    def steps():
        for k in range(4):
            where.append(threading.current_thread().name)
            if k == 1:
                urgent.set()   # the build starts waiting between steps 1 and 2
            yield
        return "done"

    try:
        assert pipeline._run_steps(steps()) == "done"
    finally:
        lane.shutdown()
    me = threading.current_thread().name
    assert where[:2] == [me, me] and all(name.startswith("lane-under-test") for name in where[2:])


def _priorities() -> tuple[int, int]:
    """In a worker: (this thread's nice value, the lane thread's)."""
    lane_tid = pipeline._lane.submit(threading.get_native_id).result()
    return (os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), os.getpriority(os.PRIO_PROCESS, lane_tid))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priorities are Linux's")
def test_a_worker_keeps_a_thread_at_the_builds_priority():
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    if mine >= 10:
        pytest.skip("this process runs at background priority already")
    try:
        worker, lane = pipeline._workers().submit(_priorities).result(timeout=120)
    finally:
        pipeline.stop_workers()
    assert worker == 10 and lane == mine


def test_the_epub_made_in_steps_is_the_epub(store, tmp_path, monkeypatch):
    """The generator the worker advances gives what `render_epub` gives, hop or no hop."""
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    manifest = _edition(tmp_path / "edition")
    whole = _build(manifest, tmp_path / "whole")[".epub"]
    from layout.diagnostics import Report
    from layout.pipeline import prepare

    report = Report()
    edition = prepare(manifest, report)
    meta = _meta(edition, report)
    urgent, lane = threading.Event(), ThreadPoolExecutor(1)
    monkeypatch.setattr(pipeline, "_urgent", urgent)
    monkeypatch.setattr(pipeline, "_lane", lane)
    try:
        plain = pipeline._epub_job(edition, meta, False)[0]
        urgent.set()
        hopped = pipeline._epub_job(edition, meta, False)[0]
    finally:
        lane.shutdown()
    assert plain == hopped == whole


# ----------------------------------------------------------------------------- the EPUB written by the worker

def _meta(edition, report):
    from layout.render.colour import load_print_settings
    from layout.wording import issue_number_name

    info = edition.issue.info
    return dict(author=edition.issue.paper.publisher, subject=issue_number_name(info.lang, info.number),
                date=info.date, settings=load_print_settings(edition.style.path, report), slug=edition.stem)


def test_the_worker_writes_the_epub_into_the_file_the_build_staged(tmp_path, monkeypatch):
    from layout.diagnostics import Report
    from layout.outputs import OutputSet
    from layout.pipeline import prepare

    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    manifest = _edition(tmp_path / "edition")
    report = Report()
    edition = prepare(manifest, report)
    meta = _meta(edition, report)
    made = pipeline._epub_job(edition, meta, False)[0]
    out = tmp_path / "out"
    with OutputSet(out) as outputs:
        reserved = outputs.reserve("paper.epub")
        back, _diagnostics = pipeline._epub_in_worker(edition, meta, False, None, reserved)
        assert back is None and Path(reserved).read_bytes() == made   # written there, not sent back
        pipeline._stage_epub(outputs, "paper.epub", back, reserved)
        assert not (out / "paper.epub").exists()   # renamed by commit, with the build's other files
        assert outputs.commit() == [out / "paper.epub"]
    assert (out / "paper.epub").read_bytes() == made and os.listdir(out) == ["paper.epub"]

    # a build that fails after giving the job leaves no file behind, whenever the worker writes
    with pytest.raises(RuntimeError), OutputSet(tmp_path / "failed") as outputs:
        reserved = outputs.reserve("paper.epub")
        pipeline._epub_in_worker(edition, meta, False, None, reserved)
        raise RuntimeError("the PDF could not be made")
    assert os.listdir(tmp_path / "failed") == []
    back, _ = pipeline._epub_in_worker(edition, meta, False, None, reserved)   # after the build gave up
    assert back == made and os.listdir(tmp_path / "failed") == []             # not made again

    # bytes back (no worker, or it could not write): written into the staged file by the build
    with OutputSet(tmp_path / "here") as outputs:
        reserved = outputs.reserve("paper.epub")
        pipeline._stage_epub(outputs, "paper.epub", made, reserved)
        outputs.commit()
    assert os.listdir(tmp_path / "here") == ["paper.epub"]
    assert (tmp_path / "here" / "paper.epub").read_bytes() == made

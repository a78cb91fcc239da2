"""The build's parallel paths give the same files as the plain ones, and survive a fork.

`layout build` starts separating photos for print as soon as the fonts are loaded
(`prepare(..., prefetch_photos=True)`), in its worker processes (`start_workers`) or else on
threads, and makes the EPUB in a worker process while it draws the PDF
(`BuildOptions(parallel=True)`). What a user gets must not depend on any of it."""
from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from layout import pipeline
from layout.diagnostics import Report
from layout.page.assemble import planned_photos
from layout.page.frames import Image
from layout.pipeline import BuildOptions, build, prepare
from layout.render import colour

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2026-11-27" / "issue.yaml"
BROADSHEET = ROOT / "issues" / "2026-11-28-broadsheet" / "issue.yaml"


def test_parallel_build_writes_the_same_bytes(tmp_path, monkeypatch):
    """Plain; photos on threads and the EPUB in a worker; and as `layout build` runs, photos and
    EPUB in the worker processes: the same files and the same diagnostics."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))   # no photo comes from the disk cache
    files = {}
    try:
        for label, prefetch, parallel in (("plain", False, False), ("threads", True, True), ("processes", True, True)):
            colour._cache.clear()      # every photo separated again, on the path under test
            shutil.rmtree(tmp_path / "cache", ignore_errors=True)
            if label == "processes":
                pipeline.start_workers()
            report = Report()
            edition = prepare(SAMPLE, report, prefetch_photos=prefetch)
            assert edition is not None
            written = build(edition, tmp_path / label, report, BuildOptions(parallel=parallel))
            files[label] = {p.suffix: p.read_bytes() for p in written}
            files[label + " diagnostics"] = sorted(d.format() for d in report.items)
    finally:
        pipeline.stop_workers()
    for label in ("threads", "processes"):
        assert files["plain"][".pdf"] == files[label][".pdf"], label
        assert files["plain"][".epub"] == files[label][".epub"], label
        assert files["plain diagnostics"] == files[label + " diagnostics"], label


def test_layout_build_command_writes_the_same_bytes(tmp_path, monkeypatch):
    """`layout build` run as a command tunes its process for the one build (garbage collector,
    malloc: `settle_for_one_build`) before it forks its workers: the files are the same as a
    plain build's in this process."""
    import subprocess
    import sys

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-m", "layout", "build", str(BROADSHEET), "-o", str(tmp_path / "command")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    colour._cache.clear()
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    report = Report()
    written = build(prepare(BROADSHEET, report), tmp_path / "plain", report)
    assert written
    for path in written:
        assert (tmp_path / "command" / path.name).read_bytes() == path.read_bytes(), path.name


def test_photos_survive_the_worker_processes_dying(tmp_path, monkeypatch):
    """Worker processes killed (out of memory, say) while photos wait for them: each photo is
    separated in the build's own process instead, the same as ever."""
    import signal

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rgb = np.zeros((200, 300, 3), np.uint8)
    rgb[:, 100:] = (30, 120, 200)
    photo = tmp_path / "photo.png"
    PILImage.fromarray(rgb, "RGB").save(photo)
    jobs = [(photo, (0, 0, 300, 200), 108.0 + i, 72.0) for i in range(6)]
    colour._cache.clear()
    expected = [colour._press(*job, colour.PrintSettings()) for job in jobs]
    colour._cache.clear()
    try:
        pipeline.start_workers()
        pool = pipeline._pool
        pool.submit(os.getpid).result(timeout=60)      # the workers are up
        for job in jobs[:3]:
            colour.prefetch_image(*job, colour.PrintSettings())
        for pid in list(pool._processes):
            os.kill(pid, signal.SIGKILL)
        for job in jobs[3:]:
            colour.prefetch_image(*job, colour.PrintSettings())   # to a dead pool: on threads instead
        got = [colour.press_image(*job, colour.PrintSettings()) for job in jobs]
    finally:
        pipeline.stop_workers()
    assert got == expected


def test_build_survives_workers_dead_before_it_starts(tmp_path, monkeypatch):
    """The worker processes killed (out of memory, say) after `start_workers` and before the
    edition is read: reading, the photos and the EPUB all happen in the build's own process
    instead, with the same files as a plain build."""
    import signal
    import time

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    colour._cache.clear()
    report = Report()
    plain = {p.suffix: p.read_bytes() for p in build(prepare(SAMPLE, report), tmp_path / "plain", report)}
    colour._cache.clear()
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    try:
        pipeline.start_workers()
        pool = pipeline._pool
        pool.submit(os.getpid).result(timeout=60)
        for pid in list(pool._processes):
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        report = Report()
        edition = prepare(SAMPLE, report, prefetch_photos=True)
        assert edition is not None
        written = build(edition, tmp_path / "orphaned", report, BuildOptions(parallel=True))
    finally:
        pipeline.stop_workers()
    assert {p.suffix: p.read_bytes() for p in written} == plain


@pytest.mark.parametrize("manifest", [SAMPLE, BROADSHEET], ids=["tabloid", "broadsheet"])
def test_photo_plan_is_what_make_up_places(manifest):
    """The photos separated ahead (`planned_photos`, before any text is composed) are exactly the
    photos and pictures the pages place, at the same crop and size: none separated for nothing."""
    from layout.page.adsource import ad_image

    report = Report()
    edition = prepare(manifest, report)
    planned = planned_photos(edition.issue, edition.style, edition.typesetter)
    ads = {str(ad_image(pl.photo.file)) for page in edition.issue.pages for pl in page.placements if pl.kind == "ad"}
    placed = [(f.number, it.path, tuple(it.crop), it.w, it.h) for f in edition.frames for it in f.items
              if isinstance(it, Image) and it.path not in ads]
    assert placed and sorted(planned) == sorted(placed)


def _press_in_child(path: str, queue) -> None:
    img = colour.press_image(path, (0, 0, 300, 200), 108.0, 72.0, colour.PrintSettings())
    queue.put((img.width, img.height))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_photo_threads_do_not_hang_a_forked_child(tmp_path):
    """`layout build a.yaml b.yaml --jobs N` forks its workers; a photo the parent had started
    separating on its threads must be separated again in the child, not waited for forever."""
    photo = tmp_path / "photo.png"
    PILImage.fromarray(np.full((200, 300, 3), 90, np.uint8), "RGB").save(photo)
    colour._cache.clear()
    colour.prefetch_image(photo, (0, 0, 300, 200), 108.0, 72.0, colour.PrintSettings())
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_press_in_child, args=(str(photo), queue))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung waiting for the parent's photo threads")
    assert child.exitcode == 0 and queue.get(timeout=5) == (300, 200)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_killed_build_leaves_no_worker_behind(tmp_path):
    """SIGKILL runs no exit handler: the EPUB worker notices its build is gone and ends."""
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "layout", "build", str(SAMPLE), "-o", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while time.monotonic() < deadline and not workers:
        workers = [c for c in _children(proc.pid) if "layout" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")
                   or "multiprocessing" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")]
        time.sleep(0.05)
    assert workers, "the build started no worker process"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, "the worker outlived its build"


def test_separated_photos_come_back_from_the_disk_cache(tmp_path, monkeypatch):
    """A rebuild in a new process reads separated photos from the cache folder; a damaged entry
    is separated again, with the same result; another print setting is another entry."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rgb = np.zeros((200, 300, 3), np.uint8)
    rgb[:, :150] = (200, 30, 20)
    photo = tmp_path / "photo.png"
    PILImage.fromarray(rgb, "RGB").save(photo)
    job = (photo, (0, 0, 300, 200), 108.0, 72.0)
    colour._cache.clear()
    first = colour.press_image(*job, colour.PrintSettings())
    (entry,) = (tmp_path / "cache" / "layout" / "photos").glob("*.press")
    calls = []
    real = colour._press
    monkeypatch.setattr(colour, "_press", lambda *a: calls.append(a) or real(*a))
    colour._cache.clear()                      # as a new process would start
    assert colour.press_image(*job, colour.PrintSettings()) == first and not calls
    entry.write_bytes(entry.read_bytes()[:-10])  # cut short: not trusted
    colour._cache.clear()
    assert colour.press_image(*job, colour.PrintSettings()) == first and len(calls) == 1
    colour._cache.clear()
    colour.press_image(*job, colour.PrintSettings(ink_limit=200))
    assert len(calls) == 2 and len(list(entry.parent.glob("*.press"))) == 2


def test_photo_disk_cache_keeps_under_its_cap(tmp_path, monkeypatch):
    """The cache folder never grows past DISK_CACHE_BYTES: the oldest entries go first."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rgb = np.random.default_rng(7).integers(0, 255, (200, 300, 3), dtype=np.uint8)   # noise: entries of some size
    photo = tmp_path / "photo.png"
    PILImage.fromarray(rgb, "RGB").save(photo)
    colour._cache.clear()
    colour.press_image(photo, (0, 0, 300, 200), 108.0, 72.0, colour.PrintSettings())
    folder = tmp_path / "cache" / "layout" / "photos"
    (first,) = folder.glob("*.press")
    cap = first.stat().st_size * 3 + 100
    monkeypatch.setattr(colour, "DISK_CACHE_BYTES", cap)
    monkeypatch.setattr(colour, "_written", None)
    for i in range(1, 8):
        colour.press_image(photo, (0, 0, 300, 200), 108.0 + i, 72.0, colour.PrintSettings())
        assert sum(f.stat().st_size for f in folder.glob("*.press")) <= cap
    assert not first.exists() and len(list(folder.glob("*.press"))) == 3

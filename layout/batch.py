"""Several editions at once: one edition's build as a small work item, and the local executor.

`EditionJob` is what an executor hands to a worker: the manifest's path, the output folder and the
build options, nothing else (small and picklable; the worker reads the edition itself).

`build_edition(job, progress)` runs one job: the one function both executors call, the worker
processes of this machine (`run_in_processes`: `layout build A B --jobs N`) and the workers of a
Dask cluster (`layout.cluster`: `--scheduler`). It returns the edition's result as a plain dict:
`diagnostics` (the `Diagnostic`s), `written` (paths), `status` (0 built, 1 failed), `crash` (a
traceback or a sentence when the build itself broke) and `host` (the machine that built it).
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from layout import pipeline
from layout.diagnostics import Report

#: What a result says of an edition whose build process was killed (by the kernel running out of
#: memory, a signal) every time it was tried.
KILLED = "the build process was killed (out of memory?) before it finished"


@dataclass(frozen=True)
class EditionJob:
    """One edition to build: its index among the command's editions (for the progress display and
    the summary), its manifest and output folder, and what to write."""

    index: int
    manifest: str
    out_dir: str
    options: pipeline.BuildOptions


def edition_jobs(manifests: list[str], outs: list[Path], options: pipeline.BuildOptions) -> list[EditionJob]:
    """The command's editions as jobs, in order."""
    return [EditionJob(i, str(m), str(o), options) for i, (m, o) in enumerate(zip(manifests, outs))]


def build_edition(job: EditionJob, progress: Callable[[str], None] | None = None) -> dict:
    """Build one edition where this runs: its diagnostics, the files written (atomically, through
    `pipeline.build`) and the exit status. A bug is caught and reported as this edition's failure
    (its traceback in `crash`), so the other editions go on."""
    report = Report()
    written: list[str] = []
    try:
        edition = pipeline.prepare(job.manifest, report, progress, prefetch_photos=True)
        if edition is not None:
            written = [str(p) for p in pipeline.build(edition, Path(job.out_dir), report, job.options, progress)]
        status = 1 if report.has_errors or edition is None else 0
        crash = ""
    except Exception:  # a bug: keep the traceback for the summary
        import traceback

        status, crash = 1, traceback.format_exc()
    return {"diagnostics": report.items, "written": written, "status": status, "crash": crash,
            "host": socket.gethostname()}


def failed_result(crash: str, host: str | None = None) -> dict:
    """The result of an edition whose build broke before it could say more (`crash`: why), on
    `host` (default: this machine; "": not known)."""
    return {"diagnostics": [], "written": [], "status": 1, "crash": crash,
            "host": socket.gethostname() if host is None else host}


# -- the local executor: worker processes on this machine (`--jobs N`) --------------------------------


def _build_in_process(job: EditionJob, queue) -> dict:
    """`build_edition` in a worker process, its stages sent to the command through `queue`."""
    result = build_edition(job, lambda stage: queue.put((job.index, stage)))
    queue.put((job.index, None))
    return result


def run_in_processes(jobs: list[EditionJob], workers: int, shown) -> dict[int, dict]:
    """Build the jobs in `workers` processes of this machine; -> {index: result}. `shown` is the
    progress display (`update(index, stage)`, `finish(index, ok)`). A worker killed by the system
    breaks the whole pool: the editions it took down are built again, each in a pool of its own, so
    only an edition that kills its own process fails (`KILLED`)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, dict] = {}
    with multiprocessing.Manager() as manager:
        queue = manager.Queue()

        def run(batch: list[EditionJob], processes: int) -> list[EditionJob]:
            """Build these jobs; -> those lost with a broken pool."""
            lost = []
            with ProcessPoolExecutor(max_workers=processes) as pool:
                futures = {pool.submit(_build_in_process, job, queue): job for job in batch}
                pending = set(futures)
                while pending:
                    while not queue.empty():
                        shown.update(*queue.get())
                    done = {f for f in pending if f.done()}
                    for f in done:
                        job = futures[f]
                        try:
                            results[job.index] = f.result()
                        except BrokenProcessPool:
                            lost.append(job)
                            continue
                        shown.finish(job.index, results[job.index]["status"] == 0)
                    pending -= done
                    if pending:
                        time.sleep(0.05)
            return lost

        for job in run(jobs, workers):
            for again in run([job], 1):
                results[again.index] = failed_result(KILLED)
                shown.finish(again.index, False)
    return results

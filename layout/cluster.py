"""Archive builds across machines: editions built by the workers of a Dask distributed cluster.

`layout build issues/*/issue.yaml --scheduler tcp://HOST:8786` sends each edition, as a small
`batch.EditionJob` (paths and options), to a cluster started as Dask's docs say (`dask scheduler`
on one machine, `dask worker tcp://HOST:8786` on each), and `--scheduler local` starts one on this
machine (a `LocalCluster` of `--jobs` worker processes). Each worker runs `batch.build_edition`,
the function `--jobs` runs, and writes the files itself, atomically, into the output folder, which
must therefore be a path every worker reaches (shared storage, mounted at the same path).

A worker that dies (killed, out of memory, its machine gone) has its editions run again on
another worker by the scheduler (up to its `allowed-failures`, 3 by default); an edition that kills
every worker it is given fails with `batch.KILLED`. A killed build leaves at most a hidden
temporary file, never half an output (`outputs.OutputSet`).
"""
from __future__ import annotations

import asyncio
import logging
import os
import queue
import time
import traceback
import uuid
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from layout import __version__
from layout.batch import KILLED, EditionJob, build_edition, failed_result

#: `--scheduler local`: a cluster of worker processes on this machine
LOCAL = "local"
#: How long the command tries to reach the scheduler before it gives up
CONNECT_TIMEOUT = "20s"
#: The scheduler's settings for editions (`--scheduler local` sets them; docs/performance.md says
#: how to give them to a cluster's `dask scheduler`): a worker holds only the edition it builds
#: (by default, with one thread, a second one waits on it), so a worker that dies takes down only
#: that edition, and only that edition counts the death against its `allowed-failures`.
SCHEDULER_SETTINGS = {"distributed.scheduler.worker-saturation": 1.0}


class ClusterError(Exception):
    """The cluster cannot be used (not installed, not reachable): a one-line message and a hint."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def build_on_worker(job: EditionJob, version: str, cwd: str, topic: str | None) -> dict:
    """On a Dask worker: `build_edition`, its stages logged under `topic` for the command's
    progress display (None: nobody is watching), its diagnostics naming files as the command
    would in its working folder `cwd`. A worker running another version of `layout` than the
    command would not give the same files: it refuses the edition instead."""
    import layout
    from layout.manifest.load import shown_from

    if layout.__version__ != version:
        return failed_result(f"this worker runs layout {layout.__version__}, the command {version}: "
                             "install the same version on every machine")
    progress = None
    if topic is not None:
        from distributed import get_worker

        worker = get_worker()
        progress = lambda stage: worker.log_event(topic, [job.index, stage])  # noqa: E731
    token = shown_from.set(cwd)
    try:
        return build_edition(job, progress)
    finally:
        shown_from.reset(token)


def run_on_dask(jobs: list[EditionJob], scheduler: str, workers: int, shown) -> dict[int, dict]:
    """Build the jobs on the cluster at `scheduler` (an address, or `LOCAL` for `workers` processes
    here); -> {index: result} as `batch.run_in_processes` gives it. `shown` is the progress display.
    Raises ClusterError when the cluster cannot be reached."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    results: dict[int, dict] = {}
    run = uuid.uuid4().hex[:12]
    with _client(scheduler, workers) as client:
        topic = f"layout-progress-{run}" if shown.enabled else None
        stages: queue.SimpleQueue = queue.SimpleQueue()
        if topic:
            client.subscribe_topic(topic, lambda event: stages.put(event[1]))
        sent = [_absolute(job) for job in jobs]   # one call for all: an archive is 100,000s of editions
        n = len(sent)
        keys = [f"layout-{Path(job.manifest).parent.name}-{job.index}-{run}" for job in sent]
        futures = dict(zip(client.map(build_on_worker, sent, [__version__] * n, [os.getcwd()] * n, [topic] * n,
                                      key=keys, pure=False), jobs))
        finished = as_completed(futures)
        while len(results) < len(jobs):
            while not stages.empty():
                shown.update(*stages.get())
            ready = finished.next_batch(block=False) if finished.has_ready() else []
            for future in ready:
                job = futures[future]
                try:
                    results[job.index] = future.result()
                except KilledWorker:
                    results[job.index] = failed_result(f"{KILLED}, on every worker that tried it", host="")
                except (Exception, asyncio.CancelledError, FutureCancelledError):   # e.g. the worker lacks `layout`
                    results[job.index] = failed_result(traceback.format_exc(), host="")
                future.release()   # the worker may forget the result
                shown.finish(job.index, results[job.index]["status"] == 0)
            if not ready:
                time.sleep(0.05)
        if topic:
            client.unsubscribe_topic(topic)
    return results


@contextmanager
def _client(scheduler: str, workers: int):
    """A Dask client of the cluster at `scheduler`, or of a LocalCluster of `workers` processes
    (one thread each: an edition is mostly Python, one at a time per process) started for this
    command and stopped after it."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--scheduler needs Dask distributed, which is not installed",
                           "pip install 'layout[cluster]' (on this machine and on every worker)") from None
    if scheduler == LOCAL:
        import dask

        with dask.config.set(SCHEDULER_SETTINGS):   # read when the scheduler starts
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError, TypeError) as exc:   # no scheduler there (OSError: also its timeout), a bad address
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                           "start it with `dask scheduler` and give its address (tcp://HOST:8786), "
                           "or use --scheduler local") from None
    with client:
        yield client


def _absolute(job: EditionJob) -> EditionJob:
    """The job with absolute paths: a worker's working folder is not the command's (on shared
    storage mounted at the same path on every machine, an absolute path is the same file)."""
    return replace(job, manifest=os.path.abspath(job.manifest), out_dir=os.path.abspath(job.out_dir))

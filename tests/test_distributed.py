"""`layout build --scheduler ADDRESS`: editions built by the workers of a Dask cluster.

One LocalCluster for the module (2 worker processes, one thread each, no dashboard), started the
way a user's cluster runs, with two things added to its workers by a preload script (run in every
worker process, restarted ones too):

- an edition in a folder named `poison` kills the worker process that builds it, every time;
- the first build of an edition in a folder named `slow` stops just before its finished files
  are renamed into place, and says which process it is in, so the test can kill that worker
  there: the half-run of a build.

The scheduler has the settings `--scheduler local` gives its own (`cluster.SCHEDULER_SETTINGS`:
a worker holds only the edition it builds, so a death counts against that edition alone) and
gives up on a task after it has killed two workers (`allowed-failures: 1`, 3 by default), so the
poison edition costs two worker restarts, not four.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import robustness_tools as rt

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402  (installed with distributed)

PRELOAD = r'''
import os, signal, time
from pathlib import Path
from layout import outputs, pipeline

STALLED = Path({stalled!r})
# the worker may run this file more than once: patch the real functions, once
real_prepare = getattr(pipeline.prepare, "real", pipeline.prepare)
real_commit = getattr(outputs.OutputSet.commit, "real", outputs.OutputSet.commit)


def prepare(path, report, progress=None, **options):
    if Path(path).parent.name == "poison":
        os.kill(os.getpid(), signal.SIGKILL)
    return real_prepare(path, report, progress, **options)


def commit(self):
    if self.out_dir.name == "slow" and not STALLED.exists():   # the first try only
        ready = STALLED.with_suffix(".part")
        ready.write_text(str(os.getpid()))
        os.replace(ready, STALLED)
        time.sleep(120)
    return real_commit(self)


prepare.real, commit.real = real_prepare, real_commit
pipeline.prepare, outputs.OutputSet.commit = prepare, commit
'''


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(the cluster, a client of it, the file in which the slow build writes its process id)."""
    from distributed import Client, LocalCluster

    from layout.cluster import SCHEDULER_SETTINGS

    folder = tmp_path_factory.mktemp("cluster")
    stalled = folder / "slow-stalled"
    preload = folder / "layout_test_preload.py"
    preload.write_text(PRELOAD.format(stalled=str(stalled)), encoding="utf-8")
    with dask.config.set({**SCHEDULER_SETTINGS, "distributed.scheduler.allowed-failures": 1}):
        with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                          silence_logs=logging.CRITICAL, preload=[str(preload)]) as local, Client(local) as client:
            yield local, client, stalled


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    """Copies of the tabloid sample: two good editions (two dates), one poison, one slow, one for
    the run with the slow one; and a manifest with errors."""
    folder = tmp_path_factory.mktemp("editions")
    found = {name: rt.copy_edition(rt.TABLOID, folder / name) for name in ("first", "second", "poison", "slow", "other")}
    second = found["second"]
    second.write_text(second.read_text(encoding="utf-8").replace("date: 2026-11-27", "date: 2026-11-28"),
                      encoding="utf-8")
    broken = folder / "broken" / "issue.yaml"
    broken.parent.mkdir()
    broken.write_text("paper: {name: 新区时报}\nissue: {number: 1}\n", encoding="utf-8")
    return found | {"broken": broken}


@pytest.fixture(scope="module")
def local_builds(editions, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """The two dates built by a plain one-edition build in this process: {edition: {file: bytes}}."""
    from layout import pipeline
    from layout.diagnostics import Report

    built = {}
    for name in ("first", "second"):
        report = Report()
        edition = pipeline.prepare(editions[name], report)
        written = pipeline.build(edition, tmp_path_factory.mktemp(f"local-{name}"), report)
        built[name] = {p.name: p.read_bytes() for p in written}
    return built


@pytest.fixture(scope="module")
def cluster_run(cluster, editions, tmp_path_factory):
    """`layout build first second broken poison --scheduler ADDRESS -o OUT` -> (status, stdout, stderr, OUT)."""
    local, _client, _stalled = cluster
    out = tmp_path_factory.mktemp("out")
    argv = ["build", *(str(editions[n]) for n in ("first", "second", "broken", "poison")),
            "--scheduler", local.scheduler_address, "-o", str(out)]
    return (*rt.run_cli(argv), out)


def test_cluster_builds_each_edition_byte_identical_to_a_local_build(cluster_run, local_builds):
    _status, stdout, _err, out = cluster_run
    for name, files in local_builds.items():
        assert {p.name for p in (out / name).iterdir()} == set(files), name
        for file, data in files.items():
            assert (out / name / file).read_bytes() == data, file
            assert str(out / name / file) in stdout.splitlines()
    assert "新区时报-2026-11-28.pdf" in local_builds["second"]   # each edition from its own manifest


def test_failing_editions_are_reported_at_the_end_and_the_others_built(cluster_run, editions):
    status, _out, err, out = cluster_run
    assert status == 1
    assert "Traceback" not in err
    assert f"2 of 4 editions built; failed: {editions['broken']}, {editions['poison']}" in err
    assert f"== {editions['broken']}: FAILED" in err and "error[missing-key]" in err
    # the poison edition killed every worker that tried it: reported, never lost
    assert f"== {editions['poison']}: FAILED" in err and "the build process was killed" in err
    assert not (out / "broken").exists() and not list((out / "poison").glob("[!.]*"))


def test_a_killed_workers_edition_is_built_by_another_never_half_written(cluster, editions, local_builds,
                                                                        tmp_path):
    """The worker building `slow` is killed (SIGKILL) when its files are written but not yet in
    place: nothing of it shows in the output folder; the scheduler builds it again elsewhere; the
    command (a process of its own, as a user runs it) ends with every edition built."""
    local, client, stalled = cluster
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(rt.ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = subprocess.Popen([sys.executable, "-m", "layout", "build", str(editions["slow"]), str(editions["other"]),
                                "--scheduler", local.scheduler_address, "-o", str(out)],
                               cwd=rt.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 90
        while not stalled.exists():
            assert command.poll() is None, command.stderr.read()[-3000:]
            assert time.time() < deadline, "the slow edition never reached its commit"
            time.sleep(0.05)
        pid = int(stalled.read_text())
        assert pid in client.run(os.getpid).values()            # a worker of the cluster
        assert not list((out / "slow").glob("[!.]*"))             # written, not yet in place: not visible
        assert list((out / "slow").glob(".*.tmp"))
        os.kill(pid, signal.SIGKILL)
        stdout, stderr = command.communicate(timeout=120)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 0, stderr[-3000:]
    assert "2 of 2 editions built" in stderr
    for name in ("slow", "other"):
        visible = {p.name: p.read_bytes() for p in (out / name).iterdir() if not p.name.startswith(".")}
        assert visible == local_builds["first"], name
    assert len(stdout.splitlines()) == 4


def test_a_cluster_that_cannot_be_reached_is_one_message(editions, monkeypatch):
    from layout import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    status, _out, err = rt.run_cli(["build", str(editions["first"]), "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 1 and "Traceback" not in err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err and "hint: start it with `dask scheduler`" in err


def test_jobs_is_refused_with_a_cluster_address(editions):
    status, _out, err = rt.run_cli(["build", str(editions["first"]), "--scheduler", "tcp://127.0.0.1:8786",
                                    "-j", "2"])
    assert status == 2 and "--jobs does not apply to a cluster" in err


def test_an_archive_shows_one_count_line_and_the_editions_being_built(tmp_path, capsys):
    """More editions than fit a terminal (an archive on a cluster): one line counts the editions
    built and failed; an edition has a line only while it is being built."""
    from layout.cli import _BatchProgress

    manifests = [tmp_path / f"2026-12-{day:02d}" / "issue.yaml" for day in range(1, 31)]
    with _BatchProgress(manifests, True) as shown:
        for i in range(3):
            shown.update(i, "setting pages")
        shown.finish(0, True)
        shown.finish(1, False)
        shown.update(2, "writing PDF")
        shown.update(0, "preflight")   # a stage that arrives after its edition's end (from a cluster)
    err = capsys.readouterr().err
    assert "30 editions" in err and "1 built, 1 failed" in err
    assert "2026-12-03" in err and "writing PDF" in err
    assert "2026-12-01" not in err and "preflight" not in err
    assert "2026-12-04" not in err and "waiting" not in err


def test_diagnostics_name_files_as_from_the_commands_folder(cluster, editions, monkeypatch):
    """A worker's working folder is not the command's: the diagnostics still name the files
    relative to the folder the command runs in, as a local build does."""
    local, _client, _stalled = cluster
    monkeypatch.chdir(editions["broken"].parent.parent)
    status, _out, err = rt.run_cli(["build", "broken/issue.yaml", "--scheduler", local.scheduler_address])
    assert status == 1
    assert "\nbroken/issue.yaml:1:1: error[missing-key]: the manifest has no 'style'" in err


def test_a_worker_with_another_version_of_layout_refuses_its_edition(editions, tmp_path):
    """Another version could give other bytes: the worker says so instead of building."""
    from layout import __version__, pipeline
    from layout.batch import EditionJob
    from layout.cluster import build_on_worker

    job = EditionJob(0, str(editions["first"]), str(tmp_path / "out"), pipeline.BuildOptions())
    result = build_on_worker(job, "0.0.1-other", str(tmp_path), None)
    assert result["status"] == 1 and not result["written"] and not (tmp_path / "out").exists()
    assert f"this worker runs layout {__version__}, the command 0.0.1-other" in result["crash"]

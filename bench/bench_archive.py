"""Archive builds: editions per hour on this machine, with `--jobs` and on a Dask cluster.

Takes: nothing (optional --editions N, --workers N, --json FILE).
Returns: prints the wall time and editions per hour of `layout build EDITIONS -o OUT` run as a
user runs it (a new process each time), three ways:

- `--jobs W`: W worker processes of this machine;
- `--scheduler local -j W`: a LocalCluster of W workers started by the command (its start counts);
- `--scheduler tcp://…`: a LocalCluster of W workers already running, as a cluster's machines run
  their `dask worker` (the rate a machine of this kind adds to a cluster);

each with its processor seconds (the command's processes and the cluster's workers), which other
users' load on the machine barely changes: editions per core-hour. Then the hours the archive of
the issue (20 titles × 365 days × 20 years = 146,000 editions) takes on N machines of this kind,
at the last rate measured and with every core on editions.

The editions are copies of the two samples (the tabloid and the broadsheet, alternately) with
dates of their own and photos of their own (one pixel changed, so no photo comes from another
edition's cache), as an archive's editions are. Each run starts with an empty `layout` cache
(fonts converted again, no photo separated before). Every run's files are compared with the
first run's: the executors must give the same bytes.
Run with `python bench/bench_archive.py` (about two minutes on 2 cores; needs `pip install -e '.[cluster]'`).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = (ROOT / "issues" / "2026-11-27", ROOT / "issues" / "2026-11-28-broadsheet")
ARCHIVE = 20 * 365 * 20
MACHINES = (1, 10, 25, 50, 100)


def make_editions(folder: Path, count: int) -> list[Path]:
    """`count` editions in `folder`, one per day from 2027-01-01, alternately from each sample;
    -> their manifests."""
    manifests = []
    for n in range(count):
        sample = SAMPLES[n % len(SAMPLES)]
        day = date(2027, 1, 1) + timedelta(days=n)
        target = folder / day.isoformat()
        shutil.copytree(sample, target)
        manifest = target / "issue.yaml"
        text = manifest.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.strip().startswith("date: 20"))
        manifest.write_text(text.replace(old, old.split("date:")[0] + f"date: {day.isoformat()}", 1), encoding="utf-8")
        for photo in (target / "images").iterdir():
            if photo.suffix.lower() in (".jpg", ".jpeg", ".png"):
                _own_pixel(photo, n)
        manifests.append(manifest)
    return manifests


def _own_pixel(path: Path, n: int) -> None:
    """Change the top-left pixel of a photo, so that the edition's photos are its own."""
    with Image.open(path) as img:
        exif = img.info.get("exif")
        img = img.copy()
    value = n * 37 % 256
    img.putpixel((0, 0), value if len(img.getbands()) == 1 else (value,) * len(img.getbands()))
    img.save(path, quality=92, **({"exif": exif} if exif else {}))


def run(manifests: list[Path], out: Path, extra: list[str], cache: Path, workers=None) -> tuple[float, float]:
    """`layout build MANIFESTS -o OUT EXTRA` in a new process with an empty cache; -> (seconds,
    processor seconds of the command, its processes and `workers`, a running cluster's client)."""
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    before = _children_cpu() + _workers_cpu(workers)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "layout", "build", *map(str, manifests), "-o", str(out), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode != 0 or f"{len(manifests)} of {len(manifests)} editions built" not in proc.stderr:
        sys.exit(f"layout build {' '.join(extra)} failed:\n{proc.stderr[-3000:]}")
    return seconds, _children_cpu() + _workers_cpu(workers) - before


def _children_cpu() -> float:
    """Processor seconds of this process's finished children and theirs."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _workers_cpu(client) -> float:
    """Processor seconds of a running cluster's worker processes so far (0 without one)."""
    if client is None:
        return 0.0

    def cpu() -> float:
        import psutil

        times = psutil.Process().cpu_times()
        return times.user + times.system

    return sum(client.run(cpu).values())


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=10, help="editions built per run (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    w = args.workers
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        tmp = Path(tmp)
        manifests = make_editions(tmp / "editions", args.editions)
        cache = tmp / "cache"
        os.environ["XDG_CACHE_HOME"] = str(cache)   # the running cluster's workers start with it too
        os.environ["PYTHONPATH"] = str(ROOT)
        rows = []
        first = None
        with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as running, Client(running) as client:
            for label, extra, workers in (
                    (f"--jobs {w}", ["--jobs", str(w)], None),
                    (f"--scheduler local -j {w}", ["--scheduler", "local", "--jobs", str(w)], None),
                    (f"--scheduler (running, {w} workers)", ["--scheduler", running.scheduler_address], client)):
                out = tmp / f"out-{len(rows)}"
                seconds, cpu = run(manifests, out, extra, cache, workers)
                files = outputs(out)
                first = first or files
                rows.append({"executor": label, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 1),
                             "editions_per_hour": round(len(manifests) * 3600 / seconds),
                             "editions_per_core_hour": round(len(manifests) * 3600 / cpu),
                             "same_bytes_as_first": files == first})
    load = os.getloadavg()[0]
    print(f"{args.editions} editions (tabloid and broadsheet alternately), {w} workers, "
          f"{os.cpu_count()} cores, load average {load:.2f}")
    print(f"{'executor':34} {'seconds':>8} {'editions/hour':>14} {'CPU s':>7} {'per core-hour':>14}  same bytes")
    for r in rows:
        print(f"{r['executor']:34} {r['seconds']:8.1f} {r['editions_per_hour']:14,} {r['cpu_seconds']:7.1f} "
              f"{r['editions_per_core_hour']:14,}  {r['same_bytes_as_first']}")
    rate = rows[-1]["editions_per_hour"]
    idle = rows[-1]["editions_per_core_hour"] * (os.cpu_count() or 1)   # every core on editions
    projection = {n: round(ARCHIVE / (rate * n), 1) for n in MACHINES}
    idle_projection = {n: round(ARCHIVE / (idle * n), 1) for n in MACHINES}
    print(f"\nthe archive, {ARCHIVE:,} editions, on N machines of this kind: at the rate measured "
          f"({rate:,} editions/hour each), and with every core on editions ({idle:,}/hour each, from processor time)")
    for n in MACHINES:
        print(f"  {n:4} machine{'s' if n > 1 else ' '}: {projection[n]:8,.1f} h ({projection[n] / 24:5.1f} days)"
              f"   {idle_projection[n]:8,.1f} h ({idle_projection[n] / 24:5.1f} days)")
    if args.json:
        Path(args.json).write_text(json.dumps({"editions": args.editions, "workers": w, "load": load, "runs": rows,
                                               "archive": ARCHIVE, "hours_on_machines": projection,
                                               "hours_on_machines_every_core": idle_projection}, indent=2))
    if not all(r["same_bytes_as_first"] for r in rows):
        sys.exit("the executors wrote different files")


if __name__ == "__main__":
    main()

"""Benchmark of the web edition: what `--web` adds to a cold build, and what `layout site` takes.

Takes: --manifest PATH (default: the broadsheet sample), --repeat N (default 3).
Returns: prints, for N rounds, the wall and processor time of a cold `layout build` from the
shell without and with `--web` (each a fresh process with an empty cache folder, so fonts are
converted and photos separated every time; the two alternate which goes first, since this
machine's speed changes from minute to minute), the medians and their difference, the size of
web/, then the time of `layout site` over a site holding that edition and the size of its
search index.
Run with `python bench/bench_web.py` (about a minute for 3 rounds of the broadsheet).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2026-11-28-broadsheet" / "issue.yaml"


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, processor seconds of the process and its workers) of `python -m layout ARGV`,
    end to end; exits if it failed. Processor time says more than wall time on a busy machine."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "layout", *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env, cwd=ROOT)
    took = time.perf_counter() - start
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"layout {' '.join(argv)} failed:\n{proc.stderr.decode(errors='replace')[-2000:]}")
    return took, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def cold_build(manifest: Path, out: Path, web: bool) -> tuple[float, float]:
    """A cold build (fresh process, empty cache folder) into `out`, with or without the web edition."""
    with tempfile.TemporaryDirectory(prefix="layout-bench-cache-") as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        return timed(["build", str(manifest), "-o", str(out), "--web" if web else "--no-web"], env)


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", type=Path, default=SAMPLE)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    without, with_web = [], []
    with tempfile.TemporaryDirectory(prefix="layout-bench-web-") as tmp:
        site = Path(tmp) / "site"
        for n in range(args.repeat):
            order = (False, True) if n % 2 == 0 else (True, False)
            for web in order:
                out = site / args.manifest.parent.name if web else Path(tmp) / f"plain{n}"
                took, cpu = cold_build(args.manifest, out, web)
                (with_web if web else without).append((took, cpu))
                print(f"round {n + 1}: {'with' if web else 'without'} web/: {took:.2f} s ({cpu:.2f} s processor)",
                      flush=True)
        files, size = folder_size(site / args.manifest.parent.name / "web")
        site_times = [timed(["site", str(site), "--base-url", "https://epaper.example.org/"], dict(os.environ))[0]
                      for _ in range(3)]
        index_files, index_size = folder_size(site / "search")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n{args.manifest}: cold `layout build` from the shell, median of {args.repeat} "
          f"(load average {load:.1f} at the end, on {os.cpu_count()} cores)")
    for name, runs in (("without web/", without), ("with web/", with_web)):
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"  {name:13} {statistics.median(walls):5.2f} s ({min(walls):.2f}-{max(walls):.2f}), "
              f"processor {statistics.median(cpus):.2f} s")
    wall = statistics.median(w for w, _ in with_web) - statistics.median(w for w, _ in without)
    cpu = statistics.median(c for _, c in with_web) - statistics.median(c for _, c in without)
    pairs = sorted(w - o for (w, _), (o, _) in zip(with_web, without))   # round by round: less of the drift
    print(f"  web/ adds     {wall:+.2f} s, processor {cpu:+.2f} s  ({files} files, {size / 1e6:.1f} MB)")
    print(f"  round by round, with - without: median {statistics.median(pairs):+.2f} s "
          f"({pairs[0]:+.2f} to {pairs[-1]:+.2f})")
    print(f"`layout site` over that site: {statistics.median(site_times):.2f} s (median of 3, a fresh process "
          f"each); search index {index_files} parts, {index_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

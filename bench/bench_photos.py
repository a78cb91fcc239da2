"""Photo separation of the benchmark edition alone: the press's own code, on one thread and on the pool.

Takes: nothing (optional --edition DIR). Returns: prints, for the 40 photos at their printed size
and crop, the seconds and the bytes of `render/colour`'s separation (crop, Lanczos to 200 ppi,
littleCMS to CMYK, ink limit, JPEG checked against the limit), one photo after another and on the
worker threads `layout build` uses, and the same with `print.image_compression: lossless`; then
the seconds per step of the JPEG path. Run with `python bench/bench_photos.py`.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout import pipeline  # noqa: E402
from layout.diagnostics import Report  # noqa: E402
from layout.page.frames import Image  # noqa: E402
from layout.render import colour  # noqa: E402
from layout.render.pdf import _into_bleed  # noqa: E402


def photo_jobs(manifest: Path) -> list[tuple]:
    """(path, crop, width pt, height pt) of every photo as the PDF places it."""
    edition = pipeline.prepare(manifest, Report())
    jobs = []
    for frame in edition.frames:
        for item in frame.items:
            if isinstance(item, Image):
                _x, _y, w, h, crop = _into_bleed(item, frame)
                jobs.append((item.path, crop, w, h))
    return jobs


def run(jobs, settings: colour.PrintSettings, threads: bool) -> tuple[float, int]:
    colour._cache.clear()
    t = time.perf_counter()
    if threads:
        for job in jobs:
            colour.prefetch_image(*job, settings)
    size = sum(len(colour.press_image(*job, settings).data) for job in jobs)
    return time.perf_counter() - t, size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edition", type=Path, default=Path(__file__).resolve().parent / "edition")
    args = ap.parse_args(argv)
    jobs = photo_jobs(args.edition / "issue.yaml")
    jpeg = colour.PrintSettings()
    lossless = replace(jpeg, image_compression="lossless")
    print(f"{len(jobs)} photos")
    for label, settings, threads in (("JPEG, one after another", jpeg, False), ("JPEG, worker threads", jpeg, True),
                                     ("lossless, one after another", lossless, False),
                                     ("lossless, worker threads", lossless, True)):
        seconds, size = run(jobs, settings, threads)
        print(f"{label:32s} {seconds:6.2f} s {size / 1e6:7.1f} MB", flush=True)
    colour._cache.clear()
    prof = cProfile.Profile()
    prof.enable()
    for job in jobs:
        colour.press_image(*job, jpeg)
    prof.disable()
    print("\nwhere the JPEG path's time goes (one thread):")
    pstats.Stats(prof).sort_stats("tottime").print_stats(8)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Photo separation of the benchmark edition alone: the press's own code, on one thread, threads or processes.

Takes: nothing (optional --edition DIR). Returns: prints, for the 40 photos at their printed size
and crop, the seconds and the bytes of `render/colour`'s separation (crop, bicubic to 200 ppi,
littleCMS to CMYK, ink limit, JPEG checked against the limit): one photo after another, ahead on
worker threads (as a build without worker processes, the preview), ahead in the two worker
processes `layout build` starts (the waiting thread separating the last queued photos), and the
same with `print.image_compression: lossless`; then the processor seconds of each step of the JPEG
path (`stage_split`) and its profile. Every run starts with an empty photo cache.
Run with `python bench/bench_photos.py`.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
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


def run(jobs, settings: colour.PrintSettings, workers: str) -> tuple[float, int]:
    """Separate every photo with an empty photo cache (a fresh cache folder each time): one after
    another on this thread (`workers=""`), ahead on threads, or ahead in the worker processes."""
    colour._cache.clear()
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bench-photos-")
    if workers == "processes":
        pipeline.start_workers()
        pipeline._pool.submit(os.getpid).result()   # the processes are up before the clock starts
    t = time.perf_counter()
    try:
        if workers:
            for job in jobs:
                colour.prefetch_image(*job, settings)
        size = sum(len(colour.press_image(*job, settings).data) for job in jobs)
    finally:
        pipeline.stop_workers()
    return time.perf_counter() - t, size


def stage_split(jobs, settings: colour.PrintSettings) -> dict[str, float]:
    """Processor seconds of each step of the JPEG path over every photo, on this thread (what
    docs/performance.md tabulates): decoding with the resampling, littleCMS, the ink limit with
    the JPEG and its check; and the pixels that reach littleCMS."""
    import numpy as np
    from PIL import Image as PILImage
    from PIL import ImageCms

    split = dict.fromkeys(("decode + resample", "littleCMS", "ink limit + JPEG + check", "megapixels"), 0.0)
    colour._transform(b"", str(settings.profile))   # built once per process, outside the steps
    for path, crop, w, h in jobs:
        t0 = time.process_time()
        with PILImage.open(path) as src:
            im = colour._resampled(src, crop, w, h, settings)
            im.load()
        t1 = time.process_time()
        cmyk = ImageCms.applyTransform(im, colour._transform(b"", str(settings.profile))) if im.mode == "RGB" else im
        t2 = time.process_time()
        colour._encode(np.asarray(cmyk, dtype=np.uint8), "DeviceCMYK" if cmyk.mode == "CMYK" else "DeviceGray",
                       settings)
        t3 = time.process_time()
        for step, seconds in zip(split, (t1 - t0, t2 - t1, t3 - t2)):
            split[step] += seconds
        split["megapixels"] += im.size[0] * im.size[1] / 1e6
    return split


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edition", type=Path, default=Path(__file__).resolve().parent / "edition")
    args = ap.parse_args(argv)
    jobs = photo_jobs(args.edition / "issue.yaml")
    jpeg = colour.PrintSettings()
    lossless = replace(jpeg, image_compression="lossless")
    print(f"{len(jobs)} photos")
    for label, settings, workers in (("JPEG, one after another", jpeg, ""), ("JPEG, worker threads", jpeg, "threads"),
                                     ("JPEG, worker processes", jpeg, "processes"),
                                     ("lossless, one after another", lossless, ""),
                                     ("lossless, worker processes", lossless, "processes")):
        seconds, size = run(jobs, settings, workers)
        print(f"{label:32s} {seconds:6.2f} s {size / 1e6:7.1f} MB", flush=True)
    print("\nthe JPEG path step by step (one thread, processor time):")
    for step, value in stage_split(jobs, jpeg).items():
        print(f"  {step:26s} {value:6.2f}{'' if step == 'megapixels' else ' s'}")
    colour._cache.clear()
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bench-photos-")
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

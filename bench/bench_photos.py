"""Photo separation of the benchmark edition, as the PDF does it today and in the proposed variants.

Takes: nothing (optional --edition DIR). Returns: prints, for the 40 photos at their printed
size and crop, the seconds and the bytes of: today's steps (`render/colour._press_image`:
crop, Lanczos to 200 ppi, littleCMS to CMYK, ink limit, Flate level 6), Flate level 1, DCT
(JPEG) instead of Flate, an ink limit that touches only the pixels over it, and the photos on
two threads. The figures in docs/performance.md ("What would close the gap") come from here.
It repeats the steps of `_press_image` (not its cache), so keep it in step with that function.
Run with `python bench/bench_photos.py`.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL import ImageCms

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout import pipeline  # noqa: E402
from layout.diagnostics import Report  # noqa: E402
from layout.page.frames import Image  # noqa: E402
from layout.render import colour  # noqa: E402
from layout.render.pdf import _into_bleed  # noqa: E402


def photo_jobs(manifest: Path) -> list[tuple]:
    """(path, crop, width pt, height pt) of every photo as the PDF places it."""
    edition = pipeline.prepare(manifest, Report())
    return [(item.path, *_into_bleed(item, frame)[4:], *_into_bleed(item, frame)[2:4])
            for frame in edition.frames for item in frame.items if isinstance(item, Image)]


def limit_ink_over_only(cmyk: np.ndarray, units: int) -> np.ndarray:
    """`colour.limit_ink`'s result, computed on the pixels over the limit only."""
    flat = cmyk.reshape(-1, 4)
    total = flat[:, 0].astype(np.uint16) + flat[:, 1] + flat[:, 2] + flat[:, 3]
    over = np.flatnonzero(total > units)
    if not over.size:
        return cmyk
    out = flat.copy()
    out[over] = colour.limit_ink(flat[over], units)
    return out.reshape(cmyk.shape)


def separate(job, settings: colour.PrintSettings, encoding: str, fast_ink: bool) -> int:
    path, crop, w_pt, h_pt = job
    with PILImage.open(path) as src:
        im = src.crop(crop)
        im.load()
    if im.width / (w_pt / 72) > settings.max_ppi:
        size = (max(1, round(w_pt / 72 * settings.image_ppi)), max(1, round(h_pt / 72 * settings.image_ppi)))
        im = im.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    cmyk = np.asarray(ImageCms.applyTransform(im, colour._transform(b"", str(settings.profile))), dtype=np.uint8)
    pixels = np.ascontiguousarray((limit_ink_over_only if fast_ink else colour.limit_ink)(cmyk, settings.ink_units))
    raw = pixels.tobytes()
    if encoding == "dct":
        buf = io.BytesIO()
        PILImage.fromarray(pixels, "CMYK").save(buf, "JPEG", quality=92)
        data = buf.getvalue()
    else:
        data = zlib.compress(raw, 6 if encoding == "flate6" else 1)
    hashlib.sha256(raw).hexdigest()
    colour.max_ink_percent(pixels, "DeviceCMYK")
    return len(data)


VARIANTS = (
    ("today: Flate level 6", "flate6", False, 1),
    ("Flate level 1", "flate1", False, 1),
    ("DCT (JPEG q92)", "dct", False, 1),
    ("DCT + ink limit on the pixels over it", "dct", True, 1),
    ("DCT + that ink limit, 2 threads", "dct", True, 2),
    ("Flate 1 + that ink limit, 2 threads", "flate1", True, 2),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edition", type=Path, default=Path(__file__).resolve().parent / "edition")
    args = ap.parse_args(argv)
    jobs = photo_jobs(args.edition / "issue.yaml")
    settings = colour.PrintSettings()
    print(f"{len(jobs)} photos")
    for label, encoding, fast_ink, threads in VARIANTS:
        t = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            size = sum(pool.map(lambda job: separate(job, settings, encoding, fast_ink), jobs))
        print(f"{label:42s} {time.perf_counter() - t:6.2f} s {size / 1e6:7.1f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

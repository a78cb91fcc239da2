"""Advertisement sources: an image as it is, or a one-page PDF rendered to an image.

`ad_image(path)` takes the ad's file and returns the path of an image to
place: JPEG/PNG unchanged; a PDF's first page rendered at 300 ppi with
pypdfium2 into the user's cache (keyed by the PDF's content hash, written
atomically, so concurrent builds share it safely).
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from layout.util import cache_root, write_atomic

AD_PPI = 300


def cache_dir() -> Path:
    return cache_root() / "ads"


def ad_image(path: Path) -> Path:
    if path.suffix.lower() != ".pdf":
        return path
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    target = cache_dir() / f"{digest}-{AD_PPI}.png"
    if target.is_file():
        return target
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        bitmap = pdf[0].render(scale=AD_PPI / 72)
        image = bitmap.to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG", optimize=False)
    write_atomic(target, buf.getvalue())
    return target

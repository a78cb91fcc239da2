"""Photos the right way up: the EXIF orientation a camera or phone records.

A phone photo is often stored sideways with an EXIF Orientation tag (values
2-8) saying how to turn it for viewing. Everything that measures or draws a
photo asks here: `upright_size(im)` is the size as seen, `upright(im)` the
pixels turned (and loaded), `is_turned(im)` whether there is anything to do.
"""
from __future__ import annotations

from PIL import Image, ImageOps

_ORIENTATION = 0x0112
#: Orientations that swap width and height (a quarter turn, with or without a mirror).
_SWAPPED = {5, 6, 7, 8}


def orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - damaged EXIF: take the pixels as stored
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def is_turned(im: Image.Image) -> bool:
    return orientation(im) != 1


def upright_size(im: Image.Image) -> tuple[int, int]:
    w, h = im.size
    return (h, w) if orientation(im) in _SWAPPED else (w, h)


def upright(im: Image.Image) -> Image.Image:
    """The pixels as the photo is meant to be seen (loaded; the same image when not turned)."""
    if not is_turned(im):
        return im
    return ImageOps.exif_transpose(im)

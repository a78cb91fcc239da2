"""Photos the right way up: the EXIF orientation a camera or phone records.

A phone photo is often stored sideways with an EXIF Orientation tag (values
2-8) saying how to turn it for viewing. Everything that measures or draws a
photo asks here: `upright_size(im)` is the size as seen, `upright(im)` the
pixels turned (and loaded), `is_turned(im)` whether there is anything to do.
`exif_damaged(im)` says whether the EXIF block was damaged (what Pillow
would have warned about on the terminal is caught here: the tags it could read
are used, the rest is left out).

Importing this module also makes Pillow read a PNG whose text chunks (tEXt,
zTXt, iTXt: captions, XMP, editing history) pass Pillow's limits
(`PngImagePlugin.MAX_TEXT_CHUNK`, `MAX_TEXT_MEMORY`, set against decompression
bombs): the oversized text is skipped, still never decompressed past the limit,
and the image reads as it is. Text is metadata; nothing of it is printed.
"""
from __future__ import annotations

import threading
import warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, PngImagePlugin

_ORIENTATION = 0x0112
#: Orientations that swap width and height (a quarter turn, with or without a mirror).
_SWAPPED = {5, 6, 7, 8}
#: Where an image keeps what `_exif` found: (orientation, damaged).
_READ = "layout-exif"
#: Pillow's warnings are caught with `warnings.catch_warnings`, which swaps process-wide state:
#: one thread at a time.
_LOCK = threading.Lock()


def _exif(im: Image.Image) -> tuple[int, bool]:
    """(orientation 1-8, whether the EXIF was damaged), read once per opened image. The raw EXIF
    block is read again into a fresh `Exif`, since Pillow may have read it (and warned) already
    when the file was opened (a JPEG's resolution)."""
    if _READ in im.info:
        return im.info[_READ]
    damaged = False
    with _LOCK, warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        try:
            value = im.getexif().get(_ORIENTATION, 1)
            raw = im.info.get("exif")
            if isinstance(raw, bytes) and raw:
                Image.Exif().load(raw)
        except Exception:  # noqa: BLE001 - damaged EXIF: take the pixels as stored
            value, damaged = 1, True
    damaged = damaged or any(Path(w.filename).parent.name == "PIL" for w in heard)
    value = value if isinstance(value, int) and 1 <= value <= 8 else 1
    im.info[_READ] = (value, damaged)
    return value, damaged


def orientation(im: Image.Image) -> int:
    return _exif(im)[0]


def exif_damaged(im: Image.Image) -> bool:
    """Whether the photo's EXIF block is damaged (Pillow skipped tags it could not read)."""
    return _exif(im)[1]


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


#: Modes `Image.reduce` averages as they are (no palette, no alpha to weigh).
_REDUCIBLE = ("L", "RGB", "CMYK")


def reduced_crop(src: Image.Image, box: tuple[int, int, int, int], size: tuple[int, int],
                 resample=Image.Resampling.BICUBIC, gap: float = 3.0) -> Image.Image | None:
    """The `box` of `src` resampled to `size`, pixel for pixel as `src.crop(box).resize(size,
    resample, reducing_gap=gap)` makes it, without the full-size copy of the crop: the box is
    first averaged down by the whole factor (`Image.reduce`) while the source is decoded, so that
    after the one unavoidable decode of the file only print-size pixels are held. None for a mode
    `reduce` does not take as it is (palette, alpha: flattened first) or when nothing is saved."""
    cw, ch = box[2] - box[0], box[3] - box[1]
    factor = (int(cw / size[0] / gap) or 1, int(ch / size[1] / gap) or 1)
    if src.mode not in _REDUCIBLE or factor == (1, 1):
        return None
    small = src.reduce(factor, box=box)
    return small.resize(size, resample, box=(0, 0, cw / factor[0], ch / factor[1]))


class _PngTextWithinLimits(PngImagePlugin.PngStream):
    """Pillow's PNG chunk reader, except that a text chunk over Pillow's limits is skipped (its bytes
    read, so that its checksum is checked as Pillow checks it) instead of failing the whole image."""

    def _text(self, read, pos: int, length: int) -> bytes:
        start = self.fp.tell()
        try:
            return read(pos, length)
        except ValueError:   # "Decompressed data too large", "Too much memory used in text chunks"
            self.fp.seek(start)
            return ImageFile._safe_read(self.fp, length)

    def chunk_tEXt(self, pos: int, length: int) -> bytes:  # noqa: N802 (Pillow's naming)
        return self._text(super().chunk_tEXt, pos, length)

    def chunk_zTXt(self, pos: int, length: int) -> bytes:  # noqa: N802
        return self._text(super().chunk_zTXt, pos, length)

    def chunk_iTXt(self, pos: int, length: int) -> bytes:  # noqa: N802
        return self._text(super().chunk_iTXt, pos, length)


PngImagePlugin.PngStream = _PngTextWithinLimits

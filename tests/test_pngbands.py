"""Page images re-encoded band by band (layout/render/pngbands.py): the PNG holds exactly the
image's pixels, whatever was encoded before; an edit re-compresses only the bands it touched."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image as PILImage

from layout.render.pngbands import BAND_ROWS, BandedPng


def _page(width: int = 301, height: int = 7 * BAND_ROWS + 5) -> np.ndarray:
    """Paper white with a grey column of 'text' and a coloured 'photo' (odd sizes: a last band
    shorter than the others, rows of an odd number of bytes)."""
    rng = np.random.default_rng(7)
    a = np.full((height, width, 3), 255, np.uint8)
    a[10:height - 10, 20:140][rng.random((height - 20, 120)) < 0.3] = (30, 30, 30)
    a[40:120, 160:290] = rng.integers(0, 256, (80, 130, 3), dtype=np.uint8)
    return a


def _pixels(png: bytes) -> np.ndarray:
    with PILImage.open(io.BytesIO(png)) as im:
        assert im.format == "PNG" and im.mode == "RGB"
        return np.asarray(im.convert("RGB"))


def test_the_png_holds_the_image_and_an_edit_recompresses_only_its_bands():
    page = _page()
    encoder = BandedPng()
    first = encoder.encode(PILImage.fromarray(page))
    assert np.array_equal(_pixels(first), page)
    bands = -(-page.shape[0] // BAND_ROWS)
    assert encoder.compressed == bands
    assert encoder.encode(PILImage.fromarray(page)) == first and encoder.compressed == 0

    edited = page.copy()
    edited[BAND_ROWS * 3 + 4:BAND_ROWS * 3 + 12, 30:100] = (200, 0, 0)   # a headline changed, inside band 3
    again = encoder.encode(PILImage.fromarray(edited))
    assert encoder.compressed == 1
    assert np.array_equal(_pixels(again), edited)
    assert again == BandedPng().encode(PILImage.fromarray(edited))   # the same bytes as from scratch


@pytest.mark.parametrize("mode", ["L", "RGBA"])
def test_other_modes_are_encoded_as_rgb(mode):
    image = PILImage.fromarray(_page()).convert(mode)
    assert np.array_equal(_pixels(BandedPng().encode(image)), np.asarray(image.convert("RGB")))

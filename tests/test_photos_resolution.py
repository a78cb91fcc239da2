"""Photos as the plate gets them: how sharp they stay after separation, and that the faster
separation prints the same pixels. A photo sharper than 1.25x the style's `image_ppi` is taken
down to `image_ppi` (never below it); one nearer the target keeps its own pixels."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageCms

from layout.diagnostics import Report
from layout.render.colour import (DEFAULT_PROFILE, PrintSettings, _transform, load_print_settings,
                                  press_image)


@pytest.fixture(scope="module")
def street_photo(tmp_path_factory):
    """A 1,120 x 700 px RGB JPEG with detail in every part (a gradient under noise), no ICC profile."""
    rng = np.random.default_rng(19)
    y, x = np.mgrid[0:700, 0:1120]
    base = np.stack([x * 255 // 1119, y * 255 // 699, (x + y) * 255 // 1818], axis=-1)
    pixels = np.clip(base + rng.integers(-40, 41, size=base.shape), 0, 255).astype(np.uint8)
    path = tmp_path_factory.mktemp("photos") / "street.jpg"
    PILImage.fromarray(pixels, "RGB").save(path, quality=92)
    return path


def _printed_ppi(img, w_pt: float) -> float:
    return img.width / (w_pt / 72)


def test_a_photo_a_little_too_sharp_is_taken_down_to_the_target(street_photo):
    """1,120 px across 4 inches is 280 ppi: more than the newsprint screen prints, so it goes to
    200 ppi (800 px); the printed size and the crop are the same."""
    w_pt, h_pt = 4 * 72.0, 2.5 * 72.0
    img = press_image(street_photo, (0, 0, 1120, 700), w_pt, h_pt, PrintSettings())
    assert (img.width, img.height) == (800, 500)
    assert _printed_ppi(img, w_pt) == pytest.approx(200)
    assert img.max_ink <= 240


def test_a_photo_near_the_target_keeps_its_pixels(street_photo):
    """1,120 px across 4.8 inches is 233 ppi: within 1.25x of 200 ppi, every pixel is kept."""
    w_pt, h_pt = 4.8 * 72.0, 3.0 * 72.0
    img = press_image(street_photo, (0, 0, 1120, 700), w_pt, h_pt, PrintSettings())
    assert (img.width, img.height) == (1120, 700)


def test_a_photo_is_never_taken_below_the_styles_target(street_photo):
    """Whatever the style's image_ppi, a resampled photo prints at no less than it."""
    for image_ppi in (150, 180, 200, 220):
        settings = PrintSettings(image_ppi=float(image_ppi), max_ppi=image_ppi * 1.25)
        for inches in (2.0, 3.0, 4.0):
            img = press_image(street_photo, (0, 0, 1120, 700), inches * 72, inches * 72 * 0.625, settings)
            assert _printed_ppi(img, inches * 72) >= image_ppi - 0.5, (image_ppi, inches, img.width)


def test_the_resampling_threshold_follows_the_styles_target(tmp_path):
    """A style that gives image_ppi alone resamples above 1.25x it; one that gives max_ppi keeps it;
    a target above the old fixed 300 ppi threshold is no error."""
    style = tmp_path / "paper.yaml"
    cases = {"  image_ppi: 180\n": (180, 225), "  image_ppi: 180\n  max_ppi: 400\n": (180, 400),
             "  image_ppi: 320\n": (320, 400), "  ink_limit: 220\n": (200, 250)}
    for body, (target, threshold) in cases.items():
        style.write_text("name: paper\nprint:\n" + body, encoding="utf-8")
        report = Report()
        s = load_print_settings(style, report)
        assert (s.image_ppi, s.max_ppi) == (target, threshold) and not report.items, body
    assert (PrintSettings().image_ppi, PrintSettings().max_ppi) == (200, 250)


def test_the_transform_without_its_pixel_cache_prints_the_same_pixels(street_photo):
    """The press's transform (built without littleCMS's one-pixel cache, for speed) gives every
    pixel exactly as the transform with it does."""
    with PILImage.open(street_photo) as im:
        im.load()
        ours = ImageCms.applyTransform(im, _transform(b"", str(DEFAULT_PROFILE)))
        plain = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(DEFAULT_PROFILE)),
                                        "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL)
        assert ours.tobytes() == ImageCms.applyTransform(im, plain).tobytes()


def test_a_photo_held_by_a_stalled_worker_is_separated_here(street_photo, tmp_path, monkeypatch, caplog):
    """A worker that gets no processor (a busy machine, a background priority) does not hold the
    build: the thread that needs the photo separates it itself after a short wait, with the same
    bytes; when the worker ends after all, nothing is reported twice or raised."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from layout.render import colour

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    colour._cache.clear()
    release = threading.Event()
    stalled = ThreadPoolExecutor(max_workers=1)
    stalled.submit(release.wait)                  # its only worker is busy until released
    colour.separate_in(stalled)
    try:
        job = (street_photo, (0, 0, 1120, 700), 288.0, 180.0, PrintSettings())
        colour.prefetch_image(*job)               # handed to the stalled worker
        got: list = []
        waiter = threading.Thread(target=lambda: got.append(colour.press_image(*job)), daemon=True)
        waiter.start()
        waiter.join(timeout=30)
        assert got, "press_image waited for a worker that never ran"
        assert got[0].data == colour._press(street_photo, job[1], job[2], job[3], job[4]).data
    finally:
        release.set()
        stalled.shutdown(wait=True)
        colour.separate_in(None)
        colour._cache.clear()
    assert not [r for r in caplog.records if "callback" in r.getMessage()]

"""Drawing helpers shared by the sample editions' image scripts (make_sample_images.py,
make_broadsheet_images.py): colour mixing, gradients, glows and a photographic finish
(vignette, grain, softness). Deterministic: randomness comes only from the rng passed in."""
from __future__ import annotations

import random
from typing import Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter

RGB = tuple[int, int, int]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear interpolation between two colours, t in [0, 1]."""
    t = max(0.0, min(1.0, t))
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def vgradient(draw: ImageDraw.ImageDraw, box: Sequence[float], stops: Sequence[tuple[float, RGB]]) -> None:
    """Fill box (x0, y0, x1, y1) with a vertical gradient through colour stops."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    h = max(1, y1 - y0)
    for y in range(y0, y1):
        t = (y - y0) / h
        for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
            if t0 <= t <= t1:
                draw.line([(x0, y), (x1 - 1, y)], fill=mix(c0, c1, (t - t0) / max(1e-9, t1 - t0)))
                break


def glow(img: Image.Image, centre: tuple[float, float], radius: float, colour: RGB, strength: float = 0.8) -> Image.Image:
    """Add a soft radial light (screen blend) around centre."""
    layer = Image.new("RGB", img.size, (0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    steps = 24
    for i in range(steps, 0, -1):
        r = radius * i / steps
        c = mix((0, 0, 0), colour, strength * (1 - i / steps) ** 1.5)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=c)
    return ImageChops.screen(img, layer.filter(ImageFilter.GaussianBlur(radius / 10)))


def finish(img: Image.Image, rng: random.Random, grain: int = 14, blur: float = 1.2, vignette: float = 0.35) -> Image.Image:
    """Soften, darken the corners and add monochrome grain from the seeded RNG."""
    img = img.filter(ImageFilter.GaussianBlur(blur))
    w, h = img.size
    mask = Image.new("L", (w // 8, h // 8), 0)
    ImageDraw.Draw(mask).ellipse([-w // 40, -h // 40, w // 8 + w // 40, h // 8 + h // 40], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(w // 60)).resize((w, h), Image.Resampling.BILINEAR)
    floor = round(255 * (1 - vignette))
    mask = mask.point(lambda v: floor + v * (255 - floor) // 255)
    img = ImageChops.multiply(img, Image.merge("RGB", (mask, mask, mask)))
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    noise = noise.point(lambda v: 128 + (v - 128) * grain // 128)
    return ImageChops.overlay(img, Image.merge("RGB", (noise, noise, noise)))

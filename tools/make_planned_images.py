#!/usr/bin/env python3
"""Draw the advertisement of the planned sample edition (issues/2026-12-05-planned/).

Takes no input; writes ``images/ad-gas.png`` into that edition's folder (or into the folder
given as the first argument): a gas company's winter-safety notice, shaped like the region it
is booked into (5 tabloid columns x 28 lines = 639 x 322 pt). The edition's photos are the
other samples' drawings (tools/make_sample_images.py, tools/make_broadsheet_images.py), copied.
Same output on every run (for a given Pillow build).

    python tools/make_planned_images.py [OUTDIR]
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_broadsheet_images import font, text_centre, text_left  # noqa: E402  (the ads' text helpers)
from sketch import vgradient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AD_SIZE = (2400, 1210)


def ad_gas(rng: random.Random) -> Image.Image:
    """Blue flame, a checklist of four habits and the emergency number, on a warm cream ground."""
    w, h = AD_SIZE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, h), [(0, (255, 248, 236)), (1, (250, 230, 206))])
    navy, orange, flame = (18, 52, 110), (232, 104, 24), (40, 120, 230)
    d.rectangle([0, 0, w, 110], fill=navy)
    text_left(d, 70, 22, "桐溪燃气", font("sans-bold.ttf", 64), (255, 255, 255))
    text_left(d, w - 700, 28, "安全用气  温暖过冬", font("sans-bold.ttf", 58), (255, 220, 150))
    for k in range(3):  # the flame: three nested teardrops
        s = 1 - k * 0.28
        cx, base = 330, 720
        d.ellipse([cx - 150 * s, base - 300 * s, cx + 150 * s, base], fill=(flame, (90, 170, 250), (200, 236, 255))[k])
        d.polygon([(cx - 130 * s, base - 190 * s), (cx + 130 * s, base - 190 * s), (cx, base - 560 * s)],
                  fill=(flame, (90, 170, 250), (200, 236, 255))[k])
    d.rounded_rectangle([150, 740, 510, 800], radius=20, fill=(120, 120, 130))
    text_centre(d, 1400, 170, "冬季用气  四个记住", font("serif-bold.ttf", 150), navy, spacing=8)
    tips = ["用气时人不离开，关火后关好阀门", "灶具软管一年一换，发现老化及时更换",
            "室内保持通风，热水器不装在浴室", "闻到异味不开关电器，开窗后到户外报警"]
    for i, tip in enumerate(tips):
        y = 420 + i * 130
        d.ellipse([700, y, 790, y + 90], fill=orange)
        text_centre(d, 745, y + 8, str(i + 1), font("sans-bold.ttf", 66), (255, 255, 255))
        text_left(d, 830, y + 8, tip, font("sans-bold.ttf", 66), (40, 40, 50))
    for _ in range(30):  # a few snowflakes in the margins
        x, y, r = rng.randint(40, w - 40), rng.randint(140, 980), rng.randint(5, 12)
        if 600 < x < 2300 and 380 < y < 960:
            continue
        d.line([(x - r, y), (x + r, y)], fill=(170, 200, 236), width=3)
        d.line([(x, y - r), (x, y + r)], fill=(170, 200, 236), width=3)
    d.rectangle([0, 1010, w, h], fill=navy)
    text_left(d, 70, 1040, "24小时抢修热线 0000-96777", font("sans-bold.ttf", 72), (255, 220, 150))
    text_left(d, 1340, 1056, "免费上门安检  预约请拨客服电话", font("sans-bold.ttf", 52), (255, 255, 255))
    return img


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "issues" / "2026-12-05-planned" / "images"
    out.mkdir(parents=True, exist_ok=True)
    ad_gas(random.Random(20261205)).save(out / "ad-gas.png", optimize=True)
    print(out / "ad-gas.png")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Draw the synthetic "photos" of the sample edition issues/2026-11-27.

Takes no input; writes six JPEG files (baseline, quality 85) into
``issues/2026-11-27/images/`` next to this repository's ``tools/`` folder, or
into the folder given as the first argument.  Every picture is built from
simple shapes, gradients and a little film grain drawn from a seeded RNG, so
the output is byte-for-byte the same on every run (for a given Pillow build).

    python tools/make_sample_images.py [OUTDIR]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sketch import finish, glow, mix, vgradient  # noqa: E402  (drawing helpers shared by both scripts)

LANDSCAPE = (1800, 1200)
PORTRAIT = (1200, 1600)
RGB = tuple[int, int, int]


# ----------------------------------------------------------------- helpers

def person(draw: ImageDraw.ImageDraw, x: float, y: float, scale: float, shirt: RGB,
           skin: RGB = (214, 172, 140), hair: RGB = (30, 26, 24), seated: bool = False) -> None:
    """A simple figure: head, hair and a rounded torso; (x, y) is the top of the head."""
    hw = 22 * scale
    draw.ellipse([x - hw, y, x + hw, y + 2.3 * hw], fill=skin)
    draw.chord([x - hw - 1, y - 2, x + hw + 1, y + 1.6 * hw], 180, 360, fill=hair)
    top = y + 2.3 * hw + 2 * scale
    body_h = (70 if seated else 150) * scale
    draw.rounded_rectangle([x - 2.1 * hw, top, x + 2.1 * hw, top + body_h], radius=int(16 * scale), fill=shirt)
    if not seated:
        legw = 0.8 * hw
        draw.rectangle([x - 1.6 * hw, top + body_h - 4, x - 1.6 * hw + legw * 1.6, top + body_h + 120 * scale],
                       fill=mix(shirt, (20, 20, 30), 0.6))
        draw.rectangle([x + 1.6 * hw - legw * 1.6, top + body_h - 4, x + 1.6 * hw, top + body_h + 120 * scale],
                       fill=mix(shirt, (20, 20, 30), 0.6))


def meeting(rng: random.Random) -> Image.Image:
    """A meeting room: screen at the back, a long table in perspective, people on both sides."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 560), [(0, (206, 200, 188)), (1, (176, 168, 154))])
    vgradient(d, (0, 560, w, h), [(0, (120, 62, 50)), (1, (88, 40, 34))])  # red carpet
    d.rectangle([0, 540, w, 566], fill=(110, 86, 60))  # skirting
    for x in range(0, w, 120):  # wall panels
        d.line([(x, 0), (x, 540)], fill=(190, 184, 170), width=3)
    d.rectangle([600, 110, 1200, 430], fill=(40, 70, 140))  # projection screen
    d.rectangle([620, 130, 1180, 170], fill=(225, 230, 240))  # banner text bar
    for i in range(6):
        d.rectangle([640 + i * 90, 210, 700 + i * 90, 400 - i * 20], fill=(90, 140, 210))  # a bar chart
    for x in (300, 900, 1500):  # ceiling lights
        img = glow(img, (x, 20), 260, (255, 244, 214), 0.5)
    d = ImageDraw.Draw(img)
    # table: trapezoid from the back (narrow) to the front (wide)
    d.polygon([(820, 520), (980, 520), (1420, h), (380, h)], fill=(92, 60, 38))
    d.polygon([(835, 520), (965, 520), (1330, h), (470, h)], fill=(214, 210, 196))  # white cloth runner
    rows = 7
    for i in range(rows):
        t = i / (rows - 1)
        y = 470 + t * 560
        s = 0.55 + t * 1.1
        left_x = 800 - t * 470
        right_x = 1000 + t * 470
        for side, x in ((-1, left_x), (1, right_x)):
            shirt = rng.choice([(34, 40, 58), (46, 52, 66), (232, 232, 228), (60, 64, 80)])
            person(d, x + side * 40 * s, y - 80 * s, s, shirt, seated=True)
        # name cards and cups on the table edge
        cx = 830 - t * 380
        d.rectangle([cx, y + 10 * s, cx + 40 * s, y + 30 * s], fill=(250, 250, 245))
        d.ellipse([1800 - cx - 40 * s, y + 8 * s, 1800 - cx - 16 * s, y + 32 * s], fill=(245, 245, 240))
    return finish(img, rng)


def riverside(rng: random.Random) -> Image.Image:
    """A riverside at dusk: warm sky, low sun, far skyline, water with reflections, lamps."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 640), [(0, (44, 40, 92)), (0.55, (196, 104, 96)), (1, (252, 182, 104))])
    img = glow(img, (1240, 600), 330, (255, 210, 140), 0.9)
    d = ImageDraw.Draw(img)
    x = 0
    while x < w:  # skyline
        bw = rng.randint(40, 130)
        bh = rng.randint(60, 300)
        d.rectangle([x, 640 - bh, x + bw, 640], fill=(48, 38, 64))
        for wy in range(640 - bh + 16, 630, 26):  # lit windows
            for wx in range(x + 8, x + bw - 10, 18):
                if rng.random() < 0.25:
                    d.rectangle([wx, wy, wx + 6, wy + 10], fill=(250, 214, 140))
        x += bw + rng.randint(0, 14)
    vgradient(d, (0, 640, w, 1000), [(0, (150, 96, 104)), (1, (40, 40, 70))])  # river
    for _ in range(260):  # ripples and the sun's glitter path
        y = rng.randint(650, 990)
        cx = 1240 + rng.gauss(0, 40 + (y - 640) * 0.4)
        ln = rng.randint(20, 90)
        d.line([(cx - ln, y), (cx + ln, y)], fill=(250, 200, 140), width=2)
    for _ in range(200):
        y = rng.randint(650, 990)
        cx = rng.randint(0, w)
        d.line([(cx, y), (cx + rng.randint(20, 70), y)], fill=(120, 90, 120), width=2)
    vgradient(d, (0, 1000, w, h), [(0, (70, 66, 70)), (1, (36, 34, 38))])  # embankment walk
    d.rectangle([0, 990, w, 1004], fill=(30, 28, 34))  # railing
    for x in range(0, w, 40):
        d.line([(x, 940), (x, 1000)], fill=(30, 28, 34), width=5)
    d.line([(0, 940), (w, 940)], fill=(30, 28, 34), width=7)
    for x in range(140, w, 420):  # lamp posts
        d.rectangle([x - 6, 720, x + 6, 1000], fill=(26, 24, 30))
        d.ellipse([x - 22, 700, x + 22, 744], fill=(255, 236, 190))
        img = glow(img, (x, 722), 120, (255, 220, 150), 0.7)
        d = ImageDraw.Draw(img)
    person(d, 610, 930, 0.6, (60, 60, 90))
    person(d, 660, 936, 0.55, (150, 60, 70))
    return finish(img, rng, grain=18)


def factory(rng: random.Random) -> Image.Image:
    """A factory floor: roof trusses, skylights, a row of machines with robot arms, workers."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 600), [(0, (150, 160, 170)), (1, (196, 204, 210))])
    vgradient(d, (0, 600, w, h), [(0, (120, 134, 128)), (1, (70, 88, 82))])  # epoxy floor
    for x in range(-200, w + 200, 150):  # roof trusses in perspective
        d.line([(x, 0), (900 + (x - 900) * 0.35, 330)], fill=(110, 116, 124), width=6)
    for y in (60, 150, 240):
        d.line([(0, y), (w, y)], fill=(120, 126, 134), width=5)
    for i in range(5):  # skylights
        x = 220 + i * 300
        d.polygon([(x, 40), (x + 200, 40), (x + 160, 120), (x + 40, 120)], fill=(236, 242, 246))
    for side in (-1, 1):  # yellow walkway lines converging to the back
        d.line([(900 + side * 60, 600), (900 + side * 700, h)], fill=(236, 196, 40), width=14)
    for i in range(6):  # machines along both sides
        t = i / 5
        s = 1.25 - t * 0.8
        for side in (-1, 1):
            cx = 900 + side * (780 - t * 560)
            base = 1020 - t * 400
            mw, mh = 260 * s, 220 * s
            d.rectangle([cx - mw / 2, base - mh, cx + mw / 2, base], fill=(218, 222, 226))
            d.rectangle([cx - mw / 2, base - mh, cx + mw / 2, base - mh + 26 * s], fill=(40, 110, 180))
            d.rectangle([cx - mw / 3, base - mh * 0.7, cx + mw / 6, base - mh * 0.3], fill=(40, 48, 60))  # window
            d.rectangle([cx + mw / 4, base - mh * 0.65, cx + mw * 0.4, base - mh * 0.5], fill=(60, 200, 120))  # status lamp
            # robot arm: two orange segments
            ax, ay = cx - side * mw * 0.1, base - mh
            bx, by = ax + side * 60 * s, ay - 110 * s
            ex, ey = bx + side * 90 * s, by + 30 * s
            d.line([(ax, ay), (bx, by), (ex, ey)], fill=(236, 120, 30), width=max(4, int(24 * s)), joint="curve")
    for x, y, s in ((760, 640, 0.9), (1080, 700, 1.0), (560, 760, 1.2)):
        person(d, x, y, s, (40, 80, 150), hair=(236, 236, 236))  # workers with white caps
    return finish(img, rng)


def market(rng: random.Random) -> Image.Image:
    """A market stall: striped awning, crates of vegetables, price cards, a vendor."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, h), [(0, (70, 64, 60)), (1, (40, 36, 34))])
    for i in range(12):  # awning stripes
        c = (190, 40, 40) if i % 2 == 0 else (240, 236, 226)
        d.polygon([(i * 150, 0), ((i + 1) * 150, 0), ((i + 1) * 150 + 20, 200), (i * 150 + 20, 200)], fill=c)
    for i in range(12):
        d.chord([i * 150 + 20, 160, (i + 1) * 150 + 20, 240], 0, 180, fill=(190, 40, 40) if i % 2 == 0 else (240, 236, 226))
    for x in (400, 1400):
        img = glow(img, (x, 260), 220, (255, 230, 170), 0.8)
    d = ImageDraw.Draw(img)
    person(d, 900, 300, 1.3, (40, 90, 70))  # the vendor behind the counter
    d.rectangle([0, 620, w, 660], fill=(120, 84, 50))  # counter edge
    produce = [((60, 150, 60), 26), ((200, 40, 30), 30), ((236, 140, 30), 28),
               ((230, 220, 200), 34), ((120, 60, 120), 26), ((110, 170, 60), 22)]
    for row in range(2):
        for col in range(6):
            x0 = 40 + col * 290
            y0 = 660 + row * 260
            d.rectangle([x0, y0, x0 + 270, y0 + 240], fill=(150, 110, 70))
            d.rectangle([x0 + 10, y0 + 10, x0 + 260, y0 + 230], fill=(90, 64, 40))
            colour, r = produce[(col + row * 3) % len(produce)]
            for _ in range(38):
                cx = x0 + 20 + rng.random() * 230
                cy = y0 + 20 + rng.random() * 190
                rr = r * (0.8 + rng.random() * 0.4)
                shade = mix(colour, (255, 255, 255), rng.random() * 0.25)
                d.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=shade)
            d.rectangle([x0 + 170, y0 - 30, x0 + 262, y0 + 30], fill=(250, 246, 230))  # price card
            d.rectangle([x0 + 180, y0 - 14, x0 + 250, y0 - 4], fill=(200, 30, 30))
            d.rectangle([x0 + 180, y0 + 6, x0 + 236, y0 + 14], fill=(40, 40, 40))
    return finish(img, rng, grain=16)


def library(rng: random.Random) -> Image.Image:
    """A library reading room (portrait): tall shelves of coloured spines, lamps, readers."""
    w, h = PORTRAIT
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, h), [(0, (62, 44, 34)), (0.7, (96, 70, 50)), (1, (130, 96, 66))])
    spines = [(150, 40, 40), (40, 70, 130), (200, 170, 90), (60, 110, 70), (220, 210, 190), (110, 60, 100)]
    for shelf in range(9):  # shelves across the back wall
        y = 80 + shelf * 105
        d.rectangle([40, y + 92, w - 40, y + 104], fill=(140, 100, 64))
        x = 50
        while x < w - 60:
            bw = rng.randint(14, 34)
            bh = rng.randint(62, 90)
            d.rectangle([x, y + 92 - bh, x + bw, y + 92], fill=mix(rng.choice(spines), (0, 0, 0), rng.random() * 0.3))
            x += bw + rng.randint(1, 3)
    d.rectangle([0, 1040, w, h], fill=(150, 112, 76))  # floor
    d.polygon([(80, 1120), (1120, 1120), (1200, 1320), (0, 1320)], fill=(176, 124, 76))  # table top
    d.rectangle([0, 1320, w, 1350], fill=(110, 76, 46))
    for x in (300, 900):  # reading lamps
        d.line([(x, 1120), (x, 980)], fill=(40, 60, 40), width=8)
        d.chord([x - 90, 930, x + 90, 1030], 180, 360, fill=(40, 110, 70))
        img = glow(img, (x, 1060), 300, (255, 226, 160), 0.9)
        d = ImageDraw.Draw(img)
    for x, shirt in ((200, (200, 60, 60)), (600, (230, 230, 220)), (1000, (50, 70, 120))):
        person(d, x, 900, 1.1, shirt, seated=True)
        d.rectangle([x - 50, 1080, x + 50, 1130], fill=(245, 240, 225))  # open book
        d.line([(x, 1080), (x, 1130)], fill=(160, 150, 130), width=3)
    return finish(img, rng, grain=16, vignette=0.45)


def football(rng: random.Random) -> Image.Image:
    """A community football pitch under floodlights: mown stripes, lines, goal, players."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 420), [(0, (16, 22, 48)), (1, (60, 72, 110))])  # evening sky
    for x in range(0, w, 220):  # trees beyond the fence
        d.ellipse([x - 60, 300, x + 160, 470], fill=(24, 40, 34))
    for i in range(12):  # mown stripes, narrow at the back
        y0 = 420 + (h - 420) * (i / 12) ** 1.6
        y1 = 420 + (h - 420) * ((i + 1) / 12) ** 1.6
        d.rectangle([0, y0, w, y1], fill=(52, 140, 64) if i % 2 else (44, 124, 56))
    white = (236, 240, 236)
    d.polygon([(260, 440), (1540, 440), (1860, h), (-60, h)], outline=white, width=6)  # touchlines
    d.line([(100, 800), (1700, 800)], fill=white, width=6)  # halfway line
    d.ellipse([620, 720, 1180, 880], outline=white, width=6)  # centre circle
    d.rectangle([820, 370, 980, 446], outline=white, width=8)  # goal at the back
    for x in range(830, 980, 14):
        d.line([(x, 372), (x, 444)], fill=(200, 204, 200), width=1)
    for x in (60, 1740):  # floodlight masts
        d.line([(x, 440), (x, 60)], fill=(70, 74, 80), width=10)
        d.rectangle([x - 60, 40, x + 60, 90], fill=(240, 240, 220))
        img = glow(img, (x, 65), 380, (255, 250, 220), 0.9)
        d = ImageDraw.Draw(img)
    for _ in range(10):  # players in two strips
        x = rng.randint(200, 1600)
        y = rng.randint(520, 900)
        s = 0.35 + (y - 440) / 760
        person(d, x, y - 240 * s, s, rng.choice([(200, 40, 40), (240, 240, 240)]))
    d.ellipse([1000, 940, 1036, 976], fill=(250, 250, 250))  # the ball
    return finish(img, rng)


SCENES: dict[str, tuple[Callable[[random.Random], Image.Image], int]] = {
    "meeting.jpg": (meeting, 20261126),
    "riverside.jpg": (riverside, 20261125),
    "factory.jpg": (factory, 20261124),
    "market.jpg": (market, 20261123),
    "library.jpg": (library, 20261122),
    "football.jpg": (football, 20261121),
}


def main(argv: list[str]) -> int:
    default = Path(__file__).resolve().parent.parent / "issues" / "2026-11-27" / "images"
    outdir = Path(argv[1]) if len(argv) > 1 else default
    outdir.mkdir(parents=True, exist_ok=True)
    for name, (draw, seed) in SCENES.items():
        img = draw(random.Random(seed)).convert("RGB")
        path = outdir / name
        img.save(path, "JPEG", quality=85, optimize=False, progressive=False, subsampling="4:2:0")
        print(f"{path}  {img.size[0]}x{img.size[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Draw the synthetic photos and advertisements of the broadsheet sample edition.

Takes no input; writes twelve JPEG "photos" (baseline, quality 85) and three
PNG advertisements into ``issues/2026-11-28-broadsheet/images/`` next to this
repository's ``tools/`` folder, or into the folder given as the first argument.

Every picture is built from simple shapes, gradients and a little film grain
drawn from a seeded RNG; the advertisements' Chinese text is drawn with the
project's bundled fonts (``fonts/sans-bold.ttf``, ``fonts/serif-bold.ttf``)
through Pillow's basic layout engine. The output is byte-for-byte the same on
every run (for a given Pillow build).

    python tools/make_broadsheet_images.py [OUTDIR]
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sketch import finish, glow, mix, vgradient  # noqa: E402  (drawing helpers shared by both scripts)

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
RGB = tuple[int, int, int]

BIG = (2400, 1600)          # landscape, the large photos
LANDSCAPE = (1800, 1200)
PORTRAIT = (1200, 1800)
PORTRAIT_34 = (1200, 1600)
# Advertisements, 2400 px wide, shaped like their regions on the 对开 grid
# (8 columns x 60 lines = 999 x 687.5 pt; 4 columns x 30 lines = 495 x 342.5 pt).
AD_HALF = (2400, 1652)
AD_QUARTER = (2400, 1660)


# ----------------------------------------------------------------- helpers

def person(draw: ImageDraw.ImageDraw, x: float, y: float, scale: float, shirt: RGB,
           skin: RGB = (214, 172, 140), hair: RGB = (30, 26, 24), seated: bool = False,
           legs: RGB | None = None, stride: float = 0.0) -> None:
    """A simple figure: head, hair and a rounded torso; (x, y) is the top of the head.

    `stride` (-1..1) spreads the legs for a runner or walker."""
    hw = 22 * scale
    draw.ellipse([x - hw, y, x + hw, y + 2.3 * hw], fill=skin)
    draw.chord([x - hw - 1, y - 2, x + hw + 1, y + 1.6 * hw], 180, 360, fill=hair)
    top = y + 2.3 * hw + 2 * scale
    body_h = (70 if seated else 150) * scale
    draw.rounded_rectangle([x - 2.1 * hw, top, x + 2.1 * hw, top + body_h], radius=max(1, int(16 * scale)), fill=shirt)
    if seated:
        return
    leg = legs or mix(shirt, (20, 20, 30), 0.6)
    hip = top + body_h - 4
    foot = top + body_h + 120 * scale
    w = max(3, int(18 * scale))
    spread = stride * 45 * scale
    draw.line([(x - 0.9 * hw, hip), (x - 0.9 * hw - spread, foot)], fill=leg, width=w)
    draw.line([(x + 0.9 * hw, hip), (x + 0.9 * hw + spread, foot)], fill=leg, width=w)


def skyline(d: ImageDraw.ImageDraw, rng: random.Random, w: int, base: int, lo: int, hi: int,
            colour: RGB, window: RGB | None = None, lit: float = 0.2) -> None:
    """A row of rectangular buildings standing on y = base, optionally with lit windows."""
    x = -20
    while x < w:
        bw = rng.randint(50, 160)
        bh = rng.randint(lo, hi)
        d.rectangle([x, base - bh, x + bw, base], fill=colour)
        if window:
            for wy in range(base - bh + 14, base - 10, 24):
                for wx in range(x + 8, x + bw - 10, 18):
                    if rng.random() < lit:
                        d.rectangle([wx, wy, wx + 7, wy + 10], fill=window)
        x += bw + rng.randint(0, 16)


# ------------------------------------------------------------------ photos

def train(rng: random.Random) -> Image.Image:
    """A high-speed train on a viaduct crossing farmland, hills behind, clear winter sky."""
    w, h = BIG
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 900), [(0, (92, 140, 196)), (0.7, (176, 204, 226)), (1, (222, 228, 226))])
    img = glow(img, (1900, 240), 420, (255, 248, 226), 0.6)
    d = ImageDraw.Draw(img)
    for i, (col, base) in enumerate((((132, 150, 160), 820), ((96, 118, 110), 880))):  # two hill ranges
        pts = [(0, h)]
        for x in range(0, w + 80, 80):
            pts.append((x, base - 120 * math.sin(x / (380 + 140 * i) + i) - rng.randint(0, 30)))
        pts.append((w, h))
        d.polygon(pts, fill=col)
    vgradient(d, (0, 900, w, h), [(0, (150, 158, 104)), (1, (110, 120, 70))])  # fields
    for k in range(16):  # field strips in perspective
        y = 900 + (h - 900) * (k / 16) ** 1.3
        d.line([(0, y), (w, y)], fill=(126, 136, 84), width=3)
    for x in range(-800, w + 800, 160):
        d.line([(w / 2 + (x - w / 2) * 0.2, 900), (x, h)], fill=(134, 140, 90), width=2)
    deck = 760  # viaduct deck
    d.rectangle([0, deck, w, deck + 46], fill=(200, 200, 194))
    d.rectangle([0, deck + 46, w, deck + 70], fill=(150, 150, 146))
    for x in range(60, w, 300):  # piers
        d.polygon([(x - 36, deck + 70), (x + 36, deck + 70), (x + 28, 1120), (x - 28, 1120)], fill=(176, 176, 170))
        d.polygon([(x + 12, deck + 70), (x + 36, deck + 70), (x + 28, 1120), (x + 10, 1120)], fill=(140, 140, 136))
    for x in range(0, w, 60):  # catenary masts and wire
        if x % 240 == 0:
            d.line([(x, deck), (x, deck - 150)], fill=(90, 96, 100), width=6)
            d.line([(x - 30, deck - 140), (x + 30, deck - 140)], fill=(90, 96, 100), width=4)
    d.line([(0, deck - 132), (w, deck - 132)], fill=(70, 74, 80), width=3)
    # the train: a long white body with a streamlined nose at the right
    top, bot = deck - 118, deck - 4
    nose = 1980
    d.rounded_rectangle([-40, top, nose - 120, bot], radius=26, fill=(238, 240, 242))
    d.polygon([(nose - 160, top), (nose - 40, top + 26), (nose + 140, bot - 20), (nose + 150, bot), (nose - 160, bot)],
              fill=(238, 240, 242))
    d.polygon([(nose - 120, top + 14), (nose - 30, top + 34), (nose + 40, top + 66), (nose - 120, top + 66)],
              fill=(34, 44, 58))  # cab window
    d.rectangle([-40, top + 72, nose + 90, top + 84], fill=(30, 90, 170))  # blue stripe
    d.polygon([(nose - 40, top + 72), (nose + 120, bot - 26), (nose + 110, bot - 14), (nose - 40, top + 84)],
              fill=(30, 90, 170))
    for x in range(20, nose - 200, 36):  # windows
        d.rounded_rectangle([x, top + 34, x + 22, top + 60], radius=4, fill=(44, 56, 70))
    for x in range(300, nose - 200, 520):  # car joints and doors
        d.line([(x, top + 4), (x, bot - 4)], fill=(170, 176, 182), width=5)
        d.rectangle([x + 30, top + 30, x + 62, bot - 10], fill=(214, 218, 222))
    return finish(img, rng, grain=12, blur=1.0, vignette=0.25)


def port(rng: random.Random) -> Image.Image:
    """A container terminal: gantry cranes over a berthed ship, stacks of containers, river water."""
    w, h = BIG
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 980), [(0, (120, 150, 186)), (1, (226, 214, 196))])
    img = glow(img, (420, 700), 500, (255, 226, 180), 0.6)
    d = ImageDraw.Draw(img)
    skyline(d, rng, w, 930, 40, 160, (150, 160, 172))
    vgradient(d, (0, 930, w, h), [(0, (96, 110, 118)), (1, (56, 66, 74))])  # water
    for _ in range(320):
        y = rng.randint(940, h)
        x = rng.randint(0, w)
        d.line([(x, y), (x + rng.randint(30, 120), y)], fill=(120, 134, 140), width=2)
    # the ship: dark hull with containers on deck
    d.polygon([(200, 1040), (2240, 1040), (2160, 1220), (260, 1220)], fill=(40, 46, 58))
    d.rectangle([200, 1020, 2240, 1046], fill=(170, 40, 36))
    d.rectangle([1960, 820, 2140, 1020], fill=(236, 236, 230))  # bridge house
    for y in range(840, 1000, 40):
        d.rectangle([1980, y, 2120, y + 16], fill=(50, 60, 74))
    colours = [(196, 60, 40), (40, 96, 160), (226, 176, 40), (60, 130, 90), (200, 200, 196), (140, 60, 110)]
    for x in range(260, 1920, 76):  # containers on deck
        for level in range(rng.randint(2, 5)):
            c = rng.choice(colours)
            d.rectangle([x, 1000 - level * 40, x + 72, 1036 - level * 40], fill=c)
            d.line([(x + 4, 1004 - level * 40), (x + 68, 1004 - level * 40)], fill=mix(c, (0, 0, 0), 0.3), width=2)
    # quay-side container stacks in the foreground
    d.rectangle([0, 1300, w, h], fill=(120, 118, 112))
    for row in range(3):
        y = 1330 + row * 90
        x = -30 + row * 40
        while x < w:
            c = rng.choice(colours)
            cw = rng.choice((150, 300))
            d.rectangle([x, y, x + cw - 6, y + 84], fill=c)
            for rx in range(int(x) + 10, int(x + cw - 10), 14):
                d.line([(rx, y + 6), (rx, y + 78)], fill=mix(c, (0, 0, 0), 0.25), width=3)
            x += cw
    # gantry cranes: legs on the quay, boom over the ship
    for cx in (520, 1160, 1800):
        red, blue = (200, 52, 40), (40, 80, 150)
        col = red if cx != 1160 else blue
        for lx in (cx - 110, cx + 110):
            d.line([(lx, 1320), (lx, 420)], fill=col, width=26)
        d.line([(cx - 110, 700), (cx + 110, 700)], fill=col, width=18)
        d.line([(cx - 110, 1000), (cx + 110, 1000)], fill=col, width=18)
        d.line([(cx - 110, 700), (cx + 110, 1000)], fill=col, width=10)
        d.rectangle([cx - 360, 400, cx + 420, 440], fill=col)  # boom
        d.line([(cx - 360, 420), (cx, 250), (cx + 420, 420)], fill=col, width=10)  # stays
        d.line([(cx, 250), (cx, 420)], fill=col, width=14)
        d.rectangle([cx + 40, 440, cx + 120, 500], fill=(230, 230, 226))  # trolley cab
        d.line([(cx + 80, 500), (cx + 80, 860)], fill=(40, 40, 40), width=4)
        d.rectangle([cx + 40, 860, cx + 120, 890], fill=rng.choice(colours))  # a container on the spreader
    return finish(img, rng, grain=12, blur=1.0, vignette=0.25)


def marathon(rng: random.Random) -> Image.Image:
    """Runners filling a riverside avenue under a start arch, spectators behind barriers."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 520), [(0, (120, 168, 214)), (1, (210, 222, 232))])
    skyline(d, rng, w, 520, 120, 400, (170, 176, 186), (210, 214, 220), 0.3)
    for x in range(0, w, 140):  # plane trees along the road
        d.ellipse([x - 80, 380, x + 80, 540], fill=(70, 110, 60))
        d.rectangle([x - 8, 520, x + 8, 600], fill=(80, 64, 50))
    d.polygon([(760, 520), (1040, 520), (w + 300, h), (-300, h)], fill=(88, 88, 92))  # road
    d.polygon([(0, 520), (760, 520), (-300, h), (0, h)], fill=(150, 150, 140))
    d.polygon([(1040, 520), (w, 520), (w, h), (w + 300, h)], fill=(150, 150, 140))
    for s in (-1, 1):  # barriers with blue panels
        d.line([(900 + s * 150, 520), (900 + s * 1200, h)], fill=(40, 90, 170), width=18)
    # start arch
    d.rectangle([560, 180, 620, 560], fill=(200, 40, 40))
    d.rectangle([1180, 180, 1240, 560], fill=(200, 40, 40))
    d.rectangle([560, 160, 1240, 260], fill=(210, 44, 40))
    d.rectangle([600, 186, 1200, 234], fill=(250, 236, 200))
    for i in range(9):
        d.rectangle([640 + i * 62, 198, 680 + i * 62, 222], fill=(180, 40, 40))
    shirts = [(230, 80, 40), (240, 200, 40), (40, 120, 200), (240, 240, 240), (60, 170, 100), (220, 60, 120)]
    runners = []
    for _ in range(150):
        t = rng.random() ** 0.7
        y = 520 + t * 520
        s = 0.18 + t * 0.95
        spread = 140 + t * 900
        x = 900 + rng.uniform(-spread, spread) * 0.8
        runners.append((y, x, s))
    for y, x, s in sorted(runners):
        shirt = rng.choice(shirts)
        person(d, x, y - 200 * s, s, shirt, legs=(40, 40, 50), stride=rng.uniform(-1, 1))
        if s > 0.5:
            d.rectangle([x - 18 * s, y - 120 * s, x + 18 * s, y - 96 * s], fill=(250, 250, 250))  # bib
    for x in range(0, 320, 36):  # spectators on the left
        person(d, x, 700 + (x % 3) * 14, 0.8, rng.choice(shirts), seated=True)
    return finish(img, rng, grain=14)


def harvest(rng: random.Random) -> Image.Image:
    """Farmers cutting winter cabbages in a large field, crates and a small truck, morning haze."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 420), [(0, (176, 196, 210)), (1, (236, 226, 200))])
    img = glow(img, (1380, 300), 380, (255, 236, 190), 0.7)
    d = ImageDraw.Draw(img)
    for x in range(0, w, 90):  # tree line
        d.ellipse([x - 70, 300, x + 90, 450], fill=(110, 126, 100))
    vgradient(d, (0, 420, w, h), [(0, (120, 110, 84)), (1, (92, 76, 56))])
    rows = 22
    for r in range(rows):  # rows of cabbages in perspective
        t = r / rows
        y = 430 + (h - 430) * t ** 1.5
        s = 0.15 + t * 1.1
        x = -40
        while x < w + 40:
            rr = 26 * s
            c = mix((110, 170, 90), (190, 220, 150), rng.random() * 0.6)
            d.ellipse([x - rr, y - rr * 0.8, x + rr, y + rr * 0.8], fill=c)
            d.ellipse([x - rr * 0.5, y - rr * 0.5, x + rr * 0.5, y + rr * 0.3], fill=mix(c, (240, 250, 220), 0.5))
            x += 62 * s + 6
    for x, y, s, shirt in ((420, 640, 0.9, (200, 60, 50)), (760, 700, 1.0, (60, 90, 150)),
                           (1180, 660, 0.95, (230, 180, 60)), (1500, 760, 1.2, (90, 130, 80))):
        person(d, x, y, s, shirt, legs=(50, 50, 60))
        d.ellipse([x - 40 * s, y - 14 * s, x + 40 * s, y + 8 * s], fill=(220, 196, 130))  # straw hat brim
    for i in range(6):  # crates of cabbages
        x0, y0 = 200 + i * 230, 980 + (i % 2) * 40
        d.rectangle([x0, y0, x0 + 170, y0 + 110], fill=(200, 120, 50))
        for k in range(5):
            d.ellipse([x0 + 6 + k * 32, y0 - 26, x0 + 46 + k * 32, y0 + 14], fill=(140, 190, 110))
    d.rectangle([1380, 880, 1700, 1010], fill=(40, 90, 160))  # truck bed
    d.rectangle([1700, 900, 1800, 1010], fill=(230, 230, 226))  # cab
    d.rectangle([1716, 916, 1790, 956], fill=(60, 80, 100))
    for x in (1440, 1640, 1750):
        d.ellipse([x - 38, 990, x + 38, 1066], fill=(30, 30, 30))
    return finish(img, rng, grain=14)


def concert(rng: random.Random) -> Image.Image:
    """A concert hall from the stalls: warm stage, organ pipes, an orchestra, heads in the dark."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, h), [(0, (40, 24, 20)), (0.6, (70, 40, 30)), (1, (20, 14, 12))])
    d.polygon([(200, 160), (1600, 160), (1500, 560), (300, 560)], fill=(150, 96, 58))  # back wall
    for i in range(40):  # organ pipes
        x = 560 + i * 17
        ph = 260 - abs(i - 20) * 8
        d.rectangle([x, 180 + (260 - ph), x + 12, 440], fill=(206, 182, 130))
    d.polygon([(120, 560), (1680, 560), (1800, 760), (0, 760)], fill=(160, 110, 66))  # stage floor
    img = glow(img, (900, 520), 700, (255, 214, 150), 0.8)
    d = ImageDraw.Draw(img)
    for row in range(4):  # the orchestra in arcs
        n = 10 + row * 4
        for i in range(n):
            a = math.pi * (0.12 + 0.76 * i / (n - 1))
            x = 900 - math.cos(a) * (260 + row * 150)
            y = 470 + row * 48 + math.sin(a) * 40
            person(d, x, y, 0.5 + row * 0.06, (26, 24, 28), seated=True)
            if row < 2:
                d.line([(x + 14, y + 40), (x + 40, y + 10)], fill=(120, 70, 40), width=4)  # bows / instruments
    d.rectangle([880, 600, 920, 620], fill=(220, 210, 190))  # the conductor's podium
    person(d, 900, 500, 0.7, (20, 20, 24))
    for row in range(6):  # audience heads
        y = 820 + row * 70
        for i in range(24):
            x = i * 80 + (row % 2) * 40 + rng.randint(-6, 6)
            r = 26 + row * 3
            d.ellipse([x - r, y - r, x + r, y + r * 1.2], fill=(16 + row, 12, 12))
            d.rectangle([x - r * 1.4, y + r, x + r * 1.4, y + r * 2.4], fill=(24, 16, 14))
    return finish(img, rng, grain=20, vignette=0.5)


def hospital(rng: random.Random) -> Image.Image:
    """A hospital ward corridor at night (portrait): ceiling lights, doors, a nurse with a trolley."""
    w, h = PORTRAIT
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vx, vy = 600, 760  # vanishing point
    d.rectangle([0, 0, w, h], fill=(206, 220, 218))
    d.polygon([(0, 0), (w, 0), (vx + 120, vy - 110), (vx - 120, vy - 110)], fill=(232, 236, 234))  # ceiling
    d.polygon([(0, h), (w, h), (vx + 120, vy + 110), (vx - 120, vy + 110)], fill=(170, 196, 190))  # floor
    d.polygon([(0, 0), (vx - 120, vy - 110), (vx - 120, vy + 110), (0, h)], fill=(214, 226, 222))  # left wall
    d.polygon([(w, 0), (vx + 120, vy - 110), (vx + 120, vy + 110), (w, h)], fill=(198, 214, 212))  # right wall
    d.rectangle([vx - 120, vy - 110, vx + 120, vy + 110], fill=(120, 150, 170))  # window at the end
    for t in (0.2, 0.38, 0.54, 0.67, 0.78):  # ceiling lights
        y = vy - 110 - (vy - 110) * (1 - t)
        half = 120 + (w / 2 - 120) * (1 - t)
        d.rectangle([vx - half * 0.25, y - 10 * (1 - t), vx + half * 0.25, y + 10 * (1 - t)], fill=(255, 255, 246))
        img = glow(img, (vx, y), 260 * (1 - t) + 60, (255, 250, 230), 0.4)
        d = ImageDraw.Draw(img)
    for t in (0.15, 0.4, 0.6):  # doors on both walls
        for side in (-1, 1):
            x_near = vx + side * (w / 2) * (1 - t)
            x_far = vx + side * (w / 2) * (1 - t - 0.12)
            top_n = vy - (vy - 60) * (1 - t) * 0.8
            bot_n = vy + (h - vy) * (1 - t)
            top_f = vy - (vy - 60) * (1 - t - 0.12) * 0.8
            bot_f = vy + (h - vy) * (1 - t - 0.12)
            d.polygon([(x_near, top_n), (x_far, top_f), (x_far, bot_f), (x_near, bot_n)], fill=(120, 160, 180))
    d.line([(0, 1080), (vx - 120, vy + 40)], fill=(120, 170, 160), width=18)  # handrail
    d.line([(w, 1080), (vx + 120, vy + 40)], fill=(120, 170, 160), width=18)
    for k in range(8):  # floor reflections
        y = vy + 120 + k * 110
        d.line([(vx - 60 - k * 50, y), (vx + 60 + k * 50, y)], fill=(196, 216, 210), width=3)
    person(d, 700, 760, 1.6, (236, 240, 244), hair=(30, 26, 24), legs=(230, 234, 238))  # nurse in white
    d.rectangle([672, 760, 728, 790], fill=(250, 250, 250))  # cap
    d.rectangle([280, 1160, 560, 1200], fill=(200, 206, 210))  # trolley
    d.rectangle([290, 1200, 550, 1380], fill=(150, 170, 190))
    for x in (310, 530):
        d.ellipse([x - 20, 1380, x + 20, 1420], fill=(40, 40, 40))
    return finish(img, rng, grain=12, vignette=0.3)


def lab(rng: random.Random) -> Image.Image:
    """A school science lab: benches with flasks, students in white coats, windows and a board."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 640), [(0, (220, 226, 222)), (1, (196, 204, 200))])
    d.rectangle([0, 640, w, h], fill=(150, 152, 148))
    d.rectangle([620, 120, 1180, 400], fill=(40, 74, 60))  # board
    for i in range(5):
        d.line([(660, 170 + i * 44), (660 + rng.randint(200, 480), 170 + i * 44)], fill=(220, 230, 220), width=5)
    for x in (80, 1320):  # windows
        d.rectangle([x, 100, x + 400, 480], fill=(200, 226, 240))
        d.line([(x + 200, 100), (x + 200, 480)], fill=(240, 240, 236), width=12)
        img = glow(img, (x + 200, 290), 320, (255, 255, 240), 0.5)
        d = ImageDraw.Draw(img)
    coats = [(244, 244, 242), (236, 238, 240)]
    for row, (y, s) in enumerate(((600, 0.8), (820, 1.15))):
        d.rectangle([60 - row * 60, y + 150 * s, w - 60 + row * 60, y + 190 * s], fill=(40, 44, 50))  # bench top
        d.rectangle([80 - row * 60, y + 190 * s, w - 80 + row * 60, y + 320 * s], fill=(110, 96, 80))
        for i in range(5):
            x = 220 + i * 340 + row * 60
            person(d, x, y, s, rng.choice(coats), seated=True)
            for k in range(3):  # glassware
                gx = x - 110 * s + k * 60 * s
                gy = y + 150 * s
                liquid = rng.choice([(80, 160, 220), (230, 120, 60), (120, 200, 120), (200, 80, 160)])
                d.polygon([(gx, gy), (gx + 14 * s, gy - 60 * s), (gx + 26 * s, gy - 60 * s), (gx + 40 * s, gy)],
                          fill=(230, 240, 244))
                d.polygon([(gx + 4 * s, gy - 2), (gx + 10 * s, gy - 24 * s), (gx + 30 * s, gy - 24 * s), (gx + 36 * s, gy - 2)],
                          fill=liquid)
    return finish(img, rng, grain=12)


def snow(rng: random.Random) -> Image.Image:
    """The first snow on an old street (portrait): snowy roofs, bare trees, lamps, a red umbrella."""
    w, h = PORTRAIT
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 900), [(0, (150, 160, 176)), (1, (206, 210, 216))])
    for side in (-1, 1):  # two rows of old two-storey houses in perspective
        for k in range(6):
            t = k / 6
            x_near = 600 + side * (600 - 440 * t)
            x_far = 600 + side * (600 - 440 * (t + 1 / 6))
            top_n, top_f = 300 + 300 * t, 300 + 300 * (t + 1 / 6)
            bot_n, bot_f = 1500 - 500 * t, 1500 - 500 * (t + 1 / 6)
            wall = (120, 96, 80) if k % 2 else (150, 130, 110)
            d.polygon([(x_near, top_n), (x_far, top_f), (x_far, bot_f), (x_near, bot_n)], fill=wall)
            d.polygon([(x_near, top_n - 60), (x_far, top_f - 46), (x_far, top_f), (x_near, top_n)], fill=(244, 246, 250))
            wy = (top_n + bot_n) / 2
            d.rectangle([min(x_near, x_far) + 10, wy - 40, max(x_near, x_far) - 10, wy + 20],
                        fill=(250, 210, 140) if rng.random() < 0.5 else (70, 60, 56))
    d.polygon([(0, 1500), (w, 1500), (760, 1000), (440, 1000)], fill=(236, 238, 242))  # snowy street
    d.polygon([(0, h), (w, h), (w, 1500), (0, 1500)], fill=(240, 242, 246))
    for k in range(20):  # tyre tracks
        y = 1000 + k * 40
        for off in (-60, 60):
            x = 600 + off * (0.3 + k * 0.12)
            d.line([(x - 6, y), (x + 6, y + 30)], fill=(200, 204, 214), width=6)
    for x, y, s in ((180, 700, 1.0), (1020, 700, 1.0), (300, 860, 0.6)):  # bare trees
        d.line([(x, y + 600 * s), (x, y)], fill=(60, 50, 46), width=int(24 * s))
        for b in range(7):
            a = -math.pi / 2 + rng.uniform(-0.9, 0.9)
            ln = rng.uniform(120, 260) * s
            by = y + b * 50 * s
            d.line([(x, by), (x + math.cos(a) * ln, by + math.sin(a) * ln)], fill=(70, 60, 56), width=int(8 * s))
            d.line([(x, by - 4), (x + math.cos(a) * ln, by + math.sin(a) * ln - 4)], fill=(240, 242, 246), width=int(4 * s))
    for x in (420, 820):  # street lamps
        d.line([(x, 1200), (x, 820)], fill=(40, 40, 46), width=10)
        d.ellipse([x - 24, 790, x + 24, 838], fill=(255, 236, 190))
        img = glow(img, (x, 814), 160, (255, 226, 170), 0.7)
        d = ImageDraw.Draw(img)
    person(d, 640, 1180, 1.1, (40, 50, 70), legs=(30, 30, 36), stride=0.4)
    d.chord([520, 1100, 760, 1260], 180, 360, fill=(200, 30, 36))  # red umbrella
    d.line([(640, 1180), (640, 1300)], fill=(30, 30, 30), width=6)
    flakes = Image.new("L", (w, h), 0)  # falling snow, slightly blurred
    fd = ImageDraw.Draw(flakes)
    for _ in range(2600):
        x, y = rng.randint(0, w), rng.randint(0, h)
        r = rng.choice((2, 3, 3, 4, 6))
        fd.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(170, 255))
    flakes = flakes.filter(ImageFilter.GaussianBlur(1.2))
    img = Image.composite(Image.new("RGB", (w, h), (252, 252, 255)), img, flakes)
    return finish(img, rng, grain=10, blur=0.8, vignette=0.25)


def bridge(rng: random.Random) -> Image.Image:
    """A cable-stayed bridge at night: lit pylons and cable fans, traffic trails, reflections."""
    w, h = BIG
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 980), [(0, (10, 14, 40)), (0.8, (40, 40, 84)), (1, (80, 60, 90))])
    for _ in range(120):
        x, y = rng.randint(0, w), rng.randint(0, 600)
        d.point((x, y), fill=(220, 220, 240))
    skyline(d, rng, w, 980, 80, 420, (22, 22, 40), (250, 210, 130), 0.3)
    vgradient(d, (0, 980, w, h), [(0, (30, 30, 60)), (1, (10, 12, 26))])  # river
    deck = 900
    d.rectangle([0, deck, w, deck + 30], fill=(60, 60, 80))
    for cx in (760, 1640):  # pylons (inverted Y) and cable fans
        d.polygon([(cx - 110, deck + 30), (cx - 60, deck + 30), (cx - 8, 230), (cx - 30, 230)], fill=(200, 200, 214))
        d.polygon([(cx + 110, deck + 30), (cx + 60, deck + 30), (cx + 8, 230), (cx + 30, 230)], fill=(200, 200, 214))
        d.rectangle([cx - 30, 160, cx + 30, 240], fill=(214, 214, 226))
        for k in range(14):
            y = 260 + k * 18
            for side in (-1, 1):
                d.line([(cx, y), (cx + side * (80 + k * 44), deck)], fill=(140, 200, 255), width=3)
        img = glow(img, (cx, 400), 420, (90, 150, 255), 0.45)
        d = ImageDraw.Draw(img)
    for k in range(6):  # light trails on the deck
        y = deck + 4 + k * 4
        c = (255, 210, 120) if k < 3 else (255, 80, 60)
        d.line([(0, y), (w, y)], fill=c, width=3)
    for x in range(40, w, 120):  # deck lamps
        d.ellipse([x - 6, deck - 16, x + 6, deck - 4], fill=(255, 240, 200))
    refl = img.crop((0, deck - 740, w, deck + 40)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)  # reflection
    refl = refl.resize((w, h - deck - 40)).filter(ImageFilter.GaussianBlur(6))
    water = img.crop((0, deck + 40, w, h))
    img.paste(Image.blend(water, refl, 0.45), (0, deck + 40))
    d = ImageDraw.Draw(img)
    for _ in range(500):  # ripples breaking the reflection
        y = rng.randint(deck + 50, h)
        x = rng.randint(0, w)
        d.line([(x, y), (x + rng.randint(20, 90), y)], fill=(18, 20, 40), width=2)
    return finish(img, rng, grain=18, blur=1.0, vignette=0.35)


def stadium(rng: random.Random) -> Image.Image:
    """A football stadium bowl at night: packed stands, floodlit pitch, players in two strips."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 300), [(0, (12, 16, 36)), (1, (40, 48, 80))])
    d.rectangle([0, 160, w, 540], fill=(60, 40, 50))  # stands
    for y in range(180, 540, 14):  # crowd dots
        for x in range(0, w, 12):
            c = rng.choice([(200, 40, 40), (230, 230, 230), (40, 60, 120), (200, 160, 60), (90, 40, 40)])
            d.ellipse([x + rng.randint(-2, 2), y, x + 8, y + 8], fill=mix(c, (30, 20, 30), 0.35))
    d.rectangle([0, 150, w, 176], fill=(200, 200, 210))  # roof edge
    d.rectangle([0, 520, w, 560], fill=(180, 40, 40))  # advertising boards
    for i in range(0, w, 300):
        d.rectangle([i + 20, 528, i + 260, 552], fill=(240, 230, 210))
    for i in range(14):  # pitch stripes
        y0 = 560 + (h - 560) * (i / 14) ** 1.4
        y1 = 560 + (h - 560) * ((i + 1) / 14) ** 1.4
        d.rectangle([0, y0, w, y1], fill=(50, 150, 70) if i % 2 else (42, 132, 60))
    white = (240, 244, 240)
    d.line([(0, 600), (w, 600)], fill=white, width=5)
    d.line([(900, 600), (900, h)], fill=white, width=5)
    d.ellipse([700, 720, 1100, 900], outline=white, width=5)
    for x in (120, 1680):  # floodlights on the roof
        d.rectangle([x - 80, 40, x + 80, 100], fill=(250, 250, 230))
        img = glow(img, (x, 70), 420, (255, 250, 220), 0.9)
        d = ImageDraw.Draw(img)
    for _ in range(14):
        y = rng.randint(640, 1080)
        s = 0.3 + (y - 560) / 700
        x = rng.randint(150, 1650)
        strip = rng.choice([((220, 40, 40), (250, 250, 250)), ((30, 60, 150), (30, 60, 150))])
        person(d, x, y - 240 * s, s, strip[0], legs=strip[1], stride=rng.uniform(-1, 1))
    d.ellipse([960, 980, 992, 1012], fill=(250, 250, 250))
    return finish(img, rng, grain=16)


def birds(rng: random.Random) -> Image.Image:
    """Migratory birds over a winter wetland: reeds, shallow water, a flock in flight."""
    w, h = LANDSCAPE
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, 640), [(0, (150, 170, 196)), (1, (230, 220, 206))])
    img = glow(img, (300, 500), 360, (255, 232, 196), 0.6)
    d = ImageDraw.Draw(img)
    pts = [(0, 640)] + [(x, 600 - 40 * math.sin(x / 260)) for x in range(0, w + 60, 60)] + [(w, 640)]
    d.polygon(pts, fill=(120, 130, 140))  # far shore
    vgradient(d, (0, 640, w, h), [(0, (180, 190, 200)), (1, (110, 124, 140))])  # shallow water
    for _ in range(240):
        y, x = rng.randint(650, h), rng.randint(0, w)
        d.line([(x, y), (x + rng.randint(30, 110), y)], fill=(200, 208, 214), width=2)
    for _ in range(900):  # reeds in the foreground and on islets
        x = rng.randint(0, w)
        base = rng.choice((h, h, 1100, 900))
        ln = rng.randint(80, 300)
        lean = rng.uniform(-40, 40)
        c = mix((170, 140, 90), (220, 196, 140), rng.random())
        d.line([(x, base), (x + lean, base - ln)], fill=c, width=3)
        if rng.random() < 0.3:
            d.ellipse([x + lean - 8, base - ln - 26, x + lean + 8, base - ln + 4], fill=(236, 220, 190))
    for _ in range(70):  # the flock: white wings in a loose V
        t = rng.random()
        x = 400 + t * 1200 + rng.gauss(0, 40)
        y = 300 - abs(t - 0.5) * 300 + rng.gauss(0, 30)
        s = rng.uniform(0.7, 1.3)
        d.line([(x - 30 * s, y - 10 * s), (x, y), (x + 30 * s, y - 12 * s)], fill=(250, 250, 248), width=max(3, int(6 * s)))
        d.ellipse([x - 5 * s, y - 3 * s, x + 5 * s, y + 4 * s], fill=(60, 60, 60))
    for x, y in ((1300, 960), (1380, 980), (1460, 950)):  # egrets standing in the water
        d.ellipse([x - 30, y - 60, x + 30, y], fill=(250, 250, 248))
        d.line([(x + 20, y - 50), (x + 40, y - 110)], fill=(250, 250, 248), width=8)
        d.line([(x - 6, y), (x - 6, y + 70)], fill=(40, 40, 40), width=3)
        d.line([(x + 6, y), (x + 6, y + 70)], fill=(40, 40, 40), width=3)
    return finish(img, rng, grain=14)


def tunnel(rng: random.Random) -> Image.Image:
    """Inside a metro tunnel (portrait): ring segments, the shield machine's cutter face, workers."""
    w, h = PORTRAIT_34
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, h], fill=(40, 40, 46))
    cx, cy = 600, 700
    for k in range(12, 0, -1):  # concrete rings receding
        r = 90 + k * 70
        c = mix((70, 72, 78), (170, 170, 166), k / 12)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=c)
        d.ellipse([cx - r + 10, cy - r + 10, cx + r - 10, cy + r - 10], fill=mix(c, (0, 0, 0), 0.12))
        for a in range(0, 360, 45):  # segment joints
            ax, ay = math.cos(math.radians(a + k * 7)), math.sin(math.radians(a + k * 7))
            d.line([(cx + ax * (r - 10), cy + ay * (r - 10)), (cx + ax * r, cy + ay * r)], fill=(60, 60, 60), width=3)
    r = 150  # cutter face, yellow with spokes
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(220, 170, 30))
    for a in range(0, 360, 60):
        d.line([(cx, cy), (cx + math.cos(math.radians(a)) * r, cy + math.sin(math.radians(a)) * r)], fill=(90, 70, 20), width=14)
    d.ellipse([cx - 30, cy - 30, cx + 30, cy + 30], fill=(120, 90, 20))
    d.polygon([(0, h), (w, h), (cx + 260, cy + 420), (cx - 260, cy + 420)], fill=(90, 86, 80))  # track bed
    for side in (-1, 1):
        d.line([(cx + side * 90, cy + 420), (cx + side * 420, h)], fill=(200, 200, 200), width=10)  # rails
    for k in range(10):
        y = cy + 430 + k * 48
        d.line([(cx - 140 - k * 30, y), (cx + 140 + k * 30, y)], fill=(120, 110, 100), width=8)
    for k in range(8):  # a line of work lamps along the crown
        t = k / 8
        y = cy - 600 * (1 - t) - 60
        x = cx - 240 * (1 - t)
        img = glow(img, (x, y), 90 * (1 - t) + 30, (255, 236, 180), 0.8)
    d = ImageDraw.Draw(img)
    for x, y, s in ((300, 1040, 1.2), (880, 1080, 1.3)):  # workers in orange with white helmets
        person(d, x, y, s, (236, 120, 30), hair=(240, 240, 236), legs=(50, 60, 90))
        d.rectangle([x - 46 * s, y + 90 * s, x + 46 * s, y + 100 * s], fill=(220, 230, 90))  # reflective band
    return finish(img, rng, grain=18, vignette=0.45)


PHOTOS: dict[str, tuple[Callable[[random.Random], Image.Image], int]] = {
    "train.jpg": (train, 20261101),
    "port.jpg": (port, 20261102),
    "marathon.jpg": (marathon, 20261103),
    "harvest.jpg": (harvest, 20261104),
    "concert.jpg": (concert, 20261105),
    "hospital.jpg": (hospital, 20261106),
    "lab.jpg": (lab, 20261107),
    "snow.jpg": (snow, 20261108),
    "bridge.jpg": (bridge, 20261109),
    "stadium.jpg": (stadium, 20261110),
    "birds.jpg": (birds, 20261111),
    "tunnel.jpg": (tunnel, 20261112),
}


# ------------------------------------------------------------- advertisements

def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """One of the bundled faces, with the basic layout engine (no shaping library: same output everywhere)."""
    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.BASIC)


def text_centre(d: ImageDraw.ImageDraw, cx: float, y: float, s: str, f: ImageFont.FreeTypeFont, fill: RGB,
                spacing: float = 0) -> None:
    """Draw s centred on cx with its top at y; `spacing` adds letter spacing in pixels."""
    widths = [f.getlength(ch) for ch in s]
    total = sum(widths) + spacing * (len(s) - 1)
    x = cx - total / 2
    for ch, cw in zip(s, widths):
        d.text((x, y), ch, font=f, fill=fill)
        x += cw + spacing


def text_left(d: ImageDraw.ImageDraw, x: float, y: float, s: str, f: ImageFont.FreeTypeFont, fill: RGB) -> None:
    d.text((x, y), s, font=f, fill=fill)


def ad_bank(rng: random.Random) -> Image.Image:
    """A bank's winter savings campaign: deep red, gold lettering, three product cards."""
    w, h = AD_HALF
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, h), [(0, (176, 22, 30)), (0.65, (128, 10, 20)), (1, (96, 6, 14))])
    gold, cream = (246, 206, 120), (255, 244, 220)
    for _ in range(60):  # soft lantern glows
        x, y = rng.randint(0, w), rng.randint(0, 500)
        r = rng.randint(6, 18)
        d.ellipse([x - r, y - r, x + r, y + r], fill=mix((176, 22, 30), gold, 0.35))
    # logo: a gold ring with a square hole, like an old coin
    d.ellipse([110, 90, 290, 270], fill=gold)
    d.ellipse([130, 110, 270, 250], fill=(176, 22, 30))
    d.rectangle([176, 156, 224, 204], fill=gold)
    text_left(d, 320, 110, "江城润丰银行", font("sans-bold.ttf", 92), cream)
    text_left(d, 324, 222, "JIANGCHENG RUNFENG BANK", font("sans-bold.ttf", 34), gold)
    text_centre(d, w / 2, 360, "冬藏有余  岁岁丰盈", font("serif-bold.ttf", 210), gold, spacing=6)
    text_centre(d, w / 2, 620, "2026冬季存款节  11月28日—2027年2月28日", font("sans-bold.ttf", 66), cream)
    cards = [("整存整取", "三年期  五年期", "期限灵活  稳健增值"),
             ("大额存单", "¥200,000起存", "可转让  可质押"),
             ("养老储蓄", "60岁以上客户专享", "上门服务  专属窗口")]
    for i, (title, line1, line2) in enumerate(cards):
        x0 = 140 + i * 720
        d.rounded_rectangle([x0, 780, x0 + 680, 1220], radius=36, fill=cream)
        d.rounded_rectangle([x0, 780, x0 + 680, 900], radius=36, fill=gold)
        d.rectangle([x0, 860, x0 + 680, 900], fill=gold)
        text_centre(d, x0 + 340, 800, title, font("sans-bold.ttf", 76), (128, 10, 20))
        text_centre(d, x0 + 340, 960, line1, font("sans-bold.ttf", 64), (60, 20, 20))
        text_centre(d, x0 + 340, 1080, line2, font("sans-bold.ttf", 50), (140, 60, 50))
    for k in range(9):  # a pile of gold coins at the lower right
        cx, cy = 2140 + (k % 3) * 60 - 60, 1420 - (k // 3) * 34
        d.ellipse([cx - 90, cy - 30, cx + 90, cy + 30], fill=mix(gold, (200, 140, 40), (k % 2) * 0.5))
    d.line([(140, 1300), (w - 140, 1300)], fill=gold, width=4)
    small = font("sans-bold.ttf", 46)
    text_left(d, 140, 1340, "全市86家网点  手机银行  24小时客服热线 400-000-8866", small, cream)
    text_left(d, 140, 1420, "本行吸收的本外币存款依照《存款保险条例》受到保护", font("sans-bold.ttf", 40), gold)
    text_left(d, 140, 1490, "具体产品以网点公告为准  理财非存款  投资需谨慎", font("sans-bold.ttf", 40), gold)
    return img


def appliance(draw: ImageDraw.ImageDraw, kind: str, x: float, y: float, s: float, c: RGB) -> None:
    """Line drawings of appliances in a 200 x 240 box scaled by s."""
    if kind == "fridge":
        draw.rounded_rectangle([x + 40 * s, y, x + 160 * s, y + 240 * s], radius=int(14 * s), outline=c, width=int(10 * s))
        draw.line([(x + 40 * s, y + 90 * s), (x + 160 * s, y + 90 * s)], fill=c, width=int(8 * s))
        draw.line([(x + 140 * s, y + 30 * s), (x + 140 * s, y + 70 * s)], fill=c, width=int(8 * s))
    elif kind == "washer":
        draw.rounded_rectangle([x + 20 * s, y + 20 * s, x + 180 * s, y + 240 * s], radius=int(14 * s), outline=c, width=int(10 * s))
        draw.ellipse([x + 50 * s, y + 90 * s, x + 150 * s, y + 190 * s], outline=c, width=int(10 * s))
        draw.line([(x + 30 * s, y + 60 * s), (x + 170 * s, y + 60 * s)], fill=c, width=int(6 * s))
    elif kind == "tv":
        draw.rounded_rectangle([x, y + 40 * s, x + 200 * s, y + 180 * s], radius=int(10 * s), outline=c, width=int(10 * s))
        draw.line([(x + 100 * s, y + 180 * s), (x + 100 * s, y + 220 * s)], fill=c, width=int(10 * s))
        draw.line([(x + 50 * s, y + 224 * s), (x + 150 * s, y + 224 * s)], fill=c, width=int(10 * s))
    else:  # air conditioner
        draw.rounded_rectangle([x, y + 60 * s, x + 200 * s, y + 150 * s], radius=int(20 * s), outline=c, width=int(10 * s))
        for k in range(3):
            draw.arc([x + 30 * s + k * 50 * s, y + 160 * s, x + 70 * s + k * 50 * s, y + 220 * s], 200, 340, fill=c, width=int(6 * s))


def ad_appliance(rng: random.Random) -> Image.Image:
    """A home-appliance store's trade-in sale: white and blue, an orange price burst, four products."""
    w, h = AD_HALF
    img = Image.new("RGB", (w, h), (246, 248, 252))
    d = ImageDraw.Draw(img)
    blue, orange, navy = (20, 96, 200), (250, 120, 20), (16, 40, 90)
    d.rectangle([0, 0, w, 560], fill=blue)
    for _ in range(40):  # snowflake stars
        x, y, r = rng.randint(0, w), rng.randint(0, 540), rng.randint(6, 16)
        d.line([(x - r, y), (x + r, y)], fill=(140, 190, 250), width=3)
        d.line([(x, y - r), (x, y + r)], fill=(140, 190, 250), width=3)
    text_left(d, 120, 80, "鹤鸣电器", font("sans-bold.ttf", 110), (255, 255, 255))
    text_left(d, 124, 220, "冬季焕新节", font("serif-bold.ttf", 200), (255, 236, 120))
    text_left(d, 128, 450, "以旧换新  国家补贴叠加商家让利", font("sans-bold.ttf", 60), (255, 255, 255))
    d.ellipse([1680, 70, 2280, 670], fill=orange)  # price burst
    text_centre(d, 1980, 190, "至高立减", font("sans-bold.ttf", 84), (255, 255, 255))
    text_centre(d, 1980, 300, "20%", font("sans-bold.ttf", 210), (255, 255, 255))
    items = [("fridge", "双开门冰箱", "¥3,299起"), ("washer", "滚筒洗衣机", "¥1,999起"),
             ("tv", "75英寸电视", "¥4,599起"), ("ac", "一级能效空调", "¥2,699起")]
    for i, (kind, name, price) in enumerate(items):
        x0 = 120 + i * 560
        d.rounded_rectangle([x0, 700, x0 + 520, 1340], radius=30, fill=(255, 255, 255), outline=(210, 220, 236), width=4)
        appliance(d, kind, x0 + 160, 740, 1.0, blue)
        text_centre(d, x0 + 260, 1010, name, font("sans-bold.ttf", 62), navy)
        text_centre(d, x0 + 260, 1110, price, font("sans-bold.ttf", 96), orange)
        text_centre(d, x0 + 260, 1250, "旧机回收  免费安装", font("sans-bold.ttf", 40), (110, 120, 140))
    d.rectangle([0, 1400, w, h], fill=navy)
    text_left(d, 120, 1440, "活动时间：11月28日—12月31日    临江大道旗舰店  鹤鸣区梧桐路店  全市31家门店同步", font("sans-bold.ttf", 46), (255, 255, 255))
    text_left(d, 120, 1530, "补贴名额有限，以门店公示为准    服务热线 400-000-1128", font("sans-bold.ttf", 46), (255, 236, 120))
    return img


def ad_public(rng: random.Random) -> Image.Image:
    """A public-service poster: a car stopping at a zebra crossing for a grandmother and a child."""
    w, h = AD_QUARTER
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    vgradient(d, (0, 0, w, h), [(0, (230, 244, 240)), (1, (196, 226, 214))])
    green, red = (20, 120, 80), (200, 30, 36)
    d.rectangle([0, 0, w, 120], fill=green)
    text_left(d, 80, 24, "公益广告", font("sans-bold.ttf", 64), (255, 255, 255))
    text_left(d, w - 760, 30, "讲文明  树新风", font("sans-bold.ttf", 60), (255, 255, 255))
    text_centre(d, w / 2, 200, "礼让斑马线", font("serif-bold.ttf", 230), red, spacing=20)
    text_centre(d, w / 2, 480, "文明伴我行", font("serif-bold.ttf", 150), green, spacing=16)
    d.polygon([(0, 1040), (w, 1040), (w, 1520), (0, 1520)], fill=(70, 74, 80))  # road
    for k in range(9):  # zebra stripes in perspective
        x = 560 + k * 150
        d.polygon([(x, 1060), (x + 90, 1060), (x + 130 + (k - 4) * 12, 1500), (x + 20 + (k - 4) * 12, 1500)], fill=(246, 246, 240))
    d.rounded_rectangle([80, 980, 520, 1160], radius=50, fill=(30, 100, 190))  # the car, stopped, at the left
    d.polygon([(170, 980), (220, 880), (400, 880), (460, 980)], fill=(30, 100, 190))
    d.polygon([(200, 976), (236, 900), (390, 900), (430, 976)], fill=(200, 226, 246))
    for x in (180, 420):
        d.ellipse([x - 50, 1120, x + 50, 1220], fill=(30, 30, 30))
    d.line([(540, 1000), (540, 1180)], fill=(250, 250, 250), width=12)  # stop line
    person(d, 1160, 860, 1.3, (160, 60, 90), hair=(210, 210, 210), legs=(60, 60, 70), stride=0.5)  # grandmother
    person(d, 1320, 960, 0.85, (250, 190, 40), legs=(40, 70, 140), stride=0.6)  # child
    d.line([(1210, 1010), (1290, 1050)], fill=(214, 172, 140), width=14)  # holding hands
    for k in range(6):  # a little heart between car and walkers
        d.ellipse([700, 860, 760, 920], fill=red)
        d.ellipse([750, 860, 810, 920], fill=red)
        d.polygon([(702, 900), (808, 900), (755, 970)], fill=red)
    text_centre(d, w / 2, 1560, "江城市精神文明建设指导委员会办公室  江城日报社  宣", font("sans-bold.ttf", 50), green)
    return img


ADS: dict[str, tuple[Callable[[random.Random], Image.Image], int]] = {
    "ad-bank.png": (ad_bank, 20261201),
    "ad-appliance.png": (ad_appliance, 20261202),
    "ad-public.png": (ad_public, 20261203),
}


def main(argv: list[str]) -> int:
    default = ROOT / "issues" / "2026-11-28-broadsheet" / "images"
    outdir = Path(argv[1]) if len(argv) > 1 else default
    outdir.mkdir(parents=True, exist_ok=True)
    for name, (draw, seed) in PHOTOS.items():
        img = draw(random.Random(seed)).convert("RGB")
        path = outdir / name
        img.save(path, "JPEG", quality=85, optimize=False, progressive=False, subsampling="4:2:0")
        print(f"{path}  {img.size[0]}x{img.size[1]}")
    for name, (draw, seed) in ADS.items():
        img = draw(random.Random(seed)).convert("RGB")
        path = outdir / name
        img.save(path, "PNG", optimize=False)
        print(f"{path}  {img.size[0]}x{img.size[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

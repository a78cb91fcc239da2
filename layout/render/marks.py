"""Printer's marks outside the bleed: crop marks, registration targets, a colour bar and a slug line.

`draw_marks(c, page, slug_text)` draws on a reportlab canvas whose page is
`MARKS_MARGIN` larger than the bleed box on every side; `page` gives the trim
and bleed rectangles in PDF coordinates (points, origin bottom-left). Crop
and registration marks are in the `All` separation (every plate); the colour
bar holds solids, overprints and tints in DeviceCMYK. Nothing is drawn inside
the bleed box, so the marks never reach the printed page.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import CMYKColor, CMYKColorSep
from reportlab.pdfgen.canvas import Canvas

#: Room for marks beyond the bleed on every side (pt): 12.7 mm.
MARKS_MARGIN = 36.0
_GAP = 3.0          # crop marks start this far outside the bleed
_CROP_LEN = 18.0
_LINE = 0.25
_PATCH = 12.0
REGISTRATION = CMYKColorSep(1, 1, 1, 1, spotName="All", density=1)

#: The colour bar, left to right: solids, two-colour overprints, tints (CMYK 0..1).
COLOUR_BAR = (
    (1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1),
    (1, 1, 0, 0), (1, 0, 1, 0), (0, 1, 1, 0),
    (.5, 0, 0, 0), (0, .5, 0, 0), (0, 0, .5, 0),
    (0, 0, 0, .75), (0, 0, 0, .5), (0, 0, 0, .25), (0, 0, 0, .1),
)


@dataclass(frozen=True)
class PageGeometry:
    """Rectangles of one sheet in PDF coordinates: (x0, y0, x1, y1)."""

    media: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]
    trim: tuple[float, float, float, float]


def geometry(trim_w: float, trim_h: float, bleed: float, marks: bool) -> PageGeometry:
    """MediaBox = trim + bleed (+ MARKS_MARGIN on every side when marks are asked for)."""
    m = MARKS_MARGIN if marks else 0.0
    W, H = trim_w + 2 * (bleed + m), trim_h + 2 * (bleed + m)
    return PageGeometry((0.0, 0.0, W, H), (m, m, W - m, H - m), (m + bleed, m + bleed, W - m - bleed, H - m - bleed))


def draw_marks(c: Canvas, page: PageGeometry, slug_text=None) -> None:
    """Crop and registration marks and the colour bar outside the bleed; `slug_text(x, y)`, if
    given, draws the slug line (the page's name and print condition) above the top bleed."""
    c.saveState()
    c.setLineWidth(_LINE)
    c.setStrokeColor(REGISTRATION)
    c.setFillColor(REGISTRATION)
    _crop_marks(c, page)
    _registration_targets(c, page)
    c.restoreState()
    _colour_bar(c, page)
    if slug_text is not None:
        c.saveState()
        c.setFillColor(CMYKColor(0, 0, 0, 1))
        _, _, _, by1 = page.bleed
        slug_text(page.trim[0] + 4, by1 + _GAP + 2)   # right of the left crop mark, not across it
        c.restoreState()


def _crop_marks(c: Canvas, page: PageGeometry) -> None:
    tx0, ty0, tx1, ty1 = page.trim
    bx0, by0, bx1, by1 = page.bleed
    for x in (tx0, tx1):
        for y0, y1 in ((by0 - _GAP - _CROP_LEN, by0 - _GAP), (by1 + _GAP, by1 + _GAP + _CROP_LEN)):
            c.line(x, y0, x, y1)
    for y in (ty0, ty1):
        for x0, x1 in ((bx0 - _GAP - _CROP_LEN, bx0 - _GAP), (bx1 + _GAP, bx1 + _GAP + _CROP_LEN)):
            c.line(x0, y, x1, y)


def _target(c: Canvas, x: float, y: float, r: float = 5.0) -> None:
    c.circle(x, y, r, stroke=1, fill=0)
    c.circle(x, y, r / 2.5, stroke=0, fill=1)
    c.line(x - r * 1.6, y, x + r * 1.6, y)
    c.line(x, y - r * 1.6, x, y + r * 1.6)


def _registration_targets(c: Canvas, page: PageGeometry) -> None:
    tx0, ty0, tx1, ty1 = page.trim
    bx0, by0, bx1, by1 = page.bleed
    mid = _GAP + _CROP_LEN / 2
    cx, cy = (tx0 + tx1) / 2, (ty0 + ty1) / 2
    _target(c, cx, by1 + mid)
    _target(c, bx1 + mid, cy)
    _target(c, bx0 - mid, cy)
    # the foot carries the colour bar in the middle: targets at a third and two thirds
    _target(c, tx0 + (tx1 - tx0) / 6, by0 - mid)
    _target(c, tx1 - (tx1 - tx0) / 6, by0 - mid)


def _colour_bar(c: Canvas, page: PageGeometry) -> None:
    tx0, _, tx1, _ = page.trim
    _, by0, _, _ = page.bleed
    total = len(COLOUR_BAR) * _PATCH
    x = (tx0 + tx1) / 2 - total / 2
    y = by0 - _GAP - _CROP_LEN / 2 - _PATCH / 2
    c.saveState()
    for cmyk in COLOUR_BAR:
        c.setFillColorCMYK(*cmyk)
        c.rect(x, y, _PATCH, _PATCH, stroke=0, fill=1)
        x += _PATCH
    c.restoreState()

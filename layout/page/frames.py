"""Page frames: the positioned result of layout, ready for any backend.

Coordinates are points on the trim page, origin at the trim's top-left, y
growing downwards; a glyph's y is its baseline. Backends (PDF, preview) only
draw what these say. `frame_to_json` dumps a frame for golden tests.
"""
from __future__ import annotations

from dataclasses import dataclass, asdict, fields

CMYK = tuple[float, float, float, float]
BLACK: CMYK = (0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs of one font and size; `xs[i]` is the origin of `text[i]`.

    `writing` says how the glyphs stand (the backend only follows it):
    "h" horizontal: every origin on the baseline `y`;
    "v" a vertical line's upright glyphs in their vertical forms (`vert`/`vrt2`): (xs[i], ys[i]) is
        glyph i's vertical origin, the middle of the top edge of its em box; the line reads down;
    "r" set on its side, turned 90° clockwise (Latin in a vertical line): (xs[i], ys[i]) is glyph
        i's origin on a baseline that runs down the page, the glyph's top towards +x;
    "t" a 縦中横 number in a vertical line: upright glyphs side by side, placed as "h" (origins on
        the baseline `y`); the backend keeps them in their line's text (one em of it).
    `y` is ys[0] for "v" and "r" runs."""

    font: str
    size: float
    y: float
    text: str
    xs: tuple[float, ...]
    color: CMYK = BLACK
    role: str = "body"
    writing: str = "h"
    ys: tuple[float, ...] = ()


def run_bounds(run: GlyphRun) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) the em boxes of a run's glyphs cover, in frame coordinates."""
    s = run.size
    if run.writing == "v":
        return min(run.xs) - s / 2, run.ys[0], max(run.xs) + s / 2, run.ys[-1] + s
    if run.writing == "r":
        return min(run.xs) - 0.12 * s, run.ys[0], max(run.xs) + 0.88 * s, run.ys[-1] + 0.6 * s
    return run.xs[0], run.y - 0.88 * s, run.xs[-1] + s, run.y + 0.12 * s


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5
    color: CMYK = BLACK


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    width: float = 0.5
    color: CMYK = BLACK


@dataclass(frozen=True)
class Image:
    """A photo in a frame; `crop` is the source rectangle (left, top, right, bottom) in pixels."""

    path: str
    x: float
    y: float
    w: float
    h: float
    crop: tuple[int, int, int, int]


@dataclass(frozen=True)
class Anchor:
    """Where a story or continuation begins (PDF outlines, EPUB page-list)."""

    kind: str      # story | continuation
    article: str
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class Mark:
    """Drawn only in the preview overlay: regions, overset flags."""

    kind: str      # region | overset | underset
    x: float
    y: float
    w: float
    h: float
    label: str = ""


Item = GlyphRun | Rule | Box | Image | Anchor | Mark


@dataclass(frozen=True)
class PageFrame:
    number: int
    section: str
    width: float
    height: float
    bleed: float
    items: tuple[Item, ...]


def _round(value):
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, (tuple, list)):
        return [_round(v) for v in value]
    return value


#: GlyphRun fields left out of the JSON where they hold their horizontal defaults (older dumps had none)
_HORIZONTAL_DEFAULTS = {"writing": "h", "ys": ()}


def frame_to_json(frame: PageFrame) -> dict:
    """A frame as plain JSON data, numbers rounded to 0.01 pt."""
    items = []
    for item in frame.items:
        d = {"type": type(item).__name__}
        d.update({f.name: _round(getattr(item, f.name)) for f in fields(item)
                  if not (f.name in _HORIZONTAL_DEFAULTS and getattr(item, f.name) == _HORIZONTAL_DEFAULTS[f.name])})
        items.append(d)
    head = {k: _round(v) for k, v in asdict(frame).items() if k != "items"}
    return {**head, "items": items}

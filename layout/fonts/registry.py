"""Font faces: where a face's file is, what it covers, and its metrics.

`load_face(ref)` takes a bundled face key (`serif-regular` -> fonts/serif-regular.ttf)
or a path to a TrueType file and returns a cached `Face`: its cmap coverage,
advance widths in em and vertical metrics. `Face` implements the composer's
`Metrics` protocol, so per-character cost in the composer is a dict lookup.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from layout import FONTS_DIR

#: The bundled faces in fallback order, by class (serif/Song, sans/Hei, kai).
BUNDLED = ("serif-regular", "serif-bold", "sans-regular", "sans-bold", "kai-regular")
#: Printed in place of a character no face has (the geta mark, the print shop's sign for a missing sort).
GETA = "\u3013"


def face_class(key: str) -> str:
    """'serif-bold' -> 'serif'; used to prefer a fallback of the same class."""
    return key.split("-")[0]


def bundled_path(key: str) -> Path:
    return FONTS_DIR / f"{key}.ttf"


@dataclass(frozen=True, eq=False)
class Face:
    """A TrueType face: name, file, coverage and metrics (advances in em)."""

    key: str
    path: Path
    ps_name: str
    advances: dict[str, float] = field(repr=False)
    ascent: float = 0.88
    descent: float = -0.12

    def has(self, ch: str) -> bool:
        return ch in self.advances

    # -- the composer's Metrics protocol --------------------------------------
    def advance(self, ch: str) -> float:
        adv = self.advances.get(ch)
        if adv is not None:
            return adv
        return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5

    def kern(self, left: str, right: str) -> float:
        return 0.0

    def half_shift(self, ch: str) -> float | None:
        return None


@lru_cache(maxsize=64)
def load_face(ref: str) -> Face:
    """A bundled key or a .ttf path -> Face (cached). Raises OSError for a missing or unreadable file."""
    path = bundled_path(ref) if ref in BUNDLED or "/" not in ref and not ref.endswith((".ttf", ".otf")) else Path(ref)
    font = TTFont(str(path), lazy=True)
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    cmap = font.getBestCmap()
    advances = {chr(cp): hmtx[gname][0] / upm for cp, gname in cmap.items() if gname in hmtx}
    os2 = font["OS/2"] if "OS/2" in font else None
    ascent = (os2.sTypoAscender / upm) if os2 else 0.88
    descent = (os2.sTypoDescender / upm) if os2 else -0.12
    ps_name = font["name"].getDebugName(6) or path.stem
    font.close()
    return Face(key=ref, path=path, ps_name=ps_name, advances=advances, ascent=ascent, descent=descent)

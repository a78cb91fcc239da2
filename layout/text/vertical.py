"""Vertical setting (竖排) for the composer: which characters stand upright, and their advances.

Takes: a face's horizontal `Metrics` (advances in em) and, for upright
characters, the face's vertical advances (`vmtx`, read through harfbuzz by
`layout.fonts.registry.vertical_advance`). Returns: `VerticalMetrics`, a
`Metrics` whose advances are measured down the line, so the composer
(`items`, `breaking`, `justify`) breaks and justifies a vertical line exactly
as a horizontal one (TYPOGRAPHY §1–4): prohibitions, compression, no 孤字,
total fit.

* Upright (`upright`): Han, kana, full-width forms and Chinese punctuation
  (the face's `vert`/`vrt2` forms are drawn: 。，、 in the upper right,
  brackets and quotes turned, —— and …… vertical); advance = the glyph's
  vertical advance, 1 em where the face has no `vmtx` (a CJK face's em box).
* Rotated 90° clockwise: Latin words, long numbers and the rest of the
  proportional characters, set on their side and measured by their
  horizontal advance.
* Numbers of up to `tcy_max` digits (縦中横) are grouped by `items` into one
  upright cluster one em long (`TCY_DIGITS`).
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from layout.text.classes import CharClass, classify

#: Classes set upright whatever their East Asian width (their vertical forms come from `vert`).
_UPRIGHT_CLASSES = frozenset({CharClass.HAN, CharClass.OPEN, CharClass.CLOSE, CharClass.STOP, CharClass.PAUSE,
                              CharClass.MIDDOT, CharClass.DASH, CharClass.ELLIPSIS, CharClass.IDSP})
#: Characters that make a 縦中横 number (ASCII digits: full-width digits are upright anyway).
TCY_DIGITS = frozenset("0123456789")


@lru_cache(maxsize=4096)
def upright(ch: str) -> bool:
    """Whether `ch` (or a cluster's base) stands upright in a vertical line (else it is set on its side)."""
    base = ch[0]
    if classify(base) in _UPRIGHT_CLASSES:
        return True
    return unicodedata.east_asian_width(base) in ("W", "F")


def is_tcy(text: str) -> bool:
    """Whether a glyph's text is a 縦中横 number (digits grouped upright into one em)."""
    return bool(text) and all(ch in TCY_DIGITS for ch in text)


class VerticalMetrics:
    """A face's metrics along a vertical line (see the module docstring). `vadvance(ch)` gives the
    face's vertical advance in em, or None where the face has no vertical metrics."""

    __slots__ = ("face", "vadvance")

    def __init__(self, face, vadvance):
        self.face = face
        self.vadvance = vadvance

    def advance(self, ch: str) -> float:
        if upright(ch):
            v = self.vadvance(ch)
            return 1.0 if v is None else v
        return self.face.advance(ch)

    def kern(self, left: str, right: str) -> float:
        if upright(left) or upright(right):
            return 0.0
        return self.face.kern(left, right)

    def half_shift(self, ch: str) -> float | None:
        return None   # from the mark's class: the vertical forms keep the horizontal ones' halves in order

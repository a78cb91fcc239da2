"""The composer's data: what goes in (runs, styles, settings) and what comes out (lines of glyphs).

Takes nothing; defines frozen dataclasses only. `compose.py` re-exports every
name here, so other stages import them from `layout.text.compose`.

Units: `TextStyle.size`, `Glyph.x`, `Glyph.advance`, `Line.width` and
`Line.measure` are in points; `Metrics` answers in em (1.0 = the font size).

Line.text and spaces
--------------------
Spaces (U+0020, tabs, newlines, no-break and thin spaces, ZWSP …: the SPACE
class of `classes.py`) are glue, not glyphs. `Line.text` is the text of the
line exactly as it stands in the paragraph, *including* the spaces inside the
line, *excluding* the spaces at which the line was broken (and any spaces at
the start or end of the paragraph). So:

* ``"".join(g.text for g in line.glyphs)`` equals ``line.text`` with its
  SPACE-class characters removed (U+3000 is a one-em box, hence a glyph);
* joining the lines' texts gives back the paragraph text with the spaces at
  line ends dropped (and nothing else changed).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, runtime_checkable

from layout.text.classes import LANGS, LEVELS, PUNCTUATION_STYLES

ALIGNS = ("justify", "left", "center", "right")


@runtime_checkable
class Metrics(Protocol):
    """What the composer needs to know of a font. All answers in em; results are cached per object."""

    def advance(self, ch: str) -> float: ...      # advance of ch in em (1.0 = font size); Han = 1.0

    def kern(self, left: str, right: str) -> float: ...   # em, 0.0 when none

    def half_shift(self, ch: str) -> float | None: ...
    # from the font's `halt`: x-shift in em to apply when ch is set half-width (e.g. -0.5 for an
    # opening bracket in a SC font); None = derive it from the mark's class


@dataclass(frozen=True)
class TextStyle:
    font: str            # font key used by the renderer (opaque to the composer)
    size: float          # pt
    metrics: Metrics = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Run:
    text: str
    style: TextStyle


@dataclass(frozen=True)
class ComposeSettings:
    linebreak: str = "gb"            # none | basic | gb | strict
    punctuation: str = "kaiming"     # quanjiao | kaiming | banjiao
    lang: str = "zh-CN"              # zh-CN | zh-TW | zh-HK (TW/HK: centred 。，、；：？！ keep a full em)
    indent: float = 2.0              # first-line indent in em of the first run's size
    align: str = "justify"           # justify | left | center | right
    min_last_line: int = 2           # content characters the last line must hold (when it is not the first)
    vertical: bool = False           # a vertical line (竖排): numbers of up to tcy_max digits are one upright em
    tcy_max: int = 2                 # 縦中横: the longest number set upright side by side (vertical only)

    def __post_init__(self) -> None:
        for name, allowed in (("linebreak", LEVELS), ("punctuation", PUNCTUATION_STYLES),
                              ("lang", LANGS), ("align", ALIGNS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"ComposeSettings.{name}={getattr(self, name)!r}: expected one of {allowed}")


class Glyph(NamedTuple):
    """One placed glyph of a line (a named tuple: a line makes one per character, so it is made
    as cheaply as Python allows)."""

    text: str          # the character(s) drawn: one character, or a base with its combining marks
    x: float           # pt from the line's left edge: where to place the glyph's ORIGIN (includes any halt shift)
    advance: float     # pt of line space the glyph occupies after compression (justification gaps excluded)
    style: TextStyle


@dataclass(frozen=True, slots=True)
class Line:
    glyphs: tuple[Glyph, ...]
    width: float       # pt from the line's left edge to the right edge of its last glyph's occupied space
    measure: float     # the measure it was set to
    last: bool         # last line of its paragraph
    text: str          # the line's characters in order, inner spaces included (see the module docstring)
    emergency: bool = False   # set where no legal break or fit existed: a prohibited break or an overfull line

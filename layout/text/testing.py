"""Fixed test metrics and helpers to look at composed lines, for tests and debugging.

Takes: nothing (FixedMetrics) or composed `Line`s (the helpers). Returns:
metrics that make every rule test independent of a font, and plain-text
pictures of lines.

`FixedMetrics`: every Han glyph and full-width mark is 1 em (the two- and
three-em dashes ⸺ ⸻ 2 and 3 em), printable ASCII letters, digits and
punctuation 0.5 em, the space 0.25 em; no kerning; no `halt` data
(half-width positions are derived from the mark's class).
"""
from __future__ import annotations

from dataclasses import dataclass

from layout.text.model import Line, Run, TextStyle


@dataclass(frozen=True)
class FixedMetrics:
    """Font-free metrics: Han and full-width marks 1 em, ASCII 0.5 em, space 0.25 em."""

    space: float = 0.25
    ascii: float = 0.5
    wide: float = 1.0

    def advance(self, ch: str) -> float:
        if ch == " " or ch == "\u00a0":
            return self.space
        if "\u0021" <= ch <= "\u007e":
            return self.ascii
        if ch in "\u200b\u2060\ufeff\u00ad":
            return 0.0
        if ch == "⸺":
            return 2 * self.wide
        if ch == "⸻":
            return 3 * self.wide
        return self.wide

    def kern(self, left: str, right: str) -> float:
        return 0.0

    def half_shift(self, ch: str) -> float | None:
        return None


FIXED = FixedMetrics()


def style(size: float = 10.0, font: str = "test", metrics=FIXED) -> TextStyle:
    """A TextStyle with fixed metrics."""
    return TextStyle(font=font, size=size, metrics=metrics)


def runs(text: str, size: float = 10.0) -> list[Run]:
    """One run of `text` in the fixed test style."""
    return [Run(text, style(size))]


def picture(lines: tuple[Line, ...], measure: float) -> str:
    """Lines as text, '|' after a line that reaches the measure, and its width in em of the first glyph."""
    out = []
    for line in lines:
        mark = "|" if abs(line.width - measure) <= 0.01 else ""
        em = line.glyphs[0].style.size if line.glyphs else 1.0
        out.append(f"{line.text}{mark}    [{line.width / em:g} em{' !' if line.emergency else ''}]")
    return "\n".join(out)


def glyph_table(line: Line) -> str:
    """'char@x/advance' in em for every glyph of a line."""
    em = line.glyphs[0].style.size if line.glyphs else 1.0
    return " ".join(f"{g.text}@{g.x / em:g}/{g.advance / em:g}" for g in line.glyphs)

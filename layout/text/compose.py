"""The Chinese paragraph composer: runs + measure + settings -> justified lines of positioned glyphs.

Takes: a sequence of `Run`s (text in a `TextStyle`; several styles may mix,
e.g. a bold dateline running into the paragraph), the measure in points and
`ComposeSettings`. Returns: a tuple of `Line`s (empty for a paragraph with no
characters). The text is composed as given: normalise it first
(`layout.text.normalize`) when it comes from a paste.

Pipeline (each step a pure function over frozen-by-convention data):

1. `items.build_items`: glyphs and gaps; punctuation widths decided *before*
   breaking (clreq §6.3.2 [§3.1.6]); Han–Latin ¼ em (clreq §6.3.3 [§3.2]);
   legal breaks by the prohibition level (clreq §6.1.1 [§3.1.7], §6.1.2).
2. `breaking.find_breaks`: Knuth–Plass total fit for the whole paragraph,
   with the first line shortened by the indent (clreq #first_line_indents)
   and no last line holding fewer than `min_last_line` content characters
   (a single Han plus its marks takes one from the line above).
3. `justify.set_line`: the TYPOGRAPHY §4 shrink/stretch order; justified
   lines end exactly at the measure, the last line is flush left at natural
   spacing.

A column N Han wide holds exactly N Han on a pure-Han line, with no added
space: the glyphs sit on the character grid. Nothing is lost or added: see
`model.py` for how `Line.text` treats spaces. Where no legal break or fit
exists the composer still returns lines and sets `Line.emergency`.

Headlines: `compose_headline` (in `headline.py`, re-exported here).
"""
from __future__ import annotations

from typing import Sequence

from layout.text.breaking import find_breaks
from layout.text.headline import compose_headline
from layout.text.items import build_items
from layout.text.justify import set_line
from layout.text.model import ComposeSettings, Glyph, Line, Metrics, Run, TextStyle

__all__ = [
    "ComposeSettings", "Glyph", "Line", "Metrics", "Run", "TextStyle",
    "compose_headline", "compose_paragraph",
]

_DEFAULT = ComposeSettings()


def compose_paragraph(runs: Sequence[Run], measure: float,
                      settings: ComposeSettings = _DEFAULT) -> tuple[Line, ...]:
    """Compose one paragraph into lines `measure` points wide (see the module docstring)."""
    runs = [r for r in runs if r.text]
    if not runs:
        return ()
    it = build_items(runs, settings)
    n = it.n
    if n == 0:
        return ()
    indent = settings.indent * runs[0].style.size
    avail_first = measure - indent
    justify = settings.align == "justify"
    breaks = find_breaks(it, avail_first, measure, justify=justify, min_last_line=settings.min_last_line)
    lines = []
    a = 0
    align = settings.align
    for i, b in enumerate(breaks.ends):
        first = i == 0
        lines.append(set_line(it, a, b, indent if first else 0.0, avail_first if first else measure, measure,
                              justify=justify, last=b == n, align=align, emergency=breaks.emergency[i]))
        a = b
    return tuple(lines)

"""Chinese text: character classes (clreq tables), input normalisation, paragraph and headline composition.

Takes: paragraph text as runs of styled text. Returns: normalised text with
the list of changes (`normalize`), and lines of positioned glyphs
(`compose_paragraph`, `compose_headline`).

Modules: `classes` (character classes and prohibition sets as data),
`normalize` (TYPOGRAPHY §5), `model` (the data types), `items` (glyphs, gaps,
widths, break opportunities), `breaking` (Knuth–Plass total fit),
`justify` (setting a line), `compose` (paragraphs), `headline` (headlines),
`testing` (fixed metrics for tests).
"""
from layout.text.compose import (
    ComposeSettings, Glyph, Line, Metrics, Run, TextStyle, compose_headline, compose_paragraph,
)
from layout.text.normalize import Change, normalize, normalize_runs

__all__ = [
    "Change", "ComposeSettings", "Glyph", "Line", "Metrics", "Run", "TextStyle",
    "compose_headline", "compose_paragraph", "normalize", "normalize_runs",
]

"""Setting text for the page: roles -> composer runs -> lines -> glyph runs.

A `Typesetter` takes the style, the edition's language and the report, and
turns text in a role (body, headline, caption …) into composed `Line`s via
`layout.text.compose`, choosing a face per character: the role's face, else
the style's fallback faces and the bundled faces (same class first), else the
geta mark 〓 with an error naming the character. `glyph_runs` turns a line into
positioned `GlyphRun`s for the frame.
"""
from __future__ import annotations

from functools import lru_cache

from layout.diagnostics import Report, Source
from layout.fonts.registry import BUNDLED, GETA, Face, face_class, load_face
from layout.page.frames import GlyphRun
from layout.style import Style
from layout.text.compose import ComposeSettings, Line, Run, TextStyle, compose_headline, compose_paragraph

_NO_GLYPH_NEEDED = {" ", "\u3000", "\n", "\t", "\u200b"}


class Typesetter:
    def __init__(self, style: Style, lang: str, report: Report):
        self.style = style
        self.lang = lang
        self.report = report
        self.settings = ComposeSettings(linebreak=style.linebreak, punctuation=style.punctuation, lang=lang)
        self._styles: dict[tuple[str, float], TextStyle] = {}
        self.fallback_used: dict[str, str] = {}   # char -> face key it came from
        self.missing: dict[str, list[Source | None]] = {}

    # -- faces -------------------------------------------------------------
    def face(self, key: str) -> Face:
        return load_face(key)

    def text_style(self, font: str, size: float) -> TextStyle:
        key = (font, size)
        if key not in self._styles:
            self._styles[key] = TextStyle(font=font, size=size, metrics=self.face(font))
        return self._styles[key]

    @lru_cache(maxsize=None)
    def _chain(self, primary: str) -> tuple[str, ...]:
        """Fallback order for a face: style fallbacks, then bundled faces of its class, then the rest."""
        same = [k for k in BUNDLED if face_class(k) == face_class(primary)]
        rest = [k for k in BUNDLED if k not in same]
        chain = [*self.style.fallback, *same, *rest]
        return tuple(dict.fromkeys(k for k in chain if k != primary))

    def font_for(self, ch: str, primary: str) -> str | None:
        if ch in _NO_GLYPH_NEEDED or self.face(primary).has(ch):
            return primary
        for key in self._chain(primary):
            try:
                if self.face(key).has(ch):
                    self.fallback_used.setdefault(ch, key)
                    return key
            except OSError:
                continue
        return None

    # -- runs ----------------------------------------------------------------
    def runs(self, text: str, role: str, *, bold: bool = False, size: float | None = None,
             where: Source | None = None, article: str = "") -> list[Run]:
        """Text in a role -> runs, split where a character needs another face."""
        r = self.style.role(role)
        font = _bold_of(r.font) if bold else r.font
        size = size or r.size
        out: list[Run] = []
        buf, buf_font = [], font
        for ch in text:
            use = self.font_for(ch, font)
            if use is None:
                self._missing(ch, where, article)
                ch, use = GETA, self.font_for(GETA, font) or font
            if use != buf_font and buf:
                out.append(Run("".join(buf), self.text_style(buf_font, size)))
                buf = []
            buf_font = use
            buf.append(ch)
        if buf:
            out.append(Run("".join(buf), self.text_style(buf_font, size)))
        return out

    def _missing(self, ch: str, where: Source | None, article: str) -> None:
        seen = self.missing.setdefault(ch, [])
        if where in seen:
            return
        seen.append(where)
        self.report.error(
            "missing-glyph",
            f"no font has U+{ord(ch):04X} '{ch}'" + (f" (story '{article}')" if article else "") + "; printed as 〓",
            where,
            "install a face that has it and name it under 'fallback:' in the style, or check the character",
        )

    # -- composing ---------------------------------------------------------------
    def paragraph(self, runs: list[Run], measure: float, *, align: str = "justify", indent: float = 2.0) -> tuple[Line, ...]:
        settings = _with(self.settings, align=align, indent=indent)
        return compose_paragraph(runs, measure, settings)

    def headline(self, runs: list[Run], measure: float, *, align: str = "center",
                 max_lines: int | None = None) -> tuple[Line, ...]:
        settings = _with(self.settings, align=align, indent=0.0)
        return compose_headline(runs, measure, settings, max_lines=max_lines)


def _with(settings: ComposeSettings, **changes) -> ComposeSettings:
    from dataclasses import replace

    return replace(settings, **changes)


def _bold_of(font: str) -> str:
    if font.endswith("-regular") and font.replace("-regular", "-bold") in BUNDLED:
        return font.replace("-regular", "-bold")
    return font


def glyph_runs(line: Line, x0: float, baseline: float, color, role: str) -> list[GlyphRun]:
    """A composed line placed at (x0, baseline) -> GlyphRuns, one per font and size."""
    out: list[GlyphRun] = []
    text: list[str] = []
    xs: list[float] = []
    current = None
    for g in line.glyphs:
        if not g.text.strip():
            continue
        key = (g.style.font, g.style.size)
        if key != current and text:
            out.append(GlyphRun(current[0], current[1], baseline, "".join(text), tuple(xs), color, role))
            text, xs = [], []
        current = key
        for i, ch in enumerate(g.text):
            text.append(ch)
            xs.append(x0 + g.x + (g.advance / len(g.text)) * i)
    if text:
        out.append(GlyphRun(current[0], current[1], baseline, "".join(text), tuple(xs), color, role))
    return out

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
from layout.fonts.discovery import MAX_FONT_DIR_DEPTH, MAX_FONT_DIR_ENTRIES, font_dirs, font_index
from layout.fonts.registry import BUNDLED, GETA, Face, FontNotFound, face_class, load_face, load_indexed
from layout.manifest.chars import character_source
from layout.memo import MEMO
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
        self._faces: dict[str, Face] = {}
        self._font_for: dict[tuple[str, str], str | None] = {}
        self.fallback_used: dict[tuple[str, str], str] = {}   # (char, role's face) -> face key it came from
        self.missing: dict[str, list] = {}        # char -> [(article, source)]
        self.used: dict[str, set[str]] = {}       # face key -> characters set in it
        self.broken_faces: dict[str, str] = {}    # face reference -> why it cannot be used
        self._whole: set[tuple[str, str]] = set()  # (face key, text) found all in that face, its characters in `used`
        self._check_faces()

    # -- faces -------------------------------------------------------------
    def face(self, key: str) -> Face:
        face = self._faces.get(key)
        if face is None:   # asked for with every run: the registry's lookup hashes paths each time
            face = self._faces[key] = load_face(key, self.style.base_dir, self.style.font_dirs)
        return face

    def _usable(self, key: str) -> bool:
        if key in self.broken_faces:
            return False
        try:
            self.face(key)
        except FontNotFound as exc:
            self.broken_faces[key] = str(exc)
            return False
        return True

    def _check_faces(self) -> None:
        """Every face the style names must be found: an error at the style's line otherwise."""
        named = [(role.font, ("roles", name)) for name, role in self.style.roles.items()]
        named += [(ref, ("fallback", i)) for i, ref in enumerate(self.style.fallback)]
        for ref, where in named:
            if not self._usable(ref):
                self.report.error("font-not-found", f"{self.broken_faces[ref]} (style '{self.style.name}')",
                                  self.style.sources.get(where), self._face_hint(ref))
        if self.style.font_dirs:   # the style's own folders: say when one is too large to search whole
            index = font_index(font_dirs(self.style.font_dirs))
            for folder in index.cut_short:
                self.report.warning("font-dir-too-large", f"font folder {folder} was searched only in part (over "
                                    f"{MAX_FONT_DIR_ENTRIES:,} entries or {MAX_FONT_DIR_DEPTH} folders deep)",
                                    self.style.sources.get(("font_dirs",)),
                                    "name the folder that holds the font files, not one above it")

    def _face_hint(self, ref: str) -> str:
        """The hint for a face that cannot be found: the closest bundled or installed name, and the
        commands that list them."""
        from layout.diagnostics import did_you_mean
        from layout.fonts.report import installed_names

        close = did_you_mean(ref, [*BUNDLED, *installed_names(self.style.font_dirs)])
        return ((close + " " if close else "")
                + "name a bundled face (serif-regular, sans-bold …; `layout fonts` lists them), a font file, or an "
                "installed face's name (`layout fonts --installed` lists the faces installed here)")

    def text_style(self, font: str, size: float) -> TextStyle:
        key = (font, size)
        if key not in self._styles:
            self._styles[key] = TextStyle(font=font, size=size, metrics=self.face(font))
        return self._styles[key]

    @lru_cache(maxsize=None)
    def _chain(self, primary: str) -> tuple[str, ...]:
        """Fallback order: the style's fallback list, then bundled faces of the same class, then the rest."""
        cls = self.face(primary).cls if self._usable(primary) else face_class(primary)
        same = [k for k in BUNDLED if face_class(k) == cls]
        rest = [k for k in BUNDLED if k not in same]
        chain = [*self.style.fallback, *same, *rest]
        return tuple(k for k in dict.fromkeys(chain) if k != primary and self._usable(k))

    def font_for(self, ch: str, primary: str) -> str | None:
        """The face a character is set in: the role's, else the first in the fallback chain that has it,
        else an installed face of the same class that has it; None when no face has it."""
        key = (ch, primary)
        if key in self._font_for:
            return self._font_for[key]
        found = None
        if ch in _NO_GLYPH_NEEDED or not self._usable(primary) or self.face(primary).has(ch):
            found = primary
        else:
            for other in self._chain(primary):
                if self.face(other).has(ch):
                    found = other
                    break
            else:
                found = self._system_fallback(ch, primary)
            if found is not None:
                self.fallback_used[(ch, primary)] = found
        self._font_for[key] = found
        return found

    def _system_fallback(self, ch: str, primary: str) -> str | None:
        face = self.face(primary)
        bold = any(w in face.name for w in ("Bold", "Heavy", "Black"))
        for candidate in font_index(font_dirs(self.style.font_dirs)).candidates(face.cls, self.lang, bold):
            if not candidate.cjk and "\u2e80" <= ch:
                continue
            try:
                face = load_indexed(candidate)
            except FontNotFound:
                continue
            if face.has(ch):
                return face.key
        return None

    # -- runs ----------------------------------------------------------------
    def runs(self, text: str, role: str, *, bold: bool = False, size: float | None = None,
             where: Source | None = None, article: str = "") -> list[Run]:
        """Text in a role -> runs, split where a character needs another face."""
        font = self._role_font(role, bold)
        size = size or self.style.role(role).size
        if (font, text) in self._whole:   # checked before in this build (the coverage check, then make-up)
            return [Run(text, self.text_style(font, size))] if text else []
        if self._usable(font) and _all_in_face(text, self.face(font).advances):
            # the common case, every character in the role's face: one run, no per-character lookups
            self.used.setdefault(font, set()).update(text)
            self._whole.add((font, text))
            return [Run(text, self.text_style(font, size))] if text else []
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
        for run in out:
            self.used.setdefault(run.style.font, set()).update(run.text)
        return out

    def _role_font(self, role: str, bold: bool) -> str:
        """The face key `runs` sets a role in: its face, or bold face for bold spans; when that
        cannot be used (reported once by _check_faces), the nearest bundled face."""
        r = self.style.role(role)
        font = (self.style.bold_faces.get(r.font) or _bold_of(r.font)) if bold else r.font
        return font if self._usable(font) else self._chain(font)[0]

    def covers(self, chars, role: str, bold: bool = False) -> bool:
        """True when `runs` sets every one of `chars` in `role` in the role's own face (its common
        case: one run, nothing to report), so that a caller may check many texts at once."""
        font = self._role_font(role, bold)
        return self._usable(font) and _all_in(chars, self.face(font).advances)

    def _missing(self, ch: str, where: Source | None, article: str) -> None:
        seen = self.missing.setdefault(ch, [])
        if (article, where) in seen:
            return
        seen.append((article, where))
        self.report.error(
            "missing-glyph",
            f"no font has U+{ord(ch):04X} '{ch}'" + (f" (story '{article}')" if article else "") + "; printed as 〓",
            character_source(where, ch),
            "install a face that has it and name it under 'fallback:' in the style, or check the character",
        )

    # -- composing ---------------------------------------------------------------
    def _settings(self, align: str, indent: float) -> ComposeSettings:
        """The style's settings with this alignment and indent (made once per pair)."""
        made = self.__dict__.setdefault("_settings_made", {})
        found = made.get((align, indent))
        if found is None:
            found = made[(align, indent)] = _with(self.settings, align=align, indent=indent)
        return found

    def paragraph(self, runs: list[Run], measure: float, *, align: str = "justify", indent: float = 2.0) -> tuple[Line, ...]:
        settings = self._settings(align, indent)
        return MEMO.lines("paragraph", runs, measure, settings, None,
                          lambda: compose_paragraph(runs, measure, settings))

    def headline(self, runs: list[Run], measure: float, *, align: str = "center",
                 max_lines: int | None = None) -> tuple[Line, ...]:
        settings = self._settings(align, 0.0)
        return MEMO.lines("headline", runs, measure, settings, max_lines,
                          lambda: compose_headline(runs, measure, settings, max_lines=max_lines))


#: (id of a face's advances, text) of the texts found all in that face, in this process (faces are
#: loaded once per process: `registry.load_face`); the advances are kept beside, so that an id is
#: not reused while remembered
_ALL_IN: set[tuple[int, str]] = set()
_ALL_IN_FACES: dict[int, dict] = {}


def _all_in_face(text: str, covered: dict) -> bool:
    """`_all_in`, remembered when true: a rebuild checks only the texts that changed."""
    key = (id(covered), text)
    if key in _ALL_IN:
        return True
    if not _all_in(text, covered):
        return False
    if len(_ALL_IN) >= 200_000:
        _ALL_IN.clear()
        _ALL_IN_FACES.clear()
    _ALL_IN_FACES[id(covered)] = covered
    _ALL_IN.add(key)
    return True


def _all_in(text: str, covered: dict) -> bool:
    """Every character of `text` is in `covered` (or needs no glyph)."""
    chars = set(text)
    return all(map(covered.__contains__, chars)) or all(ch in covered or ch in _NO_GLYPH_NEEDED for ch in chars)


def _with(settings: ComposeSettings, **changes) -> ComposeSettings:
    from dataclasses import replace

    return replace(settings, **changes)


def _bold_of(font: str) -> str:
    if font.endswith("-regular") and font.replace("-regular", "-bold") in BUNDLED:
        return font.replace("-regular", "-bold")
    return font


#: Glyph runs of lines placed before, by the line (the composition memo hands a rebuild the same
#: Line objects for unchanged paragraphs) and its place, role and colour: (line, runs).
_PLACED: dict[tuple, tuple[Line, tuple[GlyphRun, ...]]] = {}
KEEP_PLACED = 100_000


def glyph_runs(line: Line, x0: float, baseline: float, color, role: str) -> list[GlyphRun]:
    """A composed line placed at (x0, baseline) -> GlyphRuns, one per font and size (remembered
    per line object and place)."""
    key = (id(line), x0, baseline, color, role)
    try:
        found = _PLACED.get(key)
    except TypeError:   # a colour given as a list (a library caller): not remembered
        return _glyph_runs(line, x0, baseline, color, role)
    if found is None or found[0] is not line:
        if len(_PLACED) >= KEEP_PLACED:
            _PLACED.clear()
        found = _PLACED[key] = (line, tuple(_glyph_runs(line, x0, baseline, color, role)))
    return list(found[1])


def _glyph_runs(line: Line, x0: float, baseline: float, color, role: str) -> list[GlyphRun]:
    glyphs = line.glyphs
    if glyphs:   # the common line: one style, one character per glyph, no space -> one run at once
        style = glyphs[0].style
        text = "".join([g.text for g in glyphs])
        if len(text) == len(glyphs) and "".join(text.split()) == text and all([g.style is style for g in glyphs]):
            return [GlyphRun(style.font, style.size, baseline, text, tuple([x0 + g.x for g in glyphs]), color, role)]
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
        # a cluster (a base letter and its combining marks): every character at the base's origin
        for ch in g.text:
            text.append(ch)
            xs.append(x0 + g.x)
    if text:
        out.append(GlyphRun(current[0], current[1], baseline, "".join(text), tuple(xs), color, role))
    return out

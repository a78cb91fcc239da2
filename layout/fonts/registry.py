"""Font faces: finding them, their coverage and metrics, and the file to embed.

`load_face(ref, base_dir, dirs)` takes how a style names a face and returns a
cached `Face`. A reference is one of:

- a bundled face key: `serif-regular`, `serif-bold`, `sans-regular`,
  `sans-bold`, `kai-regular` (fonts/<key>.ttf);
- a path to a TTF/OTF/TTC/OTC file, relative to the style's folder or
  absolute, with `#Face Name` (or `#2`) to pick a face of a collection by
  name (or index): `/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#Noto Serif CJK SC`;
- a face name found in the font folders (`discovery.font_dirs`): family
  (`Noto Serif CJK SC`), family and style (`Noto Serif CJK SC Bold`), full or
  PostScript name, in any language the font names itself in.

`Face` implements the composer's `Metrics` protocol from tables precomputed
at load (advances in em, the `halt` half-width shifts and Latin kerning from
harfbuzz), so the composer's per-character cost is a dict lookup.
`prepare_embedding(face, chars)` makes the TrueType subset reportlab embeds
(converted from CFF where needed, cached); `Face.path` is then that file.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from layout import FONTS_DIR
from layout.fonts import facecache
from layout.fonts.discovery import IndexedFace, classify, font_dirs, font_index

#: The bundled faces in fallback order.
BUNDLED = ("serif-regular", "serif-bold", "sans-regular", "sans-bold", "kai-regular")
#: Printed in place of a character no face has (the geta mark, the print shop's sign for a missing sort).
GETA = "\u3013"
#: Punctuation whose width and position the font's `halt` and `locl` decide (TYPOGRAPHY.md §2).
HALT_CHARS = "，、。．；：？！“”‘’「」『』（）〔〕［］｛｝《》〈〉【】〖〗·・—…⸺"

#: What `_measure` reads of a face, named in its cache key (a change here is a new key): the marks shaped,
#: and their half-width shifts from `halt`, else from their ink (`_ink_shift`).
MEASURED = HALT_CHARS + "|halt-or-ink"

#: Files made for embedding, by face key (filled by `prepare_embedding`).
_EMBED: dict[str, Path] = {}


class FontNotFound(LookupError):
    """A style names a face that is neither bundled, nor a readable file, nor installed."""


def face_class(key: str) -> str:
    """'serif-bold' -> 'serif'; for other faces the class from their names."""
    head = key.split("-")[0]
    return head if key in BUNDLED else classify([key])


def bundled_path(key: str) -> Path:
    return FONTS_DIR / f"{key}.ttf"


@dataclass(frozen=True, eq=False)
class Face:
    """A face: where it comes from, what it covers, its metrics (em units)."""

    key: str
    source: Path
    index: int
    name: str
    ps_name: str
    cls: str
    cff: bool
    advances: dict[str, float] = field(repr=False)
    shifts: dict[str, float] = field(default_factory=dict, repr=False)
    ascent: float = 0.88
    descent: float = -0.12
    upm: int = 1000
    _kern: dict = field(default_factory=dict, repr=False)

    @property
    def bundled(self) -> bool:
        return self.key in BUNDLED

    @property
    def needs_conversion(self) -> bool:
        """True when reportlab cannot embed the source as it is (CFF outlines, or a face in a collection)."""
        return not self.bundled and (self.cff or self.source.suffix.lower() in (".ttc", ".otc") or self.index != 0)

    @property
    def path(self) -> Path:
        """The TrueType file to embed: the subset made by `prepare_embedding`, else the source."""
        return _EMBED.get(self.key, self.source)

    def has(self, ch: str) -> bool:
        return ch in self.advances

    # -- the composer's Metrics protocol ------------------------------------
    def advance(self, ch: str) -> float:
        adv = self.advances.get(ch)
        if adv is not None:
            return adv
        return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5

    def kern(self, left: str, right: str) -> float:
        if left.isascii() and right.isascii() and left.isalpha() and right.isalpha():
            key = left + right
            if key not in self._kern:
                self._kern[key] = _shaped_kern(self, left, right)
            return self._kern[key]
        return 0.0

    def half_shift(self, ch: str) -> float | None:
        return self.shifts.get(ch)


def split_ref(ref: str) -> tuple[str, str | None]:
    """'file.ttc#Face Name' -> ('file.ttc', 'Face Name')."""
    if "#" in ref:
        file, _, selector = ref.partition("#")
        return file, selector.strip() or None
    return ref, None


def _is_path(ref: str) -> bool:
    file, _ = split_ref(ref)
    return "/" in file or "\\" in file or file.lower().endswith((".ttf", ".otf", ".ttc", ".otc"))


def resolve(ref: str, base_dir: Path | None = None, dirs: tuple[Path, ...] = ()) -> tuple[Path, int]:
    """A face reference -> (file, face index). Raises FontNotFound with a reason."""
    if ref in BUNDLED:
        path = bundled_path(ref)
        if not path.is_file():
            raise FontNotFound(f"the bundled face file {path} is missing")
        return path, 0
    if _is_path(ref):
        file, selector = split_ref(ref)
        path = Path(file).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        if not path.is_file():
            raise FontNotFound(f"font file not found: {path}")
        if selector is None:
            return path, 0
        if selector.isdigit():
            return path, int(selector)
        from layout.fonts.convert import find_face_index

        index = find_face_index(path, selector)
        if index is None:
            raise FontNotFound(f"{path.name} has no face named '{selector}'")
        return path, index
    found = font_index(font_dirs(dirs)).find(ref)
    if found is None:
        raise FontNotFound(f"no installed face is named '{ref}'")
    return found.path, found.index


#: Faces by key as first loaded, so backends can ask for a face by the key a frame carries.
_LOADED: dict[str, Face] = {}


def load_face(ref: str, base_dir: Path | None = None, dirs: tuple[Path, ...] = ()) -> Face:
    """A face reference -> Face (cached per process). Raises FontNotFound.
    Called with the key alone, returns the face loaded earlier under that key."""
    if base_dir is None and not dirs and ref in _LOADED:
        return _LOADED[ref]
    face = _load(ref, base_dir, dirs)
    _LOADED.setdefault(ref, face)
    return face


def adopt_face(face: Face) -> None:
    """Make a face loaded by another process (a worker's parent, which sent it pickled) known here
    under its key, as `load_face` would have it, without reading its file again."""
    _LOADED.setdefault(face.key, face)


@lru_cache(maxsize=128)
def _load(ref: str, base_dir: Path | None, dirs: tuple[Path, ...]) -> Face:
    path, index = resolve(ref, base_dir, dirs)
    return _read_face(ref, path, index)


@lru_cache(maxsize=256)
def load_indexed(face: IndexedFace) -> Face:
    """A system face found while looking for a fallback (keyed by 'file#index')."""
    loaded = _read_face(f"{face.path}#{face.index}", face.path, face.index)
    _LOADED.setdefault(loaded.key, loaded)
    return loaded


def _read_face(key: str, path: Path, index: int) -> Face:
    """The face `key` from its file: its metrics as a process read them before (`facecache`), else
    read now (`_measure`) and stored for the next process."""
    record = facecache.recall(path, index, MEASURED)
    if record is None:
        record = _measure(path, index)
        facecache.remember(path, index, record, MEASURED)
    name, ps_name = record.name, record.ps_name
    return Face(
        key=key, source=path, index=index, name=name, ps_name=ps_name,
        cls=face_class(key) if key in BUNDLED else classify([name, ps_name]),
        cff=record.cff, advances=record.advances, shifts=record.shifts, ascent=record.ascent,
        descent=record.descent, upm=record.upm,
    )


def _measure(path: Path, index: int) -> facecache.FaceRecord:
    """Coverage and advances from harfbuzz (C speed: ~10 ms for 8,000 glyphs, where parsing hmtx
    and cmap in Python takes ~250 ms); names, vertical metrics and outline kind from fontTools,
    which reads only those small tables; punctuation as shaped in Chinese text (`_shape_punctuation`)."""
    from layout.fonts.convert import is_cff, open_face

    try:
        hb_font = _hb_font_for(path, index)
        upm = hb_font.face.upem
        advances = {chr(cp): hb_font.get_glyph_h_advance(hb_font.get_nominal_glyph(cp)) / upm
                    for cp in hb_font.face.unicodes}
        font = open_face(path, index)
        os2 = font["OS/2"] if "OS/2" in font else None
        name = font["name"].getDebugName(4) or path.stem
        ps_name = font["name"].getDebugName(6) or path.stem
        cff = is_cff(font)
        ascent = (os2.sTypoAscender / upm) if os2 else 0.88
        descent = (os2.sTypoDescender / upm) if os2 else -0.12
        font.close()
    except MemoryError:   # not the font's fault: the command says so (layout.failure)
        raise
    except Exception as exc:  # noqa: BLE001 - any damage in a font file is the user's to know
        raise FontNotFound(f"cannot read {path}: {exc}") from exc
    face = Face(key="", source=path, index=index, name=name, ps_name=ps_name, cls="", cff=cff,
                advances=advances, ascent=ascent, descent=descent, upm=upm)
    _shape_punctuation(face)
    return facecache.FaceRecord(name, ps_name, cff, face.advances, face.shifts, ascent, descent, upm)


def _hb_font(face: Face):
    return _hb_font_for(face.source, face.index)


@lru_cache(maxsize=32)
def _hb_font_for(path: Path, index: int):
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(str(path))
    return hb.Font(hb.Face(blob, index))


def _shape(font, text: str, features: dict | None = None, script: str | None = None):
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    if script:   # a mark alone is script Common, whose lookups hold no `locl`: shape it as Han text
        buf.script = script
    buf.language = "zh-Hans"
    hb.shape(font, buf, features or {})
    return buf.glyph_positions


def _shape_punctuation(face: Face) -> None:
    """Advances of punctuation as set in Chinese text (`locl`), and the x-shift `halt` gives each."""
    try:
        font = _hb_font(face)
    except Exception:  # noqa: BLE001 - no shaping: the composer derives positions from classes
        return
    for ch in HALT_CHARS:
        if ch not in face.advances:
            continue
        plain = _shape(font, ch, script="Hani")
        if len(plain) != 1:
            continue
        face.advances[ch] = plain[0].x_advance / face.upm
        half = _shape(font, ch, {"halt": True}, script="Hani")
        if len(half) == 1 and half[0].x_advance < plain[0].x_advance * 0.75:
            face.shifts[ch] = half[0].x_offset / face.upm
        else:
            ink = _ink_shift(font, ch, face.advances[ch], face.upm)
            if ink is not None:
                face.shifts[ch] = ink


def _ink_shift(font, ch: str, advance: float, upm: int) -> float | None:
    """For a face without `halt`: the x-shift (em) that keeps the ink of the mark `ch` inside its half
    em when it is set half-width, where the mark's class guesses wrong (a 、 or ， centred in its em,
    as Taiwan-style and some Hei faces draw them, would stick out of the half em that the class
    keeps, the left one for stops, the right one for opening brackets): the ink is centred in the
    half em. None where the class's guess holds the ink (the composer uses it)."""
    from layout.text.classes import COMPRESSIBLE, CharClass, classify

    cls = classify(ch)
    if cls not in COMPRESSIBLE or advance < 0.75:
        return None
    extents = _ink_extents(font, ch)
    if extents is None:
        return None
    left, right = extents[0] / upm, extents[1] / upm
    guess = -(advance - 0.5) if cls == CharClass.OPEN else 0.0
    if left + guess >= -INK_SLACK and right + guess <= 0.5 + INK_SLACK:
        return None
    return min(0.0, max(-(advance - 0.5), 0.25 - (left + right) / 2))


#: How far (em) a mark's ink may stand out of the half em its class keeps before `_ink_shift` moves it.
INK_SLACK = 0.03


def _ink_extents(font, ch: str) -> tuple[int, int] | None:
    """The left and right edge of the ink of `ch` as shaped in Chinese text (font units), or None."""
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(ch)
    buf.guess_segment_properties()
    buf.script = "Hani"
    buf.language = "zh-Hans"
    hb.shape(font, buf, {})
    if len(buf.glyph_infos) != 1:
        return None
    extents = font.get_glyph_extents(buf.glyph_infos[0].codepoint)
    if extents is None or extents.width <= 0:
        return None
    return extents.x_bearing, extents.x_bearing + extents.width


def _shaped_kern(face: Face, left: str, right: str) -> float:
    try:
        font = _hb_font(face)
        pos = _shape(font, left + right, {"kern": True})
        plain = _shape(font, left + right, {"kern": False})
    except Exception:  # noqa: BLE001
        return 0.0
    if len(pos) != 2 or len(plain) != 2:
        return 0.0
    return (pos[0].x_advance - plain[0].x_advance) / face.upm


def prepare_embedding(face: Face, chars, lang: str = "zh-CN") -> tuple[Path, bool]:
    """Make the TrueType file to embed for `face` holding `chars`: (file, came from the cache).
    Bundled faces and plain TrueType files are embedded as they are (reportlab subsets them), unless
    the face's `locl` gives other forms for the edition's language `lang` (zh-TW, zh-HK), which the
    conversion bakes into the file's cmap (layout.fonts.locale)."""
    from layout.fonts.locale import changes_forms

    if not face.needs_conversion and (lang == "zh-CN" or not changes_forms(face, lang)):
        return face.source, True
    from layout.fonts.convert import cached_truetype  # (it imports fontTools: 60 ms a build that converts nothing spares)

    path, cached = cached_truetype(face.source, face.index, frozenset(chars) | {GETA} & set(face.advances), lang)
    _EMBED[face.key] = path
    return path, cached

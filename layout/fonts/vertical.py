"""A face's vertical-writing data, read with harfbuzz: vertical forms (`vert`/`vrt2`) and advances (`vmtx`).

Takes: a `Face` and a character. Returns: `vertical_glyph(face, ch)`, the
glyph a vertical line draws for `ch` (the face's `vert`/`vrt2` substitute,
shaped top to bottom, or its nominal glyph where the face has none);
`vertical_advance(face, ch)`, its vertical advance in em, or None where the
face has no `vmtx` (the composer then takes 1 em, a CJK face's em box);
`has_vertical_forms(face)`, whether the face has a `vert` or `vrt2` feature at
all (the bundled Noto faces do; LXGW WenKai does not).
"""
from __future__ import annotations

from functools import lru_cache

_FEATURES = {"vert": True, "vrt2": True}


@lru_cache(maxsize=64)
def _hb(path, index: int):
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(path)), index)
    return hb.Font(face), face


def _table_present(hb_face, tag: str) -> bool:
    return len(hb_face.reference_table(tag).data) > 0


@lru_cache(maxsize=64)
def _facts(path, index: int) -> tuple[bool, bool]:
    """(has vmtx, has vert or vrt2) of a face file."""
    _font, face = _hb(path, index)
    has_vmtx = _table_present(face, "vmtx") and _table_present(face, "vhea")
    gsub = _table_present(face, "GSUB")
    has_vert = False
    if gsub:
        from fontTools.ttLib import TTFont

        with TTFont(str(path), fontNumber=index, lazy=True) as tt:
            records = tt["GSUB"].table.FeatureList.FeatureRecord if tt["GSUB"].table.FeatureList else []
            has_vert = any(r.FeatureTag in _FEATURES for r in records)
    return has_vmtx, has_vert


def _where(face) -> tuple:
    return face.path, (0 if face.path != face.source else face.index)


def has_vertical_forms(face) -> bool:
    """Whether the face has `vert`/`vrt2` (turned brackets, vertical 。，、 …)."""
    return _facts(*_where(face))[1]


@lru_cache(maxsize=65536)
def _shaped(path, index: int, ch: str) -> tuple[int, int]:
    """(glyph, vertical advance in font units) of `ch` shaped top to bottom with vert/vrt2."""
    import uharfbuzz as hb

    font, _face = _hb(path, index)
    buf = hb.Buffer()
    buf.add_str(ch)
    buf.guess_segment_properties()
    buf.direction = "ttb"
    hb.shape(font, buf, _FEATURES)
    if len(buf.glyph_infos) != 1:
        return font.get_nominal_glyph(ord(ch[0])) or 0, 0
    return buf.glyph_infos[0].codepoint, -buf.glyph_positions[0].y_advance


def vertical_glyph(face, ch: str) -> int:
    """The glyph id (in the face's own file) a vertical line draws for `ch`."""
    return _shaped(*_where(face), ch)[0]


def vertical_advance(face, ch: str) -> float | None:
    """`ch`'s vertical advance in em from the face's `vmtx`; None where the face has none."""
    path, index = _where(face)
    if not _facts(path, index)[0]:
        return None
    return _shaped(path, index, ch)[1] / face.upm

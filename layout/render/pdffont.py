"""Fonts for the print PDF: a face and the characters an edition prints -> a composite (Type 0) font.

`make_pdf_font(face, chars, resource)` subsets the face's TrueType file to
those characters with harfbuzz (hb-subset, C++: ~20 ms for 6,000 glyphs) and
returns a `PdfFont`: the font program, one CID per character (CID 0 is
.notdef; the others in code-point order, so the same characters give the same
font), the CID -> glyph map, the widths, and `encode`, which turns text into
the two-byte codes of an Identity-H font.

One Type 0 font per face, as professional CJK layout tools write them: no
switching between 256-glyph subsets inside a line, and a ToUnicode entry per
character (so copying text from the PDF gives back exactly what was set, also
beyond the BMP and where two characters share a glyph). `pdfx` turns a
`PdfFont` into PDF objects (`font_objects`; `vertical_font_object` for the
Identity-V font of vertical lines, whose glyphs are the face's `vert`/`vrt2`
forms, given CIDs after the characters' and mapped back in ToUnicode).
"""
from __future__ import annotations

import hashlib
import marshal
import re
import zlib
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from layout.blobstore import BlobStore, library_stamp
from layout.fonts.registry import Face
from layout.render.flatememo import compressed
from layout.util import file_identity

#: Tables a PDF renderer does not read from an embedded TrueType font.
_DROP = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "vhea", "vmtx", "VORG", "DSIG", "kern", "morx",
         "mort", "kerx", "hdmx", "LTSH", "VDMX", "gasp", "STAT", "meta")


@dataclass(frozen=True)
class PdfFont:
    resource: str                 # the name pages use for it: /LF1 …
    base_font: str                # ABCDEF+PostScriptName (a subset tag from the characters)
    program: bytes                # the subset TrueType file (FontFile2)
    chars: tuple[str, ...]        # character of CID 1, 2, …
    gids: tuple[int, ...]         # glyph of CID 0, 1, 2, … in `program`
    widths: tuple[float, ...]     # advance of CID 1, 2, … in thousandths of an em
    bbox: tuple[int, int, int, int]
    ascent: float
    descent: float
    table: dict                   # str.translate table: character -> chr(CID)
    advance: dict                 # code point -> width in thousandths of an em (1000 for a character not held)
    #: str.translate table of a vertical line (Identity-V): character -> chr(CID of its `vert` form,
    #: else of its glyph). CIDs of vertical forms follow the characters' (ToUnicode maps them back).
    vtable: dict | None = None
    vchars: tuple[str, ...] = ()  # character of each vertical-form CID, in order after `chars`
    #: glyphs of 縦中横 numbers in vertical lines: (character, position vector x in thousandths of an
    #: em) -> CID, in order after `vchars`; the CID draws the character's own glyph, shifted across
    #: the line by its position vector (W2), while the pen stays on the line
    side_by_side: dict = field(default_factory=dict)

    def width(self, ch: str) -> float:
        return self.advance.get(ord(ch), 1000.0)

    def encode(self, text: str) -> str:
        """Text -> the hex string of its CIDs (two bytes each), for a PDF <…> string."""
        return text.translate(self.table).encode("utf-16-be").hex()

    def encode_side_by_side(self, pairs) -> str:
        """(character, position vector x) pairs of a 縦中横 number -> the hex string of their CIDs."""
        return "".join(f"{self.side_by_side[p]:04x}" for p in pairs)

    def encode_vertical(self, text: str) -> str:
        """Text of a vertical line -> the hex string of its CIDs, vertical forms where the face has them."""
        return text.translate(self.vtable or self.table).encode("utf-16-be").hex()


def make_pdf_font(face: Face, chars: set[str] | frozenset[str], resource: str,
                  vertical: set[str] | frozenset[str] = frozenset(),
                  side_by_side: set[tuple[str, int]] | frozenset = frozenset()) -> PdfFont:
    """The subset of `face` (its embeddable TrueType file) holding `chars`, as a `PdfFont`; with
    the `vert`/`vrt2` forms of the characters in `vertical` (those set upright in vertical lines)
    and a CID per (character, position vector x) in `side_by_side` (縦中横 digits). The subset is
    read back from the disk store when this face file was subset to these characters before."""
    ordered = tuple(sorted(chars))
    if len(ordered) >= 0xD800 - 1:   # CIDs are written as UTF-16 code units: stay below the surrogates
        raise ValueError(f"{face.name}: {len(ordered)} distinct characters is more than one PDF font holds here")
    pairs = tuple(sorted(p for p in side_by_side if p[0] in chars))
    key = _subset_key(face, ordered, tuple(sorted(vertical)), pairs)
    made = _stored_subset(key)
    if made is None:
        made = _subset(face, ordered, vertical, pairs)
        if key is not None:
            _SUBSETS.put(*key, data=marshal.dumps(made))
    program, gids, widths, bbox, vchars = made
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(("".join(ordered) + "|" + "".join(vchars)
                                                            + face.ps_name).encode("utf-8")).digest()[:6])
    table = {ord(ch): chr(i) for i, ch in enumerate(ordered, 1)}
    vtable = dict(table)
    vtable.update({ord(ch): chr(i) for i, ch in enumerate(vchars, len(ordered) + 1)})
    ps = re.sub(r"[^A-Za-z0-9_.-]", "", face.ps_name) or "Font"
    return PdfFont(
        resource=resource, base_font=f"{tag}+{ps}", program=program, chars=ordered, gids=gids,
        widths=widths, bbox=bbox, ascent=round(face.ascent * 1000, 3), descent=round(face.descent * 1000, 3),
        table=table, advance={ord(ch): w for ch, w in zip(ordered, widths)},
        vtable=vtable if vchars else None, vchars=vchars,
        side_by_side={p: i for i, p in enumerate(pairs, len(ordered) + len(vchars) + 1)},
    )


#: Subsets made before, on disk (`$XDG_CACHE_HOME/layout/subsets/`): a rebuild's faces hold the
#: same characters as the last build's, and hb-subset plus reading the subset back cost 2-4 ms a
#: face. Change the version when `_subset` changes what it makes.
_SUBSETS = BlobStore("subsets", "subset-1", 128 << 20)


def _subset_key(face: Face, ordered: tuple, vertical: tuple, pairs: tuple) -> tuple | None:
    """What a subset depends on: the embedded file (path, size, modification time), the face's
    index in it, the characters, vertical forms and 縦中横 pairs asked for, and harfbuzz's version.
    None when the file cannot be looked at (then the subset is made, and fails as it would)."""
    file = file_identity(face.path, 0 if face.path != face.source else face.index)
    if file is None:
        return None
    return (*file, "".join(ordered), "".join(vertical), pairs, library_stamp("uharfbuzz"))


def _stored_subset(key: tuple | None) -> tuple | None:
    """(program, gids, widths, bbox, vertical characters) from the store, or None."""
    raw = _SUBSETS.get(*key) if key is not None else None
    if raw is None:
        return None
    try:
        program, gids, widths, bbox, vchars = marshal.loads(raw)
        bbox, vchars = tuple(bbox), tuple(vchars)
    except (ValueError, EOFError, TypeError):
        return None
    if not (isinstance(program, bytes) and isinstance(gids, tuple) and isinstance(widths, tuple)):
        return None
    return program, gids, widths, bbox, vchars


def _subset(face: Face, ordered: tuple, vertical, pairs: tuple) -> tuple:
    """hb-subset of the face to `ordered` (and the vertical forms of `vertical`, the 縦中横 `pairs`)
    -> (program, gids, widths, bbox, vertical characters kept)."""
    import uharfbuzz as hb

    from layout.fonts.vertical import vertical_glyph

    blob = hb.Blob.from_file_path(str(face.path))
    source = hb.Face(blob, 0 if face.path != face.source else face.index)
    wanted = hb.SubsetInput()
    for ch in ordered:
        wanted.unicode_set.add(ord(ch))
    wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NO_LAYOUT_CLOSURE | hb.SubsetFlags.NOTDEF_OUTLINE
    for tag in _DROP:
        wanted.drop_table_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
    nominal = hb.Font(source)
    turned = {}                                  # character -> its vertical form's glyph in the source
    for ch in sorted(vertical):
        old = vertical_glyph(face, ch)
        if old and old != nominal.get_nominal_glyph(ord(ch)):
            turned[ch] = old
            wanted.glyph_set.add(old)
    plan = hb.SubsetPlan(source, wanted)
    old_of = plan.unicode_to_old_glyph_mapping
    new_of = plan.old_to_new_glyph_mapping
    program = plan.execute().blob.data
    subset = hb.Font(hb.Face(hb.Blob(program)))
    upm = subset.face.upem
    gids = [0]
    widths = []
    for ch in ordered:
        old = old_of.get(ord(ch))                # harfbuzz maps: get(key) -> value or None
        gid = (new_of.get(old) or 0) if old is not None else 0
        gids.append(gid)
        widths.append(round(subset.get_glyph_h_advance(gid) * 1000 / upm, 3))
    vchars = tuple(ch for ch in turned if new_of.get(turned[ch]))
    for ch in vchars:
        gid = new_of.get(turned[ch])
        gids.append(gid)
        widths.append(round(subset.get_glyph_h_advance(gid) * 1000 / upm, 3))
    by_char = {ch: gids[i] for i, ch in enumerate(ordered, 1)}
    for ch, _vx in pairs:
        gids.append(by_char[ch])
        widths.append(round(subset.get_glyph_h_advance(by_char[ch]) * 1000 / upm, 3))
    extents = [subset.get_glyph_extents(g) for g in set(gids)]
    xs = [e.x_bearing for e in extents if e] or [0]
    x2 = [e.x_bearing + e.width for e in extents if e] or [upm]
    ys = [e.y_bearing + e.height for e in extents if e] or [round(face.descent * upm)]
    y2 = [e.y_bearing for e in extents if e] or [round(face.ascent * upm)]
    scale = 1000 / upm
    bbox = (round(min(xs) * scale), round(min(ys) * scale), round(max(x2) * scale), round(max(y2) * scale))
    return bytes(program), tuple(gids), tuple(widths), bbox, vchars


# ---------------------------------------------------------------- PDF objects (pikepdf)

def font_objects(pdf: pikepdf.Pdf, font: PdfFont) -> pikepdf.Object:
    """The Type 0 font dictionary (indirect) with its CIDFontType2, descriptor, program,
    CIDToGIDMap and ToUnicode streams, all added to `pdf`."""
    program = flate_stream(pdf, font.program)
    program.Length1 = len(font.program)
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + font.base_font), Flags=4, FontBBox=Array(list(font.bbox)),
        ItalicAngle=0, Ascent=font.ascent, Descent=font.descent, CapHeight=font.ascent, StemV=80,
        FontFile2=pdf.make_indirect(program),
    )
    cid_to_gid = flate_stream(pdf, b"".join(g.to_bytes(2, "big") for g in font.gids))
    cidfont = Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/" + font.base_font),
        CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor), DW=1000,
        W=Array([1, Array([_pdf_number(w) for w in font.widths])]),
        CIDToGIDMap=pdf.make_indirect(cid_to_gid),
    )
    if font.side_by_side:   # 縦中横 digits: one em down per glyph, shifted across the line (PDF 9.7.4.3)
        cidfont.W2 = Array([x for (_ch, vx), cid in font.side_by_side.items() for x in (cid, Array([-1000, vx, 880]))])
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/" + font.base_font), Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(cidfont)]),
        ToUnicode=pdf.make_indirect(flate_stream(pdf, to_unicode(font.chars + font.vchars
                                                                 + tuple(ch for ch, _vx in font.side_by_side)))),
    ))


def vertical_font_object(pdf: pikepdf.Pdf, horizontal: pikepdf.Object) -> pikepdf.Object:
    """The vertical (Identity-V) Type 0 font over the CIDFont, program and ToUnicode of a
    horizontal one made by `font_objects`: vertical lines advance one em down per glyph (the
    default DW2, origin at the top middle of the em box) and extract as the characters set."""
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=horizontal.BaseFont, Encoding=Name("/Identity-V"),
        DescendantFonts=horizontal.DescendantFonts, ToUnicode=horizontal.ToUnicode,
    ))


def flate_stream(pdf: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    """A stream holding `data` Flate-compressed now (zlib's default level), so that saving the
    file, which waits for the last photo, has nothing left to compress."""
    stream = pikepdf.Stream(pdf, b"")
    stream.write(compressed(data, deflated), filter=Name.FlateDecode)   # remembered: `flatememo`
    return stream


#: Large streams compressed before (font programs, the output intent's ICC profile), on disk.
_DEFLATED = BlobStore("deflated", "zlib-1", 64 << 20)
#: Below this size compressing costs less than looking in the store.
_STORE_FROM = 32 << 10


def deflated(data: bytes) -> bytes:
    """`zlib.compress(data)` (the default level), the same bytes; for large data read back from the
    disk store when the same bytes were compressed before by the same zlib (a font program is
    5-10 ms to compress, the ICC profile 10-15 ms, its digest a tenth of that)."""
    if len(data) < _STORE_FROM:
        return zlib.compress(data)
    key = (hashlib.blake2b(data, digest_size=32).digest(), len(data), zlib.ZLIB_RUNTIME_VERSION)
    stored = _DEFLATED.get(*key)
    if stored is not None:
        return stored
    packed = zlib.compress(data)
    _DEFLATED.put(*key, data=packed)
    return packed


def _pdf_number(w: float):
    return int(w) if float(w).is_integer() else w


def to_unicode(chars: tuple[str, ...]) -> bytes:
    """A ToUnicode CMap: CID i+1 -> chars[i] (UTF-16BE, surrogate pairs beyond the BMP)."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    entries = [f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for cid, ch in enumerate(chars, 1)]
    for i in range(0, len(entries), 100):
        block = entries[i:i + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")

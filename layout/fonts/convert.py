"""Turning any OpenType face into a TrueType subset reportlab can embed.

reportlab embeds only TrueType (`glyf`) outlines and applies no OpenType
features. `truetype_subset(path, index, chars)` takes a font file (TTF, OTF,
TTC or OTC; CFF or glyf outlines), the index of the face in it and the
characters wanted, and returns the bytes of a TrueType font holding just
those glyphs: CFF outlines converted to quadratic curves (cu2qu), the cmap
pointed at the `locl` forms of the edition's region (simplified Chinese unless
`lang` says zh-TW or zh-HK), hinting dropped; the vertical forms (`vert`/`vrt2`)
and vertical metrics (`vhea`/`vmtx`) are kept. `cached_truetype` keeps the
result in the user's cache, keyed by the
file's content hash, the face and the character set, behind a file lock and
written atomically, so concurrent builds share one conversion safely.
`fonts/build_fonts.py` uses the same functions to make the bundled faces.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, newTable

from layout.util import cache_root

#: Bumped whenever the conversion changes, so old cache entries are not reused.
CONVERTER_VERSION = 3
#: Largest distance, in font units, between a cubic curve and its quadratic replacement.
MAX_ERR = 1.0

KEEP_FEATURES = ["ccmp", "locl", "liga", "calt", "kern", "mark", "mkmk",
                 "halt", "palt",
                 "vert", "vrt2"]   # vertical forms (。，、 upper right, turned brackets): vertical setting
# Language systems kept besides each script's default.  Noto CJK SC's `locl`
# maps to Japanese, Korean and traditional forms under JAN/KOR/ZHT/ZHH;
# keeping those would pull ~5,500 unwanted glyphs into the subset.
KEEP_LANGSYS = {"ZHS "}
#: An edition's language -> the OpenType language systems whose `locl` forms it prints, in order of
#: preference (Hong Kong: ZHH, else the Taiwan forms of ZHT).
LOCL_LANGSYS = {"zh-CN": ("ZHS ",), "zh-TW": ("ZHT ",), "zh-HK": ("ZHH ", "ZHT ")}
# vhea/vmtx (vertical advances) are kept for vertical setting; VORG belongs to CFF outlines only.
DROP_TABLES = ["VORG"]

_WIN = (3, 1, 0x409)  # Windows, Unicode BMP, US English


def _english_name(font: TTFont, name_id: int) -> str | None:
    table = font["name"]
    rec = table.getName(name_id, *_WIN) or table.getName(name_id, 1, 0, 0)
    return rec.toUnicode() if rec is not None else None


def _family_and_style(font: TTFont) -> tuple[str | None, str | None]:
    family = _english_name(font, 16) or _english_name(font, 1)
    style = _english_name(font, 17) or _english_name(font, 2)
    return family, style


def keep_chinese_langsys(font: TTFont, keep=frozenset(KEEP_LANGSYS)) -> None:
    """Drop every language system but the defaults and those in `keep` (simplified Chinese unless told)."""
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        for record in font[tag].table.ScriptList.ScriptRecord:
            script = record.Script
            script.LangSysRecord = [r for r in script.LangSysRecord
                                    if r.LangSysTag in keep]
            script.LangSysCount = len(script.LangSysRecord)


def bake_chinese_locl(font: TTFont, langsys: tuple[str, ...] = LOCL_LANGSYS["zh-CN"]) -> list[str]:
    """Point the cmap at the glyphs `locl` selects for simplified Chinese (or, with `langsys`, for the
    first of those OpenType language systems the font has: ("ZHT ",) for Taiwan's forms).

    reportlab draws by character code and applies no OpenType features, so
    forms that Noto CJK SC gives only through `locl` under the ZHS language
    (full-width U+2014 for the 破折号, 2- and 3-em dashes U+2E3A/U+2E3B,
    CJK quote shapes) would never be drawn.  Only single substitutions that
    ZHS adds on top of the script's default are baked in; `locl` itself is
    kept.  Returns the characters remapped."""
    if "GSUB" not in font:
        return []
    gsub = font["GSUB"].table
    features = gsub.FeatureList.FeatureRecord

    def locl_lookups(langsys) -> set[int]:
        if langsys is None:
            return set()
        return {i for f in langsys.FeatureIndex if features[f].FeatureTag == "locl"
                for i in features[f].Feature.LookupListIndex}

    lookups: set[int] = set()
    for record in gsub.ScriptList.ScriptRecord:
        if record.ScriptTag != "hani":
            continue
        default = locl_lookups(record.Script.DefaultLangSys)
        present = {ls.LangSysTag: ls.LangSys for ls in record.Script.LangSysRecord}
        chosen = next((present[tag] for tag in langsys if tag in present), None)
        lookups |= locl_lookups(chosen) - default
    mapping: dict[str, str] = {}
    for index in sorted(lookups):
        lookup = gsub.LookupList.Lookup[index]
        for sub in lookup.SubTable:
            if lookup.LookupType == 7:           # an extension: the real subtable inside (Noto's ZHT)
                sub = sub.ExtSubTable
            if getattr(sub, "LookupType", lookup.LookupType) != 1:  # single substitution only
                continue
            for old, new in sub.mapping.items():
                mapping.setdefault(old, new)
    changed: set[int] = set()
    for table in font["cmap"].tables:
        if table.format == 14 or not table.isUnicode():
            continue
        for cp, glyph in list(table.cmap.items()):
            if glyph in mapping:
                table.cmap[cp] = mapping[glyph]
                changed.add(cp)
    return [chr(cp) for cp in sorted(changed)]


def subset_font(font: TTFont, chars: frozenset[str]) -> None:
    from fontTools import subset  # imported here: 0.4 s that only a conversion needs

    options = subset.Options()
    options.layout_features = list(KEEP_FEATURES)
    options.drop_tables = list(options.drop_tables) + DROP_TABLES
    options.hinting = False
    options.notdef_glyph = True
    options.notdef_outline = True
    options.glyph_names = False       # post table format 3
    options.name_IDs = ["*"]          # rewritten by rename_font anyway
    options.name_languages = ["*"]
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)


def cff_to_glyf(font: TTFont, max_err: float) -> None:
    """Replace CFF/CFF2 outlines by quadratic TrueType `glyf` outlines."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    if "fvar" in font:
        raise RuntimeError("variable fonts are not supported")
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(None)
        # PostScript contours run counter-clockwise, TrueType clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        outlines[name] = pen.glyph(dropImpliedOnCurves=True)

    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]

    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = outlines
    font["glyf"] = glyf
    font["loca"] = newTable("loca")

    # Left side bearings must equal xMin for TrueType outlines.
    hmtx = font["hmtx"].metrics
    for name in order:
        glyph = outlines[name]
        glyph.recalcBounds(glyf)
        advance, _ = hmtx[name]
        hmtx[name] = (advance, glyph.xMin if glyph.numberOfContours else 0)

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxPoints", "maxContours", "maxCompositePoints",
                  "maxCompositeContours", "maxTwilightPoints", "maxStorage",
                  "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                  "maxSizeOfInstructions", "maxComponentElements",
                  "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1

    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def face_names(font: TTFont) -> set[str]:
    """Every name a user may call this face by: family (+ style), full name, PostScript name, any language."""
    table = font["name"]
    names: set[str] = set()
    by_id: dict[int, set[str]] = {}
    for rec in table.names:
        if rec.nameID in (1, 2, 4, 6, 16, 17):
            try:
                by_id.setdefault(rec.nameID, set()).add(rec.toUnicode().strip())
            except UnicodeDecodeError:
                continue
    names |= by_id.get(4, set()) | by_id.get(6, set())
    for fam_id, sty_id in ((16, 17), (1, 2)):
        for fam in by_id.get(fam_id, ()):
            for sty in by_id.get(sty_id, {"Regular"}):
                names.add(f"{fam} {sty}")
                if sty.lower() in ("regular", "normal", "book", "roman"):
                    names.add(fam)
    return {n for n in names if n}


def open_face(path: Path, index: int = 0, lazy: bool = True) -> TTFont:
    return TTFont(str(path), fontNumber=index, lazy=lazy, recalcTimestamp=False)


def faces_in(path: Path) -> list[TTFont]:
    """The faces of a font file (one for TTF/OTF, all for TTC/OTC), opened lazily."""
    if path.suffix.lower() in (".ttc", ".otc"):
        return list(TTCollection(str(path), lazy=True).fonts)
    return [TTFont(str(path), lazy=True)]


def find_face_index(path: Path, name: str) -> int | None:
    """Index of the face called `name` (family, family + style, full or PostScript name) in a file."""
    wanted = name.strip().lower()
    for i, font in enumerate(faces_in(path)):
        if wanted in {n.lower() for n in face_names(font)}:
            return i
    return None


def is_cff(font: TTFont) -> bool:
    return "CFF " in font or "CFF2" in font


def truetype_subset(path: Path, index: int, chars: frozenset[str] | set[str], bake_locl: bool = True,
                    lang: str = "zh-CN") -> bytes:
    """A font file's face -> TrueType bytes with exactly the glyphs for `chars` (plus .notdef), in the
    glyph forms of the edition's language `lang` (zh-CN, zh-TW, zh-HK: the font's `locl` for it)."""
    font = open_face(path, index, lazy=False)
    head = font["head"]
    created, modified = head.created, head.modified
    langsys = LOCL_LANGSYS.get(lang, LOCL_LANGSYS["zh-CN"])
    if bake_locl:
        bake_chinese_locl(font, langsys)
    keep_chinese_langsys(font, frozenset(langsys))
    subset_font(font, frozenset(chars))
    if is_cff(font):
        cff_to_glyf(font, MAX_ERR)
    head.created, head.modified = created, modified
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def cache_dir() -> Path:
    return cache_root() / "fonts"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cached_truetype(path: Path, index: int, chars: frozenset[str] | set[str],
                    lang: str = "zh-CN") -> tuple[Path, bool]:
    """`truetype_subset` through the cache: returns (file, was_cached)."""
    from filelock import FileLock

    from layout.util import write_atomic

    charset = "".join(sorted(chars))
    region = "" if lang == "zh-CN" else f"|{lang}"   # zh-CN keeps the keys made before regions were known
    key = hashlib.sha256(
        f"{CONVERTER_VERSION}|{file_digest(path)}|{index}|{charset}{region}".encode("utf-8", "surrogatepass")
    ).hexdigest()[:32]
    target = cache_dir() / f"{key}.ttf"
    if target.is_file():
        return target, True
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock", timeout=600):
        if target.is_file():  # another build made it while we waited
            return target, True
        write_atomic(target, truetype_subset(path, index, chars, lang=lang))
    return target, False

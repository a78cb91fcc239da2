"""Regional glyph forms: the faces a zh-TW or zh-HK edition is printed in.

Taiwan and Hong Kong print 。，、：；！？ in the middle of the em box and some
Han characters in their own forms; mainland fonts put the stops in the lower
left. A CJK font may carry every region's forms and pick them with its `locl`
feature under the OpenType language (ZHS, ZHT, ZHH), or be made for one region
(Noto Serif CJK SC / TC / HK: one design, a face per region).

`regional_style(style, lang, report, where)` takes the style an edition names
and returns it with each face that cannot give the region's forms replaced by
the installed face of the same design made for that region (Noto Serif CJK SC
-> Noto Serif CJK TC; the bundled faces -> the Noto faces they were cut from),
else by an installed regional face of the same class (Song, Hei, Kai); a face
with neither is kept and named in one `no-regional-face` warning at the
edition's `lang:`. zh-CN editions are returned as they are.

`gives_regional_forms(face, lang)` is the test: the face's full stop, shaped by
harfbuzz with the edition's language (so `locl` counts), sits in the middle of
its em box. `changes_forms(face, lang)` says whether `locl` changes any glyph
for that language, so the embedding must bake it in (`convert.truetype_subset`).
"""
from __future__ import annotations

import re
from dataclasses import replace

from layout.diagnostics import Report, Source
from layout.fonts.discovery import font_dirs, font_index
from layout.fonts.registry import Face, FontNotFound, load_face, load_indexed

#: An edition's language -> the language harfbuzz shapes with (its OpenType tag: ZHS, ZHT, ZHH).
HB_LANGUAGE = {"zh-CN": "zh-Hans", "zh-TW": "zh-TW", "zh-HK": "zh-HK"}
#: Regions whose stops stand in the middle of the em box.
CENTRED_REGIONS = ("zh-TW", "zh-HK")
#: The marks whose place tells a region's forms, and the characters probed for `locl` changes.
PROBE = "。，、：；！？"
#: Name parts that mark a face cut for a region, as they appear in family names (Noto/Source Han).
_REGION_TOKEN = re.compile(r"\b(SC|TC|HK|JP|KR|CN|TW)\b")
#: Region names to try for a language, best first (Hong Kong takes Taiwan's faces when it has none).
_REGION_NAMES = {"zh-TW": ("TC", "TW"), "zh-HK": ("HK", "TC", "TW")}
#: The bundled faces -> the installed face they were cut from (fonts/README.md), whose siblings
#: are looked for.
BUNDLED_SOURCES = {
    "serif-regular": "Noto Serif CJK SC", "serif-bold": "Noto Serif CJK SC Bold",
    "sans-regular": "Noto Sans CJK SC", "sans-bold": "Noto Sans CJK SC Bold",
    "kai-regular": "LXGW WenKai",
}


def _shaped(face: Face, text: str, lang: str):
    """(glyph infos, positions) of `text` in `face` shaped with the edition's language."""
    import uharfbuzz as hb

    from layout.fonts.registry import _hb_font

    font = _hb_font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.script = "Hani"      # punctuation alone is script Common, whose lookups hold no `locl`
    buf.language = HB_LANGUAGE.get(lang, "zh-Hans")
    hb.shape(font, buf, {})
    return font, buf.glyph_infos, buf.glyph_positions


def stop_centre(face: Face, lang: str) -> float | None:
    """Where the middle of the face's 。 falls across its advance (0 = left edge, 1 = right), as set
    for `lang`; None when the face has no 。."""
    if not face.has("。"):
        return None
    font, infos, positions = _shaped(face, "。", lang)
    if len(infos) != 1 or not positions[0].x_advance:
        return None
    ext = font.get_glyph_extents(infos[0].codepoint)
    if ext is None or not ext.width:
        return None
    return (positions[0].x_offset + ext.x_bearing + ext.width / 2) / positions[0].x_advance


def gives_regional_forms(face: Face, lang: str) -> bool:
    """True when `face` sets the region's stops: centred for zh-TW/zh-HK; anything for zh-CN."""
    if lang not in CENTRED_REGIONS:
        return True
    centre = stop_centre(face, lang)
    return centre is not None and abs(centre - 0.5) < 0.15


def changes_forms(face: Face, lang: str) -> bool:
    """True when the face's `locl` for `lang` gives other glyphs than its cmap for common marks,
    i.e. the embedded font must have those forms baked in."""
    try:
        font, infos, _ = _shaped(face, PROBE, lang)
    except Exception:  # noqa: BLE001 - a face harfbuzz cannot open has no locl to apply
        return False
    nominal = [font.get_nominal_glyph(ord(ch)) for ch in PROBE]
    return len(infos) == len(PROBE) and [i.codepoint for i in infos] != nominal


def sibling_names(name: str, lang: str) -> list[str]:
    """A face's name -> the names its regional sibling may have: 'Noto Serif CJK SC Bold' ->
    ['Noto Serif CJK TC Bold', 'Noto Serif CJK TW Bold'] for zh-TW; 'LXGW WenKai' -> ['LXGW WenKai TC', …]."""
    regions = _REGION_NAMES.get(lang, ())
    if _REGION_TOKEN.search(name):
        return [_REGION_TOKEN.sub(region, name, count=1) for region in regions]
    return [f"{name} {region}" for region in regions]


def regional_face(ref: str, lang: str, style) -> str | None:
    """A face reference -> the reference of the face to set the role in for `lang` (`ref` itself when it
    gives the region's forms); None when no installed face does."""
    try:
        face = load_face(ref, style.base_dir, style.font_dirs)
    except FontNotFound:
        return ref                       # reported by the typesetter at the style's line
    if not face.has("。") or gives_regional_forms(face, lang):
        return ref                       # a Latin face sets no Chinese marks; or the forms are right
    index = font_index(font_dirs(style.font_dirs))
    base = BUNDLED_SOURCES.get(ref, face.name)
    for name in sibling_names(base, lang):
        found = index.find(name)
        if found is not None and gives_regional_forms(load_indexed(found), lang):
            return load_indexed(found).key
    bold = any(w in face.name for w in ("Bold", "Heavy", "Black"))
    for candidate in index.candidates(face.cls, lang, bold):
        if not candidate.cjk or candidate.cls != face.cls:
            continue
        if not any(region in " ".join(candidate.names) for region in _REGION_NAMES[lang]):
            continue
        try:
            if gives_regional_forms(load_indexed(candidate), lang):
                return load_indexed(candidate).key
        except FontNotFound:
            continue
    return None


def regional_style(style, lang: str, report: Report, where: Source | None = None):
    """The style with every face that lacks the edition's regional forms replaced (see the module's
    docstring); a `no-regional-face` warning at `where` (the edition's `lang:`) names the faces kept."""
    if lang not in CENTRED_REGIONS:
        return style
    refs = [role.font for role in style.roles.values()] + list(style.fallback)
    chosen = {ref: regional_face(ref, lang, style) for ref in dict.fromkeys(refs)}
    lacking = [ref for ref, to in chosen.items() if to is None]
    for ref in lacking:
        roles = ", ".join(name for name, role in style.roles.items() if role.font == ref) or "fallback"
        report.warning(
            "no-regional-face",
            f"the edition is {lang} but '{ref}' (roles: {roles}; style '{style.name}') sets mainland forms "
            f"(。，、 in the lower left) and no installed {'/'.join(_REGION_NAMES[lang])} face replaces it",
            where,
            f"name a face made for {lang} in the style's roles, e.g. Noto Serif CJK TC from Debian's "
            "fonts-noto-cjk (`layout fonts --installed` lists the faces installed here)",
        )
    swap = {ref: to for ref, to in chosen.items() if to is not None and to != ref}
    if not swap:
        return style
    roles = {name: replace(role, font=swap.get(role.font, role.font)) for name, role in style.roles.items()}
    fallback = tuple(swap.get(ref, ref) for ref in style.fallback)
    bold = {}   # a replaced bundled regular face's bold spans: the regional face of its bundled bold
    for ref, to in swap.items():
        pair = ref.replace("-regular", "-bold")
        if ref in BUNDLED_SOURCES and pair != ref and pair in BUNDLED_SOURCES:
            bold_to = chosen[pair] if pair in chosen else regional_face(pair, lang, style)
            if bold_to is not None:
                bold[to] = bold_to
    return replace(style, roles=roles, fallback=fallback, bold_faces={**style.bold_faces, **bold})

"""Corrections to reportlab applied before any PDF is drawn.

reportlab's `makeToUnicodeCMap` writes each subset's Unicode values as
`<%04X>`, which is wrong for characters beyond the Basic Multilingual Plane:
U+20BB7 (𠮷, a name character in CJK Extension B) comes out as the five-digit
`<20BB7>`, which PDF readers reject, so the character is lost when text is
copied or searched. A ToUnicode CMap must give such a character as its UTF-16
surrogate pair (`<D842DFB7>`). `apply()` installs a version that does.
"""
from __future__ import annotations

from reportlab.pdfbase import ttfonts


def utf16_hex(code_point: int) -> str:
    """U+20BB7 -> 'D842DFB7'; U+4E2D -> '4E2D'."""
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(fontname: str, subset) -> str:
    """A ToUnicode CMap for one reportlab subset (codes 0..n-1 -> the subset's code points)."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def apply() -> None:
    ttfonts.makeToUnicodeCMap = to_unicode_cmap

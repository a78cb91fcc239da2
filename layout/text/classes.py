"""Character classes and line-breaking prohibition sets, as data.

Takes: single characters (or the base character of a cluster).
Returns: a `CharClass` per character (`classify`), and per prohibition level
the sets of characters that may not start or end a line (`no_start`,
`no_end`).

Every table cites the section of the W3C *Requirements for Chinese Text
Layout* (clreq, https://www.w3.org/TR/clreq/) it implements. Section numbers
are those of the current Group Draft Note; the numbers of the 2015 draft that
TYPOGRAPHY.md and older notes use are given in brackets, e.g. "clreq §6.1.1
[§3.1.7]". The character lists themselves are those of TYPOGRAPHY.md §1–3,
which follows clreq and GB/T 15834—2011.

Nothing here decides widths or breaks: `items.py` reads these tables.
"""
from __future__ import annotations

import unicodedata
from enum import IntEnum
from typing import Final

CLREQ: Final = "https://www.w3.org/TR/clreq/"

#: clreq sections cited by the composer: (current section, section in the 2015 draft or None, title).
SECTIONS: Final = {
    "prohibition": ("6.1.1", "3.1.7", "Prohibition rules for line start and line end "
                                      "(#prohibition_rules_for_line_start_end)"),
    "unbreakable": ("6.1.2", "3.1.7", "Prohibition rules for unbreakable marks"),
    "justification": ("6.2", None, "Text alignment & justification (#ways_of_alignments)"),
    "punctuation_width": ("6.3.2", "3.1.6", "Punctuation width adjustment"),
    "mixed_text": ("6.3.3", "3.2", "Mixed text composition in horizontal writing mode"),
    "indent": (None, None, "First-line indents (#first_line_indents)"),
    "widows": ("7.1.2", None, "Handling of widows and orphans"),
}


class CharClass(IntEnum):
    """Classes of characters for composition (clreq §3.1 [§3.1.2] punctuation types, §6.3.3 [§3.2])."""

    HAN = 0          # Han ideographs and other full-width letters set on the character grid
    OPEN = 1         # opening brackets and quotes: ink on the right half (clreq §6.3.2 [§3.1.6])
    CLOSE = 2        # closing brackets and quotes: ink on the left half
    STOP = 3         # full stop class: 。？！ (句末点号)
    PAUSE = 4        # pause/comma class: ，、；： (句内点号)
    MIDDOT = 5       # interpuncts · ‧ ・ : always ½ em
    DASH = 6         # — ⸺ : never split, never stretched inside
    ELLIPSIS = 7     # … ⋯ : never split, never stretched inside
    LATIN = 8        # letters of alphabetic scripts
    DIGIT = 9        # decimal digits
    SPACE = 10       # breaking and non-breaking spaces: glue, not glyphs
    OTHER = 11       # symbols set as boxes (emoji, arrows …)
    CONNECTOR = 12   # ～ – ‐ : connectors; never stretched around (TYPOGRAPHY §4)
    SOLIDUS = 13     # ／ : always ½ em
    PREFIX = 14      # currency and sign before a number: ¥ $ € £ + − ±
    POSTFIX = 15     # percent and units after a number: % ‰ ℃ ℉ °
    LATIN_PUNCT = 16  # ASCII and Western punctuation that belongs to a Latin run
    COMBINING = 17   # combining marks and variation selectors: attach to the previous character
    IDSP = 18        # U+3000 ideographic space: a blank box one em wide


C = CharClass

# --- Punctuation classes (clreq §3.1 [§3.1.2]; TYPOGRAPHY.md §1–2) -------------------------------
OPENING: Final = "“‘「『（〔［｛《〈【〖〘〚⦅"
CLOSING: Final = "”’」』）〕］｝》〉】〗〙〛⦆"
FULL_STOPS: Final = "。？！．‼⁇⁈⁉"
PAUSES: Final = "，、；：｡､"
MIDDOTS: Final = "·‧・•"
DASHES: Final = "—―⸺⸻"
ELLIPSES: Final = "…⋯"
#: Connectors: the wave dash keeps its em, the short connectors are ½ em (TYPOGRAPHY §2).
CONNECTORS: Final = "～〜–‐‑"
SOLIDI: Final = "／"
PREFIXES: Final = "¥￥$＄€£￡₩₹+＋−±#＃№"
POSTFIXES: Final = "%％‰‱℃℉°′″"
#: Spaces that act as glue (breakable unless listed in NO_BREAK_SPACES). U+3000 is not here: it is a box.
SPACES: Final = " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u202f\u205f\u200b\u2060\ufeff\u00ad"
NO_BREAK_SPACES: Final = "\u00a0\u202f\u2007\u2060\ufeff\u00ad"
#: Zero-width members of SPACES (a break opportunity or a joiner, never a visible gap).
ZERO_WIDTH_SPACES: Final = "\u200b\u2060\ufeff\u00ad"

#: Marks whose width is always ½ em, centred in the full-width box (TYPOGRAPHY §2, clreq §6.3.2 [§3.1.6]).
HALF_EM_FIXED: Final = frozenset("·‧・•／–‐‑")

# --- Line-start and line-end prohibition (clreq §6.1.1 [§3.1.7]; TYPOGRAPHY.md §1) ---------------
LEVELS: Final = ("none", "basic", "gb", "strict")

_BASIC_NO_START = (
    "、，。．；：？！‼⁇"            # pause or stop marks
    "”’」』）〕］｝》〉】〗"          # closing quotes and brackets
    "～–-"                        # connectors
    "·‧・"                        # interpuncts
    # half-width forms of the same marks (clreq lists both widths); they only
    # occur in text that was not normalised (TYPOGRAPHY §5)
    ",.;:?!)]}"
    "〙〛⦆｡､⁈⁉"
)
_BASIC_NO_END = "“‘「『（〔［｛《〈【〖" "([{" "〘〚⦅"

#: level -> characters that may not start a line (checked on the first character after the break).
NO_START: Final[dict[str, frozenset[str]]] = {
    "none": frozenset(),
    "basic": frozenset(_BASIC_NO_START),
    "gb": frozenset(_BASIC_NO_START),
    # strict adds the two-em marks ⸺ —— …… ⋯⋯ (their first character is what starts a line)
    "strict": frozenset(_BASIC_NO_START + "⸺⸻—―…⋯"),
}
#: level -> characters that may not end a line (checked on the last character before the break).
NO_END: Final[dict[str, frozenset[str]]] = {
    "none": frozenset(),
    "basic": frozenset(_BASIC_NO_END),
    "gb": frozenset(_BASIC_NO_END + "／"),          # GB practice: the solidus does not end a line
    "strict": frozenset(_BASIC_NO_END + "／"),
}

#: Classes that are never separated from a neighbour of the same class (clreq §6.1.2 [§3.1.7]):
#: —— (two U+2014) and …… (two U+2026 / U+22EF).
UNBREAKABLE_PAIRS: Final = frozenset({C.DASH, C.ELLIPSIS})

#: Classes that make up a Latin run: never split inside (a word, a number with its sign, unit or
#: percent, clreq §6.1.2 [§3.1.7]); ¼ em from Han at its ends (clreq §6.3.3 [§3.2]).
LATIN_RUN: Final = frozenset({C.LATIN, C.DIGIT, C.LATIN_PUNCT, C.PREFIX, C.POSTFIX})

#: Punctuation that carries a compressible blank half (clreq §6.3.2 [§3.1.6]).
COMPRESSIBLE: Final = frozenset({C.OPEN, C.CLOSE, C.STOP, C.PAUSE})
#: Classes counted as content for the last-line rule ("a single Han (+ its marks)").
CONTENT: Final = frozenset({C.HAN, C.LATIN, C.DIGIT, C.OTHER, C.PREFIX, C.POSTFIX})
#: Chinese punctuation: no Han–Latin space next to these (clreq §6.3.3 [§3.2]).
CJK_PUNCT: Final = frozenset({C.OPEN, C.CLOSE, C.STOP, C.PAUSE, C.MIDDOT, C.DASH, C.ELLIPSIS,
                              C.CONNECTOR, C.SOLIDUS})

# --- Punctuation styles and regional behaviour (clreq §6.3.2 [§3.1.6]) ----------------------------
PUNCTUATION_STYLES: Final = ("quanjiao", "kaiming", "banjiao")
#: style -> classes set half-width by default (their blank removed before breaking).
HALF_BY_DEFAULT: Final[dict[str, frozenset[CharClass]]] = {
    "quanjiao": frozenset(),                                  # 全角式: every mark a full em
    "kaiming": frozenset({C.OPEN, C.CLOSE, C.PAUSE}),          # 开明式: 。？！ full, the rest half
    "banjiao": frozenset({C.OPEN, C.CLOSE, C.PAUSE, C.STOP}),  # 半角式: every mark half
}
#: style -> classes whose remaining blank may be squeezed to fit a line (TYPOGRAPHY §4 shrink order):
#: 。？！ only in kaiming/banjiao.
SQUEEZABLE: Final[dict[str, frozenset[CharClass]]] = {
    "quanjiao": frozenset({C.OPEN, C.CLOSE, C.PAUSE}),
    "kaiming": frozenset({C.OPEN, C.CLOSE, C.PAUSE, C.STOP}),
    "banjiao": frozenset({C.OPEN, C.CLOSE, C.PAUSE, C.STOP}),
}
LANGS: Final = ("zh-CN", "zh-TW", "zh-HK")
#: Regions whose 。，、；：？！ are centred in the em box and keep it whole: not compressed at line end,
#: beside other marks or to fit a line (clreq §6.3.2 [§3.1.6]; Taiwan/Hong Kong practice).
CENTRED_STOPS: Final = frozenset({"zh-TW", "zh-HK"})

# --- The lookup table ----------------------------------------------------------------------------
_TABLE_SOURCES: Final = (
    (OPENING, C.OPEN), (CLOSING, C.CLOSE), (FULL_STOPS, C.STOP), (PAUSES, C.PAUSE),
    (MIDDOTS, C.MIDDOT), (DASHES, C.DASH), (ELLIPSES, C.ELLIPSIS), (CONNECTORS, C.CONNECTOR),
    (SOLIDI, C.SOLIDUS), (PREFIXES, C.PREFIX), (POSTFIXES, C.POSTFIX), (SPACES, C.SPACE),
    ("\u3000", C.IDSP), ("\u200d\u200c\u034f", C.COMBINING),
)

#: char -> class, filled from the tables above and, lazily, by `classify` for other characters.
TABLE: dict[str, int] = {}
for _chars, _cls in _TABLE_SOURCES:
    for _ch in _chars:
        TABLE[_ch] = int(_cls)
for _cp in range(0x21, 0x7F):
    _ch = chr(_cp)
    if _ch not in TABLE:
        TABLE[_ch] = int(C.LATIN if _ch.isalpha() else C.DIGIT if _ch.isdigit() else C.LATIN_PUNCT)


def _derive(ch: str) -> int:
    """Class of a character not in the tables, from its Unicode properties."""
    cp = ord(ch)
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF:
        return C.COMBINING
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Mc"):
        return C.COMBINING
    wide = unicodedata.east_asian_width(ch) in ("W", "F")
    if cat == "Zs":
        return C.SPACE
    if cat[0] == "L" or cat == "Nl":
        return C.HAN if wide else C.LATIN
    if cat == "Nd":
        return C.HAN if wide else C.DIGIT
    if cat == "No":
        return C.HAN if wide else C.LATIN_PUNCT
    if cat[0] in "PS":
        return C.OTHER if wide or cat == "So" else C.LATIN_PUNCT
    if cat == "Cf" or cat == "Cc":
        return C.COMBINING
    return C.OTHER


def classify(ch: str) -> CharClass:
    """The class of one character (a table lookup; unknown characters are derived once and cached)."""
    c = TABLE.get(ch)
    if c is None:
        c = TABLE[ch] = _derive(ch)
    return CharClass(c)


def class_code(ch: str) -> int:
    """`classify` as a plain int, for hot loops."""
    c = TABLE.get(ch)
    if c is None:
        c = TABLE[ch] = _derive(ch)
    return c


def is_han(ch: str) -> bool:
    """True for Han ideographs (and 〇), the 'Han' of TYPOGRAPHY §3 and §5."""
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3134F or cp == 0x3007)


def no_start(level: str) -> frozenset[str]:
    """Characters that may not start a line at `level` (clreq §6.1.1 [§3.1.7])."""
    return NO_START[level]


def no_end(level: str) -> frozenset[str]:
    """Characters that may not end a line at `level` (clreq §6.1.1 [§3.1.7])."""
    return NO_END[level]

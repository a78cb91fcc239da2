"""Runs -> the paragraph as glyph boxes and the gaps between them, widths decided, breaks marked.

Takes: a sequence of `Run`s and the `ComposeSettings` (and whether it is a
headline). Returns: an `Items` value: parallel lists, one entry per glyph
(cluster of a base character and its combining marks) and one per gap
between neighbouring glyphs, plus the prefix sums the line breaker needs.

This is where the rules that come *before* breaking are applied:

* punctuation width by style and region, and adjacent marks sharing one em
  of blank (clreq §6.3.2 [§3.1.6], TYPOGRAPHY §2): decided here, before the
  break is chosen, because compression moves the break points;
* what a break at each gap would cut: the blank of a line-end mark, the
  leading half of an opening bracket at line start (`endcut`, `startcut`);
* the ¼ em between Han and Latin/digit runs (clreq §6.3.3 [§3.2]) and word
  spaces, with their stretch and shrink limits (TYPOGRAPHY §3–4);
* break opportunities: legal, or only as an emergency because they would
  split a word, a number, ——/…… (clreq §6.1.2) or break a prohibition
  (clreq §6.1.1 [§3.1.7]);
* in a vertical line (`settings.vertical`), a number of at most
  `settings.tcy_max` digits becomes one upright glyph one em long, composed as
  a Han character (縦中横; `layout/text/vertical.py`).

The lists are built once and only read afterwards (treat `Items` as frozen).
"""
from __future__ import annotations

from itertools import accumulate, compress, repeat
from operator import add, mul
from typing import Sequence

from layout.text.classes import (
    CENTRED_STOPS, COMPRESSIBLE, CONTENT, HALF_BY_DEFAULT, HALF_EM_FIXED, LATIN_RUN, NO_BREAK_SPACES,
    NO_END, NO_START, SQUEEZABLE, TABLE, ZERO_WIDTH_SPACES, CharClass, class_code,
)
from layout.text.model import Metrics, Run, ComposeSettings

C = CharClass
HAN, OPEN, CLOSE, STOP, PAUSE = int(C.HAN), int(C.OPEN), int(C.CLOSE), int(C.STOP), int(C.PAUSE)
MIDDOT, DASH, ELLIPSIS, LATIN, DIGIT = int(C.MIDDOT), int(C.DASH), int(C.ELLIPSIS), int(C.LATIN), int(C.DIGIT)
SPACE, CONNECTOR, SOLIDUS, PREFIX = int(C.SPACE), int(C.CONNECTOR), int(C.SOLIDUS), int(C.PREFIX)
POSTFIX, LATIN_PUNCT, COMBINING = int(C.POSTFIX), int(C.LATIN_PUNCT), int(C.COMBINING)

# Gap kinds.
G_NONE = 0     # glued: inside a Latin run, inside ——/……; kerning only
G_CJK = 1      # between characters: 0 wide, stretches with every other gap (TYPOGRAPHY §4)
G_HL = 2       # Han–Latin: ¼ em, stretch to ⅓, shrink to ⅛ (clreq §6.3.3 [§3.2], TYPOGRAPHY §3–4)
G_SPACE = 3    # a word space: its width, stretch to ½ em, shrink to ¼ em
G_FIXED = 4    # beside a connector: never stretched (TYPOGRAPHY §4)

# Break classes of a gap.
B_LEGAL = 0
B_GLUED = 1        # inside a word / number / between a number and its unit: emergency only
B_PROHIBITED = 2   # line-start/line-end prohibition (clreq §6.1.1 [§3.1.7]): emergency only
B_PAIR = 3         # inside —— or …… (clreq §6.1.2): the very last resort

# Shrink priorities (TYPOGRAPHY §4 "Too long"): 1 word spaces, 2 interpuncts (fixed at ½ em
# here, so nothing to take), 3 brackets, 4 ，、；：, 5 Han–Latin space, 6 。？！.
P_SPACE, P_BRACKET, P_PAUSE, P_HL, P_STOP = 1, 3, 4, 5, 6
_SQ_PRIORITY = {OPEN: P_BRACKET, CLOSE: P_BRACKET, PAUSE: P_PAUSE, STOP: P_STOP}

_LATIN_RUN = frozenset(int(c) for c in LATIN_RUN)
_COMPRESSIBLE = frozenset(int(c) for c in COMPRESSIBLE)
_CONTENT = frozenset(int(c) for c in CONTENT)
_ALNUM = frozenset((LATIN, DIGIT))
_NBSP = frozenset(NO_BREAK_SPACES)
_ZW = frozenset(ZERO_WIDTH_SPACES)
_ZW_CHARS = ZERO_WIDTH_SPACES

EPS = 1e-9
#: em of "every gap" stretch (the last stretch step) counted as one unit of stretchability when
#: the breaker rates a line; the actual stretch is not limited by it
S3_REF = 0.125


class _Cache(dict):
    """ch -> em from a Metrics method, computing each character once."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        v = self[key] = self.fn(key)
        return v


_CACHES: dict[int, tuple[Metrics, _Cache, _Cache, _Cache]] = {}


def metric_caches(m: Metrics) -> tuple[_Cache, _Cache, _Cache]:
    """Advance, half-shift and kern caches for a Metrics object (metrics are assumed immutable)."""
    entry = _CACHES.get(id(m))
    if entry is None or entry[0] is not m:
        if len(_CACHES) > 256:
            _CACHES.clear()
        entry = (m, _Cache(lambda ch: float(m.advance(ch))), _Cache(m.half_shift),
                 _Cache(lambda pair: float(m.kern(pair[0], pair[1]))))
        _CACHES[id(m)] = entry
    return entry[1], entry[2], entry[3]


def _half_shift(st, ch: str) -> float | None:
    """The font's `halt` x-shift (em) for ch set half-width, or None."""
    return metric_caches(st.metrics)[1][ch]


class Items:
    """The paragraph as parallel lists (glyph i; gap j between glyph j and j+1). Read-only once built."""

    __slots__ = (
        "n", "text", "cls", "style", "adv", "shift", "bl", "br", "kl", "kr", "sq", "content",
        "gw", "gk", "gtext", "gbreak", "gz", "gy", "gp", "gs3", "gs4",
        "endcut", "endcut_y", "startcut", "startcut_y",
        "We", "Bs", "Ye", "Ys", "Zs", "em", "marks",
    )

    def glyph_line_text(self, a: int, b: int) -> str:
        """Text of glyphs a..b-1 with the spaces between them (not those at either end)."""
        gtext = self.gtext
        if not any(gtext[a:b - 1]):
            return "".join(self.text[a:b])
        out = []
        for k in range(a, b - 1):
            out.append(self.text[k])
            out.append(gtext[k])
        out.append(self.text[b - 1])
        return "".join(out)


def build_items(runs: Sequence[Run], settings: ComposeSettings, *, headline: bool = False) -> Items:
    """Runs -> Items (see the module docstring)."""
    texts: list[str] = []
    cls: list[int] = []
    sty: list = []
    adv: list[float] = []
    spaces: dict[int, tuple[str, float, float]] = {}   # gap index -> (whitespace, width pt, em pt)
    special: list[int] = []                             # glyphs that are not Han: the only ones with rules
    ambiguous: list[int] = []
    table = TABLE
    t_append, c_append, s_append, a_append = texts.append, cls.append, sty.append, adv.append
    pend_t = ""
    pend_w = 0.0
    pend_em = 0.0
    table_get = table.get
    tcy_max = settings.tcy_max if settings.vertical else 0
    for run in runs:
        st = run.style
        size = st.size
        acache, _, _ = metric_caches(st.metrics)
        text = run.text
        codes = list(map(table_get, text))
        if None in codes:
            codes = [class_code(ch) for ch in text]
        tokens = _tcy_tokens(text, codes, tcy_max) if tcy_max and DIGIT in codes else None
        if tokens is None and not pend_t and SPACE not in codes and COMBINING not in codes:
            # fast path: a run with no spaces and no combining marks, one glyph per character
            base = len(texts)
            texts.extend(text)
            cls.extend(codes)
            sty.extend(repeat(st, len(text)))
            adv.extend(map(mul, map(acache.__getitem__, text), repeat(size)))
            special.extend(compress(range(base, base + len(text)), codes))   # HAN == 0
            if "-" in text or "\u2019" in text:
                ambiguous.extend(base + i for i, ch in enumerate(text) if ch == "-" or ch == "\u2019")
            continue
        for ch in text if tokens is None else tokens:
            c = HAN if type(ch) is TcyNumber else table.get(ch)
            if c is None:
                c = class_code(ch)
            if c == HAN:
                if pend_t:
                    if texts:
                        spaces[len(texts) - 1] = (pend_t, pend_w, pend_em)
                    pend_t = ""
                    pend_w = pend_em = 0.0
                t_append(str(ch))
                c_append(HAN)
                s_append(st)
                a_append(size if type(ch) is TcyNumber else acache[ch] * size)
                continue
            if c == SPACE:
                pend_t += ch
                if ch not in _ZW:
                    pend_w += acache[" " if ch in "\t\n\r\f\v" else ch] * size
                if size > pend_em:
                    pend_em = size
                continue
            if c == COMBINING and texts and not pend_t:
                texts[-1] += ch
                adv[-1] += acache[ch] * size
                continue
            if pend_t:
                if texts:
                    spaces[len(texts) - 1] = (pend_t, pend_w, pend_em)
                pend_t = ""
                pend_w = pend_em = 0.0
            if ch == "-" or ch == "\u2019":
                ambiguous.append(len(texts))
            special.append(len(texts))
            t_append(ch)
            c_append(c)
            s_append(st)
            a_append(acache[ch] * size)
    n = len(texts)
    it = Items()
    it.n = n
    if n == 0:
        return it
    space_text = [""] * (n - 1)
    for j, (t, _, _) in spaces.items():
        space_text[j] = t
    for i in ambiguous:
        _disambiguate(i, texts, cls, space_text)

    # --- run membership (for Han–Latin spacing: only runs holding a letter or digit) -----------
    alnum_run = {}
    k = 0
    ns = len(special)
    while k < ns:
        i = special[k]
        if cls[i] in _LATIN_RUN:
            j = i
            kk = k
            has = cls[i] in _ALNUM
            while kk + 1 < ns and special[kk + 1] == j + 1 and cls[j + 1] in _LATIN_RUN and not space_text[j]:
                kk += 1
                j += 1
                if cls[j] in _ALNUM:
                    has = True
            if has:
                for q in range(i, j + 1):
                    alnum_run[q] = True
            k = kk + 1
        else:
            k += 1

    it.text = texts
    it.cls = cls
    it.style = sty
    it.em = sty[0].size
    it.gtext = space_text
    _widths(it, special, adv, space_text, settings)
    _gaps(it, special, spaces, alnum_run, settings, headline)
    _prefix(it)
    return it


class TcyNumber(str):
    """A number set upright side by side in a vertical line (縦中横): one glyph, one em, a Han's rules."""


def _tcy_tokens(text: str, codes: list[int], most: int) -> list[str] | None:
    """A vertical run's characters, with each number of at most `most` ASCII digits that stands
    alone (no letter, digit, sign, unit or Latin punctuation beside it) as one `TcyNumber`;
    None when the run has none."""
    out: list[str] = []
    found = False
    n = len(text)
    k = 0
    while k < n:
        if codes[k] == DIGIT and text[k] in "0123456789" and (k == 0 or codes[k - 1] not in _LATIN_RUN):
            j = k
            while j < n and codes[j] == DIGIT and text[j] in "0123456789":
                j += 1
            if j - k <= most and (j == n or codes[j] not in _LATIN_RUN):
                out.append(TcyNumber(text[k:j]))
                found = True
                k = j
                continue
            out.extend(text[k:j])
            k = j
            continue
        out.append(text[k])
        k += 1
    return out if found else None


def _disambiguate(i: int, texts: list[str], cls: list[int], space_text: list[str]) -> None:
    """Context classes: ’ inside a word is an apostrophe; '-' is a sign, a hyphen or a connector."""
    n = len(texts)
    prev_c = cls[i - 1] if i > 0 and not space_text[i - 1] else None
    next_c = cls[i + 1] if i + 1 < n and not space_text[i] else None
    if texts[i] == "\u2019":
        if prev_c == LATIN and next_c == LATIN:
            cls[i] = LATIN_PUNCT
        return
    if next_c == DIGIT and prev_c not in _LATIN_RUN:
        cls[i] = PREFIX                       # a minus sign: stays with its number (clreq §6.1.2)
    elif prev_c in _LATIN_RUN and next_c in _LATIN_RUN:
        cls[i] = LATIN_PUNCT                  # a hyphen inside a word
    else:
        cls[i] = CONNECTOR                    # a short connector between Chinese words


def _widths(it: Items, special: list[int], adv: list[float], space_text: list[str],
            settings: ComposeSettings) -> None:
    """Punctuation widths before breaking (clreq §6.3.2 [§3.1.6], TYPOGRAPHY §2)."""
    texts, cls, sty = it.text, it.cls, it.style
    n = len(texts)
    shift = [0.0] * n
    bl = [0.0] * n
    br = [0.0] * n
    kl = [0.0] * n
    kr = [0.0] * n
    sq = [0] * n
    content = [1] * n
    half = frozenset(int(c) for c in HALF_BY_DEFAULT[settings.punctuation])
    squeeze = frozenset(int(c) for c in SQUEEZABLE[settings.punctuation])
    centred = settings.lang in CENTRED_STOPS
    marks = []
    for i in special:
        c = cls[i]
        if c not in _CONTENT:
            content[i] = 0
        if c in _COMPRESSIBLE:
            marks.append(i)
            if centred and (c == STOP or c == PAUSE):
                continue                      # centred stops keep their em, uncompressed
            st = sty[i]
            size = st.size
            a = adv[i]
            blank = a - 0.5 * size
            if blank <= EPS:
                continue
            hs = _half_shift(st, texts[i][0])
            if c == OPEN:
                k = hs * size / blank if hs is not None else -1.0
                if c in half:
                    adv[i] = a - blank
                    shift[i] = k * blank
                else:
                    bl[i] = blank
                    kl[i] = k
            else:
                k = hs * size / blank if hs is not None else 0.0
                if c in half:
                    adv[i] = a - blank
                    shift[i] = k * blank
                else:
                    br[i] = blank
                    kr[i] = k
            if c in squeeze:
                sq[i] = _SQ_PRIORITY[c]
        elif c == MIDDOT or c == SOLIDUS or (c == CONNECTOR and texts[i][0] in HALF_EM_FIXED):
            st = sty[i]
            target = 0.5 * st.size
            hs = _half_shift(st, texts[i][0])
            shift[i] = hs * st.size if hs is not None else (target - adv[i]) / 2
            adv[i] = target

    # Adjacent marks share one em of blank: a pair takes 1.5 em (1 em in banjiao).
    limit_em = 1.0 if settings.punctuation == "banjiao" else 1.5
    for q in range(len(marks) - 1):
        i = marks[q]
        if marks[q + 1] != i + 1 or space_text[i]:
            continue
        size = max(sty[i].size, sty[i + 1].size)
        excess = adv[i] + adv[i + 1] - limit_em * size
        # junction blanks first, then the outer blanks of the pair
        for k, side in ((i, 1), (i + 1, 0), (i + 1, 1), (i, 0)):
            if excess <= EPS:
                break
            blank = br[k] if side else bl[k]
            take = blank if blank < excess else excess
            if take <= 0:
                continue
            adv[k] -= take
            if side:
                br[k] -= take
                shift[k] += kr[k] * take
            else:
                bl[k] -= take
                shift[k] += kl[k] * take
            excess -= take
    it.adv = adv
    it.shift = shift
    it.bl = bl
    it.br = br
    it.kl = kl
    it.kr = kr
    it.sq = sq
    it.content = content
    it.marks = marks
    # What a break cuts: a line-end mark is set half (GB/T 15834 §5.1.10); an opening bracket at
    # line start loses its leading half em (clreq §6.3.2 [§3.1.6]).
    endcut = [0.0] * n
    endcut_y = [0.0] * n
    startcut = [0.0] * n
    startcut_y = [0.0] * n
    for i in marks:
        c = cls[i]
        if c == OPEN:
            startcut[i] = bl[i]
            if sq[i]:
                startcut_y[i] = bl[i]
        else:
            endcut[i] = br[i]
            if sq[i]:
                endcut_y[i] = br[i]
    it.endcut, it.endcut_y, it.startcut, it.startcut_y = endcut, endcut_y, startcut, startcut_y


def _gaps(it: Items, special: list[int], spaces: dict, alnum_run: dict, settings, headline: bool) -> None:
    """Gap kinds, widths, stretch/shrink limits and break classes (clreq §6.1, §6.3.3; TYPOGRAPHY §3–4).

    Gaps between two Han are the default (0 wide, stretchable, a legal break); only gaps beside
    another class or holding a space are looked at.
    """
    texts, cls, sty = it.text, it.cls, it.style
    n = len(texts)
    m = n - 1
    gw = [0.0] * m
    gk = [G_CJK] * m
    gbreak = [B_LEGAL] * m
    gz = [0.0] * m     # bounded stretch: word space to ½ em, Han–Latin space to ⅓ em
    gy = [0.0] * m     # shrink: word space to ¼ em, Han–Latin space to ⅛ em
    gp = [0] * m
    gs3 = [1] * m
    gs4 = [0] * m
    ns = NO_START[settings.linebreak]
    ne = NO_END[settings.linebreak]
    latin_run = _LATIN_RUN
    todo = set(spaces)
    for i in special:
        if i:
            todo.add(i - 1)
        if i < m:
            todo.add(i)
    for j in todo:
        cl = cls[j]
        cr = cls[j + 1]
        space = spaces.get(j)
        left_latin = cl in latin_run
        right_latin = cr in latin_run
        hl = (cl == HAN and right_latin and j + 1 in alnum_run) or (cr == HAN and left_latin and j in alnum_run)
        if space is not None and space[0].strip(_ZW_CHARS):
            sp, w, em = space
            if hl and not headline:
                gk[j] = G_HL
            elif headline and not left_latin and not right_latin:
                # headline phrase separator: a visible one-em gap (documented in headline.py)
                gk[j] = G_SPACE
                gw[j] = max(sty[j].size, sty[j + 1].size)
                gs3[j] = 0
            else:
                gk[j] = G_SPACE
                gw[j] = w
                gz[j] = max(0.0, 0.5 * em - w)
                gy[j] = max(0.0, w - 0.25 * em)
                gp[j] = P_SPACE
            if any(ch in _NBSP for ch in sp) or (cl == DIGIT and cr == POSTFIX):
                gbreak[j] = B_GLUED          # no-break space; a number and its unit (clreq §6.1.2)
                continue
        elif space is not None:               # zero-width characters only
            if "\u200b" not in space[0]:
                gk[j] = G_NONE                # word joiner, soft hyphen, BOM: glue
                gs3[j] = 0
                gbreak[j] = B_GLUED
                continue
        elif left_latin and right_latin:
            gk[j] = G_NONE
            gs3[j] = 0
            gs4[j] = 1
            gbreak[j] = B_GLUED
            if sty[j] == sty[j + 1]:
                _, _, kcache = metric_caches(sty[j].metrics)
                k = kcache[(texts[j][-1], texts[j + 1][0])]
                if k:
                    gw[j] = k * sty[j].size
            continue
        elif cl == cr and (cl == DASH or cl == ELLIPSIS):
            gk[j] = G_NONE
            gs3[j] = 0
            gbreak[j] = B_PAIR                # —— and …… are never split (clreq §6.1.2)
            continue
        elif hl:
            gk[j] = G_HL
        elif cl == CONNECTOR or cr == CONNECTOR:
            gk[j] = G_FIXED
            gs3[j] = 0
        if gk[j] == G_HL:
            em = sty[j].size if cl == HAN else sty[j + 1].size
            gw[j] = 0.25 * em
            gz[j] = em / 12.0                # ¼ -> ⅓ em
            gy[j] = 0.125 * em               # ¼ -> ⅛ em
            gp[j] = P_HL
        # line-start / line-end prohibition (clreq §6.1.1 [§3.1.7])
        if texts[j + 1][0] in ns or texts[j][0] in ne:
            gbreak[j] = B_PROHIBITED
    # a middle dot between digits is part of a number: “7·20” (clreq §6.1.2, numeral runs)
    space_text = it.gtext
    for i in special:
        if cls[i] == MIDDOT and 0 < i < m and cls[i - 1] == DIGIT and cls[i + 1] == DIGIT \
                and not space_text[i - 1] and not space_text[i]:
            for j in (i - 1, i):
                gk[j] = G_NONE
                gs3[j] = 0
                gbreak[j] = B_GLUED
    it.gw = gw
    it.gk = gk
    it.gbreak = gbreak
    it.gz = gz
    it.gy = gy
    it.gp = gp
    it.gs3 = gs3
    it.gs4 = gs4


def _cut_sums(values, gaps, n: int, marks, endcut, startcut) -> tuple[list[float], list[float]]:
    """Prefix sums of one quantity over glyph, gap, glyph …: E[k] is glyphs 0..k-1 and the gaps
    between them, less glyph k-1's end cut (where a line may end after it); S[a] is E[a] plus the
    gap before glyph a, plus glyph a's start cut (where a line may start at it)."""
    E = [0.0]
    E.extend(accumulate(map(add, values[1:], gaps), initial=values[0]))
    S = [0.0]
    S.extend(map(add, E[1:n], gaps))
    for i in marks:
        if endcut[i]:
            E[i + 1] -= endcut[i]
        if startcut[i]:
            S[i] += startcut[i]
    return E, S


def _prefix(it: Items) -> None:
    """Prefix sums over glyph, gap, glyph …: the breaker reads a line's totals in O(1).

    For the line of glyphs a..b-1 (a break before glyph a and after glyph b-1), with the cuts
    those breaks make: width `We[b] - Bs[a]`, shrink `Ye[b] - Ys[a]`, stretchability
    `Zs[b-1] - Zs[a]` (bounded stretch plus S3_REF em for every gap that stretches freely).
    """
    n = it.n
    adv, gw, gy = it.adv, it.gw, it.gy
    marks = it.marks
    # widths, then shrink: the same sums over different quantities and cuts
    We, Bs = _cut_sums(adv, gw, n, marks, it.endcut, it.startcut)
    sq = it.sq
    if any(gy) or any(sq[i] for i in marks):
        sqc = [0.0] * n
        bl, br = it.bl, it.br
        for i in marks:
            if sq[i]:
                sqc[i] = bl[i] + br[i]
        Ye, Ys = _cut_sums(sqc, gy, n, marks, it.endcut_y, it.startcut_y)
    else:
        Ye = [0.0] * (n + 1)
        Ys = [0.0] * n
    # stretch
    s3 = S3_REF * it.em
    Zs = list(accumulate(map(add, it.gz, map(mul, it.gs3, repeat(s3))), initial=0.0))
    Zs.append(Zs[-1])
    it.We, it.Bs, it.Ye, it.Ys, it.Zs = We, Bs, Ye, Ys, Zs

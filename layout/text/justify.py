"""Setting one line: glyphs a..b-1 of `Items` -> a positioned `Line`.

Takes: `Items`, the glyph range of the line, where it starts (indent), the
width available, the measure, the alignment, and whether it is the last line.
Returns: a `Line` whose glyphs carry their x (origin, halt shift included)
and advance in points.

Order of adjustment (TYPOGRAPHY §4; clreq §6.2 and §6.3.2 [§3.1.6]):

* always: a line-end mark is set half (GB/T 15834 §5.1.10) and a line-start
  opening bracket loses its leading half em (the same cuts the breaker used);
* too long, shrink in order, each to its minimum: word spaces to ¼ em;
  (interpuncts: already fixed at ½ em); brackets to ½ em; ，、；： to ½ em;
  Han–Latin space to ⅛ em; 。？！ to ½ em (kaiming/banjiao only);
* too short (justified lines that are not the last): word spaces up to ½ em;
  Han–Latin space up to ⅓ em; then every gap between characters equally,
  never inside ——/…… or a Latin word nor around connectors. A line with no
  such gap is letter-spaced inside its words as a last resort, and flagged
  emergency if even that is impossible.

A justified line therefore ends at the measure; the last line of a paragraph
and non-justified lines keep natural spacing (shrunk only if too long), placed
per the alignment.
"""
from __future__ import annotations

from itertools import accumulate, repeat
from operator import add, mul

from layout.text.items import G_HL, G_SPACE, P_BRACKET, P_HL, P_PAUSE, P_SPACE, P_STOP, Items
from layout.text.model import Glyph, Line

EPS = 1e-6
_new_tuple = tuple.__new__   # (Glyph, (text, x, advance, style)) -> Glyph, without a Python-level call


def set_line(it: Items, a: int, b: int, x0: float, avail: float, measure: float, *,
             justify: bool, last: bool, align: str = "justify", emergency: bool = False) -> Line:
    """Lay out glyphs a..b-1 in `avail` points starting at x0 (see the module docstring)."""
    adv = it.adv[a:b]
    shift = it.shift[a:b]
    gaps = it.gw[a:b - 1]
    sc = it.startcut[a]
    if sc:
        adv[0] -= sc
        shift[0] += it.kl[a] * sc
    ec = it.endcut[b - 1]
    if ec:
        adv[-1] -= ec
        shift[-1] += it.kr[b - 1] * ec
    natural = it.We[b] - it.Bs[a]
    fill = justify and not last
    d = (avail - natural) if fill else min(0.0, avail - natural)
    if d < -EPS:
        if _shrink(it, a, b, adv, shift, gaps, -d) > EPS:
            emergency = True          # overfull even at every minimum
    elif d > EPS:
        gaps = _stretch(it, a, b, gaps, d)
        if gaps is None:
            gaps = it.gw[a:b - 1]
            emergency = True          # nothing on the line can stretch
    if not fill and (align == "center" or align == "right"):
        room = avail - (sum(adv) + sum(gaps))
        if room > 0:
            x0 += room if align == "right" else room / 2.0
    xs = list(accumulate(map(add, adv, gaps), initial=x0))
    glyphs = tuple(map(_new_tuple, repeat(Glyph), zip(it.text[a:b], map(add, xs, shift), adv, it.style[a:b])))
    return Line(glyphs, xs[-1] + adv[-1], measure, last, it.glyph_line_text(a, b), emergency)


def _shrink(it: Items, a: int, b: int, adv, shift, gaps, need: float) -> float:
    """Take `need` points out of the line in the TYPOGRAPHY §4 order; returns what could not be taken."""
    gp, gy, sq = it.gp, it.gy, it.sq
    # remaining blanks of glyphs (the cuts at either end already took theirs)
    bl = it.bl[a:b]
    br = it.br[a:b]
    bl[0] -= it.startcut[a]
    br[-1] -= it.endcut[b - 1]
    for prio in (P_SPACE, P_BRACKET, P_PAUSE, P_HL, P_STOP):
        if need <= EPS:
            break
        if prio == P_SPACE or prio == P_HL:
            idx = [k for k in range(b - a - 1) if gp[a + k] == prio and gy[a + k] > 0]
            cap = sum(gy[a + k] for k in idx)
            if cap <= EPS:
                continue
            ratio = min(1.0, need / cap)
            for k in idx:
                gaps[k] -= gy[a + k] * ratio
        else:
            idx = [k for k in range(b - a) if sq[a + k] == prio and (bl[k] > EPS or br[k] > EPS)]
            cap = sum(bl[k] + br[k] for k in idx)
            if cap <= EPS:
                continue
            ratio = min(1.0, need / cap)
            for k in idx:
                tl = bl[k] * ratio
                tr = br[k] * ratio
                adv[k] -= tl + tr
                shift[k] += it.kl[a + k] * tl + it.kr[a + k] * tr
        need -= min(need, cap)
    return need


def _stretch(it: Items, a: int, b: int, gaps: list[float], d: float) -> list[float] | None:
    """Add `d` points to the gaps in the TYPOGRAPHY §4 order; None if nothing on the line stretches."""
    gk, gz = it.gk, it.gz
    m = b - a - 1
    if any(gz[a:b - 1]):
        for kind in (G_SPACE, G_HL):
            if d <= EPS:
                return gaps
            idx = [k for k in range(m) if gk[a + k] == kind and gz[a + k] > 0]
            cap = sum(gz[a + k] for k in idx)
            if cap <= EPS:
                continue
            ratio = min(1.0, d / cap)
            for k in idx:
                gaps[k] += gz[a + k] * ratio
            d -= min(d, cap)
        if d <= EPS:
            return gaps
    flags = it.gs3[a:b - 1]
    count = sum(flags)
    if not count:
        flags = it.gs4[a:b - 1]                  # last resort: letter-space inside words
        count = sum(flags)
        if not count:
            return None
    share = d / count
    return list(map(add, gaps, map(mul, flags, repeat(share))))

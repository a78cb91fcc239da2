"""Total-fit line breaking (Knuth–Plass) over the glyphs and gaps of `Items`.

Takes: `Items` (with its prefix sums), the available width of the first and
of the other lines, the alignment and the last-line rule. Returns: a
`Breaks` value: the breakpoints (glyph index where each line ends,
exclusive; the last is `items.n`) and, per line, whether it needed an
emergency measure.

The model is boxes, glue and penalties: every glyph is a box, every gap is
glue with the stretch and shrink limits `items.py` gave it, and a gap is a
feasible break when the prohibition rules allow it (clreq §6.1.1 [§3.1.7],
§6.1.2). A break cuts the blank of a line-end mark and the leading half of a
line-start opening bracket (clreq §6.3.2 [§3.1.6]); the prefix sums make a
candidate line O(1). Demerits follow Knuth and Plass: (line penalty +
badness)² plus penalties for adjacent lines of very different tightness, so
breaks are chosen for the whole paragraph (TYPOGRAPHY §4).

The active list is a window over breakpoints in paragraph order: nodes from
which every later line would be overfull are dropped from the front, and the
scan of each breakpoint stops at the first node that is already too loose (the
rest are looser still), so a breakpoint costs a handful of node visits.

Passes: (1) legal breaks, lines within a stretch tolerance; (2) legal breaks,
any stretch — also used when (1) can only meet the last-line rule by breaking
it; (3) emergency: any gap may break, at a price ordered glued < prohibited <
inside ——/……, and a single glyph wider than the line may overflow.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from layout.text.items import B_GLUED, B_LEGAL, B_PAIR, B_PROHIBITED, S3_REF, Items

INF = float("inf")
EPS = 1e-6
LINE_PENALTY = 10.0
ADJ_DEMERITS = 3000.0          # adjacent lines two fitness classes apart
LAST_LINE_DEMERITS = 1e13      # a last line with fewer content characters than min_last_line
TOLERANCE = 1.0                # pass 1: stretch ratio limit
BADNESS_CAP = 1e6              # loose lines stay comparable; (10 + cap)² stays below the tiers above it
EMERGENCY = {B_GLUED: 1e16, B_PROHIBITED: 2e16, B_PAIR: 4e16}
LETTERSPACE = 5e15             # pass 3: a line only letter-spacing inside a word can fill
UNJUSTIFIABLE = 1e17           # pass 3: a line that cannot be stretched to the measure
OVERFULL = 1e19                # pass 3: a single glyph wider than the line


@dataclass(frozen=True)
class Breaks:
    ends: tuple[int, ...]           # line i holds glyphs ends[i-1] .. ends[i]-1 (ends[-1] == n)
    emergency: tuple[bool, ...]     # per line: an emergency break, overflow or unfillable line
    last_rule_ok: bool              # the last line meets min_last_line (or is the first line)


def find_breaks(it: Items, avail_first: float, avail_rest: float, *, justify: bool = True,
                min_last_line: int = 2) -> Breaks:
    """Best breaks for the paragraph, trying the passes in order (see the module docstring)."""
    best = None
    for mode in (1, 2, 3):
        res = _run(it, avail_first, avail_rest, mode, justify, min_last_line)
        if res is None:
            continue
        if res.last_rule_ok or mode == 3:
            return res if best is None or not _worse(res, best) else best
        best = best or res
    return best  # pragma: no cover - pass 3 always finds a result


def _worse(a: Breaks, b: Breaks) -> bool:
    return any(a.emergency) and not any(b.emergency)


class _State:
    """Per-pass node table: best total demerits, predecessor, fitness and emergency flag per breakpoint."""

    __slots__ = ("total", "prev", "fit", "flag", "act", "lo")

    def __init__(self, n: int):
        self.total = [INF] * (n + 1)
        self.total[0] = 0.0
        self.prev = [-1] * (n + 1)
        self.fit = [1] * (n + 1)
        self.flag = [False] * (n + 1)
        self.act = [0]
        self.lo = 0


def _run(it: Items, af: float, ar: float, mode: int, justify: bool, min_last: int) -> Breaks | None:
    n = it.n
    Bs = it.Bs[:]
    Bs[0] -= ar - af          # the first line is shorter by the indent: start node 0 that much further back
    st = _State(n)
    if n > 1:
        if mode == 3:
            _emergency_pass(it, Bs, ar, justify, st)
        else:
            _legal_pass(it, Bs, ar, TOLERANCE if mode == 1 else INF, justify, st)
    _last_line(it, Bs, ar, min_last, mode == 3, st)
    prev = st.prev
    if prev[n] < 0:
        return None
    ends = []
    flags = []
    b = n
    while b > 0:
        ends.append(b)
        flags.append(st.flag[b])
        b = prev[b]
    ends.reverse()
    flags.reverse()
    first_of_last = ends[-2] if len(ends) > 1 else 0
    ok = len(ends) == 1 or sum(it.content[first_of_last:]) >= min_last
    return Breaks(tuple(ends), tuple(flags), ok)


def _legal_pass(it: Items, Bs: list[float], ar: float, tol: float, justify: bool, st: _State) -> None:
    """Passes 1 and 2: legal breaks only, no overflow. The hot loop of the composer."""
    We, Ye, Ys, Zs = it.We, it.Ye, it.Ys, it.Zs
    s3 = S3_REF * it.em
    total, prev, fit, act = st.total, st.prev, st.fit, st.act
    lo = 0
    hi_w = ar + EPS
    lo_w = ar - EPS
    for j, g in enumerate(it.gbreak):
        if g:
            continue
        b = j + 1
        wb = We[b]
        yb = Ye[b]
        nact = len(act)
        # drop nodes from which this (and so every later) line is overfull
        while lo < nact:
            a = act[lo]
            if (wb - Bs[a]) - (yb - Ys[a]) > hi_w:
                lo += 1
            else:
                break
        zb = Zs[j]
        bt = INF
        ba = -1
        bf = 1
        for a in act[lo:]:
            w = wb - Bs[a]
            if w > hi_w:
                y = yb - Ys[a]
                if w - y > hi_w:
                    continue
                r = (ar - w) / y
                f = 0 if r < -0.5 else 1
                bad = -100.0 * r * r * r
            elif w >= lo_w:
                f = 1
                bad = 0.0
            else:
                cap = zb - Zs[a]
                if cap > EPS:
                    r = (ar - w) / cap
                    if r > tol:
                        break        # this node and every later one are too loose for now
                elif justify:
                    continue         # nothing on this line can stretch
                else:
                    r = (ar - w) / s3    # ragged: rate the blank as if one gap took it
                    if r > tol:
                        continue
                f = 1 if r <= 0.5 else 2 if r <= 1.0 else 3
                bad = 100.0 * r * r * r
                if bad > BADNESS_CAP:
                    bad = BADNESS_CAP
            dm = LINE_PENALTY + bad
            dm = dm * dm + total[a]
            fa = fit[a]
            if f - fa > 1 or fa - f > 1:
                dm += ADJ_DEMERITS
            if dm < bt:
                bt = dm
                ba = a
                bf = f
        if ba >= 0:
            total[b] = bt
            prev[b] = ba
            fit[b] = bf
            act.append(b)
    st.lo = lo


def _emergency_pass(it: Items, Bs: list[float], ar: float, justify: bool, st: _State) -> None:
    """Pass 3: every gap may break (at a price), a lone glyph may overflow, any line may be loose."""
    n = it.n
    We, Ye, Ys, Zs = it.We, it.Ye, it.Ys, it.Zs
    gbreak = it.gbreak
    LA = list(accumulate(it.gs4, initial=0))
    s3 = S3_REF * it.em
    total, prev, fit, flag, act = st.total, st.prev, st.fit, st.flag, st.act
    lo = 0
    hi_w = ar + EPS
    lo_w = ar - EPS
    for b in range(1, n):
        j = b - 1
        wb = We[b]
        yb = Ye[b]
        nact = len(act)
        while lo < nact:
            a = act[lo]
            if (wb - Bs[a]) - (yb - Ys[a]) > hi_w and b != a + 1:
                lo += 1
            else:
                break
        zb = Zs[j]
        bt = INF
        ba = -1
        bf = 1
        bflag = False
        for idx in range(lo, nact):
            a = act[idx]
            w = wb - Bs[a]
            extra = 0.0
            if w > hi_w:
                y = yb - Ys[a]
                if w - y > hi_w:
                    if b != a + 1:
                        continue
                    extra = OVERFULL                 # a single glyph wider than the line
                    r = -1.0
                else:
                    r = (ar - w) / y
                f = 0 if r < -0.5 else 1
                bad = -100.0 * r * r * r
            elif w >= lo_w:
                f = 1
                bad = 0.0
            else:
                cap = zb - Zs[a]
                if cap > EPS:
                    r = (ar - w) / cap
                elif justify:
                    extra = UNJUSTIFIABLE if LA[j] - LA[a] == 0 else LETTERSPACE
                    r = 3.0
                else:
                    r = (ar - w) / s3
                f = 1 if r <= 0.5 else 2 if r <= 1.0 else 3
                bad = min(100.0 * r * r * r, BADNESS_CAP)
            dm = (LINE_PENALTY + bad) ** 2 + total[a] + extra
            if abs(f - fit[a]) > 1:
                dm += ADJ_DEMERITS
            if dm < bt:
                bt = dm
                ba = a
                bf = f
                bflag = extra > 0
        if ba >= 0:
            if gbreak[j] != B_LEGAL:
                bt += EMERGENCY[gbreak[j]]
                bflag = True
            total[b] = bt
            prev[b] = ba
            fit[b] = bf
            flag[b] = bflag
            act.append(b)
    st.lo = lo


def _last_line(it: Items, Bs: list[float], ar: float, min_last: int, emergency: bool, st: _State) -> None:
    """The paragraph end: its line is set at natural width, so only its length and content count."""
    n = it.n
    wb = it.We[n]
    yb = it.Ye[n]
    Ys = it.Ys
    content = it.content
    total, act = st.total, st.act
    bt = INF
    ba = -1
    bflag = False
    for idx in range(st.lo, len(act)):
        a = act[idx]
        w = wb - Bs[a]
        extra = 0.0
        bad = 0.0
        if w > ar + EPS:
            y = yb - Ys[a]
            if w - y > ar + EPS:
                if not emergency or idx != len(act) - 1:
                    continue
                extra = OVERFULL
                r = -1.0
            else:
                r = (ar - w) / y
            bad = -100.0 * r * r * r
        dm = (LINE_PENALTY + bad) ** 2 + total[a] + extra
        if a:
            held = sum(content[a:])
            if held < min_last:   # a bare mark alone (a closing quote) is worse still than one character
                dm += LAST_LINE_DEMERITS * (2 if held == 0 else 1)
        if dm < bt:
            bt = dm
            ba = a
            bflag = extra > 0
    if ba >= 0:
        total[n] = bt
        st.prev[n] = ba
        st.flag[n] = bflag

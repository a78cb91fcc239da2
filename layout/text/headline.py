"""Headline composition: short display text, balanced over as few lines as it needs.

Takes: runs, the measure in points, `ComposeSettings` (its `linebreak`,
`punctuation`, `lang` and `align` are used; `indent` and `min_last_line`
are not) and an optional `max_lines`. Returns: a tuple of `Line`s.

Rules:

* One line when it fits (punctuation may be squeezed to make it fit, in the
  TYPOGRAPHY §4 order); otherwise the fewest lines that fit.
* Lines are balanced, not filled: the breaks minimise the squared difference
  of each line's width from the mean, with a small bias for a first line
  longer than the next (the longer line first, as papers set a two-line 主题).
* Breaks fall between words, never inside one (`layout.text.phrases`: the
  words come from jieba's dictionary; a number and its unit are one word),
  and prefer phrase boundaries: a space in the text (cost 0), then after a
  pause/stop/closing mark or before an opening one, then a phrase boundary
  between words (before a number, between a noun and its verb), then any
  other word boundary. Only a word too long for the measure on its own is
  broken inside (between characters, as before). Prohibited breaks (clreq
  §6.1.1 [§3.1.7], §6.1.2) are never used.
* A space between two Chinese characters is a phrase separator
  (`再学习 谋发展 明方向`): it is set as a visible gap of one em, and, like
  every space, dropped where the line breaks. Spaces beside Latin text are
  ordinary word spaces (or the ¼ em Han–Latin space).
* Lines are not justified: natural spacing, placed per `settings.align`
  (`center`, `right`, or `left`; `justify` is taken as `left`).
* When even `max_lines` lines cannot hold it, the best `max_lines` lines are
  returned with the overfull ones flagged `emergency` (the caller may then
  set the headline smaller).
"""
from __future__ import annotations

from typing import Sequence

from layout.text.items import B_LEGAL, CLOSE, G_SPACE, OPEN, PAUSE, STOP, Items, build_items
from layout.text.justify import set_line
from layout.text.model import ComposeSettings, Line, Run
from layout.text.phrases import break_costs

EPS = 1e-6
#: break cost by kind of boundary, in em² (comparable to the squared width deviation)
COST_PHRASE = 0.0
COST_PUNCT = 1.0
COST_INSIDE = 100.0        # a break inside a word: only when a word alone is wider than the measure
FIRST_LONG_BIAS = 0.25     # per em a line is shorter than the mean, weighted by lines still to come
OVERFLOW = 1e6


def compose_headline(runs: Sequence[Run], measure: float, settings: ComposeSettings,
                     max_lines: int | None = None) -> tuple[Line, ...]:
    """Compose a headline (see the module docstring)."""
    runs = [r for r in runs if r.text]
    if not runs:
        return ()
    it = build_items(runs, settings, headline=True)
    n = it.n
    if n == 0:
        return ()
    align = "left" if settings.align == "justify" else settings.align
    limit = max_lines if max_lines is not None and max_lines > 0 else n
    if _min_width(it, 0, n) <= measure + EPS or limit == 1:
        return (_set(it, 0, n, measure, align, True),)
    cost = _word_costs(it)
    cands = [j + 1 for j in range(n - 1) if it.gbreak[j] == B_LEGAL]
    between_words = [b for b in cands if cost[b - 1] is not None]
    k, fits = _fewest_lines(it, between_words, measure)
    ends = None
    if fits and k <= limit:
        ends = _balance(it, between_words, k, measure, cost, allow_overflow=False)
    if ends is None:      # a word alone is too wide, or too few lines allowed: breaks inside words too
        k, fits = _fewest_lines(it, cands, measure)
        if fits and k <= limit:
            ends = _balance(it, cands, k, measure, cost, allow_overflow=False)
        if ends is None:
            ends = _balance(it, cands, min(k, limit), measure, cost, allow_overflow=True)
    lines = []
    a = 0
    for b in ends:
        lines.append(_set(it, a, b, measure, align, b == n))
        a = b
    return tuple(lines)


def _fewest_lines(it: Items, cands: list[int], measure: float) -> tuple[int, bool]:
    """Fewest lines (first fit is optimal for that) and whether every line fits the measure."""
    n = it.n
    points = cands + [n]
    count = 0
    fits = True
    a = 0
    i = 0
    while a < n:
        best = None
        while i < len(points) and _min_width(it, a, points[i]) <= measure + EPS:
            best = i
            i += 1
        if best is None:              # the next breakable piece alone is too wide
            fits = False
            best = i
            i += 1
        a = points[best]
        count += 1
    return count, fits


def _set(it: Items, a: int, b: int, measure: float, align: str, last: bool) -> Line:
    return set_line(it, a, b, 0.0, measure, measure, justify=False, last=last, align=align)


def _width(it: Items, a: int, b: int) -> float:
    return it.We[b] - it.Bs[a]


def _min_width(it: Items, a: int, b: int) -> float:
    return _width(it, a, b) - (it.Ye[b] - it.Ys[a])


def _word_costs(it: Items) -> list[float | None]:
    """Cost of a break at each gap j (between glyphs j and j+1); None inside a word."""
    text = []
    starts = []
    pos = 0
    for i in range(it.n):
        starts.append(pos)
        text.append(it.text[i])
        pos += len(it.text[i])
        if i < it.n - 1:
            text.append(it.gtext[i])
            pos += len(it.gtext[i])
    costs = break_costs("".join(text))
    out: list[float | None] = []
    for j in range(it.n - 1):
        if it.gk[j] == G_SPACE or it.gtext[j]:
            out.append(COST_PHRASE)
        elif it.cls[j] in (PAUSE, STOP, CLOSE) or it.cls[j + 1] == OPEN:
            out.append(COST_PUNCT)
        else:
            out.append(costs[starts[j + 1]])
    return out


def _balance(it: Items, cands: list[int], k: int, measure: float, cost_at: list[float | None], *,
             allow_overflow: bool) -> list[int] | None:
    """Best k-line breaks over the candidate breakpoints (dynamic programming)."""
    n = it.n
    em = it.em
    target = _width(it, 0, n) / k
    points = [0] + cands + [n]
    index = {p: i for i, p in enumerate(points)}
    # best[line][point] = (cost, previous point)
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
    for line in range(k):
        row: dict[int, tuple[float, int]] = {}
        lines_after = k - 1 - line
        for a, (ca, _) in best[line].items():
            for b in points[index[a] + 1:]:
                if (b == n) != (line == k - 1):
                    continue
                w = _width(it, a, b)
                over = _min_width(it, a, b) - measure
                if over > EPS:
                    if not allow_overflow:
                        break                      # longer lines from a only get worse
                    extra = OVERFLOW * (1.0 + over / em) ** 2
                else:
                    extra = 0.0
                dev = (w - target) / em
                cost = ca + dev * dev - FIRST_LONG_BIAS * lines_after * dev + extra
                if b != n:
                    c = cost_at[b - 1]
                    cost += COST_INSIDE if c is None else c
                old = row.get(b)
                if old is None or cost < old[0]:
                    row[b] = (cost, a)
        if not row:
            return None
        best.append(row)
    if n not in best[k]:
        return None
    ends = []
    b = n
    for line in range(k, 0, -1):
        ends.append(b)
        b = best[line][b][1]
    ends.reverse()
    return ends

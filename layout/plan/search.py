"""One page's plan: a deterministic local search over story shapes and places.

`solve_page(page_model, time_limit)` takes the page's grid, its fixed
rectangles (masthead band, placements the editor fixed) and its stories, each
with its measured `Variant`s, and returns a `Solution`: per story the variant,
rectangle and content height chosen (or None: no room), and the search's status.

A plan is decoded from a genome (docs/planning.md): the stories in an order
(rank order to start with) and, per story, a variant (its width), a preferred
first column (or none: the lowest, then leftmost place) and whether it takes
one line more than its text (a region short by one line, to fill the page).
Decoding drops each story, in order, onto the skyline of the columns so far
(every story a rectangle; modular layout); a fixed rectangle below it either
ends it (a jump head jumps there, another story is cut: copyfit) or it goes
below it, whichever costs less. A rectangle is the story's height plus one
line: the line the story below gives to the rule between them (the page's foot
has a virtual line for it). The cost sums, in lexical weights: stories left
off, lines cut, empty grid cells, 撞题 (headlines side by side), photos
touching, the lead not at the top or not the widest, reading order against
rank, lines stretched. The search is simulated annealing from a greedy start
with a fixed seed and a budget counted in decodes, so the same manifest gives
the same plan on any machine; a wall-clock backstop ends it early with the
best plan found (and a warning) on a machine too slow for the budget.

Why not a constraint solver: docs/planning.md has the figures (OR-Tools
CP-SAT, NoOverlap2D over the grid with optional variants, took 2-13 s for a
5-story tabloid page and found no good plan for a 9-story broadsheet page in
60 s on one core).
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field

from layout.plan.candidates import Variant

# Cost weights, each step well above what the ones after it sum to on a page.
W_DROP = 1_000_000        # a story left off the page (the lead costs most, then by rank)
W_CUT = 2_000             # per column-line cut from a story
W_CLASH = 5_000           # two headlines side by side at the same height (撞题)
W_PHOTOS = 5_000          # two photos touching across a gutter
W_LEAD = 3_000            # the lead not at the top, or narrower than another story
W_EMPTY = 100             # per empty grid cell (one column, one grid line)
W_ORDER = 200             # a story above, or wider than, a story ranked before it
W_STRETCH = 20            # per column-line a region is taller than its text (at most one line)

#: Decodes per second of `time_limit`: the budget that makes the search the same on any machine.
DECODES_PER_SECOND = 3000
#: Independent runs of the annealing (the first from the greedy start), sharing the budget.
RESTARTS = 2
#: The wall clock may run this many times the time limit before the search stops early.
BACKSTOP = 5.0
#: Headline zone of a fixed article, in grid lines (its headline is at its top).
FIXED_HEAD_LINES = 3


@dataclass(frozen=True)
class Rect:
    """A rectangle of the grid: columns [x, x + w), grid lines [y, y + h) (0-based)."""

    x: int
    y: int
    w: int
    h: int
    photo: bool = False        # a picture: no story's photo may touch it
    headline: bool = False     # an article: its headline is at its top


@dataclass(frozen=True)
class StoryModel:
    key: str
    rank: int
    variants: tuple[Variant, ...]
    jump_head: bool = False    # the story continues on another page: any height from its least
    x_fixed: int | None = None # its first column (0-based) when the editor gave its columns


@dataclass(frozen=True)
class PageModel:
    columns: int
    lines: int                 # grid lines of the type area
    fixed: tuple[Rect, ...]
    stories: tuple[StoryModel, ...]
    lead: str | None = None    # the key of the page's lead (头条), when it is planned


@dataclass(frozen=True)
class Placed:
    variant: Variant
    x: int
    y: int
    height: int                # content grid lines (the rectangle is one more)
    cut: int                   # grid lines below the variant's natural height (copyfit)


@dataclass
class Solution:
    placed: dict[str, Placed | None] = field(default_factory=dict)
    status: str = "planned"    # planned | best-found-within-time-limit | infeasible
    seconds: float = 0.0
    cost: float = 0.0
    clashes: int = 0
    touching: int = 0
    decodes: int = 0


@dataclass
class _Gene:
    variant: int
    x: int          # preferred first column, -1: the lowest place
    stretch: int    # 0 or 1


def solve_page(pm: PageModel, time_limit: float) -> Solution:
    """The best plan found within the budget (see the module docstring)."""
    t0 = time.perf_counter()
    stories = [s for s in pm.stories if s.variants]
    rng = random.Random(0)
    budget = max(RESTARTS * 100, int(time_limit * DECODES_PER_SECOND))
    rank_order = sorted(range(len(stories)), key=lambda i: stories[i].rank)
    best = None
    decodes, stopped = 0, False
    for run in range(RESTARTS):
        order = list(rank_order)
        genes = _greedy_start(pm, stories, order) if run == 0 else \
            [_Gene(rng.randrange(len(s.variants)), -1, 0) for s in stories]
        current = _decode(pm, stories, order, genes)
        if best is None or current.cost < best.cost:
            best = current
        steps = budget // RESTARTS
        temperature = 2.0 * W_EMPTY * pm.columns
        for step in range(steps):
            if step % 200 == 0 and time.perf_counter() - t0 > BACKSTOP * time_limit:
                stopped = True
                break
            new_order, new_genes = _neighbour(rng, pm, stories, order, genes)
            trial = _decode(pm, stories, new_order, new_genes)
            decodes += 1
            heat = temperature * (1 - step / steps) + 1e-9
            if trial.cost <= current.cost or rng.random() < math.exp((current.cost - trial.cost) / heat):
                current, order, genes = trial, new_order, new_genes
                if trial.cost < best.cost:
                    best = trial
        if stopped:
            break
    out = best
    out.decodes = decodes
    out.seconds = time.perf_counter() - t0
    for s in pm.stories:
        out.placed.setdefault(s.key, None)
    if stopped:
        out.status = "best-found-within-time-limit"
    elif any(p is None or p.cut for p in out.placed.values()):
        out.status = "infeasible"
    return out


def _copy(g: _Gene) -> _Gene:
    return _Gene(g.variant, g.x, g.stretch)


def _greedy_start(pm: PageModel, stories: list[StoryModel], order: list[int]) -> list[_Gene]:
    """Each story's variant chosen in turn (rank order) as the cheapest with the others as they are;
    the lead starts at its widest."""
    genes = [_Gene(len(s.variants) - 1 if s.key == pm.lead else len(s.variants) // 2, -1, 0) for s in stories]
    for _round in range(2):
        for i in order:
            costs = []
            for k in range(len(stories[i].variants)):
                genes[i].variant = k
                costs.append((_decode(pm, stories, order, genes).cost, k))
            genes[i].variant = min(costs)[1]
    return genes


def _neighbour(rng: random.Random, pm: PageModel, stories, order, genes):
    """A small change: one story's width, place or stretch, or two stories swapped in order."""
    order = list(order)
    genes = [_copy(g) for g in genes]
    i = rng.randrange(len(stories))
    move = rng.random()
    if move < 0.4:
        genes[i].variant = rng.randrange(len(stories[i].variants))
    elif move < 0.65:
        w = stories[i].variants[genes[i].variant].width
        genes[i].x = rng.choice([-1] + list(range(pm.columns - w + 1)))
    elif move < 0.85:
        genes[i].stretch ^= 1
    elif len(order) > 1:
        a, b = rng.sample(range(len(order)), 2)
        order[a], order[b] = order[b], order[a]
    return order, genes


def _decode(pm: PageModel, stories: list[StoryModel], order: list[int], genes: list[_Gene]) -> Solution:
    """The plan a genome makes, and its cost."""
    cols, foot = pm.columns, pm.lines + 1
    top = [0] * cols
    for r in sorted(pm.fixed, key=lambda r: r.y):   # rectangles at the top of a column lift its skyline
        for c in range(r.x, r.x + r.w):
            if r.y <= top[c]:
                top[c] = max(top[c], r.y + r.h)
    sol = Solution()
    cost = 0.0
    rects: list[tuple[StoryModel, Rect, Variant, int]] = []   # placed so far, with content height
    for i in order:
        s, g = stories[i], genes[i]
        v = s.variants[g.variant]
        placed = _place(pm, s, v, g, top, foot)
        if placed is None:
            sol.placed[s.key] = None
            cost += W_DROP + W_DROP // (s.rank + 1)
            continue
        p, local = placed
        cost += local
        r = Rect(p.x, p.y, v.width, p.height + 1)
        for c in range(r.x, r.x + r.w):
            top[c] = r.y + r.h
        cost += _neighbour_cost(pm, s, r, v, rects, sol)
        rects.append((s, r, v, p.height))
        sol.placed[s.key] = p
    free = cols * foot - sum(r.w * r.h for r in pm.fixed)
    cost += W_EMPTY * (free - sum(r.w * r.h for _s, r, _v, _h in rects))
    sol.cost = cost
    return sol


def _place(pm: PageModel, s: StoryModel, v: Variant, g: _Gene, top: list[int], foot: int):
    """Where the story goes on the skyline `top`: (Placed, its own cost) or None (no room)."""
    w = v.width
    if s.x_fixed is not None:
        xs = [s.x_fixed] if s.x_fixed + w <= pm.columns else []
    elif 0 <= g.x <= pm.columns - w:
        xs = [g.x]
    else:
        xs = range(pm.columns - w + 1)
    best = None
    for x in xs:
        y = max(top[x:x + w])
        for p, local in _heights(pm, s, v, g, x, y, foot):
            holes = sum(p.y - top[c] for c in range(x, x + w))   # cells left empty under it
            key = (local + W_EMPTY * holes, p.y, x)
            if best is None or key < best[0]:
                best = (key, (p, local))
    return None if best is None else best[1]


def _heights(pm: PageModel, s: StoryModel, v: Variant, g: _Gene, x: int, y: int, foot: int):
    """The story at column x from line y: its content height and cost above the next fixed
    rectangle in its columns (or the foot), and, when one is in the way, below it too."""
    w = v.width
    while True:
        inside = [r for r in pm.fixed if r.x < x + w and x < r.x + r.w and r.y <= y < r.y + r.h]
        if not inside:
            break
        y = max(r.y + r.h for r in inside)
    if y >= foot:
        return
    below = [r.y for r in pm.fixed if r.x < x + w and x < r.x + r.w and r.y > y]
    limit = min(below, default=foot)
    room = limit - y - 1                       # content lines above the next fixed rectangle
    if s.jump_head:
        h = min(v.height, room)
        if h >= v.min_height:
            yield Placed(v, x, y, h, 0), 0.0
    else:
        want = v.height + g.stretch
        if want <= room:
            yield Placed(v, x, y, want, 0), W_STRETCH * w * g.stretch
        elif v.height <= room:
            yield Placed(v, x, y, v.height, 0), 0.0
        elif room >= v.min_height:
            cut = v.height - room
            yield Placed(v, x, y, room, cut), W_CUT * w * cut
    if below:   # or below the fixed rectangle in the way
        yield from _heights(pm, s, v, g, x, limit, foot)


def _neighbour_cost(pm: PageModel, s: StoryModel, r: Rect, v: Variant, rects, sol: Solution) -> float:
    """撞题, touching photos, lead and reading order against the stories placed before it and the
    fixed rectangles."""
    cost = 0.0
    head = (r.y, r.y + v.head_lines)
    zone = (r.y + v.photo_zone[0], r.y + v.photo_zone[1]) if v.photo_zone else None
    for o, q, ov, _h in rects:
        if q.x + q.w == r.x or r.x + r.w == q.x:   # side by side
            if _overlap(head, (q.y, q.y + ov.head_lines)):
                cost += W_CLASH
                sol.clashes += 1
            if zone and ov.photo_zone:
                left_reaches = ov.photo_right if q.x < r.x else v.photo_right
                if left_reaches and _overlap(zone, (q.y + ov.photo_zone[0], q.y + ov.photo_zone[1])):
                    cost += W_PHOTOS
                    sol.touching += 1
        (a, ra), (b, rb) = sorted(((o, q), (s, r)), key=lambda pair: pair[0].rank)
        if a.rank < b.rank:   # b, ranked after a, neither above it nor wider
            cost += (W_LEAD if a.key == pm.lead else W_ORDER) * ((rb.y < ra.y) + (rb.w > ra.w))
    for f in pm.fixed:
        if f.x + f.w == r.x or r.x + r.w == f.x:
            if f.headline and _overlap(head, (f.y, f.y + FIXED_HEAD_LINES)):
                cost += W_CLASH
                sol.clashes += 1
            if f.photo and zone and _overlap(zone, (f.y, f.y + f.h)) and (v.photo_right or f.x < r.x):
                cost += W_PHOTOS
                sol.touching += 1
    return cost


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]

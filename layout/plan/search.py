"""One page's plan: a deterministic local search over story shapes and places.

`solve_page(page_model, time_limit)` takes the page's grid, its fixed
rectangles (masthead band, placements the editor fixed) and its stories, each
with its measured `Variant`s, and returns a `Solution`: per story the variant,
rectangle and content height chosen (or None: no room), and the search's status.

A plan is decoded from a genome (docs/planning.md): the stories in an order
(rank order to start with) and, per story, a variant (its width), a preferred
first column (or none: the lowest, then leftmost place), whether it takes one
line more than its text (a region short by one line, to fill the page; for a
jump head, which share of the room it takes) and whether it starts lower than
its columns allow (2 lines, or just clear of the headlines beside it: no 撞题).
Decoding drops each story, in order, onto the skyline of the columns so far
(every story a rectangle; modular layout); a fixed rectangle below it either
ends it (a jump head jumps there, another story is cut: copyfit) or it goes
below it, whichever costs less. A rectangle is the story's height plus one
line: the line the story below gives to the rule between them (the page's foot
has a virtual line for it). The cost sums, in lexical weights: stories left
off, the lead not on top or not the widest, lines cut, 撞题 (headlines side by
side), photos touching, regions and columns left white by more than a line
(the page not filled, as a reader sees it), reading order against rank, empty
grid cells, white space above staggered stories, lines stretched. 撞题
(`plan.clash`: headline bands level across a gutter) is a hard rule besides:
the best plan is the one with the fewest, then the cheapest. A beam search
builds first plans (its cheapest few that begin differently), each kept clear of
撞题 story by story (`_keep_clear`); simulated
annealing improves them in short runs from each in turn, first weighing all
but the white columns, then everything, with fixed seeds and a budget
counted in decodes (story placements: `_budget`), so the same manifest gives the same plan on any machine; a
wall-clock backstop ends it early with the best plan found (and a warning) on
a machine too slow for the budget. A page whose plan is not clean (a cut, a story left off, a
white column) is planned again with half the budget, stories free to set their headline as a
竖题 where another stands beside it (`VERTICAL`), and the better plan is kept.

Why not a constraint solver: docs/planning.md has the figures (OR-Tools
CP-SAT, NoOverlap2D over the grid with optional variants, took 2-13 s for a
5-story tabloid page and found no good plan for a 9-story broadsheet page in
60 s on one core).
"""
from __future__ import annotations

import bisect
import math
import random
import time
from dataclasses import dataclass, field

from layout.plan.candidates import Variant
from layout.plan.clash import Band, band_at, clear_below, headlines_clash, level

# Cost weights, each step well above what the ones after it sum to on a page.
W_DROP = 1_000_000        # a story left off the page: W_DROP_BASE + W_DROP / rank (the lead costs most)
W_DROP_BASE = 100_000
W_CUT = 4_000             # per column-line cut from a story (a cut needs the desk: above a white column)
W_CLASH = 5_000           # two headlines side by side at the same height (撞题)
W_CLASH_HARD = 45_000     # what every other annealing run weighs 撞题 more (`solve_page`)
W_PHOTOS = 5_000          # two photos touching across a gutter
W_LEAD = 400_000          # the lead not at the top, or narrower than another story (above a drop)
W_EMPTY = 100             # per empty grid cell (one column, one grid line)
W_ORDER = 200             # a story above, or wider than, a story ranked before it
W_JUMPED = 40            # per column-line a jump head hands on to its continuation's page
W_STAGGER = 50            # per column-line a story starts lower than its columns allow (white space)
W_SHORT = 600             # per grid line beyond one that a column is left white (`_holes_cost`)
W_SHORT_REGION = 3_000    # per grid line beyond one that a region's foot is white (slack and stretch)
W_STRETCH = 20            # per column-line a region is taller than its text (at most one line)
W_VERTICAL_HEAD = 1000     # a story's headline set as a 竖题 (the desk's cure for 撞题, not its first choice)

#: The largest share of a story's text copyfitting may advise to cut.
MAX_CUT_SHARE = 0.3
#: Decodes per second of `time_limit`: the budget that makes the search the same on any machine.
#: A decode places each of the page's stories, so its CPU grows with their number (about 56 us a
#: decode of 5 stories, 130 us of 12): the budget is counted in story placements
#: (PLACEMENTS_PER_SECOND / stories decodes a second), so that a page of few stories gets the CPU
#: a page of many has, never fewer than DECODES_PER_SECOND decodes nor more than MAX_DECODE_GAIN
#: times that (a page of 2-4 stories has few plans to search, and a decode's fixed part, the
#: skyline and the cost's terms, does not shrink with the stories: `_budget`).
DECODES_PER_SECOND = 3000
PLACEMENTS_PER_SECOND = 36_000
MAX_DECODE_GAIN = 2
#: The beam search's width, how many of the next stories in rank order it tries, and how many
#: places per story width it keeps.
BEAM = 24
LOOKAHEAD = 2
PLACES = 2
#: How many of the beam's final plans, each beginning differently, the annealing starts from.
STARTS = 3
#: The most sweeps of the final hill-climbing (`_polish`).
POLISH_SWEEPS = 3
#: The most decodes of one annealing run (the budget is spent in runs of this length, each with
#: its own seed).
RUN_STEPS = 700
#: The annealing's starting temperature, in empty grid cells per column of the page.
HEAT = 2.0
#: An annealing run ends when this many decodes in a row have not improved on its best.
PATIENCE = 400
#: The share of the budget, on top of it, spent on annealing runs that weigh the white columns too
#: (the runs before weigh all the rest: `solve_page`).
FILL_SHARE = 0.5
#: The share of the time limit a second search gets, with 竖题 allowed, when the first plan (every
#: headline across) is not clean (`solve_page`).
VERTICAL_SHARE = 0.5
#: The wall clock may run this many times the time limit before the search stops early.
BACKSTOP = 10.0
#: A story may start this many lines lower than its columns allow (to stagger its headline).
STAGGER = 2
#: A jump head's height as a share of the room below it (its gene's `stretch` picks one); 0: its
#: least height (4 lines a column).
JUMP_SHARES = (1.0, 0.75, 0.5, 0.0)
#: The grid lines a story may start lower than its columns allow (to stagger its headline); CLEAR:
#: as few as keep its headline clear of the height of the headlines beside it.
CLEAR = -1
#: Or, instead of starting lower, it sets its headline as a 竖题 (its variant's vertical twin, when it
#: has one): no headline band level with its neighbours', no white above it.
VERTICAL = -2
DROPS = (0, STAGGER, CLEAR, VERTICAL)


@dataclass(frozen=True)
class Rect:
    """A rectangle of the grid: columns [x, x + w), grid lines [y, y + h) (0-based)."""

    x: int
    y: int
    w: int
    h: int
    photo: bool = False        # a picture: no story's photo may touch it
    headline: bool = False     # an article: its headline is at its top
    band: Band | None = None   # that headline as printed, grid lines from the rectangle's top (`plan.clash`)


@dataclass(frozen=True)
class StoryModel:
    key: str
    rank: int
    variants: tuple[Variant, ...]
    jump_head: bool = False    # the story continues on another page: any height from its least
    x_fixed: int | None = None # its first column (0-based) when the editor gave its columns
    keep: bool = False         # left off, text is lost (a jump's continuation): it costs as the lead does
    vertical: tuple[Variant | None, ...] = ()   # per variant, its twin with a 竖题 (None: none)


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
    holes: float = 0.0         # of the cost: columns left white (`_holes_cost`)
    trace: tuple = field(default=(), compare=False, repr=False)   # the decode step by step (`_decode`)

    @property
    def steps(self) -> tuple:
        """The decode's steps, one per story placed (`_decode`): ((i, variant, x, stretch, drop), ...)."""
        return self.trace[0] if self.trace else ()

    @property
    def page_model(self) -> "PageModel | None":
        """The page model the plan was decoded from."""
        return self.trace[-1] if self.trace else None


@dataclass(slots=True)
class _Gene:
    variant: int
    x: int          # preferred first column, -1: the lowest place
    stretch: int    # 0 or 1 (a jump head: which of JUMP_SHARES)
    drop: int = 0   # grid lines left empty above it (one of DROPS): its headline below its neighbours'


def solve_page(pm: PageModel, time_limit: float, with_vertical=None) -> Solution:
    """The best plan found within the budget (see the module docstring). When that plan is not
    clean (a story cut or left off, a column left white) and `with_vertical` is given (a function
    -> the page model with 竖题 twins, `StoryModel.vertical`: measured only then), the page is
    planned again with VERTICAL_SHARE of the budget, letting stories set their headline as a 竖题
    where one stands beside another, and the better plan is kept (`_better`)."""
    t0 = time.perf_counter()
    best = _solve(pm, time_limit)
    if with_vertical is not None and best.status != "best-found-within-time-limit" and \
            (best.holes > 0 or any(p is None or p.cut for p in best.placed.values())):
        second = _solve(with_vertical(), time_limit * VERTICAL_SHARE)
        if _better(second, best) or second.status == "best-found-within-time-limit":
            second.decodes += best.decodes
            best = second
        else:
            best.decodes += second.decodes
    best.seconds = time.perf_counter() - t0
    return best


def _solve(pm: PageModel, time_limit: float) -> Solution:
    """One search of the page: beam, annealing runs, polish (the module docstring)."""
    t0 = time.perf_counter()
    _fresh_heights(pm)
    _fixed_span_cache.clear()
    _drop_cache.clear()
    _shape_cache.clear()
    stories = [s for s in pm.stories if s.variants]
    budget = _budget(time_limit, len(stories))
    budget_fill = int(budget * FILL_SHARE)
    beams = _beam(pm, stories) if stories else [([], [])]
    order, genes = beams[0]
    best = _decode(pm, stories, order, genes)
    best_genome = (list(order), [_copy(g) for g in genes])
    decodes, stopped = 1, False
    # annealing runs, each with its own seed, until the budget is spent: from the beam's plan with
    # each story in its lowest place (x = -1), which moves more freely, from the beam's plan as it
    # is, from rank order at middle widths, then from the beam's plan again with other seeds. These
    # weigh the page by everything but its white columns (`Solution.holes`): they move through
    # plans with holes freely. Then, with the rest of the budget (FILL_SHARE), runs that weigh the
    # whole cost, from the best plan so far. The best plan is always judged by the whole cost.
    rank_order = sorted(range(len(stories)), key=lambda i: stories[i].rank)
    starts = []
    for order, genes in beams:
        starts += [(order, [_Gene(g.variant, -1 if g.x < pm.columns else g.x, g.stretch) for g in genes]),
                   (order, genes)]
    starts.insert(2, (rank_order, [_Gene(len(s.variants) // 2, -1, 0) for s in stories]))
    for k, (order, genes) in enumerate(starts):   # each start kept clear of 撞题 where one change of start does it
        genes, start, spent = _keep_clear(pm, stories, order, genes)
        starts[k], decodes = (order, genes), decodes + spent
        if _better(start, best):
            best, best_genome = start, (list(order), [_copy(g) for g in genes])
    run = 0
    while decodes < budget + budget_fill and not stopped and stories and best.cost > 0:
        fill = decodes >= budget   # this run weighs the white columns too
        if fill:
            order, genes = best_genome[0], [_copy(g) for g in best_genome[1]]
        else:
            order, genes = starts[run % len(starts)]
        clash = W_CLASH_HARD * (run % 2)   # every other run keeps clear of 撞题 as the hard rule it is
        weigh = (lambda sol: sol.cost + clash * sol.clashes) if fill else \
            (lambda sol: sol.cost - sol.holes + clash * sol.clashes)
        rng = random.Random(run)
        current = _decode(pm, stories, order, genes)
        if _better(current, best):
            best, best_genome = current, (list(order), [_copy(g) for g in genes])
        steps = min(RUN_STEPS, (budget + budget_fill if fill else budget) - decodes)
        temperature = HEAT * W_EMPTY * pm.columns
        run_best, last_gain = weigh(current), 0
        for step in range(steps):
            if step - last_gain > PATIENCE:   # settled: a fresh run does better with what is left
                break
            if step % 100 == 0 and time.perf_counter() - t0 > BACKSTOP * time_limit:
                stopped = True
                break
            new_order, new_genes = _neighbour(rng, pm, stories, order, genes)
            trial = _decode(pm, stories, new_order, new_genes, current)
            decodes += 1
            heat = temperature * (1 - step / steps) + 1e-9
            if weigh(trial) <= weigh(current) or rng.random() < math.exp((weigh(current) - weigh(trial)) / heat):
                current, order, genes = trial, new_order, new_genes
                if weigh(trial) < run_best:
                    run_best, last_gain = weigh(trial), step
                if _better(trial, best):
                    best, best_genome = trial, (list(order), [_copy(g) for g in genes])
        decodes += 1
        run += 1
    if not stopped and stories:
        polished, spent = _polish(pm, stories, *best_genome, best)
        best, decodes = polished, decodes + spent
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


def _budget(time_limit: float, stories: int) -> int:
    """The decodes of a search of `stories` stories given `time_limit` seconds (before FILL_SHARE):
    PLACEMENTS_PER_SECOND story placements a second, 1-MAX_DECODE_GAIN times DECODES_PER_SECOND decodes."""
    rate = min(max(DECODES_PER_SECOND, PLACEMENTS_PER_SECOND // max(stories, 1)), MAX_DECODE_GAIN * DECODES_PER_SECOND)
    return max(100, int(time_limit * rate))


def clear_caches() -> None:
    """Empty the decode's caches (keyed by the ids of page models, stories and variants): before a
    caller decodes page models of its own (`plan.photofit`), whose objects may reuse freed ids."""
    _space_cache.clear()
    _height_cache.clear()
    _fixed_span_cache.clear()


def _better(a: Solution, b: Solution) -> bool:
    """Whether plan `a` beats plan `b`: 撞题 is a hard rule, so fewer headlines side by side first,
    then the whole cost."""
    return (a.clashes, a.cost) < (b.clashes, b.cost)


def _keep_clear(pm: PageModel, stories: list[StoryModel], order: list[int], genes: list[_Gene]):
    """A start repaired story by story, in its order: each at each way to start (DROPS: where it
    can, lower, clear below the headline beside it, or with a 竖题), keeping what `_better` prefers,
    so that a start with headlines level begins the annealing without them -> (genes, its plan,
    decodes spent)."""
    genes = [_copy(g) for g in genes]
    best, spent = _decode(pm, stories, order, genes), 1
    for i in order:
        for drop in DROPS:
            if drop == genes[i].drop or genes[i].x >= pm.columns:
                continue
            trial_genes = [_copy(g) for g in genes]
            trial_genes[i].drop = drop
            trial, spent = _decode(pm, stories, order, trial_genes, best), spent + 1
            if _better(trial, best):
                best, genes = trial, trial_genes
    return genes, best, spent


def _polish(pm: PageModel, stories: list[StoryModel], order: list[int], genes: list[_Gene],
            best: Solution) -> tuple[Solution, int]:
    """Hill-climbing from the best plan: each story in turn at each of its widths, starts and
    extra lines (in its lowest place), keeping any change that lowers the cost, until a sweep
    finds none (at most POLISH_SWEEPS sweeps)."""
    spent = 0
    for _sweep in range(POLISH_SWEEPS):
        better = False
        for i, s in enumerate(stories):
            for k in range(len(s.variants)):
                for drop in DROPS:
                    for stretch in (range(len(JUMP_SHARES)) if s.jump_head else (0, 1)):
                        trial_genes = [_copy(g) for g in genes]
                        trial_genes[i] = _Gene(k, -1, stretch, drop)
                        trial = _decode(pm, stories, order, trial_genes, best)
                        spent += 1
                        if _better(trial, best):
                            best, genes, better = trial, trial_genes, True
        if not better:
            break
    return best, spent


@dataclass(frozen=True)
class _State:
    """A partial plan in the beam: the skyline, the stories placed (index -> gene, in order)."""

    top: tuple[int, ...]
    done: tuple[int, ...]
    genes: tuple[_Gene, ...]
    rects: tuple = ()          # (story, Rect, Variant, height) placed so far
    cost: float = 0.0          # all but empty cells
    holes: int = 0             # cells left empty under the stories placed


def _beam(pm: PageModel, stories: list[StoryModel]) -> tuple[list[int], list[_Gene]]:
    """A good first plan, systematically: the stories dropped in rank order (or one of the next
    LOOKAHEAD), each at every width and its few best places, keeping the BEAM cheapest partial
    plans (by their cost and a bound on the cells the rest cannot fill)."""
    cols, foot = pm.columns, pm.lines + 1
    top = [0] * cols
    for r in sorted(pm.fixed, key=lambda r: r.y):
        for c in range(r.x, r.x + r.w):
            if r.y <= top[c]:
                top[c] = max(top[c], r.y + r.h)
    free = cols * foot - sum(r.w * r.h for r in pm.fixed)
    largest = [max(v.width * (v.height + 2) for v in s.variants) for s in stories]
    total = sum(largest)
    rank_order = sorted(range(len(stories)), key=lambda i: stories[i].rank)
    beam = [_State(tuple(top), (), ())]
    scratch = Solution()
    for _level in range(len(stories)):
        children: dict[tuple, _State] = {}
        for st in beam:
            left = [i for i in rank_order if i not in st.done]
            for i in left[:LOOKAHEAD]:
                for child in _children(pm, stories, st, i, foot, scratch):
                    key = (child.top, tuple(sorted(child.done)))
                    if key not in children or _score(child) < _score(children[key]):
                        children[key] = child
        used_after = lambda c: sum(r.w * r.h for _s, r, _v, _h in c.rects)
        rest = lambda c: total - sum(largest[i] for i in set(c.done))
        ranked = sorted(children.values(), key=lambda c: (_score(c) + W_EMPTY * max(0, free - used_after(c) - rest(c)),
                                                          c.done, c.top))
        beam = ranked[:BEAM]
    finals = sorted(beam, key=lambda c: (c.cost + W_EMPTY * (free - sum(r.w * r.h for _s, r, _v, _h in c.rects)),
                                         c.done, c.top))
    out, seen = [], set()
    for final in finals:   # the cheapest, then the cheapest that begin differently (varied starts)
        genes = {i: g for i, g in zip(final.done, final.genes)}
        first = tuple((i, genes[i].variant, genes[i].x) for i in final.done[:2])
        if first in seen:
            continue
        seen.add(first)
        order = list(final.done) + [i for i in rank_order if i not in final.done]
        out.append((order, [genes.get(i, _Gene(0, -1, 0)) for i in range(len(stories))]))
        if len(out) == STARTS:
            break
    return out


def _score(st: _State) -> float:
    return st.cost + W_EMPTY * st.holes


def _children(pm: PageModel, stories, st: _State, i: int, foot: int, scratch: Solution):
    """The partial plans with story i placed next: each variant at its PLACES best places, or
    left off when it fits nowhere."""
    s = stories[i]
    top = list(st.top)
    found = False
    edges = _edges(pm, st.rects)   # the headlines beside each place, found once for all of them
    shares = range(len(JUMP_SHARES)) if s.jump_head else (0,)   # the annealing tries the extra line
    pairs = [(t, d) for t in shares for d in DROPS]
    for k, v in enumerate(s.variants):
        w = v.width
        xs = [s.x_fixed] if s.x_fixed is not None else range(pm.columns - w + 1)
        shapes, tables = _shape_tables(pm, s, k, shares)
        options = []   # the PLACES cheapest so far, in order: (key, Placed, its cost, cells left empty under it)
        for x in xs:
            if x + w > pm.columns:
                continue
            tops = top[x:x + w]
            lowest, filled = max(tops), sum(tops)
            if options and len(options) == PLACES and W_EMPTY * (w * lowest - filled) > options[-1][0][0]:
                continue   # the cells it leaves empty alone cost more than the places kept (no cost is below 0)
            clear = _start(pm, v, x, top, CLEAR, st.rects, edges)[0]
            for stretch, drop in pairs:
                if drop == VERTICAL and (shapes[drop] is v or clear == lowest):
                    continue   # no 竖题 for this shape, or no headline beside it to keep clear of
                y = clear if drop == CLEAR else lowest if drop == VERTICAL else lowest + drop   # as `_start`
                heights = tables[(stretch, drop)]
                found_heights = heights.get((x, y))
                if found_heights is None:
                    found_heights = heights[(x, y)] = tuple(_options(pm, s, shapes[drop], _Gene(k, x, stretch, drop),
                                                                      x, y, foot))
                for p, local in found_heights:
                    local += W_STAGGER * w * (y - lowest)
                    holes = w * p.y - filled   # cells left empty under it
                    price = local + W_EMPTY * holes
                    if options and len(options) == PLACES and price > options[-1][0][0]:
                        continue   # dearer than the places kept (keys are unique: the same as sorting all)
                    bisect.insort(options, ((price, p.y, x, stretch, drop), p, local, holes), key=_first)
                    del options[PLACES:]
        for key, p, local, holes in options:
            g = _Gene(k, p.x, key[3], key[4])
            r = Rect(p.x, p.y, w, p.height + 1)
            new_top = list(top)
            for c in range(r.x, r.x + r.w):
                new_top[c] = r.y + r.h
            extra = _neighbour_cost(pm, s, r, p.variant, st.rects, scratch)
            found = True
            yield _State(tuple(new_top), st.done + (i,), st.genes + (g,), st.rects + ((s, r, p.variant, p.height),),
                         st.cost + local + extra, st.holes + holes)
    if not found:
        yield _State(st.top, st.done + (i,), st.genes + (_Gene(0, pm.columns, 0),), st.rects,
                     st.cost + _drop_cost(s), st.holes)


def _shape_tables(pm: PageModel, s: StoryModel, k: int, shares) -> tuple[dict, dict]:
    """Story s's variant k as each of DROPS sets it (`shape`), and its `_heights` cache per stretch
    and drop (the beam asks for them for every partial plan: cached per page model)."""
    key = (id(pm), id(s), k)
    found = _shape_cache.get(key)
    if found is None or found[0] is not pm or found[1] is not s:   # kept with them: their ids are theirs
        shapes = {drop: shape(s, k, drop) for drop in DROPS}
        tables = {(stretch, drop): _height_table(pm, s, shapes[drop], stretch) for stretch in shares for drop in DROPS}
        found = _shape_cache[key] = pm, s, shapes, tables
    return found[2], found[3]


_shape_cache: dict = {}


def _first(option: tuple):
    return option[0]


def _copy(g: _Gene) -> _Gene:
    return _Gene(g.variant, g.x, g.stretch, g.drop)


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
    elif genes[i].x >= pm.columns:
        genes[i].x = -1
    elif move < 0.75:
        genes[i].stretch = (genes[i].stretch + 1) % (len(JUMP_SHARES) if stories[i].jump_head else 2)
    elif move < 0.85:
        twin = shape(stories[i], genes[i].variant, VERTICAL) is not stories[i].variants[genes[i].variant]
        genes[i].drop = rng.choice([d for d in DROPS if d != genes[i].drop and (twin or d != VERTICAL)])
    elif len(order) > 1:
        a, b = rng.sample(range(len(order)), 2)
        order[a], order[b] = order[b], order[a]
    return order, genes


def _decode(pm: PageModel, stories: list[StoryModel], order: list[int], genes: list[_Gene],
            base: Solution | None = None) -> Solution:
    """The plan a genome makes, and its cost. `base`: a plan decoded from the same page model and
    stories (an annealing step's current plan): the stories its genome places first, in the same
    order with the same genes, are taken from its trace as they were, not placed again (the same
    plan and cost to the last bit: each step depends only on the steps before it); and where, after
    the stories it changes, it stands as `base` stood with the rest to place as `base` placed them,
    the rest is `base`'s too (`_rejoins`)."""
    cols, foot = pm.columns, pm.lines + 1
    sol = Solution()
    steps, rects, reused = _reuse(pm, stories, order, genes, base, sol)
    stops = _column_stops(pm, foot)
    if reused:
        top, cost, scans = list(steps[-1][1]), steps[-1][2], list(steps[-1][6])
    else:
        top, cost, scans = [0] * cols, 0.0, [_SCAN_START] * cols
        for r in sorted(pm.fixed, key=lambda r: r.y):   # rectangles at the top of a column lift its skyline
            for c in range(r.x, r.x + r.w):
                if r.y <= top[c]:
                    top[c] = max(top[c], r.y + r.h)
    edges = None   # the headline bands by column edge (`_edges`), found when a story first needs them
    known = len(rects)   # the rectangles taken from the base as they were
    for j in range(reused, len(order)):
        i = order[j]
        s, g = stories[i], genes[i]
        v = shape(s, g.variant, g.drop)
        if edges is None and g.drop == CLEAR and v.head_band is not None:
            edges = _edges(pm, rects)
        placed = _place(pm, s, v, g, top, foot, rects, edges)
        if placed is None:
            sol.placed[s.key] = None
            cost += _drop_cost(s)
        else:
            p, local = placed
            cost += local
            x0, x1, y0, y1 = p.x, p.x + v.width, p.y, p.y + p.height + 1   # its rectangle
            r = Rect(x0, y0, x1 - x0, y1 - y0)
            stagger = max(0, y0 - max(top[x0:x1]))   # lines it chose to start lower
            top[x0:x1] = [y1] * (x1 - x0)
            cost += _neighbour_cost(pm, s, r, v, rects, sol)
            white = 0 if s.jump_head or p.cut else v.slack + p.height - v.height   # at its region's foot
            for c in range(x0, x1):
                scans[c] = _scan_story(stops[c], scans[c], y0, y1, white, stagger)
            rects.append((s, r, v, p.height))
            if edges is not None and v.head_band is not None:   # kept up to date with the stories placed
                band = band_at(y0, v.head_band)
                edges[0].setdefault(x1, []).append(band)
                edges[1].setdefault(x0, []).append(band)
            sol.placed[s.key] = p
        steps.append(((i, g.variant, g.x, g.stretch, g.drop), tuple(top), cost, sol.clashes, sol.touching,
                      len(rects), tuple(scans)))
        if base is not None and _rejoins(base, j, steps[-1], rects, known, order, genes, pm):
            return _rest_of(base, j, steps, stories, sol, pm)
    sol.trace = (tuple(steps), tuple(rects), pm)
    free = cols * foot - sum(r.w * r.h for r in pm.fixed)
    cost += W_EMPTY * (free - sum(r.w * r.h for _s, r, _v, _h in rects))
    sol.holes = sum(_scan_end(stops[c], scans[c]) for c in range(cols))   # `_holes_cost`, column by column
    sol.cost = cost + sol.holes
    return sol


def _rejoins(base: Solution, j: int, step: tuple, rects: list, known: int, order: list[int], genes: list[_Gene],
             pm: PageModel) -> bool:
    """Whether a decode that differs from `base` in its first j + 1 steps stands, after them, where
    `base` stood after its own (the same skyline, cost, 撞题, touching photos, white-column scans and
    rectangles placed: `rects`, the first `known` of them `base`'s own) and places the rest of the
    stories as `base` did (the same order, the same genes): then the rest is `base`'s, step for step."""
    base_steps, base_rects, base_pm = base.trace
    if base_pm is not pm or j + 1 >= len(base_steps) or len(base_steps) != len(order):
        return False
    other = base_steps[j]
    if other[1:] != step[1:]:
        return False
    for k in range(known, len(rects)):
        (s, r, v, h), (bs, br, bv, bh) = rects[k], base_rects[k]
        if s is not bs or v is not bv or r != br or h != bh:
            return False
    for k in range(j + 1, len(order)):
        i = order[k]
        g = genes[i]
        if base_steps[k][0] != (i, g.variant, g.x, g.stretch, g.drop):
            return False
    return True


def _rest_of(base: Solution, j: int, steps: list, stories: list[StoryModel], sol: Solution, pm: PageModel) -> Solution:
    """`sol`, decoded up to step j where it rejoins `base` (`_rejoins`), finished with `base`'s steps
    after j: their placements, 撞题, touching photos and cost, which are `base`'s."""
    base_steps = base.trace[0]
    for step in base_steps[j + 1:]:
        key = stories[step[0][0]].key
        sol.placed[key] = base.placed[key]
    steps.extend(base_steps[j + 1:])
    sol.clashes, sol.touching = base.clashes, base.touching
    sol.trace = (tuple(steps), base.trace[1], pm)
    sol.holes, sol.cost = base.holes, base.cost
    return sol


def _reuse(pm: PageModel, stories: list[StoryModel], order: list[int], genes: list[_Gene], base: Solution | None,
           sol: Solution) -> tuple[list, list, int]:
    """The steps of `base`'s decode that `order` and `genes` repeat from the first story on (the
    same story, the same gene): (those steps, the rectangles they placed, how many); their
    placements are copied into `sol`, with the 撞题 and touching photos they counted."""
    if base is None or not base.trace or base.trace[2] is not pm:
        return [], [], 0
    steps, rects, _pm = base.trace
    n = 0
    for i, step in zip(order, steps):
        g = genes[i]
        if step[0] != (i, g.variant, g.x, g.stretch, g.drop):
            break
        n += 1
    if n == 0:
        return [], [], 0
    for step in steps[:n]:
        key = stories[step[0][0]].key
        sol.placed[key] = base.placed[key]
    sol.clashes, sol.touching = steps[n - 1][3], steps[n - 1][4]
    placed = steps[n - 1][5]
    return list(steps[:n]), list(rects[:placed]), n


def _short_cost(lines: int) -> float:
    """What `lines` empty grid lines at a foot cost: nothing for one (a region may end a line
    short), W_SHORT for each line more."""
    return W_SHORT * (lines - 1) if lines > 1 else 0.0


def _holes_cost(pm: PageModel, placed: list[tuple[Rect, int, int]], foot: int) -> float:
    """The cost of columns left white (`placed`: each story's rectangle, the white lines at its
    region's foot and the lines it chose to start lower to stagger its headline). Per column:
    a hole under a story (white it did not choose) costs its lines (`_short_cost`); a stretch of
    the column that ends at a fixed rectangle or at the page's foot more than a line short costs
    its white: the run at its end, the staggers and the regions' white feet above it, so that
    moving a story down or giving it a line more never counts as filling the column.
    The definition in one piece: `_decode` reckons the same column by column as it places the
    stories (`_scan_story`, `_scan_end`), so that a plan changed from its fifth story on does
    not scan the first four again."""
    cost = 0.0
    columns = [list(spans) for spans in _fixed_spans(pm, foot)]   # per column, the rectangles in it
    for r, white, stagger in placed:
        span = (r.y, r.y + r.h, white, stagger)
        for c in range(r.x, r.x + r.w):
            columns[c].append(span)
    end = (foot, foot, None, 0)
    for spans in columns:
        spans.sort()
        spans.append(end)
        y, white = 0, 0
        for a, b, region_white, stagger in spans:
            gap = a - y if a > y else 0
            if region_white is None:   # a fixed rectangle or the foot ends the stretch
                if gap > 1:
                    cost += _short_cost(gap + white)
                white = 0
            else:
                chosen = gap if gap < stagger else stagger
                if gap - chosen > 1:
                    cost += _short_cost(gap - chosen)
                white += chosen + region_white
            if b > y:
                y = b
    return cost


def _fixed_spans(pm: PageModel, foot: int) -> tuple[tuple[tuple, ...], ...]:
    """Per column of the page, its fixed rectangles' spans and the foot (`_holes_cost`'s stops;
    cached per page model)."""
    key = (id(pm), foot)
    found = _fixed_span_cache.get(key)
    if found is None or found[0] is not pm:   # the model kept: its id is not another's while cached
        columns: list[list[tuple]] = [[] for _c in range(pm.columns)]
        for r in pm.fixed:
            for c in range(r.x, r.x + r.w):
                columns[c].append((r.y, r.y + r.h, None, 0))
        found = _fixed_span_cache[key] = (pm, tuple(tuple(spans) for spans in columns))
    return found[1]


_fixed_span_cache: dict = {}

#: A column's scan before any story (`_scan_story`): (the line reached, the white of the stretch
#: so far, the cost so far, how many of the column's stops are passed).
_SCAN_START = (0, 0, 0.0, 0)


def _column_stops(pm: PageModel, foot: int) -> tuple[tuple[tuple, ...], ...]:
    """Per column, its fixed rectangles' spans in order down the page and the foot last (the
    stops of `_scan_story` and `_scan_end`; cached per page model)."""
    key = (id(pm), foot, "stops")
    found = _fixed_span_cache.get(key)
    if found is None or found[0] is not pm:   # the model kept: its id is not another's while cached
        end = (foot, foot, None, 0)
        found = _fixed_span_cache[key] = (pm, tuple(tuple(sorted(spans)) + (end,) for spans in _fixed_spans(pm, foot)))
    return found[1]


def _scan_stop(scan: tuple, stop: tuple) -> tuple:
    """`_holes_cost`'s scan of a column past a fixed rectangle or the foot."""
    y, white, cost, k = scan
    a, b = stop[0], stop[1]
    gap = a - y if a > y else 0
    if gap > 1:
        cost += _short_cost(gap + white)
    return (b if b > y else y), 0, cost, k + 1


def _scan_story(stops: tuple, scan: tuple, a: int, b: int, region_white: int, stagger: int) -> tuple:
    """`_holes_cost`'s scan of a column (`stops`: `_column_stops`') past the fixed rectangles
    above a story's span [a, b), then past the span (the stories in a column come down the page
    in the order they are placed: a span never starts above the one placed before it)."""
    k = scan[3]
    while (stops[k][0], stops[k][1]) < (a, b):
        scan = _scan_stop(scan, stops[k])
        k += 1
    y, white, cost, k = scan
    gap = a - y if a > y else 0
    chosen = gap if gap < stagger else stagger
    if gap - chosen > 1:
        cost += _short_cost(gap - chosen)
    return (b if b > y else y), white + chosen + region_white, cost, k


def _scan_end(stops: tuple, scan: tuple) -> float:
    """The cost of a column's white, its scan taken past the stops left (the foot last)."""
    for stop in stops[scan[3]:]:
        scan = _scan_stop(scan, stop)
    return scan[2]


def _start(pm: PageModel, v: Variant, x: int, top: list[int], drop: int, rects, edges=None) -> tuple[int, int]:
    """(the line the story starts on, the lowest it could): `drop` lines lower, or with CLEAR as
    little lower as keeps its headline band below the headlines beside it it would stand level
    with (撞题, `plan.clash`). `edges`: `_edges(pm, rects)`, when the caller has it already."""
    w = v.width
    lowest = max(top[x:x + w])
    if drop == VERTICAL:   # a 竖题 keeps clear of the headlines beside it where the story can start
        return lowest, lowest
    if drop != CLEAR:
        return lowest + drop, lowest
    if v.head_band is None:
        return lowest, lowest
    ends, begins = edges or _edges(pm, rects)
    return _clear_start(v.head_band, lowest, ends.get(x, ()), begins.get(x + w, ())), lowest


def _edges(pm: PageModel, rects) -> tuple[dict[int, list[Band]], dict[int, list[Band]]]:
    """The headline bands on the page of the stories placed (`rects`) and the fixed rectangles, by
    the column edge they stand at: ({x: the bands of those ending at column x}, {x: of those
    beginning at x}); a story at columns [x, x + w) has beside it ends[x] and begins[x + w]."""
    ends: dict[int, list[Band]] = {}
    begins: dict[int, list[Band]] = {}
    for _o, q, ov, _h in rects:
        if ov.head_band is not None:
            band = band_at(q.y, ov.head_band)
            ends.setdefault(q.x + q.w, []).append(band)
            begins.setdefault(q.x, []).append(band)
    for f in pm.fixed:
        if f.band:
            band = band_at(f.y, f.band)
            ends.setdefault(f.x + f.w, []).append(band)
            begins.setdefault(f.x, []).append(band)
    return ends, begins


def _clear_start(head_band: Band, y: int, left: list[Band], right: list[Band]) -> int:
    """The least line from `y` down on which a headline band `head_band` (from its region's top)
    stands level with none of the bands beside it (`left`, `right`: on the page). Each move
    clears one of them for good (the line only goes down), so the order they come in does not
    change the line found."""
    beside = [*left, *right]
    for _round in range(len(beside)):   # below every headline beside it that it would stand level with
        moved = False
        for other in beside:
            if level(band_at(y, head_band), other):
                y, moved = clear_below(head_band, other), True
        if not moved:
            break
    return y


def shape(s: StoryModel, k: int, drop: int) -> Variant:
    """Story s's variant k as its gene sets it: its 竖题 twin when `drop` is VERTICAL and it has one."""
    twin = s.vertical[k] if drop == VERTICAL and k < len(s.vertical) else None
    return twin or s.variants[k]


def _place(pm: PageModel, s: StoryModel, v: Variant, g: _Gene, top: list[int], foot: int, rects=(), edges=None):
    """Where the story goes on the skyline `top`: (Placed, its own cost) or None (no room).
    `edges`: `_edges(pm, rects)`, when the caller keeps it."""
    w = v.width
    if g.x >= pm.columns:   # left off the page (the beam found no room for it)
        return None
    if s.x_fixed is not None:
        xs = [s.x_fixed] if s.x_fixed + w <= pm.columns else []
    elif 0 <= g.x <= pm.columns - w:
        xs = [g.x]
    else:
        xs = range(pm.columns - w + 1)
    drop = g.drop
    if drop != CLEAR or v.head_band is None:
        edges = None
    elif edges is None:
        edges = _edges(pm, rects)
    heights = _height_table(pm, s, v, g.stretch)
    stagger = W_STAGGER * w
    best = best_key = None
    for x in xs:   # as `_start`, `_heights` and the cells left empty under it, without the calls
        tops = top[x:x + w]
        lowest, filled = max(tops), sum(tops)
        if best_key is not None and W_EMPTY * (w * lowest - filled) > best_key[0]:
            continue   # the cells it leaves empty alone cost more than the best place (no cost is below 0)
        if edges is not None:
            left, right = edges[0].get(x), edges[1].get(x + w)
            y = _clear_start(v.head_band, lowest, left or (), right or ()) if left or right else lowest
        elif drop == VERTICAL or drop == CLEAR:
            y = lowest
        else:
            y = lowest + drop
        options = heights.get((x, y))
        if options is None:
            options = heights[(x, y)] = tuple(_options(pm, s, v, g, x, y, foot))
        for p, local in options:
            local += stagger * (y - lowest)
            key = (local + W_EMPTY * (w * p.y - filled), p.y, x)   # and the cells left empty under it
            if best_key is None or key < best_key:
                best_key, best = key, (p, local)
    return best


def _heights(pm: PageModel, s: StoryModel, v: Variant, g: _Gene, x: int, y: int, foot: int) -> tuple:
    """The story at column x from line y: its content height and cost above the next fixed
    rectangle in its columns (or the foot), and, when one is in the way, below it too (cached
    per page geometry, `_fresh_heights`: decodes ask the same again and again)."""
    heights = _height_table(pm, s, v, g.stretch)
    found = heights.get((x, y))
    if found is None:
        found = heights[(x, y)] = tuple(_options(pm, s, v, g, x, y, foot))
    return found


def _height_table(pm: PageModel, s: StoryModel, v: Variant, stretch: int) -> dict:
    """`_heights`' cache for one story's shape and stretch: (x, y) -> its options."""
    key = (_geometry(pm), id(v), s.jump_head, stretch)   # all `_options` asks of the page and the story
    found = _height_cache.get(key)
    if found is None or found[0] is not v:
        found = _height_cache[key] = (v, {})   # the shape kept with its table: its id is not another's while cached
    return found[1]


_height_cache: dict = {}
#: The page geometry the searches of `_fresh_heights` are of, and how many searches used the caches.
_height_owner: dict = {}


def _geometry(pm: PageModel) -> int:
    """A number for the page's geometry (its columns, lines and fixed rectangles: what the heights
    depend on), the same for page models alike in it (`_height_table`, `_spaces`)."""
    found = _geometries.get(id(pm))
    if found is None or found[0] is not pm:   # the model kept with its number: its id is not another's while cached
        geometry = (pm.columns, pm.lines, pm.fixed)
        found = _geometries[id(pm)] = (pm, _geometry_numbers.setdefault(geometry, len(_geometry_numbers)))
    return found[1]


_geometries: dict = {}
_geometry_numbers: dict = {}


def _fresh_heights(pm: PageModel) -> None:
    """Empties `_heights`' caches for a new search, unless it searches the same page geometry
    right after one search of it: the second search of a page (竖题 allowed) has the first one's
    shapes with their headlines across, at the same heights, and takes them as they were. (The
    caches are keyed by the page geometry, `_geometry`: emptying them bounds their memory.)"""
    geometry = (pm.columns, pm.lines, pm.fixed)
    if _height_owner.get("geometry") == geometry and _height_owner.get("searches") == 1:
        _height_owner["searches"] = 2
        return
    for cache in (_space_cache, _height_cache, _geometries, _geometry_numbers):
        cache.clear()
    _height_owner.update(geometry=geometry, searches=1)


def _options(pm: PageModel, s: StoryModel, v: Variant, g: _Gene, x: int, y: int, foot: int):
    w = v.width
    for y, limit in _spaces(pm, x, w, y, foot):
        room = limit - y - 1                       # content lines above the next fixed rectangle
        if s.jump_head:   # the gene's share of the room, from its least height up to all its text
            h = min(v.height, max(v.min_height, int(room * JUMP_SHARES[g.stretch % len(JUMP_SHARES)])))
            if v.min_height <= h <= room:   # what it hands on needs room on another page
                yield Placed(v, x, y, h, 0), W_JUMPED * w * (v.height - h)
            continue
        want = v.height + g.stretch
        head = W_VERTICAL_HEAD if v.vertical_head else 0.0   # a 竖题: the cure for 撞题, not the first choice
        if want <= room:   # a region whose foot is white already (a photo's caption) gets no line more
            yield Placed(v, x, y, want, 0), head + W_STRETCH * w * g.stretch + W_SHORT_REGION * max(0, v.slack + g.stretch - 1)
        elif v.height <= room:
            yield Placed(v, x, y, v.height, 0), head
        elif room >= max(v.min_height, v.height - max_cut(v)):
            cut = v.height - room
            yield Placed(v, x, y, room, cut), head + W_CUT * w * cut


_space_cache: dict = {}


def _spaces(pm: PageModel, x: int, w: int, y: int, foot: int) -> tuple[tuple[int, int], ...]:
    """The free spans [top, limit) of columns [x, x + w) from line y down: above the first fixed
    rectangle in the way, and below each (cached per page geometry, `_fresh_heights`)."""
    key = (_geometry(pm), x, w, y)
    found = _space_cache.get(key)
    if found is None:
        found = []
        while y < foot:
            inside = [r for r in pm.fixed if r.x < x + w and x < r.x + r.w and r.y <= y < r.y + r.h]
            if inside:
                y = max(r.y + r.h for r in inside)
                continue
            limit = min((r.y for r in pm.fixed if r.x < x + w and x < r.x + r.w and r.y > y), default=foot)
            found.append((y, limit))
            y = limit
        found = _space_cache[key] = tuple(found)
    return found


def _drop_cost(s: StoryModel) -> int:
    """What leaving the story off the page costs: more the higher its rank; a continuation as much
    as the lead (its head has handed its text on already). Below the lead, never more than cutting
    twice the story's own column-lines (and W_DROP_BASE): a brief is moved to another page rather
    than kept beside a lead cut by many times its size."""
    found = _drop_cache.get(id(s))
    if found is not None and found[0] is s:
        return found[1]
    if s.keep or s.rank == 1:
        cost = W_DROP_BASE + W_DROP
    else:
        own = min(v.width * v.height for v in s.variants)
        cost = W_DROP_BASE + min(W_DROP // s.rank, 2 * W_CUT * own)
    _drop_cache[id(s)] = (s, cost)   # the story kept with its cost: its id is not another's while cached
    return cost


_drop_cache: dict = {}


def max_cut(v: Variant) -> int:
    """The most grid lines copyfitting may cut from a story: MAX_CUT_SHARE of its body's; a story
    that needs more has no room (the lowest ranked go first)."""
    return int(MAX_CUT_SHARE * v.body_lines / max(1, v.width))


def _neighbour_cost(pm: PageModel, s: StoryModel, r: Rect, v: Variant, rects, sol: Solution) -> float:
    """撞题, touching photos, lead and reading order against the stories placed before it and the
    fixed rectangles."""
    cost = 0.0
    zone = (r.y + v.photo_zone[0], r.y + v.photo_zone[1]) if v.photo_zone else None
    head = band_at(r.y, v.head_band)
    x, y, w, end, rank, lead = r.x, r.y, r.w, r.x + r.w, s.rank, pm.lead
    for o, q, ov, _h in rects:   # as `headlines_clash` and `_overlap` judge, without the calls
        qx = q.x
        if qx + q.w == x or end == qx:   # side by side
            other = ov.head_band
            if head is not None and other is not None and head[0] < q.y + other[1] and q.y + other[0] < head[1]:
                cost += W_CLASH
                sol.clashes += 1
            if zone and ov.photo_zone:
                left_reaches = ov.photo_right if qx < x else v.photo_right
                if left_reaches and zone[0] < q.y + ov.photo_zone[1] and q.y + ov.photo_zone[0] < zone[1]:
                    cost += W_PHOTOS
                    sol.touching += 1
        if o.rank != rank:   # the one ranked after the other neither above it nor wider
            if o.rank < rank:
                wrong = (y < q.y) + (w > q.w)
                if wrong:
                    cost += (W_LEAD if o.key == lead else W_ORDER) * wrong
            else:
                wrong = (q.y < y) + (q.w > w)
                if wrong:
                    cost += (W_LEAD if s.key == lead else W_ORDER) * wrong
    for f in pm.fixed:
        if f.x + f.w == r.x or r.x + r.w == f.x:
            if headlines_clash(r.x, r.w, band_at(r.y, v.head_band), f.x, f.w, band_at(f.y, f.band)):
                cost += W_CLASH
                sol.clashes += 1
            if f.photo and zone and _overlap(zone, (f.y, f.y + f.h)) and (v.photo_right or f.x < r.x):
                cost += W_PHOTOS
                sol.touching += 1
    return cost


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]

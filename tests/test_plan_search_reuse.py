"""The planner's search decodes a changed plan only from the first story the change touches
(layout/plan/search.py, `_decode` with a base plan): that must give the very plan, and the very
cost, that decoding the whole page again gives, or the search would choose other pages than it
did before it was made faster."""
from __future__ import annotations

import random
from dataclasses import replace

from layout.plan import search
from layout.plan.candidates import Variant
from layout.plan.clash import band_at, headlines_clash
from layout.plan.search import (DROPS, PageModel, Rect, StoryModel, _Gene, _decode, _holes_cost, _neighbour, _solve,
                                 solve_page)


def story(width: int, height: int, photo: bool = False, vertical: bool = False) -> Variant:
    """A story `width` columns wide and `height` grid lines tall, its headline two lines across
    (or a 竖题), a photo in its top third when `photo`."""
    band = None if vertical else (0.2, 1.8)
    zone = (2, 2 + height // 3) if photo else None
    return Variant(width, width if photo else 0, 24.0, height, 2, (height - 2) * width, 40 * height * width,
                   zone, photo, max(6, height // 2), 0, band, vertical)


def page() -> PageModel:
    """Eight columns, 60 lines, an ad across half the foot with a headline beside it, and eight
    stories at two or three widths each (竖题 twins for some): enough for clashes, cuts,
    touching photos and stories left off to turn up among random plans."""
    def shapes(heights: dict[int, int], photo: bool = False, twins: bool = False):
        variants = tuple(story(w, h, photo) for w, h in heights.items())
        vertical = tuple(story(w, h, photo, vertical=True) if twins else None for w, h in heights.items())
        return variants, vertical

    stories = []
    for k, (heights, photo, twins) in enumerate([
            ({4: 30, 5: 25, 6: 21}, True, False), ({2: 28, 3: 19}, False, True), ({2: 24, 3: 16}, True, True),
            ({2: 20, 3: 14, 4: 11}, False, True), ({1: 22, 2: 12}, False, False), ({2: 14, 3: 10}, True, True),
            ({1: 15, 2: 8}, False, False), ({2: 9, 3: 7}, False, True)]):
        variants, vertical = shapes(heights, photo, twins)
        stories.append(StoryModel(f"s{k}", k + 1, variants, vertical=vertical))
    ad = Rect(0, 45, 4, 16, photo=True)
    return PageModel(8, 60, (ad,), tuple(stories), lead="s0")


def same(a, b) -> bool:
    return (a.placed, a.cost, a.holes, a.clashes, a.touching) == (b.placed, b.cost, b.holes, b.clashes, b.touching)


def test_a_changed_plan_decoded_from_its_base_is_the_plan_a_whole_decode_gives():
    pm = page()
    stories = list(pm.stories)
    rng = random.Random(7)
    order = list(range(len(stories)))
    genes = [_Gene(0, -1, 0) for _s in stories]
    current = _decode(pm, stories, order, genes)
    kinds = set()
    for _step in range(3000):
        new_order, new_genes = _neighbour(rng, pm, stories, order, genes)
        if rng.random() < 0.1:   # now and then a gene the annealing rarely reaches: off the page, a 竖题
            i = rng.randrange(len(stories))
            new_genes[i] = _Gene(rng.randrange(len(stories[i].variants)), rng.choice([-1, pm.columns]),
                                 rng.randrange(2), rng.choice(DROPS))
        trial = _decode(pm, stories, new_order, new_genes, current)
        whole = _decode(pm, stories, new_order, new_genes)
        assert same(trial, whole), f"step {_step}: {trial.cost} against {whole.cost}"
        kinds |= {"clash"} if whole.clashes else set()
        kinds |= {"touching"} if whole.touching else set()
        kinds |= {"left off"} if any(p is None for p in whole.placed.values()) else set()
        kinds |= {"cut"} if any(p is not None and p.cut for p in whole.placed.values()) else set()
        if rng.random() < 0.5:   # the annealing moves on, or stays where it is
            current, order, genes = trial, new_order, new_genes
    assert kinds == {"clash", "touching", "left off", "cut"}   # the plans compared were not all alike


def test_a_base_from_another_page_is_not_reused():
    pm, other = page(), page()
    stories = list(pm.stories)
    order, genes = list(range(len(stories))), [_Gene(0, -1, 0) for _s in stories]
    foreign = _decode(other, list(other.stories), order, genes)
    assert same(_decode(pm, stories, order, genes, foreign), _decode(pm, stories, order, genes))


def test_the_same_page_model_gives_the_same_plan_twice():
    first, second = solve_page(page(), 0.3), solve_page(page(), 0.3)
    assert first.placed == second.placed and first.cost == second.cost


def white_columns_by_definition(pm: PageModel, solution) -> float:
    """`_holes_cost` of a decoded plan, from its rectangles in the order they were placed: each
    story's white foot and the lines it chose to start lower than the skyline it was dropped on."""
    top = [0] * pm.columns
    for r in sorted(pm.fixed, key=lambda r: r.y):
        for c in range(r.x, r.x + r.w):
            if r.y <= top[c]:
                top[c] = max(top[c], r.y + r.h)
    placed = []
    for s, r, v, height in solution.trace[1]:
        p = solution.placed[s.key]
        white = 0 if s.jump_head or p.cut else v.slack + height - v.height
        placed.append((r, white, max(0, r.y - max(top[r.x:r.x + r.w]))))
        for c in range(r.x, r.x + r.w):
            top[c] = r.y + r.h
    return _holes_cost(pm, placed, pm.lines + 1)


def test_the_white_columns_reckoned_story_by_story_are_the_definitions():
    """`_decode` reckons the white columns column by column as it drops the stories (kept in its
    trace, so a changed plan scans only the stories it places again): the same cost, to the
    last bit, as `_holes_cost` reckons over the finished plan, on plans white in many ways."""
    pm = page()
    stories = list(pm.stories)
    rng = random.Random(11)
    order, genes = list(range(len(stories))), [_Gene(0, -1, 0) for _s in stories]
    current = _decode(pm, stories, order, genes)
    costs = set()
    for _step in range(1500):
        order, genes = _neighbour(rng, pm, stories, order, genes)
        current = _decode(pm, stories, order, genes, current)
        assert current.holes == white_columns_by_definition(pm, current), f"step {_step}"
        costs.add(current.holes)
    assert len(costs) > 20   # the plans compared were not all alike


def test_the_second_search_of_a_page_takes_the_first_ones_heights_and_finds_its_own_plan():
    """The second search of a page (竖题 allowed) has the first one's shapes with their headlines
    across: it takes their heights as the first search left them (`search._fresh_heights`), and
    finds the very plan it finds with nothing cached; a page of another geometry searched next
    (another ad) finds its own plan, not one from heights measured around the other's ad."""
    with_twins = page()
    across = replace(with_twins, stories=tuple(replace(s, vertical=()) for s in with_twins.stories))
    other_ad = replace(with_twins, fixed=(Rect(4, 40, 4, 21, photo=True),))

    def alone(pm):
        search._height_owner.clear()   # nothing cached: the search measures every height itself
        return _solve(pm, 0.1)

    alone(across)   # the first search of the page
    assert same(_solve(with_twins, 0.1), alone(with_twins))
    alone(across)
    assert same(_solve(other_ad, 0.1), alone(other_ad))


def test_the_decode_counts_headlines_side_by_side_as_plan_clash_defines_them():
    """The decode judges 撞题 in its inner loop without calling `plan.clash` (for speed): on
    random plans it counts the very pairs `headlines_clash` finds among the stories placed and
    the fixed rectangles."""
    pm = page()
    stories = list(pm.stories)
    rng = random.Random(5)
    order, genes = list(range(len(stories))), [_Gene(0, -1, 0) for _s in stories]
    counts = set()
    for _step in range(600):
        order, genes = _neighbour(rng, pm, stories, order, genes)
        plan = _decode(pm, stories, order, genes)
        heads = [(r.x, r.w, band_at(r.y, v.head_band)) for _s, r, v, _h in plan.trace[1]]
        fixed = [(f.x, f.w, band_at(f.y, f.band)) for f in pm.fixed]
        pairs = sum(headlines_clash(*a, *b) for k, a in enumerate(heads) for b in heads[k + 1:] + fixed)
        assert plan.clashes == pairs, f"step {_step}"
        counts.add(pairs)
    assert len(counts) > 2   # plans with none, one and more


def test_a_page_decoded_after_a_search_of_another_takes_none_of_its_heights():
    """The heights cached for one page's geometry (its fixed rectangles: where a story runs into
    an ad) are never taken for another's, whichever way the decode is reached: a page decoded right
    after a search of a page with its ad elsewhere gets the plans it gets with nothing cached."""
    pm = page()
    stories = list(pm.stories)
    other_ad = replace(pm, fixed=(Rect(4, 40, 4, 21, photo=True),))
    genomes, rng = [], random.Random(3)
    order, genes = list(range(len(stories))), [_Gene(0, -1, 0) for _s in stories]
    for _step in range(200):
        order, genes = _neighbour(rng, pm, stories, order, genes)
        genomes.append((order, genes))
    _solve(other_ad, 0.05)
    after_other = [_decode(pm, stories, order, genes) for order, genes in genomes]
    search._height_owner.clear()
    search._fresh_heights(pm)   # nothing cached
    assert all(same(a, _decode(pm, stories, order, genes)) for a, (order, genes) in zip(after_other, genomes))

"""Slicing seeds: plans the annealing may not reach, built as a desk draws a page (a guillotine
layout in rank order, after de Oliveira 2008), tried when the search's plan is not clean.

`strip_seeds(pm, stories)` -> genomes (order, genes) of guillotine pages: the lead at the top (at
each width it may take across the page, or as wide as the search's plan has it), then one cut
across under it and the page below cut into vertical strips of 1-4 columns (every composition of
the page's columns), the other stories in rank order each dropped into the strip that ends
highest so far, at the strip's width (a story with no shape that wide skips the strip).

`reseed(solution)` decodes every seed of the search's page model (`solution.trace`), keeps clear
of 撞题 the cheapest few (`search._keep_clear`: the strips' first stories start level), and when
the best of them beats the search's plan by the search's own judgement (`search._better`),
polishes it (`search._polish`) and returns it; else the search's plan. Deterministic: a fixed enumeration.
"""
from __future__ import annotations

from layout.plan.search import PageModel, Solution, StoryModel, _better, _decode, _Gene, _keep_clear, _polish, clear_caches

#: The widest strip (grid columns) and how many of the cheapest seeds are kept clear of 撞题.
STRIP_MAX = 4
KEEP = 3


def compositions(total: int, most: int) -> list[tuple[int, ...]]:
    """Every way to write `total` as an ordered sum of parts 1..most (the strips, left to right)."""
    if total == 0:
        return [()]
    return [(part,) + rest for part in range(1, min(most, total) + 1) for rest in compositions(total - part, most)]


def strip_seeds(pm: PageModel, stories: list[StoryModel], lead: int, lead_widths: list[int]) -> list[tuple]:
    """The genomes of the guillotine pages (the module docstring): `lead` the lead's index in
    `stories`, `lead_widths` the widths it is tried at. A story goes to the strip it fits in above
    the fixed rectangles (an ad at the foot) that leaves it the most room, else the emptiest."""
    columns = pm.columns
    order = [lead] + sorted((i for i in range(len(stories)) if i != lead), key=lambda i: (stories[i].rank, i))
    out = []
    for lead_width in lead_widths:
        lead_k = next((k for k, v in enumerate(stories[lead].variants) if v.width == lead_width), None)
        if lead_k is None:
            continue
        lead_height = stories[lead].variants[lead_k].height + 1
        for strips in compositions(columns, STRIP_MAX):
            starts = [sum(strips[:n]) for n in range(len(strips))]
            bottom = [lead_height if x < lead_width else 0 for x in starts]
            room = [_room(pm, x, w, b) for x, w, b in zip(starts, strips, bottom)]
            genes = [_Gene(0, -1, 0)] * len(stories)
            genes[lead] = _Gene(lead_k, 0, 0)
            for i in order[1:]:
                choices = [(bottom[n] + v.height + 1 > room[n], bottom[n] - room[n], n, k) for n, w in enumerate(strips)
                           for k, v in enumerate(stories[i].variants) if v.width == w]
                if not choices:   # no shape fits a strip: its lowest place, narrowest shape
                    genes[i] = _Gene(min(range(len(stories[i].variants)), key=lambda k: stories[i].variants[k].width),
                                     -1, 0)
                    continue
                *_key, n, k = min(choices)
                genes[i] = _Gene(k, starts[n], 0)
                bottom[n] += stories[i].variants[k].height + 1
            out.append((order, genes))
    return out


def _room(pm: PageModel, x: int, w: int, top: int) -> int:
    """The grid line where the first fixed rectangle below `top` in columns [x, x + w) begins (the
    page's foot, with its virtual rule line, when none does)."""
    return min((r.y for r in pm.fixed if r.x < x + w and x < r.x + r.w and r.y >= top), default=pm.lines + 1)


def reseed(solution: Solution) -> Solution:
    """The best of the guillotine seeds, kept clear and polished, when it beats the search's plan
    (the module docstring); the search's plan otherwise."""
    from layout.plan.photofit import adopted

    steps, pm = solution.steps, solution.page_model
    stories = [s for s in pm.stories if s.variants]
    if not steps or len(stories) < 2:
        return solution
    keys = [s.key for s in stories]
    lead = keys.index(pm.lead) if pm.lead in keys else min(range(len(stories)), key=lambda i: stories[i].rank)
    planned = solution.placed.get(stories[lead].key)
    widths = sorted({pm.columns, planned.variant.width} if planned else {pm.columns}, reverse=True)
    clear_caches()
    decoded = []
    for order, genes in strip_seeds(pm, stories, lead, widths):
        decoded.append((_decode(pm, stories, order, genes), order, genes))
    decodes = len(decoded)
    decoded.sort(key=lambda d: (d[0].clashes, d[0].cost))
    best, best_genome = None, None
    for _plan, order, genes in decoded[:KEEP]:
        genes, plan, spent = _keep_clear(pm, stories, order, genes)
        decodes += spent
        if best is None or _better(plan, best):
            best, best_genome = plan, (order, genes)
    if best is None or not _better(best, solution):   # polished only when it is the better plan already:
        clear_caches()                                  # the polish is most of a seed's cost
        return adopted(solution, solution, decodes)
    best, spent = _polish(pm, stories, *best_genome, best)
    decodes += spent
    clear_caches()
    return adopted(best, solution, decodes)

"""The search's budget is counted in story placements (layout/plan/search.py, `_budget`): a decode
places every story of the page, so a page of few stories is searched with more decodes for the
CPU a page of many takes, and the plan stays the same on any machine (decodes, not seconds)."""
from __future__ import annotations

from dataclasses import replace

from test_plan_search_reuse import page

from layout.plan import search
from layout.plan.search import solve_page


def test_a_page_of_few_stories_is_searched_with_more_decodes_than_a_page_of_many():
    full = page()
    few = replace(full, stories=full.stories[:4])   # 4 stories cannot fill the page: the search never ends early
    limit = 0.2
    small, large = solve_page(few, limit), solve_page(full, limit)
    # the annealing's budget, and the runs weighing white columns on top of it (FILL_SHARE)
    assert small.decodes >= search._budget(limit, 4) * (1 + search.FILL_SHARE)
    assert small.decodes > large.decodes
    assert small.decodes > limit * search.DECODES_PER_SECOND * (1 + search.FILL_SHARE) * 2


def test_the_budget_is_the_same_plan_on_every_run_between_one_and_max_decode_gain_times_the_rate():
    few = replace(page(), stories=page().stories[:4])
    a, b = solve_page(few, 0.2), solve_page(few, 0.2)
    assert (a.placed, a.cost, a.decodes) == (b.placed, b.cost, b.decodes)
    many = search.PLACEMENTS_PER_SECOND // search.DECODES_PER_SECOND + 8   # more stories than the rate serves
    assert search._budget(1.5, many) == int(1.5 * search.DECODES_PER_SECOND)
    assert search._budget(1.5, 1) == int(1.5 * search.DECODES_PER_SECOND * search.MAX_DECODE_GAIN)

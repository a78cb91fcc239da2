"""Guillotine seeds (layout/plan/seeds.py): when the search's plan is not clean, pages cut as a
desk draws them (the lead across, strips of columns under it, stories in rank order) are tried,
and the better plan is kept."""
from __future__ import annotations

from layout.plan.candidates import Variant
from layout.plan.search import PageModel, StoryModel, _decode, _Gene
from layout.plan.seeds import compositions, reseed, strip_seeds


def story(width: int, height: int) -> Variant:
    """A story `width` columns wide, `height` grid lines tall, with no headline (heights only)."""
    return Variant(width, 0, 0.0, height, 0, height * width, 100, None, False, height)


# four columns, 30 lines: the lead across (9 lines), then the left two columns hold the 20-line
# story exactly and the right two the 9- and 10-line ones: the page is full only as two strips.
PAGE = PageModel(4, 30, (), (
    StoryModel("lead", 1, (story(4, 9),)),
    StoryModel("long", 2, (story(2, 20), story(4, 10))),
    StoryModel("short", 3, (story(2, 9), story(4, 5))),
    StoryModel("brief", 4, (story(2, 10), story(4, 5))),
), lead="lead")


def test_compositions_are_every_ordered_split_of_the_columns():
    splits = compositions(4, 4)
    assert len(splits) == 8 and len(set(splits)) == 8
    assert all(sum(s) == 4 and max(s) <= 4 for s in splits)
    assert (1, 3) in splits and (3, 1) in splits and (4,) in splits


def test_a_seed_puts_each_story_in_a_strip_at_the_strip_width():
    stories = list(PAGE.stories)
    for order, genes in strip_seeds(PAGE, stories, 0, [4]):
        assert order[0] == 0 and genes[0].x == 0
        for i in order[1:]:
            g = genes[i]
            if g.x >= 0:
                assert g.x + stories[i].variants[g.variant].width <= PAGE.columns


def test_a_plan_stacked_across_the_page_is_replaced_by_the_strips_that_fill_it():
    """The plan the search kept stacks every story across the page: the last has no room (left
    off). The seed with two strips of two columns fills the page: no story cut or left off, no
    column white."""
    stories = list(PAGE.stories)
    stacked = _decode(PAGE, stories, [0, 1, 2, 3], [_Gene(0, 0, 0), _Gene(1, 0, 0), _Gene(1, 0, 0), _Gene(1, 0, 0)])
    assert any(p is None or p.cut for p in stacked.placed.values()) or stacked.holes > 0
    plan = reseed(stacked)
    assert all(p is not None and not p.cut for p in plan.placed.values()), plan.placed
    assert plan.holes == 0 and plan.status == "planned"
    widths = {key: p.variant.width for key, p in plan.placed.items()}
    assert widths == {"lead": 4, "long": 2, "short": 2, "brief": 2}

"""撞题: two headlines side by side at the same height, one definition for the planner's search,
its `plan-headline-clash` warning and bench/bench_plan.py.

A story's headline band is what its 主题 prints: from the top of its first line's glyphs
(baseline less the size) to its last line's baseline, in grid lines. Two stories clash when
their columns meet at a gutter (one ends where the other begins) and their headline bands
overlap in height: a reader sees two headline lines level across the gutter. Bands that only
touch (one ends where the other begins) do not clash.
"""
from __future__ import annotations

import math

Band = tuple[float, float]   # (top, bottom) of a headline as printed, in grid lines from the type area's top


#: The glyph runs that make a headline band: the 主题, and a jump's continuation head.
HEAD_ROLES = ("headline", "continuation_head")


def printed_band(runs, top: float, pitch: float) -> Band | None:
    """The headline band of a story's glyph runs (its 主题's or continuation head's), in grid lines
    below `top` (points; `pitch`: points per grid line); None when it prints no horizontal headline
    (none, or a 竖题: set vertically, it stands beside a neighbour's headline, not level with it)."""
    head = [r for r in runs if r.role in HEAD_ROLES and r.writing == "h"]   # a 竖题 stands across no line
    if not head:
        return None
    return (min(r.y - r.size for r in head) - top) / pitch, (max(r.y for r in head) - top) / pitch


def side_by_side(a_x: int, a_w: int, b_x: int, b_w: int) -> bool:
    """Whether columns [a_x, a_x + a_w) and [b_x, b_x + b_w) meet at a gutter."""
    return a_x + a_w == b_x or b_x + b_w == a_x


def level(a: Band, b: Band) -> bool:
    """Whether two headline bands overlap in height."""
    return a[0] < b[1] and b[0] < a[1]


def headlines_clash(a_x: int, a_w: int, a: Band | None, b_x: int, b_w: int, b: Band | None) -> bool:
    """撞题: the two stories stand side by side and their headline bands overlap in height (a story
    with no headline (None) clashes with nothing)."""
    return a is not None and b is not None and side_by_side(a_x, a_w, b_x, b_w) and level(a, b)


def band_at(top_line: int, band: Band | None) -> Band | None:
    """A story's headline band (relative to its region's top) on the page, its region starting at
    grid line `top_line` (0-based)."""
    return None if band is None else (top_line + band[0], top_line + band[1])


def clear_below(band: Band, other: Band) -> int:
    """The least grid line a story whose headline band is `band` (relative to its region's top) may
    start on so that its headline lies wholly below the headline `other` (on the page)."""
    return math.ceil(other[1] - band[0] - 1e-9)

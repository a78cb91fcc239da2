"""A placement's grid spans (`columns: [first, last]`, `lines: [first, last]`) checked against the style's grid.

`check_spans(issue, grid, report)` gives each malformed span exactly one
diagnostic, at the value, naming every way it is wrong: `bad-span` when it runs
backwards (last before first), `outside-grid` when it only leaves the grid (a
number under 1, or past the grid's columns or lines). `grid` may be None (the
style could not be read): then only what needs no grid is checked. Make-up
asks `span_fits` and sets nothing for a span that does not fit.
`check_fixed_overlaps(issue, grid, report)` reports fixed regions (columns and
lines) that overlap, as make-up would, for an edition make-up never reaches (an
unknown key blocks it), so that `layout check` still says every problem at once.
"""
from __future__ import annotations

from layout.diagnostics import Report
from layout.model import Issue, Placement
from layout.style import Grid

#: The placement keys that are spans, and how a message names the grid's extent in each.
SPAN_KEYS = ("columns", "lines")


def span_fits(pl: Placement, grid: Grid) -> bool:
    """Whether the placement's columns (and lines, if fixed) run forwards inside the grid."""
    return _fits(pl.columns, grid.columns) and (pl.lines is None or _fits(pl.lines, grid.lines))


def _fits(span: tuple[int, int], limit: int) -> bool:
    return 1 <= span[0] <= span[1] <= limit


def check_spans(issue: Issue, grid: Grid | None, style_name: str, report: Report) -> None:
    """One diagnostic for each placement's span that runs backwards or leaves the grid."""
    for page in issue.pages:
        for pl in page.placements:
            for key in SPAN_KEYS:
                span = getattr(pl, key)
                if span is None:
                    continue
                limit = None if grid is None else getattr(grid, key)
                problem = span_problem(key, span, limit, style_name)
                if problem is not None:
                    code, message, hint = problem
                    report.error(code, message, pl.span_sources.get(key) or pl.source, hint)


def span_problem(key: str, span: tuple[int, int], limit: int | None,
                 style_name: str = "") -> tuple[str, str, str] | None:
    """(code, message, hint) for a span that runs backwards or leaves a grid of `limit` columns or
    lines (None: unknown, only numbers under 1 are off it); None when the span is fine."""
    first, last = span
    backwards = first > last
    low, high = min(span), max(span)
    off_grid = low < 1 or (limit is not None and high > limit)
    if not backwards and not off_grid:
        return None
    where = f"the {limit}-column grid" if key == "columns" else f"the grid's {limit} lines"
    if limit is None:
        where = f"the grid ({key} are numbered from 1)"
    reasons = (["run backwards"] if backwards else []) + ([f"lie outside {where}"] if off_grid else [])
    message = f"{key} [{first}, {last}] {' and '.join(reasons)}"
    extent = f"{key} run from 1 to {limit}" + (f" in style '{style_name}'" if style_name else "") if limit else \
        f"{key} are numbered from 1"
    if backwards and not off_grid:
        hint = f"write the smaller number first: [{last}, {first}]"
    elif backwards:
        hint = f"write [first, last] with the smaller number first; {extent}"
    else:
        hint = extent
    return ("bad-span" if backwards else "outside-grid"), message, hint


def check_fixed_overlaps(issue: Issue, grid: Grid, report: Report) -> None:
    """An `overlap` error for each placement with columns and lines whose region overlaps one listed
    before it on its page (worded as make-up words it)."""
    for page in issue.pages:
        fixed: list[Placement] = []
        for pl in page.placements:
            if not (pl.columns and pl.lines and span_fits(pl, grid)):
                continue
            for other in fixed:
                if (pl.columns[0] <= other.columns[1] and other.columns[0] <= pl.columns[1]
                        and pl.lines[0] <= other.lines[1] and other.lines[0] <= pl.lines[1]):
                    report.error("overlap", f"'{pl.label}' overlaps '{other.label}' on page {page.number}", pl.source,
                                 f"'{other.label}' takes columns {other.columns[0]}-{other.columns[1]}, "
                                 f"lines {other.lines[0]}-{other.lines[1]}; move one of them")
            fixed.append(pl)

"""`photo_width` on a placement that names its columns: make-up sets its photos that wide.

`fixed_photo_widths(issue, report)` takes the edition and returns it with the photos of every
article whose placement has `columns` and `photo_width` set at that width: `photo_width: N`
makes each photo N columns wide; `[min, max]` keeps each photo's own `columns` within the range.
A width past the story's columns is a `photo-too-wide` error at `photo_width` (the photos are
set at the story's width). This is what `layout plan --write` relies on: it freezes a planned
story as `columns`, `lines`, `rank` and the `photo_width` the plan chose, and the frozen page
builds the same PDF as the planned one. `photo_lines: N` on such a placement sets each photo's
frame N grid lines tall (the photo cropped around its focus): the height the plan chose. Placements the planner places (no `columns`, or
`columns` without `lines` on a planned page) are left to it (layout/plan/__init__.py).
"""
from __future__ import annotations

from dataclasses import replace

from layout.diagnostics import Report
from layout.model import Issue
from layout.plan.candidates import planned_here, with_photo_lines
from layout.wording import counted


def fixed_photo_widths(issue: Issue, report: Report) -> Issue:
    """The edition with the photo widths of its fixed placements applied (see the module docstring)."""
    articles = dict(issue.articles)
    for page in issue.pages:
        planned_page = any(pl.auto for pl in page.placements)
        for pl in page.placements:
            article = articles.get(pl.article)
            if (pl.kind != "article" or pl.auto or pl.continued or article is None
                    or not article.photos or (planned_page and planned_here(pl))):
                continue
            if pl.photo_lines is not None:
                article = articles[pl.article] = with_photo_lines(article, pl.photo_lines)
            if pl.photo_width is None:
                continue
            story = pl.columns[1] - pl.columns[0] + 1
            lo, hi = pl.photo_width
            if lo > story:
                report.error("photo-too-wide", f"'{pl.label}' asks for photos {counted(lo, 'column')} wide, but the "
                             f"story is {counted(story, 'column')} wide", pl.span_sources.get("photo_width") or pl.source,
                             f"give photo_width {story} or less, or the story more columns")
            hi = max(1, min(hi, story))
            lo = max(1, min(lo, hi))
            articles[pl.article] = replace(article, photos=tuple(replace(ph, columns=min(max(ph.columns, lo), hi))
                                                                 for ph in article.photos))
    return replace(issue, articles=articles) if articles != issue.articles else issue

"""Headline hierarchy: the size a story's 主题 starts at, by its importance and width.

`headline_size(page, placement, issue, style)` takes a page, one of its
article placements, the issue and the style and returns the size in pt the
main headline starts at (the story setter still steps it down when it would
take more lines than its width allows).

* The article's `headline_size:` wins.
* Without a `headline_scale` in the style sheet every headline starts at
  the `headline` role's size (as style sheets written before the scale do).
* The page's lead (头条) takes the scale's `lead` size (or its width's size,
  if larger): the placement with `rank: 1`, or, when no story on the page
  has `rank: 1`, the widest story that stands at the top of its columns
  (no story above it: a 头条 is never a story stacked under another; the
  widest of all when every story has one above it), the first of the
  widest in placement order, leaving out stories ranked 2 or lower and
  continuations, if it is at least the scale's `lead_min_columns` wide (3
  unless set: a page whose widest story is a 2-column piece has no lead).
* Every other story takes the size for its width in columns.
"""
from __future__ import annotations

from layout.model import Issue, PageSpec, Placement
from layout.style import Style


def headline_size(page: PageSpec, placement: Placement, issue: Issue, style: Style) -> float:
    """The 主题 size in pt for `placement` on `page` (see the module docstring)."""
    article = issue.articles.get(placement.article)
    if article is not None and article.headline_size:
        return article.headline_size
    scale = style.headline_scale
    if scale is None:
        return style.role("headline").size
    size = scale.for_width(_width(placement))
    if placement is lead_story(page, issue, scale.lead_min_columns):
        size = max(size, scale.lead)
    return size


def lead_story(page: PageSpec, issue: Issue, min_columns: int = 1) -> Placement | None:
    """The page's lead (头条): its `rank: 1` story, else its widest story if at least `min_columns` wide
    (see the module docstring)."""
    stories = [pl for pl in page.placements
               if pl.kind == "article" and not pl.continued and pl.article in issue.articles]
    ranked = [pl for pl in stories if pl.rank == 1]
    if ranked:
        return ranked[0]
    open_ = [pl for pl in stories if pl.rank is None]
    if not open_:
        return None
    on_top = [pl for pl in open_ if not _has_story_above(pl, page)] or open_
    widest = max(_width(pl) for pl in on_top)
    if widest < min_columns:
        return None
    return next(pl for pl in on_top if _width(pl) == widest)


def _has_story_above(placement: Placement, page: PageSpec) -> bool:
    """Whether another article of the page stands above `placement` in columns they share: a fixed one
    ending above a fixed one's first line, or, for a stacked one (no `lines`, set below what comes
    before it in its columns), any article placed before it there. Unplanned placements (no `columns`)
    count for nothing."""
    if placement.columns is None:
        return False
    first, last = placement.columns
    before = True   # `other` comes before `placement` in the page's list
    for other in page.placements:
        if other is placement:
            before = False
            continue
        if other.kind != "article" or other.columns is None or other.columns[1] < first or other.columns[0] > last:
            continue
        if placement.lines is None:
            if before and other.lines is None:
                return True
        elif other.lines is not None and other.lines[1] < placement.lines[0]:
            return True
    return False


def _width(placement: Placement) -> int:
    return max(1, placement.columns[1] - placement.columns[0] + 1)

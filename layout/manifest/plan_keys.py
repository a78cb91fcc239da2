"""Checks of the planner's keys (`width`, `photo_width`) that the JSON Schema cannot express.

`check_plan_keys(data, pages, articles, manifest, report)` takes the manifest's plain data, the
built pages and articles and the `Manifest` (for positions), and adds a located diagnostic for:
a `[min, max]` range written backwards (`width: [5, 2]`: `bad-span`, as for `columns`), a
`photo_width` on an article that has no photos (`photo-width-unused`, a warning: the key does
nothing), a `width` that the placement's own `columns` contradict (`width-ignored`, a warning:
the columns decide), and two stories of a page with the same `rank` (`duplicate-rank`, a warning
at the second: the planner ranks it after the first). The widths against the page's grid are checked where the grid is known (layout/plan).
"""
from __future__ import annotations

from layout.diagnostics import Report
from layout.wording import counted

RANGE_KEYS = ("width", "photo_width")


def check_plan_keys(data: dict, pages, articles: dict, manifest, report: Report) -> None:
    """Report backwards ranges, photo widths without photos and ranks given twice (see the module docstring)."""
    raw_pages = data.get("pages") if isinstance(data.get("pages"), list) else []
    for i, raw in enumerate(raw_pages):
        stories = raw.get("stories") if isinstance(raw, dict) else None
        ranked: dict[int, str] = {}   # rank -> the story that has it
        for j, st in enumerate(stories if isinstance(stories, list) else ()):
            if not isinstance(st, dict):
                continue
            rank = st.get("rank")
            if isinstance(rank, int) and not isinstance(rank, bool) and rank >= 1 and st.get("continued") is not True:
                label = str(st.get("article") or st.get("picture") or st.get("ad"))
                if rank in ranked:
                    report.warning("duplicate-rank", f"'{label}' on page {i + 1} has rank {rank}, as '{ranked[rank]}' "
                                   f"has: a planned story is placed after it, ranked {rank + 1} or lower",
                                   manifest.value_at("pages", i, "stories", j, "rank"),
                                   "give each story of a page its own rank (1 = the lead)")
                else:
                    ranked[rank] = label
            for key in RANGE_KEYS:
                value = st.get(key)
                if _backwards(value):
                    lo, hi = value
                    report.error("bad-span", f"pages[{i + 1}].stories[{j + 1}].{key}: [{lo}, {hi}] runs backwards",
                                 manifest.value_at("pages", i, "stories", j, key),
                                 f"write the smaller width first: '{key}: [{hi}, {lo}]'")
    for page in pages:
        for pl in page.placements:
            if pl.width is not None and pl.columns is not None and \
                    not pl.width[0] <= pl.columns[1] - pl.columns[0] + 1 <= pl.width[1]:
                lo, hi = pl.width
                columns = pl.columns[1] - pl.columns[0] + 1
                report.warning("width-ignored", f"'{pl.label}' on page {page.number} has columns {list(pl.columns)} "
                               f"({counted(columns, 'column')}) and width {lo if lo == hi else [lo, hi]}: the columns "
                               "decide", pl.span_sources.get("width") or pl.source,
                               "remove columns (and lines) to have the story planned within its width, or remove width")
            article = articles.get(pl.article) if pl.kind == "article" else None
            if pl.photo_width is not None and article is not None and not article.photos and not pl.continued:
                report.warning("photo-width-unused", f"'{pl.label}' on page {page.number} has photo_width, but the "
                               "article has no photos", pl.span_sources.get("photo_width") or pl.source,
                               f"remove photo_width, or give article '{pl.article}' its photos")


def _backwards(value) -> bool:
    return (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value) and value[0] > value[1])

"""Assembling pages: regions on the grid, stories in them, jumps, rules, masthead and running heads.

`make_pages(issue, style, report)` takes the edition and its style and returns
a tuple of `PageFrame`s (one per page). Stories without `lines` stack under
the previous story in their columns; a story with `continue_on` hands the
lines that do not fit to its `continued: true` placement; text that fits
nowhere is an `overset` error, a fixed region left more than two lines short
an `underset` warning. Placements outside the grid or overlapping are errors.
"""
from __future__ import annotations

from typing import Callable

from layout.diagnostics import Report
from layout.model import Issue, PageSpec, Placement
from layout.page.chrome import masthead, running_head
from layout.page.adsource import ad_image
from layout.page.frames import Anchor, Item, Mark, PageFrame, Rule
from layout.page.hierarchy import headline_size
from layout.page.story import Region, Slot, StorySetter, photo_spans
from layout.page.typeset import Typesetter
from layout.style import Style

RULE_WIDTH = 0.5  # pt, the hairline between stories


def make_pages(issue: Issue, style: Style, report: Report, ts: Typesetter | None = None,
               on_page: Callable[[PageFrame], None] | None = None) -> tuple[PageFrame, ...]:
    """The edition's pages in order; `on_page` (if given) sees each finished page as soon as it is made."""
    ts = ts or Typesetter(style, issue.info.lang, report)
    origin = (style.margin_left, style.margin_top)
    jumps: dict[str, tuple[int, tuple[Slot, ...]]] = {}
    frames = []
    for page in issue.pages:
        frames.append(_make_page(issue, page, style, ts, origin, jumps, report))
        if on_page is not None:
            on_page(frames[-1])
    return tuple(frames)


def planned_photos(issue: Issue, style: Style, ts: Typesetter) -> list[tuple[int, str, tuple, float, float]]:
    """The photos make-up will place (stories' photos and pictures, not ads), in page order, each
    as (page number, file, crop, width pt, height pt), worked out from the placements alone,
    before any body text is composed: what a photo's frame takes depends on its columns, its
    proportions and its caption, not on where on the page the story lands. Lets the build
    separate photos for print while the pages are still being composed. Diagnostics are left to
    make-up."""
    g = style.grid
    setter = StorySetter(ts, (style.margin_left, style.margin_top))
    out = []
    for page in issue.pages:
        for pl in page.placements:
            if not _check_span(pl, style, Report()):   # make-up reports it and sets nothing there
                continue
            if pl.kind == "article":
                article = issue.articles.get(pl.article)
                if article is None or pl.continued:
                    continue
                inset = g.char / 2 if pl.box else 0.0
                blocks = [(photo, a, b, None, inset) for photo, a, b in photo_spans(article.photos, *pl.columns)]
                label = article.id
            elif pl.kind == "ad" or pl.photo is None:
                continue
            else:
                lines = pl.lines[1] - pl.lines[0] + 1 if pl.lines else None
                blocks = [(pl.photo, pl.columns[0], pl.columns[1], lines, 0.0)]
                label = pl.label
            for photo, a, b, lines, inset in blocks:
                try:
                    width, height, crop, _k, _caption = setter.photo_geometry(photo, a, b, label, inset=inset,
                                                                             lines=lines)
                except OSError:
                    continue   # unreadable: the model has reported it
                out.append((page.number, str(photo.file), crop, width, height))
    return out


def _check_span(pl: Placement, style: Style, report: Report) -> bool:
    g = style.grid
    ok = True
    if pl.columns[1] > g.columns or pl.columns[0] > pl.columns[1]:
        report.error("outside-grid", f"columns [{pl.columns[0]}, {pl.columns[1]}] lie outside the {g.columns}-column grid",
                     pl.source, f"columns run from 1 to {g.columns} in style '{style.name}'")
        ok = False
    if pl.lines and (pl.lines[1] > g.lines or pl.lines[0] > pl.lines[1]):
        report.error("outside-grid", f"lines [{pl.lines[0]}, {pl.lines[1]}] lie outside the grid's {g.lines} lines",
                     pl.source, f"grid lines run from 1 to {g.lines} in style '{style.name}'")
        ok = False
    return ok


def _make_page(issue: Issue, page: PageSpec, style: Style, ts: Typesetter, origin, jumps, report: Report) -> PageFrame:
    g = style.grid
    setter = StorySetter(ts, origin)
    items: list[Item] = []
    col_top = {c: 0 for c in range(1, g.columns + 1)}
    under_masthead: set[int] = set()  # columns whose next story starts right under the masthead's rule
    fixed = [pl for pl in page.placements if pl.lines and _check_span(pl, style, report)]
    if page.masthead:
        band = style.masthead_lines
        taken = {c for pl in fixed if pl.lines[0] <= band for c in range(pl.columns[0], pl.columns[1] + 1)}
        free = [c for c in range(1, g.columns + 1) if c not in taken] or [1]
        first, last = free[0], free[-1]
        items += masthead(issue, ts, setter.x(first), setter.y(0), g.span_width(first, last), band * g.pitch - 2)
        for c in free:
            col_top[c] = band
        under_masthead = set(free)
    else:
        items += running_head(issue, page, ts, setter.x(1), setter.y(0), g.width)
    regions: list[tuple[Placement, Region]] = []
    for pl in page.placements:
        if (pl.kind == "article" and pl.article not in issue.articles) or (not pl.lines and not _check_span(pl, style, report)):
            continue
        if pl.lines and pl not in fixed:
            continue
        cols = range(pl.columns[0], pl.columns[1] + 1)
        inset = g.char / 2 if pl.box else 0.0
        if pl.lines:
            region = Region(pl.columns[0], pl.columns[1], pl.lines[0] - 1, pl.lines[1], fixed=True, inset=inset)
        else:
            top = max(col_top[c] for c in cols)
            below_masthead = all(c in under_masthead for c in cols) and top == style.masthead_lines
            top += 1 if top > 0 and not below_masthead else 0
            region = Region(pl.columns[0], pl.columns[1], top, g.lines, fixed=False, inset=inset)
        for other_pl, other in regions:
            if _overlap(region, other):
                report.error("overlap", f"'{pl.label}' overlaps '{other_pl.label}' on page {page.number}",
                             pl.source, f"'{other_pl.label}' takes columns {other.first}-{other.last}, "
                                        f"lines {other.top + 1}-{other.bottom}; move one of them")
        if pl.kind == "article":
            end = _set_article(issue, page, pl, region, setter, jumps, items, report)
        else:
            end = _set_picture(page, pl, region, setter, items, report)
        done = Region(region.first, region.last, region.top, end, region.fixed)
        regions.append((pl, done))
        for c in cols:
            col_top[c] = max(col_top[c], end)
            under_masthead.discard(c)
    items += _rules(regions, setter, g, page.masthead, style.masthead_lines)
    trim_w, trim_h = style.trim
    return PageFrame(page.number, page.section, trim_w, trim_h, style.bleed, tuple(items))


def _set_article(issue: Issue, page: PageSpec, pl: Placement, region: Region, setter: StorySetter, jumps,
                 items: list[Item], report: Report) -> int:
    """An article (or the continuation of a jumped one) in its region; returns the grid line after it."""
    g = setter.grid
    article = issue.articles[pl.article]
    if pl.continued:
        source = jumps.pop(pl.article, None)
        if source is None:
            return region.top  # the model check reported the orphan
        from_page, slots = source
        decks = [("continuation_head", article.headline)]
        slots = (setter.single_line(f"（上接第{from_page}版）", "jump", align="left", inset=region.inset),) + slots
        result = setter.set_story(article, region, slots=list(slots), decks=decks, label=f"{article.headline}（续）")
    else:
        decks = [("kicker", article.kicker), ("headline", article.headline), ("subhead", article.subhead)]
        result = setter.set_story(article, region, slots=setter.body_slots(article, region.inset), decks=decks,
                                  jump_to=pl.continue_on,
                                  headline_size=headline_size(page, pl, issue, setter.ts.style))
    items += result.items
    if result.remainder:
        if pl.continue_on and not pl.continued:
            jumps[pl.article] = (page.number, result.remainder)
        else:
            chars = sum(len(s.line.text.replace(" ", "")) for s in result.remainder)
            report.error("overset", f"'{pl.article}' on page {page.number}: {chars} characters "
                         f"({len(result.remainder)} lines) do not fit", pl.source,
                         "give the story more lines or columns, cut the text, or jump it with continue_on")
            items.append(Mark("overset", setter.x(region.first), setter.y(result.end - 1),
                              g.span_width(region.first, region.last), g.pitch, f"{chars}"))
    if result.underset > 2:
        report.warning("underset", f"'{pl.article}' on page {page.number} leaves {result.underset} grid lines empty",
                       pl.source, "shorten the region's lines or add text")
    return result.end


def _set_picture(page: PageSpec, pl: Placement, region: Region, setter: StorySetter, items: list[Item],
                 report: Report) -> int:
    """A standalone picture (photo + caption) or an advertisement in its region; returns the line after it."""
    g = setter.grid
    photo = pl.photo
    items.append(Anchor(pl.kind, photo.file.stem, photo.caption or photo.alt or photo.file.name,
                        setter.x(region.first), setter.y(region.top)))
    if pl.kind == "ad":
        if not region.fixed:
            from PIL import Image as PILImage

            from layout.photo import upright_size

            with PILImage.open(ad_image(photo.file)) as im:
                pw, ph = upright_size(im)
            need = -(-g.span_width(region.first, region.last) * ph / pw // g.pitch) + 1
            region = Region(region.first, region.last, region.top, min(g.lines, region.top + int(need)), True)
        items += setter.ad_block(photo, region, pl.label)
        end = region.bottom
    else:
        lines = region.bottom - region.top if region.fixed else None
        p_items, used = setter.photo_block(photo, region.first, region.last, region.top, pl.label, lines=lines)
        items += p_items
        end = region.bottom if region.fixed else region.top + used - 1
        if region.top + used - 1 > g.lines:
            report.error("overset", f"picture '{pl.label}' on page {page.number} runs past the foot of the page",
                         pl.source, "give it fixed lines or fewer columns")
    items.append(Mark("region", setter.x(region.first), setter.y(region.top),
                      g.span_width(region.first, region.last), (end - region.top) * g.pitch, pl.label))
    return end


def _overlap(a: Region, b: Region) -> bool:
    return a.first <= b.last and b.first <= a.last and a.top < b.bottom and b.top < a.bottom


def _rules(regions, setter: StorySetter, g, has_masthead: bool, band: int) -> list[Item]:
    """Hairlines between stories: above a story that does not start the page, left of one not in column 1."""
    items: list[Item] = []
    for _pl, r in regions:
        x0 = setter.x(r.first)
        x1 = x0 + g.span_width(r.first, r.last)
        if r.top > 0 and not (has_masthead and r.top == band):
            y = setter.y(r.top) - g.pitch / 2
            items.append(Rule(x0 - (g.gutter / 2 if r.first > 1 else 0), y,
                              x1 + (g.gutter / 2 if r.last < g.columns else 0), y, RULE_WIDTH))
        if r.first > 1:
            x = x0 - g.gutter / 2
            top = setter.y(r.top) - (g.pitch / 2 if r.top > 0 else 0)
            items.append(Rule(x, top, x, setter.y(r.bottom) - g.pitch / 2 + g.pitch / 2, RULE_WIDTH))
    return items

"""Assembling pages: regions on the grid, stories in them, jumps, rules, masthead and running heads.

`make_pages(issue, style, report)` takes the edition and its style and returns
a tuple of `PageFrame`s (one per page). Stories without `lines` stack under
the previous story in their columns; a story with `continue_on` hands the
lines that do not fit to its `continued: true` placement; text that fits
nowhere is an `overset` error, a fixed region left more than two lines short
an `underset` warning. Placements outside the grid or overlapping are errors.
"""
from __future__ import annotations

from typing import Callable, Sequence

from layout.diagnostics import Report
from layout.model import Issue, PageSpec, Placement
from layout.page.chrome import check_masthead_width, masthead, masthead_span, running_head
from layout.page.adsource import ad_size
from layout.page.frames import Anchor, Box, Item, Mark, PageFrame, Rule
from layout.page.jumps import Jumps, PageMakeUp, make_up_in_jump_order, slot_chars
from layout.page.hierarchy import headline_size
from layout.page.pagememo import PAGES
from layout.page.story import Region, Slot, StorySetter, photo_spans
from layout.page.typeset import Typesetter
from layout.page.vertical import set_vertical_story
from layout.spans import span_fits
from layout.style import Style
from layout.wording import counted, print_words

RULE_WIDTH = 0.5  # pt, the hairline between stories


def make_pages(issue: Issue, style: Style, report: Report, ts: Typesetter | None = None,
               on_page: Callable[[PageFrame], None] | None = None) -> tuple[PageFrame, ...]:
    """The edition's pages in order; `on_page` (if given) sees each finished page as soon as it is made."""
    ts = ts or Typesetter(style, issue.info.lang, report)
    origin = (style.margin_left, style.margin_top)
    jumps = Jumps(issue, report)
    edition = PAGES.edition_key(issue, style, ts)   # unchanged pages are not made up again (`pagememo`)

    def make_up(page: PageSpec) -> PageMakeUp:
        return PAGES.make_up(lambda: PAGES.page_key(edition, issue, page, jumps),
                             lambda j, r: _make_page(issue, page, style, ts, origin, j, r), jumps, report, ts)

    frames = make_up_in_jump_order(issue.pages, make_up, jumps, on_page)
    jumps.finish()   # text no continuation took; and the check that no character went missing
    return frames


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
        fixed = [pl for pl in page.placements if pl.lines and span_fits(pl, g)]
        for pl in page.placements:
            if not span_fits(pl, g):   # reported by the pipeline (layout.spans); nothing is set there
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
                lines = None
                if pl.lines:   # as make-up sets it: less a line it gives up to a rule
                    content = _content_region(pl, Region(pl.columns[0], pl.columns[1], pl.lines[0] - 1,
                                                         pl.lines[1], True), fixed)
                    lines = content.bottom - content.top
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


def _make_page(issue: Issue, page: PageSpec, style: Style, ts: Typesetter, origin, jumps: Jumps,
               report: Report) -> PageMakeUp:
    """One page's make-up; yields while it waits for the head of a jump that lands here (`jumps`)."""
    g = style.grid
    setter = StorySetter(ts, origin)
    items: list[Item] = []
    col_top = {c: 0 for c in range(1, g.columns + 1)}
    under_masthead: set[int] = set()  # columns whose next story starts right under the masthead's rule
    fixed = [pl for pl in page.placements if pl.lines and span_fits(pl, g)]
    band = style.masthead_lines
    in_band = [pl for pl in fixed if pl.lines[0] <= band]
    taken = {c for pl in in_band for c in range(pl.columns[0], pl.columns[1] + 1)}
    free = [c for c in range(1, g.columns + 1) if c not in taken]
    if page.masthead and not free:
        _no_room_for_masthead(page, in_band, band, report)
    if page.masthead and free:
        first, last = masthead_span(free)
        check_masthead_width(issue, ts, (first, last), in_band, page, report)
        items += masthead(issue, ts, setter.x(first), setter.y(0), g.span_width(first, last), band * g.pitch - 2)
        for c in free:
            col_top[c] = band
        under_masthead = set(free)
    else:
        items += running_head(issue, page, ts, setter.x(1), setter.y(0), g.width)
    regions: list[tuple[Placement, Region]] = []
    rule_lines: list[int] = []   # per region: the grid line its rule above runs through
    for pl in page.placements:
        if (pl.kind == "article" and pl.article not in issue.articles) or (not pl.lines and not span_fits(pl, g)):
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
            region = Region(pl.columns[0], pl.columns[1], top, _free_foot(pl, top, fixed, g.lines), fixed=False,
                            inset=inset)
        for other_pl, other in regions:
            if _overlap(region, other):
                report.error("overlap", f"'{pl.label}' overlaps '{other_pl.label}' on page {page.number}",
                             pl.source, f"'{other_pl.label}' takes columns {other.first}-{other.last}, "
                                        f"lines {other.top + 1}-{other.bottom}; move one of them")
        content = _content_region(pl, region, fixed)
        if pl.kind == "article":
            yield from jumps.wait_for(pl)
            above = _directly_above(regions, region)
            end = _set_article(issue, page, pl, content, setter, jumps, items, report, above)
        else:
            end = _set_picture(page, pl, content, setter, items, report)
        if region.fixed:
            end = max(end, region.bottom)   # the rule's line stays the region's own
        done = Region(region.first, region.last, region.top, end, region.fixed)
        regions.append((pl, done))
        rule_lines.append(content.top - 1)
        for c in cols:
            col_top[c] = max(col_top[c], end)
            under_masthead.discard(c)
    items = _chrome_rules_clear_of_boxes(items, g)
    items += _rules(regions, rule_lines, setter, g, page.masthead, style.masthead_lines, items)
    trim_w, trim_h = style.trim
    return PageFrame(page.number, page.section, trim_w, trim_h, style.bleed, tuple(items))


def _no_room_for_masthead(page: PageSpec, in_band: list[Placement], band: int, report: Report) -> None:
    """A `masthead-no-room` error: the placements starting inside the masthead's band take every column
    (the masthead is not drawn: drawn anyway it would print over them)."""
    names = ", ".join(f"'{pl.label}' (columns [{pl.columns[0]}, {pl.columns[1]}], lines [{pl.lines[0]}, "
                      f"{pl.lines[1]}])" for pl in in_band)
    report.error("masthead-no-room", f"page {page.number} has masthead: true, but {names} take every column of "
                 f"grid lines 1-{band}, the masthead's band: the masthead is left off the page (a running head "
                 f"stands above it instead)",
                 in_band[0].source if in_band else page.source,
                 f"start a story below the band (lines: [{band + 1}, …]) to leave the masthead its columns, "
                 f"or set masthead: false on this page")


def _set_article(issue: Issue, page: PageSpec, pl: Placement, region: Region, setter: StorySetter, jumps: Jumps,
                 items: list[Item], report: Report, above: Sequence[str] = ()) -> int:
    """An article (or the continuation of a jumped one) in its region; returns the grid line after it.
    `above`: the stories set above it in its columns (named when it does not fit)."""
    g = setter.grid
    article = issue.articles[pl.article]
    if pl.continued:
        source = jumps.take(pl.article)
        if source is None:
            return region.top  # nothing jumped here (the head fit, or an error was reported)
        from_page, slots = source
        decks = [("continuation_head", article.headline)]
        slots = (setter.single_line(print_words(setter.ts.lang)["jump_from"].format(page=from_page), "jump",
                                    align="left", inset=region.inset),) + slots
        result = setter.set_story(article, region, slots=list(slots), decks=decks, label=f"{article.headline}（续）")
    elif pl.direction == "vertical":   # 竖排: the whole story top to bottom, lines right to left
        decks = [("kicker", article.kicker), ("headline", article.headline), ("subhead", article.subhead)]
        result, body, line_chars = set_vertical_story(setter, article, region, decks=decks,
                                                      headline_size=headline_size(page, pl, issue, setter.ts.style))
        jumps.ledger.hand(article.id, body, pl.source)
        _vertical_limits(pl, article, report)
        if result.underset_cells > 2:
            report.warning("underset", f"'{pl.article}' on page {page.number} leaves {result.underset_cells} vertical "
                           f"lines empty", pl.source,
                           f"give the vertical story fewer columns or lines, or add about "
                           f"{result.underset_cells * line_chars} characters ({line_chars} a line)")
    else:
        decks = [("kicker", article.kicker), ("headline", article.headline), ("subhead", article.subhead)]
        body = setter.body_slots(article, region.inset)
        jumps.ledger.hand(article.id, body, pl.source)
        result = setter.set_story(article, region, slots=body, decks=decks, jump_to=pl.continue_on,
                                  headline_size=headline_size(page, pl, issue, setter.ts.style),
                                  vertical_head=pl.headline_direction == "vertical")
    items += result.items
    jumps.ledger.print_items(article.id, result.items)
    if pl.continue_on and not pl.continued and pl.direction == "vertical":
        jumps.hand_over(pl, page.number, ())   # a vertical story does not jump: what does not fit is overset
    if pl.continue_on and not pl.continued and pl.direction != "vertical":
        jumps.hand_over(pl, page.number, result.remainder)
        if body and len(result.remainder) >= len(body):
            report.warning("empty-jump-head", f"'{pl.article}' on page {page.number} prints no text of its own: its "
                           f"region holds the headline only and all of its text jumps to page {pl.continue_on}",
                           pl.source, "give the region more lines: the story starts here and its （下转） line "
                                      "tells the reader where it goes on")
        elif body and not result.remainder and pl.continue_on != page.number:
            report.warning("jump-unused", f"'{pl.article}' fits on page {page.number}: nothing jumps to page "
                           f"{pl.continue_on}, where its continuation (continued: true) is left blank",
                           pl.source, f"remove 'continue_on: {pl.continue_on}' here and the continuation on page "
                                      f"{pl.continue_on}, or end this region higher so that the story jumps")
    elif result.remainder:
        chars = slot_chars(result.remainder)
        jumps.ledger.report_lost(article.id, chars)
        message, hint = _overset_wording(pl, page, result.remainder, region, above)
        report.error("overset", message, pl.source, hint)
        items.append(Mark("overset", setter.x(region.first), setter.y(result.end - 1),
                          g.span_width(region.first, region.last), g.pitch, f"{chars}"))
    if result.underset > 2:
        report.warning("underset", underset_message(pl.article, page.number, result.underset, region),
                       pl.source, underset_hint(pl, result.underset, result.underset_cells, g))
    return result.end


def _vertical_limits(pl: Placement, article, report: Report) -> None:
    """What a vertical story does not do yet, said where the editor asked for it."""
    if pl.continue_on:
        report.warning("vertical-jump", f"'{pl.article}' is set vertically and does not jump: text that does not "
                       f"fit its region is overset, not continued on page {pl.continue_on}", pl.source,
                       "give the vertical story room for all its text, or set it horizontally to jump it")
    if article.photos:
        report.warning("vertical-photo", f"'{pl.article}' is set vertically; its photos are not placed in it",
                       pl.source, "place the photo as its own picture beside the story (- picture: …)")


def _overset_wording(pl: Placement, page: PageSpec, remainder: Sequence[Slot], region: Region,
                     above: Sequence[str]) -> tuple[str, str]:
    """(message, hint) of an overset error: the story whose text did not fit and how much (characters,
    lines); for a story stacked under others, the stories above it that took the columns' room."""
    chars, lines = slot_chars(remainder), len(remainder)
    message = (f"'{pl.article}' on page {page.number}: {counted(chars, 'character')} ({counted(lines, 'line')}) "
               f"{'does' if chars == 1 else 'do'} not fit")
    if region.fixed or not above:
        return message, "give the story more lines or columns, cut the text, or jump it with continue_on"
    columns = f"column {region.first}" if region.first == region.last else f"columns {region.first}-{region.last}"
    names = ", ".join(f"'{name}'" for name in above)
    grid_lines = -(-lines // (region.last - region.first + 1))
    return (f"{message} below {names} in {columns}",
            f"the stories stacked in {columns} need about {counted(grid_lines, 'more grid line')}: cut "
            f"'{pl.article}' or {names} above it, give them more columns, or jump one with continue_on")


def _directly_above(regions: Sequence[tuple[Placement, Region]], region: Region) -> list[str]:
    """The labels of the regions set so far that end nearest above `region` in each of its columns
    (the stories it is stacked under), in the order they were set."""
    nearest: set[int] = set()
    for c in range(region.first, region.last + 1):
        in_column = [(other.bottom, k) for k, (_, other) in enumerate(regions)
                     if other.first <= c <= other.last and _stacked_above(other, region)]
        if in_column:
            nearest.add(max(in_column)[1])
    return [regions[k][0].label for k in sorted(nearest)]


def _stacked_above(other: Region, region: Region) -> bool:
    """Whether `other` (already set) shares columns with `region` and ends above it."""
    return other.first <= region.last and region.first <= other.last and other.bottom <= region.top


def _set_picture(page: PageSpec, pl: Placement, region: Region, setter: StorySetter, items: list[Item],
                 report: Report) -> int:
    """A standalone picture (photo + caption) or an advertisement in its region; returns the line after it."""
    g = setter.grid
    photo = pl.photo
    items.append(Anchor(pl.kind, photo.file.stem, photo.caption or photo.alt or photo.file.name,
                        setter.x(region.first), setter.y(region.top)))
    if pl.kind == "ad":
        if not region.fixed:
            pw, ph = ad_size(photo.file)
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


def underset_message(label: str, page: int, lines: int, region: Region) -> str:
    """What an underset warning says: grid lines (and the columns they run across)."""
    cols = region.last - region.first + 1
    across = f" across its {cols} columns" if cols > 1 else ""
    return f"'{label}' on page {page} leaves {_n(lines, 'grid line')} empty{across}"


def underset_hint(pl: Placement, lines: int, cells: int, g) -> str:
    first, last = pl.lines
    return (f"end the region {_n(lines, 'grid line')} higher (lines: [{first}, {last - lines}]), or add about "
            f"{cells * g.column_chars} characters ({_n(cells, 'column-line')} are empty)")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _content_region(pl: Placement, region: Region, fixed: list[Placement]) -> Region:
    """The part of a fixed region its content may take. Between two fixed regions placed edge to
    edge in the same columns one grid line is kept free: the rule between them (`_rules` draws it
    through that line's middle) or a box's bottom edge runs there, never through text, whatever
    the coordinates. The upper region gives up its last line, unless the lower one is a picture:
    then the picture gives up its first line (a photo loses a line where text would overset). A
    picture above needs nothing: its block already ends with a line of air under the caption."""
    if not region.fixed:
        return region
    if pl.kind == "picture":
        above = any(o is not pl and o.kind != "picture" and o.lines[1] == region.top and _columns_meet(o, pl)
                    for o in fixed)
        if above and region.bottom - region.top >= 2:
            return Region(region.first, region.last, region.top + 1, region.bottom, True, region.inset)
        return region
    below = any(o is not pl and o.kind != "picture" and o.lines[0] - 1 == region.bottom and _columns_meet(o, pl)
                for o in fixed)
    if not below or region.bottom - region.top < 2:
        return region
    return Region(region.first, region.last, region.top, region.bottom - 1, True, region.inset)


def _free_foot(pl: Placement, top: int, fixed: list[Placement], lines: int) -> int:
    """Where a stacked story in `pl`'s columns, starting at grid line `top`, must end: above the
    first fixed region below it in those columns, leaving that region's rule a line of its own."""
    tops = [o.lines[0] - 1 for o in fixed if _columns_meet(o, pl) and o.lines[0] - 1 > top]
    return min(tops, default=lines + 1) - 1


def _columns_meet(a: Placement, b: Placement) -> bool:
    return a.columns[0] <= b.columns[1] and b.columns[0] <= a.columns[1]


def _under_boxes(r: Region, regions) -> bool:
    """Whether boxed stories end right above every column of `r` (their edges part the stories:
    a hairline too would double them)."""
    return all(any(pl.box and o.first <= c <= o.last and o.bottom in (r.top - 1, r.top) for pl, o in regions)
               for c in range(r.first, r.last + 1))


def _overlap(a: Region, b: Region) -> bool:
    return a.first <= b.last and b.first <= a.last and a.top < b.bottom and b.top < a.bottom


def _rules(regions, rule_lines: list[int], setter: StorySetter, g, has_masthead: bool, band: int,
           drawn: Sequence[Item] = ()) -> list[Item]:
    """Hairlines between stories: above a story that does not start the page (nor sits right under
    boxes), left of one not in column 1. A vertical rule meets the horizontal rules at its ends, never
    crossing one nor stopping short of it (`_vertical_ends`); no rule runs alongside a box's edge,
    which parts the stories itself (`_clear_of_boxes`). `drawn`: the page's items so far (the
    masthead's rules and the stories' boxes among them)."""
    items: list[Item] = []
    boxes = [it for it in drawn if isinstance(it, Box)]
    across: list[tuple[float, float, float]] = [(it.y1, min(it.x1, it.x2), max(it.x1, it.x2)) for it in drawn
                                                if isinstance(it, Rule) and it.y1 == it.y2]
    across += [(y, b.x - g.gutter / 2, b.x + b.w + g.gutter / 2) for b in boxes for y in (b.y, b.y + b.h)]
    own: list[float | None] = []
    for (_pl, r), line in zip(regions, rule_lines):
        x0 = setter.x(r.first)
        x1 = x0 + g.span_width(r.first, r.last)
        y = None
        if r.top > 0 and not (has_masthead and r.top == band) and not _under_boxes(r, regions):
            y = setter.y(line) + g.pitch / 2
            left, right = x0 - (g.gutter / 2 if r.first > 1 else 0), x1 + (g.gutter / 2 if r.last < g.columns else 0)
            for a, b in _clear_of_boxes(left, right, _boxes_along(boxes, y, g), g.pitch):
                items.append(Rule(a, y, b, y, RULE_WIDTH))
                across.append((y, a, b))
        own.append(y)
    for (_pl, r), y in zip(regions, own):
        if r.first > 1:
            x = setter.x(r.first) - g.gutter / 2
            top, bottom = _vertical_ends(x, r, y, across, setter, g)
            beside = [(b.y, b.y + b.h) for b in boxes if min(abs(b.x - x), abs(b.x + b.w - x)) <= g.gutter]
            for a, b in _clear_of_boxes(top, bottom, beside, g.pitch):
                items.append(Rule(x, a, x, b, RULE_WIDTH))
    return items


def _chrome_rules_clear_of_boxes(items: list[Item], g) -> list[Item]:
    """The page's items with each horizontal rule drawn so far (the masthead's) cut where a box's top or
    bottom edge runs alongside it, within 3/4 of a grid line (a box right under the masthead keeps its
    own top edge; the masthead's rule stops at the gutters either side of it)."""
    boxes = [it for it in items if isinstance(it, Box)]
    out: list[Item] = []
    for it in items:
        if not (isinstance(it, Rule) and it.y1 == it.y2 and boxes):
            out.append(it)
            continue
        beside = _boxes_along(boxes, it.y1, g)
        if not beside:
            out.append(it)
            continue
        left, right = min(it.x1, it.x2), max(it.x1, it.x2)
        out += [Rule(a, it.y1, b, it.y2, it.width, it.color) for a, b in _clear_of_boxes(left, right, beside, g.pitch)]
    return out


def _boxes_along(boxes: list[Box], y: float, g) -> list[tuple[float, float]]:
    """The (from, to) x stretches, out to the gutters' middles, of the boxes whose top or bottom edge runs
    within 3/4 of a grid line of a horizontal rule at `y`."""
    return [(b.x - g.gutter / 2, b.x + b.w + g.gutter / 2) for b in boxes
            if min(abs(b.y - y), abs(b.y + b.h - y)) <= 0.75 * g.pitch]


def _clear_of_boxes(start: float, end: float, boxes: list[tuple[float, float]],
                    least: float = 1.0) -> list[tuple[float, float]]:
    """The stretches of a rule from `start` to `end` (pt along it) outside the (from, to) stretches
    where a box's edge runs alongside it; pieces shorter than `least` pt (stubs) are dropped."""
    pieces = [(start, end)]
    for lo, hi in boxes:
        pieces = [part for a, b in pieces for part in ((a, min(b, lo)), (max(a, hi), b))]
    return [(a, b) for a, b in pieces if b - a >= least]


def _vertical_ends(x: float, r: Region, own: float | None, across: list[tuple[float, float, float]],
                   setter: StorySetter, g) -> tuple[float, float]:
    """Where the column rule on `x` left of region `r` starts and ends (pt): at the region's own rule
    above it (`own`) or else half a line above the region (its top at the head of the page), moved
    down to a horizontal rule across `x` that lies within the line below that (a masthead's rule); and
    at the first horizontal rule across `x` that closes the region below (the rule of the story under
    it, which may run through the region's last line, given up to it, or through the line after it),
    or else the region's foot (extended to a rule ending at `x` half a line below it). `across`:
    (y, x0, x1) of the page's horizontal rules."""
    eps = 0.01
    meets = [(y, x0, x1) for y, x0, x1 in across if x0 - eps <= x <= x1 + eps]
    if own is not None:
        top = own
    else:
        top = setter.y(r.top) - (g.pitch / 2 if r.top > 0 else 0)
        top = max([y for y, _a, _b in meets if top < y <= top + g.pitch], default=top)
    foot = setter.y(r.bottom)
    window = [(y, x1) for y, _x0, x1 in meets if top + eps < y and foot - g.pitch < y <= foot + 0.75 * g.pitch]
    closing = [y for y, x1 in window if x1 > x + eps]   # a rule running on into the region's columns
    if closing:
        return top, min(closing)
    return top, min([y for y, _x1 in window if y > foot], default=foot)

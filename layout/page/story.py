"""One story in its region: headline group, photos, body flowing through columns.

`set_story(...)` takes an article (or the remainder of a jumped one), its
region on the page grid and the typesetter, and returns a `StoryResult`: the
frame items, the grid line where the story ends, the body lines that did not
fit (for a jump) and the count of characters lost (overset). Every body line
sits on a grid line; the headline group takes whole grid lines.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from PIL import Image as PILImage

from layout.memo import inside_word_breaks
from layout.model import Article, Photo, Span
from layout.page.adsource import ad_image, ad_size
from layout.page.frames import Anchor, Box, Image, Item, Mark
from layout.page.typeset import Typesetter, glyph_runs
from layout.photo import exif_damaged, upright_size
from layout.style import Grid, SIZE_NAMES
from layout.text.compose import Line
from layout.wording import print_words

#: Under this many pixels per inch at printed size a photo shows its pixels on newsprint.
MIN_PPI = 150
#: Line width of a story's box (框), pt.
BOX_WIDTH = 0.75
#: A closing line (落款, byline) ends this many of its characters short of the column's right edge (右空二字).
CLOSING_INDENT = 2.0
#: Headline sizes tried, largest first, when a headline must fit a narrow region.
_HEADLINE_STEPS = sorted({v for v in SIZE_NAMES.values() if v >= 14}, reverse=True)


@dataclass(frozen=True)
class Slot:
    """One grid line of body content: a composed line and the role it is set in."""

    line: Line
    role: str
    keep: bool = False   # stays in the column of the line before it (the lines of a 落款)


@dataclass(frozen=True)
class Region:
    """A rectangle on the grid: columns first..last (1-based), grid lines top..bottom (0-based, bottom exclusive).

    `fixed` regions have the height the manifest gave; free ones may end anywhere up to `bottom`.
    """

    first: int
    last: int
    top: int
    bottom: int
    fixed: bool
    inset: float = 0.0   # pt kept free inside each column edge (a boxed story)


@dataclass(frozen=True)
class StoryResult:
    items: tuple[Item, ...]
    end: int                      # grid line after the story's last line
    remainder: tuple[Slot, ...]   # body lines left over (jump or overset)
    underset: int = 0             # grid lines left empty across every column at the foot of a fixed region
    underset_cells: int = 0       # the same space counted in column-lines (one column, one grid line)


class StorySetter:
    """Sets stories on one page of a style's grid. `origin` is the type area's top-left on the page."""

    def __init__(self, ts: Typesetter, origin: tuple[float, float]):
        self.ts = ts
        self.grid: Grid = ts.style.grid
        self.ox, self.oy = origin

    # -- geometry -------------------------------------------------------------
    def x(self, column: int) -> float:
        return self.ox + self.grid.column_x(column)

    def y(self, line: int) -> float:
        """Top of grid line `line` (0-based)."""
        return self.oy + line * self.grid.pitch

    def baseline(self, line: int, size: float | None = None) -> float:
        """Baseline of a body-size line on grid line `line`: the em box centred in the line's cell."""
        g = self.grid
        size = size or g.char
        return self.y(line) + (g.pitch - size) / 2 + 0.88 * size

    # -- body ---------------------------------------------------------------------
    def body_slots(self, article: Article, inset: float = 0.0, measure: float | None = None) -> list[Slot]:
        """The article's body as grid lines: dateline run into the first paragraph, subheads, byline.
        `measure`: the lines' length in pt (default: the column's width less the inset)."""
        ts = self.ts
        measure = self.grid.column_width - 2 * inset if measure is None else measure
        slots: list[Slot] = []
        first = True
        for par in article.paragraphs:
            if par.kind == "subhead":
                for line in self.deck_lines(par.text, "intertitle", measure, article, where=par.source):
                    slots.append(Slot(line, "intertitle"))
                continue
            if par.kind == "signature":   # 落款: each line flush right, kept with the text it closes
                for spans in hard_lines(par.spans):
                    runs = [r for sp in spans
                            for r in ts.runs(sp.text, "signature", bold=sp.bold, where=par.source, article=article.id)]
                    slots += [Slot(line, "signature", keep=True) for line in self.closing_lines(runs, "signature", measure)]
                continue
            for k, spans in enumerate(hard_lines(par.spans)):   # a hard break starts a new, unindented line
                runs = []
                if first and article.lead:
                    runs += ts.runs(article.dateline, "dateline", where=article.source, article=article.id)
                    runs += ts.runs("\u3000", "body")
                    if article.date:
                        runs += ts.runs(article.date + "，", "body", where=article.source, article=article.id)
                for span in spans:
                    runs += ts.runs(span.text, "body", bold=span.bold, where=par.source, article=article.id)
                first = False
                slots += [Slot(line, "body") for line in ts.paragraph(runs, measure, indent=2.0 if k == 0 else 0)]
        if article.byline:
            runs = ts.runs(article.byline, "byline", where=article.source, article=article.id)
            for line in self.closing_lines(runs, "byline", measure):
                slots.append(Slot(line, "byline"))
        return slots

    def closing_lines(self, runs, role: str, measure: float) -> tuple:
        """A closing line (落款: a notice's signature and date, the byline) set flush right and
        `CLOSING_INDENT` of its role's characters in from the line's end, as Chinese papers set it;
        flush with the end instead where the indent would break it onto one line more."""
        ts = self.ts
        inset = CLOSING_INDENT * ts.style.role(role).size
        flush = ts.paragraph(runs, measure, align="right", indent=0)
        if measure - inset <= 0:
            return flush
        indented = ts.paragraph(runs, measure - inset, align="right", indent=0)
        return indented if len(indented) <= len(flush) else flush

    def single_line(self, text: str, role: str, align: str = "right", inset: float = 0.0) -> Slot:
        lines = self.ts.paragraph(self.ts.runs(text, role), self.grid.column_width - 2 * inset, align=align, indent=0)
        return Slot(lines[0], role)

    # -- headline group ---------------------------------------------------------
    def headline_group(self, decks: list[tuple[str, str]], region: Region, article: Article,
                       headline_size: float | None = None) -> tuple[list[Item], int]:
        """Decks [(role, text)] across the region -> items and the number of grid lines they take.
        `headline_size`: the pt the main headline starts at (default: its role's size)."""
        ts, g = self.ts, self.grid
        width = g.span_width(region.first, region.last) - 2 * region.inset
        x0 = self.x(region.first) + region.inset
        y = self.y(region.top) + (g.pitch / 2 if region.inset else 0)
        items: list[Item] = []
        for role_name, text in decks:
            if not text:
                continue
            role = ts.style.role(role_name)
            size = role.size
            lines = self._fit_headline(text, role_name, width, article, headline_size) \
                if role_name == "headline" else None
            if lines is None:
                lines = self.deck_lines(text, role_name, width, article)
            else:
                size = lines[0].glyphs[0].style.size if lines and lines[0].glyphs else size
            leading = role.leading * size / role.size
            for line in lines:
                base = y + (leading - size) / 2 + 0.88 * size
                items += glyph_runs(line, x0, base, role.color, role_name)
                y += leading
        used = y - self.y(region.top)
        n = math.ceil(used / g.pitch - 1e-6) if used else 0
        if n:
            n += 1  # a grid line of air between the headline group and the body
        return items, n

    def _fit_headline(self, text: str, role_name: str, width: float, article: Article, start: float | None = None):
        """The main headline at `start` pt (default: the role's size), or smaller until it takes at most two
        lines (three if narrow, more only where the editor broke it); warns of a word broken at the smallest."""
        start = start or self.ts.style.role(role_name).size
        max_lines = max(2 if width > 2 * self.grid.column_width else 3, text.count("\n") + 1)
        parts: list[tuple[Line, ...]] = []
        for size in [start] + [s for s in _HEADLINE_STEPS if s < start]:
            parts = self.deck_parts(text, role_name, width, article, size=size)
            if sum(map(len, parts)) <= max_lines:
                break
        broken = [part[i].text for part in parts for i in inside_word_breaks([line.text for line in part])]
        if broken:
            self.ts.report.warning(
                "headline-word-broken",
                f"the headline of '{article.id}' breaks inside a word after 「{broken[0]}」",
                article.source, "a word is wider than the region at the smallest size: widen the region, "
                                "shorten the headline or break it yourself with | (docs/manifest.md)")
        return tuple(line for part in parts for line in part)

    def deck_lines(self, text: str, role_name: str, width: float, article: Article, *, size: float | None = None,
                   where=None) -> tuple[Line, ...]:
        """A headline deck or 插题 composed at `size` (default: the role's) -> its lines."""
        return tuple(line for part in self.deck_parts(text, role_name, width, article, size=size, where=where)
                     for line in part)

    def deck_parts(self, text: str, role_name: str, width: float, article: Article, *, size: float | None = None,
                   where=None) -> list[tuple[Line, ...]]:
        """The lines of each part between the editor's line breaks (newlines), each broken between words."""
        ts = self.ts
        align = ts.style.role(role_name).align
        return [ts.headline(ts.runs(part, role_name, size=size, where=where or article.source, article=article.id),
                            width, align=align) for part in text.split("\n")]

    # -- photos ---------------------------------------------------------------------
    def photo_block(self, photo: Photo, first_col: int, last_col: int, top: int, label: str, *,
                    inset: float = 0.0, lines: int | None = None) -> tuple[list[Item], int]:
        """A photo across columns first..last from grid line `top` -> items and grid lines used
        (photo, caption, a line of air). `lines` fixes the whole block's height; otherwise the photo
        keeps about its own proportions. The photo fills its frame, cropped around its focus."""
        ts = self.ts
        x0 = self.x(first_col) + inset
        width, height, crop, k, caption = self.photo_geometry(photo, first_col, last_col, label, inset=inset,
                                                              lines=lines)
        self._check_resolution(photo, crop, width, label)
        items: list[Item] = [Image(str(photo.file), x0, self.y(top), width, height, crop)]
        credit_left = len(_squeezed(photo.credit)) if photo.credit else 0
        placed = []
        for line in reversed(caption):   # the credit's characters are the caption's last ones
            text_part, credit_part, credit_left = _split_off_credit(line, credit_left)
            placed.append((text_part, credit_part))
        for n, (text_part, credit_part) in enumerate(reversed(placed), start=k):
            for part, role_name in ((text_part, "caption"), (credit_part, "credit")):
                if part is not None:
                    items += glyph_runs(part, x0, self.baseline(top + n), ts.style.role(role_name).color, role_name)
        return items, k + len(caption) + 1

    def photo_geometry(self, photo: Photo, first_col: int, last_col: int, label: str, *, inset: float = 0.0,
                       lines: int | None = None):
        """Where a photo block's photo goes, before it is placed: (width pt, height pt, crop in
        source pixels, grid lines the photo takes, caption lines). The same for any top line, so
        the photo can be separated for print before the page is made up (`planned_photos`)."""
        g = self.grid
        width = g.span_width(first_col, last_col) - 2 * inset
        caption = self._caption_lines(photo, width, label)
        with PILImage.open(photo.file) as im:
            pw, ph = upright_size(im)
            if exif_damaged(im):
                self.ts.report.warning("photo-exif", f"photo {photo.file.name} has damaged EXIF data (camera "
                                       "details); it is printed from its pixels as stored", photo.source,
                                       "if it comes out sideways, turn it upright and save it again in an image editor")
        if lines is None:
            k = photo.lines or max(4, round(width * ph / pw / g.pitch))
        else:
            k = max(2, lines - len(caption) - 1)
        height = k * g.pitch - (g.pitch - g.char)
        return width, height, crop_around(pw, ph, width / height, photo.focus), k, caption

    def _caption_lines(self, photo: Photo, width: float, label: str):
        """The caption's lines, the credit run in after it; a credit that would break across two lines
        (「…记者 周／航 摄」) goes whole onto a line of its own, flush right."""
        ts = self.ts
        runs = []
        if photo.caption:
            runs += ts.runs(photo.caption, "caption", where=photo.source, article=label)
        if not photo.credit:
            return ts.paragraph(runs, width, indent=0, align="justify") if runs else ()
        credit = ts.runs(photo.credit, "credit", where=photo.source, article=label)
        if not runs:
            return ts.paragraph(credit, width, indent=0, align="right")
        together = ts.paragraph(runs + ts.runs("\u3000", "credit") + credit, width, indent=0, align="justify")
        if _squeezed(together[-1].text).endswith(_squeezed(photo.credit)):
            return together
        return (ts.paragraph(runs, width, indent=0, align="justify")
                + ts.paragraph(credit, width, indent=0, align="right"))

    def _check_resolution(self, photo: Photo, crop, width: float, label: str) -> None:
        """Newsprint shows a photo under 150 ppi at its printed size (print-and-epub.md)."""
        ppi = (crop[2] - crop[0]) / (width / 72)
        if ppi < MIN_PPI:
            self.ts.report.warning(
                "low-resolution",
                f"photo {photo.file.name} in '{label}' prints at {ppi:.0f} ppi (under {MIN_PPI})",
                photo.source, "use a larger original or give the photo fewer columns")

    def ad_block(self, ad: Photo, region: Region, label: str) -> list[Item]:
        """An advertisement fitted uncropped and centred in its region."""
        g = self.grid
        width = g.span_width(region.first, region.last)
        height = (region.bottom - region.top) * g.pitch - (g.pitch - g.char)
        pw, ph = ad_size(ad.file)
        scale = min(width / pw, height / ph)
        w, h = pw * scale, ph * scale
        x = self.x(region.first) + (width - w) / 2
        y = self.y(region.top) + (height - h) / 2
        path = ad_image(ad.file, w, h)   # a PDF rendered at the size it prints
        if path != ad.file:
            with PILImage.open(path) as im:
                pw, ph = upright_size(im)
        else:
            self._check_resolution(ad, (0, 0, pw, ph), w, label)
        return [Image(str(path), x, y, w, h, (0, 0, pw, ph))]

    # -- the story -------------------------------------------------------------------
    def set_story(self, article: Article, region: Region, *, slots: list[Slot], decks: list[tuple[str, str]],
                  jump_to: int | None = None, label: str = "", headline_size: float | None = None,
                  vertical_head: bool = False) -> StoryResult:
        """`vertical_head`: the headline group is a 竖题, set vertically in the region's right column
        (`page/vertical.py`), the body flowing beside it and on below it."""
        g = self.grid
        items: list[Item] = [Anchor("continuation" if label else "story", article.id,
                                    label or article.headline.replace("\n", " "),
                                    self.x(region.first), self.y(region.top))]
        columns = list(range(region.first, region.last + 1))
        if vertical_head:
            from layout.page.vertical import vertical_head_block

            head_items, head_columns, head_lines = vertical_head_block(self, decks, region, article, headline_size)
            body_top = region.top
            start = {c: region.top + (head_lines if c in head_columns else 0) for c in columns}
        else:
            head_items, head_lines = self.headline_group(decks, region, article, headline_size)
            body_top = region.top + head_lines
            start = {c: body_top for c in columns}
        items += head_items
        bottom_blocks: list[tuple[Photo, int, int]] = []
        for photo, first, last in photo_spans(article.photos if not label else (), region.first, region.last):
            cols = list(range(first, last + 1))
            if photo.position == "top":
                top = max(start[c] for c in cols)
                p_items, used = self.photo_block(photo, cols[0], cols[-1], top, article.id, inset=region.inset)
                items += p_items
                for c in cols:
                    start[c] = top + used
            else:
                bottom_blocks.append((photo, cols[0], cols[-1]))
        bottom_need = {c: 0 for c in columns}
        bottom_heights = []
        for photo, a, b in bottom_blocks:
            p_items, used = self.photo_block(photo, a, b, 0, article.id, inset=region.inset)  # measured, placed below
            bottom_heights.append(used)
            for c in range(a, b + 1):
                bottom_need[c] = max(bottom_need[c], used)

        def capacity(end: int) -> int:
            return sum(max(0, end - bottom_need[c] - start[c]) for c in columns)

        needed = len(slots)
        if region.fixed:
            end = region.bottom
        else:
            lo = max(start.values()) + (max(bottom_need.values()) if bottom_blocks else 0)
            end = region.bottom
            for candidate in range(max(lo, body_top + 1), region.bottom + 1):
                if capacity(candidate) >= needed:
                    end = candidate
                    break
        cap = capacity(end)
        remainder: tuple[Slot, ...] = ()
        if needed > cap:
            keep = _not_after_heading(slots, cap - (1 if jump_to else 0))
            if _heading_at_a_foot(slots, keep, [max(0, end - bottom_need[c] - start[c]) for c in columns]):
                keep = _not_after_heading(slots, keep - 1)   # a line free: the subhead goes on with its text
            remainder = tuple(slots[max(keep, 0):])
            slots = slots[:max(keep, 0)]
            if jump_to:
                slots = slots + [self.single_line(print_words(self.ts.lang)["jump_to"].format(page=jump_to), "jump",
                                                    inset=region.inset)]
        # flow: column by column, top to bottom, the columns balanced (fixed or free height)
        for extra in range(MORE_LINES_FOR_A_HEADING + 1):
            room = {c: max(0, end - bottom_need[c] - start[c]) for c in columns}
            per_col = balanced_columns(columns, start, room, [s.role for s in slots])
            per_col = keep_together(slots, per_col, room, columns)
            per_col = keep_headings_with_text(slots, per_col, room, columns)
            if (region.fixed or end >= region.bottom or extra == MORE_LINES_FOR_A_HEADING
                    or not _heading_left_at_a_foot(slots, per_col, columns)):
                break
            end += 1   # a stacked story takes a line more rather than leave a subhead at a column's foot
        # bottom photos sit on the region's last lines
        for (photo, a, b), used in zip(bottom_blocks, bottom_heights):
            p_items, _ = self.photo_block(photo, a, b, end - used + 1, article.id, inset=region.inset)
            items += p_items
        it = iter(slots)
        last_line = body_top
        for c in columns:
            for i in range(per_col[c]):
                slot = next(it)
                line_no = start[c] + i
                role = self.ts.style.role(slot.role)
                items += glyph_runs(slot.line, self.x(c) + region.inset, self.baseline(line_no), role.color, slot.role)
                last_line = max(last_line, line_no + 1)
        if not region.fixed:
            end = max(last_line, max(start.values()), end if bottom_blocks else 0)
        underset = cells = 0
        if region.fixed and not remainder:
            free = [room[c] - per_col[c] for c in columns]
            underset, cells = min(free), sum(free)
        if region.inset:
            items.append(Box(self.x(region.first), self.y(region.top), g.span_width(region.first, region.last),
                             (end - region.top + 0.25) * g.pitch, BOX_WIDTH))
        items.append(Mark("region", self.x(region.first), self.y(region.top),
                          g.span_width(region.first, region.last), (end - region.top) * g.pitch, article.id))
        return StoryResult(tuple(items), end, remainder, underset, cells)


def hard_lines(spans) -> list[list[Span]]:
    """A paragraph's spans cut at its hard line breaks ('\\n'): the spans of each line."""
    lines: list[list[Span]] = [[]]
    for span in spans:
        for k, text in enumerate(span.text.split("\n")):
            if k:
                lines.append([])
            if text:
                lines[-1].append(Span(text, span.bold))
    return [line for line in lines if line]


def keep_together(slots, per_col: dict[int, int], caps: dict[int, int], columns) -> dict[int, int]:
    """Column counts moved so that no column starts with a line that keeps with the one before it
    (`Slot.keep`): lines go over to the next column with it, as far as that column has room."""
    out = dict(per_col)
    for c, nxt in zip(columns, columns[1:]):
        start = sum(out[k] for k in columns if k <= c)   # index of the first line of column `nxt`
        while (out[c] > 1 and start < len(slots) and slots[start].keep and out[nxt] < caps[nxt]
               and out[nxt] > 0):
            out[c] -= 1
            out[nxt] += 1
            start -= 1
    return out


#: Roles of lines that head the text after them (插题) and must not end a column.
HEADING_ROLES = frozenset({"intertitle"})
#: Grid lines a stacked story may take beyond what its text needs, to keep a subhead with its text.
MORE_LINES_FOR_A_HEADING = 2


def _not_after_heading(slots, keep: int) -> int:
    """Where a story's text is cut for its region (`keep` lines stay): never right after an in-body
    subhead (插题), which goes on with its text to the continuation or into the overset count."""
    while keep > 1 and slots[keep - 1].role in HEADING_ROLES:
        keep -= 1
    return keep


def _heading_at_a_foot(slots, keep: int, rooms: list[int]) -> bool:
    """Whether the first `keep` slots, filling columns of `rooms` lines to the full, leave an in-body
    subhead on the last line of a column with its text in the next."""
    foot = 0
    for room in rooms[:-1]:
        foot += room
        if foot >= keep:
            return False
        if room and slots[foot - 1].role in HEADING_ROLES:
            return True
    return False


def _heading_left_at_a_foot(slots, per_col: dict[int, int], columns) -> bool:
    """Whether a column (not the last with text) ends with an in-body subhead."""
    end = 0
    for c, nxt in zip(columns, columns[1:]):
        end += per_col[c]
        if per_col[c] and per_col[nxt] and slots[end - 1].role in HEADING_ROLES:
            return True
    return False


def keep_headings_with_text(slots, per_col: dict[int, int], caps: dict[int, int], columns) -> dict[int, int]:
    """Column counts moved so that no column ends with an in-body subhead (插题) whose text starts
    the next column: the subhead goes over to the next column, each column after it handing its last
    line on to the next up to one with room; otherwise the next column hands its first line back,
    where this column has room. -> the new counts."""
    out = dict(per_col)
    for i, (c, nxt) in enumerate(zip(columns, columns[1:])):
        if not out[c] or not out[nxt]:
            continue
        end = sum(out[k] for k in columns if k <= c)   # index of the first line of column `nxt`
        if slots[end - 1].role not in HEADING_ROLES:
            continue
        heads = 1
        while heads < out[c] and slots[end - 1 - heads].role in HEADING_ROLES:
            heads += 1
        ripple = _ripple_to_room(slots, out, caps, columns[i + 1:], end, heads)
        if heads < out[c] and ripple is not None:
            out[c] -= heads
            out[ripple] += heads
        elif (out[c] < caps[c] and out[nxt] > 1 and slots[end].role not in HEADING_ROLES
              and not slots[end + 1].keep and slots[end + 1].role not in ENDING_ROLES):
            out[c] += 1
            out[nxt] -= 1
    return out


def _ripple_to_room(slots, out: dict[int, int], caps: dict[int, int], later: list[int], start: int,
                    lines: int) -> int | None:
    """The first of the `later` columns (whose lines start at slot `start`) with room for `lines` more,
    when each full column before it can hand its last `lines` lines on to the next without a byline,
    a 落款 line or a subhead opening a column; else None."""
    for k in later:
        if out[k] + lines <= caps[k]:
            return k
        start += out[k]
        moved = slots[start - lines:start]
        if (out[k] <= lines or any(s.role in ENDING_ROLES or s.role in HEADING_ROLES for s in moved)
                or slots[start - lines].keep):
            return None
    return None


def crop_around(pw: int, ph: int, aspect: float, focus: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int, int, int]:
    """The largest source rectangle of aspect w/h = `aspect` inside a pw x ph image, centred on the
    focal point (fractions of width and height) as far as the image's edges allow."""
    if pw / ph > aspect:
        w = round(ph * aspect)
        left = min(max(round(focus[0] * pw - w / 2), 0), pw - w)
        return (left, 0, left + w, ph)
    h = round(pw / aspect)
    top = min(max(round(focus[1] * ph - h / 2), 0), ph - h)
    return (0, top, pw, top + h)


def photo_spans(photos, first: int, last: int) -> list[tuple[Photo, int, int]]:
    """A story's photos side by side across its columns first..last, in order, each as wide as
    it asks (at most the columns left); when the columns run out the next starts again at the left.
    -> (photo, its first column, its last column)."""
    out = []
    col = first
    for photo in photos:
        span = max(1, min(photo.columns, last - col + 1))
        if col > last:
            col = first
        out.append((photo, col, col + span - 1))
        col += span
    return out


#: Roles that end a story's text and must not stand alone at the top of a column.
ENDING_ROLES = frozenset({"byline", "jump"})


def balanced_columns(columns: list[int], start: dict[int, int], room: dict[int, int],
                     roles: list[str]) -> dict[int, int]:
    """How many of the body lines (their `roles`, in order) each column takes, columns filled
    left to right from grid line `start[c]`, at most `room[c]` lines each.

    Balanced as papers set 栏: the columns end as level as they can (the lowest common foot
    line that holds every line, shorter by one line in the last columns when the count does not
    divide), so a region taller than its text leaves the space at the foot of all its columns.
    A byline or jump line (`ENDING_ROLES`) never opens a column: the previous column hands it
    its last line of text, or takes the ending lines back when the column has no room."""
    count = len(roles)
    take = {c: 0 for c in columns}
    if not count or not columns:
        return take

    def held(foot: int) -> dict[int, int]:
        return {c: min(room[c], max(0, foot - start[c])) for c in columns}

    lo = min(start[c] for c in columns)
    hi = max(start[c] + room[c] for c in columns)
    while lo < hi:   # the lowest foot line whose columns hold every line
        mid = (lo + hi) // 2
        if sum(held(mid).values()) >= count:
            hi = mid
        else:
            lo = mid + 1
    take = held(lo)
    surplus = sum(take.values()) - count
    while surplus > 0:   # one line fewer in the last columns that reach the foot line
        for c in reversed(columns):
            if surplus and take[c] and start[c] + take[c] == lo:
                take[c] -= 1
                surplus -= 1
        lo -= 1
    _keep_endings_with_text(columns, take, room, roles)
    return take


def _keep_endings_with_text(columns: list[int], take: dict[int, int], room: dict[int, int],
                            roles: list[str]) -> None:
    """Move lines between neighbouring columns (in place) so that no column but the first that
    has text opens with a byline or jump line."""
    filled = [c for c in columns if take[c]]
    for prev, c in zip(filled, filled[1:]):
        first = sum(take[k] for k in columns if k < c)
        if roles[first] not in ENDING_ROLES:
            continue
        if take[prev] >= 2 and take[c] < room[c]:
            take[prev] -= 1        # the last line of text goes over with the byline
            take[c] += 1
        elif take[prev] + take[c] <= room[prev]:
            take[prev] += take[c]  # the ending lines come back to the previous column
            take[c] = 0


def _squeezed(text: str) -> str:
    """`text` without its spaces (a line's text and the text it was set from compare alike)."""
    return "".join(ch for ch in text if not ch.isspace())


def _split_off_credit(line: Line, credit_left: int) -> tuple[Line | None, Line | None, int]:
    """A caption line -> (its caption part, its credit part, credit characters still to find on the
    lines above): the line's last `credit_left` inked characters are the credit's (a part is None
    when empty)."""
    if credit_left <= 0:
        return line, None, 0
    cut = len(line.glyphs)
    while cut > 0 and credit_left > 0:
        cut -= 1
        credit_left -= len(_squeezed(line.glyphs[cut].text))
    while cut > 0 and not _squeezed(line.glyphs[cut - 1].text):   # the blank before the credit goes with it
        cut -= 1

    def part(glyphs) -> Line | None:
        return replace(line, glyphs=tuple(glyphs), text="".join(g.text for g in glyphs)) if glyphs else None

    return part(line.glyphs[:cut]), part(line.glyphs[cut:]), max(credit_left, 0)

"""Page previews: an edition's print PDF -> one PNG per page, with an optional layout overlay.

Takes a laid-out `Edition` (pipeline.prepare) and its `Report`; returns a `Preview`
(frozen data: per page its image files, pixel size, content digest and diagnostics).

- `rasterize(pdf, dpi)` renders PDF pages with pypdfium2, each cropped to its
  TrimBox (the MediaBox includes the bleed), so an image has the trim page's
  aspect ratio.
- `draw_overlay(image, frame, style, scale, flags)` draws, on a copy, the
  grid (columns, gutters, baselines), each region outlined and labelled with
  its article id (in a corner of the region that holds no text, else above it,
  else small and translucent), photo frames, overset lines in red with the number of
  characters that did not fit, regions named by an error (an overlap…) in red
  and underset regions in orange (`region_flags(report)` finds those two), and
  the make-up self-check's findings (layout/page/selfcheck.py) outlined where
  they are, tagged 压字 / 空栏 / 孤行 with their grid column and line.
- `page_diagnostics(edition, report)` assigns each diagnostic to the page(s) it
  concerns (by its source position or by the page it names).
- `PagePreviewer` keeps what it rendered last: a page whose frame, photos and
  overlay inputs are unchanged keeps its PNG; only changed pages are drawn
  again, as one PDF (`render_pdf`, as `pipeline.build` calls it).

Files are written atomically: `p01.png` (and `p01-overlay.png`) in the output folder.
"""
from __future__ import annotations

import hashlib
import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from layout.diagnostics import INFO, Diagnostic, Report
from layout.page.frames import GlyphRun, Image, Mark, PageFrame, run_bounds
from layout.page.selfcheck import page_findings
from layout.render.pngbands import BandedPng
from layout.style import Style
from layout.util import file_stamps, write_atomic
from layout.wording import issue_number_name

DEFAULT_DPI = 100

# overlay colours (RGBA); COLUMN is opaque so a column edge has one exact colour
COLUMN = (0, 140, 255, 255)
GUTTER = (0, 140, 255, 34)
BASELINE = (0, 140, 255, 70)
REGION = (200, 0, 150, 255)
PHOTO = (0, 150, 70, 255)
PHOTO_CROSS = (0, 150, 70, 90)
OVERSET = (225, 0, 0, 255)
OVERSET_FILL = (225, 0, 0, 60)
UNDERSET = (255, 140, 0, 255)
UNDERSET_FILL = (255, 140, 0, 40)
LABEL_TEXT = (255, 255, 255, 255)


@dataclass(frozen=True)
class PageView:
    """One previewed page: its image files (names in the output folder) and what to list beside it."""

    number: int
    section: str
    image: str
    overlay: str                 # "" without --overlay
    width: int                   # pixels
    height: int
    digest: str                  # changes whenever the page image changes (cache-busting, live refresh)
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Preview:
    title: str
    pages: tuple[PageView, ...]
    diagnostics: tuple[Diagnostic, ...] = ()   # those that concern no single page
    rendered: tuple[int, ...] = ()             # pages drawn again by this call (the rest were unchanged)
    seconds: float = 0.0
    dpi: int = DEFAULT_DPI
    timings: dict = field(default_factory=dict, compare=False)


def image_name(number: int, overlay: bool = False) -> str:
    return f"p{number:02d}{'-overlay' if overlay else ''}.png"


def page_name(number: int) -> str:
    return f"p{number:02d}.html"


# -- rasterising ---------------------------------------------------------------------------

def rasterize(pdf: bytes, dpi: int = DEFAULT_DPI, each: Callable[[int, int], None] | None = None
              ) -> list[PILImage.Image]:
    """Every page of `pdf` as an RGB image at `dpi`, cropped to its TrimBox; `each(i, n)` before page i."""
    return list(rasterize_each(pdf, dpi, each))


def rasterize_each(pdf: bytes, dpi: int = DEFAULT_DPI, each: Callable[[int, int], None] | None = None
                   ) -> Iterator[PILImage.Image]:
    """The pages of `pdf` one at a time, as `rasterize` makes them: a page's raster is made only
    when the one before was taken, so a caller that lets each go holds one page at a time."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(doc)):
            if each:
                each(i + 1, len(doc))
            page = doc[i]
            try:
                ml, mb, mr, mt = page.get_mediabox()
                tl, tb, tr, tt = page.get_trimbox()
                crop = (tl - ml, tb - mb, mr - tr, mt - tt)  # left, bottom, right, top, in PDF points
                bitmap = page.render(scale=dpi / 72, crop=crop)
                image = bitmap.to_pil().convert("RGB")
                bitmap.close()
            finally:
                page.close()
            yield image
            del image
    finally:
        doc.close()


#: The most pixels a page image may have: 16 million (48 MB as RGB), the sample tabloid page at
#: 310 dpi, a broadsheet page at about 220. A larger `--dpi` is lowered to this (`preview_dpi`), so
#: that a page's raster, its overlay and its PNG stay a few hundred MB at most.
MAX_PAGE_PIXELS = 16_000_000


def preview_dpi(dpi: int, width_pt: float, height_pt: float) -> int:
    """`dpi`, or less where a page of width_pt x height_pt would have more than MAX_PAGE_PIXELS."""
    most = int((MAX_PAGE_PIXELS / (width_pt / 72 * height_pt / 72)) ** 0.5)
    return max(1, min(dpi, most))


def png_bytes(image: PILImage.Image) -> bytes:
    """An image as PNG bytes, with Pillow at zlib level 1: previews are redrawn on every save,
    so speed matters more than the last few percent of size."""
    buf = io.BytesIO()
    (image if image.mode == "RGB" else image.convert("RGB")).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


# -- the overlay ---------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The bundled sans (it covers the Chinese labels); Pillow's own font if it cannot be read."""
    try:
        from layout.fonts.registry import bundled_path

        return ImageFont.truetype(str(bundled_path("sans-bold")), px)
    except Exception:  # pragma: no cover - the bundled faces ship with the package
        return ImageFont.load_default()


def _label(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, colour, px: int, right: bool = False,
           text_fill=LABEL_TEXT) -> None:
    """A filled tag with white text, its top-left (or top-right) corner at (x, y)."""
    font = _font(px)
    l, t, r, b = draw.textbbox((0, 0), text, font=font)
    pad = max(2, px // 5)
    w, h = r - l + 2 * pad, b - t + 2 * pad
    if right:
        x -= w
    draw.rectangle([x, y, x + w - 1, y + h - 1], fill=colour)
    draw.text((x + pad - l, y + pad - t), text, font=font, fill=text_fill)


def _tag_size(draw: ImageDraw.ImageDraw, text: str, px: int) -> tuple[int, int]:
    l, t, r, b = draw.textbbox((0, 0), text, font=_font(px))
    pad = max(2, px // 5)
    return r - l + 2 * pad, b - t + 2 * pad


def _meets(box, boxes) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


def _region_tag(draw, b, text: str, colour, px: int, ink) -> None:
    """A region's id tag where it hides no text (`ink`: boxes of the page's glyphs, px): inside a
    corner of the region, else just above it; where every spot holds text, smaller and translucent
    at the top-left corner, so the characters under it still show."""
    w, h = _tag_size(draw, text, px)
    spots = [(b[0] + 3, b[1] + 3), (b[2] - 3 - w, b[1] + 3), (b[0] + 3, b[3] - 3 - h), (b[2] - 3 - w, b[3] - 3 - h),
             (b[0] + 3, b[1] - h - 1)]
    for x, y in spots:
        if x >= b[0] and y >= 0 and not _meets((x, y, x + w, y + h), ink):
            _label(draw, x, y, text, colour, px)
            return
    _label(draw, b[0] + 3, b[1] + 3, text, colour[:3] + (90,), max(8, round(px * 0.75)),
           text_fill=LABEL_TEXT[:3] + (160,))


def _ink(frame: PageFrame, px) -> list[tuple[int, int, int, int]]:
    """The em boxes of the page's lines of text, in pixels (`px` converts points)."""
    return [tuple(map(px, run_bounds(r))) for r in frame.items if isinstance(r, GlyphRun) and r.xs]


def _rect(draw: ImageDraw.ImageDraw, box, colour, width: int, inset: int = 0, fill=None) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle([x0 + inset, y0 + inset, max(x0 + inset, x1 - inset), max(y0 + inset, y1 - inset)],
                   outline=colour, width=width, fill=fill)


def draw_overlay(image: PILImage.Image, frame: PageFrame, style: Style, scale: float,
                 flags: dict[str, tuple[str, str]] | None = None) -> PILImage.Image:
    """A copy of `image` (the page at `scale` px/pt) with the grid and the regions drawn over it.

    `flags` maps a region's label (article id) to ('error', code) for a region an error on this
    page names, or to ('underset', '空 5 行 × 3 栏') for one reported underset (grid lines empty across
    the region's columns). Make-up self-check findings are outlined and tagged where they are.
    """
    flags = flags or {}
    layer = PILImage.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    g = style.grid

    def px(v: float) -> int:
        return round(v * scale)

    left, top = style.margin_left, style.margin_top
    bottom = top + g.height
    label_px = max(10, round(8.5 * scale))
    # gutters, baselines, then the column edges on top
    for c in range(1, g.columns):
        x0 = left + g.column_x(c) + g.column_width
        draw.rectangle([px(x0) + 1, px(top), px(x0 + g.gutter) - 1, px(bottom)], fill=GUTTER)
    for line in range(g.lines):
        y = top + line * g.pitch + (g.pitch - g.char) / 2 + 0.88 * g.char
        draw.line([(px(left), px(y)), (px(left + g.width), px(y))], fill=BASELINE, width=1)
    for c in range(1, g.columns + 1):
        x0 = left + g.column_x(c)
        for x in (x0, x0 + g.column_width):
            draw.line([(px(x), px(top)), (px(x), px(bottom))], fill=COLUMN, width=1)
    draw.line([(px(left), px(top)), (px(left + g.width), px(top))], fill=COLUMN, width=1)
    draw.line([(px(left), px(bottom)), (px(left + g.width), px(bottom))], fill=COLUMN, width=1)

    regions = [it for it in frame.items if isinstance(it, Mark) and it.kind == "region"]
    oversets = [it for it in frame.items if isinstance(it, Mark) and it.kind == "overset"]
    # a planned region's rank (layout/plan), tagged beside its id: 'elder-canteen 排3'
    ranks = {(round(it.x), round(it.y)): it.label for it in frame.items if isinstance(it, Mark) and it.kind == "plan"}
    photos = [it for it in frame.items if isinstance(it, Image)]

    def box(it) -> tuple[int, int, int, int]:
        return px(it.x), px(it.y), px(it.x + it.w), px(it.y + it.h)

    ink = _ink(frame, px)
    for it in photos:
        b = box(it)
        draw.line([(b[0], b[1]), (b[2], b[3])], fill=PHOTO_CROSS, width=1)
        draw.line([(b[0], b[3]), (b[2], b[1])], fill=PHOTO_CROSS, width=1)
        _rect(draw, b, PHOTO, 2, inset=1)
    over_regions = {id(r) for r in regions for o in oversets if _contains(r, o)}
    for r in regions:
        b = box(r)
        kind, text = flags.get(r.label, ("", ""))
        if id(r) in over_regions or kind == "error":
            colour, fill = OVERSET, None
        elif kind == "underset":
            colour, fill = UNDERSET, UNDERSET_FILL
        else:
            colour, fill = REGION, None
        _rect(draw, b, colour, 2, inset=2, fill=fill)
        rank = ranks.get((round(r.x), round(r.y)))
        _region_tag(draw, b, f"{r.label} {rank}" if rank else r.label, colour, label_px, ink)
        if kind and id(r) not in over_regions:
            _label(draw, b[2] - 3, b[3] - 3 - round(label_px * 1.6), text, colour, label_px, right=True)
    for v in (it for it in frame.items if isinstance(it, Mark) and it.kind == "vertical-grid"):
        # a vertical story's 栏: the edges of its vertical lines (one body pitch each), top and foot
        pitch = float(v.label or g.pitch)
        for k in range(round(v.w / pitch) + 1):
            x = v.x + k * pitch
            draw.line([(px(x), px(v.y)), (px(x), px(v.y + v.h))], fill=REGION, width=1)
        for y in (v.y, v.y + v.h):
            draw.line([(px(v.x), px(y)), (px(v.x + v.w), px(y))], fill=REGION, width=1)
    for o in oversets:
        b = box(o)
        draw.rectangle([b[0], b[1], b[2], b[3]], fill=OVERSET_FILL)
        _rect(draw, b, OVERSET, 2)
        _label(draw, b[2] - 3, b[3] + 2, f"溢出 {o.label} 字", OVERSET, label_px, right=True)
    _mark_findings(draw, page_findings(frame, style), px, label_px, image.width)
    out = PILImage.alpha_composite(image.convert("RGBA"), layer)
    return out.convert("RGB")


#: The overlay's tag for each make-up self-check finding (layout/page/selfcheck.py).
FINDING_TAGS = {"collision": "压字", "empty-column": "空栏", "lone-ending": "孤行", "headline-split-word": "断词",
                "rule-crossing": "串线", "rule-stub": "断线", "rule-doubled": "双线", "credit-split": "断署",
                "empty-space": "天窗", "intertitle-stranded": "背题"}


def _mark_findings(draw: ImageDraw.ImageDraw, findings, px, label_px: int, width: int) -> None:
    """Each self-check finding outlined where it is (red for errors, orange for warnings), tagged
    with what it is and its grid position (column, line): right of the spot, or left of it near
    the page's right edge."""
    for f in findings:
        colour = OVERSET if f.severity == "error" else UNDERSET
        x, y, w, h = f.spot
        b = (px(x) - 2, px(y) - 2, px(x + w) + 2, px(y + h) + 2)
        _rect(draw, b, colour, 2)
        tag = f"{FINDING_TAGS.get(f.code, f.code)} {f.column}栏{f.line}行"
        right = b[2] + 8 * label_px > width
        _label(draw, b[0] - 2 if right else b[2] + 2, b[1], tag, colour, label_px, right=right)


def _contains(region: Mark, mark: Mark) -> bool:
    cx, cy = mark.x + mark.w / 2, mark.y + mark.h / 2
    return region.x <= cx <= region.x + region.w and region.y <= cy <= region.y + region.h


_UNDERSET = re.compile(r"^'([^']+)' on page (\d+) leaves (\d+) grid lines? empty(?: across its (\d+) columns)?")
_QUOTED = re.compile(r"'([^']+)'")
_ON_PAGE = re.compile(r"\bon page (\d+)\b")


def region_flags(report: Report) -> dict[int, dict[str, tuple[str, str]]]:
    """Page -> region label -> flag for the overlay: ('underset', '空 N 行 × K 栏') from the `underset`
    warnings, ('error', code) for the stories an error on that page names ('a' overlaps 'b' on page 2)."""
    out: dict[int, dict[str, tuple[str, str]]] = {}
    for d in report.items:
        m = _UNDERSET.match(d.message) if d.code == "underset" else None
        if m:
            across = f" × {m.group(4)} 栏" if m.group(4) else ""
            out.setdefault(int(m.group(2)), {}).setdefault(m.group(1), ("underset", f"空 {m.group(3)} 行{across}"))
        page = _ON_PAGE.search(d.message)
        if d.severity == "error" and page:
            for label in _QUOTED.findall(d.message):
                out.setdefault(int(page.group(1)), {})[label] = ("error", d.code)
    return out


# -- diagnostics per page ------------------------------------------------------------------

def page_diagnostics(edition, report: Report) -> tuple[dict[int, list[Diagnostic]], list[Diagnostic]]:
    """Each diagnostic of `report` under the page(s) it concerns; the rest as the edition's own.

    A diagnostic belongs to a page when it names it ('on page 3'), or when its source lies in
    that page's block of the manifest, or in an article (its file or its manifest block) that
    the page carries.
    """
    issue = edition.issue
    numbers = [p.number for p in issue.pages]
    placed: dict[str, list[int]] = {}
    for p in issue.pages:
        for pl in p.placements:
            if pl.article and p.number not in placed.setdefault(pl.article, []):
                placed[pl.article].append(p.number)
    # blocks per file: (first line, pages)
    blocks: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
    for p in issue.pages:
        if p.source:
            blocks.setdefault(p.source.file, []).append((p.source.line, (p.number,)))
    for art in issue.articles.values():
        if art.source:
            blocks.setdefault(art.source.file, []).append((art.source.line, tuple(placed.get(art.id, ()))))
    for entries in blocks.values():
        entries.sort()
    by_page: dict[int, list[Diagnostic]] = {n: [] for n in numbers}
    edition_level: list[Diagnostic] = []
    for d in report.sorted():
        pages: tuple[int, ...] = ()
        m = _ON_PAGE.search(d.message)
        if m and int(m.group(1)) in by_page:
            pages = (int(m.group(1)),)
        elif d.source and d.source.file in blocks:
            for line, targets in blocks[d.source.file]:
                if line <= max(d.source.line, 1):
                    pages = targets
                else:
                    break
        for n in pages:
            by_page[n].append(d)
        if not pages:
            edition_level.append(d)
    return by_page, edition_level


def counts(diags) -> tuple[int, int, int]:
    """(errors, warnings, notes)."""
    e = sum(d.severity == "error" for d in diags)
    w = sum(d.severity == "warning" for d in diags)
    return e, w, sum(d.severity == INFO for d in diags)


# -- rendering an edition, page by page ------------------------------------------------------

def _page_key(frame: PageFrame, style: Style, dpi: int, overlay: bool, flags: dict[str, tuple[str, str]]):
    """Everything a page image depends on: the frame, its photo files, the grid, the resolution."""
    photos = file_stamps(it.path for it in frame.items if isinstance(it, Image))
    grid = (style.grid, style.margin_left, style.margin_top) if overlay else None
    return (frame, photos, dpi, overlay, grid, tuple(sorted(flags.items())) if overlay else ())


class PagePreviewer:
    """Renders an edition's pages to PNGs, again only where a page changed since the last call."""

    def __init__(self, out_dir: Path, dpi: int = DEFAULT_DPI, overlay: bool = False):
        self.out_dir = Path(out_dir)
        self.dpi = dpi
        self.overlay = overlay
        self._pages: dict[int, tuple[object, PageView]] = {}
        self._encoders: dict[int, BandedPng] = {}   # each page's PNG encoder (it keeps the last image's bands)

    def render(self, edition, report: Report, progress: Callable[[str], None] | None = None) -> Preview:
        step = progress or (lambda name: None)
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        flags = region_flags(report)
        dpi = self._dpi(edition.frames, report)
        keys = {f.number: _page_key(f, edition.style, dpi, self.overlay, flags.get(f.number, {}))
                for f in edition.frames}
        stale = [f for f in edition.frames
                 if f.number not in self._pages or self._pages[f.number][0] != keys[f.number]]
        views: dict[int, PageView] = {n: v for n, (k, v) in self._pages.items() if n in keys}
        if stale:
            step(f"drawing {len(stale)} of {len(edition.frames)} pages as PDF")
            t = time.perf_counter()
            pdf = edition_pdf(edition, tuple(stale), report)
            timings["pdf"] = time.perf_counter() - t
            t = time.perf_counter()
            images = rasterize_each(pdf, dpi, lambda i, n: step(f"rasterising page {stale[i - 1].number} ({i} of {n})"))
            # page by page: a page is rasterised while the one before is encoded (PNG encoding lets go of the
            # GIL; a page and its overlay are encoded side by side), and written before the next is made, so
            # at most two pages' pixels are held, whatever the number of pages
            with ThreadPoolExecutor(max_workers=1) as pages, ThreadPoolExecutor(max_workers=2) as pngs:
                waiting = None
                for i, frame in enumerate(stale, 1):
                    job = pages.submit(self._write, frame, next(images), edition.style, flags.get(frame.number, {}),
                                       pngs, dpi)
                    if waiting is not None:
                        self._collect(*waiting, views, keys, step, len(stale))
                    waiting = (frame, job, i)
                if waiting is not None:
                    self._collect(*waiting, views, keys, step, len(stale))
            images.close()
            timings["raster+png"] = time.perf_counter() - t
        for n in [n for n in self._pages if n not in keys]:  # pages that are gone
            del self._pages[n]
            self._encoders.pop(n, None)
            for name in (image_name(n), image_name(n, True)):
                (self.out_dir / name).unlink(missing_ok=True)
        by_page, rest = page_diagnostics(edition, report)
        pages = tuple(_with_diagnostics(views[f.number], f.section, by_page.get(f.number, []))
                      for f in edition.frames)
        return Preview(edition.title, pages, tuple(rest), tuple(f.number for f in stale),
                       time.perf_counter() - t0, dpi, timings)

    def _collect(self, frame: PageFrame, job, i: int, views: dict, keys: dict, step, total: int) -> None:
        """Wait for a page's files to be written and remember its view."""
        views[frame.number] = job.result()
        self._pages[frame.number] = (keys[frame.number], views[frame.number])
        step(f"wrote page {frame.number} ({i} of {total})")

    def _dpi(self, frames, report: Report) -> int:
        """The resolution the pages are drawn at: the one asked for, lowered (with a warning) where the
        largest page would have more than MAX_PAGE_PIXELS."""
        if not frames:
            return self.dpi
        big = max(frames, key=lambda f: f.width * f.height)
        dpi = preview_dpi(self.dpi, big.width, big.height)
        if dpi < self.dpi:
            w, h = round(big.width / 72 * self.dpi), round(big.height / 72 * self.dpi)
            report.warning("preview-dpi", f"at {self.dpi} dpi a page would be {w:,} x {h:,} pixels "
                           f"({w * h / 1e6:.0f} million); the previews are drawn at {dpi} dpi, the most for "
                           f"{MAX_PAGE_PIXELS / 1e6:.0f} million pixels a page",
                           None, f"ask for --dpi {dpi} or less; zoom into the PDF for finer detail")
        return dpi

    def _write(self, frame: PageFrame, image: PILImage.Image, style: Style, flags: dict[str, tuple[str, str]],
               pool: ThreadPoolExecutor, dpi: int) -> PageView:
        plain = pool.submit(self._encoders.setdefault(frame.number, BandedPng()).encode, image)   # changed rows only
        overlay, over = "", b""
        if self.overlay:
            overlay = image_name(frame.number, True)
            over = png_bytes(draw_overlay(image, frame, style, dpi / 72, flags))
            write_atomic(self.out_dir / overlay, over)
        data = plain.result()
        write_atomic(self.out_dir / image_name(frame.number), data)
        digest = hashlib.blake2b(data + over, digest_size=6)
        return PageView(frame.number, frame.section, image_name(frame.number), overlay, image.width, image.height,
                        digest.hexdigest())


def _with_diagnostics(view: PageView, section: str, diags: list[Diagnostic]) -> PageView:
    return PageView(view.number, section, view.image, view.overlay, view.width, view.height, view.digest,
                    tuple(diags))


def edition_pdf(edition, frames: tuple[PageFrame, ...], report: Report) -> bytes:
    """The print PDF of `frames`, drawn exactly as `pipeline.build` draws the edition (no printer's marks)."""
    from layout.render.colour import load_print_settings
    from layout.render.pdf import render_pdf

    settings = load_print_settings(edition.style.path, report)
    return render_pdf(frames, edition.title, author=edition.issue.paper.publisher,
                      subject=issue_number_name(edition.issue.info.lang, edition.issue.info.number), date=edition.issue.info.date,
                      settings=settings, slug=edition.stem)

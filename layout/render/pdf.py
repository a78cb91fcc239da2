"""PDF backend: page frames -> print PDF bytes (reportlab canvas, finished as PDF/X-1a by pdfx).

`render_pdf(frames, title, author, subject, *, settings, marks, date)` draws
what the frames say and returns a PDF/X-1a:2001 file as bytes:

- MediaBox = trim + bleed (+ `marks.MARKS_MARGIN` per side with `marks=True`,
  which adds crop and registration marks and a colour bar outside the bleed);
  TrimBox and BleedBox on every page. A photo that touches a trim edge is
  carried on into the bleed.
- text and rules in the frames' CMYK (the styles give body text K only);
  solid black (0/0/0/100) text and rules overprint (`overprint`: ExtGState
  with OP/op true and OPM 1, switched only where the colour changes), all
  else knocks out;
  the text written by `_TextWriter` (one TJ array per run) in one Type 0
  font per face (`pdffont`: harfbuzz subset, ToUnicode per character);
- photos converted to CMYK within the ink limit (`colour.press_image`; started
  early by `prefetch_photos`) and embedded once per document as image
  XObjects (JPEG, or Flate with `print.image_compression: lossless`);
- an outline entry per page and per story (from `Anchor` items) and page
  labels from the page numbers.

Output is byte-identical for the same input: reportlab's invariant mode, and
pdfx's fixed dates and content-derived document ID.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate, compress, repeat
from operator import add, mul, ne, sub
from pathlib import Path

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from layout.fonts.registry import load_face
from layout.photo import upright_size
from layout.page.frames import Anchor, Box, GlyphRun, Image, Mark, PageFrame, Rule
from layout.render import marks as printer_marks
from layout.render.colour import PressImage, PrintSettings, prefetch_image, press_image
from layout.render.overprint import OverprintSwitch, is_solid_black
from layout.render.pdffont import PdfFont, make_pdf_font
from layout.render.textmemo import TextMemo
from layout.render.pdfx import DocInfo, PageExtras, start_pdfx
from layout.util import file_stamps

#: A photo edge within this distance (pt) of a trim edge counts as touching it.
_EDGE = 0.5
#: Size of the slug line printed with the marks (pt).
SLUG_SIZE = 6.0


class _NoFont:
    """Stands for reportlab's initial font, which this backend never uses: with its default
    (Helvetica) reportlab would put an unembedded base-14 font on every page, which PDF/X forbids.
    A 'dynamic' font makes the canvas skip its initial Tf; reportlab embeds none of it."""

    fontName = "layout-no-font"
    _dynamicFont = 1
    _multiByte = 0

    class face:  # noqa: N801 - the attribute reportlab reads
        name = "layout-no-font"


pdfmetrics.registerFont(_NoFont())


def render_pdf(frames: tuple[PageFrame, ...], title: str, author: str = "", subject: str = "", *,
               settings: PrintSettings | None = None, marks: bool = False,
               date: _dt.date | None = None, slug: str = "", measured: dict[str, float] | None = None) -> bytes:
    """Frames -> PDF/X-1a bytes. `slug` prefixes the slug line printed with the marks. `measured`
    (if given) receives the ink of each photo as separation measured it, by `preflight.image_digest`,
    for the build's preflight (`preflight(known_inks=…)`)."""
    settings = settings or PrintSettings()
    chars: dict[str, set[str]] = {}
    upright: dict[str, set[str]] = {}   # characters set upright in vertical lines: their `vert` forms
    side_by_side: dict[str, set[tuple[str, int]]] = {}   # 縦中横 digits: (character, position vector x)
    for f in frames:
        for mine, page in zip((chars, upright, side_by_side), _characters(f)):
            for font, found in page.items():
                mine.setdefault(font, set()).update(found)
    slug_font = min(chars, key=lambda k: (k != "sans-regular", k)) if chars else None
    slugs = [_slug_line(slug, f, settings) for f in frames] if marks and slug_font else []
    for line in slugs:
        chars[slug_font].update(line)
    fonts = {key: make_pdf_font(load_face(key), chars[key], f"LF{i}", upright.get(key, frozenset()),
                                side_by_side.get(key, frozenset()))
             for i, key in enumerate(sorted(chars), 1)}
    buf = io.BytesIO()
    extras: list[PageExtras] = []
    photos: dict[tuple, str] = {}
    saved_a85 = rl_config.useA85
    rl_config.useA85 = 0  # pdfx re-compresses every stream anyway; ASCII85 only costs time
    try:
        # the pages' content is compressed by the PDF/X finish, once per content (`pdfx.start_pdfx`)
        c = rl_canvas.Canvas(buf, pagesize=(595, 842), invariant=1, pageCompression=0,
                             initialFontName=_NoFont.fontName)
        writer = _TextWriter(c, fonts)
        overprint = OverprintSwitch(c.addLiteral)
        for i, frame in enumerate(frames):
            slug_text = (lambda x, y, line=slugs[i]: (overprint.want(True),   # black text, like any other
                                                      writer.text(line, fonts[slug_font], SLUG_SIZE, x, y))
                         ) if slugs else None
            extras.append(_draw_page(c, frame, photos, marks, slug_text, writer, overprint))
            c.showPage()
        c.save()
        writer.shown.save()   # the runs drawn, for a rebuild in a new process (`textmemo`)
    finally:
        rl_config.useA85 = saved_a85
    info = DocInfo(title=title, author=author, subject=subject, date=date or _dt.date(2000, 1, 1))
    pending = start_pdfx(buf.getvalue(), info, extras, settings, tuple(fonts.values()))   # while photos separate
    images: dict[str, PressImage] = {name: press_image(*job, settings) for job, name in photos.items()}
    if measured is not None:
        for img in images.values():
            measured[_press_digest(img)] = img.max_ink
    return pending.finish(images)


#: id(PressImage) -> (the image, its `image_digest`): a separated photo (the same object while the
#: process keeps it, `colour.press_image`) is hashed once, not at every rebuild
_DIGESTS: dict[int, tuple[PressImage, str]] = {}


def _press_digest(img: PressImage) -> str:
    """The photo's `preflight.image_digest`, as preflight will find it in the PDF."""
    found = _DIGESTS.get(id(img))
    if found is not None and found[0] is img:
        return found[1]
    from layout.render.preflight import decode_pairs, image_digest

    pairs = decode_pairs(img.decode, 4 if img.colorspace == "DeviceCMYK" else 1)
    digest = image_digest(img.colorspace, [f"/{img.filter}"], img.data, pairs)
    if len(_DIGESTS) >= 64:
        _DIGESTS.clear()
    _DIGESTS[id(img)] = (img, digest)
    return digest


#: id(frame) -> (a weak reference to it, its `_characters`)
_chars_of: dict[int, tuple[weakref.ref, tuple]] = {}


def _characters(frame: PageFrame) -> tuple[dict, dict, dict]:
    """A page's characters by face: all it prints, those set upright in vertical lines, and its
    縦中横 digits with their position vectors (remembered for the same frame object)."""
    found = _chars_of.get(id(frame))
    if found is not None and found[0]() is frame:
        return found[1]
    from layout.page.pagememo import PAGES
    from layout.render import drawnstore

    makeup = PAGES.key_of(frame)   # kept on disk for a frame the make-up memo knows
    found = drawnstore.characters(makeup) if makeup is not None else None
    if found is None:
        chars: dict[str, set[str]] = {}
        upright: dict[str, set[str]] = {}
        side_by_side: dict[str, set[tuple[str, int]]] = {}
        for it in frame.items:
            if isinstance(it, GlyphRun):
                chars.setdefault(it.font, set()).update(it.text)
                if it.writing == "v":
                    upright.setdefault(it.font, set()).update(it.text)
                elif it.writing == "t":
                    side_by_side.setdefault(it.font, set()).update(_side_by_side(it)[0])
        found = (chars, upright, side_by_side)
        if makeup is not None:
            drawnstore.keep_characters(makeup, found)
    if len(_chars_of) >= 256:
        _chars_of.clear()
    _chars_of[id(frame)] = (weakref.ref(frame), found)
    return found


def _slug_line(slug: str, frame: PageFrame, settings: PrintSettings) -> str:
    line = f"{slug} 第{frame.number}版 {frame.section}".strip() if slug else f"第{frame.number}版 {frame.section}"
    return f"{line}  PDF/X-1a:2001  {settings.condition_id}  TAC {settings.ink_limit:g}%"


def _draw_page(c: rl_canvas.Canvas, frame: PageFrame, photos: dict[tuple, str], marks: bool, slug_text,
               writer: "_TextWriter", overprint: OverprintSwitch) -> PageExtras:
    """One page into the canvas. Its photos are only named here (`photos`: (file, crop, width,
    height) -> XObject name): they are collected when every page is drawn, so that the drawing
    never waits for a photo still being separated. Solid black text and rules overprint, all
    else knocks out (`overprint`)."""
    page = printer_marks.geometry(frame.width, frame.height, frame.bleed, marks)
    W, H = page.media[2], page.media[3]
    ox, oy = page.trim[0], page.trim[1]
    c.setPageSize((W, H))
    c.setTrimBox(page.trim)
    c.setBleedBox(page.bleed)
    c.setPageRotation(0)

    def X(x: float) -> float:
        return ox + x

    def Y(y: float) -> float:
        return oy + frame.height - y

    c.bookmarkPage(f"p{frame.number}")
    c.addOutlineEntry(f"第{frame.number}版 {frame.section}", f"p{frame.number}", level=0, closed=False)
    writer.new_page()
    overprint.new_page()
    key = None if marks else _drawn_key(frame, photos, writer)
    with _drawn_lock:   # (the web edition draws its page PDFs on a thread of its own)
        found = _drawn.get(key) if key is not None else None
        if found is not None:
            _drawn.move_to_end(key)
    if found is None or found[0]() is not frame:   # not drawn in this process: on disk, if kept (`drawnstore`)
        found = _drawn_on_disk(frame, key)
    if found is not None and found[0]() is frame:   # drawn before, in the same fonts (`_DrawnPage`)
        used_images = found[1].replay(c, photos, writer, overprint)
    else:
        start, known = len(c._code), len(photos)
        used_images, anchors = _draw_items(c, frame, photos, writer, overprint, X, Y)
        if key is not None:
            drawn = _DrawnPage(tuple(c._code[start:]), tuple(anchors), tuple(used_images), frozenset(writer.page_fonts),
                               frozenset(overprint.used), overprint.on, tuple(list(photos.items())[known:]))
            _remember_drawn(frame, key, drawn)
            _keep_drawn_on_disk(frame, key, drawn)
    if marks:
        overprint.want(False)   # the marks knock out (on paper white it makes no difference) but the
        printer_marks.draw_marks(c, page, slug_text)   # slug line, black text, inside their q…Q
    return PageExtras(number=frame.number, images=tuple(used_images), fonts=tuple(sorted(writer.page_fonts)),
                      gstates=tuple(sorted(overprint.used)))


#: Pages whose drawing is remembered (the least recently used go first).
KEEP_DRAWN = 128
#: (id of the frame, its photo files, the document's fonts, the photos named before it) -> (a weak
#: reference to the frame: the make-up memo decides how long frames live, its drawing)
_drawn: OrderedDict[tuple, tuple[weakref.ref, "_DrawnPage"]] = OrderedDict()
_drawn_lock = threading.Lock()


def _remember_drawn(frame: PageFrame, key: tuple, drawn: "_DrawnPage") -> None:
    with _drawn_lock:
        _drawn[key] = (weakref.ref(frame), drawn)
        while len(_drawn) > KEEP_DRAWN:
            _drawn.popitem(last=False)


def _drawn_on_disk(frame: PageFrame, key: tuple | None) -> tuple[weakref.ref, "_DrawnPage"] | None:
    """A page's drawing kept on disk by an earlier process (`drawnstore`), for a frame the make-up
    memo read back or made up (its key there stands for the frame's content), remembered in this
    process too; None when there is none."""
    from layout.page.pagememo import PAGES
    from layout.render import drawnstore

    makeup = PAGES.key_of(frame) if key is not None else None
    fields = drawnstore.remembered(makeup, key[1:]) if makeup is not None else None
    if fields is None:
        return None
    code, anchors, images, fonts, gstates, on, named = fields
    drawn = _DrawnPage(code, anchors, images, frozenset(fonts), frozenset(gstates), on, named)
    _remember_drawn(frame, key, drawn)
    return weakref.ref(frame), drawn


def _keep_drawn_on_disk(frame: PageFrame, key: tuple, drawn: "_DrawnPage") -> None:
    from layout.page.pagememo import PAGES
    from layout.render import drawnstore

    makeup = PAGES.key_of(frame)
    if makeup is not None:
        drawnstore.keep(makeup, key[1:], (drawn.code, drawn.anchors, drawn.images, tuple(sorted(drawn.fonts)),
                                          tuple(sorted(drawn.gstates)), drawn.overprint_on, drawn.named))


def _drawn_key(frame: PageFrame, photos: dict[tuple, str], writer: "_TextWriter") -> tuple | None:
    """What a page's drawing depends on besides its frame (the same object: the make-up memo hands
    a rebuild its unchanged pages' frames): its photo files (their pixel size decides the bleed),
    the document's fonts by content (the character codes) and the names given to the photos of
    the pages before. None when nothing is remembered (`LAYOUT_NO_CACHE=1`)."""
    fonts = writer.shown.signature()
    if fonts is None:
        return None
    files = file_stamps(item.path for item in frame.items if isinstance(item, Image))
    return (id(frame), files, fonts, tuple(photos.items()))


@dataclass(frozen=True)
class _DrawnPage:
    """What drawing a page's items wrote and named, to write it again (`_draw_page`)."""

    code: tuple[str, ...]           # its content operators
    anchors: tuple[tuple, ...]      # (key, x, y, label) of its outline entries
    images: tuple[str, ...]
    fonts: frozenset[str]
    gstates: frozenset[str]
    overprint_on: bool
    named: tuple[tuple[tuple, str], ...]   # the photos it named first

    def replay(self, c: rl_canvas.Canvas, photos: dict[tuple, str], writer: "_TextWriter",
               overprint: OverprintSwitch) -> list[str]:
        c._code.extend(self.code)
        for key, x, y, label in self.anchors:
            c.bookmarkHorizontal(key, x, y)
            c.addOutlineEntry(label, key, level=1)
        photos.update(self.named)
        writer.page_fonts = set(self.fonts)
        overprint.used, overprint.on = set(self.gstates), self.overprint_on
        return list(self.images)


def _draw_items(c: rl_canvas.Canvas, frame: PageFrame, photos: dict[tuple, str], writer: "_TextWriter",
                overprint: OverprintSwitch, X, Y) -> tuple[list[str], list[tuple]]:
    """A page's items into the canvas -> (the photos it places, its outline entries)."""
    seen: set[str] = set()
    used_images: list[str] = []
    anchors: list[tuple] = []
    for item in frame.items:
        if isinstance(item, GlyphRun):
            if item.text and item.size > 0:
                overprint.want(is_solid_black(item.color))
            if item.writing == "h":
                writer.draw(item, X(item.xs[0]) if item.xs else X(0), Y(item.y))
            elif item.writing == "t" and item.xs:   # 縦中横: the pen at its line's middle, the em box's top
                pairs, middle = _side_by_side(item)
                writer.draw(item, X(middle), Y(item.y - 0.88 * item.size), pairs)
            elif item.xs:   # a vertical line's run: upright ("v") or on its side ("r")
                writer.draw(item, X(item.xs[0]), Y(item.ys[0]))
        elif isinstance(item, Rule):
            overprint.want(is_solid_black(item.color))
            c.setStrokeColorCMYK(*item.color)
            c.setLineWidth(item.width)
            c.line(X(item.x1), Y(item.y1), X(item.x2), Y(item.y2))
        elif isinstance(item, Box):
            overprint.want(is_solid_black(item.color))
            c.setStrokeColorCMYK(*item.color)
            c.setLineWidth(item.width)
            c.rect(X(item.x), Y(item.y + item.h), item.w, item.h, stroke=1, fill=0)
        elif isinstance(item, Image):
            overprint.want(False)
            x, y, w, h, crop = _into_bleed(item, frame)
            job = (item.path, crop, w, h)
            name = photos.get(job)
            if name is None:   # numbered in order of first use; the photo's name, for preflight readers
                name = photos[job] = f"Im-{_safe(Path(item.path).stem)}-{len(photos) + 1}"
            if name not in used_images:
                used_images.append(name)
            c.addLiteral(f"q {w:.4f} 0 0 {h:.4f} {X(x):.4f} {Y(y + h):.4f} cm /{name} Do Q")
        elif isinstance(item, Anchor):
            key = f"p{frame.number}-{item.kind}-{item.article}"
            if key in seen:
                continue
            seen.add(key)
            c.bookmarkHorizontal(key, X(item.x), Y(item.y))
            c.addOutlineEntry(item.label, key, level=1)
            anchors.append((key, X(item.x), Y(item.y), item.label))
        elif isinstance(item, Mark):
            pass  # preview overlay only
    return used_images, anchors


class _TextWriter:
    """Glyph runs as PDF text operators, written straight into the canvas's content stream.

    One BT…ET per run: the face's Type 0 font (`pdffont`) and size, the run's origin, and one TJ
    array of two-byte CIDs whose numbers move each glyph from its natural advance to its composed
    x. The spacing most gaps of the run share (a justified line's stretch) goes into Tc once
    instead of a number per gap; positions are tracked in the written, rounded values, so nothing
    drifts."""

    def __init__(self, c: rl_canvas.Canvas, fonts: dict[str, PdfFont]):
        self.c = c
        self.fonts = fonts
        self.color: tuple | None = None
        self.page_fonts: set[str] = set()
        self.shown = TextMemo(fonts.values())

    def new_page(self) -> None:
        self.color = None
        self.page_fonts = set()

    def draw(self, run: GlyphRun, x0: float, y0: float, pairs=()) -> None:
        """Draw `run` whose first glyph's origin is (x0, y0) in PDF page space (for a 縦中横 run, the
        pen's place in its vertical line, and the CIDs' (character, position vector x) `pairs`)."""
        if run.text and run.size > 0:
            if run.color != self.color:
                self.c.setFillColorCMYK(*run.color)
                self.color = run.color
            if run.writing == "t":
                self._show_side_by_side(run, self.fonts[run.font], x0, y0, pairs)
            elif run.writing == "v":
                self._show_vertical(run, self.fonts[run.font], x0, y0)
            else:   # "r": horizontal glyphs along a baseline turned 90° clockwise, spaced by their ys
                self._show(run.text, run.xs if run.writing == "h" else run.ys, self.fonts[run.font], run.size,
                           x0, y0, turned=run.writing == "r")

    def text(self, text: str, font: PdfFont, size: float, x0: float, y0: float) -> None:
        """Plain text at natural advances (the slug line), in the current fill colour."""
        xs, x = [], 0.0
        for ch in text:
            xs.append(x)
            x += font.width(ch) * size / 1000
        self._show(text, xs, font, size, x0, y0)
        self.color = None

    def _show_side_by_side(self, run: GlyphRun, font: PdfFont, x0: float, y0: float, pairs) -> None:
        """A 縦中横 number in the vertical font: the pen stays on its line (it comes back up after
        each digit, less a thousandth of an em that keeps the digits in order for text extraction);
        each digit's CID carries the position vector that shifts it across to its place."""
        codes = font.encode_side_by_side(pairs)
        resource = font.resource + "V"
        self.page_fonts.add(resource)
        parts = " -999 ".join(f"<{codes[i * 4:i * 4 + 4]}>" for i in range(len(pairs)))
        self.c._code.append(f"BT {_num(x0)} {_num(y0)} Td /{resource} {_num(run.size)} Tf [{parts}] TJ ET")

    def _show_vertical(self, run: GlyphRun, font: PdfFont, x0: float, y0: float) -> None:
        """One vertical run in the Identity-V font (`<resource>V`), one text object: (x0, y0) is the
        first glyph's vertical origin; each glyph advances one em down (DW2) and a TJ number moves
        the next to its composed y (counted from the segment's start in hundredths, so rounding
        never accumulates). Glyphs at another x (the digits of a 縦中横 number side by side) start
        a new segment at their own origin, inside the same text object, in reading order."""
        k = 1000.0 / run.size
        codes = font.encode_vertical(run.text)
        resource = font.resource + "V"
        self.page_fonts.add(resource)
        out = [f"BT /{resource} {_num(run.size)} Tf"]
        n = len(run.text)
        a = 0
        while a < n:
            b = a + 1
            while b < n and run.xs[b] == run.xs[a]:
                b += 1
            start = run.ys[a]
            parts: list[str] = []
            cut = before = 0
            for i in range(a, b - 1):   # a positive number moves the pen down (PDF 9.4.4)
                need = round(((run.ys[i + 1] - start) * k - 1000.0 * (i + 1 - a)) * 100)
                if need != before:
                    parts.append(f"<{codes[(a + cut) * 4:(i + 1) * 4]}> {_num((need - before) / 100)}")
                    cut = i + 1 - a
                    before = need
            parts.append(f"<{codes[(a + cut) * 4:b * 4]}>")
            x, y = x0 + run.xs[a] - run.xs[0], y0 - (run.ys[a] - run.ys[0])
            out.append(f"1 0 0 1 {_num(x)} {_num(y)} Tm [{' '.join(parts)}] TJ")
            a = b
        out.append("ET")
        self.c._code.append(" ".join(out))

    def _show(self, text: str, xs, font: PdfFont, size: float, x0: float, y0: float, turned: bool = False) -> None:
        self.page_fonts.add(font.resource)
        if turned:   # Latin on its side in a vertical line: few, drawn afresh
            self.c._code.append(self._operators(text, xs, font, size, x0, y0, turned=True))
            return
        self.c._code.append(self.shown.operators(text, xs, font, size, x0, y0, self._operators))

    @staticmethod
    def _operators(text: str, xs, font: PdfFont, size: float, x0: float, y0: float, turned: bool = False) -> str:
        """One run's BT … TJ … ET, its glyphs at `xs` (made once per run: `TextMemo`); `turned`: set
        on its side, reading downwards (Latin in a vertical line)."""
        n = len(text)
        k = 1000.0 / size
        natural = list(map(font.advance.get, map(ord, text), repeat(1000.0)))
        start = xs[0]
        target = [(x - start) * k for x in xs]          # thousandths of an em from the first origin
        tc = round(_common(list(map(sub, map(sub, target[1:], target), natural))) / k, 4)
        tcw = tc * k                                    # Tc is in points (Tm has no scale)
        # the pen after each glyph, and the adjustment (to 0.01) that takes it to the next origin,
        # counted from the start so rounding never accumulates; a number goes into the TJ array
        # only where the adjustment changes from the glyph before
        # (in hundredths, as whole numbers: Python's round to an integer is far cheaper than to 2 places)
        pen = accumulate(map(add, natural, repeat(tcw)))
        need = list(map(round, map(mul, map(sub, pen, target[1:]), repeat(100.0))))
        before = [0, *need[:-1]]
        codes = font.encode(text)
        parts: list[str] = []
        cut = 0
        for i in compress(range(n - 1), map(ne, need, before)):
            parts.append(f"<{codes[cut * 4:(i + 1) * 4]}> {_num((need[i] - before[i]) / 100)}")
            cut = i + 1
        parts.append(f"<{codes[cut * 4:]}>")
        tc_on, tc_off = (f" {_num(tc)} Tc", " 0 Tc") if tc else ("", "")
        place = f"0 -1 1 0 {_num(x0)} {_num(y0)} Tm" if turned else f"{_num(x0)} {_num(y0)} Td"
        return (f"BT {place}{tc_on} /{font.resource} {_num(size)} Tf "
                f"[{' '.join(parts)}] TJ{tc_off} ET")


def _side_by_side(run: GlyphRun) -> tuple[tuple[tuple[str, int], ...], float]:
    """A 縦中横 run ("t") -> each digit's (character, position vector x in thousandths of an em:
    the PDF's vx that puts the glyph where the frame placed it while the pen stays at the
    number's middle), and that middle's x in frame coordinates."""
    face = load_face(run.font)
    widths = [face.advance(ch) * run.size for ch in run.text]
    middle = (run.xs[0] + run.xs[-1] + widths[-1]) / 2
    k = 1000.0 / run.size
    pairs = tuple((ch, round((middle - x) * k)) for ch, x in zip(run.text, run.xs))
    return pairs, middle


def _common(gaps: list[float]) -> float:
    """The gap a run's glyphs most likely share (a justified line's stretch, to 0.01 of an em
    thousandth): the median of three samples, or 0 when they all differ. Only a guess to save
    numbers in the TJ arrays; the arrays place every glyph exactly whatever it returns."""
    n = len(gaps)
    if n < 2:
        return 0.0
    a, b, c = (round(gaps[i], 2) for i in (n // 4, n // 2, (3 * n) // 4))
    return a if a in (b, c) else b if b == c else 0.0


def _num(v: float) -> str:
    """A PDF number: at most 4 decimals, no trailing zeros."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def prefetch_photos(frame: PageFrame, settings: PrintSettings) -> None:
    """Start separating the page's photos ahead (`prefetch_image`; called as each page is made
    up, for a photo whose frame the plan made before composition did not foresee)."""
    for item in frame.items:
        if isinstance(item, Image):
            _x, _y, w, h, crop = _into_bleed(item, frame)
            prefetch_image(item.path, crop, w, h, settings)


def _safe(stem: str) -> str:
    """ASCII letters and digits of a file stem (PDF names stay plain), at most 24."""
    return re.sub(r"[^A-Za-z0-9]+", "", stem)[:24] or "photo"


def _into_bleed(item: Image, frame: PageFrame):
    """A photo touching a trim edge runs on into the bleed: the placement grows by the bleed on
    that side and the crop by as many source pixels (as far as the photo has them)."""
    x, y, w, h = item.x, item.y, item.w, item.h
    left, top, right, bottom = item.crop
    b = frame.bleed
    sides = (x <= _EDGE, y <= _EDGE, x + w >= frame.width - _EDGE, y + h >= frame.height - _EDGE)
    if b <= 0 or not any(sides) or w <= 0 or h <= 0:
        return x, y, w, h, item.crop
    with PILImage.open(item.path) as im:
        src_w, src_h = upright_size(im)
    sx, sy = (right - left) / w, (bottom - top) / h  # source pixels per point
    if sides[0]:
        left = max(0, left - round(b * sx))
        w, x = w + (b + x), -b
    if sides[1]:
        top = max(0, top - round(b * sy))
        h, y = h + (b + y), -b
    if sides[2]:
        right = min(src_w, right + round(b * sx))
        w = frame.width + b - x
    if sides[3]:
        bottom = min(src_h, bottom + round(b * sy))
        h = frame.height + b - y
    return x, y, w, h, (left, top, right, bottom)

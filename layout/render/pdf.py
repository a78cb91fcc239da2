"""PDF backend: page frames -> print PDF bytes (reportlab canvas, finished as PDF/X-1a by pdfx).

`render_pdf(frames, title, author, subject, *, settings, marks, date)` draws
what the frames say and returns a PDF/X-1a:2001 file as bytes:

- MediaBox = trim + bleed (+ `marks.MARKS_MARGIN` per side with `marks=True`,
  which adds crop and registration marks and a colour bar outside the bleed);
  TrimBox and BleedBox on every page. A photo that touches a trim edge is
  carried on into the bleed.
- text and rules in the frames' CMYK (the styles give body text K only);
  photos converted to CMYK within the ink limit (`colour.press_image`) and
  embedded once per document as Flate-compressed image XObjects;
- fonts embedded as subsets with a ToUnicode map (reportlab);
- an outline entry per page and per story (from `Anchor` items) and page
  labels from the page numbers.

Output is byte-identical for the same input: reportlab's invariant mode, and
pdfx's fixed dates and content-derived document ID.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import re
from pathlib import Path

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from layout.fonts.registry import load_face
from layout.page.frames import Anchor, Box, GlyphRun, Image, Mark, PageFrame, Rule
from layout.render import marks as printer_marks
from layout.render.colour import PressImage, PrintSettings, press_image
from layout.render.pdfx import DocInfo, PageExtras, finish_pdfx

_registered: dict[tuple[str, str], str] = {}
#: A photo edge within this distance (pt) of a trim edge counts as touching it.
_EDGE = 0.5


def register_font(key: str) -> str:
    """Register a face with reportlab once per file; returns the reportlab font name.
    (A converted face's file depends on the characters an edition uses, so the file is part of the key.)"""
    face = load_face(key)
    ident = (key, str(face.path))
    if ident not in _registered:
        digest = hashlib.sha1(ident[1].encode("utf-8")).hexdigest()[:8]
        name = f"L-{face.ps_name}-{digest}"
        pdfmetrics.registerFont(TTFont(name, ident[1]))
        _registered[ident] = name
    return _registered[ident]


def render_pdf(frames: tuple[PageFrame, ...], title: str, author: str = "", subject: str = "", *,
               settings: PrintSettings | None = None, marks: bool = False,
               date: _dt.date | None = None, slug: str = "") -> bytes:
    """Frames -> PDF/X-1a bytes. `slug` prefixes the slug line printed with the marks."""
    settings = settings or PrintSettings()
    used = sorted({it.font for f in frames for it in f.items if isinstance(it, GlyphRun)})
    names = {key: register_font(key) for key in used}
    first_font = names[used[0]] if used else None
    buf = io.BytesIO()
    kwargs = {"initialFontName": first_font} if first_font else {}
    extras: list[PageExtras] = []
    images: dict[str, PressImage] = {}
    saved_a85 = rl_config.useA85
    rl_config.useA85 = 0  # pdfx re-compresses every stream anyway; ASCII85 only costs time
    try:
        c = rl_canvas.Canvas(buf, pagesize=(595, 842), invariant=1, pageCompression=1, **kwargs)
        for frame in frames:
            extras.append(_draw_page(c, frame, names, settings, images, marks, slug, first_font))
            c.showPage()
        c.save()
    finally:
        rl_config.useA85 = saved_a85
    info = DocInfo(title=title, author=author, subject=subject, date=date or _dt.date(2000, 1, 1))
    return finish_pdfx(buf.getvalue(), info, extras, images, settings)


def _draw_page(c: rl_canvas.Canvas, frame: PageFrame, names: dict[str, str], settings: PrintSettings,
               images: dict[str, PressImage], marks: bool, slug: str, slug_font: str | None) -> PageExtras:
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
    seen: set[str] = set()
    used_images: list[str] = []
    for item in frame.items:
        if isinstance(item, GlyphRun):
            _draw_glyphs(c, item, names[item.font], X, Y)
        elif isinstance(item, Rule):
            c.setStrokeColorCMYK(*item.color)
            c.setLineWidth(item.width)
            c.line(X(item.x1), Y(item.y1), X(item.x2), Y(item.y2))
        elif isinstance(item, Box):
            c.setStrokeColorCMYK(*item.color)
            c.setLineWidth(item.width)
            c.rect(X(item.x), Y(item.y + item.h), item.w, item.h, stroke=1, fill=0)
        elif isinstance(item, Image):
            x, y, w, h, crop = _into_bleed(item, frame)
            img = press_image(item.path, crop, w, h, settings)
            name = f"Im-{_safe(Path(item.path).stem)}-{img.key[:10]}"  # the photo's name, for preflight readers
            images.setdefault(name, img)
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
        elif isinstance(item, Mark):
            pass  # preview overlay only
    if marks:
        line = f"{slug} 第{frame.number}版 {frame.section}".strip() if slug else f"第{frame.number}版 {frame.section}"
        printer_marks.draw_marks(c, page, f"{line}  PDF/X-1a:2001  {settings.condition_id}  "
                                 f"TAC {settings.ink_limit:g}%", slug_font)
    return PageExtras(number=frame.number, images=tuple(used_images))


def _draw_glyphs(c: rl_canvas.Canvas, run: GlyphRun, font: str, X, Y) -> None:
    """Draw glyphs at their own x positions; consecutive glyphs whose natural advance lands on
    the next origin share one text show, so the content stream stays small."""
    c.setFillColorCMYK(*run.color)
    t = c.beginText()
    t.setFont(font, run.size)
    y = Y(run.y)
    i, n = 0, len(run.text)
    while i < n:
        j = i + 1
        x = run.xs[i]
        while j < n and abs(run.xs[j] - (run.xs[j - 1] + pdfmetrics.stringWidth(run.text[j - 1], font, run.size))) < 0.005:
            j += 1
        t.setTextOrigin(X(x), y)
        t.textOut(run.text[i:j])
        i = j
    c.drawText(t)


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
        src_w, src_h = im.size
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

"""PDF backend: page frames -> PDF bytes with reportlab's canvas.

`render_pdf(frames, title, fonts)` takes the frames and the face keys used and
returns the PDF as bytes: MediaBox = trim + bleed, TrimBox and BleedBox on
every page, fonts embedded as subsets with a ToUnicode map (reportlab), colours
in DeviceCMYK, an outline entry per story. Output is byte-identical for the
same input (reportlab's invariant mode: fixed dates and document ID).
"""
from __future__ import annotations

import io

from PIL import Image as PILImage
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from layout.fonts.registry import load_face
from layout.page.frames import Anchor, Box, GlyphRun, Image, Mark, PageFrame, Rule

_registered: dict[str, str] = {}


def register_font(key: str) -> str:
    """Register a face with reportlab once; returns the reportlab font name."""
    if key not in _registered:
        face = load_face(key)
        name = f"L-{face.ps_name}"
        pdfmetrics.registerFont(TTFont(name, str(face.path)))
        _registered[key] = name
    return _registered[key]


def render_pdf(frames: tuple[PageFrame, ...], title: str, author: str = "", subject: str = "") -> bytes:
    used = sorted({it.font for f in frames for it in f.items if isinstance(it, GlyphRun)})
    names = {key: register_font(key) for key in used}
    first_font = names[used[0]] if used else None
    buf = io.BytesIO()
    width = frames[0].width + 2 * frames[0].bleed if frames else 595
    height = frames[0].height + 2 * frames[0].bleed if frames else 842
    kwargs = {"initialFontName": first_font} if first_font else {}
    c = rl_canvas.Canvas(buf, pagesize=(width, height), invariant=1, pageCompression=1, **kwargs)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(subject)
    c.setCreator("layout")
    c.setProducer("layout (reportlab)")
    for frame in frames:
        _draw_page(c, frame, names)
        c.showPage()
    c.save()
    return buf.getvalue()


def _draw_page(c: rl_canvas.Canvas, frame: PageFrame, names: dict[str, str]) -> None:
    b = frame.bleed
    W, H = frame.width + 2 * b, frame.height + 2 * b
    c.setPageSize((W, H))
    c.setTrimBox((b, b, b + frame.width, b + frame.height))
    c.setBleedBox((0, 0, W, H))
    c.setPageRotation(0)

    def X(x: float) -> float:
        return b + x

    def Y(y: float) -> float:
        return H - b - y

    c.bookmarkPage(f"p{frame.number}")
    c.addOutlineEntry(f"第{frame.number}版 {frame.section}", f"p{frame.number}", level=0, closed=False)
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
            _draw_image(c, item, X, Y)
        elif isinstance(item, Anchor):
            key = f"p{frame.number}-{item.kind}-{item.article}"
            c.bookmarkHorizontal(key, X(item.x), Y(item.y))
            c.addOutlineEntry(item.label, key, level=1)
        elif isinstance(item, Mark):
            pass  # preview overlay only


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


def _draw_image(c: rl_canvas.Canvas, item: Image, X, Y) -> None:
    with PILImage.open(item.path) as im:
        im = im.crop(item.crop)
        if im.mode not in ("RGB", "L", "CMYK"):
            im = im.convert("RGB")
        c.drawImage(ImageReader(im), X(item.x), Y(item.y + item.h), item.w, item.h)

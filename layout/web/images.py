"""Images for the web edition: the page images and the stories' photos, sized for screens.

- `page_images(pdf, frames, height, factor)` renders every page of the print PDF once
  (pypdfium2, cut to its TrimBox as the preview does) at `height` pixels, and returns per page
  (desktop JPEG, small JPEG reduced by `factor`, (width, height) of the desktop one). The small
  image is the desktop raster reduced, not a second rendering.
  The page's type, rules and boxes come from the print PDF; its photos and ads are put in from
  their source files, at screen size, where the frame says they print (`PageFrame` `Image`
  items: the file, its crop and its box). The print PDF's photos are CMYK separations for
  newsprint at full print resolution: decoding them took four fifths of the rasterising
  (1.3 of 1.6 s of processor time for the broadsheet sample), and on screen they would show
  the ink limit's flat tones. So the PDF's image objects are taken off the page before it is
  drawn on a transparent background, the photos are drawn on white first (a JPEG decoded at
  the scale it needs), and the page over them: whatever prints over a photo stays over it.
- `photo_file(path)` a story photo for an article page: at most PHOTO_SIDE pixels on its
  longer side, sRGB (the EPUB's conversion, `render.epub.media.photo_bytes`): (bytes,
  extension, (width, height)).

Page images are JPEG: at quality 85 the page's type is as crisp as in a WebP of the same size,
and it encodes about 40 times faster (8 broadsheet pages at 1200 px: 0.05 s against 1.7 s for
WebP at method 4, 1.1 s at method 0). The same inputs give the same bytes.
"""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

from PIL import Image as PILImage

from layout.page.frames import Image, PageFrame
from layout.photo import is_turned, reduced_crop, upright
from layout.render.epub.media import _to_srgb, photo_bytes

#: Longest side of a photo on an article page, px: sharp across the 40-em text column (about 670 px)
#: on a screen of nearly two device pixels per CSS pixel. Not 1280: a camera's 2400-px JPEG then decodes at half
#: size in the DCT (the broadsheet's 12 photos: 0.36 s of processor time instead of 0.54 s).
PHOTO_SIDE = 1200
#: JPEG quality for page images: the page's type stays crisp at the desktop size.
PAGE_QUALITY = 85
RESAMPLING = PILImage.Resampling.BICUBIC


def jpeg(image: PILImage.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=PAGE_QUALITY, optimize=True)
    return buf.getvalue()


def _encode(image: PILImage.Image, factor: int) -> tuple[bytes, bytes, tuple[int, int]]:
    """A page raster -> (desktop JPEG, small JPEG reduced by `factor`, desktop size)."""
    return jpeg(image), jpeg(image.reduce(factor)), image.size


def screen_photo(item: Image, size: tuple[int, int]) -> PILImage.Image:
    """The part of a photo (or ad) file a frame prints (`item.crop`), at `size` pixels, as RGBA in
    sRGB. A JPEG is decoded at the smallest scale that still covers `size`."""
    with PILImage.open(item.path) as im:
        left, top, right, bottom = item.crop
        if not is_turned(im) and im.format == "JPEG":
            full = im.size
            im.draft(None, (max(1, full[0] * size[0] // max(1, right - left)),
                            max(1, full[1] * size[1] // max(1, bottom - top))))
            fx, fy = im.size[0] / full[0], im.size[1] / full[1]
            box = (round(left * fx), round(top * fy), round(right * fx), round(bottom * fy))
        else:
            im = upright(im)
            box = (left, top, right, bottom)
        im.load()
        if im.mode.startswith("I"):   # 16-bit gray: its tones, not clipped to white
            from layout.render.colour import gray8

            im = gray8(im)
        if "A" in im.mode or "transparency" in im.info or im.mode == "P":
            return im.convert("RGBA").resize(size, RESAMPLING, box=box)
        part = reduced_crop(im, box, size, RESAMPLING) or im.resize(size, RESAMPLING, box=box)
        part.info = im.info               # its ICC profile, for the conversion to sRGB
        return _to_srgb(part).convert("RGBA")


def _draw_page(page, frame: PageFrame, scale: float) -> PILImage.Image:
    """One page of the print PDF at `scale` px/pt, cut to the trim, with its photos from their files."""
    import pypdfium2.raw as pdfium_c

    for obj in list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1)):
        page.remove_obj(obj)
        obj.close()
    ml, mb, mr, mt = page.get_mediabox()
    tl, tb, tr, tt = page.get_trimbox()
    bitmap = page.render(scale=scale, crop=(tl - ml, tb - mb, mr - tr, mt - tt), fill_color=(255, 255, 255, 0))
    ink = bitmap.to_pil().convert("RGBA")
    bitmap.close()
    sheet = PILImage.new("RGBA", ink.size, (255, 255, 255, 255))
    for item in frame.items:
        if isinstance(item, Image):
            x0, y0 = round(item.x * scale), round(item.y * scale)
            size = (max(1, round((item.x + item.w) * scale) - x0), max(1, round((item.y + item.h) * scale) - y0))
            try:
                photo = screen_photo(item, size)
            except OSError:      # unreadable now: the make-up reported it; the page shows the frame's place blank
                continue
            sheet.alpha_composite(photo, (max(0, x0), max(0, y0)),
                                  (max(0, -x0), max(0, -y0), size[0], size[1]))
    sheet.alpha_composite(ink)
    return sheet.convert("RGB")


def page_images(pdf: bytes, frames: tuple[PageFrame, ...], height: int, factor: int
                ) -> list[tuple[bytes, bytes, tuple[int, int]]]:
    """Every page of `pdf` (see the module docstring); a page is encoded on a thread while the
    next is drawn."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="web-images") as pool:
            jobs = []
            for i, frame in enumerate(frames):
                page = doc[i]
                try:
                    image = _draw_page(page, frame, height / frame.height)
                finally:
                    page.close()
                jobs.append(pool.submit(_encode, image, factor))
            return [job.result() for job in jobs]
    finally:
        doc.close()


def photo_file(path) -> tuple[bytes, str, tuple[int, int]]:
    """A photo for an article page: (bytes, extension, (width, height))."""
    data, ext, _media_type, size = photo_bytes(path, max_side=PHOTO_SIDE)
    return data, ext, size

"""Advertisement sources: an image as it is, or a PDF's first page rendered at the size it prints.

- `pdf_ad_verdicts(path)` opens a PDF advertisement (page 1 only, no pixels) and returns what is
  wrong with it as (severity, code, what, hint) tuples: not a PDF, password-protected, a page of
  no size or larger than any paper (`MAX_AD_PAGE_PT`), more than one page (only page 1 prints).
- `ad_size(path)` is the ad's shape: an image's upright pixel size, a PDF page's size in points.
- `ad_image(path, w_pt, h_pt)` returns the path of an image to place for the ad printed at
  w_pt x h_pt points: a JPEG/PNG unchanged; a PDF's first page rendered with pypdfium2 at
  `AD_PPI` of that printed size (never more pixels than the region can show, whatever size
  the PDF's page claims), into the user's cache (keyed by the PDF's content hash and the
  pixel size, written atomically, so concurrent builds share it safely).
"""
from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from layout.util import cache_root, write_atomic

#: Resolution of a PDF advertisement rendered for print, at its printed size (a plant's 300 ppi).
AD_PPI = 300
#: The largest page side an advertisement PDF may have: the long side of 4A0 (2,378 mm), the largest
#: paper size there is (ISO 216), twice A0 and three times a broadsheet page (about 800 mm). A
#: larger page is no page an advertiser meant (PDF's own limit is 14,400 pt, 5 m).
MAX_AD_PAGE_PT = 6741.0
#: The smallest page side that can be printed at all (about 1 mm).
MIN_AD_PAGE_PT = 3.0
#: No ad is rendered with more pixels than this, whatever region it fills (as many as
#: `layout.model.MAX_IMAGE_PIXELS`, the most any photo may have).
MAX_AD_PIXELS = 64_000_000

_HINT_EXPORT = "export the advertisement again as PDF (or as JPEG or PNG)"


def cache_dir() -> Path:
    return cache_root() / "ads"


def is_pdf(path: Path) -> bool:
    return Path(path).suffix.lower() == ".pdf"


def _open(path: Path):
    import pypdfium2

    return pypdfium2.PdfDocument(str(path))


def pdf_ad_verdicts(path: Path) -> list[tuple[str, str, str, str]]:
    """What is wrong with a PDF advertisement: (severity 'error' | 'warning', code, what, hint)
    tuples, `what` to follow the file's name in a message. Empty when it prints as it is."""
    import pypdfium2

    try:
        pdf = _open(path)
    except pypdfium2.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pypdfium2.raw.FPDF_ERR_PASSWORD:
            return [("error", "ad-encrypted", "is password-protected (encrypted): it cannot be opened to print",
                     "ask the advertiser for a copy without a password to open it (or export it again without "
                     "'require a password to open'), or as JPEG or PNG")]
        return [("error", "bad-image", "is not a readable PDF", _HINT_EXPORT)]
    except Exception:  # noqa: BLE001 - pypdfium2 raises other errors for some broken files
        return [("error", "bad-image", "is not a readable PDF", _HINT_EXPORT)]
    try:
        pages = len(pdf)
        if not pages:
            return [("error", "bad-image", "is not a readable PDF (it has no pages)", _HINT_EXPORT)]
        page = pdf[0]
        w, h = page.get_size()
        page.close()
    except Exception:  # noqa: BLE001 - a page pdfium cannot read
        return [("error", "bad-image", "is not a readable PDF", _HINT_EXPORT)]
    finally:
        pdf.close()
    out = []
    mm = lambda pt: pt / 72 * 25.4  # noqa: E731
    if not (MIN_AD_PAGE_PT <= w <= MAX_AD_PAGE_PT and MIN_AD_PAGE_PT <= h <= MAX_AD_PAGE_PT):
        out.append(("error", "ad-page-size",
                    f"has a page of {w:,.0f} x {h:,.0f} pt ({mm(w):,.0f} x {mm(h):,.0f} mm): no paper is that "
                    f"size (an ad's page must be {mm(MIN_AD_PAGE_PT):.0f} to {mm(MAX_AD_PAGE_PT):,.0f} mm a side, "
                    "the largest paper being 4A0)",
                    "export the advertisement again at the size it is printed (its page = the ad's size)"))
    if pages > 1:
        out.append(("warning", "ad-pages", f"has {pages} pages; only page 1 is printed",
                    "export the one page of the advertisement meant for this placement"))
    return out


def ad_size(path: Path) -> tuple[float, float]:
    """The ad's proportions: an image's upright size in pixels, a PDF's first page in points.
    Remembered per file, size and modification time: finding a PNG's orientation decodes the
    whole image (its EXIF may follow the pixels), 30-40 ms a rebuild for a full-page ad."""
    st = Path(path).stat()
    return _ad_size(str(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=256)
def _ad_size(path: str, _size: int, _mtime_ns: int) -> tuple[float, float]:
    path = Path(path)
    if is_pdf(path):
        pdf = _open(path)
        try:
            return tuple(pdf[0].get_size())
        finally:
            pdf.close()
    from PIL import Image as PILImage

    from layout.photo import upright_size

    with PILImage.open(path) as im:
        return upright_size(im)


def raster_size(page_pt: tuple[float, float], w_pt: float, h_pt: float, ppi: float = AD_PPI) -> tuple[int, int]:
    """Pixels of a page of `page_pt` points printed at w_pt x h_pt points at `ppi`: the printed
    size's pixels in the page's proportions, never more than MAX_AD_PIXELS, at least 1 x 1."""
    pw, ph = page_pt
    scale = min(w_pt / pw, h_pt / ph) * ppi / 72   # pixels per point of the PDF's page
    scale = min(scale, (MAX_AD_PIXELS / (pw * ph)) ** 0.5)
    return max(1, round(pw * scale)), max(1, round(ph * scale))


def ad_image(path: Path, w_pt: float | None = None, h_pt: float | None = None) -> Path:
    """The image file to place for the ad printed at w_pt x h_pt (see the module docstring);
    without a size, a PDF's page is rendered at its own size."""
    if not is_pdf(path):
        return path
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:24]
    pdf = _open(path)
    try:
        page = pdf[0]
        page_pt = page.get_size()
        px_w, px_h = raster_size(page_pt, w_pt or page_pt[0], h_pt or page_pt[1])
        target = cache_dir() / f"{digest}-{px_w}x{px_h}.png"
        if target.is_file():
            return target
        bitmap = page.render(scale=px_w / page_pt[0], fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil()
        if image.size != (px_w, px_h):   # pdfium rounds the height on its own
            image = image.resize((px_w, px_h))
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="PNG", optimize=False)
    finally:
        pdf.close()
    write_atomic(target, buf.getvalue())
    return target

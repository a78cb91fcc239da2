"""Images for the EPUB: story photos and the cover (the printed page 1).

`photo_bytes(path)` takes a photo file and returns (bytes, extension, media
type, (width, height)) (`ad_bytes` the same for an advertisement, a PDF's page
rendered): JPEG, PNG, GIF and WebP files no larger than
`MAX_SIDE` pixels go in unchanged; anything else (print TIFFs, CMYK JPEGs,
very large scans) is converted (through its ICC profile, if it has one) to an
sRGB JPEG, or a PNG when it has transparency, no larger than `MAX_SIDE`. `cover_jpeg(pdf_bytes)` rasterises page 1 of the print PDF,
cut to its TrimBox, with pypdfium2 and returns a JPEG. Both give the same
bytes for the same input.

Converted photos and covers are kept on disk (`_STORE`, `$XDG_CACHE_HOME/layout/epub/`, keyed
by the input's content and every setting of the conversion), so a rebuild does not decode,
resize and encode its photos and rasterise its cover again: the same bytes, read back.
"""
from __future__ import annotations

import hashlib
import io
import marshal
from pathlib import Path

from PIL import Image

from layout.blobstore import BlobStore, library_stamp
from layout.photo import is_turned, reduced_crop, upright, upright_size

#: Longest side of a photo in the EPUB, px: sharp on a tablet (about 4 megapixels at 3:2), small enough
#: for a phone; photos within it go in as they are, without a second JPEG compression.
MAX_SIDE = 2048
#: Height of the cover image, px.
COVER_HEIGHT = 1600
JPEG_QUALITY = 85
#: The filter that takes a larger photo down to MAX_SIDE: bicubic (Pillow's own for thumbnails), not
#: Lanczos: on a benchmark photo taken from 2,400 to 2,048 px, 30-70 ms less, and the two differ by
#: far less than the JPEG that follows changes the photo (47.7 dB PSNR between them; quality 85
#: against its input: 35.9 dB).
RESAMPLING = Image.Resampling.BICUBIC
#: The EPUB's converted photos and covers, on disk. Change the version when a conversion changes
#: what it makes; Pillow's version and the settings above are part of every key.
_STORE = BlobStore("epub", "media-1", 256 << 20)
_KEEP = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("gif", "image/gif"),
         "WEBP": ("webp", "image/webp")}


def _jpeg(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
    return buf.getvalue()


def _to_srgb(im: Image.Image) -> Image.Image:
    """RGB pixels for the screen: through the photo's embedded ICC profile to sRGB when it has one
    (a CMYK or Adobe RGB photo from the print workflow), else Pillow's plain conversion."""
    icc = im.info.get("icc_profile")
    if icc and im.mode in ("RGB", "CMYK", "L"):
        try:
            from PIL import ImageCms

            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (OSError, ValueError, ImageCms.PyCMSError):
            pass
    return im if im.mode == "RGB" else im.convert("RGB")


def _fit(size: tuple[int, int], max_side: int = MAX_SIDE) -> tuple[int, int]:
    """A photo's size in the EPUB: no side longer than `max_side`."""
    if max(size) <= max_side:
        return size
    scale = max_side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def photo_bytes(path: Path, max_side: int = MAX_SIDE) -> tuple[bytes, str, str, tuple[int, int]]:
    """A photo as (bytes, extension, media type, (width, height)), at most `max_side` px on its longer side
    (the web edition asks for less than the EPUB's MAX_SIDE). A photo converted before (the same
    bytes, the same size asked) comes from the disk store."""
    data = Path(path).read_bytes()
    kept = _as_it_is(data, max_side)
    if kept is not None:   # read from its header alone: nothing to convert, nothing to store
        return kept
    key = ("photo", hashlib.blake2b(data, digest_size=32).digest(), max_side, JPEG_QUALITY, str(RESAMPLING),
           Image.__version__)
    stored = _from_store(key)
    if stored is not None:
        return stored
    result = _converted_photo(data, max_side)
    _STORE.put(*key, data=marshal.dumps(result))
    return result


def _as_it_is(data: bytes, max_side: int) -> tuple[bytes, str, str, tuple[int, int]] | None:
    """`photo_bytes` of a file that goes into the EPUB unchanged (a screen format and mode, upright,
    within `max_side`), else None."""
    with Image.open(io.BytesIO(data)) as im:
        fmt, mode, size = im.format, im.mode, upright_size(im)
        if fmt in _KEEP and mode in ("RGB", "L", "P", "RGBA", "LA") and max(size) <= max_side and not is_turned(im):
            ext, media_type = _KEEP[fmt]
            return data, ext, media_type, size
    return None


def _from_store(key: tuple) -> tuple | None:
    """A stored (bytes, extension, media type, (width, height)), or None when missing or unreadable."""
    raw = _STORE.get(*key)
    if raw is None:
        return None
    try:
        data, ext, media_type, (w, h) = marshal.loads(raw)
    except (ValueError, EOFError, TypeError):
        return None
    return data, ext, media_type, (w, h)


def _converted_photo(data: bytes, max_side: int) -> tuple[bytes, str, str, tuple[int, int]]:
    """`photo_bytes` of the file's bytes `data`, converted (a file `_as_it_is` does not keep)."""
    with Image.open(io.BytesIO(data)) as im:
        mode, size, turned = im.mode, upright_size(im), is_turned(im)
        target = _fit(size, max_side)
        if turned:   # stored sideways (EXIF orientation): turned here, not left to each reading system
            im = upright(im)
        else:
            # A JPEG at least twice the EPUB's size is decoded at 1/2, 1/4 or 1/8 scale (libjpeg scales in the
            # DCT, far cheaper than decoding every pixel), never below the target; RESAMPLING does the rest.
            im.draft(None, target)
            im.load()
        if mode.startswith("I"):  # 16-bit gray: keep its tones (convert('RGB') would clip them to white)
            from layout.render.colour import gray8

            im = gray8(im)
        alpha = "A" in mode or "transparency" in im.info
        if not alpha:   # a PNG or TIFF far larger than the EPUB's size: print-size pixels only, at once
            im = reduced_crop(im, (0, 0, *im.size), target, RESAMPLING) or im
        out = _to_srgb(im) if not alpha else im.convert("RGBA")
        if out.size != target:
            out = out.resize(target, RESAMPLING)
        if alpha:
            buf = io.BytesIO()
            out.save(buf, "PNG", optimize=True)
            return buf.getvalue(), "png", "image/png", out.size
        return _jpeg(out), "jpg", "image/jpeg", out.size


def ad_bytes(path: Path) -> tuple[bytes, str, str, tuple[int, int]]:
    """An advertisement for the EPUB, as `photo_bytes` returns a photo: an image file as a photo; a PDF
    ad's first page rendered with pypdfium2 so that its longer side is MAX_SIDE pixels (never more,
    whatever size the page claims), as a PNG: ads are mostly type and flat colour."""
    if Path(path).suffix.lower() != ".pdf":
        return photo_bytes(path)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        w, h = page.get_size()
        bitmap = page.render(scale=MAX_SIDE / max(w, h, 1), fill_color=(255, 255, 255, 255))
        im = bitmap.to_pil().convert("RGB")
        page.close()
    finally:
        pdf.close()
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=True)
    return buf.getvalue(), "png", "image/png", im.size


def cover_jpeg(pdf_bytes: bytes) -> tuple[bytes, tuple[int, int]]:
    """Page 1 of the PDF, cut to its TrimBox, as a JPEG COVER_HEIGHT pixels high; from the disk
    store when the same PDF was rasterised before (a build's PDF is byte-identical for the same
    inputs, so an unchanged page 1 is a hit)."""
    key = ("cover", hashlib.blake2b(pdf_bytes, digest_size=32).digest(), COVER_HEIGHT, JPEG_QUALITY,
           Image.__version__, library_stamp("pypdfium2"), library_stamp("pypdfium2_raw"))
    stored = _from_store(key)
    if stored is not None:
        return stored[0], stored[3]
    jpeg, size = _rasterised_cover(pdf_bytes)
    _STORE.put(*key, data=marshal.dumps((jpeg, "jpg", "image/jpeg", size)))
    return jpeg, size


def _rasterised_cover(pdf_bytes: bytes) -> tuple[bytes, tuple[int, int]]:
    """`cover_jpeg` worked out: pypdfium2 renders the page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[0]
        media = page.get_mediabox()
        trim = page.get_trimbox()
        crop = (trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3])
        height = trim[3] - trim[1]
        bitmap = page.render(scale=COVER_HEIGHT / height, crop=crop, fill_color=(255, 255, 255, 255))
        im = bitmap.to_pil()   # shares the bitmap's memory: encoded before anything is closed
        if im.mode != "RGB":
            im = im.convert("RGB")
        jpeg, size = _jpeg(im), im.size
        page.close()
    finally:
        pdf.close()
    return jpeg, size

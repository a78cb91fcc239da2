"""PDF/X-1a:2001 finishing: reportlab's PDF bytes -> the file a printing plant receives.

`start_pdfx(raw, info, pages, settings, fonts)` opens what the canvas wrote
with pikepdf, and `.finish(images)` on what it returns gives the new bytes
(two steps, so that the first runs while the last photos are still being
separated), with:

- the ExtGState dictionaries its pages switch overprint with
  (`overprint.gstate_dict`: solid black overprints, all else knocks out);
- the photos (`PressImage`, already CMYK or gray: baseline JPEG, or Flate with
  `print.image_compression: lossless`) as image XObjects on the pages that
  place them (`PageExtras.images`; one object per photo);
- one OutputIntent (`/S /GTS_PDFX`) naming the printing condition, with the
  CMYK output profile embedded as DestOutputProfile;
- the Info dictionary (Title, Author, Subject, Creator, Producer, CreationDate,
  ModDate, Trapped /False, GTS_PDFXVersion, GTS_PDFXConformance) and the same
  facts as an XMP metadata stream;
- page labels from the page numbers; no ArtBox, no empty /Trans;
- PDF 1.3 header, no object streams, every stream Flate-compressed except
  the JPEG photos (DCT; no ASCII85, LZW or JPEG 2000), and a trailer ID derived from the content
  (`content_id`), so the same input gives the same bytes.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape as _html_escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from layout import __version__
from layout.render.colour import PressImage, PrintSettings, describe_profile
from layout.render.flatememo import compressed
from layout.render.overprint import gstate_dict
from layout.render.pdffont import PdfFont, deflated, flate_stream, font_objects, vertical_font_object

PDFX_VERSION = "PDF/X-1:2001"
PDFX_CONFORMANCE = "PDF/X-1a:2001"
PDF_VERSION = "1.3"
CREATOR = f"layout {__version__}"
PRODUCER = "layout (reportlab, pikepdf)"
_NS = uuid.UUID("9b0f1e52-6a58-4d0e-9f55-1d6c3a1f0b27")  # the namespace of this tool's document UUIDs


@dataclass(frozen=True)
class DocInfo:
    title: str
    author: str = ""
    subject: str = ""
    date: _dt.date = _dt.date(2000, 1, 1)

    @property
    def pdf_date(self) -> str:
        return f"D:{self.date:%Y%m%d}000000+00'00'"

    @property
    def xmp_date(self) -> str:
        return f"{self.date:%Y-%m-%d}T00:00:00+00:00"


@dataclass(frozen=True)
class PageExtras:
    """What pdfx adds to one page: its printed number (page label) and the image XObjects it draws."""

    number: int
    images: tuple[str, ...] = ()
    fonts: tuple[str, ...] = ()     # resource names of the `PdfFont`s its text uses
    gstates: tuple[str, ...] = ()   # the `overprint` graphics states its content switches to


def start_pdfx(raw: bytes, info: DocInfo, pages: list[PageExtras], settings: PrintSettings,
               fonts: tuple[PdfFont, ...] = ()) -> PendingPdfx:
    """Everything the PDF/X finish does that does not need the photos: fonts, page labels, output
    intent, Info and XMP, their streams compressed here. The build does this while the last
    photos are still being separated, so only the photos and the writing follow the last one."""
    pdf = pikepdf.open(io.BytesIO(raw))
    by_name = {f.resource: f for f in fonts}
    made: dict[str, pikepdf.Object] = {}    # one object per font or graphics state, shared by the pages
    for page, extra in zip(pdf.pages, pages):
        obj = page.obj
        if "/Trans" in obj and len(obj.Trans) == 0:
            del obj["/Trans"]
        if "/ArtBox" in obj:
            del obj["/ArtBox"]
        _compress_contents(obj)
        _add_resources(obj, "/Font", extra.fonts, made, lambda name: _font_object(pdf, by_name, made, name))
        _add_resources(obj, "/ExtGState", extra.gstates, made, lambda name: _gstate(pdf, name))
    _page_labels(pdf, [p.number for p in pages])
    pdf.Root.OutputIntents = Array([_output_intent(pdf, settings)])
    _info(pdf, info)
    meta = pikepdf.Stream(pdf, _xmp(info).encode("utf-8"))
    meta.Type, meta.Subtype = Name.Metadata, Name.XML
    pdf.Root.Metadata = pdf.make_indirect(meta)
    if pages:
        pdf.Root.PageMode = Name.UseOutlines
    return PendingPdfx(pdf, pages)


def _compress_contents(page: pikepdf.Dictionary) -> None:
    """The page's content stream Flate-compressed (zlib's default level, as reportlab would),
    once per content in the process (`flatememo`), and a large one read back from the disk store
    (`pdffont.deflated`) when a process before compressed the same bytes: a rebuild, in this
    process or a new one, compresses only the pages that changed."""
    contents = page.get("/Contents")
    if isinstance(contents, pikepdf.Stream) and "/Filter" not in contents:
        contents.write(compressed(contents.read_raw_bytes(), deflated), filter=Name.FlateDecode)


def _font_object(pdf: pikepdf.Pdf, by_name: dict[str, PdfFont], made: dict, name: str) -> pikepdf.Object:
    """The font object a page names: a `PdfFont`'s, or, for `<resource>V`, the vertical (Identity-V)
    font over the same embedded font."""
    if name in by_name:
        return font_objects(pdf, by_name[name])
    base = name[:-1]
    if base not in made:
        made[base] = font_objects(pdf, by_name[base])
    return vertical_font_object(pdf, made[base])


@dataclass
class PendingPdfx:
    """A PDF/X-1a file finished but for its photos (`start_pdfx`)."""

    pdf: pikepdf.Pdf
    pages: list[PageExtras]

    def finish(self, images: Mapping[str, PressImage]) -> bytes:
        """Add the photos as image XObjects on the pages that place them; -> the file's bytes."""
        made: dict[str, pikepdf.Object] = {}    # one object per photo, shared by the pages
        for page, extra in zip(self.pdf.pages, self.pages):
            _add_resources(page.obj, "/XObject", extra.images, made, lambda name: _image_stream(self.pdf, images[name]))
        out = io.BytesIO()
        self.pdf.save(out, static_id=True, force_version=PDF_VERSION, fix_metadata_version=False,
                      object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=True,
                      stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return content_id(out)


#: The second half of the trailer ID qpdf writes with `static_id` (a fixed value, for tests).
_STATIC_ID = b"<31415926535897932384626433832795>]"


def content_id(out: io.BytesIO) -> bytes:
    """The file written in `out` with the second half of its trailer ID made a digest of its bytes
    (SHA-256, its first 16 bytes): the same content, the same ID, another content, another.
    (qpdf's `deterministic_id` does the same with MD5 but writes the whole file twice to do it.)
    The digest has as many hex digits as the fixed value it replaces, so no offset moves."""
    with out.getbuffer() as view:
        size = view.nbytes
        tail = bytes(view[-4096:])   # the trailer is in the last few hundred bytes
        at = tail.rfind(b"trailer")
        end = tail.find(_STATIC_ID, at) if at >= 0 else -1
        digest = hashlib.sha256(view).hexdigest()[:32].encode() if end >= 0 else b""
    if digest:   # else no ID where qpdf writes it: left as it is (preflight reports a missing ID)
        out.seek(size - len(tail) + end + 1)
        out.write(digest)
    return out.getvalue()


def _add_resources(page, category: str, names: tuple[str, ...], made: dict, make) -> None:
    """Name each of `names` in the page's resources under `category`, making its object once."""
    if not names:
        return
    res = page.Resources
    if category not in res:
        res[category] = Dictionary()
    for name in names:
        if name not in made:
            made[name] = make(name)
        res[category][Name("/" + name)] = made[name]


def _gstate(pdf: pikepdf.Pdf, name: str) -> pikepdf.Object:
    """The ExtGState dictionary `name` (`overprint.OVERPRINT` or `KNOCKOUT`) as an indirect object."""
    entries = {k: Name("/" + v) if isinstance(v, str) else v for k, v in gstate_dict(name).items()}
    return pdf.make_indirect(Dictionary(**entries))


def _image_stream(pdf: pikepdf.Pdf, img: PressImage) -> pikepdf.Stream:
    s = pikepdf.Stream(pdf, b"")
    s.write(img.data, filter=Name("/" + img.filter))
    s.Type, s.Subtype = Name.XObject, Name.Image
    if img.decode:  # an Adobe CMYK JPEG stores every sample inverted
        s.Decode = Array(img.decode)
    s.Width, s.Height = img.width, img.height
    s.ColorSpace = Name("/" + img.colorspace)
    s.BitsPerComponent = 8
    return pdf.make_indirect(s)


def _page_labels(pdf: pikepdf.Pdf, numbers: list[int]) -> None:
    """Decimal labels from the printed page numbers; a new range wherever the numbering jumps."""
    nums: list = []
    for i, n in enumerate(numbers):
        if i == 0 or n != numbers[i - 1] + 1:
            nums += [i, Dictionary(S=Name.D, St=max(1, n))]
    if nums:
        pdf.Root.PageLabels = Dictionary(Nums=Array(nums))


def _output_intent(pdf: pikepdf.Pdf, settings: PrintSettings) -> Dictionary:
    profile = flate_stream(pdf, settings.profile_bytes())
    profile.N = 4
    return pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFX,
        OutputConditionIdentifier=String(settings.condition_id),
        OutputCondition=String(settings.condition),
        RegistryName=String(settings.registry),
        Info=String(describe_profile(settings.profile)),
        DestOutputProfile=pdf.make_indirect(profile),
    ))


def _info(pdf: pikepdf.Pdf, info: DocInfo) -> None:
    d = Dictionary(
        Title=String(info.title),
        Creator=String(CREATOR),
        Producer=String(PRODUCER),
        CreationDate=String(info.pdf_date),
        ModDate=String(info.pdf_date),
        Trapped=Name("/False"),
        GTS_PDFXVersion=String(PDFX_VERSION),
        GTS_PDFXConformance=String(PDFX_CONFORMANCE),
    )
    if info.author:
        d.Author = String(info.author)
    if info.subject:
        d.Subject = String(info.subject)
    pdf.trailer.Info = pdf.make_indirect(d)


def _xml_text(text: str) -> str:
    """&, < and > as XML entities (html's escape: xml.sax's would import urllib, http and ssl)."""
    return _html_escape(text, quote=False)


def _xmp(info: DocInfo) -> str:
    doc_id = uuid.uuid5(_NS, f"{info.title}|{info.date.isoformat()}")
    inst_id = uuid.uuid5(doc_id, f"{info.author}|{info.subject}|{__version__}")
    e = _xml_text
    author = f"<dc:creator><rdf:Seq><rdf:li>{e(info.author)}</rdf:li></rdf:Seq></dc:creator>" if info.author else ""
    subject = (f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(info.subject)}</rdf:li></rdf:Alt>'
               "</dc:description>") if info.subject else ""
    body = f"""<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(info.title)}</rdf:li></rdf:Alt></dc:title>
   {author}{subject}
   <xmp:CreateDate>{info.xmp_date}</xmp:CreateDate>
   <xmp:ModifyDate>{info.xmp_date}</xmp:ModifyDate>
   <xmp:MetadataDate>{info.xmp_date}</xmp:MetadataDate>
   <xmp:CreatorTool>{e(CREATOR)}</xmp:CreatorTool>
   <pdf:Producer>{e(PRODUCER)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <pdf:PDFVersion>{PDF_VERSION}</pdf:PDFVersion>
   <xmpMM:DocumentID>uuid:{doc_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{inst_id}</xmpMM:InstanceID>
   <pdfx:GTS_PDFXVersion>{PDFX_VERSION}</pdfx:GTS_PDFXVersion>
   <pdfx:GTS_PDFXConformance>{PDFX_CONFORMANCE}</pdfx:GTS_PDFXConformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>"""
    padding = "\n".join([" " * 99] * 20)
    return f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{body}\n{padding}\n<?xpacket end="w"?>'

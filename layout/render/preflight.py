"""Preflight: is this PDF what a newsprint plant accepts as PDF/X-1a?

`preflight(pdf, ink_limit, min_ppi)` takes a path or PDF bytes and returns a
`PreflightResult`: the page boxes, fonts (embedded? subset?), colour spaces,
images (pixels, colour space, effective resolution where placed, highest total
ink of any pixel), the PDF/X identification (Info keys, OutputIntent, XMP,
trailer ID) and a list of `Finding`s (error | warning | info, with a code and
a hint). `preflight_report` presents it (text, JSON, build diagnostics) and
runs the `layout preflight` command.

What counts as an error follows PDF/X-1a (ISO 15930-1/-4) and the plant's
newsprint limits; docs/print.md lists every check.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pikepdf
from pikepdf import Name

from layout.render.colour import DEFAULT_INK_LIMIT, max_ink_percent

ERROR, WARNING, INFO = "error", "warning", "info"
MM = 72 / 25.4
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_RGB_SPACES = {"DeviceRGB", "CalRGB", "RGB"}
_FORBIDDEN_FILTERS = {"/LZWDecode": "LZW", "/LZW": "LZW", "/JPXDecode": "JPEG 2000"}
_ABBREV_CS = {"/G": "DeviceGray", "/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/I": "Indexed"}
_OPS = "q Q cm rg RG k K g G cs CS sc scn sh Do EI PS"
_TEXT_OPS = " Tf Tm Tj TJ ' \""
#: Text under this size (pt) printed on more than one plate suffers from newsprint's loose register.
SMALL_TEXT = 12.0


@dataclass
class Finding:
    severity: str
    code: str
    message: str
    page: int | None = None
    hint: str = ""


@dataclass
class PageInfo:
    number: int
    label: str
    media: list[float]
    trim: list[float] | None
    bleed: list[float] | None
    art: list[float] | None


@dataclass
class FontInfo:
    name: str
    subtype: str
    embedded: bool
    subset: bool
    pages: list[int] = field(default_factory=list)


@dataclass
class ImageInfo:
    name: str
    page: int
    width: int
    height: int
    colorspace: str
    bits: int
    filters: list[str]
    ppi: float | None = None
    max_ink: float | None = None


@dataclass
class PreflightResult:
    file: str
    pdf_version: str = ""
    pdfx: dict = field(default_factory=dict)
    pages: list[PageInfo] = field(default_factory=list)
    fonts: list[FontInfo] = field(default_factory=list)
    images: list[ImageInfo] = field(default_factory=list)
    colour_spaces: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ink_limit: float = DEFAULT_INK_LIMIT

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Checker:
    def __init__(self, pdf: pikepdf.Pdf, result: PreflightResult, min_ppi: float):
        self.pdf, self.r, self.min_ppi = pdf, result, min_ppi
        self.fonts: dict[tuple, FontInfo] = {}
        self.images: dict[tuple, ImageInfo] = {}
        self.spaces: set[str] = set()
        self.seen_gs: set[tuple] = set()
        self.small_text: dict[int, int] = {}

    def add(self, severity, code, message, page=None, hint=""):
        f = Finding(severity, code, message, page, hint)
        if f not in self.r.findings:
            self.r.findings.append(f)

    # -------------------------------------------------------------- colour spaces
    def space(self, cs, resources, page: int, what: str) -> str:
        """Name a colour space, record it, and flag what PDF/X-1a forbids."""
        desc = _describe(cs, resources)
        self.spaces.add(desc)
        base = desc.split("(")[0]
        if base in _RGB_SPACES or "RGB" in desc:
            self.add(ERROR, "rgb-colour", f"{what} is in {desc} on page {page}: a plate has no RGB", page,
                     "convert it to CMYK (layout converts photos itself; check images placed from elsewhere)")
        elif base in ("ICCBased", "Lab", "CalGray"):
            self.add(ERROR, "device-independent-colour", f"{what} is in {desc} on page {page}: PDF/X-1a allows only "
                     "DeviceCMYK, DeviceGray, Separation and DeviceN", page, "convert it to CMYK for the output intent")
        return desc

    # -------------------------------------------------------------- resources
    def resources(self, res, page: int, depth: int = 0) -> None:
        if res is None or depth > 8:
            return
        for _, font in _items(res.get("/Font")):
            self.font(font, page)
        for name, cs in _items(res.get("/ColorSpace")):
            self.space(cs, res, page, f"colour space {name}")
        for name, gs in _items(res.get("/ExtGState")):
            self.ext_gstate(name, gs, page)
        for name, sh in _items(res.get("/Shading")):
            if isinstance(sh, (pikepdf.Dictionary, pikepdf.Stream)) and "/ColorSpace" in sh:
                self.space(sh.ColorSpace, res, page, f"shading {name}")
        for name, pat in _items(res.get("/Pattern")):
            if isinstance(pat, (pikepdf.Dictionary, pikepdf.Stream)):
                if "/Shading" in pat and "/ColorSpace" in pat.Shading:
                    self.space(pat.Shading.ColorSpace, res, page, f"pattern {name}")
                if "/Resources" in pat:
                    self.resources(pat.Resources, page, depth + 1)
        for name, xo in _items(res.get("/XObject")):
            if not isinstance(xo, pikepdf.Stream):
                continue
            sub = xo.get("/Subtype")
            if sub == Name.PS:
                self.add(ERROR, "postscript", f"PostScript XObject {name} on page {page}", page,
                         "PDF/X forbids embedded PostScript")
            elif sub == Name.Form:
                if "/Group" in xo and xo.Group.get("/S") == Name.Transparency:
                    self.add(ERROR, "transparency", f"form {name} on page {page} is a transparency group", page,
                             "flatten transparency before export (PDF/X-1a has none)")
                self.resources(xo.get("/Resources"), page, depth + 1)

    def font(self, font, page: int) -> None:
        key = font.objgen if font.is_indirect else (id(font),)
        if key in self.fonts:
            if page not in self.fonts[key].pages:
                self.fonts[key].pages.append(page)
            return
        name = str(font.get("/BaseFont", "/(unnamed)"))[1:]
        subtype = str(font.get("/Subtype", "/?"))[1:]
        if subtype == "Type3":
            embedded = True
        else:
            desc_font = font.DescendantFonts[0] if subtype == "Type0" and "/DescendantFonts" in font else font
            fd = desc_font.get("/FontDescriptor")
            embedded = fd is not None and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        info = FontInfo(name, subtype, embedded, bool(_SUBSET.match(name)), [page])
        self.fonts[key] = info
        if not embedded:
            self.add(ERROR, "font-not-embedded", f"font {name} ({subtype}) is not embedded (first used on page {page})",
                     page, "embed every font: the plant's RIP would substitute another face")
        if subtype == "Type3":
            self.resources(font.get("/Resources"), page, 1)

    def ext_gstate(self, name, gs, page: int) -> None:
        key = gs.objgen if gs.is_indirect else (id(gs),)
        if key in self.seen_gs or not isinstance(gs, pikepdf.Dictionary):
            return
        self.seen_gs.add(key)
        smask = gs.get("/SMask")
        if smask is not None and smask != Name("/None"):
            self.add(ERROR, "transparency", f"graphics state {name} on page {page} has a soft mask", page,
                     "flatten transparency (PDF/X-1a has none)")
        for k in ("/CA", "/ca"):
            if k in gs and float(gs[k]) < 1:
                self.add(ERROR, "transparency", f"graphics state {name} on page {page} sets opacity {float(gs[k]):g}",
                         page, "flatten transparency (PDF/X-1a has none)")
        bm = gs.get("/BM")
        bms = [bm] if isinstance(bm, Name) else list(bm) if isinstance(bm, pikepdf.Array) else []
        if any(str(b) not in ("/Normal", "/Compatible") for b in bms):
            self.add(ERROR, "transparency", f"graphics state {name} on page {page} uses blend mode {bms[0]}", page,
                     "flatten transparency (PDF/X-1a has none)")
        if "/TR" in gs or ("/TR2" in gs and gs.TR2 != Name.Default):
            self.add(ERROR, "transfer-function", f"graphics state {name} on page {page} has a transfer function",
                     page, "remove transfer functions: the plant's RIP applies its own curves")

    # -------------------------------------------------------------- content
    def content(self, obj, res, page: int, ctm=(1, 0, 0, 1, 0, 0), depth: int = 0) -> None:
        if depth > 8:
            return
        stack = []
        fill = ("DeviceGray", (0.0,))
        size, tm = 0.0, (1, 0, 0, 1, 0, 0)
        # text operators are the bulk of a page: read them only where some fill uses more than one ink
        ops = _OPS + (_TEXT_OPS if self.multi_ink(obj) else "")
        for operands, op in pikepdf.parse_content_stream(obj, ops):
            op = str(op)
            if op == "q":
                stack.append((ctm, fill))
            elif op == "Q" and stack:
                ctm, fill = stack.pop()
            elif op == "cm" and len(operands) == 6:
                ctm = _mul(tuple(float(v) for v in operands), ctm)
            elif op in ("rg", "RG"):
                self.space(Name.DeviceRGB, res, page, "a fill colour" if op == "rg" else "a stroke colour")
            elif op in ("k",):
                fill = ("DeviceCMYK", tuple(float(v) for v in operands))
                self.spaces.add("DeviceCMYK")
            elif op == "K":
                self.spaces.add("DeviceCMYK")
            elif op in ("g", "G"):
                self.spaces.add("DeviceGray")
                if op == "g":
                    fill = ("DeviceGray", tuple(float(v) for v in operands))
            elif op in ("cs", "CS") and operands:
                desc = self.space(_lookup_cs(operands[0], res), res, page, f"colour space {operands[0]}")
                if op == "cs":
                    fill = (desc, ())
            elif op in ("sc", "scn") and fill[0] == "DeviceCMYK":
                fill = ("DeviceCMYK", tuple(float(v) for v in operands if not isinstance(v, Name)))
            elif op == "Tf" and len(operands) == 2:
                size = float(operands[1])
            elif op == "Tm" and len(operands) == 6:
                tm = operands  # converted only when the text turns out to be in more than one ink
            elif op in ("Tj", "TJ", "'", '"'):
                self.text(fill, size, tm, ctm, page)
            elif op == "sh" and operands:
                sh = _get(res, "/Shading", operands[0])
                if sh is not None and "/ColorSpace" in sh:
                    self.space(sh.ColorSpace, res, page, f"shading {operands[0]}")
            elif op == "Do" and operands:
                self.do(operands[0], res, page, ctm, depth)
            elif op in ("EI", "INLINE IMAGE"):
                self.inline_image(operands[0], res, page, ctm)
            elif op == "PS":
                self.add(ERROR, "postscript", f"PostScript operator on page {page}", page,
                         "PDF/X forbids embedded PostScript")

    @staticmethod
    def multi_ink(obj) -> bool:
        for operands, op in pikepdf.parse_content_stream(obj, "k sc scn cs"):
            if str(op) == "cs" or sum(1 for v in operands if not isinstance(v, Name) and float(v) > 0.005) > 1:
                return True
        return False

    def text(self, fill, size, tm, ctm, page: int) -> None:
        if fill[0] != "DeviceCMYK" or len(fill[1]) != 4:
            return
        inks = sum(1 for v in fill[1] if v > 0.005)
        if inks < 2:
            return
        m = _mul(tuple(float(v) for v in tm), ctm)
        effective = size * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
        if 0 < effective < SMALL_TEXT:
            self.small_text[page] = self.small_text.get(page, 0) + 1

    def do(self, name, res, page: int, ctm, depth: int) -> None:
        xo = _get(res, "/XObject", name)
        if not isinstance(xo, pikepdf.Stream):
            return
        if xo.get("/Subtype") == Name.Form:
            matrix = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            self.content(xo, xo.get("/Resources", res), page, _mul(matrix, ctm), depth + 1)
        elif xo.get("/Subtype") == Name.Image:
            info = self.image(str(name)[1:], xo, res, page)
            ppi = _ppi(info.width, info.height, ctm)
            if ppi is not None and (info.ppi is None or ppi < info.ppi):
                info.ppi = ppi

    def image(self, name: str, xo, res, page: int) -> ImageInfo:
        key = xo.objgen if xo.is_indirect else (id(xo),)
        if key in self.images:
            return self.images[key]
        filters = _filters(xo)
        mask = bool(xo.get("/ImageMask", False))
        cs = "(stencil mask)" if mask else self.space(xo.get("/ColorSpace", Name.DeviceGray), res, page, f"image {name}")
        info = ImageInfo(name, page, int(xo.get("/Width", 0)), int(xo.get("/Height", 0)), cs,
                         int(xo.get("/BitsPerComponent", 1 if mask else 8)), filters)
        if "/SMask" in xo or int(xo.get("/SMaskInData", 0)) > 0:
            self.add(ERROR, "transparency", f"image {name} on page {page} has a soft mask (transparency)", page,
                     "flatten it onto the page (PDF/X-1a has no transparency)")
        if not mask:
            info.max_ink = _image_ink(xo, cs)
        self.images[key] = info
        return info

    def inline_image(self, iim, res, page: int, ctm) -> None:
        d = iim.obj
        cs = d.get("/CS", d.get("/ColorSpace", Name.DeviceGray))
        if isinstance(cs, Name) and str(cs) in _ABBREV_CS:
            cs = Name("/" + _ABBREV_CS[str(cs)])
        desc = self.space(cs, res, page, "an inline image")
        w, h = int(d.get("/W", d.get("/Width", 0))), int(d.get("/H", d.get("/Height", 0)))
        info = ImageInfo(f"(inline {len(self.images) + 1})", page, w, h, desc,
                         int(d.get("/BPC", d.get("/BitsPerComponent", 8))), [])
        info.ppi = _ppi(w, h, ctm)
        self.images[(id(iim),)] = info


# ------------------------------------------------------------------ helpers

def _items(d):
    if isinstance(d, pikepdf.Dictionary):
        for k in sorted(d.keys()):
            yield k, d[k]


def _get(res, category, name):
    if res is None or category not in res:
        return None
    return res[category].get(name) if isinstance(res[category], pikepdf.Dictionary) else None


def _lookup_cs(name, res):
    if isinstance(name, Name) and str(name) in ("/DeviceCMYK", "/DeviceGray", "/DeviceRGB", "/Pattern"):
        return name
    found = _get(res, "/ColorSpace", name)
    return found if found is not None else name


def _describe(cs, res=None) -> str:
    if isinstance(cs, Name):
        n = str(cs)[1:]
        if "/" + n in _ABBREV_CS:
            return _ABBREV_CS["/" + n]
        if n not in ("DeviceCMYK", "DeviceGray", "DeviceRGB", "Pattern") and res is not None:
            found = _get(res, "/ColorSpace", cs)
            if found is not None:
                return _describe(found)
        return n
    if isinstance(cs, pikepdf.Array) and len(cs):
        kind = str(cs[0])[1:]
        if kind == "ICCBased":
            return f"ICCBased(N={int(cs[1].get('/N', 0))})"
        if kind in ("Indexed", "I"):
            return f"Indexed({_describe(cs[1], res)})"
        if kind == "Separation":
            return f"Separation({str(cs[1])[1:]}, {_describe(cs[2], res)})"
        if kind == "DeviceN":
            return f"DeviceN({len(cs[1])}, {_describe(cs[2], res)})"
        if kind == "Pattern" and len(cs) > 1:
            return f"Pattern({_describe(cs[1], res)})"
        return kind
    return "unknown"


def _filters(stream) -> list[str]:
    f = stream.get("/Filter")
    if f is None:
        return []
    return [str(x) for x in (f if isinstance(f, pikepdf.Array) else [f])]


def _mul(a, b):
    """Matrix product a x b of PDF matrices [a b c d e f]."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _ppi(width: int, height: int, ctm) -> float | None:
    """Effective resolution of an image drawn into the unit square under `ctm` (the lower of the two axes)."""
    w_pt, h_pt = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
    if w_pt <= 0 or h_pt <= 0 or not width or not height:
        return None
    return min(width * 72 / w_pt, height * 72 / h_pt)


def _image_ink(xo, cs: str) -> float | None:
    if cs not in ("DeviceCMYK", "DeviceGray"):
        return None
    n = 4 if cs == "DeviceCMYK" else 1
    try:
        if int(xo.get("/BitsPerComponent", 8)) == 8 and all(f == "/FlateDecode" for f in _filters(xo)):
            data = np.frombuffer(xo.read_bytes(), dtype=np.uint8)
            px = data[: int(xo.Width) * int(xo.Height) * n]
        else:
            px = np.asarray(pikepdf.PdfImage(xo).as_pil_image(), dtype=np.uint8)
    except Exception:  # noqa: BLE001 - an image we cannot decode is reported, not fatal
        return None
    decode = xo.get("/Decode")
    if decode is not None and len(decode) >= 2 and float(decode[0]) == 1 and float(decode[1]) == 0:
        px = 255 - px
    return round(max_ink_percent(px, cs), 1)


def _box(page, key) -> list[float] | None:
    if key not in page.obj:
        return None
    return [round(float(v), 3) for v in page.obj[key]]


def _inside(inner, outer, tol=0.01) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol and inner[2] <= outer[2] + tol
            and inner[3] <= outer[3] + tol)


def _norm(box):
    return [min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])]


def _labels(pdf: pikepdf.Pdf) -> list[str]:
    try:
        return [p.label for p in pdf.pages]
    except Exception:  # noqa: BLE001 - a broken label tree is not a plate problem
        return [str(i + 1) for i in range(len(pdf.pages))]


# ------------------------------------------------------------------ the checks

def preflight(source: str | Path | bytes, ink_limit: float = DEFAULT_INK_LIMIT, min_ppi: float = 150.0) -> PreflightResult:
    name = "(bytes)" if isinstance(source, (bytes, bytearray)) else str(source)
    result = PreflightResult(file=name, ink_limit=ink_limit)
    try:
        pdf = pikepdf.open(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except pikepdf.PasswordError:
        result.findings.append(Finding(ERROR, "encrypted", "the PDF is encrypted", None, "PDF/X forbids encryption"))
        return result
    except (pikepdf.PdfError, OSError) as exc:
        result.findings.append(Finding(ERROR, "not-pdf", f"cannot read the PDF: {exc}"))
        return result
    with pdf:
        _check(pdf, result, min_ppi)
    return result


def _check(pdf: pikepdf.Pdf, r: PreflightResult, min_ppi: float) -> None:
    ck = _Checker(pdf, r, min_ppi)
    r.pdf_version = pdf.pdf_version
    if pdf.is_encrypted:
        ck.add(ERROR, "encrypted", "the PDF is encrypted", None, "PDF/X forbids encryption")
    _pdfx_keys(pdf, r, ck)
    labels = _labels(pdf)
    for i, page in enumerate(pdf.pages, start=1):
        _page_boxes(page, i, labels[i - 1], r, ck)
        res = page.obj.get("/Resources")
        ck.resources(res, i)
        if "/Group" in page.obj and page.obj.Group.get("/S") == Name.Transparency:
            ck.add(ERROR, "transparency", f"page {i} is a transparency group", i, "flatten transparency")
        try:
            ck.content(page.obj, res, i)
        except pikepdf.PdfError as exc:
            ck.add(ERROR, "content-stream", f"page {i}: the page description cannot be read ({exc})", i,
                   "the file is damaged: export it again")
        _annotations(page, i, ck)
    _whole_file(pdf, ck)
    r.fonts = sorted(ck.fonts.values(), key=lambda f: (f.pages[0], f.name))
    r.images = sorted(ck.images.values(), key=lambda im: (im.page, im.name))
    r.colour_spaces = sorted(ck.spaces)
    for img in r.images:
        where = f"image {img.name} on page {img.page}"
        if img.max_ink is not None and img.max_ink > r.ink_limit + 0.05:
            ck.add(ERROR, "ink-limit", f"{where} reaches {img.max_ink:.0f} % total ink (limit {r.ink_limit:g} %)",
                   img.page, "convert it with black generation and a total ink limit (layout does for its photos)")
        if img.ppi is not None and img.ppi < min_ppi:
            ck.add(WARNING, "low-resolution", f"{where} prints at {img.ppi:.0f} ppi (under {min_ppi:g})", img.page,
                   "use a larger original or print it smaller: newsprint shows pixels under about 150 ppi")
    for page, count in sorted(ck.small_text.items()):
        ck.add(WARNING, "small-text-inks", f"page {page}: {count} text run(s) under {SMALL_TEXT:g} pt printed on "
               "more than one plate", page, "set small text in black only (0/0/0/100): newsprint register is loose")


def _pdfx_keys(pdf: pikepdf.Pdf, r: PreflightResult, ck: _Checker) -> None:
    info = pdf.trailer.get("/Info")
    info = info if isinstance(info, pikepdf.Dictionary) else pikepdf.Dictionary()

    def s(key):
        v = info.get(key)
        return str(v) if v is not None else None

    version, conformance = s("/GTS_PDFXVersion"), s("/GTS_PDFXConformance")
    trapped = info.get("/Trapped")
    r.pdfx = {"GTS_PDFXVersion": version, "GTS_PDFXConformance": conformance, "Title": s("/Title"),
              "CreationDate": s("/CreationDate"), "ModDate": s("/ModDate"),
              "Trapped": str(trapped)[1:] if isinstance(trapped, Name) else (str(trapped) if trapped is not None else None),
              "ID": "/ID" in pdf.trailer, "XMP": "/Metadata" in pdf.Root, "OutputIntent": None}
    if version is None:
        ck.add(ERROR, "pdfx-version", "no GTS_PDFXVersion in the Info dictionary: this is not a PDF/X file", None,
               "export as PDF/X-1a (layout build does)")
    elif version.startswith("PDF/X-1:2001"):
        if conformance != "PDF/X-1a:2001":
            ck.add(ERROR, "pdfx-conformance", f"GTS_PDFXConformance is {conformance!r}, expected 'PDF/X-1a:2001'")
        if float(r.pdf_version) > 1.3:
            ck.add(ERROR, "pdf-version", f"PDF {r.pdf_version}: PDF/X-1a:2001 is PDF 1.3")
    elif version.startswith("PDF/X-1a:2003"):
        if float(r.pdf_version) > 1.4:
            ck.add(ERROR, "pdf-version", f"PDF {r.pdf_version}: PDF/X-1a:2003 is PDF 1.4 at most")
    else:
        ck.add(ERROR, "pdfx-version", f"GTS_PDFXVersion {version!r}: this preflight checks PDF/X-1a "
               "(PDF/X-1:2001 with conformance PDF/X-1a:2001, or PDF/X-1a:2003)")
    if not r.pdfx["Title"]:
        ck.add(ERROR, "pdfx-title", "the Info dictionary has no Title")
    for key in ("CreationDate", "ModDate"):
        if not r.pdfx[key]:
            ck.add(ERROR, "pdfx-date", f"the Info dictionary has no {key}")
    if r.pdfx["Trapped"] not in ("True", "False"):
        ck.add(ERROR, "pdfx-trapped", f"Trapped is {r.pdfx['Trapped'] or 'missing'}: PDF/X needs /True or /False")
    if not r.pdfx["ID"]:
        ck.add(ERROR, "document-id", "the trailer has no document ID")
    if not r.pdfx["XMP"]:
        ck.add(WARNING, "metadata", "no XMP metadata stream", None, "PDF/X-1a:2001 allows it; most plants' tools expect it")
    intents = [oi for oi in pdf.Root.get("/OutputIntents", []) if oi.get("/S") == Name.GTS_PDFX]
    if len(intents) != 1:
        ck.add(ERROR, "output-intent", f"{len(intents)} PDF/X output intents (exactly one needed)", None,
               "the output intent names the printing condition (e.g. newsprint) the file was made for")
        return
    oi = intents[0]
    ident = str(oi.get("/OutputConditionIdentifier", "")) or None
    summary = {"OutputConditionIdentifier": ident, "RegistryName": str(oi.get("/RegistryName", "")) or None,
               "Info": str(oi.get("/Info", "")) or None, "profile": None}
    if not ident:
        ck.add(ERROR, "output-intent", "the output intent has no OutputConditionIdentifier")
    if not summary["Info"]:
        ck.add(ERROR, "output-intent", "the output intent has no Info string")
    prof = oi.get("/DestOutputProfile")
    if isinstance(prof, pikepdf.Stream):
        data = prof.read_bytes()
        cls, space = data[12:16].decode("latin-1"), data[16:20].decode("latin-1").strip()
        summary["profile"] = {"bytes": len(data), "class": cls, "colour_space": space}
        if cls != "prtr" or space != "CMYK":
            ck.add(ERROR, "output-intent", f"the output profile is a {cls}/{space} profile, not a CMYK printer (prtr) one")
    elif not summary["RegistryName"]:
        ck.add(ERROR, "output-intent", "the output intent has neither an embedded profile nor a RegistryName")
    r.pdfx["OutputIntent"] = summary


def _page_boxes(page, i: int, label: str, r: PreflightResult, ck: _Checker) -> None:
    media = _norm([float(v) for v in page.mediabox])
    trim, bleed, art = (_box(page, k) for k in ("/TrimBox", "/BleedBox", "/ArtBox"))
    r.pages.append(PageInfo(i, label, [round(v, 3) for v in media], trim, bleed, art))
    if trim is None and art is None:
        ck.add(ERROR, "no-trimbox", f"page {i} has no TrimBox (nor ArtBox): the plant cannot tell where to cut", i,
               "set the TrimBox to the finished page size")
        return
    if trim is not None and art is not None:
        ck.add(ERROR, "trim-and-art", f"page {i} has both a TrimBox and an ArtBox", i, "PDF/X wants one of them")
    cut = _norm(trim if trim is not None else art)
    if not _inside(cut, media):
        ck.add(ERROR, "trimbox", f"page {i}: the TrimBox lies outside the MediaBox", i)
    if bleed is None:
        ck.add(WARNING, "no-bleed", f"page {i} has no BleedBox", i, "give 3 mm of bleed for anything printed to the edge")
        return
    bleed = _norm(bleed)
    if not _inside(bleed, media):
        ck.add(ERROR, "bleedbox", f"page {i}: the BleedBox reaches outside the MediaBox", i)
    if not _inside(cut, bleed):
        ck.add(ERROR, "bleedbox", f"page {i}: the BleedBox does not contain the TrimBox", i)


def _annotations(page, i: int, ck: _Checker) -> None:
    box = _norm(_box(page, "/BleedBox") or _box(page, "/TrimBox") or [float(v) for v in page.mediabox])
    for annot in page.obj.get("/Annots", []):
        sub = str(annot.get("/Subtype", "/?"))[1:]
        if sub in ("PrinterMark", "TrapNet"):
            continue
        rect = _norm([float(v) for v in annot.get("/Rect", [0, 0, 0, 0])])
        if rect[0] < box[2] and rect[2] > box[0] and rect[1] < box[3] and rect[3] > box[1]:
            ck.add(ERROR, "annotation", f"a {sub} annotation lies inside the bleed box on page {i}", i,
                   "a print PDF carries no links or form fields on the page")


def _whole_file(pdf: pikepdf.Pdf, ck: _Checker) -> None:
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        ck.add(ERROR, "javascript", "the document carries JavaScript", None, "PDF/X forbids JavaScript and actions")
    if "/OpenAction" in pdf.Root and isinstance(pdf.Root.OpenAction, pikepdf.Dictionary):
        ck.add(ERROR, "action", "the document has an OpenAction", None, "PDF/X forbids actions")
    if "/AA" in pdf.Root:
        ck.add(ERROR, "action", "the document has additional actions (AA)", None, "PDF/X forbids actions")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            for f in _filters(obj):
                if f in _FORBIDDEN_FILTERS:
                    ck.add(ERROR, "forbidden-filter", f"a stream is {_FORBIDDEN_FILTERS[f]}-compressed", None,
                           "PDF/X-1a forbids LZW and JPEG 2000; use Flate or JPEG")
        elif isinstance(obj, pikepdf.Dictionary) and ("/JS" in obj or obj.get("/S") == Name.JavaScript):
            ck.add(ERROR, "javascript", "the document carries JavaScript", None, "PDF/X forbids JavaScript and actions")

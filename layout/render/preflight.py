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

import hashlib
import io
import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Name
from PIL import Image as PILImage

# numpy is imported in the functions that measure images: a build's own preflight takes its
# photos' inks as separated (`known_inks`) and never needs it.

from layout.render import overprint
from layout.render.colour import DEFAULT_INK_LIMIT, ink_totals, max_ink_percent
from layout.render.preflight_memo import instructions
from layout.render.preflight_walks import walk_page
from layout.wording import counted

ERROR, WARNING, INFO = "error", "warning", "info"
MM = 72 / 25.4
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_RGB_SPACES = {"DeviceRGB", "CalRGB", "RGB"}
_FORBIDDEN_FILTERS = {"/LZWDecode": "LZW", "/LZW": "LZW", "/JPXDecode": "JPEG 2000"}
_ABBREV_CS = {"/G": "DeviceGray", "/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/I": "Indexed"}
_OPS = ("q Q cm rg RG k K g G cs CS sc scn SC SCN sh Do BI ID EI PS"  # BI ID EI: pikepdf's "INLINE IMAGE"
        " gs BT ET S s f F f* B B* b b*")  # overprint: its state, text objects, painted paths
_STROKES = frozenset(("S", "s", "B", "B*", "b", "b*"))
_FILLS = frozenset(("f", "F", "f*", "B", "B*", "b", "b*"))
#: Operators that change the fill or the overprint state: inside BT…ET they make the walk read the text.
_TEXT_STATE = frozenset(("k", "g", "cs", "sc", "scn", "rg", "gs"))
_TEXT_OPS = " Tf Tm Tj TJ ' \""
_SHOW_OPS = frozenset(("Tj", "TJ", "'", '"'))
#: The bytes that end a token in a content stream: PDF whitespace and delimiters.
_BREAKS = frozenset(b"\x00\t\n\x0c\r ()<>[]{}/%")
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
    black_overprint: str = "none"   # yes | no | partly | none: solid black text and rules overprint?


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
        self.black: dict[int, list[int]] = {}   # page -> [black text and rules overprinted, knocked out]
        self.inline_count = 0
        self.inks: dict[tuple, tuple[float | None, bool]] = {}
        # a page walk's effects, logged while `preflight_walks` records it (None otherwise); what
        # happens inside a form or image (`do`) is not logged: it is done again when replayed
        self.log: list | None = None
        self.inside = 0

    def add(self, severity, code, message, page=None, hint=""):
        if self.log is not None and not self.inside:
            event = ("add", severity, code, message, page, hint)
            if not self.log or self.log[-1] != event:
                self.log.append(event)
        f = Finding(severity, code, message, page, hint)
        if f not in self.r.findings:
            self.r.findings.append(f)

    # -------------------------------------------------------------- colour spaces
    def space(self, cs, resources, page: int, what: str) -> str:
        """Name a colour space, record it, and flag what PDF/X-1a forbids."""
        desc = _describe(cs, resources)
        self.saw(desc)
        base = desc.split("(")[0]
        if base in _RGB_SPACES or "RGB" in desc:
            self.add(ERROR, "rgb-colour", f"{what} is in {desc} on page {page}: a plate has no RGB", page,
                     "convert it to CMYK (layout converts photos itself; check images placed from elsewhere)")
        elif base in ("ICCBased", "Lab", "CalGray"):
            self.add(ERROR, "device-independent-colour", f"{what} is in {desc} on page {page}: PDF/X-1a allows only "
                     "DeviceCMYK, DeviceGray, Separation and DeviceN", page, "convert it to CMYK for the output intent")
        return desc

    def saw(self, desc: str) -> None:
        """Record a colour space used."""
        self.spaces.add(desc)
        if self.log is not None and not self.inside:
            self.log.append(("space", desc))

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
    def content(self, obj, res, page: int, ctm=(1, 0, 0, 1, 0, 0), depth: int = 0,
                over=overprint.DEFAULT_STATE) -> None:
        """Walk one content stream (a page's, a form's): colour, images, forms, PostScript, small
        multi-ink text, black overprint (`over`: the overprint state it starts in).

        Text operators are the bulk of a page but matter only where a fill puts ink on more than one
        plate, so a scan of the bytes (`_fills_look_multi_ink`) decides whether to parse them, and each
        stream is parsed once; without them a text object (BT) stands for its text, in the fill and
        overprint it starts with. Should a fill turn out to be multi-ink after the scan said no, or
        change inside a text object, the walk starts again with the text operators (undoing what it
        counted), so no check is ever skipped.
        """
        if depth > 8:
            return
        if not _fills_look_multi_ink(obj):
            saved = (dict(self.small_text), dict(self.images), self.inline_count,
                     {k: list(v) for k, v in self.black.items()})
            if self.walk(obj, res, page, ctm, depth, text=False, over=over):
                return
            self.small_text, self.images, self.inline_count, self.black = saved
            if self.log is not None and not self.inside:
                self.log.append(("undo",))
        self.walk(obj, res, page, ctm, depth, text=True, over=over)

    def walk(self, obj, res, page: int, ctm, depth: int, text: bool, over=overprint.DEFAULT_STATE) -> bool:
        """One pass over a content stream; without `text` it stops (False) at the first multi-ink fill,
        or at a fill or overprint change inside a text object."""
        stack = []
        fill = stroke = ("DeviceGray", (0.0,))
        multi = False  # the fill puts ink on more than one plate: text in it is measured
        in_text = False
        size, tm = 0.0, (1, 0, 0, 1, 0, 0)
        for ins in instructions(obj, _OPS + _TEXT_OPS if text else _OPS):   # parsed once per content (`preflight_memo`)
            op = str(ins.operator)
            if in_text and not text and op in _TEXT_STATE:
                return False
            if op in _SHOW_OPS:
                if multi:
                    self.text(fill, size, tm, ctm, page)
                self.black_mark(fill, over[0], over[2], page, "text")
            elif op == "BT":
                in_text = True
                if not text:
                    self.black_mark(fill, over[0], over[2], page, "text")
            elif op == "ET":
                in_text = False
            elif op in _STROKES or op in _FILLS:
                if op in _STROKES:
                    self.black_mark(stroke, over[1], over[2], page, "a line")
                if op in _FILLS:
                    self.white_overprint(fill, over[0], over[2], page, "a filled shape")
            elif op == "gs":
                operands = ins.operands
                gs = _get(res, "/ExtGState", operands[0]) if operands else None
                if isinstance(gs, pikepdf.Dictionary):
                    over = overprint.after_gs(over, gs)
            elif op == "Tm":
                operands = ins.operands
                if len(operands) == 6:
                    tm = operands  # converted only when the text turns out to be in more than one ink
            elif op == "Tf":
                operands = ins.operands
                if len(operands) == 2:
                    size = float(operands[1])
            elif op == "k":
                fill = ("DeviceCMYK", tuple(map(float, ins.operands)))
                multi = _multi(fill)
                self.saw("DeviceCMYK")
            elif op == "q":
                stack.append((ctm, fill, multi, stroke, over))
            elif op == "Q":
                if stack:
                    ctm, fill, multi, stroke, over = stack.pop()
            elif op == "cm":
                operands = ins.operands
                if len(operands) == 6:
                    ctm = _mul(tuple(map(float, operands)), ctm)
            elif op in ("rg", "RG"):
                self.space(Name.DeviceRGB, res, page, "a fill colour" if op == "rg" else "a stroke colour")
            elif op == "K":
                self.saw("DeviceCMYK")
                stroke = ("DeviceCMYK", tuple(map(float, ins.operands)))
            elif op in ("g", "G"):
                self.saw("DeviceGray")
                if op == "g":
                    fill, multi = ("DeviceGray", tuple(map(float, ins.operands))), False
                else:
                    stroke = ("DeviceGray", tuple(map(float, ins.operands)))
            elif op in ("cs", "CS"):
                operands = ins.operands
                if operands:
                    desc = self.space(_lookup_cs(operands[0], res), res, page, f"colour space {operands[0]}")
                    if op == "cs":
                        fill, multi = (desc, ()), False
                    else:
                        stroke = (desc, ())
            elif op in ("sc", "scn"):
                if fill[0] == "DeviceCMYK":
                    fill = ("DeviceCMYK", tuple(float(v) for v in ins.operands if not isinstance(v, Name)))
                    multi = _multi(fill)
                elif fill[0] == "DeviceGray":
                    fill = ("DeviceGray", tuple(float(v) for v in ins.operands if not isinstance(v, Name)))
            elif op in ("SC", "SCN"):
                if stroke[0] in ("DeviceCMYK", "DeviceGray"):
                    stroke = (stroke[0], tuple(float(v) for v in ins.operands if not isinstance(v, Name)))
            elif op == "sh":
                operands = ins.operands
                if operands:
                    sh = _get(res, "/Shading", operands[0])
                    if sh is not None and "/ColorSpace" in sh:
                        self.space(sh.ColorSpace, res, page, f"shading {operands[0]}")
            elif op == "Do":
                operands = ins.operands
                if operands:
                    self.do(operands[0], res, page, ctm, depth, over)
            elif op == "INLINE IMAGE":
                self.inline_image(ins.operands[0], res, page, ctm)
            elif op == "PS":
                self.add(ERROR, "postscript", f"PostScript operator on page {page}", page,
                         "PDF/X forbids embedded PostScript")
            if multi and not text:
                return False
        return True

    def black_mark(self, colour, on: bool, mode: int, page: int, what: str) -> None:
        """Tally text or a line painted in `colour` ((space, components)) under the overprint flag
        `on` and mode `mode`: solid black counts as overprinted or knocked out (`overprint.overprints`);
        white that overprints is an error."""
        kind = _black_kind(colour, on, mode)
        if kind is None:
            self.white_overprint(colour, on, mode, page, what)
        else:
            self.black.setdefault(page, [0, 0])[kind] += 1
            if self.log is not None and not self.inside:
                self.log.append(("black", kind))

    def white_overprint(self, colour, on: bool, mode: int, page: int, what: str) -> None:
        """An error for paper white painted with overprint in mode 1: it leaves every plate as it
        was, so the white text or shape vanishes over anything beneath it."""
        ink = overprint.ink_of(colour)
        if ink is not None and overprint.is_white(ink) and overprint.overprints(colour, on, mode):
            self.add(ERROR, "white-overprint", f"page {page}: {what} in white is set to overprint: it prints "
                     "nothing and vanishes over whatever lies beneath", page,
                     "knock white out (overprint off): only solid black should overprint")

    def text(self, fill, size, tm, ctm, page: int) -> None:
        """Count a run of text shown in a multi-ink fill (`_multi`) if it prints under SMALL_TEXT."""
        m = _mul(tuple(float(v) for v in tm), ctm)
        effective = size * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
        if 0 < effective < SMALL_TEXT:
            self.small_text[page] = self.small_text.get(page, 0) + 1
            if self.log is not None and not self.inside:
                self.log.append(("small",))

    def do(self, name, res, page: int, ctm, depth: int, over=overprint.DEFAULT_STATE) -> None:
        if self.log is not None and not self.inside:
            self.log.append(("do", str(name), tuple(ctm), tuple(over), depth) if isinstance(name, Name) else ("never",))
        self.inside += 1
        try:
            self._do(name, res, page, ctm, depth, over)
        finally:
            self.inside -= 1

    def _do(self, name, res, page: int, ctm, depth: int, over) -> None:
        xo = _get(res, "/XObject", name)
        if not isinstance(xo, pikepdf.Stream):
            return
        if xo.get("/Subtype") == Name.Form:
            matrix = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            self.content(xo, xo.get("/Resources", res), page, _mul(matrix, ctm), depth + 1, over)
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
            if key not in self.inks:  # kept apart from self.images, which a restarted walk rolls back
                self.inks[key] = _image_ink(xo, cs)
            info.max_ink, negative = self.inks[key]
            if negative:
                self.add(ERROR, "jpeg-negative", f"image {name} on page {page} is an Adobe CMYK JPEG (stored inverted) "
                         "without /Decode [1 0 1 0 1 0 1 0]: it would print as a negative", page,
                         "give the image /Decode [1 0 1 0 1 0 1 0], as Photoshop and Acrobat write it, or re-export it")
        self.images[key] = info
        return info

    def inline_image(self, iim, res, page: int, ctm) -> None:
        if self.log is not None and not self.inside:
            self.log.append(("never",))   # the image is an object of this PDF: the walk is not kept
        d = iim.obj
        cs = d.get("/CS", d.get("/ColorSpace", Name.DeviceGray))
        if isinstance(cs, Name) and str(cs) in _ABBREV_CS:
            cs = Name("/" + _ABBREV_CS[str(cs)])
        desc = self.space(cs, res, page, "an inline image")
        w, h = int(d.get("/W", d.get("/Width", 0))), int(d.get("/H", d.get("/Height", 0)))
        self.inline_count += 1
        info = ImageInfo(f"(inline {len(self.images) + 1})", page, w, h, desc,
                         int(d.get("/BPC", d.get("/BitsPerComponent", 8))), [])
        info.ppi = _ppi(w, h, ctm)
        self.images[("inline", self.inline_count)] = info


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


def _multi(fill) -> bool:
    """Whether a fill puts ink on more than one plate (DeviceCMYK with two or more inks above 0.5 %)."""
    return fill[0] == "DeviceCMYK" and len(fill[1]) == 4 and sum(1 for v in fill[1] if v > 0.005) > 1


@lru_cache(maxsize=1024)
def _black_kind(colour, on: bool, mode: int) -> int | None:
    """0 for solid black that overprints, 1 for solid black that knocks out, None for another
    colour (remembered: a page paints thousands of runs in a handful of colours)."""
    ink = overprint.ink_of(colour)
    if ink is None or not overprint.is_solid_black(ink):
        return None
    return 0 if overprint.overprints(colour, on, mode) else 1


def _fills_look_multi_ink(obj) -> bool:
    """Whether some fill (k, sc, scn) of this content stream seems to put ink on more than one plate.

    A guess from the decoded bytes, without tokenising them: a fill operator's operands are the numbers
    just before it. It errs towards yes (a "k" inside a string counts too); `_Checker.content` checks
    a "no" against the parsed stream, so a wrong guess costs time, never a finding. Unreadable
    contents answer yes, and the parser then reports them as before.
    """
    try:
        if isinstance(obj, pikepdf.Stream):
            data = obj.read_bytes()
        else:
            contents = obj.get("/Contents")
            parts = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
            data = b"\n".join(part.read_bytes() for part in parts)
    except Exception:  # noqa: BLE001 - the parser reports a damaged stream
        return True
    size = len(data)
    for needle in (b"k", b"sc"):
        i = data.find(needle)
        while i >= 0:
            end = i + len(needle)
            if end < size and needle == b"sc" and data[end] == 0x6E:  # scn
                end += 1
            if (i == 0 or data[i - 1] in _BREAKS) and (end == size or data[end] in _BREAKS):
                inks = 0
                for token in reversed(data[max(0, i - 96):i].split()):
                    try:
                        inks += float(token) > 0.005
                    except ValueError:
                        break
                if inks > 1:
                    return True
            i = data.find(needle, end)
    return False


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


def _image_ink(xo, cs: str) -> tuple[float | None, bool]:
    """The highest total ink of any pixel as the RIP prints it, in % (None when it cannot be measured),
    and whether the image is an Adobe CMYK JPEG that would print as a negative.

    8-bit Flate (or unfiltered) samples are read as they are; a JPEG (DCTDecode) is decoded by Pillow
    (libjpeg-turbo) from the raw stream. A PDF's DCT filter hands the RIP the codec's samples
    untouched, but Pillow inverts every 4-component JPEG ("Adobe conventions": Photoshop, and Pillow
    itself, store CMYK JPEGs inverted), so its CMYK values are turned back into the codec's before
    the image's /Decode maps them to ink. An Adobe CMYK JPEG is stored inverted, and only a
    /Decode [1 0 1 0 1 0 1 0] makes it print as meant: without one the plates get a negative.
    """
    return _measure(_sample(xo, cs))


def _sample(xo, cs: str):
    """What `_measure` needs of an image, read from the PDF (pikepdf: this thread only):
    (colour space, filters, stream bytes or decoded pixels, /Decode pairs, pixel count)."""
    if cs not in ("DeviceCMYK", "DeviceGray"):
        return None
    n = 4 if cs == "DeviceCMYK" else 1
    filters = _filters(xo)
    try:
        if filters == ["/DCTDecode"]:
            data = xo.read_raw_bytes()
        elif int(xo.get("/BitsPerComponent", 8)) == 8 and all(f == "/FlateDecode" for f in filters):
            if filters == ["/FlateDecode"] and "/DecodeParms" not in xo:
                data = ("zlib", xo.read_raw_bytes(), xo.read_bytes)
            else:
                data = xo.read_bytes()
        else:
            import numpy as np

            data = np.asarray(pikepdf.PdfImage(xo).as_pil_image(), dtype=np.uint8)
        return cs, filters, data, decode_pairs(xo.get("/Decode"), n), int(xo.Width) * int(xo.Height) * n
    except Exception:  # noqa: BLE001 - an image we cannot decode is reported, not fatal
        return None


def _measure(sample) -> tuple[float | None, bool]:
    """`_image_ink` on a `_sample` (numpy and Pillow only: safe on a worker thread)."""
    import numpy as np

    if sample is None:
        return None, False
    cs, filters, data, pairs, count = sample
    n = 4 if cs == "DeviceCMYK" else 1
    flipped = [False] * n  # channels whose decoded array is the inverse of the stream's samples
    adobe = False
    try:
        if filters == ["/DCTDecode"]:
            im = PILImage.open(io.BytesIO(data))
            if im.format != "JPEG" or im.mode != ("CMYK" if n == 4 else "L"):
                return None, False  # components that do not match the colour space: nothing a plate would show
            adobe = n == 4 and "adobe" in im.info
            flipped = [n == 4] * n
            px = np.asarray(im, dtype=np.uint8)
        elif isinstance(data, tuple):      # plain Flate: zlib straight from the raw bytes when it can
            try:
                raw = zlib.decompress(data[1])
            except zlib.error:
                raw = data[2]()            # damaged: qpdf's reading, as before
            px = np.frombuffer(raw, dtype=np.uint8)[:count]
        elif isinstance(data, bytes):
            px = np.frombuffer(data, dtype=np.uint8)[:count]
        else:
            px = data
        inverted = [lo > hi for lo, hi in pairs]
        negative = adobe and not all(inverted)
        if all(p in ((0.0, 1.0), (1.0, 0.0)) for p in pairs):
            return round(_max_ink(px, cs, [inv != flip for inv, flip in zip(inverted, flipped)]), 1), negative
        return round(_max_ink_decoded(px, cs, pairs, flipped), 1), negative
    except Exception:  # noqa: BLE001 - an image we cannot decode is reported, not fatal
        return None, False


def _measure_ahead(pdf: pikepdf.Pdf, ck, known_inks: Mapping[str, float]) -> None:
    """Measure the pages' CMYK and gray image XObjects on two threads before the walk (JPEG
    decoding leaves Python's lock), so the walk finds their ink in `ck.inks`; an image whose
    digest is in `known_inks` takes the ink from there. Images in other colour spaces, in forms
    or shared oddly are measured by the walk as before."""
    samples = {}
    for page in pdf.pages:
        res = page.obj.get("/Resources")
        xobjects = res.get("/XObject") if isinstance(res, pikepdf.Dictionary) else None
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        for _name, xo in xobjects.items():
            if not isinstance(xo, pikepdf.Stream) or not xo.is_indirect or xo.get("/Subtype") != Name.Image:
                continue
            cs = xo.get("/ColorSpace")
            if xo.objgen in samples or bool(xo.get("/ImageMask", False)) or cs not in (Name.DeviceCMYK, Name.DeviceGray):
                continue
            sample = _sample(xo, str(cs)[1:])
            known = _known_ink(sample, known_inks) if known_inks else None
            if known is not None:
                ck.inks[xo.objgen] = (known, False)
            else:
                samples[xo.objgen] = sample
    if len(samples) < 2:
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        for key, ink in zip(samples, pool.map(_measure, samples.values())):
            ck.inks[key] = ink


def _known_ink(sample, known_inks: Mapping[str, float]) -> float | None:
    """The ink `known_inks` holds for a `_sample` read from its stored bytes, if any. Only images
    that cannot print as a negative qualify (a CMYK JPEG must have every channel's /Decode inverted)."""
    if sample is None:
        return None
    cs, filters, data, pairs, _count = sample
    raw = data[1] if isinstance(data, tuple) else data if filters == ["/DCTDecode"] else None
    if not isinstance(raw, bytes):
        return None
    if filters == ["/DCTDecode"] and cs == "DeviceCMYK" and not all(lo > hi for lo, hi in pairs):
        return None
    ink = known_inks.get(image_digest(cs, filters, raw, pairs))
    return None if ink is None else round(ink, 1)


def decode_pairs(decode, n: int) -> list[tuple[float, float]]:
    """An image's /Decode (a PDF array, or a sequence as `PressImage.decode` gives it) as one
    (Dmin, Dmax) pair per component; none is [0 1 …]. A short array's first pair stands for every
    component (as this preflight always read it)."""
    if not isinstance(decode, (pikepdf.Array, list, tuple)) or len(decode) < 2:
        return [(0.0, 1.0)] * n
    values = [float(v) for v in decode]
    if len(values) < 2 * n:
        return [(values[0], values[1])] * n
    return [(values[2 * i], values[2 * i + 1]) for i in range(n)]


def _max_ink(px: np.ndarray, cs: str, invert: list[bool]) -> float:
    """max_ink_percent of 8-bit samples some of whose channels print as 255 minus their value."""
    if not any(invert):
        return max_ink_percent(px, cs)
    if px.size == 0:
        return 0.0
    if cs == "DeviceGray":  # the level is 255 - sample, so the ink is the sample
        return float(px.max()) * 100 / 255
    a = px.reshape(-1, 4)
    if all(invert):
        return (1020 - float(ink_totals(a).min())) * 100 / 255
    a = a.copy()
    a[:, invert] = 255 - a[:, invert]
    return max_ink_percent(a, cs)


def _max_ink_decoded(px: np.ndarray, cs: str, pairs, flipped) -> float:
    """The highest total ink through an arbitrary /Decode (Dmin + sample/255 x (Dmax - Dmin), clipped to 0…1)."""
    import numpy as np

    if px.size == 0:
        return 0.0
    n = len(pairs)
    a = px.reshape(-1, n)
    samples = np.arange(256, dtype=np.float64)
    total = np.zeros(a.shape[0], dtype=np.float64)
    for i, (lo, hi) in enumerate(pairs):
        lut = np.clip(lo + (255 - samples if flipped[i] else samples) / 255 * (hi - lo), 0, 1)
        total += lut[a[:, i]]
    ink = total.max() if cs == "DeviceCMYK" else 1 - total.min()
    return float(ink) * 100


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

def image_digest(cs: str, filters: list[str], raw: bytes, pairs) -> str:
    """What identifies an image's ink: its colour space, filters, /Decode pairs and stored bytes."""
    return hashlib.sha256(f"{cs}|{filters}|{[tuple(map(float, p)) for p in pairs]}|".encode() + raw).hexdigest()


def preflight(source: str | Path | bytes, ink_limit: float = DEFAULT_INK_LIMIT, min_ppi: float = 150.0,
              known_inks: Mapping[str, float] | None = None) -> PreflightResult:
    """Check a PDF against PDF/X-1a and the press (see the module docstring). `known_inks` maps
    `image_digest`s to the highest ink the maker of the PDF measured by decoding exactly those
    bytes (`render_pdf(measured=…)`): an image found there is not decoded again. A build passes
    what it measured; `layout preflight` on a file passes nothing and measures every image."""
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
        _check(pdf, result, min_ppi, known_inks or {})
    return result


def _check(pdf: pikepdf.Pdf, r: PreflightResult, min_ppi: float, known_inks: Mapping[str, float]) -> None:
    ck = _Checker(pdf, r, min_ppi)
    _measure_ahead(pdf, ck, known_inks)
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
            walk_page(ck, page.obj, res, i)   # the walk of a page seen before is replayed (`preflight_walks`)
        except pikepdf.PdfError as exc:
            ck.add(ERROR, "content-stream", f"page {i}: the page description cannot be read ({exc})", i,
                   "the file is damaged: export it again")
        _annotations(page, i, ck)
        r.pages[-1].black_overprint = _black_verdict(ck.black.get(i))
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
        ck.add(WARNING, "small-text-inks", f"page {page}: {counted(count, 'text run')} under {SMALL_TEXT:g} pt printed on "
               "more than one plate", page, "set small text in black only (0/0/0/100): newsprint register is loose")


def _black_verdict(tally: list[int] | None) -> str:
    """yes | no | partly | none: whether a page's solid black text and lines overprint, from the
    walk's [overprinted, knocked out] counts."""
    if not tally or not any(tally):
        return "none"
    overprinted, knocked_out = tally
    return "yes" if not knocked_out else "no" if not overprinted else "partly"


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

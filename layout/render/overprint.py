"""Black overprint: which colours print over what lies beneath, and the graphics states that say so.

Newspaper prepress (ISO 12647-3 practice) overprints solid black text and rules: the black plate
prints on top of the other inks instead of the other plates being left blank beneath it, so loose
newsprint register can never open a white halo around a letter. Only solid black overprints
(`is_solid_black`: K 100 %, no C, M or Y); everything else knocks out, as the PDF default does:

- coloured and rich black text: overprinting would mix its inks with whatever lies beneath;
- white (reversed) text: overprinting white prints nothing, so the text would vanish;
- tints of black (K under 100 %): overprinted, a grey would let the colour beneath show through
  and look different wherever it crosses a photo or a tint (InDesign's "Overprint [Black]"
  default, and most plants' RIPs, also stop at 100 %).

`OVERPRINT` and `KNOCKOUT` name the two ExtGState dictionaries (`gstate_dict`) a page's content
switches between with `gs`: overprint for fills and strokes with overprint mode 1 (a zero CMYK
component leaves its plate alone: the only mode in which 0/0/0/100 really overprints), and the
PDF default (no overprint). PDF/X-1a allows both.
"""
from __future__ import annotations

#: ExtGState resource names (the PDF backend writes `/<name> gs`; pdfx adds the dictionaries).
OVERPRINT = "GSBlackOverprint"
KNOCKOUT = "GSKnockout"

#: Component values this close to 0 or 1 count as 0 or 1 (a style gives whole percentages).
_EPS = 0.0005


def is_solid_black(cmyk) -> bool:
    """Whether a DeviceCMYK colour (components 0..1) is solid black: K 100 %, C = M = Y = 0."""
    c, m, y, k = cmyk
    return c <= _EPS and m <= _EPS and y <= _EPS and k >= 1 - _EPS


def is_white(cmyk) -> bool:
    """Whether a DeviceCMYK colour (components 0..1) puts no ink anywhere (paper white)."""
    return all(v <= _EPS for v in cmyk)


def gray_as_cmyk(level: float) -> tuple[float, float, float, float]:
    """A DeviceGray level (1 = white) as the ink it prints: the black plate only."""
    return (0.0, 0.0, 0.0, 1.0 - level)


def gstate_dict(name: str) -> dict[str, object]:
    """The ExtGState entries of `OVERPRINT` or `KNOCKOUT` (keys without the slash)."""
    on = name == OVERPRINT
    return {"Type": "ExtGState", "OP": on, "op": on, "OPM": 1 if on else 0}


class OverprintSwitch:
    """Keeps one page's overprint state in a content stream: `want(on)` writes the `gs` that
    switches it only when it changes (through `emit`, which appends a content operator);
    `used` holds the names the page's resources must carry."""

    def __init__(self, emit):
        self.emit = emit
        self.on = False
        self.used: set[str] = set()

    def new_page(self) -> None:
        """A page starts in the PDF default: everything knocks out."""
        self.on = False
        self.used = set()

    def want(self, on: bool) -> None:
        if on != self.on:
            name = OVERPRINT if on else KNOCKOUT
            self.emit(f"/{name} gs")
            self.used.add(name)
            self.on = on


# ------------------------------------------------------------------ reading a PDF's overprint (preflight)

#: A graphics state's overprint parameters: (fill overprint `op`, stroke overprint `OP`, mode `OPM`).
DEFAULT_STATE = (False, False, 0)


def after_gs(state: tuple[bool, bool, int], gs) -> tuple[bool, bool, int]:
    """The overprint parameters after `gs` with an ExtGState dictionary (any mapping with PDF keys
    "/OP", "/op", "/OPM"): /OP sets both when /op is absent, as the PDF specification says."""
    fill, stroke, mode = state
    if "/OP" in gs:
        stroke = bool(gs["/OP"])
        fill = stroke
    if "/op" in gs:
        fill = bool(gs["/op"])
    if "/OPM" in gs:
        mode = int(gs["/OPM"])
    return fill, stroke, mode


def ink_of(colour) -> tuple[float, float, float, float] | None:
    """A fill or stroke colour as the walk tracks it, (space name, components), as CMYK ink;
    None for any other space (RGB, separations, patterns)."""
    space, values = colour
    if space == "DeviceCMYK" and len(values) == 4:
        return tuple(values)
    if space == "DeviceGray" and len(values) == 1:
        return gray_as_cmyk(values[0])
    return None


def overprints(colour, on: bool, mode: int) -> bool:
    """Whether painting in `colour` ((space, components)) leaves the plates of its zero inks
    alone: overprint on, a DeviceCMYK colour, overprint mode 1. With mode 0, or in DeviceGray
    (converted to all four inks, PDF 1.7 § 8.6.7; Ghostscript's plates agree), the zeros are
    painted too and knock the other plates out whatever the overprint flag says."""
    return on and mode == 1 and colour[0] == "DeviceCMYK"

"""Black overprint: solid black text and rules print over what lies beneath (the other plates are not
knocked out under them), everything else knocks out; Ghostscript's separations show it, and
`layout preflight` reports it page by page."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image as PILImage
from pikepdf import Dictionary, Name

from layout.cli import main
from layout.page.frames import Box, GlyphRun, Image, PageFrame, Rule
from layout.render.pdf import render_pdf
from layout.render.preflight import preflight

GS = shutil.which("gs")
needs_gs = pytest.mark.skipif(GS is None and not os.environ.get("CI"), reason="ghostscript not installed "
                              "(scripts/test.sh installs it)")
DPI = 144
PX = DPI / 72                      # plate pixels per point
CYAN_PHOTO = (0, 160, 230)         # RGB: separates to a flat cyan tint with a little magenta and black
LINE = "新区时报黑字叠印测试"        # ten glyphs
SIZE = 24.0


def _run(y: float, color=(0.0, 0.0, 0.0, 1.0)) -> GlyphRun:
    return GlyphRun("serif-bold", SIZE, y, LINE, tuple(30.0 + SIZE * i for i in range(len(LINE))), color)


#: The runs of the test page over the cyan photo, by what they are, with the baseline of each.
RUNS = {"black": 60.0, "red": 100.0, "black tint 50 %": 140.0, "white": 180.0}
COLOURS = {"black": (0, 0, 0, 1), "red": (0, 1, 1, 0), "black tint 50 %": (0, 0, 0, 0.5), "white": (0, 0, 0, 0)}
RULE_Y = 205.0


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("overprint") / "cyan.png"
    PILImage.new("RGB", (800, 480), CYAN_PHOTO).save(path)
    return path


def _frames(photo: Path) -> tuple[PageFrame, ...]:
    """One page: a flat cyan photo with a line of text in each colour of RUNS and a black rule on it."""
    items = (Image(str(photo), 20.0, 20.0, 300.0, 200.0, (0, 0, 800, 480)),
             *(_run(y, COLOURS[name]) for name, y in RUNS.items()),
             Rule(30.0, RULE_Y, 300.0, RULE_Y, 4.0))
    return (PageFrame(1, "测试", 340.0, 240.0, 0.0, items),)


@pytest.fixture(scope="module")
def pdf_bytes(photo) -> bytes:
    return render_pdf(_frames(photo), "叠印测试")


@pytest.fixture(scope="module")
def plates(pdf_bytes, tmp_path_factory) -> dict[str, np.ndarray]:
    """Ghostscript's tiffsep separations of the test page: plate name -> ink 0..255 per pixel
    (the tiffsep device honours overprint in CMYK, as a RIP does)."""
    out = tmp_path_factory.mktemp("plates")
    (out / "page.pdf").write_bytes(pdf_bytes)
    subprocess.run([GS or "gs", "-q", "-sDEVICE=tiffsep", f"-r{DPI}", "-o", str(out / "p%d.tif"),
                    str(out / "page.pdf")], check=True, capture_output=True, timeout=120)
    return {c: 255 - np.asarray(PILImage.open(out / f"p1({c}).tif"), dtype=np.int32)
            for c in ("Cyan", "Magenta", "Yellow", "Black")}


def _band(plate: np.ndarray, baseline: float) -> np.ndarray:
    """The strip of a plate a run of text at `baseline` covers (its em box, inside the photo)."""
    top, bottom = round((baseline - SIZE * 0.8) * PX), round((baseline + SIZE * 0.1) * PX)
    return plate[top:bottom, round(30 * PX):round((30 + SIZE * len(LINE)) * PX)]


def _tint(plates) -> dict[str, int]:
    """The photo's ink on each plate, where nothing is printed over it (between the lines)."""
    return {c: int(np.median(p[round(75 * PX):round(82 * PX), round(40 * PX):round(280 * PX)])) for c, p in plates.items()}


@needs_gs
def test_cyan_plate_is_not_knocked_out_under_black_text_and_rules(plates):
    tint = _tint(plates)
    assert tint["Cyan"] > 120, tint                      # the photo really is a cyan tint
    glyphs = _band(plates["Black"], RUNS["black"]) >= 250
    assert glyphs.sum() > 2000                            # the black line printed
    under = _band(plates["Cyan"], RUNS["black"])[glyphs]
    # overprinted: the cyan under each glyph is the tint around it; knocked out it would be 0
    assert abs(int(np.median(under)) - tint["Cyan"]) <= 3 and under.min() >= tint["Cyan"] - 12, \
        (tint, np.percentile(under, [0, 5, 50]))
    rule = slice(round((RULE_Y - 1) * PX), round((RULE_Y + 1) * PX))
    under_rule = plates["Cyan"][rule, round(40 * PX):round(280 * PX)]
    assert (plates["Black"][rule, round(40 * PX):round(280 * PX)] >= 250).all()
    assert abs(int(np.median(under_rule)) - tint["Cyan"]) <= 3 and under_rule.min() >= tint["Cyan"] - 12


@needs_gs
def test_coloured_tinted_and_white_text_still_knocks_out(plates):
    tint = _tint(plates)
    red = _band(plates["Magenta"], RUNS["red"]) >= 250
    assert red.sum() > 2000
    assert _band(plates["Cyan"], RUNS["red"])[red].max() == 0          # red text: no cyan beneath
    grey = np.abs(_band(plates["Black"], RUNS["black tint 50 %"]) - 128) <= 8
    assert grey.sum() > 2000
    assert _band(plates["Cyan"], RUNS["black tint 50 %"])[grey].max() == 0   # a tint of black knocks out
    # white (reversed) text stays paper white: no ink on any plate under its glyphs
    total = sum(_band(p, RUNS["white"]) for p in plates.values())
    assert (total == 0).sum() > 2000 and tint["Cyan"] > 120


def _gstates_by_colour(data: bytes) -> dict[tuple, set[str]]:
    """For each fill or stroke colour the content paints text or lines in, the ExtGStates in force."""
    found: dict[tuple, set[str]] = {}
    state, fill, stroke = "(none)", None, None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        for ins in pikepdf.parse_content_stream(page, "gs k K TJ S"):
            op = str(ins.operator)
            if op == "gs":
                state = str(ins.operands[0])[1:]
            elif op in ("k", "K"):
                colour = tuple(float(v) for v in ins.operands)
                fill, stroke = (colour, stroke) if op == "k" else (fill, colour)
            else:
                found.setdefault(fill if op == "TJ" else stroke, set()).add(state)
        gstates = {str(k)[1:]: {kk[1:]: v for kk, v in dict(g).items()}
                   for k, g in page.Resources.get("/ExtGState", {}).items()}
    return {c: {json.dumps(gstates.get(s, s), sort_keys=True, default=str) for s in ss} for c, ss in found.items()}


def test_only_solid_black_items_are_set_to_overprint(photo):
    """Text, rules and boxes in 0/0/0/100 draw with OP and op true and OPM 1; rich black, a 95 % tint,
    colours and white with overprint off. Frames say the colour; the PDF sets the state."""
    rich, tint, red, white = (0.6, 0.4, 0.4, 1.0), (0, 0, 0, 0.95), (0, 1, 1, 0), (0, 0, 0, 0)
    items = (_run(40.0), _run(70.0, rich), _run(100.0, tint), _run(130.0, red), _run(160.0, white), _run(190.0),
             Rule(30, 200, 300, 200, 1.0), Box(20, 20, 300, 200, 1.0, red), Box(10, 10, 320, 220, 1.0))
    states = _gstates_by_colour(render_pdf((PageFrame(1, "测试", 340.0, 240.0, 0.0, items),), "叠印测试"))
    overprint = json.dumps({"OP": True, "OPM": 1, "Type": "/ExtGState", "op": True}, sort_keys=True)
    assert states[(0, 0, 0, 1)] == {overprint}, states
    for colour in (rich, tint, red, white):
        assert overprint not in states[tuple(float(v) for v in colour)], (colour, states)
        assert all('"OP": false' in s and '"op": false' in s for s in states[tuple(float(v) for v in colour)])


def test_preflight_reports_black_overprint_per_page(pdf_bytes, tmp_path, capsys):
    result = preflight(pdf_bytes)
    assert result.ok and [p.black_overprint for p in result.pages] == ["yes"]
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf_bytes)
    assert main(["preflight", str(path)]) == 0
    assert "black text and rules overprint: yes" in capsys.readouterr().out
    assert main(["preflight", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pages"][0]["black_overprint"] == "yes"


def test_printers_marks_and_slug_keep_every_page_at_yes(photo):
    """With --marks the slug line (black text) overprints too, so the verdict stays a plain yes."""
    frames = _frames(photo) * 2
    result = preflight(render_pdf(frames, "叠印测试", marks=True, slug="测试报"))
    assert result.ok and not result.warnings, [f.message for f in result.findings]
    assert [p.black_overprint for p in result.pages] == ["yes", "yes"]


# ---------------------------------------------------------- the preflight reading other PDFs

_GSTATES = {"OPM1": {"OP": True, "op": True, "OPM": 1}, "OPM0": {"OP": True, "op": True, "OPM": 0},
            "OFF": {"OP": False, "op": False}, "OPonly": {"OP": True, "OPM": 1}}


def _crafted(content: bytes) -> bytes:
    """A one-page PDF (no PDF/X frills): a cyan square, then `content`, with the ExtGStates above."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    page.Contents = pdf.make_stream(b"0.5 0 0 0 k 0 0 100 100 re f " + content)
    page.Resources = Dictionary(ExtGState=Dictionary({f"/{name}": Dictionary(Type=Name.ExtGState, **d)
                                                      for name, d in _GSTATES.items()}))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


#: A thick line across the middle of the cyan square, in the state and colour given.
LINES = {
    "cmyk black, overprint, OPM 1": (b"/OPM1 gs 0 0 0 1 K", "yes"),
    "cmyk black, OP alone sets op too": (b"/OPonly gs 0 0 0 1 K", "yes"),
    "cmyk black, overprint, OPM 0": (b"/OPM0 gs 0 0 0 1 K", "no"),
    "cmyk black, no overprint": (b"0 0 0 1 K", "no"),
    "gray black, overprint, OPM 1": (b"/OPM1 gs 0 G", "no"),
    "cmyk black in a q...Q after overprint is restored off": (b"q /OPM1 gs Q 0 0 0 1 K", "no"),
    "a tint only": (b"/OPM1 gs 0 0 0 0.5 K", "none"),
}


@pytest.mark.parametrize("case", sorted(LINES))
def test_preflight_verdict_agrees_with_ghostscripts_plates(case, tmp_path):
    state, verdict = LINES[case]
    data = _crafted(state + b" 20 w 0 50 m 100 50 l S")
    assert [p.black_overprint for p in preflight(data).pages] == [verdict]
    if GS is None:
        return
    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run([GS, "-q", "-sDEVICE=tiffsep", "-r72", "-o", str(tmp_path / "p%d.tif"), str(tmp_path / "c.pdf")],
                   check=True, capture_output=True, timeout=60)
    cyan = 255 - np.asarray(PILImage.open(tmp_path / "p1(Cyan).tif"), dtype=np.int32)
    kept = cyan[50, 50] == cyan[5, 5]                      # the cyan beneath the line survives
    assert kept == (verdict == "yes") or verdict == "none", (case, cyan[50, 50], cyan[5, 5])


def test_preflight_reads_text_whose_colour_is_set_inside_the_text_object():
    """BT starts in cyan, the glyphs are shown in black without overprint, then with it: partly."""
    data = _crafted(b"BT /F1 12 Tf 10 10 Td 0 0 0 1 k (A) Tj ET "
                    b"/OPM1 gs BT 1 0 0 0 k /F1 12 Tf 10 30 Td 0 0 0 1 k (B) Tj ET")
    assert [p.black_overprint for p in preflight(data).pages] == ["partly"]
    only_cyan = _crafted(b"/OFF gs BT 1 0 0 0 k /F1 12 Tf 10 10 Td (A) Tj ET")
    assert [p.black_overprint for p in preflight(only_cyan).pages] == ["none"]


def test_white_set_to_overprint_is_an_error():
    """White that overprints in mode 1 prints nothing: the reversed text or shape vanishes."""
    for content in (b"/OPM1 gs 0 0 0 0 k BT /F1 12 Tf 10 10 Td (A) Tj ET", b"/OPM1 gs 0 0 0 0 k 10 10 50 50 re f",
                    b"/OPM1 gs 0 0 0 0 K 20 w 0 50 m 100 50 l S"):
        found = [f for f in preflight(_crafted(content)).errors if f.code == "white-overprint"]
        assert len(found) == 1 and "vanishes" in found[0].message, (content, found)
    for harmless in (b"/OPM0 gs 0 0 0 0 k 10 10 50 50 re f", b"/OFF gs 0 0 0 0 k 10 10 50 50 re f"):
        assert not [f for f in preflight(_crafted(harmless)).findings if f.code == "white-overprint"], harmless

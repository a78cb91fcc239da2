"""The print PDF as a plant receives it: PDF/X-1a keys, CMYK within the ink limit, boxes, marks,
split pages, determinism, Ghostscript, and `layout preflight` on good and crafted bad files."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image as PILImage
from pikepdf import Dictionary, Name

from layout.cli import main
from layout.diagnostics import Report
from layout.page.frames import Anchor, GlyphRun, Image, PageFrame, Rule
from layout.pipeline import BuildOptions, build, prepare
from layout.render import marks as printer_marks
from layout.render.colour import (DEFAULT_PROFILE, PrintSettings, ink_units, limit_ink, load_print_settings,
                                  press_image)
from layout.render.pdf import render_pdf
from layout.render.preflight import preflight
from layout.wording import issue_number_name

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = sorted((ROOT / "issues").glob("*/issue.yaml"))
GS = shutil.which("gs")
needs_gs = pytest.mark.skipif(GS is None and not os.environ.get("CI"), reason="ghostscript not installed "
                              "(scripts/test.sh installs it)")


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module", params=EDITIONS, ids=lambda p: p.parent.name)
def edition_build(request, tmp_path_factory):
    """Each sample edition laid out once and built once: whole PDF plus one PDF per page."""
    report = Report()
    ed = prepare(request.param, report)
    assert ed is not None, [d.format() for d in report.errors]
    out = tmp_path_factory.mktemp(request.param.parent.name)
    written = build(ed, out, report, BuildOptions(pdf=True, epub=False, split=True))
    return ed, report, written


@pytest.fixture(scope="module")
def sample(edition_build):
    ed, report, written = edition_build
    return ed, report, written[0], written[1:]


def _tiny_frames(photo: Path, **kw) -> tuple[PageFrame, ...]:
    """One small page: a line of text, a rule, a photo touching the left trim edge and a story anchor."""
    text = "新区时报印刷测试"
    glyphs = GlyphRun("serif-regular", 9.0, 40.0, text, tuple(20.0 + 9 * i for i in range(len(text))))
    items = (glyphs, Rule(20, 50, 200, 50), Anchor("story", "test", "测试稿", 20, 30),
             Image(str(photo), 0.0, 60.0, 120.0, 80.0, kw.get("crop", (0, 0, 600, 400))))
    return (PageFrame(7, "测试", 283.0, 200.0, 8.5, items),)


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    """A saturated RGB test photo: deep colours, near-black and a colour ramp, all hard on the ink limit."""
    y, x = np.mgrid[0:400, 0:600]
    rgb = np.stack([(x * 255 // 599), (y * 255 // 399), ((x + y) % 256)], axis=-1).astype(np.uint8)
    rgb[:100, :100] = (0, 0, 0)
    rgb[:100, 100:200] = (20, 0, 40)
    rgb[:100, 200:300] = (0, 30, 10)
    path = tmp_path_factory.mktemp("photo") / "saturated.png"
    PILImage.fromarray(rgb, "RGB").save(path)
    return path


@pytest.fixture(scope="module")
def tiny_pdf(photo) -> bytes:
    return render_pdf(_tiny_frames(photo), "测试报 第1期", author="测试", subject="总第1期")


# ------------------------------------------------------------------ the sample editions

def test_preflight_passes_on_the_sample_editions(sample):
    ed, report, whole, pages = sample
    result = preflight(whole)
    assert result.ok, [f.message for f in result.errors]
    assert not result.warnings, [f.message for f in result.warnings]
    assert result.pdf_version == "1.3"
    assert result.pdfx["GTS_PDFXVersion"] == "PDF/X-1:2001"
    assert result.pdfx["GTS_PDFXConformance"] == "PDF/X-1a:2001"
    assert result.pdfx["Trapped"] == "False" and result.pdfx["ID"] and result.pdfx["XMP"]
    assert result.pdfx["Title"] == ed.title
    assert result.pdfx["OutputIntent"]["OutputConditionIdentifier"] == "CGATS TR 002"
    assert result.pdfx["OutputIntent"]["profile"]["class"] == "prtr"
    assert set(result.colour_spaces) <= {"DeviceCMYK", "DeviceGray"}
    assert result.fonts and all(f.embedded and f.subset for f in result.fonts)
    photos = sum(isinstance(it, Image) for f in ed.frames for it in f.items)
    assert len(result.images) <= photos  # the same photo at the same size is embedded once
    for im in result.images:
        assert im.colorspace in ("DeviceCMYK", "DeviceGray")
        assert im.max_ink is not None and im.max_ink <= 240
        assert im.ppi is not None and 150 <= im.ppi <= 300.5, im
    # build ran the same preflight and reported nothing worse
    assert not [d for d in report.errors if d.code.startswith("preflight-")]


def test_boxes_labels_and_outlines(sample):
    ed, _, whole, _ = sample
    with pikepdf.open(whole) as pdf:
        assert len(pdf.pages) == len(ed.frames)
        for page, frame in zip(pdf.pages, ed.frames):
            b = frame.bleed
            media = [float(v) for v in page.mediabox]
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            assert media == pytest.approx([0, 0, frame.width + 2 * b, frame.height + 2 * b], abs=0.01)
            assert trim == pytest.approx([b, b, b + frame.width, b + frame.height], abs=0.01)
            assert bleed == pytest.approx(media, abs=0.01)
            assert "/ArtBox" not in page.obj and "/Annots" not in page.obj
            assert page.label == str(frame.number)
        with pdf.open_outline() as outline:
            top = outline.root
            assert [o.title for o in top] == [f"第{f.number}版 {f.section}" for f in ed.frames]
            for entry, frame in zip(top, ed.frames):
                anchors = {(a.kind, a.article) for a in frame.items if isinstance(a, Anchor)}
                assert len(entry.children) == len(anchors) > 0


def test_one_pdf_per_page_named_by_page(sample):
    ed, report, whole, pages = sample
    assert [p.name for p in pages] == [f"{ed.stem}-p{f.number:02d}.pdf" for f in ed.frames]
    for path, frame in zip(pages, ed.frames):
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) == 1
            assert pdf.pages[0].label == str(frame.number)
            assert f"第{frame.number}版" in str(pdf.trailer.Info.Title)
        assert preflight(path).ok


def test_two_builds_are_byte_identical(sample, tmp_path):
    ed, _, whole, pages = sample
    (again,) = build(ed, tmp_path, Report(), BuildOptions(pdf=True, epub=False))
    assert again.name == whole.name and again.read_bytes() == whole.read_bytes()
    frame = ed.frames[0]
    page = render_pdf((frame,), f"{ed.title} 第{frame.number}版", author=ed.issue.paper.publisher,
                      subject=issue_number_name(ed.issue.info.lang, ed.issue.info.number), date=ed.issue.info.date, slug=ed.stem,
                      settings=load_print_settings(ed.style.path, Report()))
    assert page == pages[0].read_bytes()


def test_text_and_rules_are_black_only(sample):
    """Body text and rules go on the K plate alone; no RGB operator anywhere in the content."""
    ed, _, whole, _ = sample
    for frame in ed.frames:
        for it in frame.items:
            if isinstance(it, GlyphRun) and it.role == "body":
                assert it.color == (0, 0, 0, 1), it
            if isinstance(it, Rule):
                assert it.color == (0, 0, 0, 1), it
    with pikepdf.open(whole) as pdf:
        for page in pdf.pages:
            found = [str(op) for _, op in pikepdf.parse_content_stream(page, "rg RG sc scn SC SCN EI")]
            assert not found, found


@needs_gs
def test_ghostscript_renders_every_page_cleanly(sample, tiny_pdf, tmp_path):
    _, _, whole, pages = sample
    marked = tmp_path / "marks.pdf"
    marked.write_bytes(render_pdf(sample[0].frames[:1], "marks", marks=True))
    for path in (whole, marked):
        run = subprocess.run([GS or "gs", "-q", "-dNOPAUSE", "-dBATCH", "-o", "/dev/null", "-sDEVICE=nullpage",
                              str(path)], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and not run.stdout.strip() and not run.stderr.strip(), (path, run.stdout, run.stderr)


def _separations(pdf: Path, out: Path, dpi: int, images_only: bool = False) -> list[np.ndarray]:
    """Ghostscript's tiffsep plates -> per page the total ink per pixel, in % (0 = paper)."""
    only = ["-dFILTERTEXT", "-dFILTERVECTOR"] if images_only else []
    subprocess.run([GS or "gs", "-q", "-sDEVICE=tiffsep", f"-r{dpi}", *only, "-o", str(out / "p%d.tif"), str(pdf)],
                   check=True, capture_output=True, timeout=300)
    totals = []
    for n in range(1, 100):
        plates = [out / f"p{n}({c}).tif" for c in ("Cyan", "Magenta", "Yellow", "Black")]
        if not plates[0].exists():
            break
        totals.append(sum(255 - np.asarray(PILImage.open(p), dtype=np.int32) for p in plates) * 100 / 255)
    return totals


@needs_gs
def test_separations_keep_every_photo_pixel_within_the_ink_limit(sample, tmp_path):
    """The whole edition's plates, photos only (gs drops text and vectors), at 100 dpi: every second
    pixel of a 200 ppi photo; the preflight has already measured every pixel of the embedded data."""
    ed, _, whole, _ = sample
    dpi = 100
    totals = _separations(whole, tmp_path, dpi, images_only=True)
    assert len(totals) == len(ed.frames)
    s = dpi / 72
    checked = 0
    for frame, total in zip(ed.frames, totals):
        for it in frame.items:
            if isinstance(it, Image):
                x0, y0 = int((frame.bleed + it.x) * s) + 1, int((frame.bleed + it.y) * s) + 1
                x1, y1 = int((frame.bleed + it.x + it.w) * s) - 1, int((frame.bleed + it.y + it.h) * s) - 1
                region = total[y0:y1, x0:x1]
                assert region.size and region.max() > 100  # the photo is really there
                checked += 1
        assert total.max() <= 240 + 1e-6, (frame.number, total.max())
    assert checked


@needs_gs
def test_a_lower_style_ink_limit_holds_on_the_plates(photo, tmp_path):
    settings = PrintSettings(ink_limit=200)
    data = render_pdf(_tiny_frames(photo), "测试", settings=settings)
    pdf = tmp_path / "limit.pdf"
    pdf.write_bytes(data)
    (total,) = _separations(pdf, tmp_path, 300)
    assert 195 <= total.max() <= 200 + 1e-6
    result = preflight(data, ink_limit=200)
    assert result.ok and max(im.max_ink for im in result.images) <= 200


def test_build_with_marks_writes_them_on_every_page(sample, tmp_path):
    ed, _, _, _ = sample
    if ed.stem != prepare_stem(EDITIONS[0]):
        pytest.skip("one edition is enough")
    report = Report()
    (path,) = build(ed, tmp_path, report, BuildOptions(pdf=True, epub=False, marks=True))
    assert not report.errors, [d.format() for d in report.errors]
    grow = 2 * printer_marks.MARKS_MARGIN
    with pikepdf.open(path) as pdf:
        for page, frame in zip(pdf.pages, ed.frames):
            assert float(page.mediabox[2]) == pytest.approx(frame.width + 2 * frame.bleed + grow, abs=0.01)


def prepare_stem(manifest: Path) -> str:
    import yaml

    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    return f"{data['paper']['name']}-{data['issue']['date']}"


def test_marks_sit_outside_the_bleed(sample):
    ed, _, _, _ = sample
    frame = ed.frames[0]
    data = render_pdf((frame,), ed.title, marks=True, slug=ed.stem)
    m = printer_marks.MARKS_MARGIN
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.mediabox]
        assert media[2] == pytest.approx(frame.width + 2 * (frame.bleed + m), abs=0.01)
        assert [float(v) for v in page.obj.BleedBox][0] == pytest.approx(m, abs=0.01)
        assert [float(v) for v in page.obj.TrimBox][0] == pytest.approx(m + frame.bleed, abs=0.01)
    result = preflight(data)
    assert result.ok, [f.message for f in result.errors]
    assert "Separation(All, DeviceCMYK)" in result.colour_spaces


# ------------------------------------------------------------------ photos and colour

def test_photo_at_the_trim_edge_runs_into_the_bleed(tiny_pdf):
    with pikepdf.open(io.BytesIO(tiny_pdf)) as pdf:
        ops = [(list(o), str(op)) for o, op in pikepdf.parse_content_stream(pdf.pages[0])]
    cms = [o for o, op in ops if op == "cm" and len(o) == 6 and float(o[0]) > 50]
    (w, _, _, h, x, _), = cms
    assert float(x) == pytest.approx(0, abs=0.01)            # from the bleed's outer edge
    assert float(w) == pytest.approx(120 + 8.5, abs=0.01)    # its width grew by the bleed
    assert float(h) == pytest.approx(80, abs=0.01)


def test_limit_ink_never_exceeds_the_limit():
    rng = np.random.default_rng(7)
    px = rng.integers(0, 256, size=(20000, 4), dtype=np.uint8)
    px[:10] = 255
    for pct in (200, 240, 300):
        out = limit_ink(px, ink_units(pct))
        assert out.astype(int).sum(axis=1).max() <= ink_units(pct)
        under = px.astype(int).sum(axis=1) <= ink_units(pct)
        assert (out[under] == px[under]).all()  # pixels within the limit are untouched


def test_press_image_converts_and_resamples(photo, tmp_path):
    img = press_image(photo, (0, 0, 600, 400), 72.0, 48.0, PrintSettings())  # 600 px over 1 inch: 600 ppi
    assert img.colorspace == "DeviceCMYK" and (img.width, img.height) == (200, 133)
    assert img.max_ink <= 240 and img.filter == "DCTDecode" and img.inverted
    raw = img.pixels()
    assert raw[5, 5].tolist()[3] > 200  # black came out with a heavy K (black generation), not CMY alone
    grey = tmp_path / "grey.png"
    PILImage.new("L", (100, 100), 40).save(grey)
    g = press_image(grey, (0, 0, 100, 100), 72.0, 72.0, PrintSettings())
    assert g.colorspace == "DeviceGray" and g.max_ink == pytest.approx(215 * 100 / 255, abs=0.01)
    rgba = tmp_path / "ad.png"
    PILImage.new("RGBA", (50, 50), (255, 0, 0, 0)).save(rgba)
    a = press_image(rgba, (0, 0, 50, 50), 72.0, 72.0, PrintSettings())
    assert a.colorspace == "DeviceCMYK" and a.max_ink < 1  # transparent -> paper white


def test_jpeg_photos_never_exceed_the_ink_limit_after_compression(tmp_path):
    """JPEG rounding lifts some pixels of a saturated, busy photo over the limit; the press measures
    the decoded JPEG and lightens those 8x8 blocks until none is over (or stores the photo lossless)."""
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, size=(240, 320, 3), dtype=np.uint8)
    rgb[::16] = 0                                # hard black lines next to noise: ringing in every block
    rgb[:, ::16] = (10, 0, 30)
    noisy = tmp_path / "noisy.png"
    PILImage.fromarray(rgb, "RGB").save(noisy)
    for limit in (240, 200):
        settings = PrintSettings(ink_limit=limit, jpeg_quality=60)    # coarse quantisation: big overshoots
        img = press_image(noisy, (0, 0, 320, 240), 320 * 72 / 200, 240 * 72 / 200, settings)
        printed = img.pixels().reshape(-1, 4).astype(int).sum(axis=1).max()
        assert printed <= ink_units(limit), (limit, img.filter)
        assert img.max_ink == pytest.approx(printed * 100 / 255)


def test_lossless_photos_on_request(photo, tmp_path):
    style = tmp_path / "paper.yaml"
    style.write_text("name: paper\nprint:\n  image_compression: lossless\n  jpeg_quality: 80\n", encoding="utf-8")
    report = Report()
    settings = load_print_settings(style, report)
    assert (settings.image_compression, settings.jpeg_quality) == ("lossless", 80) and not report.items
    img = press_image(photo, (0, 0, 600, 400), 72.0, 48.0, settings)
    assert img.filter == "FlateDecode" and not img.inverted
    assert np.array_equal(img.pixels(), np.frombuffer(zlib.decompress(img.data), np.uint8).reshape(133, 200, 4))
    style.write_text("name: paper\nprint:\n  image_compression: png\n", encoding="utf-8")
    report = Report()
    assert load_print_settings(style, report).image_compression == "jpeg"
    (err,) = report.errors
    assert "image_compression must be one of jpeg, lossless" in err.message and err.source.line == 3


def test_one_composite_font_per_face(sample):
    """Every face once, as a Type 0 / CIDFontType2 Identity-H font with its program and ToUnicode; vertical
    lines use an Identity-V Type 0 font over the same CIDFont (one program per face either way)."""
    _ed, _report, whole, _pages = sample
    with pikepdf.open(whole) as pdf:
        fonts = {}
        for page in pdf.pages:
            for _name, font in page.obj.Resources.get("/Font", {}).items():
                fonts[font.objgen] = font
        horizontal = [f for f in fonts.values() if f.Encoding == Name("/Identity-H")]
        names = sorted(str(f.BaseFont)[8:] for f in horizontal)
        assert len(names) == len(set(names)), names           # no face split into several fonts
        shared = {f.DescendantFonts[0].objgen for f in horizontal}
        for f in fonts.values():
            assert f.Subtype == Name.Type0 and "/ToUnicode" in f
            assert f.Encoding == Name("/Identity-H") or (f.Encoding == Name("/Identity-V")
                                                         and f.DescendantFonts[0].objgen in shared)
            cid = f.DescendantFonts[0]
            assert cid.Subtype == Name.CIDFontType2 and "/FontFile2" in cid.FontDescriptor
            assert str(f.BaseFont)[7] == "+" and str(f.BaseFont)[1:7].isupper()


def test_style_print_settings(tmp_path):
    style = tmp_path / "paper.yaml"
    style.write_text("name: paper\nprint:\n  ink_limit: 220\n  image_ppi: 180\n", encoding="utf-8")
    report = Report()
    s = load_print_settings(style, report)
    assert (s.ink_limit, s.image_ppi, s.profile) == (220, 180, DEFAULT_PROFILE) and not report.items
    style.write_text("name: paper\nprint:\n  ink_limit: 900\n  inklimit: 200\n", encoding="utf-8")
    report = Report()
    s = load_print_settings(style, report)
    assert s.ink_limit == 240
    messages = sorted(d.message for d in report.errors)
    assert any("print.ink_limit must be a number from 100 to 400" in m for m in messages)
    assert any("unknown key 'inklimit' in print" in m for m in messages)
    assert all(d.source and d.source.line for d in report.errors)


# ------------------------------------------------------------------ preflight on crafted PDFs

def _edit(data: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _first_image(pdf):
    xobjects = pdf.pages[0].Resources.XObject
    name = next(iter(xobjects.keys()))
    return xobjects, name


def _rgb_image(pdf):
    xobjects, name = _first_image(pdf)
    img = pikepdf.Stream(pdf, zlib.compress(bytes([200, 30, 30]) * 64 * 64))
    img.Type, img.Subtype, img.Width, img.Height = Name.XObject, Name.Image, 64, 64
    img.ColorSpace, img.BitsPerComponent, img.Filter = Name.DeviceRGB, 8, Name.FlateDecode
    xobjects[name] = img


def _unembedded_font(pdf):
    font = next(iter(pdf.pages[0].Resources.Font.values()))
    if font.Subtype == Name.Type0:  # a CID font: its descriptor is the descendant's
        font = font.DescendantFonts[0]
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in font.FontDescriptor:
            del font.FontDescriptor[key]


def _no_trimbox(pdf):
    del pdf.pages[0].obj["/TrimBox"]


def _bleed_outside_media(pdf):
    box = [float(v) for v in pdf.pages[0].mediabox]
    pdf.pages[0].obj.BleedBox = [box[0] - 5, box[1], box[2], box[3]]


def _over_ink(pdf):
    xobjects, name = _first_image(pdf)
    img = pikepdf.Stream(pdf, zlib.compress(bytes([255, 255, 255, 255]) * 16 * 16))
    img.Type, img.Subtype, img.Width, img.Height = Name.XObject, Name.Image, 16, 16
    img.ColorSpace, img.BitsPerComponent, img.Filter = Name.DeviceCMYK, 8, Name.FlateDecode
    xobjects[name] = img


def _transparency(pdf):
    page = pdf.pages[0]
    page.Resources.ExtGState = Dictionary(GS9=Dictionary(Type=Name.ExtGState, ca=0.5))
    page.contents_add(pikepdf.Stream(pdf, b"q /GS9 gs Q"), prepend=False)


def _rgb_text(pdf):
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"q 1 0 0 rg 0 0 10 10 re f Q"), prepend=False)


def _no_output_intent(pdf):
    del pdf.Root["/OutputIntents"]


def _not_pdfx(pdf):
    for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance", "/Trapped"):
        del pdf.trailer.Info[key]


def _link(pdf):
    pdf.pages[0].Annots = pdf.make_indirect([Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[30, 30, 60, 60])])


def _rgb_inline_image(pdf):
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"q 20 0 0 20 30 30 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID "
                                             + bytes([200, 30, 30]) * 4 + b" EI Q"), prepend=False)


CRAFTED = {
    "rgb-image": (_rgb_image, "rgb-colour", "image Im"),
    "rgb-fill": (_rgb_text, "rgb-colour", "a fill colour is in DeviceRGB on page 1"),
    "rgb-inline-image": (_rgb_inline_image, "rgb-colour", "an inline image is in DeviceRGB on page 1"),
    "unembedded-font": (_unembedded_font, "font-not-embedded", "is not embedded"),
    "missing-trimbox": (_no_trimbox, "no-trimbox", "page 1 has no TrimBox"),
    "bleed-outside-media": (_bleed_outside_media, "bleedbox", "BleedBox reaches outside the MediaBox"),
    "over-ink": (_over_ink, "ink-limit", "reaches 400 % total ink (limit 240 %)"),
    "transparency": (_transparency, "transparency", "opacity 0.5"),
    "no-output-intent": (_no_output_intent, "output-intent", "0 PDF/X output intents"),
    "not-pdfx": (_not_pdfx, "pdfx-version", "not a PDF/X file"),
    "link-annotation": (_link, "annotation", "Link annotation lies inside the bleed box"),
}


def test_the_untouched_tiny_pdf_passes(tiny_pdf):
    result = preflight(tiny_pdf)
    assert result.ok and not result.warnings, [f.message for f in result.findings]


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_preflight_fails_crafted_pdfs_clearly(case, tiny_pdf, tmp_path, capsys):
    change, code, words = CRAFTED[case]
    bad = tmp_path / f"{case}.pdf"
    bad.write_bytes(_edit(tiny_pdf, change))
    result = preflight(bad)
    assert not result.ok
    hits = [f for f in result.errors if f.code == code]
    assert hits and any(words in f.message for f in hits), [(f.code, f.message) for f in result.errors]
    assert main(["preflight", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"error[{code}]" in out and out.rstrip().splitlines()[-1].startswith("FAIL")


def test_preflight_cli_json_and_exit_status(sample, capsys, tmp_path):
    _, _, whole, pages = sample
    assert main(["preflight", str(pages[0]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["errors"] == 0
    assert data["pdfx"]["GTS_PDFXConformance"] == "PDF/X-1a:2001"
    assert {"pages", "fonts", "images", "colour_spaces", "findings"} <= data.keys()
    assert main(["preflight", str(tmp_path / "missing.pdf")]) == 2
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    assert main(["preflight", str(junk)]) == 1
    assert "not-pdf" in capsys.readouterr().out


# ------------------------------------------------------------------ preflight: small text in several inks

def _small_text_pdf(tiny_pdf, content: bytes, form: bytes | None = None) -> bytes:
    """The tiny page with `content` appended; /F draws in its first font, /Fm1 is a form holding `form`."""
    def change(pdf):
        page = pdf.pages[0]
        fonts = page.Resources.Font
        font = fonts[next(iter(fonts.keys()))]
        fonts["/F"] = font
        if form is not None:
            fm = pikepdf.Stream(pdf, form)
            fm.Type, fm.Subtype, fm.BBox = Name.XObject, Name.Form, [0, 0, 200, 200]
            fm.Resources = Dictionary(Font=Dictionary(F=font))
            page.Resources.XObject["/Fm1"] = fm
        page.contents_add(pikepdf.Stream(pdf, content), prepend=False)
    return _edit(tiny_pdf, change)


SMALL_TEXT = {  # content, form, runs of small multi-ink text, content streams parsed
    "black": (b"0 0 0 1 k BT /F 8 Tf 1 0 0 1 20 20 Tm (ab) Tj ET", None, 0, 1),
    "red": (b"0 1 1 0 k BT /F 8 Tf 1 0 0 1 20 20 Tm (ab) Tj (c) ' [(d) 5 (e)] TJ ET", None, 3, 1),
    "red, large": (b"0 1 1 0 k BT /F 14 Tf 1 0 0 1 20 20 Tm (ab) Tj ET", None, 0, 1),
    "red, scaled down": (b"0.5 0 0 0.5 0 0 cm 0 1 1 0 k BT /F 14 Tf (ab) Tj ET", None, 1, 1),
    "red, then black in q": (b"0 1 1 0 k q 0 0 0 1 k BT /F 8 Tf (a) Tj ET Q BT /F 8 Tf (b) Tj ET", None, 1, 1),
    "scn": (b"/DeviceCMYK cs 0 1 1 0 scn BT /F 8 Tf (ab) Tj ET", None, 1, 1),
    "k inside a string": (b"0 0 0 1 k BT /F 8 Tf (0 1 1 0 k) Tj ET", None, 0, 1),
    "in a form": (b"q /Fm1 Do Q", b"0 1 1 0 k BT /F 8 Tf (ab) Tj ET", 1, 2),
    # a comment among the operands: the bytes scan misreads the fill, the walk finds it and starts again
    "commented fill": (b"0 1 % two inks\n1 0 k BT /F 8 Tf (ab) Tj ET", None, 1, 2),
    "form, then a commented fill": (b"q /Fm1 Do Q 0 1 %\n1 0 k BT /F 8 Tf (ab) Tj ET",
                                    b"0 1 1 0 k BT /F 8 Tf (ab) Tj ET", 2, 4),
    "inline image, then a commented fill": ((b"q 99 0 0 99 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \0\0\0\0 EI Q "
                                             b"0 1 %\n1 0 k BT /F 8 Tf (ab) Tj ET"), None, 1, 2),
}


@pytest.mark.parametrize("case", list(SMALL_TEXT))
def test_small_text_in_several_inks_is_found_however_the_fill_is_written(case, tiny_pdf, monkeypatch):
    content, form, runs, parses = SMALL_TEXT[case]
    data = _small_text_pdf(tiny_pdf, content, form)
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")   # every parse counted (`preflight_memo` remembers them)
    parsed = []
    parse = pikepdf.parse_content_stream
    monkeypatch.setattr(pikepdf, "parse_content_stream", lambda obj, ops="": parsed.append(ops) or parse(obj, ops))
    result = preflight(data)
    hits = [f for f in result.warnings if f.code == "small-text-inks"]
    if runs:
        assert [f.message for f in hits] == [f"page 1: {runs} text run{'' if runs == 1 else 's'} under 12 pt printed on more than one plate"]
    else:
        assert not hits, hits
    assert result.ok, [f.message for f in result.errors]
    assert len(parsed) == parses, parsed  # each stream once, unless the scan guessed wrong
    # a walk started again counts nothing twice
    monkeypatch.undo()
    plain = preflight(tiny_pdf).images
    assert len(result.images) == len(plain) + content.count(b" BI ")
    assert [im.max_ink for im in result.images if im.max_ink is not None] == [im.max_ink for im in plain]


# ------------------------------------------------------------------ preflight: JPEG photos

def _jpeg(mode: str, value, size: int = 64) -> bytes:
    buf = io.BytesIO()
    PILImage.new(mode, (size, size), value).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def _jpeg_photo(mode: str, value, decode=None):
    """A change for `_edit`: the page's photo becomes a JPEG that Pillow wrote (CMYK ones inverted, with
    an Adobe marker), of one flat colour, with /Decode `decode`."""
    def change(pdf):
        xobjects, name = _first_image(pdf)
        img = pikepdf.Stream(pdf, _jpeg(mode, value))
        img.Type, img.Subtype, img.Width, img.Height = Name.XObject, Name.Image, 64, 64
        img.ColorSpace = Name.DeviceCMYK if mode == "CMYK" else Name.DeviceGray
        img.BitsPerComponent, img.Filter = 8, Name.DCTDecode
        if decode is not None:
            img.Decode = decode
        xobjects[name] = img
    return change


INVERT_CMYK = [1, 0, 1, 0, 1, 0, 1, 0]
JPEGS = {  # mode, value, Decode, the ink a RIP prints (%), error codes
    "cmyk": ("CMYK", (200, 50, 0, 10), INVERT_CMYK, (200 + 50 + 0 + 10) / 2.55, set()),
    "cmyk over the limit": ("CMYK", (255, 255, 255, 255), INVERT_CMYK, 400, {"ink-limit"}),
    "cmyk without Decode": ("CMYK", (200, 50, 0, 10), None, (55 + 205 + 255 + 245) / 2.55,
                            {"jpeg-negative", "ink-limit"}),
    "cmyk, Decode [0 1 ...]": ("CMYK", (10, 10, 10, 10), [0, 1] * 4, 4 * 245 / 2.55, {"jpeg-negative", "ink-limit"}),
    "gray": ("L", 64, None, (255 - 64) / 2.55, set()),
    "gray, Decode [1 0]": ("L", 64, [1, 0], 64 / 2.55, set()),
}


@pytest.mark.parametrize("case", list(JPEGS))
def test_preflight_measures_jpeg_photos_as_the_rip_prints_them(case, tiny_pdf):
    mode, value, decode, ink, codes = JPEGS[case]
    result = preflight(_edit(tiny_pdf, _jpeg_photo(mode, value, decode)))
    jpegs = [im for im in result.images if im.filters == ["/DCTDecode"]]
    assert len(jpegs) == 1 and jpegs[0].max_ink == pytest.approx(ink, abs=2), jpegs
    assert {f.code for f in result.errors} == codes, [f.message for f in result.errors]
    if "jpeg-negative" in codes:
        (neg,) = [f for f in result.errors if f.code == "jpeg-negative"]
        assert "would print as a negative" in neg.message and "/Decode [1 0 1 0 1 0 1 0]" in neg.hint


def test_build_preflight_reads_each_photos_ink_from_its_separation(photo):
    """`build` hands preflight the ink separation measured for each photo's exact bytes, so it is
    not decoded twice: the same figures as measuring; used only for the very same bytes, and never
    for a CMYK JPEG that could print as a negative."""
    from layout.render.preflight import image_digest

    measured: dict[str, float] = {}
    pdf = render_pdf(_tiny_frames(photo), "测试报 第1期", measured=measured)
    plain = preflight(pdf)
    assert len(measured) == 1
    assert [im.max_ink for im in preflight(pdf, known_inks=measured).images] == [im.max_ink for im in plain.images]
    assert not plain.errors
    # the figure really comes from the map: a wrong one shows
    assert {f.code for f in preflight(pdf, known_inks={k: 300.0 for k in measured}).errors} == {"ink-limit"}
    # other bytes (the photo swapped for an over-inked one) are measured, whatever the map says
    swapped = _edit(pdf, _jpeg_photo("CMYK", (255, 255, 255, 255), INVERT_CMYK))
    assert {f.code for f in preflight(swapped, known_inks={k: 100.0 for k in measured}).errors} == {"ink-limit"}
    # a CMYK JPEG without the inverting /Decode is measured (and flagged) even when its bytes are known
    negative = _edit(pdf, _jpeg_photo("CMYK", (200, 50, 0, 10), None))
    with pikepdf.open(io.BytesIO(negative)) as doc:
        xobjects, name = _first_image(doc)
        raw = xobjects[name].read_raw_bytes()
    known = {image_digest("DeviceCMYK", ["/DCTDecode"], raw, [(0.0, 1.0)] * 4): 100.0}
    assert "jpeg-negative" in {f.code for f in preflight(negative, known_inks=known).errors}


@needs_gs
@pytest.mark.parametrize("decode", [INVERT_CMYK, None], ids=["with-decode", "without-decode"])
def test_jpeg_ink_agrees_with_ghostscripts_plates(decode, tiny_pdf, tmp_path):
    """Ghostscript prints a DCT image's samples through its /Decode, as the preflight says it does."""
    pdf = tmp_path / "jpeg.pdf"
    pdf.write_bytes(_edit(tiny_pdf, _jpeg_photo("CMYK", (200, 50, 0, 10), decode)))
    (total,) = _separations(pdf, tmp_path, 36, images_only=True)
    (jpeg,) = [im for im in preflight(pdf).images if im.filters == ["/DCTDecode"]]
    assert total.max() == pytest.approx(jpeg.max_ink, abs=1.5)

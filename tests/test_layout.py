"""Page make-up: golden frames, the baseline grid, regions, overset, pictures, ads and boxes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EDITIONS, ROOT, tiny_edition
from layout.cli import main
from layout.diagnostics import Report
from layout.page.frames import Box, GlyphRun, Image, Mark, frame_to_json
from layout.pipeline import prepare

pypdf = pytest.importorskip("pypdf")
GOLDEN = Path(__file__).parent / "golden"


def _prepare(path):
    report = Report()
    ed = prepare(path, report)
    assert ed is not None, [d.format() for d in report.errors]
    return ed, report


@pytest.fixture(scope="module", params=EDITIONS, ids=lambda p: p.parent.name)
def edition(request):
    return _prepare(request.param)


def test_golden_frames(edition, update_golden):
    """The frames of each sample edition, rounded to 0.01 pt, equal the reviewed golden file.
    After an intended change: `pytest tests/test_layout.py --update-golden`, then review `git diff tests/golden`."""
    ed, _ = edition
    data = [frame_to_json(f) for f in ed.frames]
    for frame in data:  # image paths relative to the checkout, so the file holds in any clone
        for item in frame["items"]:
            if "path" in item:
                item["path"] = Path(item["path"]).resolve().relative_to(ROOT).as_posix()
    path = GOLDEN / f"{ed.issue.root.name}.json"
    text = json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    if update_golden or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{path} did not exist; written now, review and commit it")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), \
        "layout changed: run pytest --update-golden and review the diff"


def test_regions_do_not_overlap(edition):
    ed, _ = edition
    for frame in ed.frames:
        regions = [m for m in frame.items if isinstance(m, Mark) and m.kind == "region"]
        for i, a in enumerate(regions):
            for b in regions[i + 1:]:
                overlap_x = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
                overlap_y = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
                assert overlap_x <= 0.01 or overlap_y <= 0.01, (frame.number, a.label, b.label)


def _pdf_glyphs(pdf_path):
    """(page, char, x0, x1, baseline y from the trim top, font size) for every glyph in the PDF,
    read back with pdfminer.six (which places each glyph from the font's own widths)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    boxes = [(float(p.trimbox.left), float(p.trimbox.top)) for p in pypdf.PdfReader(pdf_path).pages]
    out = []

    def walk(obj, n):
        if isinstance(obj, LTChar):
            left, top = boxes[n - 1]
            # pdfminer's y0 is the descent line: baseline = y0 - descent (size * descent fraction)
            baseline = obj.matrix[5]
            out.append((n, obj.get_text(), obj.x0 - left, obj.x1 - left, top - baseline, obj.size))
        for child in getattr(obj, "_objs", ()) or ():
            walk(child, n)

    for n, page in enumerate(extract_pages(str(pdf_path), laparams=LAParams(all_texts=True)), start=1):
        walk(page, n)
    return out


@pytest.fixture(scope="module")
def built_pdf(edition, tmp_path_factory):
    ed, _ = edition
    out = tmp_path_factory.mktemp("pdf")
    main(["build", str(ed.issue.manifest_path), "-o", str(out), "--pdf"])
    (pdf,) = out.glob("*.pdf")
    return pdf


def test_body_lines_sit_on_the_baseline_grid_and_inside_their_regions(edition, built_pdf):
    """Read back from the PDF: every glyph at body size inside a story region has its baseline on a grid
    line (so lines align across columns and stories), and every glyph in the type area lies in a region."""
    ed, _ = edition
    g = ed.style.grid
    oy = ed.style.margin_top
    first_baseline = oy + (g.pitch - g.char) / 2 + 0.88 * g.char
    regions = {f.number: [m for m in f.items if isinstance(m, Mark) and m.kind == "region"] for f in ed.frames}
    masthead_pages = {p.number for p in ed.issue.pages if p.masthead}
    vertical = {(p.number, pl.label) for p in ed.issue.pages for pl in p.placements if pl.direction == "vertical"}
    checked = 0
    for page, ch, x0, x1, y, size in _pdf_glyphs(built_pdf):
        if y < oy or not ch.strip():  # running head in the top margin
            continue
        # a mark set half-width keeps its full-em glyph box: its blank half may stand outside the column
        slack = size / 2 + 0.05 if ch in "“‘「『（〔［｛《〈【〖，。、；：？！”’」』）》】" else 0.05
        inside = [r for r in regions[page]
                  if r.x - slack <= x0 and x1 <= r.x + r.w + slack and r.y <= y <= r.y + r.h]
        if page in masthead_pages and y < oy + ed.style.masthead_lines * g.pitch and not inside:
            continue  # the masthead band
        assert inside, f"page {page}: '{ch}' at ({x0:.1f}-{x1:.1f}, {y:.1f}) lies in no region"
        if abs(size - g.char) < 0.01 and (page, inside[0].label) in vertical:
            # a vertical line's glyphs stand on the vertical grid: lines one pitch wide from the region's
            # right edge (a 縦中横 number's digits share one em: only CJK glyphs are checked)
            if ord(ch) >= 0x3000:
                steps = (inside[0].x + inside[0].w - (x0 + x1) / 2) / g.pitch - 0.5
                assert abs(steps - round(steps)) * g.pitch < 0.05, f"page {page}: '{ch}' at x {x0:.2f} is off the grid"
                checked += 1
        elif abs(size - g.char) < 0.01:
            steps = (y - first_baseline) / g.pitch
            assert abs(steps - round(steps)) * g.pitch < 0.05, f"page {page}: '{ch}' baseline {y:.2f} is off the grid"
            checked += 1
    assert checked > 3000   # every sample sets thousands of body glyphs (the 2-page zh-TW one about 3,900)


_tiny_edition = tiny_edition


def test_overset_reports_the_characters_that_did_not_fit(tmp_path, capsys):
    body = "测" * 900
    manifest = _tiny_edition(tmp_path, "      - {article: long, columns: [1, 1], lines: [1, 30]}",
                             f"  long: {{headline: 稿件太长, body: {body}}}")
    status = main(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf", "--json"])
    diags = json.loads(capsys.readouterr().out)
    assert status == 1
    (overset,) = [d for d in diags if d["code"] == "overset"]
    printed = sum(1 for _p, ch, *_ in _pdf_glyphs(next((tmp_path / "out").glob("*.pdf"))) if ch == "测")
    assert 0 < printed < 900
    assert f"{900 - printed} characters" in overset["message"]
    assert (overset["source"]["line"], overset["source"]["col"]) == (8, 9)


def test_underset_warning(tmp_path, capsys):
    manifest = _tiny_edition(tmp_path, "      - {article: short, columns: [1, 2], lines: [1, 40]}",
                             "  short: {headline: 稿件很短, body: 只有一句话。}")
    main(["check", "--json", str(manifest)])
    diags = json.loads(capsys.readouterr().out)
    # one line of text: the region's second column stays empty too (the make-up self-check)
    assert sorted(d["code"] for d in diags if d["severity"] == "warning") == ["empty-column", "underset"]


def _images(tmp_path: Path):
    from PIL import Image as PILImage
    from reportlab.pdfgen import canvas

    (tmp_path / "images").mkdir()
    # a wide photo with a red focal block on the right
    im = PILImage.new("RGB", (2400, 1200), "gray")
    im.paste((200, 0, 0), (1900, 500, 2100, 700))
    im.save(tmp_path / "images" / "wide.jpg")
    PILImage.new("RGB", (300, 200), "white").save(tmp_path / "images" / "small.jpg")
    PILImage.new("RGB", (3000, 1500), "blue").save(tmp_path / "images" / "ad.png")
    c = canvas.Canvas(str(tmp_path / "images" / "ad.pdf"), pagesize=(600, 300))
    c.rect(10, 10, 580, 280, fill=1)
    c.save()


def test_picture_ad_and_box_placements(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _images(tmp_path)
    stories = """      - picture: images/wide.jpg
        caption: 图片新闻的说明文字。
        credit: 新区时报记者 方某 摄
        focus: [0.83, 0.5]
        columns: [1, 2]
        lines: [1, 30]
      - {ad: images/ad.png, alt: 银行广告, columns: [3, 5], lines: [1, 20]}
      - {ad: images/ad.pdf, columns: [3, 5], lines: [22, 40]}
      - {article: boxed, columns: [1, 2], box: true}
      - picture: images/small.jpg
        caption: 一张小图。
        columns: [3, 5]"""
    manifest = _tiny_edition(tmp_path, stories, "  boxed: {headline: 框里的短稿, body: 这是一条放在框里的短消息。}")
    ed, report = _prepare(manifest)
    (frame,) = ed.frames
    imgs = [i for i in frame.items if isinstance(i, Image)]
    assert len(imgs) == 4
    picture, ad_png, ad_pdf, small = imgs
    g = ed.style.grid
    # the picture fills two columns; its crop keeps the focal point (x = 0.83) in frame
    assert picture.w == pytest.approx(g.span_width(1, 2))
    left, top, right, bottom = picture.crop
    assert left < 0.83 * 2400 < right and right - left < 2400
    # ads keep their proportions, uncropped, inside their region
    # a PNG ad keeps all its pixels; a PDF ad is rendered at 300 ppi of the size it prints
    for ad, (pw, ph) in ((ad_png, (3000, 1500)), (ad_pdf, (ad_pdf.w * 300 / 72, ad_pdf.w * 300 / 72 / 2))):
        assert ad.w / ad.h == pytest.approx(pw / ph, rel=0.01)
        assert ad.crop[2] - ad.crop[0] == pytest.approx(pw, abs=1)
        assert ad.w <= g.span_width(3, 5) + 0.01
    assert Path(ad_pdf.path).suffix == ".png"
    # the boxed story has its box, and its text is set inside it
    (box,) = [b for b in frame.items if isinstance(b, Box)]
    runs = [r for r in frame.items if isinstance(r, GlyphRun) and r.role == "body"]
    assert all(box.x < min(r.xs) and max(r.xs) < box.x + box.w for r in runs)
    # the small photo is too coarse for print at three columns
    assert [d.code for d in report.warnings] == ["low-resolution"]
    assert "small.jpg" in report.warnings[0].message


def test_placement_needs_exactly_one_kind(tmp_path, capsys):
    manifest = _tiny_edition(tmp_path, "      - {article: a, picture: images/x.jpg, columns: [1, 2]}",
                             "  a: {headline: 标题, body: 正文。}")
    assert main(["check", "--json", str(manifest)]) == 1
    codes = [d["code"] for d in json.loads(capsys.readouterr().out) if d["severity"] == "error"]
    assert codes == ["placement-kind"]

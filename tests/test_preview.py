"""Page previews: PNGs with the trim page's shape, the overlay's grid and marks, diagnostics per page,
redrawing only changed pages, the `layout preview` command, and the live preview in headless Chromium."""
from __future__ import annotations

import json
import urllib.request

import pytest
from PIL import Image as PILImage

from conftest import SAMPLE
from preview_tools import browser_page, chromium_path, copy_edition, set_headline

from layout import pipeline
from layout.cli import main
from layout.diagnostics import Report, Source
from layout.page.frames import Image, Mark, PageFrame
from layout.render import preview as pv

DPI = 40  # small images keep the suite fast; the geometry is the same at any resolution


@pytest.fixture(scope="module")
def sample():
    report = Report()
    edition = pipeline.prepare(SAMPLE, report)
    assert edition is not None and not report.errors and not report.warnings, [d.format() for d in report.items]
    return edition, report


@pytest.fixture(scope="module")
def rendered(sample, tmp_path_factory):
    edition, report = sample
    out = tmp_path_factory.mktemp("preview")
    preview = pv.PagePreviewer(out, DPI, overlay=True).render(edition, report)
    return out, preview


def _rgb(colour):
    return tuple(colour[:3])


def test_a_png_per_page_with_the_trim_pages_aspect_ratio(sample, rendered):
    edition, _ = sample
    out, preview = rendered
    assert [p.number for p in preview.pages] == [f.number for f in edition.frames]
    for frame, page in zip(edition.frames, preview.pages):
        for name in (page.image, page.overlay):
            with PILImage.open(out / name) as im:
                assert im.format == "PNG"
                w, h = im.size
            assert (w, h) == (page.width, page.height)
            # the trim page (not the MediaBox with its bleed) at DPI, to the pixel
            assert abs(w - frame.width * DPI / 72) <= 1 and abs(h - frame.height * DPI / 72) <= 1
            assert abs(w / h - frame.width / frame.height) < 1.5 / h


def test_page_pngs_decode_to_the_same_pixels():
    import io

    src = PILImage.new("RGB", (37, 11), (250, 250, 250))
    src.putpixel((0, 0), (255, 0, 0))
    src.putpixel((36, 10), (1, 2, 3))
    with PILImage.open(io.BytesIO(pv.png_bytes(src))) as back:
        assert back.format == "PNG" and back.mode == "RGB"
        assert back.tobytes() == src.tobytes()


def test_the_overlay_draws_the_column_lines(sample, rendered):
    """Sample the pixels where each column edge must be: the overlay has the grid colour there, the page not."""
    edition, _ = sample
    out, preview = rendered
    style, g = edition.style, edition.style.grid
    scale = DPI / 72
    with PILImage.open(out / preview.pages[1].overlay) as a, PILImage.open(out / preview.pages[1].image) as b:
        grid_px, page_px = a.convert("RGB"), b.convert("RGB")
    top, bottom = round(style.margin_top * scale) + 2, round((style.margin_top + g.height) * scale) - 2
    ys = range(top, bottom, 3)
    for c in range(1, g.columns + 1):
        for edge in (style.margin_left + g.column_x(c), style.margin_left + g.column_x(c) + g.column_width):
            x = round(edge * scale)
            on = sum(grid_px.getpixel((x, y)) == _rgb(pv.COLUMN) for y in ys) / len(ys)
            plain = sum(page_px.getpixel((x, y)) == _rgb(pv.COLUMN) for y in ys) / len(ys)
            assert on > 0.8, (c, x, on)
            assert plain < 0.05, (c, x, plain)
    # the middle of a column is no column line
    mid = round((style.margin_left + g.column_x(1) + g.column_width / 2) * scale)
    assert sum(grid_px.getpixel((mid, y)) == _rgb(pv.COLUMN) for y in ys) / len(ys) < 0.2


def test_the_overlay_flags_overset_and_errors_in_red_underset_in_orange_and_photo_frames(sample):
    edition, _ = sample
    scale = 1.0
    w, h = edition.frames[0].width, edition.frames[0].height
    frame = PageFrame(1, "test", w, h, 8.5, (
        Mark("region", 100, 100, 200, 300, "long-story"),
        Mark("overset", 100, 388, 200, 12, "57"),
        Mark("region", 400, 100, 200, 300, "short-story"),
        Mark("region", 100, 500, 200, 100, "fine-story"),
        Mark("region", 400, 500, 200, 100, "clashing-story"),
        Image("photo.jpg", 640, 100, 100, 80, (0, 0, 100, 80)),
    ))
    report = Report()
    report.warning("underset", "'short-story' on page 1 leaves 4 grid lines empty")
    report.error("overlap", "'clashing-story' overlaps 'someone-else' on page 1")
    flags = pv.region_flags(report)
    assert flags[1]["short-story"] == ("underset", "空 4 行") and flags[1]["clashing-story"] == ("error", "overlap")
    blank = PILImage.new("RGB", (round(w), round(h)), "white")
    out = pv.draw_overlay(blank, frame, edition.style, scale, flags[1])
    assert out.getpixel((102, 250)) == _rgb(pv.OVERSET)          # the overset story's outline
    assert out.getpixel((402, 250)) == _rgb(pv.UNDERSET)         # the underset story's outline
    assert out.getpixel((402, 550)) == _rgb(pv.OVERSET)          # a story an error names
    assert out.getpixel((102, 550)) == _rgb(pv.REGION)           # a story without problems
    assert out.getpixel((641, 140)) == _rgb(pv.PHOTO)            # a photo frame
    r, gr, b = out.getpixel((150, 393))                           # the line that did not fit is tinted red
    assert r > 230 and gr < 220 and b < 220


def test_diagnostics_go_beside_the_page_they_concern(sample):
    edition, _ = sample
    issue = edition.issue
    manifest = issue.pages[0].source.file
    report = Report()
    report.warning("underset", "'x' on page 2 leaves 3 grid lines empty")
    report.error("overlap", "a region overlaps", Source(manifest, issue.pages[2].source.line + 3, 9))
    art = issue.articles["chip-base-signing"]  # an article file placed on page 1
    report.warning("normalized-x", "something in the text", Source(art.source.file, 5, 1))
    report.error("bad-date", "no such date", Source(manifest, 14, 9))  # above the pages: the edition's
    by_page, rest = pv.page_diagnostics(edition, report)
    assert [d.code for d in by_page[2]] == ["underset"]
    assert [d.code for d in by_page[3]] == ["overlap"]
    assert [d.code for d in by_page[1]] == ["normalized-x"]
    assert [d.code for d in rest] == ["bad-date"]


def test_only_changed_pages_are_drawn_again(tmp_path):
    manifest = copy_edition(SAMPLE, tmp_path)
    previewer = pv.PagePreviewer(tmp_path / "out", DPI)
    first = previewer.render(pipeline.prepare(manifest, Report()), Report())
    assert first.rendered == (1, 2, 3, 4)
    again = previewer.render(pipeline.prepare(manifest, Report()), Report())
    assert again.rendered == () and again.pages == first.pages
    set_headline(manifest.parent / "articles" / "chip-base-signing.md", "芯片封测基地项目签约落户新区")
    third = previewer.render(pipeline.prepare(manifest, Report()), Report())
    assert third.rendered == (1,)
    assert third.pages[0].digest != first.pages[0].digest and third.pages[1:] == first.pages[1:]


def test_the_preview_command_writes_pages_and_a_contact_sheet(tmp_path, capsys):
    out = tmp_path / "pv"
    assert main(["preview", str(SAMPLE), "-o", str(out), "--dpi", str(DPI)]) == 0
    assert capsys.readouterr().out.strip() == str(out / "index.html")
    sheet = (out / "index.html").read_text(encoding="utf-8")
    for n in (1, 2, 3, 4):
        assert (out / f"p0{n}.png").is_file() and not (out / f"p0{n}-overlay.png").exists()
        assert f'href="p0{n}.html"' in sheet and f'src="p0{n}.png?v=' in sheet
        assert f"第{n}版" in (out / f"p0{n}.html").read_text(encoding="utf-8")
    assert main(["preview", str(SAMPLE), "-o", str(out), "--dpi", "1"]) == 2


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def test_live_preview_starts_broken_then_follows_saves(tmp_path):
    """A manifest broken from the start is served as its diagnostics; saving it fixed (right after
    start) brings the pages; saving the same bytes again rebuilds nothing."""
    from layout.preview.serve import LivePreview

    manifest = copy_edition(SAMPLE, tmp_path)
    good = manifest.read_text(encoding="utf-8")
    manifest.write_text(good.replace("\npages:", "\npagez:", 1), encoding="utf-8")
    with LivePreview(manifest, tmp_path / "out", dpi=20, port=0, log=lambda msg: None) as live:
        url = live.start()
        state = _get(url + "state.json")
        assert state["broken"] and {e["code"] for e in state["errors"]} >= {"unknown-key"}
        with urllib.request.urlopen(url, timeout=10) as r:
            assert "pagez" in r.read().decode()
        manifest.write_text(good, encoding="utf-8")
        version = live.wait_version(state["version"], 30)
        state = _get(url + "state.json")
        assert version > 1 and not state["broken"] and sorted(state["pages"]) == ["1", "2", "3", "4"]
        manifest.write_text(good, encoding="utf-8")
        assert live.wait_version(version, 1.5) == version


def test_live_preview_in_headless_chromium(tmp_path):
    """Open the served preview, edit a headline on disk and see the page change without reloading,
    then break the manifest and see its diagnostic over the (last good) page."""
    pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs Playwright")
    if chromium_path() is None:
        pytest.skip("no Chromium: apt-get install chromium (scripts/test.sh does)")
    from layout.preview.serve import LivePreview

    manifest = copy_edition(SAMPLE, tmp_path)
    story = manifest.parent / "articles" / "chip-base-signing.md"  # on page 1
    with LivePreview(manifest, tmp_path / "out", dpi=DPI, overlay=True, port=0, log=lambda msg: None) as live:
        url = live.start()
        assert live.state()["pages"].keys() == {1, 2, 3, 4}
        with browser_page() as page:
            page.goto(url)
            page.wait_for_function("() => [...document.images].length >= 4 && "
                                   "[...document.images].every(i => i.complete && i.naturalWidth > 0)")
            page.goto(url + "p01.html")
            page.wait_for_function("() => document.getElementById('status').textContent.includes('实时')")
            img = "document.getElementById('page-grid-1')"  # the page with its overlay, shown by default
            page.wait_for_function(f"() => {img}.complete && {img}.naturalWidth > 0")
            before = page.evaluate(f"{img}.getAttribute('src')")
            page.evaluate("window.notReloaded = true")

            version = _get(url + "state.json")["version"]
            set_headline(story, "芯片封测基地项目签约落户新区")
            page.wait_for_function(f"() => {img}.getAttribute('src') !== {json.dumps(before)}", timeout=20000)
            page.wait_for_function(f"() => {img}.complete && {img}.naturalWidth > 0")
            assert page.evaluate("window.notReloaded === true")  # swapped in place, not reloaded
            state = _get(url + "state.json")
            assert state["version"] > version and state["rendered"] == [1] and not state["broken"]
            changed = page.evaluate(f"{img}.getAttribute('src')")

            manifest.write_text(manifest.read_text(encoding="utf-8").replace("  - section: 综合\n",
                                                                            "  - sektion: 综合\n", 1),
                                encoding="utf-8")
            page.wait_for_function("() => document.getElementById('broken').textContent.includes('unknown-key')",
                                   timeout=20000)
            banner = page.inner_text("#broken")
            assert "sektion" in banner and "issue.yaml" in banner
            assert page.is_visible("#broken") and page.is_visible("#page-grid-1")
            assert page.evaluate(f"{img}.getAttribute('src')") == changed   # the last good page stays
            assert page.evaluate("window.notReloaded === true")

            manifest.write_text(manifest.read_text(encoding="utf-8").replace("sektion:", "section:"),
                                encoding="utf-8")
            page.wait_for_function("() => document.getElementById('broken').textContent === ''", timeout=20000)

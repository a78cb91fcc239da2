"""zh-TW and zh-HK editions: the region's glyph forms in the printed PDF.

Tiny editions are built with only Debian's Noto CJK installed (LAYOUT_FONT_DIRS), once per module;
the glyph each character prints as is read back from the PDF's embedded fonts (ToUnicode ->
CID -> CIDToGIDMap -> the TrueType program's outline), so the tests see what a press would print.
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from layout.cli import main

pikepdf = pytest.importorskip("pikepdf")
NOTO = Path("/usr/share/fonts/opentype/noto")
pytestmark = pytest.mark.skipif(not (NOTO / "NotoSerifCJK-Regular.ttc").is_file(),
                                reason="Debian's fonts-noto-cjk is not installed (scripts/test.sh installs it)")

STOPS = "。，、：；！？"
BODY = ("記者林佳慧／竹北報導。縣府今天宣布，老街整修工程已經完成、將於週末開放：“歡迎大家來走走！”"
        "這是第一期工程；第二期何時動工？預計明年——如果經費到位。")


BOLD = "老街導覽每天兩場"


def _edition(folder: Path, lang: str, style: str = "tabloid") -> Path:
    """A one-story edition in `lang`; the story is Markdown, with one **bold** phrase."""
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "articles" / "a.md").write_text(f"---\nheadline: 竹北老街整修完成\n---\n{BODY}**{BOLD}**。\n",
                                              encoding="utf-8")
    (folder / "issue.yaml").write_text(f"""paper: {{name: 竹北日報}}
issue: {{number: 7, date: 2026-12-05, lang: {lang}}}
style: {style}
pages:
  - section: 要聞
    stories:
      - article: a
        columns: [1, 3]
articles:
  include: [articles/*.md]
""", encoding="utf-8")
    return folder / "issue.yaml"


def _style_with_body(folder: Path, font: str) -> str:
    """A copy of the tabloid style in `folder` whose body and headline are set in `font`."""
    text = (ROOT / "styles" / "tabloid.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(body: +\{font: )[^,]+", rf"\g<1>{font}", text)
    (folder / "locl.yaml").write_text(text, encoding="utf-8")
    return "locl.yaml"


def _glyph_boxes(pdf: Path, font_part: str) -> dict[str, list[tuple[float, float, float, float, float]]]:
    """Character -> [(xMin, yMin, xMax, yMax, advance) in em] of each glyph it prints as (its horizontal
    form, and its vertical form where vertical lines use another), in the embedded font whose name
    contains `font_part`."""
    from fontTools.ttLib import TTFont

    out = {}
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for font in page.Resources.Font.values():
                if font_part not in str(font.BaseFont):
                    continue
                cid_font = font.DescendantFonts[0]
                gids = cid_font.CIDToGIDMap.read_bytes()
                tt = TTFont(io.BytesIO(cid_font.FontDescriptor.FontFile2.read_bytes()))
                upm, order, glyf, hmtx = tt["head"].unitsPerEm, tt.getGlyphOrder(), tt["glyf"], tt["hmtx"]
                cmap = font.ToUnicode.read_bytes().decode("ascii")
                for cid, uni in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap):
                    ch = bytes.fromhex(uni).decode("utf-16-be")
                    cid = int(cid, 16)
                    gid = int.from_bytes(gids[2 * cid:2 * cid + 2], "big")
                    name = order[gid]
                    g = glyf[name]
                    box = (g.xMin / upm, g.yMin / upm, g.xMax / upm, g.yMax / upm, hmtx[name][0] / upm)
                    if g.numberOfContours and box not in out.get(ch, []):
                        out.setdefault(ch, []).append(box)
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(label) -> (PDF path, `layout build`'s printed output) for the tiny editions."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYOUT_FONT_DIRS", str(NOTO))
        for label, lang, font in (("cn-locl", "zh-CN", "Noto Serif CJK SC"), ("tw-locl", "zh-TW", "Noto Serif CJK SC"),
                                  ("tw-bundled", "zh-TW", None), ("hk-bundled", "zh-HK", None)):
            folder = tmp_path_factory.mktemp(label)
            style = _style_with_body(folder, font) if font else "tabloid"
            manifest = _edition(folder, lang, style)
            dest = folder / "out"
            code = main(["build", str(manifest), "-o", str(dest), "--pdf"])
            assert code == 0, label
            out[label] = next(dest.glob("*.pdf"))
    return out


def test_locl_gives_taiwan_forms_where_the_face_has_them(builds):
    """The same face (Noto Serif CJK SC, whose `locl` knows ZHS and ZHT) prints another 。 in zh-TW:
    a different outline, centred; zh-CN keeps the mainland form in the lower left."""
    cn = _glyph_boxes(builds["cn-locl"], "NotoSerifCJKsc")
    tw = _glyph_boxes(builds["tw-locl"], "NotoSerifCJKsc")
    for ch in "。，、":
        (cn_box,), (tw_box,) = cn[ch], tw[ch]          # horizontal lines only: one glyph each
        assert cn_box[:4] != tw_box[:4], ch
        cn_centre = (cn_box[0] + cn_box[2]) / 2 / cn_box[4]
        tw_centre = (tw_box[0] + tw_box[2]) / 2 / tw_box[4]
        assert cn_centre < 0.35, (ch, cn_centre)
        assert abs(tw_centre - 0.5) < 0.1, (ch, tw_centre)


@pytest.mark.parametrize("label,face", [("tw-bundled", "NotoSerifCJKtc"), ("hk-bundled", "NotoSerifCJKhk")])
def test_stops_are_centred_in_the_em_box(builds, label, face):
    """With the default style (bundled mainland faces), a zh-TW/zh-HK edition's body is printed in the
    region's sibling face and every stop sits in the middle of its em box, across and up."""
    boxes = _glyph_boxes(builds[label], face)
    assert set(STOPS) <= set(boxes), set(STOPS) - set(boxes)
    for ch in STOPS:
        for x0, y0, x1, y1, adv in boxes[ch]:
            assert abs((x0 + x1) / 2 / adv - 0.5) < 0.1, (ch, (x0 + x1) / 2 / adv)
            assert abs((y0 + y1) / 2 - 0.38) < 0.15, (ch, (y0 + y1) / 2)   # the em box spans -0.12 .. 0.88


def test_bold_spans_stay_bold_in_the_regional_face(builds):
    """A **bold** phrase of a zh-TW story set in the bundled Song prints in the bold TC Song (the regional
    face of serif-bold), not in the regular one."""
    bold = _glyph_boxes(builds["tw-bundled"], "NotoSerifCJKtc-Bold")
    assert set(BOLD) <= set(bold), set(BOLD) - set(bold)


def test_dashes_are_set_as_wide_as_they_print(builds):
    """The 破折号 of a TC face: the layout steps each — by the width of the glyph the PDF draws (the
    region's full-em form), so the two halves of —— neither overlap nor leave a gap."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    dashes = []

    def walk(obj):
        if isinstance(obj, LTChar) and obj.get_text() == "—" and "Serif" in obj.fontname:
            dashes.append(obj)
        for child in getattr(obj, "_objs", ()) or ():
            walk(child)

    for page in extract_pages(str(builds["tw-bundled"]), laparams=LAParams(all_texts=True)):
        walk(page)
    assert len(dashes) == 2, len(dashes)
    first, second = dashes
    (box,) = _glyph_boxes(builds["tw-bundled"], "NotoSerifCJKtc-Regular")["—"]
    assert abs(box[4] - 1.0) < 0.01                         # the printed form is a full em wide
    assert abs((second.x0 - first.x0) - first.size * box[4]) < 0.05, (second.x0 - first.x0, first.size)


def test_corner_brackets_are_the_primary_quotes(builds, tmp_path):
    """Pasted “ ” in a zh-TW story print as 「 」 (the normaliser's regional rule) in the TC face."""
    text = _glyph_boxes(builds["tw-bundled"], "NotoSerifCJKtc")
    assert "「" in text and "」" in text and "“" not in text


def test_no_regional_face_is_a_located_warning(tmp_path, monkeypatch, capsys):
    """No TC face installed: the edition still builds (bundled faces), and `check` says which faces set
    mainland forms, at the manifest's `lang:` line."""
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("LAYOUT_FONT_DIRS", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    manifest = _edition(tmp_path / "ed", "zh-TW")
    main(["check", str(manifest)])
    out = "".join(capsys.readouterr())
    line = next(i for i, text in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1) if "lang:" in text)
    found = re.findall(rf"issue\.yaml:{line}:\d+: warning\[no-regional-face\]: [^']*'(\S+)'", out)
    assert set(found) == {"serif-regular", "serif-bold", "sans-regular", "sans-bold", "kai-regular"}, out


def test_mainland_editions_keep_their_faces(builds):
    """zh-CN changes no face: the style's own (bundled Hei for the headline), no TC or HK face."""
    with pikepdf.open(builds["cn-locl"]) as doc:
        names = {str(f.BaseFont) for page in doc.pages for f in page.Resources.Font.values()}
    assert any("LayoutNotoSansSC" in n for n in names), names
    assert not any(re.search(r"CJK(tc|hk)", n) for n in names), names


# -- the zh-TW sample edition -----------------------------------------------------------------------------
TW_SAMPLE = ROOT / "issues" / "2026-12-05-tw" / "issue.yaml"


@pytest.fixture(scope="module")
def tw_sample(tmp_path_factory):
    """The zh-TW sample built as `layout build` builds it: (exit status, printed output, PDF)."""
    import contextlib
    import io as _io

    out = tmp_path_factory.mktemp("tw-sample")
    printed = _io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        status = main(["build", str(TW_SAMPLE), "-o", str(out), "--pdf"])
    return status, printed.getvalue(), next(out.glob("*.pdf"))


def test_tw_sample_builds_clean_and_preflight_passes(tw_sample):
    """0 errors, 0 warnings (the preflight's findings are among them), exit status 0."""
    status, printed, pdf = tw_sample
    assert status == 0, printed
    assert "error[" not in printed and "warning[" not in printed, printed
    assert pdf.name == "竹溪日報-2026-12-05.pdf"


def test_tw_sample_is_taiwan_set(tw_sample):
    """Page 1 is set vertically (a vertical font draws its lines), every face is a TC face, and the
    body's stops are centred, in horizontal and in vertical lines (Taiwan's vertical forms)."""
    _status, _printed, pdf = tw_sample
    with pikepdf.open(pdf) as doc:
        fonts = [page.Resources.Font for page in doc.pages]
        encodings = {str(f.Encoding) for f in fonts[0].values()}
        names = {str(f.BaseFont) for page in fonts for f in page.values()}
    assert "/Identity-V" in encodings
    assert names and all(re.search(r"CJKtc-", n) for n in names), names
    boxes = _glyph_boxes(pdf, "NotoSerifCJKtc-Regular")
    for ch in "。，、":
        for x0, y0, x1, y1, adv in boxes[ch]:
            assert abs((x0 + x1) / 2 / adv - 0.5) < 0.1 and abs((y0 + y1) / 2 - 0.38) < 0.15, ch


def test_bundled_font_recipe_skips_traditional_editions(tmp_path, monkeypatch):
    """fonts/build_fonts.py takes the sample texts' characters into the bundled (simplified) faces, but
    not those of a zh-TW/zh-HK edition, which prints in TC/HK faces."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_fonts", ROOT / "fonts" / "build_fonts.py")
    build_fonts = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_fonts", build_fonts)   # its dataclasses look their module up
    spec.loader.exec_module(build_fonts)
    for name, lang, text in (("cn", "zh-CN", "甲"), ("tw", "zh-TW", "乙"), ("hk", "'zh-HK'", "丙")):
        (tmp_path / "issues" / name).mkdir(parents=True)
        (tmp_path / "issues" / name / "issue.yaml").write_text(f"issue: {{lang: {lang}}}\n# {text}\n", encoding="utf-8")
    chars, files = build_fonts.scanned_text_chars(tmp_path)
    assert "甲" in chars and "乙" not in chars and "丙" not in chars
    assert files == ["issues/cn/issue.yaml"]

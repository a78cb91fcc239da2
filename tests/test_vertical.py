"""Vertical setting (竖排) end to end: a tiny edition with a `direction: vertical` story, built to
PDF and read back: the lines obey the same rules as horizontal ones, the glyphs are the face's
vertical forms, and text extraction reads top to bottom, right to left."""
from __future__ import annotations

import subprocess
from collections import defaultdict

import pytest

from conftest import tiny_edition
from layout.cli import main
from layout.diagnostics import Report
from layout.page.frames import GlyphRun, Mark
from layout.pipeline import prepare
from layout.text.classes import no_end, no_start

BODY = ("清晨六点，巷口的早点铺已经冒起了热气。老板娘把刚出锅的油条码进竹筐，笑着招呼第一批客人：「今天的豆浆磨得细，"
        "多喝一碗。」这条老街有近300年的历史，12月初，街坊们照例在祠堂前摆开长桌，为年过八旬的老人们祝寿。"
        "去年参加的老人有26位，今年多了3位。\n"
        "巷子深处的修表匠老陈，在这里守了40多年。他说，现在来修机械表的人少了，倒是常有年轻人拿着Apple Watch来问"
        "能不能换表带——他总是摆摆手……傍晚时分，夕阳把青石板照得发亮。孩子们放学归来，书包在身后一颠一颠，"
        "《三字经》的诵读声从院墙里飘出来，和着炊烟，慢慢散进秋天的风里。")


RIVER = ("记者从市园林局获悉，滨江步道改造工程已全部完工，今日起向市民开放。步道全长4.6公里，沿线新增休息座椅120组、"
         "直饮水点15处，并在三处观景平台设置了无障碍坡道。\n"
         "改造后的步道保留了原有的香樟林，施工中移栽的42棵老树全部成活。园林局相关负责人介绍，步道夜间照明采用暖色光源，"
         "既方便市民夜跑，也避免对江边栖息的鸟类造成干扰。")


def _indented(text: str) -> str:
    return "\n".join("      " + line for line in text.split("\n"))


def _edition(tmp_path_factory, name: str, stories: list[str], articles: dict[str, str]):
    """A one-page tabloid edition of `stories` (placement mappings) and `articles` (id -> YAML lines),
    laid out -> (its folder, Edition, Report)."""
    folder = tmp_path_factory.mktemp(name)
    manifest = tiny_edition(folder, "\n".join(f"      - {{{s}}}" for s in stories),
                            "\n".join(f"  {k}:\n{v}" for k, v in articles.items()))
    report = Report()
    return folder, prepare(manifest, report), report


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder, ed, report = _edition(
        tmp_path_factory, "vertical",
        ["article: autumn, columns: [1, 2], lines: [1, 30], direction: vertical",
         "article: river, columns: [3, 4], lines: [1, 30], headline_direction: vertical"],
        {"autumn": "    headline: 秋日里的老街巷\n    kicker: 城市记忆\n    subhead: ——记老街的四季，也记街上的人\n"
                   "    body: |\n" + _indented(BODY),
         "river": "    headline: 滨江步道今起开放\n    body: |\n" + _indented(RIVER)})
    out = folder / "out"
    assert main(["build", str(folder / "issue.yaml"), "-o", str(out), "--pdf"]) == 0
    return ed, report, next(out.glob("*.pdf"))


def _body_lines(ed):
    """The vertical story's body lines from the frame, right to left: [(x, [(y, text, run)])], each
    glyph under the line whose middle is nearest (a 縦中横 number's glyphs stand beside it)."""
    pitch = ed.style.grid.pitch
    cols: dict[float, list] = defaultdict(list)
    for it in ed.frames[0].items:
        if not (isinstance(it, GlyphRun) and it.role == "body" and it.writing in ("v", "r", "t")):
            continue
        if it.writing == "t":
            glyphs = [(it.y - 0.88 * it.size, it.text, it, sum(it.xs) / len(it.xs) + 0.25 * it.size)]
        else:
            shift = 0.38 * it.size if it.writing == "r" else 0.0
            glyphs = [(y, ch, it, x + shift) for ch, x, y in zip(it.text, it.xs, it.ys)]
        for y, text, run, middle in glyphs:
            key = next((k for k in cols if abs(k - middle) < 0.4 * pitch), middle)
            cols[key].append((y, text, run))
    return [(key, sorted(cols[key], key=lambda g: g[0])) for key in sorted(cols, reverse=True)]


def test_vertical_story_builds_clean(built):
    ed, report, _pdf = built
    codes = [d.code for d in report.errors]
    assert codes == []
    assert any(isinstance(m, Mark) and m.kind == "vertical-grid" for m in ed.frames[0].items)


def test_vertical_lines_obey_the_line_rules(built):
    ed, _report, _pdf = built
    lines = _body_lines(ed)
    assert len(lines) >= 4
    text = ["".join(ch for _y, ch, _r in glyphs) for _x, glyphs in lines]
    ns, ne = no_start("gb"), no_end("gb")
    for i, line in enumerate(text):
        if i:
            assert line[0] not in ns, f"line {i + 1} starts with {line[0]}: {line}"
        assert line[-1] not in ne, f"line {i + 1} ends with {line[-1]}: {line}"
    for a, b in zip(text, text[1:]):   # —— and …… never split across lines
        assert not (a.endswith("—") and b.startswith("—")) and not (a.endswith("…") and b.startswith("…"))
    joined = "".join(text)
    assert "——" in joined and "……" in joined


def test_vertical_lines_on_one_grid_and_justified(built):
    """Every line one body pitch from the next (the character grid runs through), and every full
    line ends at the same foot: the last glyph's em box (½ em for a mark set half) meets it."""
    ed, _report, _pdf = built
    g = ed.style.grid
    lines = _body_lines(ed)
    xs = [x for x, _ in lines]
    for a, b in zip(xs, xs[1:]):
        assert abs((a - b) - g.pitch) <= 1.0, f"line pitch {a - b} != {g.pitch}"
    tops = {round(glyphs[0][0], 1) for _x, glyphs in lines}
    assert len(tops) == 2, f"lines start at the top or at the 2 em indent only: {tops}"
    from layout.fonts.registry import load_face

    feet = []
    top = min(glyphs[0][0] for _x, glyphs in lines)
    for (_x, glyphs), (_nx, following) in zip(lines, lines[1:]):
        y, ch, run = glyphs[-1]
        if abs(following[0][0] - (top + 2 * g.char)) < 0.01:
            continue   # the last line of a paragraph (the next opens at the 2 em indent) stays natural
        if run.writing == "t":
            advance = g.char
        elif run.writing == "r":
            advance = load_face(run.font).advance(ch) * run.size
        else:
            advance = (0.5 if ch in "，、。；：！？」』）》" else 1.0) * run.size   # a line-end mark is set half
        feet.append(y + advance)
    assert len(feet) >= 3
    assert max(feet) - min(feet) <= 0.05, feet


def test_tcy_and_rotated_latin(built):
    ed, _report, _pdf = built
    runs = [it for it in ed.frames[0].items if isinstance(it, GlyphRun) and it.role == "body"]
    tcy = [r for r in runs if r.text == "12"]
    assert tcy and tcy[0].writing == "t" and tcy[0].xs[0] < tcy[0].xs[1]   # upright, side by side
    rotated = "".join(r.text for r in runs if r.writing == "r")
    assert "Apple" in rotated and "300" in rotated   # a Latin word and a long number on their side
    assert "12" not in rotated and "26" not in rotated


def test_pdf_uses_vertical_forms_and_extracts_in_reading_order(built):
    import pikepdf
    import uharfbuzz as hb

    _ed, _report, pdf_path = built
    pdf = pikepdf.open(pdf_path)
    fonts = pdf.pages[0].Resources.Font
    vertical = [fonts[k] for k in fonts.keys() if fonts[k].Encoding == "/Identity-V"]
    assert vertical
    horizontal = {str(fonts[k].BaseFont): fonts[k] for k in fonts.keys() if fonts[k].Encoding == "/Identity-H"}
    # the 。 of a vertical line is drawn with a glyph other than the horizontal 。: ink upper right
    found = False
    for font in vertical:
        descendant = font.DescendantFonts[0]
        to_unicode = font.ToUnicode.read_bytes().decode()
        cids = [int(line[1:5], 16) for line in to_unicode.splitlines() if line.endswith("<3002>")]
        if len(cids) < 2:
            continue
        cmap = descendant.CIDToGIDMap.read_bytes()
        gids = [int.from_bytes(cmap[c * 2:c * 2 + 2], "big") for c in cids]
        assert gids[0] != gids[1]
        program = descendant.FontDescriptor.FontFile2.read_bytes()
        hb_font = hb.Font(hb.Face(hb.Blob(program)))
        vertical_stop = hb_font.get_glyph_extents(gids[1])
        assert vertical_stop.x_bearing > 500 and vertical_stop.y_bearing > 500   # upper right of the em box
        found = True
    assert found and horizontal
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "").replace(" ", "")
    first = BODY.split("\n")[0]
    # reading order: the first paragraph's text up to the first 縦中横 number, line after line
    assert first[:first.index("。」") + 2] in text
    assert "12月初，街坊们" in text and "老人有26位，今年多了3位。" in text   # 縦中横 numbers in their place
    assert "他总是摆摆手……傍晚时分，夕阳把青石板照得发亮。" in text


def test_marks_of_a_face_without_vertical_forms_come_from_one_with_them(built):
    """The subhead's face (LXGW WenKai) has no `vert`: its ——, ， are set in a face that turns them."""
    from layout.fonts.registry import load_face
    from layout.fonts.vertical import has_vertical_forms

    ed, _report, _pdf = built
    runs = [it for it in ed.frames[0].items if isinstance(it, GlyphRun) and it.role == "subhead"]
    assert runs and all(r.writing == "v" for r in runs)
    assert any("—" in r.text for r in runs) and any("，" in r.text for r in runs)
    for run in runs:
        if any(ch in run.text for ch in "—，"):
            assert has_vertical_forms(load_face(run.font)), run
        else:
            assert run.font == ed.style.role("subhead").font


def test_vertical_headline_beside_horizontal_text(built):
    """headline_direction: vertical: the 竖题 stands in the story's right column from its top, and
    the body starts at the top of the columns beside it (not under it)."""
    ed, _report, _pdf = built
    g, style = ed.style.grid, ed.style
    right_col = style.margin_left + g.column_x(4)
    left_col = style.margin_left + g.column_x(3)
    top = style.margin_top
    items = ed.frames[0].items
    head = [it for it in items if isinstance(it, GlyphRun) and it.role == "headline" and it.text[0] in "滨江步道"]
    assert head and all(r.writing == "v" for r in head)
    assert all(right_col <= x <= right_col + g.column_width for r in head for x in r.xs)
    assert abs(min(r.ys[0] for r in head) - top) < 0.5
    body = [it for it in items if isinstance(it, GlyphRun) and it.role == "body" and it.writing == "h"
            and left_col - 0.1 <= it.xs[0] < left_col + g.column_width]
    assert body and min(r.y for r in body) < top + g.pitch   # the text starts on the region's first line


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """A style with vertical 栏 of 12 characters, a vertical story with a photo and a jump asked for."""
    from PIL import Image

    from layout import STYLES_DIR

    folder = tmp_path_factory.mktemp("vertical-split")
    style = (STYLES_DIR / "tabloid.yaml").read_text(encoding="utf-8")
    (folder / "split.yaml").write_text(style + "\nvertical: {column_chars: 12, gutter_chars: 2, tcy_max: 2, "
                                               "headline_size: 一号, widths: 3}\n", encoding="utf-8")
    Image.new("RGB", (600, 400), (120, 140, 160)).save(folder / "lane.jpg", dpi=(300, 300))
    (folder / "issue.yaml").write_text(f"""
paper: {{name: 新区时报}}
issue: {{number: 7, date: 2026-11-27}}
style: split.yaml
pages:
  - section: 副刊
    stories:
      - {{article: autumn, columns: [1, 2], lines: [1, 40], direction: vertical, continue_on: 2}}
  - section: 副刊
    stories:
      - {{article: autumn, columns: [1, 3], lines: [1, 20], continued: true}}
articles:
  autumn:
    headline: 秋日里的老街巷
    photos: [{{file: lane.jpg, caption: 老街一角}}]
    body: |
{_indented(BODY)}
""", encoding="utf-8")
    report = Report()
    ed = prepare(folder / "issue.yaml", report)
    return ed, report


def test_vertical_columns_keep_the_character_grid(split):
    """Vertical 栏 of `column_chars` characters, stacked: every 栏's lines stand at the same x, and
    no line is longer than the 栏."""
    ed, _report = split
    g = ed.style.grid
    runs = [it for it in ed.frames[0].items if isinstance(it, GlyphRun) and it.role == "body" and it.writing == "v"]
    tops = sorted({round(min(r.ys), 1) for r in runs})
    grid_marks = [m for m in ed.frames[0].items if isinstance(m, Mark) and m.kind == "vertical-grid"]
    assert len(grid_marks) >= 2 and all(abs(m.h - 12 * g.char) < 0.01 for m in grid_marks)
    lans = [m.y for m in grid_marks]
    assert abs((lans[1] - lans[0]) - 14 * g.char) < 0.01           # 12 characters and a 2-character gap
    xs_by_lan = defaultdict(set)
    for r in runs:
        lan = max(i for i, y in enumerate(lans) if r.ys[0] >= y - 0.01)
        end = r.ys[-1] + (0.5 if r.text[-1] in "，、。；：！？」』）》" else 1.0) * r.size   # a mark at the foot is half
        assert end <= lans[lan] + 12 * g.char + 0.01   # inside its 栏
        xs_by_lan[lan].add(round(r.xs[0], 2))
    assert len(xs_by_lan) >= 2 and tops
    first, second = sorted(xs_by_lan[0]), sorted(xs_by_lan[1])
    assert set(second) <= set(first)                                 # the same x pitch in every 栏


def test_a_fixed_vertical_region_with_room_left_says_underset(built):
    """The vertical story's region (2 columns × 30 lines) holds more lines than its text fills."""
    _ed, report, _pdf = built
    under = [d for d in report.warnings if d.code == "underset" and "'autumn'" in d.message]
    assert under and "vertical lines empty" in under[0].message


def test_vertical_headline_size_from_the_style(split):
    ed, _report = split
    head = [it for it in ed.frames[0].items if isinstance(it, GlyphRun) and it.role == "headline"]
    assert head and {r.size for r in head} == {26.0}   # vertical.headline_size: 一号


def test_vertical_limits_are_said(split):
    _ed, report = split
    codes = {d.code for d in report.warnings}
    assert {"vertical-jump", "vertical-photo", "bad-style"} <= codes   # and `widths` is an unknown key
    assert any("vertical.widths" in d.message for d in report.warnings)


@pytest.fixture(scope="module")
def free(tmp_path_factory):
    """Free-height vertical stories (no `lines`): one with room, one whose headline cannot fit."""
    _folder, ed, report = _edition(
        tmp_path_factory, "vertical-free",
        ["article: autumn, columns: [1, 3], direction: vertical",
         "article: narrow, columns: [5, 5], lines: [1, 6], direction: vertical"],
        {"autumn": "    headline: 秋日里的老街巷\n    body: |\n" + _indented(BODY),
         "narrow": "    headline: 这是一个非常非常长的标题需要折成好几行才能放得下的竖排标题\n    body: 正文两句。第二句话。"})
    return ed, report


def test_free_vertical_story_takes_whole_columns_of_twice_the_grid(free):
    """Without `lines`, a vertical story's lines are twice a grid column's characters long (26 in
    the tabloid), in as few vertical 栏 as hold the text, and the region ends under the last."""
    ed, report = free
    g = ed.style.grid
    region = next(m for m in ed.frames[0].items if isinstance(m, Mark) and m.kind == "region" and m.label == "autumn")
    marks = [m for m in ed.frames[0].items if isinstance(m, Mark) and m.kind == "vertical-grid"
             and region.x <= m.x < region.x + region.w]
    assert marks and all(abs(m.h - 2 * g.column_chars * g.char) < 0.01 for m in marks)
    bottom = marks[-1].y + marks[-1].h
    assert bottom <= region.y + region.h + 0.01 and region.y + region.h - bottom < 2 * g.pitch
    assert not [d for d in report.errors if "autumn" in d.message]


def test_headline_wider_than_its_region_is_an_error(free):
    _ed, report = free
    wide = [d for d in report.errors if d.code == "vertical-headline-wide"]
    assert wide and "narrow" in wide[0].message and wide[0].source is not None


def test_overlay_draws_the_vertical_grid(built):
    """The preview overlay draws each vertical 栏's line edges in the region colour."""
    from PIL import Image as PILImage

    from layout.render.preview import REGION, draw_overlay

    ed, _report, _pdf = built
    frame = ed.frames[0]
    scale = 2.0
    blank = PILImage.new("RGB", (round(frame.width * scale), round(frame.height * scale)), "white")
    out = draw_overlay(blank, frame, ed.style, scale)
    mark = next(m for m in frame.items if isinstance(m, Mark) and m.kind == "vertical-grid")
    pitch = float(mark.label)
    y = round((mark.y + mark.h / 2) * scale)
    for k in (1, 2):   # inner line edges, away from the region's own outline
        x = round((mark.x + k * pitch) * scale)
        pixel = max((out.getpixel((x + d, y)) for d in (-1, 0, 1)), key=lambda p: p[0] - p[1])
        assert pixel[0] > 150 and pixel[1] < 100, pixel   # REGION magenta
    assert REGION[:3] == (200, 0, 150)

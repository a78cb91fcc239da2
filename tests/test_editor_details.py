"""Details an editor trips over (issue 15: defects 6, 8, 9, 11, 13, 14 and minors; issue 20: a file
name with a space): each test builds a small edition as an editor would write it and checks what
the editor would look at (the printed text, the diagnostic and its hint, the EPUB, the overlay)."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, tiny_edition
from layout.cli import main
from layout.diagnostics import Report
from layout.page.frames import GlyphRun, Mark
from layout.pipeline import prepare

SAMPLE_DIR = ROOT / "issues" / "2026-11-27"


def _edition(tmp_path: Path, stories: str, articles: str, paper: str = "{name: 东湖晚报}", pages_extra: str = "",
             masthead: bool = False) -> Path:
    return tiny_edition(tmp_path, stories, articles, pages_extra, paper=paper, number=312, date="2026-12-06",
                        masthead=masthead)


def _prepare(manifest: Path):
    report = Report()
    edition = prepare(manifest, report)
    return edition, report


def _texts(frame, role: str | None = None) -> list[str]:
    return [r.text for r in frame.items if isinstance(r, GlyphRun) and (role is None or r.role == role)]


def _check(manifest: Path, capsys) -> list[dict]:
    main(["check", "--json", str(manifest)])
    return json.loads(capsys.readouterr().out)


# -- 6. 主办 is printed once --------------------------------------------------------------------

def test_publisher_credit_says_zhuban_once(tmp_path):
    for k, publisher in enumerate(["中共东湖区委主办", "东湖晚报社"]):   # already says 主办, or not
        manifest = _edition(tmp_path / str(k), "      - {article: a, columns: [1, 5]}",
                            "  a: {headline: 标题, body: 正文。}",
                            paper=f"{{name: 东湖晚报, publisher: {publisher}, registration: CN 36-0001}}", masthead=True)
        edition, _report = _prepare(manifest)
        edition_line = "".join(_texts(edition.frames[0], "edition_line"))
        assert edition_line.count("主办") == 1
        assert publisher.removesuffix("主办") + "主办" in edition_line


# -- 11. an article file whose name cannot be an id ------------------------------------------------

@pytest.mark.parametrize("name, suggestion", [("地铁快讯", "ditiekuaixun"), ("night news", "night-news")])
def test_article_file_with_an_unusable_name_is_named_with_a_suggestion(tmp_path, capsys, name, suggestion):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / f"{name}.md").write_text("---\nheadline: 地铁5号线东湖段隧道贯通\n---\n隧道贯通。\n",
                                                      encoding="utf-8")
    manifest = _edition(tmp_path, f"      - {{article: '{name}', columns: [1, 2]}}", "  include: [articles/*.md]")
    diags = [d for d in _check(manifest, capsys) if d["severity"] == "error"]
    assert len(diags) == 1, diags                  # one error for one cause, at the file itself
    (d,) = diags
    assert d["code"] == "bad-id"
    assert d["source"]["file"].endswith(f"articles/{name}.md") and d["source"]["line"] == 1
    assert "ASCII" in d["hint"] and f"{suggestion}.md" in d["hint"] and f"article: {suggestion}" in d["hint"]
    assert "issue.yaml:" in d["message"]             # and where the include pattern that found it is


# -- 15. a missing photo suggests the file that is there ---------------------------------------------

def test_missing_photo_suggests_the_similarly_named_file(tmp_path, capsys):
    from PIL import Image as PILImage

    (tmp_path / "images").mkdir()
    PILImage.new("RGB", (1200, 800), "gray").save(tmp_path / "images" / "Tunnel-Site.JPG")
    articles = """  a:
    headline: 隧道贯通
    body: 隧道贯通。
    photos: [{file: images/tunnel-site.jpg, caption: 施工现场。}]"""
    manifest = _edition(tmp_path, "      - {article: a, columns: [1, 2]}", articles)
    (d,) = [d for d in _check(manifest, capsys) if d["code"] == "missing-image"]
    assert "images/Tunnel-Site.JPG" in d["hint"]


# -- 9. the font-not-found hint names a command that lists installed faces ------------------------

def test_font_not_found_hint_leads_to_the_installed_faces(tmp_path, capsys, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(ROOT / "fonts" / "kai-regular.ttf", fonts / "newsroom-kai.ttf")   # "Layout WenKai Regular"
    monkeypatch.setenv("LAYOUT_FONT_DIRS", str(fonts))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    style = (ROOT / "styles" / "tabloid.yaml").read_text(encoding="utf-8")
    style = style.replace("byline:       {font: kai-regular", "byline:       {font: Layout WenKai Regualr")
    (tmp_path / "paper.yaml").write_text(style, encoding="utf-8")
    manifest = _edition(tmp_path, "      - {article: a, columns: [1, 2]}", "  a: {headline: 标题, body: 正文。}")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("style: tabloid", "style: paper.yaml"),
                        encoding="utf-8")
    (d,) = [d for d in _check(manifest, capsys) if d["code"] == "font-not-found"]
    assert "did you mean 'Layout WenKai Regular'" in d["hint"]
    assert "layout fonts --installed" in d["hint"]
    # and the command the hint names lists the installed face, by the name a style gives it
    assert main(["fonts", "--installed", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["installed"]
    (face,) = listed
    assert (Path(face["file"]).name, face["han"], face["class"]) == ("newsroom-kai.ttf", True, "kai")
    assert "Layout WenKai Regular" in face["names"]
    assert main(["fonts", "--installed"]) == 0
    assert face["name"] in capsys.readouterr().out


# -- 13. a 报眼 that leaves the masthead too narrow for its edition line -----------------------------

_PUBLISHER = "{name: 东湖晚报, publisher: 中共东湖区委宣传部东湖晚报社主办, registration: CN 36-0001}"


def _with_ear(tmp_path: Path, ear_columns: str) -> Path:
    stories = f"""      - {{article: ear, columns: {ear_columns}, lines: [1, 14], box: true}}
      - {{article: lead, columns: [1, 5]}}"""
    articles = """  ear: {headline: 天气, body: 今天晴，最高气温12摄氏度。}
  lead: {headline: 地铁5号线东湖段隧道全线贯通, body: 隧道全线贯通。}"""
    return _edition(tmp_path, stories, articles, paper=_PUBLISHER, masthead=True)


def test_masthead_too_narrow_for_its_edition_line_is_a_located_warning(tmp_path, capsys):
    manifest = _with_ear(tmp_path, "[3, 5]")
    (d,) = [d for d in _check(manifest, capsys) if d["code"] == "masthead-narrow"]
    assert d["severity"] == "warning"
    assert d["source"]["line"] == 9                       # the 报眼's placement
    assert "2 columns wide" in d["message"] and "needs 3" in d["message"]
    # the edition line breaks between its parts, never inside one (「中共」 / 「东湖区委…」)
    edition, _ = _prepare(manifest)
    rows: dict[float, str] = {}
    for run in (r for r in edition.frames[0].items if isinstance(r, GlyphRun) and r.role == "edition_line"):
        rows[run.y] = rows.get(run.y, "") + run.text
    parts = ["2026年12月6日", "星期日", "总第312期", "国内统一连续出版物号CN36-0001", "中共东湖区委宣传部东湖晚报社主办"]
    for text in rows.values():
        flat = text.replace(" ", "").replace("\u3000", "")
        assert any(flat.startswith(p) for p in parts) and any(flat.endswith(p) for p in parts), rows
    # an ear that leaves the masthead the 3 columns it needs: no warning
    wide = _with_ear(tmp_path / "wide", "[4, 5]")
    assert not [d for d in _check(wide, capsys) if d["code"] == "masthead-narrow"]



# -- 8. the 落款 and the hard line break -------------------------------------------------------------

_NOTICE = """因东湖大道供水管网改造施工，定于12月9日8时至20时对东湖大道沿线部分区域临时停水。请相关单位和居民提前做好储水准备。

      停水范围：东湖大道（湖滨路至青山路段）两侧小区及商户。\\
      咨询电话：0791-88886666。

      给您带来不便，敬请谅解。
"""


def _notice(tmp_path: Path, closing: str) -> Path:
    articles = f"""  notice:
    headline: 东湖大道临时停水通告
    body: |
      {_NOTICE}
{closing}"""
    return _edition(tmp_path, "      - {article: notice, columns: [1, 1], lines: [1, 40]}", articles)


def _rows(frame, role):
    """(baseline, text, left x, right x of the last glyph) of each line set in `role`."""
    rows = {}
    for r in (r for r in frame.items if isinstance(r, GlyphRun) and r.role == role):
        y, text, left, right = rows.get(r.y, (r.y, "", r.xs[0], 0.0))
        rows[r.y] = (y, text + r.text, min(left, r.xs[0]), max(right, r.xs[-1] + r.size))
    return sorted(rows.values())


def test_signature_block_is_set_right_aligned_two_characters_in_line_by_line(tmp_path, capsys):
    manifest = _notice(tmp_path, "      ::: 落款\n      东湖区水务局\n      2026年12月6日\n      :::")
    assert not [d for d in _check(manifest, capsys) if d["code"] == "paragraph-unfinished"]
    edition, _ = _prepare(manifest)
    frame, g = edition.frames[0], edition.style.grid
    column_right = edition.style.margin_left + g.column_width
    rows = _rows(frame, "signature")
    assert [t.replace(" ", "") for _y, t, _l, _r in rows] == ["东湖区水务局", "2026年12月6日"]
    size = edition.style.role("signature").size
    for _y, _text, _left, right in rows:   # 右空二字: two of its characters short of the column's edge
        assert right == pytest.approx(column_right - 2 * size, abs=0.6)
    # on consecutive grid lines, right under the last line of the text they close
    body = _rows(frame, "body")
    assert rows[0][0] - body[-1][0] == pytest.approx(g.pitch) and rows[1][0] - rows[0][0] == pytest.approx(g.pitch)


def test_signature_lines_run_together_get_a_hint_that_says_so(tmp_path, capsys):
    manifest = _notice(tmp_path, "      东湖区水务局\n      2026年12月6日")
    (d,) = [d for d in _check(manifest, capsys) if d["code"] == "paragraph-unfinished"]
    assert "::: 落款" in d["hint"] and "join it with the next one" not in d["hint"]


def test_a_trailing_backslash_breaks_the_line(tmp_path):
    edition, _ = _prepare(_notice(tmp_path, ""))
    left = edition.style.margin_left
    body = _rows(edition.frames[0], "body")
    (after,) = [row for row in body if row[1].startswith("咨询电话")]
    before = body[body.index(after) - 1]
    assert before[1].endswith("商户。")               # the line ends where the editor ended it
    assert after[2] == pytest.approx(left, abs=0.01)  # and the next starts at the column's edge, not indented


def test_signature_and_hard_break_in_the_epub(tmp_path):
    manifest = _notice(tmp_path, "      ::: 落款\n      东湖区水务局\n      2026年12月6日")
    assert main(["build", str(manifest), "-o", str(tmp_path / "out"), "--epub"]) == 0
    (epub,) = (tmp_path / "out").glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith("-notice.xhtml"))
        doc = etree.fromstring(z.read(name))
        css = z.read(next(n for n in z.namelist() if n.endswith("edition.css"))).decode()
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    (sig,) = doc.findall(".//h:p[@class='signature']", ns)
    assert sig.text == "东湖区水务局" and [br.tail for br in sig.findall("h:br", ns)] == ["2026年12月6日"]
    (broken,) = [p for p in doc.findall(".//h:p", ns) if p.find("h:br", ns) is not None and p.get("class") is None]
    assert broken.text.endswith("商户。") and broken.find("h:br", ns).tail.startswith("咨询电话")
    assert "p.signature" in css and "text-align: right" in css.split("p.signature", 1)[1].split("}")[0]


def test_lines_that_keep_together_move_to_the_next_column_together():
    from layout.page.story import Slot, keep_together

    slots = [Slot(None, "body")] * 9 + [Slot(None, "signature", keep=True)] * 2
    # 10 lines fit the first column: the 落款 would be split, its second line alone at the top of column 2
    moved = keep_together(slots, {1: 10, 2: 1}, {1: 10, 2: 10}, [1, 2])
    assert moved == {1: 8, 2: 3}        # the 落款 and the line it closes go over together
    assert keep_together(slots, {1: 11, 2: 0}, {1: 11, 2: 10}, [1, 2]) == {1: 11, 2: 0}


# -- 14. advertisements in the EPUB ------------------------------------------------------------------

def test_ads_are_in_the_epub_as_figures_with_their_alt_text(tmp_path, monkeypatch):
    from PIL import Image as PILImage
    from reportlab.pdfgen import canvas

    from epub_tools import Book, EpubCheck

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "images").mkdir()
    PILImage.new("RGB", (1800, 600), (200, 30, 30)).save(tmp_path / "images" / "bank.png")
    c = canvas.Canvas(str(tmp_path / "images" / "bakery.pdf"), pagesize=(600, 300))
    c.setFillColorRGB(0.1, 0.3, 0.8)
    c.rect(10, 10, 580, 280, fill=1)
    c.save()
    stories = """      - {article: lead, columns: [1, 5], lines: [1, 30]}
      - {ad: images/bank.png, alt: 东湖农商银行冬季存款广告：红底白字“存款有礼”, columns: [1, 5], lines: [32, 50]}
      - {article: second, columns: [1, 5], lines: [52, 70]}
      - {ad: images/bakery.pdf, alt: 湖畔烘焙店开业广告：蓝底上写着“全场八折”, columns: [1, 5], lines: [72, 86]}"""
    articles = """  lead: {headline: 地铁5号线东湖段隧道全线贯通, body: 隧道全线贯通。}
  second: {headline: 冬季招聘会提供岗位3200个, body: 招聘会提供岗位3200个。}"""
    manifest = _edition(tmp_path, stories, articles)
    assert main(["build", str(manifest), "-o", str(tmp_path / "out")]) == 0
    (epub,) = (tmp_path / "out").glob("*.epub")
    book = Book(epub.read_bytes())
    texts = [href for href in book.spine if href.startswith("text/")]
    kinds = []
    for href in texts:
        doc = book.xml(href)
        aside = doc.find(".//{http://www.w3.org/1999/xhtml}aside")
        if aside is None:
            kinds.append("story")
            continue
        kinds.append("ad")
        assert aside.get("class") == "ad" and aside.get("aria-label") == "广告"
        img = aside.find(".//{http://www.w3.org/1999/xhtml}img")
        src = (Path(href).parent / img.get("src")).as_posix().replace("text/../", "")
        with PILImage.open(__import__("io").BytesIO(book.read(src))) as im:
            assert im.size == (int(img.get("width")), int(img.get("height")))
        kinds[-1] = img.get("alt")
    # in the print's reading order, each with the alt text the manifest gives it
    assert kinds == ["story", "东湖农商银行冬季存款广告：红底白字“存款有礼”", "story", "湖畔烘焙店开业广告：蓝底上写着“全场八折”"]
    assert "alternativeText" in book.meta("schema:accessibilityFeature")
    assert "不含广告" not in book.meta("schema:accessibilitySummary")[0]
    check = EpubCheck.start({"ads": epub}, tmp_path)
    if isinstance(check, str):
        pytest.skip(check)
    checker = check.results()["ads"]["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)


# -- 15. the overlay's id tags hide no text -------------------------------------------------------

def test_overlay_id_tags_leave_headlines_readable(tmp_path):
    import layout.render.preview as pv

    stories = """      - {article: lead, columns: [1, 2], lines: [1, 40]}
      - {article: next-door, columns: [3, 4], lines: [1, 40]}
      - {article: below, columns: [1, 4], lines: [42, 80]}"""
    body = "全区中小学冬季长跑活动日前启动，各校结合实际安排每天一小时的户外锻炼时间。" * 6
    articles = f"""  lead: {{headline: 全区中小学冬季长跑活动今日在东湖体育中心启动, body: {body}}}
  next-door: {{headline: 冬季招聘会提供岗位3200个, body: {body}}}
  below: {{headline: 地铁5号线东湖段隧道全线贯通 沿线居民出行将更便捷, body: {body}}}"""
    edition, report = _prepare(_edition(tmp_path, stories, articles))
    frame, dpi = edition.frames[0], 100
    (plain,) = pv.rasterize(pv.edition_pdf(edition, edition.frames, report), dpi)
    scale = dpi / 72
    overlay = pv.draw_overlay(plain, frame, edition.style, scale)

    def tag_colour(image, box) -> float:   # share of the box in the tags' (and outlines') opaque colour
        pixels = [image.getpixel((x, y)) for x in range(box[0], box[2]) for y in range(box[1], box[3])]
        return sum(1 for p in pixels if p == pv.REGION[:3]) / len(pixels)

    heads = [r for r in frame.items if isinstance(r, GlyphRun) and r.role == "headline"]
    first_lines = {}
    for r in heads:   # the first line of each story's headline
        first_lines.setdefault(round(min(r.xs)) // 100, r)
    assert len(first_lines) >= 2
    for run in first_lines.values():
        for x in run.xs[:2]:   # its first two characters: covered at most by the region's 2 px outline
            box = (round(x * scale), round((run.y - 0.88 * run.size) * scale),
                   round((x + run.size) * scale), round((run.y + 0.12 * run.size) * scale))
            assert tag_colour(plain, box) == 0
            assert tag_colour(overlay, box) < 0.1, f"the overlay hides '{run.text[:2]}'"
    # and every region still has its tag, in the region's colour
    tags = sum(1 for x in range(overlay.width) for y in range(0, overlay.height, 2) if overlay.getpixel((x, y)) == (200, 0, 150))
    assert tags > 300


def test_an_unknown_block_name_is_a_located_warning(tmp_path, capsys):
    manifest = _notice(tmp_path, "      ::: signatur\n      东湖区水务局\n      :::")
    (d,) = [d for d in _check(manifest, capsys) if d["code"] == "unknown-block"]
    assert d["severity"] == "warning" and "did you mean 'signature'" in d["hint"]
    assert d["source"]["line"] == 22        # the ":::" line itself


def test_an_inline_article_id_that_is_not_ascii_gets_a_name_to_use(tmp_path, capsys):
    manifest = _edition(tmp_path, "      - {article: 地铁快讯, columns: [1, 2]}",
                        "  地铁快讯: {headline: 地铁5号线东湖段隧道贯通, body: 隧道贯通。}")
    (d,) = [d for d in _check(manifest, capsys) if d["code"] == "bad-id"]
    assert "'ditiekuaixun'" in d["hint"] and d["source"]["line"] == 12


def test_a_notices_salutation_ending_in_a_colon_is_a_whole_paragraph(tmp_path, capsys):
    """各位市民： on a line of its own opens a notice: no `paragraph-unfinished` warning for it (a
    hurried editor's 停水通知 got one, with a hint to join it to the next paragraph)."""
    articles = """  notice:
    headline: 停水检修通知
    body: |
      各位市民：

      因管网检修，城区部分路段12月15日停水一天。

      具体安排如下：

      人民路、解放街全天停水。
"""
    manifest = _edition(tmp_path, "      - {article: notice, columns: [1, 2], lines: [1, 40]}", articles)
    assert not [d for d in _check(manifest, capsys) if d["code"] == "paragraph-unfinished"]

"""The web edition (`layout build --web`, layout/web/): for both sample editions, the files of
every page and article, every story reachable from its page view by a region named by its
headline, the regions where the layout put the stories, every Han character of the stories in
the article pages, nothing fetched from outside, escaping, two builds byte-identical, and a
failed write that leaves the previous web/ as it was. No browser here (tests/test_web_browser.py
clicks through it in Chromium).

Each sample is laid out and built once (module fixture), the tabloid a second time through the
command line for the byte comparison.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
from lxml import html as lxml_html

from conftest import EDITIONS, SIMPLIFIED_ONLY, tiny_edition
from layout.cli import _parser, main
from layout.diagnostics import Report
from layout.outputs import OutputError, OutputSet
from layout.page.frames import Anchor, Mark
from layout.pipeline import BuildOptions, build, prepare

IDS = [m.parent.name for m in EDITIONS]


@dataclass
class Built:
    edition: object
    web: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Built]:
    out = {}
    for manifest, key in zip(EDITIONS, IDS):
        report = Report()
        edition = prepare(manifest, report)
        folder = tmp_path_factory.mktemp(key)
        written = build(edition, folder, report, BuildOptions(epub=False, web=True))
        assert folder / "web" in written, report.format() if hasattr(report, "format") else report.items
        out[key] = Built(edition, folder / "web")
    return out


def _parse(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def _story_placements(edition):
    """(page number, article id, continued) of every story placement of the manifest."""
    return [(p.number, pl.article, pl.continued) for p in edition.issue.pages for pl in p.placements
            if pl.kind == "article" and pl.article in edition.issue.articles]


def _target(page_file: Path, href: str) -> tuple[Path, str]:
    path, fragment = urldefrag(href)
    return (page_file.parent / unquote(path)).resolve() if path else page_file.resolve(), fragment


# -- files ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", IDS)
def test_every_page_and_article_has_its_files(built, key):
    b = built[key]
    summary = json.loads((b.web / "edition.json").read_text(encoding="utf-8"))
    issue = b.edition.issue
    assert [p["number"] for p in summary["pages"]] == [p.number for p in issue.pages]
    assert summary["date"] == issue.info.date.isoformat() and summary["lang"] == issue.info.lang
    for page in summary["pages"]:
        for name in ("url", "image", "small_image", "pdf"):
            assert (b.web / page[name]).is_file(), page[name]
        assert page["label"] == f"第{page['number']:02d}版：{page['section']}"
    stories = {a["id"]: a for a in summary["articles"] if a["kind"] == "story"}
    assert set(stories) == {art for _n, art, _c in _story_placements(b.edition)}
    for art in summary["articles"]:
        assert (b.web / art["url"]).is_file()
        model = issue.articles.get(art["id"])
        if model:
            assert art["headline"] == model.headline.replace("\n", " ")
            assert "".join(p.text for p in model.paragraphs).replace("\n", "") in art["text"].replace("\n", "")


def test_page_pdfs_have_one_page_each(built):
    import pypdfium2 as pdfium

    b = built[IDS[0]]
    for page in b.edition.issue.pages:
        doc = pdfium.PdfDocument(str(next((b.web / "pdf").glob(f"*-p{page.number:02d}.pdf"))))
        assert len(doc) == 1
        doc.close()


# -- page views -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", IDS)
def test_every_story_is_reachable_from_its_page_view_by_a_region_named_by_its_headline(built, key):
    b = built[key]
    for number, article_id, continued in _story_placements(b.edition):
        page_file = b.web / f"page-{number:02d}.html"
        doc = _parse(page_file)
        headline = b.edition.issue.articles[article_id].headline.replace("\n", " ")
        hits = []
        for link in doc.xpath("//a[contains(concat(' ', @class, ' '), ' region ')]"):
            target, _ = _target(page_file, link.get("href"))
            article = _parse(target)
            if article.xpath("string(//h1)") == headline:
                hits.append(link)
        assert len(hits) == 1, f"page {number}: {article_id} has {len(hits)} regions"
        name = hits[0].text_content()
        assert name.startswith(headline)
        assert ("上接第" in name) == continued
        # the page's story list links it too
        assert any(headline in a.text_content() for a in doc.xpath("//section[@class='stories']//a"))


def _css_boxes(css: str) -> dict[str, tuple[float, ...]]:
    rule = re.compile(r"#([\w-]+) \{ left: ([\d.]+)%; top: ([\d.]+)%; width: ([\d.]+)%; height: ([\d.]+)%; \}")
    return {m.group(1): tuple(float(v) for v in m.group(2, 3, 4, 5)) for m in rule.finditer(css)}


@pytest.mark.parametrize("key", IDS)
def test_regions_are_where_the_layout_put_the_stories(built, key):
    b = built[key]
    for frame in b.edition.frames:
        page_file = b.web / f"page-{frame.number:02d}.html"
        boxes = _css_boxes((b.web / f"page-{frame.number:02d}.css").read_text(encoding="utf-8"))
        doc = _parse(page_file)
        by_article = {}
        for link in doc.xpath("//a[contains(@class, 'region')]"):
            path, _ = _target(page_file, link.get("href"))
            by_article[_parse(path).xpath("string(//h1)")] = boxes[link.get("id")]
        anchor = None
        expected = 0
        for item in frame.items:
            if isinstance(item, Anchor):
                anchor = item
            elif isinstance(item, Mark) and item.kind == "region" and anchor.kind in ("story", "continuation"):
                headline = b.edition.issue.articles[anchor.article].headline.replace("\n", " ")
                left, top, width, height = by_article[headline]
                assert left == pytest.approx(100 * item.x / frame.width, abs=0.002)
                assert top == pytest.approx(100 * item.y / frame.height, abs=0.002)
                assert left + width == pytest.approx(100 * min(item.x + item.w, frame.width) / frame.width, abs=0.004)
                assert top + height == pytest.approx(100 * min(item.y + item.h, frame.height) / frame.height,
                                                     abs=0.004)
                expected += 1
        assert expected and expected <= len(boxes)


def test_page_views_link_their_neighbours_menu_and_pdf(built):
    b = built[IDS[1]]
    pages = b.edition.issue.pages
    for i, page in enumerate(pages):
        page_file = b.web / f"page-{page.number:02d}.html"
        doc = _parse(page_file)
        menu = doc.xpath("//nav[@aria-label='版面导航']//a")
        assert [a.text_content() for a in menu] == [f"第{p.number:02d}版：{p.section}" for p in pages]
        assert [a.get("aria-current") for a in menu].count("page") == 1
        assert bool(doc.xpath("//a[@rel='prev']")) == (i > 0)
        assert bool(doc.xpath("//a[@rel='next']")) == (i + 1 < len(pages))
        pdf = doc.xpath("//a[@type='application/pdf']")[0]
        assert _target(page_file, pdf.get("href"))[0].is_file()
        img = doc.xpath("//div[@class='sheet']/img")[0]
        assert img.get("alt") and _target(page_file, img.get("src"))[0].is_file()
        # what the page's ads say is listed for readers who cannot see the page image
        ads = [pl.photo.alt for pl in page.placements if pl.kind == "ad"]
        assert [li.text_content() for li in doc.xpath("//section[@class='ads']//li")] == ads


def test_page_images_show_the_page_with_its_photos_where_they_print(built):
    from PIL import Image, ImageStat

    from layout.page.frames import GlyphRun, Image as Photo

    b = built[IDS[1]]
    checked = 0
    for frame in b.edition.frames:
        with Image.open(b.web / "image" / f"page-{frame.number:02d}.jpg") as page, \
                Image.open(b.web / "image" / f"page-{frame.number:02d}-small.jpg") as small:
            assert abs(page.height - 1200) <= 1 and abs(page.width / page.height - frame.width / frame.height) < 0.01
            assert small.size == (-(-page.width // 2), -(-page.height // 2))
            view = _parse(b.web / f"page-{frame.number:02d}.html").xpath("//div[@class='sheet']/img")[0]
            assert (int(view.get("width")), int(view.get("height"))) == page.size
            assert view.get("srcset").split(", ")[0].split() == [f"image/page-{frame.number:02d}-small.jpg",
                                                                  f"{small.width}w"]
            thumb = _parse(b.web / "index.html").xpath(f"//a[@href='page-{frame.number:02d}.html']/img")[0]
            assert (int(thumb.get("width")), int(thumb.get("height"))) == small.size
            scale = page.height / frame.height
            for item in frame.items:
                if isinstance(item, Photo) and item.w * scale > 40 and item.x >= 0 and item.y >= 0:
                    inner = (item.x + item.w * 0.25, item.y + item.h * 0.25, item.x + item.w * 0.75,
                             item.y + item.h * 0.75)     # the middle of the frame, away from its edges
                    shown = page.crop(tuple(round(v * scale) for v in inner)).convert("RGB")
                    with Image.open(item.path) as src:
                        l, t, r, btm = item.crop
                        cw, ch = r - l, btm - t
                        source = src.convert("RGB").crop((l + cw // 4, t + ch // 4, r - cw // 4, btm - ch // 4))
                    a, e = ImageStat.Stat(shown).mean, ImageStat.Stat(source).mean
                    assert max(abs(x - y) for x, y in zip(a, e)) < 25, (frame.number, item.path, a, e)
                    checked += 1
            runs = [r for r in frame.items if isinstance(r, GlyphRun) and r.role == "body" and len(r.xs) > 8]
            run = runs[len(runs) // 2]
            line = page.convert("L").crop((round(run.xs[0] * scale), round((run.y - run.size) * scale),
                                           round(run.xs[-1] * scale), round(run.y * scale) + 1))
            stat = ImageStat.Stat(line)          # type is drawn dark on the light page (small: anti-aliased grey)
            assert stat.extrema[0][0] < 160 and stat.mean[0] < 225, (frame.number, stat.extrema, stat.mean)
    assert checked >= 5


# -- article pages ------------------------------------------------------------------------------------

def _han(text: str) -> set[str]:
    return {ch for ch in text if unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")}


def _visible(doc) -> str:
    """A page's text and its images' alt text."""
    return doc.text_content() + "".join(doc.xpath("//img/@alt"))


@pytest.mark.parametrize("key", IDS)
def test_every_han_character_of_each_story_is_on_its_article_page(built, key):
    b = built[key]
    summary = json.loads((b.web / "edition.json").read_text(encoding="utf-8"))
    pages = {a["id"]: _visible(_parse(b.web / a["url"])) for a in summary["articles"]}
    for art in b.edition.issue.articles.values():
        if art.id not in pages:
            continue      # an article no page places is not in the edition (model warns)
        wanted = art.kicker + art.headline + art.subhead + art.dateline + art.date + art.byline
        wanted += "".join(p.text for p in art.paragraphs)
        wanted += "".join(ph.caption + ph.credit + ph.alt for ph in art.photos)
        missing = _han(wanted) - _han(pages[art.id])
        assert not missing, f"{art.id}: {''.join(sorted(missing))}"
    placed = {a for _n, a, _c in _story_placements(b.edition)}
    assert placed <= set(pages)
    pictures = [pl.photo for p in b.edition.issue.pages for pl in p.placements if pl.kind == "picture"]
    for photo in pictures:       # standalone pictures (图片新闻): caption, credit and alt on their page
        missing = _han(photo.caption + photo.credit + photo.alt) - _han(pages[photo.file.stem])
        assert not missing, f"{photo.file.name}: {''.join(sorted(missing))}"


def test_article_page_has_the_story_parts_and_links_back_to_its_regions(built):
    b = built[IDS[1]]           # the broadsheet: 'plenary' jumps from page 1 to page 2
    summary = json.loads((b.web / "edition.json").read_text(encoding="utf-8"))
    jumped = next(a for a in summary["articles"] if len(a["pages"]) > 1)
    art = b.edition.issue.articles[jumped["id"]]
    page_file = b.web / jumped["url"]
    doc = _parse(page_file)
    assert doc.get("lang") == "zh-CN"
    header = doc.xpath("//article/header")[0]
    assert header.xpath("string(p[@class='kicker'])") == art.kicker
    assert header.xpath("string(h1)") == art.headline.replace("\n", " ")
    assert header.xpath("string(p[@class='subhead'])") == art.subhead
    assert doc.xpath("string(//span[@class='lead'])").startswith(art.dateline)
    assert doc.xpath("string(//article/footer)") == art.byline
    subheads = [p.text for p in art.paragraphs if p.kind == "subhead"]
    assert [h.text_content() for h in doc.xpath("//article/h2")] == subheads
    backs = doc.xpath("//p[@class='printed']/a")
    assert len(backs) == len(jumped["pages"]) == 2
    for link, number in zip(backs, jumped["pages"]):
        target, fragment = _target(page_file, link.get("href"))
        assert target.name == f"page-{number:02d}.html"
        region = _parse(target).xpath(f"//a[@id='{fragment}']")
        assert region and _target(target, region[0].get("href"))[0] == page_file.resolve()
    # 上一篇/下一篇 follow the reading order
    i = jumped["index"]
    nav = doc.xpath("//nav[@class='pager']")[0]
    assert nav.xpath("string(a[@rel='prev']/@href)").endswith(summary["articles"][i - 1]["url"])
    assert nav.xpath("string(a[@rel='next']/@href)").endswith(summary["articles"][i + 1]["url"])


def test_photos_have_alt_text_caption_and_credit(built):
    b = built[IDS[0]]
    summary = json.loads((b.web / "edition.json").read_text(encoding="utf-8"))
    seen = 0
    for a in summary["articles"]:
        art = b.edition.issue.articles.get(a["id"])
        if not art or not art.photos:
            continue
        page_file = b.web / a["url"]
        figures = _parse(page_file).xpath("//figure")
        assert len(figures) == len(art.photos)
        for fig, photo in zip(figures, art.photos):
            img = fig.xpath("img")[0]
            assert img.get("alt") == (photo.alt or photo.caption) and img.get("alt")
            path = _target(page_file, img.get("src"))[0]
            from PIL import Image

            with Image.open(path) as im:
                assert max(im.size) <= 1200 and (im.width, im.height) == (int(img.get("width")), int(img.get("height")))
            assert fig.xpath("string(figcaption)") == photo.caption + photo.credit
            seen += 1
    assert seen


# -- self-contained, escaped, deterministic ------------------------------------------------------------

@pytest.mark.parametrize("key", IDS)
def test_nothing_is_fetched_from_outside_and_every_link_resolves(built, key):
    web = built[key].web
    for path in sorted(web.rglob("*")):
        if path.suffix == ".css":
            assert not re.search(r"https?://|@import|url\(", path.read_text(encoding="utf-8")), path
        if path.suffix != ".html":
            continue
        doc = _parse(path)
        assert not doc.xpath("//script | //style | //*[@style] | //iframe | //object | //base")
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), path
        csp = doc.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        for node in doc.iter():
            for name, value in node.attrib.items():
                assert not re.match(r"\s*(https?:|//|javascript:|data:)", value, re.I), (path, name, value)
                if name in ("href", "src"):
                    target, fragment = _target(path, value)
                    assert target.is_file() and web.resolve() in target.parents, (path, value)
                    if fragment and target.suffix == ".html":
                        assert _parse(target).xpath(f"//*[@id='{fragment}']"), (path, value)
                if name == "srcset":
                    for part in value.split(","):
                        assert _target(path, part.split()[0])[0].is_file()


def test_a_script_headline_is_shown_as_text_and_lang_is_the_editions(tmp_path):
    headline = "</title><script>alert(1)</script>"
    manifest = tiny_edition(tmp_path / "ed", "      - {article: a, columns: [1, 5]}",
                            f"""  a:
    headline: '{headline}'
    kicker: '"引题" & <b>'
    body: 市民<img src=x onerror=alert(2)>反映问题。
""")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "issue: {number: 7, date: 2026-11-27}", "issue: {number: 7, date: 2026-11-27, lang: zh-TW}"),
        encoding="utf-8")
    assert main(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf", "--web"]) == 0
    web = tmp_path / "out" / "web"
    article = next((web / "article").glob("*.html"))
    for path in (article, web / "page-01.html", web / "index.html"):
        doc = _parse(path)
        assert doc.get("lang") == "zh-TW"
        assert not doc.xpath("//script | //img[@onerror] | //b | //*[@onerror]"), path
        assert headline in doc.text_content()
    doc = _parse(article)
    assert doc.xpath("string(//h1)") == headline
    assert doc.xpath("string(//p[@class='kicker'])").endswith("引题」 & <b>")   # zh-TW quotes, the rest as written
    assert "<img src=x onerror=alert(2)>" in doc.xpath("string(//article/p)")
    assert json.loads((web / "edition.json").read_text(encoding="utf-8"))["articles"][0]["headline"] == headline


@pytest.mark.parametrize("key", [k for k, m in zip(IDS, EDITIONS) if "lang: zh-TW" in m.read_text(encoding="utf-8")
                                 or "lang: zh-HK" in m.read_text(encoding="utf-8")])
def test_a_traditional_edition_speaks_traditional_on_every_page(built, key):
    """A zh-TW / zh-HK edition's front, page views and articles (text, alt, aria-label and title
    alike: what a reader sees and a screen reader says) carry no simplified form of the pages' own
    wording: 總第…期, 版面導覽, 見報, 跳到版面內容, 本版廣告, 下載本版PDF, 數位報, 圖片新聞 …"""
    files = sorted(built[key].web.rglob("*.html"))
    assert {f.name for f in files} >= {"index.html", "page-01.html"} and any(f.parent.name == "article" for f in files)
    found = {}
    for f in files:
        doc = _parse(f)
        text = "".join(doc.itertext()) + "".join(doc.xpath("//@alt | //@aria-label | //@title"))
        if set(text) & SIMPLIFIED_ONLY:
            found[f.name] = sorted(set(text) & SIMPLIFIED_ONLY)
    assert found == {}


def test_two_builds_are_byte_identical(built, tmp_path):
    first = built[IDS[0]].web
    assert main(["build", str(EDITIONS[0]), "-o", str(tmp_path), "--pdf", "--web"]) in (0, 1)
    second = tmp_path / "web"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) > 20
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_web_output_is_off_unless_asked_for():
    assert _parser().parse_args(["build", "x.yaml"]).web is False
    assert _parser().parse_args(["build", "x.yaml", "--web"]).web is True
    assert _parser().parse_args(["build", "x.yaml", "--web", "--no-web"]).web is False


# -- written all together or not at all -------------------------------------------------------------

@pytest.mark.parametrize("swap", [True, False], ids=["swapped in one step", "renamed twice"])
def test_a_web_folder_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch, swap):
    import layout.outputs

    if not swap:      # a system without renameat2's exchange: the old folder renamed away first
        monkeypatch.setattr(layout.outputs, "_exchange", lambda a, b: False)
    with OutputSet(tmp_path) as outputs:
        outputs.add_tree("web", {"index.html": b"old", "page-02.html": b"old 2", "image/a.jpg": b"a"})
        outputs.commit()
    # a build that fails after staging its web/ (a later write failed): the old folder stays whole
    with pytest.raises(RuntimeError):
        with OutputSet(tmp_path) as outputs:
            outputs.add_tree("web", {"index.html": b"new"})
            raise RuntimeError("the disk filled up")
    assert (tmp_path / "web" / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web"]          # no temporary folder left
    # a path that would leave the folder is refused, and nothing is staged
    for bad in ("../escape.html", "/abs.html", "a/../../b", "a//b"):
        with OutputSet(tmp_path) as outputs, pytest.raises(OutputError):
            outputs.add_tree("web", {bad: b"x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web"]
    # a successful build replaces the folder: a page the new edition no longer has is gone
    with OutputSet(tmp_path) as outputs:
        outputs.add_tree("web", {"index.html": b"new"})
        outputs.commit()
    assert sorted(p.name for p in (tmp_path / "web").iterdir()) == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web"]


def test_a_killed_builds_temporary_web_folder_is_swept_up(tmp_path):
    import subprocess
    import sys

    from layout.util import temporary_prefix

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    mine = temporary_prefix(tmp_path / "web")
    left = tmp_path / (mine.replace(f".{os.getpid()}-", f".{gone}-") + "killed.tmp")   # another process, ended
    (left / "image").mkdir(parents=True)
    (left / "image" / "page-01.jpg").write_bytes(b"half")
    running = tmp_path / (mine + "busy.tmp")                 # this process: a build still going, kept
    running.mkdir()
    with OutputSet(tmp_path) as outputs:
        outputs.add_tree("web", {"index.html": b"new"})
        outputs.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["web", running.name])


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_text_colours_pass_wcag_aa_on_every_background():
    from layout.web.site import stylesheet

    css = stylesheet().decode("utf-8")
    colours = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{3,6});", css))
    assert {"text", "muted", "link", "red", "paper", "tint"} <= set(colours)
    for fg in ("text", "muted", "link", "red"):
        for bg in ("paper", "tint"):
            a, b = sorted((_luminance(colours[fg]), _luminance(colours[bg])), reverse=True)
            assert (a + 0.05) / (b + 0.05) >= 4.5, (fg, bg)
    # no colour outside the palette sets text (a literal colour would escape this check)
    body = css.split("@media print")[0]
    assert not re.search(r"(?<![-\w])color:\s*#", body)


def test_a_photo_without_alt_text_or_caption_is_a_located_warning(tmp_path, capsys):
    import shutil

    from conftest import ROOT

    folder = tmp_path / "ed"
    (folder / "images").mkdir(parents=True)
    shutil.copy(ROOT / "issues" / "2026-11-27" / "images" / "market.jpg", folder / "images" / "market.jpg")
    manifest = tiny_edition(folder, "      - {article: a, columns: [1, 5]}", """  a:
    headline: 早市开张
    body: 清晨六点，早市的摊位陆续开张，市民提着菜篮前来选购。
    photos:
      - file: images/market.jpg
        columns: 3
""")
    assert main(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf", "--web", "--json"]) == 0
    found = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "web-no-alt"]
    line = manifest.read_text(encoding="utf-8").splitlines().index("      - file: images/market.jpg") + 1
    assert len(found) == 1 and found[0]["source"]["line"] == line and found[0]["source"]["file"] == str(manifest)
    img = _parse(next((tmp_path / "out" / "web" / "article").glob("*.html"))).xpath("//figure/img")[0]
    assert img.get("alt") == ""


def test_a_story_jumping_to_an_earlier_page_begins_where_its_head_is(tmp_path):
    body = "市民服务中心延长办理时间，方便上班族下班后办事。" * 60
    manifest = tiny_edition(tmp_path / "ed", "      - {article: b, columns: [1, 5]}\n"
                                             "      - {article: a, continued: true, columns: [1, 5]}",
                            f"""  a: {{headline: 服务时间延长, body: {body}}}
  b: {{headline: 早市开张, body: 清晨六点，早市的摊位陆续开张。}}
""", pages_extra="""  - section: 综合
    stories:
      - {article: a, columns: [1, 5], lines: [1, 12], continue_on: 1}
""")
    assert main(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf", "--web"]) in (0, 1)
    web = tmp_path / "out" / "web"
    summary = json.loads((web / "edition.json").read_text(encoding="utf-8"))
    jumped = next(a for a in summary["articles"] if a["id"] == "a")
    assert jumped["pages"] == [2, 1]                      # begins on page 2, continues on page 1
    first = next(p for p in summary["pages"] if p["number"] == 1)
    assert jumped["index"] in first["articles"]
    regions = {a.text_content(): a for a in _parse(web / "page-01.html").xpath("//a[contains(@class, 'region')]")}
    assert "服务时间延长（上接第2版）" in regions
    head = _parse(web / "page-02.html").xpath("//a[contains(@class, 'region')]")
    assert "服务时间延长" in {a.text_content() for a in head}


def test_a_build_that_cannot_write_its_pdf_keeps_the_previous_web_folder(tmp_path, monkeypatch):
    import errno

    import layout.outputs

    manifest = tiny_edition(tmp_path / "ed", "      - {article: a, columns: [1, 5]}",
                            "  a: {headline: 早市开张, body: 清晨六点，早市的摊位陆续开张，市民提着菜篮前来选购。}")
    out = tmp_path / "out"
    assert main(["build", str(manifest), "-o", str(out), "--pdf", "--web"]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("早市开张", "夜市开张"), encoding="utf-8")
    real = layout.outputs.write_temporary

    def full_disk(path, data, sync=True):
        if str(path).endswith(".pdf"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, sync)

    monkeypatch.setattr(layout.outputs, "write_temporary", full_disk)
    assert main(["build", str(manifest), "-o", str(out), "--pdf", "--web"]) == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before          # the old PDF and the old web/, whole; no temporary file or folder
    assert "早市开张" in (out / "web" / "index.html").read_text(encoding="utf-8")


def test_a_broken_photo_is_reported_and_the_site_still_built(tmp_path):
    from conftest import ROOT

    folder = tmp_path / "ed"
    (folder / "images").mkdir(parents=True)
    good = (ROOT / "issues" / "2026-11-27" / "images" / "market.jpg").read_bytes()
    (folder / "images" / "cut.jpg").write_bytes(good[:3000])          # a copy that did not finish
    (folder / "images" / "good.jpg").write_bytes(good)
    manifest = tiny_edition(folder, "      - {article: a, columns: [1, 5]}", """  a:
    headline: 早市开张
    body: 清晨六点，早市的摊位陆续开张，市民提着菜篮前来选购。
    photos:
      - {file: images/cut.jpg, columns: 2, alt: 摊位}
      - {file: images/good.jpg, columns: 2, alt: 菜篮}
""")
    assert main(["build", str(manifest), "-o", str(tmp_path / "out"), "--pdf", "--web"]) == 1   # bad-image
    page = next((tmp_path / "out" / "web" / "article").glob("*.html"))
    imgs = _parse(page).xpath("//figure/img")
    assert [i.get("alt") for i in imgs] == ["菜篮"]
    assert _target(page, imgs[0].get("src"))[0].is_file()

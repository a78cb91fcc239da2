"""The archive's root (`layout site SITE_DIR`, layout/web/archive.py): what a reader, a feed reader
and a search engine get from a folder of web editions, and what a broken folder gets.

Fast and without a browser: most tests make a site of edition summaries (`web/edition.json`, the
data the archive is built from) written here, including hostile ones; the sample edition built
for real is checked in tests/test_web_browser.py."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree, html

from layout.cli import main
from layout.web.search import search_index, terms
from layout.web.archive import read_editions
from layout.diagnostics import Report

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://epaper.example.org/news/"


def write_edition(site: Path, folder: str, paper: str, date: str, number: int, stories: list[tuple],
                  lang: str = "zh-CN") -> Path:
    """An edition summary as the web edition writes it: stories are (headline, page, text)."""
    web = site / folder / "web"
    web.mkdir(parents=True)
    page_numbers = sorted({page for _h, page, _t in stories})
    summary = {
        "format": "layout-web-edition/1", "paper": paper, "date": date, "number": number, "lang": lang,
        "index": "index.html",
        "pages": [{"number": n, "section": "要闻" if n == 1 else "", "label": f"第{n:02d}版", "url": f"page-{n:02d}.html"}
                  for n in page_numbers],
        "articles": [{"index": i, "url": f"article/{i + 1:02d}.html", "headline": headline, "kicker": "",
                      "subhead": "", "byline": "", "pages": [page], "text": text}
                     for i, (headline, page, text) in enumerate(stories)],
    }
    path = web / "edition.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path) -> Path:
    """Three editions of two papers over two months, one headline hostile."""
    root = tmp_path / "site"
    write_edition(root, "2026-11-27", "新区时报", "2026-11-27", 1024, [
        ("全区工作会议召开<script>alert(1)</script>", 1, "新区昨天召开全区工作会议，部署明年十项重点任务。"),
        ("湿地公园北园开放", 2, "占地１２０公顷的湿地公园北园今天向市民开放，ＡＢＣ公司承建。"),
    ])
    write_edition(root, "2026-12-01", "新区时报", "2026-12-01", 1025, [
        ("地铁三号线通车", 1, "地铁三号线今日通车，全长二十一公里。"),
    ])
    write_edition(root, "jc/2026-11-28", "江城日报", "2026-11-28", 8801, [
        ("江城冬季供暖启动", 1, "全市集中供暖今日启动，比往年提前三天。"),
        ("老街改造完工", 3, "历时一年的老街改造今天完工。"),
    ])
    return root


def run_site(site: Path, *extra: str) -> int:
    return main(["site", str(site), *extra])


def test_terms_are_bigrams_of_han_and_words_of_latin():
    assert terms("工作会议") == ["工作", "作会", "会议"]
    assert terms("地，铁") == ["地", "铁"]                      # a lone character stands for itself
    assert terms("ＡＢＣ公司 Xinqu-2026") == ["abc", "公司", "xinqu", "2026"]   # full width folded, lower case


def test_index_lists_every_edition_by_month_newest_first(site):
    assert run_site(site) == 0
    doc = html.fromstring((site / "index.html").read_bytes())
    months = [h.text_content() for h in doc.iter("h2")]
    assert months == ["2026年12月", "2026年11月"]
    editions = [a.text_content() for a in doc.xpath('//p[@class="edition-title"]/a')]
    assert editions == ["12月1日 星期二 新区时报 第1025期", "11月28日 星期六 江城日报 第8801期",
                        "11月27日 星期五 新区时报 第1024期"]
    links = [a.get("href") for a in doc.xpath('//p[@class="edition-title"]/a')]
    assert links == ["2026-12-01/web/index.html", "jc/2026-11-28/web/index.html", "2026-11-27/web/index.html"]
    fronts = [a.text_content() for a in doc.xpath('//ul[@class="leads"]//a')]
    assert "江城冬季供暖启动" in fronts and "老街改造完工" not in fronts   # page 1's headlines only


def test_every_text_is_escaped(site):
    assert run_site(site, "--base-url", BASE) == 0
    for name in ("index.html", "search.html"):
        doc = html.fromstring((site / name).read_bytes())
        assert [s.get("src") for s in doc.iter("script")] == ([] if name == "index.html" else
                                                             ["search-index.js", "assets/search.js"])
    doc = html.fromstring((site / "index.html").read_bytes())
    assert "全区工作会议召开<script>alert(1)</script>" in [a.text_content() for a in doc.iter("a")]
    feed = etree.fromstring((site / "feed.xml").read_bytes())
    content = feed.find(f"{ATOM}entry[last()]/{ATOM}content")
    assert "&lt;script&gt;" in content.text and "<script>" not in content.text   # shown as text in a reader


def test_atom_feed_is_complete_and_dated_from_the_editions(site):
    assert run_site(site, "--base-url", BASE) == 0
    feed = etree.fromstring((site / "feed.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed"
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
    for el in [feed, *feed.findall(f"{ATOM}entry")]:   # RFC 4287: one id, title, updated each
        for tag in ("id", "title", "updated"):
            assert len(el.findall(f"{ATOM}{tag}")) == 1, tag
        assert stamp.match(el.findtext(f"{ATOM}updated"))
        assert el.findtext(f"{ATOM}id").startswith("urn:uuid:")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == BASE + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2026-12-01T00:00:00+08:00", "2026-11-28T00:00:00+08:00", "2026-11-27T00:00:00+08:00"]
    assert feed.findtext(f"{ATOM}updated") == "2026-12-01T00:00:00+08:00"
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3
    assert entries[0].find(f"{ATOM}link").get("href") == BASE + "2026-12-01/web/index.html"


def test_a_feed_reader_reads_the_feed(site):
    feedparser = pytest.importorskip("feedparser", reason="pip install -e '.[test]' installs feedparser")
    assert run_site(site, "--base-url", BASE) == 0
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "新区时报、江城日报 数字报"
    assert [e.title for e in feed.entries] == ["新区时报 2026年12月1日 第1025期", "江城日报 2026年11月28日 第8801期",
                                               "新区时报 2026年11月27日 第1024期"]
    assert feed.entries[2].link == BASE + "2026-11-27/web/index.html"
    assert tuple(feed.entries[2].published_parsed[:4]) == (2026, 11, 26, 16)   # 00:00 at +08:00, in UTC
    assert "召开&lt;script&gt;alert(1)&lt;/script&gt;</a>" in feed.entries[2].content[0].value   # shown as text


def test_feed_ids_stay_when_the_site_moves(site, tmp_path):
    assert run_site(site) == 0
    before = etree.fromstring((site / "feed.xml").read_bytes())
    moved = tmp_path / "moved"
    site.rename(moved)
    assert run_site(moved, "--base-url", BASE) == 0
    after = etree.fromstring((moved / "feed.xml").read_bytes())
    ids = lambda feed: [el.text for el in feed.iter(f"{ATOM}id")]   # noqa: E731
    assert ids(before) == ids(after)


def test_sitemap_lists_every_page_and_article_absolutely(site):
    assert run_site(site, "--base-url", BASE) == 0
    urlset = etree.fromstring((site / "sitemap.xml").read_bytes())
    locs = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in urlset.iter(f"{SITEMAP}url")}
    assert locs[BASE + "jc/2026-11-28/web/page-03.html"] == "2026-11-28"
    assert locs[BASE + "2026-11-27/web/article/02.html"] == "2026-11-27"
    assert len(locs) == 1 + 5 + 5   # the index, 5 page views, 5 articles
    assert all(loc.startswith(BASE) for loc in locs)


def test_no_sitemap_without_an_address(site, capsys):
    assert run_site(site, "--base-url", BASE) == 0
    assert run_site(site) == 0   # an earlier sitemap would list the pages as they were
    assert not (site / "sitemap.xml").exists()
    assert "site-no-sitemap" in capsys.readouterr().err


def test_a_large_archive_gets_a_sitemap_index(site):
    from layout.web.syndication import sitemaps

    files = sitemaps(read_editions(site, Report()), BASE, per_file=4)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = etree.fromstring(files["sitemap.xml"])
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert [s.findtext(f"{SITEMAP}loc") for s in index] == [f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)]


def test_search_index_finds_every_article_by_its_words(site):
    editions = read_editions(site, Report())
    index = search_index(editions)
    assert [d["date"] for d in index["docs"]] == sorted((d["date"] for d in index["docs"]), reverse=True)
    for number, doc in enumerate(index["docs"]):
        for term in terms(doc["headline"]):
            assert number in index["terms"][term], (doc["headline"], term)
    found = set(index["terms"]["公顷"]) & set(index["terms"]["abc"])   # full-width text, searched as typed
    assert [index["docs"][n]["headline"] for n in found] == ["湿地公园北园开放"]
    assert all(Path(site, d["url"]).parent.name == "article" for d in index["docs"])


def _part(path: Path):
    """A part of the index: the JSON handed to layoutSearchPart("name", …)."""
    text = path.read_text(encoding="utf-8")
    head = f'layoutSearchPart("{path.stem}", '
    assert text.startswith(head) and text.endswith(");\n")
    return json.loads(text[len(head):-3])


def test_search_index_parts_hold_the_whole_index(site, monkeypatch):
    import layout.web.search as search

    monkeypatch.setattr(search, "SHARD_BYTES", 300)   # a big archive's index, in parts
    monkeypatch.setattr(search, "DOC_CHUNK", 2)
    assert run_site(site) == 0
    index = search_index(read_editions(site, Report()))
    shape = json.loads((site / "search-index.js").read_text(encoding="utf-8")
                       .removeprefix("window.layoutSearchIndex = ").rstrip(";\n"))
    assert shape["shards"] >= 4 and shape["chunks"] == 3 and shape["docs"] == 5
    merged = {}
    for n in range(shape["shards"]):
        part = _part(site / "search" / f"terms-{n:03d}.js")
        assert all(search.term_shard(term, shape["shards"]) == n for term in part)
        merged.update(part)
    assert merged == index["terms"]
    docs = [d for n in range(shape["chunks"]) for d in _part(site / "search" / f"docs-{n:03d}.js")]
    assert docs == index["docs"]
    monkeypatch.setattr(search, "SHARD_BYTES", 10**6)   # fewer parts again: the old ones go
    assert run_site(site) == 0
    assert sorted(p.name for p in (site / "search").iterdir()) == ["docs-000.js", "docs-001.js", "docs-002.js",
                                                                   "terms-000.js"]


def test_same_editions_same_bytes(site, tmp_path):
    assert run_site(site, "--base-url", BASE) == 0
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (site / "2026-12-01" / "web" / "edition.json").touch()
    assert run_site(site, "--base-url", BASE) == 0
    second = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert first == second


def test_broken_summary_is_located_and_the_rest_still_indexed(site, capsys):
    broken = site / "2026-12-01" / "web" / "edition.json"
    broken.write_text('{"paper": "新区时报",\n "date": 2026-12-01}', encoding="utf-8")
    assert run_site(site) == 1
    err = capsys.readouterr().err
    assert re.search(re.escape(str(broken)) + r":2:\d+: error\[site-edition-unreadable\]", err), err
    doc = html.fromstring((site / "index.html").read_bytes())
    assert len(doc.xpath('//li[@class="edition"]')) == 2


def test_links_out_of_the_edition_are_refused(site, capsys):
    path = site / "2026-12-01" / "web" / "edition.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["articles"][0]["url"] = "../../../../etc/passwd"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run_site(site) == 1
    assert "site-edition-unreadable" in capsys.readouterr().err
    assert not any("passwd" in p.read_text(encoding="utf-8") for p in (site / "search").iterdir())


def test_same_paper_and_date_twice_is_a_warning(site, capsys):
    write_edition(site, "copy/2026-12-01", "新区时报", "2026-12-01", 1025, [("地铁三号线通车", 1, "")])
    assert run_site(site) == 0
    assert "site-duplicate-edition" in capsys.readouterr().err
    feed = etree.fromstring((site / "feed.xml").read_bytes())
    assert len(feed.findall(f"{ATOM}entry")) == 3


def test_empty_folder_and_bad_options(tmp_path, capsys):
    assert run_site(tmp_path) == 1
    assert "site-empty" in capsys.readouterr().err
    assert run_site(tmp_path, "--base-url", "ftp://x/") == 2
    assert run_site(tmp_path, "--utc-offset", "8") == 2
    assert run_site(tmp_path / "missing") == 2


def test_traditional_wording_for_taiwan_editions(tmp_path):
    write_edition(tmp_path, "a", "南港日報", "2026-11-30", 1, [("港區新站啟用", 1, "新站今天啟用。")], lang="zh-TW")
    assert run_site(tmp_path) == 0
    doc = html.fromstring((tmp_path / "search.html").read_bytes())
    assert doc.get("lang") == "zh-TW"
    assert doc.findtext(".//h1") == "搜尋"


def test_folders_named_in_chinese_are_linked_percent_encoded(tmp_path):
    write_edition(tmp_path, "新区时报/2026-12-02", "新区时报", "2026-12-02", 1026, [("冬至 习俗", 1, "")])
    assert run_site(tmp_path, "--base-url", BASE) == 0
    from urllib.parse import unquote

    doc = html.fromstring((tmp_path / "index.html").read_bytes())
    href = doc.xpath('//p[@class="edition-title"]/a/@href')[0]
    assert href == "%E6%96%B0%E5%8C%BA%E6%97%B6%E6%8A%A5/2026-12-02/web/index.html"
    assert (tmp_path / unquote(href)).parent.is_dir()
    locs = [u.text for u in etree.fromstring((tmp_path / "sitemap.xml").read_bytes()).iter(f"{SITEMAP}loc")]
    assert BASE + "%E6%96%B0%E5%8C%BA%E6%97%B6%E6%8A%A5/2026-12-02/web/article/01.html" in locs


def test_an_editions_own_web_folder_is_not_made_a_site(site, capsys):
    web = site / "2026-12-01" / "web"
    (web / "index.html").write_text("the edition's front", encoding="utf-8")
    assert run_site(web) == 1
    assert "site-is-an-edition" in capsys.readouterr().err
    assert (web / "index.html").read_text(encoding="utf-8") == "the edition's front"
    assert not (web / "search.html").exists()

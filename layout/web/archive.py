"""The archive: a site root over many built editions (`layout site SITE_DIR`).

Editions are built into the site as usual (`layout build issues/*/issue.yaml -o SITE_DIR`, each
into SITE_DIR/<edition>/ with its `web/`); `build_site(site_dir, report, ...)` then finds every
edition's summary (`web/edition.json`, written by the web edition) anywhere below the site
root and (re)writes the root files from the summaries alone, in milliseconds, without
building any edition again:

  index.html          the editions by month, newest first, each with its front page's image and headlines
  search.html         client-side search over every article (layout/web/search.py)
  search-index.js     the search index's shape, and its parts in search/ (scripts: work from file://)
  feed.xml            Atom 1.0, one entry per edition (the newest FEED_EDITIONS)
  sitemap.xml         every page view and article page (only with a base URL: a sitemap
                      holds absolute URLs); past SITEMAP_URLS URLs an index of sitemap-N.xml
  assets/             archive.css, search.js

The same editions give the same bytes (no clock: times come from the editions' dates); each
file is written atomically; index.html last.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from layout.diagnostics import Report, Source
from layout.model import date_name, weekday_name
from layout.util import write_atomic
from layout.web.archive_html import clean_text, esc, page_html, words_for

#: The summary a web edition writes beside its pages (layout/web/edition.py, `summary`), and its format.
SUMMARY_NAME = "edition.json"
FORMAT = "layout-web-edition/1"
#: Headlines of an edition's first page shown under it in the date index.
LEAD_HEADLINES = 4
ASSETS = ("archive.css", "search.js")


@dataclass(frozen=True)
class ArchivedArticle:
    """One article of an archived edition; `url` relative to the site root, percent-encoded."""
    url: str
    headline: str
    kicker: str
    subtitle: str
    byline: str
    page: int
    page_label: str        # 第01版：要闻
    text: str


@dataclass(frozen=True)
class ArchivedEdition:
    """One edition as the archive sees it; URLs relative to the site root, percent-encoded."""
    paper: str
    date: dt.date
    number: str
    lang: str
    url: str
    pages: tuple[tuple[int, str, str], ...]     # (number, label 第01版：要闻, url)
    articles: tuple[ArchivedArticle, ...]
    summary: Path
    front: tuple[str, int, int] | None = None   # the first page's small image: (url, width, height)

    @property
    def label(self) -> str:
        """新区时报 2026年11月27日 第1024期"""
        issue = f" 第{self.number}期" if self.number else ""
        return f"{self.paper} {date_name(self.date)}{issue}"


class SummaryProblem(Exception):
    """A summary that cannot be read: the message, and where (line, col) if known."""

    def __init__(self, message: str, line: int = 0, col: int = 0):
        super().__init__(message)
        self.line, self.col = line, col


# -- finding and reading the editions -----------------------------------------------------------------


def find_summaries(site_dir: Path) -> list[Path]:
    """Every edition summary below `site_dir` (not looking inside an edition's web/ folder once
    found, nor into hidden folders), sorted."""
    found = []
    for folder, dirs, files in os.walk(site_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if Path(folder).name == "web" and SUMMARY_NAME in files:
            found.append(Path(folder) / SUMMARY_NAME)
            dirs[:] = []
    return sorted(found)


def _site_url(site_dir: Path, web_dir: Path, href: str) -> str:
    """A summary's relative `href` (from its web/ folder) -> a percent-encoded URL from the site root;
    a link out of the edition's folder, absolute or with a scheme is refused."""
    parts = urlsplit(href)
    path = PurePosixPath(parts.path)
    if parts.scheme or parts.netloc or path.is_absolute() or ".." in path.parts or not parts.path:
        raise SummaryProblem(f"link {href!r} does not point at a file of the edition")
    rel = PurePosixPath(*web_dir.relative_to(site_dir).parts) / path
    url = quote(str(rel), safe="/")
    return url + (f"#{quote(parts.fragment, safe='')}" if parts.fragment else "")


def _text(data: dict, key: str, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, (str, int)) or isinstance(value, bool) or (required and value == ""):
        raise SummaryProblem(f"{key!r} should be {'a non-empty' if required else 'a'} text, not {value!r}"[:200])
    return clean_text(str(value))


def read_summary(path: Path, site_dir: Path) -> ArchivedEdition:
    """One edition summary -> ArchivedEdition; SummaryProblem when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SummaryProblem(f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SummaryProblem(f"cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise SummaryProblem("should be a JSON object")
    if data.get("format") != FORMAT:
        raise SummaryProblem(f"is not a web edition summary of this version ('format' is {data.get('format')!r}, "
                             f"not {FORMAT!r})"[:300])
    web_dir = path.parent
    try:
        date = dt.date.fromisoformat(_text(data, "date", required=True))
    except ValueError:
        raise SummaryProblem(f"'date' {data.get('date')!r} is not a date (YYYY-MM-DD)") from None
    pages_raw, articles_raw = data.get("pages"), data.get("articles")
    if not isinstance(pages_raw, list) or not isinstance(articles_raw, list):
        raise SummaryProblem("'pages' and 'articles' should be lists")
    pages, labels = [], {}
    for page in pages_raw:
        if not isinstance(page, dict) or not isinstance(page.get("number"), int):
            raise SummaryProblem(f"a page should be an object with a 'number': {page!r}"[:200])
        section = _text(page, "section")
        labels[page["number"]] = (_text(page, "label")
                                  or f"第{page['number']:02d}版" + (f"：{section}" if section else ""))
        pages.append((page["number"], labels[page["number"]], _site_url(site_dir, web_dir, _text(page, "url", True))))
    articles = []
    for art in articles_raw:
        on = art.get("pages") if isinstance(art, dict) else None
        if not isinstance(on, list) or not on or not all(isinstance(n, int) and not isinstance(n, bool) for n in on):
            raise SummaryProblem(f"an article should be an object with its 'pages' numbers: {art!r}"[:200])
        first = on[0]
        articles.append(ArchivedArticle(
            url=_site_url(site_dir, web_dir, _text(art, "url", True)), headline=_text(art, "headline", True),
            kicker=_text(art, "kicker"), subtitle=_text(art, "subhead"), byline=_text(art, "byline"),
            page=first, page_label=labels.get(first, f"第{first:02d}版"), text=_text(art, "text")))
    entry = _text(data, "index") or (pages_raw[0].get("url", "") if pages_raw else "")
    front = _front_image(site_dir, web_dir, _text(pages_raw[0], "small_image")) if pages_raw else None
    return ArchivedEdition(
        paper=_text(data, "paper", True), date=date, number=_text(data, "number"), lang=_text(data, "lang") or "zh-CN",
        url=_site_url(site_dir, web_dir, entry or "index.html"), pages=tuple(pages), articles=tuple(articles),
        summary=path, front=front)


def _front_image(site_dir: Path, web_dir: Path, href: str) -> tuple[str, int, int] | None:
    """The first page's small image as (site URL, width, height), None when there is none that reads."""
    from PIL import Image, UnidentifiedImageError

    if not href:
        return None
    url = _site_url(site_dir, web_dir, href)
    try:
        with Image.open(web_dir / href) as im:
            return url, im.width, im.height
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def read_editions(site_dir: Path, report: Report) -> list[ArchivedEdition]:
    """Every readable edition below `site_dir`, newest first (then by paper, then folder). An
    unreadable summary is an error naming it and is left out; a second edition of the same paper
    and date is a warning and left out."""
    editions: dict[tuple[str, dt.date], ArchivedEdition] = {}
    for path in find_summaries(site_dir):
        shown = str(path)
        try:
            edition = read_summary(path, site_dir)
        except SummaryProblem as exc:
            report.error("site-edition-unreadable", f"edition summary {exc}", Source(shown, exc.line, exc.col),
                         "build the edition again into the site (layout build ISSUE.yaml --web -o FOLDER), "
                         "then run layout site again")
            continue
        key = (edition.paper, edition.date)
        if key in editions:
            report.warning("site-duplicate-edition",
                           f"{edition.label} is also in {editions[key].summary.parent.parent}; this copy is left out",
                           Source(shown), "keep one folder per edition in the site")
            continue
        editions[key] = edition
    return sorted(editions.values(), key=lambda e: (-e.date.toordinal(), e.paper, str(e.summary)))


# -- the date index -----------------------------------------------------------------------------------


def site_title(editions: list[ArchivedEdition], words: dict) -> str:
    """新区时报数字报 for one paper; the papers' names joined for several (the three newest first)."""
    papers = list(dict.fromkeys(e.paper for e in editions))
    shown = "、".join(papers[:3]) + ("等" if len(papers) > 3 else "")
    return shown + words["site"] if len(papers) == 1 else f"{shown} {words['site']}"


def date_index(editions: list[ArchivedEdition], words: dict, title: str, lang: str) -> bytes:
    """index.html: the editions by month, newest first; a month menu when there are several."""
    months: dict[tuple[int, int], list[ArchivedEdition]] = {}
    for e in editions:
        months.setdefault((e.date.year, e.date.month), []).append(e)
    parts = [f"<h1>{esc(title)}</h1>\n<p>{esc(words['editions'].format(n=len(editions)))}</p>\n"]
    if len(months) > 1:
        links = "".join(f'<li><a href="#m{y}-{m:02d}">{esc(words["year_month"].format(y=y, m=m))}</a></li>'
                        for y, m in months)
        parts.append(f'<nav class="months" aria-label="{esc(words["months"])}"><ul>{links}</ul></nav>\n')
    for (y, m), group in months.items():
        parts.append(f'<section aria-labelledby="m{y}-{m:02d}">\n'
                     f'<h2 id="m{y}-{m:02d}">{esc(words["year_month"].format(y=y, m=m))}</h2>\n<ul class="editions">\n')
        for e in group:
            day = words["month_day"].format(m=e.date.month, d=e.date.day) + " " + weekday_name(e.date)
            issue = f" {words['issue'].format(n=e.number)}" if e.number else ""
            leads = [a for a in e.articles if a.page == (e.pages[0][0] if e.pages else 1)][:LEAD_HEADLINES]
            lead_items = "".join(f'<li><a href="{esc(a.url)}">{esc(a.headline)}</a></li>' for a in leads)
            thumb = (f'<img class="front" src="{esc(e.front[0])}" width="{e.front[1]}" height="{e.front[2]}" '
                     'alt="" loading="lazy">' if e.front else "")
            parts.append(
                f'<li class="edition"><p class="edition-title"><a href="{esc(e.url)}">{thumb}'
                f'<time datetime="{e.date.isoformat()}">{esc(day)}</time> {esc(e.paper)}{esc(issue)}</a>'
                f' <span class="meta">{esc(words["pages"].format(n=len(e.pages)))}</span></p>\n'
                + (f'<ul class="leads">{lead_items}</ul>\n' if leads else "")
                + "</li>\n")
        parts.append("</ul>\n</section>\n")
    return page_html(lang=lang, title=f"{words['archive']} · {title}", site_title=title, words=words,
                     current="archive", main="".join(parts))


# -- the whole root ---------------------------------------------------------------------------------


def _asset(name: str) -> bytes:
    return resources.files("layout.web").joinpath(name).read_bytes()


def build_site(site_dir: Path, report: Report, base_url: str = "", title: str = "",
               utc_offset: str = "+08:00") -> list[Path]:
    """(Re)write the site root's files from the editions below `site_dir` (see the module docstring);
    returns the files written, none when no edition could be read (a `site-empty` error)."""
    from layout.web import search, syndication

    site_dir = Path(site_dir)
    if (site_dir / SUMMARY_NAME).is_file():
        report.error("site-is-an-edition", f"{site_dir} is an edition's web/ folder: the archive's index.html "
                     "would replace the edition's own", Source(str(site_dir / SUMMARY_NAME)),
                     f"give the folder the editions are built into: layout site {site_dir.resolve().parent.parent}")
        return []
    editions = read_editions(site_dir, report)
    if not editions:
        report.error("site-empty", f"no built edition with a web edition in {site_dir}", Source(str(site_dir)),
                     f"build editions into it first: layout build issues/*/issue.yaml -o {site_dir}")
        return []
    langs = [e.lang for e in editions]
    lang = max(sorted(set(langs)), key=langs.count)
    words = words_for(langs)
    title = clean_text(title) or site_title(editions, words)
    index = search.search_index(editions)
    files: dict[str, bytes] = {f"assets/{name}": _asset(name) for name in ASSETS}
    files.update(search.index_files(index))
    files["search.html"] = search.search_page(words, title, lang, len(index["docs"]))
    files["feed.xml"] = syndication.atom_feed(editions, title, lang, base_url, utc_offset)
    if base_url:
        files.update(syndication.sitemaps(editions, base_url))
    else:
        report.info("site-no-sitemap", "no sitemap.xml written: a sitemap lists absolute URLs",
                    hint="give the address the site is published at: layout site SITE_DIR --base-url https://…/")
    files["index.html"] = date_index(editions, words, title, lang)   # last: the site's front door
    written = []
    for name, data in files.items():
        path = site_dir / name
        write_atomic(path, data)
        written.append(path)
    _remove_stale(site_dir, set(files))
    return written


def _remove_stale(site_dir: Path, written: set[str]) -> None:
    """Remove the files an earlier run wrote that this one did not: parts of a larger search index
    (editions since removed), a sitemap split in more files than now, or a sitemap at all when this
    run had no base URL (it would list pages as they were)."""
    old = [*(site_dir / "search").glob("*.js"), *site_dir.glob("sitemap*.xml")]
    for path in old:
        if path.relative_to(site_dir).as_posix() not in written:
            path.unlink(missing_ok=True)

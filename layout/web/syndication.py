"""The archive's Atom feed and sitemap, from its ArchivedEditions (layout/web/archive.py).

- `atom_feed(editions, title, lang, base_url, utc_offset)` -> feed.xml bytes: Atom 1.0 (RFC 4287),
  one entry per edition, the newest FEED_EDITIONS. Ids are `urn:uuid:` names derived from the
  paper's name and the date (so they stay when the site moves); `updated` is the edition's date
  at 00:00 at `utc_offset`, never the clock. Links are absolute under `base_url`, else relative to
  the feed (RFC 4287 resolves them against the feed's own address).
- `sitemaps(editions, base_url)` -> {"sitemap.xml": ...}: every page view and article page with
  the edition's date as `lastmod`; past SITEMAP_URLS URLs, sitemap-1.xml … and sitemap.xml their index.
"""
from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from lxml import etree

from layout.web.archive_html import esc

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Editions in the feed: two months of a daily paper.
FEED_EDITIONS = 60
#: URLs per sitemap file (the protocol allows 50,000).
SITEMAP_URLS = 50_000
_NAMES = uuid.UUID("6f1c1d52-3c0e-4b8e-9f5e-5e0a7d3c2b17")   # this tool's namespace for uuid5 ids


def base_url_problem(url: str) -> str:
    """'' when `url` can be the site's published address (http or https, with a host), else why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{url!r} is not an http:// or https:// address"
    if parts.query or parts.fragment:
        return f"{url!r} has a query or fragment; give the folder's address"
    return ""


def _absolute(base_url: str, url: str) -> str:
    return (base_url.rstrip("/") + "/" + url) if base_url else url


def _stamp(date, utc_offset: str) -> str:
    return f"{date.isoformat()}T00:00:00{utc_offset}"


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _contents(edition, base_url: str) -> str:
    """An edition's pages and their headlines as HTML (the entry's content)."""
    parts = []
    for number, heading, url in edition.pages:
        items = "".join(f'<li><a href="{esc(_absolute(base_url, a.url))}">{esc(a.headline)}</a></li>'
                        for a in edition.articles if a.page == number)
        parts.append(f'<h3><a href="{esc(_absolute(base_url, url))}">{esc(heading)}</a></h3>'
                     + (f"<ul>{items}</ul>" if items else ""))
    return "".join(parts)


def atom_feed(editions, title: str, lang: str, base_url: str, utc_offset: str) -> bytes:
    """feed.xml (see the module docstring); `editions` newest first."""
    shown = editions[:FEED_EDITIONS]
    papers = sorted({e.paper for e in editions})
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    _sub(feed, "id", uuid.uuid5(_NAMES, "site\n" + "\n".join(papers)).urn)
    _sub(feed, "title", title)
    _sub(feed, "updated", _stamp(shown[0].date, utc_offset))
    _sub(_sub(feed, "author"), "name", "、".join(papers))
    _sub(feed, "link", rel="alternate", type="text/html", href=_absolute(base_url, "index.html"))
    if base_url:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=_absolute(base_url, "feed.xml"))
    _sub(feed, "generator", "layout")
    for e in shown:
        entry = _sub(feed, "entry")
        _sub(entry, "id", uuid.uuid5(_NAMES, f"edition\n{e.paper}\n{e.date.isoformat()}").urn)
        _sub(entry, "title", e.label)
        _sub(entry, "updated", _stamp(e.date, utc_offset))
        _sub(entry, "published", _stamp(e.date, utc_offset))
        _sub(entry, "link", rel="alternate", type="text/html", href=_absolute(base_url, e.url))
        front = [a.headline for a in e.articles if e.pages and a.page == e.pages[0][0]]
        if front:
            _sub(entry, "summary", "；".join(front))
        _sub(entry, "content", _contents(e, base_url), type="html")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _urlset(urls: list[tuple[str, str]]) -> bytes:
    root = etree.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP})
    for loc, lastmod in urls:
        url = etree.SubElement(root, f"{{{SITEMAP}}}url")
        etree.SubElement(url, f"{{{SITEMAP}}}loc").text = loc
        etree.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def sitemaps(editions, base_url: str, per_file: int = SITEMAP_URLS) -> dict[str, bytes]:
    """{"sitemap.xml": ...} (and sitemap-N.xml past `per_file` URLs; see the module docstring)."""
    newest = editions[0].date.isoformat()
    urls = [(_absolute(base_url, "index.html"), newest)]
    for e in editions:
        day = e.date.isoformat()
        urls += [(_absolute(base_url, url), day) for _, _, url in e.pages]
        urls += [(_absolute(base_url, a.url.split("#")[0]), day) for a in e.articles]
    urls = list(dict.fromkeys(urls))
    if len(urls) <= per_file:
        return {"sitemap.xml": _urlset(urls)}
    files: dict[str, bytes] = {}
    root = etree.Element(f"{{{SITEMAP}}}sitemapindex", nsmap={None: SITEMAP})
    for n, start in enumerate(range(0, len(urls), per_file), 1):
        chunk = urls[start:start + per_file]
        files[f"sitemap-{n}.xml"] = _urlset(chunk)
        entry = etree.SubElement(root, f"{{{SITEMAP}}}sitemap")
        etree.SubElement(entry, f"{{{SITEMAP}}}loc").text = _absolute(base_url, f"sitemap-{n}.xml")
        etree.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = max(day for _, day in chunk)
    files["sitemap.xml"] = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return files

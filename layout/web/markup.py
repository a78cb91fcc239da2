"""HTML for the web edition: elements, the page skeleton every file shares, serialisation.

Documents are lxml element trees written with lxml's HTML serialiser, so every text and
attribute value is escaped by the serialiser, never by hand: a headline reading `<script>`
is shown as text. `document(web, title, depth)` returns (html, body) with the head every page
has (charset, viewport, the Content-Security-Policy, the stylesheet), `masthead` and
`section_menu` the header and the 版 menu, `to_bytes(html)` the file's bytes (the same tree
gives the same bytes).
"""
from __future__ import annotations

from lxml import etree

from layout.wording import issue_number_name

#: No request leaves the site, no inline script or style runs: everything comes from the site's
#: own files (`'self'`). Pages use no script at all; the archive's search page loads one file.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'")
STYLESHEET = "web.css"


def el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    """A child element; `class_` for class, `aria_label` for aria-label (underscores become
    hyphens); attributes given None are left out."""
    node = etree.SubElement(parent, tag) if parent is not None else etree.Element(tag)
    for key, value in attrs.items():
        if value is not None:
            node.set(key.rstrip("_").replace("_", "-"), str(value))
    if text:
        node.text = text
    return node


def document(web, title: str, up: str = "", css: tuple[str, ...] = ()) -> tuple[etree._Element, etree._Element]:
    """An empty page of the edition -> (html, body). `up` is the way to web/ from the file ('' or
    '../'); `css` are stylesheets after the site's own (paths from web/)."""
    html = el(None, "html", lang=web.lang)
    head = el(html, "head")
    el(head, "meta", charset="utf-8")
    el(head, "meta", http_equiv="Content-Security-Policy", content=CSP)
    el(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    el(head, "title", title)
    for href in (STYLESHEET, *css):
        el(head, "link", rel="stylesheet", href=up + href)
    return html, el(html, "body")


def masthead(body, web, up: str = "") -> etree._Element:
    """The site header: the paper's name (linking to the edition's front) and the edition line."""
    header = el(body, "header", class_="masthead")
    el(el(header, "p", class_="paper"), "a", web.paper, href=up + "index.html")
    number = issue_number_name(web.lang, web.number)
    el(header, "p", f"{web.date_cn}\u3000{web.weekday}\u3000{number}", class_="edition")
    return header


def section_menu(parent, web, up: str = "", current: int | None = None) -> etree._Element:
    """The 版 menu: 第01版：要闻 … each linking to its page view; the current page marked."""
    nav = el(parent, "nav", class_="sections", aria_label=web.words["sections"])
    ol = el(nav, "ol")
    for page in web.pages:
        li = el(ol, "li")
        el(li, "a", page.label, href=up + page.url, aria_current="page" if page.number == current else None)
    return nav


def footer(body, web) -> etree._Element:
    foot = el(body, "footer", class_="colophon")
    el(foot, "p", "　".join(t for t in (web.paper, web.publisher) if t))
    return foot


def hidden(parent, text: str) -> etree._Element:
    """Text for screen readers only (visually hidden)."""
    return el(parent, "span", text, class_="vh")


def to_bytes(html: etree._Element) -> bytes:
    """The document as UTF-8 HTML5 bytes, with its doctype and a final newline."""
    text = etree.tostring(html, method="html", encoding="unicode", doctype="<!DOCTYPE html>")
    return (text + "\n").encode("utf-8")

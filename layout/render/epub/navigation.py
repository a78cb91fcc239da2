"""Navigation: the EPUB 3 navigation document and the NCX's page list.

`nav_document(plan, title, lang, css, cover_href)` takes the plan and returns
the lxml tree of `nav.xhtml`: a `toc` nav grouped by print page and section
(第1版 要闻 -> the stories that start on it), a `page-list` nav with one entry per
print page (`role="doc-pagelist"`), and `landmarks`. `ncx_page_list(ncx, plan)`
adds the same page list to the NCX that ebooklib writes for older readers.
`toc_sections(plan)` gives the grouping as plain data for the NCX.
"""
from __future__ import annotations

from lxml import etree

from layout.render.epub.content import EPUB_TYPE, el, new_document
from layout.render.epub.plan import Plan
from layout.render.epub.wording import words_for

NCX = "http://www.daisy.org/z3986/2005/ncx/"


def page_label(number: int, section: str) -> str:
    return f"第{number}版　{section}" if section else f"第{number}版"


def toc_sections(plan: Plan) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(page label, href, [(entry label, href), ...]), ...]: each page with the stories and pictures that
    start on it, in print order (advertisements are in the reading order, not here). A jumped story is listed once, on its first page (its document holds it
    whole, and a table of contents must follow the reading order); pages where nothing starts are left
    out here but are in the page list."""
    out = []
    for page in plan.pages:
        entries = [(plan.docs[n].label, plan.href(spot)) for kind, n, spot in page.items
                   if kind not in ("continuation", "ad")]
        if entries:
            out.append((page_label(page.number, page.section), entries[0][1], entries))
    return out


def nav_document(plan: Plan, title: str, lang: str, css: tuple[str, ...], cover_href: str | None) -> etree._Element:
    words = words_for(lang)
    html, body = new_document(words["toc"], lang, css)
    body.set("class", "nav")
    el(body, "p", title, class_="edition")
    toc = el(body, "nav", epub_type="toc", role="doc-toc", id="toc", aria_labelledby="toc-title")
    el(toc, "h1", words["toc"], id="toc-title", class_="headline")
    ol = el(toc, "ol")
    for label, href, stories in toc_sections(plan):
        li = el(ol, "li")
        el(li, "a", label, href=href)
        if stories:
            sub = el(li, "ol")
            for story_label, story_href in stories:
                el(el(sub, "li"), "a", story_label, href=story_href)

    if plan.pages and plan.pages[0].spot is not None:
        pl = el(body, "nav", epub_type="page-list", role="doc-pagelist", id="page-list",
                aria_labelledby="page-list-title", hidden="hidden")
        el(pl, "h2", words["page_list"], id="page-list-title")
        pol = el(pl, "ol")
        for page in plan.pages:
            el(el(pol, "li"), "a", str(page.number), href=plan.href(page.spot, page.number))

    lm = el(body, "nav", epub_type="landmarks", id="landmarks", aria_labelledby="landmarks-title", hidden="hidden")
    el(lm, "h2", words["landmarks"], id="landmarks-title")
    lol = el(lm, "ol")
    if cover_href:
        el(el(lol, "li"), "a", words["cover"], href=cover_href, epub_type="cover")
    el(el(lol, "li"), "a", words["toc"], href="nav.xhtml#toc", epub_type="toc")
    if plan.docs:
        el(el(lol, "li"), "a", words["bodymatter"], href=plan.docs[0].href, epub_type="bodymatter")
    return html


def ncx_page_list(ncx: bytes, plan: Plan, lang: str) -> bytes:
    """ebooklib's NCX plus a pageList (one pageTarget per print page) and the page counts in its head."""
    root = etree.fromstring(ncx)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    pages = [p for p in plan.pages if p.spot is not None]
    for meta in root.iter(f"{{{NCX}}}meta"):
        if meta.get("name") in ("dtb:totalPageCount", "dtb:maxPageNumber"):
            meta.set("content", str(len(pages) if meta.get("name") == "dtb:totalPageCount"
                                    else max((p.number for p in pages), default=0)))
    if pages:
        page_list = etree.SubElement(root, f"{{{NCX}}}pageList")
        label = etree.SubElement(etree.SubElement(page_list, f"{{{NCX}}}navLabel"), f"{{{NCX}}}text")
        label.text = "版次"
        for p in pages:
            target = etree.SubElement(page_list, f"{{{NCX}}}pageTarget", id=f"page-target-{p.number}",
                                      type="normal", value=str(p.number))
            text = etree.SubElement(etree.SubElement(target, f"{{{NCX}}}navLabel"), f"{{{NCX}}}text")
            text.text = str(p.number)
            etree.SubElement(target, f"{{{NCX}}}content", src=plan.href(p.spot, p.number))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8", pretty_print=True)


__all__ = ["nav_document", "ncx_page_list", "toc_sections", "page_label", "EPUB_TYPE"]

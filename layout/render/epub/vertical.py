"""Vertical stories (竖排) in the EPUB: which documents read top to bottom, and the book's page turn.

`vertical_articles(issue)` takes the edition's `Issue` and returns the ids of
the articles whose story begins in a placement with `direction: vertical`
(a jumped story follows the page it starts on). `page_progression(plan,
vertical)` returns "rtl" when the vertical stories hold more than half of the
edition's running text (the reader then turns pages right to left, as a
vertical paper or book is read), else None: the reading system's default,
left to right. `mark_vertical(html, tcy_max)` marks a story document as
vertical (`class="vertical"` on its root and a link to `css/vertical.css`,
which sets it in `writing-mode: vertical-rl`; `stylesheet()` gives that
file, carried only by editions with a vertical story) and wraps numbers of up to `tcy_max` digits in
`<span class="tcy">`, set upright side by side (縦中横, `text-combine-upright`),
as the print edition sets them.
"""
from __future__ import annotations

import re
from importlib import resources

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
#: A run of ASCII digits standing alone (not part of a Latin word, a decimal or a longer number).
_DIGITS = re.compile(r"(?<![0-9A-Za-z.,:])[0-9]+(?![0-9A-Za-z]|[.,:][0-9])")


def vertical_articles(issue) -> frozenset[str]:
    """Ids of the articles whose first placement is set vertically."""
    first: dict[str, str] = {}
    for page in issue.pages:
        for pl in page.placements:
            if pl.kind == "article" and not pl.continued:
                first.setdefault(pl.article, getattr(pl, "direction", "horizontal"))
    return frozenset(art for art, direction in first.items() if direction == "vertical")


def page_progression(plan, vertical: frozenset[str]) -> str | None:
    """'rtl' when vertical stories hold most of the edition's running text, else None (left to right)."""
    total = upright = 0
    for doc in plan.docs:
        if doc.article is None:
            continue
        n = sum(len(par.text) for par in doc.article.paragraphs)
        total += n
        upright += n if doc.article.id in vertical else 0
    return "rtl" if total and upright * 2 > total else None


def stylesheet() -> bytes:
    """css/vertical.css: the rules of vertical documents (only an edition with one carries it)."""
    return resources.files(__package__).joinpath("vertical.css").read_bytes()


def mark_vertical(html: etree._Element, tcy_max: int, css_href: str = "../css/vertical.css") -> None:
    """Mark a story document vertical (its class, and a link to `css_href`); numbers of 1..`tcy_max`
    digits become 縦中横 spans."""
    html.set("class", "vertical")
    head = html.find(f"{{{XHTML}}}head")
    if head is not None:
        link = etree.SubElement(head, f"{{{XHTML}}}link")
        for key, value in (("rel", "stylesheet"), ("type", "text/css"), ("href", css_href)):
            link.set(key, value)
    if tcy_max < 1:
        return
    body = html.find(f"{{{XHTML}}}body")
    for node in list(body.iter()) if body is not None else ():
        if not isinstance(node.tag, str) or node.tag == f"{{{XHTML}}}span" and node.get("class") == "tcy":
            continue
        _wrap_text(node, tcy_max)
        for child in list(node):
            _wrap_tail(child, tcy_max)


def _pieces(text: str, tcy_max: int) -> list[tuple[str, bool]]:
    """Text -> (piece, is a 縦中横 number) in order."""
    out, pos = [], 0
    for m in _DIGITS.finditer(text):
        if len(m.group()) > tcy_max:
            continue
        out += [(text[pos:m.start()], False), (m.group(), True)]
        pos = m.end()
    out.append((text[pos:], False))
    return out


def _span(number: str) -> etree._Element:
    span = etree.Element(f"{{{XHTML}}}span")
    span.set("class", "tcy")
    span.text = number
    return span


def _wrap_text(node, tcy_max: int) -> None:
    if node.text:
        lead = _insert_numbers(node, 0, node.text, tcy_max)
        if lead is not None:
            node.text = lead


def _wrap_tail(child, tcy_max: int) -> None:
    if child.tail:
        parent = child.getparent()
        lead = _insert_numbers(parent, parent.index(child) + 1, child.tail, tcy_max)
        if lead is not None:
            child.tail = lead


def _insert_numbers(parent, at: int, text: str, tcy_max: int) -> str | None:
    """Insert into `parent`, from child index `at`, a tcy span for each short number of `text` with the
    text after it as its tail; -> the text before the first number (None: no short number in `text`)."""
    pieces = _pieces(text, tcy_max)
    if len(pieces) == 1:
        return None
    last = None
    for piece, number in pieces[1:]:
        if number:
            last = _span(piece)
            parent.insert(at, last)
            at += 1
        else:
            last.tail = piece
    return pieces[0][0]

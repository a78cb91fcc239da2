"""XHTML content documents: one per story, the cover page, and helpers shared with the navigation.

`story_document(doc, plan, lang, css, images)` takes a story's `Doc` from the plan,
the document language and the package paths of the story's photos, and returns
an lxml tree: the headline group (kicker, headline, subhead) as a `header`
with an `hgroup`, photos as `figure`s with `alt` and a `figcaption` (caption
and credit), paragraphs with the dateline run in like the print, in-body
subheads as `h2`, a 落款 as `<p class="signature">` (its lines and any hard line
break as `<br/>`), the byline in the article's `footer`, and a page-break
marker (`epub:type="pagebreak"`, `role="doc-pagebreak"`, `aria-label` = page
number) wherever a print page begins. `picture_document` does the same for a
standalone picture, `ad_document` for an advertisement (an `aside` labelled 广告
holding the ad as a figure with its alt text). Text goes in exactly as the model
has it.
"""
from __future__ import annotations

from lxml import etree

from layout.model import Article, Paragraph, Span
from layout.render.epub.plan import Doc, Plan, Spot
from layout.render.epub.wording import words_for

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS}}}type"
NSMAP = {None: XHTML, "epub": OPS}


def lang_tag(issue_lang: str) -> str:
    """The manifest's language -> a BCP 47 tag with the script, which reading systems use to pick fonts."""
    return {"zh-TW": "zh-Hant-TW", "zh-HK": "zh-Hant-HK"}.get(issue_lang, "zh-Hans")


def el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    """A child element in the XHTML namespace; `class_` for class, `epub_type` for epub:type."""
    node = etree.SubElement(parent, f"{{{XHTML}}}{tag}")
    for key, value in attrs.items():
        if value is None:
            continue
        if key == "epub_type":
            node.set(EPUB_TYPE, value)
        else:
            node.set(key.rstrip("_").replace("_", "-"), value)
    if text:
        node.text = text
    return node


def new_document(title: str, lang: str, css: tuple[str, ...]) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML5 document -> (html, body)."""
    html = etree.Element(f"{{{XHTML}}}html", nsmap=NSMAP)
    html.set("lang", lang)
    html.set(XML_LANG, lang)
    head = el(html, "head")
    el(head, "meta", charset="utf-8")
    el(head, "title", title)
    for href in css:
        el(head, "link", rel="stylesheet", type="text/css", href=href)
    return html, el(html, "body")


#: Elements that hold only other elements in our documents: indented when written. Anything holding text
#: (p, h1, figcaption, a …) is written as is, since a line break between inline elements can show as a space.
_BLOCKS = {f"{{{XHTML}}}{t}" for t in ("html", "head", "body", "article", "header", "hgroup", "section",
                                        "figure", "footer", "nav", "ol", "li")}


def _indent(node, level: int = 0) -> None:
    if node.tag not in _BLOCKS or (node.text and node.text.strip()) or not len(node):
        return
    if any(child.tail and child.tail.strip() for child in node):
        return
    pad = "\n" + "  " * (level + 1)
    node.text = pad
    for child in node:
        _indent(child, level + 1)
        child.tail = pad
    node[-1].tail = "\n" + "  " * level


def serialize(html: etree._Element) -> bytes:
    """An XHTML document's bytes: XML declaration, HTML5 doctype, block elements on their own lines."""
    _indent(html)
    return etree.tostring(html, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def page_break(parent, number: int) -> etree._Element:
    """The marker where print page `number` begins: empty, labelled with the page number."""
    return el(parent, "span", epub_type="pagebreak", role="doc-pagebreak", id=f"page-{number}",
              aria_label=str(number))


def _markers(parent, numbers) -> None:
    for number in numbers:
        page_break(parent, number)


def _append_text(parent, text: str) -> None:
    """Add text at the end of `parent`'s content (after its last child, if any); a hard line break
    ('\\n') becomes a <br/>."""
    if not text:
        return
    if "\n" in text:
        for k, line in enumerate(text.split("\n")):
            if k:
                el(parent, "br")
            _append_text(parent, line)
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _spans(parent, spans: tuple[Span, ...], breaks: dict[int, list]) -> None:
    """Paragraph spans into `parent` (bold as <strong>), with page-break markers at character offsets."""
    pos = 0
    for span in spans:
        cuts = sorted(o - pos for o in breaks if pos < o < pos + len(span.text))
        pieces, start = [], 0
        for cut in cuts + [len(span.text)]:
            pieces.append((span.text[start:cut], pos + cut if cut < len(span.text) else None))
            start = cut
        for text, mark_at in pieces:
            if span.bold:
                _append_text(el(parent, "strong"), text)
            else:
                _append_text(parent, text)
            if mark_at is not None:
                _markers(parent, breaks[mark_at])
        pos += len(span.text)


def _paragraph(parent, article: Article, par: Paragraph, lead: bool, breaks: dict[int, list]) -> None:
    if par.kind == "subhead":
        h = el(parent, "h2", class_="intertitle")
        _spans(h, par.spans, breaks)
        return
    if par.kind == "signature":
        _spans(el(parent, "p", class_="signature"), par.spans, breaks)
        return
    p = el(parent, "p")
    if lead:
        run_in = el(p, "span", class_="lead")
        if article.dateline:
            el(run_in, "span", article.dateline, class_="dateline")
        _append_text(run_in, ("\u3000" if article.dateline else "") + (f"{article.date}，" if article.date else ""))
    _spans(p, par.spans, breaks)


def _figure(parent, photo, src: str, size: tuple[int, int] | None) -> None:
    fig = el(parent, "figure", class_="photo")
    attrs = {"width": str(size[0]), "height": str(size[1])} if size else {}
    el(fig, "img", src=src, alt=photo.alt, **attrs)
    if photo.caption or photo.credit:
        cap = el(fig, "figcaption")
        if photo.caption:
            el(cap, "span", photo.caption, class_="caption")
        if photo.credit:
            if photo.caption:
                cap[-1].tail = "\u3000"
            el(cap, "span", photo.credit, class_="credit")


def story_document(doc: Doc, plan: Plan, lang: str, css: tuple[str, ...],
                   images: list[tuple[str, tuple[int, int] | None]]) -> etree._Element:
    """A story as an XHTML document (see the module docstring). `images[i]` = (src, (w, h)) of photo i."""
    art = doc.article
    html, body = new_document(art.headline_line, lang, css)
    marks = plan.marks(doc.index)
    _markers(body, marks.get(Spot(doc.index), []))
    article = el(body, "article", id="story", aria_labelledby="headline")
    header = el(article, "header")
    group = el(header, "hgroup")
    if art.kicker:
        el(group, "p", art.kicker, class_="kicker")
    _append_text(el(group, "h1", class_="headline", id="headline"), art.headline)   # a forced break: <br/>
    if art.subhead:
        el(group, "p", art.subhead, class_="subhead", role="doc-subtitle")

    photos = list(zip(art.photos, images, strict=True))
    for photo, (src, size) in photos:
        if photo.position != "bottom":
            _figure(article, photo, src, size)

    lead_pending = bool(art.lead)
    for i, par in enumerate(art.paragraphs):
        here = {s.offset: n for s, n in marks.items() if s.paragraph == i}
        _markers(article, here.pop(0, []))
        lead = lead_pending and par.kind == "p"
        if lead:
            lead_pending = False
        _paragraph(article, art, par, lead, here)
    _markers(article, marks.get(Spot(doc.index, len(art.paragraphs), 0), []))

    for photo, (src, size) in photos:
        if photo.position == "bottom":
            _figure(article, photo, src, size)
    if art.byline:
        footer = el(article, "footer")
        el(footer, "p", art.byline, class_="byline")
    return html


def picture_document(doc: Doc, plan: Plan, lang: str, css: tuple[str, ...],
                     image: tuple[str, tuple[int, int] | None]) -> etree._Element:
    """A standalone picture (图片新闻) as an XHTML document: the photo with its caption and credit."""
    html, body = new_document(doc.label, lang, css)
    _markers(body, plan.marks(doc.index).get(Spot(doc.index), []))
    article = el(body, "article", class_="picture", aria_label=doc.label)
    _figure(article, doc.picture, *image)
    return html


def ad_document(doc: Doc, plan: Plan, lang: str, css: tuple[str, ...],
                image: tuple[str, tuple[int, int] | None]) -> etree._Element:
    """An advertisement as an XHTML document: an `aside` (content beside the stories) labelled 广告,
    the ad as a figure whose `alt` is the manifest's alt text, captioned 广告 as papers mark one."""
    html, body = new_document(doc.label, lang, css)
    _markers(body, plan.marks(doc.index).get(Spot(doc.index), []))
    ad_word = words_for(lang)["ad"]
    aside = el(body, "aside", class_="ad", aria_label=ad_word)
    src, size = image
    fig = el(aside, "figure", class_="ad")
    attrs = {"width": str(size[0]), "height": str(size[1])} if size else {}
    el(fig, "img", src=src, alt=doc.picture.alt, **attrs)
    el(fig, "figcaption", ad_word)
    return html


def cover_document(title: str, lang: str, css: tuple[str, ...], src: str, alt: str) -> etree._Element:
    html, body = new_document(title, lang, css)
    body.set(EPUB_TYPE, "cover")
    section = el(body, "section", class_="cover", aria_label=title)
    el(section, "img", src=src, alt=alt, role="doc-cover")
    return html

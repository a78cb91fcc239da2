"""`render_epub`: the EPUB's parts put together (see the package docstring)."""
from __future__ import annotations

import uuid
from importlib import resources

from layout.diagnostics import Report
from layout.render.epub.content import (ad_document, cover_document, lang_tag, picture_document, serialize,
                                        story_document)
from layout.render.epub import docstore
from layout.render.epub.fonts import document_texts, font_file, roles_css, subset_face, usage_of_texts
from layout.render.epub.media import ad_bytes, cover_jpeg, photo_bytes
from layout.render.epub.navigation import nav_document, toc_sections
from layout.render.epub.package import Parts, build_package
from layout.render.epub.plan import Plan, plan_edition
from layout.render.epub.vertical import mark_vertical, page_progression, vertical_articles
from layout.render.epub.vertical import stylesheet as vertical_stylesheet
from layout.render.epub.wording import accessibility_summary, words_for
from layout.wording import issue_number_name

#: The namespace of edition identifiers: uuid5(this, "<paper name>/<issue number>").
EDITION_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "layout:newspaper-edition")
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def edition_identifier(paper: str, number: int) -> str:
    """A stable identifier for an edition: the same paper and issue number give the same URN."""
    return f"urn:uuid:{uuid.uuid5(EDITION_NAMESPACE, f'{paper}/{number}')}"


def stylesheet() -> bytes:
    return resources.files(__package__).joinpath("edition.css").read_bytes()


def _metadata(edition, plan: Plan, has_images: bool, all_alt: bool) -> list:
    issue = edition.issue
    paper, info = issue.paper, issue.info
    pages = len(issue.pages)
    words = words_for(info.lang)
    source = f"{paper.name} {info.date_cn} " + words["print_edition"].format(
        issue=issue_number_name(info.lang, info.number), pages=pages)
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "pageNavigation",
                "pageBreakMarkers", "displayTransformability"]
    if has_images and all_alt:
        features.append("alternativeText")
    modes = ["textual"] + (["visual"] if has_images else [])
    sufficient = (["textual"] if all_alt else []) + ([",".join(modes)] if has_images else [])
    pictures = any(doc.article.photos if doc.article else not doc.ad for doc in plan.docs)
    summary = accessibility_summary(info.lang, paper.name, info.date_cn, pages, pictures=pictures,
                                    ads=any(doc.ad for doc in plan.docs), all_alt=has_images and all_alt)
    meta: list = []
    if paper.publisher:
        meta.append(("DC", "publisher", paper.publisher, {}))
    meta += [
        ("DC", "date", info.date.isoformat(), {}),
        ("DC", "source", source, {"id": "print-edition"}),
        (None, "meta", "pagination", {"refines": "#print-edition", "property": "source-of"}),
        (None, "meta", paper.name, {"property": "belongs-to-collection", "id": "series"}),
        (None, "meta", "series", {"refines": "#series", "property": "collection-type"}),
        (None, "meta", str(info.number), {"refines": "#series", "property": "group-position"}),
    ]
    meta += [(None, "meta", m, {"property": "schema:accessMode"}) for m in modes]
    meta += [(None, "meta", m, {"property": "schema:accessModeSufficient"}) for m in sufficient]
    meta += [(None, "meta", f, {"property": "schema:accessibilityFeature"}) for f in features]
    meta += [
        (None, "meta", "none", {"property": "schema:accessibilityHazard"}),
        (None, "meta", summary, {"property": "schema:accessibilitySummary"}),
        (None, "meta", CONFORMS_TO, {"property": "dcterms:conformsTo"}),
        (None, "meta", paper.publisher or paper.name, {"property": "a11y:certifiedBy"}),
    ]
    return meta


def _made(tree) -> tuple[bytes, list]:
    """A document made here -> (its XHTML, its texts by role)."""
    texts = document_texts(tree)
    return serialize(tree), texts


def _content_document(doc, plan: Plan, lang: str, css: tuple[str, ...], images: list, style,
                      vertical: frozenset[str]) -> tuple[bytes, list]:
    """A story's, picture's or ad's document -> (XHTML, texts by role): read back from the disk
    store (`docstore`) when one made from the same content was kept, else made and kept."""
    upright = doc.article is not None and doc.article.id in vertical
    tcy_max = getattr(getattr(style, "vertical", None), "tcy_max", 2)
    key = docstore.document_key(doc, plan, lang, css, images, (True, tcy_max) if upright else None)
    kept = docstore.recall(key)
    if kept is not None:
        return kept
    if doc.article:
        tree = story_document(doc, plan, lang, css, images)
        if upright:
            mark_vertical(tree, tcy_max)
    elif doc.ad:
        tree = ad_document(doc, plan, lang, css, images[0])
    else:
        tree = picture_document(doc, plan, lang, css, images[0])
    xhtml, texts = _made(tree)
    docstore.keep(key, xhtml, texts)
    return xhtml, texts


def render_epub(edition, report: Report, pdf_bytes: bytes | None = None, embed_fonts: bool = False) -> bytes:
    """The EPUB's bytes (see the package docstring): `epub_steps` run to their end."""
    return run_to_end(epub_steps(edition, report, pdf_bytes, embed_fonts))


def run_to_end(steps):
    """A generator of steps (as `epub_steps`) run to its end on this thread -> what it returns."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def epub_steps(edition, report: Report, pdf_bytes: bytes | None = None, embed_fonts: bool = False):
    """`render_epub` as a generator: it yields (None) between steps of a few milliseconds to a tenth
    of a second (each document, the cover, the package) and returns the EPUB's bytes. Whoever
    advances it may do so from another thread between two steps (the EPUB worker moves the rest of
    the job to a thread at the build's own priority once the build waits for it)."""
    issue = edition.issue
    lang = lang_tag(issue.info.lang)
    plan = plan_edition(issue, edition.frames)
    vertical = vertical_articles(issue)
    top_css = ("css/edition.css", "css/roles.css")
    text_css = tuple(f"../{c}" for c in top_css)

    resources_: list[tuple[str, str, str, bytes]] = []
    # (id, path, XHTML, its texts by role (`fonts.document_texts`), manifest properties)
    documents: list[tuple[str, str, bytes, list, tuple[str, ...]]] = []
    has_images, all_alt = False, True
    stored: dict[bytes, str] = {}   # an image's bytes -> where it is stored: a photo used twice is stored once
    for doc in plan.docs:
        photos = doc.article.photos if doc.article else (doc.picture,)
        images = []
        for k, photo in enumerate(photos, 1):
            data, ext, media_type, size = (ad_bytes if doc.ad else photo_bytes)(photo.file)
            path = stored.get(data)
            if path is None:
                path = stored[data] = f"images/{doc.index + 1:02d}-{k}.{ext}"
                resources_.append((f"img-{doc.index + 1:02d}-{k}", path, media_type, data))
            images.append((f"../{path}", size))
            has_images = True
            if not photo.alt:
                all_alt = False
                what = f"a photo of '{doc.article.id}'" if doc.article else \
                    f"the {'advertisement' if doc.ad else 'picture'} {photo.file.name}"
                report.warning("epub-no-alt", f"{what} has neither alt text nor a caption", photo.source,
                               "add 'alt:' describing what the " + ("ad shows and says" if doc.ad else "photo shows")
                               + ", for readers who cannot see it")
        documents.append((f"doc-{doc.index + 1:02d}", doc.href,
                          *_content_document(doc, plan, lang, text_css, images, edition.style, vertical), ()))
        yield

    cover = None
    cover_href = None
    if pdf_bytes:
        jpeg, _size = cover_jpeg(pdf_bytes)
        yield
        cover = ("images/cover.jpg", jpeg)
        first = plan.pages[0] if plan.pages else None
        heads = "；".join(plan.docs[n].label for kind, n, _s in first.items if kind != "continuation") if first else ""
        alt = f"{edition.title}第1版" + (f"（{first.section}）" if first and first.section else "") + "版面"
        alt += f"，本版稿件：{heads}" if heads else ""
        cover_href = "cover.xhtml"
        documents.insert(0, ("cover", cover_href,
                             *_made(cover_document(edition.title, lang, top_css, "images/cover.jpg", alt)), ()))
        has_images = True
    nav = nav_document(plan, edition.title, lang, top_css, cover_href)
    documents.insert(1 if cover else 0, ("nav", "nav.xhtml", *_made(nav), ("nav",)))

    ts = edition.typesetter
    usage = usage_of_texts([texts for _i, _p, _x, texts, _props in documents], edition.style, ts)
    resources_.insert(0, ("css-edition", "css/edition.css", "text/css", stylesheet()))
    if any(doc.article is not None and doc.article.id in vertical for doc in plan.docs):
        resources_.insert(1, ("css-vertical", "css/vertical.css", "text/css", vertical_stylesheet()))
    resources_.insert(1, ("css-roles", "css/roles.css", "text/css",
                          roles_css(usage, edition.style, lang, embed_fonts, ts).encode("utf-8")))
    if embed_fonts:
        for face in sorted(usage.chars):
            path = font_file(face)
            resources_.append((f"font-{path[6:-4]}", path, "font/ttf", subset_face(face, usage.chars[face], ts)))

    words = words_for(lang)
    guide = []
    if cover_href:
        guide.append({"type": "cover", "href": cover_href, "title": words["cover"]})
    guide.append({"type": "toc", "href": "nav.xhtml", "title": words["toc"]})
    if plan.docs:
        guide.append({"type": "text", "href": plan.docs[0].href, "title": words["bodymatter"]})

    parts = Parts(
        identifier=edition_identifier(issue.paper.name, issue.info.number),
        title=edition.title,
        lang=lang,
        date=issue.info.date,
        publisher=issue.paper.publisher,
        metadata=_metadata(edition, plan, has_images, all_alt),
        documents=[(uid, path, xhtml, props) for uid, path, xhtml, _texts, props in documents],
        spine=[uid for uid, _p, _x, _t, _props in documents],
        resources=resources_,
        toc=toc_sections(plan),
        plan=plan,
        cover=cover,
        guide=guide,
        direction=page_progression(plan, vertical),
    )
    yield
    return build_package(parts)

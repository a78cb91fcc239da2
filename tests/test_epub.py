"""The EPUB edition, for every sample edition under issues/: built through the pipeline, read back and
checked against the model, validated with the W3C's EPUBCheck (0 errors, 0 warnings, with and without
embedded fonts), rebuilt in another process byte for byte, and one story rendered by headless Chromium.

The editions are built once (module fixture); EPUBCheck and the rebuild run in the background while the
other tests read the books, so the file stays well under a minute.
"""
from __future__ import annotations

import dataclasses
import io
from concurrent.futures import ThreadPoolExecutor
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from epub_tools import NS, Book, EpubCheck, chromium, fontconfig_with, screenshot, start_rebuild
from layout.diagnostics import Report
from layout.page.frames import Anchor, GlyphRun
from layout.pipeline import BuildOptions, build, prepare
from layout.render.epub import edition_identifier, render_epub
from layout.render.epub.content import lang_tag
from layout.render.epub.fonts import subset_face
from layout.render.epub.plan import epub_frames, picture_label, plan_edition, slug, spot_after

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = sorted((ROOT / "issues").glob("*/issue.yaml"))
IDS = [p.parent.name for p in MANIFESTS]
EPUB_TYPE = f"{{{NS['epub']}}}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
H = f"{{{NS['h']}}}"


@dataclass
class Built:
    manifest: Path
    edition: object
    report: Report
    out: Path
    pdf: bytes | None
    pdf_problem: str          # why there is no PDF (the print renderer raised), else ""
    plain: Book               # as `layout build` wrote it
    fonts: Book               # with --embed-fonts
    rebuild: object           # the Popen building both again in another process
    rebuild_dir: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Built]:
    """Each edition built through the pipeline as `layout build` does (PDF and EPUB), then with
    --embed-fonts, and a rebuild of both started in the background."""
    builds: dict[str, Built] = {}
    for original, key in zip(MANIFESTS, IDS, strict=True):
        # a snapshot of the edition folder: every build below reads the same input
        manifest = Path(shutil.copytree(original.parent, tmp_path_factory.mktemp("src") / key)) / original.name
        out = tmp_path_factory.mktemp(f"epub-{key}")
        report = Report()
        edition = prepare(manifest, report)
        assert edition is not None, [d.format() for d in report.errors]
        stem, problem = edition.stem, ""
        try:
            build(edition, out, report, BuildOptions(pdf=True, epub=True))  # errors in the layout are not ours
        except Exception as exc:  # noqa: BLE001 - only the print stage may fail here, see below
            if (out / f"{stem}.pdf").exists():
                raise  # the PDF was written, so the EPUB stage failed: that is ours
            problem = f"the print PDF could not be rendered ({type(exc).__name__}: {exc})"
            (out / f"{stem}.epub").write_bytes(render_epub(edition, report, None))
        pdf = None if problem else (out / f"{stem}.pdf").read_bytes()
        fonts_out = out / "embed-fonts"
        written = build(edition, fonts_out, report, BuildOptions(pdf=False, epub=True, embed_fonts=True))
        assert written == [fonts_out / f"{stem}.epub"]
        rebuild_dir = tmp_path_factory.mktemp(f"rebuild-{key}")
        rebuild = start_rebuild(manifest, rebuild_dir)
        builds[key] = Built(manifest, edition, report, out, pdf, problem, Book((out / f"{stem}.epub").read_bytes()),
                            Book(written[0].read_bytes()), rebuild, rebuild_dir)
    return builds


@pytest.fixture(scope="module")
def epubcheck(built, tmp_path_factory):
    books = {f"{key}/{variant}": b.out / folder / f"{b.edition.stem}.epub"
             for key, b in built.items() for variant, folder in (("plain", ""), ("fonts", "embed-fonts"))}
    check = EpubCheck.start(books, tmp_path_factory.mktemp("epubcheck"))
    yield check
    if not isinstance(check, str):
        check.stop()


@pytest.fixture(params=IDS)
def b(request, built, epubcheck) -> Built:
    """One edition's build (asking for `epubcheck` here starts it before the first test)."""
    return built[request.param]


# -- the pipeline and the container ------------------------------------------------------------------------
def test_layout_build_writes_the_epub_beside_the_pdf(b):
    assert (b.out / f"{b.edition.stem}.epub").is_file()
    assert b.edition.stem == f"{b.edition.issue.paper.name}-{b.edition.issue.info.date.isoformat()}"
    assert not [p.name for p in b.out.rglob(".*")], "temporary files left behind"
    assert not [d.format() for d in b.report.items if d.code.startswith("epub")]
    if not b.pdf_problem:
        assert (b.out / f"{b.edition.stem}.pdf").is_file()


def test_container(b):
    for book in (b.plain, b.fonts):
        infos = book.zip.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
        assert book.entries["mimetype"] == b"application/epub+zip"
        assert book.data[30:38] == b"mimetype"  # the name right after the first local header
        names = [i.filename for i in infos]
        assert len(names) == len(set(names))
        assert names[1] == "META-INF/container.xml" and names[2:] == sorted(names[2:])
        date = b.edition.issue.info.date
        assert {i.date_time for i in infos} == {(date.year, date.month, date.day, 0, 0, 0)}
        assert book.zip.testzip() is None
        # images are compressed already: stored; text (XHTML, CSS, OPF, NCX, fonts) deflated
        for info in infos[1:]:
            image = info.filename.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))
            assert info.compress_type == (zipfile.ZIP_STORED if image else zipfile.ZIP_DEFLATED), info.filename


def test_failed_build_leaves_no_partial_file(built, tmp_path, monkeypatch):
    """When ebooklib fails half-way through writing the package, the previous EPUB stays as it was and
    no partial or temporary file is left (the EPUB is built in memory, then written atomically)."""
    import layout.render.pdf as pdf_mod
    from layout.render.epub import package

    b = built[IDS[0]]
    old = tmp_path / f"{b.edition.stem}.epub"
    old.write_bytes(b"the previous edition")

    def half_written(self):
        self.out.writestr("EPUB/text/01.xhtml", b"<html")
        raise OSError("simulated: the disk filled up while the package was written")

    monkeypatch.setattr(pdf_mod, "render_pdf", lambda *a, **k: b.pdf)
    monkeypatch.setattr(package._Writer, "_write_items", half_written)
    with pytest.raises(OSError):
        build(b.edition, tmp_path, Report(), BuildOptions(pdf=False, epub=True))
    assert old.read_bytes() == b"the previous edition"
    assert sorted(p.name for p in tmp_path.iterdir()) == [old.name]


# -- the text is the manifest's ------------------------------------------------------------------------------
def _placed(issue) -> list[str]:
    """Article ids in print order: each story once, on the page where it starts."""
    seen = []
    for page in issue.pages:
        for pl in page.placements:
            if pl.kind == "article" and not pl.continued and pl.article in issue.articles and pl.article not in seen:
                seen.append(pl.article)
    return seen


def _pictures(issue) -> list:
    return [pl.photo for page in issue.pages for pl in page.placements if pl.kind == "picture" and pl.photo]


def _story_docs(book: Book) -> list[tuple[str, etree._Element]]:
    """(href, tree) of the story documents (those with a headline), in reading order."""
    docs = [(href, book.xml(href)) for href in book.spine if href.startswith("text/")]
    return [(href, doc) for href, doc in docs if doc.find(f".//{H}h1") is not None]


def _picture_docs(book: Book) -> list[tuple[str, etree._Element]]:
    docs = [(href, book.xml(href)) for href in book.spine if href.startswith("text/")]
    return [(href, doc) for href, doc in docs if doc.find(f".//{H}article[@class='picture']") is not None]


def _text(node) -> str:
    return "".join(node.itertext())


def test_every_story_once_in_print_order(b):
    docs = _story_docs(b.plain)
    headlines = [_text(doc.find(f".//{H}h1")) for _href, doc in docs]
    issue = b.edition.issue
    assert sorted(headlines) == sorted(issue.articles[a].headline for a in _placed(issue))
    pages = [next(p.number for p in issue.pages for pl in p.placements
                  if pl.kind == "article" and pl.article == a and not pl.continued) for a in
             [next(k for k, v in issue.articles.items() if v.headline == h) for h in headlines]]
    assert pages == sorted(pages), "stories are not in page order"
    front = ["cover.xhtml", "nav.xhtml"] if b.pdf else ["nav.xhtml"]
    pictures = _picture_docs(b.plain)
    assert len(pictures) == len(_pictures(issue))
    ads = [href for href in b.plain.spine if b.plain.xml(href).find(f".//{H}aside[@class='ad']") is not None]
    assert len(ads) == sum(pl.kind == "ad" for page in issue.pages for pl in page.placements)
    assert b.plain.spine[:len(front)] == front
    assert len(b.plain.spine) == len(front) + len(docs) + len(pictures) + len(ads)


def test_text_equals_the_manifest(b):
    """Headline group, paragraphs (dateline run in like the print), subheads, byline and every photo's
    alt text, caption and credit, read back from the XHTML, equal the model's text exactly."""
    issue = b.edition.issue
    by_headline = {issue.articles[a].headline: issue.articles[a] for a in _placed(issue)}
    for href, doc in _story_docs(b.plain):
        art = by_headline[_text(doc.find(f".//{H}h1"))]
        article = doc.find(f".//{H}article")
        group = article.find(f"{H}header/{H}hgroup")
        kicker = group.find(f"{H}p[@class='kicker']")
        subhead = group.find(f"{H}p[@class='subhead']")
        assert (_text(kicker) if kicker is not None else "") == art.kicker, href
        assert (_text(subhead) if subhead is not None else "") == art.subhead, href
        assert doc.find(f".//{H}title").text == art.headline

        body = []
        for node in article:
            if node.tag == f"{H}p":
                lead = node.find(f"{H}span[@class='lead']")
                if lead is not None:
                    dateline = lead.find(f"{H}span[@class='dateline']")
                    assert (_text(dateline) if dateline is not None else "") == art.dateline, href
                    assert art.date in _text(lead)
                    node = etree.fromstring(etree.tostring(node))
                    lead = node.find(f"{H}span[@class='lead']")
                    if lead.tail:
                        node.text = (node.text or "") + lead.tail
                    node.remove(lead)
                body.append(("p", _text(node)))
            elif node.tag == f"{H}h2":
                body.append(("subhead", _text(node)))
        assert body == [(p.kind, p.text) for p in art.paragraphs], href
        bold = ["".join(_text(s) for s in doc.iterfind(f".//{H}article/{H}p//{H}strong"))]
        assert bold == ["".join(s.text for p in art.paragraphs if p.kind == "p" for s in p.spans if s.bold)]

        footer = article.find(f"{H}footer/{H}p[@class='byline']")
        assert (_text(footer) if footer is not None else "") == art.byline, href

        figures = article.findall(f"{H}figure")
        assert len(figures) == len(art.photos), href
        got = sorted((f.find(f"{H}img").get("alt"), _opt(f, "caption"), _opt(f, "credit")) for f in figures)
        want = sorted((p.alt, p.caption, p.credit) for p in art.photos)
        assert got == want, href
        for fig in figures:
            src = fig.find(f"{H}img").get("src")
            assert src.startswith("../images/") and b.plain.read(src[3:]), src
    # standalone pictures (图片新闻): each in its own document, with alt, caption and credit
    got = []
    for _href, doc in _picture_docs(b.plain):
        (fig,) = doc.iter(f"{H}figure")
        got.append((fig.find(f"{H}img").get("alt"), _opt(fig, "caption"), _opt(fig, "credit")))
    assert got == [(p.alt, p.caption, p.credit) for p in _pictures(issue)]


def _opt(fig, cls: str) -> str:
    node = fig.find(f"{H}figcaption/{H}span[@class='{cls}']")
    return _text(node) if node is not None else ""


def test_markup_is_accessible(b):
    lang = lang_tag(b.edition.issue.info.lang)
    for book in (b.plain, b.fonts):
        for href in book.spine:
            doc = book.xml(href)
            assert doc.get("lang") == lang and doc.get(XML_LANG) == lang, href
            assert doc.find(f"{H}head/{H}title").text, href
            for img in doc.iter(f"{H}img"):
                assert img.get("alt"), (href, img.get("src"))
            levels = [int(h.tag[-1]) for h in doc.iter() if isinstance(h.tag, str) and re.fullmatch(rf"{re.escape(H)}h[1-6]", h.tag)]
            if levels and href.startswith("text/"):
                assert levels[0] == 1 and levels.count(1) == 1, href
                assert all(b_ - a <= 1 for a, b_ in zip(levels, levels[1:], strict=False)), (href, levels)


def test_css_for_chinese_reading_and_night_mode(b):
    for book in (b.plain, b.fonts):
        css = book.read("css/edition.css").decode() + book.read("css/roles.css").decode()
        assert "line-break: strict" in css and "text-indent: 2em" in css
        assert "text-spacing-trim" in css and "text-autospace" in css
        assert not re.search(r"(^|[\s;{])(color|background(-color)?)\s*:", css), "a fixed colour breaks night mode"
        assert not re.search(r"font-size:\s*[\d.]+(px|pt)", css), "font sizes in em, so the reader's size applies"


# -- navigation, page list, metadata ---------------------------------------------------------------------------
def _resolve(book: Book, href: str):
    doc_href, _, frag = href.partition("#")
    doc = book.xml(doc_href)
    if not frag:
        return doc, None
    hits = doc.xpath("//*[@id=$id]", id=frag)
    assert len(hits) == 1, href
    return doc, hits[0]


def test_toc_grouped_by_page_and_section(b):
    book, issue = b.plain, b.edition.issue
    nav = book.xml(book.item("nav").get("href"))
    toc = nav.find(f".//{H}nav[@{EPUB_TYPE}='toc']")
    assert toc.get("role") == "doc-toc"
    groups = toc.findall(f"{H}ol/{H}li")
    starts = {}
    for page in issue.pages:
        for pl in page.placements:
            if pl.kind == "article" and not pl.continued and pl.article in issue.articles:
                starts.setdefault(page.number, []).append(issue.articles[pl.article].headline)
            elif pl.kind == "picture" and pl.photo:
                starts.setdefault(page.number, []).append(picture_label(pl.photo, issue.info.lang))
    assert [_text(g.find(f"{H}a")) for g in groups] == [
        f"第{p.number}版　{p.section}" if p.section else f"第{p.number}版" for p in issue.pages if p.number in starts]
    for group in groups:
        number = int(re.match(r"第(\d+)版", _text(group.find(f"{H}a"))).group(1))
        labels = [_text(a) for a in group.iterfind(f"{H}ol/{H}li/{H}a")]
        assert sorted(labels) == sorted(starts[number])
        for a in group.iter(f"{H}a"):
            _resolve(book, a.get("href"))
    # the NCX for older readers has the same groups and a page list
    ncx = book.xml(book.manifest["ncx"].get("href"))
    assert [p.text for p in ncx.iterfind("ncx:navMap/ncx:navPoint/ncx:navLabel/ncx:text", NS)] == \
        [_text(g.find(f"{H}a")) for g in groups]
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == book.dc("identifier")[0]
    assert len(ncx.findall("ncx:pageList/ncx:pageTarget", NS)) == len(issue.pages)


def test_page_list_points_where_each_print_page_begins(b):
    book, issue = b.plain, b.edition.issue
    nav = book.xml(book.item("nav").get("href"))
    pl = nav.find(f".//{H}nav[@{EPUB_TYPE}='page-list']")
    assert pl is not None and pl.get("role") == "doc-pagelist"
    links = pl.findall(f"{H}ol/{H}li/{H}a")
    assert [a.text for a in links] == [str(p.number) for p in issue.pages]
    first_text = _first_text_per_page(b.edition)
    for a, page in zip(links, issue.pages, strict=True):
        doc, marker = _resolve(book, a.get("href"))
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == str(page.number) and not _text(marker)
        # the text after the marker is what the print page starts with (for a continuation: mid-story)
        after = _text_after(doc, marker)
        if page.number in first_text:
            assert after.startswith(first_text[page.number]), (page.number, after[:30], first_text[page.number])
    # every page-break marker in the book is in the page list, once
    markers = [m.get("aria-label") for href in book.spine for m in book.xml(href).iter()
               if isinstance(m.tag, str) and m.get(EPUB_TYPE) == "pagebreak"]
    assert sorted(markers, key=int) == [str(p.number) for p in issue.pages]
    assert book.dc("source") and issue.paper.name in book.dc("source")[0]
    assert book.meta("source-of") == ["pagination"]


def _first_text_per_page(edition) -> dict[int, str]:
    """For each page that begins with a jumped story's continuation: the first 12 characters of running
    text the layout set there (spaces removed)."""
    out = {}
    for frame in edition.frames:
        first_anchor = next((it for it in frame.items if isinstance(it, Anchor) and it.kind != "ad"), None)
        if first_anchor is None:
            continue
        inside, text = False, ""
        for it in frame.items:
            if isinstance(it, Anchor):
                if inside:
                    break
                inside = it is first_anchor
            elif inside and isinstance(it, GlyphRun) and it.role in ("body", "intertitle"):
                text += it.text
        text = re.sub(r"\s+", "", text)
        if first_anchor.kind == "continuation" and text:
            out[frame.number] = text[:12]
    return out


def _text_after(doc, marker) -> str:
    sentinel = "\ue000"
    marker.tail = sentinel + (marker.tail or "")
    body = doc.find(f"{H}body")
    text = "".join(t for t in body.itertext())
    marker.tail = marker.tail[1:] or None
    return re.sub(r"\s+", "", text.split(sentinel, 1)[1])


def test_metadata(b):
    book, issue = b.plain, b.edition.issue
    info, paper = issue.info, issue.paper
    assert book.dc("identifier") == [edition_identifier(paper.name, info.number)]
    assert uuid.UUID(book.dc("identifier")[0].removeprefix("urn:uuid:")).version == 5
    title = book.dc("title")[0]
    assert paper.name in title and info.date_cn in title and f"第{info.number}期" in title
    assert book.dc("language") == [lang_tag(info.lang)]
    assert book.dc("date") == [info.date.isoformat()]
    if paper.publisher:
        assert book.dc("publisher") == [paper.publisher]
    assert book.meta("dcterms:modified") == [f"{info.date.isoformat()}T00:00:00Z"]
    series = book.opf.find("opf:metadata/opf:meta[@property='belongs-to-collection']", NS)
    assert series.text == paper.name
    refines = {m.get("property"): m.text for m in book.opf.iterfind("opf:metadata/opf:meta", NS)
               if m.get("refines") == "#" + series.get("id")}
    assert refines == {"collection-type": "series", "group-position": str(info.number)}
    assert set(book.meta("schema:accessMode")) == {"textual", "visual"}
    assert "textual" in book.meta("schema:accessModeSufficient")
    assert {"tableOfContents", "readingOrder", "pageNavigation", "pageBreakMarkers", "structuralNavigation",
            "alternativeText"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary")[0]
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert book.opf.get(XML_LANG) == lang_tag(info.lang)


def test_cover_is_the_printed_page_one(b):
    if not b.pdf:
        pytest.skip(b.pdf_problem)
    from PIL import Image

    item = b.plain.item("cover-image")
    with Image.open(io.BytesIO(b.plain.read(item.get("href")))) as im:
        w, h = im.size
        gray = im.convert("L")
        dark = sum(gray.histogram()[:128]) / (w * h)
    tw, th = b.edition.style.trim
    assert abs(w / h - tw / th) < 0.01
    assert 0.02 < dark < 0.6, dark
    cover = b.plain.xml("cover.xhtml")
    img = cover.find(f".//{H}img")
    assert img.get("src") == item.get("href") and "第1版" in img.get("alt")


# -- fonts ------------------------------------------------------------------------------------------------------
def _shown_text(book: Book) -> str:
    """All text a reader sees: the body text of every spine document, without hidden navs."""
    out = []
    for href in book.spine:
        doc = book.xml(href)
        for hidden in doc.xpath("//*[@hidden]"):
            tail = hidden.tail
            hidden.clear()
            hidden.tail = tail
        out.append("".join(doc.find(f"{H}body").itertext()))
    return "".join(out)


def test_embedded_fonts_are_subsets_of_exactly_the_characters_shown(b):
    from fontTools.ttLib import TTFont

    assert not [n for n in b.plain.entries if n.endswith(".ttf")]
    assert "@font-face" not in b.plain.read("css/roles.css").decode()
    fonts = {it.get("href"): TTFont(io.BytesIO(b.fonts.read(it.get("href"))))
             for it in b.fonts.manifest.values() if it.get("media-type") == "font/ttf"}
    assert fonts, "no fonts embedded"
    shown = set(_shown_text(b.fonts)) - set("\n\r\t")
    covered = set()
    for href, font in fonts.items():
        cmap = {chr(c) for c in font.getBestCmap()}
        extra = cmap - shown
        assert not extra, (href, sorted(extra)[:20])
        covered |= cmap
    missing = {ch for ch in shown - covered if not ch.isspace()}
    assert not missing, sorted(missing)[:20]
    css = b.fonts.read("css/roles.css").decode()
    for href in fonts:
        assert f'url("../{href}")' in css
    # each face's subset is much smaller than the face
    assert sum(len(b.fonts.read(h)) for h in fonts) < 0.5 * sum(
        Path(p).stat().st_size for p in (ROOT / "fonts").glob("*.ttf"))


def test_subset_has_exactly_the_characters_and_keeps_the_licence():
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(subset_face("sans-regular", set("新区时报"))))
    assert {chr(c) for c in font.getBestCmap()} == set("新区时报")
    assert font["name"].getDebugName(13), "the OFL licence entry must stay with the font"


# -- units -------------------------------------------------------------------------------------------------------
def test_spot_after_counts_printed_characters():
    from layout.model import Article, Paragraph, Span

    art = Article(id="a", headline="h", dateline="本报讯", date="1月2日",
                  paragraphs=(Paragraph((Span("甲乙丙"),)), Paragraph((Span("小题"),), kind="subhead"),
                              Paragraph((Span("丁 戊"),))))
    # the lead is 本报讯 + 1月2日 + ，  = 3 + 4 + 1 = 8 characters
    assert spot_after(art, 0, 0).paragraph is None
    assert (spot_after(art, 0, 8).paragraph, spot_after(art, 0, 8).offset) == (0, 0)
    assert (spot_after(art, 0, 9).paragraph, spot_after(art, 0, 9).offset) == (0, 1)
    assert (spot_after(art, 0, 11).paragraph, spot_after(art, 0, 11).offset) == (1, 0)
    assert (spot_after(art, 0, 14).paragraph, spot_after(art, 0, 14).offset) == (2, 2)  # after 丁 and the space
    assert spot_after(art, 0, 99).paragraph == 3


def test_slug():
    assert slug("Work Conference!") == "work-conference"
    assert slug("工作会议") == ""


def test_photo_without_description_is_reported(built):
    b = built[IDS[0]]
    ed = b.edition
    art_id = next(a for a in _placed(ed.issue) if ed.issue.articles[a].photos)
    art = ed.issue.articles[art_id]
    bare = dataclasses.replace(art, photos=(dataclasses.replace(art.photos[0], alt="", caption=""),) + art.photos[1:])
    issue = dataclasses.replace(ed.issue, articles={**ed.issue.articles, art_id: bare})
    report = Report()
    book = Book(render_epub(dataclasses.replace(ed, issue=issue), report, None))
    assert [d.code for d in report.warnings] == ["epub-no-alt"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")
    assert "textual" not in book.meta("schema:accessModeSufficient")


def test_large_and_print_photos_become_srgb_jpegs_of_at_most_max_side(tmp_path):
    """A JPEG far larger than MAX_SIDE is decoded at reduced scale (draft) and resized to exactly the
    size a full decode would give; a CMYK JPEG becomes RGB; a small RGB JPEG goes in unchanged."""
    from PIL import Image, ImageDraw

    from layout.render.epub.media import MAX_SIDE, photo_bytes

    big = Image.new("RGB", (4 * MAX_SIDE + 100, 2 * MAX_SIDE + 7), (200, 180, 160))
    ImageDraw.Draw(big).ellipse((500, 300, 6000, 3800), fill=(30, 60, 90))
    small = big.resize((900, 450))
    for name, im in (("big.jpg", big), ("cmyk.jpg", small.convert("CMYK")), ("small.jpg", small)):
        im.save(tmp_path / name, quality=90)
    data, ext, media_type, size = photo_bytes(tmp_path / "big.jpg")
    want = (MAX_SIDE, round(big.height * MAX_SIDE / big.width))
    assert (ext, media_type, size) == ("jpg", "image/jpeg", want)
    with Image.open(io.BytesIO(data)) as out:
        assert (out.format, out.mode, out.size) == ("JPEG", "RGB", want)
        assert out.getpixel((want[0] // 2, want[1] // 2)) < (60, 80, 110)   # the ellipse, where it was
        assert min(out.getpixel((5, 5))) > 150
    data, ext, _mt, size = photo_bytes(tmp_path / "cmyk.jpg")
    with Image.open(io.BytesIO(data)) as out:
        assert (ext, out.mode, out.size, size) == ("jpg", "RGB", (900, 450), (900, 450))
    assert photo_bytes(tmp_path / "small.jpg")[0] == (tmp_path / "small.jpg").read_bytes()


def test_a_pickled_edition_gives_the_same_book(built):
    """render_epub in a worker process gets the edition pickled: the copy, and the copy with its frames
    reduced by epub_frames, give the same bytes as the edition itself."""
    import pickle

    b = built[IDS[0]]
    want = render_epub(b.edition, Report(), b.pdf)
    copy = pickle.loads(pickle.dumps(b.edition))
    assert render_epub(copy, Report(), b.pdf) == want
    slim = dataclasses.replace(b.edition, frames=epub_frames(b.edition.frames))
    assert len(pickle.dumps(slim.frames)) < len(pickle.dumps(b.edition.frames)) / 2
    assert plan_edition(slim.issue, slim.frames) == plan_edition(b.edition.issue, b.edition.frames)
    assert render_epub(pickle.loads(pickle.dumps(slim)), Report(), b.pdf) == want


def test_plan_has_one_page_entry_per_print_page(b):
    plan = plan_edition(b.edition.issue, b.edition.frames)
    assert [p.number for p in plan.pages] == [p.number for p in b.edition.issue.pages]
    assert len({d.href for d in plan.docs}) == len(plan.docs)


# -- what a reader sees --------------------------------------------------------------------------------------
def test_chromium_shows_real_chinese_glyphs(built, tmp_path):
    """Headless Chromium renders a story of the --embed-fonts build with its glyphs. Chromium's only system
    font is a Latin-only face made here, so the control (the same story without embedded fonts) shows
    tofu; the real render must have ink and differ clearly from it."""
    browser = chromium()
    if browser is None:
        pytest.skip("no Chromium: apt-get install chromium (scripts/test.sh does)")
    from PIL import Image, ImageChops

    b = built[IDS[0]]
    latin = tmp_path / "latin-only"
    latin.mkdir()
    (latin / "latin.ttf").write_bytes(subset_face("sans-regular", {chr(c) for c in range(32, 127)}))
    conf = fontconfig_with(latin, tmp_path)
    # the longest story without photos, so that the screenshot is text
    docs = [(href, doc) for href, doc in _story_docs(b.fonts) if doc.find(f".//{H}img") is None] or _story_docs(b.fonts)
    href = max(docs, key=lambda d: len(_text(d[1])))[0]
    jobs = {}
    with ThreadPoolExecutor(2) as pool:  # the two renders side by side
        for name, book in (("fonts", b.fonts), ("plain", b.plain)):
            page = book.extract(tmp_path / name) / book.base / href
            jobs[name] = pool.submit(screenshot, browser, page, tmp_path / f"{name}.png", conf)
    shots = {}
    for name, job in jobs.items():
        png = tmp_path / f"{name}.png"
        assert png.is_file(), job.result().stderr.decode(errors="replace")[-2000:]
        shots[name] = Image.open(png).convert("L")
    real, tofu = shots["fonts"], shots["plain"]
    w, h = real.size
    ink = sum(real.histogram()[:128]) / (w * h)
    assert 0.01 < ink < 0.5, f"the page looks blank ({ink:.3f} dark)"
    rows = [y for y in range(0, h, 4) if real.crop((0, y, w, y + 1)).getextrema()[0] < 128]
    assert len(rows) > 20, "text on too few rows"
    diff = ImageChops.difference(real, tofu).point(lambda v: 255 if v > 64 else 0)
    changed = sum(diff.histogram()[255:]) / (w * h)
    assert changed > 0.01, f"the render looks like the tofu control ({changed:.4f} of pixels differ)"


# -- reproducible (the rebuild ran in the background meanwhile) ------------------------------------------
def test_two_builds_are_byte_identical(b):
    """A second build, in another process with another hash seed, gives the same bytes."""
    output, _ = b.rebuild.communicate(timeout=300)
    assert b.rebuild.returncode == 0, output.decode(errors="replace")
    assert (b.rebuild_dir / "plain.epub").read_bytes() == b.plain.data
    assert (b.rebuild_dir / "fonts.epub").read_bytes() == b.fonts.data


# -- EPUBCheck -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", ["plain", "fonts"])
def test_epubcheck_reports_no_errors_and_no_warnings(b, epubcheck, variant):
    if isinstance(epubcheck, str):
        pytest.skip(epubcheck)
    key = f"{b.manifest.parent.name}/{variant}"
    report = epubcheck.results()[key]
    assert report, f"EPUBCheck wrote no report for {key}"
    checker = report["checker"]
    problems = [f"{m['severity']} {m['ID']}: {m['message']} @ {[l.get('path') for l in m.get('locations', [])][:2]}"
                for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), problems
    assert not problems
    assert checker["checkerVersion"].split(".")[0] >= "5", checker["checkerVersion"]

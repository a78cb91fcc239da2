"""The EPUB container: ebooklib's package model, written into a deterministic ZIP.

`build_package(parts)` takes a `Parts` (finished documents, images, fonts,
CSS, metadata and the NCX's table of contents) and returns the EPUB's bytes.
ebooklib builds the package document (metadata, manifest, spine, guide) and
the NCX; our documents go in as items whose bytes ebooklib copies unchanged
(its own XHTML and nav writers would re-parse them with an HTML parser).
ebooklib would write its ZIP with the clock's timestamps, in the order items
were added, deflating everything (the photos too); so its writer hands the
entries to a collector instead, and `deterministic_zip` writes them once:
`mimetype` first and STORED, then `META-INF/container.xml`, then every other
entry sorted by name, each with the edition's date as its timestamp and fixed
attributes; images STORED (they are compressed already), the rest deflated.
Everything happens in memory; the caller writes the bytes atomically.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from ebooklib import epub

from layout.render.epub.navigation import ncx_page_list
from layout.render.epub.plan import Plan

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Entries that are compressed already: stored, not deflated again.
_STORED = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@dataclass
class Parts:
    identifier: str
    title: str
    lang: str
    date: dt.date
    publisher: str
    metadata: list[tuple[str | None, str, str, dict]]   # (namespace | None, name, value, attributes)
    documents: list[tuple[str, str, bytes, tuple[str, ...]]]  # (id, path, XHTML, manifest properties)
    spine: list[str]                                     # document ids in reading order
    resources: list[tuple[str, str, str, bytes]]         # (id, path, media type, bytes)
    toc: list[tuple[str, str, list[tuple[str, str]]]]    # (page label, href, [(story label, href)])
    plan: Plan
    cover: tuple[str, bytes] | None = None               # (path, JPEG)
    guide: list[dict] = field(default_factory=list)
    direction: str | None = None                         # the spine's page-progression-direction ("rtl")


class _Item(epub.EpubItem):
    """An item whose bytes are final: ebooklib lists it in the manifest and copies it as is."""

    def __init__(self, uid: str, path: str, media_type: str, content: bytes, properties=()):
        super().__init__(uid=uid, file_name=path, media_type=media_type, content=content)
        self.properties = list(properties)


class _Entries:
    """Stands in for ebooklib's ZipFile: keeps each entry's bytes by name, compressing nothing."""

    def __init__(self):
        self.data: dict[str, bytes] = {}

    def writestr(self, name: str, data, compress_type=None) -> None:
        self.data[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def close(self) -> None:
        pass


class _Writer(epub.EpubWriter):
    """ebooklib's writer with three changes: the package's xml:lang, a page list in the NCX, and the
    entries collected in memory (`entries`) instead of written to a ZIP."""

    def __init__(self, book, options, parts: Parts):
        super().__init__(None, book, options)
        self._parts = parts
        self.entries = _Entries()

    def write(self):
        self.out = self.entries
        self.out.writestr("mimetype", "application/epub+zip")
        self._write_container()
        self._write_opf()
        self._write_items()

    def _write_opf_file(self, root):
        root.set(XML_LANG, self._parts.lang)
        super()._write_opf_file(root)

    def _get_ncx(self):
        return ncx_page_list(super()._get_ncx(), self._parts.plan, self._parts.lang)


def _book(parts: Parts) -> epub.EpubBook:
    book = epub.EpubBook()
    book.set_identifier(parts.identifier)
    book.set_title(parts.title)
    book.set_language(parts.lang)
    if parts.direction:
        book.set_direction(parts.direction)
    for ns, name, value, attrs in parts.metadata:
        book.add_metadata(ns, name, value, attrs or None)
    if parts.cover:
        path, data = parts.cover
        book.set_cover(path, data, create_page=False)
    items = {}
    for uid, path, content, props in parts.documents:
        items[uid] = book.add_item(_Item(uid, path, "application/xhtml+xml", content, props))
    for uid, path, media_type, data in parts.resources:
        book.add_item(_Item(uid, path, media_type, data))
    book.add_item(epub.EpubNcx())
    book.spine = [items[uid] for uid in parts.spine]
    toc = []
    for p, (label, href, stories) in enumerate(parts.toc, 1):
        links = [epub.Link(s_href, s_label, f"toc-{p}-{i}") for i, (s_label, s_href) in enumerate(stories, 1)]
        toc.append((epub.Section(label, href), links))
    book.toc = toc
    book.guide = list(parts.guide)
    return book


def zip_time(date: dt.date) -> tuple[int, int, int, int, int, int]:
    return (max(date.year, 1980), date.month, date.day, 0, 0, 0)


def deterministic_zip(entries: dict[str, bytes], when: tuple[int, int, int, int, int, int]) -> bytes:
    """The entries as a deterministic ZIP: mimetype first and stored, then META-INF/container.xml, then
    the rest sorted by name; fixed times and attributes; images stored, everything else deflated."""
    first = [n for n in ("mimetype", "META-INF/container.xml") if n in entries]
    order = first + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            stored = name == "mimetype" or name.lower().endswith(_STORED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            dst.writestr(info, entries[name], compresslevel=None if stored else 9)
    return out.getvalue()


def build_package(parts: Parts) -> bytes:
    book = _book(parts)
    options = {
        "mtime": dt.datetime(parts.date.year, parts.date.month, parts.date.day),
        "epub3_landmark": False,   # the nav document is ours, landmarks included
        "epub3_pages": False,
        "play_order": {"enabled": False, "start_from": 1},
        "raise_exceptions": True,
    }
    writer = _Writer(book, options, parts)
    writer.process()
    writer.write()
    return deterministic_zip(writer.entries.data, zip_time(parts.date))

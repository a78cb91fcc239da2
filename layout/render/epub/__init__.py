"""The EPUB edition: EPUB 3 from the model, with the page map from the layout.

`render_epub(edition, report, pdf_bytes=None, embed_fonts=False)` takes a
laid-out `Edition` (and the print PDF's bytes, for the cover) and returns the
EPUB's bytes: one XHTML document per story (and per standalone picture) in
print order, a navigation document grouped by page and section with a page
list of the print pages, an NCX, accessibility and series metadata, the
printed page 1 as the cover, and with `embed_fonts` subsets of the faces with
exactly the characters used. The same edition gives the same bytes. Problems an editor can fix (a
photo without a description) are reported as diagnostics. The edition may come pickled (a worker
process); `epub_frames(edition.frames)` reduces its frames to what the EPUB reads, for a smaller pickle.

Modules: `plan` (reading order and page map), `content` (story documents),
`navigation` (nav document, NCX page list), `fonts` (roles CSS, subsets),
`media` (photos, cover), `package` (ebooklib and the ZIP), `docstore` (documents kept on disk).
`epub_steps` is `render_epub` as a generator of steps, for a worker that moves the rest of the job to
another thread between two of them.
"""
from __future__ import annotations

from layout.render.epub.plan import epub_frames

__all__ = ["edition_identifier", "epub_frames", "epub_steps", "render_epub"]

#: Names the package gives from `book`, which is imported only when one is asked for: a build
#: reduces its frames here (`epub_frames`) without loading ebooklib, lxml and the rest, which the
#: worker process that makes the EPUB has loaded already.
_FROM_BOOK = {"render_epub", "epub_steps", "edition_identifier", "stylesheet", "EDITION_NAMESPACE", "CONFORMS_TO"}


def __getattr__(name: str):
    if name in _FROM_BOOK:
        from layout.render.epub import book

        return getattr(book, name)
    raise AttributeError(f"module 'layout.render.epub' has no attribute {name!r}")

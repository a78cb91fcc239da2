"""The EPUB's content documents kept on disk, by what they are made from.

`document_key(doc, plan, lang, css, images, vertical)` takes a story's, picture's or ad's `Doc`,
the plan (for the page-break markers that fall in it), the document language, its stylesheets,
its images' (src, size) and its vertical setting ((True, tcy_max) or None), and returns a key:
a digest of all of these (the document's own content pickled: its article or picture with their
text, photos' captions and alt text) with the package's code stamp and lxml's version. Nothing
else goes into a story's XHTML, so an edit of one story leaves the other documents' keys alone.
`recall(key)` returns the (XHTML bytes, `fonts.document_texts`) stored for it, or None;
`keep(key, xhtml, texts)` stores them. A rebuild after a one-story edit then makes and
serialises one document, not all of them, and walks no tree of the others for their characters.

The store is a `BlobStore` (`$XDG_CACHE_HOME/layout/epub-docs/`: atomic, checksummed,
versioned, bounded, off with `LAYOUT_NO_CACHE=1`); it holds plain data (marshal) whose shape is
checked on reading, so a damaged or foreign entry is a miss and the document is made again.
"""
from __future__ import annotations

import hashlib
import pickle

from layout.blobstore import BlobStore, library_stamp
from layout.codestamp import code_stamp

#: Documents for about 30 editions of the benchmark's size (565 KB of XHTML each)
_STORE = BlobStore("epub-docs", "xhtml-1", 32 << 20)
#: Documents read back and kept by this process (for tests and measurements)
COUNTS = {"read": 0, "kept": 0}


def document_key(doc, plan, lang: str, css: tuple[str, ...], images: list, vertical) -> bytes:
    """The digest of everything the document's XHTML and its texts are made from (see the module)."""
    marks = sorted((s.paragraph if s.paragraph is not None else -1, s.offset, tuple(n))
                   for s, n in plan.marks(doc.index).items())
    made_of = pickle.dumps((doc, marks, lang, css, images, vertical), protocol=5)
    return hashlib.blake2b(made_of, digest_size=32).digest()


def recall(key: bytes) -> tuple[bytes, list[tuple[str, bool, str]]] | None:
    """The (XHTML, texts) kept for `key`, or None (never kept, damaged, foreign, caches off)."""
    value = _STORE.get_plain("document", key, code_stamp(), library_stamp("lxml"))
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bytes)
            and isinstance(value[1], list)):
        return None
    xhtml, texts = value
    if not all(isinstance(t, tuple) and len(t) == 3 and isinstance(t[0], str) and isinstance(t[1], bool)
               and isinstance(t[2], str) for t in texts):
        return None
    COUNTS["read"] += 1
    return xhtml, texts


def keep(key: bytes, xhtml: bytes, texts: list[tuple[str, bool, str]]) -> None:
    """Store a document's XHTML and texts for `key`."""
    COUNTS["kept"] += 1
    _STORE.put_plain("document", key, code_stamp(), library_stamp("lxml"), value=(xhtml, texts))

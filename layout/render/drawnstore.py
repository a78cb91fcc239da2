"""Pages drawn before, kept on disk: a new process (`layout build` after an edit) does not draw
again the pages whose frames it read back from the make-up memo's disk store.

`remembered(makeup_key, context)` -> the fields of a page's drawing (`render/pdf._DrawnPage`: its
content operators, outline entries, photos placed, fonts and graphics states used, the
overprint state it ends in, the photos it named first), or None; `keep(makeup_key, context,
fields)` stores them. `makeup_key` is the key of the inputs the page was made up from
(`pagememo.PAGES.key_of`: the frame is a function of it); `context` is what the drawing depends
on besides the frame, as the in-process memo has it (`pdf._drawn_key`: the photo files by
size and modification time, the document's fonts by content, the names given to the photos of
the pages before). The package's version and code (`codestamp`) are part of the key too, so a
drawing made by other code is never read back.

On disk: `$XDG_CACHE_HOME/layout/drawn/`, a `BlobStore` (atomic, versioned, checksummed,
bounded, least recently used first; damaged or foreign files are misses), the fields in
`marshal` (strings, numbers and tuples, their types kept exactly; no code runs on reading).
A drawing holding anything else (a photo named by a path object) is not kept. Off with
`LAYOUT_NO_CACHE=1`.
"""
from __future__ import annotations

from layout import __version__
from layout.blobstore import BlobStore
from layout.codestamp import code_stamp

#: Raised when the stored fields change (part of the store's file names).
DRAWN_FORMAT = "1"
#: The folder's bound (the benchmark edition's pages are 0.05-0.15 MB of operators each), shared by
#: the two kinds of file in it: the drawings (`*-page-N.blob`) and the pages' characters (`*-chars-N.blob`).
DISK_BYTES = 96 << 20
DISK = BlobStore("drawn", f"page-{DRAWN_FORMAT}", DISK_BYTES)
CHARACTERS = BlobStore("drawn", f"chars-{DRAWN_FORMAT}", DISK_BYTES)
#: Drawings read back and kept by this process (for tests and profiles).
COUNTS = {"read": 0, "kept": 0}


def remembered(makeup_key: bytes, context: tuple) -> tuple | None:
    """The fields of the drawing kept for this page, or None (never kept, damaged, another version)."""
    fields = DISK.get_plain(makeup_key, context, __version__, code_stamp())
    if fields is None or not _well_formed(fields):
        return None
    COUNTS["read"] += 1
    return fields


def keep(makeup_key: bytes, context: tuple, fields: tuple) -> None:
    """Store a page's drawing (`fields` as `remembered` gives them back)."""
    DISK.put_plain(makeup_key, context, __version__, code_stamp(), value=fields)   # (not plain data: not kept)
    COUNTS["kept"] += 1


def characters(makeup_key: bytes) -> tuple[dict, dict, dict] | None:
    """A page's characters by face as `pdf._characters` gives them (all it prints, those set
    upright, its 縦中横 digits with their position vectors), kept for the frame made up under
    `makeup_key`; None when not kept."""
    stored = CHARACTERS.get_plain(makeup_key, __version__, code_stamp())
    if stored is None:
        return None
    try:
        chars, upright, side = stored
        found = ({font: set(text) for font, text in chars.items()},
                 {font: set(text) for font, text in upright.items()},
                 {font: {(ch, int(x)) for ch, x in pairs} for font, pairs in side.items()})
    except (EOFError, ValueError, TypeError, AttributeError):   # not what `keep_characters` wrote: worked out
        return None
    if not all(type(f) is str for found_by_font in found for f in found_by_font):
        return None
    return found


def keep_characters(makeup_key: bytes, found: tuple[dict, dict, dict]) -> None:
    """Store a page's characters by face (`characters` gives them back)."""
    chars, upright, side = found
    plain = ({font: "".join(sorted(text)) for font, text in chars.items()},
             {font: "".join(sorted(text)) for font, text in upright.items()},
             {font: tuple(sorted(pairs)) for font, pairs in side.items()})
    CHARACTERS.put_plain(makeup_key, __version__, code_stamp(), value=plain)


def _well_formed(fields) -> bool:
    """Whether `fields` has the shape of a drawing (a file that passed its checksum but was made by
    something else is a miss, never a crash)."""
    if not (isinstance(fields, tuple) and len(fields) == 7):
        return False
    code, anchors, images, fonts, gstates, on, named = fields
    return (isinstance(code, tuple) and all(type(s) is str for s in code)
            and isinstance(anchors, tuple) and all(isinstance(a, tuple) and len(a) == 4 for a in anchors)
            and all(isinstance(t, tuple) and all(type(s) is str for s in t) for t in (images, fonts, gstates))
            and type(on) is bool
            and isinstance(named, tuple) and all(isinstance(n, tuple) and len(n) == 2 and isinstance(n[0], tuple)
                                                 and type(n[1]) is str for n in named))

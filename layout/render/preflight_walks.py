"""Page walks of the preflight remembered, in the process and on disk: a page whose content did not
change is not parsed or walked again, in this process or in a new one (`layout build` after an edit).

`walk_page(checker, page_obj, resources, number)` does what `checker.content(page_obj, resources,
number)` does (the preflight's walk of one page's content stream: colour spaces, small
multi-ink text, black overprint, forms and images placed). The first time, it walks the page with
the checker logging what the walk did to it (`_Checker.log`); the log is then kept under a key of
everything the walk reads, and a page with the same key has its log replayed instead of walked.

The walk reads the page's content stream (its stored bytes, /Filter and /DecodeParms), the page's
number (it is in the findings' messages) and, from the page's resources, the graphics states,
colour spaces, shadings and patterns it looks up by name; the key is a digest of all of these by
value (never by object number, which moves when another page changes), with the package's
version and code (`codestamp`) and pikepdf's. What a page places (`Do`: a form, a photo) is
read from this PDF's objects: the log holds the placement (name, matrix, overprint state) and
a replay places it again live, so an image's resolution, ink and findings are always this PDF's.

The log, replayed in order, makes the same changes to the checker as the walk: the findings
added (in order), the colour spaces seen, the page's counts of black text and rules overprinted
or knocked out and of small multi-ink text, the placements, and the walk's restart (when the
quick pass without the text operators gave up: its counts are rolled back, as `content` does).
It is kept as segments between restarts, each (findings and placements in order, colour spaces,
black counts, small-text count): a page of 11,000 text runs is a few hundred bytes. A page with
an inline image (an object of the PDF itself) is not kept.

On disk: `$XDG_CACHE_HOME/layout/preflight/`, a `BlobStore` (atomic, versioned, checksummed,
bounded: damaged or foreign files are misses), `marshal` of plain tuples (no code runs on
reading); a log that cannot be read back whole is a miss, and the page is walked. Off with
`LAYOUT_NO_CACHE=1`, as every memo.
"""
from __future__ import annotations

import hashlib

import pikepdf
from pikepdf import Name

from layout import __version__
from layout.blobstore import BlobStore, disabled, library_stamp
from layout.codestamp import code_stamp
from layout.render.preflight_memo import stream_digest
from layout.util import LockedLRU

#: Raised when the log's format changes (part of the store's file names).
WALK_FORMAT = "1"
#: The resources a walk looks up by name, besides the forms and images it places.
LOOKED_UP = ("/ExtGState", "/ColorSpace", "/Shading", "/Pattern")

DISK = BlobStore("preflight", WALK_FORMAT, 16 << 20)
_walks = LockedLRU(512)
#: Pages walked and pages replayed by this process (for tests and profiles).
COUNTS = {"walked": 0, "replayed": 0}


def walk_page(ck, obj, res, page: int) -> None:
    """`ck.content(obj, res, page)`, replayed from a walk of the same page kept before when there
    is one; else walked, and its log kept."""
    key = None if disabled() else walk_key(obj, res, page)
    if key is not None:
        log = _walks.get(key)
        if log is None:
            log = _read_disk(key)
            if log is not None:
                _walks.put(key, log)
        if log is not None:
            _replay(ck, log, res, page)
            COUNTS["replayed"] += 1
            return
    COUNTS["walked"] += 1
    ck.log = []
    try:
        ck.content(obj, res, page)
        events = ck.log
    finally:
        ck.log = None
    if key is None or ("never",) in events:
        return
    log = _segments(events)
    _walks.put(key, log)
    DISK.put_plain(key, value=log)   # (something not plain data in an operand: not kept on disk)


def walk_key(obj, res, page: int) -> bytes | None:
    """A digest of everything the walk of this page reads (see the module's docstring); None when
    the content cannot be read (the walk then reports the damage)."""
    content = stream_digest(obj, "walk")
    if content is None:
        return None
    h = hashlib.blake2b(content, digest_size=20)
    h.update(repr((page, __version__, code_stamp(), library_stamp("pikepdf"))).encode())
    try:
        for category in LOOKED_UP:
            h.update(category.encode())
            _by_value(res.get(category) if isinstance(res, pikepdf.Dictionary) else None, h, 0)
    except (pikepdf.PdfError, TypeError, ValueError):
        return None
    return h.digest()


def _by_value(obj, h, depth: int) -> None:
    """Feed `obj` to the digest `h` by value: dictionaries by sorted key, streams with their stored
    bytes, references followed (to a depth of 12: a loop is cut, and then only costs a miss)."""
    if depth > 12:
        h.update(b"\x00deep")
        return
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        h.update(b"\x01{" if isinstance(obj, pikepdf.Dictionary) else b"\x01s{")
        for k in sorted(obj.keys()):
            h.update(k.encode("utf-8", "surrogatepass") + b"\x02")
            _by_value(obj.get(k), h, depth + 1)
        if isinstance(obj, pikepdf.Stream):
            raw = obj.read_raw_bytes()
            h.update(len(raw).to_bytes(8, "little") + raw)
        h.update(b"}")
    elif isinstance(obj, pikepdf.Array):
        h.update(b"\x01[")
        for item in obj:
            _by_value(item, h, depth + 1)
        h.update(b"]")
    else:
        text = repr(obj).encode("utf-8", "surrogatepass")
        h.update(len(text).to_bytes(4, "little") + text)


def _segments(events: list) -> tuple:
    """The log as segments between restarts: (findings and placements in order, colour spaces,
    (black overprinted, black knocked out), small multi-ink text). Counts and colour spaces
    commute with each other; findings and placements keep their order, and a segment's counts are
    applied after its placements (what a restarted form rolls back is its own counts only)."""
    out = []
    ordered, spaces, black, small = [], set(), [0, 0], 0
    for event in events:
        kind = event[0]
        if kind == "black":
            black[event[1]] += 1
        elif kind == "small":
            small += 1
        elif kind == "space":
            spaces.add(event[1])
        elif kind == "undo":
            out.append((tuple(ordered), tuple(sorted(spaces)), tuple(black), small))
            ordered, spaces, black, small = [], set(), [0, 0], 0
        else:
            ordered.append(event)
    out.append((tuple(ordered), tuple(sorted(spaces)), tuple(black), small))
    return tuple(out)


def _replay(ck, log: tuple, res, page: int) -> None:
    """Make the walk's changes to `ck` again (the placements live, against this PDF's resources)."""
    saved = (dict(ck.small_text), dict(ck.images), ck.inline_count, {k: list(v) for k, v in ck.black.items()})
    for i, (ordered, spaces, black, small) in enumerate(log):
        if i:   # the walk restarted here, its counts rolled back
            ck.small_text, ck.images, ck.inline_count, ck.black = saved
            saved = (dict(ck.small_text), dict(ck.images), ck.inline_count,
                     {k: list(v) for k, v in ck.black.items()})
        for event in ordered:
            if event[0] == "add":
                ck.add(*event[1:])
            else:   # "do"
                _, name, ctm, over, depth = event
                ck.do(Name(name), res, page, ctm, depth, over)
        ck.spaces.update(spaces)
        if black[0] or black[1]:
            counts = ck.black.setdefault(page, [0, 0])
            counts[0] += black[0]
            counts[1] += black[1]
        if small:
            ck.small_text[page] = ck.small_text.get(page, 0) + small


def _read_disk(key: bytes) -> tuple | None:
    """A page's log kept by an earlier process, or None (not there, damaged, not a log)."""
    log = DISK.get_plain(key)
    return log if log is not None and _well_formed(log) else None


def _well_formed(log) -> bool:
    """Whether `log` has the shape `_segments` gives (a file that passed its checksum, but made by
    something else, is a miss rather than a crash)."""
    if not isinstance(log, tuple) or not log:
        return False
    for segment in log:
        if not (isinstance(segment, tuple) and len(segment) == 4):
            return False
        ordered, spaces, black, small = segment
        if not (isinstance(ordered, tuple) and isinstance(spaces, tuple) and all(isinstance(s, str) for s in spaces)
                and isinstance(black, tuple) and len(black) == 2 and all(type(n) is int for n in black)
                and type(small) is int):
            return False
        for event in ordered:
            if not isinstance(event, tuple) or not event:
                return False
            if event[0] == "add" and len(event) == 6:
                continue
            if not (event[0] == "do" and len(event) == 5 and isinstance(event[1], str)
                    and isinstance(event[2], tuple) and len(event[2]) == 6 and isinstance(event[3], tuple)
                    and len(event[3]) == 3 and type(event[4]) is int):
                return False
    return True


def forget() -> None:
    """Drop the walks kept in this process."""
    _walks.clear()
    COUNTS.update(walked=0, replayed=0)

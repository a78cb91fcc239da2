"""A face's metrics kept on disk, so a new process does not read its font file again.

`recall(path, index)` takes a font file and the face's index in it and returns the metrics
`registry._measure` worked out for it before (`FaceRecord`), or None; `remember(path, index,
record)` stores them (`$XDG_CACHE_HOME/layout/faces/`, a `BlobStore`: versioned, checked,
written atomically, bounded, off with `LAYOUT_NO_CACHE=1`).

Reading a face costs harfbuzz's walk over every character it maps, shaping its punctuation, and
fontTools (imported, 30 ms, then the name and OS/2 tables): about 50 ms for the five bundled faces
in a new process, against a few ms to read the records back.

The key is the face file as the composition memo names it (`memo.face_identity`: path, face
index, size and modification time, so a replaced or edited file is read again), the punctuation
measured, this package's version and the installed harfbuzz. Not the file's content digest:
hashing the five bundled faces (14 MB) costs 17-25 ms, a system collection (Noto CJK, 20-30 MB)
more than reading its metrics with harfbuzz.
"""
from __future__ import annotations

import marshal
from pathlib import Path
from typing import NamedTuple

from layout import __version__
from layout.blobstore import BlobStore, library_stamp
from layout.util import file_identity

#: A face's metrics are 0.1-0.2 MB (a CJK face maps 8,000-30,000 characters).
_STORE = BlobStore("faces", "face-1", 64 << 20)


class FaceRecord(NamedTuple):
    """What `registry._measure` reads from a face file (advances and shifts in em)."""

    name: str
    ps_name: str
    cff: bool
    advances: dict
    shifts: dict
    ascent: float
    descent: float
    upm: int


def _key(path: Path, index: int, measured: str) -> tuple | None:
    file = file_identity(path, index)   # as `memo.face_identity` names it
    return None if file is None else (*file, measured, __version__, library_stamp("uharfbuzz"))


def recall(path: Path, index: int, measured: str = "") -> FaceRecord | None:
    """The metrics stored for this face file, or None (never stored, file changed, damaged store).
    `measured`: what else the record depends on (the punctuation shaped)."""
    key = _key(path, index, measured)
    raw = _STORE.get(*key) if key is not None else None
    if raw is None:
        return None
    try:
        record = FaceRecord(*marshal.loads(raw))
    except (ValueError, EOFError, TypeError):
        return None
    if not (isinstance(record.advances, dict) and isinstance(record.shifts, dict) and isinstance(record.upm, int)):
        return None
    return record


def remember(path: Path, index: int, record: FaceRecord, measured: str = "") -> None:
    """Store the metrics of this face file for the next process."""
    key = _key(path, index, measured)
    if key is not None:
        _STORE.put(*key, data=marshal.dumps(tuple(record)))

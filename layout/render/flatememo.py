"""Streams compressed before: the same bytes are not Flate-compressed again in this process.

Takes: bytes (a page's content stream, an embedded font program, a colour profile). Returns:
`zlib.compress(data)` (zlib's default level), from memory when the same bytes were compressed
before: a rebuild draws the same unchanged pages and embeds the same font subsets and output
profile, and compressing them was most of the PDF/X finish's time. The key is a digest of the
bytes; the last `KEEP` results are kept.
"""
from __future__ import annotations

import hashlib
import zlib

from layout.util import LockedLRU

#: Results kept (the least recently used go first): an edition's pages, faces and profile.
KEEP = 96

_done = LockedLRU(KEEP)


def compressed(data: bytes, compress=zlib.compress) -> bytes:
    """`zlib.compress(data)` (or `compress(data)`, which gives the same bytes, e.g. from a disk
    store), remembered in the process by the content of `data`."""
    key = hashlib.blake2b(data, digest_size=20).digest()
    found = _done.get(key)
    if found is None:
        found = compress(data)
        _done.put(key, found)
    return found

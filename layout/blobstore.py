"""A small content-keyed store on disk for results a build can always work out again.

`BlobStore(folder, version, max_bytes)` keeps byte strings under the user's cache folder
(`util.cache_root() / folder`). `get(*key)` takes the parts of a key (strings, numbers, bytes:
everything the result depends on) and returns the bytes stored for it, or None; `put(*key,
data=...)` stores them (`get_plain` / `put_plain`: plain data in marshal). Used for the EPUB's
images (`render/epub/media.py`), the faces' metrics (`fonts/facecache.py`), the manifest's schema
verdicts (`manifest/verdicts.py`), pages made up (`page/pagememo.py`), pages drawn
(`render/drawnstore.py`), the preflight's page walks (`render/preflight_walks.py`) and the EPUB's
content documents (`render/epub/docstore.py`).

The rules are those of the composition memo (docs/performance.md):
- **versioned**: `version` is part of every file's name and of its header, so a store of another
  version never reads it;
- **checked**: a file holds a header (magic, version, the key's digest, the body's length and
  blake2b checksum) and the body; a file truncated, altered, of another key or version, or not
  one of ours is ignored (a miss) and replaced by the next `put`;
- **atomic**: written whole to a temporary file and renamed (`util.write_atomic`), so concurrent
  builds see an old file or a new one, never half of one;
- **bounded**: after writes the folder is kept under `max_bytes`, least recently used first
  (a hit touches its file);
- **off with `LAYOUT_NO_CACHE=1`**: nothing read, nothing written;
- a store that cannot be written (read-only home, full disk) only costs the next build the time.
"""
from __future__ import annotations

import hashlib
import marshal
import os
from functools import lru_cache
from pathlib import Path

from layout.util import cache_root, oldest_first, write_atomic

_MAGIC = b"layout-blob\n"
_DIGEST = 32   # bytes of blake2b for the key and for the body


def disabled() -> bool:
    """True when the user turned every cache off (`LAYOUT_NO_CACHE=1`, the memo's rule)."""
    return os.environ.get("LAYOUT_NO_CACHE", "") not in ("", "0")


@lru_cache(maxsize=64)
def library_stamp(module: str) -> str:
    """What identifies the installed version of a library, for a key, without importing it (and
    without `importlib.metadata`, which scans every installed package: tens of ms): its
    `version.json` when it ships one (pypdfium2 does), else its top file's size and modification
    time (an upgrade rewrites it). '' when it is not installed. Once per process: the library
    this process runs is the one it imported, whatever is installed meanwhile."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return ""
    if spec is None or not spec.origin:
        return ""
    origin = Path(spec.origin)
    try:
        stamped = origin.with_name("version.json")
        if stamped.is_file():
            return stamped.read_text(encoding="utf-8", errors="replace")
        st = origin.stat()
        return f"{origin}|{st.st_size}|{st.st_mtime_ns}"
    except OSError:
        return ""


def _key_digest(version: str, key: tuple) -> bytes:
    h = hashlib.blake2b(digest_size=_DIGEST)
    h.update(version.encode())
    for part in key:
        raw = part if isinstance(part, (bytes, bytearray, memoryview)) else repr(part).encode("utf-8", "surrogatepass")
        h.update(len(raw).to_bytes(8, "little"))   # parts delimited: ('ab', 'c') is not ('a', 'bc')
        h.update(raw)
    return h.digest()


class BlobStore:
    """Byte strings on disk by key; see the module's docstring for the rules."""

    def __init__(self, folder: str, version: str, max_bytes: int):
        self.folder = folder
        self.version = version
        self.max_bytes = max_bytes
        self._written: int | None = None   # bytes written since the folder was last measured

    def path(self) -> Path:
        return cache_root() / self.folder

    def _file(self, digest: bytes) -> Path:
        return self.path() / f"{digest.hex()[:40]}-{self.version}.blob"

    def _header(self, digest: bytes, body: bytes) -> bytes:
        check = hashlib.blake2b(body, digest_size=_DIGEST).digest()
        return _MAGIC + self.version.encode() + b"\n" + digest + len(body).to_bytes(8, "little") + check

    def get(self, *key) -> bytes | None:
        """The bytes stored for `key`, or None (never stored, damaged, another version, caches off)."""
        if disabled():
            return None
        digest = _key_digest(self.version, key)
        file = self._file(digest)
        try:
            raw = file.read_bytes()
        except OSError:
            return None
        head = len(self._header(digest, b""))
        body = raw[head:]
        if len(raw) < head or raw[:head] != self._header(digest, body)[:head]:
            return None
        try:
            os.utime(file)   # recently used: pruned last
        except OSError:
            pass
        return body

    def put(self, *key, data: bytes) -> None:
        """Store `data` for `key` (atomically), then keep the folder within `max_bytes`."""
        if disabled():
            return
        digest = _key_digest(self.version, key)
        blob = self._header(digest, data) + data
        try:
            write_atomic(self._file(digest), blob, sync=False)
        except OSError:
            return
        # measured on the first write and after every further 1/16 of the bound, not every write
        if self._written is None or self._written + len(blob) > self.max_bytes // 16:
            self._written = 0
            self.prune()
        else:
            self._written += len(blob)

    def get_plain(self, *key):
        """The plain data (`marshal`: strings, numbers, bytes, tuples, lists, dicts, sets) stored for
        `key` by `put_plain`, or None (as `get`, and for bytes that are not marshal's). marshal runs
        no code when it reads; what it gives back is the caller's to check for shape."""
        data = self.get(*key)
        if data is None:
            return None
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None

    def put_plain(self, *key, value) -> None:
        """Store plain data for `key` (`get_plain` gives it back); a value that is not plain data
        is not stored."""
        try:
            data = marshal.dumps(value, 4)
        except ValueError:
            return
        self.put(*key, data=data)

    def prune(self) -> None:
        """Delete the least recently used files until the folder holds at most `max_bytes`."""
        entries = oldest_first(self.path(), "*.blob")
        total = sum(size for _mtime, size, _f in entries)
        for _mtime, size, old in entries:
            if total <= self.max_bytes:
                break
            total -= size
            try:
                old.unlink()
            except OSError:
                pass

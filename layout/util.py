"""Small shared helpers: atomic file writing, the cache folder."""
from __future__ import annotations

import os
import re
import socket
import tempfile
from pathlib import Path

def cache_root() -> Path:
    """Where layout keeps what it can make again (converted fonts, separated photos):
    $XDG_CACHE_HOME/layout, else ~/.cache/layout."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "layout"


def oldest_first(folder: Path, pattern: str) -> list[tuple[float, int, Path]]:
    """The files in `folder` matching `pattern`, as (modification time, size, path), oldest first;
    files another process deletes meanwhile are left out, and so is a folder that cannot be read.
    For keeping a cache folder within its bounds."""
    entries = []
    try:
        for f in folder.glob(pattern):
            try:
                st = f.stat()
            except OSError:   # deleted meanwhile by another build
                continue
            entries.append((st.st_mtime, st.st_size, f))
    except OSError:
        return []
    entries.sort(key=lambda e: e[0])
    return entries


#: This machine, as temporary file names carry it (a build only sweeps up its own machine's files).
_HOST = re.sub(r"[^A-Za-z0-9]+", "", socket.gethostname())[:20] or "host"


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename,
    so readers see the old file or the new one, never half of one. `sync=False` skips the
    fsync (for cache files, which are checked when read)."""
    tmp = write_temporary(path, data, sync)
    try:
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def write_temporary(path: Path, data: bytes, sync: bool = True) -> str:
    """Write `data` in full to a new hidden temporary file beside `path` (named
    .<name>.<host>.<pid>-….tmp) and return its path, for the caller to rename over `path`.
    Nothing is left behind when the write fails (a full disk, a file size limit): the error is
    raised with the temporary file removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep(path)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        discard(tmp)
        raise
    return tmp


def fill_temporary(tmp: str | Path, data: bytes, sync: bool = True) -> None:
    """Write `data` in full into the temporary file `tmp` made before (`write_temporary`), which
    must still be there: a file removed meanwhile (its build gave up) is not made again
    (FileNotFoundError)."""
    with open(tmp, "r+b") as fh:
        fh.write(data)
        fh.truncate()
        fh.flush()
        if sync:
            os.fsync(fh.fileno())


def temporary_prefix(path: Path) -> str:
    """The start of a temporary file's (or folder's) name for `path`: .<name>.<host>.<pid>-"""
    return f".{Path(path).name}.{_HOST}.{os.getpid()}-"


def discard(tmp: str | Path) -> None:
    """Remove a temporary file if it is there."""
    try:
        os.unlink(tmp)
    except OSError:
        pass


#: Bytes the temporary file's name adds to the output's name (see `write_temporary`).
TEMPORARY_NAME_EXTRA = len(f"..{_HOST}.-.tmp") + 8 + 10


def stale_temporaries(path: Path) -> list[Path]:
    """The temporary files (or folders) an earlier, killed write of `path` left beside it on this
    machine: named .<name>.<host>.<pid>-….tmp, whose process no longer runs."""
    path = Path(path)
    head = f".{path.name}.{_HOST}."
    try:
        names = [n for n in os.listdir(path.parent) if n.startswith(head) and n.endswith(".tmp")]
    except OSError:
        return []
    pids = [name[len(head):].split("-", 1)[0] for name in names]
    return [path.parent / name for name, pid in zip(names, pids) if pid.isdigit() and not running(int(pid))]


def _sweep(path: Path) -> None:
    """Remove the temporary files an earlier, killed write of `path` left behind (`stale_temporaries`)."""
    for stale in stale_temporaries(path):
        try:
            os.unlink(stale)
        except OSError:
            pass


def running(pid: int) -> bool:
    """Whether process `pid` runs (True when we cannot tell)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True      # someone else's process, or we cannot tell: leave its file alone
    return True


def file_stamps(paths) -> tuple[tuple, ...]:
    """(path, size, modification time in ns) of each file, (path, None) for one that cannot be
    read: what a memo keyed by files compares to know a file was replaced or touched."""
    out = []
    for path in paths:
        try:
            st = os.stat(path)
            out.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((str(path), None))
    return tuple(out)


def file_identity(path, index: int) -> tuple | None:
    """(path, face index, size, modification time in ns) of a font file: how the memos name a face
    file (a replaced or edited file is another); None when it cannot be looked at."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (str(path), index, st.st_size, st.st_mtime_ns)


class LockedLRU:
    """A bounded in-process memo shared by threads: `get(key)` -> the value or None (and marks it
    recently used), `put(key, value)` keeps at most `keep` values, the least recently used going
    first; `clear()` empties it."""

    def __init__(self, keep: int):
        import threading
        from collections import OrderedDict

        self.keep = keep
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.keep:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)

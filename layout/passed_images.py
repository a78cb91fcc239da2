"""The photo files of an edition that passed the image check, remembered between builds.

A rebuild on deadline night reads the same photos again; decoding each to find a corrupt or
truncated file (`model._image_problem`) costs 8–9 ms per newsroom JPEG, whatever the scale. A file
that passed, and still has the same size and modification time, is taken as passed again; a file
replaced or touched is checked afresh, as is one that failed (failures are never remembered).

`PassedImages.load(root)` reads the record of the edition folder `root`
(`$XDG_CACHE_HOME/layout/checks/<hash of the folder>.json`: its files' relative paths with their
size and modification time); `unchanged(path)` says whether `path` passed as it is now;
`save(paths)` stores the files that passed in this build. A record that cannot be read or written
(read-only home, full disk) only costs the checks.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from layout.util import cache_root, oldest_first, write_atomic

#: Part of every record: a change to what the image check tests makes older records count for nothing.
CHECK_RULES = "1: decodes whole (JPEG at 1/8 scale), at most MAX_IMAGE_PIXELS"
#: Records of editions not built for this long are removed when another record is written, and
#: past this many the oldest go (test suites and batch runs make many edition folders).
KEEP_DAYS = 60
KEEP_RECORDS = 1000


def _stamp(path: Path) -> list[int] | None:
    """[size, modification time in ns] of a file, or None when it cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class PassedImages:
    """The files of one edition folder that passed the image check (see the module docstring)."""

    def __init__(self, root: Path, passed: dict[str, list[int]]):
        self.root = root
        self.passed = passed

    @staticmethod
    def record_path(root: Path) -> Path:
        key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return cache_root() / "checks" / f"{key}.json"

    @classmethod
    def load(cls, root: Path) -> PassedImages:
        try:
            data = json.loads(cls.record_path(root).read_text(encoding="utf-8"))
            ok = data.get("rules") == CHECK_RULES and isinstance(data.get("files"), dict)
            passed = {k: v for k, v in data["files"].items() if isinstance(v, list)} if ok else {}
        except (OSError, ValueError, AttributeError):
            passed = {}
        return cls(root, passed)

    def _name(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def unchanged(self, path: Path) -> bool:
        """`path` passed the check in an earlier build and has the same size and modification time."""
        name = self._name(path)
        return name is not None and name in self.passed and self.passed[name] == _stamp(path)

    def save(self, paths: list[Path]) -> None:
        """Remember `paths` (files that passed now or were unchanged) as this edition's record."""
        files = {}
        for path in paths:
            name, stamp = self._name(path), _stamp(path)
            if name is not None and stamp is not None:
                files[name] = stamp
        if files == self.passed:
            return
        record = self.record_path(self.root)
        try:
            write_atomic(record, json.dumps({"rules": CHECK_RULES, "files": files}, ensure_ascii=False,
                                            sort_keys=True).encode("utf-8"), sync=False)
            _forget_old(record.parent, keep=record)
        except OSError:
            pass
        self.passed = files


def _forget_old(folder: Path, keep: Path) -> None:
    """Remove the records of editions not built for KEEP_DAYS, and the oldest past KEEP_RECORDS."""
    cutoff = time.time() - KEEP_DAYS * 86400
    others = [(mtime, path) for mtime, _size, path in oldest_first(folder, "*.json") if path != keep]
    for i, (mtime, path) in enumerate(reversed(others)):   # newest first
        if mtime < cutoff or i >= KEEP_RECORDS - 1:
            try:
                os.unlink(path)
            except OSError:
                pass

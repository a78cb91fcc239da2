"""A build's output files: what they are named, and writing them all or none.

- `file_stem(paper_name, date)`: the files' common name, `<paper>-<date>`, made from the
  paper's name as a plain file name: no folder separators, no control or invisible
  characters, no leading dot, at most NAME_BYTES bytes of the name (a file name on most file
  systems is at most 255 bytes; a Han character takes 3), readable Chinese kept as it is.
- `check_paper_name(name, where, report)`: a warning when the name had to change to make
  the file name (an `output-name` diagnostic at the manifest's `paper.name`).
- `OutputSet(out_dir)`: the files of one build. `add(name, data)` writes a file in full to a
  hidden temporary file in `out_dir` (from any thread); `commit()` then renames them all over
  the old files; if any write fails, `discard()` removes the temporary files and every old
  output stays as it was. `add_tree(name, files)` does the same for a folder of files (the web
  edition, `web/`): written in full into a hidden temporary folder, which `commit` puts in the
  place of the old folder. Every file lands directly in `out_dir`: a name that would put it
  anywhere else is refused here, whatever made it. Failures raise `OutputError` with one
  plain message.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from layout.diagnostics import Report, Source
from layout.util import (TEMPORARY_NAME_EXTRA, discard, fill_temporary, stale_temporaries, temporary_prefix,
                         write_temporary)

#: The paper's part of a file name, in UTF-8 bytes (40 Han characters; 120 Latin letters).
NAME_BYTES = 120
#: The longest output file name, in UTF-8 bytes: 255 (ext4, APFS, NTFS in UTF-16 is more)
#: less what the temporary file's name adds.
MAX_FILE_NAME_BYTES = 255 - TEMPORARY_NAME_EXTRA

#: Characters that name folders or are refused by some file system (Windows shares: < > : " | ? *).
_SEPARATORS = set('/\\<>:"|?*')


def _unsafe(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch in _SEPARATORS or cat[0] == "C" or cat in ("Zl", "Zp")


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, at a character boundary (never inside a
    character, nor between a character and its combining marks)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        size = len(ch.encode("utf-8"))
        if used + size > limit:
            if unicodedata.combining(ch):   # the last character's marks would be cut off: end before it
                while out and unicodedata.combining(out[-1]):
                    out.pop()
                if out:
                    out.pop()
            break
        out.append(ch)
        used += size
    return "".join(out)


def safe_name(name: str, fallback: str = "edition") -> str:
    """Any text -> a plain file name part: unsafe characters (separators, controls, invisible
    format characters) become '-', runs of them one '-', runs of spaces one space; no dot, dash
    or space at either end; at most NAME_BYTES bytes; `fallback` when nothing is left."""
    text = unicodedata.normalize("NFC", str(name))
    text = "".join("-" if _unsafe(ch) else (" " if ch.isspace() else ch) for ch in text)
    text = re.sub(r"-(?:[\s.]*-)+", "-", text)
    text = re.sub(r" +", " ", text)
    text = text.strip("-. ")
    text = _cut(text, NAME_BYTES).rstrip("-. ")
    return text or fallback


def file_stem(paper_name: str, date) -> str:
    """The stem every output file of an edition shares: <paper>-<YYYY-MM-DD>."""
    return f"{safe_name(paper_name)}-{date.isoformat()}"


def check_paper_name(name: str, where: Source | None, report: Report) -> None:
    """Warn (`output-name`) when the paper's name cannot be a file name as written."""
    if not name or safe_name(name) == name:
        return
    shown = name if len(name) <= 60 else name[:60] + "…"
    report.warning("output-name", f"the paper's name {shown!r} cannot be a file name as it is; the files are "
                   f"named '{safe_name(name)}-<date>'", where,
                   "a name with '/', control characters or over 40 Chinese characters is changed for the "
                   "file names only; the masthead prints it as written")


class OutputError(Exception):
    """An output could not be written: one plain message for the user (and a hint)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def describe_os_error(exc: OSError) -> str:
    """An OSError as a short reason in words."""
    reasons = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
               errno.EFBIG: "the file is larger than this process may write (ulimit -f)",
               errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied", errno.ENOTDIR: "a part of the path is a file, not a folder",
               errno.EEXIST: "a file of that name is in the way", errno.ENAMETOOLONG: "the name is too long"}
    return reasons.get(exc.errno, exc.strerror or str(exc))


_HINTS = {errno.ENOSPC: "free some space (or write elsewhere with -o DIR) and build again",
          errno.EDQUOT: "free some space (or write elsewhere with -o DIR) and build again",
          errno.EFBIG: "raise the limit (ulimit -f unlimited) and build again",
          errno.EROFS: "write elsewhere with -o DIR",
          errno.EACCES: "write elsewhere with -o DIR, or ask for write access to the folder",
          errno.EPERM: "write elsewhere with -o DIR, or ask for write access to the folder"}


def os_error_hint(exc: OSError) -> str:
    """What to do about a failed write ('' when there is nothing general to say)."""
    return _HINTS.get(exc.errno, "")


def output_folder_problem(out_dir: Path) -> str:
    """Why `out_dir` cannot take outputs ('' when it can or does not exist yet): it, or a folder
    on its path, is a file."""
    for folder in (Path(out_dir), *Path(out_dir).parents):
        if folder.exists() or folder.is_symlink():
            return "" if folder.is_dir() else f"{folder} is a file, not a folder"
    return ""


class OutputSet:
    """The output files of one build, replaced together or not at all (see the module's doc)."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self._staged: list[tuple[str, Path]] = []
        self._lock = threading.Lock()
        problem = output_folder_problem(self.out_dir)
        if problem:
            raise OutputError(f"cannot write into {self.out_dir}: {problem}",
                              "give -o a folder (it is made if missing)")
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._real_dir = self.out_dir.resolve()
        except OSError as exc:
            raise OutputError(f"cannot make the output folder {self.out_dir}: {describe_os_error(exc)}",
                              _HINTS.get(exc.errno, "write elsewhere with -o DIR")) from None

    def path(self, name: str) -> Path:
        """Where output `name` goes: directly in the output folder. A name that is not one plain
        file name (a separator, '..', a control character, too long) is refused (OutputError)."""
        ok = (name and name == os.path.basename(name) and name not in (".", "..") and not name.startswith(".")
              and (os.altsep is None or os.altsep not in name) and "\\" not in name
              and not any(_unsafe(ch) for ch in name) and len(name.encode("utf-8")) <= MAX_FILE_NAME_BYTES)
        if not ok or os.path.dirname(os.path.normpath(os.path.join(self._real_dir, name))) != str(self._real_dir):
            raise OutputError(f"refused to write {name!r}: every output goes directly into {self.out_dir}")
        return self.out_dir / name

    def add(self, name: str, data: bytes) -> Path:
        """Write `data` in full to a temporary file for output `name`; -> the final path
        (written there by `commit`). Raises OutputError when the write fails."""
        target = self.path(name)
        try:
            tmp = write_temporary(target, data)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {describe_os_error(exc)}; the previous files are kept",
                              os_error_hint(exc)) from None
        with self._lock:
            self._staged.append((tmp, target))
        return target

    def reserve(self, name: str) -> str | None:
        """An empty temporary file for output `name`, staged now (renamed by `commit`, removed by
        `discard`, whatever happens meanwhile), for another process to write in full
        (`util.fill_temporary`) or for `fill`; None when it cannot be made (the write that follows
        then goes through `add`, which reports why)."""
        target = self.path(name)
        try:
            tmp = write_temporary(target, b"", sync=False)
        except OSError:
            return None
        with self._lock:
            self._staged.append((tmp, target))
        return tmp

    def fill(self, tmp: str, data: bytes) -> None:
        """Write `data` in full into a file of `reserve`. Raises OutputError when the write fails."""
        target = next((t for f, t in self._staged if f == tmp), tmp)
        try:
            fill_temporary(tmp, data)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {describe_os_error(exc)}; the previous files are kept",
                              os_error_hint(exc)) from None

    def add_tree(self, name: str, files: dict[str, bytes]) -> Path:
        """Write a folder of files for output folder `name` (paths inside it -> bytes; '/' between
        folders, no '..', no absolute path) in full into a hidden temporary folder beside it; ->
        the final path (put in place by `commit`). Raises OutputError when a write fails or a path
        would leave the folder."""
        target = self.path(name)
        _sweep_folders(target)
        try:
            tmp = tempfile.mkdtemp(prefix=temporary_prefix(target), suffix=".tmp", dir=self.out_dir)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {describe_os_error(exc)}; the previous files are kept",
                              os_error_hint(exc)) from None
        try:
            paths = {}
            for rel in sorted(files):
                parts = rel.split("/")
                if not rel or rel.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
                    raise OutputError(f"refused to write {rel!r}: every file of {name}/ goes inside it")
                paths[rel] = os.path.join(tmp, *parts)
            for folder in sorted({os.path.dirname(path) for path in paths.values()}):
                os.makedirs(folder, exist_ok=True)
            # each file synced to the disk before the folder is renamed into place; on eight threads,
            # since the syncs then overlap (110 files: 0.05 s instead of 0.7 s one after the other)
            with ThreadPoolExecutor(8, thread_name_prefix="write-tree") as pool:
                for done in [pool.submit(_write_synced, path, files[rel]) for rel, path in paths.items()]:
                    done.result()
            os.chmod(tmp, 0o755)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise OutputError(f"cannot write {target}: {describe_os_error(exc)}; the previous files are kept",
                              os_error_hint(exc)) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with self._lock:
            self._staged.append((tmp, target))
        return target

    def commit(self) -> list[Path]:
        """Rename every written file over its final name; -> the final paths, in the order added.
        A folder (`add_tree`) takes the old folder's place: the old one is renamed away first (a
        folder cannot be renamed over a full one), then removed."""
        done = []
        with self._lock:
            staged, self._staged = self._staged, []
        try:
            for tmp, target in staged:
                if os.path.isdir(tmp):
                    _replace_folder(tmp, target)
                else:
                    os.replace(tmp, target)
                done.append(target)
        except OSError as exc:
            for tmp, _target in staged[len(done):]:
                _discard_any(tmp)
            raise OutputError(f"cannot write {staged[len(done)][1]}: {describe_os_error(exc)}",
                              os_error_hint(exc)) from None
        return done

    def discard(self) -> None:
        """Remove the temporary files of a build that did not finish; the old outputs stay."""
        with self._lock:
            staged, self._staged = self._staged, []
        for tmp, _target in staged:
            _discard_any(tmp)

    def __enter__(self) -> "OutputSet":
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        self.discard()   # after commit there is nothing left to remove
        return False


def _write_synced(path: str, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _discard_any(tmp: str) -> None:
    """Remove a temporary file or folder if it is there."""
    if os.path.isdir(tmp) and not os.path.islink(tmp):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        discard(tmp)


def _exchange(a: str, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE); False where the system,
    its C library or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):   # glibc before 2.28, or not glibc
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0


def _replace_folder(tmp: str, target: Path) -> None:
    """Put the folder `tmp` at `target`. An old folder there is swapped with the new one in one
    step where the system can (Linux), so a reader sees the old site or the new one, then removed.
    Elsewhere (or over a file) the old one is first renamed to a hidden temporary name and removed
    once the new one is in place: `target` is then missing for an instant, never half written."""
    if os.path.isdir(target) and not os.path.islink(target) and _exchange(tmp, target):
        _discard_any(tmp)        # it holds the old folder now
        return
    old = None
    if os.path.lexists(target):
        old = tempfile.mkdtemp(prefix=temporary_prefix(target), suffix=".old.tmp", dir=os.path.dirname(tmp))
        os.rmdir(old)
        os.rename(target, old)
    try:
        os.rename(tmp, target)
    except OSError:
        if old is not None:
            os.rename(old, target)   # the old folder back where it was
        raise
    if old is not None:
        _discard_any(old)


def _sweep_folders(target: Path) -> None:
    """Remove the temporary folders an earlier, killed build of `target` left behind
    (`util.stale_temporaries`)."""
    for stale in stale_temporaries(target):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)

"""The composition memo: a paragraph or headline already composed is not composed again.

Takes: a composer call (`kind` "paragraph" or "headline", its runs, measure, settings, line
limit) and the function that composes it. Returns: the same tuple of `Line`s the function
returns, from memory when an identical call was composed before.

The key is the call's content: every run's text, face key and size, the identity of the face
file behind it (path, collection index, size and modification time: a font replaced under the
same name composes afresh), the measure, every composer setting, the line limit, and
`COMPOSER_VERSION` with the package version. Nothing else goes into the composer (it is a pure
function of these; `layout.text.compose`), so a hit returns exactly what composing would.

Two levels:

- **In the process** (the live preview, a library caller building twice): the lines of the
  current build and of the build before it. Lines are frozen, so they are shared, not copied.
- **On disk**, one file per edition (`$XDG_CACHE_HOME/layout/compose/<hash of the manifest
  path>.memo`): every composition the last build of that edition used, so that a new process
  (`layout build` after a one-story edit) composes only the changed story. A process rewriting
  the file of an edition it built before (the live preview) does so once idle (`write_soon`),
  not in the rebuild the editor waits for. Written atomically
  (temporary file + rename: a reader sees the old file or the new, never half), so concurrent
  builds need no lock: the last one to finish leaves its file. The folder is kept under
  `DISK_BYTES` (the least recently used files go first). A file is a header (magic, format,
  versions) and a blake2b checksum of its body; one that is truncated, corrupt or of another
  version is ignored (and replaced by the next build), never trusted.

The body is `marshal` data: only dicts, tuples, strings, bytes, floats, integers and booleans
(glyph positions packed as doubles), which marshal writes and reads several times faster than
pickle or JSON (the 145,000-character benchmark edition, 7 MB: about 0.05 s to read, checksum
included), floats exactly, and without running code on load. It is read only from this
folder, which `layout` writes, and only after its checksum matches.

`value(kind, content, make)` remembers other pure functions of text the same way, in the same
file (where a headline breaks inside a word, which needs the word segmenter).

`LAYOUT_NO_CACHE=1` in the environment turns the memo off (every paragraph composed);
`clear()` (`layout cache clear`) empties the folder.
"""
from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import sys
import threading
from array import array
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Callable, Sequence

from layout import __version__
from layout.blobstore import disabled, library_stamp  # disabled: re-exported, the one LAYOUT_NO_CACHE rule
from layout.text.model import ComposeSettings, Glyph, Line, Run
from layout.util import cache_root, file_identity, oldest_first, write_atomic

#: Raise when the composer's output changes for the same input (its rules, rounding, data).
COMPOSER_VERSION = 4   # 4: a mark's half-width shift from its ink in a face without `halt` (fonts.registry)
#: The memo files of all editions together stay under this many bytes.
DISK_BYTES = 256 << 20
_MAGIC = b"layout compose memo\n"


def _library_versions() -> tuple:
    """What identifies the installed libraries composition reads through: harfbuzz (advances,
    kerning) and the word segmenter (headline breaks). `blobstore.library_stamp`, not
    `importlib.metadata`, whose scan of every installed package cost each process 20 ms."""
    return tuple(library_stamp(name) for name in ("uharfbuzz", "rjieba"))


#: What a file must match to be read: the memo's format, the composer, the package, the libraries
#: it composes with, Python's and marshal's formats.
_VERSIONS = repr((4, COMPOSER_VERSION, __version__, _library_versions(), marshal.version,
                  sys.version_info[:2])).encode()

Key = bytes
_PLAIN = object()             # marks a `value` entry of the memo (not lines)
_new_tuple = tuple.__new__    # (Glyph, fields) -> Glyph without a Python-level call, as the composer makes them


def memo_dir() -> Path:
    return cache_root() / "compose"


def memo_path(manifest: Path) -> Path:
    """The memo file of the edition whose manifest is `manifest`."""
    name = hashlib.blake2b(str(Path(manifest).resolve()).encode("utf-8", "surrogatepass"), digest_size=16)
    return memo_dir() / f"{name.hexdigest()}.memo"


class ComposeMemo:
    """Compositions by content (see the module docstring). `begin(manifest)` starts a build
    (reading the edition's file the first time), `lines(...)` answers a composer call, `end()`
    writes what the build used. Outside begin … end every call is composed."""

    def __init__(self) -> None:
        self.active = False
        self.current: dict[Key, tuple] = {}     # used by the build under way: key -> (lines, the call's styles)
        self.earlier: dict[Key, tuple] = {}     # the same, of the build before in this process
        self.stored: dict[Key, tuple] = {}      # disk form (`encode`) of the last build's, read or written
        self.path: Path | None = None
        self.loaded_from: Path | None = None
        self.misses = 0
        self.note = ""                          # why the disk memo was not used, for a debug message
        self._faces: dict[int, tuple] = {}
        self._digests: dict[tuple, Key] = {}    # a call's content -> its key (the repr and hash, once)
        #: when a dict: every entry used meanwhile goes in it too (the make-up memo keeps a page's,
        #: `layout.page.pagememo`, and marks them used when it reuses the page: `use`)
        self.recording: dict[Key, tuple] | None = None
        #: entries of the disk file a page read back from the make-up memo's disk store used: kept
        #: in the file this build writes, though this process never decoded them (`keep`)
        self.kept: set[Key] = set()

    # -- a build -----------------------------------------------------------------------------
    def begin(self, manifest: Path | None) -> None:
        """Start a build of the edition `manifest` (None: in-process memory only)."""
        # a build that never ended (it failed) leaves its compositions to the next as well
        self.earlier = {**self.earlier, **self.current} if self.active else self.current
        self.current = {}
        self.kept = set()
        self.active = not disabled()
        self.misses = 0
        self.note = ""
        self._faces = {}
        self.path = memo_path(manifest) if manifest is not None else None
        postpone()   # a rewrite of the last build's file waits until this build is over
        if not self.active:
            self.earlier, self.stored, self.loaded_from = {}, {}, None
        elif self.path is not None and self.loaded_from != self.path:
            self.stored = read_file(self.path, self)
            self.loaded_from = self.path
            if self.note and os.environ.get("LAYOUT_DEBUG"):
                print(f"layout: {self.note}", file=sys.stderr)

    def end(self) -> None:
        """The build is over: write its compositions to the edition's file when they changed."""
        if not self.active:
            return
        self.active = False
        self.earlier = {}
        if self.path is None:
            return
        kept = self.kept - self.current.keys()
        if self.misses == 0 and self.current.keys() | kept == self.stored.keys():
            _touch(self.path)
            return
        entries = {key: self.stored[key] for key in kept if key in self.stored}
        for key, (found, styles) in self.current.items():
            data = self.stored.get(key)
            if data is None:
                data = ("value", found) if styles is _PLAIN else ("lines", encode(found, styles))
            if data[1] is not None:
                entries[key] = data
        write_soon(self.path, entries)
        self.stored = entries

    def forget(self) -> None:
        """Drop what this process holds, as if it ended (its rewrites waiting are written) and a
        new one started (the disk file is read again)."""
        flush()
        with _later_lock:
            _written.clear()
        self.__init__()

    # -- a composer call ---------------------------------------------------------------------
    def lines(self, kind: str, runs: Sequence[Run], measure: float, settings: ComposeSettings,
              extra: object, compose: Callable[[], tuple[Line, ...]]) -> tuple[Line, ...]:
        """What `compose()` returns for this call, from the memo when it was composed before."""
        if not self.active:
            self.misses += 1
            return compose()
        key = self.key(kind, runs, measure, settings, extra)
        if key is None:
            self.misses += 1
            return compose()
        found = self.current.get(key) or self.earlier.get(key)
        if found is None:
            stored = self.stored.get(key)
            lines = decode(stored[1], runs) if stored is not None and stored[0] == "lines" else None
            if lines is None:
                self.misses += 1
                lines = compose()
            found = (lines, tuple(run.style for run in runs))
        self.current[key] = found
        if self.recording is not None:
            self.recording[key] = found
        return found[0]

    def value(self, kind: str, content: tuple, make: Callable[[], object]) -> object:
        """`make()`, remembered by `content` like a composition: for other pure functions of text
        whose result is plain data (tuples, strings, numbers), such as where a headline breaks
        inside a word (which needs the word segmenter)."""
        if not self.active:
            self.misses += 1
            return make()
        key = hashlib.blake2b(repr((kind, COMPOSER_VERSION, content)).encode("utf-8", "surrogatepass"),
                              digest_size=20).digest()
        found = self.current.get(key) or self.earlier.get(key)
        if found is None:
            stored = self.stored.get(key)
            if stored is not None and stored[0] == "value":
                found = (stored[1], _PLAIN)
            else:
                self.misses += 1
                found = (make(), _PLAIN)
        self.current[key] = found
        if self.recording is not None:
            self.recording[key] = found
        return found[0]

    def use(self, entries: dict[Key, tuple]) -> None:
        """Entries (`recording`) of work reused whole (a page not made up again): used by this
        build, so that its memo file keeps them."""
        if self.active:
            self.current.update(entries)

    def keep(self, keys) -> None:
        """Keys of entries of work reused whole from disk (a page the make-up memo read back):
        this build's file keeps their stored form, which this process need not decode."""
        if self.active:
            self.kept.update(keys)

    def key(self, kind: str, runs: Sequence[Run], measure: float, settings: ComposeSettings,
            extra: object) -> Key | None:
        """The call's content as a digest; None when a face is not a font file (test metrics)."""
        parts = []
        for run in runs:
            face = self._face(run.style.metrics)
            if not face:
                return None
            parts.append((run.text, run.style.font, run.style.size, face))
        content = (kind, tuple(parts), measure, settings, extra)
        digest = self._digests.get(content)
        if digest is None:
            if len(self._digests) >= 200_000:
                self._digests.clear()
            digest = self._digests[content] = hashlib.blake2b(
                repr((COMPOSER_VERSION, content)).encode("utf-8", "surrogatepass"), digest_size=20).digest()
        return digest

    def _face(self, metrics) -> tuple:
        ident = self._faces.get(id(metrics))
        if ident is None:
            ident = self._faces[id(metrics)] = face_identity(metrics)
        return ident


def face_identity(metrics) -> tuple:
    """(path, index, size, modification time) of the file behind a registry face; () otherwise."""
    source, index = getattr(metrics, "source", None), getattr(metrics, "index", None)
    if not isinstance(source, Path) or not isinstance(index, int):
        return ()
    return file_identity(source, index) or ()


# -- lines <-> plain data ----------------------------------------------------------------------

def encode(lines: tuple[Line, ...], styles: tuple) -> tuple | None:
    """Lines -> plain data for marshal, a few objects per line: the glyphs' x and advance as
    arrays of doubles (exact), their texts as one string (with the lengths where a glyph is a
    cluster of several characters), and each glyph's style as the number of the call's run it came
    from (`styles`, the runs' styles in order: the styles themselves are the next call's). None
    when a glyph's style is none of them (never stored then).

    A cold build encodes every composition it made (145,000 characters for the benchmark), so
    each line's glyphs are taken apart in one `zip` (a Glyph is a tuple: text, x, advance, style)
    and the styles numbered by a dict lookup per glyph, all in C."""
    if len(styles) > 255:
        return None
    number: dict[int, int] = {}
    for i, style in reversed(list(enumerate(styles))):
        number[id(style)] = i
    out = []
    for line in lines:
        glyphs = line.glyphs
        if glyphs:
            texts, xs, advances, glyph_styles = zip(*glyphs)
        else:
            texts = xs = advances = glyph_styles = ()
        try:
            idx = bytes(map(number.__getitem__, map(id, glyph_styles)))
        except KeyError:
            return None
        joined = "".join(texts)
        sizes = None if len(joined) == len(texts) else tuple(map(len, texts))
        out.append((joined, sizes, array("d", xs).tobytes(), array("d", advances).tobytes(), idx,
                    line.width, line.measure, line.last, line.text, line.emergency))
    return tuple(out)


def decode(stored, runs: Sequence[Run]) -> tuple[Line, ...] | None:
    """Plain data (`encode`) -> lines whose glyphs carry the styles of `runs`; None when the data
    does not fit them (such an entry is composed afresh)."""
    styles = [run.style for run in runs]
    try:
        out = []
        for joined, sizes, xs, advances, idx, width, measure, last, text, emergency in stored:
            texts = tuple(joined) if sizes is None else tuple(_split(joined, sizes))
            xs, advances = array("d", xs).tolist(), array("d", advances).tolist()
            n = len(idx)
            if not len(texts) == len(xs) == len(advances) == n:
                return None
            # mostly one style a line: no list of styles to build then
            st = repeat(styles[idx[0]], n) if n and idx.count(idx[0]) == n else [styles[i] for i in idx]
            glyphs = tuple(map(_new_tuple, repeat(Glyph), zip(texts, xs, advances, st)))
            out.append(Line(glyphs, width, measure, last, text, emergency))
        return tuple(out)
    except (ValueError, TypeError, IndexError):
        return None


def _split(joined: str, sizes: Sequence[int]):
    at = 0
    for n in sizes:
        yield joined[at:at + n]
        at += n


# -- the file ------------------------------------------------------------------------------------

def write_file(path: Path, entries: dict, limit: int | None = None) -> None:
    """Store `entries` (plain data) atomically at `path`, then keep the folder's files of its kind
    (suffix) under `limit` bytes (default DISK_BYTES). A file that cannot be written (read-only
    home, full disk) only costs the next build its memo."""
    body = marshal.dumps(entries)
    data = b"".join((_MAGIC, _VERSIONS, b"\n", hashlib.blake2b(body, digest_size=32).digest(), body))
    try:
        write_atomic(path, data, sync=False)
    except OSError:
        return
    keep_within(path.parent, DISK_BYTES if limit is None else limit, keep=path, pattern="*" + path.suffix)


#: Seconds a rewrite of a memo file waits for the process to be idle (`write_soon`).
REWRITE_DELAY = 2.0
_written: set[Path] = set()           # memo files this process has written
_later: dict[Path, tuple[dict, int | None]] = {}
_later_lock = threading.Lock()
_timer: threading.Timer | None = None


def write_soon(path: Path, entries: dict, limit: int | None = None) -> None:
    """`write_file(path, entries, limit)`: now, the first time this process writes `path` (a
    `layout build`); a rewrite (the live preview, a library caller building the edition again)
    once the process has been idle for REWRITE_DELAY seconds (`postpone` pushes it back while a
    build runs), or at exit (`flush`), whichever comes first: a new process needs the file, the
    rebuild under way does not, and the last rewrite of a burst of saves is the one kept."""
    path = Path(path)
    with _later_lock:
        first = path not in _written
        _written.add(path)
        if not first:
            _later[path] = (entries, limit)
            _restart_timer()
    if first:
        write_file(path, entries, limit)


def _restart_timer() -> None:
    global _timer
    _stop_timer()
    _timer = threading.Timer(REWRITE_DELAY, flush)
    _timer.daemon = True
    _timer.start()


def postpone() -> None:
    """A build starts: the rewrites still waiting wait until it is over (and idle again)."""
    with _later_lock:
        if _later:
            _restart_timer()


def _stop_timer() -> None:
    global _timer
    if _timer is not None:
        _timer.cancel()
        _timer = None


def flush() -> None:
    """Write every rewrite still waiting (`write_soon`) now."""
    with _later_lock:
        _stop_timer()
        jobs = list(_later.items())
        _later.clear()
    for path, (entries, limit) in jobs:
        write_file(path, entries, limit)


def drop_pending() -> None:
    """Forget the rewrites still waiting (`layout cache clear`: the files are gone, and stay so)."""
    with _later_lock:
        _stop_timer()
        _later.clear()
        _written.clear()


def _forget_writes_in_child() -> None:
    """In a child made by fork: the parent's files and rewrites are the parent's (the child may
    end with os._exit, which would lose a rewrite left waiting)."""
    global _timer, _later_lock
    _later_lock = threading.Lock()
    _timer = None
    _later.clear()
    _written.clear()


atexit.register(flush)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_writes_in_child)


def read_file(path: Path, memo: ComposeMemo | None = None) -> dict:
    """The entries stored at `path` (`write_file`); {} when there is none or it is not whole and of
    this version (`memo.note` then says why, for a debug message)."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    head = _MAGIC + _VERSIONS + b"\n"
    why = ""
    if not data.startswith(head):
        why = "of another version" if data.startswith(_MAGIC) else "not a memo file"
    else:
        digest, body = data[len(head):len(head) + 32], data[len(head) + 32:]
        if hashlib.blake2b(body, digest_size=32).digest() != digest:
            why = "damaged (its checksum does not match)"
        else:
            try:
                entries = marshal.loads(body)
            except (ValueError, EOFError, TypeError):
                entries = None
            if isinstance(entries, dict):
                return entries
            why = "unreadable"
    if memo is not None:
        memo.note = f"memo file {path} ignored: {why}"
    return {}


def _touch(path: Path) -> None:
    """Mark the file as used now (the eviction removes the least recently used first)."""
    try:
        os.utime(path)
    except OSError:
        pass


def keep_within(folder: Path, limit: int, keep: Path | None = None, pattern: str = "*.memo") -> None:
    """Remove the least recently used memo files (`pattern`) until they hold at most `limit` bytes
    (never `keep`, the file just written, unless it alone is over the limit)."""
    entries = oldest_first(folder, pattern)
    total = sum(size for _mtime, size, _path in entries)
    for _mtime, size, path in entries:
        if total <= limit:
            break
        if path == keep and total - size > 0:
            continue
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size


def clear() -> int:
    """Remove every memo file; -> how many were removed."""
    removed = 0
    for _mtime, _size, path in oldest_first(memo_dir(), "*.memo"):
        try:
            os.unlink(path)
            removed += 1
        except OSError:
            pass
    return removed


@lru_cache(maxsize=1 << 16)
def normalized(text: str, lang: str = "zh-CN") -> tuple[str, tuple]:
    """`layout.text.normalize.normalize(text, lang)`, remembered in this process (a pure function
    of the text: a rebuild normalises only the paragraphs that changed)."""
    from layout.text.normalize import normalize

    return normalize(text, lang)


def inside_word_breaks(lines: Sequence[str]) -> tuple[int, ...]:
    """`layout.text.phrases.inside_word_breaks(lines)` through the memo (`ComposeMemo.value`): it
    needs the word segmenter, whose loading and tagging a rebuild in a new process then skips."""
    from layout.text.phrases import inside_word_breaks as find

    texts = tuple(lines)
    return MEMO.value("inside-word-breaks", texts, lambda: tuple(find(list(texts))))


#: The memo of this process (the typesetter asks it; `pipeline.prepare` begins and ends builds).
MEMO = ComposeMemo()

"""The make-up memo: a page whose inputs did not change is not made up again (in this process,
and in a new one: the memo's pages are kept on disk too).

Takes: one page's make-up (`assemble._make_page`, a generator) with everything it reads, through
`PageMemo.make_up`. Returns: a generator that gives the same frame and has the same effects on the
build as making the page up: the diagnostics it reported, its entries in the jumps' text ledger,
the remainders its jump heads hand over, the characters it set in each face (`Typesetter.used`), the compositions it used (marked used in
the composition memo, whose file then keeps them for a new process).

The key is the page's whole input, written out (`repr`, so that the manifest positions the
diagnostics point at count too, which the model's equality leaves out): the page's spec and
placements, the articles placed on it, the size and modification time of every photo or ad file
it places, the paper and the edition's data (masthead, running heads), the style (with its bold
faces and source positions), the language, the identity of every face loaded (path, size,
modification time: `memo.face_identity`), `COMPOSER_VERSION` and the package version.

A page holding a continuation (`continued: true`) sets another page's remainder, known only
while the edition is made up: its key is taken when its make-up starts (`make_up` takes the key
as a function), and holds the lines each of its continuations would take then (`Jumps.handed_to`).

What is not remembered (made up every time):

- a page holding a continuation whose head is not set when its make-up starts: it would wait
  for its head (`jumps.make_up_in_jump_order`), and what the pages do meanwhile decides what it gets;
- a page whose make-up reported a character no face has, or loaded a face or a fallback not
  loaded before: what it reports then depends on the pages made up before it;
- every page when `LAYOUT_NO_CACHE=1`.

A page with a jump head is remembered: its hand-over is replayed into the build's `Jumps`, which
then reports (or not) a remainder that cannot land exactly as it would.

On disk (`$XDG_CACHE_HOME/layout/pages/`, a `BlobStore`: atomic, versioned, checksummed,
bounded, off with `LAYOUT_NO_CACHE=1`): each page remembered is also written there under its
key and the stamp of the package's code (`code_stamp`), so `layout build` in a new process
after a one-story edit makes up only the edited pages. A page comes back from disk whole or
not at all: a file damaged, of another format, version or code, or naming a face that cannot
be loaded is a miss, and the page is made up. The compositions a page used go to disk as their
keys only (the composition memo's file holds them: `ComposeMemo.keep`). The record is a pickle
(see `_PageUnpickler` for why, and what it may load). Installed faces found for characters
no face of the style has are found by the coverage check, before make-up: they are among the
faces in the edition's key, so a face installed or removed between two processes changes it.
"""
from __future__ import annotations

import hashlib
import io
import marshal
import pickle
import weakref
from collections import OrderedDict
from dataclasses import dataclass, fields, replace
from typing import Callable

from layout import __version__
from layout.blobstore import BlobStore
from layout.diagnostics import Diagnostic, Report
from layout.fonts.registry import Face
from layout.memo import COMPOSER_VERSION, MEMO, disabled, face_identity
from layout.model import Issue, PageSpec
from layout.page.frames import PageFrame
from layout.page.story import Slot
from layout.text.model import Line
from layout.codestamp import code_stamp  # noqa: F401 - also asked for here (selfcheck)
from layout.util import file_stamps

#: Pages remembered at most (the least recently used go first); a build also lets go of the
#: pages the build before it did not use (another edition's, pages edited since).
KEEP_PAGES = 128
#: Raise when what a made-up page holds changes shape (`MadeUpPage`, the frame's items).
DISK_FORMAT = 2
#: The made-up pages on disk, every edition's together (a page of the benchmark edition: 50-150 KB).
DISK = BlobStore("pages", f"made-up-{DISK_FORMAT}", 64 << 20)


@dataclass(frozen=True)
class MadeUpPage:
    """A page's make-up and its effects on the build (`PageMemo.make_up`)."""

    frame: PageFrame
    diagnostics: tuple[Diagnostic, ...]
    ledger: tuple                  # (handed, printed, reported, roles, sources) added for its articles
    hand_overs: tuple              # (placement, page number, remainder) for each jump head on it
    used: dict[str, frozenset[str]]
    compositions: dict             # the composition memo's entries it used (`ComposeMemo.recording`)
    kept: tuple = ()               # ... or, for a page read back from disk, their keys (`ComposeMemo.keep`)
    taken: tuple = ()              # the articles whose remainders its continuations took (`Jumps.take`)


_SLOT_FIELDS = [f.name for f in fields(Slot) if f.name != "line"]
_LINE_FIELDS = [f.name for f in fields(Line) if f.name != "glyphs"]


def _handed_form(handed: tuple | None) -> tuple | None:
    """What a continuation takes (`Jumps.handed_to`: the head's page and its lines), as plain
    tuples for its key: every field of each slot and line, each glyph's text, place, advance,
    face and size (the faces' files are in the edition's key). A dataclass's repr, in Python, is
    several times slower."""
    if handed is None:
        return None
    page, slots = handed
    return page, [(tuple(getattr(slot, n) for n in _SLOT_FIELDS), tuple(getattr(slot.line, n) for n in _LINE_FIELDS),
                   tuple((g[0], g[1], g[2], g[3].font, g[3].size) for g in slot.line.glyphs)) for slot in slots]


class _RecordingReport(Report):
    """A report that passes every diagnostic to `target` and keeps a list of what it was given
    (a page's make-up reports through the one it is given and through its typesetter's)."""

    def __init__(self, target: Report):
        super().__init__()
        self.target = target
        self.given: list[Diagnostic] = []

    def add(self, severity: str, code: str, message: str, source=None, hint: str = "") -> Diagnostic:
        diag = self.target.add(severity, code, message, source, hint)
        self.given.append(diag)
        return diag

    def extend(self, diags) -> None:
        diags = list(diags)
        self.given.extend(diags)
        self.target.extend(diags)


class _RecordingJumps:
    """The build's `Jumps` as one page sees it: each hand-over recorded, the rest passed through."""

    def __init__(self, jumps):
        self._jumps = jumps
        self.hand_overs: list[tuple] = []
        self.taken: list[str] = []

    def hand_over(self, pl, page: int, remainder) -> None:
        self.hand_overs.append((pl, page, tuple(remainder)))
        self._jumps.hand_over(pl, page, remainder)

    def take(self, article: str):
        self.taken.append(article)
        return self._jumps.take(article)

    def __getattr__(self, name: str):
        return getattr(self._jumps, name)


class PageMemo:
    """Made-up pages by their inputs (see the module docstring)."""

    def __init__(self) -> None:
        self._pages: OrderedDict[bytes, MadeUpPage] = OrderedDict()
        self._used: set[bytes] = set()   # the pages of the build under way (or the last one)
        self._keys: dict[int, tuple] = {}  # id(frame) -> (weak reference to it, its key): `key_of`
        self.made = 0       # pages made up in the last `make_pages` (for tests and the benchmark)
        self.reused = 0

    def edition_key(self, issue: Issue, style, ts) -> str:
        """What every page of the edition depends on (once per `make_pages`, which starts a
        build: the pages neither the last build nor this one uses are let go)."""
        self.made = self.reused = 0
        if not disabled():   # (a build with the memos off leaves them as they were)
            for key in [k for k in self._pages if k not in self._used]:
                del self._pages[key]
            self._used = set()
        faces = sorted((key, face_identity(face)) for key, face in ts._faces.items())
        return repr((COMPOSER_VERSION, __version__, issue.paper, issue.info, ts.lang, style,
                     sorted(style.bold_faces.items()), sorted(style.sources.items(), key=repr), faces,
                     sorted(ts.broken_faces.items())))

    def page_key(self, edition: str, issue: Issue, page: PageSpec, jumps=None) -> bytes | None:
        """The page's inputs as a digest; None when the page is not to be remembered. A page
        holding a continuation has one only with the build's `jumps`, when the heads of all its
        continuations are set: the lines they hand over are part of it."""
        if disabled():
            return None
        continued = [pl for pl in page.placements if pl.continued]
        if continued and (jumps is None or any(jumps.must_wait(pl) for pl in continued)):
            return None
        try:   # (marshal format 2: no back-references, so equal data gives equal bytes in any process)
            handed = marshal.dumps([_handed_form(jumps.handed_to(pl.article)) for pl in continued], 2)
        except ValueError:   # a field that is not plain data: not remembered
            return None
        articles = [issue.articles.get(pl.article) for pl in page.placements]
        files = [pl.photo.file for pl in page.placements if pl.photo is not None]
        files += [photo.file for art in articles if art is not None for photo in art.photos]
        content = repr((edition, page, articles, file_stamps(files)))
        digest = hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=20)
        digest.update(handed)
        return digest.digest()

    def make_up(self, key: bytes | None | Callable[[], bytes | None], page_make_up: Callable, jumps,
                report: Report, ts):
        """The page's make-up: `page_make_up(jumps, report)` (a generator returning its frame), or
        its replay from the memo when `key` was made up before. A generator, as `page_make_up`;
        `key` may be a function, asked when the make-up starts (`page_key` with the jumps)."""
        if callable(key):
            key = key()
        if key is None:
            self.made += 1
            return (yield from page_make_up(jumps, report))
        self._used.add(key)
        found = self._pages.get(key)
        if found is None:
            found = _read_disk(key, ts)
            if found is not None:
                self._pages[key] = found
        if found is not None:
            self._pages.move_to_end(key)
            self.reused += 1
            _replay(found, jumps, report, ts)
            self._know(found.frame, key)
            return found.frame
        self.made += 1
        recording_report, recording_jumps = _RecordingReport(report), _RecordingJumps(jumps)
        ledger_before = _ledger_state(jumps.ledger)
        seen_before = (len(ts.missing), len(ts.fallback_used), len(ts._faces), len(ts.broken_faces))
        # the characters it sets, in a set of its own: those of texts another page checked count too
        used, ts.used = ts.used, {}
        whole, ts._whole = ts._whole, set(ts._whole)
        outer, MEMO.recording = MEMO.recording, {}
        ts_report, ts.report = ts.report, recording_report   # what the typesetter and story setter report too
        try:
            frame = yield from page_make_up(recording_jumps, recording_report)
        finally:
            ts.report = ts_report
            page_used, ts.used, ts._whole = ts.used, used, whole
            compositions, MEMO.recording = MEMO.recording, outer
            if outer is not None:
                outer.update(compositions)
            for font, chars in page_used.items():
                used.setdefault(font, set()).update(chars)
        if seen_before == (len(ts.missing), len(ts.fallback_used), len(ts._faces), len(ts.broken_faces)):
            made = self._pages[key] = MadeUpPage(frame, tuple(recording_report.given),
                                                 _ledger_added(ledger_before, _ledger_state(jumps.ledger)),
                                                 tuple(recording_jumps.hand_overs),
                                                 {font: frozenset(chars) for font, chars in page_used.items()},
                                                 compositions, taken=tuple(recording_jumps.taken))
            _write_disk(key, made)
            self._know(frame, key)
            while len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)
        return frame

    def key_of(self, frame: PageFrame) -> bytes | None:
        """The key of the inputs `frame` was made up from, for a frame this memo remembers (made
        up or read back in this process); None for any other. What follows from a frame alone
        (the self-check's findings) can be kept on disk under it."""
        known = self._keys.get(id(frame))
        return known[1] if known is not None and known[0]() is frame else None

    def vouch(self, frame: PageFrame, key: bytes | None) -> None:
        """In a worker process: `frame` is a copy (sent by pickle) of a frame that the parent's
        memo knows under `key` (its `key_of`), so what is kept on disk under that key (the
        page's drawing) serves the copy too. Nothing when `key` is None."""
        if key is not None:
            self._know(frame, key)

    def _know(self, frame: PageFrame, key: bytes) -> None:
        if len(self._keys) >= 4 * KEEP_PAGES:   # let go of the frames no longer alive
            self._keys = {i: k for i, k in self._keys.items() if k[0]() is not None}
        self._keys[id(frame)] = (weakref.ref(frame), key)

    def forget(self) -> None:
        self._keys.clear()
        self._pages.clear()
        self._used = set()


def _ledger_state(ledger) -> tuple:
    return (dict(ledger.handed), dict(ledger.printed), dict(ledger.reported),
            {a: set(r) for a, r in ledger.roles.items()}, dict(ledger.sources))


def _ledger_added(before: tuple, after: tuple) -> tuple:
    """What a page added to the text ledger: counts by article, roles and sources first seen."""
    counts = tuple({a: n - old.get(a, 0) for a, n in new.items() if n != old.get(a, 0)}
                   for old, new in zip(before[:3], after[:3]))
    roles = {a: frozenset(r) for a, r in after[3].items() if r != before[3].get(a)}
    sources = {a: s for a, s in after[4].items() if a not in before[4]}
    return (*counts, roles, sources)


def _replay(page: MadeUpPage, jumps, report: Report, ts) -> None:
    """A remembered page's effects on the build, as its make-up had them."""
    report.extend(page.diagnostics)
    ledger = jumps.ledger
    handed, printed, reported, roles, sources = page.ledger
    for mine, added in ((ledger.handed, handed), (ledger.printed, printed), (ledger.reported, reported)):
        for article, n in added.items():
            mine[article] = mine.get(article, 0) + n
    for article, found in roles.items():
        ledger.roles.setdefault(article, set()).update(found)
    for article, source in sources.items():
        ledger.sources.setdefault(article, source)
    for article in page.taken:
        jumps.take(article)
    for pl, number, remainder in page.hand_overs:
        jumps.hand_over(pl, number, remainder)
    for font, chars in page.used.items():
        ts.used.setdefault(font, set()).update(chars)
    MEMO.use(page.compositions)
    MEMO.keep(page.kept)


class _PagePickler(pickle.Pickler):
    """A made-up page to bytes; the faces its lines point to go by their key, not by value."""

    def persistent_id(self, obj):
        return ("face", obj.key) if type(obj) is Face else None


class _PageUnpickler(pickle.Unpickler):
    """A made-up page from bytes. Why pickle here: a page is a deep tree of the package's own
    frozen dataclasses (frames, glyph runs, lines, diagnostics, placements), which pickle's C
    code reads back in a few milliseconds, where any hand-written form would have to follow
    every change to them. The file is this tool's own (under its cache folder, which only it
    writes), versioned (`DISK_FORMAT`, the package's version and code in the key) and read only
    when its checksum matches; and even so only the package's own classes, paths and sets may be
    loaded (`find_class`), and faces come from the build's typesetter (`persistent_load`)."""

    _ALLOWED = {("builtins", "set"), ("builtins", "frozenset"), ("pathlib", "PosixPath"),
                ("pathlib", "WindowsPath"), ("pathlib", "PurePosixPath"), ("pathlib", "PureWindowsPath")}

    def __init__(self, data: bytes, ts):
        super().__init__(io.BytesIO(data))
        self.ts = ts

    def find_class(self, module: str, name: str):
        if module == "layout" or module.startswith("layout.") or (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a made-up page")

    def persistent_load(self, pid):
        kind, key = pid
        if kind != "face":
            raise pickle.UnpicklingError(f"unknown reference {kind!r}")
        return self.ts.face(key)


def _disk_key(key: bytes) -> tuple:
    return (key, __version__, code_stamp(), pickle.HIGHEST_PROTOCOL)


def _read_disk(key: bytes, ts) -> MadeUpPage | None:
    """The page made up under `key` by an earlier process, or None (not there, or not usable)."""
    data = DISK.get(*_disk_key(key))
    if data is None:
        return None
    try:
        page = _PageUnpickler(data, ts).load()
    except Exception:   # noqa: BLE001 - damaged past its checksum, or a face gone: made up again
        return None
    return page if isinstance(page, MadeUpPage) else None


def _write_disk(key: bytes, page: MadeUpPage) -> None:
    """Keep `page` on disk for a new process (the compositions as their keys only)."""
    out = io.BytesIO()
    try:
        _PagePickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(
            replace(page, compositions={}, kept=(*page.kept, *page.compositions)))
    except (pickle.PicklingError, TypeError, AttributeError):   # something not plain data: not kept
        return
    DISK.put(*_disk_key(key), data=out.getvalue())


#: The memo of this process (`assemble.make_pages` asks it).
PAGES = PageMemo()

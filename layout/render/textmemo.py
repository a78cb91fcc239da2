"""The PDF text operators of runs drawn before: an unchanged run is not worked out again.

Takes: a run's text, glyph positions, size, origin and its `PdfFont`, and the function that
writes its operators (`pdf._TextWriter._operators`). Returns: the operators, from memory when
the same run was drawn in the same font before, in this process.

A run's operators depend on its own values and on its font: the character codes (CIDs) are
numbered over every character the document prints in that face, and the natural advances come
from the subset. So a font is known by the digest of its resource name, its characters and its
program: when an edit brings a character the edition did not print before, every run of that
face gets new codes, and is worked out again (correct first; a one-story edit mostly reuses the
edition's characters). The memo keeps the runs of the last few fonts so known (`KEEP_FONTS`),
enough for the print PDF, the EPUB's cover and the preview's pages of one edition.

They are kept on disk too, one file per font content (`$XDG_CACHE_HOME/layout/pdftext/
<font digest>.ops`, the composition memo's format: checked, versioned, written atomically, the
folder at most `DISK_BYTES`), so that a rebuild in a new process writes again only the runs that
changed: `TextMemo.save()` after the pages are drawn stores the fonts that gained runs.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterable

from layout.memo import disabled, read_file, write_soon
from layout.render.pdffont import PdfFont
from layout.util import cache_root

#: Fonts (by content) whose runs are remembered; the least recently used go first.
KEEP_FONTS = 8
#: Runs remembered per font at most (a 16-page broadsheet draws about 12,000 in all).
KEEP_RUNS = 100_000
#: Raise when `pdf._TextWriter._operators` writes other operators for the same run.
TEXT_VERSION = 1
#: The files of the folder together stay under this many bytes.
DISK_BYTES = 128 << 20

_runs: OrderedDict[bytes, dict] = OrderedDict()
_lock = threading.Lock()


def font_digest(font: PdfFont) -> bytes:
    """What a run's operators depend on in its font: its resource name, characters and program."""
    h = hashlib.blake2b(digest_size=20)
    h.update(font.resource.encode())
    h.update("\0".join(font.chars).encode("utf-8", "surrogatepass"))
    h.update(font.program)
    return h.digest()


class TextMemo:
    """The remembered runs of one document's fonts (see the module docstring)."""

    def __init__(self, fonts: Iterable[PdfFont]):
        fonts = list(fonts)
        self._by_font: dict[int, dict] = {}
        self._digests: dict[int, bytes] = {}
        self._sizes: dict[int, int] = {}      # runs each font had from memory or disk
        self._fonts = fonts   # keeps the ids below from being reused
        if disabled():   # LAYOUT_NO_CACHE=1: every run worked out
            return
        for font in fonts:
            self._digests[id(font)] = font_digest(font)

    def _runs_of(self, font: PdfFont) -> dict | None:
        """The runs remembered for `font`, read from disk the first time a run of it is drawn (a
        rebuild whose pages are all replayed, `pdf._DrawnPage`, reads none); None when off."""
        runs = self._by_font.get(id(font))
        if runs is not None:
            return runs
        key = self._digests.get(id(font))
        if key is None:
            return None
        with _lock:
            runs = _runs.get(key)
            if runs is None:
                runs = _runs[key] = _read(key)
            _runs.move_to_end(key)
            while len(_runs) > KEEP_FONTS:
                _runs.popitem(last=False)
        self._by_font[id(font)] = runs
        self._sizes[id(font)] = len(runs)
        return runs

    def signature(self) -> tuple | None:
        """The document's fonts by content (`font_digest`, in order), which every run's codes depend
        on; None when nothing is remembered (`LAYOUT_NO_CACHE=1`)."""
        if disabled() or len(self._digests) != len(self._fonts):
            return None
        return tuple(self._digests[id(font)] for font in self._fonts)

    def save(self) -> None:
        """Store on disk the runs of each font that gained some since it was read."""
        for font in self._fonts:
            runs = self._by_font.get(id(font))
            if runs is not None and len(runs) != self._sizes[id(font)]:
                try:
                    snapshot = dict(runs)
                except RuntimeError:   # another document of this font is being drawn: it saves them
                    continue
                write_soon(_path(self._digests[id(font)]), snapshot, limit=DISK_BYTES)
                self._sizes[id(font)] = len(snapshot)

    def operators(self, text: str, xs, font: PdfFont, size: float, x0: float, y0: float,
                  make: Callable[..., str]) -> str:
        """`make(text, xs, font, size, x0, y0)`, remembered per font."""
        runs = self._runs_of(font)
        if runs is None:
            return make(text, xs, font, size, x0, y0)
        key = (text, tuple(xs), size, x0, y0)
        found = runs.get(key)
        if found is None:
            found = make(text, xs, font, size, x0, y0)
            if len(runs) >= KEEP_RUNS:
                runs.clear()
            runs[key] = found
        return found


def _path(digest: bytes) -> Path:
    return cache_root() / "pdftext" / f"{digest.hex()}-{TEXT_VERSION}.ops"


def _read(digest: bytes) -> dict:
    """The runs of a font stored by an earlier process; {} when there are none (or they are not
    whole and of this version: `memo.read_file`)."""
    runs = read_file(_path(digest))
    return runs if all(isinstance(k, tuple) and isinstance(v, str) for k, v in runs.items()) else {}


def forget() -> None:
    """Drop every remembered run (tests; `layout cache clear` in a long-running process)."""
    with _lock:
        _runs.clear()

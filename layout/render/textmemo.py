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
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Callable, Iterable

from layout.memo import disabled
from layout.render.pdffont import PdfFont

#: Fonts (by content) whose runs are remembered; the least recently used go first.
KEEP_FONTS = 8
#: Runs remembered per font at most (a 16-page broadsheet draws about 12,000 in all).
KEEP_RUNS = 100_000

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
        if disabled():   # LAYOUT_NO_CACHE=1: every run worked out
            return
        with _lock:
            for font in fonts:
                key = font_digest(font)
                runs = _runs.get(key)
                if runs is None:
                    runs = _runs[key] = {}
                _runs.move_to_end(key)
                self._by_font[id(font)] = runs
            while len(_runs) > KEEP_FONTS:
                _runs.popitem(last=False)
        self._fonts = fonts   # keeps the ids above from being reused

    def operators(self, text: str, xs, font: PdfFont, size: float, x0: float, y0: float,
                  make: Callable[..., str]) -> str:
        """`make(text, xs, font, size, x0, y0)`, remembered per font."""
        runs = self._by_font.get(id(font))
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


def forget() -> None:
    """Drop every remembered run (tests; `layout cache clear` in a long-running process)."""
    with _lock:
        _runs.clear()

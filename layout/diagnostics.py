"""Diagnostics: what the tool tells an editor about their input.

A `Diagnostic` is frozen data (severity, code, message, source position, hint).
Stages collect them in a `Report` and go on as far as they sensibly can; the
CLI prints them all and sets the exit status. Exceptions are for bugs only.

What a diagnostic quotes comes from the input (a key, a file name, the end of a
paragraph), so it may hold control characters: `printable` shows them as visible
escapes (`\x1b`) wherever a diagnostic is shown to a person, and `to_json_text`
keeps them as JSON escapes, so that no input ever drives the terminal.
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field, asdict
from typing import Iterable

ERROR = "error"
WARNING = "warning"
INFO = "info"
_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True, order=True)
class Source:
    """A place in an input file: 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    code: str
    message: str
    source: Source | None = None
    hint: str = ""

    def format(self) -> str:
        """One plain-text block: `file:line:col: severity[code]: message` plus the hint, every
        control character in them shown as an escape (`printable`)."""
        where = f"{printable(str(self.source))}: " if self.source else ""
        text = f"{where}{self.severity}[{self.code}]: {printable(self.message)}"
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text

    def to_json(self) -> dict:
        data = asdict(self)
        if self.source is not None:
            data["source"] = {"file": self.source.file, "line": self.source.line, "col": self.source.col}
        return data


@dataclass
class Report:
    """Collects diagnostics across stages (the one mutable object passed along)."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, severity: str, code: str, message: str, source: Source | None = None, hint: str = "") -> Diagnostic:
        diag = Diagnostic(severity, code, message, source, hint)
        if diag not in self.items:
            self.items.append(diag)
        return diag

    def error(self, code: str, message: str, source: Source | None = None, hint: str = "") -> Diagnostic:
        return self.add(ERROR, code, message, source, hint)

    def warning(self, code: str, message: str, source: Source | None = None, hint: str = "") -> Diagnostic:
        return self.add(WARNING, code, message, source, hint)

    def info(self, code: str, message: str, source: Source | None = None, hint: str = "") -> Diagnostic:
        return self.add(INFO, code, message, source, hint)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            if d not in self.items:
                self.items.append(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]

    @property
    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Errors first, then by file position."""
        return sorted(
            self.items,
            key=lambda d: (
                _SEVERITY_ORDER.get(d.severity, 9),
                d.source or Source(""),
                d.code,
            ),
        )


#: Characters never shown as they are: controls (Cc: ESC starts a terminal command), format
#: characters (Cf: bidi overrides reorder what is shown), lone surrogates (Cs: not even
#: printable as UTF-8) and the line and paragraph separators (Zl, Zp).
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _escape(ch: str) -> str:
    cp = ord(ch)
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def printable(text: str) -> str:
    """`text` as it may be shown on a terminal or a page: each control, format or separator
    character written as a visible escape (ESC as `\\x1b`, U+202E as `\\u202e`)."""
    if text.isprintable():
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _HIDDEN else ch for ch in text)


_NOT_ASCII = re.compile(r"[^\x00-\x7e]")


def to_json_text(data) -> str:
    """`data` as indented JSON, readable (Chinese as it is), with the characters `printable`
    escapes written as JSON escapes (\\u001b, \\u202e; astral ones as surrogate pairs), so that
    printing it drives no terminal and a lone surrogate cannot fail the write."""
    def escape(m: re.Match) -> str:
        ch = m.group()
        if unicodedata.category(ch) not in _HIDDEN:
            return ch
        units = ch.encode("utf-16-be", "surrogatepass")
        return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))

    return _NOT_ASCII.sub(escape, json.dumps(data, ensure_ascii=False, indent=2))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""

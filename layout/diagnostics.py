"""Diagnostics: what the tool tells an editor about their input.

A `Diagnostic` is frozen data (severity, code, message, source position, hint).
Stages collect them in a `Report` and go on as far as they sensibly can; the
CLI prints them all and sets the exit status. Exceptions are for bugs only.
"""
from __future__ import annotations

import difflib
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
        """One plain-text block: `file:line:col: severity[code]: message` plus the hint."""
        where = f"{self.source}: " if self.source else ""
        text = f"{where}{self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""

"""Reading the data-driven composer and normaliser cases in tests/text/cases/*.txt.

Takes: the text of a case file. Returns: `Case` values (name, fields, expected
lines, glyph assertions). The format is described in cases/README.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CASES_DIR = Path(__file__).parent / "cases"
_HEADER = re.compile(r"^--- (.+?) ---\s*$")
_BLOCK_KEYS = ("expect",)


@dataclass
class Case:
    file: str
    name: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    expect: list[str] = field(default_factory=list)
    glyphs: dict[int, str] = field(default_factory=dict)   # line number (1-based) -> "ch@x/adv ..."

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}:{self.name}"


def parse(text: str, file: str = "<string>") -> list[Case]:
    cases: list[Case] = []
    cur: Case | None = None
    block = None
    for no, raw in enumerate(text.splitlines(), 1):
        m = _HEADER.match(raw)
        if m:
            cur = Case(file, m.group(1), no)
            cases.append(cur)
            block = None
            continue
        if cur is None:
            continue                                  # file preamble
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        gm = re.match(r"^glyphs (\d+):\s*(.*)$", line)
        if gm:
            cur.glyphs[int(gm.group(1))] = gm.group(2).strip()
            block = None
            continue
        if block == "expect":
            cur.expect.append(line)
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or " " in key:
            raise ValueError(f"{file}:{no}: expected 'key: value', got {line!r}")
        if key in _BLOCK_KEYS:
            block = key
            if value.strip(" \t"):
                cur.expect.append(value.strip(" \t"))
        else:
            cur.fields[key] = value.strip(" \t")
    return cases


def load(pattern: str) -> list[Case]:
    out: list[Case] = []
    for path in sorted(CASES_DIR.glob(pattern)):
        out.extend(parse(path.read_text(encoding="utf-8"), str(path)))
    return out


def settings_fields(spec: str) -> dict[str, object]:
    """'indent=0 linebreak=gb' -> {'indent': 0.0, 'linebreak': 'gb'}."""
    out: dict[str, object] = {}
    for part in spec.split():
        k, _, v = part.partition("=")
        if k in ("indent",):
            out[k] = float(v)
        elif k in ("min_last_line", "tcy_max"):
            out[k] = int(v)
        elif k in ("vertical",):
            out[k] = v == "yes"
        else:
            out[k] = v
    return out

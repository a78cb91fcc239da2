"""The characters of an edition's text, checked once as the text is read.

Every text value of a manifest, article file or style goes through `check_value` as it is
loaded (`yamlsrc.parse_yaml` for YAML values, `load` for a Markdown body), so that no later
stage (layout, PDF, EPUB, the terminal) ever sees a character it cannot handle. One rule,
decided by Unicode data (`unicodedata`), not by lists of code points:

``line-break``   a line boundary other than a newline, as `str.splitlines` knows them
                 (U+000B, the line break Word writes; U+000C; U+0085; U+2028; U+2029; U+001C–1E):
                 in a body a paragraph break (layout has no line break inside a paragraph),
                 written as U+2029 so that line numbers stay right; in any other text a space.
                 A carriage return is a newline. Reported as `normalized` (info).
``invisible``    a format character (category Cf: zero-width space and joiners, word joiner,
                 bidi marks, embeddings, overrides and isolates, soft hyphen, BOM …) is removed:
                 the engine sets text left to right and would draw it as a box. `normalized`.
``control``      any other control character (Cc), a lone surrogate (Cs) or a noncharacter
                 (U+FFFE, U+FFFF, U+FDD0…): removed with a `control-character` warning. Such
                 text cannot be printed nor stored in the EPUB's XML.

And, for the texts of the manifest that are printed (`printed=True`): characters of a script
the engine does not set correctly are reported (`unshaped-script` warning, naming the script,
the key and its line). The engine places one glyph per character, left to right, without
shaping; the scripts it sets right are those of `SET_SCRIPTS`, the script of a character comes
from the Unicode Character Database through fontTools (already a dependency, kept in step with
Unicode releases, which the standard library's `unicodedata` has no script property for).

A YAML file cannot hold a raw control character at all (YAML refuses it): `reader_problem`
finds them for a located `control-character` error instead of PyYAML's unlocated one.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from fontTools import unicodedata as ucd
from yaml.reader import Reader as _YamlReader

from layout.diagnostics import Report, Source

#: What a body paragraph break is written as after loading (the model's body parser splits there).
PARAGRAPH_BREAK = "\u2029"

#: Scripts the engine sets correctly character by character, left to right (ISO 15924 codes):
#: Chinese and what a Chinese paper quotes without shaping. Common (punctuation, digits, symbols),
#: Inherited (combining marks) and Unknown (unassigned: the font check reports those) are not
#: scripts of their own here.
SET_SCRIPTS = frozenset({"Hani", "Bopo", "Hira", "Kana", "Hang", "Latn", "Grek", "Cyrl",
                         "Zyyy", "Zinh", "Zzzz"})


#: A fast path, not a rule: characters of everyday Chinese and ASCII text, which the rule leaves
#: alone and whose scripts are set (tests/test_hostile_text.py checks every one of them against
#: the rule). Only the characters left after taking these out are looked up.
_EVERYDAY = re.compile("[\t\n\x20-\x7e\u00b7\u2010-\u2027\u2030-\u205e\u3000-\u303f\u4e00-\u9fff\uff01-\uff60]+")


def _unusual(text: str) -> set[str]:
    """The characters of `text` outside `_EVERYDAY`."""
    return set(_EVERYDAY.sub("", text))


@dataclass(frozen=True)
class Finding:
    """One kind of character found in a text: its first offset (in the input) and how often."""

    char: str
    offset: int
    count: int
    rule: str        # line-break | invisible | control


@lru_cache(maxsize=4096)
def _rule(ch: str) -> str | None:
    """What the load rule does with this character (None: nothing)."""
    if ch in "\t\n":
        return None
    if len(f"a{ch}b".splitlines()) == 2:
        return "line-break"
    category = unicodedata.category(ch)
    if category == "Cf":
        return "invisible"
    cp = ord(ch)
    if category in ("Cc", "Cs") or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE:
        return "control"
    return None


def clean(text: str, body: bool) -> tuple[str, tuple[Finding, ...]]:
    """One text value -> (the text as the edition uses it, what was changed); `body` for an
    article's body (line breaks become paragraph breaks, not spaces)."""
    flagged = [ch for ch in _unusual(text) if _rule(ch)]
    if not flagged:
        return text, ()
    findings = []
    out = text
    for ch in sorted(flagged):
        rule = _rule(ch)
        if ch == "\r":
            out = out.replace("\r\n", "\n").replace("\r", "\n")   # a newline, as in every other text
            continue
        if ch == PARAGRAPH_BREAK and body:
            continue                        # already what a body's paragraph break is
        findings.append(Finding(ch, text.index(ch), text.count(ch), rule))
        if rule == "line-break":
            out = out.replace(ch, PARAGRAPH_BREAK if body else " ")
        else:
            out = out.replace(ch, "")
    findings.sort(key=lambda f: f.offset)
    return out, tuple(findings)


@lru_cache(maxsize=8192)
def _script(ch: str) -> str:
    return ucd.script(ch)


def unshaped(text: str) -> list[tuple[str, int, int]]:
    """The scripts of `text` the engine does not set: [(ISO 15924 code, first offset, count)]."""
    scripts: dict[str, list[str]] = {}
    for ch in _unusual(text):
        code = _script(ch)
        if code not in SET_SCRIPTS:
            scripts.setdefault(code, []).append(ch)
    out = []
    for code, chars in scripts.items():
        first = min(text.index(ch) for ch in chars)
        out.append((code, first, sum(text.count(ch) for ch in chars)))
    return sorted(out, key=lambda s: s[1])


def describe(ch: str) -> str:
    """'U+200B ZERO WIDTH SPACE', or 'U+001B' for a character Unicode gives no name."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def _what_kind(ch: str) -> str:
    category = unicodedata.category(ch)
    return ("a control character" if category == "Cc" else "half a surrogate pair" if category == "Cs"
            else "a noncharacter")


def _times(count: int) -> str:
    return f" ({count:,} times)" if count > 1 else ""


def check_value(text: str, what: str, body: bool, locate: Callable[[str, int], Source | None], report: Report,
                printed: bool = False) -> str:
    """Clean one text value of the edition and report what was done, each at `locate(text, offset)`
    (`locate_in` makes one); `what` names the value for the editor ('articles.flood-drill.body').
    Returns the cleaned text."""
    cleaned, findings = clean(text, body)
    for f in findings:
        where = locate(text, f.offset)
        if f.rule == "line-break":
            into = "a paragraph break (layout has no line break inside a paragraph)" if body else "a space"
            report.info("normalized", f"{describe(f.char)} (a line break) -> {into} in {what}{_times(f.count)}",
                        where)
        elif f.rule == "invisible":
            report.info("normalized", f"{describe(f.char)} removed from {what}{_times(f.count)}: an invisible "
                        "format character, which would print as a box", where)
        else:
            report.warning("control-character", f"{describe(f.char)} removed from {what}{_times(f.count)}: "
                           f"{_what_kind(f.char)} cannot be printed", where,
                           "the text was damaged on its way here: compare it with the original")
    if printed:
        for code, offset, count in unshaped(cleaned):
            name = ucd.script_name(code, code)
            rtl = ucd.script_horizontal_direction(code, "LTR") == "RTL"
            how = "unjoined and left to right" if rtl else "letter by letter, without the shaping it needs"
            report.warning("unshaped-script", f"{what} has {name} text ({count:,} characters), which layout does "
                           f"not shape: in the PDF it prints {how}", locate(text, _input_offset(text, cleaned, offset)),
                           "check the printed page, or set that text as a picture; the EPUB is fine (e-readers "
                           "shape it)")
    return cleaned


def _input_offset(text: str, cleaned: str, offset: int) -> int:
    """The offset in `text` of the character at `offset` in its cleaned form (the same character,
    as often before it)."""
    if text is cleaned:
        return offset
    ch = cleaned[offset]
    nth = cleaned.count(ch, 0, offset)
    pos = -1
    for _ in range(nth + 1):
        pos = text.find(ch, pos + 1)
    return max(pos, 0)


def locate_in(raw: str, start: int, end: int, file: str, line_offset: int, fallback: Source | None
              ) -> Callable[[str, int], Source | None]:
    """For a value read from raw[start:end] of a file: (value, offset) -> the file position of
    the character value[offset], found as the same character as often before it in the raw text;
    `fallback` (the value's start) when the raw text writes it otherwise (a YAML escape, \\v)."""
    def locate(value: str, offset: int) -> Source | None:
        ch = value[offset]
        nth = value.count(ch, 0, offset)
        pos = start - 1
        for _ in range(nth + 1):
            pos = raw.find(ch, pos + 1, end)
            if pos < 0:
                return fallback
        return position(raw, pos, file, line_offset)
    return locate


def character_source(where: Source | None, ch: str) -> Source | None:
    """The line and column of `ch` in the file `where` names, first looked for from `where`'s line on
    (the text a diagnostic is about starts there), then from the file's top; `where` itself when the
    file cannot be read or does not write the character as such (a YAML escape)."""
    if where is None or not where.line:
        return where
    try:
        stat = os.stat(where.file)
        lines = _lines_of(where.file, stat.st_size, stat.st_mtime_ns)
    except (OSError, UnicodeError, ValueError):
        return where
    for number in [*range(where.line, len(lines) + 1), *range(1, where.line)]:
        col = lines[number - 1].find(ch)
        if col >= 0:
            return Source(where.file, number, col + 1)
    return where


@lru_cache(maxsize=4)
def _lines_of(file: str, size: int, mtime: int) -> tuple[str, ...]:
    """A file's lines, read once while it stays the same size and age (many paragraphs of one file
    may each hold a character no face has)."""
    with open(file, encoding="utf-8-sig") as f:
        return tuple(f.read().split("\n"))


def position(raw: str, index: int, file: str, line_offset: int = 0) -> Source:
    """The 1-based line and column of raw[index]."""
    line_start = raw.rfind("\n", 0, index) + 1
    return Source(file, raw.count("\n", 0, index) + 1 + line_offset, index - line_start + 1)


def reader_problem(raw: str, file: str, line_offset: int, report: Report) -> bool:
    """Report each character YAML refuses to read (raw control characters) as a located
    `control-character` error; False when there is none (the YAML error is another one)."""
    found: dict[str, list[int]] = {}
    for m in _YamlReader.NON_PRINTABLE.finditer(raw):
        found.setdefault(m.group(), []).append(m.start())
    for ch, places in sorted(found.items(), key=lambda kv: kv[1][0]):
        kind = "a line break from a word processor" if _rule(ch) == "line-break" else _what_kind(ch)
        report.error("control-character", f"{describe(ch)} ({kind}) cannot stand in a YAML file{_times(len(places))}",
                     position(raw, places[0], file, line_offset),
                     "delete it; a line break in a body is a new line in a '|' block (a blank line for a new "
                     "paragraph), or write the body in a Markdown article file")
    return bool(found)

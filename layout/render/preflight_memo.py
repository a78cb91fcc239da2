"""Content streams parsed before: a page whose content did not change is not parsed again.

Takes: a content stream (a page, whose /Contents may be an array, or a form XObject) and the
operators the preflight walk reads. Returns: its instructions, as `pikepdf.parse_content_stream`
gives them, from memory when a stream with the same stored bytes was parsed for the same
operators before in this process (a rebuild's preflight: most pages are the pages of the build
before).

Parsing is a pure function of the stream's decoded bytes, which are a pure function of its stored
bytes, /Filter and /DecodeParms: these are the key (a digest). What is remembered is plain data:
each instruction's operator and operands, names kept as names, numbers as numbers, and the
operands the walk never reads (strings and arrays of text shown) as None, so nothing of the
closed PDF is held. A stream with an inline image is parsed every time (its image is an object
of the PDF). Off with `LAYOUT_NO_CACHE=1`.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import NamedTuple

import pikepdf
from pikepdf import Name

from layout.memo import disabled
from layout.util import LockedLRU

#: Streams remembered (the least recently used go first): the pages of a few editions.
KEEP_STREAMS = 256

_parsed = LockedLRU(KEEP_STREAMS)


class Instruction(NamedTuple):
    """One instruction as the walk reads it (`operands`, `operator`, as pikepdf's)."""

    operands: tuple
    operator: str


def instructions(obj, operators: str):
    """`pikepdf.parse_content_stream(obj, operators)`, remembered by the stream's stored bytes."""
    key = None if disabled() else stream_digest(obj, operators)
    if key is None:
        return pikepdf.parse_content_stream(obj, operators)
    found = _parsed.get(key)
    if found is not None:
        return found
    parsed = pikepdf.parse_content_stream(obj, operators)
    plain = []
    for ins in parsed:
        op = str(ins.operator)
        if op == "INLINE IMAGE":
            return parsed
        plain.append(Instruction(tuple(map(_plain, ins.operands)), op))
    found = tuple(plain)
    _parsed.put(key, found)
    return found


def _plain(operand):
    if isinstance(operand, (int, float, Decimal)):
        return operand
    if isinstance(operand, Name):
        return Name(str(operand))
    return None   # a string or array of text shown: the walk reads the operator only


def stream_digest(obj, operators: str) -> bytes | None:
    """A digest of a content stream's stored bytes and how they are encoded (`obj`: a stream, or a
    page whose /Contents is one or an array of them), with `operators`; None when they cannot be
    read (the parser then reports the damage)."""
    h = hashlib.blake2b(operators.encode(), digest_size=20)
    try:
        if isinstance(obj, pikepdf.Stream):
            parts = [obj]
        else:
            contents = obj.get("/Contents")
            parts = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
        for part in parts:
            if not isinstance(part, pikepdf.Stream):
                return None
            h.update(repr((str(part.get("/Filter")), str(part.get("/DecodeParms")))).encode())
            raw = part.read_raw_bytes()
            h.update(len(raw).to_bytes(8, "little"))
            h.update(raw)
    except (pikepdf.PdfError, TypeError, ValueError):
        return None
    return h.digest()


def forget() -> None:
    _parsed.clear()

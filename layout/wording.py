"""Wording of counts in messages: `counted(1, "line")` -> "1 line", `counted(3, "line")` -> "3 lines"."""
from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for exactly one, else plural (`singular + "s"` unless given);
    thousands separated: counted(1200, "character") -> "1,200 characters"."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"

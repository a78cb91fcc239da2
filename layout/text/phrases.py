"""Where a headline may break: words and phrases of Chinese display text.

`break_costs(text)` takes a headline (or deck, or 插题) as one string and
returns, for every position k (a break before `text[k]`), how good a line
break there is: a cost in em² (0 best) or None where a break would fall
inside a word. `inside_word_breaks(lines)` takes the lines a headline was
set in and returns the indices i whose break (between lines[i] and
lines[i+1]) falls inside a word: the make-up self-check calls it.

Words come from jieba's dictionary and algorithm through rjieba (the Rust
port, jieba-rs, with the dictionary compiled into the wheel: it loads in
about 0.1 s where the Python jieba takes 0.6 s). It is imported only when a
headline needs breaking. On top of the words:

* a number and the unit or classifier after it are one word (`3200个`,
  `5号线`, `2026年`), and so are `第` and its number (`第3届`), a word and
  a one-character classifier or suffix after it (`东湖段`), and a date or a
  time of day (`12月20日`, `2026年12月`, `3时30分`: a calendar or clock unit
  between two numbers);
* a space the editor typed is a phrase gap: the best break (0);
* after `，、：；。！？` and closing brackets, or before an opening one: 1;
* a phrase boundary between words: before a number (`岗位／3200个`), or
  between a noun and the verb after it (`招聘会／提供`): 6;
* any other boundary between words: 12, and up to 8 more beside a
  one-character word, as such words mostly belong to a neighbour: a
  classifier, particle or suffix to the word before (`东湖段`, `的`), a
  preposition to the word after (`在`).
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Sequence

COST_SPACE = 0.0
COST_PUNCT = 1.0
COST_PHRASE = 6.0
COST_WORD = 12.0
COST_SINGLE = 8.0
#: a unit or classifier after a number is at most this many characters (`个`, `号线`, `系列`)
_UNIT_CHARS = 2
_OPENING = frozenset("（([［【〔〖「『“‘《〈｛{")
_NOUNISH = ("n", "r", "s", "t", "j", "l", "f")
#: parts of speech of one-character words that lean on the word before / after them
_LEANS_LEFT = ("q", "u", "k", "f", "y")
_LEANS_RIGHT = ("p", "d", "c")


@lru_cache(maxsize=1)
def _segmenter():
    """rjieba, imported and its dictionary loaded on first use (the dictionary is built into the
    module). When memory runs out there, Rust panics: its own message to the process's stderr is
    caught here, and the panic (not an Exception in Python) becomes a MemoryError that the command
    reports in one plain line."""
    import os
    import tempfile

    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            import rjieba

            rjieba.tag("中文")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException
            raise MemoryError("the word segmenter (rjieba) could not load its dictionary") from exc
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return rjieba


def words(text: str) -> list[tuple[str, str]]:
    """text -> [(word, part of speech)] in order, covering the text (spaces are words of their own)."""
    if not text:
        return []
    return [(w, t) for w, t in _segmenter().tag(text)]


def _is_number(word: str) -> bool:
    return any(unicodedata.category(ch) == "Nd" for ch in word)


def _is_han(ch: str) -> bool:
    return unicodedata.category(ch) == "Lo"


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def _glued(left: str, right: str, right_tag: str) -> bool:
    """Whether two neighbouring words are one unit on a line: a number and its unit, 第 and its number,
    a word and the one-character classifier or suffix that ends it (`东湖段`, `号线`)."""
    if _is_number(left) and right and _is_han(right[0]) and len(right) <= _UNIT_CHARS:
        return True
    if len(right) == 1 and _is_han(right) and _is_han(left[-1]) and right_tag in ("q", "k"):
        return True
    return left.endswith("第") and _is_number(right)


#: Calendar and clock units: between two numbers they hold a date or a time of day together.
_DATE_UNITS = frozenset("年月日号时点分")


def _inside_date(before: str, word: str, nxt: str) -> bool:
    """Whether a break between `word` and `nxt` splits a date or time (`12月／20日`, `3时／30分`): a
    number, then a calendar or clock unit, then another number."""
    return _is_number(before) and word[-1:] in _DATE_UNITS and word[:1] in _DATE_UNITS and _is_number(nxt)


def _single_penalty(word: str, tag: str, nxt: str, nxt_tag: str) -> float:
    """Extra cost of a break beside a one-character word: in full before a classifier, particle,
    suffix or locative (`东湖段`, `的`, `中`), which belong to the word before, and after a
    preposition, adverb or conjunction (`在`, `再`, `和`), which belong to the word after; half else."""
    penalty = 0.0
    if len(nxt) == 1 and _is_han(nxt):
        penalty = COST_SINGLE if nxt_tag.startswith(_LEANS_LEFT) else COST_SINGLE / 2
    if len(word) == 1 and _is_han(word):
        penalty = max(penalty, COST_SINGLE if tag.startswith(_LEANS_RIGHT) else COST_SINGLE / 2)
    return penalty


@lru_cache(maxsize=4096)
def break_costs(text: str) -> tuple[float | None, ...]:
    """Cost of a line break before each position of `text` (see the module docstring).

    Returns len(text) + 1 entries; the first and last (the text's ends) are 0.
    """
    n = len(text)
    costs: list[float | None] = [None] * (n + 1)
    costs[0] = costs[n] = 0.0
    tagged = words(text)
    pos = 0
    for k, (word, tag) in enumerate(tagged):
        pos += len(word)
        if k + 1 >= len(tagged):
            break
        nxt, nxt_tag = tagged[k + 1]
        if word.isspace() or nxt.isspace():
            costs[pos] = COST_SPACE
        elif _is_punct(word[-1]) and word[-1] not in _OPENING or nxt[0] in _OPENING:
            costs[pos] = COST_PUNCT
        elif _is_punct(word[-1]) or _is_punct(nxt[0]):
            costs[pos] = None            # after an opening or before a closing mark: the composer forbids it
        elif _glued(word, nxt, nxt_tag) or (k > 0 and _inside_date(tagged[k - 1][0], word, nxt)):
            costs[pos] = None
        elif (_is_number(nxt) and not word.endswith("第")) or \
                (tag.startswith(_NOUNISH) and nxt_tag.startswith("v") and nxt_tag != "vn"):
            costs[pos] = COST_PHRASE
        else:
            costs[pos] = COST_WORD + _single_penalty(word, tag, nxt, nxt_tag)
    return tuple(costs)


def inside_word_breaks(lines: Sequence[str]) -> list[int]:
    """Indices i where the break between lines[i] and lines[i+1] falls inside a word.

    `lines` are the texts of one headline's lines as printed (the spaces a break
    dropped are not there); the lines are read together as one text and
    segmented as `break_costs` does, so a number and its unit count as one word.
    A break the editor asked for (a newline or `|` in the headline) is not the
    composer's: pass the lines of each part between such breaks on their own
    (`StorySetter.deck_parts` composes them that way).
    """
    texts = [line.strip() for line in lines]
    costs = break_costs("".join(texts))
    out = []
    pos = 0
    for i, line in enumerate(texts[:-1]):
        pos += len(line)
        if line and texts[i + 1] and costs[pos] is None:
            out.append(i)
    return out

"""Input normalisation of Chinese text pasted from other systems (TYPOGRAPHY §5).

Takes: a paragraph's text (paragraph breaks — a blank line — are kept as they
are) and its language. Returns: the normalised text and the tuple of
`Change`s made, each with its offset in the *input*, so `check` can list
them. `normalize_runs` does the same across the runs of a paragraph and
returns new runs.

Rules, applied in this order (the rule name is the `Change.rule`):

``ellipsis``       ``...`` (three or more dots) or a lone ``…`` in Chinese context -> ``……``
``dash``           ``--`` (two or three hyphens) in Chinese context -> ``——``
``quotes``         straight quotes in Chinese context -> “ ” ‘ ’, paired in order
                   (zh-TW/zh-HK: 「 」 『 』, the regional form, clreq §3.1 punctuation;
                   there “ ” ‘ ’ in Chinese context become 「 」 『 』 too)
``fullwidth``      ``, . ; : ? ! ( )`` between or beside Chinese -> ，。；：？！（ ）;
                   a bracket converts with its partner
``space-han``      spaces between Chinese characters/marks removed (line-wrap residue);
                   with ``phrase_spaces=True`` (headlines) a space between Chinese
                   words is kept as a phrase separator (``phrase-space``: a run of
                   spaces becomes one) and only line-wrap newlines go
``space-han-latin`` spaces between Chinese and Latin/digits removed (the composer
                   supplies the ¼ em of clreq §6.3.3 [§3.2])
``wrap-newline``   a line-wrap newline between Latin words -> one space
``trim``           spaces (and U+3000 indents) at the start and end of the text removed

"Chinese" here is a Han character or a Chinese punctuation mark (`classes.py`);
"beside" looks past spaces. Left alone: decimal points, thousands separators
and times (``3.5``, ``5,999``, ``10:30``), a dot before a letter (``百度.com``),
URLs and e-mail addresses, and Latin text with no Chinese next to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from layout.text.classes import CJK_PUNCT, CharClass, class_code, is_han

_CJK_CLASSES = frozenset(int(c) for c in CJK_PUNCT) | {int(CharClass.IDSP)}


@dataclass(frozen=True)
class Change:
    offset: int      # offset in the input text where `before` starts
    before: str
    after: str
    rule: str


def is_chinese(ch: str) -> bool:
    """A Han character or a Chinese (full-width) punctuation mark."""
    if not ch:
        return False
    if is_han(ch):
        return True
    c = class_code(ch)
    if c in _CJK_CLASSES:
        return True
    return c == CharClass.HAN and not ch.isascii()


def _latinish(ch: str) -> bool:
    """A Latin letter, a digit, or a currency/percent sign that sticks to a number."""
    if not ch:
        return False
    c = class_code(ch)
    return c in (CharClass.LATIN, CharClass.DIGIT, CharClass.PREFIX, CharClass.POSTFIX)


_URL = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]+"
                  r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SPACES = " \t\r\n\u00a0"


class _Text:
    """Text under edit, with the input offset of every character."""

    def __init__(self, text: str):
        self.text = text
        self.src = list(range(len(text)))
        self.changes: list[Change] = []
        self.protected = [False] * len(text)
        for m in _URL.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in ".,;:!?)":
                end -= 1
            for i in range(m.start(), end):
                self.protected[i] = True

    def apply(self, edits: list[tuple[int, int, str, str]]) -> None:
        """Replace text[start:end] by `after` for each (start, end, after, rule), edits in order."""
        if not edits:
            return
        text, src, prot = self.text, self.src, self.protected
        out, osrc, oprot = [], [], []
        pos = 0
        for start, end, after, rule in sorted(edits):
            out.append(text[pos:start])
            osrc.extend(src[pos:start])
            oprot.extend(prot[pos:start])
            anchor = src[start] if start < len(src) else (src[-1] + 1 if src else 0)
            self.changes.append(Change(anchor, text[start:end], after, rule))
            out.append(after)
            osrc.extend([anchor] * len(after))
            oprot.extend([False] * len(after))
            pos = end
        out.append(text[pos:])
        osrc.extend(src[pos:])
        oprot.extend(prot[pos:])
        self.text = "".join(out)
        self.src = osrc
        self.protected = oprot

    def prev_char(self, i: int) -> str:
        """The nearest non-space character before i ('' at the start or across a paragraph break)."""
        t = self.text
        i -= 1
        newlines = 0
        while i >= 0 and t[i] in _SPACES:
            newlines += t[i] == "\n"
            i -= 1
        return t[i] if i >= 0 and newlines < 2 else ""

    def next_char(self, i: int) -> str:
        """The nearest non-space character at or after i ('' at the end or across a paragraph break)."""
        t = self.text
        newlines = 0
        while i < len(t) and t[i] in _SPACES:
            newlines += t[i] == "\n"
            i += 1
        return t[i] if i < len(t) and newlines < 2 else ""

    def chinese_context(self, start: int, end: int) -> bool:
        return is_chinese(self.prev_char(start)) or is_chinese(self.next_char(end))


def _ellipsis(t: _Text) -> None:
    edits = []
    for m in re.finditer(r"\.{3,}|…+", t.text):
        s, e = m.start(), m.end()
        if m.group() == "……" or len(m.group()) > 1 and m.group()[0] == "…" or t.protected[s]:
            continue
        if t.chinese_context(s, e):
            edits.append((s, e, "……", "ellipsis"))
    t.apply(edits)


def _dash(t: _Text) -> None:
    edits = []
    for m in re.finditer(r"(?<!-)-{2,3}(?!-)", t.text):
        s, e = m.start(), m.end()
        if not t.protected[s] and t.chinese_context(s, e):
            edits.append((s, e, "——", "dash"))
    t.apply(edits)


def _quotes(t: _Text, lang: str) -> None:
    if lang in ("zh-TW", "zh-HK"):
        double, single = "「」", "『』"
    else:
        double, single = "“”", "‘’"
    text = t.text
    edits = []
    dq = [m.start() for m in re.finditer('"', text) if not t.protected[m.start()]]
    sq = [i for i in (m.start() for m in re.finditer("'", text)) if not t.protected[i]
          and not (i > 0 and _ascii_alnum(text[i - 1]) and i + 1 < len(text) and _ascii_alnum(text[i + 1]))]
    # pair in order; an odd double quote left over opens or closes by what follows it
    for positions, pair, lone in ((dq, double, True), (sq, single, False)):
        k = 0
        while k + 1 < len(positions):
            p, q = positions[k], positions[k + 1]
            if "\n\n" in text[p:q]:
                k += 1
                continue
            inner = text[p + 1:q]
            if any(is_chinese(ch) for ch in inner) or t.chinese_context(p, q + 1):
                edits.append((p, p + 1, pair[0], "quotes"))
                edits.append((q, q + 1, pair[1], "quotes"))
            k += 2
        if lone and k < len(positions):
            p = positions[k]
            if t.chinese_context(p, p + 1):
                after = text[p + 1] if p + 1 < len(text) else ""
                closing = after == "" or after in _SPACES or class_code(after) in (
                    CharClass.CLOSE, CharClass.STOP, CharClass.PAUSE) or after in ",.;:?!)"
                edits.append((p, p + 1, pair[1] if closing else pair[0], "quotes"))
    if lang in ("zh-TW", "zh-HK"):   # curly quotes pasted from mainland copy: the regional corner brackets
        edits += _regional_quotes(t)
    t.apply(edits)


def _regional_quotes(t: _Text) -> list:
    """Edits turning “ ” ‘ ’ into 「 」 『 』: a pair when it holds Chinese or stands in Chinese context (as
    straight quotes pair), a lone mark in Chinese context; an apostrophe inside a Latin word stays."""
    text = t.text
    edits, open_at = [], {"“": [], "‘": []}
    partner = {"”": "“", "’": "‘"}
    for m in re.finditer("[“”‘’]", text):
        i, mark = m.start(), m.group()
        if t.protected[i] or (0 < i < len(text) - 1 and _ascii_alnum(text[i - 1]) and _ascii_alnum(text[i + 1])):
            continue
        if mark in open_at:
            open_at[mark].append(i)
        elif open_at[partner[mark]]:
            p = open_at[partner[mark]].pop()
            if any(is_chinese(ch) for ch in text[p + 1:i]) or t.chinese_context(p, i + 1):
                edits += [(p, p + 1, _REGIONAL_QUOTES[text[p]], "quotes"), (i, i + 1, _REGIONAL_QUOTES[mark], "quotes")]
        elif t.chinese_context(i, i + 1):
            edits.append((i, i + 1, _REGIONAL_QUOTES[mark], "quotes"))
    for lone in open_at.values():
        edits += [(p, p + 1, _REGIONAL_QUOTES[text[p]], "quotes") for p in lone if t.chinese_context(p, p + 1)]
    return edits


_REGIONAL_QUOTES = {"“": "「", "”": "」", "‘": "『", "’": "』"}


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_FULLWIDTH = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


_FULLWIDTH_RUN = re.compile("[" + re.escape("".join(_FULLWIDTH)) + "]+")


def _fullwidth(t: _Text) -> None:
    text = t.text
    n = len(text)
    protected = t.protected
    convert: set[int] = set()
    for m in _FULLWIDTH_RUN.finditer(text):   # runs of ASCII punctuation, split where protected
        k, end = m.start(), m.end()
        while k < end:
            if protected[k]:
                k += 1
                continue
            i = k
            while k < end and not protected[k]:
                k += 1
            if not t.chinese_context(i, k):
                continue
            for q in range(i, k):
                ch = text[q]
                before = text[q - 1] if q > 0 else ""
                after = text[q + 1] if q + 1 < n else ""
                if ch in ".,:" and before.isdigit() and after.isdigit():
                    continue                  # 3.5, 5,999, 10:30
                if ch == "." and after.isascii() and after.isalpha():
                    continue                  # 百度.com, a.m.
                convert.add(q)
    # a bracket converts with its partner
    stack = []
    for m in re.finditer("[()]", text):
        k = m.start()
        if protected[k]:
            continue
        if text[k] == "(":
            stack.append(k)
        elif stack:
            o = stack.pop()
            if o in convert or k in convert:
                convert.update((o, k))
    t.apply([(k, k + 1, _FULLWIDTH[text[k]], "fullwidth") for k in sorted(convert)])


def _spaces(t: _Text, phrase_spaces: bool = False) -> None:
    text = t.text
    edits = []
    for m in re.finditer(r"[ \t\r\n\u00a0\u3000]+", text):
        s, e = m.start(), m.end()
        run = m.group()
        if s == 0 or e == len(text):
            edits.append((s, e, "", "trim"))
            continue
        if "\u3000" in run or (t.protected[s - 1] and t.protected[e]):
            continue
        if run.count("\n") >= 2:
            continue                          # a paragraph break
        left, right = text[s - 1], text[e]
        lc, rc = is_chinese(left), is_chinese(right)
        if lc and rc:
            if phrase_spaces and "\n" not in run:
                if run != " ":
                    edits.append((s, e, " ", "phrase-space"))
                continue                      # a headline's phrase separator (`再学习 谋发展`)
            edits.append((s, e, "", "space-han"))
        elif (lc and _latinish(right)) or (rc and _latinish(left)):
            edits.append((s, e, "", "space-han-latin"))
        elif "\n" in run and not lc and not rc and run != " ":
            edits.append((s, e, " ", "wrap-newline"))
    t.apply(edits)


def normalize(text: str, lang: str = "zh-CN", *, phrase_spaces: bool = False) -> tuple[str, tuple[Change, ...]]:
    """Normalise pasted Chinese text (TYPOGRAPHY §5); returns (text, changes with input offsets).

    `phrase_spaces=True` is for headlines and other display lines, where a space between Chinese
    words separates phrases (`再学习 谋发展 明方向`): such a space is kept (a run of spaces becomes
    one), while line-wrap newlines are still removed.
    """
    t = _Text(text)
    _ellipsis(t)
    _dash(t)
    _quotes(t, lang)
    _fullwidth(t)
    _spaces(t, phrase_spaces)
    return t.text, tuple(sorted(t.changes, key=lambda c: c.offset))


def normalize_runs(runs: Sequence, lang: str = "zh-CN", *,
                   phrase_spaces: bool = False) -> tuple[tuple, tuple[Change, ...]]:
    """Normalise a paragraph given as runs (context crosses run boundaries); returns (runs, changes).

    A replacement takes the style of the run its first input character was in; runs left empty
    are dropped. Offsets in the changes are in the concatenated text of the input runs.
    """
    from layout.text.model import Run

    texts = [r.text for r in runs]
    t = _Text("".join(texts))
    _ellipsis(t)
    _dash(t)
    _quotes(t, lang)
    _fullwidth(t)
    _spaces(t, phrase_spaces)
    owner = []
    for idx, s in enumerate(texts):
        owner.extend([idx] * len(s))
    out: list = []
    buf: list[str] = []
    cur = None
    for ch, src in zip(t.text, t.src):
        r = owner[src] if src < len(owner) else len(runs) - 1
        if r != cur and buf:
            out.append(Run("".join(buf), runs[cur].style))
            buf = []
        cur = r
        buf.append(ch)
    if buf:
        out.append(Run("".join(buf), runs[cur].style))
    return tuple(out), tuple(sorted(t.changes, key=lambda c: c.offset))

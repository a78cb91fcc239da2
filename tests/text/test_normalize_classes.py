"""Tests of the character tables and of normalisation beyond the case file: change records,
offsets, idempotence, and normalising a paragraph given as several runs.

Takes: literal strings. Asserts: the tables hold exactly the TYPOGRAPHY §1 lists per level,
classification of representative characters, and that `normalize`/`normalize_runs` report
what they change with offsets into their input.
"""
from __future__ import annotations

import pytest

from layout.text import Change, Run, normalize, normalize_runs
from layout.text.classes import LEVELS, NO_END, NO_START, CharClass, classify
from layout.text.testing import style

# TYPOGRAPHY.md §1, verbatim
BASIC_NO_START = "、，。．；：？！‼⁇" "”’」』）〕］｝》〉】〗" "～–-" "·‧・"
BASIC_NO_END = "“‘「『（〔［｛《〈【〖"


def test_prohibition_tables_follow_typography_levels() -> None:
    assert LEVELS == ("none", "basic", "gb", "strict")
    assert not NO_START["none"] and not NO_END["none"]
    for level in ("basic", "gb", "strict"):
        assert set(BASIC_NO_START) <= NO_START[level]
        assert set(BASIC_NO_END) <= NO_END[level]
    assert "／" not in NO_END["basic"] and "／" in NO_END["gb"] and "／" in NO_END["strict"]
    for ch in "⸺—…⋯":
        assert ch in NO_START["strict"] and ch not in NO_START["gb"]
    # no Han, letter or digit is ever prohibited
    for level in LEVELS:
        assert not any(ch.isalnum() for ch in NO_START[level] | NO_END[level])


@pytest.mark.parametrize("ch, cls", [
    ("中", CharClass.HAN), ("〇", CharClass.HAN), ("あ", CharClass.HAN), ("Ａ", CharClass.HAN),
    ("“", CharClass.OPEN), ("（", CharClass.OPEN), ("《", CharClass.OPEN),
    ("”", CharClass.CLOSE), ("）", CharClass.CLOSE), ("」", CharClass.CLOSE),
    ("。", CharClass.STOP), ("？", CharClass.STOP), ("！", CharClass.STOP),
    ("，", CharClass.PAUSE), ("、", CharClass.PAUSE), ("；", CharClass.PAUSE), ("：", CharClass.PAUSE),
    ("·", CharClass.MIDDOT), ("—", CharClass.DASH), ("⸺", CharClass.DASH), ("…", CharClass.ELLIPSIS),
    ("a", CharClass.LATIN), ("é", CharClass.LATIN), ("Ω", CharClass.LATIN), ("7", CharClass.DIGIT),
    (" ", CharClass.SPACE), ("\u00a0", CharClass.SPACE), ("\u3000", CharClass.IDSP),
    ("～", CharClass.CONNECTOR), ("／", CharClass.SOLIDUS), ("%", CharClass.POSTFIX), ("℃", CharClass.POSTFIX),
    ("¥", CharClass.PREFIX), (".", CharClass.LATIN_PUNCT), ("\u0301", CharClass.COMBINING),
    ("😀", CharClass.OTHER),
])
def test_classify(ch: str, cls: CharClass) -> None:
    assert classify(ch) == cls


def test_changes_point_into_the_input() -> None:
    text = "本报讯 3月28日,郑州(扩大)会议...他说:\"好\"--完"
    out, changes = normalize(text)
    assert out == "本报讯3月28日，郑州（扩大）会议……他说：“好”——完"
    assert all(isinstance(c, Change) for c in changes)
    assert [c.offset for c in changes] == sorted(c.offset for c in changes)
    for c in changes:
        assert text[c.offset:c.offset + len(c.before)] == c.before
        assert c.rule in {"fullwidth", "quotes", "ellipsis", "dash", "space-han", "space-han-latin",
                          "wrap-newline", "trim"}


@pytest.mark.parametrize("text", [
    "中文,中文.", "他说:\"你好\"", "(扩大)内需", "等等...", "中 文 English 中文", "时间:10:30",
    "本报讯 3月28日,郑州", "He said, \"hi\".",
])
def test_normalize_is_idempotent(text: str) -> None:
    once, _ = normalize(text)
    twice, changes = normalize(once)
    assert twice == once and changes == ()


def test_normalize_runs_keeps_styles_and_crosses_run_boundaries() -> None:
    bold, regular = style(10.0, "bold"), style(10.0, "regular")
    out, changes = normalize_runs([Run("本报讯 ", bold), Run("3月28日,郑州", regular)])
    assert [(r.text, r.style.font) for r in out] == [("本报讯", "bold"), ("3月28日，郑州", "regular")]
    assert [c.rule for c in changes] == ["space-han-latin", "fullwidth"]
    # a replacement at a run boundary takes the style of its first input character
    out, _ = normalize_runs([Run("中文.", bold), Run("..中文", regular)])
    assert [(r.text, r.style.font) for r in out] == [("中文……", "bold"), ("中文", "regular")]

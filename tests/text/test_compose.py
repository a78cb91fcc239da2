"""Unit tests of the composer's interface and of what the case files cannot express
(styles, sizes, kerning, metrics caching, a real page of text).

Takes: hand-made runs with fixed or instrumented metrics. Asserts: the public data shapes,
that glyphs keep their run's style, that mixed sizes and kerning are honoured, and that the
sample page's paragraphs set cleanly on a 13-em column.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from layout.text import ComposeSettings, Glyph, Line, Metrics, Run, TextStyle, compose_headline, compose_paragraph
from layout.text import compose as compose_module
from layout.text.classes import NO_END, NO_START
from layout.text.normalize import normalize
from layout.text.testing import FIXED, FixedMetrics, runs, style

#: the sample page of TYPOGRAPHY §5, in the shared folder beside the checkout
SEED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "seed-page.txt"


def test_public_names_and_fields() -> None:
    assert list(Glyph._fields) == ["text", "x", "advance", "style"]
    assert [f.name for f in dataclasses.fields(Line)][:5] == ["glyphs", "width", "measure", "last", "text"]
    assert [f.name for f in dataclasses.fields(TextStyle)] == ["font", "size", "metrics"]
    assert [f.name for f in dataclasses.fields(Run)] == ["text", "style"]
    s = ComposeSettings()
    assert (s.linebreak, s.punctuation, s.lang, s.indent, s.align, s.min_last_line) == (
        "gb", "kaiming", "zh-CN", 2.0, "justify", 2)
    for name in ("ComposeSettings", "Glyph", "Line", "Metrics", "Run", "TextStyle",
                 "compose_paragraph", "compose_headline"):
        assert hasattr(compose_module, name)
    assert isinstance(FIXED, Metrics)


def test_values_are_frozen_and_comparable() -> None:
    line = compose_paragraph(runs("中文中文"), 100.0)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.width = 1.0  # type: ignore[misc]
    with pytest.raises(AttributeError):   # a Glyph is a named tuple
        line.glyphs[0].x = 1.0  # type: ignore[misc]
    assert compose_paragraph(runs("中文中文"), 100.0) == compose_paragraph(runs("中文中文"), 100.0)
    # metrics are not part of a style's identity
    assert TextStyle("f", 9.0, FIXED) == TextStyle("f", 9.0, FixedMetrics(space=0.3))
    assert hash(TextStyle("f", 9.0, FIXED)) == hash(TextStyle("f", 9.0, FixedMetrics(space=0.3)))


@pytest.mark.parametrize("field, value", [("linebreak", "loose"), ("punctuation", "half"),
                                          ("lang", "ja"), ("align", "justified")])
def test_settings_reject_unknown_values(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        ComposeSettings(**{field: value})


def test_empty_and_blank_paragraphs() -> None:
    assert compose_paragraph([], 100.0) == ()
    assert compose_paragraph(runs(""), 100.0) == ()
    assert compose_paragraph(runs("  \n "), 100.0) == ()
    assert compose_headline(runs(""), 100.0, ComposeSettings()) == ()


def test_default_indent_is_two_em_of_the_first_run() -> None:
    big = TextStyle("big", 20.0, FIXED)
    lines = compose_paragraph([Run("大", big), Run("中文中文", style(10.0))], 200.0)
    assert lines[0].glyphs[0].x == pytest.approx(40.0)


def test_glyphs_keep_their_run_style() -> None:
    bold = TextStyle("bold", 10.0, FIXED)
    regular = style(10.0)
    lines = compose_paragraph([Run("本报讯", bold), Run("记者张三报道：中文中文中文", regular)], 60.0,
                              ComposeSettings(indent=0.0))
    glyphs = [g for line in lines for g in line.glyphs]
    assert [g.style.font for g in glyphs[:4]] == ["bold", "bold", "bold", "test"]
    assert lines[0].text == "本报讯记者张"
    assert all(abs(ln.width - 60.0) < 0.01 for ln in lines[:-1])


def test_mixed_sizes_are_not_assumed_equal() -> None:
    large = TextStyle("large", 15.0, FIXED)
    lines = compose_paragraph([Run("大字", large), Run("小字小字小字小字小字", style(10.0))], 60.0,
                              ComposeSettings(indent=0.0))
    first = lines[0]
    assert first.glyphs[0].advance == 15.0 and first.glyphs[2].advance == 10.0
    assert abs(first.width - 60.0) < 0.01
    assert "".join(ln.text for ln in lines) == "大字小字小字小字小字小字"


@dataclass(frozen=True)
class KernMetrics(FixedMetrics):
    def kern(self, left: str, right: str) -> float:
        return -0.1 if (left, right) == ("A", "V") else 0.0


def test_kerning_inside_latin_runs_only() -> None:
    st = TextStyle("k", 10.0, KernMetrics())
    line = compose_paragraph([Run("中AV中", st)], 200.0, ComposeSettings(indent=0.0))[0]
    xs = {g.text: g.x for g in line.glyphs}
    assert xs["V"] == pytest.approx(xs["A"] + 5.0 - 1.0)


class CountingMetrics:
    """Counts calls: the composer asks each character once per metrics object."""

    def __init__(self) -> None:
        self.calls = 0

    def advance(self, ch: str) -> float:
        self.calls += 1
        return FIXED.advance(ch)

    def kern(self, left: str, right: str) -> float:
        return 0.0

    def half_shift(self, ch: str) -> float | None:
        return None


def test_metrics_are_cached_per_character() -> None:
    m = CountingMetrics()
    st = TextStyle("c", 10.0, m)
    compose_paragraph([Run("中文中文中文，中文。" * 20, st)], 100.0)
    first = m.calls
    compose_paragraph([Run("中文中文中文，中文。" * 20, st)], 100.0)
    assert first <= 5 and m.calls == first


def test_line_text_and_glyphs_agree() -> None:
    text = "他说 Hello world，2022年5G用户达到50%。"
    for line in compose_paragraph(runs(text), 80.0, ComposeSettings(indent=0.0)):
        assert "".join(g.text for g in line.glyphs) == line.text.replace(" ", "")
        assert line.measure == 80.0


def test_combining_marks_stay_with_their_base() -> None:
    lines = compose_paragraph(runs("中文cafe\u0301中文"), 200.0, ComposeSettings(indent=0.0))
    assert [g.text for g in lines[0].glyphs] == ["中", "文", "c", "a", "f", "e\u0301", "中", "文"]


def test_headline_one_line_when_it_fits() -> None:
    lines = compose_headline(runs("再学习 谋发展 明方向"), 200.0, ComposeSettings(align="center"))
    assert len(lines) == 1 and lines[0].last
    assert lines[0].text == "再学习 谋发展 明方向"


def _seed_paragraphs() -> list[str]:
    if not SEED.exists():
        pytest.skip("seed page not available")
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n")]
    return [b for b in blocks if len(b) > 40]


@pytest.mark.parametrize("punctuation", ["quanjiao", "kaiming", "banjiao"])
def test_seed_page_sets_cleanly(punctuation: str) -> None:
    settings = ComposeSettings(punctuation=punctuation)
    size = 9.0
    measure = 13 * size
    for para in _seed_paragraphs():
        text, _ = normalize(para)
        lines = compose_paragraph([Run(text, style(size))], measure, settings)
        assert "".join(ln.text for ln in lines) == text
        for i, line in enumerate(lines):
            assert not line.emergency
            if not line.last:
                assert abs(line.width - measure) < 0.01
            assert line.glyphs[0].text not in NO_START["gb"] or i == 0
            assert line.glyphs[-1].text not in NO_END["gb"]
        if len(lines) > 1:
            assert sum(1 for ch in lines[-1].text if "\u4e00" <= ch <= "\u9fff") >= 2


def test_a_closing_mark_is_not_left_alone_on_the_last_line() -> None:
    """With prohibition off (linebreak: none) a short paragraph whose first line fills exactly
    must not end with a line of its closing marks only: one character comes down with them."""
    cs = ComposeSettings(linebreak="none", punctuation="quanjiao", lang="zh-TW")
    lines = compose_paragraph([Run("一一一。”", style(10.0))], 60.0, cs)
    assert len(lines) == 2
    assert any(ch not in "。”" for ch in lines[-1].text), [ln.text for ln in lines]

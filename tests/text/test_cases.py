"""Data-driven rule tests: every case in tests/text/cases/*.txt, composed with fixed metrics.

Takes: the case files (format: cases/README.md). Asserts, per case, the
lines' text, which lines reach the measure, emergency flags, chosen glyph
positions and advances, and for normaliser cases the output and changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from layout.text import ComposeSettings, Run, TextStyle, compose_headline, compose_paragraph, normalize
from layout.text.testing import FIXED, FixedMetrics, glyph_table, picture
from layout.text.vertical import VerticalMetrics

from .caseformat import Case, load, settings_fields

SIZE = 10.0
TOL = 0.01          # pt: "fills the measure" / position tolerance


@dataclass(frozen=True)
class HaltMetrics(FixedMetrics):
    """Fixed metrics with `halt` data that differ from the derived positions (so tests see them used):
    opening marks shift -0.4 em when set half, middle dots and the solidus -0.2 em."""

    def half_shift(self, ch: str) -> float | None:
        if ch in "“‘「『（〔［｛《〈【〖":
            return -0.4
        if ch in "·‧・／":
            return -0.2
        if ch in "”’」』）〕］｝》〉】〗，、。；：？！":
            return 0.0
        return None


#: "vertical": the fixed metrics down a vertical line (upright 1 em, Latin on its side 0.5 em)
METRICS = {"fixed": FIXED, "halt": HaltMetrics(), "widespace": FixedMetrics(space=0.4),
           "vertical": VerticalMetrics(FIXED, lambda ch: None)}


def _runs(text: str, metrics) -> list[Run]:
    """'{b:本报讯}记者…' -> runs; {b:…} is a bold face at the same size, {L:…} a run at 1.5x size."""
    regular = TextStyle("regular", SIZE, metrics)
    styles = {"b": TextStyle("bold", SIZE, metrics), "L": TextStyle("large", SIZE * 1.5, metrics)}
    out = []
    pos = 0
    for m in re.finditer(r"\{([bL]):([^}]*)\}", text):
        if m.start() > pos:
            out.append(Run(text[pos:m.start()], regular))
        out.append(Run(m.group(2), styles[m.group(1)]))
        pos = m.end()
    if pos < len(text):
        out.append(Run(text[pos:], regular))
    return out


def _input(case: Case) -> str:
    text = case.fields["input"]
    # visible markers for characters that are hard to type in a case file
    return text.replace("␣", " ").replace("⏎", "\n").replace("⍽", "\u00a0")


COMPOSE = [c for c in load("*.txt") if "output" not in c.fields]
NORMALIZE = [c for c in load("*.txt") if "output" in c.fields]


def _check_glyphs(case: Case, lines, number: int, spec: str) -> None:
    line = lines[number - 1]
    start = 0
    for token in spec.split():
        m = re.fullmatch(r"(.+?)@(-?[\d.]+)(?:/([\d.]+))?", token)
        assert m, f"bad glyph assertion {token!r}"
        ch, x, adv = m.group(1), float(m.group(2)), m.group(3)
        ch = ch.replace("␣", " ")
        for k in range(start, len(line.glyphs)):
            g = line.glyphs[k]
            if g.text == ch:
                start = k + 1
                break
        else:
            pytest.fail(f"{case.id}: line {number} has no (further) glyph {ch!r}: {glyph_table(line)}")
        em = g.style.size
        assert abs(g.x / em - x) <= 0.001 + 1e-9, f"{case.id}: line {number} {ch} x={g.x / em:g} em, want {x:g}\n{glyph_table(line)}"
        if adv is not None:
            assert abs(g.advance / em - float(adv)) <= 0.001, (
                f"{case.id}: line {number} {ch} advance={g.advance / em:g} em, want {adv}\n{glyph_table(line)}")


@pytest.mark.parametrize("case", COMPOSE, ids=[c.id for c in COMPOSE])
def test_compose_case(case: Case) -> None:
    metrics = METRICS[case.fields.get("metrics", "fixed")]
    fields = {"indent": 0.0}
    fields.update(settings_fields(case.fields.get("settings", "")))
    settings = ComposeSettings(**fields)
    measure = float(case.fields["measure"]) * SIZE
    text = _input(case)
    if case.fields.get("normalize", "no") == "yes":
        text, _ = normalize(text, settings.lang)
    runs = _runs(text, metrics)
    if case.fields.get("headline", "no") == "yes":
        max_lines = case.fields.get("max_lines")
        lines = compose_headline(runs, measure, settings, int(max_lines) if max_lines else None)
    else:
        lines = compose_paragraph(runs, measure, settings)
    got = []
    for line in lines:
        full = abs(line.width - measure) <= TOL
        assert line.width <= measure + TOL or line.emergency, f"{case.id}: overfull line {line.text!r}"
        got.append(line.text + ("|" if full else "") + ("!" if line.emergency else ""))
    want = [e.replace("␣", " ") for e in case.expect]
    assert got == want, f"{case.id} (line {case.line}):\n{picture(lines, measure)}"
    assert [ln.last for ln in lines] == [i == len(lines) - 1 for i in range(len(lines))]
    for number, spec in case.glyphs.items():
        _check_glyphs(case, lines, number, spec)


@pytest.mark.parametrize("case", NORMALIZE, ids=[c.id for c in NORMALIZE])
def test_normalize_case(case: Case) -> None:
    text = _input(case)
    out, changes = normalize(text, case.fields.get("lang", "zh-CN"),
                             phrase_spaces=case.fields.get("phrase_spaces", "no") == "yes")
    want = case.fields["output"].replace("␣", " ").replace("⏎", "\n")
    assert out == want, f"{case.id}: {text!r} -> {out!r}, want {want!r}"
    if "changes" in case.fields:
        got = " ".join(f"{c.rule}@{c.offset}" for c in changes) or "none"
        assert got == case.fields["changes"], f"{case.id}: changes {got}, want {case.fields['changes']}"
    for c in changes:
        assert text[c.offset:c.offset + len(c.before)] == c.before, f"{case.id}: {c} does not point into the input"


def test_there_are_enough_cases() -> None:
    assert len(COMPOSE) + len(NORMALIZE) >= 60

"""The composition memo's disk form (`layout.memo.encode` / `decode`): what a cold build writes for
the next build must give back exactly the lines it composed, glyph for glyph, and nothing that
does not fit the call it is read for."""
from __future__ import annotations

import marshal

from layout.memo import decode, encode
from layout.text.compose import ComposeSettings, compose_paragraph
from layout.text.model import Run
from layout.text.testing import style

BODY, BOLD = style(10.0, "body"), style(10.0, "bold")
#: two runs in two styles, a Latin word with a combining mark (one glyph of two characters),
#: spaces and full-width punctuation: long enough for several lines at the measure below
RUNS = [Run("江城晚报讯，市民期待已久的东湖绿道三期工程昨日全线贯通，", BODY),
        Run("全长 12.6 公里的步道沿湖而建，cafe\u0301 与书店比邻，", BOLD),
        Run("周末游人如织。“以后骑车上班也方便了。”家住附近的王女士说。", BODY)]


def _plain(lines):
    """Every field of every line and glyph, the glyph's style by identity."""
    return [([(g.text, g.x, g.advance, id(g.style)) for g in line.glyphs], line.width, line.measure,
             line.last, line.text, line.emergency) for line in lines]


def test_composed_lines_come_back_exactly_through_the_disk_form():
    lines = compose_paragraph(RUNS, 95.0, ComposeSettings())
    assert len(lines) > 3 and any(len(g.text) > 1 for line in lines for g in line.glyphs)
    stored = marshal.loads(marshal.dumps(encode(lines, (BODY, BOLD))))
    assert _plain(decode(stored, RUNS)) == _plain(lines)


def test_lines_whose_glyphs_carry_a_style_of_no_run_are_not_stored():
    lines = compose_paragraph(RUNS, 95.0, ComposeSettings())
    assert encode(lines, (BODY,)) is None                     # the bold run's glyphs have no number
    assert encode(lines, tuple(style(10.0, f"f{i}") for i in range(256)) + (BODY, BOLD)) is None


def test_stored_lines_that_do_not_fit_the_call_are_composed_afresh():
    lines = compose_paragraph(RUNS, 95.0, ComposeSettings())
    stored = encode(lines, (BODY, BOLD))
    assert decode(stored, RUNS[:1]) is None                   # a style number past the call's runs
    joined, *rest = stored[0]
    assert decode(((joined[:-1], *rest),), RUNS) is None      # texts and positions disagree

"""The composition rules, checked on the built PDFs of the sample editions, glyph by glyph.

Body lines are read back from the PDF (pdfminer.six places every glyph from
the font's own widths) and grouped by page, grid column and baseline. For
each story, lines are taken in reading order (columns left to right, lines
top to bottom); a line is the last of its paragraph when the next line starts
at the 2 em indent, or when nothing follows it in the story's region.
"""
from __future__ import annotations

from collections import defaultdict

import pytest

from conftest import EDITIONS
from layout.cli import main
from layout.diagnostics import Report
from layout.page.frames import Box, Mark
from layout.pipeline import prepare
from layout.text.classes import is_han, no_end, no_start

pytest.importorskip("pdfminer")

CLOSING_HALF = set("，、。．；：？！”’」』）〕］｝》〉】〗")
OPENING = set("“‘「『（〔［｛《〈【〖")


@pytest.fixture(scope="module", params=EDITIONS, ids=lambda p: p.parent.name)
def lines(request, tmp_path_factory):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    manifest = request.param
    report = Report()
    ed = prepare(manifest, report)
    out = tmp_path_factory.mktemp("typo")
    main(["build", str(manifest), "-o", str(out), "--pdf"])
    pdf = next(out.glob("*.pdf"))
    g, style = ed.style.grid, ed.style
    bleed = style.bleed
    page_h = style.trim[1]
    col_left = [style.margin_left + g.column_x(c) for c in range(1, g.columns + 1)]
    chars = defaultdict(list)  # (page, column, baseline) -> [(x0, x1, ch, font)]

    def walk(obj, n):
        if isinstance(obj, LTChar) and abs(obj.size - g.char) < 0.01:
            x0 = obj.x0 - bleed
            y = page_h + bleed - obj.matrix[5]
            column = max((c for c, left in enumerate(col_left) if x0 >= left - g.char / 2 - 0.1), default=0)
            chars[(n, column, round(y, 2))].append((x0, obj.x1 - bleed, obj.get_text(), obj.fontname))
        for child in getattr(obj, "_objs", ()) or ():
            walk(child, n)

    for n, page in enumerate(extract_pages(str(pdf), laparams=LAParams(all_texts=True)), start=1):
        walk(page, n)
    # body lines: set in the Song face (serif), or opening with the bold dateline at the indent
    stories = []
    for frame in ed.frames:
        boxes = {(round(b.x, 2), round(b.y, 2)) for b in frame.items if isinstance(b, Box)}
        for region in (m for m in frame.items if isinstance(m, Mark) and m.kind == "region"):
            inset = g.char / 2 if (round(region.x, 2), round(region.y, 2)) in boxes else 0.0  # a boxed story
            ordered = []
            for c, left in enumerate(col_left):
                if not (region.x - 0.1 <= left < region.x + region.w):
                    continue
                rows = sorted((y, sorted(v)) for (p, col, y), v in chars.items()
                              if p == frame.number and col == c and region.y <= y <= region.y + region.h)
                for y, glyphs in rows:
                    fonts = {f for *_x, f in glyphs}
                    if any("Serif" in f for f in fonts):
                        ordered.append((frame.number, c, y, left + inset, glyphs, g.column_width - 2 * inset))
            stories.append((region.label, ordered))
    return ed, stories


def _text(glyphs) -> str:
    return "".join(ch for _x0, _x1, ch, _f in glyphs)


def test_no_prohibited_line_starts_or_ends(lines):
    ed, stories = lines
    level = ed.style.linebreak
    bad = []
    for label, ordered in stories:
        for page, c, y, _left, glyphs, _measure in ordered:
            text = _text(glyphs).strip()
            if text and (text[0] in no_start(level) or text[-1] in no_end(level)):
                bad.append((label, page, c, y, text))
    assert not bad, bad[:5]
    assert sum(len(o) for _l, o in stories) > 600   # body lines were read (the planned sample has ~760)


def test_dashes_and_ellipses_never_split(lines):
    _ed, stories = lines
    for label, ordered in stories:
        for (*_a, a, _m), (*_b, b, _n) in zip(ordered, ordered[1:]):
            ta, tb = _text(a), _text(b)
            for mark in "—…":
                assert not (ta.endswith(mark) and tb.startswith(mark)), (label, ta, tb)


def _is_last(ordered, i, em) -> bool:
    if i + 1 == len(ordered):
        return True
    _p, _c, _y, left, glyphs, _measure = ordered[i + 1]
    first_x = glyphs[0][0]
    return first_x >= left + 1.4 * em  # the next line is indented: a new paragraph starts


def test_justified_lines_are_flush_and_no_single_han_last_lines(lines):
    ed, stories = lines
    g = ed.style.grid
    em = g.char
    ragged, lonely, flush = [], [], 0
    for label, ordered in stories:
        for i, (page, c, y, left, glyphs, measure) in enumerate(ordered):
            right = left + measure
            x0, x1, ch, _f = glyphs[-1]
            edge = x0 + em / 2 if ch in CLOSING_HALF else x1
            if _is_last(ordered, i, em):
                content = [t for *_x, t, _f in glyphs if is_han(t) or t.isalnum()]
                if len(content) == 1 and is_han(content[0]) and i > 0 and not _is_last(ordered, i - 1, em):
                    lonely.append((label, page, _text(glyphs)))
                continue
            if abs(edge - right) > 0.05 and not (ch in CLOSING_HALF and abs(x1 - right) <= 0.05):
                ragged.append((label, page, c, y, round(edge - right, 3), _text(glyphs)))
            else:
                flush += 1
    assert not ragged, ragged[:5]
    assert not lonely, lonely[:5]
    assert flush > 500

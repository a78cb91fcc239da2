"""The page's furniture: the masthead (报头) on page 1, running heads (报眉) on the others.

Both take the issue, the page, the typesetter and the type area's geometry
and return frame items. The masthead fills its band of grid lines in the
columns it is given; the running head sits in the top margin above a rule.
"""
from __future__ import annotations

from layout.diagnostics import Report
from layout.model import Issue, PageSpec, Placement
from layout.page.frames import Item, Rule
from layout.page.typeset import Typesetter, glyph_runs
from layout.wording import issue_number_name, print_words


def _line(ts: Typesetter, text: str, role: str, width: float, align: str = "left"):
    """One line of furniture text; set smaller (down to 70 %) rather than wrap or lose any of it."""
    size = ts.style.role(role).size
    for scale in (1.0, 0.9, 0.8, 0.7):
        lines = ts.headline(ts.runs(text, role, size=size * scale), width, align=align)
        if len(lines) <= 1:
            return lines[0] if lines else None
    ts.report.error("furniture-overflow", f"'{text}' does not fit on one {role} line even at 70 %; "
                    f"only '{lines[0].text}' is printed", None, "shorten the paper name, section or editor")
    return lines[0]


def masthead(issue: Issue, ts: Typesetter, x: float, y: float, width: float, height: float) -> list[Item]:
    """报头 in the box (x, y, width, height): name, Latin name, edition line between rules."""
    items: list[Item] = []
    style = ts.style
    name_role = style.role("masthead")
    size = name_role.size
    # shrink the name until it fits the masthead's width
    while size > 24 and ts.face(name_role.font).advance("报") * size * len(issue.paper.name) > width:
        size *= 0.9
    runs = ts.runs(issue.paper.name, "masthead", size=size)
    name_lines = ts.headline(runs, width, align="left")
    base = y + 0.88 * size + 4
    for line in name_lines[:1]:
        items += glyph_runs(line, x, base, name_role.color, "masthead")
    cursor = base - 0.88 * size + size + 4
    if issue.paper.name_latin:
        latin_role = style.role("masthead_latin")
        line = _line(ts, issue.paper.name_latin, "masthead_latin", width)
        if line:
            cursor += latin_role.size
            items += glyph_runs(line, x, cursor, latin_role.color, "masthead_latin")
    role = style.role("edition_line")
    # the edition lines sit between a heavy and a light rule at the foot of the band
    lines = [ln for text in edition_lines(issue) for ln in _fitted(ts, text, width)]
    bottom = y + height
    top_rule = bottom - role.leading * (len(lines) + 0.6)
    items.append(Rule(x, top_rule, x + width, top_rule, 1.5))
    for i, ln in enumerate(lines):
        items += glyph_runs(ln, x, top_rule + role.leading * (i + 1) - 1, role.color, "edition_line")
    items.append(Rule(x, bottom - 1, x + width, bottom - 1, 0.5))
    return items


def edition_lines(issue: Issue) -> list[str]:
    """The masthead's edition line as it is meant to read: date, weekday and 总第N期 (總第 in a traditional edition); then the
    registration number and the publisher's credit. Parts of a line are separated by U+3000."""
    info, words = issue.info, print_words(issue.info.lang)
    lines = [f"{info.date_cn}\u3000{info.weekday}\u3000" + issue_number_name(info.lang, info.number)]
    credits = []
    if issue.paper.registration:
        credits.append(words["registration"].format(code=issue.paper.registration))
    if issue.paper.publisher:
        credits.append(issue.paper.publisher_credit_in(info.lang))
    if credits:
        lines.append("\u3000".join(credits))
    return lines


def _natural_width(ts: Typesetter, text: str) -> float:
    lines = ts.headline(ts.runs(text, "edition_line"), 1e6, align="left")
    return lines[0].width if lines else 0.0


def _fitted(ts: Typesetter, text: str, width: float):
    """An edition line in `width`: whole when it fits; else its parts packed onto as few lines as
    they fill, so that a line breaks between the date and 总第N期, never inside 「中共」."""
    if _natural_width(ts, text) <= width:
        return ts.headline(ts.runs(text, "edition_line"), width, align="left")
    packed: list[str] = []
    for part in text.split("\u3000"):
        if packed and _natural_width(ts, packed[-1] + "\u3000" + part) <= width:
            packed[-1] += "\u3000" + part
        else:
            packed.append(part)
    return [ln for chunk in packed for ln in ts.headline(ts.runs(chunk, "edition_line"), width, align="left")]


def masthead_span(free: list[int]) -> tuple[int, int]:
    """The columns the masthead takes, from the columns of its band no placement takes: the widest
    run of neighbouring ones (the leftmost of equals), never across a 报眼 in between."""
    runs: list[list[int]] = []
    for c in free:
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    best = max(runs, key=len)
    return best[0], best[-1]


def check_masthead_width(issue: Issue, ts: Typesetter, span: tuple[int, int], beside: list[Placement],
                         page: PageSpec, report: Report) -> None:
    """A `masthead-narrow` warning, at the placement that narrows the masthead (the 报眼), when the
    masthead's columns cannot hold each part of its edition line on one line."""
    g = ts.style.grid
    need = max(_natural_width(ts, text) for text in edition_lines(issue))
    if need <= g.span_width(*span) + 0.01:
        return
    columns = next((n for n in range(1, g.columns + 1) if g.span_width(1, n) + 0.01 >= need), g.columns)
    have = span[1] - span[0] + 1
    ear = min(beside, key=lambda pl: abs(pl.columns[0] - span[1]) if pl.columns[0] > span[1]
              else abs(span[0] - pl.columns[1])) if beside else None
    where = ear.source if ear else page.source
    by = f" beside '{ear.label}' (columns [{ear.columns[0]}, {ear.columns[1]}])" if ear else ""
    report.warning(
        "masthead-narrow",
        f"the masthead{by} on page {page.number} is {have} column{'s' if have != 1 else ''} wide, and its edition "
        f"line needs {columns}: it is broken onto more lines",
        where,
        f"the masthead takes the columns of grid lines 1-{ts.style.masthead_lines} that no story takes: leave it "
        f"{columns} columns (give the 报眼 {g.columns - columns} or fewer), or shorten paper.publisher")


def folio(issue: Issue, page: PageSpec) -> str:
    """The running head's page side: 第2版　要闻　责任编辑　林文 (責任編輯 in a traditional edition)."""
    text = f"第{page.number}版\u3000{page.section}"
    if page.editor:
        text += "\u3000" + print_words(issue.info.lang)["editor"].format(name=page.editor)
    return text


def running_head(issue: Issue, page: PageSpec, ts: Typesetter, x: float, top: float, width: float) -> list[Item]:
    """报眉 above the type area: page number and section on the outside edge, paper and date opposite."""
    role = ts.style.role("running_head")
    rule_y = top - role.size * 0.6
    base = rule_y - role.size * 0.5
    dated = f"{issue.paper.name}\u3000{issue.info.date_cn}\u3000{issue.info.weekday}"
    outside, inside = ("right", "left") if page.number % 2 else ("left", "right")
    items: list[Item] = []
    for text, align in ((folio(issue, page), outside), (dated, inside)):
        line = _line(ts, text, "running_head", width, align=align)
        if line:
            items += glyph_runs(line, x, base, role.color, "running_head")
    items.append(Rule(x, rule_y, x + width, rule_y, 0.75))
    return items

"""Coverage before layout: every character of the edition checked against its role's face.

`check_coverage(issue, ts)` walks every text of the edition in the role it is
set in (headline decks, datelines, body and bold spans, subheads, bylines,
captions, credits, the masthead and running heads) through the typesetter's
face choice. A character the role's face lacks comes from the fallback chain
(`Typesetter.font_for`); one that no face has is reported there and then, with
its U+ code, the story and the manifest line, and will print as 〓.
Returns the number of characters checked.
"""
from __future__ import annotations

from layout.model import Issue
from layout.page.typeset import Typesetter
from layout.page.chrome import edition_lines, folio
from layout.wording import print_words


def edition_texts(issue: Issue):
    """(text, role, bold, source, story id) for every text the edition prints."""
    paper, words = issue.paper, print_words(issue.info.lang)
    yield paper.name, "masthead", False, None, ""
    yield paper.name_latin, "masthead_latin", False, None, ""
    yield "".join(edition_lines(issue)), "edition_line", False, None, ""
    for page in issue.pages:
        yield folio(issue, page), "running_head", False, page.source, ""
        for pl in page.placements:
            if pl.continue_on:   # the jump lines make-up adds: （下转第N版） here, （上接第M版） on page N
                yield (words["jump_to"].format(page=pl.continue_on) + words["jump_from"].format(page=page.number),
                       "jump", False, pl.source, pl.label)
            if pl.photo is not None:
                yield pl.photo.caption, "caption", False, pl.photo.source, pl.label
                yield pl.photo.credit, "credit", False, pl.photo.source, pl.label
    for art in issue.articles.values():
        for role, text in (("kicker", art.kicker), ("headline", art.headline), ("subhead", art.subhead),
                           ("continuation_head", art.headline), ("dateline", art.dateline), ("body", art.date),
                           ("byline", art.byline)):
            yield text, role, False, art.source, art.id
        for par in art.paragraphs:
            role = {"subhead": "intertitle", "signature": "signature"}.get(par.kind, "body")
            for span in par.spans:
                yield span.text, role, span.bold, par.source, art.id
        for photo in art.photos:
            yield photo.caption, "caption", False, photo.source, art.id
            yield photo.credit, "credit", False, photo.source, art.id


def check_coverage(issue: Issue, ts: Typesetter) -> int:
    """Every text through `ts.runs` (faces recorded in `ts.used`, missing characters reported);
    the texts of a role its face covers whole are handed over at once, as the set of their
    characters (the same faces recorded; 2,600 texts of the benchmark edition, 50 ms less)."""
    texts = [t for t in edition_texts(issue) if t[0]]
    chars: dict[tuple[str, bool], set[str]] = {}
    for text, role, bold, _source, _story in texts:
        chars.setdefault((role, bold), set()).update(text)
    whole = {group for group, seen in chars.items() if ts.covers(seen, *group)}
    for role, bold in whole:
        ts.runs("".join(sorted(chars[role, bold])), role, bold=bold)
    for text, role, bold, source, story in texts:   # the rest text by text: diagnostics in order, located
        if (role, bold) not in whole:
            ts.runs(text, role, bold=bold, where=source, article=story)
    return sum(len(t[0]) for t in texts)

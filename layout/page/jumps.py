"""Jumps (转版) during make-up, and the check that make-up loses no text.

A jumped story's head (the placement with `continue_on`) hands the body lines it
cannot hold to its continuation (`continued: true`) on another page, earlier or
later. `make_up_in_jump_order` makes the pages up so that every head is set
before its continuation, whatever their pages: each page is made up in its own
story order, and a page that reaches a continuation whose head is not set yet
waits while other pages go on. Each page's frame is the same as if it had been
made up alone, so the order changes no byte of the output.

`Jumps` carries the remainders from head to continuation and keeps a
`TextLedger`: every body character handed to make-up must end up on a page or in
an error that counts it (`overset`, `jump-cycle`). `Jumps.finish` reports what is
left: a remainder no continuation took, and, as a loud `text-lost` error, any
difference in the ledger (a bug in make-up, never to be seen by a user).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Generator, Iterable, Sequence

from layout.diagnostics import Report, Source
from layout.model import Issue, PageSpec, Placement
from layout.page.frames import GlyphRun, Item, PageFrame
from layout.page.story import Slot
from layout.wording import counted

#: Slot roles that are the tool's own words, not the article's: the jump lines （下转第N版）/（上接第N版）.
TOOL_ROLES = frozenset({"jump"})

#: A page's make-up: a generator that yields the continuation placement at which it waits for the
#: jump's head and returns the finished frame.
PageMakeUp = Generator[Placement, None, PageFrame]


@lru_cache(maxsize=1 << 16)
def visible_chars(text: str) -> int:
    """Characters that print: all but spaces (ASCII, ideographic, line breaks)."""
    return len("".join(text.split()))


def slot_chars(slots: Iterable[Slot]) -> int:
    """The article's characters in these body lines (the tool's jump lines not counted)."""
    return sum(visible_chars(s.line.text) for s in slots if s.role not in TOOL_ROLES)


class TextLedger:
    """Per article: body characters handed to make-up, characters set on pages, characters an error counts."""

    def __init__(self) -> None:
        self.handed: dict[str, int] = {}
        self.printed: dict[str, int] = {}
        self.reported: dict[str, int] = {}
        self.roles: dict[str, set[str]] = {}
        self.sources: dict[str, Source | None] = {}

    def hand(self, article: str, slots: Sequence[Slot], source: Source | None) -> None:
        """The body of `article` as composed, handed to its first placement."""
        self.handed[article] = self.handed.get(article, 0) + slot_chars(slots)
        self.roles.setdefault(article, set()).update(s.role for s in slots if s.role not in TOOL_ROLES)
        self.sources.setdefault(article, source)

    def print_items(self, article: str, items: Iterable[Item]) -> None:
        """What a placement of `article` set on its page: glyphs in the roles of its body lines."""
        roles = self.roles.get(article, ())
        self.printed[article] = self.printed.get(article, 0) + sum(
            visible_chars(it.text) for it in items if isinstance(it, GlyphRun) and it.role in roles)

    def report_lost(self, article: str, chars: int) -> None:
        """Characters of `article` an error has told the editor about (overset, a jump that could not land)."""
        self.reported[article] = self.reported.get(article, 0) + chars

    def check(self, report: Report) -> None:
        """A loud error for every article whose characters do not add up: handed = printed + reported."""
        for article, handed in self.handed.items():
            accounted = self.printed.get(article, 0) + self.reported.get(article, 0)
            if accounted != handed:
                report.error("text-lost",
                             f"make-up accounts for {accounted:,} of the {handed:,} body characters of '{article}' "
                             f"({self.printed.get(article, 0):,} printed, {self.reported.get(article, 0):,} "
                             f"reported overset): {abs(handed - accounted):,} "
                             f"{'lost' if accounted < handed else 'set twice'}",
                             self.sources.get(article),
                             "this is a bug in layout, not in the edition: please report it with the manifest; "
                             "do not send these pages to print")


class Jumps:
    """The edition's jumps while its pages are made up (one per `make_pages`)."""

    def __init__(self, issue: Issue, report: Report):
        self.report = report
        self.ledger = TextLedger()
        #: article -> page of its jump head, for heads not set yet (a continuation of it waits)
        self._heads_to_set: dict[str, int] = {}
        for page in issue.pages:
            for pl in page.placements:
                if (pl.kind == "article" and pl.continue_on and not pl.continued and pl.article in issue.articles
                        and pl.continue_on != page.number):
                    self._heads_to_set.setdefault(pl.article, page.number)
        #: article -> (page of the head, the lines it hands over, the head's placement)
        self._remainders: dict[str, tuple[int, tuple[Slot, ...], Placement]] = {}
        #: continuations made up before their head could be (pages whose jumps wait on each other)
        self._given_up: dict[str, tuple[int, Placement]] = {}

    # -- in a page's make-up ---------------------------------------------------------------
    def must_wait(self, pl: Placement) -> bool:
        """Whether `pl` is a continuation whose head is still to be set."""
        return pl.continued and pl.article in self._heads_to_set and pl.article not in self._given_up

    def wait_for(self, pl: Placement) -> Generator[Placement, None, None]:
        """Before setting `pl`: while it is a continuation whose head is still to be set, yield it."""
        while self.must_wait(pl):
            yield pl

    def hand_over(self, pl: Placement, page: int, remainder: tuple[Slot, ...]) -> None:
        """The head `pl` on `page` is set; `remainder` (maybe empty) goes to its continuation."""
        self._heads_to_set.pop(pl.article, None)
        if not remainder:
            return
        if pl.article in self._given_up:
            landing, cont = self._given_up[pl.article]
            chars = slot_chars(remainder)
            self.ledger.report_lost(pl.article, chars)
            self.report.error(
                "jump-cycle",
                f"'{pl.article}' jumps to page {landing}, but page {landing} had to be made up before page {page} "
                f"reached it: {counted(chars, 'character')} ({counted(len(remainder), 'line')}) are not printed",
                pl.source, f"the pages' jumps wait on each other: in page {landing}'s stories, list its other "
                           f"jumping stories before the continuation of '{pl.article}' (at {cont.source}), "
                           f"or give '{pl.article}' room on page {page}")
            return
        self._remainders[pl.article] = (page, remainder, pl)

    def handed_to(self, article: str) -> tuple[int, tuple[Slot, ...]] | None:
        """What `take(article)` would give now, left in place (a continuation's memo key)."""
        found = self._remainders.get(article)
        return None if found is None else found[:2]

    def take(self, article: str) -> tuple[int, tuple[Slot, ...]] | None:
        """For a continuation: (the head's page, the lines it handed over), or None when there are none."""
        found = self._remainders.pop(article, None)
        return None if found is None else found[:2]

    def page_done(self, page: PageSpec) -> None:
        """`page` is made up: a head on it that was not set (an error was reported) is waited for no longer."""
        for article, number in list(self._heads_to_set.items()):
            if number == page.number:
                del self._heads_to_set[article]

    def give_up_waiting(self, pl: Placement, page: int) -> None:
        """Pages wait on each other: the continuation `pl` on `page` is set without waiting for its head."""
        self._given_up[pl.article] = (page, pl)

    # -- after make-up ------------------------------------------------------------------------
    def finish(self) -> None:
        """Report remainders that no continuation took, then check the ledger."""
        for article, (page, remainder, pl) in self._remainders.items():
            chars = slot_chars(remainder)
            self.ledger.report_lost(article, chars)
            self.report.error(
                "overset",
                f"'{article}' on page {page}: {counted(chars, 'character')} ({counted(len(remainder), 'line')}) "
                f"{'jumps' if chars == 1 else 'jump'} to page {pl.continue_on}, where no continuation of it was set",
                pl.source, f"place '- article: {article}' with 'continued: true' on page {pl.continue_on}, "
                           f"on the grid and in free space")
        self._remainders.clear()
        self.ledger.check(self.report)


def make_up_in_jump_order(pages: Sequence[PageSpec], make_page: Callable[[PageSpec], PageMakeUp], jumps: Jumps,
                          on_page: Callable[[PageFrame], None] | None = None) -> tuple[PageFrame, ...]:
    """Every page made up (`make_page(page)`), heads of jumps before their continuations, whatever their
    pages: pages run in their order; one that waits for a head on a later page is resumed as soon as that
    head is set. When pages wait on each other, the first one goes on without its continuation's text
    (the head then reports `jump-cycle`). -> the frames in page order; `on_page` sees each as it is done."""
    running = {page.number: (page, make_page(page)) for page in pages}
    waiting: dict[int, Placement] = {}   # page -> the continuation it waits at
    frames: dict[int, PageFrame] = {}

    def advance(number: int) -> None:
        page, job = running[number]
        try:
            waiting[number] = next(job)
        except StopIteration as done:
            waiting.pop(number, None)
            frames[number] = done.value
            jumps.page_done(page)
            if on_page is not None:
                on_page(done.value)

    for number in list(running):
        advance(number)
    while waiting:
        ready = [n for n in sorted(waiting) if not jumps.must_wait(waiting[n])]
        if not ready:   # every waiting page waits for a head on another waiting page
            stuck = min(waiting)
            jumps.give_up_waiting(waiting[stuck], stuck)
            ready = [stuck]
        advance(ready[0])
    return tuple(frames[page.number] for page in pages)

"""`layout plan ISSUE [--json] [--write]`: what the planner did with each page, for the desk.

Takes the parsed arguments and the command's diagnostics printer; sets the edition as `layout
build` does (planning its pages) and prints, per planned page, each story's rank, columns, lines,
body characters, body lines used of those available and headline size, then the copyfit advice
(what to cut, jump or drop); as rich tables on a terminal, as plain aligned text when piped, as
one JSON document with `--json`. `--write` writes the planned regions into the manifest
(`layout/manifest/writeback.py`), keeping its comments and formatting. Returns the exit status:
0 when every page is planned clean (a jump the manifest asks for is planned, not a problem), 1
when a story must be cut or dropped, or the edition has errors.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from layout import pipeline
from layout.diagnostics import Report, Source, printable, to_json_text
from layout.wording import counted

STORY_COLUMNS = ("rank", "story", "columns", "lines", "characters", "lines used/available", "headline")
COPYFIT_COLUMNS = ("page", "story", "do this")


def run(args, print_report) -> int:
    """The `plan` command (see the module docstring)."""
    report = Report()
    edition = pipeline.prepare(args.manifest, report)
    plan = edition.plan if edition is not None else None
    written: int | None = 0   # placements written; None: the manifest could not take the plan
    if plan is not None and plan.pages and args.write:
        written = _write(Path(args.manifest), edition, plan, report)
    clean = edition is not None and not report.has_errors and (plan is None or not _needs_copyfit(plan))
    if args.json:
        sys.stdout.write(to_json_text(_as_json(args.manifest, edition, plan, report, written, clean)) + "\n")
        return 0 if clean else 1
    if plan is not None and plan.pages:
        _print_tables(edition, plan)
    sys.stdout.flush()
    print_report(report)   # after the tables, so the count of errors and warnings ends the output
    if edition is None:
        print("nothing planned: fix the errors above", file=sys.stderr)
        return 1
    if plan is None or not plan.pages:
        print("nothing to plan: every story names its columns", file=sys.stderr)
        return 0 if clean else 1
    if args.write and written is not None:
        print(f"{counted(written, 'placement')} written into {args.manifest}" if written else
              f"{args.manifest} already holds this plan", file=sys.stderr)
    return 0 if clean else 1


def _continued(edition, page_number: int, article: str) -> bool:
    """Whether the planned story on that page is the landing of a jump (`continued: true`)."""
    return any(pl.article == article and pl.continued for pl in edition.issue.pages[page_number - 1].placements)


def _kind(edition, page_number: int, story) -> str:
    """'article', or 'picture' / 'ad' for a picture or ad the plan gave its lines (named by its file)."""
    return next((pl.kind for pl in edition.issue.pages[page_number - 1].placements
                 if pl.kind != "article" and pl.planned and pl.label == story.article_id), "article")


def _fixed_stories(edition, page_number: int) -> list[tuple[str, object]]:
    """The page's articles the editor fixed (columns and lines): (rank as the page reads it, placement);
    the lead by the headline hierarchy is rank 1 even without `rank:`, as make-up sets it."""
    from layout.page.hierarchy import lead_story

    page = edition.issue.pages[page_number - 1]
    scale = edition.style.headline_scale
    lead = lead_story(page, edition.issue, scale.lead_min_columns if scale else 1)
    return [("1" if pl is lead else str(pl.rank or ""), pl) for pl in page.placements
            if pl.kind == "article" and not pl.planned and pl.columns and pl.lines and pl.article in edition.issue.articles]


def _stories_rows(edition, page_plan) -> list[tuple[str, ...]]:
    from layout.page.hierarchy import headline_size
    from layout.plan import size_name

    rows = []
    page = edition.issue.pages[page_plan.number - 1]
    for rank, pl in _fixed_stories(edition, page_plan.number):   # what the plan fills round, for the whole page
        size = "—" if pl.continued else size_name(headline_size(page, pl, edition.issue, edition.style))
        rows.append(("转" if pl.continued else rank, pl.article + (" (continued, fixed)" if pl.continued else " (fixed)"),
                     _span(pl.columns), _span(pl.lines), "—", "—", size))
    for s in page_plan.placements:
        kind = _kind(edition, page_plan.number, s)
        if kind != "article":   # a picture or an ad given columns only: the plan gave it its lines
            rows.append(("", f"{s.article_id} ({kind})", _span(s.columns), _span(s.lines), "—", "—", "—"))
            continue
        landing = _continued(edition, page_plan.number, s.article_id)
        rows.append(("转" if landing else str(s.rank), s.article_id + (" (continued)" if landing else ""),
                     _span(s.columns), _span(s.lines), f"{s.chars:,}", f"{s.lines_used}/{s.lines_available}",
                     s.headline_size + (" 竖题" if s.vertical_head else "")))
    for a in page_plan.copyfit:   # a story with no room is listed too: the page's list as the editor wrote it
        if a.action == "drop":
            rows.append((str(a.rank) if a.rank else "", f"{a.article_id} (dropped)", "—", "—", f"{a.chars:,}",
                         f"{a.lines}/0", "—"))
    return rows


def _copyfit_rows(plan, actions: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [(str(page.number), a.article_id, a.message) for page in plan.pages for a in page.copyfit
            if a.action in actions]


def _needs_copyfit(plan) -> bool:
    """A page that cannot be set as planned: a story to cut or to drop, or a page the planner
    found no plan for. A jump the manifest asks for (`continue_on`) is planned, not a problem."""
    return any(a.action != "jump" for a in plan.copyfit) or any(p.status == "infeasible" for p in plan.pages)


def _span(span: tuple[int, int]) -> str:
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"


def _page_title(edition, page_plan) -> str:
    section = edition.issue.pages[page_plan.number - 1].section
    status = {"planned": "planned", "best-found-within-time-limit": "best plan found in the time limit",
              "infeasible": "planned, but the stories do not fit (copyfit below)"}.get(page_plan.status, page_plan.status)
    extras = [f"fill {page_plan.fill:.0%}"]
    if page_plan.clashes:
        extras.append(f"{counted(page_plan.clashes, 'pair')} of headlines side by side (撞题)")
    if page_plan.touching:
        extras.append(f"{counted(page_plan.touching, 'pair')} of photos touching")
    extras.append(f"{page_plan.seconds:.2f} s")
    return f"第{page_plan.number}版 {printable(section)}: {status}, {', '.join(extras)}"


def _print_tables(edition, plan) -> None:
    """Rich tables on a terminal; the same columns as plain aligned text when piped."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    tty = sys.stdout.isatty()
    # piped: plain text, measured by rich (Chinese is two cells wide) and printed without padding at line ends
    console = Console(highlight=False, soft_wrap=False) if tty else \
        Console(file=io.StringIO(), no_color=True, width=200, highlight=False, soft_wrap=False)

    def table(title: str, columns: tuple[str, ...], rows, right: tuple[int, ...] = ()) -> None:
        t = Table(title=escape(title) if tty else None, box=box.SIMPLE_HEAD if tty else None,
                  title_justify="left", pad_edge=False, show_edge=False)
        for k, name in enumerate(columns):
            t.add_column(name, justify="right" if k in right else "left", no_wrap=True)
        for row in rows:
            t.add_row(*(escape(printable(cell)) for cell in row))
        if not tty:
            console.print(escape(title))
        console.print(t)
        console.print()

    for page_plan in plan.pages:
        table(_page_title(edition, page_plan), STORY_COLUMNS, _stories_rows(edition, page_plan), right=(0, 4, 5))
    jumps = _copyfit_rows(plan, ("jump",))
    if jumps:
        table("jumps: what each jump head hands on", COPYFIT_COLUMNS, jumps)
    rows = _copyfit_rows(plan, ("cut", "drop"))
    if rows:
        table("copyfit: the pages do not fit as they are", COPYFIT_COLUMNS, rows)
    else:
        console.print("copyfit: nothing to do, every story fits")
    if not tty:
        sys.stdout.write("".join(line.rstrip() + "\n" for line in console.file.getvalue().splitlines()))


def _source(source: Source | None):
    return None if source is None else {"file": source.file, "line": source.line, "col": source.col}


def _as_json(manifest, edition, plan, report: Report, written: int, clean: bool) -> dict:
    pages = []
    for page_plan in (plan.pages if plan is not None else ()):
        pages.append({
            "number": page_plan.number,
            "section": edition.issue.pages[page_plan.number - 1].section,
            "status": page_plan.status,
            "fill": round(page_plan.fill, 4),
            "clashes": page_plan.clashes,
            "touching": page_plan.touching,
            "seconds": round(page_plan.seconds, 3),
            "fixed": [{"article": pl.article, "continued": pl.continued, "rank": int(rank) if rank else None,
                       "columns": list(pl.columns), "lines": list(pl.lines), "source": _source(pl.source)}
                      for rank, pl in _fixed_stories(edition, page_plan.number)],
            "stories": [{"article": s.article_id, "kind": _kind(edition, page_plan.number, s),
                         "continued": _continued(edition, page_plan.number, s.article_id),
                         "rank": None if _continued(edition, page_plan.number, s.article_id)
                         or _kind(edition, page_plan.number, s) != "article" else s.rank,
                         "columns": list(s.columns), "lines": list(s.lines),
                         "chars": s.chars, "lines_used": s.lines_used, "lines_available": s.lines_available,
                         "headline_size": s.headline_size, "headline_pt": s.headline_pt,
                         "photo_width": s.photo_width, "photo_lines": s.photo_lines, "vertical_head": s.vertical_head,
                         "cut_chars": s.cut_chars,
                         "source": _source(s.source)}
                        for s in page_plan.placements],
        })
    copyfit = [{"page": page.number, "article": a.article_id, "action": a.action, "chars": a.chars, "lines": a.lines,
                "to_page": a.to_page, "rank": a.rank, "message": a.message, "source": _source(a.source)}
               for page in (plan.pages if plan is not None else ()) for a in page.copyfit]
    return {"manifest": str(manifest), "clean": clean, "pages": pages, "copyfit": copyfit, "written": written or 0,
            "diagnostics": [d.to_json() for d in report.sorted()]}


def _write(manifest: Path, edition, plan, report: Report) -> int | None:
    """Write the plan's regions into the manifest: the number of placements changed; None, with a
    `write-back` (or `cannot-write`) error at its position, when nothing could be written."""
    from layout.manifest.writeback import PlannedRegion, WritebackError, write_regions

    regions = []
    for page in plan.pages:
        for s in page.placements:
            landing = _continued(edition, page.number, s.article_id)
            kind = _kind(edition, page.number, s)
            regions.append(PlannedRegion(page=page.number - 1, article=s.article_id, columns=s.columns, lines=s.lines,
                                         rank=None if landing or kind != "article" else s.rank,
                                         photo_width=s.photo_width or None, continued=landing, kind=kind,
                                         vertical_head=s.vertical_head, photo_lines=s.photo_lines or None))
    try:
        return write_regions(manifest, regions)
    except WritebackError as exc:
        report.error("write-back", str(exc), Source(str(manifest), exc.line, 1 if exc.line else 0), exc.hint)
        return None
    except OSError as exc:
        report.error("cannot-write", f"{manifest}: {exc.strerror or exc}", Source(str(manifest)),
                     "check the file's permissions and the disk")
        return None

"""Command-line interface: `layout build | check`.

Takes argv, runs the pipeline, prints diagnostics (pretty on a terminal,
plain when piped, JSON with --json) and returns the exit status:
0 clean (warnings allowed), 1 errors in the input, 2 usage errors.
"""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from pathlib import Path

from layout import __version__
from layout.diagnostics import ERROR, INFO, WARNING, Report
from layout import pipeline


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="layout", description="Chinese newspaper layout: manifest -> PDF")
    p.add_argument("--version", action="version", version=f"layout {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="lay out an edition and write its PDF")
    b.add_argument("manifest", help="the edition's issue.yaml")
    b.add_argument("-o", "--output", help="output folder (default: output/<edition>/)")
    b.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    b.add_argument("--pdf", action="store_true", help="write only the PDF (default: PDF and EPUB)")
    b.add_argument("--epub", action="store_true", help="write only the EPUB (default: PDF and EPUB)")
    b.add_argument("--split", action="store_true", help="also write one PDF per page, named by page")
    b.add_argument("--marks", action="store_true", help="add crop and registration marks and a colour bar")
    b.add_argument("--embed-fonts", action="store_true", help="embed subset fonts in the EPUB")
    c = sub.add_parser("check", help="validate an edition and report every problem, without writing files")
    c.add_argument("manifest", help="the edition's issue.yaml")
    c.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    return p


@contextmanager
def _progress(enabled: bool):
    """A spinner with the current stage on a terminal; nothing when piped."""
    if not enabled:
        yield None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("starting") as status:
        yield lambda name: status.update(name)


def _print(report: Report, as_json: bool, show_info: bool) -> None:
    items = [d for d in report.sorted() if show_info or d.severity != INFO]
    if as_json:
        json.dump([d.to_json() for d in items], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.markup import escape

        console = Console(stderr=True, highlight=False)
        colours = {ERROR: "bold red", WARNING: "yellow", INFO: "dim"}
        for d in items:
            where = f"{d.source}: " if d.source else ""
            console.print(f"{escape(where)}[{colours[d.severity]}]{d.severity}[/][dim]\\[{d.code}][/]: {escape(d.message)}")
            if d.hint:
                console.print(f"    [cyan]hint:[/] {escape(d.hint)}")
    else:
        for d in items:
            print(d.format(), file=sys.stderr)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    report = Report()
    interactive = sys.stderr.isatty() and not args.json
    with _progress(interactive) as progress:
        edition = pipeline.prepare(args.manifest, report, progress)
        written: list[Path] = []
        if args.command == "build" and edition is not None:
            out_dir = pipeline.output_dir(Path(args.manifest), args.output)
            both = not (args.pdf or args.epub)
            options = pipeline.BuildOptions(pdf=args.pdf or both, epub=args.epub or both, split=args.split,
                                            marks=args.marks, embed_fonts=args.embed_fonts)
            written = pipeline.build(edition, out_dir, report, options, progress)
    _print(report, args.json, show_info=args.command == "check")
    if not args.json:
        for path in written:
            print(path)
        if args.command == "check" and edition is not None and not report.has_errors:
            print(f"ok: {len(edition.frames)} pages, {len(edition.issue.articles)} articles", file=sys.stderr)
        if args.command == "build" and edition is None:
            print("nothing written: fix the errors above", file=sys.stderr)
    return 1 if report.has_errors else 0

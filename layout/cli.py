"""Command-line interface: `layout build | check | plan | preflight | fonts | preview | site | cache`.

Takes argv, runs the pipeline, prints diagnostics (pretty on a terminal,
plain when piped, JSON with --json) and returns the exit status:
0 clean (warnings allowed), 1 errors in the input, 2 usage errors.
"""
from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from layout import __version__
from layout.diagnostics import ERROR, INFO, WARNING, Report, printable, to_json_text
from layout.wording import counted

# `layout.pipeline` (the whole typesetter, the print and EPUB code: 0.1-0.2 s of imports) is
# imported by the commands that build or lay out; `layout cache`, `preflight`, `site`,
# `--version` and usage errors start without it.


def _port(text: str) -> int:
    """--port: a TCP port number, 0 (any free port) to 65535; a usage error (exit 2) otherwise."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: choose 1 to 65535, or 0 for any free port")
    return port


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="layout", description="Chinese newspaper layout: manifest -> PDF")
    p.add_argument("--version", action="version", version=f"layout {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="lay out an edition and write its PDF")
    b.add_argument("manifest", nargs="+", help="the edition's issue.yaml (several: built in parallel, see --jobs)")
    b.add_argument("-o", "--output",
                   help="output folder (default: output/<edition>/; several editions: DIR/<edition>/)")
    b.add_argument("-j", "--jobs", type=int,
                   help="editions built at once, each in its own process (default: CPU count)")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="build on a Dask cluster: its scheduler's address (tcp://HOST:8786), or 'local' for "
                        "--jobs worker processes here; the output folder must be shared (docs/performance.md)")
    b.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    b.add_argument("--pdf", action="store_true", help="write only the PDF (default: PDF and EPUB)")
    b.add_argument("--epub", action="store_true", help="write only the EPUB (default: PDF and EPUB)")
    b.add_argument("--split", action="store_true", help="also write one PDF per page, named by page")
    b.add_argument("--marks", action="store_true", help="add crop and registration marks and a colour bar")
    b.add_argument("--embed-fonts", action="store_true", help="embed subset fonts in the EPUB")
    b.add_argument("--web", action=argparse.BooleanOptionalAction, default=False,
                   help="also write the web edition (数字报) into web/: a page view per page, an article page "
                        "per story, a PDF per page (default: --no-web; see docs/web.md)")
    c = sub.add_parser("check", help="validate an edition and report every problem, without writing files")
    c.add_argument("manifest", help="the edition's issue.yaml")
    c.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    n = sub.add_parser("plan", help="plan the pages whose stories name no columns: regions, headlines, copyfitting")
    n.add_argument("manifest", help="the edition's issue.yaml")
    n.add_argument("--json", action="store_true", help="print the plan as JSON")
    n.add_argument("--write", action="store_true",
                   help="write the planned columns and lines into the manifest (its comments and layout kept)")
    f = sub.add_parser("preflight", help="check a print PDF as a plant would (PDF/X-1a, CMYK, ink, fonts, boxes)")
    f.add_argument("pdf", help="the PDF to check")
    f.add_argument("--json", action="store_true", help="print the report as JSON")
    f.add_argument("--ink-limit", type=float, default=240.0, help="total ink limit in %% (default 240)")
    f = sub.add_parser("fonts", help="faces per role, their coverage, fallbacks and missing characters")
    f.add_argument("manifest", nargs="?", help="an edition's issue.yaml (without: the bundled faces)")
    f.add_argument("--installed", action="store_true",
                   help="list the faces installed on this machine (and in the style's font_dirs), by name")
    f.add_argument("--json", action="store_true", help="print the report as JSON")
    v = sub.add_parser("preview", help="page images (PNG), a contact sheet, the layout overlay, a live preview")
    v.add_argument("manifest", help="the edition's issue.yaml")
    v.add_argument("-o", "--output", help="output folder (default: output/<edition>/preview/)")
    v.add_argument("--dpi", type=int, default=100, help="resolution of the page images (default 100)")
    v.add_argument("--overlay", action="store_true", help="also draw the grid, regions, overset and underset")
    v.add_argument("--serve", action="store_true", help="serve on 127.0.0.1 and rebuild on every save")
    v.add_argument("--port", type=_port, default=8765, help="port for --serve (default 8765; 0 = any free port)")
    k = sub.add_parser("cache", help="what layout keeps between builds (composed text, photos); 'clear' drops it")
    k.add_argument("action", nargs="?", choices=["clear"], help="clear: remove every cache folder")
    s = sub.add_parser("site", help="(re)write an archive's root (date index, Atom feed, sitemap, search) "
                                    "from the editions built into it")
    s.add_argument("site_dir", help="the site folder: editions built into it with layout build ... --web -o SITE_DIR")
    s.add_argument("--base-url", default="", help="the address the site is published at (https://…/): "
                                                  "absolute links in the feed, and the sitemap")
    s.add_argument("--title", default="", help="the site's name (default: the papers' names and 数字报)")
    s.add_argument("--utc-offset", default="+08:00",
                   help="the editions' time zone for the feed's dates (default +08:00)")
    s.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    return p


def _site(args) -> int:
    """`layout site SITE_DIR`: the archive's root files from the editions in it (layout/web/archive.py)."""
    import re

    from layout.web.archive import build_site
    from layout.web.syndication import base_url_problem

    problem = base_url_problem(args.base_url) if args.base_url else ""
    if not re.fullmatch(r"Z|[+-](?:0\d|1[0-4]):[0-5]\d", args.utc_offset):
        problem = f"--utc-offset {args.utc_offset!r} is not a time zone offset such as +08:00 or Z"
    if not Path(args.site_dir).is_dir():
        problem = f"{args.site_dir} is not a folder"
    if problem:
        print(f"layout site: {problem}", file=sys.stderr)
        return 2
    report = Report()
    written = build_site(Path(args.site_dir), report, base_url=args.base_url, title=args.title,
                         utc_offset=args.utc_offset)
    _print(report, args.json, show_info=True)
    if not args.json:
        for path in written:
            print(path)
    return 1 if report.has_errors else 0


def _fonts(args) -> int:
    from layout.fonts.report import bundled_report, fonts_report, installed_report, print_report

    report = Report()
    if args.installed and args.manifest is None:
        data = installed_report()
    elif args.manifest is None:
        data = bundled_report()
    else:
        from layout import pipeline

        edition = pipeline.prepare(args.manifest, report)
        if edition is None:
            _print(report, False, show_info=False)
            return 1
        data = installed_report(edition.style.font_dirs) if args.installed else fonts_report(edition)
    if args.json:
        sys.stdout.write(to_json_text(data) + "\n")
    else:
        import io

        shown = io.StringIO()
        print_report(data, shown)
        for line in shown.getvalue().splitlines():   # face names come from font files: shown, never obeyed
            print(printable(line))
        _print(Report([d for d in report.items if d.code in ("missing-glyph", "font-not-found")]), False, False)
    return 1 if any(d.code in ("missing-glyph", "font-not-found") for d in report.errors) else 0


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
        sys.stdout.write(to_json_text([d.to_json() for d in items]) + "\n")
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.markup import escape

        console = Console(stderr=True, highlight=False)
        colours = {ERROR: "bold red", WARNING: "yellow", INFO: "dim"}
        for d in items:   # what the input put in a diagnostic is shown, never obeyed (`printable`)
            where = f"{printable(str(d.source))}: " if d.source else ""
            console.print(f"{escape(where)}[{colours[d.severity]}]{d.severity}[/][dim]\\[{d.code}][/]: "
                          f"{escape(printable(d.message))}")
            if d.hint:
                console.print(f"    [cyan]hint:[/] {escape(printable(d.hint))}")
    else:
        for d in items:
            print(d.format(), file=sys.stderr)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        print(f"{counted(errors, 'error')}, {counted(warnings, 'warning')}", file=sys.stderr)


def _output_folder_usable(out: str | None) -> bool:
    """False, with a plain message, when -o names a file (or a path through one) instead of a folder."""
    from layout.outputs import output_folder_problem

    problem = output_folder_problem(Path(out)) if out else ""
    if problem:
        print(f"-o {out}: {problem}", file=sys.stderr)
        print("    hint: give -o a folder (it is made if missing); the outputs are named after the paper",
              file=sys.stderr)
    return not problem


def entry() -> None:
    """The `layout` command and `python -m layout`: `main`, then out at once. When the files are
    written and the report printed there is nothing left to tidy, and Python freeing the edition's
    objects one by one on the way out costs a fifth of a second (mypy's command exits the same way).
    What stops the command other than bad input (memory running out, a bug) is one plain message
    and exit status 1 (`layout.failure`), never a traceback, unless LAYOUT_DEBUG is set."""
    from layout import failure
    from layout.library_messages import quiet

    failure.settle_for_the_command()
    quiet()
    try:
        code = main(one_build=True)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - the command's last word (a Rust library's panic is no Exception);
        # main() called from Python still raises
        if os.environ.get("LAYOUT_DEBUG"):
            raise
        failure.report_unexpected(exc, sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    if "layout.pipeline" in sys.modules:   # workers are only ever started by the pipeline
        sys.modules["layout.pipeline"].stop_workers()
    os._exit(code)


def main(argv: list[str] | None = None, one_build: bool = False) -> int:
    """Run the command in argv; `one_build` when this process ends with it (`entry`), so that a
    build may tune the process for itself (`pipeline.settle_for_one_build`)."""
    args = _parser().parse_args(argv)
    if args.command == "fonts":
        return _fonts(args)
    if args.command == "cache":
        from layout.cache import run as run_cache

        return run_cache(args.action)
    if args.command == "site":
        return _site(args)
    if args.command == "preflight":
        from layout.render.preflight_report import run

        return run(args.pdf, as_json=args.json, ink_limit=args.ink_limit)
    if args.command == "plan":
        from layout.plan_command import run as run_plan

        return run_plan(args, lambda report: _print(report, False, show_info=False))
    if args.command == "preview":
        from layout.preview.command import run as run_preview

        return run_preview(args, lambda report: _print(report, False, show_info=False), _progress)
    if args.command == "build":
        if not _output_folder_usable(args.output):
            return 2
        if len(args.manifest) > 1 or args.scheduler:
            return _build_many(args)
        args.manifest = args.manifest[0]
    from layout import pipeline

    report = Report()
    interactive = sys.stderr.isatty() and not args.json
    building = args.command == "build"
    both = not (getattr(args, "pdf", False) or getattr(args, "epub", False))
    if building and (both or args.pdf or args.web):
        if one_build:
            pipeline.settle_for_one_build()
        pipeline.start_workers()  # photo checks, photos and the EPUB go to worker processes
    try:
        with _progress(interactive) as progress:
            edition = pipeline.prepare(args.manifest, report, progress, prefetch_photos=building)
            written: list[Path] = []
            if building and edition is not None:
                out_dir = pipeline.output_dir(Path(args.manifest), args.output)
                options = pipeline.BuildOptions(pdf=args.pdf or both, epub=args.epub or both, split=args.split,
                                                marks=args.marks, embed_fonts=args.embed_fonts, web=args.web,
                                                parallel=True)
                written = pipeline.build(edition, out_dir, report, options, progress)
    except BaseException:
        pipeline.stop_workers(wait=False)   # what failed may be the workers themselves
        raise
    finally:
        pipeline.stop_workers()
    _print(report, args.json, show_info=args.command == "check")
    if not args.json:
        for path in written:
            print(path)
        if args.command == "check" and edition is not None and not report.has_errors:
            print(f"ok: {counted(len(edition.frames), 'page')}, {counted(len(edition.issue.articles), 'article')}", file=sys.stderr)
        if args.command == "build" and edition is None:
            print("nothing written: fix the errors above", file=sys.stderr)
    return 1 if report.has_errors else 0


# -- several editions at once: `layout build issues/*/issue.yaml --jobs N` ---------------------------


def _build_many(args) -> int:
    """Build several editions in parallel processes (`batch.run_in_processes`) or on a Dask
    cluster (`--scheduler`: `cluster.run_on_dask`) with one progress display; a failing edition
    does not stop the others; all are reported at the end; exit 1 if any failed."""
    from layout import batch, pipeline

    manifests = list(dict.fromkeys(args.manifest))
    if len(args.manifest) == 1:   # one edition (sent to a cluster): -o names its folder, as for one build
        outs = [pipeline.output_dir(Path(manifests[0]), args.output)]
    else:
        outs = [pipeline.output_dir(Path(m), None) if not args.output else Path(args.output) / Path(m).resolve().parent.name
                for m in manifests]
    clash = [str(m) for m, o in zip(manifests, outs) if outs.count(o) > 1]
    if clash:
        print(f"these manifests would write to the same folder: {', '.join(clash)}", file=sys.stderr)
        print("    hint: keep one edition per folder (issues/<date>/issue.yaml)", file=sys.stderr)
        return 2
    if args.jobs is not None and args.jobs < 1:
        print("--jobs must be 1 or more", file=sys.stderr)
        return 2
    if args.jobs is not None and args.scheduler not in (None, "local"):
        print("--jobs does not apply to a cluster: its workers decide how many editions run at once", file=sys.stderr)
        print("    hint: start each machine's workers with `dask worker ADDRESS --nworkers -1 --nthreads 1`",
              file=sys.stderr)
        return 2
    jobs = min(args.jobs or os.cpu_count() or 1, len(manifests))
    both = not (args.pdf or args.epub)
    options = pipeline.BuildOptions(pdf=args.pdf or both, epub=args.epub or both, split=args.split,
                                    marks=args.marks, embed_fonts=args.embed_fonts, web=args.web)
    work = batch.edition_jobs(manifests, outs, options)
    interactive = sys.stderr.isatty() and not args.json
    with _BatchProgress(manifests, interactive) as shown:
        if args.scheduler:
            from layout.cluster import ClusterError, run_on_dask

            try:
                results = run_on_dask(work, args.scheduler, jobs, shown)
            except ClusterError as exc:
                print(exc.message, file=sys.stderr)
                print(f"    hint: {exc.hint}", file=sys.stderr)
                return 1
        else:
            results = batch.run_in_processes(work, jobs, shown)
    failed = [manifests[i] for i in sorted(results) if results[i]["status"]]
    if args.json:
        sys.stdout.write(to_json_text([{"manifest": str(manifests[i]), "status": r["status"], "written": r["written"],
                                        "crash": r["crash"], "diagnostics": [d.to_json() for d in r["diagnostics"]]}
                                       for i, r in sorted(results.items())]) + "\n")
    else:
        for i, r in sorted(results.items()):
            where = f" (on {r['host']})" if args.scheduler and r["status"] and r["host"] else ""
            print(f"== {manifests[i]}: {'ok' if r['status'] == 0 else 'FAILED'}{where}", file=sys.stderr)
            _print(Report(list(r["diagnostics"])), False, show_info=False)
            if r["crash"]:
                for line in r["crash"].rstrip().splitlines():
                    print(printable(line), file=sys.stderr)
            for path in r["written"]:
                print(path)
        print(f"{len(manifests) - len(failed)} of {len(manifests)} editions built"
              + (f"; failed: {', '.join(map(str, failed))}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


class _BatchProgress:
    """One rich display for all editions on a terminal (a line per edition: its stage, then done or
    failed); nothing when piped. More editions than ROWS (an archive on a cluster): one line with
    the count built and failed, and a line per edition only while it is being built."""

    ROWS = 16

    def __init__(self, manifests, enabled: bool):
        self.names = [Path(m).resolve().parent.name for m in manifests]
        self.enabled = enabled
        self.progress = None
        self.tasks: dict[int, int] = {}
        self.many = len(self.names) > self.ROWS
        self.built = self.failed = 0
        self.finished: set[int] = set()   # a stage may arrive after its edition's end (from a cluster)

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=12),
                                     TextColumn("{task.fields[stage]}"), TimeElapsedColumn(),
                                     console=Console(stderr=True), transient=False)
            self.progress.start()
            if self.many:
                self.total = self.progress.add_task(f"{len(self.names)} editions", total=len(self.names), stage="")
            else:
                self.tasks = {i: self.progress.add_task(name, total=1, stage="waiting")
                              for i, name in enumerate(self.names)}
        return self

    def update(self, index: int, stage: str | None) -> None:
        if self.progress and stage and index not in self.finished:
            if index not in self.tasks:   # many editions: its line appears when it starts
                self.tasks[index] = self.progress.add_task(self.names[index], total=1, stage=stage)
            self.progress.update(self.tasks[index], stage=stage)

    def finish(self, index: int, ok: bool) -> None:
        if not self.progress:
            return
        self.finished.add(index)
        if not self.many:
            self.progress.update(self.tasks[index], completed=1,
                                 stage="[green]done[/]" if ok else "[bold red]failed[/]")
            return
        if index in self.tasks:
            self.progress.remove_task(self.tasks.pop(index))
        self.built += ok
        self.failed += not ok
        self.progress.update(self.total, advance=1, stage=f"{self.built} built"
                             + (f", [bold red]{self.failed} failed[/]" if self.failed else ""))

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()
        return False

"""Command-line interface: `layout build | check | plan | preflight | fonts | preview`.

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
from layout import pipeline
from layout.wording import counted


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
    b.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    b.add_argument("--pdf", action="store_true", help="write only the PDF (default: PDF and EPUB)")
    b.add_argument("--epub", action="store_true", help="write only the EPUB (default: PDF and EPUB)")
    b.add_argument("--split", action="store_true", help="also write one PDF per page, named by page")
    b.add_argument("--marks", action="store_true", help="add crop and registration marks and a colour bar")
    b.add_argument("--embed-fonts", action="store_true", help="embed subset fonts in the EPUB")
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
    return p


def _fonts(args) -> int:
    from layout.fonts.report import bundled_report, fonts_report, installed_report, print_report

    report = Report()
    if args.installed and args.manifest is None:
        data = installed_report()
    elif args.manifest is None:
        data = bundled_report()
    else:
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
    pipeline.stop_workers()
    os._exit(code)


def main(argv: list[str] | None = None, one_build: bool = False) -> int:
    """Run the command in argv; `one_build` when this process ends with it (`entry`), so that a
    build may tune the process for itself (`pipeline.settle_for_one_build`)."""
    args = _parser().parse_args(argv)
    if args.command == "fonts":
        return _fonts(args)
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
        if len(args.manifest) > 1:
            return _build_many(args)
        args.manifest = args.manifest[0]
    report = Report()
    interactive = sys.stderr.isatty() and not args.json
    building = args.command == "build"
    both = not (getattr(args, "pdf", False) or getattr(args, "epub", False))
    if building and (both or args.pdf):
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
                                                marks=args.marks, embed_fonts=args.embed_fonts, parallel=True)
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


def _build_one(index: int, manifest: str, out_dir: str, options, queue) -> dict:
    """One edition in a worker process: its diagnostics, files written and exit status (a bug is
    caught and reported as this edition's failure, so the other editions go on)."""
    report = Report()
    written: list[str] = []
    try:
        edition = pipeline.prepare(manifest, report, lambda stage: queue.put((index, stage)), prefetch_photos=True)
        if edition is not None:
            written = [str(p) for p in pipeline.build(edition, Path(out_dir), report, options,
                                                      lambda stage: queue.put((index, stage)))]
        status = 1 if report.has_errors or edition is None else 0
        crash = ""
    except Exception:  # a bug: keep the traceback for the summary
        import traceback

        status, crash = 1, traceback.format_exc()
    queue.put((index, None))
    return {"diagnostics": report.items, "written": written, "status": status, "crash": crash}


def _build_many(args) -> int:
    """Build several editions in parallel processes with one progress display; a failing edition
    does not stop the others; all are reported at the end; exit 1 if any failed."""
    import multiprocessing
    import os
    import time
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    manifests = list(dict.fromkeys(args.manifest))
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
    jobs = min(args.jobs or os.cpu_count() or 1, len(manifests))
    both = not (args.pdf or args.epub)
    options = pipeline.BuildOptions(pdf=args.pdf or both, epub=args.epub or both, split=args.split,
                                    marks=args.marks, embed_fonts=args.embed_fonts)
    results: dict[int, dict] = {}
    interactive = sys.stderr.isatty() and not args.json
    with multiprocessing.Manager() as manager, _BatchProgress(manifests, interactive) as shown:
        queue = manager.Queue()

        def run(indices: list[int], workers: int) -> list[int]:
            """Build these editions; returns those lost with a broken pool (a worker was killed)."""
            lost = []
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(_build_one, i, str(manifests[i]), str(outs[i]), options, queue): i
                           for i in indices}
                pending = set(futures)
                while pending:
                    while not queue.empty():
                        shown.update(*queue.get())
                    done = {f for f in pending if f.done()}
                    for f in done:
                        i = futures[f]
                        try:
                            results[i] = f.result()
                        except BrokenProcessPool:
                            lost.append(i)
                            continue
                        shown.finish(i, results[i]["status"] == 0)
                    pending -= done
                    if pending:
                        time.sleep(0.05)
            return lost

        # a killed worker (out of memory, a signal) breaks the whole pool: build the editions it took
        # down again, each in a pool of its own, so only the one that kills its process fails
        for i in run(list(range(len(manifests))), jobs):
            for j in run([i], 1):
                results[j] = {"diagnostics": [], "written": [], "status": 1,
                              "crash": "the build process was killed (out of memory?) before it finished"}
                shown.finish(j, False)
    failed = [manifests[i] for i in sorted(results) if results[i]["status"]]
    if args.json:
        sys.stdout.write(to_json_text([{"manifest": str(manifests[i]), "status": r["status"], "written": r["written"],
                                        "crash": r["crash"], "diagnostics": [d.to_json() for d in r["diagnostics"]]}
                                       for i, r in sorted(results.items())]) + "\n")
    else:
        for i, r in sorted(results.items()):
            print(f"== {manifests[i]}: {'ok' if r['status'] == 0 else 'FAILED'}", file=sys.stderr)
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
    failed); nothing when piped."""

    def __init__(self, manifests, enabled: bool):
        self.names = [Path(m).resolve().parent.name for m in manifests]
        self.enabled = enabled
        self.progress = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=12),
                                     TextColumn("{task.fields[stage]}"), TimeElapsedColumn(),
                                     console=Console(stderr=True), transient=False)
            self.progress.start()
            self.tasks = [self.progress.add_task(name, total=1, stage="waiting") for name in self.names]
        return self

    def update(self, index: int, stage: str | None) -> None:
        if self.progress and stage:
            self.progress.update(self.tasks[index], stage=stage)

    def finish(self, index: int, ok: bool) -> None:
        if self.progress:
            self.progress.update(self.tasks[index], completed=1,
                                 stage="[green]done[/]" if ok else "[bold red]failed[/]")

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()
        return False

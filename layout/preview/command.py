"""`layout preview ISSUE.yaml [-o DIR] [--dpi N] [--overlay] [--serve] [--port N]`.

`run(args, print_report, progress)` takes the parsed arguments (and, from the CLI, how to
print a Report and a progress context manager) and returns the exit status. Without
`--serve` it writes, atomically, into DIR (default output/<edition>/preview/): a PNG per
page (`p01.png`, with `--overlay` also `p01-overlay.png`), `index.html` (the contact
sheet) and a `p01.html` view per page with its diagnostics. With `--serve` it builds the
same, then serves and rebuilds it live (layout.preview.serve) until interrupted.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

from layout import pipeline
from layout.diagnostics import Report
from layout.preview import html
from layout.render.preview import PagePreviewer, Preview, page_name
from layout.outputs import describe_os_error, os_error_hint, output_folder_problem
from layout.util import write_atomic
from layout.wording import counted


def preview_dir(manifest: str | Path, out: str | Path | None) -> Path:
    """-o DIR, else output/<edition folder name>/preview/."""
    return Path(out) if out else pipeline.output_dir(Path(manifest), None) / "preview"


def write_html(preview: Preview, out_dir: Path) -> list[Path]:
    """The contact sheet and the page views as static files; page views of pages gone are removed."""
    out_dir = Path(out_dir)
    written = [out_dir / "index.html"]
    write_atomic(written[0], html.contact_sheet(preview).encode("utf-8"))
    keep = {page_name(p.number) for p in preview.pages}
    for p in preview.pages:
        path = out_dir / page_name(p.number)
        write_atomic(path, html.page_view(preview, p.number).encode("utf-8"))
        written.append(path)
    for old in out_dir.glob("p*.html"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    return written


@contextmanager
def _no_progress(_enabled: bool):
    yield None


def run(args, print_report=None, progress=None) -> int:
    """The `preview` command; exit status 0 clean (warnings allowed), 1 errors in the edition, 2 cannot serve."""
    print_report = print_report or (lambda report: [print(d.format(), file=sys.stderr) for d in report.sorted()])
    progress = progress or _no_progress
    out_dir = preview_dir(args.manifest, args.output)
    interactive = sys.stderr.isatty()
    if args.dpi < 20 or args.dpi > 600:
        print(f"--dpi {args.dpi}: choose between 20 and 600", file=sys.stderr)
        return 2
    problem = output_folder_problem(out_dir)
    if problem:
        print(f"cannot write the preview into {out_dir}: {problem}", file=sys.stderr)
        print("    hint: give -o a folder (it is made if missing)", file=sys.stderr)
        return 2
    if args.serve:
        return _serve(args, out_dir, progress, interactive)
    report = Report()
    written: list[Path] = []
    try:
        with progress(interactive) as step:
            edition = pipeline.prepare(args.manifest, report, step, prefetch_photos=True)
            if edition is not None:
                preview = PagePreviewer(out_dir, args.dpi, args.overlay).render(edition, report, step)
                written = write_html(preview, out_dir)
    except OSError as exc:   # a read-only or full disk: said once, plainly
        print_report(report)
        print(f"cannot write the preview into {out_dir}: {describe_os_error(exc)}", file=sys.stderr)
        print("    hint: " + (os_error_hint(exc) or "write it elsewhere with -o DIR"), file=sys.stderr)
        return 1
    print_report(report)
    if edition is None:
        print("nothing written: fix the errors above", file=sys.stderr)
    else:
        print(written[0])
        print(f"{counted(len(preview.pages), 'page')} at {preview.dpi} dpi in {out_dir}{' (with overlay)' if args.overlay else ''}",
              file=sys.stderr)
    return 1 if report.has_errors else 0


def _logger(interactive: bool):
    if not interactive:
        return lambda msg: print(msg, file=sys.stderr, flush=True)
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True, highlight=False)
    return lambda msg: console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {escape(msg)}")


def _serve(args, out_dir: Path, progress, interactive: bool) -> int:
    from layout.preview.serve import LivePreview

    live = LivePreview(args.manifest, out_dir, args.dpi, args.overlay, port=args.port, log=_logger(interactive))
    try:
        with progress(interactive) as step:
            url = live.start(step)
    except OSError as exc:
        print(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        print("    hint: another program uses the port: pick another with --port N (0 = any free port)",
              file=sys.stderr)
        live.stop()
        return 2
    print(f"preview at {url}  (watching {live.manifest.parent}; Ctrl-C to stop)", file=sys.stderr, flush=True)
    print(url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        live.stop()
    return 0

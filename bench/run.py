"""Benchmark runner: wall time and peak memory of each stage on the benchmark edition, beside Typst.

Takes: options (see --help); makes the edition with `bench/generate.py` first if it is missing.
Returns: prints a table (and with --json the raw figures) of every stage of `layout`
(import, load, fonts, compose, make-up, PDF, preflight, EPUB, write, preview),
cold and warm, then `layout build` end to end as a user runs it, then Typst
compiling the same text in the same fonts and column count, with the ratio.

- cold: a fresh Python process with an empty layout cache (XDG_CACHE_HOME in a
  temporary folder): imports, font loading and photo conversion all count.
  The operating system's file cache is left alone (this is no root-only benchmark).
- warm: the same edition built again in the process that just built it (what the
  live preview and an editor's second build see: modules imported, faces parsed,
  converted photos cached).
- time per stage is exclusive: compose is the time inside the typesetter's
  paragraph, headline and run calls, make-up is the rest of page make-up.
- memory per stage is the process's peak resident set size while the stage ran
  (Linux VmHWM, reset at every stage boundary through /proc/self/clear_refs),
  so it includes what earlier stages left in memory.

Run: `python bench/run.py` (about a minute). `--profile FILE` writes a pyinstrument
profile of one cold build (text, or HTML when FILE ends in .html).
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_START = time.perf_counter()
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EDITION = HERE / "edition"
STAGES = ("import", "load", "fonts", "compose", "make-up", "PDF", "preflight", "EPUB", "write", "preview")
BUILD_STAGES = STAGES[:-1]            # what `layout build` does (PDF + EPUB)
TO_PDF = ("import", "load", "fonts", "compose", "make-up", "PDF")   # what Typst does


# ----------------------------------------------------------------------------- memory


def _hwm_kib() -> int:
    """Peak resident set size of this process since the last reset, KiB (0 where /proc has none)."""
    try:
        with open("/proc/self/status") as fh:
            m = re.search(r"VmHWM:\s+(\d+)", fh.read())
        return int(m.group(1)) if m else 0
    except OSError:
        return 0


def _worker_hwm_kib() -> int:
    """Peak resident set size of the EPUB worker process(es) `layout build` started, KiB."""
    from layout import pipeline

    pool = getattr(pipeline, "_pool", None)
    total = 0
    for pid in list(getattr(pool, "_processes", {}) or {}):
        try:
            with open(f"/proc/{pid}/status") as fh:
                m = re.search(r"VmHWM:\s+(\d+)", fh.read())
            total += int(m.group(1)) if m else 0
        except OSError:
            pass
    return total


def _reset_hwm() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


# ----------------------------------------------------------------------------- stage meter


class Meter:
    """Exclusive wall time and peak memory per stage, from wrappers around the pipeline's functions."""

    def __init__(self):
        self.time = {s: 0.0 for s in STAGES}
        self.peak = {s: 0 for s in STAGES}
        self.stack: list[list] = []       # [stage, started, absorbing]
        self.fine_depth = 0

    def _switch(self) -> float:
        """Close the running segment: charge time and memory to the stage on top of the stack."""
        now = time.perf_counter()
        if self.stack:
            top = self.stack[-1]
            self.time[top[0]] += now - top[1]
            self.peak[top[0]] = max(self.peak[top[0]], _hwm_kib())
            top[1] = now
        _reset_hwm()
        return now

    def wrap(self, owner, name: str, stage: str, absorbing: bool = False) -> None:
        inner = getattr(owner, name)
        meter = self

        def wrapper(*args, **kwargs):
            if meter.stack and (meter.stack[-1][2] or meter.stack[-1][0] == stage):
                return inner(*args, **kwargs)   # inside an absorbing stage (preview) or the same stage
            now = meter._switch()
            meter.stack.append([stage, now, absorbing])
            try:
                return inner(*args, **kwargs)
            finally:
                meter._switch()
                meter.stack.pop()
                if meter.stack:
                    meter.stack[-1][1] = time.perf_counter()

        wrapper.__wrapped__ = inner
        setattr(owner, name, wrapper)

    def wrap_fine(self, owner, name: str, stage: str, parent: str) -> None:
        """Time only (no memory reads: called thousands of times), moved from `parent` to `stage`."""
        inner = getattr(owner, name)
        meter = self

        def wrapper(*args, **kwargs):
            if meter.fine_depth or not meter.stack or meter.stack[-1][0] != parent:
                return inner(*args, **kwargs)
            meter.fine_depth += 1
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t
                meter.fine_depth -= 1
                meter.time[stage] += dt
                meter.time[parent] -= dt

        setattr(owner, name, wrapper)

    def reset(self) -> None:
        self.time = {s: 0.0 for s in STAGES}
        self.peak = {s: 0 for s in STAGES}


def instrument() -> Meter:
    """Wrap the pipeline's stage functions (the running code is the real `prepare` and `build`)."""
    import layout.render.pdf as pdf
    import layout.render.preflight as preflight
    from layout import pipeline
    from layout.page.typeset import Typesetter

    m = Meter()
    for name in ("load_manifest", "build_issue", "load_style"):
        m.wrap(pipeline, name, "load")
    m.wrap(pipeline, "Typesetter", "fonts")
    m.wrap(pipeline, "check_coverage", "fonts")
    m.wrap(pipeline, "make_pages", "make-up")
    m.wrap(pipeline, "embed_fonts", "make-up")
    for name in ("paragraph", "headline", "runs"):
        m.wrap_fine(Typesetter, name, "compose", "make-up")
    m.wrap(pipeline, "build", "write")            # what build does besides the stages below
    m.wrap(pdf, "render_pdf", "PDF")
    m.wrap(preflight, "preflight", "preflight")
    m.wrap(pipeline, "_epub_result", "EPUB")     # the EPUB is made in the worker: this is the wait for it
    return m


def _instrument_preview(meter: Meter) -> None:
    """The preview stage, wrapped when first run (`layout build` never imports the preview)."""
    import layout.render.preview as preview

    if not getattr(preview.PagePreviewer.render, "_metered", False):
        meter.wrap(preview.PagePreviewer, "render", "preview", absorbing=True)
        preview.PagePreviewer.render._metered = True


# ----------------------------------------------------------------------------- one build (child process)


def build_once(meter: Meter, manifest: Path, out: Path, preview: bool) -> dict:
    from layout import pipeline
    from layout.diagnostics import Report

    report = Report()
    edition = pipeline.prepare(manifest, report, prefetch_photos=True)
    if edition is None:
        raise SystemExit("the benchmark edition does not lay out:\n" + "\n".join(d.format() for d in report.errors))
    written = pipeline.build(edition, out, report, pipeline.BuildOptions(parallel=True))
    if preview:
        _instrument_preview(meter)
        from layout.render.preview import PagePreviewer

        PagePreviewer(out / "preview", 100, False).render(edition, report)
    return {"pages": len(edition.frames), "errors": len(report.errors), "warnings": len(report.warnings),
            "bytes": {p.suffix: p.stat().st_size for p in written}}


def child(args) -> None:
    """Run in a fresh process: one cold build, then `--warm` warm builds; print JSON."""
    meter_t0 = T_START
    _reset_hwm()
    import layout.pipeline  # noqa: F401  (the import stage: what `layout build` loads in its own process)
    import layout.render.epub  # noqa: F401  (its light part: the book is made in a worker process)
    import layout.render.pdf  # noqa: F401
    import layout.render.preflight  # noqa: F401

    layout.pipeline.settle_for_one_build()  # as `layout build` does
    layout.pipeline.start_workers()
    meter = instrument()
    meter.time["import"] = time.perf_counter() - meter_t0
    meter.peak["import"] = _hwm_kib()
    manifest = Path(args.edition) / "issue.yaml"
    runs = []
    with tempfile.TemporaryDirectory(prefix="layout-bench-") as tmp:
        info = build_once(meter, manifest, Path(tmp) / "cold", not args.no_preview)
        runs.append({"time": dict(meter.time), "peak": dict(meter.peak), "worker_peak": _worker_hwm_kib()})
        for i in range(args.warm):
            meter.reset()
            build_once(meter, manifest, Path(tmp) / f"warm{i}", not args.no_preview)
            runs.append({"time": dict(meter.time), "peak": dict(meter.peak), "worker_peak": _worker_hwm_kib()})
    print(json.dumps({"info": info, "runs": runs}))


def typst_child(args) -> None:
    """Typst in a fresh process: import + compile (cold), then compile again (warm); print JSON."""
    t0 = T_START
    _reset_hwm()
    import typst

    src = Path(args.edition) / "edition.typ"
    compiler = typst.Compiler(str(src), font_paths=[str(ROOT / "fonts")], ignore_system_fonts=True)
    pdf = compiler.compile()
    cold, cold_peak = time.perf_counter() - t0, _hwm_kib()
    warm = []
    for _ in range(max(1, args.warm)):
        _reset_hwm()
        t = time.perf_counter()
        compiler.compile()
        warm.append((time.perf_counter() - t, _hwm_kib()))
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(pdf))
    print(json.dumps({"cold": cold, "cold_peak": cold_peak, "warm": min(w[0] for w in warm),
                      "warm_peak": max(w[1] for w in warm), "pages": pages, "bytes": len(pdf),
                      "version": getattr(typst, "__version__", "?")}))


# ----------------------------------------------------------------------------- parent


def _run_child(argv: list[str], env: dict | None = None) -> dict:
    """Run this script as a child process (a fresh interpreter); returns the JSON it prints."""
    proc = subprocess.run([sys.executable, *argv], capture_output=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr.decode(errors='replace')[-3000:]}")
    lines = [ln for ln in proc.stdout.decode().splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def _cli_build(edition: Path, again: bool = True) -> list[tuple[float, int, int]]:
    """`python -m layout build` end to end in a fresh process with an empty cache folder, then
    (with `again`) once more with the same folder (a rebuild in a new process: fonts and separated
    photos come from the disk cache). Returns (s, peak KiB, exit) of each."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="layout-bench-") as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        for i in range(2 if again else 1):
            t = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "layout", "build", str(edition / "issue.yaml"), "-o",
                                     str(Path(tmp) / f"out{i}")], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
            _pid, status, rusage = os.wait4(proc.pid, 0)
            runs.append((time.perf_counter() - t, rusage.ru_maxrss, os.waitstatus_to_exitcode(status)))
    return runs


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1048576
    except (OSError, AttributeError):
        mem = 0
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _fmt_t(x: float | None) -> str:
    return "—" if x is None else f"{x:6.2f}"


def _fmt_m(kib: int | None) -> str:
    return "—" if not kib else f"{kib / 1024:5.0f}"


def table(result: dict) -> str:
    cold, warm, typ = result["cold"], result.get("warm"), result.get("typst")
    lines = [f"machine: {result['machine']}",
             f"load average at start / end: {result['load_start']} / {result['load_end']}",
             f"edition: {result['edition']}",
             "",
             "| stage | cold s | cold peak MB | warm s | warm peak MB |",
             "|---|---:|---:|---:|---:|"]
    for s in STAGES:
        if s == "preview" and result.get("no_preview"):
            continue
        lines.append(f"| {s} | {_fmt_t(cold['time'][s])} | {_fmt_m(cold['peak'][s])} | "
                     f"{_fmt_t(warm['time'][s]) if warm else '—'} | {_fmt_m(warm['peak'][s]) if warm else '—'} |")

    def total(run, stages):
        key = "to PDF" if stages is TO_PDF else "build"
        seconds = run["totals"][key] if "totals" in run else sum(run["time"][s] for s in stages)
        return seconds, max(run["peak"][s] for s in stages)

    for label, stages in (("**to PDF** (import … PDF)", TO_PDF), ("**PDF + EPUB** (`layout build`)", BUILD_STAGES)):
        ct, cm = total(cold, stages)
        wt, wm = total(warm, stages) if warm else (None, None)
        lines.append(f"| {label} | {_fmt_t(ct)} | {_fmt_m(cm)} | {_fmt_t(wt)} | {_fmt_m(wm)} |")
    cli = result.get("cli")
    if cli:
        runs = f", median of {len(cli['runs'])}" if len(cli.get("runs", [])) > 1 else ""
        lines.append(f"| `layout build` CLI, end to end (exit {cli['exit']}{runs}) | {_fmt_t(cli['wall'])} | "
                     f"{_fmt_m(cli['peak'])} | — | — |")
    again = result.get("cli_again")
    if again:
        lines.append(f"| `layout build` again in a new process, disk caches filled (exit {again['exit']}) | "
                     f"{_fmt_t(again['wall'])} | {_fmt_m(again['peak'])} | — | — |")
    if typ:
        typ_runs = f", median of {len(typ['runs'])}" if len(typ.get("runs", [])) > 1 else ""
        lines.append(f"| Typst {typ['version']} (same text, fonts, 8 columns; {typ['pages']} pages{typ_runs}) | "
                     f"{_fmt_t(typ['cold'])} | {_fmt_m(typ['cold_peak'])} | {_fmt_t(typ['warm'])} | "
                     f"{_fmt_m(typ['warm_peak'])} |")
        ct, _ = total(cold, TO_PDF)
        wt, _ = total(warm, TO_PDF) if warm else (None, None)
        lines.append("")
        lines.append(f"ratio layout / Typst, to PDF: cold {ct / typ['cold']:.1f}x"
                     + (f", warm {wt / typ['warm']:.1f}x" if wt else ""))
        text_c = sum(cold["time"][s] for s in ("load", "fonts", "compose", "make-up"))
        lines.append(f"(layout's load + fonts + compose + make-up alone, cold: {text_c:.2f} s)")
    bt, bm = total(cold, BUILD_STAGES)
    if len(cold.get("runs", [])) > 1:
        lines.append(f"cold runs, PDF + EPUB: {', '.join(f'{r:.2f}' for r in cold['runs'])} s"
                     + (f"; CLI: {', '.join(f'{r:.2f}' for r in cli['runs'])} s" if cli and "runs" in cli else "")
                     + (f"; Typst: {', '.join(f'{r:.2f}' for r in typ['runs'])} s" if typ and "runs" in typ else ""))
    worker = cold.get("worker_peak", 0)
    lines.append(f"worker processes (photo checks, photos, EPUB), peaks added: {_fmt_m(worker).strip()} MB")
    both = bm + worker   # the processes' peaks, as if they coincided
    # judged on what an editor waits for, the command from the shell, when it was measured
    seconds = cli["wall"] if cli else bt
    verdict = "met" if seconds <= 5 and both <= 600 * 1024 else "MISSED"
    lines.append(f"target PDF + EPUB cold <= 5 s and <= 600 MB: {verdict} ({seconds:.2f} s "
                 f"{'from the shell' if cli else 'in process'}, {both / 1024:.0f} MB with the workers)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edition", type=Path, default=EDITION, help="edition folder (default bench/edition/)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="cold runs (in process and of the CLI) to take the median of (default 1)")
    ap.add_argument("--warm", type=int, default=1,
                    help="warm builds after the cold one (default 1; the fastest counts)")
    ap.add_argument("--no-typst", action="store_true", help="skip the Typst comparison")
    ap.add_argument("--no-preview", action="store_true", help="skip the preview stage")
    ap.add_argument("--no-cli", action="store_true", help="skip the end-to-end `layout build` run")
    ap.add_argument("--json", type=Path, help="also write the raw figures to this file")
    ap.add_argument("--profile", type=Path, help="write a pyinstrument profile of one cold build here and stop")
    ap.add_argument("--child", choices=("layout", "typst"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child == "layout":
        child(args)
        return 0
    if args.child == "typst":
        typst_child(args)
        return 0

    if not (args.edition / "issue.yaml").is_file():
        if args.edition != EDITION:
            raise SystemExit(f"no issue.yaml in {args.edition}")
        print("making the benchmark edition (bench/generate.py) …", file=sys.stderr)
        sys.path.insert(0, str(HERE))
        import generate

        generate.generate(args.edition, log=lambda msg: print(msg, file=sys.stderr))
    # "cold" is a new process, as on any machine after the first run of `layout`: Python's
    # bytecode cache filled. (Where PYTHONDONTWRITEBYTECODE is set, as here, Python never fills it.)
    compileall.compile_dir(str(HERE.parent / "layout"), quiet=1)
    if args.profile:
        return _profile(args)

    result = {"machine": machine(), "load_start": _load(), "edition": str(args.edition),
              "no_preview": args.no_preview}
    have_typst = not args.no_typst and _typst_installed()
    colds, clis, typsts = [], [], []
    warm = None
    # Each round runs layout in process, then the command, then Typst, one after the other, so
    # that the machine's slow and fast minutes (other tenants) fall on all three alike.
    for i in range(max(1, args.repeat)):
        with tempfile.TemporaryDirectory(prefix="layout-bench-cache-") as cache:
            env = {**os.environ, "XDG_CACHE_HOME": cache}
            argv = [str(Path(__file__)), "--child", "layout", "--edition", str(args.edition),
                    "--warm", str(args.warm if i == 0 else 0)]
            if args.no_preview:
                argv.append("--no-preview")
            data = _run_child(argv, env)
        colds.append(data["runs"][0])
        if i == 0 and len(data["runs"]) > 1:
            warms = data["runs"][1:]
            warm = {"time": {s: min(r["time"][s] for r in warms) for s in STAGES},
                    "peak": {s: max(r["peak"][s] for r in warms) for s in STAGES}}
            warm["time"]["import"] = 0.0
            warm["peak"]["import"] = 0
        result["info"] = data["info"]
        line = f"round {i + 1}: in process {sum(colds[-1]['time'][s] for s in BUILD_STAGES):.2f} s"
        if not args.no_cli:
            clis.append(_cli_build(args.edition, again=i == 0))
            line += f", command {clis[-1][0][0]:.2f} s"
        if have_typst:
            typsts.append(_run_child([str(Path(__file__)), "--child", "typst", "--edition", str(args.edition),
                                      "--warm", str(max(1, args.warm) if i == 0 else 1)]))
            line += f", Typst {typsts[-1]['cold']:.2f} s"
        print(line, file=sys.stderr, flush=True)
    result["cold"] = {"time": {s: statistics.median(c["time"][s] for c in colds) for s in STAGES},
                      "peak": {s: max(c["peak"][s] for c in colds) for s in STAGES},
                      "worker_peak": max(c.get("worker_peak", 0) for c in colds),
                      # the totals are the median of each run's total, not the sum of the stages' medians
                      "totals": {name: statistics.median(sum(c["time"][s] for s in stages) for c in colds)
                                 for name, stages in (("to PDF", TO_PDF), ("build", BUILD_STAGES))},
                      "runs": [round(sum(c["time"][s] for s in BUILD_STAGES), 3) for c in colds]}
    result["warm"] = warm
    if clis:
        walls = [c[0][0] for c in clis]
        result["cli"] = {"wall": statistics.median(walls), "runs": [round(w, 3) for w in walls],
                         "peak": max(c[0][1] for c in clis), "exit": max(c[0][2] for c in clis)}
        again, again_peak, again_code = clis[0][1]
        result["cli_again"] = {"wall": again, "peak": again_peak, "exit": again_code}
    if typsts:
        result["typst"] = {**typsts[0], "cold": statistics.median(t["cold"] for t in typsts),
                           "cold_peak": max(t["cold_peak"] for t in typsts),
                           "runs": [round(t["cold"], 3) for t in typsts]}
    result["load_end"] = _load()
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _typst_installed() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        print("typst is not installed (pip install -e '.[bench]'): no comparison", file=sys.stderr)
        return False
    return True


def _profile(args) -> int:
    """One cold build under pyinstrument in a fresh process with an empty cache."""
    with tempfile.TemporaryDirectory(prefix="layout-bench-") as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        renderer = "html" if args.profile.suffix == ".html" else "text"
        # `layout build` as the command runs it, but returning: the command itself ends with os._exit,
        # which would leave pyinstrument no chance to write its report
        build = ("import sys; from layout import cli, pipeline; code = cli.main(sys.argv[1:], one_build=True); "
                 "pipeline.stop_workers(); sys.exit(code)")
        cmd = [sys.executable, "-m", "pyinstrument", "-r", renderer, "-o", str(args.profile), "-c", build, "build",
               str(args.edition / "issue.yaml"), "-o", str(Path(tmp) / "out")]
        code = subprocess.call(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    written = args.profile.exists() and args.profile.stat().st_size > 0
    print(f"profile written to {args.profile}" if written else "profiling failed", file=sys.stderr)
    return 0 if code in (0, 1) else code


if __name__ == "__main__":
    sys.exit(main())

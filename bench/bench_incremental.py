"""Benchmark of rebuilds after a one-story edit: in the same process, and in a new one (`layout build`).

Takes: options (--manifest PATH, default the benchmark edition; --story FILE, an article file
of the edition, default the first of page 1; --edits N; --typst to time Typst's cold compile in
the same run). Returns: prints, on a copy of the edition in a temporary folder with its own
cache folder (XDG_CACHE_HOME), the wall and processor time of

- **cold**: `python -m layout build` in a new process, empty cache (nothing composed before);
- **warm rebuild**: after each one-story edit, the edition prepared again and its PDF drawn in
  the process that built it before (what the live preview does; the PDF/X finish and the
  preflight included, the EPUB not), and with the EPUB too;
- **new process**: after each one-story edit, `python -m layout build` in a new process with
  the cache of the earlier builds (the pages not edited read back from the make-up memo's
  disk store, the edited page's compositions from the composition memo);
- **cold, photos separated**: the same cold build with every photo's separation already in the
  photo store (`~/.cache/layout/photos/`, copied from the cold build's) and every other store
  empty: what compares like with like against Typst, which embeds the JPEGs as they came (RGB,
  no separation to CMYK, no ink limit, no preflight);
- with --typst, Typst compiling the benchmark edition's text in a new process (cold), as
  `bench/run.py` does.

`--cold N` makes N cold builds of each kind, alternating (medians printed).

Each edit changes one sentence of the story (a full stop becomes a comma and back), so the
edition's characters stay the same; medians of the edits. The machine's load is printed with
the figures: on a shared machine the processor time is the steadier figure.
Run: `python bench/bench_incremental.py` (about a minute; `bench/generate.py` first).
"""
from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def _edit(story: Path, original: str, i: int) -> None:
    """The i-th edit: the i-th full stop of the story's body made a comma (a sentence run on)."""
    stops = [m.start() for m in re.finditer("。", original)]
    at = stops[(i + 1) % len(stops)]
    story.write_text(original[:at] + "，" + original[at + 1:], encoding="utf-8")


def _cli(manifest: Path, out: Path, env: dict) -> tuple[float, float]:
    """`python -m layout build` in a new process -> (wall s, processor s of it and its workers)."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"layout build failed: {proc.stderr.read().decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start) -> tuple[float, float]:
    return time.perf_counter() - start[0], time.process_time() - start[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", type=Path, default=HERE / "edition" / "issue.yaml")
    ap.add_argument("--story", help="the article file edited, relative to the manifest's folder")
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--typst", action="store_true", help="also time Typst's cold compile (bench extra)")
    ap.add_argument("--cold", type=int, default=1, help="cold builds of each kind, alternating (default 1)")
    args = ap.parse_args()
    if not args.manifest.is_file():
        raise SystemExit(f"{args.manifest} not found: run python bench/generate.py first")
    # as bench/run.py: Python's bytecode cache filled, as on any machine after the first run of `layout`
    compileall.compile_dir(str(ROOT / "layout"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
        tmp = Path(tmp)
        shutil.copytree(args.manifest.parent, tmp / "edition", ignore=shutil.ignore_patterns("*.typ"))
        manifest = tmp / "edition" / args.manifest.name
        story = manifest.parent / (args.story or sorted((manifest.parent / "articles").glob("p01-*"))[0]
                                   .relative_to(manifest.parent))
        original = story.read_text(encoding="utf-8")
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache"), "PYTHONPATH": str(ROOT)}
        print(f"layout from {ROOT}", file=sys.stderr)
        os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
        load = os.getloadavg()[0]

        colds, colds_photos = [], []
        for i in range(max(1, args.cold)):
            cache = tmp / f"cache-cold-{i}"
            colds.append(_cli(manifest, tmp / "cold", {**env, "XDG_CACHE_HOME": str(cache)}))
            photos_only = tmp / f"cache-photos-{i}"   # the separations alone, every other store empty
            shutil.copytree(cache / "layout" / "photos", photos_only / "layout" / "photos")
            colds_photos.append(_cli(manifest, tmp / "cold-photos", {**env, "XDG_CACHE_HOME": str(photos_only)}))
            shutil.rmtree(photos_only)
        shutil.copytree(tmp / "cache-cold-0", env["XDG_CACHE_HOME"])   # the warm runs' cache: a cold build's
        cold = tuple(statistics.median(c[k] for c in colds) for k in (0, 1))
        cold_photos = tuple(statistics.median(c[k] for c in colds_photos) for k in (0, 1))

        from layout import pipeline
        from layout.diagnostics import Report
        try:
            from layout.memo import MEMO
        except ImportError:   # a layout from before the composition memo (for a before/after figure)
            MEMO = None

        pdf_only = pipeline.BuildOptions(pdf=True, epub=False)
        both = pipeline.BuildOptions()
        report = Report()
        pipeline.build(pipeline.prepare(manifest, report, prefetch_photos=True), tmp / "w", report, both)
        warm, warm_both, composed = [], [], []
        for i in range(args.edits):
            _edit(story, original, i)
            start = _clock()
            report = Report()
            edition = pipeline.prepare(manifest, report, prefetch_photos=True)
            # (used: this build's compositions, and those of pages read back whole, `MEMO.kept`)
            composed.append((MEMO.misses, len(MEMO.current.keys() | getattr(MEMO, "kept", set())))
                            if MEMO else ("?", "?"))
            pipeline.build(edition, tmp / "w", report, pdf_only)
            warm.append(_since(start))
            start = _clock()
            pipeline.build(edition, tmp / "w", report, both)
            warm_both.append(tuple(a + b for a, b in zip(warm[-1], _since(start))))   # prepare once, as a build
        fresh = []
        for i in range(args.edits):
            _edit(story, original, args.edits + i)
            fresh.append(_cli(manifest, tmp / "fresh", env))
        typst = None
        if args.typst:
            sys.path.insert(0, str(HERE))
            from run import _run_child   # bench/run.py's Typst child

            typst = _run_child([str(HERE / "run.py"), "--child", "typst", "--edition", str(args.manifest.parent),
                                "--warm", "1"])
        load_after = os.getloadavg()[0]

    def med(pairs):
        return f"{statistics.median(p[0] for p in pairs):.2f} s wall, {statistics.median(p[1] for p in pairs):.2f} s CPU"

    print(f"edition {args.manifest.parent.name}, story {story.name}; load average {load:.2f} -> {load_after:.2f}")
    each = f" (median of {len(colds)})" if len(colds) > 1 else ""
    print(f"cold `layout build` (new process, empty cache){each}:            {cold[0]:.2f} s wall, {cold[1]:.2f} s CPU "
          "(workers included)")
    print(f"cold `layout build`, the photos' separations already stored{each}: {cold_photos[0]:.2f} s wall, "
          f"{cold_photos[1]:.2f} s CPU")
    if len(colds) > 1:
        print("  cold runs (wall / CPU): " + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in colds)
              + "; photos stored: " + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in colds_photos))
    print(f"warm rebuild after a one-story edit, to PDF (median of {args.edits}): {med(warm)}")
    print(f"warm rebuild after a one-story edit, PDF + EPUB:            {med(warm_both)}")
    print(f"  compositions made / used: " + ", ".join(f"{m}/{u}" for m, u in composed))
    print(f"`layout build` in a new process after a one-story edit:     {med(fresh)} (workers included)")
    if typst:
        print(f"Typst {typst.get('version', '?')}, cold compile in a new process: {typst['cold']:.2f} s "
              f"(layout cold / Typst: {cold[0] / typst['cold']:.1f}x; with the photos' separations stored, "
              f"like with like: {cold_photos[0] / typst['cold']:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

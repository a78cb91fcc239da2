"""The stages in order: manifest -> model -> style -> pages -> outputs.

`prepare(path, report)` runs everything up to page frames and returns an
`Edition` (or None when the input is too broken to lay out); `build` renders
and writes the outputs atomically. Each stage reports into the same `Report`.
"""
from __future__ import annotations

import atexit
import os
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from layout.diagnostics import Report, Source
from layout.fonts.coverage import check_coverage
from layout.fonts.locale import regional_style
from layout.fonts.registry import adopt_face, prepare_embedding
from layout.manifest.load import load_manifest
from layout import model
from layout.model import Issue, build_issue
from layout.memo import MEMO, normalized
from layout.page.assemble import make_pages, planned_photos
from layout.page.selfcheck import CHROME, check_pages
from layout.page.frames import PageFrame
from layout.page.typeset import Typesetter
from layout.plan import IssuePlan, apply_plan, has_auto, plan_issue, plan_marks
from layout.plan.frozen import fixed_photo_widths
from layout.spans import check_fixed_overlaps, check_spans
from layout.outputs import OutputError, OutputSet, check_paper_name, file_stem
from layout.style import Style, load_style
from layout.wording import issue_number_name


@dataclass
class Edition:
    issue: Issue
    style: Style
    frames: tuple[PageFrame, ...]
    typesetter: Typesetter
    timings: dict[str, float] = field(default_factory=dict)
    plan: IssuePlan | None = None   # the planner's plan of the pages it placed (layout/plan), if any

    @property
    def stem(self) -> str:
        """File name stem: <paper>-<date>, the paper's name made a plain file name (`outputs.file_stem`)."""
        return file_stem(self.issue.paper.name, self.issue.info.date)

    @property
    def title(self) -> str:
        info = self.issue.info
        return f"{self.issue.paper.name} {info.date_cn} 第{info.number}期"


def prepare(path: str | Path, report: Report, progress=None, prefetch_photos: bool = False) -> Edition | None:
    """Read, check and lay out an edition. None when it cannot be laid out at all.
    With `prefetch_photos` (for a build that goes on to the PDF), the photos start separating for
    print (in the worker processes, `start_workers`, or else on threads) as soon as the fonts are
    loaded, before the pages are composed."""
    timings: dict[str, float] = {}
    step = progress or (lambda name: None)
    t = time.perf_counter()
    step("reading manifest")
    manifest = load_manifest(path, report)
    if manifest is None:
        return None
    issue = build_issue(manifest, report, normalize=normalized)
    _warm_up_a_worker()
    timings["load"] = time.perf_counter() - t
    if issue is None:
        return None
    check_paper_name(issue.paper.name, manifest.value_at("paper", "name"), report)
    style = load_style(issue.style, issue.root, report, issue.style_source)
    check_spans(issue, style.grid if style else None, style.name if style else "", report)
    if style is None:
        return None
    blocking = {"unknown-key", "missing-key", "wrong-type", "yaml-syntax", "duplicate-id", "duplicate-key"}
    if any(d.code in blocking for d in report.errors):
        check_fixed_overlaps(issue, style.grid, report)   # what make-up would say of the grid, said now
        return None  # the input is not what we think it is: don't guess a layout from it
    step("setting pages")
    t = time.perf_counter()
    style = regional_style(style, issue.info.lang, report, manifest.value_at("issue", "lang"))
    ts = Typesetter(style, issue.info.lang, report)
    MEMO.begin(Path(path))   # compositions of earlier builds of this edition (docs/performance.md)
    issue = fixed_photo_widths(issue, report)   # `photo_width` on placements with columns (a frozen plan)
    plan = None
    if has_auto(issue):   # stories without columns: planned, then made up as fixed regions
        step("planning pages")
        plan = plan_issue(issue, style, report, ts=ts)
        issue = apply_plan(issue, plan)
        timings["plan"] = time.perf_counter() - t
    on_page = _photo_prefetcher(issue, style, ts) if prefetch_photos else None   # before any text is set
    check_coverage(issue, ts)
    timings["fonts"] = time.perf_counter() - t
    t = time.perf_counter()
    frames = make_pages(issue, style, report, ts, on_page)
    if plan is not None:
        frames = plan_marks(frames, plan, style)
    timings["layout"] = time.perf_counter() - t
    t = time.perf_counter()
    report.extend(check_pages(frames, style, placement_sources(issue), _reported_overlaps(report)))
    timings["selfcheck"] = time.perf_counter() - t
    t = time.perf_counter()
    MEMO.end()   # after the self-check, whose headline checks go through it too
    timings["memo"] = time.perf_counter() - t
    t = time.perf_counter()
    embed_fonts(ts, timings)
    timings["embed"] = time.perf_counter() - t
    return Edition(issue, style, frames, ts, timings, plan)


def placement_sources(issue: Issue) -> dict[tuple[int, str], Source | None]:
    """(page number, region label) -> the placement's place in the manifest, and (page number,
    CHROME) -> the page's: how the make-up self-check names where a finding comes from."""
    out: dict[tuple[int, str], Source | None] = {}
    for page in issue.pages:
        out[(page.number, CHROME)] = page.source
        for pl in page.placements:
            out.setdefault((page.number, pl.label), pl.source)
    return out


_OVERLAP = re.compile(r"^'([^']+)' overlaps '([^']+)' on page (\d+)")


def _reported_overlaps(report: Report) -> frozenset[tuple[int, str]]:
    """(page, label) of each region make-up reported as overlapping another (`overlap` errors)."""
    found = [m for m in (_OVERLAP.match(d.message) for d in report.errors if d.code == "overlap") if m]
    return frozenset((int(m.group(3)), label) for m in found for label in m.group(1, 2))


def _photo_prefetcher(issue: Issue, style: Style, ts: Typesetter):
    """Start separating the edition's photos for print now, from the placements
    (`planned_photos`); -> a callback for `make_pages` that starts any photo whose frame came out
    otherwise (a photo run into the bleed) as its page is made up.
    Order: page 1's photos first (the EPUB's cover draws page 1 and takes them from the photo
    cache), then the largest first, so that the last photos, when every core is on them, are
    small ones and no core waits long for another."""
    from layout.render.colour import load_print_settings, prefetch_image
    from layout.render.pdf import prefetch_photos

    settings = load_print_settings(style.path, Report())  # its diagnostics are reported by build
    plan = planned_photos(issue, style, ts)
    cover = issue.pages[0].number if issue.pages else None
    first = [job for page, *job in plan if page == cover]
    rest = sorted((job for page, *job in plan if page != cover), key=lambda job: -job[2] * job[3])
    for path, crop, width, height in first + rest:
        prefetch_image(path, crop, width, height, settings)
    return lambda frame: prefetch_photos(frame, settings)


def embed_fonts(ts: Typesetter, timings: dict) -> None:
    """Make the TrueType subsets the PDF embeds for faces that need converting (CFF, collections)."""
    for key, chars in sorted(ts.used.items()):
        face = ts.face(key)
        t = time.perf_counter()
        path, cached = prepare_embedding(face, chars, ts.lang)
        if path != face.source:
            timings[f"convert {face.name}{' (cached)' if cached else ''}"] = time.perf_counter() - t


def output_dir(manifest_path: Path, out: str | Path | None) -> Path:
    """Where outputs go: -o DIR, else output/<edition folder name>/ under the working folder."""
    if out:
        return Path(out)
    return Path("output") / Path(manifest_path).resolve().parent.name


@dataclass(frozen=True)
class BuildOptions:
    """What `build` writes: the print PDF (optionally split per page, with printer's marks), the EPUB
    and, with `web`, the web edition (a `web/` folder: layout/web/)."""

    pdf: bool = True
    epub: bool = True
    split: bool = False
    marks: bool = False
    embed_fonts: bool = False
    #: the EPUB in a worker process while this one draws and checks the PDF (`start_workers`)
    parallel: bool = False
    #: the web edition, in the folder WEB_FOLDER (layout/web/)
    web: bool = False


def build(edition: Edition, out_dir: Path, report: Report, options: BuildOptions = BuildOptions(),
          progress=None) -> list[Path]:
    """Render the edition's outputs into `out_dir`; returns the files written. They are replaced
    together or not at all (`outputs.OutputSet`): when one cannot be written (a full disk, a
    read-only folder, a file size limit) the error is reported (`cannot-write`), every previous
    output is kept as it was and nothing is returned.
    With `options.parallel` and both outputs, the EPUB is made in the worker process
    (`start_workers`) while this process draws and checks the PDF."""
    try:
        with OutputSet(out_dir) as outputs:
            names = _write_outputs(edition, outputs, report, options, progress)
            outputs.commit()
            return [outputs.path(name) for name in names]
    except OutputError as exc:
        report.error("cannot-write", exc.message, Source(str(out_dir)), exc.hint)
        return []


def _write_outputs(edition: Edition, outputs: OutputSet, report: Report, options: BuildOptions,
                   progress=None) -> list[str]:
    """Render the outputs and write each into a temporary file of `outputs`; -> their names."""
    step = progress or (lambda name: None)
    written: list[str] = []
    from layout.render.colour import load_print_settings

    settings = load_print_settings(edition.style.path, report)  # the style's optional `print:` (docs/print.md)
    meta = dict(author=edition.issue.paper.publisher, subject=issue_number_name(edition.issue.info.lang, edition.issue.info.number),
                date=edition.issue.info.date, settings=settings, slug=edition.stem)
    epub_job = epub_file = None
    epub_written = None           # the EPUB's write, when it was ready before the PDF's preflight
    epub_diagnostics: list = []
    if options.epub and options.pdf and options.parallel:
        from layout.render.epub import epub_frames

        # the worker needs page 1 whole (the cover) and of the other pages what the EPUB reads
        light = replace(edition, frames=(*edition.frames[:1], *epub_frames(edition.frames[1:])))
        # the worker writes the EPUB into this file, staged now: removed with the others if the build fails
        epub_file = outputs.reserve(f"{edition.stem}.epub")
        epub_job = _start_epub(light, meta, options.embed_fonts, epub_file)
    if options.pdf or options.web:
        from layout.render.pdf import render_pdf
        from layout.render.preflight import preflight
        from layout.render.preflight_report import report_findings

        step("writing PDF")
        t = time.perf_counter()
        measured: dict[str, float] = {}   # each photo's ink as separation measured it: preflight need not decode it again
        files = [(f"{edition.stem}.pdf",
                  render_pdf(edition.frames, edition.title, marks=options.marks, measured=measured, **meta))]
        web_images = _start_web_images(edition, files[0][1]) if options.web else None   # beside the page PDFs
        if options.split:  # one PDF per page, named by its page number: plants plate page by page
            files += [(f"{edition.stem}-p{f.number:02d}.pdf",
                       render_pdf((f,), f"{edition.title} 第{f.number}版", marks=options.marks, **meta))
                      for f in edition.frames]
        web_files = files if options.split and not options.marks else [
            files[0], *((f"p{f.number}", render_pdf((f,), f"{edition.title} 第{f.number}版", **meta))
                        for f in (edition.frames if options.web else ()))]   # a reader's page PDF has no marks
        if not options.pdf:   # the PDFs were made for the web edition only
            files = []
        step("preflight")
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2, thread_name_prefix="write") as disk:   # the disk works while preflight reads
            web_written = (disk.submit(_write_web, edition, outputs, web_files, web_images, report)
                           if web_images else None)
            writes = [disk.submit(outputs.add, name, data) for name, data in files]
            if epub_job is not None and epub_job.done():   # made meanwhile: written while preflight reads too
                epub_made, epub_diagnostics = _epub_result(epub_job, edition, meta, options.embed_fonts)
                epub_written = disk.submit(_stage_epub, outputs, f"{edition.stem}.epub", epub_made, epub_file)
            for i, (name, data) in enumerate(files):
                # the pages repeat the edition's warnings: report only their errors
                report_findings(preflight(data, ink_limit=settings.ink_limit, known_inks=measured), report,
                                outputs.path(name), errors_only=i > 0)
            for (name, _data), done in zip(files, writes):
                done.result()
                written.append(name)
            if epub_written is not None:
                epub_written.result()
            if web_written is not None:
                web_written.result()
                written.append(WEB_FOLDER)
        edition.timings["pdf"] = time.perf_counter() - t
    if options.epub:
        step("writing EPUB")
        t = time.perf_counter()
        name = f"{edition.stem}.epub"
        if epub_written is None:
            epub_made, epub_diagnostics = _epub_result(epub_job, edition, meta, options.embed_fonts)
            _stage_epub(outputs, name, epub_made, epub_file)
        report.extend(epub_diagnostics)
        written.append(name)
        edition.timings["epub"] = time.perf_counter() - t
    return written


#: The web edition's folder in the output folder (layout/web/).
WEB_FOLDER = "web"


def _start_web_images(edition: Edition, pdf: bytes):
    """The web edition's page images and photos (`web.site.site_images`), started on a thread of
    their own now: they need only the print PDF, and are made while the page PDFs are drawn."""
    from concurrent.futures import ThreadPoolExecutor

    from layout.web.site import site_images

    pool = ThreadPoolExecutor(1, thread_name_prefix="web-images")
    job = pool.submit(site_images, edition, pdf)
    pool.shutdown(wait=False)
    return job


def _write_web(edition: Edition, outputs: OutputSet, pdfs: list[tuple[str, bytes]], images, report: Report) -> None:
    """The web edition (layout/web/) from its images (`_start_web_images`) and the page PDFs
    (`pdfs`: the edition's PDF first, then one per page in page order), staged in `outputs` as the
    folder WEB_FOLDER."""
    from layout.web.site import site_files

    t = time.perf_counter()
    pages = {f.number: data for f, (_name, data) in zip(edition.frames, pdfs[1:])}
    outputs.add_tree(WEB_FOLDER, site_files(edition, images.result(), pages, report))
    edition.timings["web"] = time.perf_counter() - t


def _stage_epub(outputs: OutputSet, name: str, epub: bytes | None, reserved: str | None) -> None:
    """Stage the EPUB as output `name`: nothing to do when the worker wrote it into the file
    `reserved` for it (`epub` None); else its bytes written into that file, or added."""
    if epub is None:
        return
    if reserved is not None:
        outputs.fill(reserved, epub)
    else:
        outputs.add(name, epub)


# ----------------------------------------------------------------------------- the EPUB worker process

_pool = None
#: Set by the build when it has nothing left to do but wait for the EPUB (`_epub_result`), cleared
#: when an EPUB job is given (`_start_epub`): the worker then runs the rest of the job at the
#: build's own priority (`_run_steps`). A multiprocessing Event, shared with the workers.
_urgent = None
#: In a worker: a thread at the build's own priority (made before the worker lowered its own), for
#: the rest of an EPUB job the build is waiting for.
_lane = None


#: Worker processes: on two cores or more, two, so that the EPUB is made beside the photos still being separated.
WORKERS = 2 if (os.cpu_count() or 1) >= 2 else 1


def start_workers() -> None:
    """Start the worker processes now, before reading the edition, so that their start-up is out
    of the way: on Linux, while this process has no other thread, they are forked, after this
    process has imported the print code it needs anyway (so they have it too, without importing it
    again: two workers importing beside this process's reading cost it more than the imports
    themselves); elsewhere, or with threads running, they are fresh interpreters ('spawn', safe
    beside threads) that import while the edition is read. `build` starts them if needed. The
    photo checks and the photos a build separates ahead go to them too (`model.check_images_in`,
    `colour.separate_in`)."""
    from layout.render import colour, pdf, preflight  # noqa: F401 - this process needs them for the PDF

    model.check_images_in(_workers())
    colour.separate_in(_workers())


#: glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Container objects allocated between two young-generation garbage collections (Python's default: 700)
GC_THRESHOLD = 50_000


def settle_for_one_build() -> None:
    """Settings for a process that makes one build and exits (the `layout build` command), made
    after its imports and before `start_workers` forks the workers, which inherit them (a
    spawned worker makes them itself). They trade a little memory for processor time:

    - Python's garbage collector runs every GC_THRESHOLD new container objects, not every 700:
      composition makes hundreds of thousands of tuples that live until the PDF is written, and
      the collector kept walking them (0.2 s of the main process's time on the benchmark edition,
      0.04 s now). Cycles are still collected, only later.
    - What the imports made is frozen (`gc.freeze`): no collection walks it again, here or in a
      worker, where walking it would also copy the pages it shares with this process.
    - glibc's malloc keeps the memory a build frees, for the next photo or page to reuse
      (`_reuse_freed_memory`).
    """
    import gc

    gc.set_threshold(GC_THRESHOLD, 20, 20)
    gc.freeze()
    _reuse_freed_memory()


def _reuse_freed_memory() -> None:
    """Have glibc's malloc keep freed memory. By default a block over 128 KB gets pages of its own
    from the kernel and gives them back when freed, and the top of the heap is returned past
    128 KB free; a photo's arrays (a few MB each, a dozen per photo) then cost fresh page faults
    every time: about half of a build's system time (110,000 of 220,000 page faults on the
    benchmark edition). Blocks up to 32 MB now come from the heap and up to 128 MB of free heap is
    kept. Peak memory barely moves (the main process's +25 MB, the workers' -35 MB), since what is
    kept is what the next photo needs. A no-op off glibc."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):   # not glibc (musl has it as a no-op, others may not)
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    mallopt(_M_TRIM_THRESHOLD, 128 << 20)


def _workers():
    global _pool
    if _pool is None:
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        global _urgent
        fork = sys.platform.startswith("linux") and threading.active_count() == 1
        context = multiprocessing.get_context("fork" if fork else "spawn")
        _urgent = context.Event()
        _pool = ProcessPoolExecutor(WORKERS, mp_context=context,
                                    initializer=_worker_init, initargs=(os.getpid(), _urgent))
        _pool.submit(os.getpid)   # the workers start now, while this process has no other thread
        atexit.register(stop_workers)
    return _pool


def _worker_init(parent: int, urgent=None) -> None:
    """In the worker: run at background priority, so the PDF (which the user waits on) goes first,
    and end when the build that started it ends, even by SIGKILL (which runs no exit handler).
    A thread made first keeps the build's priority (`_lane`: a process may lower its priority, but
    not raise it again), for the rest of an EPUB job once the build waits for it (`urgent` set)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from layout.render.colour import background_priority

    global _lane, _urgent
    _urgent = urgent
    _lane = ThreadPoolExecutor(1, thread_name_prefix="epub-urgent")
    _lane.submit(int).result()   # its thread starts now, at the priority this thread still has
    background_priority()
    settle_for_one_build()   # forked workers have the settings already; spawned ones need them

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _forget_workers() -> None:
    """In a child made by fork: the parent's worker processes are not this process's to use."""
    global _pool
    _pool = None
    model.check_images_in(None)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def stop_workers(wait: bool = True) -> None:
    """Let the worker processes go (at exit, before the interpreter takes its modules apart).
    `wait=False` when the build failed (memory ran out while they started, say): a worker that
    ran out of memory may hold the result queue's lock for ever, and the interpreter's exit would
    wait for it; so the workers are ended (their work is for this failed build only)."""
    global _pool
    if _pool is not None:
        colour = sys.modules.get("layout.render.colour")
        if colour is not None:
            colour.separate_in(None)
        model.check_images_in(None)
        processes = list((getattr(_pool, "_processes", None) or {}).values())
        _pool.shutdown(wait=wait, cancel_futures=True)
        if not wait:
            for process in processes:
                process.kill()
        _pool = None


def _warm_up_a_worker() -> None:
    """Have one worker import the EPUB's code now, between the photo checks (done) and the photos
    (once the fonts are loaded). The other would do it for a one-in-two chance of being the one
    that makes the EPUB. Nothing to do without workers, or with dead ones (the EPUB is then made
    here)."""
    from concurrent.futures import BrokenExecutor

    if _pool is not None:
        try:
            _pool.submit(_warm_up)
        except (BrokenExecutor, RuntimeError):
            pass


def _warm_up() -> None:
    """In the worker: import what the EPUB job needs (and, when spawned, the print code) while the
    parent reads the edition."""
    import layout.render.epub.book  # noqa: F401
    import layout.render.pdf  # noqa: F401


def _epub_in_worker(edition: Edition, meta: dict, embed_fonts: bool, cover_key: bytes | None = None,
                    into: str | None = None) -> tuple[bytes | None, list]:
    """`_epub_job` in the worker process, which first finds the faces as the parent found and
    converted them (a spawned worker starts with none loaded). `cover_key`: page 1's make-up key
    in the parent (`PageMemo.key_of`), so that the cover's drawing of an unchanged page 1 is read
    back from disk (`render/drawnstore.py`) rather than drawn again. With `into` (the temporary
    file the build staged for the EPUB: `OutputSet.reserve`) the EPUB is written into it here and
    None comes back instead of the bytes (`_stage_epub`): 20 MB of photos are not pickled, sent and
    unpickled; the bytes come back when that write fails, for the build to write and report."""
    from layout.page.pagememo import PAGES

    if edition.frames:
        PAGES.vouch(edition.frames[0], cover_key)
    ts = edition.typesetter
    for key, chars in sorted(ts.used.items()):
        # known here under its key, as the parent loaded it: the PDF of the cover asks for a face by
        # its key alone, and a style's own font file ('fonts/body.ttf') is found from the style's folder
        face = ts.face(key)
        adopt_face(face)
        prepare_embedding(face, chars, ts.lang)
    return _run_steps(_epub_steps(edition, meta, embed_fonts, into))


def _epub_job(edition: Edition, meta: dict, embed_fonts: bool) -> tuple[bytes, list]:
    """Edition -> (EPUB bytes, diagnostics): `_epub_steps` run by `_run_steps`."""
    return _run_steps(_epub_steps(edition, meta, embed_fonts))


def _epub_steps(edition: Edition, meta: dict, embed_fonts: bool, into: str | None = None):
    """`_epub_job` as a generator of steps (`epub_steps`), returning (EPUB bytes, diagnostics);
    with `into`, the bytes written into that file as a last step (None returned for them, unless
    the write failed). The cover is page 1, drawn here on its own with the print settings, so that
    its photos are the ones the print PDF separated (the disk cache)."""
    from layout.render.epub import epub_steps
    from layout.render.pdf import render_pdf

    report = Report()
    # page 1's photos as the print PDF has them: separated first, they come from the photo cache
    cover = render_pdf(edition.frames[:1], edition.title, **meta) if edition.frames else None
    yield
    epub = yield from epub_steps(edition, report, pdf_bytes=cover, embed_fonts=embed_fonts)
    if into is not None:
        from layout.util import fill_temporary

        yield
        try:
            fill_temporary(into, epub)
            epub = None
        except OSError:
            pass
    return epub, report.items


def _run_steps(steps):
    """Run a generator of steps to its end -> what it returns. In a worker, once the build waits
    for the result (`_urgent` set), the steps left run on `_lane`, at the build's own priority:
    the build's process is idle then, so this takes no processor time from it (running the whole
    job at that priority did: docs/performance.md)."""
    while True:
        if _lane is not None and _urgent is not None and _urgent.is_set():
            from layout.render.epub.book import run_to_end

            return _lane.submit(run_to_end, steps).result()
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def _start_epub(edition: Edition, meta: dict, embed_fonts: bool, into: str | None = None):
    """The EPUB job in a worker process; None when the workers have died (killed, out of memory),
    and the EPUB is then made in this process (`_epub_result`)."""
    from concurrent.futures import BrokenExecutor

    try:
        from layout.page.pagememo import PAGES

        cover_key = PAGES.key_of(edition.frames[0]) if edition.frames else None
        pool = _workers()
        _urgent.clear()
        return pool.submit(_epub_in_worker, edition, meta, embed_fonts, cover_key, into)
    except (BrokenExecutor, RuntimeError):
        stop_workers()   # photos still queued for them go to threads here
        return None


def _epub_result(job, edition: Edition, meta: dict, embed_fonts: bool) -> tuple[bytes | None, list]:
    """The worker's EPUB (its bytes, or None when it wrote them into the file staged for it); made
    here when there is no worker or it died (killed, out of memory)."""
    if job is not None:
        from concurrent.futures.process import BrokenProcessPool

        if _urgent is not None and not job.done():
            _urgent.set()   # nothing left here but to wait: the worker finishes at this build's priority
        try:
            return job.result()
        except BrokenProcessPool:
            stop_workers()   # as `_start_epub` does: photos still queued for them go to threads here
    return _epub_job(edition, meta, embed_fonts)

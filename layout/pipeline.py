"""The stages in order: manifest -> model -> style -> pages -> outputs.

`prepare(path, report)` runs everything up to page frames and returns an
`Edition` (or None when the input is too broken to lay out); `build` renders
and writes the outputs atomically. Each stage reports into the same `Report`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from layout.diagnostics import Report
from layout.text.normalize import normalize
from layout.fonts.coverage import check_coverage
from layout.fonts.registry import prepare_embedding
from layout.manifest.load import load_manifest
from layout.model import Issue, build_issue
from layout.page.assemble import make_pages
from layout.page.frames import PageFrame
from layout.page.typeset import Typesetter
from layout.style import Style, load_style
from layout.util import write_atomic


@dataclass
class Edition:
    issue: Issue
    style: Style
    frames: tuple[PageFrame, ...]
    typesetter: Typesetter
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        """File name stem: <paper>-<date>."""
        return f"{self.issue.paper.name}-{self.issue.info.date.isoformat()}"

    @property
    def title(self) -> str:
        info = self.issue.info
        return f"{self.issue.paper.name} {info.date_cn} 第{info.number}期"


def prepare(path: str | Path, report: Report, progress=None) -> Edition | None:
    """Read, check and lay out an edition. None when it cannot be laid out at all."""
    timings: dict[str, float] = {}
    step = progress or (lambda name: None)
    t = time.perf_counter()
    step("reading manifest")
    manifest = load_manifest(path, report)
    if manifest is None:
        return None
    issue = build_issue(manifest, report, normalize=normalize)
    timings["load"] = time.perf_counter() - t
    if issue is None:
        return None
    style = load_style(issue.style, issue.root, report, issue.style_source)
    if style is None:
        return None
    blocking = {"unknown-key", "missing-key", "wrong-type", "yaml-syntax", "duplicate-id", "duplicate-key"}
    if any(d.code in blocking for d in report.errors):
        return None  # the input is not what we think it is: don't guess a layout from it
    step("setting pages")
    t = time.perf_counter()
    ts = Typesetter(style, issue.info.lang, report)
    check_coverage(issue, ts)
    timings["fonts"] = time.perf_counter() - t
    t = time.perf_counter()
    frames = make_pages(issue, style, report, ts)
    timings["layout"] = time.perf_counter() - t
    t = time.perf_counter()
    embed_fonts(ts, timings)
    timings["embed"] = time.perf_counter() - t
    return Edition(issue, style, frames, ts, timings)


def embed_fonts(ts: Typesetter, timings: dict) -> None:
    """Make the TrueType subsets the PDF embeds for faces that need converting (CFF, collections)."""
    for key, chars in sorted(ts.used.items()):
        face = ts.face(key)
        if face.needs_conversion:
            t = time.perf_counter()
            _path, cached = prepare_embedding(face, chars)
            timings[f"convert {face.name}{' (cached)' if cached else ''}"] = time.perf_counter() - t


def output_dir(manifest_path: Path, out: str | Path | None) -> Path:
    """Where outputs go: -o DIR, else output/<edition folder name>/ under the working folder."""
    if out:
        return Path(out)
    return Path("output") / Path(manifest_path).resolve().parent.name


@dataclass(frozen=True)
class BuildOptions:
    """What `build` writes: the print PDF (optionally split per page, with printer's marks) and the EPUB."""

    pdf: bool = True
    epub: bool = True
    split: bool = False
    marks: bool = False
    embed_fonts: bool = False


def build(edition: Edition, out_dir: Path, report: Report, options: BuildOptions = BuildOptions(),
          progress=None) -> list[Path]:
    """Render the edition's outputs into `out_dir` (each file atomically); returns the files written."""
    step = progress or (lambda name: None)
    written: list[Path] = []
    pdf_bytes: bytes | None = None
    if options.pdf or options.epub:
        from layout.render import rl_fixes
        from layout.render.colour import load_print_settings
        from layout.render.pdf import render_pdf

        rl_fixes.apply()  # reportlab's ToUnicode for characters beyond the BMP (see rl_fixes)

        step("writing PDF")
        t = time.perf_counter()
        settings = load_print_settings(edition.style.path, report)  # the style's optional `print:` (docs/print.md)
        meta = dict(author=edition.issue.paper.publisher, subject=f"总第{edition.issue.info.number}期",
                    date=edition.issue.info.date, settings=settings, slug=edition.stem)
        if options.epub or not options.marks:  # without marks: the EPUB cover comes from it
            pdf_bytes = render_pdf(edition.frames, edition.title, **meta)
        edition.timings["pdf"] = time.perf_counter() - t
    if options.pdf:
        from layout.render.preflight import preflight
        from layout.render.preflight_report import report_findings

        files = [(out_dir / f"{edition.stem}.pdf",
                  render_pdf(edition.frames, edition.title, marks=True, **meta) if options.marks else pdf_bytes)]
        if options.split:  # one PDF per page, named by its page number: plants plate page by page
            files += [(out_dir / f"{edition.stem}-p{f.number:02d}.pdf",
                       render_pdf((f,), f"{edition.title} 第{f.number}版", marks=options.marks, **meta))
                      for f in edition.frames]
        step("preflight")
        for i, (path, data) in enumerate(files):
            write_atomic(path, data)
            written.append(path)
            # the pages repeat the edition's warnings: report only their errors
            report_findings(preflight(data, ink_limit=settings.ink_limit), report, path, errors_only=i > 0)
        edition.timings["pdf"] = time.perf_counter() - t
    if options.epub:
        from layout.render.epub import render_epub

        step("writing EPUB")
        t = time.perf_counter()
        # built whole in memory (cover = page 1 of pdf_bytes), then written atomically
        epub_bytes = render_epub(edition, report, pdf_bytes=pdf_bytes, embed_fonts=options.embed_fonts)
        path = out_dir / f"{edition.stem}.epub"
        write_atomic(path, epub_bytes)
        written.append(path)
        edition.timings["epub"] = time.perf_counter() - t
    return written

"""`layout cache`: what layout keeps between builds, and `layout cache clear` to drop it.

Takes: nothing (the cache folder is `util.cache_root()`: $XDG_CACHE_HOME/layout, else
~/.cache/layout). `report()` returns one line per kind of cache (its folder, files and size);
`clear()` removes them and returns the lines saying what went. Everything in these folders is made
again by the next build when missing (slower, the same files), so clearing is always safe between
builds.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from layout.util import cache_root

#: The cache folders under the cache root, and what each holds.
KINDS = {
    "compose": "composed paragraphs and headlines, per edition (docs/performance.md)",
    "pdftext": "the PDF text of runs drawn before, per font content",
    "photos": "photos separated for print (CMYK within the ink limit)",
    "checks": "photo files that passed the image check, per edition",
    "fonts": "fonts converted for embedding, and the index of installed faces",
    "ads": "advertisements turned into images",
    "epub": "the EPUB's photos and cover, converted for screens",
    "faces": "the faces' metrics, per font file",
    "schema": "manifest data that passed the schema check",
    "subsets": "font subsets made for the print PDF",
    "deflated": "font programs and colour profiles compressed for the PDF",
    "pages": "pages made up, with what their make-up reported (docs/performance.md)",
    "checked": "the make-up self-check's findings, per page made up",
    "preflight": "the preflight's walks of pages checked before",
    "drawn": "the print PDF's pages as drawn, per page made up",
    "epub-docs": "the EPUB's content documents, per story's content",
}


def _usage(folder: Path) -> tuple[int, int]:
    """(files, bytes) under `folder`; (0, 0) when it is not there."""
    files = size = 0
    if folder.is_dir():
        for path in folder.rglob("*"):
            try:
                if path.is_file():
                    files += 1
                    size += path.stat().st_size
            except OSError:   # removed meanwhile by a build
                continue
    return files, size


def report() -> list[str]:
    """One line per cache folder: its path, how many files and megabytes, what it holds."""
    root = cache_root()
    lines = [f"cache folder: {root} (set XDG_CACHE_HOME to move it; LAYOUT_NO_CACHE=1 composes afresh)"]
    for name, what in KINDS.items():
        files, size = _usage(root / name)
        lines.append(f"  {name:9} {files:6} files {size / 1e6:9.1f} MB  {what}")
    return lines


def clear() -> list[str]:
    """Remove every cache folder; -> what was removed, one line per folder."""
    from layout import memo
    from layout.render import textmemo
    from layout.page.pagememo import PAGES

    root = cache_root()
    lines = []
    for name in KINDS:
        folder = root / name
        files, size = _usage(folder)
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            lines.append(f"removed {folder} ({files} files, {size / 1e6:.1f} MB)")
    memo.drop_pending()     # rewrites waiting (the live preview's) would bring files back
    memo.MEMO.forget()      # this process's memory too (a long-running caller)
    textmemo.forget()
    PAGES.forget()
    walks = sys.modules.get("layout.render.preflight_walks")   # (not imported by a process that never preflighted)
    if walks is not None:
        walks.forget()
    return lines or [f"nothing to remove under {root}"]


def run(action: str | None) -> int:
    """`layout cache` (report) or `layout cache clear`."""
    for line in clear() if action == "clear" else report():
        print(line)
    return 0

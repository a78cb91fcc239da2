"""Which files an edition may read: the one rule for every input path.

An edition is its folder: the manifest, its article files, photos, advertisements and any style
or font folder it names all sit inside it. A style and fonts may also come from the project's
own `styles/` and `fonts/`. Every path an input names is resolved (symbolic links followed,
`..` taken out) before anything is read, and refused when it lands anywhere else, so a link
or a name cannot make a build read (and print) a file from elsewhere on the machine.

- `resolve_inside(root, rel, report, where, what)`: a path as written in an input ->
  the resolved path, or None with a located diagnostic (`absolute-path`, `path-escape`).
- `found_inside(path, roots, report, where, what)`: a file found by a pattern (an
  `include` match) -> the resolved path, or None with `path-escape` when it links elsewhere.
- `within(path, roots)`: whether a resolved path lies in one of the folders.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from layout.diagnostics import Report, Source


def within(path: Path, roots) -> bool:
    """True when `path` (resolved) is one of `roots` (resolved folders) or lies below one."""
    return any(path == root or root in path.parents for root in roots)


def _resolved(path: Path) -> Path | None:
    """`path` with links followed and `..` taken out; None when it cannot be (a link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):   # a symlink loop: RuntimeError before Python 3.13, OSError after
        return None


def _escape(report: Report, where: Source | None, what: str, rel: str, linked: bool) -> None:
    how = "is a link to a file" if linked else "points"
    report.error("path-escape", f"{what} '{rel}' {how} outside the issue folder", where,
                 "keep every file of an edition inside its folder: copy the file in "
                 + ("(a real copy, not a link)" if linked else "and drop the '../'"))


def resolve_inside(root: Path, rel, report: Report, where: Source | None, what: str,
                   also: tuple[Path, ...] = (), example: str = "images/photo.jpg") -> Path | None:
    """`rel` as written in an input, resolved against the edition folder `root` -> the path, or
    None with a diagnostic: not a path (`bad-path`), absolute (`absolute-path`), or resolving
    outside `root` and the folders `also` (`path-escape`: a `../` or a symbolic link). `example`
    is the hint's example of a relative path."""
    if not isinstance(rel, str) or not rel.strip():
        report.error("bad-path", f"{what} must be a file path", where)
        return None
    if os.path.isabs(rel) or re.match(r"^[A-Za-z]:[\\/]", rel) or rel.startswith("~"):
        report.error("absolute-path", f"{what} '{rel}' is an absolute path", where,
                     f"write it relative to the manifest, e.g. {example}, and copy the file into the issue folder")
        return None
    if "\0" in rel:
        report.error("bad-path", f"{what} must be a file path (it holds a NUL character)", where)
        return None
    roots = [r for r in (_resolved(Path(p)) for p in (root, *also)) if r is not None]
    target = _resolved(Path(root) / rel)
    if target is None or not within(target, roots):
        plain = os.path.normpath(Path(root) / rel)
        _escape(report, where, what, rel, linked=target is not None and within(Path(plain), roots))
        return None
    return target


def found_inside(path: Path, roots, report: Report, where: Source | None, what: str) -> Path | None:
    """A file found in the edition folder (an `include` match, which may be a symbolic link) ->
    its resolved path when that is inside one of `roots`, else None with `path-escape`."""
    resolved_roots = [r for r in (_resolved(Path(p)) for p in roots) if r is not None]
    target = _resolved(Path(path))
    if target is None or not within(target, resolved_roots):
        shown = path.name
        for root in roots:
            if Path(root) in Path(path).parents:
                shown = str(Path(path).relative_to(root))
        _escape(report, where, what, shown, linked=True)
        return None
    return target

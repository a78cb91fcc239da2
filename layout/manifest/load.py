"""Loading an edition: the manifest, its article files, and schema validation.

`load_manifest(path, report)` takes the path of `issue.yaml` and returns a
`Manifest`: the merged plain data (inline and file articles under
`articles`), the `SourceMap` of every key, and the folder the edition lives
in. Problems go to `report` with file:line:col; loading goes on past them so
that one run reports everything it can.
"""
from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from layout.diagnostics import Report, Source
from layout.manifest import chars
from layout.manifest.verdicts import validate
from layout.manifest.yamlsrc import SourceMap, parse_yaml, read_text
from layout.paths import found_inside, resolve_inside  # noqa: F401 - resolve_inside: model.py takes it from here

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)


@dataclass
class Manifest:
    """Plain manifest data with positions. `data['articles']` holds every article, id -> dict."""

    path: Path
    root: Path
    data: dict
    sources: SourceMap
    article_files: dict[str, Path] = field(default_factory=dict)
    #: article files left out because their name is no usable id (reported as `bad-id`): id -> file
    unusable_ids: dict[str, Path] = field(default_factory=dict)
    #: Markdown article ids (their body is Markdown: ### subheads, **bold**)
    files: list[Path] = field(default_factory=list)

    def where(self, *path) -> Source | None:
        return self.sources.where(tuple(path))

    def value_at(self, *path) -> Source | None:
        return self.sources.value(tuple(path))


#: The folder diagnostics show paths relative to, when not the working folder: a cluster worker
#: shows them from the folder the command ran in (`layout.cluster`), not from its own.
shown_from: ContextVar[str | None] = ContextVar("shown_from", default=None)


def display_path(path: Path) -> str:
    """A path as an editor wants to read it: relative to the working folder (or `shown_from`) when
    inside it."""
    absolute = Path(path).resolve()
    here = Path(shown_from.get() or Path.cwd()).resolve()
    if absolute == here or here in absolute.parents:
        return str(absolute.relative_to(here))
    return str(absolute)


def load_manifest(path: str | Path, report: Report) -> Manifest | None:
    """Read `issue.yaml` and its article files; None when the manifest itself cannot be read."""
    path = Path(path)
    shown = display_path(path)
    text = read_text(path, report, shown)
    if text is None:
        return None
    data, smap = parse_yaml(text, shown, report, manifest_path=())
    if data is None and not report.has_errors:
        report.error("empty-manifest", "the manifest is empty", Source(shown, 1, 1),
                     "a manifest needs at least paper, issue, style and pages (see docs/manifest.md)")
    if data is None:
        return None
    if not isinstance(data, dict):
        report.error("wrong-type", "the manifest must be a mapping of keys (paper:, issue:, pages: …)",
                     Source(shown, 1, 1), "start with 'paper:' on the first line")
        return None
    manifest = Manifest(path=path, root=path.resolve().parent, data=data, sources=smap, files=[path])
    _load_article_files(manifest, report)
    validate(manifest.data, manifest.sources, report)
    return manifest


def _load_article_files(manifest: Manifest, report: Report) -> None:
    articles = manifest.data.get("articles")
    if not isinstance(articles, dict):
        return
    include = articles.pop("include", None)
    if include is None:
        return
    if isinstance(include, str):
        include = [include]
    if not isinstance(include, list):
        report.error("wrong-type", "articles.include must be a list of file patterns",
                     manifest.where("articles", "include"), "e.g. include: [articles/*.md]")
        return
    seen: set[Path] = set()
    for i, pattern in enumerate(include):
        where = manifest.value_at("articles", "include", i)
        if not isinstance(pattern, str):
            report.error("wrong-type", "an include pattern must be a string", where)
            continue
        if resolve_inside(manifest.root, pattern.replace("*", "x"), report, where, "include pattern") is None:
            continue
        try:
            matches = sorted(p for p in manifest.root.glob(pattern) if p.is_file())
        except OSError as exc:  # e.g. a pattern longer than a file name may be
            report.error("bad-path", f"include pattern cannot name files: {exc.strerror}", where,
                         "e.g. include: [articles/*.md]")
            continue
        if not matches and not any(ch in pattern for ch in "*?["):
            report.error("file-not-found", f"article file not found: {pattern}", where,
                         "check the file name, relative to the manifest")
        for file in matches:
            if file in seen or file.suffix.lower() not in (".md", ".markdown", ".yaml", ".yml"):
                continue
            seen.add(file)
            if found_inside(file, (manifest.root,), report, where, "article file") is None:
                continue   # a link to a file elsewhere: never read
            _load_article_file(manifest, file, where, report)


def _load_article_file(manifest: Manifest, file: Path, included_at: Source | None, report: Report) -> None:
    article_id = file.stem
    shown = display_path(file)
    if not usable_id(article_id):
        _report_unusable_id(manifest, file, shown, included_at, report)
        return
    text = read_text(file, report, shown, included_at)
    if text is None:
        return
    manifest.files.append(file)
    if file.suffix.lower() in (".md", ".markdown"):
        match = _FRONT_MATTER.match(text)
        if match:
            data, smap = parse_yaml(match.group(1) or "", shown, report, line_offset=1,
                                    manifest_path=("articles", article_id))
            body = text[match.end():]
            body_line = text[: match.end()].count("\n") + 1
        else:
            data, smap, body, body_line = {}, SourceMap(), text, 1
        start = Source(shown, body_line, 1)
        body = chars.check_value(body, f"articles.{article_id}.body", True,
                                 chars.locate_in(body, 0, len(body), shown, body_line - 1, start), report, printed=True)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            report.error("wrong-type", "the front matter must be a mapping (headline: …)", Source(shown, 2, 1))
            return
        if "body" in data and body.strip():
            report.error("duplicate-key", "the article has both a 'body' key and Markdown text",
                         smap.where(("body",)), "keep the text below the front matter and drop 'body:'")
        elif body.strip():
            data["body"] = body
            smap.values[("body",)] = Source(shown, body_line, 1)
    else:
        data, smap = parse_yaml(text, shown, report, manifest_path=("articles", article_id))
        if data is None:
            if not report.has_errors:
                report.error("empty-article", f"article file {shown} is empty", Source(shown, 1, 1),
                             "give it at least a headline and a body")
            return
        if not isinstance(data, dict):
            report.error("wrong-type", "an article file must be a mapping (headline: …)", Source(shown, 1, 1))
            return
    articles = manifest.data["articles"]
    if article_id in articles:
        first = manifest.where("articles", article_id)
        report.error(
            "duplicate-id",
            f"article id '{article_id}' is defined twice",
            Source(shown, 1, 1),
            f"the other is at {first}; rename one of them" if first else "rename one of them",
        )
        return
    articles[article_id] = data
    manifest.sources.graft(("articles", article_id), smap)
    manifest.sources.keys[("articles", article_id)] = Source(shown, 1, 1)
    manifest.article_files[article_id] = file


#: What an article id may be (the same rule as the schema's `propertyNames`): it names the story in
#: placements, EPUB file names and PDF bookmarks, so it is plain ASCII.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def usable_id(article_id: str) -> bool:
    return bool(_ID.match(article_id))


def suggest_id(name: str, taken=()) -> str:
    """An ASCII id for a file stem that is not one: Han in pinyin ('地铁快讯' -> 'ditie-kuaixun' …
    word by word as pypinyin segments it), other characters dropped, words joined with '-'; never
    one of `taken`."""
    from pypinyin import lazy_pinyin

    words = []
    for part in re.split(r"[^0-9A-Za-z\u3400-\u9fff\U00020000-\U0002ffff]+", name):
        if not part:
            continue
        for chunk in re.findall(r"[\u3400-\u9fff\U00020000-\U0002ffff]+|[0-9A-Za-z]+", part):
            words.append("".join(lazy_pinyin(chunk, errors="ignore")) if not chunk.isascii() else chunk.lower())
    base = "-".join(w for w in words if w.isascii() and w)[:40].strip("-") or "story"
    base = re.sub(r"[^a-z0-9-]+", "", base.lower()) or "story"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _report_unusable_id(manifest: Manifest, file: Path, shown: str, included_at: Source | None,
                        report: Report) -> None:
    """An article file whose stem cannot be an id: one located error naming the file and a name to
    give it; the file is left out, and placements that name its stem are not reported again."""
    article_id = file.stem
    taken = set(manifest.data.get("articles") or ()) | {p.stem for p in file.parent.iterdir() if p.is_file()}
    better = suggest_id(article_id, taken)
    why = "has a space in it" if re.search(r"\s", article_id) else \
        "is not plain ASCII" if not article_id.isascii() else "has characters an id may not have"
    found = f" (found by the include pattern at {included_at})" if included_at else ""
    report.error("bad-id", f"article file {file.name}: its name is the story's id, and '{article_id}' {why}{found}",
                 Source(shown, 1, 1),
                 f"ids are ASCII letters, digits, '-', '_' and '.': rename the file to "
                 f"{(file.parent / (better + file.suffix)).name} and place it as 'article: {better}'")
    manifest.unusable_ids[article_id] = file

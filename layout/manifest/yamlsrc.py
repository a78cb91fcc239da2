"""Safe YAML with source positions.

`parse_yaml(text, file, report)` takes YAML text and returns `(data, SourceMap)`:
plain Python data (dict/list/str/int/float/bool/None; dates as ISO strings)
and a map from key paths to file:line:col. Only safe YAML is read; alias
expansion is bounded (an alias bomb becomes a diagnostic, not a hang);
duplicate keys are reported instead of silently overwritten. Every text value
is cleaned of control and invisible characters as it is read (`chars.py`).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import yaml

from layout.diagnostics import Report, Source
from layout.manifest import chars

#: Upper bound on nodes produced while expanding aliases (a manifest has a few thousand).
MAX_NODES = 200_000
#: Upper bound on the size of one YAML or Markdown file.
MAX_FILE_BYTES = 8 * 1024 * 1024

Path_ = tuple  # a key path: ('pages', 0, 'stories', 1, 'columns')


@dataclass
class SourceMap:
    """Where each key and value came from. Keys are key paths (tuples)."""

    keys: dict[tuple, Source] = field(default_factory=dict)
    values: dict[tuple, Source] = field(default_factory=dict)

    def where(self, path: tuple) -> Source | None:
        """The position of the key at `path` (or of its value, or of the nearest parent)."""
        path = tuple(path)
        while True:
            if path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]

    def value(self, path: tuple) -> Source | None:
        """The position of the value at `path`, falling back to its key."""
        path = tuple(path)
        return self.values.get(path) or self.where(path)

    def graft(self, prefix: tuple, other: "SourceMap") -> None:
        """Copy `other`'s entries under `prefix` (for article files merged into the manifest)."""
        for k, v in other.keys.items():
            self.keys[prefix + k] = v
        for k, v in other.values.items():
            self.values[prefix + k] = v


def path_name(path: tuple) -> str:
    """('pages', 0, 'stories', 2, 'columns') -> 'pages[1].stories[3].columns' (1-based for editors)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the manifest"


class _TooBig(Exception):
    pass


def _source(file: str, mark, line_offset: int) -> Source:
    return Source(file, mark.line + 1 + line_offset, mark.column + 1)


#: libyaml's composer recurses in C with no depth limit (100,000 nested brackets crash the
#: interpreter); texts that could nest deeper than this go to the pure-Python one, which stops
#: at Python's recursion limit with an error we report.
_C_SAFE_DEPTH = 1000


def _loader_for(text: str):
    """libyaml (CSafeLoader, ~10x faster) for a text that cannot nest deeper than _C_SAFE_DEPTH,
    else PyYAML's own SafeLoader. The bound: a block collection inside another starts at a
    greater column, or at the same one for a sequence that is a mapping's value, so block
    levels are at most twice the longest line; every flow level opens a bracket."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return yaml.SafeLoader
    longest = max(map(len, text.splitlines()), default=0)
    bound = 2 * (longest + 1) + text.count("[") + text.count("{")
    return loader if bound < _C_SAFE_DEPTH else yaml.SafeLoader


#: Keys whose text is never printed (file names, options, the EPUB's alt text): not checked for scripts.
_NOT_PRINTED = frozenset({"alt", "file", "picture", "ad", "include", "style", "lang", "position"})


def parse_yaml(text: str, file: str, report: Report, line_offset: int = 0, manifest_path: tuple | None = None):
    """YAML text -> (data, SourceMap); on failure (None, SourceMap) with diagnostics in `report`.
    `manifest_path` is where this file's data sits in the edition's manifest (`()` for the
    manifest, `('articles', id)` for an article file): its text is then named by that path and
    its printed text checked for scripts the engine does not shape."""
    smap = SourceMap()
    try:
        node = yaml.compose(text, Loader=_loader_for(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _source(file, mark, line_offset) if mark else Source(file)
        problem = exc.problem or "is not valid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        report.error(
            "yaml-syntax",
            f"YAML syntax error: {problem}",
            where,
            "check indentation (spaces, not tabs), a missing ':' after a key, or an unclosed quote or bracket",
        )
        return None, smap
    except RecursionError:
        report.error("yaml-too-large", "the YAML is nested too deeply", Source(file, 1 + line_offset, 1),
                     "a manifest needs only a few levels of nesting")
        return None, smap
    except yaml.YAMLError as exc:  # e.g. more than one document, a raw control character
        if isinstance(exc, yaml.reader.ReaderError) and chars.reader_problem(text, file, line_offset, report):
            return None, smap
        report.error("yaml-syntax", f"YAML error: {exc}", Source(file, 1 + line_offset, 1),
                     "a manifest is one YAML document: remove extra '---' lines")
        return None, smap
    if node is None:
        return None, smap
    constructor = yaml.SafeLoader("")
    budget = [MAX_NODES]

    def scalar(n: yaml.ScalarNode):
        try:
            value = constructor.construct_object(n, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            # e.g. a date-shaped value that is no date (2026-02-30): keep the text,
            # the model stage says what is wrong with it in its own terms.
            return n.value
        if isinstance(value, (_dt.date, _dt.datetime)):
            return value.isoformat()
        if isinstance(value, bytes):
            return None
        return value

    def text_value(value: str, n: yaml.ScalarNode, path: tuple) -> str:
        start = _source(file, n.start_mark, line_offset)
        locate = chars.locate_in(text, n.start_mark.index, n.end_mark.index, file, line_offset, start)
        printed = manifest_path is not None and not _NOT_PRINTED.intersection(p for p in path if isinstance(p, str))
        return chars.check_value(value, path_name((manifest_path or ()) + path), path[-1:] == ("body",), locate, report,
                                 printed)

    def build(n, path: tuple):
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooBig
        smap.values.setdefault(path, _source(file, n.start_mark, line_offset))
        if isinstance(n, yaml.ScalarNode):
            value = scalar(n)
            return text_value(value, n, path) if isinstance(value, str) else value
        if isinstance(n, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(n.value)]
        if isinstance(n, yaml.MappingNode):
            out: dict = {}
            constructor.flatten_mapping(n)
            for knode, vnode in n.value:
                key = scalar(knode) if isinstance(knode, yaml.ScalarNode) else None
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    report.error("yaml-key", "a key must be a plain word or number",
                                 _source(file, knode.start_mark, line_offset))
                    continue
                key = str(key)
                where = _source(file, knode.start_mark, line_offset)
                if key in out:
                    first = smap.keys.get(path + (key,))
                    report.error(
                        "duplicate-key",
                        f"key '{key}' appears twice in the same mapping",
                        where,
                        f"the first '{key}' is at line {first.line}; keep one" if first else "keep one",
                    )
                    continue
                smap.keys[path + (key,)] = where
                out[key] = build(vnode, path + (key,))
            return out
        return None

    try:
        return build(node, ()), smap
    except _TooBig:
        if _distinct_nodes(node, MAX_NODES) > MAX_NODES:
            report.error("yaml-too-large", f"the YAML has more than {MAX_NODES:,} values; a manifest has a few "
                         "thousand", _source(file, node.start_mark, line_offset),
                         "is this the edition's manifest? Long text belongs in article files (articles/*.md), "
                         "and a file of data is no manifest")
        else:
            report.error(
                "yaml-too-large",
                f"the YAML expands to more than {MAX_NODES:,} values (aliases '*name' repeated too often?)",
                _source(file, node.start_mark, line_offset),
                "write the values out instead of nesting anchors and aliases",
            )
        return None, SourceMap()
    except RecursionError:
        report.error("yaml-too-large", "the YAML is nested too deeply", Source(file, 1, 1),
                     "a manifest needs only a few levels of nesting")
        return None, SourceMap()


def _distinct_nodes(root, limit: int) -> int:
    """How many different value nodes the YAML has (an alias repeats a node without adding
    one), counted up to `limit` + 1."""
    seen = {id(root)}
    todo = [root]
    while todo and len(seen) <= limit:
        n = todo.pop()
        children = n.value if isinstance(n, yaml.SequenceNode) else \
            [value for _key, value in n.value] if isinstance(n, yaml.MappingNode) else ()
        for child in children:
            if id(child) not in seen:
                seen.add(id(child))
                todo.append(child)
    return len(seen)


def read_text(path, report: Report, display: str, source: Source | None = None) -> str | None:
    """A UTF-8 text file's content, or None with a diagnostic (missing, too large, not UTF-8)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        report.error("file-not-found", f"file not found: {display}", source or Source(display),
                     "check the file name and that it sits in the issue's folder")
        return None
    except OSError as exc:
        report.error("file-unreadable", f"cannot read {display}: {exc.strerror}", source or Source(display))
        return None
    if path.is_dir():
        report.error("file-unreadable", f"{display} is a folder, not a file", source or Source(display),
                     "name the manifest file, e.g. issues/2026-11-27/issue.yaml")
        return None
    if size > MAX_FILE_BYTES:
        report.error(
            "file-too-large",
            f"{display} is {size / 1048576:.1f} MB; the limit for one manifest or article file is "
            f"{MAX_FILE_BYTES // 1048576} MB",
            source or Source(display),
            "split long text into article files; images belong in images/, not in YAML",
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.error("encoding", f"{display} is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                     Source(display, line, 1), "save the file as UTF-8 (GBK/GB18030 files must be converted)")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")

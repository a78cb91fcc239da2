"""Write planned regions back into an edition's manifest, keeping the file as the editor wrote it.

`write_regions(manifest, regions)` takes the manifest's path and the planned regions (a page
index, the article, its columns and lines, and the rank and photo width the plan gave it) and adds
those keys to each placement, right after its first key (`article:`), as `columns: [1, 3]`: comments,
blank lines, key order, quoting and the file's indentation stay as they were (a ruamel.yaml round
trip). The file is replaced atomically, and only when something changed: writing the same plan
twice leaves the file as the first write made it. Returns how many placements changed.

A file the round trip would change beyond the planned keys (an unusual layout ruamel.yaml does not
reproduce), a placement that is not where the plan says, or a file that is not YAML raise
`WritebackError` with the position it is about; nothing is written then.
"""
from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass
from pathlib import Path

from layout.util import write_atomic


@dataclass(frozen=True)
class PlannedRegion:
    """One placement's planned region. `page` is the 0-based index into `pages`; the placement is
    `article`'s on that page: its jump landing (`continued: true`) when `continued`, else its other
    placement; or, when `placement` (a 0-based index into the page's `stories`) is given, that one,
    which must then be `article`'s. So a plan is never written onto a placement the editor moved
    meanwhile. `columns` and `lines` are 1-based inclusive spans; `rank` and `photo_width` (when
    given) keep the page as planned: the lead's headline and the photos' widths the plan chose.
    `kind` "picture" or "ad": `article` is then the file name of the picture or ad placement."""

    page: int
    article: str
    columns: tuple[int, int]
    lines: tuple[int, int]
    rank: int | None = None
    photo_width: int | None = None
    placement: int | None = None
    continued: bool = False
    kind: str = "article"
    vertical_head: bool = False   # the plan set its headline as a 竖题: `headline_direction: vertical`
    photo_lines: int | None = None   # the height the plan cropped its photos to (grid lines): `photo_lines`

    def keys(self) -> list[tuple[str, object]]:
        """The keys this region writes, in the order they appear in the placement."""
        keys: list[tuple[str, object]] = [("columns", list(self.columns)), ("lines", list(self.lines))]
        if self.rank is not None:
            keys.append(("rank", self.rank))
        if self.photo_width is not None:
            keys.append(("photo_width", self.photo_width))
        if self.photo_lines is not None:
            keys.append(("photo_lines", self.photo_lines))
        if self.vertical_head:
            keys.append(("headline_direction", "vertical"))
        return keys


class WritebackError(Exception):
    """The manifest cannot be written back; `line` (1-based, 0 when unknown) says where."""

    def __init__(self, message: str, line: int = 0, hint: str = ""):
        super().__init__(message)
        self.line = line
        self.hint = hint


def write_regions(manifest: Path | str, regions: list[PlannedRegion]) -> int:
    """Add the planned keys to the manifest's placements and replace the file atomically; returns
    the number of placements that changed (0: the file is left untouched)."""
    path = Path(manifest)
    raw = path.read_bytes()
    text, bom, crlf = _plain_text(raw)
    yaml = _round_trip_yaml(text)
    document = _load(yaml, text)
    edited = _edit_lines(text, document, regions)      # positions read before the document changes
    changed = sum(_apply(document, region) for region in regions)
    if not changed:
        return 0
    if edited is None or _plain_data(_load(yaml, edited)) != _plain_data(document):
        edited = _round_trip(yaml, text, document, path)
    if crlf:
        edited = edited.replace("\n", "\r\n")
    write_atomic(path, bom + edited.encode("utf-8"))
    return changed


def _round_trip(yaml, text: str, document, path: Path) -> str:
    """The changed document written out whole by ruamel.yaml: for placements the line edits cannot
    reach (a flow mapping `{article: a}`), and only when the writer reproduces the rest of the file
    exactly."""
    original = _load(yaml, text)
    if _dump(yaml, original) != text:
        raise WritebackError(f"{path.name} is laid out in a way the YAML writer cannot reproduce exactly, "
                             "so writing the plan would reformat it; nothing written",
                             hint="write the regions by hand from `layout plan`, or write the placement as "
                                  "a block (one key a line, like the sample editions)")
    return _dump(yaml, document)


def _edit_lines(text: str, document, regions: list[PlannedRegion]) -> str | None:
    """The file with each region's keys written as lines of their own (new keys right after the
    placement's first key, changed values in place, every other byte as it was); None when a
    placement is not a one-key-a-line block this can edit (the caller then round-trips the file)."""
    lines = text.split("\n")
    after: dict[int, list[str]] = {}       # 0-based line -> lines to insert below it
    replaced: dict[int, str] = {}
    for region in regions:
        placement = _placement(document, region)
        if placement.fa.flow_style() or not placement:
            return None
        first = next(iter(placement))
        anchor, indent = placement.lc.key(first)
        if placement.lc.value(first)[0] != anchor:
            return None
        for key, value in region.keys():
            line = f"{' ' * indent}{key}: {_flow_text(value)}"
            if key not in placement:
                after.setdefault(anchor, []).append(line)
                continue
            at = placement.lc.key(key)[0]
            if _plain(placement[key]) != value:
                match = _ONE_LINE_VALUE.match(lines[at][indent:]) if lines[at][:indent].strip(" -") == "" else None
                if match is None or match.group(1) != key:
                    return None
                replaced[at] = lines[at][:indent] + f"{key}: {_flow_text(value)}" + (match.group(2) or "")
            anchor = at
    out = []
    for n, line in enumerate(lines):
        out.append(replaced.get(n, line))
        out.extend(after.get(n, ()))
    return "\n".join(out)


#: `key: value  # comment` with the value on its line: a flow list, a number or a plain word
_ONE_LINE_VALUE = re.compile(r"^([A-Za-z_]+):[ \t]*(?:\[[^\]\n#]*\]|[^\s#\[\]{}]+)([ \t]+#.*)?[ \t]*$")


def _flow_text(value) -> str:
    return "[" + ", ".join(str(v) for v in value) + "]" if isinstance(value, list) else str(value)


def _plain_data(node):
    """ruamel.yaml's round-trip objects as plain Python data, for comparing two documents."""
    if isinstance(node, dict):
        return {str(k): _plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain_data(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)


def _plain_text(raw: bytes) -> tuple[str, bytes, bool]:
    """The file's text with a byte-order mark and Windows line ends set aside (both are put back)."""
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = raw[len(bom):].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WritebackError(f"the manifest is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    crlf = "\r\n" in text
    return (text.replace("\r\n", "\n") if crlf else text), bom, crlf


def _round_trip_yaml(text: str):
    """A ruamel.yaml round-trip reader/writer set to the file's own indentation, quoting kept, no
    line folding."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        _, indent, dash_offset = load_yaml_guess_indent(text)
    except Exception:  # noqa: BLE001 - any parse error is reported by _load below
        indent, dash_offset = 2, 0
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16
    indent = indent or 2
    dash_offset = dash_offset or 0
    yaml.indent(mapping=max(2, dash_offset or indent), sequence=indent, offset=dash_offset)
    return yaml


def _load(yaml, text: str):
    try:
        return yaml.load(text)
    except Exception as exc:  # noqa: BLE001 - ruamel's errors carry the position
        mark = getattr(exc, "problem_mark", None)
        raise WritebackError(f"the manifest is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                             line=(mark.line + 1) if mark else 0) from None


def _dump(yaml, document) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _placement(document, region: PlannedRegion):
    """The placement mapping the region is for, or WritebackError saying why it is not there."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    pages = document.get("pages") if isinstance(document, CommentedMap) else None
    if not isinstance(pages, CommentedSeq) or not 0 <= region.page < len(pages):
        raise WritebackError(f"the manifest has no page {region.page + 1}: it changed since it was planned",
                             hint="plan it again")
    stories = pages[region.page].get("stories") if isinstance(pages[region.page], CommentedMap) else None
    if not isinstance(stories, CommentedSeq):
        raise WritebackError(f"page {region.page + 1} has no stories: the manifest changed since it was planned",
                             line=pages.lc.line + 1, hint="plan it again")
    if region.placement is None:
        heads = [st for st in stories if isinstance(st, CommentedMap) and _names(st, region)
                 and (st.get("continued") is True) == region.continued]
        if len(heads) == 1:
            return heads[0]
        raise WritebackError(f"page {region.page + 1} has {'no' if not heads else 'more than one'} placement of "
                             f"{region.article!r}: the manifest changed since it was planned",
                             line=stories.lc.line + 1, hint="plan it again")
    if not 0 <= region.placement < len(stories) or not isinstance(stories[region.placement], CommentedMap) \
            or not _names(stories[region.placement], region):
        raise WritebackError(f"page {region.page + 1}, placement {region.placement + 1} is not {region.article!r}: "
                             "the manifest changed since it was planned", line=stories.lc.line + 1,
                             hint="plan it again")
    return stories[region.placement]


def _names(placement, region: PlannedRegion) -> bool:
    """Whether the placement is the region's: its article, or its picture or ad file by name."""
    if region.kind == "article":
        return placement.get("article") == region.article
    value = placement.get(region.kind)
    return isinstance(value, str) and "article" not in placement and value.replace("\\", "/").rsplit("/", 1)[-1] == region.article


def _apply(document, region: PlannedRegion) -> bool:
    """Set the region's keys on its placement; True when anything changed."""
    placement = _placement(document, region)
    changed = False
    anchor = next(iter(placement))   # new keys go after the first key (article:) and those added before
    for key, value in region.keys():
        if key in placement:
            if _plain(placement[key]) != value:
                placement[key] = _styled(value, placement[key])
                changed = True
            anchor = key
            continue
        position = list(placement).index(anchor) + 1
        trailing = _detach_trailing_comment(placement, anchor)
        placement.insert(position, key, _styled(value, None))
        if trailing is not None:
            placement.ca.items[key] = [None, None, trailing, None]
        anchor = key
        changed = True
    return changed


def _plain(value):
    return list(value) if isinstance(value, list) else value


def _styled(value, old):
    """A list as a flow sequence (`[1, 3]`), like the hand-written placements (and like `old`, the
    value it replaces, when that one was written as a block list)."""
    from ruamel.yaml.comments import CommentedSeq

    if not isinstance(value, list):
        return value
    seq = CommentedSeq(value)
    if old is None or not isinstance(old, CommentedSeq) or old.fa.flow_style():
        seq.fa.set_flow_style()
    else:
        seq.fa.set_block_style()
    return seq


def _detach_trailing_comment(mapping, key):
    """ruamel.yaml keeps the comment lines that follow a key's value (the next placement's comment,
    a blank line) on that key; a key inserted after it would land below them. Keep the end-of-line
    comment on `key` and return the rest, for the inserted key to carry."""
    from ruamel.yaml.tokens import CommentToken

    slot = mapping.ca.items.get(key)
    if not slot or len(slot) < 3 or slot[2] is None:
        return None
    token = slot[2]
    value = token.value
    if not value.startswith("#"):   # only lines after the value: move them all
        slot[2] = None
        return token
    own_line, _, rest = value.partition("\n")
    if not rest:
        return None
    token.value = own_line + "\n"
    return CommentToken("\n" + rest, copy.copy(token.start_mark), None)

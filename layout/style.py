"""Style sheets: page size, grid and type roles of a paper's format.

`load_style(ref, issue_root, report, where)` takes a style name (a sheet in
`styles/`) or a path relative to the manifest and returns a frozen `Style`.
Lengths accept pt, mm, cm, in and the Chinese size names (号): see SIZE_NAMES.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from layout import FONTS_DIR, STYLES_DIR
from layout.diagnostics import Report, Source, did_you_mean
from layout.manifest.yamlsrc import parse_yaml, read_text
from layout.paths import resolve_inside

#: The 号 table this project uses (the common mainland one; pt). Documented in docs/styles.md.
SIZE_NAMES = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18,
    "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9,
    "六号": 7.5, "小六": 6.5, "七号": 5.5, "八号": 5,
}
_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0, "px": 0.75}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|px)?\s*$")

ROLES = ("body", "kicker", "headline", "subhead", "intertitle", "dateline", "byline", "caption", "credit",
         "masthead", "masthead_latin", "edition_line", "running_head", "jump", "continuation_head", "signature")
ROLE_DEFAULTS = {"intertitle": "body", "signature": "body", "masthead_latin": "edition_line", "continuation_head": "subhead",
                 "jump": "body", "credit": "caption", "edition_line": "running_head"}


def parse_length(value) -> float | None:
    """'9pt', '3mm', '小五', 10.5 -> points; None when it is not a length."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    if value.strip() in SIZE_NAMES:
        return float(SIZE_NAMES[value.strip()])
    m = _LENGTH.match(value)
    if not m:
        return None
    return float(m.group(1)) * _UNITS[m.group(2) or "pt"]


#: A style's whole-number settings: key path, default, smallest allowed value.
_WHOLE_NUMBERS = ((("grid", "columns"), 1, 1), (("grid", "column_chars"), 13, 1), (("grid", "lines"), 80, 1),
                  (("masthead_lines",), 14, 0))


def _check_whole_numbers(data: dict, smap, report: Report) -> None:
    """Report each whole-number setting that is not one (`5.0`, `true`, `"5"`) or is too small,
    and put its default in its place, so that the rest of the sheet is read and checked."""
    for keys, default, least in _WHOLE_NUMBERS:
        parent = data
        for k in keys[:-1]:
            parent = parent.get(k) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or keys[-1] not in parent:
            continue
        value = parent[keys[-1]]
        if isinstance(value, int) and not isinstance(value, bool) and value >= least:
            continue
        report.error("bad-style", f"{'.'.join(keys)} must be a whole number of at least {least}, not {value!r}",
                     smap.value(keys), f"e.g. {'.'.join(keys)}: {default}")
        parent[keys[-1]] = default


@dataclass(frozen=True)
class Role:
    """A typographic role: face, size and leading in pt, CMYK colour (0..1), alignment."""

    font: str
    size: float
    leading: float
    color: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 1.0)
    align: str = "left"


@dataclass(frozen=True)
class Grid:
    """The page grid (版心网格): columns of whole body characters and a baseline grid."""

    columns: int
    column_chars: int
    gutter_chars: float
    char: float      # body character size, pt
    pitch: float     # baseline-to-baseline distance of body lines, pt
    lines: int       # grid lines in the type area

    @property
    def column_width(self) -> float:
        return self.column_chars * self.char

    @property
    def gutter(self) -> float:
        return self.gutter_chars * self.char

    @property
    def width(self) -> float:
        return self.columns * self.column_width + (self.columns - 1) * self.gutter

    @property
    def height(self) -> float:
        return self.lines * self.pitch

    def column_x(self, column: int) -> float:
        """Left edge of 1-based grid column, from the type area's left edge."""
        return (column - 1) * (self.column_width + self.gutter)

    def span_width(self, first: int, last: int) -> float:
        return self.column_x(last) + self.column_width - self.column_x(first)


@dataclass(frozen=True)
class HeadlineScale:
    """主题 sizes (pt) by a story's place: `lead` for the page's lead (头条), `columns` for the others by
    width: ((columns, size), …) ascending; a story takes the entry of the widest count it reaches."""

    lead: float
    columns: tuple[tuple[int, float], ...]
    lead_min_columns: int = 3   # the widest story is the lead only from this width (rank: 1 always is)

    def for_width(self, columns: int) -> float:
        """The size for a story `columns` columns wide (the narrowest entry's below the first)."""
        size = self.columns[0][1]
        for n, pt in self.columns:
            if columns >= n:
                size = pt
        return size


@dataclass(frozen=True)
class VerticalStyle:
    """How vertical stories (竖排, `direction: vertical`) are set: the style's `vertical:` keys."""

    column_chars: int = 0       # characters per vertical 栏 (0: one 栏 the region's height)
    gutter_chars: float = 2.0   # blank between vertical 栏, in body characters
    tcy_max: int = 2            # numbers of up to this many digits stand upright side by side (縦中横)
    headline_size: float | None = None   # pt of a vertical headline (竖题); None: as horizontal


def _vertical_style(raw, smap, report: Report) -> VerticalStyle:
    """The style's `vertical:` mapping -> VerticalStyle; a bad value is a warning and its default."""
    if raw is None:
        return VerticalStyle()
    if not isinstance(raw, dict):
        report.warning("bad-style", "vertical must be a mapping (column_chars, gutter_chars, tcy_max, "
                       "headline_size)", smap.where(("vertical",)), "e.g. vertical: {column_chars: 20}")
        return VerticalStyle()
    out = {}
    known = {"column_chars": (int, 0, 1000), "gutter_chars": ((int, float), 0, 20), "tcy_max": (int, 0, 4)}
    for key, value in raw.items():
        where = smap.where(("vertical", key))
        if key == "headline_size":
            size = parse_length(value)
            if size is None or size <= 0:
                report.warning("bad-style", f"vertical.headline_size must be a length like 24pt or 一号, not {value!r}",
                               where, "units: pt, mm, cm, in, or a 号 name")
            else:
                out[key] = size
            continue
        if key not in known:
            report.warning("bad-style", f"unknown key vertical.{key}", where,
                           did_you_mean(key, [*known, "headline_size"]) or "keys: " + ", ".join([*known, "headline_size"]))
            continue
        kind, lo, hi = known[key]
        if isinstance(value, bool) or not isinstance(value, kind) or not lo <= value <= hi:
            report.warning("bad-style", f"vertical.{key} must be a number from {lo} to {hi}, not {value!r}", where,
                           f"the default is {getattr(VerticalStyle(), key)}")
            continue
        out[key] = value
    return VerticalStyle(**out)


@dataclass(frozen=True)
class Style:
    name: str
    trim: tuple[float, float]
    bleed: float
    margin_top: float
    margin_left: float
    grid: Grid
    roles: dict[str, Role]
    linebreak: str = "gb"
    punctuation: str = "kaiming"
    masthead_lines: int = 14
    fallback: tuple[str, ...] = ()
    font_dirs: tuple[Path, ...] = ()
    #: 主题 sizes by importance and width; None: every headline starts at the headline role's size
    headline_scale: HeadlineScale | None = None
    vertical: VerticalStyle = VerticalStyle()
    #: a face -> the face its bold spans are set in, where the faces were replaced for a region's forms
    #: (layout/fonts/locale.py); the bundled faces' own pairs (serif-regular -> serif-bold) need no entry
    bold_faces: dict = field(default_factory=dict, compare=False, repr=False)
    path: Path | None = field(default=None, compare=False)
    #: where each role's font and each fallback entry is named, for diagnostics
    sources: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def base_dir(self) -> Path | None:
        """Folder that relative font paths in the style are resolved against."""
        return self.path.parent if self.path else None

    def role(self, name: str) -> Role:
        while name not in self.roles and name in ROLE_DEFAULTS:
            name = ROLE_DEFAULTS[name]
        return self.roles[name]


def available_styles() -> list[str]:
    return sorted(p.stem for p in STYLES_DIR.glob("*.yaml"))


def find_style(ref: str, issue_root: Path, report: Report, where: Source | None) -> Path | None:
    """A style name or a path relative to the manifest -> the sheet's path (diagnostic when missing,
    or when the path leads outside the edition's folder and the project's styles/)."""
    if "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")):
        path = resolve_inside(issue_root, ref, report, where, "style", also=(STYLES_DIR,),
                              example="mystyle.yaml (or a bundled style's name)")
        if path is None:
            return None
        if not path.is_file():
            report.error("unknown-style", f"style file not found: {ref}", where,
                         "give a path relative to the manifest, or a name: " + ", ".join(available_styles()))
            return None
        return path
    path = STYLES_DIR / f"{ref}.yaml"
    if not path.is_file():
        names = available_styles()
        report.error("unknown-style", f"no style named '{ref}'", where,
                     did_you_mean(ref, names) or "available: " + ", ".join(names))
        return None
    return path


def load_style(ref: str, issue_root: Path, report: Report, where: Source | None = None) -> Style | None:
    path = find_style(ref, issue_root, report, where)
    if path is None:
        return None
    shown = str(path.relative_to(STYLES_DIR.parent)) if STYLES_DIR.parent in path.parents else str(path)
    text = read_text(path, report, shown, where)
    if text is None:
        return None
    data, smap = parse_yaml(text, shown, report)
    if not isinstance(data, dict):
        report.error("bad-style", f"style {shown} is not a mapping", Source(shown, 1, 1))
        return None
    errors_before = len(report.errors)
    _check_whole_numbers(data, smap, report)

    def length(*keys, default=None):
        node = data
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if node is None and default is not None:
            return default
        value = parse_length(node)
        if value is None:
            report.error("bad-style", f"{'.'.join(keys)} must be a length like 9pt, 3mm or 小五, not {node!r}",
                         smap.where(keys), "units: pt, mm, cm, in, or a 号 name (五号, 小五 …)")
            return 0.0
        return value

    g = data.get("grid") or {}
    char = length("grid", "body_size")
    grid = Grid(
        columns=int(g.get("columns", 1)),
        column_chars=int(g.get("column_chars", 13)),
        gutter_chars=float(g.get("gutter_chars", 1.5)),
        char=char,
        pitch=length("grid", "line_pitch"),
        lines=int(g.get("lines", 80)),
    )
    trim = (length("page", "width"), length("page", "height"))
    margin_top = length("page", "margin_top")
    margin_left = (trim[0] - grid.width) / 2 if "margin_left" not in (data.get("page") or {}) else length("page", "margin_left")
    roles: dict[str, Role] = {}
    for name, r in (data.get("roles") or {}).items():
        if name not in ROLES:
            report.error("bad-style", f"unknown role '{name}'", smap.where(("roles", name)),
                         did_you_mean(name, ROLES) or "roles: " + ", ".join(ROLES))
            continue
        if not isinstance(r, dict):
            continue
        size = length("roles", name, "size")
        color = r.get("color", [0, 0, 0, 100])
        if not (isinstance(color, list) and len(color) == 4 and all(isinstance(c, (int, float)) for c in color)):
            report.error("bad-style", f"roles.{name}.color must be CMYK percentages [c, m, y, k]",
                         smap.where(("roles", name, "color")))
            color = [0, 0, 0, 100]
        roles[name] = Role(
            font=str(r.get("font", "serif-regular")),
            size=size,
            leading=length("roles", name, "leading", default=size * 1.25),
            color=tuple(c / 100 for c in color),
            align=str(r.get("align", "left")),
        )
    headline_scale = _headline_scale(data.get("headline_scale"), smap, report)
    for needed in ("body", "headline", "dateline", "byline", "caption", "masthead", "running_head", "kicker", "subhead"):
        if needed not in roles:
            report.error("bad-style", f"style {shown} has no role '{needed}'", Source(shown, 1, 1))
    if grid.width > trim[0] or margin_top + grid.height > trim[1]:
        report.error("bad-style", f"the grid ({grid.width:.0f} x {grid.height:.0f} pt) does not fit the page",
                     smap.where(("grid",)), "fewer columns or lines, or a smaller body size")
    if len(report.errors) > errors_before:
        return None
    return Style(
        name=str(data.get("name", path.stem)),
        trim=trim,
        bleed=length("page", "bleed", default=3 * _UNITS["mm"]),
        margin_top=margin_top,
        margin_left=margin_left,
        grid=grid,
        roles=roles,
        linebreak=str(data.get("linebreak", "gb")),
        punctuation=str(data.get("punctuation", "kaiming")),
        masthead_lines=int(data.get("masthead_lines", 14)),
        fallback=tuple(str(f) for f in data.get("fallback") or ()),
        font_dirs=_font_dirs(data.get("font_dirs"), path, issue_root, smap, report),
        headline_scale=headline_scale,
        vertical=_vertical_style(data.get("vertical"), smap, report),
        path=path,
        sources={
            **{("roles", n): smap.where(("roles", n, "font")) for n in roles},
            **{("fallback", i): smap.value(("fallback", i)) for i, _ in enumerate(data.get("fallback") or ())},
            ("font_dirs",): smap.where(("font_dirs",)),
        },
    )


def _font_dirs(listed, style_path: Path, issue_root: Path, smap, report: Report) -> tuple[Path, ...]:
    """A style's `font_dirs` (relative to the style) -> the folders, each inside the edition's
    folder, the style's own folder or the project's fonts/; any other is refused with a
    diagnostic (the machine's installed fonts are searched anyway; LAYOUT_FONT_DIRS adds more)."""
    if listed is None:
        return ()
    if not isinstance(listed, list):
        report.warning("bad-style", "font_dirs must be a list of folders", smap.value(("font_dirs",)),
                       "e.g. font_dirs: [fonts]")
        return ()
    dirs = []
    for i, d in enumerate(listed):
        found = resolve_inside(style_path.parent, str(d), report, smap.value(("font_dirs", i)), "font folder",
                               also=(issue_root, FONTS_DIR), example="fonts")
        if found is not None:
            dirs.append(found)
    return tuple(dirs)
def _headline_scale(raw, smap, report: Report) -> HeadlineScale | None:
    """`headline_scale: {lead: 小初, columns: {1: 三号, 2: 小二, …}}` -> HeadlineScale (None when absent)."""
    if raw is None:
        return None
    hint = "e.g. headline_scale: {lead: 小初, columns: {1: 三号, 2: 小二, 3: 二号}} (sizes: 号 names or pt)"
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict) or not raw["columns"]:
        report.error("bad-style", "headline_scale needs lead: and columns: (a size per column count)",
                     smap.where(("headline_scale",)), hint)
        return None
    lead = parse_length(raw.get("lead"))
    if lead is None:
        report.error("bad-style", f"headline_scale.lead must be a size, not {raw.get('lead')!r}",
                     smap.where(("headline_scale", "lead")), hint)
        return None
    columns = []
    for n, size in raw["columns"].items():
        pt = parse_length(size)
        n = int(n) if isinstance(n, str) and n.strip().isdigit() else n
        if not isinstance(n, int) or isinstance(n, bool) or n < 1 or pt is None:
            report.error("bad-style", f"headline_scale.columns: {n!r}: {size!r} is not a column count and a size",
                         smap.where(("headline_scale", "columns", n)), hint)
            return None
        columns.append((n, pt))
    min_cols = raw.get("lead_min_columns", 3)
    if not isinstance(min_cols, int) or isinstance(min_cols, bool) or min_cols < 1:
        report.error("bad-style", f"headline_scale.lead_min_columns must be a column count, not {min_cols!r}",
                     smap.where(("headline_scale", "lead_min_columns")), hint)
        return None
    return HeadlineScale(lead, tuple(sorted(columns)), min_cols)

"""Finding installed fonts by name, and classifying them.

`font_dirs(extra)` lists the folders to search: `LAYOUT_FONT_DIRS` (paths
separated by os.pathsep) when set, else the usual folders of Linux, macOS and
Windows; plus the style's own `font_dirs`. `FontIndex` reads the names of
every face in those folders once (cached on disk, keyed by each file's size
and mtime) and answers `find(name)` (family, family + style, full or
PostScript name, any language) and `candidates(cls)` (faces in fallback
order, same class first).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
INDEX_VERSION = 1
#: A font folder is searched this many folders deep, and for at most this many entries (files and
#: folders): a whole disk named as a font folder costs a moment, not minutes, and is reported.
MAX_FONT_DIR_DEPTH = 8
MAX_FONT_DIR_ENTRIES = 50_000

#: Words in a face's names that tell its class (Song/Ming = serif, Hei/Gothic = sans, Kai).
_CLASS_WORDS = {
    "kai": ("kai", "楷", "wenkai"),
    "sans": ("sans", "hei", "黑", "gothic", "yahei"),
    "serif": ("serif", "song", "宋", "ming", "明", "mincho", "fangsong", "仿宋"),
}


#: Name parts that mark a CJK face made for a region's glyph forms.
_REGION_WORDS = {
    "zh-CN": (" SC", "CN", "GB", "简"),
    "zh-TW": (" TC", "TW", "繁"),
    "zh-HK": (" HK", " TC", "繁"),
}


def _is_bold(names: str) -> bool:
    return any(w in names for w in ("Bold", "Heavy", "Black", "粗"))


def system_font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "darwin":
        dirs = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    elif sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData/Local"))
        dirs = [windir / "Fonts", local / "Microsoft/Windows/Fonts"]
    else:
        data_home = Path(os.environ.get("XDG_DATA_HOME", home / ".local/share"))
        dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), data_home / "fonts", home / ".fonts"]
    return dirs


def font_dirs(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    env = os.environ.get("LAYOUT_FONT_DIRS")
    base = [Path(p) for p in env.split(os.pathsep) if p] if env is not None else system_font_dirs()
    return tuple(dict.fromkeys([*extra, *base]))


def classify(names) -> str:
    """'serif', 'sans', 'kai' or 'other' from a face's names."""
    text = " ".join(names).lower()
    for cls in ("kai", "sans", "serif"):
        if any(w in text for w in _CLASS_WORDS[cls]):
            return cls
    return "other"


@dataclass(frozen=True)
class IndexedFace:
    path: Path
    index: int
    names: tuple[str, ...]
    cls: str
    cjk: bool        # has the common Han 永 and 的

    @property
    def name(self) -> str:
        return min(self.names, key=len) if self.names else self.path.stem


class FontIndex:
    """Names of every face in a set of folders; read once, cached on disk."""

    def __init__(self, dirs: tuple[Path, ...]):
        self.dirs = dirs
        #: folders searched only in part (deeper or larger than MAX_FONT_DIR_DEPTH, MAX_FONT_DIR_ENTRIES)
        self.cut_short: list[Path] = []
        self.faces = self._scan()

    def _scan(self) -> list[IndexedFace]:
        from layout.fonts.convert import cache_dir

        cache_file = cache_dir() / "index.json"
        try:
            cache = json.loads(cache_file.read_text(encoding="utf-8"))
            if cache.get("version") != INDEX_VERSION:
                cache = {}
        except (OSError, ValueError):
            cache = {}
        entries = cache.get("files", {})
        faces: list[IndexedFace] = []
        changed = False
        for folder in self.dirs:
            if not folder.is_dir():
                continue
            files, complete = font_files(folder)
            if not complete:
                self.cut_short.append(folder)
            for path in files:
                try:
                    st = path.stat()
                except OSError:   # removed meanwhile, or a dangling link
                    continue
                stamp = f"{st.st_size}:{st.st_mtime_ns}"
                entry = entries.get(str(path))
                if not entry or entry["stamp"] != stamp:
                    entry = {"stamp": stamp, "faces": _read_faces(path)}
                    entries[str(path)] = entry
                    changed = True
                for i, (names, cjk) in enumerate(entry["faces"]):
                    faces.append(IndexedFace(path, i, tuple(names), classify(names), cjk))
        if changed:
            from layout.util import write_atomic

            try:
                write_atomic(cache_file, json.dumps({"version": INDEX_VERSION, "files": entries},
                                                    ensure_ascii=False).encode("utf-8"))
            except OSError:
                pass  # a read-only cache only costs time
        return faces

    def find(self, name: str) -> IndexedFace | None:
        wanted = name.strip().lower()
        for face in self.faces:
            if wanted in (n.lower() for n in face.names):
                return face
        return None

    def candidates(self, cls: str, lang: str = "zh-CN", bold: bool = False) -> list[IndexedFace]:
        """Fallback order: CJK faces first; of those, the class `cls` (Song to Song, Hei to Hei), then the
        edition's script (SC for zh-CN, TC/HK for zh-TW/zh-HK), then the weight; stable by path."""
        region = _REGION_WORDS.get(lang, _REGION_WORDS["zh-CN"])

        def key(f: IndexedFace):
            text = " ".join(f.names)
            return (not f.cjk, f.cls != cls, not any(w in text for w in region),
                    _is_bold(text) != bold, str(f.path), f.index)

        return sorted(self.faces, key=key)


def font_files(folder: Path) -> tuple[list[Path], bool]:
    """The font files in `folder` and its subfolders, sorted, up to MAX_FONT_DIR_DEPTH folders deep
    and MAX_FONT_DIR_ENTRIES entries seen; -> (files, whether the whole folder was searched).
    Links to folders are not followed (no loops); unreadable folders are skipped."""
    found: list[Path] = []
    seen = 0
    complete = True
    for top, subdirs, names in os.walk(folder, onerror=lambda exc: None):
        depth = len(Path(top).relative_to(folder).parts)
        seen += len(subdirs) + len(names)
        if seen > MAX_FONT_DIR_ENTRIES:
            return sorted(found), False
        if depth >= MAX_FONT_DIR_DEPTH and subdirs:
            complete = False
            subdirs.clear()
        subdirs.sort()
        for name in names:
            if name.lower().endswith(FONT_SUFFIXES) and os.path.isfile(os.path.join(top, name)):
                found.append(Path(top, name))
    return sorted(found), complete


def _read_faces(path: Path) -> list:
    from layout.fonts.convert import face_names, faces_in

    out = []
    try:
        for font in faces_in(path):
            try:
                names = sorted(face_names(font))
                cmap = font.getBestCmap() or {}
                out.append([names, 0x6C38 in cmap and 0x7684 in cmap])
            except Exception:  # a damaged face in a system folder must not stop a build
                out.append([[], False])
    except Exception:
        return []
    return out


@lru_cache(maxsize=8)
def font_index(dirs: tuple[Path, ...]) -> FontIndex:
    return FontIndex(dirs)

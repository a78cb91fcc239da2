#!/usr/bin/env python3
"""Rebuild the bundled fonts in fonts/ from the fonts Debian installs.

Takes:   the system font files of the Debian packages fonts-noto-cjk and
         fonts-lxgw-wenkai, and the text of every *.yaml / *.yml / *.md file
         under issues/ that exists when the script runs (but not of zh-TW/zh-HK
         editions, which are printed in TC/HK faces).
Returns: writes fonts/serif-regular.ttf, serif-bold.ttf, sans-regular.ttf,
         sans-bold.ttf and kai-regular.ttf (TrueType outlines, the only kind
         reportlab embeds) and prints glyph count, size and GB 2312 coverage
         of each.  Exit status 1 if any font misses a GB 2312 character.

Each output is a subset of one face (character set below), with CFF outlines
converted to quadratic `glyf` outlines, hinting dropped (the vertical forms
`vert`/`vrt2` and metrics `vhea`/`vmtx` kept, for vertical setting), the cmap pointed at the glyphs OpenType `locl` selects for
simplified Chinese (reportlab applies no features; --no-bake-locl turns this
off), and new names that use no Reserved Font Name of its licence.  The
output depends only on the source files and the scanned text: timestamps are
copied from the source font, so two runs give byte-identical files.

Usage, from the repository root:
    python fonts/build_fonts.py [--jobs N] [--max-err UNITS]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, newTable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from layout.fonts.convert import (  # noqa: E402  (the conversion is shared with the package)
    _WIN, _english_name, _family_and_style, bake_chinese_locl, cff_to_glyf, keep_chinese_langsys, subset_font,
)

FONTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = FONTS_DIR.parent
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
WENKAI_DIR = Path("/usr/share/fonts/truetype/lxgw-wenkai")

# Folders whose text is added to the character set, relative to the repo root.
SCANNED_DIRS = ("issues",)  # not tests/: tests need characters the bundled faces lack
SCANNED_SUFFIXES = (".yaml", ".yml", ".md")

# Reserved Font Names of the sources' licences: Noto CJK is derived from
# Adobe's Source Han ("Source" is reserved); Debian's copyright file for
# LXGW WenKai reserves "霞鹜" and "LXGW".  None may appear in our names.
RESERVED_NAMES = ("Source", "LXGW", "霞鹜")

MAX_TOTAL_BYTES = 30 * 1024 * 1024


@dataclass(frozen=True)
class Face:
    """One output file and the face it is made from."""

    output: str          # file name inside fonts/
    source: Path         # Debian font file (.ttc collection or .ttf)
    source_family: str   # family name (name ID 16, else 1) of the face to take
    style: str           # subfamily (name ID 17, else 2): "Regular" / "Bold"
    family: str          # our family name
    package: str         # Debian package that ships the source

    @property
    def ps_name(self) -> str:
        return self.family.replace(" ", "") + "-" + self.style

    @property
    def full_name(self) -> str:
        return f"{self.family} {self.style}"


FACES = (
    Face("serif-regular.ttf", NOTO_DIR / "NotoSerifCJK-Regular.ttc",
         "Noto Serif CJK SC", "Regular", "Layout Noto Serif SC", "fonts-noto-cjk"),
    Face("serif-bold.ttf", NOTO_DIR / "NotoSerifCJK-Bold.ttc",
         "Noto Serif CJK SC", "Bold", "Layout Noto Serif SC", "fonts-noto-cjk"),
    Face("sans-regular.ttf", NOTO_DIR / "NotoSansCJK-Regular.ttc",
         "Noto Sans CJK SC", "Regular", "Layout Noto Sans SC", "fonts-noto-cjk"),
    Face("sans-bold.ttf", NOTO_DIR / "NotoSansCJK-Bold.ttc",
         "Noto Sans CJK SC", "Bold", "Layout Noto Sans SC", "fonts-noto-cjk"),
    Face("kai-regular.ttf", WENKAI_DIR / "LXGWWenKai-Regular.ttf",
         "LXGW WenKai", "Regular", "Layout WenKai", "fonts-lxgw-wenkai"),
)

# --------------------------------------------------------------------------
# Character set
# --------------------------------------------------------------------------

# Inclusive code point ranges every font is asked for, besides GB 2312.
EXTRA_RANGES = (
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement: punctuation, symbols, letters
    (0x2010, 0x2027),  # dashes, quotes, bullets, leaders, ellipsis
    (0x2030, 0x203B),  # per mille, primes, guillemets, reference mark
    (0x2460, 0x2473),  # circled numbers ①–⑳
    (0x3000, 0x303F),  # CJK symbols and punctuation (incl. 〓 U+3013)
    (0xFF01, 0xFF5E),  # full-width ASCII forms
)
# Single characters: two- and three-em dash, midline ellipsis, ℃ № ¥ € £ ·,
# geta mark 〓.
EXTRA_CHARS = "\u2E3A\u2E3B\u22EF\u2103\u2116\u00A5\u20AC\u00A3\u00B7\u3013"

# Characters common in personal names that are in the 通用规范汉字表 (2013)
# but not in GB 2312.  Checked against Unihan kTGH (Unicode 15.0); the script
# re-checks at run time that none is in GB 2312.  The last three are the
# table's simplified forms of 頔, 暐 and 顗 (CJK Extension planes).
NAME_CHARS = (
    "喆堃昇玥珺瑄璟赟翀昉焜淏犇垚燊镕祎彧旻玹"
    "珣琤琇珽琎瑃璠璘瓘晞昺昳晅晙炘烜沄沺洺湉"
    "湜珅玙玚玓祐禤邨芃苾萩棨婳媞嫚姮妘姈骉骃"
    "翃翙翚颋颙鋆镠钖竑竫甦曌浛溦涴宬炟瑀璆"
    "\U0002CC56\U0002C029\U0002B5AE"
)

# Text characters never worth a glyph: controls, format characters,
# surrogates, private use, unassigned, line/paragraph separators.
_SKIPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def gb2312_chars() -> frozenset[str]:
    """Every character of GB 2312, decoded from its EUC-CN double-byte area."""
    chars = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # unassigned cell
    if len(chars) != 7445:  # 682 symbols + 6763 hanzi
        raise RuntimeError(f"gb2312 codec gave {len(chars)} characters, not 7445")
    return frozenset(chars)


def fixed_extra_chars() -> frozenset[str]:
    chars = {chr(cp) for lo, hi in EXTRA_RANGES for cp in range(lo, hi + 1)}
    chars.update(EXTRA_CHARS)
    return frozenset(chars)


def _wanted(ch: str) -> bool:
    if unicodedata.category(ch) in _SKIPPED_CATEGORIES:
        return False
    cp = ord(ch)
    return not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)  # VS


def _read_text(path: Path, root: Path) -> str | None:
    """UTF-8 text of a file; GB 18030 if it is not UTF-8 (some test fixtures
    are deliberately GBK); None, with a note, if neither decodes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"note: skipped {path.relative_to(root)}: {exc}", file=sys.stderr)
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    print(f"note: skipped {path.relative_to(root)}: neither UTF-8 nor GB 18030",
          file=sys.stderr)
    return None


def _traditional_edition(folder: Path) -> bool:
    """True for an edition folder whose issue.yaml says `lang: zh-TW` or `zh-HK`."""
    manifest = folder / "issue.yaml"
    if not manifest.is_file():
        return False
    return re.search(r"\blang:\s*[\"']?zh-(TW|HK)\b", manifest.read_text(encoding="utf-8", errors="replace")) is not None


def scanned_text_chars(root: Path) -> tuple[frozenset[str], list[str]]:
    """Characters of the issue and test texts; also the files scanned."""
    chars: set[str] = set()
    files: list[str] = []
    for folder in SCANNED_DIRS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix.lower() not in SCANNED_SUFFIXES or not path.is_file():
                continue
            if _traditional_edition(base / path.relative_to(base).parts[0]):
                continue   # printed in TC/HK faces (layout/fonts/locale.py): the SC faces need none of it
            text = _read_text(path, root)
            if text is None:
                continue
            files.append(str(path.relative_to(root)))
            chars.update(ch for ch in text if _wanted(ch))
    return frozenset(chars), files


@dataclass(frozen=True)
class CharSet:
    gb2312: frozenset[str]
    extras: frozenset[str]
    names: frozenset[str]
    scanned: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.gb2312 | self.extras | self.names | self.scanned


def build_charset(root: Path) -> tuple[CharSet, list[str]]:
    gb = gb2312_chars()
    names = frozenset(NAME_CHARS)
    if len(names) != len(NAME_CHARS):
        raise RuntimeError("NAME_CHARS lists a character twice")
    in_gb = sorted(names & gb)
    if in_gb:
        raise RuntimeError("NAME_CHARS has GB 2312 characters: " + "".join(in_gb))
    scanned, files = scanned_text_chars(root)
    return CharSet(gb, fixed_extra_chars(), names, scanned), files


# --------------------------------------------------------------------------
# Font work
# --------------------------------------------------------------------------

# OpenType features kept: layout.fonts.convert.KEEP_FEATURES (horizontal Chinese
# text and the vertical forms vert/vrt2); everything else is dropped with its lookups.
def locate_face(face: Face) -> int:
    """Index of the wanted face in the source file, found by its names."""
    if face.source.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(face.source), lazy=True)
        try:
            found = [i for i, f in enumerate(collection.fonts)
                     if _family_and_style(f) == (face.source_family, face.style)]
        finally:
            collection.close()
    else:
        font = TTFont(str(face.source), lazy=True)
        try:
            found = [0] if _family_and_style(font) == (face.source_family,
                                                       face.style) else []
        finally:
            font.close()
    if len(found) != 1:
        raise RuntimeError(f"{face.source}: expected one face named "
                           f"{face.source_family!r} {face.style!r}, found {len(found)}")
    return found[0]


def rename_font(font: TTFont, face: Face, source: dict, baked: bool) -> None:
    """New name table: our names, the source's copyright and licence."""
    for name in (face.family, face.ps_name, face.full_name):
        for reserved in RESERVED_NAMES:
            if reserved.lower() in name.lower():
                raise RuntimeError(f"{name!r} uses Reserved Font Name {reserved!r}")
    # Version from name ID 5: LXGW WenKai 1.250's head.fontRevision says 1.025.
    match = re.search(r"\d+\.\d+", source[5] or "")
    version = match.group(0) if match else f"{font['head'].fontRevision:.3f}"
    outlines = ("CFF outlines converted to TrueType (quadratic) outlines, "
                if source["cff"] else "")
    description = (
        f"Subset of {source[4]} ({source[5]}) from the Debian package "
        f"{face.package}, modified by the layout project: {outlines}"
        "subset to GB 2312 plus newspaper punctuation and name characters, "
        "hinting removed, "
        + ("cmap pointed at the simplified-Chinese locl forms, " if baked else "")
        + "renamed. Licensed under the SIL Open Font License, Version 1.1.")
    new = {
        1: face.family,
        2: face.style,
        3: f"{version};LAYOUT;{face.ps_name}",
        4: face.full_name,
        5: f"{source[5]}; layout subset",
        6: face.ps_name,
        10: description,
        16: face.family,
        17: face.style,
    }
    for name_id in (0, 7, 8, 9, 11, 12, 13, 14):  # copied unchanged
        if source.get(name_id):
            new[name_id] = source[name_id]
    table = newTable("name")
    table.names = []
    for name_id in sorted(new):
        table.setName(new[name_id], name_id, *_WIN)
    font["name"] = table


def build_face(face: Face, chars: frozenset[str], max_err: float,
               out_dir: Path, bake_locl: bool = True) -> dict:
    """Make one output file; return facts about it for the report."""
    started = time.perf_counter()
    index = locate_face(face)
    font = TTFont(str(face.source), fontNumber=index, recalcTimestamp=False)
    head = font["head"]
    created, modified = head.created, head.modified
    source = {i: _english_name(font, i) for i in (0, 4, 5, 7, 8, 9, 11, 12, 13, 14)}
    source["cff"] = "CFF " in font or "CFF2" in font

    baked = bake_chinese_locl(font) if bake_locl else []
    keep_chinese_langsys(font)
    subset_font(font, chars)
    if source["cff"]:
        cff_to_glyf(font, max_err)
    rename_font(font, face, source, bool(baked))
    head.created, head.modified = created, modified

    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    data = buffer.getvalue()
    target = out_dir / face.output
    partial = target.with_suffix(".ttf.part")
    partial.write_bytes(data)
    os.replace(partial, target)

    check = TTFont(io.BytesIO(data))
    return {
        "output": face.output,
        "ps_name": face.ps_name,
        "source": f"{face.source.name} [{index}] {source[4]}, {source[5]}",
        "glyphs": check["maxp"].numGlyphs,
        "bytes": len(data),
        "cmap": frozenset(chr(cp) for cp in check.getBestCmap()),
        "features": sorted({r.FeatureTag for t in ("GSUB", "GPOS") if t in check
                            for r in check[t].table.FeatureList.FeatureRecord}),
        "baked": [c for c in baked if c in chars],
        "seconds": time.perf_counter() - started,
    }


def _describe(chars) -> str:
    return " ".join(f"U+{ord(c):04X}{c if c.isprintable() else ''}"
                    for c in sorted(chars))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=min(len(FACES), os.cpu_count() or 1),
                        help="fonts built in parallel (default: CPU count, at most 5)")
    parser.add_argument("--max-err", type=float, default=1.0,
                        help="largest cubic-to-quadratic deviation, font units (default 1)")
    parser.add_argument("--no-bake-locl", dest="bake_locl", action="store_false",
                        help="keep the source cmap; do not map characters to their "
                             "simplified-Chinese `locl` forms")
    parser.add_argument("--only", action="append", default=[], metavar="FILE",
                        help="build only this output (e.g. serif-regular.ttf); repeatable")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    charset, files = build_charset(REPO_ROOT)
    wanted = charset.all
    new_chars = charset.scanned - charset.gb2312 - charset.extras - charset.names
    print(f"character set: {len(wanted)} characters "
          f"(GB 2312 {len(charset.gb2312)}, fixed extras {len(charset.extras)}, "
          f"names {len(charset.names)}, from {len(files)} scanned files "
          f"{len(charset.scanned)}, of them {len(new_chars)} new)")
    if new_chars:
        print(f"  new from scanned text: {_describe(new_chars)}")

    faces = [f for f in FACES if not args.only or f.output in args.only]
    jobs = max(1, min(args.jobs, len(faces)))
    if jobs == 1:
        results = [build_face(f, wanted, args.max_err, FONTS_DIR, args.bake_locl)
                   for f in faces]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(build_face, f, wanted, args.max_err, FONTS_DIR,
                                   args.bake_locl) for f in faces]
            results = [f.result() for f in futures]

    status = 0
    total = 0
    for r in results:
        total += r["bytes"]
        gb_have = len(charset.gb2312 & r["cmap"])
        pct = 100.0 * gb_have / len(charset.gb2312)
        print(f"{r['output']:18} {r['ps_name']:28} glyphs {r['glyphs']:5}  "
              f"{r['bytes']:>10,} bytes  GB 2312 {gb_have}/{len(charset.gb2312)} "
              f"({pct:.2f}%)  {r['seconds']:.1f}s")
        print(f"{'':18} from {r['source']}")
        print(f"{'':18} features: {' '.join(r['features']) or '(none)'}")
        if r["baked"]:
            print(f"{'':18} cmap set to ZHS locl forms: {_describe(r['baked'])}")
        if gb_have != len(charset.gb2312):
            status = 1
            print(f"{'':18} MISSING GB 2312: {_describe(charset.gb2312 - r['cmap'])}")
        for label, group in (("extras", charset.extras), ("names", charset.names),
                             ("scanned text", charset.scanned)):
            missing = group - r["cmap"]
            if missing:
                print(f"{'':18} not in source ({label}): {_describe(missing)}")
    print(f"total {total:,} bytes ({total / 1024 / 1024:.1f} MiB) in {len(results)} files; "
          f"{time.perf_counter() - started:.1f}s")
    if total > MAX_TOTAL_BYTES:
        print(f"warning: over the {MAX_TOTAL_BYTES // 1024 // 1024} MiB budget",
              file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())

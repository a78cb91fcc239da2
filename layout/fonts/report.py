"""`layout fonts [ISSUE.yaml]`: which face sets each role, what it covers, where fallbacks and gaps are.

`fonts_report(edition)` takes a prepared edition and returns plain data:
per role its face, file and coverage of GB 2312 and of the edition's
characters in that role; the characters that came from fallback faces; the
characters no face has. `bundled_report()` does the same for the bundled
faces without an edition; `installed_report(extra_dirs)` lists every face
installed in the font folders (the names a style may use, their class and
file). `print_report` writes any of them for a person.
"""
from __future__ import annotations

from functools import lru_cache

from layout.fonts.coverage import edition_texts
from layout.fonts.discovery import font_dirs, font_index
from layout.fonts.registry import BUNDLED, load_face


@lru_cache(maxsize=1)
def gb2312() -> frozenset[str]:
    """The 7,445 characters of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE), from Python's codec."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _coverage(face, chars) -> tuple[int, int]:
    return sum(1 for c in chars if face.has(c)), len(chars)


def fonts_report(edition) -> dict:
    ts, style = edition.typesetter, edition.style
    role_chars: dict[str, set[str]] = {}
    for text, role, _bold, _src, _story in edition_texts(edition.issue):
        role_chars.setdefault(role, set()).update(ch for ch in text if not ch.isspace())
    roles = []
    for name, role in sorted(style.roles.items()):
        entry = {"role": name, "face": role.font}
        try:
            face = ts.face(role.font)
        except Exception as exc:  # noqa: BLE001 - reported as the role's problem
            entry["error"] = str(exc)
            roles.append(entry)
            continue
        have, total = _coverage(face, gb2312())
        ed_have, ed_total = _coverage(face, role_chars.get(style.role(name) and name, set()))
        entry.update(name=face.name, file=str(face.source), index=face.index, outlines="CFF" if face.cff else "TrueType",
                     gb2312=[have, total], edition=[ed_have, ed_total])
        roles.append(entry)
    fallback = [{"char": ch, "code": f"U+{ord(ch):04X}", "instead_of": ts.face(primary).name,
                 "face": ts.face(key).name, "file": str(ts.face(key).source)}
                for (ch, primary), key in sorted(ts.fallback_used.items())]
    missing = [{"char": ch, "code": f"U+{ord(ch):04X}", "stories": sorted({a for a, _ in seen if a})}
               for ch, seen in sorted(ts.missing.items())]
    return {"roles": roles, "fallback": fallback, "missing": missing}


def bundled_report() -> dict:
    faces = []
    for key in BUNDLED:
        face = load_face(key)
        have, total = _coverage(face, gb2312())
        faces.append({"face": key, "name": face.name, "file": str(face.source), "glyphs": len(face.advances),
                      "gb2312": [have, total]})
    return {"bundled": faces}


def installed_report(extra_dirs=()) -> dict:
    """Every face in the font folders (the system's, or LAYOUT_FONT_DIRS, plus a style's `font_dirs`):
    the name a style can give it, its other names, its class, whether it has Han, its file. Faces with
    Han come first, then by name."""
    dirs = font_dirs(tuple(extra_dirs))
    indexed = [f for f in font_index(dirs).faces if f.names]
    owners: dict[str, set] = {}
    for f in indexed:
        for n in f.names:
            owners.setdefault(n.lower(), set()).add((f.path, f.index))

    def name_of(f) -> str:   # the shortest name that picks this face and no other (a family names several)
        unique = [n for n in f.names if len(owners[n.lower()]) == 1]
        return min(unique or f.names, key=lambda n: (len(n), n))

    faces = [{"name": name_of(f), "names": list(f.names), "class": f.cls, "han": f.cjk, "file": str(f.path),
              "index": f.index} for f in indexed]
    faces.sort(key=lambda f: (not f["han"], f["name"].lower(), f["file"], f["index"]))
    return {"installed": faces, "folders": [str(d) for d in dirs]}


def installed_names(extra_dirs=()) -> list[str]:
    """Every name an installed face answers to (for a did-you-mean)."""
    return sorted({n for f in font_index(font_dirs(tuple(extra_dirs))).faces for n in f.names})


def print_report(data: dict, out) -> None:
    def pct(pair):
        have, total = pair
        return f"{have}/{total} ({100 * have / total:.1f} %)" if total else "-"

    if "installed" in data:
        faces = data["installed"]
        print(f"installed faces ({len(faces)}, {sum(f['han'] for f in faces)} with Han characters) in "
              + ", ".join(data["folders"]) + ":", file=out)
        for f in faces:
            han = "Han" if f["han"] else "   "
            print(f"  {f['name']:<32} {f['class']:<6} {han}  {f['file']}" + (f" #{f['index']}" if f["index"] else ""),
                  file=out)
        if not faces:
            print("  (none: set LAYOUT_FONT_DIRS or a style's font_dirs to the folders your fonts are in)", file=out)
        return
    if "bundled" in data:
        print("bundled faces:", file=out)
        for f in data["bundled"]:
            print(f"  {f['face']:<14} {f['name']:<28} GB 2312 {pct(f['gb2312'])}  {f['file']}", file=out)
        return
    print("faces by role:", file=out)
    for r in data["roles"]:
        if "error" in r:
            print(f"  {r['role']:<18} {r['face']}: {r['error']}", file=out)
            continue
        print(f"  {r['role']:<18} {r['name']:<28} GB 2312 {pct(r['gb2312']):<22} edition {pct(r['edition']):<18}"
              f" {r['outlines']:<8} {r['file']}" + (f" #{r['index']}" if r["index"] else ""), file=out)
    if data["fallback"]:
        print("from fallback faces:", file=out)
        for f in data["fallback"]:
            print(f"  {f['code']} {f['char']}  {f['face']} instead of {f['instead_of']}  ({f['file']})", file=out)
    if data["missing"]:
        print("missing from every face (printed as 〓):", file=out)
        for m in data["missing"]:
            print(f"  {m['code']} {m['char']}  in {', '.join(m['stories']) or 'page furniture'}", file=out)
    if not data["fallback"] and not data["missing"]:
        print("every character comes from its role's own face", file=out)

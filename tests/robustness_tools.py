"""Helpers for tests/test_robustness.py: hostile manifests, hostile images, running the CLI.

- `copy_edition(src, dst)` copies a sample edition (manifest, articles, images).
- `mutations()` is a hypothesis strategy of edits to a manifest's data: keys
  removed or renamed, values replaced by other types, huge or odd Unicode text,
  numbers out of range, lists emptied or repeated. `apply(data, edits)` applies them.
- `hostile_images(folder)` writes images a newsroom might send by mistake:
  corrupt, truncated, empty, not an image at all, decompression bombs, and the
  valid but unusual ones of `unusual()` (CMYK, 16-bit gray and RGB, RGBA, a few
  pixels), and returns {case: path}.
- `run_cli(argv)` runs `layout.cli.main` in-process and returns (status, stdout, stderr).
"""
from __future__ import annotations

import contextlib
import copy
import io
import math
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import yaml
from hypothesis import strategies as st
from PIL import Image

from layout.cli import main

ROOT = Path(__file__).resolve().parent.parent
TABLOID = ROOT / "issues" / "2026-11-27"
BROADSHEET = ROOT / "issues" / "2026-11-28-broadsheet"


def copy_edition(src: Path, dst: Path) -> Path:
    """A copy of an edition folder; returns the copy's issue.yaml."""
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst / "issue.yaml"


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- manifest mutations

#: Text that has broken tools before: controls, bidi, zero-width, combining marks, astral
#: ideographs, a lone emoji, full-width look-alikes, YAML-meaningful characters.
ODD_TEXT = (
    "", " ", "\u3000\u3000", "\t", "\u200b", "\u200f\u202e反向\u202c", "e\u0301\u0301\u0301", "𠀀𪚥𰻝",
    "😀", "ｐａｇｅｓ", "null", "~", "*alias", "&anchor", "!!python/object:os.system", "{a: 1}", "[1, 2",
    "---", "...", "#", "'", '"', "\\", "\x07\x1b[31m", "\ufeff", "\ufffd", "é" * 3, "中" * 40,
)


def _texts():
    return st.one_of(
        st.sampled_from(ODD_TEXT),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),  # any Unicode but lone surrogates
        st.integers(min_value=1_000, max_value=60_000).map(lambda n: "长" * n),  # huge (bounded: fast)
        st.integers(min_value=1_000, max_value=20_000).map(lambda n: "ab " * n),
    )


def _values():
    """Any value a YAML file can hold, with the awkward ones weighted in."""
    scalars = st.one_of(
        st.none(), st.booleans(), _texts(),
        st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
        st.sampled_from((0, -1, 1, 2, 7, 8, 9, 121, 120, 999, 2 ** 31, 2 ** 63, -(2 ** 63))),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(("2026-02-30", "2026-11-27", "1900-01-01", "9999-12-31", "0000-00-00")),
    )
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                        max_leaves=6)


#: One edit: (kind, which path index, value). The path index picks among the data's key paths.
#: `text` and `number` keep the value's type (so the edition still gets past the schema and the
#: layout runs on the odd value); the others change the structure.
EDIT_KINDS = ("delete", "replace", "rename", "empty", "repeat", "out-of-range", "wrap", "swap-type")
TYPED_KINDS = ("text", "number")


def mutations(max_edits: int = 3):
    structural = st.tuples(st.sampled_from(EDIT_KINDS), st.integers(min_value=0, max_value=10 ** 6), _values())
    typed = st.tuples(st.sampled_from(TYPED_KINDS), st.integers(min_value=0, max_value=10 ** 6),
                      st.one_of(_texts(), st.integers(min_value=-(10 ** 12), max_value=10 ** 12)))
    return st.lists(st.one_of(typed, structural), min_size=1, max_size=max_edits)


def key_paths(data, prefix=()) -> list[tuple]:
    """Every path into the data (dict keys and list indexes), parents before children."""
    out = []
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return out
    for k, v in items:
        out.append(prefix + (k,))
        out += key_paths(v, prefix + (k,))
    return out


def _parent(data, path):
    for k in path[:-1]:
        data = data[k]
    return data


_OUT_OF_RANGE = (0, -1, -120, 9, 121, 10 ** 9, [0, 0], [8, 1], [1, 10 ** 6], [-5, 3], [1, 2, 3], [1.5, 2.5],
                 1e308, -0.0)


def apply(data: dict, edits) -> dict:
    """The manifest data with the edits applied (a deep copy; the input is left alone)."""
    data = copy.deepcopy(data)
    for kind, pick, value in edits:
        paths = key_paths(data)
        if kind == "text":
            paths = [p for p in paths if isinstance(_parent(data, p)[p[-1]], str)]
            value = value if isinstance(value, str) else str(value)
        elif kind == "number":
            paths = [p for p in paths if type(_parent(data, p)[p[-1]]) is int]
            value = value if isinstance(value, int) else len(value)
        if not paths:
            continue
        path = paths[pick % len(paths)]
        parent, key = _parent(data, path), path[-1]
        old = parent[key]
        if kind in ("text", "number"):
            parent[key] = value
        elif kind == "delete":
            del parent[key]
        elif kind == "replace":
            parent[key] = value
        elif kind == "rename" and isinstance(parent, dict):
            new_key = value if isinstance(value, str) and value else f"{key}_"   # a typo, or any text
            parent[new_key] = parent.pop(key)
        elif kind == "empty":
            parent[key] = type(old)() if isinstance(old, (list, dict, str)) else None
        elif kind == "repeat" and isinstance(old, list):
            parent[key] = old * 3
        elif kind == "out-of-range":
            parent[key] = _OUT_OF_RANGE[pick % len(_OUT_OF_RANGE)]
        elif kind == "wrap":
            parent[key] = [old] if pick % 2 else {"value": old}
        elif kind == "swap-type":
            parent[key] = str(old) if not isinstance(old, str) else (len(old) or None)
    return data


def dump(data) -> str:
    """YAML for the mutated data (plain dump: the loader must cope with whatever it says)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def load_data(manifest: Path):
    return yaml.safe_load(manifest.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- hostile images


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(width: int, height: int, depth: int, colour: int, rows: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(rows))
            + _png_chunk(b"IEND", b""))


def hostile_images(folder: Path, good: Path) -> dict[str, Path]:
    """Write the hostile images into `folder` (from the good JPEG `good`); returns {case: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    data = good.read_bytes()
    out: dict[str, Path] = {}

    def put(name: str, content: bytes) -> None:
        path = folder / name
        path.write_bytes(content)
        out[name.rsplit(".", 1)[0]] = path

    put("corrupt.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)        # a JPEG start, then noise
    put("truncated.jpg", data[: len(data) // 3])                               # the copy stopped a third in
    put("truncated-tail.jpg", data[:-2000])                                    # only the end is missing
    put("empty.jpg", b"")
    put("not-an-image.jpg", "这不是图片，是一段文字。\n".encode())
    put("html.jpg", b"<html><body>404 Not Found</body></html>")
    # a 40,000 x 40,000 PNG of 564 bytes: decoding it would take 1.6 G pixels
    put("bomb.png", _png(40_000, 40_000, 1, 0, b"\x00" * 5001 * 10))
    # under Pillow's hard limit but over what a page needs: 12,000 x 9,000 (108 M pixels)
    put("huge-header.png", _png(12_000, 9_000, 1, 0, b"\x00" * 1501 * 10))
    for case in UNUSUAL:
        put(f"{case}.{'jpg' if case == 'cmyk' else 'png'}", unusual(good, case))
    return out


#: Images that are valid but unusual for a newsroom's pipeline.
UNUSUAL = ("cmyk", "gray16", "rgb16", "rgba", "tiny")


def unusual(good: Path, case: str) -> bytes:
    """The photo `good` as a CMYK JPEG, a 16-bit gray or 16-bit RGB PNG, an RGBA PNG, or a few pixels
    of the same proportions (so that the page keeps its make-up)."""
    src = Image.open(good)
    buf = io.BytesIO()
    if case == "cmyk":
        src.convert("CMYK").save(buf, "JPEG", quality=85)
    elif case == "gray16":
        Image.fromarray(np.asarray(src.convert("L")).astype(np.uint16) * 257).save(buf, "PNG")
    elif case == "rgb16":
        rgb16 = np.asarray(src.convert("RGB")).astype(">u2") * 257
        rows = b"".join(b"\x00" + row.tobytes() for row in rgb16)
        return _png(rgb16.shape[1], rgb16.shape[0], 16, 2, rows)
    elif case == "rgba":
        src.convert("RGBA").save(buf, "PNG")
    elif case == "tiny":
        g = math.gcd(src.width, src.height)
        src.resize((src.width // g, src.height // g)).save(buf, "PNG")   # 1800 x 1200 -> 3 x 2
    else:
        raise ValueError(case)
    return buf.getvalue()


def inline_articles(manifest: Path) -> dict:
    """The manifest's data with every article file written inline under `articles` (so that
    mutations reach article keys too: headline, body, photos …)."""
    data = load_data(manifest)
    articles = {k: v for k, v in (data.get("articles") or {}).items() if k != "include"}
    for file in sorted((manifest.parent / "articles").glob("*")):
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".md":
            _, front, body = text.split("---\n", 2)
            art = yaml.safe_load(front) or {}
            art["body"] = body
        else:
            art = yaml.safe_load(text)
        articles[file.stem] = art
    data["articles"] = articles
    return data

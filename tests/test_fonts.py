"""Font handling: faces by name and in collections, fallback order, missing glyphs, CFF conversion and its cache."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE
from layout.cli import main
from layout.diagnostics import Report
from layout.fonts.registry import load_face, resolve
from layout.pipeline import prepare

pypdf = pytest.importorskip("pypdf")
NOTO = Path("/usr/share/fonts/opentype/noto")
RARE = ROOT / "tests" / "editions" / "rare-names" / "issue.yaml"
needs_noto = pytest.mark.skipif(not (NOTO / "NotoSerifCJK-Regular.ttc").is_file(),
                                reason="Debian's fonts-noto-cjk is not installed (scripts/test.sh installs it)")


@pytest.fixture
def noto_only(monkeypatch, tmp_path):
    """A machine whose installed fonts are Debian's Noto CJK, with an empty font cache."""
    monkeypatch.setenv("LAYOUT_FONT_DIRS", str(NOTO))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def no_fonts(monkeypatch, tmp_path):
    """A machine with no fonts installed besides the bundled ones."""
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("LAYOUT_FONT_DIRS", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def _text(pdf: Path) -> str:
    return "".join(re.sub(r"\s+", "", p.extract_text()) for p in pypdf.PdfReader(pdf).pages)


def _style(tmp_path: Path, **roles_and_keys) -> Path:
    """A copy of the tabloid style with some roles or keys replaced."""
    import yaml

    data = yaml.safe_load((ROOT / "styles" / "tabloid.yaml").read_text(encoding="utf-8"))
    for key, value in roles_and_keys.items():
        if key in data["roles"]:
            data["roles"][key]["font"] = value
        else:
            data[key] = value
    path = tmp_path / "style.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _edition_with_style(src: Path, tmp_path: Path, style: Path) -> Path:
    import shutil

    dst = tmp_path / "edition"
    shutil.copytree(src.parent, dst)
    shutil.copy(style, dst / style.name)   # a style named by path lives in the edition's folder
    manifest = dst / "issue.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r"^style: .*$", f"style: {style.name}", text, flags=re.M), encoding="utf-8")
    return manifest


def test_halt_positions_come_from_the_font():
    serif = load_face("serif-regular")
    assert serif.advance("永") == 1.0
    assert serif.half_shift("“") == pytest.approx(-0.5, abs=0.01)   # opening mark: ink in the right half
    assert serif.half_shift("，") == pytest.approx(0.0, abs=0.01)    # closing mark: ink in the left half
    assert load_face("kai-regular").half_shift("“") is None          # no GPOS halt: the composer derives it


@needs_noto
def test_collection_face_is_picked_by_name():
    path, index = resolve(f"{NOTO}/NotoSerifCJK-Regular.ttc#Noto Serif CJK TC")
    face = load_face(f"{NOTO}/NotoSerifCJK-Regular.ttc#Noto Serif CJK TC")
    assert index > 0 and "TC" in face.name and face.cff
    assert resolve(f"{NOTO}/NotoSerifCJK-Regular.ttc#{index}") == (path, index)


@needs_noto
def test_family_name_lookup(noto_only):
    face = load_face("Noto Sans CJK SC Bold", None, (NOTO,))
    assert face.source.name == "NotoSansCJK-Bold.ttc" and "SC" in face.name
    assert load_face("NotoSerifCJKsc-Regular", None, (NOTO,)).source.name == "NotoSerifCJK-Regular.ttc"


@needs_noto
def test_rare_names_print_from_an_installed_face(noto_only, capsys):
    out = noto_only / "out"
    assert main(["build", str(RARE), "-o", str(out), "--pdf"]) == 0
    text = _text(next(out.glob("*.pdf")))
    assert "志愿者王䶮在" in text and "教师𠮷田明" in text and "〓" not in text
    capsys.readouterr()
    assert main(["fonts", "--json", str(RARE)]) == 0
    data = json.loads(capsys.readouterr().out)
    body = {(f["code"], f["instead_of"]): f["face"] for f in data["fallback"]}
    # Song to Song: the body's 䶮 comes from the installed serif face, not a sans one
    assert body[("U+4DAE", "Layout Noto Serif SC Regular")] == "Noto Serif CJK SC"
    assert body[("U+20BB7", "Layout Noto Serif SC Regular")] == "Noto Serif CJK SC"
    assert data["missing"] == []


def test_rare_names_without_a_face_are_errors_and_print_geta(no_fonts, capsys):
    out = no_fonts / "out"
    assert main(["build", str(RARE), "-o", str(out), "--pdf", "--json"]) == 1
    diags = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "missing-glyph"]
    codes = {re.search(r"U\+[0-9A-F]+", d["message"]).group(0) for d in diags}
    assert codes == {"U+4DAE", "U+20BB7"}
    assert all("story 'names'" in d["message"] and d["source"]["line"] > 0 for d in diags)
    body_4dae = [d for d in diags if "U+4DAE" in d["message"] and d["source"]["line"] == 17]
    assert body_4dae, diags   # the body paragraph's own line
    text = _text(next(out.glob("*.pdf")))
    assert "志愿者王〓在" in text and "教师〓田明" in text and "䶮" not in text


@needs_noto
def test_style_fallback_list_comes_before_installed_faces(noto_only):
    style = _style(noto_only, fallback=[f"{NOTO}/NotoSansCJK-Regular.ttc#Noto Sans CJK SC"])
    manifest = _edition_with_style(RARE, noto_only, style)
    report = Report()
    ed = prepare(manifest, report)
    assert not report.errors
    used = ed.typesetter.fallback_used
    assert ed.typesetter.face(used[("䶮", "serif-regular")]).name == "Noto Sans CJK SC"


def test_a_face_that_cannot_be_found_is_an_error_at_the_style_line(no_fonts, capsys):
    style = _style(no_fonts, body="方正书宋_GBK")
    manifest = _edition_with_style(RARE, no_fonts, style)
    assert main(["check", "--json", str(manifest)]) == 1
    (diag,) = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "font-not-found"]
    assert "方正书宋_GBK" in diag["message"] and diag["source"]["file"].endswith("style.yaml")
    assert diag["source"]["line"] > 1


@needs_noto
def test_cff_font_builds_the_sample_and_the_second_build_hits_the_cache(noto_only):
    style = _style(noto_only, body="Noto Serif CJK SC", headline="Noto Sans CJK SC Bold")
    manifest = _edition_with_style(SAMPLE, noto_only, style)
    times, convert = [], []
    for attempt in range(2):
        report = Report()
        start = time.perf_counter()
        ed = prepare(manifest, report)
        times.append(time.perf_counter() - start)
        assert not report.errors, [d.format() for d in report.errors]
        converted = [k for k in ed.timings if k.startswith("convert ")]
        assert len(converted) == 2, ed.timings
        assert all(k.endswith("(cached)") for k in converted) == (attempt == 1), converted
        convert.append(sum(ed.timings[k] for k in converted))
    print(f"\nCFF sample edition: conversion cold {convert[0]:.2f} s, warm {convert[1] * 1000:.1f} ms")
    out = noto_only / "out"
    assert main(["build", str(manifest), "-o", str(out), "--pdf"]) == 0
    fonts = subprocess.run(["pdffonts", str(next(out.glob("*.pdf")))], capture_output=True, text=True).stdout
    assert "NotoSerifCJKsc-Regular" in fonts


@needs_noto
def test_two_concurrent_builds_share_one_conversion(noto_only):
    style = _style(noto_only, body="Noto Serif CJK SC")
    manifest = _edition_with_style(RARE, noto_only, style)
    env = {**os.environ}
    procs = [subprocess.Popen([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(noto_only / f"o{i}"),
                               "--pdf"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(2)]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    pdfs = [next((noto_only / f"o{i}").glob("*.pdf")).read_bytes() for i in range(2)]
    assert pdfs[0] == pdfs[1]
    cache = noto_only / "cache" / "layout" / "fonts"
    assert not list(cache.glob("*.tmp")) and len(list(cache.glob("*.ttf"))) >= 1

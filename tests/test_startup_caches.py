"""What a new process keeps from the last one: the EPUB's images, the faces' metrics and the
manifest's schema verdicts (`layout/blobstore.py`, docs/performance.md).

Each store is checked the way the composition memo is: a rebuild reading it gives the files a
build without it gives; a damaged file or one of another version is ignored (the work is done
again, the same result); `LAYOUT_NO_CACHE=1` turns it off; the folder keeps within its bound;
a manifest with problems is always checked and its diagnostics always say file:line:col.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from layout import blobstore
from layout.blobstore import BlobStore
from layout.diagnostics import Report
from layout.fonts import facecache, registry
from layout.manifest import schema, verdicts
from layout.manifest.load import load_manifest
from layout.render.epub import media

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch) -> Path:
    """Every test with an empty cache folder of its own, caches on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LAYOUT_NO_CACHE", raising=False)
    return tmp_path / "cache" / "layout"


def _damage(folder: Path, how: str) -> None:
    """Damage every file of a store's folder: cut short, one byte changed, or not ours at all."""
    files = list(folder.glob("*.blob"))
    assert files
    for f in files:
        raw = f.read_bytes()
        if how == "truncated":
            f.write_bytes(raw[: len(raw) // 2])
        elif how == "altered":
            f.write_bytes(raw[:-1] + bytes([raw[-1] ^ 0xFF]))
        else:
            f.write_bytes(b"\x00garbage" * 20)


# -- the store itself -------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["truncated", "altered", "foreign"])
def test_a_damaged_store_file_is_a_miss_then_replaced(own_cache, how):
    store = BlobStore("t", "v1", 1 << 20)
    store.put("a", 1, b"key", data=b"result" * 100)
    assert store.get("a", 1, b"key") == b"result" * 100
    _damage(own_cache / "t", how)
    assert store.get("a", 1, b"key") is None
    store.put("a", 1, b"key", data=b"result" * 100)
    assert store.get("a", 1, b"key") == b"result" * 100


def test_another_version_or_key_never_reads_a_file(own_cache):
    BlobStore("t", "v1", 1 << 20).put("a", "bc", data=b"old")
    assert BlobStore("t", "v2", 1 << 20).get("a", "bc") is None
    assert BlobStore("t", "v1", 1 << 20).get("ab", "c") is None   # parts are delimited
    # a v1 file renamed to where v2 looks is still refused: the version is in the header too
    v1 = next((own_cache / "t").glob("*-v1.blob"))
    v2 = BlobStore("t", "v2", 1 << 20)
    v2.put("a", "bc", data=b"new")
    target = next((own_cache / "t").glob("*-v2.blob"))
    target.write_bytes(v1.read_bytes())
    assert v2.get("a", "bc") is None


def test_layout_no_cache_reads_and_writes_nothing(own_cache, monkeypatch):
    store = BlobStore("t", "v1", 1 << 20)
    store.put("k", data=b"x")
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    assert store.get("k") is None
    store.put("other", data=b"y")
    assert len(list((own_cache / "t").glob("*.blob"))) == 1


def test_the_folder_stays_within_its_bound_dropping_the_least_recently_used(own_cache):
    store = BlobStore("t", "v1", 20_000)
    store.put("kept", data=b"k" * 4000)
    for i in range(12):
        store.get("kept")                     # used again before each write: never the oldest
        store.put(i, data=bytes([i]) * 4000)
    total = sum(f.stat().st_size for f in (own_cache / "t").glob("*.blob"))
    assert total <= 20_000
    assert store.get("kept") == b"k" * 4000
    assert store.get(0) is None


def test_a_library_stamp_changes_with_the_installed_library():
    stamp = blobstore.library_stamp("pypdfium2_raw")
    assert '"build"' in stamp                  # its version.json: pdfium's build number
    assert blobstore.library_stamp("uharfbuzz")
    assert blobstore.library_stamp("no_such_module_anywhere") == ""


# -- faces -------------------------------------------------------------------------------------------

def _face_fields(face):
    return (face.name, face.ps_name, face.cls, face.cff, face.advances, face.shifts, face.ascent,
            face.descent, face.upm)


@pytest.fixture
def font(tmp_path) -> Path:
    path = tmp_path / "body.ttf"
    path.write_bytes((ROOT / "fonts" / "serif-regular.ttf").read_bytes())
    return path


def test_a_face_read_again_comes_from_the_store_with_the_same_metrics(font, monkeypatch):
    first = registry._read_face("body", font, 0)
    assert first.shifts and first.advances["。"]
    monkeypatch.setattr(registry, "_measure", lambda *a: pytest.fail("measured again"))
    again = registry._read_face("body", font, 0)
    assert _face_fields(again) == _face_fields(first)
    assert again.advances is not first.advances    # the process's faces never share mutable tables


@pytest.mark.parametrize("how", ["truncated", "altered", "foreign"])
def test_a_damaged_face_record_is_measured_again(font, own_cache, how):
    first = registry._read_face("body", font, 0)
    _damage(own_cache / "faces", how)
    measured = []
    real = registry._measure
    with pytest.MonkeyPatch.context() as m:
        m.setattr(registry, "_measure", lambda p, i: measured.append(p) or real(p, i))
        again = registry._read_face("body", font, 0)
    assert measured == [font]
    assert _face_fields(again) == _face_fields(first)


def test_a_changed_font_file_or_store_version_is_measured_again(font, monkeypatch):
    registry._read_face("body", font, 0)
    measured = []
    real = registry._measure
    monkeypatch.setattr(registry, "_measure", lambda p, i: measured.append(p) or real(p, i))
    os.utime(font, ns=(1_000_000_000, 1_000_000_000))   # replaced: another modification time
    registry._read_face("body", font, 0)
    assert len(measured) == 1
    monkeypatch.setattr(facecache, "_STORE", BlobStore("faces", "face-999", 1 << 20))
    registry._read_face("body", font, 0)
    assert len(measured) == 2


def test_a_damaged_font_file_is_still_reported_not_read_from_the_store(font):
    registry._read_face("body", font, 0)
    registry._hb_font_for.cache_clear()            # as in a new process (this one mapped the old file)
    (font.parent / "new.ttf").write_bytes(b"not a font at all")
    os.replace(font.parent / "new.ttf", font)       # replaced, as an editor's copy replaces it
    with pytest.raises(registry.FontNotFound):
        registry._read_face("body", font, 0)


# -- the manifest's schema check ----------------------------------------------------------------------

MANIFEST = """paper: {name: 新区时报}
issue: {number: 7, date: 2026-11-27}
style: tabloid
pages:
  - section: 要闻
    stories:
      - {article: a, columns: [1, 5], lines: [1, 20]}
articles:
  a:
    headline: 社区食堂开门
    body: 滨河新区首家社区食堂昨天正式开门。
"""


def _load(path: Path) -> Report:
    report = Report()
    assert load_manifest(path, report) is not None
    return report


def test_a_manifest_that_passed_is_not_checked_again_and_any_edit_is(tmp_path, monkeypatch):
    path = tmp_path / "issue.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    assert not _load(path).items
    calls = []
    real = schema.validate
    monkeypatch.setattr(schema, "validate", lambda *a: calls.append(1) or real(*a))
    assert not _load(path).items
    assert calls == []                       # remembered: jsonschema not run
    path.write_text(MANIFEST.replace("正式开门。", "正式开门，每天供应三餐。"), encoding="utf-8")
    assert not _load(path).items
    assert calls == []                       # a story's text edited: any text passes there
    path.write_text(MANIFEST.replace("lines: [1, 20]", "lines: [1, 21]"), encoding="utf-8")
    assert not _load(path).items
    assert calls == [1]                      # edited elsewhere: checked
    path.write_text(MANIFEST.replace("headline: 社区食堂开门", "headline: '  '"), encoding="utf-8")
    found = [d.format() for d in _load(path).sorted()]
    assert calls == [1, 1]
    assert any("issue.yaml:10:15: error[missing-key]" in d and "headline" in d for d in found), found


def test_a_manifest_with_problems_is_always_checked_and_located(tmp_path):
    path = tmp_path / "issue.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    _load(path)                               # its valid form remembered
    path.write_text(MANIFEST.replace("style: tabloid", "style: tabloid\nsytle: x").replace(
        "number: 7", "number: seven"), encoding="utf-8")
    for _ in range(2):                        # and never its faulty one
        found = [d.format() for d in _load(path).sorted()]
        assert any("issue.yaml:4:1: error[unknown-key]" in d and "sytle" in d for d in found), found
        assert any("issue.yaml:2:17: error[wrong-type]" in d and "issue.number" in d for d in found), found


def test_a_damaged_verdict_is_checked_again(tmp_path, own_cache, monkeypatch):
    path = tmp_path / "issue.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    _load(path)
    _damage(own_cache / "schema", "altered")
    calls = []
    real = schema.validate
    monkeypatch.setattr(schema, "validate", lambda *a: calls.append(1) or real(*a))
    assert not _load(path).items
    assert calls == [1]


def test_equal_data_of_other_types_is_not_taken_for_the_data_that_passed():
    """1 and 1.0 and True are equal in Python, but not to the schema (a whole number, a decimal
    number, a truth value): their digests differ."""
    digests = {verdicts._digest({"lines": [v, 20]}) for v in (1, 1.0, True)}
    assert len(digests) == 3


# -- the EPUB's images -----------------------------------------------------------------------------

def test_a_converted_photo_comes_back_from_the_store_byte_identical(tmp_path, monkeypatch):
    big = Image.new("RGB", (media.MAX_SIDE + 600, 900), (200, 180, 160))
    for x in range(0, big.width, 7):   # some detail for the JPEG
        big.putpixel((x, x % 900), (10, 20, 30))
    big.save(tmp_path / "big.jpg", quality=90)
    first = media.photo_bytes(tmp_path / "big.jpg")
    assert max(first[3]) == media.MAX_SIDE
    monkeypatch.setattr(media, "_converted_photo", lambda *a: pytest.fail("converted again"))
    assert media.photo_bytes(tmp_path / "big.jpg") == first
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    assert media.photo_bytes(tmp_path / "big.jpg") == first   # what the store gave is what is made


def test_a_damaged_photo_entry_is_converted_again(tmp_path, own_cache):
    Image.new("RGB", (media.MAX_SIDE + 10, 300), (20, 90, 160)).save(tmp_path / "wide.png")
    first = media.photo_bytes(tmp_path / "wide.png")
    _damage(own_cache / "epub", "truncated")
    assert media.photo_bytes(tmp_path / "wide.png") == first


# -- the print PDF's fonts -------------------------------------------------------------------------

def test_a_subset_made_again_from_the_store_is_the_same_font(font, own_cache, monkeypatch):
    from layout.render import pdffont

    face = registry._read_face("body", font, 0)
    text = set("滨河新区首家社区食堂昨天正式开门，六十岁以上老人凭卡就餐。ABC 123")
    first = pdffont.make_pdf_font(face, text, "LF1", vertical={"，", "。"}, side_by_side={("1", 0), ("2", 250)})
    assert first.program and len(first.gids) == len(first.widths) + 1
    with monkeypatch.context() as m:
        m.setattr(pdffont, "_subset", lambda *a: pytest.fail("subset again"))
        again = pdffont.make_pdf_font(face, text, "LF1", vertical={"，", "。"}, side_by_side={("1", 0), ("2", 250)})
    assert again == first
    _damage(own_cache / "subsets", "altered")
    assert pdffont.make_pdf_font(face, text, "LF1", vertical={"，", "。"},
                                 side_by_side={("1", 0), ("2", 250)}) == first
    fewer = pdffont.make_pdf_font(face, text - {"A"}, "LF1")   # other characters: another subset
    assert fewer.chars != first.chars and fewer.program != first.program


def test_deflated_streams_are_zlibs_bytes_with_or_without_the_store(own_cache):
    import zlib

    from layout.render.pdffont import deflated

    data = b"".join(i.to_bytes(4, "little") * (i % 7 + 1) for i in range(40_000))
    assert deflated(data) == zlib.compress(data)          # made and stored
    assert deflated(data) == zlib.compress(data)          # read back
    _damage(own_cache / "deflated", "truncated")
    assert deflated(data) == zlib.compress(data)


def _cli_build(manifest: Path, out: Path, env: dict) -> dict[str, bytes]:
    subprocess.run([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(out)], check=True,
                   env=env, cwd=ROOT, capture_output=True)
    return {p.suffix: p.read_bytes() for p in out.iterdir() if p.suffix in (".pdf", ".epub")}


def test_new_process_builds_through_every_store_give_the_files_of_a_build_without(tmp_path, own_cache):
    """`layout build` twice at once with empty stores, again with them filled, and with caches off:
    the same PDF and EPUB (whose cover and photos come from the store the third time)."""
    folder = tmp_path / "edition"
    (folder / "photos").mkdir(parents=True)
    photo = Image.new("RGB", (2400, 1350), (90, 130, 170))
    for x in range(0, 2400, 5):
        photo.putpixel((x, (x * 7) % 1350), (240, 220, 30))
    photo.save(folder / "photos" / "river.jpg", quality=90)
    (folder / "issue.yaml").write_text(MANIFEST.replace(
        "    body: 滨河新区首家社区食堂昨天正式开门。", "    body: 滨河新区首家社区食堂昨天正式开门。\n"
        "    photos: [{file: photos/river.jpg, caption: 新开的社区食堂。}]"), encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(own_cache.parent), "PYTHONPATH": str(ROOT)}
    env.pop("LAYOUT_NO_CACHE", None)
    # two builds at once filling the same empty stores (written whole and renamed: never half a file)
    both = [subprocess.Popen([sys.executable, "-m", "layout", "build", str(folder / "issue.yaml"), "-o",
                              str(tmp_path / f"cold{i}")], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL) for i in (1, 2)]
    assert [proc.wait() for proc in both] == [0, 0]
    cold = [{p.suffix: p.read_bytes() for p in (tmp_path / f"cold{i}").iterdir()} for i in (1, 2)]
    for kind in ("epub", "faces", "schema", "subsets", "deflated"):
        assert list((own_cache / kind).glob("*.blob")), kind
        assert not list((own_cache / kind).glob(".*.tmp")), kind
    again = _cli_build(folder / "issue.yaml", tmp_path / "again", env)
    off = _cli_build(folder / "issue.yaml", tmp_path / "off", {**env, "LAYOUT_NO_CACHE": "1"})
    assert set(off) == {".pdf", ".epub"}
    assert again == cold[0] == cold[1] == off
    # a rebuild whose photos all come from the store works no pixel in its own process: no numpy
    probe = ("import sys\nfrom layout.cli import main\n"
             f"main(['build', {str(folder / 'issue.yaml')!r}, '-o', {str(tmp_path / 'probe')!r}])\n"
             "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr


def test_layout_cache_shows_and_clears_the_new_stores(own_cache):
    from layout import cache

    BlobStore("faces", "face-1", 1 << 20).put("k", data=b"x" * 10)
    BlobStore("epub", "media-1", 1 << 20).put("k", data=b"x" * 10)
    BlobStore("schema", "verdict-1", 1 << 20).put("k", data=b"x")
    shown = "\n".join(cache.report())
    assert all(f"  {kind} " in shown for kind in ("faces", "epub", "schema"))
    cache.clear()
    assert not any((own_cache / kind).exists() for kind in ("faces", "epub", "schema"))


def test_commands_that_build_nothing_start_without_the_typesetter(tmp_path):
    """`layout cache`, `layout --version` and a usage error answer without importing the pipeline
    (the typesetter, print and EPUB code, 0.1-0.2 s), jsonschema or numpy."""
    probe = ("import sys\nfrom layout.cli import main\n"
             "for argv in (['cache'], ['build']):\n"
             "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
             "print(sorted(m for m in ('layout.pipeline', 'jsonschema', 'numpy', 'fontTools.ttLib') if m in sys.modules))")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


# -- coverage, checked a role at a time -------------------------------------------------------------

def test_coverage_records_the_faces_text_by_text_would_and_locates_what_is_missing(tmp_path, monkeypatch):
    """Texts of a role its face covers whole are checked at once; a story with a character no face
    has is still reported at its own line, and the faces recorded for the PDF's subsets are those
    of checking every text on its own."""
    from layout.fonts.coverage import check_coverage, edition_texts
    from layout.pipeline import prepare

    monkeypatch.setenv("LAYOUT_FONT_DIRS", str(tmp_path / "no-fonts"))   # only the bundled faces
    (tmp_path / "no-fonts").mkdir()
    path = tmp_path / "issue.yaml"
    path.write_text(MANIFEST.replace("lines: [1, 20]}", "lines: [1, 20]}\n      - {article: b, columns: [6, 8], lines: [1, 20]}")
                    + "  b:\n    headline: 城西公园改造完工\n    byline: 记者 王䶮\n    body: 城西公园改造工程近日完工。\n",
                    encoding="utf-8")
    report = Report()
    edition = prepare(path, report)
    missing = [d.format() for d in report.sorted() if d.code == "missing-glyph"]
    assert len(missing) == 1 and "U+4DAE" in missing[0] and "story 'b'" in missing[0], missing
    row = next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "王䶮" in line)
    col = path.read_text(encoding="utf-8").split("\n")[row - 1].index("䶮") + 1
    assert f"issue.yaml:{row}:{col}:" in missing[0], missing   # where the character stands in the manifest
    ts = edition.typesetter
    ts.used.clear()
    ts._whole.clear()   # the build remembers the texts it found whole (their characters recorded): start afresh
    counted = check_coverage(edition.issue, ts)
    batched = {k: set(v) for k, v in ts.used.items()}
    ts.used.clear()
    ts._whole.clear()
    for text, role, bold, source, story in edition_texts(edition.issue):
        if text:
            ts.runs(text, role, bold=bold, where=source, article=story)
    assert batched == {k: set(v) for k, v in ts.used.items()}
    assert counted == sum(len(t[0]) for t in edition_texts(edition.issue) if t[0])

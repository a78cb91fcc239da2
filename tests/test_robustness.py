"""Hostile input: whatever a newsroom throws at `layout` ends in diagnostics, never a traceback,
and no build loses or half-writes an output. Every case is listed in docs/robustness.md.

- manifests mutated by hypothesis (keys removed or renamed, types changed, huge or odd Unicode,
  numbers out of range) -> `layout check --json` exits 0 or 1 with a JSON list of diagnostics;
- regressions the fuzzing found, pinned as plain cases;
- photos that are corrupt, truncated, empty, not images, decompression bombs -> one error each at
  the photo's line; CMYK, 16-bit, transparent and one-pixel photos -> the edition builds;
- manifests and article files of tens of megabytes -> refused at once with the limit in the message;
- a build killed (SIGKILL) while it writes -> the previous PDF and EPUB are intact and open;
- two builds writing the same folder at once -> each file is one build's whole output;
- `layout build A B C --jobs 2` -> a failing, crashing or killed edition does not stop the others.

The hypothesis runs are bounded and derandomized (the same examples in every CI run, well under a
minute); set LAYOUT_FUZZ_EXAMPLES=500 to explore with fresh random examples instead.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from PIL import Image as PILImage

import robustness_tools as rt

pikepdf = pytest.importorskip("pikepdf")

FUZZ = int(os.environ.get("LAYOUT_FUZZ_EXAMPLES", "0"))
SEVERITIES = {"error", "warning", "info"}


def fuzz_settings(examples: int):
    return settings(max_examples=FUZZ or examples, derandomize=not FUZZ, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


def assert_diagnostics(status: int, out: str, err: str) -> list[dict]:
    """A clean end: exit 0 or 1, stdout a JSON list of diagnostics, no traceback anywhere."""
    assert "Traceback" not in err, err[-3000:]
    assert status in (0, 1), (status, err[-2000:])
    diags = json.loads(out)
    assert isinstance(diags, list)
    for d in diags:
        assert d["severity"] in SEVERITIES and d["code"] and isinstance(d["message"], str), d
    return diags


def codes(diags: list[dict], severity: str = "error") -> set[str]:
    return {d["code"] for d in diags if d["severity"] == severity}


@pytest.fixture(scope="module")
def tabloid(tmp_path_factory) -> Path:
    return rt.copy_edition(rt.TABLOID, tmp_path_factory.mktemp("tabloid"))


@pytest.fixture(scope="module")
def broadsheet(tmp_path_factory) -> Path:
    return rt.copy_edition(rt.BROADSHEET, tmp_path_factory.mktemp("broadsheet"))


def subprocess_env(cache: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(rt.ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    return env


# ----------------------------------------------------------------------------- manifest mutations


def _check_mutated(manifest: Path, base: dict, edits) -> list[dict]:
    target = manifest.parent / "mutated.yaml"
    target.write_text(rt.dump(rt.apply(base, edits)), encoding="utf-8")
    return assert_diagnostics(*rt.run_cli(["check", "--json", str(target)]))


def test_mutated_tabloid_manifest_ends_in_diagnostics(tabloid):
    base = rt.load_data(tabloid)

    @fuzz_settings(15)
    @given(rt.mutations())
    def run(edits):
        _check_mutated(tabloid, base, edits)

    run()


def test_mutated_tabloid_articles_end_in_diagnostics(tabloid):
    """The same with every article inline, so the edits reach headlines, bodies and photos."""
    base = rt.inline_articles(tabloid)

    @fuzz_settings(30)
    @given(rt.mutations())
    def run(edits):
        _check_mutated(tabloid, base, edits)

    run()


def test_mutated_broadsheet_ends_in_diagnostics(broadsheet):
    base = rt.inline_articles(broadsheet)

    @fuzz_settings(10)
    @given(rt.mutations(max_edits=2))
    def run(edits):
        _check_mutated(broadsheet, base, edits)

    run()


def test_mutated_text_builds_a_pdf(tabloid, tmp_path):
    """Odd but well-typed text (controls, bidi marks, astral ideographs, emoji, huge runs) goes all
    the way through page make-up and the PDF."""
    base = rt.inline_articles(tabloid)

    @fuzz_settings(3)
    @given(rt.mutations(max_edits=2).map(lambda edits: [("text",) + e[1:] for e in edits]))
    def run(edits):
        target = tabloid.parent / "mutated.yaml"
        target.write_text(rt.dump(rt.apply(base, edits)), encoding="utf-8")
        assert_diagnostics(*rt.run_cli(["build", "--json", "--pdf", "-o", str(tmp_path / "out"), str(target)]))

    run()


# regressions found by the fuzzing above, kept as fixed cases (each was a traceback or minutes of work)
REGRESSIONS = {
    "pages-is-a-number": (lambda d: d.__setitem__("pages", 7), {"wrong-type"}),
    "stories-is-a-number": (lambda d: d["pages"][0].__setitem__("stories", 3), {"wrong-type"}),
    "photos-is-a-number": (lambda d: d["articles"]["smart-factory"].__setitem__("photos", 5), {"wrong-type"}),
    "photo-name-too-long": (lambda d: d["articles"]["smart-factory"]["photos"][0].__setitem__("file", "长" * 3000),
                            {"bad-path"}),
    "headline-60000-chars": (lambda d: d["articles"]["cold-wave"].__setitem__("headline", "长" * 60000),
                             {"text-too-long"}),
    "subhead-in-body-60000-chars": (lambda d: d["articles"]["cold-wave"].__setitem__("body", "### " + "长" * 60000),
                                    {"text-too-long"}),
    "paper-name-60000-chars": (lambda d: d["paper"].__setitem__("name", "报" * 60000), {"text-too-long"}),
    "section-60000-chars": (lambda d: d["pages"][1].__setitem__("section", "版" * 60000), {"text-too-long"}),
    "body-60000-chars-one-paragraph": (lambda d: d["articles"]["cold-wave"].__setitem__("body", "长" * 60000 + "。"),
                                       {"overset"}),
    "placement-article-is-a-list": (lambda d: d["pages"][0]["stories"][0].__setitem__(
        "article", [d["pages"][0]["stories"][0]["article"]]), {"wrong-type"}),
    "placement-article-is-a-mapping": (lambda d: d["pages"][0]["stories"][0].__setitem__(
        "article", {"value": d["pages"][0]["stories"][0]["article"]}), {"wrong-type"}),
}


@pytest.mark.parametrize("case", sorted(REGRESSIONS))
def test_fuzzing_regressions(tabloid, case):
    edit, expected = REGRESSIONS[case]
    data = rt.inline_articles(tabloid)
    edit(data)
    target = tabloid.parent / f"{case}.yaml"
    target.write_text(rt.dump(data), encoding="utf-8")
    t = time.perf_counter()
    diags = assert_diagnostics(*rt.run_cli(["check", "--json", str(target)]))
    assert expected <= codes(diags), [d["message"][:200] for d in diags if d["severity"] == "error"]
    assert time.perf_counter() - t < 20


@pytest.mark.parametrize("nesting", ["flow", "block", "compact"])
def test_deeply_nested_yaml(tmp_path, nesting):
    """Nesting deeper than a manifest needs (libyaml crashes the interpreter at 100,000 levels):
    50,000 brackets or '- - -' entries, 3,000 indented mappings (as deep as 8 MB allows)."""
    manifest = tmp_path / "issue.yaml"
    text = {"flow": "paper: " + "[" * 50_000 + "]" * 50_000 + "\n",
            "block": "".join(" " * i + "k:\n" for i in range(3_000)) + " " * 3_000 + "v\n",
            "compact": "paper:\n" + "- " * 50_000 + "x\n"}[nesting]
    manifest.write_text(text, encoding="utf-8")
    diags = assert_diagnostics(*rt.run_cli(["check", "--json", str(manifest)]))
    assert "yaml-too-large" in codes(diags)


def test_include_pattern_too_long_for_a_file_name(tabloid):
    data = rt.load_data(tabloid)
    data["articles"]["include"] = ["articles/" + "长" * 3000 + ".md"]
    target = tabloid.parent / "long-include.yaml"
    target.write_text(rt.dump(data), encoding="utf-8")
    diags = assert_diagnostics(*rt.run_cli(["check", "--json", str(target)]))
    assert codes(diags)


# ----------------------------------------------------------------------------- size limits


def test_manifest_of_tens_of_megabytes_is_refused(tmp_path):
    manifest = tmp_path / "issue.yaml"
    with manifest.open("w", encoding="utf-8") as fh:
        fh.write("paper: {name: 新区时报}\narticles:\n  big:\n    headline: 大\n    body: |\n")
        line = "      " + "这是一段很长的正文。" * 50 + "\n"
        while fh.tell() < 30 * 1024 * 1024:
            fh.write(line)
    t = time.perf_counter()
    diags = assert_diagnostics(*rt.run_cli(["check", "--json", str(manifest)]))
    assert time.perf_counter() - t < 5
    (too_big,) = [d for d in diags if d["code"] == "file-too-large"]
    assert "8 MB" in too_big["message"] and "30" in too_big["message"]


def test_article_file_of_tens_of_megabytes_is_refused(tabloid):
    big = tabloid.parent / "articles" / "zz-huge.md"
    try:
        with big.open("w", encoding="utf-8") as fh:
            fh.write("---\nheadline: 大\n---\n")
            while fh.tell() < 20 * 1024 * 1024:
                fh.write("这是一段很长的正文。" * 100 + "\n\n")
        diags = assert_diagnostics(*rt.run_cli(["check", "--json", str(tabloid)]))
    finally:
        big.unlink()
    (too_big,) = [d for d in diags if d["code"] == "file-too-large"]
    assert "zz-huge.md" in too_big["message"] and "8 MB" in too_big["message"]


# ----------------------------------------------------------------------------- hostile images

REFUSED = {
    "corrupt": "bad-image", "truncated": "bad-image", "truncated-tail": "bad-image", "empty": "bad-image",
    "not-an-image": "bad-image", "html": "bad-image", "bomb": "image-too-large", "huge-header": "image-too-large",
}
ACCEPTED = {"cmyk": "factory.jpg", "gray16": "football.jpg", "rgb16": "library.jpg", "rgba": "market.jpg",
            "tiny": "meeting.jpg"}


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> dict[str, Path]:
    return rt.hostile_images(tmp_path_factory.mktemp("images"), rt.TABLOID / "images" / "factory.jpg")


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_broken_photo_is_one_error_at_its_line(tmp_path, images, case):
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    (manifest.parent / "images" / "factory.jpg").write_bytes(images[case].read_bytes())
    t = time.perf_counter()
    diags = assert_diagnostics(*rt.run_cli(["check", "--json", str(manifest)]))
    assert time.perf_counter() - t < 20
    errors = [d for d in diags if d["severity"] == "error"]
    assert [d["code"] for d in errors] == [REFUSED[case]], errors
    assert errors[0]["source"]["file"].endswith("smart-factory.md") and errors[0]["source"]["line"] == 7
    assert "images/factory.jpg" in errors[0]["message"]


def test_broken_picture_and_photo_checked_ahead_are_each_one_error(tmp_path, images):
    """The photo files are checked on threads while the articles are read: a broken standalone
    picture and a broken story photo are each one error at their own line, and the pages are
    made without them."""
    manifest = rt.copy_edition(rt.BROADSHEET, tmp_path / "ed")
    (manifest.parent / "images" / "train.jpg").write_bytes(images["truncated"].read_bytes())
    (manifest.parent / "images" / "stadium.jpg").write_bytes(images["corrupt"].read_bytes())
    diags = assert_diagnostics(*rt.run_cli(["build", "--json", "--pdf", "-o", str(tmp_path / "out"), str(manifest)]))
    errors = sorted((d["source"]["file"].split("/")[-1], d["source"]["line"], d["code"]) for d in diags
                    if d["severity"] == "error")
    assert errors == [("football.md", 7, "bad-image"), ("issue.yaml", 36, "bad-image")], errors
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    with pikepdf.open(pdf) as doc:
        names = {str(k) for page in doc.pages for k in page.obj.Resources.get("/XObject", {}).keys()}
    assert names and not any("train" in n or "stadium" in n for n in names), names


def test_a_rebuild_checks_only_the_photo_files_that_changed(tmp_path, images, monkeypatch):
    """The image checks of a build are remembered (`passed_images`): a rebuild decodes only the
    files replaced or touched since, and a photo replaced by a broken file after a clean build is
    still one error at its line."""
    import os

    from layout import model
    from layout.passed_images import PassedImages

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    manifest = rt.copy_edition(rt.BROADSHEET, tmp_path / "ed")
    checked: list[str] = []
    real = model._image_problem

    def counting(path):
        checked.append(path.name)
        return real(path)

    monkeypatch.setattr(model, "_image_problem", counting)

    def check() -> list[dict]:
        checked.clear()
        return assert_diagnostics(*rt.run_cli(["check", "--json", str(manifest)]))

    check()
    first = sorted(checked)
    assert len(first) >= 10 and PassedImages.record_path(manifest.parent.resolve()).is_file()
    check()
    assert checked == []                                   # nothing changed: nothing decoded again
    images_dir = manifest.parent / "images"
    touched = images_dir / "train.jpg"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 1_000_000_000))
    (images_dir / "stadium.jpg").write_bytes(images["truncated"].read_bytes())
    diags = check()
    assert sorted(checked) == ["stadium.jpg", "train.jpg"]
    errors = [(d["source"]["file"].split("/")[-1], d["code"]) for d in diags if d["severity"] == "error"]
    assert errors == [("football.md", "bad-image")], errors
    diags = check()                                        # a failure is never remembered
    assert "stadium.jpg" in checked
    assert [d["code"] for d in diags if d["severity"] == "error"] == ["bad-image"]


def test_broken_pdf_advertisement_is_an_error(tmp_path):
    """An advertisement supplied as PDF that is no PDF (a half-uploaded file)."""
    manifest = rt.copy_edition(rt.BROADSHEET, tmp_path / "ed")
    (manifest.parent / "images" / "ad-bank.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("images/ad-bank.png", "images/ad-bank.pdf"),
                        encoding="utf-8")
    diags = assert_diagnostics(*rt.run_cli(["check", "--json", str(manifest)]))
    errors = [d for d in diags if d["severity"] == "error"]
    assert [d["code"] for d in errors] == ["bad-image"] and "not a readable PDF" in errors[0]["message"]


def test_broken_photo_still_builds_the_rest(tmp_path, images):
    """`build` with a truncated photo: the error is reported, the pages are made without that photo."""
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    (manifest.parent / "images" / "factory.jpg").write_bytes(images["truncated"].read_bytes())
    diags = assert_diagnostics(*rt.run_cli(["build", "--json", "--pdf", "-o", str(tmp_path / "out"), str(manifest)]))
    assert codes(diags) == {"bad-image"}
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 4


def test_unusual_but_valid_photos_build(tmp_path, images):
    """CMYK JPEG, 16-bit gray and 16-bit RGB PNG, RGBA PNG and a 3 x 2 pixel PNG, all in one edition."""
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    for case, name in ACCEPTED.items():  # each in the proportions of the photo it replaces
        (manifest.parent / "images" / name).write_bytes(rt.unusual(rt.TABLOID / "images" / name, case))
    out = tmp_path / "out"
    diags = assert_diagnostics(*rt.run_cli(["build", "--json", "-o", str(out), str(manifest)]))
    assert codes(diags) == set(), [d["message"] for d in diags if d["severity"] == "error"]
    assert "low-resolution" in codes(diags, "warning")      # the tiny photo
    (pdf,) = out.glob("*.pdf")
    (epub,) = out.glob("*.epub")
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 4
    with zipfile.ZipFile(epub) as z:
        assert z.testzip() is None


def test_16_bit_gray_photo_keeps_its_tones_in_print(images):
    from layout.render.colour import PrintSettings, press_image

    with PILImage.open(images["gray16"]) as im:
        w, h = im.size
    img = press_image(images["gray16"], (0, 0, w, h), w * 72 / 200, h * 72 / 200, PrintSettings())
    pixels = img.pixels()         # as the plate gets them (JPEG decoded)
    assert pixels.std() > 10      # not one flat tone


def test_16_bit_gray_photo_keeps_its_tones_in_epub(images):
    import io

    import numpy as np

    from layout.render.epub.media import photo_bytes

    data = photo_bytes(images["gray16"])[0]
    with PILImage.open(io.BytesIO(data)) as im:
        assert np.asarray(im.convert("L")).std() > 10


# ----------------------------------------------------------------------------- interrupted and concurrent builds

# A child that builds and, when it is about to make the PDF's temporary file durable (fsync, just
# before the rename), writes a marker and waits to be killed: the moment a crash would do most harm.
_STALL_AT_PDF_WRITE = r"""
import os, sys, time
marker = sys.argv[1]
real_fsync = os.fsync
def fsync(fd):
    name = os.readlink(f"/proc/self/fd/{fd}")
    if name.endswith(".tmp") and ".pdf." in name:
        open(marker, "w").write(name)
        time.sleep(120)
    real_fsync(fd)
os.fsync = fsync
from layout.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _build(manifest: Path, out: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(out), *extra],
                          capture_output=True, text=True, env=env, cwd=rt.ROOT, timeout=300)


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".pdf", ".epub")}


def _assert_whole(out: Path) -> None:
    """Every PDF and EPUB in `out` opens: the PDF with its pages, the EPUB with every member intact."""
    for path in out.glob("*.pdf"):
        with pikepdf.open(path) as doc:
            assert len(doc.pages) == 4
    for path in out.glob("*.epub"):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to see which file is written")
def test_build_killed_while_writing_leaves_previous_output(tmp_path, cache):
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    out = tmp_path / "out"
    env = subprocess_env(cache)
    assert _build(manifest, out, env).returncode == 0
    before = _outputs(out)
    assert set(before) == {"新区时报-2026-11-27.pdf", "新区时报-2026-11-27.epub"}
    # the next build would change page 1
    article = manifest.parent / "articles" / "work-conference.md"
    article.write_text(article.read_text(encoding="utf-8").replace("全区", "全市", 1), encoding="utf-8")
    marker = tmp_path / "writing"
    child = subprocess.Popen([sys.executable, "-c", _STALL_AT_PDF_WRITE, str(marker), "build", str(manifest), "-o",
                              str(out)], env=env, cwd=rt.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.time() < deadline, "the build never reached the PDF write"
            time.sleep(0.05)
        assert Path(marker.read_text()).exists()   # the new PDF is all there, in its temporary file
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert _outputs(out) == before
    _assert_whole(out)
    # what the killed build leaves is its temporary file, under a hidden name; the next build works
    # and sweeps it up (its process is gone)
    left = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert left and all(p.startswith(".") for p in left)
    assert _build(manifest, out, env).returncode == 0
    after = _outputs(out)
    assert after.keys() == before.keys() and after != before
    _assert_whole(out)
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_build_killed_at_random_moments_never_leaves_half_a_file(tmp_path, cache):
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    out = tmp_path / "out"
    env = subprocess_env(cache)
    assert _build(manifest, out, env).returncode == 0
    for delay in (1.0, 3.0):
        child = subprocess.Popen([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(out)], env=env,
                                 cwd=rt.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        _assert_whole(out)
        assert set(_outputs(out)) == {"新区时报-2026-11-27.pdf", "新区时报-2026-11-27.epub"}


def test_two_builds_into_one_folder_at_once(tmp_path):
    """Two versions of the edition built into the same folder at the same time, with one empty font
    cache between them: each output is one version's whole file, none is a mixture or half written."""
    first = rt.copy_edition(rt.TABLOID, tmp_path / "a")
    second = rt.copy_edition(rt.TABLOID, tmp_path / "b")
    article = second.parent / "articles" / "work-conference.md"
    article.write_text(article.read_text(encoding="utf-8").replace("全区", "全市", 1), encoding="utf-8")
    out = tmp_path / "out"
    env = subprocess_env(tmp_path / "cache")
    procs = [subprocess.Popen([sys.executable, "-m", "layout", "build", str(m), "-o", str(out)], env=env,
                              cwd=rt.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for m in (first, second)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-2000:]
    _assert_whole(out)
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    # the PDF is one whole build: built alone, each version gives a byte-identical file
    pdf = (out / "新区时报-2026-11-27.pdf").read_bytes()
    alone = {}
    for m in (first, second):
        assert _build(m, tmp_path / f"alone-{m.parent.name}", env, "--pdf").returncode == 0
        alone[m.parent.name] = (tmp_path / f"alone-{m.parent.name}" / "新区时报-2026-11-27.pdf").read_bytes()
    assert alone["a"] != alone["b"] and pdf in alone.values()


# ----------------------------------------------------------------------------- several editions at once


def test_build_many_editions_one_failing_one_crashing_one_killed(tmp_path, monkeypatch):
    """`layout build A B C D --jobs 2`: B has errors, C's build raises (a bug), D's process is killed;
    A is built all the same, each failure is reported at the end, and the exit status is 1."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the crash is injected into forked workers")
    from layout import pipeline

    good = rt.copy_edition(rt.TABLOID, tmp_path / "good")
    broken = tmp_path / "broken" / "issue.yaml"
    broken.parent.mkdir()
    broken.write_text("paper: {name: 新区时报}\nissue: {number: 1}\n", encoding="utf-8")
    crash = rt.copy_edition(rt.TABLOID, tmp_path / "crash")
    killed = rt.copy_edition(rt.TABLOID, tmp_path / "killed")
    real_prepare = pipeline.prepare

    def prepare(path, report, progress=None, **options):
        name = Path(path).parent.name
        if name == "crash":
            raise RuntimeError("an injected bug")
        if name == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        return real_prepare(path, report, progress, **options)

    monkeypatch.setattr(pipeline, "prepare", prepare)
    status, out, err = rt.run_cli(["build", str(good), str(broken), str(crash), str(killed), "--jobs", "2",
                                   "--pdf", "-o", str(tmp_path / "out")])
    assert status == 1
    assert "1 of 4 editions built" in err and "RuntimeError: an injected bug" in err
    assert "the build process was killed" in err
    assert "missing-key" in err
    with pikepdf.open(next((tmp_path / "out" / "good").glob("*.pdf"))) as doc:
        assert len(doc.pages) == 4
    assert not (tmp_path / "out" / "crash").exists() and not (tmp_path / "out" / "killed").exists()


def test_build_many_json_and_output_folders(tmp_path):
    first = rt.copy_edition(rt.TABLOID, tmp_path / "2026-11-27")
    broken = tmp_path / "2026-11-30" / "issue.yaml"
    broken.parent.mkdir()
    broken.write_text("paper: [\n", encoding="utf-8")
    status, out, err = rt.run_cli(["build", str(first), str(broken), "--json", "--pdf", "-j", "2", "-o",
                                   str(tmp_path / "out")])
    assert status == 1
    results = json.loads(out)
    assert [r["status"] for r in results] == [0, 1]
    assert results[0]["written"] == [str(tmp_path / "out" / "2026-11-27" / "新区时报-2026-11-27.pdf")]
    assert results[1]["diagnostics"][0]["code"] == "yaml-syntax"


def test_build_many_refuses_two_manifests_in_one_folder(tmp_path):
    first = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    other = first.parent / "other.yaml"
    other.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    status, _, err = rt.run_cli(["build", str(first), str(other)])
    assert status == 2 and "same folder" in err


def test_phone_photo_stored_sideways_prints_upright(tmp_path):
    """A phone photo stored on its side with EXIF Orientation 6 (turn 90° clockwise to view):
    laid out, separated for print and put in the EPUB the way it is seen, not the way it is stored."""
    import io

    import numpy as np

    from layout.photo import upright_size
    from layout.render.colour import PrintSettings, press_image
    from layout.render.epub.media import photo_bytes

    stored = np.zeros((200, 300, 3), np.uint8)
    stored[:, :150] = (220, 20, 20)       # the stored left half: the top once turned
    stored[:, 150:] = (20, 20, 220)
    exif = PILImage.Exif()
    exif[0x0112] = 6
    path = tmp_path / "phone.jpg"
    PILImage.fromarray(stored, "RGB").save(path, quality=95, exif=exif.tobytes())
    with PILImage.open(path) as im:
        assert upright_size(im) == (200, 300)
    img = press_image(path, (0, 0, 200, 300), 72.0, 108.0, PrintSettings())
    px = img.pixels().astype(int)
    assert (img.width, img.height) == (200, 300)
    top, bottom = px[:100].mean(axis=(0, 1)), px[200:].mean(axis=(0, 1))   # C M Y K
    assert top[1] > top[0] + 100 and bottom[0] > bottom[1] + 50       # red above (magenta), blue below (cyan)
    data, _ext, _type, size = photo_bytes(path)
    with PILImage.open(io.BytesIO(data)) as im:
        rgb = np.asarray(im.convert("RGB")).astype(int)
        assert size == im.size == (200, 300) and im.getexif().get(0x0112, 1) == 1
    assert rgb[:100, :, 0].mean() > 150 and rgb[200:, :, 2].mean() > 150

"""Hostile paths and failing disks (issue #20: defects 1, 4, 8 and the `font_dirs: ["/"]` minor).

- The paper's name makes the output files' name, never their folder (`layout.outputs`).
- Every input the edition names resolves inside the edition's folder (`layout.paths`):
  article files, styles named by path, font folders; links to elsewhere are refused.
- A build whose outputs cannot all be written (full disk, read-only folder, `ulimit -f`,
  `-o` naming a file, memory running out) says so in one plain message, with the documented
  exit status, and leaves the previous outputs as they were.

The tests run as root, where a folder's mode 0555 does not stop a write: read-only folders are
simulated by making the temporary file's creation fail with EROFS / EACCES, and a full disk by
failing its fsync with ENOSPC. The file size limit (`ulimit -f`) is real, in a child process.
"""
from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

import robustness_tools as rt
from layout import STYLES_DIR

ROOT = Path(__file__).resolve().parent.parent


def _set(manifest: Path, key: str, value) -> None:
    """Set a top-level key (or 'paper.name') of a copied manifest."""
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    if key == "paper.name":
        data["paper"]["name"] = value
    else:
        data[key] = value
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _diagnostics(argv) -> tuple[int, list[dict]]:
    status, out, _err = rt.run_cli([*argv, "--json"])
    return status, json.loads(out)


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


# ----------------------------------------------------------------------------- 1. the paper's name


@pytest.mark.parametrize("case", ["parent-escape", "absolute", "subfolder", "newline", "hundred-han"])
def test_paper_name_never_writes_outside_the_output_folder(tmp_path, case):
    """Whatever the paper's name, every output lands directly in the output folder, with a plain
    file name (no separator, no control character, at most 255 bytes), readable Chinese kept."""
    target = tmp_path / "elsewhere"
    target.mkdir()
    names = {
        "parent-escape": "../" * 12 + str(target / "escaped").lstrip("/"),
        "absolute": str(target / "absolute"),
        "subfolder": "新区/时报",
        "newline": "新区时报\n晚刊",
        "hundred-han": "长" * 100,
    }
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    _set(manifest, "paper.name", names[case])
    out = tmp_path / "out"
    status, diags = _diagnostics(["build", "--split", "-o", str(out), str(manifest)])
    errors = [d for d in diags if d["severity"] == "error"]
    # a long name does not fit the running head (and the self-check sees it run into the text beside
    # it): errors of the layout, not of the files
    assert all(d["code"] in ("furniture-overflow", "collision") for d in errors), errors
    assert status == (1 if errors else 0)
    assert _files_under(target) == set()
    written = _files_under(out)
    assert len(written) == 6                      # the PDF, four pages, the EPUB
    for path in written:
        assert path.parent == out
        assert not any(unicodedata.category(ch)[0] == "C" for ch in path.name)
        assert len(path.name.encode("utf-8")) <= 255
    assert any(d["code"] == "output-name" and d["source"]["line"] for d in diags)
    if case == "hundred-han":
        assert all(p.name.startswith("长" * 40 + "-2026-11-27") for p in written)
    if case == "newline":
        assert {p.name for p in written} >= {"新区时报-晚刊-2026-11-27.pdf", "新区时报-晚刊-2026-11-27.epub"}


def test_safe_name_rule():
    """The rule for the paper's part of a file name, case by case."""
    from layout.outputs import NAME_BYTES, safe_name

    assert safe_name("新区时报") == "新区时报"
    assert safe_name("Xinqu Times") == "Xinqu Times"
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("/abs/name") == "abs-name"
    assert safe_name("a\\b:c*d?e") == "a-b-c-d-e"
    assert safe_name(".hidden") == "hidden"
    assert safe_name("新区\x1b]0;x\x07时报") == "新区-]0;x-时报"
    assert safe_name("新区\u202e时报") == "新区-时报"          # bidi override: gone from the name
    assert safe_name("..") == "edition" and safe_name("") == "edition" and safe_name("\n\t") == "edition"
    assert len(safe_name("长" * 100).encode("utf-8")) <= NAME_BYTES
    assert safe_name("e\u0301" * 200).endswith("\u00e9")     # cut between characters, marks composed


def test_output_set_refuses_names_that_leave_the_folder(tmp_path):
    """The one place outputs are written refuses any name that is not a plain file name."""
    from layout.outputs import OutputError, OutputSet

    out = tmp_path / "out"
    with OutputSet(out) as outputs:
        for name in ("../x.pdf", "/tmp/x.pdf", "a/b.pdf", "..", ".hidden.pdf", "a\nb.pdf", "长" * 90 + ".pdf"):
            with pytest.raises(OutputError):
                outputs.add(name, b"x")
    assert _files_under(tmp_path) == set()


# ----------------------------------------------------------------------------- 4. inputs that leave the edition


def test_symlinked_article_files_are_refused_unread(tmp_path):
    """An article file that is a link to a file outside the edition is refused where the include
    names it, and nothing of it is read: not its text, not a line of it in a message."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\nheadline: 内部通报\n---\n机密内容：明日调价方案。\n", encoding="utf-8")
    (outside / "passwd.md").write_text("root:x:0:0:root:/root:/bin/bash\nsvc:x:999:999::/home/svc:/bin/sh\n")
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    (manifest.parent / "articles" / "secret.md").symlink_to(outside / "secret.md")
    (manifest.parent / "articles" / "passwd.md").symlink_to(outside / "passwd.md")
    status, diags = _diagnostics(["check", str(manifest)])
    assert status == 1
    escapes = [d for d in diags if d["code"] == "path-escape"]
    assert len(escapes) == 2 and all(d["source"]["file"].endswith("issue.yaml") and d["source"]["line"]
                                     for d in escapes)
    text = json.dumps(diags, ensure_ascii=False)
    assert "机密" not in text and "/home/svc" not in text and "内部通报" not in text


@pytest.mark.parametrize("style, code", [("/etc/passwd", "absolute-path"),
                                         ("../" * 12 + "etc/passwd", "path-escape"),
                                         ("linked.yaml", "path-escape")])
def test_style_outside_the_edition_is_refused(tmp_path, style, code):
    """A style named by a path that leads out of the edition (absolute, ../, a link) is refused
    at the manifest's `style:` line and never read."""
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    (tmp_path / "outside.yaml").write_text((STYLES_DIR / "tabloid.yaml").read_text(encoding="utf-8"))
    (manifest.parent / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    _set(manifest, "style", style)
    status, diags = _diagnostics(["check", str(manifest)])
    assert status == 1
    (refused,) = [d for d in diags if d["severity"] == "error"]
    assert refused["code"] == code and refused["source"]["file"].endswith("issue.yaml")
    assert "root:" not in json.dumps(diags)
    # a path into the project's own styles/ is one of the two places a style may come from
    _set(manifest, "style", os.path.relpath(STYLES_DIR / "tabloid.yaml", manifest.parent))
    status, diags = _diagnostics(["check", str(manifest)])
    assert status == 0, [d["message"] for d in diags if d["severity"] == "error"]


def _style_with_font_dirs(manifest: Path, font_dirs: list[str]) -> Path:
    style = manifest.parent / "paper.yaml"
    style.write_text((STYLES_DIR / "tabloid.yaml").read_text(encoding="utf-8")
                     + f"\nfont_dirs: {json.dumps(font_dirs)}\n", encoding="utf-8")
    _set(manifest, "style", "paper.yaml")
    return style


@pytest.mark.parametrize("folder, code", [("/", "absolute-path"), ("../../..", "path-escape")])
def test_font_folder_outside_the_edition_is_refused(tmp_path, folder, code):
    """`font_dirs: ["/"]` walked the whole disk (9.3 s); a font folder outside the edition and the
    project's fonts/ is now refused at the style's line."""
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    _style_with_font_dirs(manifest, [folder])
    status, diags = _diagnostics(["check", str(manifest)])
    assert status == 1
    (refused,) = [d for d in diags if d["severity"] == "error"]
    assert refused["code"] == code and refused["source"]["file"].endswith("paper.yaml")


def test_font_folder_search_is_bounded(tmp_path):
    """A font folder inside the edition but deeper than the search goes: searched in part, and
    the style is told so."""
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    deep = manifest.parent / "fonts"
    for i in range(12):
        deep = deep / f"level{i}"
    deep.mkdir(parents=True)
    _style_with_font_dirs(manifest, ["fonts"])
    status, diags = _diagnostics(["check", str(manifest)])
    assert status == 0
    assert [d["code"] for d in diags if d["severity"] == "warning"] == ["font-dir-too-large"]


# ----------------------------------------------------------------------------- 8. outputs that cannot be written


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tabloid built once (the 'previous outputs'), and the edition changed since, so that a
    new build would write different bytes."""
    base = tmp_path_factory.mktemp("built")
    manifest = rt.copy_edition(rt.TABLOID, base / "ed")
    status, _out, err = rt.run_cli(["build", "-o", str(base / "out"), str(manifest)])
    assert status == 0, err
    old = {p.name: p.read_bytes() for p in (base / "out").iterdir()}
    text = manifest.read_text(encoding="utf-8").replace("section: 要闻", "section: 今日要闻", 1)
    manifest.write_text(text, encoding="utf-8")
    return manifest, base / "out", old


def _previous(tmp_path, built) -> tuple[Path, Path, dict]:
    manifest, out, old = built
    mine = tmp_path / "out"
    mine.mkdir()
    for name, data in old.items():
        (mine / name).write_bytes(data)
    return manifest, mine, old


def _unchanged(out: Path, old: dict) -> bool:
    return {p.name: p.read_bytes() for p in out.iterdir()} == old   # no temporary file left either


def test_output_option_naming_a_file_is_a_usage_error(tmp_path):
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    file = tmp_path / "proof.pdf"
    file.write_bytes(b"old")
    for target in (file, file / "sub"):
        status, out, err = rt.run_cli(["build", "-o", str(target), str(manifest)])
        assert status == 2 and "is a file, not a folder" in err and "Traceback" not in err
    assert file.read_bytes() == b"old"


def _fsync_fails_for(monkeypatch, suffix: str, code: int) -> None:
    """os.fsync fails with `code` for files whose name holds `suffix` (a disk that fills up)."""
    real = os.fsync

    def fsync(fd):
        if suffix in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(code, os.strerror(code))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_full_disk_keeps_every_previous_output(tmp_path, built, monkeypatch):
    """ENOSPC while the EPUB is written, after the new PDF was: one `cannot-write` error, exit 1,
    and the previous PDF and EPUB both as they were (not the new PDF beside the old EPUB)."""
    manifest, out, old = _previous(tmp_path, built)
    _fsync_fails_for(monkeypatch, ".epub.", errno.ENOSPC)
    # The disk is full in this process only: the EPUB is made here, not in a worker process (whose
    # os.fsync the patch does not reach). A worker that cannot write hands its bytes back to the
    # build, which writes them as here (tests/test_epub_rebuild.py).
    from layout import pipeline

    monkeypatch.setattr(pipeline, "_start_epub", lambda *args, **kwargs: None)
    status, diags = _diagnostics(["build", "--split", "-o", str(out), str(manifest)])
    assert status == 1
    (error,) = [d for d in diags if d["severity"] == "error"]
    assert error["code"] == "cannot-write" and "disk is full" in error["message"]
    assert _unchanged(out, old)


def _failing_tempfile(code: int):
    """Stands in for the tempfile module in layout.util: making an output's temporary file fails
    with `code`, as in a read-only folder."""
    class Failing:
        @staticmethod
        def mkstemp(*args, **kwargs):
            raise OSError(code, os.strerror(code))

    return Failing


@pytest.mark.parametrize("code, words", [(errno.EROFS, "read-only"), (errno.EACCES, "permission denied")])
def test_read_only_output_folder_keeps_every_previous_output(tmp_path, built, monkeypatch, code, words):
    """A read-only file system or a folder without write access (simulated: the tests run as
    root): one plain error, exit 1, the previous outputs untouched."""
    import layout.util

    manifest, out, old = _previous(tmp_path, built)

    monkeypatch.setattr(layout.util, "tempfile", _failing_tempfile(code))
    status, diags = _diagnostics(["build", "-o", str(out), str(manifest)])
    assert status == 1
    (error,) = [d for d in diags if d["severity"] == "error"]
    assert error["code"] == "cannot-write" and words in error["message"]
    assert _unchanged(out, old)


def _child(argv, *, fsize: int | None = None, memory: int | None = None,
           extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m layout ARGV` in a child process with a file size or address space limit."""
    def limits():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # as Python itself does: EFBIG, not a signal
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("LAYOUT_DEBUG", None)
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "layout", *argv], preexec_fn=limits, env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=90)


def test_file_size_limit_replaces_outputs_together_or_not_at_all(tmp_path, built):
    """`ulimit -f` between the sizes of the PDF and the EPUB: the smaller one could be written, the
    larger not. Outputs are replaced together or not at all: both previous files stay."""
    manifest, out, old = _previous(tmp_path, built)
    sizes = sorted(len(data) for data in old.values())
    result = _child(["build", "-o", str(out), str(manifest)], fsize=(sizes[0] + sizes[-1]) // 2)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "ulimit -f" in result.stderr
    assert _unchanged(out, old)


@pytest.mark.parametrize("megabytes", [100, 165])
def test_low_memory_ends_in_one_plain_message(tmp_path, built, megabytes):
    """Under a memory limit (ulimit -v) too low for the build: exit 1 and one plain message, no
    traceback and no OpenBLAS abort; the previous outputs untouched. (100 MB: refused at once;
    165 MB: runs out on the way; nearer the build's peak it may crawl for minutes, see docs/robustness.md.)
    The build is a cold one (LAYOUT_NO_CACHE=1): a rebuild from the memo and the start-up stores,
    which earlier tests may have filled, can finish within 165 MB."""
    manifest, out, old = _previous(tmp_path, built)
    result = _child(["build", "-o", str(out), str(manifest)], memory=megabytes << 20,
                    extra_env={"LAYOUT_NO_CACHE": "1"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "OpenBLAS" not in result.stderr
    assert result.stderr.startswith("error: ") and "ulimit -v" in result.stderr
    assert _unchanged(out, old)


def test_preview_into_a_file_or_an_unwritable_folder(tmp_path, monkeypatch):
    import layout.util

    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    file = tmp_path / "sheet.html"
    file.write_text("old")
    status, _out, err = rt.run_cli(["preview", "--dpi", "20", "-o", str(file), str(manifest)])
    assert status == 2 and "is a file, not a folder" in err
    assert file.read_text() == "old"

    monkeypatch.setattr(layout.util, "tempfile", _failing_tempfile(errno.EROFS))
    status, _out, err = rt.run_cli(["preview", "--dpi", "20", "-o", str(tmp_path / "pv"), str(manifest)])
    assert status == 1 and "read-only" in err and "Traceback" not in err


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_preview_port_out_of_range_is_a_usage_error(tmp_path, port, capsys):
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    with pytest.raises(SystemExit) as stop:
        rt.main(["preview", str(manifest), "--serve", f"--port={port}"])
    assert stop.value.code == 2
    assert "--port" in capsys.readouterr().err

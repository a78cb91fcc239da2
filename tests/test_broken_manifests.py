"""The corpus of broken manifests in tests/broken: each must end in the diagnostics it declares.

Every file (or folder with an issue.yaml) states what it must produce in its
first lines: `# expect: <code> <line>:<col> <message text>`. The test runs
`layout check --json` in-process and asserts that exactly the declared error
codes come out, each at its line and column with its message, and that no
traceback escapes.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from layout.cli import main

BROKEN = Path(__file__).parent / "broken"
_EXPECT = re.compile(r"^# expect: (\S+) (\d+):(\d+) (.+)$")
#: Files that cannot carry a comment of their own.
_SIDE = {"empty.yaml": [("empty-manifest", 1, 1, "the manifest is empty")]}


def _cases():
    for path in sorted(BROKEN.iterdir()):
        manifest = path / "issue.yaml" if path.is_dir() else path
        if manifest.suffix == ".yaml":
            yield pytest.param(manifest, id=path.name)


def _expectations(manifest: Path):
    if manifest.name in _SIDE:
        return _SIDE[manifest.name]
    head = manifest.read_bytes()[:2000].decode("utf-8", errors="replace").splitlines()
    out = []
    for line in head:
        m = _EXPECT.match(line)
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
    assert out, f"{manifest} declares no '# expect:' line"
    return out


def test_corpus_is_large_enough():
    assert len(list(_cases())) >= 15


@pytest.mark.parametrize("manifest", list(_cases()))
def test_broken_manifest_reports_declared_diagnostics(manifest, capsys, monkeypatch):
    monkeypatch.chdir(manifest.parent)
    status = main(["check", "--json", manifest.name])
    out = capsys.readouterr().out
    diags = json.loads(out)
    errors = [d for d in diags if d["severity"] == "error"]
    expected = _expectations(manifest)
    assert status == 1
    assert sorted({d["code"] for d in errors}) == sorted({e[0] for e in expected}), errors
    for code, line, col, text in expected:
        hits = [d for d in errors if d["code"] == code and d["source"]
                and (d["source"]["line"], d["source"]["col"]) == (line, col)]
        assert hits, f"no {code} at {line}:{col}; got {errors}"
        assert any(text in d["message"] for d in hits), f"'{text}' not in {[d['message'] for d in hits]}"
        assert all(d["source"]["file"] for d in hits)


def test_misspelled_key_and_id_get_did_you_mean(capsys, monkeypatch):
    monkeypatch.chdir(BROKEN)
    main(["check", "--json", "misspelled-key.yaml"])
    (diag,) = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "unknown-key"]
    assert diag["hint"] == "did you mean 'columns'?"
    main(["check", "--json", "unknown-article.yaml"])
    (diag,) = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "unknown-article"]
    assert diag["hint"] == "did you mean 'flood-drill'?"


def test_alias_bomb_is_refused_quickly(capsys, monkeypatch):
    """The bomb would expand to 387 million values; it must be refused, not built."""
    import time

    monkeypatch.chdir(BROKEN)
    start = time.perf_counter()
    main(["check", "--json", "alias-bomb.yaml"])
    capsys.readouterr()
    assert time.perf_counter() - start < 5


def test_huge_manifest_is_refused_with_the_limit(tmp_path, capsys):
    big = tmp_path / "issue.yaml"
    big.write_text("paper: {name: 新区时报}\n# " + "字" * (9 * 1024 * 1024 // 3) + "\n", encoding="utf-8")
    assert main(["check", "--json", str(big)]) == 1
    (diag,) = json.loads(capsys.readouterr().out)
    assert diag["code"] == "file-too-large" and "limit" in diag["message"]


def test_missing_manifest_file(tmp_path, capsys):
    assert main(["check", "--json", str(tmp_path / "nope.yaml")]) == 1
    (diag,) = json.loads(capsys.readouterr().out)
    assert diag["code"] == "file-not-found"


@pytest.mark.parametrize("name", ["yaml-syntax.yaml", "alias-bomb.yaml", "empty.yaml", "gbk-encoded.yaml"])
def test_cli_prints_no_traceback(name):
    """Run as a user would, in a separate process: a diagnostic and exit 1, never a traceback."""
    proc = subprocess.run([sys.executable, "-m", "layout", "check", str(BROKEN / name)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "error[" in proc.stderr

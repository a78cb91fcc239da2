"""The make-up memo on disk: `layout build` in a new process after an edit makes up only the
pages the edit reaches, and writes what a clean build writes.

A new process reads back, from the cache folder, the pages an earlier process made up (their
frames and what their make-up reported) and the self-check's findings of those pages. The PDF,
the EPUB and the diagnostics are those of a build with every cache off (LAYOUT_NO_CACHE=1); a
damaged page file is not read (the page is made up and the file replaced); a file of another
format or of other code is not read.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from layout.blobstore import BlobStore
from layout.memo import MEMO
from layout.page import pagememo, selfcheck
from layout.page.pagememo import PAGES
from layout.render import textmemo
from test_incremental import ROOT, _clean, _edition, _replace_in, _sample

_CHILD = """
import json, sys
from pathlib import Path
from layout.diagnostics import Report
from layout.page.pagememo import PAGES
from layout.pipeline import BuildOptions, build, prepare
report = Report()
edition = prepare(Path(sys.argv[1]), report)
made, reused = PAGES.made, PAGES.reused
build(edition, Path(sys.argv[2]), report, BuildOptions())
from layout.render import drawnstore, preflight_walks
print(json.dumps([made, reused, [d.format() for d in report.sorted()], {**preflight_walks.COUNTS, **drawnstore.COUNTS}]))
"""


def _new_process(manifest: Path, out: Path) -> tuple[int, int, list[str], dict]:
    """A build in a new process (its own hash seed) -> (pages made up, pages read back, diagnostics,
    the preflight's pages walked and replayed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONHASHSEED", None)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(manifest), str(out)], capture_output=True, text=True,
                          env=env, timeout=180, check=True)
    made, reused, said, reuse = json.loads(done.stdout.strip().splitlines()[-1])
    return made, reused, said, reuse


def _files(out: Path) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in out.iterdir() if p.suffix in (".pdf", ".epub")}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LAYOUT_NO_CACHE", raising=False)
    MEMO.forget()
    textmemo.forget()
    PAGES.forget()
    return tmp_path / "cache" / "layout"


def test_a_new_process_after_an_edit_on_page_3_makes_up_page_3_only(cache, tmp_path, monkeypatch):
    """The four-page sample (a jump from page 1 to page 2, a photo too small for print on page
    4: a warning from its make-up) built in one process, a story on page 3 edited, built again in
    another: page 3 is made up, pages 1, 2 (the continuation) and 4 are read back, and the PDF,
    EPUB and diagnostics are those of a clean build."""
    from PIL import Image as PILImage

    manifest = _sample(tmp_path / "edition")
    photo = manifest.parent / "images" / "library.jpg"
    with PILImage.open(photo) as im:
        im.resize((im.width // 12, im.height // 12)).save(photo, quality=90)
    assert _new_process(manifest, tmp_path / "first")[:2] == (4, 0)
    assert len(list((cache / "pages").glob("*.blob"))) == 4
    assert len(list((cache / "checked").glob("*.blob"))) == 4

    _replace_in(manifest.parent / "articles" / "old-estates.md", "。", "，")
    made, reused, said, reuse = _new_process(manifest, tmp_path / "rebuilt")
    assert (made, reused) == (1, 3)
    # page 3 alone is drawn (`drawnstore`: pages 1, 2, 4 and the EPUB's cover, page 1 in its own
    # fonts, read back) and walked by the preflight (`preflight_walks`)
    assert reuse == {"walked": 1, "replayed": 3, "read": 4, "kept": 1}
    said_clean = []
    clean = _clean(manifest, tmp_path / "clean", monkeypatch, said_clean)
    assert _files(tmp_path / "rebuilt") == clean
    assert sorted(said) == sorted(d.replace("/clean/", "/rebuilt/") for d in said_clean)   # (the PDF's name differs)
    assert any("low-resolution" in d and "library.jpg" in d for d in said)   # page 4's, read back


def _damage(file: Path, how: str) -> None:
    raw = file.read_bytes()
    if how == "truncated":
        file.write_bytes(raw[: len(raw) // 2])
    elif how == "flipped":   # one byte of the pickled page changed: its checksum no longer matches
        file.write_bytes(raw[:-100] + bytes([raw[-100] ^ 0x55]) + raw[-99:])
    else:
        file.write_bytes(b"not a page" * 100)


def _prepared(manifest: Path, out: Path, monkeypatch) -> dict[str, bytes]:
    """A build in this process as a new process would run it (nothing remembered in memory)."""
    from test_incremental import _build

    MEMO.forget()
    textmemo.forget()
    PAGES.forget()
    return _build(manifest, out)


@pytest.mark.parametrize("how", ["truncated", "flipped", "garbage"])
def test_a_damaged_page_file_is_made_up_again_and_replaced(cache, tmp_path, monkeypatch, how):
    manifest = _edition(tmp_path / "edition")
    first = _prepared(manifest, tmp_path / "first", monkeypatch)
    (file,) = (cache / "pages").glob("*.blob")
    _damage(file, how)
    assert _prepared(manifest, tmp_path / "second", monkeypatch) == first
    assert (PAGES.made, PAGES.reused) == (1, 0)
    _prepared(manifest, tmp_path / "third", monkeypatch)   # the file written again: read back
    assert (PAGES.made, PAGES.reused) == (0, 1)


def test_pages_of_another_format_or_other_code_are_not_read(cache, tmp_path, monkeypatch):
    manifest = _edition(tmp_path / "edition")
    first = _prepared(manifest, tmp_path / "first", monkeypatch)
    _prepared(manifest, tmp_path / "again", monkeypatch)
    assert (PAGES.made, PAGES.reused) == (0, 1)
    monkeypatch.setattr(pagememo, "DISK", BlobStore("pages", f"made-up-{pagememo.DISK_FORMAT + 1}", 1 << 20))
    assert _prepared(manifest, tmp_path / "format", monkeypatch) == first
    assert (PAGES.made, PAGES.reused) == (1, 0)
    monkeypatch.setattr(pagememo, "code_stamp", lambda: "the code of another branch")
    assert _prepared(manifest, tmp_path / "code", monkeypatch) == first
    assert (PAGES.made, PAGES.reused) == (1, 0)


def test_layout_no_cache_reads_and_writes_no_page(cache, tmp_path, monkeypatch):
    manifest = _edition(tmp_path / "edition")
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    _prepared(manifest, tmp_path / "first", monkeypatch)
    assert not (cache / "pages").exists() and not (cache / "checked").exists()


def test_findings_read_back_are_those_of_the_check(cache, tmp_path, monkeypatch):
    """The self-check's findings of a page read back from disk come from disk, and are the ones
    checking the page gives (the one-page edition has an empty column: a finding)."""
    manifest = _edition(tmp_path / "edition")
    _prepared(manifest, tmp_path / "first", monkeypatch)
    MEMO.forget()
    PAGES.forget()
    selfcheck._CHECKED.clear()
    selfcheck._CHECKED_FRAMES.clear()
    from layout.diagnostics import Report
    from layout.pipeline import prepare

    checked = []
    monkeypatch.setattr(selfcheck, "_page_findings",
                        lambda frame, style, check=selfcheck._page_findings: checked.append(frame) or check(frame, style))
    edition = prepare(manifest, Report())
    assert PAGES.reused == 1 and checked == []          # read back, not checked again
    (frame,) = edition.frames
    read_back = selfcheck.page_findings(frame, edition.style)
    assert read_back and read_back == selfcheck._page_findings(frame, edition.style)


def test_pages_set_partly_in_an_installed_face_follow_the_fonts_installed(cache, tmp_path, monkeypatch):
    """Which installed face sets a character no face of the style has depends on the fonts
    installed, which may change between two processes: an edition whose two pages print 䶮 from
    the installed Noto Sans CJK, rebuilt after Noto Serif CJK (the nearer face for a serif body)
    is installed too, is made up again and prints what a clean build prints."""
    from test_fonts import NOTO

    if not (NOTO / "NotoSerifCJK-Regular.ttc").is_file() or not (NOTO / "NotoSansCJK-Regular.ttc").is_file():
        pytest.skip("Noto CJK is not installed")
    folder = tmp_path / "edition"
    folder.mkdir()
    (folder / "issue.yaml").write_text("""
paper: {name: 新区时报}
issue: {number: 9, date: 2026-11-27}
style: tabloid
pages:
  - section: 要闻
    stories:
      - {article: first, columns: [1, 3]}
  - section: 社区
    stories:
      - {article: second, columns: [1, 3]}
articles:
  first:
    headline: 社区志愿者获评年度好人
    body: |
      临江街道志愿者王䶮在社区服务站坚持值守三年，累计服务居民两千余人次。
  second:
    headline: 服务站的灯常亮
    body: |
      每天傍晚，王䶮总是最后一个离开服务站，他说邻里的事没有小事。
""", encoding="utf-8")
    manifest = folder / "issue.yaml"
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "NotoSansCJK-Regular.ttc").symlink_to(NOTO / "NotoSansCJK-Regular.ttc")
    monkeypatch.setenv("LAYOUT_FONT_DIRS", str(fonts))
    sans = _prepared(manifest, tmp_path / "sans", monkeypatch)
    assert len(list((cache / "pages").glob("*.blob"))) == 2
    (fonts / "NotoSerifCJK-Regular.ttc").symlink_to(NOTO / "NotoSerifCJK-Regular.ttc")
    from layout.fonts import discovery

    for cached in (getattr(discovery, "font_index", None), getattr(discovery, "font_dirs", None)):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()   # (a new process)
    rebuilt = _prepared(manifest, tmp_path / "rebuilt", monkeypatch)
    assert (PAGES.made, PAGES.reused) == (2, 0)
    assert rebuilt == _clean(manifest, tmp_path / "clean", monkeypatch)
    assert rebuilt[".pdf"] != sans[".pdf"]   # 䶮 from the serif face now

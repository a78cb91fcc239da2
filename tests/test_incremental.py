"""Rebuilds through the composition memo give the files a clean build gives.

An editor changes one story and builds again, in the same process (the live preview) or in a
new one (`layout build`, reading the memo from disk): only the changed story is composed again,
and the PDF and EPUB are byte for byte those of a build with no memo at all. A changed font file
or style composes afresh; a damaged memo file is ignored; builds sharing the memo folder at the
same time stay correct; the folder stays within its bound.
"""
from __future__ import annotations

import os
from dataclasses import replace
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layout import memo
from layout.diagnostics import Report
from layout.memo import MEMO
from layout.page.pagememo import PAGES
from layout.pipeline import BuildOptions, build, prepare
from layout.render import textmemo
from layout.style import load_style

ROOT = Path(__file__).resolve().parent.parent

STORY = """---
headline: 滨河新区社区食堂开门迎客
byline: 记者 林晓
---
滨河新区首家社区食堂昨天正式开门，六十岁以上老人凭卡就餐可享八折优惠，每天供应早、中、晚三餐。

食堂由闲置的社区活动室改造而成，设有六十个座位。“一荤两素一汤十二元，比自己在家做还省事。”住在附近的王阿姨说。

街道办事处负责人介绍，明年还将在另外三个社区开设食堂，并为行动不便的老人提供送餐上门服务。
"""

OTHER = """---
headline: 城西公园改造完工
---
城西公园改造工程近日完工。
"""   # too short for its two columns: the make-up self-check finds an empty column


def _edition(folder: Path) -> Path:
    """A one-page edition with its own style (body set in fonts/body.ttf, a copy of a bundled face)."""
    (folder / "articles").mkdir(parents=True)
    (folder / "fonts").mkdir()
    shutil.copy(ROOT / "fonts" / "serif-regular.ttf", folder / "fonts" / "body.ttf")
    style = (ROOT / "styles" / "tabloid.yaml").read_text(encoding="utf-8")
    style = style.replace("name: tabloid", "name: house").replace(
        "body:         {font: serif-regular", "body:         {font: fonts/body.ttf")
    (folder / "house.yaml").write_text(style, encoding="utf-8")
    (folder / "articles" / "canteen.md").write_text(STORY, encoding="utf-8")
    (folder / "articles" / "park.md").write_text(OTHER, encoding="utf-8")
    (folder / "issue.yaml").write_text("""
paper: {name: 新区时报}
issue: {number: 9, date: 2026-12-04}
style: house.yaml
pages:
  - section: 要闻
    stories:
      - {article: canteen, columns: [1, 3], lines: [1, 40]}
      - {article: park, columns: [4, 5], lines: [1, 40]}
articles:
  include: [articles/*.md]
""", encoding="utf-8")
    return folder / "issue.yaml"


def _build(manifest: Path, out: Path, diagnostics: list | None = None) -> dict[str, bytes]:
    """Build in this process -> {suffix: bytes} of the PDF and the EPUB; the build's diagnostics
    (as printed) go into `diagnostics` when given."""
    report = Report()
    edition = prepare(manifest, report)
    assert edition is not None, report.sorted()
    written = build(edition, out, report, BuildOptions())
    if diagnostics is not None:
        diagnostics += [d.format() for d in report.sorted()]
    return {p.suffix: p.read_bytes() for p in written}


def _clean(manifest: Path, out: Path, monkeypatch, diagnostics: list | None = None) -> dict[str, bytes]:
    """A build with the memo turned off: every paragraph composed."""
    with monkeypatch.context() as m:
        m.setenv("LAYOUT_NO_CACHE", "1")
        return _build(manifest, out, diagnostics)


def _edit(manifest: Path, new_character: bool = False) -> None:
    """Change a few words of one story; with `new_character`, one the edition did not print before
    (every run in that face then gets new character codes in the PDF)."""
    story = manifest.parent / "articles" / "canteen.md"
    text = STORY.replace("首家社区食堂", "第一家社区食堂").replace("八折", "七折")
    if new_character:
        text = text.replace("王阿姨", "白鹭湾的王阿姨")
    story.write_text(text, encoding="utf-8")


@pytest.fixture
def edition(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LAYOUT_NO_CACHE", raising=False)
    MEMO.forget()           # each test a fresh process with its own cache folder
    textmemo.forget()
    PAGES.forget()
    return _edition(tmp_path / "edition")


def test_in_process_rebuild_after_one_edit_is_byte_identical(edition, tmp_path, monkeypatch):
    first = _build(edition, tmp_path / "first")
    assert first == _clean(edition, tmp_path / "first-clean", monkeypatch)
    _build(edition, tmp_path / "again")
    assert MEMO.misses == 0                 # nothing changed: nothing composed
    _edit(edition)
    said, said_clean = [], []
    incremental = _build(edition, tmp_path / "incremental", said)
    composed = MEMO.misses
    assert 0 < composed < len(MEMO.current) / 2   # the edited story's paragraphs, not the page's
    clean = _clean(edition, tmp_path / "clean", monkeypatch, said_clean)
    assert incremental == clean
    assert said == said_clean and said        # the same diagnostics too (the self-check's included)
    assert incremental[".pdf"] != first[".pdf"]
    assert "鹭" not in STORY + OTHER
    _edit(edition, new_character=True)
    assert _build(edition, tmp_path / "new-character") == _clean(edition, tmp_path / "clean2", monkeypatch)


_CHILD = """
import sys
from pathlib import Path
from layout.diagnostics import Report
from layout.memo import MEMO
from layout.page.pagememo import PAGES
from layout.pipeline import BuildOptions, build, prepare
from layout.render import textmemo
from layout.style import load_style
report = Report()
edition = prepare(Path(sys.argv[1]), report)
build(edition, Path(sys.argv[2]), report, BuildOptions())
print(MEMO.misses, len(MEMO.current), MEMO.note or "-")
"""


def _child(manifest: Path, out: Path, env: dict | None = None) -> tuple[int, int, str]:
    """A build in a new process -> (compositions made, compositions used, the memo's note)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(manifest), str(out)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120, check=True)
    misses, used, note = done.stdout.split(maxsplit=2)
    return int(misses), int(used), note.strip()


def _files(out: Path) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in out.iterdir() if p.suffix in (".pdf", ".epub")}


def test_new_process_rebuild_reads_the_disk_memo(edition, tmp_path, monkeypatch):
    misses, used, _ = _child(edition, tmp_path / "first")
    assert misses == used > 0
    _edit(edition)
    misses, used, note = _child(edition, tmp_path / "second")
    assert 0 < misses < used / 2, note
    assert _files(tmp_path / "second") == _clean(edition, tmp_path / "clean", monkeypatch)


def test_a_changed_font_file_composes_afresh(edition, tmp_path):
    """The body face's file replaced by another face under the same name (new processes: a
    process keeps the faces it loaded): the body is composed again, and the files are a clean
    build's."""
    _child(edition, tmp_path / "before")
    shutil.copy(ROOT / "fonts" / "kai-regular.ttf", edition.parent / "fonts" / "body.ttf")
    os.utime(edition.parent / "fonts" / "body.ttf", ns=(1, 1))   # an old date too: the size tells
    misses, used, _ = _child(edition, tmp_path / "after")
    assert 0 < misses < used                 # the body paragraphs, not the headlines in sans-bold
    _child(edition, tmp_path / "clean", env={"LAYOUT_NO_CACHE": "1"})
    assert _files(tmp_path / "after") == _files(tmp_path / "clean")
    assert _files(tmp_path / "after")[".pdf"] != _files(tmp_path / "before")[".pdf"]


def test_a_changed_style_composes_afresh(edition, tmp_path, monkeypatch):
    before = _build(edition, tmp_path / "before")
    style = edition.parent / "house.yaml"
    style.write_text(style.read_text(encoding="utf-8").replace("punctuation: kaiming", "punctuation: quanjiao"),
                     encoding="utf-8")
    changed = _build(edition, tmp_path / "style")
    assert MEMO.misses > 0
    assert changed == _clean(edition, tmp_path / "style-clean", monkeypatch)
    assert changed[".pdf"] != before[".pdf"]


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "other-version"])
def test_a_damaged_memo_file_is_ignored(edition, tmp_path, monkeypatch, damage):
    """The composition memo and the PDF text memo files damaged alike: ignored, rebuilt."""
    _build(edition, tmp_path / "first")
    files = [memo.memo_path(edition), *(memo.cache_root() / "pdftext").glob("*.ops")]
    assert len(files) > 1
    for path in files:
        data = path.read_bytes()
        if damage == "truncated":
            data = data[: len(data) // 2]
        elif damage == "flipped":   # one byte changed in the body: the checksum tells
            data = data[:-100] + bytes([data[-100] ^ 0x40]) + data[-99:]
        elif damage == "garbage":
            data = os.urandom(4000)
        else:
            data = data.replace(memo._VERSIONS, memo._VERSIONS.replace(b"(4,", b"(0,"), 1)
        path.write_bytes(data)
    MEMO.forget()          # as a new process: only the files to go by
    textmemo.forget()
    _edit(edition)
    second = _build(edition, tmp_path / "second")
    assert MEMO.misses == len(MEMO.current) > 0        # nothing taken from the damaged file
    assert "ignored" in MEMO.note
    assert second == _clean(edition, tmp_path / "clean", monkeypatch)
    MEMO.forget()          # the build replaced the file with a good one: the next build reads it
    textmemo.forget()
    assert _build(edition, tmp_path / "third") == second
    assert MEMO.misses == 0 and MEMO.note == ""


def test_concurrent_builds_sharing_the_memo_stay_correct(edition, tmp_path, monkeypatch):
    """Builds at the same time in two processes with one memo folder: an edition and an edited
    copy, then the same edition twice. Every file is what a clean build writes."""
    copy = tmp_path / "copy"
    shutil.copytree(edition.parent, copy)
    _edit(copy / "issue.yaml")
    manifests = {"a": edition, "b": copy / "issue.yaml"}
    script = [sys.executable, "-c", _CHILD]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = []
    for round_, names in enumerate((("a", "b"), ("a", "a"))):
        procs = []
        for i, name in enumerate(names):
            out = tmp_path / f"{name}-{round_}-{i}"
            outs.append((name, out))
            procs.append(subprocess.Popen([*script, str(manifests[name]), str(out)], env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for p in procs:
            _out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
    clean = {name: _clean(m, tmp_path / f"clean-{name}", monkeypatch) for name, m in manifests.items()}
    for name, out in outs:
        assert _files(out) == clean[name], out.name
    assert not [p for p in memo.memo_dir().iterdir() if p.suffix != ".memo"]   # no temporary file left
    misses, _used, note = _child(edition, tmp_path / "after")   # what they left is read whole
    assert misses == 0 and note == "-"


def test_the_memo_folder_stays_within_its_bound(edition, tmp_path, monkeypatch):
    _build(edition, tmp_path / "one")
    one = memo.memo_path(edition).stat().st_size
    monkeypatch.setattr(memo, "DISK_BYTES", int(one * 2.5))
    for i in range(4):   # four more editions: the least recently built go
        copy = tmp_path / f"copy{i}"
        shutil.copytree(edition.parent, copy)
        _build(copy / "issue.yaml", tmp_path / f"out{i}")
    sizes = [p.stat().st_size for p in memo.memo_dir().glob("*.memo")]
    assert sum(sizes) <= memo.DISK_BYTES
    assert len(sizes) == 2
    assert memo.memo_path(tmp_path / "copy3" / "issue.yaml").exists()   # the newest is kept
    assert not memo.memo_path(edition).exists()


def test_layout_no_cache_turns_the_memo_off(edition, tmp_path, monkeypatch):
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    _build(edition, tmp_path / "one")
    _build(edition, tmp_path / "two")
    assert MEMO.misses > 0
    assert not memo.memo_dir().exists() or not list(memo.memo_dir().iterdir())
    assert not (memo.cache_root() / "pdftext").exists()


def test_layout_cache_clear_empties_the_memo(edition, tmp_path, capsys):
    from layout.cli import main

    first = _build(edition, tmp_path / "first")
    assert memo.memo_path(edition).exists()
    assert main(["cache"]) == 0
    assert "compose" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert str(memo.memo_dir()) in capsys.readouterr().out
    assert not memo.memo_dir().exists()
    again = _build(edition, tmp_path / "again")
    assert MEMO.misses == len(MEMO.current) > 0      # composed afresh, in this process too
    assert again == first


def test_an_ad_is_measured_once_until_its_file_changes(tmp_path):
    """A PNG ad's size (its orientation needs the whole image decoded) is remembered per file,
    size and modification time: a rebuild does not decode it again, a replaced file is measured."""
    from PIL import Image as PILImage

    from layout.page import adsource

    ad = tmp_path / "ad.png"
    PILImage.new("RGB", (300, 200), "white").save(ad)
    assert adsource.ad_size(ad) == (300, 200)
    hits = adsource._ad_size.cache_info().hits
    assert adsource.ad_size(ad) == (300, 200)
    assert adsource._ad_size.cache_info().hits == hits + 1
    PILImage.new("RGB", (200, 400), "white").save(ad)
    os.utime(ad, ns=(10**18, 10**18))
    assert adsource.ad_size(ad) == (200, 400)


def test_remembered_steps_take_input_they_cannot_key(tmp_path):
    """A colour given as a list (a library caller) or a frame item holding a list cannot key the
    glyph-run and self-check memos: the work is done, not remembered, and the answer the same."""
    from layout.page.frames import GlyphRun, PageFrame
    from layout.page.selfcheck import page_findings
    from layout.page.typeset import glyph_runs
    from layout.text.compose import compose_paragraph
    from layout.text.testing import runs

    line = compose_paragraph(runs("社区食堂开门迎客"), 200.0)[0]
    listed_colour = glyph_runs(line, 10.0, 20.0, [0, 0, 0, 1], "body")
    assert [replace(r, color=tuple(r.color)) for r in listed_colour] == glyph_runs(line, 10.0, 20.0, (0, 0, 0, 1), "body")
    style = load_style("tabloid", ROOT, Report())
    listed = GlyphRun("serif-regular", 9.0, 100.0, "社区", [60.0, 69.0], (0, 0, 0, 1), "body")
    frame = PageFrame(1, "要闻", 780.0, 1105.0, 8.5, (listed,))
    as_tuple = PageFrame(1, "要闻", 780.0, 1105.0, 8.5, (replace(listed, xs=(60.0, 69.0)),))
    assert page_findings(frame, style) == page_findings(as_tuple, style)


def test_a_page_is_checked_again_when_its_frame_changes():
    """The self-check's findings are remembered per frame: the same frame gets the same findings
    without being checked again, a frame with one more line of text gets its own."""
    from layout.page import selfcheck
    from layout.page.frames import Anchor, GlyphRun, Mark, PageFrame
    from layout.page.selfcheck import page_findings

    style = load_style("tabloid", ROOT, Report())
    g, (ox, oy) = style.grid, (style.margin_left, style.margin_top)

    def frame(columns_with_text):
        x = [ox + g.column_x(c) for c in (1, 2)]
        runs = tuple(GlyphRun("serif-regular", 9.0, oy + 20.0, "社区食堂开门迎客", tuple(x[c - 1] + 9.0 * i for i in range(8)))
                     for c in columns_with_text)
        region = Mark("region", ox, oy, g.span_width(1, 2), 40 * g.pitch, "canteen")
        return PageFrame(1, "要闻", *style.trim, style.bleed, (Anchor("story", "canteen", "食堂", ox, oy), *runs, region))

    one, two = frame((1,)), frame((1, 2))
    assert [f.code for f in page_findings(one, style)] == ["empty-column"]
    assert page_findings(two, style) == []
    remembered = len(selfcheck._CHECKED)
    assert [f.code for f in page_findings(frame((1,)), style)] == ["empty-column"]   # an equal frame:
    assert len(selfcheck._CHECKED) == remembered                                     # not checked anew


# -- the make-up memo: a four-page edition with a jump, edited four ways -----------------------

SAMPLE = ROOT / "issues" / "2026-11-27"


def _sample(folder: Path) -> Path:
    """The four-page sample (a jump from page 1 to page 2, photos) with its style as a file of
    its own, so that a test can edit it."""
    shutil.copytree(SAMPLE, folder)
    shutil.copy(ROOT / "styles" / "tabloid.yaml", folder / "house.yaml")
    manifest = folder / "issue.yaml"
    text = manifest.read_text(encoding="utf-8").replace("\nstyle: tabloid\n", "\nstyle: house.yaml\n")
    manifest.write_text(text, encoding="utf-8")
    return manifest


def _replace_in(path: Path, old: str, new: str, last: bool = False) -> None:
    """The first (or `last`) `old` in the file made `new`."""
    text = path.read_text(encoding="utf-8")
    at = text.rfind(old) if last else text.find(old)
    assert at >= 0, (path, old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")


def _pages_of(pdf: bytes) -> list[bytes]:
    """Each page's content, as drawn (decoded), to tell which pages an edit changed."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [page.obj.Contents.read_bytes() for page in doc.pages]


def test_unchanged_pages_are_not_made_up_again_and_rebuilds_match_a_clean_build(tmp_path, monkeypatch):
    """The sample edition built, then edited as a desk edits it: a story on page 3, the story
    that jumps from page 1 to page 2, the style, a photo. Each time the rebuild in the same
    process makes up only the pages the edit reaches (the others come from the make-up memo) and
    writes the PDF and EPUB byte for byte as a clean build (LAYOUT_NO_CACHE=1) with the same
    diagnostics."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LAYOUT_NO_CACHE", raising=False)
    MEMO.forget()
    textmemo.forget()
    PAGES.forget()
    manifest = _sample(tmp_path / "edition")
    articles = manifest.parent / "articles"
    from PIL import Image as PILImage

    photo = manifest.parent / "images" / "library.jpg"   # page 4's photo, too small: a warning
    with PILImage.open(photo) as im:                     # its make-up reports through the typesetter
        im.resize((im.width // 12, im.height // 12)).save(photo, quality=90)
    said_first = []
    first = _build(manifest, tmp_path / "first", said_first)
    assert any("low-resolution" in line and "library.jpg" in line for line in said_first)
    assert PAGES.made == 4 and PAGES.reused == 0
    _build(manifest, tmp_path / "again")
    assert (PAGES.made, PAGES.reused) == (0, 4)   # page 2 too: its continuation takes what it took before

    def rebuilt(name: str) -> dict[str, bytes]:
        said, said_clean = [], []
        warm = _build(manifest, tmp_path / name, said)
        made = (PAGES.made, PAGES.reused)
        clean = _clean(manifest, tmp_path / f"{name}-clean", monkeypatch, said_clean)
        assert warm == clean, name
        # the same diagnostics (the preflight's name the output folder, which differs)
        assert [d.replace(f"{name}-clean/", f"{name}/") for d in said_clean] == said, name
        return warm, made

    # a story on page 3: page 3 made up and drawn, 1, 2 (its continuation takes the same lines) and 4 from the memos
    from layout.render import pdf

    drawn = []
    draw_items = pdf._draw_items
    monkeypatch.setattr(pdf, "_draw_items", lambda c, frame, *rest: drawn.append(frame.number) or
                        draw_items(c, frame, *rest))
    _replace_in(articles / "old-estates.md", "。", "，")
    page3, made = rebuilt("page3")
    assert made == (1, 3)
    assert drawn[:1] == [3]   # the print PDF (then the EPUB's cover and the clean build draw theirs)
    monkeypatch.setattr(pdf, "_draw_items", draw_items)
    changed = [i + 1 for i, (a, b) in enumerate(zip(_pages_of(first[".pdf"]), _pages_of(page3[".pdf"]))) if a != b]
    assert changed == [3]
    _preflight_parses_only_changed_pages(first[".pdf"], page3[".pdf"], monkeypatch)

    # the story that jumps, at its start and its end: its head's page and the continuation's change
    _replace_in(articles / "work-conference.md", "。", "，")
    _replace_in(articles / "work-conference.md", "。", "，", last=True)
    jumped, made = rebuilt("jump")
    assert made == (2, 2)
    changed = [i + 1 for i, (a, b) in enumerate(zip(_pages_of(page3[".pdf"]), _pages_of(jumped[".pdf"]))) if a != b]
    assert changed == [1, 2]

    # the style: every page made up again
    _replace_in(manifest.parent / "house.yaml", "punctuation: kaiming", "punctuation: quanjiao")
    styled, made = rebuilt("style")
    assert made == (4, 0)
    assert styled[".pdf"] != jumped[".pdf"]

    # a photo replaced under the same name (another size): its page made up again
    with PILImage.open(photo) as im:
        im.crop((0, 0, im.width, im.height * 2 // 3)).save(photo, quality=90)
    photographed, made = rebuilt("photo")
    assert made == (1, 3)   # page 4, where the photo is
    assert photographed[".pdf"] != styled[".pdf"]


def _preflight_parses_only_changed_pages(before: bytes, after: bytes, monkeypatch) -> None:
    """The preflight of a rebuilt PDF parses only the content of the page that changed
    (`preflight_memo`), and finds what a preflight that parses every page finds."""
    import pikepdf

    from layout.blobstore import BlobStore
    from layout.render import preflight_memo, preflight_walks
    from layout.render.preflight import preflight

    parsed = []
    parse = pikepdf.parse_content_stream
    with monkeypatch.context() as m:
        # nothing kept of the build's own preflight: its page walks (`preflight_walks`) forgotten
        m.setattr(preflight_walks, "DISK", BlobStore("preflight-walks-of-this-test", "1", 1 << 20))
        preflight_walks.forget()
        preflight_memo.forget()
        preflight(before)
        m.setattr(pikepdf, "parse_content_stream", lambda obj, ops="": parsed.append(ops) or parse(obj, ops))
        remembered = preflight(after)
        assert 1 <= len(parsed) <= 2          # page 3 (twice if its text had to be read too), of 4
        m.setenv("LAYOUT_NO_CACHE", "1")
        parsed.clear()
        fresh = preflight(after)
        assert len(parsed) >= 4
    assert remembered == fresh


def test_a_rebuild_rewrites_the_memo_file_once_idle(edition, tmp_path, monkeypatch):
    """The first build of an edition in a process writes its memo file at once (`layout build`);
    a rebuild in the same process (the live preview) leaves the writing until the process is
    idle or ends, and then the file holds the rebuild's compositions."""
    monkeypatch.setattr(memo, "REWRITE_DELAY", 60.0)
    _build(edition, tmp_path / "first")
    path = memo.memo_path(edition)
    written = path.read_bytes()
    _edit(edition)
    _build(edition, tmp_path / "second")
    assert MEMO.misses > 0
    assert path.read_bytes() == written          # not in the rebuild the editor waits for
    memo.flush()                                 # idle (or exiting): written now
    assert path.read_bytes() != written
    assert memo.read_file(path).keys() == MEMO.stored.keys()


def test_the_trailer_id_is_a_digest_of_the_file():
    """The PDF/X finish writes the file once (qpdf's fixed ID) and makes the ID's second half a
    digest of the bytes: the same file, the same ID; one byte of content changed, another ID; the
    file still opens and its cross-reference offsets hold (pikepdf reads it without repair)."""
    import io

    import pikepdf

    from layout.render.pdfx import content_id

    def written(title: str) -> bytes:
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.docinfo["/Title"] = title
        out = io.BytesIO()
        pdf.save(out, static_id=True)
        return content_id(out)

    one, same, other = written("第一版"), written("第一版"), written("第二版")
    assert one == same and one != other
    ids = []
    for data in (one, other):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert not pdf.is_linearized and len(pdf.pages) == 1
            ids.append(bytes(pdf.trailer.ID[1]))
    assert ids[0] != ids[1] and not ids[0].hex().startswith("31415926")


def test_the_make_up_memo_keeps_only_the_last_builds_pages(edition, tmp_path):
    """A process building one edition after another (a batch, a library caller) does not pile up
    pages: each build lets go of the pages the build before it did not use."""
    copies = [edition]
    for name in ("b", "c"):
        shutil.copytree(edition.parent, tmp_path / name)
        copies.append(tmp_path / name / "issue.yaml")
    for manifest in copies:
        assert prepare(manifest, Report()) is not None
        assert PAGES.made == 1 and PAGES.reused == 0   # another edition (its sources differ): made up
    assert len(PAGES._pages) == 2                        # the last two builds' pages, not the first's
    assert prepare(copies[-1], Report()) is not None
    assert (PAGES.made, PAGES.reused) == (0, 1)

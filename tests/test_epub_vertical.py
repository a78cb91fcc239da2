"""Vertical stories in the EPUB: `writing-mode: vertical-rl` documents, 縦中横 numbers, the spine's page
progression, the edition's language, EPUBCheck 0/0, and Chromium laying the story out top to bottom.

Two tiny editions are built once: one mostly vertical (zh-TW), one mostly horizontal (zh-CN) with a
single short vertical story.
"""
from __future__ import annotations

import re
import unicodedata
import subprocess
import tempfile
from pathlib import Path

import pytest

from epub_tools import NS, Book, EpubCheck, chromium, fontconfig_with
from layout.cli import main

H = f"{{{NS['h']}}}"
NOTO = Path("/usr/share/fonts/opentype/noto")

LONG = ("記者林佳慧／竹北報導。縣府今天宣布，老街整修工程已經完成，將於12月12日週末開放民眾參觀，"
        "首日安排8場導覽。這是第一期工程，耗資3.5億元；第二期預計2027年動工，10:30起受理登記。")
SHORT = "市立圖書館今起延長開放至晚間9點。"


def _edition(folder: Path, lang: str, long_direction: str, short_direction: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "issue.yaml").write_text(f"""paper: {{name: 竹北日報, publisher: 竹北日報社}}
issue: {{number: 7, date: 2026-12-05, lang: {lang}}}
style: tabloid
pages:
  - section: 要聞
    stories:
      - article: old-street
        columns: [1, 3]
        direction: {long_direction}
      - article: library
        columns: [4, 5]
        direction: {short_direction}
articles:
  old-street:
    headline: 竹北老街整修完成
    dateline: 本報訊
    body: |
      {LONG}

      {LONG}
    byline: 記者 林佳慧
  library:
    headline: 圖書館延長開放
    body: |
      {SHORT}
""", encoding="utf-8")
    return folder / "issue.yaml"


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    """'vertical' (zh-TW, the long story vertical), 'horizontal' (zh-CN, only the short one vertical) and
    'none' (zh-CN, no vertical story) EPUBs."""
    out = {}
    for key, lang, long_dir, short_dir in (("vertical", "zh-TW", "vertical", "horizontal"),
                                           ("horizontal", "zh-CN", "horizontal", "vertical"),
                                           ("none", "zh-CN", "horizontal", "horizontal")):
        folder = tmp_path_factory.mktemp(key)
        manifest = _edition(folder, lang, long_dir, short_dir)
        assert main(["build", str(manifest), "-o", str(folder / "out"), "--epub"]) in (0, 1)
        out[key] = next((folder / "out").glob("*.epub"))
    return out


def _story(book: Book, headline: str):
    for item in book.opf.iterfind(".//opf:manifest/opf:item", NS):
        if item.get("media-type") == "application/xhtml+xml" and item.get("href").startswith("text/"):
            tree = book.xml(item.get("href"))
            if tree.findtext(f".//{H}h1") == headline:
                return item.get("href"), tree
    raise AssertionError(f"no document with headline {headline}")


def test_vertical_stories_are_vertical_rl_documents(books):
    book = Book(books["vertical"].read_bytes())
    _href, vertical = _story(book, "竹北老街整修完成")
    _href, horizontal = _story(book, "圖書館延長開放")
    assert vertical.get("class") == "vertical"
    assert horizontal.get("class") is None
    assert vertical.find(f".//{H}link[@href='../css/vertical.css']") is not None
    assert horizontal.find(f".//{H}link[@href='../css/vertical.css']") is None
    css = book.read("css/vertical.css").decode()
    rule = re.search(r"html\.vertical\s*\{([^}]*)\}", css).group(1)
    assert re.search(r"(?<![-\w])writing-mode:\s*vertical-rl", rule)
    assert "-epub-writing-mode: vertical-rl" in rule


def test_an_edition_without_vertical_stories_carries_no_vertical_rules(books):
    book = Book(books["none"].read_bytes())
    assert "css/vertical.css" not in book.entries and "EPUB/css/vertical.css" not in book.entries
    assert b"vertical" not in book.read("css/edition.css")
    for _href, tree in (_story(book, "竹北老街整修完成"), _story(book, "圖書館延長開放")):
        assert tree.get("class") is None


def test_short_numbers_stand_upright_side_by_side(books):
    """縦中横: numbers of up to two digits (the style's tcy_max) in a tcy span; years, decimals and
    times stay in the line, rotated, as print sets them."""
    _href, tree = _story(Book(books["vertical"].read_bytes()), "竹北老街整修完成")
    upright = [s.text for s in tree.iter(f"{H}span") if s.get("class") == "tcy"]
    assert upright == ["12", "12", "8"] * 2, upright
    text = "".join(tree.find(f".//{H}article").itertext())
    assert "3.5億元" in text and "2027年" in text and "10:30" in text
    assert LONG in text.replace("\n", "")        # the text itself unchanged


def test_spine_turns_right_to_left_when_most_text_is_vertical(books):
    for key, expected in (("vertical", "rtl"), ("horizontal", None)):
        spine = Book(books[key].read_bytes()).opf.find(".//opf:spine", NS)
        assert spine.get("page-progression-direction") == expected, key


def test_language_comes_from_the_edition(books):
    for key, tag in (("vertical", "zh-Hant-TW"), ("horizontal", "zh-Hans")):
        book = Book(books[key].read_bytes())
        assert book.dc("language") == [tag]
        _href, tree = _story(book, "竹北老街整修完成")
        assert tree.get("lang") == tag


def test_epubcheck_reports_nothing(books, tmp_path):
    check = EpubCheck.start({k: books[k] for k in ("vertical", "horizontal")}, tmp_path)
    if isinstance(check, str):
        pytest.skip(check)
    try:
        for key, report in check.results().items():
            c = report["checker"]
            problems = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]
                        if m["severity"] in ("FATAL", "ERROR", "WARNING")]
            assert (c["nFatal"], c["nError"], c["nWarning"]) == (0, 0, 0), (key, problems)
    finally:
        check.stop()


def test_a_browser_sets_the_story_top_to_bottom_right_to_left(books, tmp_path):
    """Chromium prints the vertical story's XHTML; in its PDF, consecutive characters of a line share
    an x and go down the page, and the second line stands left of the first."""
    browser = chromium()
    if browser is None or not NOTO.is_dir():
        pytest.skip("chromium and fonts-noto-cjk are needed (scripts/test.sh installs them)")
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    folder = Book(books["vertical"].read_bytes()).extract(tmp_path / "book")
    href, _tree = _story(Book(books["vertical"].read_bytes()), "竹北老街整修完成")
    page = next(folder.rglob(Path(href).name))
    pdf = tmp_path / "story.pdf"
    env_conf = fontconfig_with(NOTO, tmp_path)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-extensions", f"--user-data-dir={profile}", "--allow-file-access-from-files",
                        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                       env={"FONTCONFIG_FILE": str(env_conf), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
                       capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    assert pdf.is_file()
    chars = []

    def walk(obj):
        if isinstance(obj, LTChar):
            chars.append((obj.get_text(), round(obj.x0), round(obj.y0)))
        for child in getattr(obj, "_objs", ()) or ():
            walk(child)

    for p in extract_pages(str(pdf), laparams=LAParams(all_texts=True, detect_vertical=True)):
        walk(p)
    at: dict[str, tuple[int, int]] = {}
    for ch, x, y in chars:   # each character's first place (NFKC: Chromium maps some Han to radicals)
        at.setdefault(unicodedata.normalize("NFKC", ch), (x, y))
    # 記者林佳慧 runs down one line: one x, falling y
    xs = {at[ch][0] for ch in "記者林佳"}
    ys = [at[ch][1] for ch in "記者林佳"]
    assert len(xs) == 1 and ys == sorted(ys, reverse=True), [(ch, at[ch]) for ch in "記者林佳"]
    # the headline (drawn first) stands right of the body's first line; later lines follow to the left
    assert at["竹"][0] > at["記"][0] > at["受"][0]

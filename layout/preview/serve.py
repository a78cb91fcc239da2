"""The live preview: a local web server that rebuilds the pages whenever an input file is saved.

`LivePreview(manifest, out_dir, dpi, overlay, port)` takes an edition's manifest and
serves, on 127.0.0.1 only:

    /              the contact sheet            /pNN.html    a page with its diagnostics
    /pNN.png       page images (from out_dir)   /events      server-sent events, one per rebuild
    /state.json    the current state (version, pages and their digests, broken or not)

It watches (watchfiles) the folders holding the manifest, its article files, its images
and its style, and rebuilds on save: the edition is prepared again, but only pages whose
frames (or photos) changed are drawn and rasterised again (`PagePreviewer`), and a save
that leaves every file's content as it was rebuilds nothing. Each rebuild bumps `version`
and is announced on `/events`; the open pages swap in what changed without reloading.
When the manifest cannot be laid out, the last good pages stay and its diagnostics are
shown over them until the next good save.
"""
from __future__ import annotations

import gc
import hashlib
import json
import re
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from layout import pipeline
from layout.diagnostics import Diagnostic, Report
from layout.page.frames import Image
from layout.preview import html
from layout.render.preview import DEFAULT_DPI, PagePreviewer, Preview
from layout.wording import counted

#: files that can be inputs of an edition (manifest, article files, which `include` patterns may pick up
#: as they appear, photos, ads, styles)
INPUT_SUFFIXES = {".yaml", ".yml", ".md", ".markdown", ".jpg", ".jpeg", ".png", ".pdf", ".tif", ".tiff"}
_IMAGE_FILE = re.compile(r"^p\d{2,5}(?:-overlay)?\.png$")
_PAGE_FILE = re.compile(r"^p(\d{2,5})\.html$")   # page numbers of at most five digits: no edition has more
#: Seconds a connection may stay silent (a request not sent, or a response not read) before it is closed.
IDLE_TIMEOUT = 10.0
#: A Host header: a name or an IPv6 address in brackets, and a port.
_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?")
#: Connections served at once (each holds a thread: an open page holds one for its event stream);
#: more are answered 503 and closed at once.
MAX_CONNECTIONS = 32


def _digest(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


#: Seconds after a rebuild before its plain files are written and the garbage collected
#: (`LivePreview._tidy`): the browsers fetch the new page images first.
TIDY_DELAY = 0.5


@contextmanager
def paused_gc(collect: bool = True):
    """Run a build with the cyclic garbage collector off, and (with `collect`) collect once afterwards.

    A rebuild allocates hundreds of thousands of short-lived objects (glyph runs, PDF
    operators), which set off collection after collection of everything the caches hold;
    pausing it makes a rebuild of the sample edition about a third faster."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if collect:
                gc.collect()


class LivePreview:
    """Builds the preview, serves it, watches the inputs and rebuilds on save (see the module docstring)."""

    def __init__(self, manifest: str | Path, out_dir: str | Path, dpi: int = DEFAULT_DPI, overlay: bool = False,
                 host: str = "127.0.0.1", port: int = 8765, log: Callable[[str], None] | None = None):
        self.manifest = Path(manifest)
        self.out_dir = Path(out_dir)
        self.previewer = PagePreviewer(self.out_dir, dpi, overlay)
        self.host, self.port = host, port
        self.log = log or (lambda msg: print(msg, file=sys.stderr))
        self.preview: Preview | None = None        # the last good build
        self.broken: tuple[Diagnostic, ...] = ()   # errors of the last build when it could not be laid out
        self.version = 0
        self.last_seconds = 0.0
        self.timings: dict[str, float] = {}       # of the last rebuild, by step (seconds)
        self.title = self.manifest.resolve().parent.name
        self._known: dict[Path, str | None] = {}   # input file -> content digest at the last build
        self._style_dir: Path | None = None
        self._cond = threading.Condition()
        self._build_lock = threading.Lock()
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self.idle_timeout = IDLE_TIMEOUT
        self.max_connections = MAX_CONNECTIONS
        self._untidy: Preview | None = None         # a build whose plain files are still to be written
        self._tidy_timer: threading.Timer | None = None

    # -- building --------------------------------------------------------------------------

    def rebuild(self, changed: set[Path] | None = None, progress: Callable[[str], None] | None = None) -> bool:
        """Prepare the edition again and redraw the pages that changed; False when nothing had changed."""
        with self._build_lock:
            if changed is not None and not self.broken and self._same_content(changed):
                return False
            with paused_gc(collect=False):   # collected once the browsers have the pages (`_tidy`)
                self._build(progress)
            self._tidy_later()
            return True

    def _tidy_later(self) -> None:
        """`_tidy` in TIDY_DELAY seconds (a rebuild meanwhile puts it off again)."""
        if self._tidy_timer is not None:
            self._tidy_timer.cancel()
        self._tidy_timer = threading.Timer(TIDY_DELAY, self._tidy)
        self._tidy_timer.daemon = True
        self._tidy_timer.start()

    def _tidy(self) -> None:
        """After a rebuild, once the browsers have fetched its page images: the plain files of the
        last good build (`_write_static`) and a full garbage collection, both of which hold
        Python's lock for a tenth of a second on a broadsheet, which the threads serving the
        images would otherwise wait for. Skipped while a build runs (it tidies after itself)."""
        if not self._build_lock.acquire(blocking=False):
            return
        try:
            preview, self._untidy = self._untidy, None
            if preview is not None:
                self._write_static(preview)
            gc.collect()
        finally:
            self._build_lock.release()

    def _build(self, progress) -> None:
        t0 = time.perf_counter()
        manifest = self.manifest.resolve()
        # read before preparing, so that a save during the build is seen as a change afterwards
        before = {p: _digest(p) for p in set(self._known) | {manifest}}
        report = Report()
        timings = self.timings = {"digest": time.perf_counter() - t0}
        try:
            edition = pipeline.prepare(self.manifest, report, progress, prefetch_photos=True)
            timings["prepare"] = time.perf_counter() - t0 - timings["digest"]
            preview = self.previewer.render(edition, report, progress) if edition is not None else None
        except Exception as exc:  # a bug, not the editor's mistake: keep serving the last good pages
            self.log(traceback.format_exc())
            report.error("internal-error", f"{type(exc).__name__}: {exc}", None,
                         "this is a bug in layout: please report it with the edition's files")
            edition = preview = None
        if edition is None or preview is None:
            errors = tuple(d for d in report.sorted() if d.severity == "error")
            self._publish(None, errors or (Diagnostic("error", "not-laid-out", "the edition could not be laid out"),),
                          time.perf_counter() - t0)
            self._known[manifest] = before[manifest]
            return
        timings.update(preview.timings)
        self._known = {p: before[p] if p in before else _digest(p) for p in self._inputs(edition)}
        self._style_dir = edition.style.path.resolve().parent if edition.style.path else None
        self._publish(preview, (), time.perf_counter() - t0)
        self._untidy = preview   # its plain files are written once the browsers have it (`_tidy`)

    def _inputs(self, edition) -> set[Path]:
        paths = {Path(p) for p in edition.issue.files}
        paths |= {Path(it.path) for f in edition.frames for it in f.items if isinstance(it, Image)}
        for art in edition.issue.articles.values():
            paths |= {ph.file for ph in art.photos}
        for page in edition.issue.pages:
            paths |= {pl.photo.file for pl in page.placements if pl.photo}
        if edition.style.path:
            paths.add(Path(edition.style.path))
        return {p.resolve() for p in paths}

    def _same_content(self, changed: set[Path]) -> bool:
        return all(p in self._known and self._known[p] is not None and _digest(p) == self._known[p]
                   for p in changed)

    def _publish(self, preview: Preview | None, broken: tuple[Diagnostic, ...], seconds: float) -> None:
        with self._cond:
            if preview is not None:
                self.preview = preview
                self.title = preview.title
            self.broken = broken
            self.version += 1
            self.last_seconds = seconds
            self._cond.notify_all()
        if broken:
            self.log(f"not laid out ({seconds:.2f} s): {counted(len(broken), 'error')}; showing the last good pages\n"
                     + "\n".join(d.format() for d in broken))
        elif preview is not None:
            drawn = ", ".join(str(n) for n in preview.rendered) or "none"
            self.log(f"rebuilt in {seconds:.2f} s: pages drawn again: {drawn} (of {len(preview.pages)})")

    def _write_static(self, preview: Preview) -> None:
        """The same contact sheet and page views as plain files, for opening without the server."""
        from layout.preview.command import write_html

        write_html(preview, self.out_dir)

    def state(self) -> dict:
        with self._cond:
            preview, broken, version = self.preview, self.broken, self.version
        pages = {p.number: p.digest for p in preview.pages} if preview else {}
        return {"version": version, "broken": bool(broken), "errors": [d.to_json() for d in broken],
                "pages": pages, "rendered": list(preview.rendered) if preview else [],
                "seconds": round(self.last_seconds, 3)}

    # -- watching ----------------------------------------------------------------------------

    def _roots(self) -> tuple[Path, ...]:
        """Folders to watch: the edition's folder, the style's folder, folders of inputs elsewhere.
        Folders rather than files, so an editor's save-by-rename is seen too."""
        edition_dir = self.manifest.resolve().parent
        roots = {edition_dir}
        if self._style_dir:
            roots.add(self._style_dir)
        roots |= {p.parent for p in self._known if edition_dir not in p.parents}
        roots = {r for r in roots if r.is_dir()}
        return tuple(sorted(r for r in roots if not any(o in r.parents for o in roots)))

    def _relevant(self, _change, path: str) -> bool:
        p = Path(path)
        if p.name.startswith(".") or p.name.endswith("~"):
            return False
        out = self.out_dir.resolve()
        if p == out or out in p.parents:
            return False
        if p in self._known:
            return True
        return self.manifest.resolve().parent in p.parents and p.suffix.lower() in INPUT_SUFFIXES

    def _watch(self) -> None:
        from watchfiles import watch

        while not self._stop.is_set():
            roots = self._roots()
            watching = False
            # yield_on_timeout: an empty set every 200 ms; the first one means the folders are being watched
            for changes in watch(*roots, watch_filter=self._relevant, stop_event=self._stop, step=50,
                                 debounce=1000, rust_timeout=200, yield_on_timeout=True, raise_interrupt=False):
                if not watching:
                    watching = True
                    # whatever was saved between the last build and now was not seen by the watcher
                    changes = set(changes) | {(None, str(p)) for p, d in self._known.items() if _digest(p) != d}
                    self._watching.set()
                if not changes:
                    continue
                changed = {Path(path).resolve() for _kind, path in changes}
                try:
                    self.rebuild(changed)
                except Exception:  # pragma: no cover - rebuild reports the editor's errors itself
                    self.log(traceback.format_exc())
                if self._roots() != roots:
                    break  # the style or a photo moved to another folder: watch the new set

    # -- serving -----------------------------------------------------------------------------

    def start(self, progress: Callable[[str], None] | None = None) -> str:
        """Build once, then serve and watch in background threads; returns the URL.
        The port is taken first, so a port in use fails (OSError) before the build."""
        self._server = _Server((self.host, self.port), _handler(self), self.max_connections, self.log)
        self.port = self._server.server_address[1]
        self.rebuild(None, progress)
        for target, name in ((self._server.serve_forever, "preview-http"), (self._watch, "preview-watch")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)
        self._watching.wait(timeout=10)  # a save right after start() is not missed
        return self.url

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def stop(self) -> None:
        if self._tidy_timer is not None:
            self._tidy_timer.cancel()
        self._tidy()   # the last build's plain files, now
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def wait_version(self, last: int, timeout: float) -> int:
        """Block until the version differs from `last`, the server stops, or `timeout` passes."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != last or self._stop.is_set(), timeout=timeout)
            return self.version

    def __enter__(self) -> "LivePreview":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    """A thread per connection, at most `limit` at once; an error in a request is one line in the
    log, never a traceback on the terminal."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128   # connections waiting to be accepted (and refused at once when too many)

    def __init__(self, address, handler, limit: int, log: Callable[[str], None]):
        self._slots = threading.BoundedSemaphore(limit)
        self._log = log
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):   # too many connections: refused, no thread started
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                                b"Content-Length: 22\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
                                b"too many connections\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):   # a client gone is no news
            self._log(f"request from {client_address[0]} failed: {type(exc).__name__}: {exc}")


def allowed_host(header: str | None, bound: str, port: int) -> bool:
    """Whether a request's Host header names this server: 127.0.0.1, localhost, [::1] or the bound
    address, with the bound port (or none). Any other name is a page elsewhere that had its own name
    point at 127.0.0.1 (DNS rebinding) to read the previews."""
    m = _HOST.fullmatch((header or "").strip().lower())
    if m is None:
        return False
    names = {"127.0.0.1", "localhost", "[::1]", bound.lower(), f"[{bound.lower()}]"}
    return m.group(1) in names and m.group(2) in (None, str(port))


def _handler(live: LivePreview):
    class Handler(BaseHTTPRequestHandler):
        server_version = "layout-preview"
        timeout = live.idle_timeout   # the socket's: a silent connection is closed (TimeoutError, handled)

        def log_message(self, fmt, *args):  # quiet: the terminal shows rebuilds, not requests
            pass

        def __getattr__(self, name: str):
            if name.startswith("do_"):   # any method but GET: 405 (http.server would say 501)
                return self._not_allowed
            raise AttributeError(name)

        def send_error(self, code, message=None, explain=None):
            """http.server's own errors, each a 4xx: a request in a version it does not speak is a bad request."""
            super().send_error(HTTPStatus.BAD_REQUEST if code >= 500 else code, message, explain)

        def _not_allowed(self) -> None:
            self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
            self.send_header("Allow", "GET")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):  # noqa: N802 (http.server's naming)
            if not allowed_host(self.headers.get("Host"), live.host, live.port):
                status = HTTPStatus.BAD_REQUEST if not self.headers.get("Host") else HTTPStatus.MISDIRECTED_REQUEST
                return self._send(b"this server answers to 127.0.0.1 and localhost only", "text/plain", status)
            try:
                return self._get()
            except (ConnectionError, TimeoutError):
                raise
            except Exception as exc:  # noqa: BLE001 - a bug: one line on the terminal, 500 to the browser
                live.log(f"GET {self.path[:80]} failed: {type(exc).__name__}: {exc}")
                return self._send(b"internal error", "text/plain", HTTPStatus.INTERNAL_SERVER_ERROR)

        def _get(self):
            path = urlsplit(self.path).path
            name = path.lstrip("/") or "index.html"
            if name == "events":
                return self._events()
            if name == "state.json":
                return self._send(json.dumps(live.state(), ensure_ascii=False).encode(), "application/json")
            with live._cond:
                preview, broken, version, title = live.preview, live.broken, live.version, live.title
            if name == "index.html":
                doc = html.contact_sheet(preview, live=True, version=version, broken=broken, title=title)
                return self._send(doc.encode(), "text/html; charset=utf-8")
            m = _PAGE_FILE.match(name)
            if m:
                doc = html.page_view(preview, int(m.group(1)), live=True, version=version, broken=broken, title=title)
                if doc is None:
                    doc = html.contact_sheet(preview, live=True, version=version, broken=broken, title=title)
                    return self._send(doc.encode(), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
                return self._send(doc.encode(), "text/html; charset=utf-8")
            if _IMAGE_FILE.match(name):
                try:
                    data = (live.out_dir / name).read_bytes()
                except OSError:
                    return self._send(b"no such page image", "text/plain", HTTPStatus.NOT_FOUND)
                return self._send(data, "image/png", cache="max-age=3600")  # URLs carry the content digest
            return self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)

        def _send(self, data: bytes, ctype: str, status=HTTPStatus.OK, cache: str = "no-store") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", cache)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _events(self) -> None:
            """One `build` event now and after every rebuild; a comment line every 15 s keeps it open."""
            try:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                last = None
                while not live._stop.is_set():
                    version = live.wait_version(last if last is not None else -1, 15.0)
                    if version != last:
                        state = live.state()
                        last = state["version"]
                        data = json.dumps(state, ensure_ascii=False)
                        self.wfile.write(f"event: build\nid: {last}\ndata: {data}\n\n".encode())
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler

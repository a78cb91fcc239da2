"""Benchmark of the live preview: time from saving an edit to the refreshed page in the browser.

Takes: nothing (optional --manifest PATH --story FILE --page N, --edits N, --dpi N, --overlay,
--no-browser).
Returns: prints, for N one-story edits (a headline on page 1 changed and saved), the time
from the save to the moment the open page shows the new page image: median, best and
worst, and how much of it the server's rebuild took. It works on a copy of the edition
in a temporary folder. With headless Chromium (Playwright + Debian's chromium) the clock
stops when the browser has loaded the new image into the page; with --no-browser (or
without them) when a server-sent-events client has received the rebuild event and
fetched the new PNG. Run with `python bench/bench_preview.py`.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from layout.preview.serve import LivePreview  # noqa: E402
from preview_tools import browser_page, chromium_path, copy_edition, set_headline  # noqa: E402

SAMPLE = ROOT / "issues" / "2026-11-27" / "issue.yaml"
HEADLINES = ("芯片封测基地项目签约落户新区", "32亿元芯片项目落户", "集成电路封测基地签约", "澜芯微电子封测基地落户滨河")


class SseClient:
    """Reads /events in a thread and records when each version arrived."""

    def __init__(self, host: str, port: int):
        self.arrived: dict[int, float] = {}
        self._conn = http.client.HTTPConnection(host, port, timeout=30)
        self._conn.request("GET", "/events")
        self._resp = self._conn.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self._resp:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    self.arrived[json.loads(line[6:])["version"]] = time.perf_counter()
        except Exception:
            pass

    def wait(self, version: int, timeout: float = 30) -> float:
        end = time.time() + timeout
        while version not in self.arrived:
            if time.time() > end:
                raise TimeoutError(f"no rebuild event for version {version}")
            time.sleep(0.002)
        return self.arrived[version]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", type=Path, default=SAMPLE)
    ap.add_argument("--story", default="articles/chip-base-signing.md", help="article file to edit, in the edition")
    ap.add_argument("--page", type=int, default=1, help="the page that article is on")
    ap.add_argument("--edits", type=int, default=6)
    ap.add_argument("--dpi", type=int, default=100)
    ap.add_argument("--overlay", action="store_true")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    use_browser = not args.no_browser and chromium_path() is not None
    if use_browser:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            use_browser = False
    story, page_no = args.story, args.page
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        manifest = copy_edition(args.manifest, Path(tmp))
        with LivePreview(manifest, Path(tmp) / "out", dpi=args.dpi, overlay=args.overlay, port=0,
                         log=lambda msg: None) as live:
            t = time.perf_counter()
            url = live.start()
            first = time.perf_counter() - t
            totals, rebuilds, steps, cpus = [], [], [], []
            if use_browser:
                with browser_page(timeout_ms=30000) as page:
                    page.goto(f"{url}p{page_no:02d}.html")
                    img = f"document.getElementById('page{'-grid' if args.overlay else ''}-{page_no}')"
                    page.wait_for_function("() => document.getElementById('status').textContent.includes('实时')")
                    for i in range(args.edits):
                        before = page.evaluate(f"{img}.getAttribute('src')")
                        version = live.version
                        time.sleep(0.3)
                        t0, c0 = time.perf_counter(), time.process_time()
                        set_headline(manifest.parent / story, HEADLINES[i % len(HEADLINES)])
                        page.wait_for_function(f"() => {img}.getAttribute('src') !== {json.dumps(before)} "
                                               f"&& {img}.complete && {img}.naturalWidth > 0", polling=5)
                        totals.append(time.perf_counter() - t0)
                        cpus.append(time.process_time() - c0)
                        assert live.version > version
                        rebuilds.append(live.last_seconds)
                        steps.append(dict(live.timings))
            else:
                sse = SseClient(live.host, live.port)
                for i in range(args.edits):
                    version = live.version
                    time.sleep(0.3)
                    t0, c0 = time.perf_counter(), time.process_time()
                    set_headline(manifest.parent / story, HEADLINES[i % len(HEADLINES)])
                    sse.wait(version + 1)
                    digest = live.state()["pages"][page_no]
                    conn = http.client.HTTPConnection(live.host, live.port, timeout=30)
                    conn.request("GET", f"/p{page_no:02d}.png?v={digest}")
                    conn.getresponse().read()
                    totals.append(time.perf_counter() - t0)
                    cpus.append(time.process_time() - c0)
                    rebuilds.append(live.last_seconds)
                    steps.append(dict(live.timings))
    how = "headless Chromium shows the new page image" if use_browser else "SSE event received and PNG fetched"
    print(f"edition {args.manifest.parent.name}, {args.dpi} dpi{' with overlay' if args.overlay else ''}; "
          f"first build {first:.2f} s")
    print(f"save -> refreshed page ({how}), {len(totals)} one-story edits:")
    print(f"  median {statistics.median(totals):.3f} s   best {min(totals):.3f} s   worst {max(totals):.3f} s")
    print(f"  processor time of the server's process (the rebuild, the watcher, serving): median "
          f"{statistics.median(cpus):.3f} s; load average {os.getloadavg()[0]:.2f}")
    print(f"  of which the server's rebuild: median {statistics.median(rebuilds):.3f} s ("
          + ", ".join(f"{k} {statistics.median(d.get(k, 0) for d in steps):.3f}" for k in steps[0]) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers for tests/test_preview.py and bench/bench_preview.py: a scratch copy of an edition,
a story's headline edit, and headless Chromium through Playwright (Debian's chromium binary)."""
from __future__ import annotations

import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def copy_edition(manifest: Path, dest: Path) -> Path:
    """A copy of the edition's folder (manifest, articles, images) under `dest`; returns the new manifest."""
    folder = dest / manifest.parent.name
    shutil.copytree(manifest.parent, folder)
    return folder / manifest.name


def set_headline(article_file: Path, headline: str) -> None:
    """Rewrite the `headline:` of an article file's front matter (saved in place, as an editor would)."""
    text = article_file.read_text(encoding="utf-8")
    new, n = re.subn(r"^headline:.*$", f"headline: {headline}", text, count=1, flags=re.M)
    assert n == 1, f"no headline in {article_file}"
    article_file.write_text(new, encoding="utf-8")


@contextmanager
def browser_page(timeout_ms: int = 15000):
    """A Playwright page in headless Chromium with a fresh profile; everything closed afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS,
            timeout=timeout_ms, viewport={"width": 1200, "height": 900})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(timeout_ms)
            yield page
        finally:
            context.close()

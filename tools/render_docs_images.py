"""Render the sample editions' pages for the README and docs/images/.

Usage, from the repository root: python tools/render_docs_images.py
Builds each sample edition's PDF into a temporary folder, renders its pages
cropped to the trim box with pypdfium2, and writes docs/images/<edition>-p<N>.png.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.cli import main  # noqa: E402

WIDTH_PX = {"2026-11-27": 900, "2026-11-28-broadsheet": 900}


def render(manifest: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        main(["build", str(manifest), "-o", tmp, "--pdf"])
        pdf_path = next(Path(tmp).glob("*.pdf"))
        pdf = pypdfium2.PdfDocument(str(pdf_path))
        edition = manifest.parent.name
        for n, page in enumerate(pdf, start=1):
            left, bottom, right, top = page.get_trimbox()
            width, height = page.get_size()
            scale = WIDTH_PX.get(edition, 900) / (right - left)
            image = page.render(scale=scale, crop=(left, bottom, width - right, height - top)).to_pil()
            target = out / f"{edition}-p{n}.png"
            image.convert("RGB").quantize(colors=128).save(target, optimize=True)
            print(target, image.size)
        pdf.close()


if __name__ == "__main__":
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    for manifest in sorted((ROOT / "issues").glob("*/issue.yaml")):
        render(manifest, out)

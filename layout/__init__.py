"""layout: Chinese newspaper layout, from one YAML manifest per edition to PDF, EPUB and previews.

Stages (see docs/architecture.md): manifest.load -> model.build -> page make-up -> render.
"""
from pathlib import Path

__version__ = "0.1.0"

#: The checkout the package runs from: bundled fonts/ and styles/ live beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
FONTS_DIR = PROJECT_ROOT / "fonts"
STYLES_DIR = PROJECT_ROOT / "styles"

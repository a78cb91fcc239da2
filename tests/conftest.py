"""Shared test fixtures: paths of the repository and its sample editions."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2026-11-27" / "issue.yaml"


@pytest.fixture(scope="session")
def sample_manifest() -> Path:
    return SAMPLE

EDITIONS = sorted((ROOT / "issues").glob("*/issue.yaml"))

#: Simplified forms (each with a different traditional one) of the characters in the EPUB's and the web
#: edition's own wording (labels, skip links, headings, accessibility summary): a zh-TW book or page shows none.
SIMPLIFIED_ONLY = frozenset("录览导图闻广总电为个档顺组栏页码对应标题结构记颜阅读软号间载内见转数")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.json from the current layout (review the diff!)")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def tiny_edition(folder: Path, stories: str, articles: str, pages_extra: str = "", paper: str = "{name: 新区时报}",
                 number: int = 7, date: str = "2026-11-27", masthead: bool | None = None) -> Path:
    """A one-page tabloid edition written into `folder`: `stories` are the page's placement lines,
    `articles` the articles' lines (indented YAML text); `masthead` is written only when given."""
    folder.mkdir(parents=True, exist_ok=True)
    masthead_line = "" if masthead is None else f"\n    masthead: {'true' if masthead else 'false'}"
    (folder / "issue.yaml").write_text(f"""
paper: {paper}
issue: {{number: {number}, date: {date}}}
style: tabloid
pages:
  - section: 要闻{masthead_line}
    stories:
{stories}
{pages_extra}
articles:
{articles}
""", encoding="utf-8")
    return folder / "issue.yaml"

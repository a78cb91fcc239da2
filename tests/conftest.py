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


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.json from the current layout (review the diff!)")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")

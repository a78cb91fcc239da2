"""Shared test fixtures: paths of the repository and its sample editions."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2026-11-27" / "issue.yaml"


@pytest.fixture(scope="session")
def sample_manifest() -> Path:
    return SAMPLE

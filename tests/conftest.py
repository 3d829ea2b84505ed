"""Shared fixtures: where the project's seeds and the shared evaluation data live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_DATA = Path(os.environ.get("DIGEST_SHARED_DATA", ROOT.parent / "shared" / "data"))

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"evaluation data not found at ../shared/data (set DIGEST_SHARED_DATA): {SHARED_DATA}")
    return SHARED_DATA

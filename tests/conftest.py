"""Shared fixtures: where the repository, its bundled plan and the seed checklists are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
BUNDLED_PLAN = ROOT / "timelines" / "launch-day.toml"


@pytest.fixture
def seeds() -> list[Path]:
    found = sorted(SEEDS.glob("*"))
    if not found:
        if os.environ.get("CI"):  # CI lays ../shared beside the clone: missing seeds there are a failure
            pytest.fail(f"the seed checklists are expected in {SEEDS}")
        pytest.skip(f"the seed checklists are not in {SEEDS}")
    return found


@pytest.fixture
def bundled_plan() -> Path:
    return BUNDLED_PLAN

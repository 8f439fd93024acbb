"""Shared fixtures: where the repository, its bundled plan and the seed checklists are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
BUNDLED_PLAN = ROOT / "timelines" / "launch-day.toml"


@pytest.fixture
def seeds() -> list[Path]:
    found = sorted(SEEDS.glob("*"))
    assert found, f"the seed checklists are expected in {SEEDS}"
    return found


@pytest.fixture
def bundled_plan() -> Path:
    return BUNDLED_PLAN

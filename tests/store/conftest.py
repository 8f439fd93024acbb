"""Shared fixtures for the session-store tests.

Every *.toml file a store test leaves behind is parsed with tomlkit (and tomllib) after the test: the issue
asks that any TOML tool can read every file launchpad writes. Files a test damages on purpose use
another suffix, another directory (tmp_path_factory), or are repaired by the test before it ends.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
import tomlkit

T0 = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)


@pytest.fixture
def stand_in_plan(tmp_path: Path) -> SimpleNamespace:
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text('[launch]\nname = "VÖR Platform go-live"\n', encoding="utf-8")
    return SimpleNamespace(name="VÖR Platform go-live", path=str(plan_file), sha256="ab" * 32)


@pytest.fixture
def session_path(tmp_path: Path) -> Path:
    return tmp_path / "launch.session.toml"


@pytest.fixture(autouse=True)
def every_written_toml_reads_with_tomlkit(tmp_path: Path):
    yield
    for path in tmp_path.rglob("*.toml"):
        if not path.is_file():  # a FIFO or device a hostile-file test planted: reading it would block
            continue
        text = path.read_text(encoding="utf-8")
        tomlkit.parse(text)
        tomllib.loads(text)

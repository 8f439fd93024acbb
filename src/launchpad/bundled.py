"""Where the bundled launch-day plan lives: the repository's `timelines/` in a checkout or an editable
install, else the copy a regular install puts under `<prefix>/share/launchpad/`."""

from __future__ import annotations

import sys
from pathlib import Path

PLAN_NAME = "launch-day.toml"


def bundled_plan() -> Path | None:
    candidates = [
        Path(__file__).resolve().parents[2] / "timelines" / PLAN_NAME,
        Path(sys.prefix) / "share" / "launchpad" / "timelines" / PLAN_NAME,
    ]
    return next((path for path in candidates if path.is_file()), None)

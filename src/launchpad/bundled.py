"""Where the bundled launch-day plan lives.

The source is the repository's `timelines/` and `checklists/` (what a checkout and an editable install use);
a built wheel carries a copy of both inside the package, under `launchpad/data/` (setup.py copies them at
build time), so `pip install .` or `pipx install .` opens the demo from any directory.
"""

from __future__ import annotations

from pathlib import Path

PLAN_NAME = "launch-day.toml"
PACKAGED = Path(__file__).resolve().parent / "data"
CHECKOUT = Path(__file__).resolve().parents[2]


def bundled_plan() -> Path | None:
    candidates = [CHECKOUT / "timelines" / PLAN_NAME, PACKAGED / "timelines" / PLAN_NAME]
    return next((path for path in candidates if path.is_file()), None)

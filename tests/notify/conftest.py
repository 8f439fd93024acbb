"""A small plan with `[[notify]]` targets, a session on it with a pinned clock, and real receivers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from launchpad.core.plan.plan import load_plan
from launchpad.shell.session import LiveSession

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
NOW = T0 - timedelta(hours=1)

CHECKLIST = """\
# Go-live

## Deploy

- [ ] **SRE**: Scale up the cluster
- [ ] **Dev**: Deploy the backend
"""


def plan_text(notify: str) -> str:
    return f"""\
[launch]
name = "Orbit go-live"
checklists = ["launch.md"]

[[role]]
id = "sre"
title = "SRE"

[[role]]
id = "dev"
title = "Dev"

[[event]]
id = "deploy"
at = "T-30m"
title = "Deploy"
owner = "dev"

{notify}
"""


def notify_table(url: str, events: str = '"all"', name: str = "", extra: str = "") -> str:
    named = f'name = "{name}"\n' if name else ""
    return f'[[notify]]\n{named}url = "{url}"\nevents = [{events}]\n{extra}\n'


def write_plan(folder: Path, notify: str) -> Path:
    (folder / "launch.md").write_text(CHECKLIST, encoding="utf-8")
    path = folder / "orbit.toml"
    path.write_text(plan_text(notify), encoding="utf-8")
    return path


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def start_session(plan_path: Path, session_path: Path, *, env=None, clock=None, actor: str = "alice") -> LiveSession:
    plan, problems = load_plan(plan_path, env=env or {})
    assert plan is not None and not problems, problems
    return LiveSession.start(plan, session_path, t0=T0, actor=actor, clock=clock or Clock())


@pytest.fixture
def clock() -> Clock:
    return Clock()

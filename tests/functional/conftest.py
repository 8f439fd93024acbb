"""Cockpit fixtures: a session on a plan in a temporary folder, a fixed clock, a fixed actor."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from launchpad.core.plan.plan import load_plan
from launchpad.shell.session import LiveSession
from launchpad.tui.app import LaunchpadApp

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
NOW = T0 - timedelta(hours=1, minutes=59, seconds=12)  # the header reads T-01:59:12


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """Inputs blink their cursor on a timer: keep snapshots and screens deterministic (a harlequin trick)."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture(autouse=True)
def pause_waits_for_the_journal(monkeypatch):
    """The cockpit writes on its journal thread; a test's `pilot.pause()` also waits for what it asked to be on
    disk and drawn, as a person waits to see the tick before reading the file."""
    from textual.pilot import Pilot

    original = Pilot.pause

    async def pause(self, delay=None):
        settle = getattr(self.app, "journal_settled", None)
        if settle is not None and self.app.is_running:
            await settle()
        await original(self, delay)

    monkeypatch.setattr(Pilot, "pause", pause)


@pytest.fixture
def plan_copy(tmp_path: Path) -> Path:
    """The bundled plan and its checklists, copied so tests can edit them; without probes for speed."""
    shutil.copytree(ROOT / "timelines", tmp_path / "timelines")
    shutil.copytree(ROOT / "checklists", tmp_path / "checklists")
    return tmp_path / "timelines" / "launch-day.toml"


def start_session(plan_path: Path, session_path: Path, actor: str = "alice") -> LiveSession:
    plan, problems = load_plan(plan_path, env={})
    assert plan is not None and not problems, problems
    return LiveSession.start(plan, session_path, t0=T0, actor=actor, clock=lambda: NOW)


@pytest.fixture
def session(plan_copy: Path, tmp_path: Path) -> LiveSession:
    live = start_session(plan_copy, tmp_path / "launch.session.toml")
    yield live
    live.close()


def make_app(session: LiveSession, **kwargs) -> LaunchpadApp:
    return LaunchpadApp(session, clock=lambda: NOW, **kwargs)


def clocks_shown(app) -> str:
    """What the clocks read: the header, plus the count bar below it where the screen is wide enough for it
    (there the header leaves the clocks to the bar)."""
    from launchpad.tui.widgets.count_clock import CountClock
    from launchpad.tui.widgets.header_bar import LaunchHeader

    screen = app.screen_stack[0]
    text = screen.query_one(LaunchHeader).render().plain
    bar = screen.query_one(CountClock)
    if bar.display:
        text += " " + bar.query_one("#count-info").render().plain + " T" + bar.query_one("#t-digits").value
    return text


async def wait_until(pilot, predicate, seconds: float = 10.0) -> None:
    """Let the app run until `predicate()` holds; fail the test if it never does within `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never became true")

"""The cockpit, the journal and the count give the same answers whatever day the suite runs on.

Every test here runs twice, with the real wall clock moved 400 days before and 400 days after the fixtures'
T-0; the injected clock alone decides plan time, lateness, planned holds and journal stamps. (The whole
in-process suite also runs with the wall clock moved: tests/conftest.py.)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from launchpad.cli.session_cmds import status_report
from launchpad.store.session_file import load_session
from launchpad.tui.widgets.timeline_pane import TimelinePane

from .conftest import NOW, T0, clocks_shown, make_app

SHIFTS = {"a year before": -timedelta(days=400), "a year after": timedelta(days=400)}


@pytest.fixture(params=list(SHIFTS), autouse=True)
def wall(request):
    with time_machine.travel(T0 + SHIFTS[request.param], tick=True):
        yield request.param


async def test_the_cockpit_shows_the_injected_moment(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        shown = clocks_shown(pilot.app)
        assert "T-01:59:12" in shown and "16:00:48 UTC" in shown
        table = pilot.app.query_one(TimelinePane).table
        (hold,) = pilot.app.plan.holds
        assert table.get_cell(f"hold:{hold.id}", "state").plain == "planned"
        states = {event.id: table.get_cell(event.id, "state").plain for event in pilot.app.plan.events}
        assert states["deploy-frontend"].startswith("pend")  # T-1h: still ahead at T-01:59:12


def test_journal_stamps_come_from_the_session_clock(session):
    session.toggle("deploy-backend")
    session.control.hold("waiting for the DBA")
    header, entries, _ = load_session(session.path)
    assert header.created_at == NOW
    assert [entry.at for entry in entries] == [NOW, NOW]


def test_the_count_and_status_follow_the_clock_not_the_wall(session):
    session.control.hold("waiting for the DBA")
    later = NOW + timedelta(minutes=10)
    assert session.t_clock(later) == session.t_clock(NOW)  # holding: plan time stands still
    header, entries, _ = load_session(session.path)
    report = status_report(header, entries, session.plan, now=later)
    assert report["count"]["t_clock_text"] == "T-01:59:12"
    assert report["count"]["holding"]


def test_the_fixture_instant_is_far_from_the_wall(wall):
    assert abs(datetime.now(timezone.utc) - T0) >= timedelta(days=399)

"""What an idle cockpit does each second, and what it no longer does.

- The session file is stat'ed from a thread of its own (tui/app.py `_start_polling`) and read on the journal
  thread only when it changed; the UI loop hears of it only when something was read or went wrong, not twice a
  second to learn that nothing changed.
- The timeline and the owners are rebuilt only when something they show changed (their text moves by the
  minute); a planned hold's resume goes to the journal only while a planned hold waits for its exit condition.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from launchpad.shell.session import LiveSession
from launchpad.tui.app import LaunchpadApp
from launchpad.tui.widgets.activity_pane import ActivityPane
from launchpad.tui.widgets.owners_pane import OwnersPane
from launchpad.tui.widgets.timeline_pane import NOW_KEY, TimelinePane

from .conftest import NOW, wait_until


async def test_polling_wakes_the_screen_only_when_another_writer_wrote(session, monkeypatch):
    other = LiveSession.resume(session.path, actor="bob")
    looks = []
    real_poll = session.poll
    monkeypatch.setattr(session, "poll", lambda: looks.append(threading.current_thread().name) or real_poll())
    app = LaunchpadApp(session, clock=lambda: NOW, poll_interval=0.02)
    hops = []
    real_to_ui = app._to_ui
    app._to_ui = lambda callback, *args: hops.append(callback.__name__) or real_to_ui(callback, *args)
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await wait_until(pilot, lambda: looks, seconds=5.0)
            await pilot.pause(0.5)  # 25 intervals, the file unchanged
            assert len(looks) == 1 and hops == []  # one read at the start; neither the journal nor the UI woken
            other.toggle("deploy-backend")
            await wait_until(pilot, lambda: "deploy-backend" in session.checked(), seconds=5.0)
            assert all(name.startswith("launchpad-journal") for name in looks)  # the disk is read off the UI loop
            await wait_until(pilot, lambda: "record" in hops, seconds=5.0)
            await wait_until(pilot, lambda: any("bob ticked #deploy-backend" in line.plain
                                                for line in app.cockpit.query_one(ActivityPane)._lines), seconds=5.0)
        await asyncio.sleep(0.1)
        assert not [thread for thread in threading.enumerate() if thread.name == "launchpad-poll" and thread.is_alive()]
    finally:
        other.close()


async def test_a_change_that_cannot_be_read_is_said_and_the_cockpit_goes_on(session, monkeypatch):
    other = LiveSession.resume(session.path, actor="bob")
    app = LaunchpadApp(session, clock=lambda: NOW, poll_interval=0.02)
    failing = []

    def poll():
        failing.append(1)
        raise OSError("Input/output error")

    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.pause(0.1)
            monkeypatch.setattr(session, "poll", poll)
            other.toggle("deploy-backend")  # the file changed: the look at it fails
            await wait_until(pilot, lambda: any("Cannot read the session file: Input/output error" in str(n.message)
                                                for n in app._notifications), seconds=5.0)
            assert app.is_running and failing
    finally:
        other.close()


async def test_an_unchanged_second_rebuilds_neither_the_timeline_nor_the_owners(session):
    now = [NOW]
    app = LaunchpadApp(session, clock=lambda: now[0], poll_interval=3600)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        table = app.query_one(TimelinePane).table
        owners = app.query_one(OwnersPane).query_one("DataTable")
        calls = []
        for widget, name in ((table, "set_cell"), (table, "add_row"), (owners, "add_row"), (app, "_write")):
            real = getattr(widget, name)
            setattr(widget, name, lambda *a, real=real, name=name, **k: calls.append(name) or real(*a, **k))
        for second in range(1, 4):  # the minute does not turn (NOW is hh:mm:48 → 51)
            now[0] = NOW + timedelta(seconds=second)
            app.tick()
        assert calls == []  # no cell compared, no row built, nothing asked of the journal
        now[0] = NOW + timedelta(seconds=20)  # the minute turns: the now-row and the countdowns move
        app.tick()
        assert "set_cell" in calls
        assert table.get_cell(NOW_KEY, "title").plain.startswith("T-01:58")
        calls.clear()
        session.toggle("deploy-backend")  # a tick here changes what the owners owe
        app.tick()
        assert "add_row" in calls
        calls.clear()
        app.theme = "launchpad-light" if app.theme != "launchpad-light" else "launchpad-dark"
        app.tick()
        assert "set_cell" in calls  # new colours: the timeline's cells are drawn again in them


async def test_what_is_written_while_a_read_is_under_way_is_read_after_it(session, monkeypatch):
    """The file changes while the journal thread is still busy with the last read (which had already reached the
    end of the file): the change is read once that read is done, not only at the next change."""
    import time

    other = LiveSession.resume(session.path, actor="bob")
    real_poll = session.poll
    slow = []

    def poll():
        read = real_poll()
        if not slow:
            slow.append(1)
            other.toggle("deploy-backend")  # written after this read reached the end of the file
            time.sleep(0.2)  # and this read is not done yet while the poll thread looks again
        return read

    monkeypatch.setattr(session, "poll", poll)
    app = LaunchpadApp(session, clock=lambda: NOW, poll_interval=0.02)
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await wait_until(pilot, lambda: "deploy-backend" in session.checked(), seconds=5.0)
    finally:
        other.close()


async def test_a_failed_read_is_tried_again_though_the_file_did_not_change(session, monkeypatch):
    other = LiveSession.resume(session.path, actor="bob")
    real_poll = session.poll
    calls = []

    def poll():
        calls.append(1)
        if len(calls) == 2:
            raise OSError("Input/output error")  # the read of bob's tick fails once
        return real_poll()

    monkeypatch.setattr(session, "poll", poll)
    app = LaunchpadApp(session, clock=lambda: NOW, poll_interval=0.02)
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await wait_until(pilot, lambda: len(calls) >= 1, seconds=5.0)
            other.toggle("deploy-backend")
            await wait_until(pilot, lambda: "deploy-backend" in session.checked(), seconds=5.0)
            assert len(calls) >= 3
    finally:
        other.close()


async def test_the_owners_detail_follows_the_next_step_when_the_table_stays_the_same(session):
    """A step done moves a role's next step while what it owes stays: the table's cells do not change, the detail
    below it ("next: ...") must. It kept naming the step already done."""
    from textual.widgets import DataTable

    app = LaunchpadApp(session, clock=lambda: NOW, poll_interval=3600)
    async with app.run_test(size=(200, 60)) as pilot:
        table = app.query_one(OwnersPane).query_one(DataTable)
        table.move_cursor(row=[row.value for row in table.rows].index("devops"))
        await pilot.pause()
        detail = app.query_one("#owner-detail")
        assert "next: T-6h Team briefing" in detail._text.plain
        session.set_event("team-briefing", "done")
        app.tick()
        await pilot.pause()
        assert "next: T-2h Deploy backend" in detail._text.plain

"""The demo opens on a launch in flight: earlier steps done by their owners, the current one under way."""

from __future__ import annotations

from launchpad.shell.session import LiveSession
from launchpad.tui.widgets.header_bar import LaunchHeader
from launchpad.tui.widgets.timeline_pane import TimelinePane

from .conftest import NOW, make_app


async def test_demo_opens_in_flight_and_says_so(session):
    session.seed_demo()
    marks = {event_id: mark for event_id, mark in session.state.events.items()}
    assert {event_id: mark.state for event_id, mark in marks.items()} == {
        "security-scan": "done", "migration-dry-run": "done", "team-briefing": "done", "deploy-backend": "in_progress"}
    # Done by the people of the owning roles, stamped now (when the demo was made), not backdated.
    assert marks["security-scan"].actor == "Sasha Novak" and marks["migration-dry-run"].actor == "Bo Lindqvist"
    assert marks["deploy-backend"].actor == "Dana Ortiz" and marks["team-briefing"].actor == "alice"
    assert all(mark.at == NOW.replace(microsecond=0) for mark in marks.values())
    scan_items = [task for task in session.plan.tasks if task.section[-1] == "Security"]
    assert scan_items and all(task.id in session.checked() for task in scan_items)
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        table = pilot.app.query_one(TimelinePane).table
        states = [table.get_cell(key, "state").plain for key in ("security-scan", "deploy-backend", "enable-traffic")]
        assert states == ["done", "in progress", "pending"]
        assert "DEMO" in pilot.app.query_one(LaunchHeader).render().plain
    path = session.path
    session.close()
    resumed = LiveSession.resume(path, actor="bob", clock=lambda: NOW)
    assert resumed.demo  # `launchpad open` on a demo session still says it is one
    resumed.close()


def test_a_plain_session_is_no_demo(session):
    assert not session.demo


async def test_w_says_it_compacted_the_live_file(session):
    async with make_app(session).run_test(size=(120, 36)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        messages = [note.message for note in pilot.app._notifications]
        assert any(m.startswith("Compacted the session file (") for m in messages), messages
        assert not any("copy" in m for m in messages)


async def test_screenshot_goes_beside_the_session_when_there_is_no_downloads_folder(session, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(home / "Downloads"))
    async with make_app(session).run_test(size=(120, 36)) as pilot:
        pilot.app.deliver_screenshot()
        for _ in range(500):  # Textual writes the file on a thread of its own, then posts DeliveryComplete
            await pilot.pause(0.02)
            if any("Saved screenshot" in note.message for note in pilot.app._notifications):
                break
        shot = session.path.parent / "launch-20261122-160048.svg"
        assert shot.is_file() and shot.read_text(encoding="utf-8").startswith("<svg")
        assert any(str(shot) in note.message for note in pilot.app._notifications)
    assert not (home / "Downloads").exists()

"""The once-a-second tick counts the ticked items again only when the ticks changed (tui/app.py `_tallies`):
counting every second cost 26 ms of each tick at 100,000 items. What it shows must still follow every tick at
once, here or from another cockpit."""

from __future__ import annotations

import launchpad.tui.app as app_module
from launchpad.shell.session import LiveSession

from .conftest import make_app


async def test_the_counts_follow_every_tick_and_are_not_recounted_while_nothing_changes(session, monkeypatch):
    counted = []
    real = app_module.overall
    monkeypatch.setattr(app_module, "overall", lambda tasks, checked: counted.append(1) or real(tasks, checked))
    other = LiveSession.resume(session.path, actor="bob")
    try:
        async with make_app(session, poll_interval=0.05).run_test(size=(200, 60)) as pilot:
            app = pilot.app
            await pilot.pause()
            before = app._tallies(session.checked())[0]
            counted.clear()
            for _ in range(5):
                app.tick()
            assert counted == []  # five seconds, nothing ticked: nothing counted again
            session.toggle("deploy-backend")
            app.tick()
            assert app._tallies(session.checked())[0].done == before.done + 1
            assert len(counted) == 1
            other.toggle("deploy-frontend")  # another cockpit's tick reaches this one through the journal
            for _ in range(40):
                await pilot.pause(0.05)
                if app._tallies(session.checked())[0].done == before.done + 2:
                    break
            app.tick()
            assert app._tallies(session.checked())[0].done == before.done + 2
            owners = {row["key"]: row for row in app._owner_rows([], session.checked())}
            owed = sum(row["open"] for row in owners.values())
            session.toggle("deploy-backend")  # unticked again: the owners' open items follow too
            owners_after = {row["key"]: row for row in app._owner_rows([], session.checked())}
            assert sum(row["open"] for row in owners_after.values()) == owed + 1
    finally:
        other.close()

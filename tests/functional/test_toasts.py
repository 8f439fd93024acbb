"""Toasts share the screen with Activity (Textual Pilot): same kind replaces, few at once, routine ones short,
warnings kept whole in Activity, and the rollback toast goes when the rollback ends."""

from __future__ import annotations

from types import SimpleNamespace

from launchpad.tui.app import LaunchpadApp
from launchpad.tui.toasts import ROUTINE_SECONDS
from launchpad.tui.widgets.activity_pane import ActivityPane

from .test_control import Clock, answer, clock, live  # noqa: F401  (fixtures)


def toasts(app) -> list:
    return list(app._notifications)


def activity_text(app) -> str:
    return "\n".join(line.plain for line in app.cockpit.query_one(ActivityPane)._lines)


async def test_three_hold_proposals_make_one_toast_and_three_activity_lines(live, clock):
    app = LaunchpadApp(live, clock=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.clear_notifications()
        for reasons in (("probes up: api-health DOWN",), ("probes up: api-health DOWN", "Backend Deployment: 3/5"),
                        ("probes up: api-health DOWN", "Backend Deployment: 3/5", "no trigger firing: error rate")):
            app.control._propose_hold(SimpleNamespace(hold_reasons=reasons, proposes_hold=True), True)  # as CockpitControl.tick does
            await pilot.pause()
        shown = toasts(app)
        assert [toast.title for toast in shown] == ["Hold proposed"]
        assert shown[0].message.startswith("no trigger firing: error rate")
        logged = activity_text(app)
        for reason in ("api-health DOWN", "Backend Deployment: 3/5", "no trigger firing: error rate"):
            assert "⚠ Hold proposed: " in logged and reason in logged


async def test_few_toasts_at_once_and_routine_ones_are_short(live, clock):
    app = LaunchpadApp(live, clock=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.clear_notifications()
        for number in range(5):
            app.notify(f"warning {number}", title=f"kind {number}", severity="warning", timeout=10)
        await pilot.pause()
        assert [toast.title for toast in toasts(app)] == ["kind 3", "kind 4"]  # 80x24: two, the newest
        await pilot.resize_terminal(120, 36)
        for number in range(5, 9):
            app.notify(f"warning {number}", title=f"kind {number}", severity="warning", timeout=10)
        await pilot.pause()
        assert len(toasts(app)) == 3
        app.clear_notifications()
        app.notify("alice ticked #1 something", timeout=15)
        app.notify("Bad T-0", title="Scrub", severity="error", timeout=15)
        await pilot.pause()
        timeouts = {toast.severity: toast.timeout for toast in toasts(app)}
        assert timeouts == {"information": ROUTINE_SECONDS, "error": 15}


async def test_the_rollback_toast_goes_when_the_rollback_ends(live, clock):
    app = LaunchpadApp(live, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("X")
        await answer(pilot, "error rate up")
        await pilot.pause()
        assert any(toast.title == "ROLLBACK declared" for toast in toasts(app))
        app.control.end_rollback()
        await pilot.pause()
        app.tick()
        await pilot.pause()
        assert not app.screen.has_class("-rollback")
        assert not any(toast.title == "ROLLBACK declared" for toast in toasts(app))


async def test_a_notice_is_kept_in_activity_once(session):
    """A warning toast is kept whole in Activity by the cockpit's notify; the places that also wrote it there
    themselves listed every opening notice (a torn tail set aside, a changed plan) twice."""
    from textual.widgets import RichLog

    from .conftest import make_app

    async with make_app(session, notices=["the plan changed since the last open"]).run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        await pilot.pause()
        lines = [strip.text for strip in pilot.app.query_one(ActivityPane).query_one(RichLog).lines]
        assert sum("the plan changed since the last open" in line for line in lines) == 1, lines

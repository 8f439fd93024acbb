"""Every vector into a running cockpit (Textual Pilot) and a replay of the same journal: a war-room neighbour
writes notes, marks, a hold, a No-Go vote, a recycle and a handoff carrying it, and the plan carries it in an
item, a step title and a probe name. The cockpit must keep running (a `[/]` toast once raised MarkupError in
every cockpit on the session), every toast and pane must show the vector as text (no segment on screen links or
acts, no raw control or bidi character is drawn), and the command palette must list it literally."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from textual.command import CommandPalette
from textual.widgets._toast import Toast

from launchpad.core.plan.plan import load_plan
from launchpad.core.control.poll import poll_spec
from launchpad.shell.session import LiveSession
from launchpad.tui.app import LaunchpadApp
from launchpad.tui.replay import ReplayApp, load_replay
from launchpad.tui.widgets.activity_pane import ActivityPane

from .conftest import FORBIDDEN, IDS, VECTORS, assert_inert, hostile_plan, shown

pytestmark = pytest.mark.hostile

NOW = datetime.now(timezone.utc).replace(microsecond=0)
T0 = NOW + timedelta(hours=2)


def screen_segments(app) -> list:
    return [segment for strip in app.screen._compositor.render_strips() for segment in strip]


def assert_screen_inert(app) -> str:
    """Nothing drawn links or acts where outside text is, no raw control is drawn; returns the screen text."""
    segments = screen_segments(app)
    text = "".join(segment.text for segment in segments)
    assert not {ch for ch in text if ch in FORBIDDEN}
    for segment in segments:
        style = segment.style
        if style is None:
            continue
        assert not style.link, (segment.text, style.link)
        if "CLICKX" in segment.text or "passwd" in segment.text:
            assert not (style.meta or {}).get("@click"), segment
    return text


def assert_toasts_literal(app, vector: str) -> None:
    toasts = list(app.screen.query(Toast))
    assert toasts, "the neighbour's entries raised no toast"
    for toast in toasts:
        content = toast.render()
        for span in getattr(content, "spans", ()):
            assert "@click" not in str(span.style) and "link" not in str(span.style), span
        assert_inert(content.plain)
    assert any(shown(vector, 12) in toast.render().plain for toast in toasts)


async def until(pilot, condition, tries: int = 60) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def search_palette(pilot, query: str) -> str:
    """Open the command palette, search, check what it lists, close it; returns the screen text."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    await pilot.pause(0.3)
    text = assert_screen_inert(app)
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
    return text


@pytest.mark.parametrize("name", IDS)
async def test_cockpit_and_replay_show_every_vector_literally(name, plan_dir):
    vector = VECTORS[name]
    plan, problems = load_plan(hostile_plan(plan_dir, vector), env={})
    assert plan is not None and not problems, problems
    path = plan_dir / "launch.session.toml"
    live = LiveSession.start(plan, path, t0=T0, actor="alice", clock=lambda: NOW)
    role = poll_spec(plan).roles[0].id
    try:
        app = LaunchpadApp(live, clock=lambda: NOW, poll_interval=0.05)
        async with app.run_test(size=(200, 60), notifications=True) as pilot:
            neighbour = LiveSession.resume(path, actor=vector)
            try:
                neighbour.add_note("", vector)
                neighbour.add_note("deploy-backend", vector)
                neighbour.append("check", "deploy-backend", {"note": vector})
                neighbour.control.hold(vector)
                neighbour.control.vote(role, "no-go", vector)
                neighbour.control.recycle(-3 * 3600, vector)
                neighbour.handoff(vector)
                probe = plan.probes[0].name  # the vector itself unless it holds controls (a plan problem then)
                neighbour.append("probe", probe, {"state": "DOWN", "error": vector, "status": 500})
                neighbour.append("trigger", "Health check failures > 3 consecutive",
                                 {"state": "firing", "probe": probe, "message": vector, "value": 4})
            finally:
                neighbour.close()
            log = app.cockpit.query_one(ActivityPane)
            await until(pilot, lambda: len(live.state.last_entries) >= 9)
            await pilot.pause(0.1)
            assert app.is_running and app.return_code is None
            assert_toasts_literal(app, vector)
            for pane in ("1", "2", "3", "5", "6"):
                await pilot.press(pane)
                await pilot.pause()
                assert_screen_inert(app)
            await pilot.press("2")
            for _ in range(3):  # the owner filter names a role in the pane's border and a toast
                await pilot.press("o")
                await pilot.pause()
                assert_screen_inert(app)
            lines = "\n".join(line.text for line in log.query_one("#activity-log").lines)
            assert_inert(lines, vector, 12)
            def visible_toasts() -> list:
                return [toast for toast in app.screen.query(Toast)
                        if toast.region.height and app.screen.region.contains_region(toast.region)]

            for _ in range(len(visible_toasts())):  # a click on a toast dismisses it and does nothing else
                on_screen = visible_toasts()  # asked again each time: a toast may have timed out since the last click
                if not on_screen:
                    break
                await pilot.click(on_screen[0], offset=(1, 1))
                await pilot.pause()
            assert app.is_running and app.return_code is None
            palette = await search_palette(pilot, "vote")
            if name != "long":
                assert shown(vector, 12) in palette or "Vote Go" in palette
            assert app.is_running and app.return_code is None
    finally:
        live.close()

    replay = ReplayApp(load_replay(path))
    async with replay.run_test(size=(200, 60), notifications=True) as pilot:
        for _ in range(12):
            await pilot.press("right_square_bracket")
        await pilot.pause(0.1)
        await pilot.press("right_curly_bracket")  # a marker: its label is a toast
        await pilot.pause(0.1)
        assert replay.is_running and replay.return_code is None
        for pane in ("1", "2", "3", "4", "5"):
            await pilot.press(pane)
            await pilot.pause()
            assert_screen_inert(replay)
        await search_palette(pilot, "go to")
        assert replay.is_running and replay.return_code is None

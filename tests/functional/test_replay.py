"""`launchpad replay`: the cockpit read-only at a playhead (Textual Pilot), on a simulated launch."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest

from launchpad.core.journal.journal import fold
from launchpad.core.plan.plan import load_plan
from launchpad.core.journal.simulate import session_text, simulate
from launchpad.tui.replay import PlayheadBar, ReplayApp, load_replay
from launchpad.tui.widgets.checklist_pane import ChecklistPane
from launchpad.tui.widgets.probes_pane import ProbesPane

from .conftest import clocks_shown

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    plan, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems
    simulation = simulate(plan, seed=3)
    path = tmp_path_factory.mktemp("replay") / "launch.session.toml"
    path.write_text(session_text(simulation), encoding="utf-8")
    return path, plan, simulation


def digest(path: Path) -> tuple[str, int]:
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), path.stat().st_mtime_ns


def header_text(app) -> str:
    return clocks_shown(app)


async def test_replay_seeks_both_ways_and_never_writes(simulated):
    path, plan, simulation = simulated
    before = digest(path)
    session = load_replay(path, plan=plan)
    app = ReplayApp(session, speed=60)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert session.moment == session.index.start
        assert session.state == fold(simulation.header, simulation.entries, upto=session.moment)
        facts = simulation.facts
        # Jump to the trigger firing marker: the state is the fold up to it, the header shows its T-clock.
        app.jump_to(facts["fire_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        await pilot.pause()
        assert session.moment == facts["fire_at"]
        assert session.state == fold(simulation.header, simulation.entries, upto=facts["fire_at"])
        assert session.state.trigger_states[facts["trigger_target"]]["state"] == "firing"
        # Keys: +10 min, -10 min, +1 min, -1 min come back to the same state.
        forward = session.state
        for key in (">", ".", ",", "<"):
            await pilot.press(key)
        assert session.moment == facts["fire_at"] and session.state == forward
        # Back before the degradation: the trigger is not firing there.
        await pilot.press("<", "<")
        assert facts["trigger_target"] not in session.state.trigger_states or \
            session.state.trigger_states[facts["trigger_target"]]["state"] != "firing"
        # Writes are refused politely: tick, note, handoff, save.
        await pilot.press("2")
        await pilot.press("space")  # play/pause, not a tick, in a replay
        assert app.playing
        await pilot.press("p")
        assert not app.playing
        await pilot.press("n", "h", "w", "a")
        app._write(session.toggle, plan.tasks[0].id)
    assert digest(path) == before


async def test_markers_entries_and_jump_prompt(simulated):
    path, plan, simulation = simulated
    session = load_replay(path, plan=plan)
    app = ReplayApp(session, speed=3600)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        kinds = []
        for _ in range(len(session.index.markers)):
            await pilot.press("}")
            marker = next(m for m in session.index.markers if m.at == session.moment)
            kinds.append(marker.kind)
        assert {"t0", "hold", "resume", "trigger", "rollback", "handoff"} <= set(kinds)
        last = session.moment
        await pilot.press("{")
        assert session.moment < last
        # Next / previous entry step exactly one entry at a time (or one instant holding several).
        at = session.moment
        await pilot.press("]")
        assert session.moment == session.index.next_entry(at)
        await pilot.press("[")
        assert session.moment < session.index.next_entry(at)
        # The jump prompt: T-offsets are from the session's T-0.
        await pilot.press("g")
        await pilot.press(*"T-2h", "enter")
        await pilot.pause()
        assert session.moment == simulation.header.t0 - timedelta(hours=2)
        bar = app.query_one(PlayheadBar).render().plain
        assert "T-02:00:00" in bar and "16:00:00 UTC" in bar and "3600x" in bar
        assert "T-02:00:00" in header_text(app)


async def test_playing_at_3600x_reaches_the_end_and_redraws_probes(simulated):
    path, plan, simulation = simulated
    session = load_replay(path, plan=plan, start=simulation.facts["end"] - timedelta(hours=1))
    app = ReplayApp(session, speed=3600, playing=True, frame_seconds=0.05)  # 3 minutes of journal a frame
    async with app.run_test(size=(200, 60)) as pilot:
        deadline = 400
        while app.playing and deadline:
            await pilot.pause(0.02)
            deadline -= 1
        assert not app.playing and session.moment == session.index.end
        assert session.state == fold(simulation.header, simulation.entries)
        panel = app.cockpit.query_one(ProbesPane)._panels[simulation.facts["degraded_probe"]]
        assert panel.status.state == "UP" and len(panel.status.latencies) > 10  # sparkline from the minutes
        tasks = app.cockpit.query_one(ChecklistPane)
        assert len(tasks._task_nodes) == len(plan.tasks)


async def test_idle_skip_jumps_to_the_next_activity(simulated):
    path, plan, simulation = simulated
    session = load_replay(path, plan=plan)
    app = ReplayApp(session, speed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        from launchpad.core.journal.replay import moment_of

        activity = session.index.activity_times
        await pilot.press("i")  # the session opened a few seconds before its first entry
        assert session.moment == moment_of(activity[0])
        await pilot.press("i")  # then a quarter of an hour went by before the first step began
        assert session.moment == moment_of(activity[1])
        assert session.state == fold(simulation.header, simulation.entries, upto=session.moment)


async def test_t_offsets_mean_plan_time_in_g_and_status_at(simulated, capsys):
    """After the simulated hold, `g T+0:30` and `status --at T+0:30` both land where the T-clock read T+00:30:00."""
    from launchpad.cli.main import main

    path, plan, simulation = simulated
    session = load_replay(path, plan=plan)
    app = ReplayApp(session, speed=60)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert app.jump_to("T+0:30")  # what `g` does with the prompt's text
        await pilot.pause()
        assert "T+00:30:00" in header_text(app)
        assert session.moment > simulation.header.t0 + timedelta(minutes=30)  # the holds pushed it later
        landed = session.moment
    assert main(["status", str(path), "--at", "T+0:30", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["count"]["t_clock_text"] == "T+00:30:00"
    assert report["at"] == landed.strftime("%Y-%m-%dT%H:%M:%S.") + f"{landed.microsecond // 1000:03d}Z"


from launchpad.tui.read_only import WRITE_KEYS  # noqa: E402


async def test_replay_offers_no_write_key_and_refuses_each_at_once(simulated):
    """The Footer of a replay offers no write (s/d/x/H ...); each key says "read-only replay" at once, never a
    prompt for a reason first; and no toast names a cockpit key (p is play/pause here, not poll)."""
    path, plan, simulation = simulated
    before = digest(path)
    session = load_replay(path, plan=plan)
    app = ReplayApp(session, speed=60)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        app.go(session.index.end, force=True)  # through the poll point and the hold proposals
        await pilot.pause()
        for pane in ("1", "2", "5"):
            await pilot.press(pane)
            shown = {key: active.binding for key, active in app.screen.active_bindings.items()
                     if active.binding.show}
            assert not set(shown) & set(WRITE_KEYS), shown
            assert not any(b.action in app.WRITE_ACTIONS or b.action.startswith("set_state") for b in shown.values())
        for key in WRITE_KEYS:
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == 1, key  # no reason asked first
            assert [n.message for n in app._notifications] == ["Read-only replay: nothing is written."], key
        assert not any("press p" in n.message or "press H" in n.message for n in app._notifications)
        # Letters still type where a prompt is open: the jump prompt takes "S" and "d" as text.
        await pilot.press("g")
        await pilot.press(*"T-2h", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("s", "d")
        assert app.screen.query_one("Input").value.endswith("sd")
        await pilot.press("escape")
    assert digest(path) == before


async def test_replay_activity_says_where_the_count_resumed(simulated):
    """Resume and hold entries read "resumed the count at T-…", never "at ?"."""
    path, plan, simulation = simulated
    session = load_replay(path, plan=plan)
    app = ReplayApp(session, speed=60)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        app.go(session.index.end, force=True)
        await pilot.pause()
        counted = [entry for entry in session.index.entries if entry.kind in ("hold", "resume")]
        assert counted
        lines = [app._activity_line(entry).plain for entry in counted]
        assert all(" at T" in line and "at ?" not in line for line in lines), lines
        shown = "".join(strip.text for strip in app.cockpit.query_one("ActivityPane").query_one("RichLog").lines)
        assert "at ?" not in shown and "resumed the count at" in shown

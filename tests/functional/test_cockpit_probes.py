"""The cockpit with live probes against the real demo service on 127.0.0.1: panels come alive, a degraded
service fires a rollback trigger (banner, rollback steps forward, journal), a person acknowledges it."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

from launchpad.shell.probes import ProbeRuntime
from launchpad.tui.widgets.checklist_pane import ChecklistPane
from launchpad.tui.widgets.probe_panel import ProbePanel
from launchpad.tui.widgets.probes_pane import ProbesPane
from launchpad.tui.widgets.trigger_banner import TriggerBanner

from launchpad.tui.app import LaunchpadApp

from .conftest import NOW, make_app, start_session, wait_until


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fast_plan(tmp_path: Path, port: int) -> Path:
    (tmp_path / "rollback.md").write_text(
        "# Rollback\n\n## Rollback Steps\n1. [ ] Revert the container\n2. [ ] Notify the team\n", encoding="utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(f"""
[launch]
name = "Probe test"
checklists = ["rollback.md"]
rollback_section = "Rollback Steps"

[demo]
port = {port}

[[probe]]
name = "health"
url = "http://127.0.0.1:{port}/health"
interval = "200ms"
timeout = "150ms"

[[trigger]]
name = "Health check failures > 3 consecutive"
kind = "consecutive_failures"
above = 3
""", encoding="utf-8")
    return plan


async def test_trigger_fires_and_is_acknowledged(tmp_path):
    port = free_port()
    session = start_session(fast_plan(tmp_path, port), tmp_path / "s.toml")
    runtime = ProbeRuntime(session, start_demo=True, env={})
    app = make_app(session, probes=runtime)
    try:
        async with app.run_test(size=(200, 50), notifications=True) as pilot:
            panel = app.query_one(ProbePanel)
            await wait_until(pilot, lambda: "UP" in panel.header_text().plain)
            assert runtime.leader
            app.action_demo_mode("down")
            banner = app.query_one(TriggerBanner)
            await wait_until(pilot, lambda: banner.display)
            assert "Health check failures > 3 consecutive" in banner.banner_text().plain
            assert "health" in banner.banner_text().plain
            checklist = app.query_one(ChecklistPane)

            def on_rollback_steps() -> bool:
                node = checklist.tree.cursor_node
                return node is not None and node.data[1][1][-1] == "Rollback Steps"

            await wait_until(pilot, on_rollback_steps)
            await pilot.press("a")
            await wait_until(pilot, lambda: not banner.display)
            app.action_demo_mode("healthy")
            await wait_until(pilot, lambda: "UP" in panel.header_text().plain)
    finally:
        session.close()
    entries = tomllib.loads((tmp_path / "s.toml").read_text(encoding="utf-8"))["entry"]
    kinds = [(e["kind"], e["payload"].get("state")) for e in entries]
    assert ("probe", "UP") in kinds and ("probe", "DOWN") in kinds
    assert ("trigger", "firing") in kinds
    assert any(e["kind"] == "ack" for e in entries)


async def test_second_cockpit_follows_the_leader(tmp_path):
    port = free_port()
    plan = fast_plan(tmp_path, port)
    first = start_session(plan, tmp_path / "s.toml")
    from launchpad.shell.session import LiveSession

    second = LiveSession.resume(tmp_path / "s.toml", actor="bob")
    leader = ProbeRuntime(first, start_demo=True, env={})
    follower = ProbeRuntime(second, start_demo=False, env={}, clock=lambda: NOW)  # the prober's clock, too
    try:
        async with make_app(first, probes=leader).run_test(size=(200, 50)) as lead_pilot:
            app = make_app(second, probes=follower, poll_interval=0.05)
            async with app.run_test(size=(200, 50)) as pilot:
                await wait_until(lead_pilot, lambda: leader.leader)
                assert not follower.leader
                panel = app.query_one(ProbePanel)
                for _ in range(200):
                    await lead_pilot.pause(0.02)
                    await pilot.pause(0.02)
                    follower.tick()
                    if "UP" in panel.header_text().plain:
                        break
                assert "UP" in panel.header_text().plain  # read from the prober's live figures
                assert app.query_one(ProbesPane).border_subtitle.startswith("from alice (pid ")
    finally:
        first.close()
        second.close()


class Sink:
    """What a cockpit screen receives from the probe runtime, recorded."""

    def __init__(self):
        self.probes, self.triggers, self.notices, self.sources = {}, [], [], []

    def show_source(self, text):
        self.sources.append(text)

    def show_probe(self, name, status):
        self.probes[name] = status

    def show_trigger(self, state):
        self.triggers.append(state)

    def notice(self, text, severity="information"):
        self.notices.append((severity, text))


async def test_another_cockpit_takes_over_probing_when_the_leader_exits(tmp_path):
    """The new prober starts the demo service before it probes: the hand-over fires no trigger."""
    import asyncio

    from launchpad.shell.session import LiveSession

    plan = fast_plan(tmp_path, free_port())
    first = start_session(plan, tmp_path / "s.toml")
    second = LiveSession.resume(tmp_path / "s.toml", actor="bob")
    leader, follower = ProbeRuntime(first, start_demo=True, env={}), ProbeRuntime(second, start_demo=True, env={})
    lead_sink, follow_sink = Sink(), Sink()
    try:
        leader.start(lead_sink)
        follower.start(follow_sink)
        assert leader.leader and not follower.leader
        await leader.stop()  # the leading cockpit quits, and its demo service with it
        follower.tick()
        assert follower.leader
        for _ in range(200):
            await asyncio.sleep(0.05)
            if "health" in follow_sink.probes and follow_sink.probes["health"].attempts >= 5:
                break
        assert follow_sink.probes["health"].attempts >= 5  # the new leader probes by itself
        assert follow_sink.probes["health"].failures == 0  # ... its own demo service, started first
        assert not [state for state in follow_sink.triggers if state.state in ("pending", "firing")]
    finally:
        await follower.stop()
        first.close()
        second.close()
    journal = tomllib.loads((tmp_path / "s.toml").read_text(encoding="utf-8"))["entry"]
    assert not [e for e in journal if e["kind"] == "trigger" and e["payload"]["state"] in ("pending", "firing")]
    assert not [e for e in journal if e["kind"] == "probe" and e["payload"]["state"] == "DOWN"]


async def test_many_probes_show_as_one_table_line_each():
    from datetime import datetime, timezone

    from textual.app import App

    from launchpad.core.probes.probe_config import ProbeSpec
    from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
    from launchpad.tui.widgets.probe_table import ProbeTable
    from launchpad.tui.widgets.probes_pane import PANEL_LIMIT, ProbesPane

    specs = [ProbeSpec(f"svc-{index:02d}", "http://127.0.0.1/") for index in range(PANEL_LIMIT + 4)]

    class Host(App):
        def compose(self):
            yield ProbesPane(specs)

    app = Host()
    async with app.run_test(size=(120, 30)) as pilot:
        assert not app.query(ProbePanel)  # no six-line panel per probe
        table = app.query_one(ProbeTable)
        status = ProbeStatus("svc-01")
        for index, ok in enumerate((True, True, False)):
            status = apply_attempt(status, Attempt("svc-01", datetime.now(timezone.utc), ok, 200 if ok else 500,
                                                   5.0, 20.0 + index, None if ok else "status",
                                                   None if ok else "[bold red]boom[/] \x1b[31m"))
        app.query_one(ProbesPane).show("svc-01", status)
        await pilot.pause()
        from launchpad.core.probes.triggers import TriggerState

        app.query_one(ProbesPane).show_trigger(TriggerState("Error rate > 5%", "svc-01", "firing", 0.33, None, "33%"))
        await pilot.pause()
        line = table.render_line(2).text  # header, svc-00, svc-01
        assert "DOWN" in line and "svc-01" in line and "33.3%" in line and "FIRING" in line
        assert "[bold red]boom[/]" in line and "\x1b" not in line


async def test_a_probe_table_row_out_of_view_is_drawn_with_its_latest_figures_when_scrolled_in():
    """A row out of view is not built after every attempt (200 lines a second at 200 probes), only marked; it
    must still show its latest status, not the one it had when it left the screen."""
    from launchpad.core.probes.probe_config import ProbeSpec
    from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
    from launchpad.tui.widgets.probe_table import ProbeTable

    from textual.app import App

    specs = [ProbeSpec(f"svc-{index:02d}", "http://127.0.0.1/") for index in range(80)]

    class Host(App):
        def compose(self):
            yield ProbesPane(specs)

    app = Host()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(ProbeTable)
        pane = app.query_one(ProbesPane)
        down = ProbeStatus("svc-79")
        for _ in range(3):
            down = apply_attempt(down, Attempt("svc-79", NOW, False, 500, 5.0, 20.0, "status", "boom at the end"))
        pane.show("svc-79", down)
        await pilot.pause()
        assert "svc-79" not in table._shown  # out of view: marked, not built
        table.scroll_end(animate=False)
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(table.size.height)]
        shown = [line for line in lines if "svc-79" in line]
        assert shown and "DOWN" in shown[0] and "boom at the end" in shown[0]


async def test_an_unopenable_probes_lock_leaves_the_cockpit_watching_and_says_why(tmp_path):
    """Issue 10: an unwritable S.probes.lock raised PermissionError out of the cockpit (exit 0)."""
    port = free_port()
    session = start_session(fast_plan(tmp_path, port), tmp_path / "s.toml")
    Path(f"{session.path}.probes.lock").mkdir()  # cannot be opened for writing, even by root
    runtime = ProbeRuntime(session, start_demo=False, env={})
    app = make_app(session, probes=runtime)
    try:
        async with app.run_test(size=(200, 50), notifications=True) as pilot:
            await wait_until(pilot, lambda: any("only watches the probes" in str(note.message)
                                                for note in app._notifications))
            assert not runtime.leader and runtime.engine is None
            notes = [note for note in app._notifications if "probes.lock" in str(note.message)]
            assert len(notes) == 1 and notes[0].severity == "warning"
            await pilot.press("question_mark")  # the cockpit still answers keys
            assert app.is_running
    finally:
        runtime.close()
        session.close()
def test_acknowledging_a_firing_twice_anywhere_journals_one_ack(tmp_path):
    from datetime import datetime, timezone

    from launchpad.core.probes.triggers import TriggerState
    from launchpad.shell.probes import acknowledged
    from launchpad.shell.session import LiveSession

    plan = fast_plan(tmp_path, free_port())
    first = start_session(plan, tmp_path / "s.toml")
    second = LiveSession.resume(tmp_path / "s.toml", actor="bob")
    firing = TriggerState("Health check failures > 3 consecutive", "health", "firing", 4.0,
                          datetime(2026, 11, 22, 17, 1, 2, 345678, tzinfo=timezone.utc), "health: 4 consecutive failures")
    try:
        here, there = ProbeRuntime(first, start_demo=False, env={}), ProbeRuntime(second, start_demo=False, env={})
        assert here.acknowledge([firing]) == [firing]
        assert there.acknowledge([firing]) == []  # already acknowledged in the other cockpit
        assert here.acknowledge([firing]) == []
        assert acknowledged(second.state.acks, firing)
        again = TriggerState(firing.trigger, firing.probe, "firing", 5.0,
                             datetime(2026, 11, 22, 17, 9, tzinfo=timezone.utc), "fired anew")
        assert not acknowledged(second.state.acks, again)  # a new firing rings again
    finally:
        first.close()
        second.close()
    acks = [e for e in tomllib.loads((tmp_path / "s.toml").read_text(encoding="utf-8"))["entry"] if e["kind"] == "ack"]
    assert len(acks) == 1 and acks[0]["payload"]["since"] == "2026-11-22T17:01:02.345678+00:00"


async def test_a_watching_cockpit_never_takes_the_probes_and_shows_stale_not_down(tmp_path):
    import asyncio
    from datetime import timedelta

    from launchpad.core.journal.live_state import STALE_SECONDS
    from launchpad.shell.session import LiveSession

    plan = fast_plan(tmp_path, free_port())
    first = start_session(plan, tmp_path / "s.toml")
    watcher_session = LiveSession.resume(tmp_path / "s.toml", actor="viewer", watch=True)
    now = [NOW]
    prober = ProbeRuntime(first, start_demo=True, env={}, clock=lambda: now[0])
    watcher = ProbeRuntime(watcher_session, start_demo=False, env={}, watch_only=True, clock=lambda: now[0])
    probe_sink, watch_sink = Sink(), Sink()
    try:
        watcher.start(watch_sink)  # first on the file, yet it does not lead
        assert not watcher.leader
        prober.start(probe_sink)
        assert prober.leader
        prober.demo.set_mode("down")
        for _ in range(200):
            await asyncio.sleep(0.05)
            shown = watch_sink.probes.get("health")
            if shown is not None and shown.state == "DOWN" and shown.consecutive_failures >= 4:
                break
        assert watch_sink.probes["health"].state == "DOWN"  # what the prober sees now
        assert any(state.firing for state in watch_sink.triggers)
        await prober.stop()  # the prober goes; nobody probes (the watcher may not)
        now[0] = NOW + timedelta(seconds=STALE_SECONDS + 1)
        for _ in range(100):
            await asyncio.sleep(0.05)
            if watch_sink.probes["health"].state == "STALE":
                break
        assert watch_sink.probes["health"].state == "STALE"  # not DOWN: nobody measures any more
        assert watch_sink.triggers[-1].state == "insufficient_data"  # could not measure, no longer firing
        assert watch_sink.sources[-1].startswith("STALE: alice (pid ")
        watcher.tick()
        assert not watcher.leader
    finally:
        await watcher.stop()
        first.close()
        watcher_session.close()


async def test_the_prober_packs_old_probe_minutes_each_hour_and_a_follower_does_not(tmp_path):
    """A 28-hour launch with 200 probes wrote 338,000 entries (73 MB, 23 s to open): the probing cockpit
    compacts once an hour and the minutes older than the newest hour go into packed entries; a cockpit that
    does not probe leaves the file alone."""
    from datetime import timedelta

    from launchpad.core.plan.plan import load_plan
    from launchpad.core.probes.probe_history import minute_label
    from launchpad.shell.session import LiveSession

    port = free_port()
    plan, problems = load_plan(fast_plan(tmp_path, port), env={})
    assert plan is not None and not problems
    now = [NOW - timedelta(hours=14)]
    session = LiveSession.start(plan, tmp_path / "s.toml", t0=NOW, actor="alice", clock=lambda: now[0])
    for minute in range(700):
        now[0] = NOW - timedelta(hours=14) + timedelta(minutes=minute)
        session.append("probe_minute", "health", {"minute": minute_label(now[0]), "count": 12,
                                                   "errors": 0, "p50": 3.0, "p95": 6.0})
    now[0] = NOW
    follower_session = LiveSession.resume(tmp_path / "s.toml", actor="bob")
    follower = make_app(follower_session, probes=ProbeRuntime(follower_session, start_demo=False, env={}))
    leader = ProbeRuntime(session, start_demo=True, env={})
    app = LaunchpadApp(session, clock=lambda: now[0], probes=leader)

    def kinds() -> list[str]:
        return [e["kind"] for e in tomllib.loads((tmp_path / "s.toml").read_text(encoding="utf-8"))["entry"]]

    try:
        async with app.run_test(size=(200, 50)) as pilot:
            await wait_until(pilot, lambda: leader.leader)
            async with follower.run_test(size=(200, 50)) as follower_pilot:
                follower.compact_history()
                await follower_pilot.pause()
                assert kinds().count("probe_minute") >= 700  # the follower packed nothing
            app.compact_history()
            await pilot.pause()
            await wait_until(pilot, lambda: "probe_minutes" in kinds())
            assert kinds().count("probe_minute") < 100
    finally:
        session.close()
        follower_session.close()

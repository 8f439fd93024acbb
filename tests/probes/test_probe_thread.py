"""The prober's engines on their own thread: results reach the UI loop coalesced, the live document is kept
encoded incrementally, and every probe's per-minute fold reaches the journal in one batch."""

from __future__ import annotations

import asyncio
import json
import threading
import tomllib
from datetime import datetime, timedelta, timezone

import pytest

from launchpad.core.journal import live_state
from launchpad.core.plan.plan import load_plan
from launchpad.core.probes.metric_status import MetricStatus
from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
from launchpad.core.probes.triggers import TriggerState
from launchpad.shell.live_snapshot import LiveSnapshot
from launchpad.shell.probes import ProbeRuntime
from launchpad.shell.session import LiveSession
from launchpad.shell.ui_hop import UiHop

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
START = datetime(2026, 11, 22, 17, 0, 30, tzinfo=timezone.utc)


class Sink:
    def __init__(self):
        self.probes, self.triggers, self.notices, self.threads = {}, [], [], set()

    def show_probe(self, name, status):
        self.threads.add(threading.get_ident())
        self.probes[name] = status

    def show_trigger(self, state):
        self.threads.add(threading.get_ident())
        self.triggers.append(state)

    def notice(self, text, severity="information"):
        self.notices.append((severity, text))


async def test_a_thousand_posts_from_another_thread_wake_the_ui_loop_once_with_the_latest_of_each():
    hop = UiHop(asyncio.get_running_loop())
    drawn, said = {}, []

    def post_many():
        for index in range(1000):
            hop.post(("probe", index % 10), drawn.__setitem__, index % 10, index)
        hop.post_once(said.append, "first notice")
        hop.post_once(said.append, "second notice")

    poster = threading.Thread(target=post_many)
    poster.start()
    poster.join()  # the UI loop is stalled (here: blocked in join) while the results pile up
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert hop.posted == 1002 and hop.hops == 1
    assert drawn == {key: 990 + key for key in range(10)}  # the latest status of each probe, nothing older
    assert said == ["first notice", "second notice"]  # notices are never merged away


async def test_a_publish_posted_together_is_one_hop_in_order_with_the_latest_of_each_key():
    """A publish's results go in one post_many: the UI loop, free to run meanwhile, is woken once for all."""
    hop = UiHop(asyncio.get_running_loop())
    drawn = []
    posts = [(("probe", index % 5), drawn.append, (index,)) for index in range(20)]
    await asyncio.to_thread(hop.post_many, posts)  # from another thread, the UI loop not blocked
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert hop.posted == 20 and hop.hops == 1
    assert drawn == [15, 16, 17, 18, 19]  # the latest of each key, in the order they were last posted
    await asyncio.to_thread(hop.post_many, [])
    await asyncio.sleep(0)
    assert hop.hops == 1  # nothing posted, nothing woken


def _status(name: str, count: int, ok: bool = True) -> ProbeStatus:
    status = ProbeStatus(name)
    for index in range(count):
        status = apply_attempt(status, Attempt(name, START, ok, 200 if ok else 500, 2.0, 3.0 + index,
                                               None if ok else "status", None if ok else "status 500 \"quoted\""))
    return status


def test_the_incremental_document_is_the_full_document_and_reencodes_only_what_changed():
    statuses = {f"svc-{index}": _status(f"svc-{index}", index + 1, ok=index != 2) for index in range(5)}
    triggers = [TriggerState("Any failure", "svc-2", "firing", 1.0, START, "svc-2: 1 consecutive failure")]
    metrics = {"ratio": MetricStatus("ratio", state="MEASURED", values=(0.1, 0.2), last_raw="{}", queries=2)}
    notes = {"ratio": "3 series, 1 watched"}
    snapshot = LiveSnapshot()
    assert snapshot.update(statuses, triggers, metrics, notes) == list(statuses)
    full = live_state.encode("alice", 42, START, live_state.figures(statuses, triggers, metrics, notes))
    assert json.loads(snapshot.text("alice", 42, START)) == json.loads(json.dumps(full))
    decoded = live_state.decode(json.loads(snapshot.text("alice", 42, START)))
    assert decoded.probes == live_state.decode(json.loads(json.dumps(full))).probes

    statuses = {**statuses, "svc-3": _status("svc-3", 9)}
    assert snapshot.update(statuses, triggers, metrics, notes) == ["svc-3"] and not snapshot.changed_rest
    later = START + timedelta(seconds=1)
    full = live_state.encode("alice", 42, later, live_state.figures(statuses, triggers, metrics, notes))
    assert json.loads(snapshot.text("alice", 42, later)) == json.loads(json.dumps(full))
    resolved = [TriggerState("Any failure", "svc-2", "resolved", 0.0, later, "svc-2: 0 consecutive failures")]
    assert snapshot.update(statuses, resolved, metrics, notes) == [] and snapshot.changed_rest
    assert json.loads(snapshot.text("alice", 42, later))["triggers"][0]["state"] == "resolved"
    # several triggers, one moves: the document still equals the whole encoding (kept pieces, one re-encoded)
    many = [TriggerState("Any failure", f"svc-{i}", "ok", 0.0, later, f"svc-{i}: ok") for i in range(4)]
    assert snapshot.update(statuses, many, metrics, notes) == [] and snapshot.changed_rest
    moved = [*many[:2], TriggerState("Any failure", "svc-2", "firing", 3.0, later, "svc-2: 3 failures"), many[3]]
    assert snapshot.update(statuses, list(moved), metrics, notes) == [] and snapshot.changed_rest
    assert snapshot.update(statuses, list(moved), metrics, notes) == [] and not snapshot.changed_rest
    for shown in (moved, moved[:1]):
        snapshot.update(statuses, shown, metrics, notes)
        full = live_state.encode("alice", 42, later, live_state.figures(statuses, shown, metrics, notes))
        assert json.loads(snapshot.text("alice", 42, later)) == json.loads(json.dumps(full))


def _plan(tmp_path, url: str, probes: int):
    blocks = "".join(f'\n[[probe]]\nname = "svc-{index}"\nurl = "{url}/ok"\ninterval = "100ms"\ntimeout = "100ms"\n'
                     for index in range(probes))
    path = tmp_path / "plan.toml"
    path.write_text(f'[launch]\nname = "Minutes"\n{blocks}', encoding="utf-8")
    plan, problems = load_plan(path, env={})
    assert plan is not None and not problems, problems
    return plan


async def test_every_probes_minute_goes_to_the_journal_in_one_batch_off_the_ui_thread(tmp_path, server):
    now = [START]
    session = LiveSession.start(_plan(tmp_path, server.url, 5), tmp_path / "s.toml", t0=T0, actor="alice",
                                clock=lambda: now[0])
    single, batches = [], []
    append, append_many = session.append, session.append_many
    session.append = lambda kind, *rest: (single.append(kind), append(kind, *rest))[1]
    session.append_many = lambda items: (batches.append([item[0] for item in items]), append_many(items))[1]
    runtime = ProbeRuntime(session, start_demo=False, env={})
    sink = Sink()
    try:
        runtime.start(sink)
        assert runtime.leader
        for _ in range(200):
            await asyncio.sleep(0.05)
            if len(sink.probes) == 5 and all(status.attempts for status in sink.probes.values()):
                break
        assert len(sink.probes) == 5 and sink.threads == {threading.get_ident()}  # drawn on this (the UI) loop
        now[0] = START + timedelta(minutes=1)  # the next minute: each probe closes its last one at its next attempt
        for _ in range(200):
            await asyncio.sleep(0.05)
            if batches:
                break
    finally:
        await runtime.stop()
        session.close()
    assert batches[0] == ["probe_minute"] * 5  # the five folds of the minute that ended, together
    assert "probe_minute" not in single  # never one append per probe
    assert set(single) == {"probe"}  # state flips (each came UP) are journaled at once, one entry each
    minutes = [entry for entry in tomllib.loads((tmp_path / "s.toml").read_text(encoding="utf-8"))["entry"]
               if entry["kind"] == "probe_minute"]
    assert {entry["payload"]["minute"] for entry in minutes[:5]} == {"2026-11-22T17:00:00.000Z"}
    assert all(entry["payload"]["count"] >= 1 for entry in minutes)


def test_a_running_probe_thread_makes_full_collections_rarer_and_gives_the_settings_back():
    import gc
    import sys

    from launchpad.engine.loop_thread import GEN2_THRESHOLD, SWITCH_INTERVAL, LoopThread

    before, interval = gc.get_threshold(), sys.getswitchinterval()
    thread = LoopThread("test-probes")
    thread.start()
    try:
        assert thread.submit(asyncio.sleep(0, "ran")).result(5) == "ran"
        assert gc.get_threshold() == (before[0], before[1], max(GEN2_THRESHOLD, before[2]))
        assert sys.getswitchinterval() == min(SWITCH_INTERVAL, interval)
    finally:
        thread.stop()
    assert gc.get_threshold() == before and sys.getswitchinterval() == interval


async def test_a_change_of_state_wakes_the_publish_loop_and_figures_wait_for_the_beat(tmp_path, server):
    """Real attempts on a real server through the engine's own path and the prober's callbacks (no thread, no
    timing: the cadence is read, not waited for). A probe's first result and a trigger changing state bring the
    next publish forward; a new latency or a failure streak counting on waits for the once-a-second beat."""
    from launchpad.core.journal.live_cadence import FIGURES, URGENT
    from launchpad.engine.probe_engine import ProbeEngine
    from launchpad.shell.probes import LIVE_INTERVAL

    path = tmp_path / "plan.toml"
    path.write_text(f'[launch]\nname = "Cadence"\n'
                    f'[[probe]]\nname = "ok"\nurl = "{server.url}/ok"\n'
                    f'[[probe]]\nname = "broken"\nurl = "{server.url}/status/500"\n'
                    '[[trigger]]\nname = "More than 2 failures"\nkind = "consecutive_failures"\nabove = 2\n',
                    encoding="utf-8")
    plan, problems = load_plan(path, env={})
    assert plan is not None and not problems, problems
    session = LiveSession.start(plan, tmp_path / "s.toml", t0=T0, actor="alice", clock=lambda: START)
    runtime = ProbeRuntime(session, start_demo=False, env={})
    runtime._sink, runtime._hop = Sink(), UiHop(asyncio.get_running_loop())
    runtime.engine = engine = ProbeEngine(plan.probes, plan.triggers, env={}, t0=T0, clock=session.clock,
                                          on_attempt=runtime._on_attempt, on_trigger=runtime._on_trigger)
    runtime._start_publishing()
    cadence, wake = runtime._cadence, runtime._wake
    ok, broken = plan.probes

    async def attempt(spec) -> None:
        await engine._one(spec, None)

    def publish(at: float) -> None:  # what the publish loop does when the cadence says so
        cadence.published(at)
        runtime._publish()
        wake.clear()

    try:
        publish(0.0)  # the first document: every probe PENDING
        await attempt(ok)  # PENDING -> UP
        assert wake.is_set() and cadence.pending == URGENT and cadence.wait(0.02) == pytest.approx(LIVE_INTERVAL - 0.02)
        publish(0.1)
        await attempt(ok)  # UP again, another latency: a figure
        assert not wake.is_set() and cadence.pending == FIGURES and cadence.wait(0.2) == pytest.approx(0.9)
        await attempt(broken)  # PENDING -> DOWN with its error, and its trigger from no data to ok
        assert wake.is_set() and cadence.pending == URGENT
        publish(0.3)
        await attempt(broken)  # still DOWN, same error, 2 consecutive failures: a figure
        assert not wake.is_set() and cadence.pending == FIGURES
        await attempt(broken)  # 3 > 2: the trigger changes state, at once
        assert wake.is_set() and cadence.pending == URGENT
        publish(0.4)
        assert engine.status("broken").consecutive_failures == 3
    finally:
        runtime._live_writer.close()
        for client in engine._clients.values():
            await client.aclose()
        session.close()
    live = live_state.decode(json.loads((tmp_path / "s.toml.live.json").read_text(encoding="utf-8")))
    assert live.probes["ok"].state == "UP" and live.probes["ok"].attempts == 2
    assert live.probes["broken"].state == "DOWN" and live.probes["broken"].consecutive_failures == 3
    assert {state.probe: state.state for state in live.triggers}["broken"] not in ("ok", "insufficient_data")

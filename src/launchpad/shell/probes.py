"""The cockpit's probes: who probes, the demo service it needs, the live figures and the journal.

Several cockpits may share one session file; only the one holding the session's probe leadership (the
prober) runs the engine, so no target is probed several times over. The prober
  - starts the plan's demo service first when the plan has one (the demo is part of probing: a cockpit that
    takes over after the prober quit or died must not probe an empty port and call that a failure);
  - journals probe and trigger transitions and per-minute folds (the durable record);
  - publishes what it sees now to `SESSION.live.json` a few times a second (store/live_file.py).
Every other cockpit draws exactly that document (core/journal/live_state.py), says whose figures they are and how old,
shows them as STALE when the prober stopped writing, and takes over within LEADERSHIP_RETRY_SECONDS unless it
is watch-only. Disk work (the demo's port check, reading and writing the document) runs in worker threads.

The runtime talks to the screen through a `sink`, so it knows nothing of Textual: `show_probe(name, status)`,
`show_trigger(state)`, `show_source(text)` and `notice(text, severity)`.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any, Callable, Mapping

from launchpad.core.journal import live_state
from launchpad.core.literal import one_line
from launchpad.core.probes.probe_history import KIND as PROBE_MINUTE, MinuteFolder, sparkline_values
from launchpad.core.probes.probe_status import Attempt, ProbeStatus
from launchpad.core.redact import scrub
from launchpad.core.probes.triggers import TriggerState
from launchpad.engine.demo_service import MODES as DEMO_MODES
from launchpad.engine.demo_service import DemoPortBusy, DemoService
from launchpad.shell.metrics import MetricRuntime
from launchpad.store.leader import ProbeLeadership
from launchpad.store.live_file import LiveReader, live_path, write_live

LEADERSHIP_RETRY_SECONDS = 2.0
LIVE_INTERVAL = 0.1  # followers look this often (one stat); the prober writes at most this often, on a change


def trigger_target(trigger: str, probe: str) -> str:
    return f"{trigger} · {probe}"


def status_from_journal(name: str, payload: Mapping[str, Any] | None) -> ProbeStatus:
    """What a cockpit that does not probe can show: the leader's latest journaled state for the probe."""
    return status_with_history(name, payload, ())


def status_with_history(name: str, payload: Mapping[str, Any] | None, history) -> ProbeStatus:
    """The journaled state plus the per-minute folds: a follower's or a replay's sparkline and figures."""
    latest = history[-1] if history else None
    figures: dict[str, Any] = {}
    if latest is not None:
        figures = {"latencies": tuple(sparkline_values(history)), "p50": latest.p50, "p95": latest.p95,
                   "error_rate": latest.error_rate if latest.count else None, "attempts": latest.count}
    if not payload:
        return ProbeStatus(name, **figures)
    return ProbeStatus(name, state=str(payload.get("state", "PENDING")), last_error=payload.get("error") or None,
                       **figures)


def trigger_from_journal(payload: Mapping[str, Any]) -> TriggerState:
    return TriggerState(str(payload.get("trigger", "")), str(payload.get("probe", "")), str(payload.get("state", "")),
                        payload.get("value"), None, str(payload.get("message", "")))


class ProbeRuntime:
    def __init__(self, session, *, start_demo: bool = True, env: Mapping[str, str] | None = None,
                 watch_only: bool = False, clock: Callable[[], datetime] | None = None):
        self.session = session
        self.plan = session.plan
        self.env = dict(os.environ if env is None else env)
        self.demo = DemoService(self.plan.demo) if (self.plan.demo is not None and start_demo) else None
        self.watch_only = watch_only  # a watching cockpit never probes, so never takes the leadership
        self.clock = clock or session.now
        self.leadership = ProbeLeadership(session.path)
        self.live_path = live_path(session.path)
        self._reader = LiveReader(self.live_path)
        self.live: live_state.LiveState | None = None  # the prober's latest document, as read by a follower
        self.engine = None  # a ProbeEngine while this cockpit leads
        self._task: asyncio.Task | None = None
        self._live_task: asyncio.Task | None = None
        self._sink = None
        self._journaled_probe_state: dict[str, str] = {}
        self._minutes = MinuteFolder()  # latency samples, journaled once a minute per probe (compact history)
        self._published: tuple[Any, datetime | None] = (None, None)  # (figures, when) last written
        self._drawn: Any = None  # what a follower last drew: (document, stale)
        self._live_failed = False
        self._changed: asyncio.Event | None = None  # set by the engine's callbacks: something to publish
        self._watcher: threading.Thread | None = None  # a follower's reader of the document
        self._watching = threading.Event()  # set: the reader thread stops
        # The prober's journal writes (transitions, minute folds) run on their own thread, in order. Appending from
        # the UI loop deadlocked: the session's io_lock can be held by the cockpit's journal thread while it waits
        # for the UI loop to draw what it read (found by bench_war_room: a 10-cockpit prober froze).
        self._writer: ThreadPoolExecutor | None = None
        self.leader = False
        self._told = ""  # the leadership problem last shown (a lock file we cannot open: watch only)
        self.metrics = MetricRuntime(self) if self.plan.metrics else None  # PromQL, run by the leader only

    # ------------------------------------------------------------------ lifecycle

    def start(self, sink) -> None:
        """Called from the running event loop once the screen exists."""
        self._sink = sink
        self.tick()
        self._live_task = asyncio.get_running_loop().create_task(self._live_loop(), name="probe live state")

    def tick(self) -> None:
        """Every couple of seconds: take the lead when it is free (a watching cockpit never does).
        Nothing before `start`: on a loaded machine the retry interval can fire before the first frame."""
        if self.leader or self.watch_only or self._sink is None:
            return
        if self.leadership.try_acquire():
            self._become_leader()
        else:
            if self.leadership.problem and self.leadership.problem != self._told:
                self._told = self.leadership.problem  # once, not every tick
                self._sink.notice(self.leadership.problem, "warning")
            if self.metrics is not None:
                self.metrics.follow()

    def _become_leader(self) -> None:
        from launchpad.engine.probe_engine import ProbeEngine  # httpx is imported only by the cockpit that probes

        self._stop_watcher()
        self.leader = True
        self._drawn = None
        self.engine = ProbeEngine(self.plan.probes, self.plan.triggers, env=self.env, t0=self.session.t0,
                                  clock=self.session.clock, on_attempt=self._on_attempt, on_trigger=self._on_trigger)
        self._task = asyncio.get_running_loop().create_task(self._lead(), name="probe engine")
        if self.metrics is not None:
            self.metrics.lead()

    async def _lead(self) -> None:
        if self.demo is not None:
            said = await asyncio.to_thread(self._start_demo)  # before the first probe: an empty port is no failure
            if said is not None:
                self._notice(*said)
        # The HTTP clients (an SSL context each, tens of ms, more on a busy machine) are built here, in a worker
        # thread, not inside the first timed attempt: a cold start after a hand-over timed out and fired the
        # error-rate trigger, a false alarm made by the hand-over itself (and it blocked the UI loop).
        engine = self.engine
        await asyncio.to_thread(lambda: [engine._client_for(spec) for spec in self.plan.probes])
        try:
            await self.engine.run()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the engine is meant never to stop; if it does, say so and keep the cockpit
            self._notice(f"Probe engine stopped: {one_line(scrub(str(error)))}", "error")

    def _start_demo(self) -> tuple[str, str] | None:
        """In a worker thread: bind the port, or reuse a demo still answering there (a prober that quit a moment
        ago, or a demo a person started by hand). Returns what to tell the room, if anything."""
        try:
            if self.demo.start() == "reused":
                return f"Demo service already running at {self.demo.url}: probing it", "information"
        except DemoPortBusy as error:
            return f"Demo service not started: {error}", "warning"
        except OSError as error:
            return f"Demo service not started: {one_line(str(error))}", "warning"
        return None

    def _notice(self, text: str, severity: str) -> None:
        if self._sink is not None:
            self._sink.notice(text, severity)

    async def stop(self) -> None:
        if self.metrics is not None:
            await self.metrics.stop()
        for task in (self._live_task, self._task):
            if task is not None:
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
        self._task = self._live_task = None
        for minute in self._minutes.flush():  # the last partial minute is history too
            self._journal(PROBE_MINUTE, minute.probe, minute.payload())
        if self._writer is not None:
            writer, self._writer = self._writer, None
            try:  # what was journaled is on disk before the cockpit says it is closed
                await asyncio.wrap_future(writer.submit(lambda: None))
            finally:
                writer.shutdown(wait=False)
        self.close()

    def close(self) -> None:
        self._stop_watcher()
        self.leadership.release()
        if self.demo is not None:
            self.demo.stop()

    # ------------------------------------------------------------------ live figures

    async def _live_loop(self) -> None:
        self._changed = asyncio.Event()
        while True:
            try:
                if self.leader:
                    try:  # publish as soon as an attempt or a trigger changed something, or when the beat is due
                        await asyncio.wait_for(self._changed.wait(), live_state.HEARTBEAT_SECONDS)
                    except TimeoutError:
                        pass
                    self._changed.clear()
                    await self._publish()
                else:
                    self._start_watcher()
                    self.show_live(self.clock())  # the age and staleness move with time; a new document draws at once
                    await asyncio.sleep(1.0 - LIVE_INTERVAL)
                self._live_failed = False
            except asyncio.CancelledError:
                raise
            except Exception as error:  # say it once, keep trying: the next beat may work
                if not self._live_failed:
                    self._notice(f"Live probe figures: {one_line(str(error))}", "warning")
                self._live_failed = True
            await asyncio.sleep(LIVE_INTERVAL)

    async def _publish(self) -> None:
        """Write the document when the figures changed, and at least once a HEARTBEAT_SECONDS (followers
        tell a prober that is gone by a document that stopped getting younger)."""
        if self.engine is None:
            return
        statuses, triggers = self.engine.statuses(), self.engine.trigger_states()
        metric_engine = self.metrics.engine if self.metrics is not None else None
        metrics = metric_engine.statuses() if metric_engine is not None else None
        notes = {name: metric_engine.note(name) for name in metrics} if metrics else None
        metric_triggers = list(metric_engine.trigger_states().values()) if metric_engine is not None else []
        body = live_state.figures(statuses, [*triggers.values(), *metric_triggers], metrics, notes)
        now = self.clock()
        last_body, last_at = self._published
        if body == last_body and last_at is not None and \
                (now - last_at).total_seconds() < live_state.HEARTBEAT_SECONDS:
            return
        if body != last_body:  # the prober draws what it publishes: the same snapshot every follower draws
            self._show(statuses, triggers.values())
        document = live_state.encode(self.session.actor, os.getpid(), now, body)
        await asyncio.to_thread(write_live, self.live_path, document)
        self._published = (body, now)
        self._show_source(live_state.describe_source(None, now, here=True))

    def _show_source(self, text: str) -> None:
        show = getattr(self._sink, "show_source", None)  # a sink that draws no probe pane need not have it
        if show is not None:
            show(text)

    def _show(self, statuses: Mapping[str, ProbeStatus], triggers) -> None:
        for spec in self.plan.probes:
            if spec.name in statuses:
                self._sink.show_probe(spec.name, statuses[spec.name])
        for state in triggers:
            self._sink.show_trigger(state)
        flush = getattr(self._sink, "flush_probes", None)
        if flush is not None:  # drawn now, not at the screen's next probe refresh
            flush()

    def _start_watcher(self) -> None:
        """A follower stats the document every LIVE_INTERVAL in its own thread and wakes the UI loop only when it
        changed: an idle follower costs the loop one wake-up a second, and the disk never blocks it."""
        if self._watcher is not None:
            return
        loop = asyncio.get_running_loop()

        def watch() -> None:
            while not self._watching.wait(LIVE_INTERVAL):
                try:
                    changed, document = self._reader.read()
                except OSError:
                    continue
                if changed and not self._watching.is_set():
                    try:
                        loop.call_soon_threadsafe(self._take, document)
                    except RuntimeError:  # the loop closed under us: the cockpit is going
                        return

        self._watcher = threading.Thread(target=watch, name="live figures", daemon=True)
        self._watcher.start()

    def _stop_watcher(self) -> None:
        self._watching.set()
        self._watcher = None

    def _take(self, document: Any) -> None:
        if self.leader or self._sink is None:
            return
        self.live = live_state.decode(document)
        self.show_live(self.clock())

    def show_live(self, now: datetime) -> None:
        """Draw the prober's document (or STALE / could-not-measure when it stopped writing)."""
        live = self.live
        self._show_source(live_state.describe_source(live, now, here=False))
        if live is None:
            return
        stale = live.stale(now)
        if (live, stale) == self._drawn:
            return
        self._drawn = (live, stale)
        if self.metrics is not None:  # the prober's PromQL figures, as it sees them (or STALE once it is gone)
            self.metrics.show_live(live, stale)
        if not stale:
            self._show(live.probes, live.triggers)
            return
        self._show({name: live_state.stale_status(status) for name, status in live.probes.items()},
                   [live_state.unmeasured(state, "no prober: could not measure") for state in live.triggers])

    # ------------------------------------------------------------------ engine callbacks

    def _journal(self, kind: str, target: str, payload: dict) -> None:
        """Append on the runtime's writer thread (never the UI loop); a failed write is told, never fatal."""
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe-journal")
        loop = asyncio.get_running_loop()

        def written(future: Future) -> None:
            error = future.exception()
            if error is not None:
                loop.call_soon_threadsafe(self._notice, f"Could not journal {kind} {target}: {one_line(str(error))}",
                                          "error")

        self._writer.submit(self.session.append, kind, target, payload).add_done_callback(written)

    def _on_attempt(self, attempt: Attempt) -> None:
        status = self.engine.status(attempt.probe)  # drawn when published (_publish), like every follower draws it
        if self._changed is not None:
            self._changed.set()
        for minute in self._minutes.add(attempt.probe, attempt.at, attempt.ok, attempt.latency_ms):
            self._journal(PROBE_MINUTE, minute.probe, minute.payload())
        if self._journaled_probe_state.get(attempt.probe) != status.state:
            self._journaled_probe_state[attempt.probe] = status.state
            payload: dict[str, Any] = {"state": status.state}
            if attempt.status is not None:
                payload["status"] = attempt.status
            if attempt.latency_ms is not None:
                payload["latency_ms"] = round(attempt.latency_ms, 1)
            if attempt.error_kind:
                payload["error_kind"] = attempt.error_kind
                payload["error"] = one_line(attempt.describe_error() or "", 300)
            self._journal("probe", attempt.probe, payload)

    def _on_trigger(self, trigger: str, probe: str, state: TriggerState) -> None:
        if self._changed is not None:
            self._changed.set()
        payload: dict[str, Any] = {"trigger": trigger, "probe": probe, "state": state.state,
                                   "message": one_line(state.message, 300)}
        if state.value is not None:
            payload["value"] = float(state.value)
        self._journal("trigger", trigger_target(trigger, probe), payload)

    # ------------------------------------------------------------------ commands

    def acknowledge(self, states: list[TriggerState]) -> list[TriggerState]:
        return acknowledge(self.session, states)

    def set_demo_mode(self, mode: str) -> str:
        if self.demo is None:
            raise RuntimeError("this cockpit runs no demo service")
        if self.demo.running:
            self.demo.set_mode(mode)
        else:  # the prober's demo, over HTTP (POST /_demo/mode), like curl would
            if mode not in DEMO_MODES:
                raise ValueError(f"unknown demo mode `{mode}` (use one of {', '.join(DEMO_MODES)})")
            self.demo._post_mode(mode)
        return mode

    @property
    def demo_modes(self) -> tuple[str, ...]:
        return DEMO_MODES if self.demo is not None else ()

    def watched_by(self) -> str:
        return "this cockpit" if self.leader else "another cockpit (from its live figures)"


def acknowledge(session, states) -> list[TriggerState]:
    """Journal one ack per firing not yet acknowledged anywhere (the journal is read first: another cockpit or a
    script may have acknowledged it a moment ago). Returns the states acknowledged now; a failed write raises."""
    session.poll()
    done = []
    for state in states:
        if acknowledged(session.state.acks, state):
            continue
        session.append("ack", trigger_target(state.trigger, state.probe),
                       {"trigger": state.trigger, "probe": state.probe, "since": live_state.since_key(state.since)})
        done.append(state)
    return done


def read_live(session) -> live_state.LiveState | None:
    """The prober's latest document for a session (scripts: `launchpad ack`, `launchpad status`)."""
    return live_state.decode(LiveReader(live_path(session.path)).read()[1])


def acknowledged(acks: Mapping[str, Mapping[str, Any]], state: TriggerState) -> bool:
    """True when the journal holds an ack for this very firing (same trigger, probe and start)."""
    payload = acks.get(trigger_target(state.trigger, state.probe)) or {}
    return payload.get("since") == live_state.since_key(state.since)

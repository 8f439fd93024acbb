"""The cockpit's probes: who probes, the demo service it needs, the live figures and the journal.

Several cockpits may share one session file; only the one holding the session's probe leadership (the
prober) runs the engine, so no target is probed several times over. The prober
  - starts the plan's demo service first when the plan has one (the demo is part of probing: a cockpit that
    takes over after the prober quit or died must not probe an empty port and call that a failure);
  - journals probe and trigger transitions and per-minute folds (the durable record);
  - publishes what it sees now to `SESSION.live.json` (store/live_file.py): a change of state within
    LIVE_INTERVAL, figures and the heartbeat once a second (core/journal/live_cadence.py).
Every other cockpit draws exactly that document (core/journal/live_state.py), says whose figures they are and how old,
shows them as STALE when the prober stopped writing, and takes over within LEADERSHIP_RETRY_SECONDS unless it
is watch-only. Disk work (the demo's port check, reading and writing the document) runs in worker threads.

The prober's engines (probes and PromQL), their trigger evaluation and the live document run on a thread with
its own event loop (engine/loop_thread.py): a stalled screen delayed attempts past their deadlines and raised
false DOWNs and rollback alarms. The UI loop only receives results, coalesced (shell/ui_hop.py): at most one
hop waiting, carrying the latest status per probe. Per-minute folds reach the journal in one batch per minute
boundary (one lock, write and fsync for every probe); state flips and trigger states are journaled at once.

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
from launchpad.core.journal.live_cadence import PublishCadence, urgent_change
from launchpad.core.literal import one_line
from launchpad.core.probes.probe_history import KIND as PROBE_MINUTE, MinuteFolder, ProbeMinute, sparkline_values
from launchpad.core.probes.probe_status import Attempt, ProbeStatus
from launchpad.core.redact import scrub
from launchpad.core.probes.triggers import TriggerState
from launchpad.engine.demo_modes import MODES as DEMO_MODES
from launchpad.shell.live_snapshot import LiveSnapshot
from launchpad.shell.metrics import MetricRuntime
from launchpad.shell.ui_hop import UiHop
from launchpad.store.leader import ProbeLeadership
from launchpad.store.live_file import LiveReader, LiveWriter, live_path

LEADERSHIP_RETRY_SECONDS = 2.0
LIVE_INTERVAL = 0.1  # followers look this often (one stat); a change of state is published within this
MINUTE_BATCH_MAX_WAIT = 60.0  # a minute's folds wait at most this long for the slowest probe's next attempt


def trigger_target(trigger: str, probe: str) -> str:
    return f"{trigger} · {probe}"


CALM = ("ok", "resolved")


def drawn_alike(shown: TriggerState | None, state: TriggerState) -> bool:
    """Whether the screen would draw `state` as it drew `shown`. A calm trigger is drawn by its state alone (the
    panels count calm triggers, the table and the banner show its label), so one whose figure or message moved
    is not sent again: each attempt makes a new state for every trigger on its probe, and drawing all of them
    was 800 trigger draws a second at 200 probes. Any other state (firing, pending, no data) shows its message."""
    if shown is None:
        return False
    return shown is state or shown == state or (state.state in CALM and shown.state == state.state)


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
        self._runs_demo = self.plan.demo is not None and start_demo
        self._demo = None  # built on first use, after the first frame (see `demo`)
        self._demo_lock = threading.Lock()
        self.watch_only = watch_only  # a watching cockpit never probes, so never takes the leadership
        self.clock = clock or session.now
        self.leadership = ProbeLeadership(session.path)
        self.live_path = live_path(session.path)
        self._reader = LiveReader(self.live_path)
        self.live: live_state.LiveState | None = None  # the prober's latest document, as read by a follower
        self.engine = None  # a ProbeEngine while this cockpit leads
        self._thread = None  # the probe thread (engine/loop_thread.py) while this cockpit leads
        self._task: Future | None = None  # the leading coroutine, on the probe thread
        self._live_task: asyncio.Task | None = None
        self._sink = None
        self._hop: UiHop | None = None  # results to the UI loop, coalesced
        self._journaled_probe_state: dict[str, str] = {}
        self._minutes = MinuteFolder()  # latency samples, journaled once a minute per probe (compact history)
        self._minute_batch: list[ProbeMinute] = []  # folds of the minute that just ended, journaled together
        self._batch_timer: asyncio.TimerHandle | None = None
        self._snapshot = LiveSnapshot()  # the live document, kept encoded (on the probe thread)
        self._cadence: PublishCadence | None = None  # when the prober publishes next (on the probe thread)
        self._live_writer: LiveWriter | None = None  # writes the prober's document off the probe thread
        self._source_drawn: str | None = None  # the source line the prober last drew
        self._shown_triggers: dict[tuple[str, str], TriggerState] = {}  # the probe triggers the prober last drew
        self._drawn: Any = None  # what a follower last drew: (document, stale)
        self._live_failed = False
        self._wake: asyncio.Event | None = None  # set by a change that brings the next publish forward
        self._watcher: threading.Thread | None = None  # a follower's reader of the document
        self._watching = threading.Event()  # set: the reader thread stops
        # The prober's journal writes (transitions, minute folds) run on their own thread, in order. Appending from
        # the UI loop deadlocked: the session's io_lock can be held by the cockpit's journal thread while it waits
        # for the UI loop to draw what it read (found by bench_war_room: a 10-cockpit prober froze).
        self._writer: ThreadPoolExecutor | None = None
        self._ui_thread = threading.get_ident()  # set again by `start`, on the UI loop
        self.leader = False
        self._told = ""  # the leadership problem last shown (a lock file we cannot open: watch only)
        self.metrics = MetricRuntime(self) if self.plan.metrics else None  # PromQL, run by the leader only

    # ------------------------------------------------------------------ lifecycle

    def start(self, sink) -> None:
        """Called from the running event loop once the screen exists."""
        self._sink = sink
        self._hop = UiHop(asyncio.get_running_loop())
        self._ui_thread = threading.get_ident()
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
        from launchpad.engine.loop_thread import LoopThread
        from launchpad.engine.probe_engine import ProbeEngine  # httpx is imported only by the cockpit that probes

        self._stop_watcher()
        self.leader = True
        self._drawn = None
        self._source_drawn = None
        self.engine = ProbeEngine(self.plan.probes, self.plan.triggers, env=self.env, t0=self.session.t0,
                                  clock=self.session.clock, on_attempt=self._on_attempt, on_trigger=self._on_trigger)
        if self.metrics is not None:
            self.metrics.lead()
        self._thread = LoopThread("launchpad-probes")
        self._thread.start()
        self._task = self._thread.submit(self._lead())

    async def _lead(self) -> None:
        """On the probe thread: the live document, the metric engine and the probe engine, until cancelled."""
        self._start_publishing()
        jobs = [self._publish_loop(), self._probe()]
        if self.metrics is not None and self.metrics.engine is not None:
            jobs.append(self.metrics.run())
        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(job)

    def _start_publishing(self) -> None:
        """On the probe thread: the publish cadence, the event that wakes its loop early, the document's writer."""
        self._wake = asyncio.Event()
        self._cadence = PublishCadence(urgent_seconds=LIVE_INTERVAL)
        self._live_writer = LiveWriter(self.live_path, self._live_trouble)

    async def _probe(self) -> None:
        if self.demo is not None:
            said = await asyncio.to_thread(self._start_demo)  # before the first probe: an empty port is no failure
            if said is not None:
                self._notice(*said)
        # The HTTP clients (an SSL context each, tens of ms, more on a busy machine) are built here, in a worker
        # thread, not inside the first timed attempt: a cold start after a hand-over timed out and fired the
        # error-rate trigger, a false alarm made by the hand-over itself.
        engine = self.engine
        await asyncio.to_thread(lambda: [engine._client_for(spec) for spec in self.plan.probes])
        try:
            await self.engine.run()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the engine is meant never to stop; if it does, say so and keep the cockpit
            self._notice(f"Probe engine stopped: {one_line(scrub(str(error)))}", "error")

    async def _halt(self) -> None:
        """On the probe thread: cancel everything running there and wait until it ended (clients closed)."""
        if self._batch_timer is not None:
            self._batch_timer.cancel()
            self._batch_timer = None
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def demo(self):
        """The demo service this cockpit runs, or None. Built (and its module imported) on first use, which
        comes after the first frame: importing it (http.server, prometheus_client) was ~50 ms of the start."""
        if self._demo is None and self._runs_demo:
            with self._demo_lock:  # the worker thread starting it and the screen setting its mode: one service
                if self._demo is None:
                    from launchpad.engine.demo_service import DemoService

                    self._demo = DemoService(self.plan.demo)
        return self._demo

    def _start_demo(self) -> tuple[str, str] | None:
        """In a worker thread: bind the port, or reuse a demo still answering there (a prober that quit a moment
        ago, or a demo a person started by hand). Returns what to tell the room, if anything."""
        from launchpad.engine.demo_service import DemoPortBusy

        try:
            if self.demo.start() == "reused":
                return f"Demo service already running at {self.demo.url}: probing it", "information"
        except DemoPortBusy as error:
            return f"Demo service not started: {error}", "warning"
        except OSError as error:
            return f"Demo service not started: {one_line(str(error))}", "warning"
        return None

    def _notice(self, text: str, severity: str) -> None:
        """Said on the UI loop, whichever thread speaks (the probe thread, the journal writer)."""
        if self._sink is not None and self._hop is not None:
            self._hop.post_once(self._sink.notice, text, severity)

    def _draw(self, key: Any, method: str, *args: Any) -> None:
        """From the probe thread: the sink's `method(*args)` on the UI loop; a later draw of `key` replaces it."""
        self._draw_many([(key, method, args)])

    def _draw_many(self, draws: list[tuple[Any, str, tuple]]) -> None:
        """`_draw` each `(key, method, args)`, all in one hop (one wake-up of the UI loop)."""
        if self._hop is None:
            return
        posts = [(key, draw, args) for key, method, args in draws
                 if (draw := getattr(self._sink, method, None)) is not None]  # a sink need not have show_source
        self._hop.post_many(posts)

    async def stop(self) -> None:
        task, self._live_task = self._live_task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        thread, self._thread = self._thread, None
        if thread is not None:
            try:
                await asyncio.wrap_future(thread.submit(self._halt()))
            except Exception:
                pass
            await asyncio.to_thread(thread.stop)
        self._task = None
        live_writer, self._live_writer = self._live_writer, None
        if live_writer is not None:
            await asyncio.to_thread(live_writer.close)
        # What the minute that just ended and the last partial minute hold is history too: one batch.
        self._journal_minutes([*self._minute_batch, *self._minutes.flush()])
        self._minute_batch = []
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
        """On the UI loop, while this cockpit follows: draw the prober's document as it changes, and its age."""
        while not self.leader:  # a leader's document is written by its probe thread (_publish_loop)
            self._live_step(self._follow_beat)
            await asyncio.sleep(1.0)

    def _live_step(self, step) -> None:
        """One step of a live loop; a failure is said once, and the next step tries again."""
        try:
            step()
            self._live_failed = False
        except Exception as error:
            if not self._live_failed:
                self._live_trouble(error)
            self._live_failed = True

    def _live_trouble(self, error: Exception) -> None:
        """Say what went wrong with the live figures: a step of a live loop, or (on the live writer's thread,
        once until a write succeeds) the document could not be written."""
        self._notice(f"Live probe figures: {one_line(str(error))}", "warning")

    def _follow_beat(self) -> None:
        self._start_watcher()
        self.show_live(self.clock())  # the age and staleness move with time; a new document draws at once

    async def _publish_loop(self) -> None:
        """On the probe thread: publish when the cadence says (core/journal/live_cadence.py): a change of state
        within LIVE_INTERVAL of the last publish, figures and the heartbeat once a second. One timer per publish;
        only a change of state wakes the loop before it (the old loop also woke to rate-limit each publish and
        to hear its write was done)."""
        loop, cadence, wake = asyncio.get_running_loop(), self._cadence, self._wake
        while True:
            wait = cadence.wait(loop.time())
            if wait > 0:
                wake.clear()
                try:
                    async with asyncio.timeout(wait):  # not wait_for: no task made per beat
                        await wake.wait()
                except TimeoutError:
                    pass
                continue
            cadence.published(loop.time())
            self._live_step(self._publish)

    def _mark(self, urgent: bool) -> None:
        """On the probe thread: something to publish; wake the publish loop when it must go out sooner."""
        if self._cadence is not None and self._cadence.mark(urgent):
            self._wake.set()

    def _publish(self) -> None:
        """Write the document as it is now: the cadence calls it when a change is due, and at least once a
        HEARTBEAT_SECONDS (followers tell a prober that is gone by a document that stopped getting younger).
        Only what changed is encoded again (shell/live_snapshot.py) and drawn here; the write runs on the live
        writer's thread (never on this loop: a slow disk must not delay attempts)."""
        if self.engine is None:
            return
        statuses, triggers = self.engine.statuses(), self.engine.trigger_states()
        metric_engine = self.metrics.engine if self.metrics is not None else None
        metrics = metric_engine.statuses() if metric_engine is not None else None
        notes = {name: metric_engine.note(name) for name in metrics} if metrics else None
        metric_triggers = list(metric_engine.trigger_states().values()) if metric_engine is not None else []
        changed = self._snapshot.update(statuses, [*triggers.values(), *metric_triggers], metrics, notes)
        now = self.clock()
        # The prober draws what it publishes (the same figures every follower draws), only what changed.
        fresh = [state for key, state in triggers.items() if not drawn_alike(self._shown_triggers.get(key), state)]
        self._shown_triggers.update(triggers)
        source = live_state.describe_source(None, now, here=True)
        if source != self._source_drawn:  # the prober's never changes: woke the screen once a second for nothing
            self._source_drawn = source
            self._draw("source", "show_source", source)
        self._show({name: statuses[name] for name in changed}, fresh)  # in the same hop as the source line
        self._live_writer.write(self._snapshot.text(self.session.actor, os.getpid(), now))

    def _show_source(self, text: str) -> None:
        show = getattr(self._sink, "show_source", None)  # a sink that draws no probe pane need not have it
        if show is not None:
            show(text)

    def _show(self, statuses: Mapping[str, ProbeStatus], triggers) -> None:
        """Draw probe statuses and trigger states: directly on the UI loop (a follower), or, from the probe
        thread, through the coalescing hop (the latest of each, in one hop)."""
        here = threading.get_ident() == self._ui_thread
        draws = [(("probe", spec.name), "show_probe", (spec.name, statuses[spec.name]))
                 for spec in self.plan.probes if spec.name in statuses]
        draws += [(("trigger", state.trigger, state.probe), "show_trigger", (state,)) for state in triggers]
        if not here:
            self._draw_many(draws)
            return
        for _, method, args in draws:
            getattr(self._sink, method)(*args)
        # A follower's rare drawing shows now, not at the screen's next probe refresh; the prober's (figures once
        # a second, changes of state up to ten a second, from its thread) waits for that refresh (four a second):
        # the screen redraws its probe table no more often than it did, whatever the number of results.
        if hasattr(self._sink, "flush_probes"):
            self._sink.flush_probes()

    def _start_watcher(self) -> None:
        """A follower stats the document every LIVE_INTERVAL in its own thread and wakes the UI loop only when it
        changed: an idle follower costs the loop one wake-up a second, and the disk never blocks it."""
        if self._watcher is not None:
            return
        hop = self._hop

        def watch() -> None:
            while not self._watching.wait(LIVE_INTERVAL):
                try:
                    changed, document = self._reader.read()
                except OSError:
                    continue
                if changed and not self._watching.is_set():
                    hop.post("live", self._take, document)  # one hop waiting at most, the newest document

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
        """Append on the runtime's writer thread (never the UI loop, never the probe thread); a failed write is
        told, never fatal."""
        self._write(f"{kind} {target}", self.session.append, kind, target, payload)

    def _journal_minutes(self, minutes: list[ProbeMinute]) -> None:
        """Every probe's fold of a minute in one entry batch: one lock, one write, one fsync."""
        if minutes:
            items = [(PROBE_MINUTE, minute.probe, minute.payload()) for minute in minutes]
            self._write(f"{len(items)} {PROBE_MINUTE} entries", self.session.append_many, items)

    def _write(self, what: str, append, *args) -> None:
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe-journal")

        def written(future: Future) -> None:
            error = future.exception()
            if error is not None:
                self._notice(f"Could not journal {what}: {one_line(str(error))}", "error")

        self._writer.submit(append, *args).add_done_callback(written)

    def _batch_minutes(self, minutes: list[ProbeMinute]) -> None:
        """On the probe thread: a probe's minute closes at its first attempt of the next one. The batch goes to
        the journal once every probe closed its minute, or when the slowest probe had its chance."""
        self._minute_batch.extend(minutes)
        if len({minute.probe for minute in self._minute_batch}) >= len(self.plan.probes):
            self._flush_minutes()
        elif self._batch_timer is None:
            wait = min(MINUTE_BATCH_MAX_WAIT, max(spec.interval + spec.timeout for spec in self.plan.probes))
            self._batch_timer = asyncio.get_running_loop().call_later(wait, self._flush_minutes)

    def _flush_minutes(self) -> None:
        if self._batch_timer is not None:
            self._batch_timer.cancel()
            self._batch_timer = None
        batch, self._minute_batch = self._minute_batch, []
        self._journal_minutes(batch)

    def _on_attempt(self, attempt: Attempt) -> None:
        """On the probe thread, after each attempt."""
        status = self.engine.status(attempt.probe)  # drawn when published (_publish), like every follower draws it
        self._mark(urgent_change(self._snapshot.status(attempt.probe), status))
        closed = self._minutes.add(attempt.probe, attempt.at, attempt.ok, attempt.latency_ms)
        if closed:
            self._batch_minutes(closed)
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
        self._mark(True)  # the engines call it when a trigger's state changes: a lead sees that at once
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
        return DEMO_MODES if self._runs_demo else ()

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

"""The cockpit's probes: the demo service, who probes, and the journal of what the probes saw.

Several cockpits may share one session file; only the one holding the session's probe leadership runs the
engine, so no target is probed several times over. It journals every probe state change and trigger state
change; the others show those entries, and take over (within a couple of seconds) when the leader exits.

The runtime talks to the screen through a `sink` with three methods, so it knows nothing of Textual:
`show_probe(name, status)`, `show_trigger(state)` and `notice(text, severity)`.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Mapping

from launchpad.core.literal import one_line
from launchpad.core.probe_history import KIND as PROBE_MINUTE, MinuteFolder, sparkline_values
from launchpad.core.probe_status import Attempt, ProbeStatus
from launchpad.core.redact import scrub
from launchpad.core.triggers import TriggerState
from launchpad.engine.demo_service import MODES as DEMO_MODES
from launchpad.engine.demo_service import DemoPortBusy, DemoService
from launchpad.store.leader import ProbeLeadership

LEADERSHIP_RETRY_SECONDS = 2.0


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
    def __init__(self, session, *, start_demo: bool = True, env: Mapping[str, str] | None = None):
        self.session = session
        self.plan = session.plan
        self.env = dict(os.environ if env is None else env)
        self.demo = DemoService(self.plan.demo) if (self.plan.demo is not None and start_demo) else None
        self.leadership = ProbeLeadership(session.path)
        self.engine = None  # a ProbeEngine while this cockpit leads
        self._task: asyncio.Task | None = None
        self._sink = None
        self._journaled_probe_state: dict[str, str] = {}
        self._minutes = MinuteFolder()  # latency samples, journaled once a minute per probe (compact history)
        self._shown_followed: dict[str, Any] = {}
        self.leader = False
        self._told = ""  # the leadership problem last shown (a lock file we cannot open: watch only)

    # ------------------------------------------------------------------ lifecycle

    def start(self, sink) -> None:
        """Called from the running event loop once the screen exists."""
        self._sink = sink
        if self.demo is not None:
            try:
                how = self.demo.start()
                if how == "reused":
                    sink.notice(f"Demo service already running at {self.demo.url} (another cockpit started it)", "information")
            except DemoPortBusy as error:
                sink.notice(f"Demo service not started: {error}", "warning")
            except OSError as error:
                sink.notice(f"Demo service not started: {one_line(str(error))}", "warning")
        self.tick()

    def tick(self) -> None:
        """Every couple of seconds: take the lead when it is free; otherwise show the leader's journal.
        Nothing before `start`: on a loaded machine the retry interval can fire before the first frame."""
        if self.leader or self._sink is None:
            return
        if self.leadership.try_acquire():
            self._become_leader()
        else:
            if self.leadership.problem and self.leadership.problem != self._told:
                self._told = self.leadership.problem  # once, not every tick
                self._sink.notice(self.leadership.problem, "warning")
            self._follow()

    def _become_leader(self) -> None:
        from launchpad.engine.probe_engine import ProbeEngine  # httpx is imported only by the cockpit that probes

        self.leader = True
        self.engine = ProbeEngine(self.plan.probes, self.plan.triggers, env=self.env, t0=self.session.t0,
                                  clock=self.session.clock,
                                  on_attempt=self._on_attempt, on_trigger=self._on_trigger)
        self._task = asyncio.get_running_loop().create_task(self._run_engine(), name="probe engine")

    async def _run_engine(self) -> None:
        try:
            await self.engine.run()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the engine is meant never to stop; if it does, say so and keep the cockpit
            if self._sink is not None:
                self._sink.notice(f"Probe engine stopped: {one_line(scrub(str(error)))}", "error")

    def _follow(self) -> None:
        state = self.session.state
        for spec in self.plan.probes:
            payload = state.probe_states.get(spec.name)
            history = state.probe_history.get(spec.name, ())
            if (payload, history) != self._shown_followed.get(spec.name):
                self._shown_followed[spec.name] = (payload, history)
                self._sink.show_probe(spec.name, status_with_history(spec.name, payload, history))
        for target, payload in state.trigger_states.items():
            if payload is not self._shown_followed.get(("trigger", target)):
                self._shown_followed[("trigger", target)] = payload
                self._sink.show_trigger(trigger_from_journal(payload))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        try:
            for minute in self._minutes.flush():  # the last partial minute is history too
                self.session.append(PROBE_MINUTE, minute.probe, minute.payload())
        except Exception:  # closing: the screen that would show the failure is gone
            pass
        self.close()

    def close(self) -> None:
        self.leadership.release()
        if self.demo is not None:
            self.demo.stop()

    # ------------------------------------------------------------------ engine callbacks

    def _journal(self, kind: str, target: str, payload: dict) -> None:
        try:
            self.session.append(kind, target, payload)
        except Exception as error:  # a failed write must show, never stop the probes
            self._sink.notice(f"Could not journal {kind} {target}: {one_line(str(error))}", "error")

    def _on_attempt(self, attempt: Attempt) -> None:
        status = self.engine.status(attempt.probe)
        self._sink.show_probe(attempt.probe, status)
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
        self._sink.show_trigger(state)
        payload: dict[str, Any] = {"trigger": trigger, "probe": probe, "state": state.state,
                                   "message": one_line(state.message, 300)}
        if state.value is not None:
            payload["value"] = float(state.value)
        self._journal("trigger", trigger_target(trigger, probe), payload)

    # ------------------------------------------------------------------ commands

    def acknowledge(self, states: list[TriggerState]) -> None:
        for state in states:
            self._journal("ack", trigger_target(state.trigger, state.probe), {"trigger": state.trigger, "probe": state.probe})

    def set_demo_mode(self, mode: str) -> str:
        if self.demo is None:
            raise RuntimeError("this cockpit runs no demo service")
        self.demo.set_mode(mode)
        return mode

    @property
    def demo_modes(self) -> tuple[str, ...]:
        return DEMO_MODES if self.demo is not None else ()

    def watched_by(self) -> str:
        return "this cockpit" if self.leader else "another cockpit (from the journal)"


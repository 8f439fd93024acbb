"""`launchpad probe PLAN [--once | --duration SECONDS] [--json]`: the plan's probes, metrics and triggers for scripts and CI.

Metrics (`[[metric]]`, PromQL) run beside the probes; a metric that could not be measured is reported as such
and does not change the exit code by itself (insufficient data is no breach), a firing metric trigger does.

Exit 0 when every probe is healthy and no trigger fired, 1 when any probe is unhealthy or a trigger fired,
2 on a plan error. Header values never appear in any output: only the engine ever resolves them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from datetime import datetime, timezone
from typing import TextIO

from launchpad.core.clock import Clock, system_clock
from launchpad.core.literal import one_line, printable
from launchpad.core.probes.metric_status import MetricSample, format_value
from launchpad.core.probes.probe_status import Attempt, ProbeStatus
from launchpad.core.problems import Problem
from launchpad.core.probes.triggers import TriggerState, millis


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="a .toml launch plan with [[probe]] tables")
    how_long = parser.add_mutually_exclusive_group()
    how_long.add_argument("--once", action="store_true", help="one attempt per probe, then exit (for CI gates)")
    how_long.add_argument("--duration", type=float, metavar="SECONDS", help="probe on schedule for SECONDS, then exit")
    parser.add_argument("--json", action="store_true", help="JSON lines: one per attempt and one per trigger state change")


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class Reporter:
    """Prints attempts and trigger changes as they happen; remembers whether any trigger fired."""

    def __init__(self, out: TextIO, *, as_json: bool, live: bool, clock: Clock = system_clock):
        self.out = out
        self.clock = clock
        self.as_json = as_json
        self.live = live
        self.fired: list[TriggerState] = []
        self.broken = False

    def _write(self, line: str) -> None:
        if self.broken:
            return
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except BrokenPipeError:  # `launchpad probe ... | head`: the reader left; keep quiet from now on
            self.broken = True

    def attempt(self, attempt: Attempt) -> None:
        if self.as_json:
            error = None if attempt.ok else {"kind": attempt.error_kind, "message": attempt.error_message}
            latency = None if attempt.latency_ms is None else round(attempt.latency_ms, 1)
            record = {"probe": attempt.probe, "at": _iso(attempt.at), "ok": attempt.ok, "status": attempt.status,
                      "latency_ms": latency, "error": error}
            self._write(json.dumps(record))  # ASCII escapes: no raw control, bidi or C1 character reaches a terminal
        elif self.live:
            figure = millis(attempt.latency_ms) if attempt.latency_ms is not None else "-"
            state = "UP" if attempt.ok else "DOWN"
            detail = "" if attempt.ok else "  " + one_line(attempt.describe_error() or "", 120)
            status = attempt.status if attempt.status is not None else "-"
            self._write(f"{attempt.at.astimezone(timezone.utc):%H:%M:%S}  {printable(attempt.probe)}  {state}  {status}  {figure}{detail}")

    def metric(self, sample: MetricSample) -> None:
        if self.as_json:
            record = {"metric": sample.metric, "at": _iso(sample.at), "measured": sample.measured,
                      "series": [{"labels": dict(series.labels), "value": series.value} for series in sample.series],
                      "error": None if sample.measured else {"kind": sample.error_kind, "message": sample.error}}
            self._write(json.dumps(record, ensure_ascii=False))
        elif self.live:
            figure = ", ".join(f"{printable(s.shown)} {s.value:g}" if s.value is not None else f"{printable(s.shown)} NaN"
                               for s in sample.series[:5]) if sample.measured else "could not measure: " + one_line(sample.error or "", 120)
            self._write(f"{sample.at.astimezone(timezone.utc):%H:%M:%S}  {printable(sample.metric)}  {figure}")

    def trigger(self, trigger: str, probe: str, state: TriggerState) -> None:
        if state.firing:
            self.fired.append(state)
        moment = state.since or self.clock()
        if self.as_json:
            record = {"trigger": trigger, "probe": probe, "at": _iso(moment), "state": state.state,
                      "value": None if state.value is None else round(state.value, 4), "message": state.message}
            self._write(json.dumps(record))  # ASCII escapes: no raw control, bidi or C1 character reaches a terminal
        elif self.live or state.firing:
            self._write(f"{moment:%H:%M:%S}  TRIGGER {printable(trigger)} [{printable(probe)}] {state.state}: {one_line(state.message, 160)}")


def _metric_lines(metrics, statuses: dict) -> list[str]:
    lines = []
    for spec in metrics:
        status = statuses[spec.name]
        if status.state == "MEASURED":
            figure = "  ".join(f"{printable(s.shown)} {format_value(s.value, spec.unit)}".strip() for s in status.series[:5])
        else:
            figure = "could not measure: " + one_line(status.last_error or "no query", 120)
        lines.append(f"METRIC {printable(spec.name)}  {figure}")
    return lines


def _table(statuses: dict[str, ProbeStatus], triggers: dict[tuple[str, str], TriggerState], metric_lines=()) -> str:
    header = ("PROBE", "STATE", "STATUS", "LATENCY", "P50", "P95", "ERRORS", "LAST ERROR")
    rows = [header]
    for status in statuses.values():
        last = status.last_attempt
        rows.append((
            printable(status.name),
            status.state,
            str(last.status) if last and last.status is not None else "-",
            millis(last.latency_ms) if last and last.latency_ms is not None else "-",
            millis(status.p50) if status.p50 is not None else "-",
            millis(status.p95) if status.p95 is not None else "-",
            f"{status.error_rate * 100:.0f}%" if status.error_rate is not None else "-",
            one_line(status.last_error, 70) if status.last_error and status.state == "DOWN" else "",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    lines = (lines if statuses else []) + list(metric_lines)
    for state in triggers.values():
        if state.state in ("firing", "pending"):
            lines.append(f"TRIGGER {printable(state.trigger)} [{printable(state.probe)}] {state.state}: {one_line(state.message, 160)}")
    return "\n".join(line.rstrip() for line in lines)


async def _drive(engines, once: bool, duration: float | None) -> None:
    if once:
        await asyncio.gather(*(engine.run_once() for engine in engines))
        return
    tasks = {asyncio.ensure_future(engine.run()) for engine in engines}
    try:
        done, _ = await asyncio.wait(tasks, timeout=duration, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # surface an engine crash instead of hiding it
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _fail(problems: list[Problem]) -> int:
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from launchpad.core.plan.plan import load_plan  # lazily: `--help` stays fast

    plan, problems = load_plan(args.plan)
    if plan is None or problems:
        return _fail(problems or [Problem(args.plan, None, "the plan cannot be loaded")])
    if not plan.probes and not plan.metrics:
        return _fail([Problem(plan.path, None, "the plan has no [[probe]] or [[metric]] tables",
                              'add one: [[probe]] with name = "api" and url = "https://api.example.com/health"')])
    if args.duration is not None and not args.duration > 0:
        return _fail([Problem(args.plan, None, f"--duration {args.duration:g} must be more than 0 seconds", "e.g. --duration 60")])

    from launchpad.engine.demo_service import DemoPortBusy, DemoService
    from launchpad.engine.probe_engine import ProbeEngine

    demo = None
    if plan.demo is not None:
        demo = DemoService(plan.demo)
        try:
            if demo.start() == "reused":
                print(f"demo service already running at {demo.url} (mode: {demo.mode}); probing it", file=sys.stderr)
        except OSError as error:
            hint = "stop the other program or set another `port` in [demo]" if isinstance(error, DemoPortBusy) else "check [demo] host and port"
            return _fail([Problem(plan.path, None, f"cannot start the demo service: {error}", hint)])

    clock = system_clock
    reporter = Reporter(sys.stdout, as_json=args.json, live=not args.once, clock=clock)
    engine = ProbeEngine(
        plan.probes, plan.triggers, env=os.environ, t0=clock(), clock=clock,
        on_attempt=reporter.attempt, on_trigger=reporter.trigger,
    )
    engines = [engine] if plan.probes else []
    metric_engine = None
    if plan.metrics:
        from launchpad.engine.metric_engine import MetricEngine

        metric_engine = MetricEngine(plan.metrics, plan.metric_triggers, env=os.environ, t0=clock(), clock=clock,
                                     on_sample=reporter.metric, on_trigger=reporter.trigger)
        engines.append(metric_engine)
    interrupted = False
    try:
        asyncio.run(_drive(engines, args.once, args.duration))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if demo is not None:
            demo.stop()

    statuses = engine.statuses()
    if reporter.broken:
        sys.stdout = open(os.devnull, "w")  # no "Exception ignored ... BrokenPipeError" at exit
    elif not args.json:
        triggers = engine.trigger_states()
        if metric_engine is not None:
            triggers.update(metric_engine.trigger_states())
        print(_table(statuses, triggers, _metric_lines(plan.metrics, metric_engine.statuses()) if metric_engine else ()))
    if interrupted:  # the table above, then the ending every command has (cli/main.py: one line, 130)
        raise KeyboardInterrupt
    unhealthy = any(status.state != "UP" for status in statuses.values())
    return 1 if unhealthy or reporter.fired else 0

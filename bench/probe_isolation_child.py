"""One headless cockpit for bench_probe_isolation.py:
python probe_isolation_child.py MODE URL PROBES SECONDS STALL_S EVERY_S WORKDIR INTERVAL_S TIMEOUT_S

The real LaunchpadApp and ProbeRuntime (Textual's headless driver, a 200x60 screen) with PROBES probes every
INTERVAL_S (deadline TIMEOUT_S) against URL. MODE `thread`: the engines on their own thread and loop (as shipped); MODE `ui-loop`: the same
code with the probe loop replaced by the UI loop (as before issue 13). Every EVERY_S seconds the UI loop is
blocked for STALL_S (a long layout, a slow terminal; 0 for none). Prints one JSON line:
  attempts, timeouts, failures, start delays; journal flips and trigger entries; the UI loop's lag and the
  probe loop's lag (50 ms sleeps, overshoot); garbage collection pauses per generation (gc.callbacks); the
  process's CPU over the measured window (start-up left out) and each thread's (schedstat).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import time
import tomllib
from concurrent.futures import Future
from datetime import datetime, timedelta, timezone
from pathlib import Path

LAG_STEP = 0.05


def thread_cpu() -> dict[str, float]:
    """Each live thread's exact CPU seconds (/proc/self/task/*/schedstat), by Python thread name (pool workers
    share a name stem, so their figures add up)."""
    import threading

    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    seen: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            seconds = int((task / "schedstat").read_text().split()[0]) / 1e9
        except OSError:
            continue
        name = names.get(int(task.name), "other")
        name = name.rsplit("_", 1)[0] if name.rsplit("_", 1)[-1].isdigit() else name
        seen[name] = seen.get(name, 0.0) + seconds
    return seen


class OnUiLoop:
    """The probe 'thread' as it was before: the engines on the loop that runs the screen."""

    def __init__(self, name: str):
        self.loop = None

    def start(self) -> None:
        self.loop = asyncio.get_running_loop()

    def submit(self, coroutine) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def stop(self, timeout=None) -> None:
        pass


def plan_text(url: str, probes: int, interval: float, timeout: float) -> str:
    blocks = "".join(f'\n[[probe]]\nname = "svc-{index:03d}"\nurl = "{url}/ok/{index}"\n'
                     f'interval = "{round(interval * 1000)}ms"\ntimeout = "{round(timeout * 1000)}ms"\n'
                     for index in range(probes))
    return (f'[launch]\nname = "Probe isolation bench"\n{blocks}\n'
            '[[trigger]]\nname = "Health check failures > 3 consecutive"\nkind = "consecutive_failures"\nabove = 3\n\n'
            '[[trigger]]\nname = "Error rate > 5%"\nkind = "error_rate"\nabove = "5%"\n')


async def lag(samples: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(LAG_STEP)
        samples.append((loop.time() - before - LAG_STEP) * 1000.0)


async def main(mode: str, url: str, probes: int, seconds: float, stall: float, every: float, workdir: str,
               interval: float, timeout: float) -> None:
    import launchpad.engine.loop_thread as loop_thread
    from launchpad.core.plan.plan import load_plan
    from launchpad.shell.probes import ProbeRuntime
    from launchpad.shell.session import LiveSession
    from launchpad.tui.app import LaunchpadApp

    if mode == "ui-loop":
        loop_thread.LoopThread = OnUiLoop
    work = Path(workdir)
    plan_path = work / "plan.toml"
    plan_path.write_text(plan_text(url, probes, interval, timeout), encoding="utf-8")
    plan, problems = load_plan(plan_path, env={})
    assert plan is not None and not problems, problems
    session = LiveSession.start(plan, work / "s.toml", t0=datetime.now(timezone.utc) + timedelta(hours=2), actor="bench")
    runtime = ProbeRuntime(session, start_demo=False, env={})
    attempts: list[tuple] = []
    original = runtime._on_attempt

    def on_attempt(attempt) -> None:
        attempts.append((attempt.ok, attempt.error_kind, attempt.start_delay_ms or 0.0))
        original(attempt)

    runtime._on_attempt = on_attempt
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append((time.perf_counter() - started[0]) * 1000.0)

    app = LaunchpadApp(session, probes=runtime)
    ui_lag: list[float] = []
    probe_lag: list[float] = []
    stop = asyncio.Event()
    async with app.run_test(size=(200, 60)) as pilot:
        for _ in range(600):
            if runtime.leader:
                break
            await asyncio.sleep(0.05)
        asyncio.get_running_loop().create_task(lag(ui_lag, stop))
        gc.callbacks.append(on_gc)  # the running cockpit's collections (start-up runs with collection off)
        if mode == "thread":
            probe_stop = asyncio.Event()
            runtime._thread.submit(lag(probe_lag, probe_stop))
        if stall > 0:
            app.set_interval(every, lambda: time.sleep(stall))
        window_start, threads_start, cpu_start = time.perf_counter(), thread_cpu(), os.times()
        await asyncio.sleep(seconds)
        stop.set()
        gc.callbacks.remove(on_gc)
        cpu, threads_end, window = os.times(), thread_cpu(), time.perf_counter() - window_start
        hops, posted = runtime._hop.hops, runtime._hop.posted
        await asyncio.sleep(0.5)  # the writer thread finishes what it was given
        if mode == "ui-loop":
            probe_lag = ui_lag
        entries = tomllib.loads((work / "s.toml").read_text(encoding="utf-8")).get("entry", [])
        states = [entry for entry in entries if entry["kind"] == "probe"]
        ups = {entry["target"] for entry in states if entry["payload"]["state"] == "UP"}
        result = {
            "mode": mode, "attempts": len(attempts),
            "timeouts": sum(1 for ok, kind, _ in attempts if kind == "timeout"),
            "failures": sum(1 for ok, _, _ in attempts if not ok),
            "start_delays_ms": [delay for _, _, delay in attempts],
            "flips": len(states) - len(ups), "downs": sum(1 for entry in states if entry["payload"]["state"] == "DOWN"),
            "alarms": sum(1 for entry in entries if entry["kind"] == "trigger"
                          and entry["payload"]["state"] in ("pending", "firing")),
            "ui_lag_ms": ui_lag, "probe_lag_ms": probe_lag, "gc_ms": {str(gen): v for gen, v in pauses.items()},
            "hops": hops, "posted": posted, "cpu_s": cpu.user + cpu.system,
            # the steady state: the process's CPU over the measured window only (start-up left out), and by thread
            "window_s": window, "window_cpu_s": cpu.user + cpu.system - cpu_start.user - cpu_start.system,
            "threads_cpu_s": {name: seconds - threads_start.get(name, 0.0) for name, seconds in threads_end.items()},
        }
        # No teardown: the ui-loop stand-in has no thread of its own, and stopping it would cancel the screen.
        print(json.dumps(result), flush=True)
        os._exit(0)


if __name__ == "__main__":
    mode, url, probes, seconds, stall, every, workdir, interval, timeout = sys.argv[1:10]
    asyncio.run(main(mode, url, int(probes), float(seconds), float(stall), float(every), workdir, float(interval),
                     float(timeout)))

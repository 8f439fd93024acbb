"""The probe table's UI cost at 200 probes every 1 s: this checkout's ProbeTable vs main's as it was before
branch tablerows (tests/functional/probe_table_before.py, or --baseline FILE: any probe_table.py), same run.

In this process, headless (Textual's Pilot, 200x60, the probes pane alone: ~58 rows in view): every probe gets a
new result each second (a new latency, so every row's trend changes; a few probes go DOWN and back, a few
triggers move), fed to the pane as the cockpit's publishes do: ten batches a second, one tenth of the probes
each, paced on the wall clock. The statuses are computed before timing (core's fold is not the table's figure).
Figure: the UI thread's CPU (time.thread_time: the app and the feeding run on this thread's loop) in ms per
second of updates, over --seconds after one second of warm-up; the same app with the same table and no
results (idle) is shown as the floor, and "net" is above that floor. Runs alternate the two tables; medians
over --runs; the machine's load average beside them.

    python bench/bench_probe_table.py [--probes 200 --seconds 5 --runs 3 --baseline FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = ROOT / "tests" / "functional" / "probe_table_before.py"
T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
BATCHES = 10  # publishes a second


def load_table(path: Path):
    spec = importlib.util.spec_from_file_location("probe_table_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ProbeTable


def feeds(probes: int, seconds: int):
    """[second][batch] -> [(kind, payload)]: statuses and trigger states, computed once for both tables."""
    from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
    from launchpad.core.probes.triggers import TriggerState

    names = [f"svc-{index:03d}.example.internal" for index in range(probes)]
    statuses = {name: ProbeStatus(name) for name in names}
    plan = []
    for second in range(seconds):
        batches = [[] for _ in range(BATCHES)]
        for index, name in enumerate(names):
            ok = (index + second) % 37 != 0  # a few attempts fail each second: DOWN, error rate, fails
            latency = 20.0 + (index * 7 + second * 13) % 90
            attempt = Attempt(name, T0 + timedelta(seconds=second), ok, 200 if ok else 503, latency / 2, latency,
                              None if ok else "status", None if ok else f"status 503 at second {second}")
            statuses[name] = apply_attempt(statuses[name], attempt)
            batch = batches[index % BATCHES]
            batch.append(("status", statuses[name]))
            if index % 23 == 0:
                state = ("ok", "pending", "firing", "resolved")[(second + index) % 4]
                batch.append(("trigger", TriggerState("Error rate > 5%", name, state, 0.05, None, "5%")))
        plan.append(batches)
    return names, plan


async def run_one(table_class, names, plan, seconds: int, fed: bool) -> float:
    """UI-thread CPU ms per second, over `seconds` after the first second of `plan` (warm-up)."""
    from textual.app import App

    from launchpad.core.probes.probe_config import ProbeSpec
    from launchpad.tui.widgets import probe_table
    from launchpad.tui.widgets.probes_pane import ProbesPane

    probe_table.ProbeTable = table_class  # ProbesPane imports it when composed
    specs = [ProbeSpec(name, "http://127.0.0.1/") for name in names]

    class Host(App):
        def compose(self):
            yield ProbesPane(specs)

    app = Host()
    async with app.run_test(size=(200, 60)) as pilot:
        pane = app.query_one(ProbesPane)
        assert app.query_one(table_class).size.height > 50
        await pilot.pause()
        loop = asyncio.get_running_loop()
        start_wall = loop.time()
        cpu = 0.0
        for second, batches in enumerate(plan[: seconds + 1]):
            if second == 1:
                cpu = time.thread_time()
            for number, batch in enumerate(batches):
                if fed:
                    for kind, payload in batch:
                        if kind == "status":
                            pane.show(payload.name, payload)
                        else:
                            pane.show_trigger(payload)
                await asyncio.sleep(max(0.0, start_wall + second + (number + 1) / BATCHES - loop.time()))
        cpu = time.thread_time() - cpu
    return cpu * 1000 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=BEFORE, help="a probe_table.py to compare with")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from launchpad.tui.widgets.probe_table import ProbeTable

    tables = {"this checkout": ProbeTable, "baseline": load_table(args.baseline)}
    names, plan = feeds(args.probes, args.seconds + 1)
    load_before = os.getloadavg()
    results = {(label, fed): [] for label in tables for fed in (True, False)}
    for run in range(args.runs):
        for label, table in (tables.items() if run % 2 == 0 else reversed(tables.items())):
            for fed in (True, False):
                results[label, fed].append(asyncio.run(run_one(table, names, plan, args.seconds, fed)))
    load_after = os.getloadavg()
    median = {key: statistics.median(values) for key, values in results.items()}
    print(f"probe table, {args.probes} probes at 1 s, headless 200x60, {args.seconds} s x {args.runs} runs "
          f"(load {load_before[0]:.1f} -> {load_after[0]:.1f}); baseline: {args.baseline}")
    for label in tables:
        fed, idle = median[label, True], median[label, False]
        print(f"  {label:14} UI thread {fed:6.1f} ms/s with results (runs: "
              f"{', '.join(f'{value:.1f}' for value in results[label, True])}), idle {idle:5.1f} ms/s, "
              f"net {fed - idle:6.1f} ms/s")
    new, old = median["this checkout", True], median["baseline", True]
    net_new = new - median["this checkout", False]
    net_old = old - median["baseline", False]
    print(f"  ratio this checkout / baseline: {new / old:.2f}x with results; net {net_new / net_old:.2f}x")


if __name__ == "__main__":
    main()

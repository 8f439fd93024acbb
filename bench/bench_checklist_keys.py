"""The cockpit's UI cost at 100,000 checklist items: first frame and every kind of key, against the same cockpit
on a 100-item plan of the same shape, in the same run. Target (issue 13, item 4): first frame < 3 s and any
key < 100 ms at 100,000 items ("render only what is visible").

The plans are generated (tests/scale/scale_inputs.py) and parsed once before timing: parsing is the plan
loader's figure (bench_parse.py, bench_scale.py), not the screen's. Each cockpit runs in this process,
headless (Textual's Pilot, 200x60): the figure is from the key's arrival until it and the messages it set off
are handled and the frame is composed (every widget's visible lines rendered); writing the escape codes to a terminal is not
counted (bench_keystroke.py times that on a pty). First frame: from the app's start until its first
`call_after_refresh`. The last row is the once-a-second tick (clocks, timeline, owners, counts) by itself: what an
idle cockpit pays every second at that size. Medians over --runs fresh cockpits; the machine's load average beside them.

    python bench/bench_checklist_keys.py [--items 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scale.scale_inputs import T0, write_plan  # noqa: E402

KEY_TARGET_MS = 100.0
FRAME_TARGET_S = 3.0
# (name, keys pressed before it untimed, the timed key)
KEYS = [
    ("cursor down", [], "down"),
    ("page down", [], "pagedown"),
    ("end", [], "end"),
    ("home", [], "home"),
    ("fold (enter)", ["down"], "enter"),
    ("unfold (enter)", [], "enter"),
    ("tick (space)", ["down", "down", "down"], "space"),
    ("owner filter (o)", [], "o"),
    ("clear filters (c)", [], "c"),
    ("open search (/)", [], "slash"),
    ("search: 1st letter", [], "d"),
    ("search: 2nd letter", [], "r"),
    ("search: 3rd letter", [], "a"),
    ("search: backspace", [], "backspace"),
    ("search: escape", [], "escape"),
    ("tab: timeline (1)", [], "1"),
    ("tab: checklist (2)", [], "2"),
]


def load(items: int, folder: Path):
    from launchpad.core.plan.plan import load_plan

    plan, problems = load_plan(write_plan(folder / f"plan-{items}", items), env={})
    assert plan is not None and not problems, problems
    return plan


async def timed_key(pilot, key: str) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) from the key reaching the app until it and what it set off (messages, a journal write and its
    redraw) are handled and the frame with its effect is composed. Pilot's own `press` and `pause` also wait
    for the whole machine to fall idle, which on a loaded machine measures the other processes."""
    from textual import events

    app = pilot.app
    char = key if len(key) == 1 else {"space": " ", "slash": "/"}.get(key)
    began, cpu = time.perf_counter(), time.process_time()
    app._driver.send_message(events.Key({"/": "slash", " ": "space"}.get(key, key), char))
    for _ in range(3):  # the key, the messages its handler posts, and theirs
        await pilot._wait_for_screen()
    await app.journal_settled()  # a tick is drawn once it is on disk
    await pilot._wait_for_screen()
    app.screen._on_timer_update()  # compose the frame now (render every changed line)
    return (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000


TICK = "each second (clocks)"


def timed_ticks(app, count: int = 20) -> tuple[float, float]:
    """(wall ms, CPU ms) of one once-a-second tick (clocks, timeline, owners, counts), the mean of `count`: what
    an idle cockpit pays every second, and how long it holds the keys back."""
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        app.tick()
    return (time.perf_counter() - began) * 1000 / count, (time.process_time() - cpu) * 1000 / count


async def one_cockpit(plan, folder: Path) -> tuple[float, dict[str, tuple[float, float]]]:
    from launchpad.shell.session import LiveSession
    from launchpad.tui.app import LaunchpadApp

    now = T0 - timedelta(hours=1)
    path = folder / f"s-{time.perf_counter_ns()}.session.toml"
    live = LiveSession.start(plan, path, t0=T0, actor="bench", clock=lambda: now)
    first = asyncio.get_running_loop().create_future()
    original = LaunchpadApp.on_mount

    def on_mount(app) -> None:
        app.call_after_refresh(lambda: first.done() or first.set_result(time.perf_counter()))
        original(app)

    LaunchpadApp.on_mount = on_mount
    try:
        app = LaunchpadApp(live, clock=lambda: now)
        start = time.perf_counter()
        timings: dict[str, tuple[float, float]] = {}
        async with app.run_test(size=(200, 60)) as pilot:
            frame = await first - start
            await pilot.press("2")
            await pilot.pause()
            for name, before, key in KEYS:
                for untimed in before:
                    await pilot.press(untimed)
                await pilot.pause()
                timings[name] = await timed_key(pilot, key)
            timings[TICK] = timed_ticks(app)
        return frame, timings
    finally:
        LaunchpadApp.on_mount = original
        live.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--baseline-items", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        big = load(args.items, folder)
        parsed = time.perf_counter() - began
        small = load(args.baseline_items, folder)
        results: dict[str, list] = {"big": [], "small": []}
        for _ in range(args.runs):  # alternate, so drifting machine load hits both alike
            for name, plan in (("small", small), ("big", big)):
                results[name].append(asyncio.run(one_cockpit(plan, folder)))
    load_after = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"medians over {args.runs} fresh cockpits each (the {args.items:,}-item plan parsed once in {parsed:.1f} s, not counted)")
    frame = statistics.median(run[0] for run in results["big"])
    base = statistics.median(run[0] for run in results["small"])
    print(f"first frame: {args.items:,} items {frame * 1000:8.1f} ms   {args.baseline_items} items {base * 1000:7.1f} ms   "
          f"{frame / base:5.2f}x   target < {FRAME_TARGET_S:g} s  {'MET' if frame < FRAME_TARGET_S else 'MISSED'}")
    worst = worst_cpu = 0.0
    print(f"  {'key':<20} {'wall ' + format(args.items, ','):>14} {'baseline':>10} {'ratio':>6}   {'CPU':>8} {'baseline':>9} {'ratio':>6}")
    for name in [name for name, _, _ in KEYS] + [TICK]:
        figure, cpu = (statistics.median(run[1][name][i] for run in results["big"]) for i in (0, 1))
        baseline, base_cpu = (statistics.median(run[1][name][i] for run in results["small"]) for i in (0, 1))
        worst, worst_cpu = max(worst, figure), max(worst_cpu, cpu)
        print(f"  {name:<20} {figure:11.1f} ms {baseline:7.1f} ms {figure / baseline:5.2f}x   {cpu:5.1f} ms "
              f"{base_cpu:6.1f} ms {cpu / max(base_cpu, 0.1):5.2f}x")
    print(f"slowest key at {args.items:,} items: {worst:.1f} ms wall ({worst_cpu:.1f} ms CPU, the cost on an idle "
          f"machine)   target < {KEY_TARGET_MS:g} ms   {'MET' if worst < KEY_TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()

"""Benchmark replay: python bench/bench_replay.py [--hours 84] [--seeks 300] [--runs 3] [--frames 200]

1. seeking a ~100k-entry session (a simulated launch with 20 probes): ReplayCursor.seek to random instants,
   forwards and backwards, vs the state rebuilt at the same instant from the nearest checkpoint
   (ReplayIndex.state_at: one checkpoint + at most 256 applies); a refold from the first entry
   (journal.fold, no checkpoint) is printed as a reference only. Medians over --runs. target < 100 ms
2. the replay UI at 3600x on that session: frame time (advance + fold + redraw + screen update) p50/p95,
   vs a frame that only moves the clocks (what the live cockpit does every second) — target p95 < 50 ms
3. the probe history: bytes a 28-hour session with 20 probes at a 5 s interval journals with per-minute
   folds, vs one `probe` entry per attempt — target < 20 MB
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from launchpad.core.journal.journal import entry_to_toml, fold, make_entry  # noqa: E402
from launchpad.core.plan.plan import load_plan  # noqa: E402
from launchpad.core.probes.probe_history import KIND, MinuteFolder  # noqa: E402
from launchpad.core.journal.replay import ReplayCursor, ReplayIndex  # noqa: E402
from launchpad.core.journal.simulate import session_text, simulate  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def line(name: str, figure: str, baseline: str, ratio: float | None, target: str, ok: bool | None) -> None:
    ratio_text = f"{ratio:.3g}x" if ratio is not None else "-"
    verdict = "" if ok is None else ("OK" if ok else "MISSED")
    print(f"{name:<38} {figure:>12}  baseline {baseline:>12}  ratio {ratio_text:>8}  target {target:<10} {verdict}")


def twenty_probe_plan():
    plan, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems, problems
    first = plan.probes[0]
    probes = tuple(plan.probes) + tuple(dataclasses.replace(first, name=f"svc-{n:02d}", interval=5.0)
                                        for n in range(20 - len(plan.probes)))
    return dataclasses.replace(plan, probes=probes)


def build_session(directory: str, hours: float):
    plan = twenty_probe_plan()
    simulation = simulate(plan, seed=7, hours=hours, probe_from=None)
    path = os.path.join(directory, "big.session.toml")
    Path(path).write_text(session_text(simulation), encoding="utf-8")
    from launchpad.store.session_file import load_session

    start = time.perf_counter()
    header, entries, report = load_session(path)
    loaded = time.perf_counter() - start
    assert report.clean and len(entries) == len(simulation.entries)
    print(f"session: {len(entries):,} entries, {os.path.getsize(path) / 1e6:.1f} MB, 20 probes, {hours:g} h "
          f"(loaded in {loaded:.2f} s)")
    return path, header, entries, plan


def seek_round(index, seeks: int, seed: int) -> dict:
    """One series of random seeks, each timed twice on the same instant: the cursor, and the baseline."""
    rng = random.Random(seed)
    span = (index.end - index.start).total_seconds()
    cursor = ReplayCursor(index)
    mine: list[float] = []
    base: list[float] = []
    backwards = 0
    for _ in range(seeks):
        moment = index.start + timedelta(seconds=rng.random() * span)
        backwards += moment < cursor.moment
        start = time.perf_counter()
        cursor.seek(moment)
        mine.append(time.perf_counter() - start)
        start = time.perf_counter()
        expected = index.state_at(moment)
        base.append(time.perf_counter() - start)
        assert cursor.state == expected
    figures = {"backwards": backwards}
    for name, fraction in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        figures[name] = percentile(mine, fraction) * 1e3
        figures["base_" + name] = percentile(base, fraction) * 1e3
    return figures


def bench_seek(header, entries, plan, seeks: int, runs: int) -> None:
    start = time.perf_counter()
    index = ReplayIndex(header, entries, planned_holds=plan.holds)
    built = time.perf_counter() - start
    print(f"{'index build (checkpoints every ' + str(index.every) + ')':<38} {built * 1e3:>9.0f} ms  (once, when the replay opens)")
    rounds = [seek_round(index, seeks, 11 + number) for number in range(runs)]
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    for name in ("p50", "p95", "max"):
        mine, base = median[name], median["base_" + name]
        line(f"seek {name} ({seeks} random x {runs} runs)", f"{mine:.2f} ms", f"{base:.2f} ms", mine / base,
             "< 100 ms", mine < 100)
    print(f"{'':<38} (medians over runs; {median['backwards']:.0f} of {seeks} seeks went back; baseline: the")
    print(f"{'':<38}  state rebuilt at the same instant from the nearest checkpoint, ReplayIndex.state_at:")
    print(f"{'':<38}  one checkpoint + at most {index.every} applies; the ratio is what the cursor adds or saves)")
    rng = random.Random(5)
    span = (index.end - index.start).total_seconds()
    folds: list[float] = []
    for _ in range(9):
        moment = index.start + timedelta(seconds=rng.random() * span)
        start = time.perf_counter()
        expected = fold(header, entries, upto=moment)
        folds.append(time.perf_counter() - start)
        assert index.state_at(moment) == expected
    print(f"{'':<38} (for reference, journal.fold from the first entry with no checkpoint: median "
          f"{statistics.median(folds) * 1e3:.0f} ms of 9)")


async def _frames(path: str, header, entries, plan, frames: int, speed: float) -> list[float]:
    from launchpad.tui.replay import ReplayApp, ReplaySession

    session = ReplaySession(path, header, entries, plan, start=header.t0 - timedelta(hours=3))
    app = ReplayApp(session, speed=speed, playing=False)
    times: list[float] = []
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        app.frame_timer.stop()  # frames are driven here, one at a time, to time each
        app.playing = True
        for _ in range(frames):
            start = time.perf_counter()
            app.frame()
            await pilot._wait_for_screen()
            app.screen._on_timer_update()  # the compositor draws the frame
            times.append(time.perf_counter() - start)
        app.playing = False
    return times


def bench_ui(path: str, header, entries, plan, frames: int) -> None:
    fast = asyncio.run(_frames(path, header, entries, plan, frames, 3600))
    slow = asyncio.run(_frames(path, header, entries, plan, max(20, frames // 4), 1))
    for name, fraction in (("p50", 0.5), ("p95", 0.95)):
        mine, base = percentile(fast, fraction) * 1e3, percentile(slow, fraction) * 1e3
        line(f"UI frame at 3600x {name} ({frames} frames)", f"{mine:.1f} ms", f"{base:.1f} ms", mine / base,
             "p95 < 50 ms" if name == "p95" else "-", mine < 50 if name == "p95" else None)
    print(f"{'':<38} (200x60 screen, 10 frames/s, each moving 6 min of journal; baseline: the same replay at 1x,")
    print(f"{'':<38}  where a frame only moves the clocks, as the live cockpit's once-a-second redraw does)")


def bench_history_size() -> None:
    """28 h x 20 probes x one attempt every 5 s: folded per minute vs an entry per attempt."""
    start = datetime(2026, 11, 21, 14, tzinfo=timezone.utc)
    attempts_per_probe = 28 * 3600 // 5
    rng = random.Random(5)
    folder = MinuteFolder()
    folded = 0
    raw_sample = 0
    seq = 0
    sample_every = 50
    for step in range(attempts_per_probe):
        at = start + timedelta(seconds=5 * step)
        for probe in range(20):
            ok = rng.random() > 0.01
            latency = rng.uniform(20, 400)
            for minute in folder.add(f"probe-{probe:02d}", at, ok, latency):
                seq += 1
                folded += len(entry_to_toml(make_entry(seq, at, "cockpit", KIND, minute.probe, minute.payload())))
            if step % sample_every == 0:
                raw = make_entry(seq, at, "cockpit", "probe", f"probe-{probe:02d}",
                                 {"state": "UP" if ok else "DOWN", "status": 200, "latency_ms": round(latency, 1)})
                raw_sample += len(entry_to_toml(raw))
    for minute in folder.flush():
        seq += 1
        folded += len(entry_to_toml(make_entry(seq, start, "cockpit", KIND, minute.probe, minute.payload())))
    raw_total = raw_sample * sample_every
    line("probe history, 28 h x 20 probes @5 s", f"{folded / 1e6:.1f} MB", f"{raw_total / 1e6:.0f} MB",
         folded / raw_total, "< 20 MB", folded < 20e6)
    print(f"{'':<38} ({seq:,} probe_minute entries; baseline: one `probe` entry per attempt, "
          f"{attempts_per_probe * 20:,} of them, sized from a 1-in-{sample_every} sample)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=84.0, help="simulated hours (84 h x 20 probes = ~100k entries)")
    parser.add_argument("--seeks", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3, help="seek series (different instants); medians reported")
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f} (1/5/15 min)")
    with tempfile.TemporaryDirectory(prefix="bench-replay-", dir=os.getcwd()) as directory:
        path, header, entries, plan = build_session(directory, args.hours)
        bench_seek(header, entries, plan, args.seeks, args.runs)
        bench_ui(path, header, entries, plan, args.frames)
    bench_history_size()
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}")


if __name__ == "__main__":
    main()

"""CPU per probe attempt, headless: python bench/bench_attempt_cost.py [--probes 200 --interval 1 --seconds 20 --runs 3]

Figure: the probe engine as the prober runs it (its triggers, plus the per-attempt work of shell/probes.py on
the probe thread: the minute fold and the live document, encoded at most ten times a second), N probes every
--interval s on its fixed grid against a fast server on 127.0.0.1 (a subprocess, so its CPU is not counted).
Baselines, same run, same grid: a lean bare-httpx loop, one task per probe sleeping to its slot and doing GET +
read on a client of its own (one shared SSL context), nothing else; and the same loop with each client's
connections kept by a ProbePool on httpcore's asyncio network backend (engine/probe_pool.py, asyncio_backend.py:
what the engine's clients use since session 4; the like-for-like floor, printed as the second ratio). The same
loop on ONE shared default AsyncClient (the way httpx is usually used) is printed as a reference: its pool costs more per request the more connections
it holds, and under load it falls behind.
Printed: CPU ms per attempt (process_time / attempts), the share of one core, the ratio, and garbage
collection pauses (gc.callbacks: count, p95, max, per generation) with the load average beside. Medians of --runs.
The issue 13 target for 200 probes at 1 s is <= 15 % of a core for the whole cockpit.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_probes import SEED_TRIGGERS, SERVER  # noqa: E402  (the same fast server and triggers)

from launchpad.core.probes.probe_config import ProbeSpec  # noqa: E402
from launchpad.core.probes.probe_history import MinuteFolder  # noqa: E402
from launchpad.engine.probe_engine import ProbeEngine, _on_asyncio  # noqa: E402
from launchpad.engine.schedule import FIRST_START_SPACING  # noqa: E402
from launchpad.shell.live_snapshot import LiveSnapshot  # noqa: E402


class GcPauses:
    """Collection pauses per generation, from gc.callbacks."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._start = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.pauses[info["generation"]].append((time.perf_counter() - self._start) * 1000.0)

    def __enter__(self) -> "GcPauses":
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self)

    def summary(self) -> dict:
        every = sorted(p for pauses in self.pauses.values() for p in pauses)
        full = sorted(self.pauses[2])
        return {"count": len(every), "p95": p95(every), "max": every[-1] if every else 0.0,
                "full": len(full), "full_max": full[-1] if full else 0.0}


def p95(values: list[float]) -> float:
    return values[max(0, -(-95 * len(values) // 100) - 1)] if values else 0.0


def specs(url: str, probes: int, interval: float) -> list[ProbeSpec]:
    return [ProbeSpec(name=f"probe-{i:03d}", url=f"{url}?probe={i}", interval=interval, timeout=5.0)
            for i in range(probes)]


async def engine_run(url: str, probes: int, interval: float, seconds: float) -> tuple[float, int, int]:
    """The engine with the prober's per-attempt work. Returns (cpu seconds, attempts, failures)."""
    folder, snapshot = MinuteFolder(), LiveSnapshot()
    changed = asyncio.Event()
    counts = [0, 0]

    def on_attempt(attempt) -> None:
        counts[0] += 1
        counts[1] += not attempt.ok
        folder.add(attempt.probe, attempt.at, attempt.ok, attempt.latency_ms)
        changed.set()

    engine = ProbeEngine(specs(url, probes, interval), SEED_TRIGGERS, env={}, t0=datetime.now(timezone.utc),
                         on_attempt=on_attempt, on_trigger=lambda *a: changed.set())

    async def publish() -> None:  # what ProbeRuntime._publish does on the probe thread, without the file write
        while True:
            await changed.wait()
            changed.clear()
            snapshot.update(engine.statuses(), list(engine.trigger_states().values()))
            snapshot.text("bench", os.getpid(), datetime.now(timezone.utc))
            await asyncio.sleep(0.1)

    await asyncio.to_thread(lambda: [engine._client_for(spec) for spec in engine.probes])  # as _probe does
    started = time.process_time()
    tasks = [asyncio.create_task(engine.run()), asyncio.create_task(publish())]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return time.process_time() - started, counts[0], counts[1]


async def on_grid(probes: int, interval: float, seconds: float, request) -> float:
    """`await request(i)` for each probe i on the engine's fixed grid (slots skipped when late) for `seconds`;
    returns the CPU seconds the process used meanwhile."""
    loop = asyncio.get_running_loop()
    spacing = min(FIRST_START_SPACING, interval / probes)

    async def probe(i: int) -> None:
        scheduled = loop.time() + i * spacing
        while True:
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            await request(i)
            scheduled += interval
            while scheduled < loop.time():
                scheduled += interval

    started = time.process_time()
    tasks = [asyncio.create_task(probe(i)) for i in range(probes)]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return time.process_time() - started


async def bare_run(url: str, probes: int, interval: float, seconds: float, *, own: bool = True,
                   lean: bool = False) -> tuple[float, int, int]:
    """The floor: one task per probe on the same grid, GET + read, nothing else; on a client per probe sharing
    one SSL context (`own`: what the engine does), its connections on the asyncio backend (`lean`: the engine's
    layer since session 4), or on one shared default client."""
    counts = [0, 0]
    context = httpx.create_ssl_context()

    def client() -> httpx.AsyncClient:
        made = httpx.AsyncClient(verify=context, limits=httpx.Limits(max_connections=2, max_keepalive_connections=1))
        return _on_asyncio(made, context) if lean else made

    clients = [client() for _ in range(probes)] if own else [httpx.AsyncClient()] * probes
    try:
        async def request(i: int) -> None:
            response = await clients[i].get(f"{url}?probe={i}")
            counts[0] += 1
            counts[1] += response.status_code != 200

        cpu = await on_grid(probes, interval, seconds, request)
        return cpu, counts[0], counts[1]
    finally:
        for client in set(clients):
            await client.aclose()


async def shared_run(url: str, probes: int, interval: float, seconds: float) -> tuple[float, int, int]:
    return await bare_run(url, probes, interval, seconds, own=False)


async def lean_run(url: str, probes: int, interval: float, seconds: float) -> tuple[float, int, int]:
    return await bare_run(url, probes, interval, seconds, lean=True)


def measure(run, url: str, args) -> dict:
    gc.collect()
    with GcPauses() as pauses:
        cpu, attempts, failures = asyncio.run(run(url, args.probes, args.interval, args.seconds))
    return {"cpu_ms": cpu / attempts * 1000 if attempts else float("nan"), "core": cpu / args.seconds,
            "attempts": attempts, "failures": failures, **{f"gc_{k}": v for k, v in pauses.summary().items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lean", action="store_true", help="skip the asyncio-backend baseline (main's code has none)")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{int(server.stdout.readline())}/health"
        load_before = os.getloadavg()[0]
        engine, bare, lean, shared = [], [], [], []
        for _ in range(args.runs):  # interleaved, so load drifts hit all alike
            engine.append(measure(engine_run, url, args))
            bare.append(measure(bare_run, url, args))
            if not args.no_lean:
                lean.append(measure(lean_run, url, args))
            shared.append(measure(shared_run, url, args))
    finally:
        server.stdin.close()
        server.wait()
    load_after = os.getloadavg()[0]

    def med(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    print(f"{args.probes} probes every {args.interval:g} s, {args.seconds:g} s x {args.runs} runs "
          f"(load average {load_before:.1f} -> {load_after:.1f}; medians)")
    for label, rows in (("engine", engine), ("bare httpx, a client per probe (baseline)", bare),
                        ("bare httpx, a client per probe on the asyncio backend (second baseline)", lean),
                        ("bare httpx, one shared default client (reference)", shared)):
        if not rows:
            continue
        print(f"  {label}:\n     {med(rows, 'cpu_ms'):.3f} ms CPU/attempt, {med(rows, 'core') * 100:.1f} % of a core, "
              f"{med(rows, 'attempts'):.0f} attempts ({med(rows, 'failures'):.0f} failed); GC {med(rows, 'gc_count'):.0f} "
              f"pauses p95 {med(rows, 'gc_p95'):.1f} ms max {med(rows, 'gc_max'):.1f} ms, "
              f"{med(rows, 'gc_full'):.0f} full (max {med(rows, 'gc_full_max'):.1f} ms)")
    def ratio(rows: list[dict]) -> float:
        return statistics.median(e["cpu_ms"] / b["cpu_ms"] for e, b in zip(engine, rows))

    share = med(engine, "core") * 100
    second = (f"; vs bare httpx on the asyncio backend {med(lean, 'cpu_ms'):.3f} ms: ratio {ratio(lean):.2f}x"
              if lean else "")
    print(f"figure {med(engine, 'cpu_ms'):.3f} ms/attempt, baseline {med(bare, 'cpu_ms'):.3f} ms (bare httpx, a client per probe): "
          f"ratio {ratio(bare):.2f}x{second} (vs one shared client {med(shared, 'cpu_ms'):.3f} ms: "
          f"{ratio(shared):.2f}x); engine {share:.1f} % of a core (issue 13: whole cockpit <= 15 % at 200 probes / 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

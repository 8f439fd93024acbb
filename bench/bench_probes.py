"""Probe engine benchmark: 500 probes at a 1 s interval against a local server.

Figures (targets from issue 3):
  1. share of attempts that start within 100 ms of their schedule      target >= 99%
  2. engine CPU time per attempt vs a bare httpx loop making the same
     number of requests in the same run (same client settings)          target <= 1.5x

The server runs in a SUBPROCESS so its CPU is not counted against the engine (process_time only sees
this process). Usage: python bench/bench_probes.py [--probes 500] [--seconds 30] [--repeat 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone

import httpx

from launchpad.core.probe_config import ProbeSpec, TriggerSpec
from launchpad.engine.probe_engine import ProbeEngine

SERVER = textwrap.dedent(
    """
    import asyncio, sys

    RESPONSE = (b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: 15\\r\\n"
                b"\\r\\n" b'{"status":"UP"}')

    class Http(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport
            self.buffer = b""
        def data_received(self, data):
            self.buffer += data
            while b"\\r\\n\\r\\n" in self.buffer:
                _, self.buffer = self.buffer.split(b"\\r\\n\\r\\n", 1)
                self.transport.write(RESPONSE)

    async def main():
        server = await asyncio.get_running_loop().create_server(Http, "127.0.0.1", 0, backlog=1024)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes stdin

    asyncio.run(main())
    """
)

SEED_TRIGGERS = [
    TriggerSpec(name="Error rate > 5%", kind="error_rate", above=0.05, window=300, min_samples=20),
    TriggerSpec(name="Response time > 3s for 5 minutes", kind="response_time", above=3.0, for_duration=300, min_samples=1),
    TriggerSpec(name="Health check failures > 3 consecutive", kind="consecutive_failures", above=3),
    TriggerSpec(name="Performance degradation > 50%", kind="degradation", above=0.5, baseline=1800, window=300, min_samples=5),
]


def make_client(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(limits=limits, follow_redirects=False)


async def bare_loop(url: str, requests: int, concurrency: int) -> tuple[float, int]:
    """The floor: `concurrency` workers doing nothing but GET + read, back to back."""
    async with make_client(concurrency) as client:
        await client.get(url)  # connect outside the measurement, like the engine's warm pool
        remaining = requests
        done = 0

        async def worker() -> None:
            nonlocal remaining, done
            while remaining > 0:
                remaining -= 1
                response = await client.get(url)
                response.read()
                if response.status_code == 200:
                    done += 1

        started = time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.process_time() - started, done


async def engine_run(url: str, probes: int, seconds: float, concurrency: int) -> tuple[float, list]:
    specs = [ProbeSpec(name=f"probe-{i:03d}", url=f"{url}?probe={i}", interval=1.0, timeout=5.0) for i in range(probes)]
    attempts: list = []
    async with make_client(concurrency) as client:
        await client.get(url)
        engine = ProbeEngine(specs, SEED_TRIGGERS, env={}, t0=datetime.now(timezone.utc), max_concurrency=concurrency,
                             on_attempt=attempts.append, client=client)
        started = time.process_time()
        task = asyncio.create_task(engine.run())
        await asyncio.sleep(seconds)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        cpu = time.process_time() - started
    return cpu, attempts


def one_round(port: int, args) -> dict:
    url = f"http://127.0.0.1:{port}/health"
    engine_cpu, attempts = asyncio.run(engine_run(url, args.probes, args.seconds, args.concurrency))
    bare_cpu, bare_done = asyncio.run(bare_loop(url, len(attempts), args.concurrency))
    delays = [a.start_delay_ms for a in attempts if a.start_delay_ms is not None]
    on_time = sum(1 for delay in delays if delay <= 100.0)
    failures = sum(1 for a in attempts if not a.ok)
    return {
        "attempts": len(attempts),
        "failures": failures,
        "on_time_share": on_time / len(delays) if delays else 0.0,
        "median_delay_ms": statistics.median(delays) if delays else float("nan"),
        "p99_delay_ms": sorted(delays)[int(0.99 * (len(delays) - 1))] if delays else float("nan"),
        "max_delay_ms": max(delays) if delays else float("nan"),
        "engine_cpu_per_attempt_ms": engine_cpu / len(attempts) * 1000 if attempts else float("nan"),
        "bare_cpu_per_request_ms": bare_cpu / bare_done * 1000 if bare_done else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=64, help="the engine's max_concurrency (default 64)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; medians are reported")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        rounds = []
        for number in range(args.repeat):
            result = one_round(port, args)
            rounds.append(result)
            ratio = result["engine_cpu_per_attempt_ms"] / result["bare_cpu_per_request_ms"]
            print(f"round {number + 1}: {result['attempts']} attempts ({result['failures']} failed), "
                  f"on time {result['on_time_share']:.2%}, CPU ratio {ratio:.2f}x", flush=True)
    finally:
        server.stdin.close()
        server.wait(timeout=5)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    share = median("on_time_share")
    engine_ms, bare_ms = median("engine_cpu_per_attempt_ms"), median("bare_cpu_per_request_ms")
    ratios = [r["engine_cpu_per_attempt_ms"] / r["bare_cpu_per_request_ms"] for r in rounds]
    ratio = statistics.median(ratios)
    print()
    print(f"machine: {os.cpu_count()} CPUs, 1-min load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"(the engine needs most of one core to itself at 500 attempts/s; other load skews the schedule figure)")
    print(f"setup: {args.probes} probes @ 1s interval for {args.seconds:g}s, max_concurrency {args.concurrency}, "
          f"4 seed triggers on every probe, server in a subprocess; {args.repeat} round(s), medians shown")
    print(f"[schedule] attempts started within 100 ms of schedule: {share:.2%} "
          f"(median delay {median('median_delay_ms'):.1f} ms, p99 {median('p99_delay_ms'):.1f} ms, "
          f"max {median('max_delay_ms'):.1f} ms)  target >= 99%  -> {'OK' if share >= 0.99 else 'MISSED'}")
    print(f"[cpu] engine {engine_ms:.3f} ms CPU/attempt vs bare httpx loop {bare_ms:.3f} ms CPU/request "
          f"(same run, same request count): ratio {ratio:.2f}x (median of {len(ratios)})  target <= 1.5x  "
          f"-> {'OK' if ratio <= 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

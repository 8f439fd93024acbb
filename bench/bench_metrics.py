"""Metric engine benchmark: 50 PromQL metrics at a 5 s interval against a real Prometheus for 60 s.

Figures (targets from issue 14):
  1. share of queries that start within 100 ms of their schedule          target >= 99%
  2. engine CPU time per query vs a bare httpx loop doing the same
     queries in the same run (GET /api/v1/query + decode the JSON answer)  target <= 1.5x

Prometheus (Debian's `prometheus` binary) and the demo service it scrapes every second run in SUBPROCESSES,
with steady traffic to the demo, so only the engine's (or the bare loop's) CPU is counted (process_time).
Usage: python bench/bench_metrics.py [--metrics 50] [--interval 5] [--seconds 60]
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
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.metrics.prom_server: the tests' launcher

from launchpad.core.probes.metric_config import MetricSpec, MetricTriggerSpec, SourceSpec  # noqa: E402
from launchpad.engine.metric_engine import MetricEngine  # noqa: E402
from tests.metrics.prom_server import BINARY_HINT, LocalPrometheus, prometheus_binary  # noqa: E402

DEMO = textwrap.dedent(
    """
    import sys, threading, time, urllib.request
    from launchpad.core.probes.probe_config import DemoSpec
    from launchpad.engine.demo_service import DemoService

    demo = DemoService(DemoSpec(port=0), seed=1)
    demo.start()
    demo.set_mode("failing")  # a mix of 200 and 5xx: every query has series to answer with
    print(demo.port, flush=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def traffic():
        while True:
            for path in ("/api/orders", "/checkout", "/health"):
                try:
                    opener.open(demo.url + path, timeout=5).read()
                except Exception:
                    pass
            time.sleep(0.02)

    threading.Thread(target=traffic, daemon=True).start()
    sys.stdin.read()  # until the parent closes stdin
    """
)

BASE_QUERIES = (
    '(sum(rate(demo_requests_total{{code=~"5.."}}[{w}])) or vector(0)) / sum(rate(demo_requests_total[{w}]))',
    'histogram_quantile(0.95, sum by (le) (rate(demo_request_duration_seconds_bucket[{w}])))',
    'sum by (path, code) (rate(demo_requests_total[{w}]))',
    'sum by (path) (rate(demo_request_duration_seconds_sum[{w}])) / sum by (path) (rate(demo_request_duration_seconds_count[{w}]))',
    'sum(increase(demo_requests_total[{w}]))',
)
WINDOWS = ("10s", "15s", "20s", "30s", "45s", "1m", "90s", "2m", "3m", "5m")


def queries(count: int) -> list[str]:
    return [BASE_QUERIES[i % len(BASE_QUERIES)].format(w=WINDOWS[(i // len(BASE_QUERIES)) % len(WINDOWS)]) for i in range(count)]


def make_client(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(limits=limits, follow_redirects=False, trust_env=False)


async def engine_run(address: str, args) -> tuple[float, list]:
    source = SourceSpec("bench", address)
    specs = [MetricSpec(name=f"metric-{i:02d}", query=query, source=source, interval=args.interval,
                        timeout=min(4.0, args.interval), unit="ratio")
             for i, query in enumerate(queries(args.metrics))]
    triggers = [MetricTriggerSpec(name="Error rate > 5%", kind="error_rate", metric=spec.name, above=0.05, for_duration=60)
                for spec in specs]
    samples: list = []
    async with make_client(args.concurrency) as client:
        await client.get(f"{address}/-/ready")  # connect outside the measurement, like a warm pool
        engine = MetricEngine(specs, triggers, env={}, t0=datetime.now(timezone.utc), max_concurrency=args.concurrency,
                              on_sample=samples.append, client=client)
        started = time.process_time()
        task = asyncio.create_task(engine.run())
        await asyncio.sleep(args.seconds)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        cpu = time.process_time() - started
    return cpu, samples


async def bare_loop(address: str, count: int, args) -> tuple[float, int]:
    """The floor: workers doing nothing but the same instant queries and decoding the answers, back to back."""
    texts = queries(args.metrics)
    url = f"{address}/api/v1/query"
    async with make_client(args.concurrency) as client:
        await client.get(f"{address}/-/ready")
        remaining, done = count, 0

        async def worker() -> None:
            nonlocal remaining, done
            while remaining > 0:
                remaining -= 1
                response = await client.get(url, params={"query": texts[remaining % len(texts)], "timeout": "4000ms"},
                                            headers={"Accept-Encoding": "identity"})
                if response.json().get("status") == "success":
                    done += 1

        started = time.process_time()
        await asyncio.gather(*(worker() for _ in range(min(args.concurrency, 8))))
        return time.process_time() - started, done


def wait_for_rates(address: str, within: float = 60.0) -> None:
    """Until Prometheus has scraped enough for a 10 s rate: from then on every query has series to answer with."""
    give_up = time.monotonic() + within
    while time.monotonic() < give_up:
        answer = httpx.get(f"{address}/api/v1/query", params={"query": "sum(rate(demo_requests_total[10s]))"},
                           trust_env=False).json()
        if answer.get("data", {}).get("result"):
            return
        time.sleep(0.5)
    raise RuntimeError("Prometheus never had data for a 10 s rate of the demo's requests")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metrics", type=int, default=50)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=64, help="the engine's max_concurrency (default 64)")
    args = parser.parse_args()
    binary = prometheus_binary()
    if binary is None:
        print(f"bench_metrics: no `prometheus` binary: {BINARY_HINT}", file=sys.stderr)
        return 2

    load_before = os.getloadavg()[0]
    demo = subprocess.Popen([sys.executable, "-c", DEMO], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    prometheus = None
    try:
        port = int(demo.stdout.readline())
        prometheus = LocalPrometheus(binary, [f"127.0.0.1:{port}"]).start()
        wait_for_rates(prometheus.url)
        engine_cpu, samples = asyncio.run(engine_run(prometheus.url, args))
        bare_cpu, bare_done = asyncio.run(bare_loop(prometheus.url, len(samples), args))
    finally:
        if prometheus is not None:
            prometheus.close()
        demo.stdin.close()
        demo.wait(timeout=10)

    delays = sorted(s.start_delay_ms for s in samples if s.start_delay_ms is not None)
    on_time = sum(1 for delay in delays if delay <= 100.0) / len(delays) if delays else 0.0
    unmeasured = sum(1 for s in samples if not s.measured)
    if unmeasured:
        kinds = sorted({(s.error_kind, s.error) for s in samples if not s.measured})[:3]
        print(f"could not measure: {kinds}")
    engine_ms = engine_cpu / len(samples) * 1000 if samples else float("nan")
    bare_ms = bare_cpu / bare_done * 1000 if bare_done else float("nan")
    ratio = engine_ms / bare_ms
    print(f"machine: {os.cpu_count()} CPUs, 1-min load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"setup: {args.metrics} metrics @ {args.interval:g}s for {args.seconds:g}s, a threshold trigger on each, "
          f"real Prometheus scraping the demo every 1s (both in subprocesses); {len(samples)} queries "
          f"({unmeasured} could not measure)")
    print(f"[schedule] queries started within 100 ms of schedule: {on_time:.2%} "
          f"(median delay {statistics.median(delays):.1f} ms, p99 {delays[int(0.99 * (len(delays) - 1))]:.1f} ms, "
          f"max {delays[-1]:.1f} ms)  target >= 99%  -> {'OK' if on_time >= 0.99 else 'MISSED'}")
    print(f"[cpu] engine {engine_ms:.3f} ms CPU/query vs bare httpx loop {bare_ms:.3f} ms CPU/query "
          f"(same run, same queries, {bare_done} of them): ratio {ratio:.2f}x  target <= 1.5x  "
          f"-> {'OK' if ratio <= 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

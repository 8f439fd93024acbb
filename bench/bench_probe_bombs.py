"""Compression bombs against a probe: time, peak memory and event-loop stall of one attempt, against the same request read
through httpx's own decoding (what the engine did before it decoded under the body limit), same run.

A server in a SUBPROCESS (so its memory is not counted) answers /bomb with 1 GiB of zeros in about 1 MB
of gzip (16 members), and /nested with one 1 GiB gzip stream gzipped again (`Content-Encoding: gzip, gzip`,
a few KB), as in the issue's reproducer. Peak
resident memory is sampled from /proc/self/statm every 2 ms; the stall is how late a 10 ms tick on the same
event loop ran (what a cockpit's keystrokes would wait).

Usage: python bench/bench_probe_bombs.py [--nested-baseline]
(the nested baseline inflates up to 1 GiB per network chunk: 2 GB of memory, tens of seconds; off by default)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timezone

import httpx

from launchpad.core.probes.probe_config import ProbeSpec
from launchpad.engine.probe_engine import ProbeEngine

LIMIT = 1024 * 1024
TIMEOUT = 3.0
PAGE = os.sysconf("SC_PAGE_SIZE")

SERVER = textwrap.dedent(
    """
    import sys, zlib
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    member = b"".join(packer.compress(bytes(1 << 20)) for _ in range(64)) + packer.flush()
    BOMB = member * 16  # 16 gzip members of 64 MiB: 1 GiB inside
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    INNER = b"".join(packer.compress(bytes(1 << 20)) for _ in range(1024)) + packer.flush()  # ONE 1 GiB stream
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    NESTED = packer.compress(INNER) + packer.flush()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args):
            pass
        def do_GET(self):
            body, coding = (BOMB, "gzip") if self.path == "/bomb" else (NESTED, "gzip, gzip")
            self.send_response(200)
            self.send_header("Content-Encoding", coding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # the client hanging up mid-body is the point

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], len(BOMB), len(NESTED), flush=True)
    server.serve_forever()
    """
)


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


async def ticker(stalls: list[float]) -> None:
    """What a cockpit's keys feel: how late a 10 ms tick on the same event loop runs."""
    loop = asyncio.get_running_loop()
    while True:
        due = loop.time() + 0.01
        await asyncio.sleep(0.01)
        stalls.append((loop.time() - due) * 1000)


async def measured(coroutine) -> tuple[str, float, float, float]:
    """(outcome, seconds, peak resident growth in MB, longest event-loop stall in ms) of one attempt."""
    stalls: list[float] = [0.0]
    ticking = asyncio.create_task(ticker(stalls))
    await asyncio.sleep(0.05)
    start = resident()
    peak = [start]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.002):
            peak[0] = max(peak[0], resident())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    try:
        outcome = await coroutine
        elapsed = time.perf_counter() - began
        await asyncio.sleep(0.03)  # let the ticker run once more: a block at the very end is a stall too
    finally:
        stop.set()
        sampler.join()
        ticking.cancel()
    return outcome, elapsed, (max(peak[0], resident()) - start) / 1e6, max(stalls)


async def httpx_decoding(url: str, client: httpx.AsyncClient) -> str:
    """The previous read: httpx inflates each network chunk whole, then the size is checked."""
    try:
        async with asyncio.timeout(TIMEOUT):
            async with client.stream("GET", url) as response:
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > LIMIT:
                        return f"too_large after {size} decoded bytes"
                return f"ok, {size} bytes"
    except TimeoutError:
        return "timeout (the deadline fired late: inflating is not interruptible)"


async def engine_attempt(url: str, client: httpx.AsyncClient) -> str:
    engine = ProbeEngine([ProbeSpec(name="bomb", url=url, timeout=TIMEOUT, interval=10.0)], [], env={},
                         t0=datetime.now(timezone.utc), client=client)
    (attempt,) = await engine.run_once()
    return f"{attempt.error_kind}: {attempt.error_message}"


async def with_client(read, url: str, warm_up: str):
    """Measure `read` with a client made beforehand (building its TLS context is not the response's doing),
    after one unmeasured read of `warm_up` (first-call costs are not the response's doing either)."""
    async with httpx.AsyncClient() as client:
        await read(warm_up, client)
        return await measured(read(url, client))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nested-baseline", action="store_true", help="also read the nested bomb through httpx")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        port, bomb_size, nested_size = (int(x) for x in server.stdout.readline().split())
        base = f"http://127.0.0.1:{port}"
        print(f"bodies: /bomb {bomb_size} bytes (1 GiB inside), /nested {nested_size} bytes; "
              f"limit {LIMIT} bytes, timeout {TIMEOUT:g}s")
        cases = [("bomb", True), ("nested", args.nested_baseline)]
        for path, with_baseline in cases:
            url = f"{base}/{path}"
            new = asyncio.run(with_client(engine_attempt, url, f"{base}/bomb"))
            print(f"[{path}] engine now: {new[1]:.2f}s, peak RSS +{new[2]:.1f} MB, loop stalled {new[3]:.0f} ms  -> {new[0]}")
            if with_baseline:
                old = asyncio.run(with_client(httpx_decoding, url, f"{base}/bomb"))
                print(f"[{path}] httpx decoding (before): {old[1]:.2f}s, peak RSS +{old[2]:.1f} MB, "
                      f"loop stalled {old[3]:.0f} ms  -> {old[0]}")
                memory = f"{old[2] / new[2]:.0f}x" if new[2] >= 0.1 else "no measurable growth now"
                print(f"[{path}] before/now: memory {memory}, time {old[1] / new[1]:.1f}x, "
                      f"longest stall {old[3] / max(new[3], 1):.1f}x")
    finally:
        server.kill()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

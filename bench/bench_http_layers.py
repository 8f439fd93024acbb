"""CPU per request at each layer under httpx, on the probes' grid: python bench/bench_http_layers.py [--probes 200 --interval 1 --seconds 8 --runs 3]

Where a probe request's CPU goes, layer by layer, each one task per probe sleeping to its slot on the same fixed
grid as the engine, a client or connection per probe (one shared SSL context), against a fast server on 127.0.0.1
in a subprocess (its CPU is not counted); connections are made before the window. Layers:
  get            AsyncClient.get(url): the usual httpx call (the baseline: ratios are against it)
  send           AsyncClient.send(request built once, stream=True) + raw body: what the engine calls
  transport      AsyncHTTPTransport.handle_async_request(request built once)
  pool           httpcore AsyncConnectionPool.handle_async_request(httpcore.Request built once), anyio backend
  pool-asyncio   the same pool on engine/asyncio_backend.py
  send-engine    AsyncClient.send as the engine's clients did it in session 4: ProbePool + asyncio backend
  transport-engine  the engine's transport (ProbePool + asyncio backend) called directly, without AsyncClient.send
                 (its cookie jar, auth and redirect layers, BoundAsyncStream): what the engine does since session 5
  conn-asyncio   one httpcore AsyncHTTPConnection per probe on the asyncio backend, no pool at all
  raw            asyncio streams writing the request bytes and reading the fixed answer: no HTTP library (the floor
                 of the event loop and the sockets, for reference only: nothing a probe could ship)
Printed: CPU ms per request (process_time / requests), medians of --runs (interleaved), the ratio to `get`, load.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
from pathlib import Path

import httpcore
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_attempt_cost import on_grid  # noqa: E402  (the same grid)
from bench_probes import SERVER  # noqa: E402  (the same fast server)

from launchpad.engine.asyncio_backend import AsyncioBackend  # noqa: E402
from launchpad.engine.probe_engine import ACCEPT_ENCODING, _on_asyncio  # noqa: E402

LAYERS = ("get", "send", "transport", "pool", "pool-asyncio", "send-engine", "transport-engine", "conn-asyncio", "raw")


async def drain(stream) -> None:
    async for _ in stream:
        pass


def requester(layer: str, url: str, index: int, context, backend):
    """(one request, cleanup) for one probe at `layer`; connections are opened by the first request."""
    target = f"{url}?probe={index}"
    headers = {"Accept-Encoding": ACCEPT_ENCODING}
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=1)
    client = httpx.AsyncClient(verify=context, limits=limits)
    if layer in ("send-engine", "transport-engine"):
        _on_asyncio(client, context)
    request = client.build_request("GET", target, headers=headers)
    core_request = httpcore.Request("GET", httpcore.URL(scheme=b"http", host=request.url.raw_host,
                                                        port=request.url.port, target=request.url.raw_path),
                                    headers=request.headers.raw)
    transport = client._transport
    if layer == "pool-asyncio":
        transport._pool = httpcore.AsyncConnectionPool(ssl_context=context, max_connections=2,
                                                       max_keepalive_connections=1, network_backend=backend)
    connection = httpcore.AsyncHTTPConnection(httpcore.Origin(b"http", request.url.raw_host, request.url.port),
                                              ssl_context=context, network_backend=backend)
    streams: list = []

    async def one() -> None:
        if layer == "get":
            await client.get(target, headers=headers)
        elif layer in ("send", "send-engine"):
            response = await client.send(request, stream=True)
            try:
                await drain(response.aiter_raw())
            finally:
                await response.aclose()
        elif layer in ("transport", "transport-engine"):
            response = await transport.handle_async_request(request)
            try:
                await drain(response.stream)
            finally:
                await response.aclose()
        elif layer in ("pool", "pool-asyncio", "conn-asyncio"):
            response = await (connection if layer == "conn-asyncio" else transport._pool).handle_async_request(core_request)
            try:
                await drain(response.stream)
            finally:
                await response.aclose()
        else:
            if not streams:
                streams.extend(await asyncio.open_connection(request.url.host, request.url.port))
            reader, writer = streams
            writer.write(b"GET " + request.url.raw_path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]))

    async def close() -> None:
        await client.aclose()
        await connection.aclose()
        if streams:
            streams[1].close()

    return one, close


async def run(layer: str, url: str, probes: int, interval: float, seconds: float) -> tuple[float, int]:
    context, backend = httpx.create_ssl_context(), AsyncioBackend()
    pairs = [requester(layer, url, index, context, backend) for index in range(probes)]
    await asyncio.gather(*(one() for one, _ in pairs))  # connections made outside the window
    count = [0]

    async def request(index: int) -> None:
        await pairs[index][0]()
        count[0] += 1

    gc.collect()
    cpu = await on_grid(probes, interval, seconds, request)
    for _, close in pairs:
        await close()
    return cpu / max(1, count[0]) * 1000.0, count[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layers", default=",".join(LAYERS))
    args = parser.parse_args()
    layers = args.layers.split(",")
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{int(server.stdout.readline())}/health"
        load_before = os.getloadavg()[0]
        results: dict[str, list[tuple[float, int]]] = {layer: [] for layer in layers}
        for _ in range(args.runs):  # interleaved, so load drifts hit every layer alike
            for layer in layers:
                results[layer].append(asyncio.run(run(layer, url, args.probes, args.interval, args.seconds)))
    finally:
        server.stdin.close()
        server.wait()
    print(f"{args.probes} probes every {args.interval:g} s, {args.seconds:g} s x {args.runs} runs "
          f"(load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}; medians)")
    base = statistics.median(ms for ms, _ in results[layers[0]])
    for layer, rows in results.items():
        ms = statistics.median(ms for ms, _ in rows)
        runs = ", ".join(f"{each:.3f}" for each, _ in rows)
        print(f"  {layer:13s} {ms:.3f} ms CPU/request  {ms / base:.2f}x {layers[0]}  "
              f"({runs}; {statistics.median(n for _, n in rows):.0f} requests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

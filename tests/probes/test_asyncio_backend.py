"""The probes' connections: httpcore on plain asyncio (engine/asyncio_backend.py) kept by a ProbePool
(engine/probe_pool.py), against real servers on 127.0.0.1.

The engine's own tests (test_engine_real_servers.py, test_hostile_bounds.py) run through them too; these check
what only they do: the engine's clients really use them, TLS with the certificate visible to the
[CERTIFICATE_EXPIRATION] condition, a kept-alive connection the server closed is replaced, per-read timeouts,
a body larger than the read buffer arrives whole (reading paused and resumed), a refused connection, one
connection kept across attempts, a redirect to another host with the idle connections bounded.
"""

from __future__ import annotations

import asyncio
import ssl
from datetime import datetime, timezone

import httpx
import pytest

from launchpad.core.probes.conditions import parse_condition
from launchpad.core.probes.probe_config import ProbeSpec
from launchpad.engine.asyncio_backend import AsyncioStream
from launchpad.engine.probe_engine import ProbeEngine, _on_asyncio

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def lean_client(verify: ssl.SSLContext | None = None, **options) -> httpx.AsyncClient:
    context = verify or httpx.create_ssl_context()
    return _on_asyncio(httpx.AsyncClient(verify=context, **options), context)


async def test_the_engines_clients_connect_through_the_asyncio_backend(server):
    probe = ProbeSpec(name="ok", url=f"{server.url}/ok", interval=5.0, timeout=2.0)
    engine = ProbeEngine([probe], [], env={}, t0=T0)
    try:
        async with engine._client_for(probe).stream("GET", probe.url) as response:
            assert isinstance(response.extensions["network_stream"], AsyncioStream)
        assert (await engine.attempt(probe)).ok
    finally:
        await engine.aclose()


async def test_tls_through_the_backend_shows_the_certificate_to_conditions(tls_server, tmp_path):
    bundle = tmp_path / "ca.pem"
    tls_server.authority.cert_pem.write_to_path(str(bundle))
    async with lean_client(ssl.create_default_context(cafile=str(bundle))) as client:
        def cert(condition: str) -> ProbeSpec:
            return ProbeSpec(name="cert", url=f"{tls_server.url}/ok", interval=5.0, timeout=2.0,
                             conditions=(parse_condition(condition),))

        (good,) = await ProbeEngine([cert("[CERTIFICATE_EXPIRATION] > 48h")], [], env={}, t0=T0, client=client).run_once()
        (bad,) = await ProbeEngine([cert("[CERTIFICATE_EXPIRATION] < 48h")], [], env={}, t0=T0, client=client).run_once()
    assert good.ok, good.error_message
    assert bad.error_kind == "condition" and "[CERTIFICATE_EXPIRATION]" in bad.error_message


async def test_an_untrusted_certificate_is_a_connect_error(tls_server):
    async with lean_client() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{tls_server.url}/ok")


async def test_a_kept_alive_connection_the_server_closed_is_replaced():
    connections = []

    async def answer_then_hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()  # an idle keep-alive timeout on the server's side

    server = await asyncio.start_server(answer_then_hang_up, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    try:
        async with lean_client() as client:
            first = await client.get(url)
            await asyncio.sleep(0.3)
            second = await client.get(url)
    finally:
        server.close()
        await server.wait_closed()
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(connections) == 2


async def test_a_read_past_its_timeout_is_a_read_timeout(server):
    async with lean_client(timeout=httpx.Timeout(0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(f"{server.url}/hang")


async def test_a_body_larger_than_the_read_buffer_arrives_whole(server):
    async with lean_client() as client:
        async with client.stream("GET", f"{server.url}/big") as response:
            received = 0
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received % (1 << 20) < len(chunk):
                    await asyncio.sleep(0.01)  # a slow reader: the socket is paused, then resumed
    assert received == 50 * 1024 * 1024


async def test_a_refused_connection_is_a_connect_error(closed_port):
    async with lean_client() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{closed_port}/")


async def counting_server(answers: dict[str, bytes]):
    """An HTTP/1.1 server that keeps connections alive and counts them; answers by path."""
    connections = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                writer.write(answers[path])
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", connections


async def test_a_probe_keeps_one_connection_across_attempts():
    server, url, connections = await counting_server({"/": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"})
    probe = ProbeSpec(name="kept", url=f"{url}/", interval=5.0, timeout=2.0)
    engine = ProbeEngine([probe], [], env={}, t0=T0)
    try:
        results = [await engine.attempt(probe) for _ in range(3)]
    finally:
        await engine.aclose()
        server.close()
    assert all(result.ok for result in results)
    assert len(connections) == 1


async def test_a_redirect_to_another_host_is_followed_and_idle_connections_stay_bounded():
    there, there_url, there_connections = await counting_server(
        {"/landed": b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlanded"})
    here, here_url, here_connections = await counting_server(
        {"/go": f"HTTP/1.1 302 Found\r\nLocation: {there_url}/landed\r\nContent-Length: 0\r\n\r\n".encode()})
    probe = ProbeSpec(name="hop", url=f"{here_url}/go", interval=5.0, timeout=2.0)
    engine = ProbeEngine([probe], [], env={}, t0=T0)
    try:
        results = [await engine.attempt(probe) for _ in range(3)]
        pool = engine._client_for(probe)._transport._pool
        kept = [connection for connection in pool._connections if not connection.is_closed()]
    finally:
        await engine.aclose()
        here.close()
        there.close()
    assert all(result.ok and result.status == 200 for result in results), results
    assert len(kept) == 1  # KEEP idle connection: the one used last
    assert here_connections and there_connections

"""One probe's connections: httpcore connections kept without httpcore's general-purpose pool.

A probe sends one request at a time (a redirect's next request only after the last response closed), so it needs
no queue, no waiting for a free connection and no per-request assignment pass. httpcore's AsyncConnectionPool
does all of that under an anyio lock and a shielded cancel scope around every request and every response close:
about a sixth of a request's CPU at 200 probes a second (bench/bench_attempt_cost.py). Here a request takes the
connection to its origin that is idle and still good (not closed, not expired: an idle kept-alive connection the
server hung up on is readable and is dropped), or opens a new one; at most KEEP idle connections stay. The
connections themselves are httpcore's (AsyncHTTPConnection: connect, TLS, HTTP/1.1 with h11), so what is sent and
what is parsed is exactly httpx's; this class only stands where httpx's transport keeps its pool (see
probe_engine._on_asyncio).
"""

from __future__ import annotations

import ssl

import httpcore

KEEP = 1  # idle connections kept: one per probe (two origins only while a redirect crosses hosts)


class ProbePool:
    """Stands where httpx's transport keeps its httpcore pool: handle_async_request, aclose, async with."""

    def __init__(self, ssl_context: ssl.SSLContext, network_backend: httpcore.AsyncNetworkBackend,
                 keepalive_expiry: float | None) -> None:
        self._ssl_context = ssl_context
        self._backend = network_backend
        self._keepalive_expiry = keepalive_expiry
        self._connections: list[httpcore.AsyncHTTPConnection] = []  # most recently used last

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = request.url.origin
        chosen = None
        for connection in list(self._connections):
            if connection.is_closed() or connection.has_expired():
                self._connections.remove(connection)
                await connection.aclose()
            elif connection.can_handle_request(origin) and connection.is_available():
                chosen = connection
        if chosen is None:
            chosen = httpcore.AsyncHTTPConnection(origin=origin, ssl_context=self._ssl_context,
                                                  keepalive_expiry=self._keepalive_expiry,
                                                  network_backend=self._backend)
        else:
            self._connections.remove(chosen)
        self._connections.append(chosen)
        idle = [connection for connection in self._connections[:-1] if connection.is_idle()]
        for connection in idle[: max(0, len(idle) - KEEP + 1)]:  # the one in use + KEEP - 1 others at most
            self._connections.remove(connection)
            await connection.aclose()
        return await chosen.handle_async_request(request)

    async def aclose(self) -> None:
        connections, self._connections = self._connections, []
        for connection in connections:
            await connection.aclose()

    async def __aenter__(self) -> "ProbePool":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

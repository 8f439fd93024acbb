"""httpcore's network layer on plain asyncio: what the probes' connections read and write through.

httpcore's default backend on asyncio is anyio: every read and write goes through anyio's socket stream, a cancel
scope for its timeout and an exception map, and connecting through anyio's happy-eyeballs task group. That was
about a tenth of a probe attempt's CPU (bench/bench_attempt_cost.py). This backend is httpcore's own public
extension point (`httpcore.AsyncNetworkBackend`, passed to `httpcore.AsyncConnectionPool(network_backend=...)`):
one asyncio Protocol per connection, a buffer and a waiter, asyncio's own timeouts, TLS by `loop.start_tls` with
the caller's SSL context. It raises httpcore's exceptions (ConnectError, ReadTimeout...), so httpx maps them to
its own as it does for anyio, and the engine classifies them the same way.
"""

from __future__ import annotations

import asyncio
import ssl
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import httpcore
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

_HIGH_WATER = 256 * 1024  # bytes buffered unread before the socket stops being read (httpcore reads 64 KiB at a time)


@contextmanager
def _mapped(timeout_error: type[Exception], os_error: type[Exception]) -> Iterator[None]:
    try:
        yield
    except TimeoutError as error:
        raise timeout_error(str(error) or "timed out") from error
    except (OSError, ssl.SSLError, EOFError) as error:  # ssl.SSLError is an OSError; said for the reader
        raise os_error(str(error) or type(error).__name__) from error


class _Protocol(asyncio.Protocol):
    """Bytes received wait in `buffer` until read; `waiter` wakes the one reader; writes wait while paused."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: Exception | None = None
        self.waiter: asyncio.Future | None = None
        self.drained: asyncio.Future | None = None
        self.paused = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close the transport: httpcore never writes after the peer's end

    def connection_lost(self, error: Exception | None) -> None:
        self.eof = True
        self.error = error
        self._wake()
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class AsyncioStream(AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
                async with asyncio.timeout(timeout):
                    while not protocol.buffer and not protocol.eof:
                        protocol.waiter = asyncio.get_running_loop().create_future()
                        try:
                            await protocol.waiter
                        finally:
                            protocol.waiter = None
        buffer = protocol.buffer
        if not buffer:
            if protocol.error is not None:
                raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__)
            return b""
        if len(buffer) <= max_bytes:
            data, protocol.buffer = bytes(buffer), bytearray()
        else:
            data = bytes(buffer[:max_bytes])
            del buffer[:max_bytes]
        if len(protocol.buffer) <= _HIGH_WATER // 4 and not self._transport.is_closing():
            self._transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            if self._transport.is_closing():
                raise OSError(protocol.error or "the connection is closed")
            self._transport.write(buffer)
            if protocol.paused:
                async with asyncio.timeout(timeout):
                    while protocol.paused and not self._transport.is_closing():
                        protocol.drained = asyncio.get_running_loop().create_future()
                        await protocol.drained

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
                async with asyncio.timeout(timeout):
                    transport = await loop.start_tls(self._transport, self._protocol, ssl_context,
                                                     server_hostname=server_hostname)
        except BaseException:
            self._transport.close()
            raise
        if transport is None:  # the peer closed during the handshake
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        self._protocol.transport = transport  # flow control now pauses the TLS transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":  # an idle kept-alive connection that got data or its end is not reusable
            protocol = self._protocol
            return bool(protocol.buffer) or protocol.eof or transport.is_closing()
        return None


class AsyncioBackend(AsyncNetworkBackend):
    """`connect_tcp` on the running loop (TCP_NODELAY, as asyncio sets it); no Unix sockets (probes are URLs)."""

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=(local_address, 0) if local_address else None)
        for option in socket_options or ():
            transport.get_extra_info("socket").setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by probes")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


"""Servers on 127.0.0.1 for the direct-send tests: one that records what it receives, a tiny forward proxy."""

from __future__ import annotations

import asyncio

import httpx


class Recording:
    """An HTTP/1.1 server that keeps connections alive, answers by path and records every request it receives
    as (method, path, headers with lower-case names). An answer is (status, extra header lines, body)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, list[str], bytes]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> "Recording":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.requests]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                line, *fields = head.split("\r\n")[:-2]
                method, path, _ = line.split(" ", 2)
                headers = {name.strip().lower(): value.strip() for name, value in (f.split(":", 1) for f in fields)}
                await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append((method, path, headers))
                status, extra, body = self.answers.get(path, (404, [], b"not found"))
                lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", *extra]
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if method == "HEAD" else body))
                await writer.drain()
                if headers.get("connection") == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client hung up, or the test's loop is closing under a kept-alive connection
        writer.close()

    def close(self) -> None:
        self.server.close()


class ForwardProxy:
    """A tiny HTTP forward proxy: reads an absolute-form request, counts it, sends it on in origin form (one
    request per connection) and relays the answer back."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def start(self) -> "ForwardProxy":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            line, *fields = head.split("\r\n")[:-2]
            method, target, version = line.split(" ", 2)
            self.seen.append(target)
            url = httpx.URL(target)
            upstream_reader, upstream_writer = await asyncio.open_connection(url.host, url.port)
            kept = [field for field in fields if not field.lower().startswith(("connection:", "proxy-"))]
            origin_form = url.raw_path.decode()
            upstream_head = [f"{method} {origin_form} {version}", *kept, "Connection: close", "", ""]
            upstream_writer.write("\r\n".join(upstream_head).encode())
            await upstream_writer.drain()
            writer.write(await upstream_reader.read())  # until the upstream closes: Connection: close
            upstream_writer.close()
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        writer.close()

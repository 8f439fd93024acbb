"""Real HTTP(S) servers on 127.0.0.1 for the probe tests.

One threaded server per test session serves every misbehaviour the engine must survive: slow, hanging,
dripping, a 50 MB body, redirect loops, non-UTF-8 and markup-laden bodies, 5xx. A second one speaks TLS
with a self-signed certificate made by trustme. Hanging handlers wait on an event that teardown sets,
so no thread outlives the session.
"""

from __future__ import annotations

import base64
import json
import socket
import zlib
from functools import lru_cache
import ssl
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme

STOP = threading.Event()
MARKUP_BODY = "[bold red]boom[/] \x1b[31mred\x1b[0m \x07bell [link=http://evil]x[/link]"
JSON_BODY = {"status": "UP", "data": [{"id": 5, "name": "first"}], "items": [1, 2, 3], "ready": True}


ECHO_PREFIX = "denied; you sent me: "  # 21 + "Bearer " = 28: a 57-character cut keeps 29 of 32 characters


@lru_cache(maxsize=None)
def gzip_bomb() -> bytes:
    """1 GiB of zeros inside about 1 MB: 16 gzip members of 64 MiB (concatenated members are one gzip body)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    member = b"".join(packer.compress(zeros) for _ in range(64)) + packer.flush()
    return member * 16


@lru_cache(maxsize=None)
def nested_gzip_bomb() -> bytes:
    """gzip(gzip(1 GiB)): a few KB on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(gzip_bomb()) + packer.flush()


def _split_lines(text: str, every: int = 5) -> str:
    return "\n".join(text[i : i + every] for i in range(0, len(text), every))


def echo_body(auth: str, target: str) -> str:
    """Everything a careless service might reflect: the header and the request target, plain, wrapped,
    JSON-escaped (\\uXXXX) and cut by the service itself."""
    escaped = "".join(f"\\u{ord(c):04x}" for c in auth)
    return (
        f"{ECHO_PREFIX}{auth} at {target}\n"
        + json.dumps({"auth": auth, "target": target, "escaped": escaped, "cut": auth[-12:]}) + "\n"
        + _split_lines(auth) + "\n" + _split_lines(target) + "\n"
    )


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _chunked(self, chunks, status=200, delay=0.0):
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for chunk in chunks:
                if STOP.is_set():
                    return
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
                if delay and STOP.wait(delay):
                    return
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass  # the client cut us off: that is what the size limit does
        self.close_connection = True

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._send(200, b"posted")

    def do_GET(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        path = parts.path
        if path == "/ok":
            self._send(200, b"ok")
        elif path == "/json":
            self._send(200, json.dumps(JSON_BODY).encode(), "application/json")
        elif path == "/headers":
            # Echo only whether the header arrived, never its value, like a real service should.
            seen = {"authorization": self.headers.get("Authorization") == "Bearer s3cret-token"}
            self._send(200, json.dumps(seen).encode(), "application/json")
        elif path == "/cookie":
            # Sets a cookie and fails a request that carries one back: a probe must visit as a fresh client.
            status = 500 if self.headers.get("Cookie") else 200
            self._send(status, b"cookie", extra=[("Set-Cookie", "session=abc; Path=/")])
        elif path == "/echo":
            # A careless service that reflects the request's Authorization header in its body.
            self._send(500, f"denied: {self.headers.get('Authorization')}".encode())
        elif path == "/echo-all":
            self._send(500, echo_body(self.headers.get("Authorization", ""), self.path).encode())
        elif path == "/echo-json":
            body = json.dumps({"auth": self.headers.get("Authorization", ""), "target": self.path, "ok": False})
            self._send(200, body.encode(), "application/json")
        elif path == "/echo-redirect":
            # Sends the client back to the very URL it asked for, credentials and tokens included: a loop.
            auth = self.headers.get("Authorization", "")
            userinfo = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else "nobody"
            self._send(302, b"", extra=[("Location", f"http://{userinfo}@{self.headers.get('Host')}{self.path}")])
        elif path == "/echo-bad-header":
            # A malformed header line quoting the Authorization header: the HTTP parser puts it in its error.
            self.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n{ECHO_PREFIX}{self.headers.get('Authorization')}\r\n\r\n".encode())
            self.close_connection = True
        elif path in ("/gzip-bomb", "/nested-gzip-bomb", "/nested-as-one"):
            body = gzip_bomb() if path == "/gzip-bomb" else nested_gzip_bomb()
            coding = "gzip, gzip" if path == "/nested-gzip-bomb" else "gzip"
            self._send(200, body, "application/json", extra=[("Content-Encoding", coding)])
        elif path == "/compressed":
            coding = query["coding"][0]
            if coding == "corrupt":
                self._send(200, b"this is not gzip at all", extra=[("Content-Encoding", "gzip")])
                return
            wbits = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "raw-deflate": -zlib.MAX_WBITS}[coding]
            packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
            body = packer.compress(b"compressed hello " * 3) + packer.flush()
            self._send(200, body, extra=[("Content-Encoding", "deflate" if "deflate" in coding else coding)])
        elif path == "/brotli":
            self._send(200, b"\x0b\x02\x80hello\x03", extra=[("Content-Encoding", "br")])
        elif path == "/many-headers":
            size = int(query.get("size", ["1"])[0])
            self.send_response(200)
            for index in range(10_000):
                self.send_header(f"X-{index}", "v" * size)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        elif path == "/endless":
            chunk = b"z" * 65536
            self._chunked(iter(lambda: chunk, None))
        elif path == "/drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for index in range(600):
                if STOP.wait(0.1):
                    break
                try:
                    self.wfile.write(f"X-Drip-{index}: 1\r\n".encode())
                    self.wfile.flush()
                except OSError:
                    break
            self.close_connection = True
        elif path == "/slow":
            STOP.wait(float(query.get("d", ["1"])[0]))
            self._send(200, b"slow but fine")
        elif path == "/hang":
            STOP.wait(60)  # accepts the request, never answers
            self.close_connection = True
        elif path == "/drip":
            self._chunked((b"x" for _ in range(10_000)), delay=0.1)
        elif path == "/big":
            chunk = b"y" * 65536
            self._chunked((chunk for _ in range(50 * 16)))  # 50 MiB, streamed
        elif path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            self.close_connection = True
        elif path == "/loop-a":
            self._send(302, b"", extra=[("Location", "/loop-b")])
        elif path == "/loop-b":
            self._send(302, b"", extra=[("Location", "/loop-a")])
        elif path.startswith("/hop/"):
            remaining = int(path.rsplit("/", 1)[1])
            if remaining == 0:
                self._send(200, b"landed")
            else:
                self._send(302, b"", extra=[("Location", f"/hop/{remaining - 1}")])
        elif path == "/latin1":
            self._send(200, b"caf\xe9 \xff\xfe na\xefve", "text/plain")
        elif path == "/markup":
            self._send(200, MARKUP_BODY.encode(), "text/plain; charset=utf-8")
        elif path == "/markup-500":
            self._send(500, MARKUP_BODY.encode(), "text/plain; charset=utf-8")
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"status page")
        else:
            self._send(404, b"not found")


class Server:
    def __init__(self, tls_context: ssl.SSLContext | None = None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls_context else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def server():
    STOP.clear()
    instance = Server()
    yield instance
    STOP.set()
    instance.stop()


@pytest.fixture(scope="session")
def tls_server():
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    instance = Server(context)
    instance.authority = authority
    yield instance
    STOP.set()
    instance.stop()


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeClock:
    """An injectable UTC clock for deterministic trigger tests."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

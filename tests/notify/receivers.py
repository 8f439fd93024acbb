"""Real HTTP receivers on 127.0.0.1 for the notification tests: one that records, one that answers 500 a
number of times first, one that hangs, and a port nobody listens on."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class Receiver:
    """Records every POST body (parsed JSON, or the raw text); `fail_first` answers 500 that many times,
    `hang` never answers (until the receiver stops)."""

    def __init__(self, fail_first: int = 0, hang: bool = False):
        self.messages: list[dict] = []
        self.requests = 0
        self.fail_first = fail_first
        self.hang = hang
        self.released = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                with receiver._lock:
                    receiver.requests += 1
                    failing = receiver.requests <= receiver.fail_first
                if receiver.hang:
                    receiver.released.wait(60)
                    return
                if failing:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"boom")
                    return
                if "form-urlencoded" in (self.headers.get("Content-Type") or ""):
                    parsed = {key: values[0] for key, values in parse_qs(body).items()}
                else:
                    try:
                        parsed = json.loads(body)
                    except ValueError:
                        parsed = {"raw": body, "path": self.path}
                with receiver._lock:
                    receiver.messages.append(parsed)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook", scheme: str = "json") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[str]:
        with self._lock:
            return [message.get("message", message.get("raw", "")) for message in self.messages]


def closed_port() -> int:
    """A port on 127.0.0.1 with nobody listening (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float = 30.0, step: float = 0.05) -> bool:
    """Poll `condition` until it holds; generous bound, never a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())

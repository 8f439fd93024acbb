"""A small demo service on 127.0.0.1 for the bundled plan's probes to watch.

It runs a ThreadingHTTPServer in a background thread so its (deliberately slow) handlers never touch the
cockpit's event loop. The mode can be changed in-process (`set_mode`) or over HTTP
(`POST /_demo/mode` with body `slow`), so any cockpit, or curl, can degrade it to show a trigger firing.
It exports its request counts (`demo_requests_total{path,code}`) and latency histogram
(`demo_request_duration_seconds`) at `/metrics` with prometheus-client, so a local Prometheus can scrape it
and the plan's metric triggers run real PromQL on what its users got. Each service has its own registry.
"""

from __future__ import annotations

import errno
import json
import logging
import random
import selectors
import socket
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from launchpad.core.probes.probe_config import DemoSpec

log = logging.getLogger("launchpad.demo")

MODES = ("healthy", "slow", "failing", "down")
SERVICE_NAME = "launchpad-demo"
FAILING_SHARE = 0.4  # share of requests answered with a 5xx in "failing" mode
# "slow" sits above the seed's response-time trigger (3 s) and well inside the bundled plans' 5 s probe timeouts:
# the trigger fires after its `for`, no probe times out (a timeout would be a failure, another trigger's business).
SLOW_SECONDS = (3.2, 3.6)


# Loopback only: ignore any *_proxy variables so a corporate proxy never sees these requests.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class DemoPortBusy(OSError):
    """The port is taken by something that is not a launchpad demo service."""


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, service: "DemoService"):
        self.service = service
        self._stopping = False
        self._wake_read, self._wake_write = socket.socketpair()  # before binding: a failed bind closes them
        super().__init__(address, _Handler)

    def serve_until_stopped(self) -> None:
        """Accept until `stop_serving`, sleeping in select without a timeout. serve_forever(poll_interval=0.2)
        woke five times a second for its whole life only to look at its shutdown flag (an idle cockpit's demo
        thread: 5 wake-ups a second); here stopping writes a byte to a socket pair the select also watches."""
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while not self._stopping:
                ready = selector.select()
                if self._stopping:
                    break
                if any(key.fileobj is self for key, _ in ready):
                    self._handle_request_noblock()  # socketserver's own accept-and-dispatch, as serve_forever
                self.service_actions()

    def stop_serving(self) -> None:
        """Ask the accept loop to end and wake it at once (from any thread)."""
        self._stopping = True
        try:
            self._wake_write.send(b"x")
        except OSError:  # already closed: the loop has ended
            pass

    def server_close(self) -> None:
        super().server_close()
        self._wake_read.close()
        self._wake_write.close()

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-answer (a probe timing out, the cockpit quitting) is routine for a demo;
        socketserver's default prints a traceback to stderr, over the cockpit or after it quit."""
        log.debug("demo service: client %s went away", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _DemoHTTPServer
    server_version = "launchpad-demo/1"

    def log_message(self, format, *args):  # stderr would scribble over the cockpit
        pass

    _started: float | None = None  # set for the requests the /metrics figures count

    def _reply(self, status: int, payload) -> None:
        if self._started is not None:
            self.server.service.record(self.path.split("?", 1)[0], status, time.perf_counter() - self._started)
            self._started = None
        body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(payload, bytes) else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        service = self.server.service
        path = self.path.split("?", 1)[0]
        if path == "/_demo/mode":
            self._reply(200, {"service": SERVICE_NAME, "mode": service.mode})
            return
        if path == "/metrics":
            body = generate_latest(service.registry)
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        if path not in ("/health", "/api/orders", "/checkout", "/"):
            self._reply(404, {"error": "not found", "path": path[:100]})
            return
        self._started = time.perf_counter()
        mode = service.mode
        service.pause(mode)
        if mode == "down":
            self._reply(503, {"status": "DOWN", "reason": "maintenance"})
        elif mode == "failing" and service.random.random() < FAILING_SHARE:
            self._reply(502 if service.random.random() < 0.5 else 500, {"status": "ERROR", "error": "upstream failed"})
        elif path == "/health":
            self._reply(200, {"status": "UP", "service": SERVICE_NAME, "mode": mode, "checks": {"db": "UP", "queue": "UP"}})
        elif path == "/api/orders":
            self._reply(200, {"items": [{"id": 1, "total": 42.5}, {"id": 2, "total": 7.0}], "count": 2})
        elif path == "/checkout":
            self._reply(200, {"ok": True, "session": "demo"})
        else:
            self._reply(200, {"service": SERVICE_NAME, "endpoints": ["/health", "/api/orders", "/checkout"]})

    def do_POST(self):
        service = self.server.service
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1024)).decode("utf-8", errors="replace").strip()
        if self.path.split("?", 1)[0] != "/_demo/mode":
            self._reply(404, {"error": "not found"})
            return
        try:
            service.set_mode(body)
        except ValueError as error:
            self._reply(400, {"error": str(error), "modes": list(MODES)})
            return
        self._reply(200, {"service": SERVICE_NAME, "mode": service.mode})


class DemoService:
    """start() -> "started" | "reused"; raises DemoPortBusy if another program holds the port."""

    def __init__(self, spec: DemoSpec | None = None, *, seed: int | None = None):
        self.spec = spec or DemoSpec()
        self.random = random.Random(seed)
        self._mode = "healthy"
        self._lock = threading.Lock()
        self._server: _DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = self.spec.port
        self.reused = False
        self.registry = CollectorRegistry(auto_describe=True)
        self._requests = Counter("demo_requests", "Requests answered by the demo service", ["path", "code"],
                                 registry=self.registry)
        self._latency = Histogram("demo_request_duration_seconds", "Time to answer a request", ["path"],
                                  registry=self.registry)

    def record(self, path: str, status: int, seconds: float) -> None:
        self._requests.labels(path=path, code=str(status)).inc()
        self._latency.labels(path=path).observe(seconds)

    @property
    def url(self) -> str:
        host = f"[{self.spec.host}]" if ":" in self.spec.host else self.spec.host
        return f"http://{host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def mode(self) -> str:
        if self.reused:
            return self._remote_mode() or self._mode
        return self._mode

    @property
    def running(self) -> bool:
        return self._server is not None or self.reused

    def pause(self, mode: str) -> None:
        """Realistic jitter; "slow" answers past the seed trigger's 3 s, inside the plans' 5 s timeouts."""
        if mode == "slow":
            low, high = SLOW_SECONDS
        else:
            low, high = 0.005, 0.045
        time.sleep(self.random.uniform(low, high))

    def set_mode(self, mode: str) -> None:
        mode = (mode or "").strip().lower()
        if mode not in MODES:
            raise ValueError(f"unknown demo mode `{mode}` (use one of {', '.join(MODES)})")
        if self.reused:
            self._post_mode(mode)
        with self._lock:
            self._mode = mode

    def start(self) -> str:
        if self.running:
            return "reused" if self.reused else "started"
        try:
            server = _DemoHTTPServer((self.spec.host, self.spec.port), self)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            if self._remote_mode() is not None:
                self.reused = True
                return "reused"
            raise DemoPortBusy(
                errno.EADDRINUSE,
                f"port {self.spec.port} on {self.spec.host} is used by another program, not a launchpad demo",
            ) from None
        self._server = server
        self._port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_until_stopped, name="launchpad-demo", daemon=True)
        self._thread.start()
        return "started"

    def stop(self) -> None:
        """Stop accepting and close the port, at once (the accept loop is woken, not polled)."""
        server, self._server = self._server, None
        self.reused = False
        thread, self._thread = self._thread, None
        if server is not None:
            server.stop_serving()
            if thread is not None:
                thread.join(timeout=2)
            server.server_close()

    def __enter__(self) -> "DemoService":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- talking to a demo another launchpad started ---------------------------------------------

    def _remote_mode(self) -> str | None:
        try:
            with _DIRECT.open(f"{self.url}/_demo/mode", timeout=1.0) as response:
                payload = json.loads(response.read(4096))
        except (OSError, ValueError, urllib.error.URLError):
            return None
        if isinstance(payload, dict) and payload.get("service") == SERVICE_NAME:
            return str(payload.get("mode"))
        return None

    def _post_mode(self, mode: str) -> None:
        request = urllib.request.Request(f"{self.url}/_demo/mode", data=mode.encode(), method="POST")
        with _DIRECT.open(request, timeout=2.0):
            pass

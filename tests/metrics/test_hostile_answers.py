"""A Prometheus-speaking server on 127.0.0.1 that misbehaves: echoes the source's secret in its error, answers
with markup, sends a huge vector, hangs, answers HTML. Each is "could not measure" with a safe message."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from launchpad.core.probes.metric_config import MetricSpec, SourceSpec
from launchpad.engine.metric_engine import MAX_ANSWER_BYTES, MetricEngine

SECRET = "s3cr3t-prom-token-0123456789"
RELEASE = threading.Event()


@lru_cache(maxsize=1)
def huge_answer() -> bytes:
    """A valid vector just over the answer limit (built once: building it is slow on a loaded machine)."""
    result = [{"metric": {"i": str(i), "pad": "x" * 100}, "value": [1, "1"]} for i in range(MAX_ANSWER_BYTES // 100)]
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)["query"][0]
        auth = self.headers.get("Authorization", "")
        if query == "echo":
            self._send(400, json.dumps({"status": "error", "errorType": "bad_data",
                                        "error": f"denied [bold red]{auth}[/] \x1b[31m"}).encode())
        elif query == "huge":
            self._send(200, huge_answer())
        elif query == "hang":
            RELEASE.wait(10)
            self._send(200, b"{}")
        elif query == "html":
            self._send(502, b"<html>bad gateway</html>", "text/html")
        else:
            self._send(200, json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"code": "[b]500[/b]"}, "value": [1, "0.5"]}]}}).encode())


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    RELEASE.set()
    httpd.shutdown()
    httpd.server_close()


async def query(server: str, text: str, timeout: float = 10.0):
    source = SourceSpec("prod", server, headers=(("Authorization", "Bearer ${PROM_TOKEN}"),))
    spec = MetricSpec("m", text, source, interval=max(5.0, timeout), timeout=timeout)
    engine = MetricEngine([spec], [], env={"PROM_TOKEN": SECRET}, t0=datetime.now(timezone.utc))
    try:
        return await engine.query(spec)
    finally:
        await engine.aclose()


async def test_echoed_secret_is_redacted_in_message_and_raw_answer(server):
    sample = await query(server, "echo")
    assert sample.error_kind == "query" and sample.error.startswith("bad_data: denied [bold red]")
    assert SECRET[:8] not in sample.error and SECRET[:8] not in sample.raw
    assert "\x1b" not in sample.error  # one line, no control characters


async def test_huge_answer_hang_and_html_are_could_not_measure(server):
    huge_answer()  # built before the query's deadline starts
    huge = await query(server, "huge", timeout=60.0)  # a generous deadline: the figure tested is the size limit
    assert huge.error_kind == "answer" and "limit" in huge.error and len(huge.raw) <= 2000
    hang = await query(server, "hang", timeout=0.3)
    assert hang.error_kind == "timeout" and hang.error == "no answer within 300ms"
    html = await query(server, "html")
    assert html.error_kind == "http" and html.error.startswith("status 502 from Prometheus, not a JSON answer: <html>")


async def test_label_values_stay_data(server):
    sample = await query(server, "fine")
    assert sample.measured and sample.series[0].shown == '{code="[b]500[/b]"}'

"""Every vector as a probe name, a response body, a response header and so an error message, from a real server on
127.0.0.1: `launchpad probe --once` (the people table) and `--json` must stay inert, and JSON must be ASCII."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import tomli_w

from launchpad.cli.main import main

from .conftest import FORBIDDEN, IDS, VECTORS, assert_inert

pytestmark = pytest.mark.hostile


class Echo(BaseHTTPRequestHandler):
    """Answers 500 with the vector as body and (where HTTP can carry it) as a header."""

    protocol_version = "HTTP/1.1"
    vector = ""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        body = self.vector.encode("utf-8")
        self.send_response(500)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        header = self.vector[:200].replace("\r", " ").replace("\n", " ")
        if header.isascii():
            self.send_header("X-Echo", header)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def echo():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name", IDS)
def test_probe_output_stays_inert(name, echo, tmp_path, capsys):
    vector = VECTORS[name]
    Echo.vector = vector
    probe_name = vector if not any(ch < " " for ch in vector) else "echo"  # controls in a name: a plan problem
    plan = tmp_path / "plan.toml"
    plan.write_text('[launch]\nname = "hostile probes"\n\n' + tomli_w.dumps({"probe": [{
        "name": probe_name, "url": f"http://127.0.0.1:{echo.server_port}/v", "timeout": "2s",
        "conditions": ["[STATUS] == 200", "[BODY] == UP"]}]}), encoding="utf-8")
    assert main(["probe", str(plan), "--once"]) == 1
    out = capsys.readouterr()
    assert_inert(out.out + out.err)
    if probe_name != "echo" and name != "long":
        assert_inert(out.out, probe_name, 8)
    assert main(["probe", str(plan), "--once", "--json"]) == 1
    out = capsys.readouterr()
    assert out.out.isascii() and not {ch for ch in out.err if ch in FORBIDDEN}
    records = [json.loads(line) for line in out.out.splitlines() if line.strip()]
    assert records and all(record.get("probe") == probe_name for record in records if "probe" in record)

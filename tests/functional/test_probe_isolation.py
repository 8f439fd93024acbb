"""A stalled screen never turns into a probe timeout, a DOWN or a firing trigger (issue 13, item 0).

50 probes at a short interval watch a fast server on 127.0.0.1 (started here) while the cockpit's UI loop is
blocked for 2 s, again and again, by a timer in the app. The probes are timed on their own thread and event
loop, so the journal must hold no timeout, no state flip and no alarming trigger entry. With the probe engine
on the UI loop (as before) every block that caught attempts in flight timed them out.
"""

from __future__ import annotations

import threading
import time
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from launchpad.shell.probes import ProbeRuntime

from .conftest import make_app, start_session

PROBES = 50
BLOCKS = 4
BLOCK_SECONDS = 2.0
TIMEOUT = "1s"  # well under one block: an attempt the UI loop could delay would time out


class _Fast(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 50 first connections at once: a backlog of 5 dropped SYNs, retried after 1 s

    def handle_error(self, request, client_address):  # a client that timed out and hung up: nothing to say
        pass


@pytest.fixture
def fast_server():
    server = _Server(("127.0.0.1", 0), _Fast)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def many_probes_plan(tmp_path: Path, url: str) -> Path:
    probes = "".join(f"""
[[probe]]
name = "svc-{index:02d}"
url = "{url}/ok-{index}"
interval = "1s"
timeout = "{TIMEOUT}"
""" for index in range(PROBES))
    plan = tmp_path / "plan.toml"
    plan.write_text(f"""
[launch]
name = "Probe isolation"

{probes}
[[trigger]]
name = "Any failure"
kind = "consecutive_failures"
above = 0
""", encoding="utf-8")
    return plan


async def test_a_blocked_ui_loop_causes_no_timeout_flip_or_trigger(tmp_path, fast_server):
    session = start_session(many_probes_plan(tmp_path, fast_server), tmp_path / "s.toml")
    runtime = ProbeRuntime(session, start_demo=False, env={})
    app = make_app(session, probes=runtime)
    blocks = []

    def stall() -> None:
        blocks.append(1)
        time.sleep(BLOCK_SECONDS)  # a frozen screen: layout, a huge render, a slow terminal

    try:
        async with app.run_test(size=(160, 50)) as pilot:
            for _ in range(600):
                if runtime.engine is not None and all(s.attempts for s in runtime.engine.statuses().values()):
                    break
                await pilot.pause(0.05)
            assert runtime.leader and all(s.attempts for s in runtime.engine.statuses().values())
            app.set_interval(BLOCK_SECONDS + 0.5, stall)
            while len(blocks) < BLOCKS:
                await pilot.pause(0.1)
            await pilot.pause(0.5)  # the attempts caught by the last block have ended
            statuses = runtime.engine.statuses()
            attempts = sum(status.attempts for status in statuses.values())
            failures = {name: status.last_error for name, status in statuses.items() if status.failures}
    finally:
        session.close()
    assert attempts > PROBES * 2
    assert failures == {}  # no timeout (nor any other failure)
    entries = tomllib.loads((tmp_path / "s.toml").read_text(encoding="utf-8")).get("entry", [])
    flips = [(e["target"], e["payload"]["state"]) for e in entries if e["kind"] == "probe"]
    assert sorted(flips) == [(f"svc-{index:02d}", "UP") for index in range(PROBES)]  # each came UP once, stayed
    alarms = [(e["target"], e["payload"]["state"]) for e in entries
              if e["kind"] == "trigger" and e["payload"]["state"] != "ok"]
    assert alarms == []  # no pending, no firing: only each trigger's first "ok"


async def test_a_warning_logged_on_the_probe_thread_becomes_a_toast_on_the_ui_loop(tmp_path, fast_server):
    """The engine logs from its own thread now: the cockpit's log handler queues the toast to the UI loop."""
    import logging

    session = start_session(many_probes_plan(tmp_path, fast_server), tmp_path / "s.toml")
    app = make_app(session)
    try:
        async with app.run_test(size=(160, 50), notifications=True) as pilot:
            logged = threading.Thread(target=logging.getLogger("launchpad.engine").warning,
                                      args=("[bold]callback failed[/] on the probe thread",))
            logged.start()
            logged.join()
            for _ in range(100):
                if app._notifications:
                    break
                await pilot.pause(0.02)
            assert [note.message for note in app._notifications] == ["[bold]callback failed[/] on the probe thread"]
    finally:
        session.close()

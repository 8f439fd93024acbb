"""`launchpad serve` in a real headless Chromium (Debian's `chromium`, driven by Playwright with that executable).

The page's WebSocket is wrapped before the page loads, so the test keeps every byte the server sent to the
browser's terminal (xterm.js draws exactly those); pyte, a VT emulator, turns them back into the screen the
tab shows. Proven: the cockpit drew in the browser (the T-clock), and a tick made from the shell with
`launchpad mark` reaches the browser tab (the header's done count moves).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

LAUNCHPAD = Path(sys.executable).parent / "launchpad"
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Keeps what the server sends (bytes for the terminal, JSON text for meta) and what the page sends (the size).
RECORD_SOCKET = """
window.__received = []; window.__sent = [];
const NativeSocket = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const socket = protocols ? new NativeSocket(url, protocols) : new NativeSocket(url);
  socket.addEventListener('message', async (event) => {
    const data = event.data;
    if (typeof data === 'string') { window.__received.push(data); return; }
    const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
    window.__received.push(Array.from(new Uint8Array(buffer)));
  });
  const send = socket.send.bind(socket);
  socket.send = (data) => { if (typeof data === 'string') window.__sent.push(data); return send(data); };
  return socket;
};
window.WebSocket.prototype = NativeSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""


def _need_browser():
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
        import pyte  # noqa: F401
    except ImportError as error:
        missing.append(f"python package {error.name} (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        missing.append("chromium (apt-get install chromium: .ci/run installs it)")
    if missing:
        if os.environ.get("CI"):
            pytest.fail("missing: " + ", ".join(missing))
        pytest.skip("missing: " + ", ".join(missing))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BrowserScreen:
    """The tab's terminal, rebuilt from the bytes the browser received."""

    def __init__(self, page):
        self.page = page
        self.seen = 0
        self.screen = None
        self.stream = None

    def text(self) -> str:
        import pyte

        if self.screen is None:
            sizes = [json.loads(m)[1] for m in self.page.evaluate("window.__sent") if m.startswith('["resize"')]
            if not sizes:
                return ""
            self.screen = pyte.Screen(sizes[0]["width"], sizes[0]["height"])
            self.stream = pyte.ByteStream(self.screen)
        received = self.page.evaluate(f"window.__received.slice({self.seen})")
        self.seen += len(received)
        for packet in received:
            if isinstance(packet, list):
                self.stream.feed(bytes(packet))
        return "\n".join(self.screen.display)

    def wait_for(self, pattern: str, ceiling: float = 60.0) -> str:
        deadline = time.monotonic() + ceiling
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if re.search(pattern, text):
                return text
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{pattern!r} never showed in the browser:\n{text}")


def test_the_served_cockpit_draws_in_chromium_and_shows_a_tick_made_from_the_shell(tmp_path):
    _need_browser()
    from playwright.sync_api import sync_playwright

    from launchpad.core.plan.plan import load_plan
    from launchpad.shell.session import LiveSession

    shutil.copytree(ROOT / "timelines", tmp_path / "timelines")
    shutil.copytree(ROOT / "checklists", tmp_path / "checklists")
    plan, problems = load_plan(tmp_path / "timelines" / "launch-day.toml")
    assert plan is not None and not problems
    session = tmp_path / "served.session.toml"
    LiveSession.start(plan, session, t0=datetime(2030, 1, 1, 12, tzinfo=timezone.utc), actor="lead").close()
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([str(LAUNCHPAD), "serve", str(session), "--port", str(port)], cwd=tmp_path,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.add_init_script(RECORD_SOCKET)
                page.goto(f"http://127.0.0.1:{port}/")
                tab = BrowserScreen(page)
                screen = tab.wait_for(r"T-CLOCK counting|T-\d+:\d\d:\d\d")  # the count, drawn in the browser tab
                assert "VÖR Platform go-live" in screen and "0/85 done" in screen
                marked = subprocess.run([str(LAUNCHPAD), "mark", str(session), "deploy-backend", "--as", "dana"],
                                        capture_output=True, text=True, timeout=30)
                assert marked.returncode == 0, marked.stderr
                screen = tab.wait_for(r"1/85 done")  # the shell's tick, in the browser
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(15)
        log.close()

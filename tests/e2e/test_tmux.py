"""The installed `launchpad` command in a real tmux: send-keys, capture-pane, assert on the screen, quit cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

LAUNCHPAD = Path(sys.executable).parent / "launchpad"
ROOT = Path(__file__).resolve().parents[2]


def _need_tmux() -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed: .ci/run installs it")
        pytest.skip("tmux is not installed")


class Tmux:
    """One private tmux server (its own socket, no user config) running one window."""

    def __init__(self, cwd: Path, width: int, height: int):
        self.socket = f"launchpad-e2e-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        self.size = (width, height)

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], check=True,
                              capture_output=True, text=True, cwd=self.cwd, timeout=20).stdout

    def start(self, command: str) -> None:
        width, height = self.size
        self.run("new-session", "-d", "-s", "e2e", "-x", str(width), "-y", str(height), "sh")
        self.run("resize-window", "-t", "e2e", "-x", str(width), "-y", str(height))  # a detached session is 80x24
        self.run("set-option", "-t", "e2e", "remain-on-exit", "on")
        # COLUMNS/LINES inherited from the test runner would override the pane's real size.
        self.run("send-keys", "-t", "e2e", f"unset COLUMNS LINES; TERM=tmux-256color {command}; echo EXIT=$?", "Enter")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "e2e", *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed on the screen:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(tmp_path):
    _need_tmux()
    if not LAUNCHPAD.exists():
        pytest.fail(f"the launchpad command is not installed next to {sys.executable}")
    session = Tmux(tmp_path, 120, 36)
    yield session
    session.kill()


def test_cockpit_in_tmux_ticks_an_item_and_quits(tmux, tmp_path):
    session_file = tmp_path / "e2e.session.toml"
    tmux.start(f"LAUNCHPAD_USER=e2e-lead {LAUNCHPAD} {ROOT / 'timelines' / 'launch-day.toml'} "
               f"--t0 2030-01-01T12:00Z --session {session_file} --no-demo")
    tmux.wait_for("VÖR Platform go-live")
    screen = tmux.wait_for("Final security scan")  # the panes fill in right after the first frame
    assert tmux.run("display", "-p", "-t", "e2e", "#{window_width}x#{window_height}").strip() == "120x36"
    assert "T-" in screen and "lead e2e-lead" in screen
    assert "Final security scan" in screen and "Checklist" in screen

    tmux.keys("2")  # the checklist
    tmux.wait_for("space Tick")  # its keys are in the footer once it has focus
    tmux.keys("/")
    tmux.wait_for("search items")
    tmux.keys(*"deploy backend")
    tmux.keys("Enter")  # to the first match
    tmux.wait_for("search: deploy backend")
    tmux.keys("Space")
    screen = tmux.wait_for("[x] Deploy backend")
    assert "#deploy-backend" in screen

    entries = tomllib.loads(session_file.read_text(encoding="utf-8"))["entry"]
    ticks = [(e["kind"], e["target"], e["actor"]) for e in entries if e["kind"] in ("check", "uncheck")]
    assert ticks == [("check", "deploy-backend", "e2e-lead")]

    tmux.keys("q")
    screen = tmux.wait_for("EXIT=0")
    assert "Session saved in" in screen and "Traceback" not in screen


def test_narrow_tmux_pane_folds_into_tabs(tmp_path):
    _need_tmux()
    narrow = Tmux(tmp_path, 80, 24)
    try:
        narrow.start(f"{LAUNCHPAD} {ROOT / 'timelines' / 'launch-day.toml'} --session {tmp_path / 's.toml'} --no-demo")
        narrow.wait_for("1 Timeline")
        screen = narrow.wait_for("Deploy backend")  # the panes fill in right after the first frame
        assert "2 Checklist" in screen
        narrow.keys("3")
        screen = narrow.wait_for("Dana Ortiz")
        narrow.keys("q")
        narrow.wait_for("EXIT=0")
    finally:
        narrow.kill()


def test_bad_plan_exits_with_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[launch]\nname = "x"\n[[event]]\nat = "T-25x"\ntitle = "Deploy"\n', encoding="utf-8")
    result = subprocess.run([str(LAUNCHPAD), str(bad)], capture_output=True, text=True, cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    assert f"{bad}:4: bad T-offset `T-25x`" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_terminal_the_cockpit_says_so_and_writes_nothing(tmp_path):
    session = tmp_path / "s.toml"
    result = subprocess.run([str(LAUNCHPAD), "--session", str(session), "--no-demo"], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "launchpad status" in result.stderr
    assert not session.exists() and "Traceback" not in result.stderr

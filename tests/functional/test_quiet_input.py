"""Keys are read by a thread that sleeps until a key comes (tui/quiet_input.py), on a real pseudo-terminal.

Textual's own key thread wakes ten times a second with nothing to do; launchpad's wakes for keys and for the
stop. Both must deliver the same keys: a lone Escape (which only a timeout tells from the start of a sequence),
an arrow key's escape sequence, plain letters, and `q` ending the app at once.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("quiet_input_child.py")


def wake_ups(pid: int, tid: int) -> int:
    status = Path(f"/proc/{pid}/task/{tid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("voluntary_ctxt_switches")))


class Terminal:
    def __init__(self, which: str, log: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.log = log
        self.child = subprocess.Popen([sys.executable, str(CHILD), which, str(log)], stdin=slave, stdout=slave,
                                      stderr=slave, env=dict(os.environ, TERM="xterm-256color"),
                                      start_new_session=True)
        os.close(slave)

    def drain(self, seconds: float) -> None:
        """Read what the app writes for a while (a full pty would block it)."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            if select.select([self.master], [], [], left)[0]:
                try:
                    os.read(self.master, 65536)
                except OSError:
                    return

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def wait_for(self, predicate, seconds: float = 20.0) -> list[str]:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            if predicate(self.lines()):
                return self.lines()
            self.drain(0.05)
        raise AssertionError(f"not seen in {seconds} s: {self.lines()}")

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
        self.child.wait()
        os.close(self.master)


@pytest.mark.parametrize("which", ["quiet", "stock"])
def test_the_same_keys_arrive_and_q_ends_the_app(which, tmp_path):
    terminal = Terminal(which, tmp_path / "keys.log")
    try:
        terminal.wait_for(lambda lines: lines and lines[0].startswith("ready"))
        for keys, name in ((b"\x1b", "escape"), (b"\x1b[A", "up"), (b"a", "a")):
            os.write(terminal.master, keys)
            terminal.wait_for(lambda lines, name=name: lines[-1] == name)
        os.write(terminal.master, b"q")
        terminal.wait_for(lambda lines: lines[-1] == "q")
        until = time.monotonic() + 10
        while terminal.child.poll() is None and time.monotonic() < until:
            terminal.drain(0.05)
        assert terminal.child.returncode == 0  # the stop woke the key thread: the app ended, it did not hang
    finally:
        terminal.close()


def test_the_key_thread_sleeps_until_a_key_comes(tmp_path):
    terminal = Terminal("quiet", tmp_path / "keys.log")
    try:
        tid = int(terminal.wait_for(lambda lines: lines and lines[0].startswith("ready"))[0].split()[1])
        pid = terminal.child.pid
        before = wake_ups(pid, tid)
        terminal.drain(2.0)
        assert wake_ups(pid, tid) - before <= 1  # Textual's own thread: about 20 in these two seconds
        os.write(terminal.master, b"\x1b")  # a lone Escape: ticks until it is told apart, then sleeps again
        terminal.wait_for(lambda lines: lines[-1] == "escape")
        terminal.drain(0.5)
        after_escape = wake_ups(pid, tid)
        terminal.drain(2.0)
        assert wake_ups(pid, tid) - after_escape <= 1
    finally:
        terminal.close()


def test_the_cockpit_uses_it_on_a_terminal_and_leaves_other_drivers_alone(session, monkeypatch):
    from textual import constants

    from launchpad.tui.quiet_input import QuietLinuxDriver

    from .conftest import make_app

    assert make_app(session).driver_class is QuietLinuxDriver
    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.headless_driver:HeadlessDriver")
    assert make_app(session).driver_class.__name__ == "HeadlessDriver"  # textual-serve sets its driver this way

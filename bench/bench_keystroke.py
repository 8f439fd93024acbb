"""Keystroke-to-screen latency in the cockpit with 200 live probes (1 s interval, real HTTP on 127.0.0.1),
against the same cockpit with no probes, in the same run. Target: p95 < 50 ms with the probes.

The cockpit runs on a real pseudo-terminal (200x60). Two kinds of keystroke are timed from the write to the
pty until the terminal output shows their effect:
- a cursor move (down arrow) in the checklist: until the detail line names the newly highlighted item;
- a search keystroke (`/` then a, b, c, ...): until the new search subtitle (`search: abc`) shows, i.e. the
  key went in, the tree was filtered and rebuilt, and the frame with it came out.

    python bench/bench_keystroke.py [--probes 200] [--keys 40]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
TARGET_MS = 50.0
LETTERS = "etaoinshrdlucmfwypvbgkqjxz" * 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Terminal:
    def __init__(self, argv: list[str], cwd: Path):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self.child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                      start_new_session=True)
        os.close(slave)
        self.buffer = b""

    def read_until(self, needle: bytes, timeout: float) -> float:
        """Read output until `needle` shows; return the time it did (perf_counter)."""
        deadline = time.perf_counter() + timeout
        while True:
            if needle in CSI.sub(b"", self.buffer):  # match the text as drawn, styles stripped
                return time.perf_counter()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{needle!r} never showed")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.buffer += os.read(self.master, 1 << 16)
                self.buffer = self.buffer[-200_000:]

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            ready, _, _ = select.select([self.master], [], [], max(0, end - time.perf_counter()))
            if ready:
                os.read(self.master, 1 << 16)

    def send(self, data: bytes) -> float:
        self.buffer = b""
        start = time.perf_counter()
        os.write(self.master, data)
        return start

    def close(self) -> None:
        try:
            os.killpg(self.child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.child.wait(timeout=10)
        os.close(self.master)


def security_ids() -> list[str]:
    """The items of the bundled readiness checklist's Security section, in tree order."""
    from launchpad.core.checklist import load_checklist

    checklist, _ = load_checklist(str(HERE.parent / "checklists" / "launch-readiness.md"))
    return [task.id for task in checklist.tasks if task.section[-1] == "Security"]


def measure(probes: int, keys: int, port: int, workdir: Path) -> tuple[list[float], list[float]]:
    """(cursor moves, search keystrokes) in ms."""
    term = Terminal([sys.executable, str(HERE / "keystroke_child.py"), str(probes), str(port), str(workdir)], workdir)
    try:
        term.read_until(b"Keystroke bench", 30)
        term.drain(4.0)  # let every probe run a few rounds: the cockpit is busy drawing panels
        term.send(b"2")
        term.drain(0.5)
        # Cursor moves: down through the Security items; the detail line under the tree names each one.
        ids = security_ids()
        for _ in range(4):  # (no cursor yet) -> Launch readiness -> Pre-Deployment Checks -> Security -> 1st item
            term.send(b"\x1b[B")
            term.drain(0.3)
        moves = []
        for _ in range(3):  # down through the section's items and back up, three times
            for key, items in ((b"\x1b[B", ids[1:]), (b"\x1b[A", ids[-2::-1])):
                for item in items:
                    start = term.send(key)
                    # the detail line under the tree: "#id Launch readiness / Pre-Deployment Checks / Security"
                    moves.append((term.read_until(f"#{item} Launch readiness".encode(), 10) - start) * 1000)
                    term.drain(0.1)
        term.send(b"/")
        term.read_until(b"search items", 10)
        samples = []
        typed = ""
        for letter in LETTERS[:keys]:
            typed += letter
            start = term.send(letter.encode())
            end = term.read_until(f"search: {typed}".encode(), 10)
            samples.append((end - start) * 1000)
            term.drain(0.05)
        return moves, samples
    finally:
        term.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "www").mkdir()
        (workdir / "www" / "health").write_text('{"status": "UP"}')
        server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                   "--directory", str(workdir / "www")], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            baseline = measure(0, args.keys, port, workdir)
            loaded = measure(args.probes, args.keys, port, workdir)
        finally:
            server.terminate()
            server.wait()

    def p95(values):
        return statistics.quantiles(values, n=20)[-1]

    for title, index in (("cursor move in the checklist (down arrow)", 0), ("checklist search keystroke", 1)):
        loaded_ms, base_ms = loaded[index], baseline[index]
        print(f"keystroke to screen, {title}, {len(loaded_ms)} keys:")
        print(f"  with {args.probes} live probes at 1 s: p50 {statistics.median(loaded_ms):6.1f} ms  p95 {p95(loaded_ms):6.1f} ms")
        print(f"  baseline, no probes:            p50 {statistics.median(base_ms):6.1f} ms  p95 {p95(base_ms):6.1f} ms")
        print(f"  ratio of p95 {p95(loaded_ms) / p95(base_ms):.2f}x   target p95 < {TARGET_MS:.0f} ms   "
              f"{'MET' if p95(loaded_ms) < TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()

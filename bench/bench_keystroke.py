"""Keystroke-to-screen latency in the cockpit with 200 live probes (1 s interval, real HTTP on 127.0.0.1),
against the same cockpit with no probes, in the same run. Target: p95 < 50 ms with the probes.

The cockpit runs on a real pseudo-terminal (200x60). Two kinds of keystroke are timed from the write to the
pty until the terminal output shows their effect:
- a cursor move (down arrow) in the checklist: until the newly highlighted item's row (which shows its
  `#id`) is redrawn. The detail line under the tree names the item too, but it repaints only the cells
  that change, so its text never comes out whole; the row of the newly highlighted item always does;
- a search keystroke (`/` then a, b, c, ...): until the new search subtitle (`search: abc`) shows, i.e. the
  key went in, the tree was filtered and rebuilt, and the frame with it came out.

Every key is reported: a slow key is a figure, not an abort. A key whose effect never shows within
--give-up seconds is counted as `lost` (and left out of the percentiles, which would otherwise be the
give-up time). Each run starts a fresh cockpit; the figures per run are p50, p95, max and the count of
keys over 50 ms, and the summary is the median of each over the runs, with and without probes, with
the machine's load average beside them.

With `--plan big` the cockpit opens a generated plan instead of the bundled checklists: 2,000 items in 200
sections and 100 timeline events (issue 13); the cursor walks the first section's items.

    python bench/bench_keystroke.py [--probes 200] [--keys 40] [--runs 3] [--plan bundled|big]
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
        """Read output until `needle` shows; return the time it did (perf_counter). TimeoutError if it never does."""
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
    from launchpad.core.plan.checklist import load_checklist

    checklist, _ = load_checklist(str(HERE.parent / "checklists" / "launch-readiness.md"))
    return [task.id for task in checklist.tasks if task.section[-1] == "Security"]


def timed(term: Terminal, key: bytes, needle: bytes, give_up: float) -> float | None:
    """One key's latency in ms, or None when its effect never showed within `give_up` s."""
    start = term.send(key)
    try:
        return (term.read_until(needle, give_up) - start) * 1000
    except TimeoutError:
        return None


def walk(plan: str) -> tuple[int, list[str]]:
    """(down keys from no cursor to the first item walked, the IDs walked) for the plan."""
    if plan == "big":
        sys.path.insert(0, str(HERE))
        from keystroke_child import BIG_PER_SECTION, big_id

        return 3, [big_id(number) for number in range(BIG_PER_SECTION)]  # Big runbook -> Area 1 -> 1st item
    return 4, security_ids()  # Launch readiness -> Pre-Deployment Checks -> Security -> 1st item


def measure(probes: int, keys: int, port: int, workdir: Path, give_up: float, plan: str = "bundled") -> tuple[list, list]:
    """(cursor moves, search keystrokes) in ms, None for a key whose effect never showed."""
    term = Terminal([sys.executable, str(HERE / "keystroke_child.py"), str(probes), str(port), str(workdir), plan],
                    workdir)
    try:
        term.read_until(b"Keystroke bench", 30)
        term.drain(4.0)  # let every probe run a few rounds: the cockpit is busy drawing panels
        term.send(b"2")
        term.drain(0.5)
        # Cursor moves: down through the Security items; the detail line under the tree names each one.
        downs, ids = walk(plan)
        for _ in range(downs):  # from no cursor to the first item walked
            term.send(b"\x1b[B")
            term.drain(0.3)
        moves = []
        for _ in range(3):  # down through the section's items and back up, three times
            for key, items in ((b"\x1b[B", ids[1:]), (b"\x1b[A", ids[-2::-1])):
                for item in items:
                    moves.append(timed(term, key, f"#{item}".encode(), give_up))
                    term.drain(0.1)
        term.send(b"/")
        term.read_until(b"search items", 10)
        samples = []
        typed = ""
        for letter in LETTERS[:keys]:
            typed += letter
            samples.append(timed(term, letter.encode(), f"search: {typed}".encode(), give_up))
            term.drain(0.05)
        return moves, samples
    finally:
        term.close()


def figures(values: list) -> dict:
    """p50 / p95 / max / keys over the target / lost, of one run's keys (nearest rank)."""
    seen = sorted(value for value in values if value is not None)
    if not seen:
        return {"p50": float("nan"), "p95": float("nan"), "max": float("nan"), "over": 0, "lost": len(values), "keys": len(values)}
    return {
        "p50": statistics.median(seen),
        "p95": seen[min(len(seen) - 1, max(0, -(-95 * len(seen) // 100) - 1))],
        "max": seen[-1],
        "over": sum(1 for value in seen if value > TARGET_MS),
        "lost": len(values) - len(seen),
        "keys": len(values),
    }


def summary(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def describe(fig: dict) -> str:
    return (f"p50 {fig['p50']:6.1f} ms  p95 {fig['p95']:6.1f} ms  max {fig['max']:7.1f} ms  "
            f"over {TARGET_MS:.0f} ms: {fig['over']:g} of {fig['keys']:g}  lost: {fig['lost']:g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3, help="fresh cockpits per setup; medians are reported")
    parser.add_argument("--give-up", type=float, default=10.0, help="seconds after which a key counts as lost")
    parser.add_argument("--plan", choices=("bundled", "big"), default="bundled",
                        help="the bundled checklists, or a generated 2,000-item plan (200 sections, 100 events)")
    args = parser.parse_args()
    port = free_port()
    load_before = os.getloadavg()
    results: dict[str, list] = {"baseline": [], "loaded": []}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "www").mkdir()
        (workdir / "www" / "health").write_text('{"status": "UP"}')
        server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                   "--directory", str(workdir / "www")], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            for number in range(args.runs):  # alternate, so drifting machine load hits both setups alike
                for name, probes in (("baseline", 0), ("loaded", args.probes)):
                    moves, searches = measure(probes, args.keys, port, workdir, args.give_up, args.plan)
                    results[name].append((figures(moves), figures(searches)))
                    print(f"run {number + 1} {name:<8} ({probes} probes): cursor {describe(results[name][-1][0])}",
                          flush=True)
                    print(f"{'':<28} search {describe(results[name][-1][1])}  (load {os.getloadavg()[0]:.2f})",
                          flush=True)
        finally:
            server.terminate()
            server.wait()

    load_after = os.getloadavg()
    print()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f} "
          f"before, {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} after (1/5/15 min); "
          f"medians over {args.runs} run(s) of each figure; plan: {args.plan}")
    for title, index in (("cursor move in the checklist (down arrow)", 0), ("checklist search keystroke", 1)):
        loaded = summary([run[index] for run in results["loaded"]])
        base = summary([run[index] for run in results["baseline"]])
        print(f"keystroke to screen, {title}:")
        print(f"  with {args.probes} live probes at 1 s: {describe(loaded)}")
        print(f"  baseline, no probes:        {describe(base)}")
        met = loaded["p95"] < TARGET_MS and not loaded["lost"]
        print(f"  ratio of p95 {loaded['p95'] / base['p95']:.2f}x   target p95 < {TARGET_MS:.0f} ms   "
              f"{'MET' if met else 'MISSED'}")


if __name__ == "__main__":
    main()

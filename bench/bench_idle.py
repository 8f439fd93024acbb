"""What an idle cockpit costs: CPU share of a core and bytes written to the terminal per second.

A cockpit stays open for 28 hours, often over SSH and tmux: every byte it writes crosses them. The baseline is
a bare Textual app with a Header, a Footer and a one-second clock, measured the same way in the same run.
Each app runs on its own pseudo-terminal (200x60); after a warm-up, CPU time (utime+stime from /proc) and the
bytes it wrote are counted over the window. Rounds alternate the apps; medians are reported.
Targets (issue 13): cockpit without probes CPU <= 2x the bare app and <= 300 bytes/s; with the demo's probes <= 1%.

    python bench/bench_idle.py [--seconds 60] [--rounds 3] [--warmup 5]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def open_terminal() -> tuple[int, int]:
    """A pseudo-terminal of 200x60: (master, slave)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
    return master, slave


def read_for(master: int, seconds: float) -> int:
    """Read what the app writes for `seconds`; returns the bytes read."""
    until, total = time.monotonic() + seconds, 0
    while (left := until - time.monotonic()) > 0:
        ready, _, _ = select.select([master], [], [], min(left, 0.2))
        if ready:
            try:
                total += len(os.read(master, 65536))
            except OSError:
                break
    return total


def measure(which: str, seconds: float, warmup: float) -> tuple[float, float]:
    """(share of one core, bytes per second) of one app left idle."""
    master, slave = open_terminal()
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("COLUMNS", None), env.pop("LINES", None)
    with tempfile.TemporaryDirectory() as work:
        child = subprocess.Popen([sys.executable, str(HERE / "idle_child.py"), which, work], stdin=slave, stdout=slave,
                                 stderr=slave, env=env, cwd=work, start_new_session=True)
        os.close(slave)
        read_for(master, warmup)
        cpu0, start = cpu_seconds(child.pid), time.monotonic()
        written = read_for(master, seconds)
        cpu1, elapsed = cpu_seconds(child.pid), time.monotonic() - start
        os.write(master, b"q")
        read_for(master, 2)
        child.kill()
        child.wait()
    os.close(master)
    return (cpu1 - cpu0) / elapsed, written / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--apps", default="bare,cockpit,demo")
    args = parser.parse_args()
    apps = args.apps.split(",")
    results: dict[str, list[tuple[float, float]]] = {app: [] for app in apps}
    for _ in range(args.rounds):
        for app in apps:
            results[app].append(measure(app, args.seconds, args.warmup))
    load = os.getloadavg()
    print(f"idle over {args.seconds:g} s x {args.rounds} rounds (load average {load[0]:.2f} {load[1]:.2f}), medians:")
    base_cpu = statistics.median(cpu for cpu, _ in results.get("bare", [(float('nan'), 0)]))
    for app in apps:
        cpu = statistics.median(c for c, _ in results[app])
        rate = statistics.median(b for _, b in results[app])
        ratio = f"{cpu / base_cpu:.2f}x bare" if base_cpu and app != "bare" else "baseline"
        print(f"  {app:8s} CPU {cpu * 100:5.2f}% of a core ({ratio})   terminal output {rate:8.0f} bytes/s")


if __name__ == "__main__":
    main()

"""Where an idle app's CPU goes, thread by thread: python bench/idle_threads.py [demo|cockpit|bare] [--seconds 40]

Runs bench/idle_child.py on a pseudo-terminal (200x60) like bench_idle.py, with each Python thread given its name
in the kernel (prctl), and after a warm-up reads every thread's exact CPU time (/proc/PID/task/*/schedstat) and
context switches (wake-ups) at both ends of the window. Prints each thread's share of a core and wake-ups a
second, the per-thread total and the process total from /proc/PID/stat (they agree when no thread came or went).
A breakdown, not a figure against a target: bench_idle.py is the benchmark.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_idle import HERE, TICKS, cpu_seconds, open_terminal, read_for  # noqa: E402

NAMED = """
import ctypes, runpy, sys, threading
libc = ctypes.CDLL(None)
start = threading.Thread._bootstrap_inner
def named(self):
    libc.prctl(15, self.name[:15].encode(), 0, 0, 0)  # PR_SET_NAME
    return start(self)
threading.Thread._bootstrap_inner = named
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def threads(pid: int) -> dict[str, tuple[str, float, int]]:
    seen = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            ns = int((task / "schedstat").read_text().split()[0])
            switches = sum(int(line.split()[1]) for line in (task / "status").read_text().splitlines()
                           if "ctxt_switches" in line)
        except OSError:
            continue
        seen[task.name] = (name, ns / 1e9, switches)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", default="demo")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    args = parser.parse_args()
    master, slave = open_terminal()
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("COLUMNS", None), env.pop("LINES", None)
    with tempfile.TemporaryDirectory() as work:
        child = subprocess.Popen([sys.executable, "-c", NAMED, str(HERE / "idle_child.py"), args.which, work],
                                 stdin=slave, stdout=slave, stderr=slave, env=env, cwd=work, start_new_session=True)
        os.close(slave)
        read_for(master, args.warmup)
        before, process_before, start = threads(child.pid), cpu_seconds(child.pid), time.monotonic()
        written = read_for(master, args.seconds)
        after, process_after = threads(child.pid), cpu_seconds(child.pid)
        elapsed = time.monotonic() - start
        os.write(master, b"q")
        read_for(master, 2)
        child.kill()
        child.wait()
    os.close(master)
    rows = []
    for tid, (name, cpu, switches) in after.items():
        _, cpu0, switches0 = before.get(tid, (name, 0.0, 0))
        rows.append((cpu - cpu0, name, (switches - switches0) / elapsed))
    print(f"{args.which}, {args.seconds:g} s (load average {os.getloadavg()[0]:.2f}): per thread, share of a core, wake-ups/s")
    for cpu, name, rate in sorted(rows, reverse=True):
        if cpu > 0:
            print(f"  {name:16s} {cpu / elapsed * 100:6.3f} %  {rate:6.1f}/s")
    print(f"  threads total {sum(cpu for cpu, _, _ in rows) / elapsed * 100:.2f} %, process (/proc stat) "
          f"{(process_after - process_before) / elapsed * 100:.2f} %, terminal {written / elapsed:.0f} B/s, {TICKS} ticks/s")


if __name__ == "__main__":
    main()

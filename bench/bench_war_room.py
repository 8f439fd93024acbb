"""Benchmark the war room: python bench/bench_war_room.py [--sizes 2,5,10] [--actions 4] [--idle 10]

N headless cockpits (bench/war_room_child.py: the real app and probe runtime, each its own process) on one
session of the bundled plan, with live probes against its demo service (probing every second). Reported per N:
1. time until EVERY cockpit draws an action (a tick from a script, and a tick from one cockpit), p50/p95
   (target p95 < 1 s); baseline: a bare LiveSession in this process polling the file every 0.5 s like a cockpit
2. share of sampled instants (every 0.1 s, each follower) where a follower's probe panels and banner equal what
   the prober drew at some moment within the last refresh (0.6 s) (target 100%); baseline: the prober against
   itself (100%). The child logs each drawing as it happens (wrapped widget methods): measuring does not load
   the machine that it measures.
3. CPU of an idle follower (share of one core, /proc/PID/stat over --idle seconds, target < 3%); baseline: the
   prober's CPU over the same seconds
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).with_name("war_room_child.py")
WINDOW = 0.6  # "allowing one refresh": followers look every 0.25 s, the prober draws every 0.25 s
TICK = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def line(name: str, figure: str, baseline: str, ratio: float | None, target: str, ok: bool) -> None:
    ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
    print(f"{name:<40} {figure:>12}  baseline {baseline:>12}  ratio {ratio_text:>7}  target {target:<8} {'OK' if ok else 'MISSED'}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fast_plan(directory: Path) -> Path:
    """The bundled plan and checklists, its demo on a free port, every probe once a second."""
    shutil.copytree(ROOT / "timelines", directory / "timelines")
    shutil.copytree(ROOT / "checklists", directory / "checklists")
    plan = directory / "timelines" / "launch-day.toml"
    text = plan.read_text(encoding="utf-8").replace("8787", str(free_port()))
    for slow, fast in (('interval = "5s"', 'interval = "1s"'), ('interval = "3s"', 'interval = "1s"'),
                       ('timeout = "4500ms"', 'timeout = "900ms"'), ('timeout = "2500ms"', 'timeout = "900ms"')):
        text = text.replace(slow, fast)
    plan.write_text(text, encoding="utf-8")
    return plan


def records(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return []


def attempts(record: dict) -> int:
    found = re.search(r"n=(\d+)", record["fig"][1])
    return int(found.group(1)) if found else 0


def screen_at(log: list[dict], instant: float) -> tuple:
    """What a cockpit's probe panels and banner showed at `instant` (its last drawing of each before it)."""
    panels: dict[str, list] = {}
    banner = ""
    for record in log:
        if record["at"] > instant:
            break
        if "panel" in record:
            panels[record["panel"]] = record["fig"]
        elif "banner" in record:
            banner = record["banner"]
    return tuple(sorted((name, json.dumps(fig)) for name, fig in panels.items())), banner


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def wait_until(predicate, what: str, ceiling: float = 120.0):
    deadline = time.monotonic() + ceiling
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(f"bench_war_room: never happened: {what}")


class BarePoller(threading.Thread):
    """The baseline: what the journal channel itself costs, without a screen (polls like a cockpit)."""

    def __init__(self, session_path: Path):
        super().__init__(daemon=True)
        from launchpad.shell.session import LiveSession

        self.session = LiveSession.resume(session_path, actor="baseline")
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.session.poll()
            self.seen.setdefault(len(self.session.checked()), time.monotonic())


def run_size(n: int, actions: int, idle: float, directory: Path, explain: bool = False) -> None:
    from launchpad.core.plan.plan import load_plan
    from launchpad.core.plan.progress import overall
    from launchpad.shell.session import LiveSession

    plan, problems = load_plan(fast_plan(directory))
    assert plan is not None and not problems, problems
    session_path = directory / "war.session.toml"
    now = datetime.now(timezone.utc)
    script = LiveSession.start(plan, session_path, t0=now + timedelta(hours=2), actor="script")
    children = []
    for index in range(n):
        out, commands = directory / f"c{index}.jsonl", directory / f"c{index}.commands"
        commands.write_text("", encoding="utf-8")
        process = subprocess.Popen([sys.executable, str(CHILD), str(session_path), f"cockpit{index}", str(out),
                                    str(commands)], cwd=directory, stdout=subprocess.DEVNULL,
                                   stderr=open(directory / f"c{index}.err", "w"))
        children.append((process, out, commands))

    def send(index: int, command: str) -> None:
        with open(children[index][2], "a", encoding="utf-8") as handle:
            handle.write(command + "\n")

    try:
        def ready():
            logs = [records(out) for _, out, _ in children]
            leaders = [next((r["leader"] for r in reversed(log) if "leader" in r), None) for log in logs]
            measured = all(len({r["panel"] for r in log if "panel" in r and attempts(r) >= 3}) == len(plan.probes)
                           for log in logs)
            return measured and leaders.count(True) == 1

        wait_until(ready, f"{n} cockpits up, one probing, every panel measured")
        sampled_from = time.monotonic()
        poller = BarePoller(session_path)
        poller.start()
        time.sleep(3)  # figures drawn while nothing else happens
        items = [task.id for task in plan.tasks][: 2 * actions]
        acted: list[tuple[int, int, float, str]] = []  # (header's done count, ticked count, when, who)
        for k, item in enumerate(items, 1):
            if k % 2:  # a script ...
                at = time.monotonic()
                script.toggle(item)
                who = "script"
            else:  # ... and one cockpit, in turn
                send(1 % n, f"tick {item}")
                at = wait_until(lambda: next((r["at"] for r in records(children[1 % n][1]) if r.get("acted") == item),
                                             None), "the tick")
                who = "cockpit"
            wait_until(lambda: script.poll() is not None and item in script.checked(), "the tick on disk")
            done = overall(plan.tasks, script.checked()).done  # what every header must come to say
            acted.append((done, len(script.checked()), at, who))
            wait_until(lambda: all(any(r.get("seen") == done for r in records(out)) for _, out, _ in children),
                       f"every cockpit shows {done} done")
            time.sleep(0.7)
        sampled_to = time.monotonic()
        poller.stop.set()
        logs = [records(out) for _, out, _ in children]
        every, bare = [], []
        for done, ticked, at, _ in acted:
            every.append(max(next(r["at"] for r in log if r.get("seen") == done) for log in logs) - at)
            bare.append(poller.seen.get(ticked, float("nan")) - at)
        bare = [value for value in bare if value == value]

        prober = next(i for i, log in enumerate(logs) if [r["leader"] for r in log if "leader" in r][-1:] == [True])
        equal = total = 0
        changes = [r["at"] for r in logs[prober] if "panel" in r or "banner" in r]
        for index, log in enumerate(logs):
            if index == prober:
                continue
            instant = sampled_from
            while instant < sampled_to:
                shown = screen_at(log, instant)
                candidates = [instant - WINDOW] + [at for at in changes if instant - WINDOW < at <= instant]
                same = any(screen_at(logs[prober], at) == shown for at in candidates)
                total += 1
                equal += same
                if not same and explain:
                    explain = False
                    print(f"first difference at +{instant - sampled_from:.2f}s:", json.dumps(shown),
                          "\nprober then:", json.dumps(screen_at(logs[prober], instant)), file=sys.stderr)
                instant += 0.1

        time.sleep(1)
        before = {process.pid: cpu_seconds(process.pid) for process, _, _ in children}
        start = time.monotonic()
        time.sleep(idle)
        elapsed = time.monotonic() - start
        share = {pid: (cpu_seconds(pid) - used) / elapsed for pid, used in before.items()}
        prober_pid = children[prober][0].pid
        followers = [value for pid, value in share.items() if pid != prober_pid]

        p50, p95, b95 = statistics.median(every), percentile(every, 0.95), percentile(bare, 0.95) if bare else float("nan")
        print(f"-- {n} cockpits, {len(acted)} actions ({sum(1 for a in acted if a[3] == 'script')} from a script), "
              f"prober: cockpit{prober}")
        line(f"every cockpit shows the action, p50", f"{p50 * 1000:.0f} ms", f"{statistics.median(bare) * 1000:.0f} ms",
             p50 / statistics.median(bare) if bare else None, "-", True)
        line(f"every cockpit shows the action, p95", f"{p95 * 1000:.0f} ms", f"{b95 * 1000:.0f} ms",
             p95 / b95 if bare else None, "< 1 s", p95 < 1.0)
        share_equal = equal / total if total else 0.0
        line("followers equal the prober (samples)", f"{share_equal * 100:.1f}% of {total}", "100.0%",
             share_equal, "100%", share_equal == 1.0)
        worst = max(followers) if followers else 0.0
        line("CPU of an idle follower (worst)", f"{worst * 100:.2f}%", f"{share[prober_pid] * 100:.2f}%",
             worst / share[prober_pid] if share[prober_pid] else None, "< 3%", worst < 0.03)
    finally:
        for index, (process, _, _) in enumerate(children):
            if process.poll() is None:
                send(index, "quit")
        for process, _, _ in children:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        script.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,5,10", help="cockpit counts, comma separated")
    parser.add_argument("--actions", type=int, default=4, help="ticks per kind (script, cockpit) per size")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measured")
    parser.add_argument("--keep", action="store_true", help="keep each run's folder (logs, stderr) in $TMPDIR")
    parser.add_argument("--explain", action="store_true", help="print the first follower sample unlike the prober's")
    args = parser.parse_args()
    print(f"bench_war_room: {os.cpu_count()} cores; times are time.monotonic() across processes")
    for n in (int(size) for size in args.sizes.split(",")):
        if args.keep:  # the children's logs and stderr stay for a look
            run_size(n, args.actions, args.idle, Path(tempfile.mkdtemp(prefix=f"war-room-{n}-")), args.explain)
            continue
        with tempfile.TemporaryDirectory(prefix=f"war-room-{n}-") as directory:
            run_size(n, args.actions, args.idle, Path(directory), args.explain)


if __name__ == "__main__":
    main()

"""Scale, the journal side: a 360,000-entry session read by `status`, opened by replay, and handed off.

  status   `launchpad status SESSION` (wall, peak RSS), on a small plan so the journal is what is measured
           (bench_scale.py runs it on the 100,000-item plan); baselines: tomllib.loads of the same file in a
           fresh process (the parser floor the issue names) and main's code path (--main-src) on the same
           file. Twice: first with an empty cache (the full fold, which leaves a checkpoint), then again
           (from that checkpoint, store/checkpoint.py).                         target < 5 s and < 300 MB
  frame    the cockpit's first complete frame resuming a copy of the session (bench/startup_child.py on a
           pty, as bench_plan_scale.py), first with an empty cache, then again; baseline: main's code path,
           first open.                                                          target < 5 s
  replay   what opening a replay costs before its first frame: load_session + ReplayIndex (checkpoints,
           markers), in a fresh process; baseline: main's code path.            target < 10 s and < 500 MB
  handoff  `SessionFile.handoff` from a script handle on a copy of the session: the longest time the session
           lock is held (every other writer waits that long) and the wall time; baseline: main's code path
           on another copy.                                                     target: lock held < 1 s
  packed   the size of that copy after the handoff's compaction (old probe minutes packed, core/journal/pack)
           and `status` on it; baseline: the unpacked file and `status` on it.  target < 5 s and < 300 MB

"main's code path" is the same scripts run with PYTHONPATH=--main-src (default /work/main/src), so its
figures come from the same run and the same files. Every figure is the median of --repeat fresh processes,
printed with the load average before and after.

    python bench/bench_scale_journal.py [--entries 360000] [--repeat 3] [--main-src /work/main/src] [--no-frame]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_plan_scale import first_frame  # noqa: E402
from tests.scale.scale_inputs import write_plan, write_session  # noqa: E402

TOML_FLOOR = "import sys, tomllib; tomllib.loads(open(sys.argv[1], encoding='utf-8').read())"
REPLAY_OPEN = """
import sys
from launchpad.store.session_file import load_session
from launchpad.core.journal.replay import ReplayIndex
header, entries, _ = load_session(sys.argv[1])
index = ReplayIndex(header, entries)
index.state_at(index.end)
"""
HANDOFF = """
import sys, time
from contextlib import contextmanager
from launchpad.store import lock
from launchpad.store.session_file import open_for_append
holds = []
real = lock.FileLock.exclusive
@contextmanager
def timed(self):
    with real(self):
        start = time.perf_counter()
        try:
            yield
        finally:
            holds.append(time.perf_counter() - start)
lock.FileLock.exclusive = timed
start = time.perf_counter()
with open_for_append(sys.argv[1], actor="bench") as session:
    session.handoff("Night Lead")
print(max(holds), time.perf_counter() - start)
"""


def measured(argv: list[str], env: dict) -> tuple[float, float, str]:
    """Wall time and peak RSS (from wait4) of one fresh process, and what it printed."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.stdout.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}")
    return wall, usage.ru_maxrss / 1024, out.decode()


def med(samples: list[tuple], index: int) -> float:
    return statistics.median(sample[index] for sample in samples)


def row(name: str, figure: tuple[float, float], baseline: tuple[float, float], what: str, target: str, ok: bool) -> None:
    print(f"{name:<30} {figure[0]:8.2f} s {figure[1]:6.0f} MB   {what:<9} {baseline[0]:8.2f} s {baseline[1]:6.0f} MB"
          f"   ratio {figure[0] / baseline[0]:5.2f}x time, {figure[1] / baseline[1]:5.2f}x memory   "
          f"target {target:<16} {'OK' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=360_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--main-src", default="/work/main/src", help="a checkout's src/ to run as the baseline")
    parser.add_argument("--no-frame", action="store_true", help="skip the cockpit's first frame")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-scale-journal-", dir=os.getcwd()) as tmp:
        folder = Path(tmp)
        ours = dict(os.environ, XDG_CACHE_HOME=str(folder / "cache"), LAUNCHPAD_USER="bench")
        ours.pop("PYTHONPATH", None)
        main_env = dict(ours, PYTHONPATH=args.main_src)
        started = time.perf_counter()
        plan = write_plan(folder / "plan", 200)
        sha = hashlib.sha256(plan.read_bytes()).hexdigest()
        session = write_session(folder / "big.session.toml", plan, sha, args.entries)
        print(f"inputs: {args.entries:,} entries ({session.stat().st_size / 1e6:.0f} MB) on a 200-item plan, "
              f"generated in {time.perf_counter() - started:.0f} s; baseline code: {args.main_src}")
        status_cmd = [sys.executable, "-m", "launchpad", "status", str(session)]
        samples: dict[str, list] = {name: [] for name in
                                    ("status", "status_again", "status_main", "floor", "replay", "replay_main",
                                     "handoff", "handoff_main", "packed_status", "frame", "frame_again", "frame_main")}
        for repeat in range(args.repeat):
            cold = dict(ours, XDG_CACHE_HOME=str(folder / f"cache-{repeat}"))  # no checkpoint yet
            samples["status"].append(measured(status_cmd, cold))
            samples["status_again"].append(measured(status_cmd, cold))  # from the checkpoint the first left
            if not args.no_frame:
                for name, env in (("frame", dict(ours, XDG_CACHE_HOME=str(folder / f"cache-frame-{repeat}"))),
                                  ("frame_main", main_env)):
                    session_dir = folder / f"{name}-{repeat}"
                    session_dir.mkdir()
                    shutil.copyfile(session, session_dir / "bench.session.toml")
                    sample = first_frame(None, env, str(session_dir))
                    samples[name].append((sample.wall, sample.rss))
                    if name == "frame":
                        again = first_frame(None, env, str(session_dir))
                        samples["frame_again"].append((again.wall, again.rss))
                    shutil.rmtree(session_dir)
            samples["status_main"].append(measured(status_cmd, main_env))
            samples["floor"].append(measured([sys.executable, "-c", TOML_FLOOR, str(session)], ours))
            samples["replay"].append(measured([sys.executable, "-c", REPLAY_OPEN, str(session)], ours))
            samples["replay_main"].append(measured([sys.executable, "-c", REPLAY_OPEN, str(session)], main_env))
            for name, env in (("handoff", ours), ("handoff_main", main_env)):
                copy = folder / f"{name}.session.toml"
                shutil.copyfile(session, copy)
                wall, rss, out = measured([sys.executable, "-c", HANDOFF, str(copy)], env)
                held, _ = map(float, out.split())
                samples[name].append((wall, rss, held))
                if name == "handoff":  # the handoff compacted it: hours of probe minutes are packed now
                    samples["packed_status"].append(measured([*status_cmd[:-1], str(copy)], ours))
                    sizes = (session.stat().st_size, copy.stat().st_size)
                copy.unlink()
                Path(f"{copy}.lock").unlink(missing_ok=True)
    load_after = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f} "
          f"before, {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} after; medians of {args.repeat} "
          f"fresh processes (wall time, peak RSS)")

    def pair(name: str) -> tuple[float, float]:
        return med(samples[name], 0), med(samples[name], 1)

    status = pair("status")
    row(f"status, {args.entries:,} entries", status, pair("floor"), "tomllib", "< 5 s, < 300 MB",
        status[0] < 5 and status[1] < 300)
    row("  first (no checkpoint)", status, pair("status_main"), "main", "", status[0] < 5 and status[1] < 300)
    again = pair("status_again")
    row("  again (from checkpoint)", again, pair("status_main"), "main", "< 5 s, < 300 MB",
        again[0] < 5 and again[1] < 300)
    if samples["frame"]:
        frame, frame_again = pair("frame"), pair("frame_again")
        row("cockpit first frame, first", frame, pair("frame_main"), "main", "< 5 s", frame[0] < 5)
        row("  again (from checkpoint)", frame_again, pair("frame_main"), "main", "< 5 s", frame_again[0] < 5)
    replay = pair("replay")
    row("replay open (load + index)", replay, pair("replay_main"), "main", "< 10 s, < 500 MB",
        replay[0] < 10 and replay[1] < 500)
    held, held_main = med(samples["handoff"], 2), med(samples["handoff_main"], 2)
    print(f"{'handoff: lock held (longest)':<30} {held:8.3f} s            main      {held_main:8.3f} s"
          f"            ratio {held / held_main:5.3f}x   target < 1 s            {'OK' if held < 1 else 'MISSED'}")
    row("handoff: wall, whole command", pair("handoff"), pair("handoff_main"), "main", "-", True)
    packed = pair("packed_status")
    print(f"after that handoff's compaction the file is {sizes[1] / 1e6:.1f} MB (was {sizes[0] / 1e6:.1f} MB: "
          f"{sizes[1] / sizes[0]:.2f}x; old probe minutes packed an hour per probe per entry)")
    row("status on the compacted file", packed, status, "unpacked", "< 5 s, < 300 MB", packed[0] < 5 and packed[1] < 300)


if __name__ == "__main__":
    main()

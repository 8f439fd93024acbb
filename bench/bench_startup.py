"""Process start to the first complete cockpit frame (bundled plan), against a bare Textual app with a
Header and a Footer started the same way, in the same run. Target (issue 13): ratio <= 2.0x.

Both run as child processes on a pseudo-terminal (as in a terminal or tmux), interleaved, many rounds;
the figure is the median wall time from spawn to the moment the child's first complete frame has been
drawn (each child stamps that moment, then exits; shutdown is not counted), and the CPU the child used until
then (steadier than wall time on a shared machine). The children share one cache directory (XDG_CACHE_HOME),
filled by the warm-up round: the cockpit starts on an unchanged plan, its checklists from the parse cache.
The cockpit with an empty cache of its own every round (its first start on a plan: the checklists parsed,
markdown-it imported) is measured beside it and printed as well; the target is judged on the common case.
`--compare-src DIR` (repeatable) adds a child running the cockpit from another checkout's src (e.g.
/work/main/src), interleaved with the others: before/after figures from the same sitting.

    python bench/bench_startup.py [--rounds N] [--compare-src DIR]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 2.0  # issue 13: first complete frame within 2x a bare Textual app
HANG_SECONDS = 10.0
HUNG: list[str] = []  # children ended after their first frame because they did not exit


COLD = "cold"  # the cockpit's src marker for "an empty cache every round"


def run_once(which: str, src: str | None = None) -> tuple[float, float]:
    """(wall seconds from spawn to the first frame, CPU seconds of the child until then)."""
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="200", LINES="60")
    cold = src == COLD
    if cold:
        src = None
    if src is not None:
        env["PYTHONPATH"] = src  # another checkout's launchpad, ahead of this one's editable install
    # Byte-code as an installed launchpad has it (pip compiles site-packages; a checkout writes __pycache__ on
    # its first run): with PYTHONDONTWRITEBYTECODE set (as in some shells and CI images) the editable checkout's
    # ~150 modules were compiled from source in every round, ~90 ms the bare app (site-packages, compiled at
    # install) never paid. The warm-up round below writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as session_dir:
        stamp = Path(session_dir) / "first-frame"
        env["LAUNCHPAD_BENCH_STAMP"] = str(stamp)
        if cold:
            env["XDG_CACHE_HOME"] = str(Path(session_dir) / "empty-cache")
        start = time.time()
        child = subprocess.Popen([sys.executable, str(HERE / "startup_child.py"), which, session_dir],
                                 stdin=slave, stdout=slave, stderr=slave, env=env, cwd=session_dir)
        os.close(slave)
        # Drain the terminal output so the child never blocks on a full pty buffer. A child that has stamped its
        # frame but not left 10 s later is ended (its figure stands; the hang is counted and reported).
        stamped_at, hung = None, False
        while child.poll() is None and not hung:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
            if stamped_at is None and stamp.exists():
                stamped_at = time.monotonic()
            elif stamped_at is not None and time.monotonic() - stamped_at > HANG_SECONDS:
                child.kill()
                HUNG.append(which)
                hung = True
        child.wait()
        wall, cpu = map(float, stamp.read_text().split()) if stamp.exists() else (float("nan"), float("nan"))
    os.close(master)
    if child.returncode != 0 and not hung:
        raise SystemExit(f"{which} child failed with exit code {child.returncode}")
    return wall - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--compare-src", action="append", default=[],
                        help="also run the cockpit from this src directory (another checkout); may be repeated")
    args = parser.parse_args()
    kinds = [("bare", None), ("cockpit", None), ("cockpit", COLD)] + [("cockpit", src) for src in args.compare_src]
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache  # the children's, for this run only
        for which, src in kinds:
            run_once(which, src)  # warm the file cache, byte-code and the parse cache
        runs = {kind: [] for kind in kinds}
        for _ in range(args.rounds):
            for kind in kinds:
                runs[kind].append(run_once(*kind))
    load = os.getloadavg()[0]
    bare = runs[("bare", None)]
    b_wall, b_cpu = (statistics.median(figures) for figures in zip(*bare))
    print(f"startup to first complete frame, {args.rounds} rounds, median (load average now {load:.1f}):")
    print(f"  baseline bare Textual app (Header + Footer): {b_wall * 1000:7.1f} ms wall, {b_cpu * 1000:6.1f} ms CPU")
    for which, src in kinds[1:]:
        wall, cpu = (statistics.median(figures) for figures in zip(*runs[(which, src)]))
        ratio = wall / b_wall
        label = {None: "", COLD: ", first start: empty cache"}.get(src, f", {src}")
        print(f"  cockpit (bundled plan{label}): {wall * 1000:7.1f} ms wall, {cpu * 1000:6.1f} ms CPU")
        print(f"    ratio {ratio:.2f}x wall, {cpu / b_cpu:.2f}x CPU   target <= {TARGET}x   "
              f"{'MET' if ratio <= TARGET else 'MISSED'}{' (reference)' if src == COLD else ''}")
    if HUNG:
        print(f"  {len(HUNG)} children did not exit after their first frame and were ended: {', '.join(HUNG)}")


if __name__ == "__main__":
    main()

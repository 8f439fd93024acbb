"""A 100,000-item plan: `validate`, the plan parse, `mark` cold and warm, and the cockpit's first frame, each beside
a baseline from the same run (issue 13, item 4, the plan side).

  validate   `launchpad validate PLAN` (fresh process); baseline: markdown-it-py alone parsing the same checklists,
             block tokens only (what the full path builds on; fresh process). cmark-gfm over the same files
             (C, GitHub's renderer) shown as a reference.                                       target < 3 s
  parse      load_plan(PLAN) timed inside one process, imports excluded: the parse that feeds the cockpit's first
             frame; baseline: markdown-it-py's block-only parse of the same checklists timed the same way. target < 3 s
  mark       `launchpad mark SESSION ITEM` with an empty ID cache (cold) for a pinned item (`<!-- id: ... -->`) and
             for a generated one (hashed from its text), and with a filled cache (warm); baseline: the same
             command on a 3-item plan (process start, imports and the append: the floor of any `mark`). The
             generated items are in the plan's first checklist (found after parsing it alone); the same plan
             with that checklist listed last is the worst case (every checklist parsed).      target < 1 s
  frame      process start to the cockpit's first complete frame on the big plan (bench/startup_child.py, on a
             pty); baseline: the same on the 3-item plan.                                        target < 3 s

Every figure is the median of --repeat fresh processes: wall time, CPU time (user + sys, from wait4: what the
process itself spent, which the other load on the machine does not inflate) and peak RSS. The load average is
printed before and after. Inputs come from tests/scale/scale_inputs.py (fixed seeds) in a temporary folder; the
ID cache goes to a private $XDG_CACHE_HOME there.

    python bench/bench_plan_scale.py [--items 100000] [--repeat 3] [--no-frame]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from launchpad.core.plan.plan import load_plan  # noqa: E402
from bench.bench_scale import BLOCKS_ONLY  # noqa: E402
from tests.scale.scale_inputs import ITEMS_PER_FILE, item_id, write_plan, write_session  # noqa: E402

LAUNCHPAD = [sys.executable, "-m", "launchpad"]
# markdown-it-py alone, block tokens only, over the checklists named in argv (bench_scale.py's baseline), timing
# its parse inside the process too: the last line it prints is that time, imports excluded.
BLOCKS_TIMED = BLOCKS_ONLY.replace("for path in", "import time\nstart = time.perf_counter()\nfor path in", 1) + \
    "print(time.perf_counter() - start)\n"
assert "perf_counter()\nfor path in" in BLOCKS_TIMED
PLAN_TIMED = """
import sys, time
from launchpad.core.plan.plan import load_plan
start = time.perf_counter()
plan, problems = load_plan(sys.argv[1])
print(time.perf_counter() - start)
assert len(plan.tasks) == int(sys.argv[2]) and not problems, problems
"""


# Children are started through this small launcher, which forks them itself: a child spawned straight from
# this (large) process would report this process's peak RSS as its own (Linux carries it across exec), and the
# launcher's own start is not counted in the wall time it reports either.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.perf_counter() - start} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss / 1024}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


class Sample:
    __slots__ = ("wall", "cpu", "rss", "inner")

    def __init__(self, wall: float, cpu: float, rss: float, inner: float | None = None):
        self.wall, self.cpu, self.rss, self.inner = wall, cpu, rss, inner


def _last_float(out: bytes) -> float | None:
    try:
        return float(out.split()[-1])
    except (IndexError, ValueError):
        return None


def run(argv: list[str], env: dict, expect: int = 0) -> Sample:
    """One fresh process: wall seconds, CPU seconds and peak RSS MB (wait4), and the number it printed last."""
    with tempfile.NamedTemporaryFile("r", suffix=".usage") as usage:
        child = subprocess.run([sys.executable, "-c", LAUNCHER, usage.name, *argv], env=env, capture_output=True)
        if child.returncode != expect:
            raise SystemExit(f"{' '.join(argv)} exited {child.returncode}: {child.stderr.decode(errors='replace')}")
        wall, cpu, rss = map(float, usage.read().split())
    return Sample(wall, cpu, rss, _last_float(child.stdout))


def first_frame(plan: Path | None, env: dict, session_dir: str | None = None) -> Sample:
    """Spawn to first complete frame of the cockpit on `plan` (bench/startup_child.py stamps it), on a pty.
    With `session_dir` (and no plan), the cockpit resumes the `bench.session.toml` waiting there."""
    master, slave = pty.openpty()
    child_env = dict(env, TERM="xterm-256color", COLUMNS="200", LINES="60")
    with tempfile.TemporaryDirectory() as scratch:
        session_dir = session_dir or scratch
        stamp = Path(scratch) / "first-frame"
        child_env["LAUNCHPAD_BENCH_STAMP"] = str(stamp)
        start = time.time()
        usage = Path(scratch) / "usage"
        child = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(usage), sys.executable,
                                  str(ROOT / "bench" / "startup_child.py"), "cockpit", session_dir,
                                  *([str(plan)] if plan else [])],
                                 stdin=slave, stdout=slave, stderr=slave, env=child_env, cwd=session_dir)
        os.close(slave)
        while True:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break
        child.wait()
        elapsed = float(stamp.read_text().split()[0]) - start if stamp.exists() else float("nan")  # wall, CPU
        _, cpu, rss = map(float, usage.read_text().split()) if usage.exists() else (0, float("nan"), float("nan"))
    os.close(master)
    if child.returncode != 0:
        raise SystemExit(f"cockpit on {plan} exited {child.returncode}")
    return Sample(elapsed, cpu, rss)


def median(samples: list[Sample], what: str) -> float:
    return statistics.median(getattr(sample, what) for sample in samples)


def _first_checklist_last(plan: Path) -> Path:
    """A copy of `plan` beside it whose checklists list the first one last."""
    text = plan.read_text(encoding="utf-8")
    start = text.index("checklists = [") + len("checklists = [")
    end = text.index("]", start)
    names = text[start:end].split(", ")
    copy = plan.with_name("first-checklist-last.toml")
    copy.write_text(text[:start] + ", ".join(names[1:] + names[:1]) + text[end:], encoding="utf-8")
    return copy


def row(name: str, figure: list[Sample], baseline: list[Sample], target: float | None, what: str = "wall") -> None:
    f_wall, b_wall = median(figure, what), median(baseline, what)
    verdict = "" if target is None else f"target < {target:g} s  {'MET' if f_wall < target else 'MISSED'}"
    cpu = (f"cpu {median(figure, 'cpu'):6.2f} s vs {median(baseline, 'cpu'):6.2f} s  "
           if what == "wall" else "")
    print(f"  {name:<30} {f_wall:7.2f} s vs {b_wall:7.2f} s  ratio {f_wall / b_wall:6.2f}x   {cpu}"
          f"rss {median(figure, 'rss'):4.0f} vs {median(baseline, 'rss'):4.0f} MB   {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-frame", action="store_true", help="skip the cockpit's first frame")
    args = parser.parse_args()
    if args.items <= ITEMS_PER_FILE:
        parser.error(f"--items must be over {ITEMS_PER_FILE:,}: only items past the first checklist are pinned")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-plan-scale-") as tmp:
        folder = Path(tmp)
        cache = folder / "cache"
        env = dict(os.environ, XDG_CACHE_HOME=str(cache), LAUNCHPAD_USER="bench")
        plan = write_plan(folder / "plan", args.items)
        small = write_plan(folder / "small", 3)
        checklists = [str(path) for path in sorted(plan.parent.glob("*.md"))]
        session = write_session(folder / "s.session.toml", plan, hashlib.sha256(plan.read_bytes()).hexdigest(), 10)
        small_session = write_session(folder / "small.session.toml", small,
                                      hashlib.sha256(small.read_bytes()).hexdigest(), 10)
        parsed = load_plan(plan, env={})[0]
        pinned = item_id(args.items - 1)  # the last item, in the last checklist: pinned past the first file
        generated = parsed.tasks[min(args.items, ITEMS_PER_FILE) - 1].id
        small_item = load_plan(small, env={})[0].tasks[1].id
        last = _first_checklist_last(plan)  # the generated items' checklist listed last: the worst case
        last_session = write_session(folder / "last.session.toml", last, hashlib.sha256(last.read_bytes()).hexdigest(),
                                     10)
        print(f"inputs: {args.items:,} items in {len(checklists)} checklists "
              f"({sum(os.path.getsize(path) for path in checklists) / 1e6:.1f} MB); pinned item {pinned}, "
              f"generated item {generated}")

        results: dict[str, list[Sample]] = {name: [] for name in (
            "validate", "blocks", "cmark", "parse", "cold_pinned", "cold_generated", "cold_generated_last", "warm",
            "floor", "frame", "frame_small")}
        cmark = shutil.which("cmark-gfm")
        for _ in range(args.repeat):
            results["validate"].append(run(LAUNCHPAD + ["validate", str(plan)], env))
            results["blocks"].append(run([sys.executable, "-c", BLOCKS_TIMED, *checklists], env))
            if cmark:
                results["cmark"].append(run([cmark, "-e", "tasklist", *checklists], env))
            results["parse"].append(run([sys.executable, "-c", PLAN_TIMED, str(plan), str(args.items)], env))
            shutil.rmtree(cache, ignore_errors=True)
            results["cold_pinned"].append(run(LAUNCHPAD + ["mark", str(session), pinned], env))
            shutil.rmtree(cache, ignore_errors=True)
            results["cold_generated"].append(run(LAUNCHPAD + ["mark", str(session), generated], env))
            results["warm"].append(run(LAUNCHPAD + ["mark", str(session), generated], env))
            shutil.rmtree(cache, ignore_errors=True)
            results["cold_generated_last"].append(run(LAUNCHPAD + ["mark", str(last_session), generated], env))
            results["floor"].append(run(LAUNCHPAD + ["mark", str(small_session), small_item], env))
            if not args.no_frame:
                results["frame"].append(first_frame(plan, env))
                results["frame_small"].append(first_frame(small, env))

    load_after = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f}/{load_before[1]:.2f}/"
          f"{load_before[2]:.2f} before, {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} after; "
          f"medians of {args.repeat} fresh processes (wall, CPU = user + sys, peak RSS)")
    print(f"{args.items:,} items   figure vs baseline (same run)")
    row("validate", results["validate"], results["blocks"], 3)
    print("    baseline: markdown-it-py block-only parse of the same checklists, fresh process")
    if results["cmark"]:
        row("validate vs cmark-gfm", results["validate"], results["cmark"], None)
        print("    reference: cmark-gfm -e tasklist over the same files (C)")
    row("parse (load_plan, in process)", results["parse"], results["blocks"], 3, what="inner")
    print("    baseline: markdown-it-py block-only parse timed the same way; imports excluded from both")
    row("mark cold, pinned item", results["cold_pinned"], results["floor"], 1)
    row("mark cold, generated item", results["cold_generated"], results["floor"], 1)
    row("mark cold, generated, worst case", results["cold_generated_last"], results["floor"], 1)
    row("mark warm (ID cache)", results["warm"], results["floor"], 1)
    print("    baseline: mark on a 3-item plan (process start, imports, the append)")
    if results["frame"]:
        row("first frame", results["frame"], results["frame_small"], 3)
        print("    baseline: the cockpit's first frame on a 3-item plan")


if __name__ == "__main__":
    main()

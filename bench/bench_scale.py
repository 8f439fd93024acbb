"""Scale: the scripts on a 100,000-item plan and a 360,000-entry session, each beside its floor in the same run.

  mark     `launchpad mark SESSION ITEM` on the big plan, cold (no ID cache: parses the plan, fills the cache)
           and warm (cached IDs, as every later call of a pipeline); baseline: the same command on a 3-item
           plan (process start + imports + the append: the floor of any `mark`).          target < 1 s
  validate `launchpad validate PLAN`; baseline: markdown-it-py alone parsing the same checklists, block
           tokens only (what parse_checklist builds on), in a fresh process.                  target < 3 s
  status   `launchpad status SESSION` on the big session (whose plan is the big plan), wall time and peak
           RSS; baseline: `tomllib.loads` of the same session file in a fresh process (the parser floor the
           issue names).                                                         target < 5 s and < 300 MB

Every figure is the median of --repeat fresh processes (wall time, peak RSS from wait4), printed with the load
average. The inputs come from tests/scale/scale_inputs.py (fixed seeds), in a temporary folder; the ID cache
goes to a private $XDG_CACHE_HOME there.

    python bench/bench_scale.py [--items 100000] [--entries 360000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from launchpad.core.plan.plan import load_plan  # noqa: E402
from tests.scale.scale_inputs import ITEMS_PER_FILE, item_id, write_plan, write_session  # noqa: E402

LAUNCHPAD = [sys.executable, "-m", "launchpad"]
BLOCKS_ONLY = """
import sys
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
md.core.ruler.disable(["inline", "text_join"])
for path in sys.argv[1:]:
    md.parse(open(path, encoding="utf-8").read())
"""
TOML_FLOOR = "import sys, tomllib; tomllib.loads(open(sys.argv[1], encoding='utf-8').read())"


def run(argv: list[str], env: dict, expect: int = 0) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if child.returncode != expect:
        raise SystemExit(f"{' '.join(argv)} exited {child.returncode}: {error}")
    return wall, usage.ru_maxrss / 1024


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def row(name: str, figure: tuple[float, float], baseline: tuple[float, float], target: str, ok: bool) -> None:
    print(f"{name:<34} {figure[0]:8.2f} s {figure[1]:6.0f} MB   baseline {baseline[0]:7.2f} s {baseline[1]:6.0f} MB"
          f"   ratio {figure[0] / baseline[0]:6.2f}x   target {target:<16} {'OK' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=360_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = Path(tmp)
        env = dict(os.environ, XDG_CACHE_HOME=str(folder / "cache"), LAUNCHPAD_USER="bench")
        started = time.perf_counter()
        plan = write_plan(folder / "plan", args.items)
        small = write_plan(folder / "small", 3)
        sha = hashlib.sha256(plan.read_bytes()).hexdigest()
        big_session = write_session(folder / "big.session.toml", plan, sha, args.entries)
        print(f"inputs: {args.items:,} items in {len(list(plan.parent.glob('*.md')))} checklists, "
              f"{args.entries:,} entries ({big_session.stat().st_size / 1e6:.0f} MB), generated in "
              f"{time.perf_counter() - started:.0f} s")
        session = write_session(folder / "s.session.toml", plan, sha, 10)
        small_session = write_session(folder / "small.session.toml", small, hashlib.sha256(small.read_bytes()).hexdigest(), 10)
        wanted = item_id(min(args.items, ITEMS_PER_FILE * 2) - 1)
        small_item = load_plan(small, env={})[0].tasks[1].id

        cold, warm, floor = [], [], []
        for _ in range(args.repeat):
            for entry in (folder / "cache").rglob("*.json"):
                entry.unlink()
            cold.append(run(LAUNCHPAD + ["mark", str(session), wanted], env))
            warm.append(run(LAUNCHPAD + ["mark", str(session), wanted], env))
            floor.append(run(LAUNCHPAD + ["mark", str(small_session), small_item], env))
        validate = [run(LAUNCHPAD + ["validate", str(plan)], env) for _ in range(args.repeat)]
        blocks = [run([sys.executable, "-c", BLOCKS_ONLY, *map(str, sorted(plan.parent.glob("*.md")))], env)
                  for _ in range(args.repeat)]
        status = [run(LAUNCHPAD + ["status", str(big_session)], env) for _ in range(args.repeat)]
        toml = [run([sys.executable, "-c", TOML_FLOOR, str(big_session)], env) for _ in range(args.repeat)]

    load_after = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f} "
          f"before, {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} after; medians of {args.repeat} "
          f"fresh processes (wall time, peak RSS)")
    floor_m = medians(floor)
    row(f"mark, {args.items:,} items, cold", medians(cold), floor_m, "< 1 s", medians(cold)[0] < 1)
    row(f"mark, {args.items:,} items, warm", medians(warm), floor_m, "< 1 s", medians(warm)[0] < 1)
    print(f"{'':<34} (baseline: mark on a 3-item plan; cold = no ID cache, the plan parsed once and cached)")
    row(f"validate, {args.items:,} items", medians(validate), medians(blocks), "< 3 s", medians(validate)[0] < 3)
    print(f"{'':<34} (baseline: markdown-it-py block tokens only over the same checklists, fresh process)")
    status_m = medians(status)
    row(f"status, {args.entries:,} entries", status_m, medians(toml), "< 5 s, < 300 MB",
        status_m[0] < 5 and status_m[1] < 300)
    print(f"{'':<34} (baseline: tomllib.loads of the same session file; status also parses the "
          f"{args.items:,}-item plan)")


if __name__ == "__main__":
    main()

"""Benchmark: parse_checklist vs markdown-it-py's own parse of the same five seed checklists.

parse_checklist is markdown-it plus a walk over its tokens, so the honest baseline is
markdown-it alone, measured in the same run with the two interleaved (alternating which goes
first) so that CPU frequency and cache effects hit both equally. Target: ratio <= 1.5x.

Usage: python bench/bench_parse.py [SEED_DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import sys
import time

from markdown_it import MarkdownIt

from launchpad.core.checklist import parse_checklist

TARGET_RATIO = 1.5
DEFAULT_SEEDS = os.environ.get("LAUNCHPAD_SEEDS", "/work/shared/seeds")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", default=DEFAULT_SEEDS, help="directory of *.txt / *.md checklists")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    paths = sorted(glob.glob(os.path.join(args.seeds, "*.txt")) + glob.glob(os.path.join(args.seeds, "*.md")))
    if not paths:
        print(f"no seed files in {args.seeds}", file=sys.stderr)
        return 1
    texts = []
    for path in paths:
        with open(path, encoding="utf-8-sig") as handle:
            texts.append((path, handle.read()))

    baseline = MarkdownIt("commonmark").enable("table")
    task_count = sum(len(parse_checklist(text, path).tasks) for path, text in texts)  # also warms up both
    for _, text in texts:
        baseline.parse(text)

    def run_ours() -> float:
        start = time.perf_counter()
        for path, text in texts:
            parse_checklist(text, path)
        return time.perf_counter() - start

    def run_baseline() -> float:
        start = time.perf_counter()
        for _, text in texts:
            baseline.parse(text)
        return time.perf_counter() - start

    ours: list[float] = []
    theirs: list[float] = []
    for round_number in range(args.rounds):
        if round_number % 2:
            theirs.append(run_baseline())
            ours.append(run_ours())
        else:
            ours.append(run_ours())
            theirs.append(run_baseline())

    ours_median = statistics.median(ours)
    theirs_median = statistics.median(theirs)
    ratio = ours_median / theirs_median
    size = sum(len(text) for _, text in texts)
    print(f"bench_parse: {len(texts)} seed checklists, {size} chars, {task_count} tasks, {args.rounds} interleaved rounds")
    print(f"  parse_checklist                      median {ours_median * 1000:8.3f} ms/round")
    print(f"  baseline markdown-it commonmark+table median {theirs_median * 1000:8.3f} ms/round")
    print(f"  ratio {ratio:.2f}x   target <= {TARGET_RATIO:.2f}x   {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")

    # The brief's other figure: a 10k-item checklist parses in well under a second.
    big = "# Big\n## Section\n" + "".join(f"- [{' x'[i % 2]}] item {i} `cmd {i}`\n" for i in range(10_000))
    big_times, big_baseline = [], []
    for _ in range(5):
        start = time.perf_counter()
        parse_checklist(big, "big.md")
        big_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        baseline.parse(big)
        big_baseline.append(time.perf_counter() - start)
    print(
        f"  10k-item checklist: parse_checklist median {statistics.median(big_times) * 1000:.0f} ms"
        f" (markdown-it alone {statistics.median(big_baseline) * 1000:.0f} ms)   target < 1000 ms"
    )
    return 0 if ratio <= TARGET_RATIO else 2


if __name__ == "__main__":
    sys.exit(main())

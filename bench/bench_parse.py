"""Benchmark: parse_checklist vs markdown-it-py's own parse of the same five seed checklists.

parse_checklist is markdown-it plus a walk over its tokens, so the honest baseline is markdown-it
alone DOING THE SAME WORK: parse_checklist runs markdown-it's block rules only (inline parsing is
lazy, for headings, items and table cells), so the judged baseline is markdown-it with the same
extensions and the core `inline` and `text_join` rules disabled (block tokens only). A full parse
(inline included) is printed beside it for reference: it does more work than parse_checklist, so
a ratio against it flatters launchpad. All three are measured in the same run, interleaved
(rotating which goes first) so CPU frequency and cache effects hit each equally; medians of the
rounds. Target: ratio <= 1.5x against the block-only baseline.

Usage: python bench/bench_parse.py [SEED_DIR] [--rounds N]   (exit 2 when the target is missed)
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import sys
import time

from markdown_it import MarkdownIt

from launchpad.core.plan.checklist import parse_checklist

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

    load_before = os.getloadavg()
    full = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    blocks = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    blocks.core.ruler.disable(["inline", "text_join"])
    task_count = sum(len(parse_checklist(text, path).tasks) for path, text in texts)  # also warms up all three

    def timer(parse):
        def run() -> float:
            start = time.perf_counter()
            for path, text in texts:
                parse(text, path)
            return time.perf_counter() - start
        run()
        return run

    runs = {
        "ours": timer(parse_checklist),
        "blocks": timer(lambda text, _path: blocks.parse(text)),
        "full": timer(lambda text, _path: full.parse(text)),
    }
    samples: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    for round_number in range(args.rounds):
        for name in order[round_number % 3:] + order[: round_number % 3]:
            samples[name].append(runs[name]())

    median = {name: statistics.median(values) for name, values in samples.items()}
    ratio = median["ours"] / median["blocks"]
    size = sum(len(text) for _, text in texts)
    load = os.getloadavg()
    print(f"bench_parse: {len(texts)} seed checklists, {size} chars, {task_count} tasks, {args.rounds} interleaved rounds, "
          f"medians; load average {load_before[0]:.2f} before, {load[0]:.2f} after ({os.cpu_count()} CPUs)")
    print(f"  parse_checklist                                   {median['ours'] * 1000:8.3f} ms/round")
    print(f"  baseline: markdown-it block tokens only (same work) {median['blocks'] * 1000:8.3f} ms/round")
    print(f"  reference: markdown-it full parse, inline included  {median['full'] * 1000:8.3f} ms/round "
          f"(ratio {median['ours'] / median['full']:.2f}x: not like for like)")
    print(f"  ratio {ratio:.2f}x vs block-only   target <= {TARGET_RATIO:.2f}x   {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")

    # The brief's other figure: a 10k-item checklist parses in well under a second.
    big = "# Big\n## Section\n" + "".join(f"- [{' x'[i % 2]}] item {i} `cmd {i}`\n" for i in range(10_000))
    big_times, big_baseline = [], []
    for _ in range(5):
        start = time.perf_counter()
        parse_checklist(big, "big.md")
        big_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        blocks.parse(big)
        big_baseline.append(time.perf_counter() - start)
    big_median, base_median = statistics.median(big_times), statistics.median(big_baseline)
    print(
        f"  10k-item checklist: parse_checklist median {big_median * 1000:.0f} ms of 5"
        f" (markdown-it block tokens only {base_median * 1000:.0f} ms, ratio {big_median / base_median:.2f}x)"
        f"   target < 1000 ms"
    )
    return 0 if ratio <= TARGET_RATIO else 2


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the session journal: python bench/bench_journal.py [--entries 100000] [--appends 400]

1. append-with-fsync latency p50/p99 vs a bare os.write + os.fsync of the same bytes (target <= 2x)
2. opening a 100k-entry session vs tomllib.loads of the same file (target <= 0.5x, issue 13), and its peak memory
   measured in a fresh subprocess (target < 150 MB)
3. a second handle picking up another process's entry by polling read_new() (target < 1 s), and the poll cost

Runs in a temporary directory on the same filesystem as the working directory (fsync must hit a real disk).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from launchpad.core.journal.journal import entry_to_toml, header_to_toml, make_entry, Header
from launchpad.store.session_file import create_session, load_session, open_session
from launchpad.store.toml_fast import PARSER

T0 = datetime(2026, 11, 22, 7, tzinfo=timezone.utc)
PLAN = SimpleNamespace(name="VÖR Platform go-live", path="/abs/timelines/launch-day.toml", sha256="ab" * 32)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def line(name: str, figure: str, baseline: str, ratio: float | None, target: str, ok: bool) -> None:
    ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
    print(f"{name:<34} {figure:>16}  baseline {baseline:>16}  ratio {ratio_text:>7}  target {target:<10} {'OK' if ok else 'MISSED'}")


def bench_append(directory: str, count: int) -> None:
    session = create_session(PLAN, os.path.join(directory, "append.toml"), T0, "alice")
    bare_fd = os.open(os.path.join(directory, "bare.bin"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    ours: list[float] = []
    bare: list[float] = []
    payload = {"note": "done by pipeline #4411"}
    for index in range(count):  # interleaved so both see the same disk weather
        start = time.perf_counter()
        entry = session.append("check", f"item-{index % 85}", payload)
        ours.append(time.perf_counter() - start)
        data = entry_to_toml(entry).encode()
        start = time.perf_counter()
        os.write(bare_fd, data)
        os.fsync(bare_fd)
        bare.append(time.perf_counter() - start)
    session.close()
    os.close(bare_fd)
    for name, fraction in (("p50", 0.5), ("p99", 0.99)):
        mine, base = percentile(ours, fraction) * 1e3, percentile(bare, fraction) * 1e3
        line(f"append+fsync {name} ({count} appends)", f"{mine:.3f} ms", f"{base:.3f} ms", mine / base, "<= 2x",
             mine / base <= 2)


def write_big_session(path: str, entries: int) -> None:
    header = Header(PLAN.name, PLAN.path, PLAN.sha256, T0, T0 - timedelta(hours=2), "alice", "alice")
    kinds = ("check", "uncheck", "note", "probe", "event")
    start = T0 - timedelta(hours=2)
    with open(path, "w", encoding="utf-8") as out:
        out.write(header_to_toml(header))
        for seq in range(1, entries + 1):
            kind = kinds[seq % len(kinds)]
            payload = {
                "check": {"note": f"done by pipeline #{seq}"},
                "uncheck": None,
                "note": {"text": f"war room note {seq}"},
                "probe": {"status": 200, "latency_ms": 12.5, "ok": True},
                "event": {"state": "done"},
            }[kind]
            entry = make_entry(seq, start + timedelta(milliseconds=seq * 37), f"lead-{seq % 3}", kind,
                               f"item-{seq % 85}", payload)
            out.write(entry_to_toml(entry))


# VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child would report the (big) parent's peak.
PEAK_SCRIPT = """
import sys, tracemalloc, tomllib
from launchpad.store.session_file import load_session
def hwm_kb():
    for text in open("/proc/self/status"):
        if text.startswith("VmHWM:"):
            return int(text.split()[1])
if sys.argv[2] == "trace":
    tracemalloc.start()
if sys.argv[3] == "ours":
    header, entries, report = load_session(sys.argv[1])
    assert report.clean and report.fast, report.messages()
else:
    with open(sys.argv[1], "rb") as handle:
        entries = tomllib.loads(handle.read().decode())["entry"]
peak = tracemalloc.get_traced_memory()[1] if sys.argv[2] == "trace" else 0
print(len(entries), hwm_kb(), peak)
"""


def bench_open(directory: str, entries: int) -> None:
    path = os.path.join(directory, "big.toml")
    write_big_session(path, entries)
    size_mb = os.path.getsize(path) / 1e6
    ours: list[float] = []
    baseline: list[float] = []
    for _ in range(3):
        with open(path, "rb") as handle:
            text = handle.read().decode()
        start = time.perf_counter()
        tomllib.loads(text)
        baseline.append(time.perf_counter() - start)
        del text
        start = time.perf_counter()
        header, loaded, report = load_session(path)
        ours.append(time.perf_counter() - start)
        assert len(loaded) == entries and report.fast
        del loaded
    mine, base = statistics.median(ours), statistics.median(baseline)
    line(f"open {entries} entries ({size_mb:.1f} MB)", f"{mine:.2f} s", f"{base:.2f} s", mine / base, "<= 0.5x",
         mine / base <= 0.5)
    print(f"{'':<34} (median of 3; ours includes reading the file, the baseline is tomllib.loads alone; "
          f"bulk parser: {PARSER}; load average {os.getloadavg()[0]:.2f})")
    def measure(mode: str, what: str) -> tuple[int, int]:
        result = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, path, mode, what], capture_output=True,
                                text=True, check=True)
        _, hwm_kb, traced = map(int, result.stdout.split())
        return hwm_kb, traced

    ours_rss, _ = measure("rss", "ours")
    base_rss, _ = measure("rss", "tomllib")
    _, ours_traced = measure("trace", "ours")
    _, base_traced = measure("trace", "tomllib")
    line("open peak RSS (VmHWM, whole proc)", f"{ours_rss / 1024:.0f} MB", f"{base_rss / 1024:.0f} MB",
         ours_rss / base_rss, "< 150 MB", ours_rss / 1024 < 150)
    line("open peak traced (tracemalloc)", f"{ours_traced / 1e6:.0f} MB", f"{base_traced / 1e6:.0f} MB",
         ours_traced / base_traced, "< 150 MB", ours_traced / 1e6 < 150)
    print(f"{'':<34} (baseline: a fresh interpreter doing read + tomllib.loads of the same file)")


WRITER_SCRIPT = """
import sys, time
from launchpad.store.session_file import open_for_append
session = open_for_append(sys.argv[1], actor="other-pane")
for line in sys.stdin:
    entry = session.append("check", line.strip())
    print(f"{entry.seq} {time.time():.6f}", flush=True)
"""


def bench_pickup(directory: str, rounds: int = 20, poll_interval: float = 0.1) -> None:
    path = os.path.join(directory, "shared.toml")
    create_session(PLAN, path, T0, "alice").close()
    reader, _ = open_session(path, actor="cockpit")
    writer = subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, path], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    delays: list[float] = []
    acks: dict[int, float] = {}

    def collect() -> None:
        for text in writer.stdout:
            seq, stamp = text.split()
            acks[int(seq)] = float(stamp)

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    for index in range(rounds):
        writer.stdin.write(f"item-{index}\n")
        writer.stdin.flush()
        deadline = time.monotonic() + 5
        found = []
        while not found and time.monotonic() < deadline:  # the cockpit's poll loop
            time.sleep(poll_interval)
            found = reader.read_new()
        seen_at = time.time()
        seq = found[0].seq
        while seq not in acks and time.monotonic() < deadline:
            time.sleep(0.001)
        delays.append(seen_at - acks[seq])
    writer.stdin.close()
    writer.wait(timeout=10)
    worst = max(delays)
    line(f"pickup, max of {rounds} (poll {poll_interval:.1f} s)", f"{worst * 1e3:.0f} ms",
         f"{poll_interval * 1e3:.0f} ms", worst / poll_interval, "< 1 s", worst < 1)
    print(f"{'':<34} (baseline: the poll interval itself; p50 {statistics.median(delays) * 1e3:.0f} ms; "
          "another process appends, this one polls read_new())")
    count = 20000
    start = time.perf_counter()
    for _ in range(count):
        reader.read_new()
    idle = (time.perf_counter() - start) / count
    print(f"{'idle read_new() poll cost':<34} {idle * 1e6:>13.1f} µs  (one stat; at 10 polls/s that is "
          f"{idle * 10 * 100:.4f}% of a core)")
    reader.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-journal-", dir=os.getcwd()) as directory:
        bench_append(directory, args.appends)
        bench_open(directory, args.entries)
        bench_pickup(directory)


if __name__ == "__main__":
    main()

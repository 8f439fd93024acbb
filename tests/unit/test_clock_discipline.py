"""Only core/clock.py reads the wall time: everything else takes the injected clock.

A module that calls `datetime.now()` for plan time makes the suite pass on one day and fail on another (it
happened: a planned hold read "held" instead of "planned" once the fixtures' T-0 was in the past). Durations
(`time.monotonic`, `time.perf_counter`, the event loop's time) are not wall time and stay allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "launchpad"
THE_CLOCK = SRC / "core" / "clock.py"
WALL_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
              ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"), ("time", "ctime")}


def wall_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (name, node.func.attr) in WALL_READS:
                # gmtime/localtime with an argument convert a given instant: not a read of "now"
                if node.func.attr in ("localtime", "gmtime", "ctime") and node.args:
                    continue
                found.append(f"{path.relative_to(SRC.parent) if SRC in path.parents else path.name}:{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_only_the_clock_module_reads_the_wall_time():
    offenders = [hit for path in sorted(SRC.rglob("*.py")) if path != THE_CLOCK for hit in wall_reads(path)]
    assert offenders == [], "read the time through launchpad.core.clock (inject a Clock):\n" + "\n".join(offenders)


def test_the_check_finds_a_wall_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import datetime, time\nx = datetime.datetime.now()\ny = time.time()\nz = time.monotonic()\n")
    assert [hit.split(": ")[1] for hit in wall_reads(sample)] == ["datetime.now()", "time.time()"]

"""Shared fixtures: where the repository, its bundled plan and the seed checklists are."""

from __future__ import annotations

import os
import signal
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
BUNDLED_PLAN = ROOT / "timelines" / "launch-day.toml"


@pytest.fixture
def seeds() -> list[Path]:
    found = sorted(SEEDS.glob("*"))
    if not found:
        if os.environ.get("CI"):  # CI lays ../shared beside the clone: missing seeds there are a failure
            pytest.fail(f"the seed checklists are expected in {SEEDS}")
        pytest.skip(f"the seed checklists are not in {SEEDS}")
    return found


@pytest.fixture
def bundled_plan() -> Path:
    return BUNDLED_PLAN


def pytest_configure(config):
    """Commands the tests start get Ctrl-C as a terminal gives it. A runner that starts the suite in the background
    without job control (`bash -c 'pytest &'`, some CI agents) hands it SIGINT ignored, every child inherits that,
    and the Ctrl-C tests (`launchpad probe`, a command waiting for the lock) then wait forever for an interrupt
    their process never sees. Python's own handler here is reset to the default in each child at exec."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True, scope="session")
def private_cache_home(tmp_path_factory):
    """The suite's caches (the plan ID cache of `launchpad mark`) go to a temporary directory, never ~/.cache."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


# ----------------------------------------------------------------------------- the wall clock, moved far away

WALL_SHIFT = timedelta(days=400)
IN_PROCESS_SUITES = ("functional", "unit")  # probe tests use real TLS certificates, checked by OpenSSL's own clock


def wall_shift_for(nodeid: str) -> timedelta:
    """Where the real clock stands for this test: $LAUNCHPAD_TEST_WALL = real | past | future | alternate
    (the default: each test, by a hash of its id, a year and more before or after today)."""
    mode = os.environ.get("LAUNCHPAD_TEST_WALL", "alternate")
    if mode == "real":
        return timedelta(0)
    if mode in ("past", "future"):
        return WALL_SHIFT if mode == "future" else -WALL_SHIFT
    return WALL_SHIFT if zlib.crc32(nodeid.encode()) % 2 else -WALL_SHIFT


@pytest.fixture(autouse=True)
def wall_clock_far_away(request):
    """Tests pin time through the injected clock; the real one must not matter. So the in-process suites run
    with the real wall clock moved 400 days away (ticking), and any code that still reads it shows up as a
    failure on every day of the year, not only on the day the fixtures' T-0 falls behind."""
    shift = wall_shift_for(request.node.nodeid)
    if not shift or not any(part in IN_PROCESS_SUITES for part in Path(str(request.path)).parts):
        yield
        return
    import time_machine

    with time_machine.travel(datetime.now(timezone.utc) + shift, tick=True):
        yield

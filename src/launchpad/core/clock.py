"""The one clock: the only place launchpad reads the wall time.

Plan time, lateness, holds, polls, probe history and journal timestamps all follow from "now". Every
component takes a `Clock` (a callable returning an aware UTC datetime) from whoever builds it (the CLI, or a
test), so the cockpit, a script, replay and a test agree on the instant; a test that pins the clock can never
be broken by the date it runs on. `tests/test_clock_discipline.py` fails if any other module reads the wall time.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The wall time, in UTC. Pass this function (not its result) where a component needs a clock."""
    return datetime.now(timezone.utc)

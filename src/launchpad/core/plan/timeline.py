"""Where each timeline event stands at a given T-clock reading.

The T-clock is passed in (seconds from T-0, negative before it), never read from a wall clock here: holds,
replay and tests all move it themselves.

A step whose time has come is "due", not late: a room needs a moment to start it, and a bell the second
the clock passes its offset teaches people to ignore the bell. It turns LATE once a grace has run out:
the event's `late_after`, else the plan's `[launch] late_grace`, else a quarter of the step's duration
kept between 5 and 30 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

PENDING = "pending"
IN_PROGRESS = "in_progress"
DONE = "done"
DUE = "due"
LATE = "late"
SKIPPED = "skipped"

STATES = (PENDING, DUE, IN_PROGRESS, DONE, LATE, SKIPPED)
STATE_LABELS = {PENDING: "pending", DUE: "due", IN_PROGRESS: "in progress", DONE: "done", LATE: "LATE",
                SKIPPED: "skipped"}

MIN_GRACE = 5 * 60
MAX_GRACE = 30 * 60
GRACE_SHARE = 0.25


@dataclass(frozen=True)
class TimelineRow:
    event: object  # plan.Event
    state: str
    due_in: float  # seconds until the event's T-offset (negative once it has passed)
    overdue_by: float  # seconds past its deadline when late, else 0


def default_grace(duration: int) -> int:
    """A quarter of the step's duration, at least 5 and at most 30 minutes."""
    return int(min(MAX_GRACE, max(MIN_GRACE, duration * GRACE_SHARE)))


def grace_of(event) -> int:
    """Seconds a step may run past its time before it counts as late (see the module docstring)."""
    late_after = getattr(event, "late_after", None)
    return int(late_after) if late_after is not None else default_grace(getattr(event, "duration", 0))


def event_state(at: int, duration: int, now: float, marked: str | None, grace: float = 0) -> tuple[str, float]:
    """(state, seconds overdue). A person's mark wins; an unstarted step is due once its time has come and
    late once `grace` more has passed; a started one is late once its duration and the grace have run out."""
    if marked in (DONE, SKIPPED):
        return marked, 0.0
    if marked == IN_PROGRESS:
        deadline = at + duration
        if duration and now >= deadline + grace and now > deadline:
            return LATE, now - deadline
        return IN_PROGRESS, 0.0
    if now >= at + grace and now > at:
        return LATE, now - at
    if now >= at:
        return DUE, 0.0
    return PENDING, 0.0


def timeline(events: Iterable, now: float, marks: Mapping[str, str] | None = None) -> list[TimelineRow]:
    marks = marks or {}
    rows = []
    for event in events:
        state, overdue = event_state(event.at, event.duration, now, marks.get(event.id), grace_of(event))
        rows.append(TimelineRow(event, state, event.at - now, overdue))
    return rows


def now_index(rows: list[TimelineRow], now: float) -> int:
    """Where the now-marker goes: before the first event still ahead of the clock."""
    for position, row in enumerate(rows):
        if row.event.at > now:
            return position
    return len(rows)


def next_event(rows: list[TimelineRow]) -> TimelineRow | None:
    """The first step not yet done or skipped: what the room should be looking at."""
    return next((row for row in rows if row.state not in (DONE, SKIPPED)), None)


def format_relative(seconds: float) -> str:
    """`in 1h05m`, `12m ago`, `now`: how far an event is from the clock, at a glance."""
    whole = int(abs(seconds))
    if whole < 60:
        return "now"
    hours, rest = divmod(whole, 3600)
    minutes = rest // 60
    text = f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"
    if hours >= 48:  # days away: the hours no longer matter, and the When column stays 10 wide
        text = f"{hours // 24}d{hours % 24:02d}h" if hours < 240 else f"{hours // 24}d"
    return f"in {text}" if seconds > 0 else f"{text} ago"

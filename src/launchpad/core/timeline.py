"""Where each timeline event stands at a given T-clock reading.

The T-clock is passed in (seconds from T-0, negative before it), never read from a wall clock here: holds,
replay and tests all move it themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

PENDING = "pending"
IN_PROGRESS = "in_progress"
DONE = "done"
LATE = "late"
SKIPPED = "skipped"

STATES = (PENDING, IN_PROGRESS, DONE, LATE, SKIPPED)
STATE_LABELS = {PENDING: "pending", IN_PROGRESS: "in progress", DONE: "done", LATE: "LATE", SKIPPED: "skipped"}


@dataclass(frozen=True)
class TimelineRow:
    event: object  # plan.Event
    state: str
    due_in: float  # seconds until the event's T-offset (negative once it has passed)
    overdue_by: float  # seconds past its deadline when late, else 0


def event_state(at: int, duration: int, now: float, marked: str | None) -> tuple[str, float]:
    """(state, seconds overdue). A person's mark wins; an unstarted step is late once its time has come,
    a started one once its duration has run out."""
    if marked in (DONE, SKIPPED):
        return marked, 0.0
    if marked == IN_PROGRESS:
        deadline = at + duration
        if duration and now > deadline:
            return LATE, now - deadline
        return IN_PROGRESS, 0.0
    if now >= at:
        return LATE, now - at
    return PENDING, 0.0


def timeline(events: Iterable, now: float, marks: Mapping[str, str] | None = None) -> list[TimelineRow]:
    marks = marks or {}
    rows = []
    for event in events:
        state, overdue = event_state(event.at, event.duration, now, marks.get(event.id))
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
    return f"in {text}" if seconds > 0 else f"{text} ago"

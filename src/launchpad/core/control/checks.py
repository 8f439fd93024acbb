"""The checks on a recycle's target, a scrub's new T-0 and a step marked done early, as plain functions.

One place for the rule and its message: the session's launch control (shell/control.py) refuses with them
before it writes, and the cockpit's forms (tui/control.py) run the same functions as Input validators, so a
bad value is refused in place, under the field, with the words the CLI would use.
"""

from __future__ import annotations

from datetime import datetime

from launchpad.core.plan.timeline import grace_of
from launchpad.core.plan.offsets import (MAX_DAYS, format_clock, format_offset, in_range, parse_offset, parse_t0,
                                         session_window, within)


def check_recycle_target(to: float, current: float) -> None:
    """ValueError unless `to` is a T-offset the count (now at `current`) can go back to."""
    if not in_range(to):
        raise ValueError(f"a recycle target must be within {MAX_DAYS} days of T-0")
    if to > current:
        raise ValueError(f"a recycle goes back: {format_offset(to)} is after the count ({format_clock(current)})")


def recycle_target(text: str, current: float) -> int:
    """A typed recycle target (`T-20m`), read and checked against the count now at `current`."""
    to = parse_offset(text)
    check_recycle_target(to, current)
    return to


def check_scrub_t0(t0: datetime, now: datetime, replaced: datetime) -> None:
    """ValueError unless `t0` has a zone and lies within MAX_DAYS of now or of the T-0 it replaces."""
    if t0.tzinfo is None:
        raise ValueError("the new T-0 needs a timezone, e.g. 2026-11-23T18:00Z")
    if not within(t0, session_window(now, replaced)):
        raise ValueError(f"the new T-0 must be within {MAX_DAYS} days of now or of the T-0 it replaces")


def scrub_t0(text: str, now: datetime, replaced: datetime) -> datetime:
    """A typed new T-0 (ISO-8601 with its zone, as the CLI's --t0 requires), read and checked."""
    t0 = parse_t0(text, now, require_zone=True)
    check_scrub_t0(t0, now, replaced)
    return t0


def done_early_by(event, t_clock: float) -> float:
    """Seconds before its start a step would be marked done now, when that is earlier than its start minus its
    grace (core/plan/timeline.py grace_of); 0 for a mark in the normal run of things. A cockpit asks first
    then: one key marking "Enable traffic" done two hours early was a slip nobody was asked about."""
    return float(event.at - t_clock) if t_clock < event.at - grace_of(event) else 0.0


def format_span(seconds: float) -> str:
    """`7152` -> `1h59m` (whole minutes, at least `1m`): how far ahead, in the plan's own notation."""
    return format_offset(max(60, int(seconds) // 60 * 60))[2:]

"""Launch control folded from the journal: the count's entries, the poll, the mode, rollback step marks.

`ControlFold` is fed by the journal's StateBuilder (O(1) per entry) and needs no plan: the count itself
(`core.count`) is computed from the few count entries it keeps, the plan's planned holds and a `now`, and
the poll's verdict (`core.poll`) from the plan's criteria. `control_report` puts them together for
`launchpad status --json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Mapping

from launchpad.core.control.count import COUNT_KINDS, CountState, count_summary, fold_count
from launchpad.core.control.poll import PollState, apply_poll
from launchpad.core.control.rollback import ModeState, apply_mode

CONTROL_KINDS = COUNT_KINDS + ("poll", "vote", "mode", "step", "take")
REOPEN_KINDS = ("recycle", "scrub")  # entries whose payload lists the events and items they re-open

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class ControlState:
    count_entries: tuple = ()  # every hold/resume/recycle/scrub entry, in journal order
    poll: PollState = field(default_factory=PollState)
    mode: ModeState = field(default_factory=ModeState)
    step_marks: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)  # step id -> payload
    # role -> who holds it, from `take` entries (target = role, payload `person`); votes never rename anyone:
    # a voter answers for a role, the plan's person (or whoever took the role) still holds it
    holders: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    holder_since: Mapping[str, datetime] = field(default_factory=lambda: _EMPTY)  # role -> when it was taken

    def count(self, t0: datetime, started: datetime, planned=()) -> CountState:
        return fold_count(t0, started, self.count_entries, planned)


class ControlFold:
    def __init__(self) -> None:
        self.count_entries: list = []
        self.poll = PollState()
        self.mode = ModeState()
        self.step_marks: dict[str, Mapping[str, Any]] = {}
        self.holders: dict[str, str] = {}
        self.holder_since: dict[str, datetime] = {}

    @classmethod
    def from_state(cls, state: "ControlState | None") -> "ControlFold":
        fold = cls()
        if state is not None:
            fold.count_entries = list(state.count_entries)
            fold.poll = state.poll
            fold.mode = state.mode
            fold.step_marks = dict(state.step_marks)
            fold.holders = dict(state.holders)
            fold.holder_since = dict(state.holder_since)
        return fold

    def apply(self, entry) -> bool:
        """Fold one entry; False when its kind is not launch control (the caller counts it as ignored)."""
        kind = entry.kind
        if kind in COUNT_KINDS:
            self.count_entries.append(entry)
        elif kind == "poll" or kind == "vote":
            self.poll = apply_poll(self.poll, entry)
        elif kind == "take":
            person = (entry.payload or {}).get("person")
            if not entry.target or not isinstance(person, str) or not person.strip():
                return False
            self.holders[entry.target] = person.strip()
            self.holder_since[entry.target] = entry.at
        elif kind == "mode":
            self.mode = apply_mode(self.mode, entry)
        elif kind == "step":
            self.step_marks[entry.target] = entry.payload or _EMPTY
        else:
            return False
        return True

    def snapshot(self) -> ControlState:
        return ControlState(tuple(self.count_entries), self.poll, self.mode,
                            MappingProxyType(dict(self.step_marks)), MappingProxyType(dict(self.holders)),
                            MappingProxyType(dict(self.holder_since)))


def reopened_by(entry) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(event IDs, item IDs) a recycle or scrub entry re-opens, as written in its payload."""
    payload = entry.payload or {}

    def ids(key: str) -> tuple[str, ...]:
        value = payload.get(key, ())
        return tuple(item for item in value if isinstance(item, str)) if isinstance(value, (list, tuple)) else ()

    return ids("events"), ids("items")


def control_report(header, state, plan, now: datetime) -> dict[str, Any]:
    """The "count", "poll" and "mode" parts of `launchpad status --json`."""
    from launchpad.core.control.poll import criteria, poll_spec, poll_summary, verdict
    from launchpad.core.plan.progress import checked_ids
    from launchpad.core.control.rollback import mode_summary, rollback_steps

    control: ControlState = getattr(state, "control", None) or ControlState()
    planned = getattr(plan, "holds", ()) if plan is not None else ()
    count = control.count(header.t0, header.created_at, planned)
    report: dict[str, Any] = {"count": count_summary(count, now)}
    if plan is not None:  # where every event now falls on the wall clock, holds included
        from launchpad.core.plan.offsets import format_offset

        report["count"]["schedule"] = [
            {"id": event.id, "at": format_offset(event.at), "expected": _iso(count.wall_time_of(event.at, now))}
            for event in plan.events]
    if plan is None:
        report["poll"] = {"open": control.poll.open, "number": control.poll.number,
                          "votes": {role: vote.value for role, vote in (control.poll.votes or {}).items()}}
        report["mode"] = {"mode": control.mode.mode, "reason": control.mode.reason or None}
        return report
    checked = checked_ids(plan.tasks, state.marks())
    spec = poll_spec(plan)
    measured = criteria(spec, plan, checked, state.probe_states, state.trigger_states)
    report["poll"] = poll_summary(spec, control.poll, verdict(spec, control.poll, measured))
    report["mode"] = mode_summary(control.mode, rollback_steps(plan), checked, control.step_marks, now)
    return report


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def control_text(report: Mapping[str, Any]) -> list[str]:
    """The launch-control lines of `launchpad status` (text), from the report's count, poll and mode."""
    count, poll, mode = report.get("count"), report.get("poll") or {}, report.get("mode") or {}
    if not count:
        return []
    line = f"  count: {count['t_clock_text']}"
    if count["holding"]:
        hold = count["hold"]
        line += f"  HOLDING since {hold['since']} at {hold['at']} ({hold['reason']}, {hold['actor']})"
    line += f"   attempt {count['attempt']}   held {int(count['held_seconds'])} s in all"
    lines = [line]
    for skipped in count.get("skipped") or ():  # entries holding values the clock cannot hold (core.count)
        lines.append(f"  skipped entry {skipped}")
    if mode.get("mode") == "rollback":
        lines.append(f"  ROLLBACK since {mode.get('since')} by {mode.get('actor')}: {mode.get('reason') or ''}".rstrip(": "))
    if poll.get("verdict") and (poll.get("open") or poll.get("number")):  # no "poll #0 closed" before any poll
        answered = sum(1 for role in poll.get("roles", []) if role.get("vote"))
        lines.append(f"  poll #{poll.get('number', 0)} {'open' if poll.get('open') else 'closed'}: {poll['verdict']}"
                     f" ({answered}/{len(poll.get('roles', []))} answered)")
    return lines


def describe_control(entry) -> str | None:
    """One activity-log line for a launch-control entry ("held the count: weather"); None for other kinds."""
    payload = entry.payload or {}
    kind = entry.kind

    def said(key: str, prefix: str = ": ") -> str:
        value = payload.get(key)
        return f"{prefix}{value}" if value else ""

    if kind == "hold":  # an entry without `t_clock` (older files, scripts) says nothing of where, never "at ?"
        return "held the count" + said("t_clock", " at ") + said("reason")
    if kind == "resume":
        which = str(payload.get("of", ""))
        planned = f" (planned hold {which.removeprefix('planned:')} done)" if which.startswith("planned:") else ""
        return "resumed the count" + said("t_clock", " at ") + planned
    if kind == "recycle":
        reopened = sum(len(ids) for ids in reopened_by(entry))
        return f"recycled the count from {payload.get('from', '?')} to {payload.get('to', '?')}, re-opening {reopened}" + said("reason")
    if kind == "scrub":
        t0 = payload.get("t0")
        when = _iso(t0) if isinstance(t0, datetime) else str(t0 or "?")
        return f"scrubbed attempt {payload.get('attempt', '?')}, new T-0 {when}" + said("reason")
    if kind == "poll":
        if payload.get("action") == "close":
            return f"closed the Go/No-Go poll: {payload.get('verdict') or payload.get('result', '?')}"
        return "opened a Go/No-Go poll of every role"
    if kind == "vote":
        return f"voted {str(payload.get('vote', '?')).upper()} for {entry.target}" + said("reason")
    if kind == "take":
        return f"recorded {payload.get('person', '?')} as the holder of role {entry.target}"
    if kind == "mode":
        if payload.get("mode") == "rollback":
            return "declared ROLLBACK" + said("reason")
        return "ended rollback mode" + said("reason")
    if kind == "step":
        return f"{'did' if payload.get('done') else 'un-did'} rollback step {entry.target}"
    return None

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

from launchpad.core.count import COUNT_KINDS, CountState, count_summary, fold_count
from launchpad.core.poll import PollState, apply_poll
from launchpad.core.rollback import ModeState, apply_mode

CONTROL_KINDS = COUNT_KINDS + ("poll", "vote", "mode", "step")
REOPEN_KINDS = ("recycle", "scrub")  # entries whose payload lists the events and items they re-open

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class ControlState:
    count_entries: tuple = ()  # every hold/resume/recycle/scrub entry, in journal order
    poll: PollState = field(default_factory=PollState)
    mode: ModeState = field(default_factory=ModeState)
    step_marks: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)  # step id -> payload
    holders: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # role -> who last answered for it

    def count(self, t0: datetime, started: datetime, planned=()) -> CountState:
        return fold_count(t0, started, self.count_entries, planned)


class ControlFold:
    def __init__(self) -> None:
        self.count_entries: list = []
        self.poll = PollState()
        self.mode = ModeState()
        self.step_marks: dict[str, Mapping[str, Any]] = {}
        self.holders: dict[str, str] = {}

    @classmethod
    def from_state(cls, state: "ControlState | None") -> "ControlFold":
        fold = cls()
        if state is not None:
            fold.count_entries = list(state.count_entries)
            fold.poll = state.poll
            fold.mode = state.mode
            fold.step_marks = dict(state.step_marks)
            fold.holders = dict(state.holders)
        return fold

    def apply(self, entry) -> bool:
        """Fold one entry; False when its kind is not launch control (the caller counts it as ignored)."""
        kind = entry.kind
        if kind in COUNT_KINDS:
            self.count_entries.append(entry)
        elif kind == "poll" or kind == "vote":
            self.poll = apply_poll(self.poll, entry)
            if kind == "vote" and entry.target:
                self.holders[entry.target] = entry.actor
        elif kind == "mode":
            self.mode = apply_mode(self.mode, entry)
        elif kind == "step":
            self.step_marks[entry.target] = entry.payload or _EMPTY
        else:
            return False
        return True

    def snapshot(self) -> ControlState:
        return ControlState(tuple(self.count_entries), self.poll, self.mode,
                            MappingProxyType(dict(self.step_marks)), MappingProxyType(dict(self.holders)))


def reopened_by(entry) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(event IDs, item IDs) a recycle or scrub entry re-opens, as written in its payload."""
    payload = entry.payload or {}

    def ids(key: str) -> tuple[str, ...]:
        value = payload.get(key, ())
        return tuple(item for item in value if isinstance(item, str)) if isinstance(value, (list, tuple)) else ()

    return ids("events"), ids("items")


def control_report(header, state, plan, now: datetime) -> dict[str, Any]:
    """The "count", "poll" and "mode" parts of `launchpad status --json`."""
    from launchpad.core.poll import criteria, poll_spec, poll_summary, verdict
    from launchpad.core.progress import checked_ids
    from launchpad.core.rollback import mode_summary, rollback_steps

    control: ControlState = getattr(state, "control", None) or ControlState()
    planned = getattr(plan, "holds", ()) if plan is not None else ()
    count = control.count(header.t0, header.created_at, planned)
    report: dict[str, Any] = {"count": count_summary(count, now)}
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

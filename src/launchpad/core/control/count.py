"""The count: the T-clock as a pure fold of the journal's `hold`, `resume`, `recycle` and `scrub` entries.

Plan time runs with the wall clock except during holds, when it stands still; so every event still ahead
moves later on the wall clock by exactly the time held. The count is a piecewise line: an anchor (a wall
moment and the T-offset it showed) plus the hold in effect, if any. Nothing here reads a clock: callers pass
`now`, so the cockpit, `launchpad status`, replay and tests agree to the millisecond.

- A hold stops the count (reason, who); `resume` starts it again from the T-offset where it stopped.
- Planned holds (`[[hold]]` in the plan) begin by themselves when the count reaches their T-offset and end
  by themselves after their duration; one with an exit condition (`until_complete`) waits for a `resume`
  entry instead (the cockpit writes it once the duration has run out and the section is complete).
- A recycle takes the count back to an earlier T-offset (holding stays holding); the planned holds from
  there on are armed again. Which events and items it re-opens is written in the entry itself (see
  `reopen_ids`), so the journal fold needs no plan.
- A scrub ends the attempt with a reason and starts a new one with a new T-0; both attempts are kept.

Values the clock cannot hold (an entry written more than 400 days from T-0, a recycle target or a scrub's T-0
out of that range, `nan`, a wrong type) are never folded: the entry is listed in `skipped` (status reports it)
and the count goes on as if it were not there, so a hand-edited session can never crash a reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

COUNT_KINDS = ("hold", "resume", "recycle", "scrub")
PLAN_ACTOR = "plan"  # who a planned hold is credited to


@dataclass(frozen=True)
class PlannedHold:
    """A `[[hold]]` of the plan: the count stops at `at` for `duration` seconds (longer if `until` is open)."""

    id: str
    at: int
    duration: int
    title: str = ""
    until: tuple[str, ...] | None = None  # a checklist section that must be complete before the count resumes
    line: int | None = None

    @property
    def label(self) -> str:
        return self.title or f"planned hold {self.id}"


@dataclass(frozen=True)
class Hold:
    start: datetime  # the wall moment the count stopped
    t_at: float  # the T-offset it stopped at
    reason: str
    actor: str
    planned: str = ""  # the planned hold's id while it runs as planned; "" once a person called or took it over
    end: datetime | None = None
    attempt: int = 1
    key: str = ""  # what a `resume` names (payload `of`) to end exactly this hold: "planned:ID" or "seq:N"

    def seconds(self, now: datetime) -> float:
        return max(0.0, ((self.end or now) - self.start).total_seconds())


@dataclass(frozen=True)
class Attempt:
    number: int
    t0: datetime  # T-0 as set for this attempt (holds push the real T-0 later)
    started: datetime
    ended: datetime | None = None
    reason: str = ""  # why it was scrubbed
    reached: float | None = None  # the T-offset the count showed when it was scrubbed
    actor: str = ""


@dataclass(frozen=True)
class Recycle:
    at: datetime
    from_t: float
    to_t: float
    actor: str
    reason: str = ""
    attempt: int = 1


@dataclass(frozen=True)
class CountState:
    anchor_wall: datetime
    anchor_t: float
    planned: tuple[PlannedHold, ...] = ()
    holding: Hold | None = None
    holds: tuple[Hold, ...] = ()  # ended holds, every attempt, oldest first
    attempts: tuple[Attempt, ...] = ()  # the current one last (ended is None)
    recycles: tuple[Recycle, ...] = ()
    consumed: frozenset[str] = field(default_factory=frozenset)  # planned holds passed in this attempt
    skipped: tuple[str, ...] = ()  # entries not folded, each with why ("#12 recycle: ...")

    # ------------------------------------------------------------------ reading

    @property
    def attempt(self) -> int:
        return self.attempts[-1].number if self.attempts else 1

    @property
    def t0(self) -> datetime:
        return self.attempts[-1].t0

    def at(self, now: datetime) -> "CountState":
        """The count as it stands at `now`: planned holds that began or ran out since the last entry applied."""
        return _advance(self, now)

    def t_clock(self, now: datetime) -> float:
        return _t_at(_advance(self, now), now)

    def is_holding(self, now: datetime) -> bool:
        return _advance(self, now).holding is not None

    def current_hold(self, now: datetime) -> Hold | None:
        return _advance(self, now).holding

    def all_holds(self, now: datetime) -> tuple[Hold, ...]:
        """Ended holds and the one in effect (still open), oldest first."""
        state = _advance(self, now)
        return state.holds + ((state.holding,) if state.holding else ())

    def held_seconds(self, now: datetime, attempt: int | None = None) -> float:
        return sum(hold.seconds(now) for hold in self.all_holds(now) if attempt is None or hold.attempt == attempt)

    def wall_time_of(self, t_offset: float, now: datetime) -> datetime:
        """When the count is expected to reach `t_offset`: the rest of a planned hold in effect plus every
        planned hold still ahead are added; a hold called by a person is taken to end now (nobody knows)."""
        state = _advance(self, now)
        current = state.t_clock(now)
        if t_offset <= current:
            return now - timedelta(seconds=current - t_offset)
        extra = 0.0
        hold = state.holding
        if hold is not None and hold.planned:
            planned = state.planned_hold(hold.planned)
            if planned is not None:
                extra += max(0.0, (hold.start + timedelta(seconds=planned.duration) - now).total_seconds())
        for planned in state.planned:
            if planned.id in state.consumed or (hold is not None and planned.id == hold.planned):
                continue
            if current <= planned.at < t_offset:
                extra += planned.duration
        return now + timedelta(seconds=(t_offset - current) + extra)

    def planned_hold(self, hold_id: str) -> PlannedHold | None:
        return next((hold for hold in self.planned if hold.id == hold_id), None)

    def waiting_planned_hold(self, now: datetime) -> PlannedHold | None:
        """The planned hold in effect whose duration has run out but which waits for its exit condition."""
        state = _advance(self, now)
        hold = state.holding
        if hold is None or not hold.planned:
            return None
        planned = state.planned_hold(hold.planned)
        if planned is None or planned.until is None:
            return None
        if now >= hold.start + timedelta(seconds=planned.duration):
            return planned
        return None


# --------------------------------------------------------------------------- building


def start_count(t0: datetime, started: datetime, planned: Iterable[PlannedHold] = (), actor: str = "") -> CountState:
    """The count of a session created at `started` for `t0`: planned holds already behind it are spent."""
    anchor_t = (started - t0).total_seconds()
    planned = tuple(sorted(planned, key=lambda hold: hold.at))
    return CountState(
        anchor_wall=started, anchor_t=anchor_t, planned=planned,
        attempts=(Attempt(1, t0, started, actor=actor),),
        consumed=frozenset(hold.id for hold in planned if hold.at < anchor_t),
    )


def _t_at(state: CountState, wall: datetime) -> float:
    """The T-clock at `wall`. Counted from the wall time the count would have passed T-0 at, in datetime
    arithmetic (exact to the microsecond): adding float seconds to the anchor left the clock a hair off a whole
    second, and the countdown, which rounds up before T-0, read T-01:59:13 one moment and T-01:59:12 the next."""
    if state.holding is not None:
        return state.holding.t_at
    return (wall - (state.anchor_wall - timedelta(seconds=state.anchor_t))).total_seconds()


def _advance(state: CountState, now: datetime) -> CountState:
    """Apply what the plan does by itself up to `now`: planned holds begin and timed ones end."""
    for _ in range(2 * len(state.planned) + 1):  # each planned hold can begin and end once
        hold = state.holding
        if hold is not None:
            planned = state.planned_hold(hold.planned) if hold.planned else None
            if planned is None or planned.until is not None:
                return state
            ends = hold.start + timedelta(seconds=planned.duration)
            if now < ends:
                return state
            state = replace(state, holding=None, holds=state.holds + (replace(hold, end=ends),),
                            anchor_wall=ends, anchor_t=hold.t_at, consumed=state.consumed | {planned.id})
            continue
        reached = _t_at(state, now)
        ahead = [p for p in state.planned if p.id not in state.consumed and state.anchor_t <= p.at <= reached]
        if not ahead:
            return state
        planned = ahead[0]
        begins = state.anchor_wall + timedelta(seconds=planned.at - state.anchor_t)
        state = replace(state, anchor_wall=begins, anchor_t=float(planned.at), holding=Hold(
            begins, float(planned.at), planned.label, PLAN_ACTOR, planned.id, attempt=state.attempt,
            key=f"planned:{planned.id}"))
    return state


def _next_change(state: CountState) -> datetime | None:
    """When the count next changes by itself (a planned hold begins, or a timed one ends); None if never.
    `state` is advanced to the present, so the change lies ahead of it."""
    hold = state.holding
    if hold is not None:
        planned = state.planned_hold(hold.planned) if hold.planned else None
        if planned is None or planned.until is not None:
            return None
        return hold.start + timedelta(seconds=planned.duration)
    ahead = [p.at for p in state.planned if p.id not in state.consumed and p.at >= state.anchor_t]
    if not ahead:
        return None
    return state.anchor_wall + timedelta(seconds=min(ahead) - state.anchor_t)


def first_wall_at(start: CountState, entries: Iterable, offset: float) -> datetime | None:
    """The inverse of the T-clock: the first wall moment the count (from `start`, through these journal
    entries) shows `offset`; None when it never does (held for good at the end of the journal).

    T-offsets typed by people (`status --at T+0:30`, replay's `g`) mean plan time, so they are found here
    rather than as T-0 + offset on the wall clock, which is off by every hold. Before the session began the
    count is taken to have run without holds; an offset the count jumped over (a scrub to a later T-0) is
    reached the moment it jumped."""
    entries = [entry for entry in entries if entry.kind in COUNT_KINDS]
    state, wall, index = start, start.anchor_wall, 0
    first = True
    for _ in range(4 * (len(entries) + 1) * (len(start.planned) + 1)):
        state = _advance(state, wall)
        t_now = _t_at(state, wall)
        entry_at = entries[index].at if index < len(entries) else None
        change = _next_change(state)
        limits = [moment for moment in (entry_at, change) if moment is not None]
        limit = min(limits) if limits else None
        if offset < t_now:
            return wall - timedelta(seconds=t_now - offset) if first else wall
        if state.holding is None:
            candidate = wall + timedelta(seconds=offset - t_now)
            if limit is None or candidate <= limit:
                return candidate
        if limit is None:
            return None
        if entry_at is not None and entry_at <= limit:
            state, wall, index = apply_count(state, entries[index]), max(wall, entry_at), index + 1
        else:
            wall = limit
        first = False
    return None


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key, "") if payload else ""
    return value if isinstance(value, str) else str(value)


def target_offset(payload: Mapping[str, Any]) -> float | None:
    """A recycle's target T-offset: `to` in seconds, or a T-offset string; None unless the clock can hold it."""
    from launchpad.core.plan.offsets import in_range

    value = payload.get("to") if payload else None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if in_range(value) else None
    if isinstance(value, str):
        from launchpad.core.plan.offsets import OffsetError, parse_offset

        try:
            return float(parse_offset(value))
        except OffsetError:
            return None
    return None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else None
    if isinstance(value, str):
        from launchpad.core.plan.offsets import parse_instant

        try:
            return parse_instant(value)
        except Exception:  # a hand-edited journal: an unreadable T-0 makes the scrub inert, never an error
            return None
    return None


def _skip(state: CountState, entry, why: str) -> CountState:
    return replace(state, skipped=state.skipped + (f"#{entry.seq} {entry.kind}: {why}; not counted",))


def apply_count(state: CountState, entry) -> CountState:
    """One journal entry on the count (entries of other kinds return the state unchanged)."""
    from launchpad.core.plan.offsets import MAX_DAYS, session_window, within

    kind = entry.kind
    if kind not in COUNT_KINDS:
        return state
    wall = entry.at
    first = state.attempts[0] if state.attempts else Attempt(1, state.anchor_wall, state.anchor_wall)
    if not within(wall, session_window(first.t0, first.started)):
        return _skip(state, entry, f"written more than {MAX_DAYS} days from the session (its start and T-0)")
    payload = entry.payload if isinstance(entry.payload, Mapping) else {}
    state = _advance(state, wall)
    now_t = _t_at(state, wall)
    hold = state.holding
    if kind == "hold":
        reason = _text(payload, "reason") or "hold"
        if hold is None:
            return replace(state, anchor_wall=wall, anchor_t=now_t, holding=Hold(
                wall, now_t, reason, entry.actor, attempt=state.attempt, key=f"seq:{entry.seq}"))
        if hold.planned:  # a person holds during a planned hold: it stops ending by itself
            return replace(state, consumed=state.consumed | {hold.planned}, holding=replace(
                hold, planned="", reason=f"{hold.reason}; {reason}", actor=entry.actor, key=f"seq:{entry.seq}"))
        return state
    if kind == "resume":
        wanted = _text(payload, "of")
        if hold is None or (wanted and wanted != hold.key):
            return state
        consumed = state.consumed | ({hold.planned} if hold.planned else set())
        return replace(state, holding=None, holds=state.holds + (replace(hold, end=wall),),
                       anchor_wall=wall, anchor_t=hold.t_at, consumed=consumed)
    if kind == "recycle":
        to = target_offset(payload)
        if to is None:
            return _skip(state, entry, f"target {str(payload.get('to'))[:40]!r} is not a T-offset the clock can hold")
        if to > now_t + 0.5:
            return state  # a recycle only ever goes back
        recycle = Recycle(wall, now_t, to, entry.actor, _text(payload, "reason"), state.attempt)
        consumed = frozenset(hold_id for hold_id in state.consumed
                             if (p := state.planned_hold(hold_id)) is not None and p.at < to)
        if hold is not None:
            hold = replace(hold, t_at=to, planned="", key=f"seq:{entry.seq}" if hold.planned else hold.key)
        return replace(state, anchor_wall=wall, anchor_t=to, holding=hold, consumed=consumed,
                       recycles=state.recycles + (recycle,))
    # scrub
    t0 = _moment(payload.get("t0"))
    if t0 is None or not within(t0, session_window(wall, state.t0)):
        return _skip(state, entry, f"new T-0 {str(payload.get('t0'))[:40]!r} is not a time within {MAX_DAYS} days "
                                   "of the scrub or of the T-0 it replaces")
    holds = state.holds + ((replace(hold, end=wall),) if hold is not None else ())
    ended = replace(state.attempts[-1], ended=wall, reason=_text(payload, "reason"), reached=now_t)
    anchor_t = (wall - t0).total_seconds()
    attempt = Attempt(state.attempt + 1, t0, wall, actor=entry.actor)
    return replace(state, anchor_wall=wall, anchor_t=anchor_t, holding=None, holds=holds,
                   attempts=state.attempts[:-1] + (ended, attempt),
                   consumed=frozenset(p.id for p in state.planned if p.at < anchor_t))


def fold_count(t0: datetime, started: datetime, entries: Iterable, planned: Iterable[PlannedHold] = (),
               actor: str = "") -> CountState:
    state = start_count(t0, started, planned, actor)
    for entry in entries:
        if entry.kind in COUNT_KINDS:
            state = apply_count(state, entry)
    return state


# --------------------------------------------------------------------------- what a recycle or scrub re-opens


def _under(section: tuple[str, ...], parent: tuple[str, ...]) -> bool:
    return section[: len(parent)] == parent


def reopen_ids(plan, to: float | None, checked: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(event IDs, item IDs) a recycle to `to` re-opens: every event at or after it, and the ticked items of
    the sections those events work through. `to=None` (a scrub) re-opens every event and no item."""
    events = [event for event in plan.events if to is None or event.at >= to]
    if to is None:
        return [event.id for event in events], []
    sections = [event.section for event in events if event.section]
    ticked = set(checked)
    items = [task.id for task in plan.tasks
             if task.id in ticked and any(_under(task.section, section) for section in sections)]
    return [event.id for event in events], items


def count_summary(state: CountState, now: datetime) -> dict[str, Any]:
    """The count for `launchpad status --json`: T-clock, holds, attempts, recycles."""
    from launchpad.core.plan.offsets import format_clock, format_offset

    def iso(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    current = state.at(now)
    t_clock = current.t_clock(now)
    hold = current.holding
    return {
        "t_clock": round(t_clock, 3),
        "t_clock_text": format_clock(t_clock),
        "holding": hold is not None,
        "hold": None if hold is None else {
            "reason": hold.reason, "actor": hold.actor, "since": iso(hold.start), "at": format_offset(hold.t_at),
            "planned": hold.planned or None, "seconds": round(hold.seconds(now), 3)},
        "attempt": current.attempt,
        "t0": iso(current.t0),
        "t0_expected": iso(current.wall_time_of(0, now)),
        "held_seconds": round(current.held_seconds(now), 3),
        "holds": [{"reason": h.reason, "actor": h.actor, "start": iso(h.start), "end": iso(h.end),
                   "at": format_offset(h.t_at), "seconds": round(h.seconds(now), 3), "planned": bool(h.key.startswith("planned:")),
                   "attempt": h.attempt} for h in current.all_holds(now)],
        "planned_holds": [{"id": p.id, "at": format_offset(p.at), "duration": p.duration, "title": p.title,
                           "until_complete": list(p.until) if p.until else None,
                           "done": p.id in current.consumed} for p in current.planned],
        "attempts": [{"number": a.number, "t0": iso(a.t0), "started": iso(a.started), "ended": iso(a.ended),
                      "reason": a.reason or None, "reached": None if a.reached is None else format_clock(a.reached),
                      "actor": a.actor} for a in current.attempts],
        "recycles": [{"at": iso(r.at), "from": format_clock(r.from_t), "to": format_offset(r.to_t),
                      "actor": r.actor, "reason": r.reason, "attempt": r.attempt} for r in current.recycles],
        "skipped": list(current.skipped),
    }

"""A seekable index over a session journal: the cockpit's state at any instant, both ways, in milliseconds.

A byte-stream recording (asciinema) cannot seek backwards cheaply; a journal of meaningful entries can: the
index keeps a StateBuilder snapshot every CHECKPOINT_EVERY entries, so the state at any instant is one
checkpoint plus at most CHECKPOINT_EVERY applies, whichever way the playhead moved. It also knows the key
moments (markers: T-0, holds, triggers firing, handoffs, rollback) and the idle stretches a player may skip,
as asciinema's idle time limit does. Pure: entries in, states out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence

from launchpad.core.plan.offsets import clamp_into, session_window
from launchpad.core.control.count import COUNT_KINDS, CountState, apply_count, first_wall_at, fold_count, start_count
from launchpad.core.journal.journal import Entry, Header, SessionState, StateBuilder

CHECKPOINT_EVERY = 256
# Each checkpoint copies the whole state (every mark, every note so far): at 256 entries apart a 360,000-entry
# journal kept 1,400 of them and took 2.4 GB. Past MAX_CHECKPOINTS * every entries they are spread further
# apart instead, so memory stays bounded; a seek then applies a few thousand entries (a few ms).
MAX_CHECKPOINTS = 64
# Entries that are history rather than activity: an hour of them alone is still an idle hour.
BACKGROUND_KINDS = frozenset({"probe_minute", "probe_minutes"})  # minutes, one by one or packed (core/journal/pack)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def stamp(moment: datetime) -> float:
    """Seconds since the epoch (exact to the millisecond the journal keeps)."""
    return (moment - _EPOCH).total_seconds()


def moment_of(seconds: float) -> datetime:
    whole_ms = round(seconds * 1000)
    return _EPOCH + timedelta(milliseconds=whole_ms)


# --------------------------------------------------------------------------- holds and markers


def count_of(header: Header, entries: Iterable[Entry], planned_holds: Iterable = ()) -> CountState:
    """The count (core.count) over the whole journal: holds called by people and the plan's own."""
    return fold_count(header.t0, header.created_at, [e for e in entries if e.kind in COUNT_KINDS], planned_holds)


class CountClock:
    """The T-clock as it read at any past moment: the count folded only up to that moment (a later hold
    must not move what the clock showed before it)."""

    def __init__(self, header: Header, entries: Iterable[Entry], planned_holds: Iterable = ()):
        state = start_count(header.t0, header.created_at, planned_holds, header.first_lead)
        window = session_window(header.t0, header.created_at)
        self._times: list[float] = [float("-inf")]
        self._states: list[CountState] = [state]
        for entry in entries:
            if entry.kind in COUNT_KINDS:
                state = apply_count(state, entry)
                self._times.append(stamp(clamp_into(entry.at, window)))
                self._states.append(state)

    def state(self, moment: datetime) -> CountState:
        return self._states[bisect_right(self._times, stamp(moment)) - 1].at(moment)

    def t_clock(self, moment: datetime) -> float:
        return self.state(moment).t_clock(moment)

    def t0_reached(self, start: datetime, end: datetime) -> datetime | None:
        """The wall moment the T-clock first read T-0 (holds push it later), or None if it never did by `end`."""
        if self.t_clock(start) >= 0:
            return start
        if self.t_clock(end) < 0:
            return None
        low, high = stamp(start), stamp(end)
        while high - low > 0.0005:  # to the millisecond the journal keeps
            middle = (low + high) / 2
            if self.t_clock(moment_of(middle)) >= 0:
                high = middle
            else:
                low = middle
        return moment_of(high)


def _text(payload: Mapping[str, Any] | None, key: str) -> str:
    value = (payload or {}).get(key, "")
    return value if isinstance(value, str) else str(value)


def is_rollback(entry: Entry) -> bool:
    """A switch into rollback mode, however the control side words it (`mode` entry naming rollback)."""
    if entry.kind == "rollback":
        return True
    if entry.kind != "mode":
        return False
    payload = entry.payload or {}
    return any(str(payload.get(key, "")).lower() == "rollback" for key in ("mode", "to", "state")) or \
        entry.target.lower() == "rollback"


@dataclass(frozen=True)
class Marker:
    at: datetime
    kind: str  # t0 | hold | resume | trigger | handoff | rollback | scrub | recycle | poll
    label: str
    seq: int | None = None


def markers_of(header: Header, entries: Iterable[Entry], planned_holds: Iterable = ()) -> list[Marker]:
    """The key moments to jump between, in time order."""
    entries = list(entries)
    found: list[Marker] = [Marker(header.t0, "t0", "T-0 (planned)")]
    end = clamp_into(max([header.created_at] + [entry.at for entry in entries]), session_window(header.t0, header.created_at))
    count = count_of(header, entries, planned_holds)
    reached = CountClock(header, entries, planned_holds).t0_reached(header.created_at, end)
    if reached is not None and reached != header.t0:
        found.append(Marker(reached, "t0", "T-0 (as counted, after holds)"))
    for hold in count.all_holds(end):
        found.append(Marker(hold.start, "hold", f"Hold: {hold.reason or 'no reason given'}"))
        if hold.end is not None:
            found.append(Marker(hold.end, "resume", "Count resumed"))
    firing: dict[str, bool] = {}
    for entry in entries:
        kind, payload = entry.kind, entry.payload or {}
        if kind == "trigger":
            now_firing = payload.get("state") == "firing"
            if now_firing and not firing.get(entry.target):
                value = payload.get("value")
                figure = f" ({value:g})" if isinstance(value, float) or isinstance(value, int) and abs(value) < 2**53 else ""
                found.append(Marker(entry.at, "trigger", f"Trigger firing: {entry.target}{figure}", entry.seq))
            firing[entry.target] = now_firing
        elif kind == "handoff":
            found.append(Marker(entry.at, "handoff",
                                f"Handoff {_text(payload, 'from') or '?'} -> {_text(payload, 'to') or '?'}", entry.seq))
        elif is_rollback(entry):
            found.append(Marker(entry.at, "rollback", "Rollback begins", entry.seq))
        elif kind in ("scrub", "recycle"):
            found.append(Marker(entry.at, kind, f"{kind.capitalize()}: {_text(payload, 'reason')}".rstrip(": "), entry.seq))
        elif kind == "poll" and payload.get("action", "open") == "open":
            found.append(Marker(entry.at, "poll", "Go/No-Go poll", entry.seq))
    found.sort(key=lambda marker: marker.at)
    return found


def offset_moment(header: Header, entries: Iterable[Entry], offset: float, planned_holds: Iterable = ()) -> datetime:
    """The wall moment a T-offset means in this journal: when the count (plan time, holds included) first
    showed it; past the journal's end, when it would, counting on from there."""
    entries = list(entries)
    planned_holds = tuple(planned_holds)
    start = start_count(header.t0, header.created_at, planned_holds, header.first_lead)
    found = first_wall_at(start, entries, offset)
    if found is not None:
        return found
    end = clamp_into(max([header.created_at] + [entry.at for entry in entries]), session_window(header.t0, header.created_at))
    return count_of(header, entries, planned_holds).wall_time_of(offset, end)


def parse_moment(text: str, t0: datetime, at_offset: Callable[[float], datetime] | None = None) -> datetime:
    """`T-1h30m` / `T+0:30` or an ISO-8601 instant; OffsetError (a ValueError) if neither.

    A T-offset means plan time, the T-clock the cockpit shows: `at_offset` (offset_moment over the journal)
    finds when the count showed it, holds included. Without a journal it is T-0 plus the offset."""
    from launchpad.core.plan.offsets import T0_SECONDS, OffsetError, near, parse_instant, parse_offset

    cleaned = text.strip()
    if cleaned[:1] in ("T", "t") and not cleaned[1:2].isdigit():
        offset = parse_offset(cleaned)  # within 400 days of T-0 (core.offsets)
        return at_offset(offset) if at_offset is not None else t0 + timedelta(seconds=offset)
    moment = parse_instant(cleaned)
    if not near(moment, t0, T0_SECONDS):
        raise OffsetError(f"bad time `{text}`: more than ten years from T-0")
    return moment


# --------------------------------------------------------------------------- the index


class ReplayIndex:
    """Entries (journal order), their times, checkpoints and markers. Build once; query any instant."""

    def __init__(self, header: Header, entries: Sequence[Entry], *, every: int = CHECKPOINT_EVERY,
                 planned_holds: Iterable = ()):
        self.header = header
        self.entries = list(entries)
        self.every = max(1, every, -(-len(self.entries) // MAX_CHECKPOINTS))
        # Running maximum of the entry times: a fold "up to an instant" takes the journal prefix before the
        # first later entry, so a clock that stepped back on one writer never reorders history here.
        times: list[float] = []
        latest = float("-inf")
        window = session_window(header.t0, header.created_at)
        for entry in self.entries:
            value = stamp(clamp_into(entry.at, window))  # a time the clock cannot hold sorts at the edge of the range
            latest = value if value > latest else latest
            times.append(latest)
        self.times = times
        self.activity = [position for position, entry in enumerate(self.entries) if entry.kind not in BACKGROUND_KINDS]
        self.activity_times = [times[position] for position in self.activity]
        first = times[0] if times else stamp(header.created_at)
        self.start = moment_of(min(first, stamp(header.created_at)))
        self.end = moment_of(max(times[-1] if times else first, stamp(self.start)))
        self.planned_holds = tuple(planned_holds)
        self.markers = markers_of(header, self.entries, self.planned_holds)
        self.trigger_targets = tuple(dict.fromkeys(e.target for e in self.entries if e.kind == "trigger"))
        self._checkpoints = self._build_checkpoints()

    def moment_of_offset(self, offset: float) -> datetime:
        """Where the playhead goes for a T-offset: the moment the count showed it (see offset_moment)."""
        return offset_moment(self.header, self.entries, offset, self.planned_holds)

    def _build_checkpoints(self) -> list[SessionState]:
        builder = StateBuilder(self.header.first_lead)
        checkpoints = []
        apply = builder.apply
        for position, entry in enumerate(self.entries):
            if position % self.every == 0:
                checkpoints.append(builder.snapshot())
            apply(entry)
        if len(self.entries) % self.every == 0:
            checkpoints.append(builder.snapshot())
        return checkpoints

    def __len__(self) -> int:
        return len(self.entries)

    # -- positions -------------------------------------------------------------------------------------

    def count_at(self, moment: datetime) -> int:
        """How many entries the fold up to `moment` (inclusive) takes."""
        return bisect_right(self.times, stamp(moment))

    def clamp(self, moment: datetime) -> datetime:
        return min(max(moment, self.start), self.end)

    def state_after(self, count: int, builder: StateBuilder | None = None) -> SessionState:
        """The fold of the first `count` entries: nearest checkpoint at or before, then the rest applied."""
        count = min(max(count, 0), len(self.entries))
        block = count // self.every
        builder = StateBuilder.from_state(self._checkpoints[block])
        for entry in self.entries[block * self.every:count]:
            builder.apply(entry)
        return builder.snapshot()

    def state_at(self, moment: datetime) -> SessionState:
        return self.state_after(self.count_at(moment))

    def recent_activity(self, count: int, limit: int) -> list[Entry]:
        """The last `limit` activity entries among the first `count` (probe_minute history left out)."""
        upto = bisect_left(self.activity, count)
        return [self.entries[position] for position in self.activity[max(0, upto - limit):upto]]

    # -- moving ----------------------------------------------------------------------------------------

    def next_entry(self, moment: datetime) -> datetime | None:
        """The time of the first entry after `moment` (the playhead lands on it, so it is applied)."""
        position = bisect_right(self.times, stamp(moment))
        return moment_of(self.times[position]) if position < len(self.times) else None

    def previous_entry(self, moment: datetime) -> datetime | None:
        """The time of the last entry strictly before `moment`."""
        position = bisect_left(self.times, stamp(moment)) - 1
        return moment_of(self.times[position]) if position >= 0 else None

    def next_marker(self, moment: datetime) -> Marker | None:
        return next((marker for marker in self.markers if marker.at > moment), None)

    def previous_marker(self, moment: datetime) -> Marker | None:
        return next((marker for marker in reversed(self.markers) if marker.at < moment), None)

    def idle_end(self, moment: datetime, limit: float) -> datetime | None:
        """Where an idle stretch longer than `limit` seconds that the playhead is in ends (the next activity),
        or None when the next activity is nearer than that."""
        now = stamp(moment)
        position = bisect_right(self.activity_times, now)
        following = self.activity_times[position] if position < len(self.activity_times) else stamp(self.end)
        return moment_of(following) if following - now > limit else None

    def advance(self, moment: datetime, seconds: float, idle_cap: float | None = None) -> datetime:
        """The playhead `seconds` of journal time later, with every idle stretch (no activity for more than
        `idle_cap` seconds) played as `idle_cap` seconds long: its first and last halves, the middle skipped."""
        now, end = stamp(moment), stamp(self.end)
        if not idle_cap or idle_cap <= 0:
            return moment_of(min(now + seconds, end)) if now < end else moment
        activity, remaining, half = self.activity_times, seconds, idle_cap / 2
        while remaining > 0 and now < end:
            position = bisect_right(activity, now)
            previous = activity[position - 1] if position else stamp(self.start)
            following = activity[position] if position < len(activity) else end
            if following - previous > idle_cap:
                if now < previous + half:
                    step = previous + half - now
                    if remaining < step:
                        return moment_of(now + remaining)
                    remaining -= step
                    now = following - half
                elif now < following - half:
                    now = following - half
            step = following - now
            if remaining < step:
                return moment_of(now + remaining)
            remaining -= step
            now = following
        return moment_of(min(now, end))


class ReplayCursor:
    """A playhead over an index: moving forward a little applies only the new entries; anything else
    (backwards, a long jump) restarts from the nearest checkpoint. `state` is always the fold up to `moment`."""

    def __init__(self, index: ReplayIndex, moment: datetime | None = None):
        self.index = index
        self.moment = index.start if moment is None else moment
        self.count = index.count_at(self.moment)
        self.state = index.state_after(self.count)
        self._builder: StateBuilder | None = None

    def seek(self, moment: datetime) -> bool:
        """Move the playhead; True when the state changed (entries were applied or unapplied)."""
        self.moment = moment
        count = self.index.count_at(moment)
        if count == self.count:
            return False
        if self.count < count <= self.count + self.index.every:
            builder = self._builder or StateBuilder.from_state(self.state)
            for entry in self.index.entries[self.count:count]:
                builder.apply(entry)
            self._builder = builder
            self.state = builder.snapshot()
        else:
            self.state = self.index.state_after(count)
            self._builder = None
        self.count = count
        return True

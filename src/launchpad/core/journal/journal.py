"""The session journal, pure: header, entries, their TOML text, and the cockpit state as a fold over entries.

The session file is a `[session]` header followed by one `[[entry]]` block per action. Each block is written
as ONE write that starts with "\\n[[entry]]\\n" and ends with the comment line "# end": a torn write (power cut
mid-write) leaves a block without its end line, which is how the store tells a complete entry from a torn
one even when the torn prefix happens to be valid TOML (e.g. `seq = 12` cut to `seq = 1`). Values are written
with tomli_w (single-line basic strings), so neither marker can ever appear inside a value.

Nothing here touches a file: the store (launchpad.store.session_file) does the I/O.
"""

from __future__ import annotations

import re
from sys import intern
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

import tomli_w

from launchpad.core.plan.offsets import T0_SECONDS, near
from launchpad.core.toml_depth import MAX_DEPTH
from launchpad.core.probes.probe_history import HISTORY_MINUTES, ProbeMinute
from launchpad.core.probes.probe_history import from_payload as probe_minute_from_payload
from launchpad.core.journal.pack import PACKED, unpack
from launchpad.core.control.control import CONTROL_KINDS, REOPEN_KINDS, ControlFold, ControlState, reopened_by

FORMAT = 1
ENTRY_MARK = "\n[[entry]]\n"
END_LINE = "# end\n"
HEADER_END = "# journal: one [[entry]] per action below, appended in order\n"
LAST_ENTRIES = 50  # how many recent entries the state keeps for "who did what" panels

KNOWN_KINDS = ("check", "uncheck", "note", "event", "handoff", "probe", "trigger", "probe_minute", "probe_minutes", "ack")
EVENT_STATES = ("pending", "in_progress", "done", "skipped")
# Payload keys whose values are secrets by name: never written, whatever a caller passes (defence in depth).
_SECRET_KEY = re.compile(r"authorization|cookie|token|secret|password|passwd|api[-_]?key", re.IGNORECASE)
REDACTED = "[redacted]"


class JournalError(ValueError):
    """A header or entry table that is not what launchpad writes; the message says which field and why."""


# --------------------------------------------------------------------------- time


def utc_ms(moment: datetime) -> datetime:
    """The moment in UTC, cut to the millisecond: what the file can hold, so memory equals what reloads."""
    if moment.tzinfo is None:
        raise JournalError("a journal time must carry a timezone (naive datetimes are ambiguous)")
    moment = moment.astimezone(timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def format_utc(moment: datetime) -> str:
    """`2026-11-22T05:01:02.123Z`: a TOML offset date-time, UTC, to the millisecond."""
    moment = utc_ms(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------- frozen payloads


def freeze(value: Any) -> Any:
    """A read-only deep copy: tables become mappingproxies, arrays tuples, so no caller can corrupt a state."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(key): freeze(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """Plain dicts and lists again (for JSON output or a caller that wants to edit a copy)."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(item) for item in value]
    return value


def redact_secrets(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Secret-looking keys (Authorization, Cookie, token, password, api_key ...) lose their values, at any depth."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if _SECRET_KEY.search(str(key)):
            out[key] = REDACTED
        elif isinstance(value, Mapping):
            out[key] = redact_secrets(value)
        elif isinstance(value, (list, tuple)):
            out[key] = [redact_secrets(item) if isinstance(item, Mapping) else item for item in value]
        else:
            out[key] = value
    return out


_EMPTY: Mapping[str, Any] = MappingProxyType({})


# --------------------------------------------------------------------------- header and entries


@dataclass(frozen=True)
class Header:
    launch: str
    plan: str  # absolute path of the plan file
    plan_sha256: str
    t0: datetime
    created_at: datetime
    lead: str  # who leads now: rewritten by every compaction (handoff, save)
    started_by: str = ""  # the first lead; never rewritten, so a fold up to any point knows who led then
    format: int = FORMAT
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)  # keys from newer versions, kept as read

    @property
    def first_lead(self) -> str:
        return self.started_by or self.lead


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: datetime
    actor: str
    kind: str
    target: str = ""
    payload: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


def make_entry(seq: int, at: datetime, actor: str, kind: str, target: str = "",
               payload: Mapping[str, Any] | None = None) -> Entry:
    """A new entry as it will read back from the file: UTC milliseconds, frozen payload, secrets redacted."""
    if not isinstance(kind, str) or not kind or not re.fullmatch(r"[a-z][a-z0-9_-]*", kind):
        raise JournalError(f"bad entry kind {kind!r}: use a lower-case word such as `check` or `note`")
    if not isinstance(actor, str) or not actor:
        raise JournalError("an entry needs an actor (who did it)")
    if not isinstance(target, str):
        raise JournalError(f"an entry target must be a string, not {type(target).__name__}")
    clean = freeze(redact_secrets(payload)) if payload else _EMPTY
    return Entry(seq, utc_ms(at), actor, kind, target, clean)


def header_to_toml(header: Header) -> str:
    """The header block, ending with HEADER_END (so a reader can find where the journal starts)."""
    table: dict[str, Any] = {
        "format": header.format,
        "launch": header.launch,
        "plan": header.plan,
        "plan_sha256": header.plan_sha256,
    }
    body = tomli_w.dumps(table)
    body += f"t0 = {format_utc(header.t0)}\ncreated_at = {format_utc(header.created_at)}\n"
    body += tomli_w.dumps({"lead": header.lead, "started_by": header.first_lead, **thaw(header.extra)})
    return (
        "# launchpad session journal: the [session] header, then every action as an [[entry]], oldest first.\n"
        "# Any TOML 1.0 reader can read it; launchpad appends to it and rewrites it only atomically.\n"
        "[session]\n" + body + "\n" + HEADER_END
    )


def entry_to_toml(entry: Entry) -> str:
    """One entry as the block the store writes in one go: "\\n[[entry]]\\n" ... "# end\\n"."""
    text = (
        f"{ENTRY_MARK}seq = {entry.seq}\nat = {format_utc(entry.at)}\n"
        + tomli_w.dumps({"actor": entry.actor, "kind": entry.kind, "target": entry.target})
    )
    if entry.payload:
        text += tomli_w.dumps({"entry": {"payload": entry.payload}})
    return text + END_LINE


def _field(table: Mapping, key: str, kinds: type | tuple, what: str, default: Any = None) -> Any:
    value = table.get(key, default)
    if value is None:
        raise JournalError(f"{what} has no `{key}`")
    if not isinstance(value, kinds) or isinstance(value, bool) and kinds is int:
        raise JournalError(f"`{key}` in {what} must be {getattr(kinds, '__name__', kinds)}, not {type(value).__name__}")
    return value


def header_from_table(doc: Mapping[str, Any]) -> Header:
    """The Header from a parsed file (the whole document or just its header); JournalError if unusable."""
    session = doc.get("session")
    if not isinstance(session, Mapping):
        raise JournalError("no [session] table: this is not a launchpad session file")
    what = "[session]"
    version = _field(session, "format", int, what)
    if version > FORMAT:
        raise JournalError(f"session format {version} is newer than this launchpad reads ({FORMAT}): upgrade launchpad")
    t0 = _field(session, "t0", datetime, what)
    created = _field(session, "created_at", datetime, what)
    if t0.tzinfo is None or created.tzinfo is None:
        raise JournalError("`t0` and `created_at` in [session] need a UTC offset, e.g. 2026-11-22T07:00:00Z")
    if not near(t0, created, T0_SECONDS):  # a T-0 the clock cannot count to (year 9999 beside 2026)
        raise JournalError("`t0` in [session] is more than ten years from `created_at`: write the launch's T-0")
    known = {"format", "launch", "plan", "plan_sha256", "t0", "created_at", "lead", "started_by"}
    return Header(
        launch=_field(session, "launch", str, what),
        plan=_field(session, "plan", str, what),
        plan_sha256=_field(session, "plan_sha256", str, what, ""),
        t0=utc_ms(t0),
        created_at=utc_ms(created),
        lead=_field(session, "lead", str, what),
        started_by=_field(session, "started_by", str, what, ""),
        format=version,
        extra=freeze({key: value for key, value in session.items() if key not in known}),
    )


def _too_deep(seq: int) -> JournalError:
    return JournalError(f"entry seq {seq}: its payload nests deeper than {MAX_DEPTH} levels: flatten it")


def _freeze_parsed(table: dict, seq: int, depth: int = 0) -> Mapping[str, Any]:
    """freeze() for a table a TOML parser just built and nobody else holds (no deep copy; keys interned).
    Nesting deeper than MAX_DEPTH is refused here, the one place every loaded payload passes, so the bulk
    parser need not walk every document for depth first."""
    if depth > MAX_DEPTH:
        raise _too_deep(seq)
    for value in table.values():
        if type(value) is dict or type(value) is list:
            break
    else:  # keys interned: a parser makes each entry's keys anew, 100k copies of "count", "errors" ...
        return MappingProxyType({intern(key): value for key, value in table.items()})
    return MappingProxyType({intern(key): _freeze_value(value, seq, depth + 1) for key, value in table.items()})


def _freeze_value(value: Any, seq: int, depth: int) -> Any:
    if type(value) is dict:
        return _freeze_parsed(value, seq, depth)
    if type(value) is list:
        if depth > MAX_DEPTH:
            raise _too_deep(seq)
        return tuple(_freeze_value(item, seq, depth + 1) for item in value)
    return value


def entry_from_table(table: Any) -> Entry:
    """One parsed `[[entry]]` table as an Entry; JournalError naming the field when it is not one we wrote."""
    if not isinstance(table, dict):
        raise JournalError("`entry` must be an array of tables")
    seq = table.get("seq")
    at = table.get("at")
    actor = table.get("actor")
    kind = table.get("kind")
    target = table.get("target", "")
    payload = table.get("payload")
    # One combined type test keeps the happy path cheap on 100k entries; the slow path says what is wrong.
    if (type(seq) is int and seq > 0 and type(at) is datetime and at.tzinfo is not None and type(actor) is str
            and type(kind) is str and type(target) is str and (payload is None or type(payload) is dict)):
        # Interned: 100k entries share a handful of actor/kind/target strings instead of 100k copies each.
        if at.tzinfo is not timezone.utc:  # rtoml's own UTC tzinfo, or an offset written by hand
            at = at.replace(tzinfo=timezone.utc) if not at.utcoffset() and not at.microsecond % 1000 else utc_ms(at)
        return Entry(seq, at, intern(actor), intern(kind), intern(target),
                     _freeze_parsed(payload, seq) if payload else _EMPTY)
    what = f"entry seq {seq}" if type(seq) is int else "an entry"
    _field(table, "seq", int, what)
    if seq <= 0:
        raise JournalError(f"{what}: `seq` must be 1 or more")
    _field(table, "at", datetime, what)
    if at.tzinfo is None:
        raise JournalError(f"{what}: `at` needs a UTC offset (write it with a trailing Z)")
    _field(table, "actor", str, what)
    _field(table, "kind", str, what)
    _field(table, "target", str, what, "")
    _field(table, "payload", dict, what, {})
    raise JournalError(f"{what} is malformed")  # pragma: no cover - every branch above raises first


# --------------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class Mark:
    checked: bool
    actor: str
    at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    target: str  # an item or event ID, or "" for the launch as a whole
    actor: str
    at: datetime
    text: str
    seq: int = 0


@dataclass(frozen=True, slots=True)
class EventMark:
    state: str  # one of EVENT_STATES
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Handoff:
    from_lead: str
    to_lead: str
    actor: str
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class SessionState:
    """What the cockpit shows, and nothing it could not rebuild from the journal. Read-only throughout."""

    lead: str
    checks: Mapping[str, Mark]  # item id -> latest check/uncheck
    notes: tuple[Note, ...]  # in journal order; a check/uncheck with a note adds one too
    events: Mapping[str, EventMark]  # event id -> latest state change
    handoffs: tuple[Handoff, ...]
    probe_states: Mapping[str, Mapping[str, Any]]  # probe -> payload of its latest `probe` entry
    trigger_states: Mapping[str, Mapping[str, Any]]  # trigger (or probe) -> payload of its latest `trigger` entry
    entry_count: int
    last_seq: int
    last_entries: tuple[Entry, ...]  # the newest LAST_ENTRIES, oldest first
    ignored: int = 0  # entries of kinds this version does not fold (kept in the file, never an error)
    # probe -> its last HISTORY_MINUTES `probe_minute` folds, oldest first: replayed and followed sparklines
    probe_history: Mapping[str, tuple[ProbeMinute, ...]] = field(default_factory=lambda: _EMPTY)
    control: ControlState = field(default_factory=ControlState)  # holds, recycles, scrubs, poll, mode (core.control)
    # "trigger · probe" -> payload of its latest `ack` (trigger, probe, since: the firing acknowledged)
    acks: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)

    def marks(self) -> dict[str, bool]:
        """item id -> ticked, for progress counting (items absent here keep their initial state)."""
        return {item: mark.checked for item, mark in self.checks.items()}

    def is_checked(self, item_id: str, initial: bool = False) -> bool:
        mark = self.checks.get(item_id)
        return initial if mark is None else mark.checked

    def notes_for(self, target: str) -> tuple[Note, ...]:
        return tuple(note for note in self.notes if note.target == target)

    def event_state(self, event_id: str) -> str:
        mark = self.events.get(event_id)
        return mark.state if mark else "pending"


class StateBuilder:
    """The mutable side of the fold: O(1) per entry, then `snapshot()` hands out a read-only SessionState.

    The cockpit keeps one builder and feeds it what `SessionFile.read_new()` returns, so catching up on
    a war-room neighbour's entries never refolds the whole journal.
    """

    def __init__(self, lead: str, last_entries: int = LAST_ENTRIES):
        self.lead = lead
        self.checks: dict[str, Mark] = {}
        self.notes: list[Note] = []
        self.events: dict[str, EventMark] = {}
        self.handoffs: list[Handoff] = []
        self.probe_states: dict[str, Mapping[str, Any]] = {}
        self.trigger_states: dict[str, Mapping[str, Any]] = {}
        self.acks: dict[str, Mapping[str, Any]] = {}
        self.probe_history: dict[str, deque[ProbeMinute]] = {}
        self.control = ControlFold()
        self.entry_count = 0
        self.last_seq = 0
        self.ignored = 0
        self.last_entries: deque[Entry] = deque(maxlen=last_entries)

    @classmethod
    def from_state(cls, state: SessionState) -> "StateBuilder":
        builder = cls(state.lead)
        builder.checks = dict(state.checks)
        builder.notes = list(state.notes)
        builder.events = dict(state.events)
        builder.handoffs = list(state.handoffs)
        builder.probe_states = dict(state.probe_states)
        builder.trigger_states = dict(state.trigger_states)
        builder.acks = dict(state.acks)
        builder.probe_history = {probe: deque(minutes, maxlen=HISTORY_MINUTES)
                                 for probe, minutes in state.probe_history.items()}
        builder.control = ControlFold.from_state(state.control)
        builder.entry_count = state.entry_count
        builder.last_seq = state.last_seq
        builder.ignored = state.ignored
        builder.last_entries.extend(state.last_entries)
        return builder

    def apply(self, entry: Entry) -> None:
        kind = entry.kind
        payload = entry.payload
        self.entry_count += 1
        self.last_seq = max(self.last_seq, entry.seq)
        self.last_entries.append(entry)
        if kind == "check" or kind == "uncheck":
            note = payload.get("note", "") if payload else ""
            note = note if isinstance(note, str) else str(note)
            self.checks[entry.target] = Mark(kind == "check", entry.actor, entry.at, note)
            if note:
                self.notes.append(Note(entry.target, entry.actor, entry.at, note, entry.seq))
        elif kind == "note":
            text = payload.get("text", "") if payload else ""
            self.notes.append(Note(entry.target, entry.actor, entry.at, str(text), entry.seq))
        elif kind == "event":
            state = payload.get("state") if payload else None
            if state in EVENT_STATES:
                self.events[entry.target] = EventMark(state, entry.actor, entry.at)
            else:
                self.ignored += 1
        elif kind == "handoff":
            to = payload.get("to") if payload else None
            if isinstance(to, str) and to:
                note = payload.get("note", "")
                self.handoffs.append(Handoff(str(payload.get("from", self.lead)), to, entry.actor, entry.at,
                                             note if isinstance(note, str) else ""))
                self.lead = to
            else:
                self.ignored += 1
        elif kind == "probe":
            self.probe_states[entry.target] = payload
        elif kind == "trigger":
            self.trigger_states[entry.target] = payload
        elif kind == "ack":  # acknowledged anywhere: every cockpit stops ringing for that firing
            self.acks[entry.target] = payload
        elif kind == "probe_minute":
            minute = probe_minute_from_payload(entry.target, payload)
            if minute is None:
                self.ignored += 1
            else:
                self._history(entry.target).append(minute)
        elif kind == PACKED:  # an hour of one probe's minutes, packed by a compaction (core/journal/pack.py)
            minutes = unpack(payload, entry.target)
            if minutes is None:
                self.ignored += 1
            else:
                self._history(entry.target).extend(minute for _, minute in minutes)
        elif kind in CONTROL_KINDS:
            if not self.control.apply(entry):
                self.ignored += 1  # e.g. a `take` that names nobody
            if kind in REOPEN_KINDS:  # a recycle or scrub re-opens the events and items its payload names
                events, items = reopened_by(entry)
                for event_id in events:
                    self.events[event_id] = EventMark("pending", entry.actor, entry.at)
                for item in items:
                    self.checks[item] = Mark(False, entry.actor, entry.at, f"re-opened by {kind}")
        else:
            self.ignored += 1  # kinds of newer versions: kept in the file, not folded

    def _history(self, probe: str) -> deque[ProbeMinute]:
        history = self.probe_history.get(probe)
        if history is None:
            history = self.probe_history[probe] = deque(maxlen=HISTORY_MINUTES)
        return history

    def snapshot(self) -> SessionState:
        return SessionState(
            lead=self.lead,
            checks=MappingProxyType(dict(self.checks)),
            notes=tuple(self.notes),
            events=MappingProxyType(dict(self.events)),
            handoffs=tuple(self.handoffs),
            probe_states=MappingProxyType(dict(self.probe_states)),
            trigger_states=MappingProxyType(dict(self.trigger_states)),
            entry_count=self.entry_count,
            last_seq=self.last_seq,
            last_entries=tuple(self.last_entries),
            ignored=self.ignored,
            probe_history=MappingProxyType({probe: tuple(minutes) for probe, minutes in self.probe_history.items()}),
            control=self.control.snapshot(),
            acks=MappingProxyType(dict(self.acks)),
        )


def empty_state(header: Header) -> SessionState:
    return StateBuilder(header.first_lead).snapshot()


def fold(header: Header, entries: Iterable[Entry], upto: int | datetime | None = None) -> SessionState:
    """The state after `entries` (in journal order), optionally only up to a seq (inclusive) or a moment."""
    builder = StateBuilder(header.first_lead)
    apply_entry = builder.apply
    if upto is None:
        for entry in entries:
            apply_entry(entry)
    elif isinstance(upto, datetime):
        limit = utc_ms(upto)
        for entry in entries:
            if entry.at > limit:
                break
            apply_entry(entry)
    else:
        for entry in entries:
            if entry.seq > upto:
                break
            apply_entry(entry)
    return builder.snapshot()


def apply(state: SessionState, entry: Entry) -> SessionState:
    """One more entry on a state, as a new state (O(size of state); use StateBuilder to apply many)."""
    builder = StateBuilder.from_state(state)
    builder.apply(entry)
    return builder.snapshot()


def current_lead(header: Header, entries: Sequence[Entry]) -> str:
    """Who leads after these entries: the last handoff's `to`, else the header's lead."""
    for entry in reversed(entries):
        if entry.kind == "handoff" and entry.payload and isinstance(entry.payload.get("to"), str):
            return entry.payload["to"]
    return header.lead


def plan_drift(state: SessionState, plan_task_ids: Iterable[str], other_known_ids: Iterable[str] = ()) -> list[str]:
    """IDs the journal marked or annotated that the plan no longer has, in the order the journal met them.

    `other_known_ids` are targets that are not tasks but still exist (event IDs), so notes on them stay quiet.
    """
    items = set(plan_task_ids)
    known = items | set(other_known_ids)
    vanished: dict[str, None] = {}
    for item in state.checks:
        if item not in items:  # only items are ticked: an event with the same ID does not keep a tick alive
            vanished.setdefault(item, None)
    for note in state.notes:
        if note.target and note.target not in known:
            vanished.setdefault(note.target, None)
    return list(vanished)


def with_lead(header: Header, lead: str) -> Header:
    return replace(header, lead=lead, started_by=header.first_lead)


def entry_as_json(entry: Entry) -> dict[str, Any]:
    """An entry for JSON output: times as ISO strings, payload as plain data."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return format_utc(value) if value.tzinfo else value.isoformat()
        if isinstance(value, Mapping):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    return {"seq": entry.seq, "at": format_utc(entry.at), "actor": entry.actor, "kind": entry.kind,
            "target": entry.target, "payload": plain(entry.payload)}

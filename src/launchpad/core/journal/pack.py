"""Packing old `probe_minute` entries: a compaction folds each probe's minutes, an hour at a time, into one
`probe_minutes` entry holding the same figures as text columns (exact: a float's repr reads back equal), so a
cockpit left open 28 hours with 200 probes keeps ~5,600 history entries instead of ~336,000, in a small
fraction of the bytes, while every minute's figures stay on disk: the fold's sparklines and the report's
incident minutes read them back unchanged.

A packed entry takes the seq, time and place of the last minute it holds; other entries keep theirs, so
each probe's minutes stay in order and the fold of the packed journal ends in the same state (the entry
count aside). What a replay loses: inside an old packed hour, that hour's minutes join the sparkline at the
hour's end rather than one by one. The last KEEP_RECENT of the journal are never packed, so the live
cockpit and its followers see no change. Pure: entries in, entries out.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from launchpad.core.probes.probe_history import KIND as PROBE_MINUTE
from launchpad.core.probes.probe_history import ProbeMinute, from_payload

if TYPE_CHECKING:  # journal.py folds packed entries with unpack(): it imports this module, not the reverse
    from launchpad.core.journal.journal import Entry

PACKED = "probe_minutes"
PACK_MINUTES = 60  # minutes of one probe in one packed entry
KEEP_RECENT = timedelta(hours=1)  # the newest hour of the journal is left as written
MIN_TO_PACK = 600  # below this many packable minutes a compaction leaves the journal as it is


_LABEL = "%Y-%m-%dT%H:%M:00.000Z"  # probe_history.minute_label's format
_MS = timedelta(milliseconds=1)


def _label_time(label: Any) -> datetime | None:
    try:
        return datetime.strptime(label, _LABEL).replace(tzinfo=timezone.utc) if isinstance(label, str) else None
    except ValueError:
        return None


def _figure(value: float | None) -> str:
    return "-" if value is None else repr(float(value))


def unpack(payload: Mapping[str, Any] | None, probe: str) -> list[tuple[datetime, ProbeMinute]] | None:
    """(time the minute was journaled, its figures) for each minute of a packed payload; None if damaged.

    The columns are space-separated text (TOML arrays would cost a line per number): `minute` in whole
    minutes after `first`, `closed` in ms after each minute's start, `p50`/`p95` with "-" for no figure."""
    if not payload:
        return None
    first = _label_time(payload.get("first"))
    columns = [payload.get(key) for key in ("minute", "closed", "count", "errors", "p50", "p95")]
    if first is None or not all(isinstance(column, str) for column in columns):
        return None
    try:
        minute, closed, count, errors = ([int(text) for text in column.split()] for column in columns[:4])
        p50, p95 = ([None if text == "-" else float(text) for text in column.split()] for column in columns[4:])
    except ValueError:
        return None
    if len({len(minute), len(closed), len(count), len(errors), len(p50), len(p95)}) != 1:
        return None
    out = []
    for offset, after, *figures in zip(minute, closed, count, errors, p50, p95):
        start = first + timedelta(minutes=offset)
        out.append((start + after * _MS, ProbeMinute(probe, start.strftime(_LABEL), *figures)))
    return out


def _packed(group: list[Entry]) -> Entry:
    from launchpad.core.journal.journal import make_entry

    minutes = [from_payload(entry.target, entry.payload) for entry in group]
    starts = [_label_time(minute.minute) for minute in minutes]
    last = group[-1]
    payload = {
        "first": minutes[0].minute,
        "minute": " ".join(str(round((start - starts[0]).total_seconds()) // 60) for start in starts),
        "closed": " ".join(str((entry.at - start) // _MS) for entry, start in zip(group, starts)),
        "count": " ".join(str(minute.count) for minute in minutes),
        "errors": " ".join(str(minute.errors) for minute in minutes),
        "p50": " ".join(_figure(minute.p50) for minute in minutes),
        "p95": " ".join(_figure(minute.p95) for minute in minutes),
    }
    return make_entry(last.seq, last.at, last.actor, PACKED, last.target, payload)


def _fits(entry: Entry, cutoff: datetime) -> bool:
    """A minute pack_minutes may fold: readable, in the label format, and older than the cutoff."""
    if entry.kind != PROBE_MINUTE or entry.at > cutoff:
        return False
    minute = from_payload(entry.target, entry.payload)
    return minute is not None and _label_time(minute.minute) is not None


def packable(entries: Sequence[Entry]) -> int:
    """How many entries pack_minutes would fold away (a compaction packs only when it is worth a rewrite)."""
    if not entries:
        return 0
    cutoff = entries[-1].at - KEEP_RECENT
    return sum(1 for entry in entries if _fits(entry, cutoff))


def pack_minutes(entries: Sequence[Entry]) -> list[Entry]:
    """The journal with each probe's readable `probe_minute` entries older than KEEP_RECENT (before its
    newest entry) folded PACK_MINUTES at a time into `probe_minutes` entries; everything else as it was."""
    if not entries:
        return []
    cutoff = entries[-1].at - KEEP_RECENT
    open_groups: dict[str, list[Entry]] = {}
    placed: dict[int, Entry] = {}  # position of a group's last minute -> the packed entry that goes there
    dropped: set[int] = set()
    members: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        if not _fits(entry, cutoff):
            continue
        group = open_groups.setdefault(entry.target, [])
        group.append(entry)
        members.setdefault(entry.target, []).append(position)
        if len(group) == PACK_MINUTES:
            _close(entry.target, open_groups, members, placed, dropped)
    for probe in list(open_groups):
        if open_groups[probe]:
            _close(probe, open_groups, members, placed, dropped)
    return [placed.get(position, entry) for position, entry in enumerate(entries) if position not in dropped]


def _close(probe: str, open_groups: dict, members: dict, placed: dict, dropped: set) -> None:
    group, positions = open_groups.pop(probe), members.pop(probe)
    if len(group) < 2:
        return  # one minute packs into nothing smaller
    placed[positions[-1]] = _packed(group)
    dropped.update(positions[:-1])

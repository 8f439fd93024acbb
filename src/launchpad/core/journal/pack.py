"""Packing old `probe_minute` entries: a compaction folds each probe's minutes, an hour at a time, into one
`probe_minutes` entry holding the same figures as arrays, so a cockpit left open 28 hours with 200 probes
keeps ~5,600 history entries instead of ~336,000 (and a file about a third the size) while every minute's
figures stay on disk: the fold's sparklines and the report's incident minutes read them back unchanged.

A packed entry takes the seq, time and place of the last minute it holds; other entries keep theirs, so
each probe's minutes stay in order and the fold of the packed journal ends in the same state (the entry
count aside). What a replay loses: inside an old packed hour, that hour's minutes join the sparkline at the
hour's end rather than one by one. The last KEEP_RECENT of the journal are never packed, so the live
cockpit and its followers see no change. Pure: entries in, entries out.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from launchpad.core.probes.probe_history import KIND as PROBE_MINUTE
from launchpad.core.probes.probe_history import ProbeMinute, from_payload

if TYPE_CHECKING:  # journal.py folds packed entries with unpack(): it imports this module, not the reverse
    from launchpad.core.journal.journal import Entry

PACKED = "probe_minutes"
PACK_MINUTES = 60  # minutes of one probe in one packed entry
KEEP_RECENT = timedelta(hours=1)  # the newest hour of the journal is left as written
MIN_TO_PACK = 600  # below this many packable minutes a compaction leaves the journal as it is


def unpack(payload: Mapping[str, Any] | None, probe: str) -> list[tuple[datetime, ProbeMinute]] | None:
    """(time the minute was journaled, its figures) for each minute of a packed payload; None if damaged."""
    if not payload:
        return None
    columns = [payload.get(key) for key in ("closed", "minute", "count", "errors", "p50", "p95")]
    if not all(isinstance(column, (list, tuple)) for column in columns) or len({len(c) for c in columns}) != 1:
        return None
    out = []
    for closed, label, count, errors, p50, p95 in zip(*columns):
        figures = {"minute": label, "count": count, "errors": errors}
        for key, value in (("p50", p50), ("p95", p95)):
            if isinstance(value, float) and not math.isnan(value):
                figures[key] = value
        minute = from_payload(probe, figures)
        if minute is None or not isinstance(closed, datetime):
            return None
        out.append((closed, minute))
    return out


def _packed(group: list[Entry]) -> Entry:
    from launchpad.core.journal.journal import make_entry

    minutes = [from_payload(entry.target, entry.payload) for entry in group]
    last = group[-1]
    payload = {
        "closed": [entry.at for entry in group],
        "minute": [minute.minute for minute in minutes],
        "count": [minute.count for minute in minutes],
        "errors": [minute.errors for minute in minutes],
        # TOML has no null: a minute without a latency figure is written as nan
        "p50": [math.nan if minute.p50 is None else float(minute.p50) for minute in minutes],
        "p95": [math.nan if minute.p95 is None else float(minute.p95) for minute in minutes],
    }
    return make_entry(last.seq, last.at, last.actor, PACKED, last.target, payload)


def packable(entries: Sequence[Entry]) -> int:
    """How many entries pack_minutes would fold away (a compaction packs only when it is worth a rewrite)."""
    if not entries:
        return 0
    cutoff = entries[-1].at - KEEP_RECENT
    return sum(1 for entry in entries if entry.kind == PROBE_MINUTE and entry.at <= cutoff
               and from_payload(entry.target, entry.payload) is not None)


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
        if entry.kind != PROBE_MINUTE or entry.at > cutoff or from_payload(entry.target, entry.payload) is None:
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

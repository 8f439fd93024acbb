"""Packing old probe minutes (core/journal/pack.py): fewer entries, the same fold and the same report figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from launchpad.core.journal.journal import Header, entry_to_toml, fold, make_entry
from launchpad.core.journal.pack import KEEP_RECENT, PACK_MINUTES, PACKED, pack_minutes, packable, unpack
from launchpad.core.journal.report import probe_incidents
from launchpad.core.probes.probe_history import fold_minute

T0 = datetime(2026, 11, 22, 18, tzinfo=timezone.utc)
HEADER = Header("launch", "/plan.toml", "00", T0, T0 - timedelta(hours=5), "alice", "alice")
PROBES = ("api", "db", "web")


def journal(hours: int = 3) -> list:
    """Three probes' minutes for `hours`, with checks, notes, a probe going DOWN and UP, and a damaged minute."""
    entries = []
    start = HEADER.created_at

    def add(at, kind, target, payload=None, actor="cockpit"):
        entries.append(make_entry(len(entries) + 1, at, actor, kind, target, payload))

    for minute in range(hours * 60):
        at = start + timedelta(minutes=minute + 1, seconds=2)
        for number, probe in enumerate(PROBES):
            figures = fold_minute(probe, at - timedelta(minutes=1), [minute % 17 != number] * 12,
                                  [] if probe == "db" and minute % 5 == 0 else [10.0 + minute, 30.0 + number])
            add(at + timedelta(milliseconds=number), "probe_minute", probe, figures.payload())
        if minute % 13 == 0:
            add(at, "check", f"item-{minute}", actor="ci")
        if minute == 50:
            add(at, "probe", "api", {"state": "DOWN", "error": "timeout"})
        if minute == 58:
            add(at, "probe", "api", {"state": "UP"})
        if minute == 70:
            add(at, "probe_minute", "web", {"count": "many"})  # damaged: ignored by the fold, never packed
    return entries


def test_packing_folds_old_minutes_into_hourly_entries_and_keeps_the_last_hour():
    entries = journal()
    packed = pack_minutes(entries)
    cutoff = entries[-1].at - KEEP_RECENT
    assert len(packed) < len(entries) // 2  # the newest hour (180 minutes) is left as written
    kinds = [entry.kind for entry in packed]
    assert kinds.count(PACKED) == len(PROBES) * 2  # two old hours each (the damaged minute stays where it was)
    assert all(entry.kind != "probe_minute" or entry.at > cutoff or entry.payload.get("count") == "many"
               for entry in packed)
    assert all(later.seq > earlier.seq for earlier, later in zip(packed, packed[1:]))  # journal order kept
    assert [e for e in packed if e.kind != PACKED] == [e for e in entries if e.kind != "probe_minute" or e.at > cutoff
                                                       or e.payload.get("count") == "many"]
    assert packable(entries) == len(entries) - len([e for e in entries if e.kind != "probe_minute" or e.at > cutoff]) - 1
    assert pack_minutes(packed) == packed  # nothing left to pack


def test_the_fold_of_a_packed_journal_ends_in_the_same_state():
    entries = journal()
    whole, packed = fold(HEADER, entries), fold(HEADER, pack_minutes(entries))
    assert packed.probe_history == whole.probe_history and len(packed.probe_history["api"]) == 60
    assert replace(packed, entry_count=0, ignored=0) == replace(whole, entry_count=0, ignored=0)
    assert packed.ignored == whole.ignored == 1


def test_every_packed_minute_reads_back_with_its_time_and_figures_through_the_file_format():
    import tomllib

    from launchpad.core.journal.journal import entry_from_table

    entries = journal(2)
    originals = [e for e in entries if e.kind == "probe_minute" and e.target == "db"][:PACK_MINUTES]
    packed = next(e for e in pack_minutes(entries) if e.kind == PACKED and e.target == "db")
    read_back = entry_from_table(tomllib.loads(entry_to_toml(packed))["entry"][0])
    from launchpad.core.probes.probe_history import from_payload

    assert unpack(read_back.payload, "db") == [(e.at, from_payload("db", e.payload)) for e in originals]
    assert any(minute.p50 is None for _, minute in unpack(read_back.payload, "db"))  # no latency: "-", read as None
    columns = {key: read_back.payload[key] for key in ("first", "minute", "closed", "count", "errors", "p50", "p95")}
    assert unpack({**columns, "count": columns["count"] + " 12"}, "db") is None  # one column too long: damaged
    assert unpack({**columns, "p95": "fast"}, "db") is None and unpack({**columns, "first": "noon"}, "db") is None


def test_the_report_finds_the_same_incident_minutes():
    entries = journal()
    before, after = probe_incidents(entries), probe_incidents(pack_minutes(entries))
    assert after == before and len(before) == 1 and len(before[0].minutes) == 8


def test_a_packed_entry_reads_as_words_and_stays_out_of_the_activity_log():
    from launchpad.core.journal.activity import describe_entry, recent_activity

    packed = pack_minutes(journal(2))
    hour = next(e for e in packed if e.kind == PACKED and e.target == "api")
    text = describe_entry(hour)
    assert text.startswith("probe api, 60 minutes from ") and "720 checks" in text
    assert all(entry.kind != PACKED for entry in recent_activity(packed, 500))

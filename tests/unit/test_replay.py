"""The seekable index: the state at any playhead is the fold of the journal up to it, whichever way it moved."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.journal.journal import Header, fold, make_entry
from launchpad.core.plan.plan import load_plan
from launchpad.core.journal.replay import (
    ReplayCursor, ReplayIndex, markers_of, moment_of, parse_moment, stamp,
)
from launchpad.core.journal.simulate import simulate

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 22, 18, tzinfo=timezone.utc)
HEADER = Header("launch", "/plan.toml", "00", T0, T0 - timedelta(hours=2), "alice", "alice")
KINDS = ("check", "uncheck", "note", "event", "handoff", "probe", "trigger", "probe_minute", "hold", "resume",
         "mode", "vote", "poll", "mystery")


def payload_for(kind: str, number: int) -> dict | None:
    return {
        "check": {"note": f"n{number}"} if number % 3 == 0 else None,
        "uncheck": None,
        "note": {"text": f"note {number}"},
        "event": {"state": ("pending", "in_progress", "done", "skipped", "bogus")[number % 5]},
        "handoff": {"from": "x", "to": f"lead-{number % 4}"},
        "probe": {"state": ("UP", "DOWN")[number % 2]},
        "trigger": {"trigger": "t", "probe": "p", "state": ("ok", "pending", "firing", "resolved")[number % 4]},
        "probe_minute": {"minute": "2026-11-22T17:00:00.000Z", "count": 12, "errors": number % 3, "p50": 10.0 + number,
                         "p95": 20.0 + number},
        "hold": {"reason": f"reason {number}"},
        "resume": {},
        "mode": {"mode": ("rollback", "count")[number % 2]},
        "vote": {"vote": ("go", "no-go")[number % 2]},
        "poll": {"action": ("open", "close")[number % 2]},
        "mystery": {"x": number},
    }[kind]


journal_steps = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 8), st.integers(0, 90), st.integers(0, 50)),
    min_size=0, max_size=120,
)


def build(steps) -> list:
    entries = []
    at = HEADER.created_at
    for seq, (kind, target, gap, number) in enumerate(steps, start=1):
        at = at + timedelta(seconds=gap - 5)  # some entries step back in time: another writer's clock
        entries.append(make_entry(seq, at, f"actor-{number % 3}", kind, f"item-{target}", payload_for(kind, number)))
    return entries


@settings(max_examples=150, deadline=None)
@given(steps=journal_steps, every=st.integers(1, 17), playheads=st.lists(st.integers(-200, 12000), max_size=25))
def test_state_at_any_playhead_is_the_fold_up_to_it(steps, every, playheads):
    entries = build(steps)
    index = ReplayIndex(HEADER, entries, every=every)
    cursor = ReplayCursor(index)
    for offset in playheads:
        moment = HEADER.created_at + timedelta(seconds=offset)
        cursor.seek(moment)
        expected = fold(HEADER, entries, upto=moment)
        assert cursor.state == expected
        assert index.state_at(moment) == expected


@settings(max_examples=60, deadline=None)
@given(steps=journal_steps, every=st.integers(1, 9), first=st.integers(0, 6000), second=st.integers(0, 6000))
def test_seeking_backwards_gives_the_same_state_as_seeking_forwards(steps, every, first, second):
    entries = build(steps)
    index = ReplayIndex(HEADER, entries, every=every)
    early, late = sorted((HEADER.created_at + timedelta(seconds=first), HEADER.created_at + timedelta(seconds=second)))
    forwards = ReplayCursor(index, early)
    forwards.seek(late)
    backwards = ReplayCursor(index, index.end)
    backwards.seek(late)
    assert forwards.state == backwards.state
    backwards.seek(early)
    again = ReplayCursor(index)
    again.seek(early)
    assert backwards.state == again.state == fold(HEADER, entries, upto=early)


@pytest.fixture(scope="module")
def simulated():
    plan, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems
    return plan, simulate(plan, seed=2)


def test_every_instant_of_a_simulated_launch_both_ways(simulated):
    plan, simulation = simulated
    index = ReplayIndex(simulation.header, simulation.entries, planned_holds=plan.holds)
    cursor = ReplayCursor(index)
    step = timedelta(minutes=7, seconds=13)
    moments = []
    moment = index.start
    while moment <= index.end:
        moments.append(moment)
        moment += step
    for moment in moments + moments[::-1]:
        cursor.seek(moment)
        assert cursor.count == len([e for e in simulation.entries if e.at <= moment])
    # Spot-check full equality (a fold of every instant would be slow): both directions agree with fold.
    for moment in moments[::25]:
        cursor.seek(moment)
        assert cursor.state == fold(simulation.header, simulation.entries, upto=moment)


def test_markers_name_the_key_moments(simulated):
    plan, simulation = simulated
    facts = simulation.facts
    markers = markers_of(simulation.header, simulation.entries, plan.holds)
    by_kind = {}
    for marker in markers:
        by_kind.setdefault(marker.kind, []).append(marker)
    assert [m.at for m in by_kind["t0"]] == [simulation.header.t0, facts["actual_t0"]]
    assert by_kind["hold"][0].at == facts["hold_start"] and facts["hold_reason"] in by_kind["hold"][0].label
    assert len(by_kind["hold"]) == facts["holds"] == len(by_kind["resume"])
    assert [m.at for m in by_kind["trigger"]] == [facts["fire_at"]]
    assert [m.at for m in by_kind["rollback"]] == [facts["rollback_at"]]
    assert [m.at for m in by_kind["handoff"]] == [facts["handoff_at"]]
    assert markers == sorted(markers, key=lambda m: m.at)


def test_next_and_previous_entry_and_marker(simulated):
    plan, simulation = simulated
    index = ReplayIndex(simulation.header, simulation.entries, planned_holds=plan.holds)
    first = simulation.entries[0].at
    assert index.next_entry(index.start) == first
    assert index.previous_entry(first) is None
    assert index.previous_entry(simulation.entries[1].at) == first if simulation.entries[1].at > first else True
    assert index.next_entry(index.end) is None
    marker = index.next_marker(simulation.header.t0)
    assert marker is not None and marker.at > simulation.header.t0
    assert index.previous_marker(marker.at).at < marker.at


def test_idle_stretches_are_capped_while_playing():
    entries = [make_entry(1, T0, "a", "note", "", {"text": "x"}),
               make_entry(2, T0 + timedelta(hours=2), "a", "note", "", {"text": "y"}),
               make_entry(3, T0 + timedelta(hours=2, seconds=30), "a", "note", "", {"text": "z"})]
    header = Header("l", "/p", "0", T0, T0, "a", "a")
    index = ReplayIndex(header, entries)
    # Two hours of nothing plays as 60 s: 30 s after the first entry, then the last 30 s before the next.
    assert index.advance(T0, 60, idle_cap=60) == T0 + timedelta(hours=2)
    assert index.advance(T0, 10, idle_cap=60) == T0 + timedelta(seconds=10)
    assert index.advance(T0, 40, idle_cap=60) == T0 + timedelta(hours=2, seconds=-20)
    # Short gaps play in full; without a cap, time is time; the end is the end.
    assert index.advance(T0 + timedelta(hours=2), 20, idle_cap=60) == T0 + timedelta(hours=2, seconds=20)
    assert index.advance(T0, 3600, idle_cap=None) == T0 + timedelta(hours=1)
    assert index.advance(T0, 10**6, idle_cap=60) == index.end
    assert index.idle_end(T0 + timedelta(minutes=5), 60) == T0 + timedelta(hours=2)
    assert index.idle_end(T0 + timedelta(hours=2), 60) is None


def test_probe_minutes_are_history_not_activity():
    entries = [make_entry(1, T0, "a", "note", "", {"text": "x"})] + [
        make_entry(n + 2, T0 + timedelta(minutes=n + 1), "a", "probe_minute", "api",
                   {"minute": "m", "count": 20, "errors": 0, "p50": 10.0, "p95": 20.0}) for n in range(90)]
    index = ReplayIndex(Header("l", "/p", "0", T0, T0, "a", "a"), entries)
    assert index.idle_end(T0 + timedelta(seconds=1), 120) == index.end
    state = index.state_at(index.end)
    assert len(state.probe_history["api"]) == 60  # bounded: the last hour of minutes


def test_parse_moment():
    assert parse_moment("T-1h30m", T0) == T0 - timedelta(minutes=90)
    assert parse_moment("T+0:30", T0) == T0 + timedelta(minutes=30)
    assert parse_moment("2026-11-22T18:30Z", T0) == T0 + timedelta(minutes=30)
    with pytest.raises(ValueError):
        parse_moment("soon", T0)


def test_stamps_round_trip_to_the_millisecond():
    moment = datetime(2026, 11, 22, 18, 0, 1, 123000, tzinfo=timezone.utc)
    assert moment_of(stamp(moment)) == moment


def test_a_count_entry_without_its_t_clock_never_reads_at_question_mark():
    """Scripts and older files write `resume` without `t_clock`: the activity line leaves the where out."""
    from launchpad.core.journal.activity import describe_entry
    from launchpad.core.journal.journal import make_entry
    from datetime import datetime, timezone

    at = datetime(2026, 11, 22, 17, 0, tzinfo=timezone.utc)
    bare = make_entry(1, at, "alice", "resume", "", {})
    stamped = make_entry(2, at, "alice", "resume", "", {"t_clock": "T-00:20:00", "of": "planned:poll"})
    held = make_entry(3, at, "alice", "hold", "", {"reason": "weather"})
    assert describe_entry(bare) == "resumed the count"
    assert describe_entry(stamped) == "resumed the count at T-00:20:00 (planned hold poll done)"
    assert describe_entry(held) == "held the count: weather"


def test_a_probe_minute_reads_as_words_never_as_its_kind():
    from datetime import datetime, timezone

    from launchpad.core.journal.activity import describe_entry, recent_activity
    from launchpad.core.journal.journal import make_entry

    at = datetime(2026, 11, 22, 17, 0, tzinfo=timezone.utc)
    minute = make_entry(1, at, "alice", "probe_minute", "api-health",
                        {"minute": "2026-11-22T16:59:00.000Z", "count": 6, "errors": 1, "p50": 40.0, "p95": 80.5})
    assert describe_entry(minute) == "probe api-health, minute from 2026-11-22T16:59:00.000Z: 6 checks, 1 failed, p95 80.5 ms"
    note = make_entry(2, at, "alice", "note", "", {"text": "hi"})
    assert recent_activity([note, minute, minute], 5) == [note]

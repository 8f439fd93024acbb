"""The count as a pure fold: holds freeze the T-clock and move every later event by exactly the time held;
planned holds begin and end by themselves; recycle goes back and re-opens; scrub starts a new attempt."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.control.count import PlannedHold, first_wall_at, fold_count, reopen_ids, start_count
from launchpad.core.journal.journal import Header, fold, make_entry
from launchpad.core.plan.plan import load_plan
from launchpad.core.plan.timeline import DUE, LATE, PENDING, timeline

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
START = T0 - timedelta(hours=2)  # the session was created at T-2h


def at(minutes_from_t0: float) -> datetime:
    return T0 + timedelta(minutes=minutes_from_t0)


def entry(seq: int, when: datetime, kind: str, payload=None, actor: str = "alice"):
    return make_entry(seq, when, actor, kind, "", payload)


def test_without_holds_the_t_clock_is_the_wall_clock_minus_t0():
    count = start_count(T0, START)
    assert count.t_clock(at(-90)) == -5400
    assert count.wall_time_of(0, at(-90)) == T0
    assert count.attempt == 1 and not count.is_holding(at(-90))


def test_a_hold_freezes_the_clock_and_moves_every_later_event_by_exactly_the_time_held():
    entries = [entry(1, at(-60), "hold", {"reason": "DB replication lag"}),
               entry(2, at(-60) + timedelta(minutes=7, seconds=30), "resume")]
    during = fold_count(T0, START, entries[:1])
    assert during.t_clock(at(-60)) == during.t_clock(at(-55)) == -3600  # frozen at T-1h
    assert during.current_hold(at(-55)).reason == "DB replication lag"
    count = fold_count(T0, START, entries)
    now = at(-50)
    assert count.t_clock(now) == -3600 + 2.5 * 60  # 2m30s counted since the resume
    assert count.wall_time_of(0, now) == T0 + timedelta(minutes=7, seconds=30)
    assert count.wall_time_of(3600, now) == T0 + timedelta(hours=1, minutes=7, seconds=30)
    assert count.held_seconds(now) == 450
    [hold] = count.all_holds(now)
    assert (hold.start, hold.end, hold.t_at, hold.actor) == (at(-60), at(-52.5), -3600, "alice")


def test_holds_shift_the_timeline_states_exactly():
    """An event at T-30m is late at wall T-30m without a hold, and exactly 10 minutes later with one."""
    class Event:
        id, at, duration = "go", -1800, 0

    held = fold_count(T0, START, [entry(1, at(-45), "hold", {"reason": "x"}),
                                   entry(2, at(-35), "resume")])
    marks: dict = {}
    just_before = held.t_clock(at(-20) - timedelta(seconds=1))
    just_after = held.t_clock(at(-20))
    assert timeline([Event], just_before, marks)[0].state == PENDING
    assert timeline([Event], just_after, marks)[0].state == DUE
    assert timeline([Event], held.t_clock(at(-15)), marks)[0].state == LATE  # after its 5-minute grace


def test_a_second_hold_while_holding_changes_nothing_and_a_resume_without_hold_is_ignored():
    entries = [entry(1, at(-60), "resume"), entry(2, at(-50), "hold", {"reason": "a"}),
               entry(3, at(-45), "hold", {"reason": "b"}), entry(4, at(-40), "resume")]
    count = fold_count(T0, START, entries)
    assert [hold.reason for hold in count.all_holds(at(-30))] == ["a"]
    assert count.t_clock(at(-30)) == -50 * 60 + 10 * 60


def test_a_planned_hold_begins_and_ends_by_itself():
    planned = PlannedHold("built-in", -900, 600, "Built-in hold")
    count = start_count(T0, START, [planned])
    assert count.t_clock(at(-16)) == -960
    assert count.t_clock(at(-10)) == -900 and count.current_hold(at(-10)).planned == "built-in"
    assert count.t_clock(at(-5)) == -900  # exactly at its end it still reads T-15m...
    assert count.t_clock(at(-4)) == -840  # ...and counts again after it
    assert count.wall_time_of(0, at(-60)) == T0 + timedelta(minutes=10)
    assert count.wall_time_of(0, at(-10)) == T0 + timedelta(minutes=10)
    assert count.held_seconds(at(0)) == 600


def test_a_planned_hold_with_an_exit_condition_waits_for_a_resume_naming_it():
    planned = PlannedHold("built-in", -900, 600, until=("Launch day", "Go-Live"))
    count = start_count(T0, START, [planned])
    assert count.t_clock(at(-1)) == -900  # ten minutes up, the section is not complete: still holding
    assert count.waiting_planned_hold(at(-1)) == planned
    assert count.waiting_planned_hold(at(-10)) is None  # its duration has not run out yet
    count = fold_count(T0, START, [entry(1, at(-2), "resume", {"of": "seq:9"})], [planned])
    assert count.t_clock(at(-1)) == -900  # a resume naming another hold does not end this one
    count = fold_count(T0, START, [entry(1, at(-2), "resume", {"of": "planned:built-in"})], [planned])
    assert count.t_clock(at(-1)) == -840


def test_a_person_holding_during_a_planned_hold_keeps_the_count_held():
    planned = PlannedHold("built-in", -900, 600)
    count = fold_count(T0, START, [entry(1, at(-10), "hold", {"reason": "No-Go from Backend"})], [planned])
    assert count.t_clock(at(+30)) == -900
    hold = count.current_hold(at(30))
    assert hold.planned == "" and "No-Go from Backend" in hold.reason


def test_recycle_goes_back_rearms_planned_holds_and_never_goes_forward():
    planned = PlannedHold("built-in", -900, 600)
    entries = [entry(1, at(-4), "recycle", {"to": "T-20m", "reason": "redo the poll"})]
    count = fold_count(T0, START, entries, [planned])
    assert count.t_clock(at(-4)) == -1200
    assert count.t_clock(at(0)) == -960
    assert count.t_clock(at(2)) == -900  # the planned hold comes round again
    assert count.recycles[0].from_t == -840 and count.recycles[0].to_t == -1200  # T-14m: the hold took 10m
    forward = fold_count(T0, START, [entry(1, at(-30), "recycle", {"to": "T-10m"})])
    assert forward.t_clock(at(-30)) == -1800 and not forward.recycles


def test_recycle_while_holding_stays_held_at_the_new_offset():
    entries = [entry(1, at(-10), "hold", {"reason": "x"}), entry(2, at(-8), "recycle", {"to": -1800}),
               entry(3, at(-5), "resume")]
    assert fold_count(T0, START, entries[:2]).t_clock(at(-6)) == -1800
    assert fold_count(T0, START, entries).t_clock(at(-4)) == -1740


def test_scrub_keeps_both_attempts_and_sets_a_new_t0():
    new_t0 = T0 + timedelta(days=1)
    entries = [entry(1, at(-20), "hold", {"reason": "weather"}),
               entry(2, at(-10), "scrub", {"reason": "weather", "t0": new_t0}, actor="bob")]
    count = fold_count(T0, START, entries, [PlannedHold("h", -900, 600)])
    assert count.attempt == 2 and count.t0 == new_t0
    first, second = count.attempts
    assert (first.number, first.reason, first.reached, first.ended) == (1, "weather", -1200, at(-10))
    assert (second.number, second.t0, second.actor) == (2, new_t0, "bob")
    assert count.t_clock(at(0)) == -86400
    assert not count.is_holding(at(0)) and count.all_holds(at(0))[0].end == at(-10)
    assert count.wall_time_of(0, at(0)) == new_t0 + timedelta(minutes=10)  # its planned hold is ahead again
    iso = fold_count(T0, START, [entry(1, at(-10), "scrub", {"reason": "x", "t0": "2026-11-23T18:00Z"})])
    assert iso.t0 == new_t0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["hold", "resume"]), st.integers(1, 600)), max_size=12),
       st.integers(0, 600))
def test_the_t_clock_is_wall_time_minus_t0_minus_time_held(steps, tail):
    """Whatever the holds and resumes, T = (now - T-0) - seconds held: the schedule moves by the time held."""
    now = START
    entries = []
    for seq, (kind, gap) in enumerate(steps, 1):
        now += timedelta(seconds=gap)
        entries.append(entry(seq, now, kind, {"reason": "r"}))
    now += timedelta(seconds=tail)
    count = fold_count(T0, START, entries)
    expected = (now - T0).total_seconds() - count.held_seconds(now)
    assert abs(count.t_clock(now) - expected) < 1e-6
    if not count.is_holding(now):
        assert count.wall_time_of(0, now) == now + timedelta(seconds=-count.t_clock(now))


# --------------------------------------------------------------------------- the inverse: T-offset -> wall


def test_the_wall_moment_of_a_t_offset_counts_plan_time_across_holds():
    entries = [entry(1, at(-60), "hold", {"reason": "lag"}), entry(2, at(-41), "resume")]
    start = start_count(T0, START)
    assert first_wall_at(start, entries, -90 * 60) == at(-90)  # before the hold: as the wall clock
    assert first_wall_at(start, entries, -3600) == at(-60)  # first shown when the hold began
    assert first_wall_at(start, entries, 30 * 60) == at(30 + 19)  # 19 minutes held
    assert first_wall_at(start, entries, -3 * 3600) == at(-180)  # before the session: no holds then
    held_for_good = entries[:1]
    assert first_wall_at(start, held_for_good, 0) is None


def test_the_wall_moment_of_a_t_offset_with_planned_holds_recycles_and_scrubs():
    planned = PlannedHold("built-in", -900, 600)
    start = start_count(T0, START, [planned])
    assert first_wall_at(start, [], -900) == at(-15)
    assert first_wall_at(start, [], 0) == at(10)
    recycled = [entry(1, at(-20), "recycle", {"to": -1800, "reason": "redeploy"})]
    assert first_wall_at(start, recycled, -1500) == at(-25)  # first shown before the recycle took it back
    assert first_wall_at(start, recycled, -600) == at(-20 + 20 + 10)  # 20 minutes again, then the planned hold
    scrubbed = [entry(1, at(-30), "scrub", {"reason": "weather", "t0": "2026-11-22T20:00Z"})]
    assert first_wall_at(start_count(T0, START), scrubbed, -20 * 60) == at(100)  # T-20m of the new T-0 (20:00)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["hold", "resume", "recycle"]), st.integers(1, 600), st.integers(60, 1200)),
                max_size=10),
       st.integers(0, 4000), st.booleans())
def test_first_wall_at_inverts_the_t_clock(steps, probe, with_planned):
    """For any moment w of a journal: the T-clock at first_wall_at(its reading) reads the same, and no earlier."""
    planned = [PlannedHold("p", -7000 + 1800, 300)] if with_planned else []
    now, entries = START, []
    for seq, (kind, gap, back) in enumerate(steps, 1):
        now += timedelta(seconds=gap)
        payload = {"reason": "r"}
        if kind == "recycle":
            payload["to"] = (fold_count(T0, START, entries, planned).t_clock(now)) - back
        entries.append(entry(seq, now, kind, payload))

    def t_at(moment):  # the clock as it read then: the journal up to that moment
        return fold_count(T0, START, [e for e in entries if e.at <= moment], planned).t_clock(moment)

    moment = START + timedelta(seconds=probe)
    reading = t_at(moment)
    found = first_wall_at(start_count(T0, START, planned), entries, reading)
    assert found is not None and found <= moment
    assert abs(t_at(found) - reading) < 1e-3
    if found > START:  # nothing earlier read the same: a sample of earlier moments, and the millisecond before
        span = found - START
        earlier = [START + span * k / 40 for k in range(40)] + [found - timedelta(milliseconds=1)]
        assert all(abs(t_at(w) - reading) >= 1e-3 for w in earlier)


# --------------------------------------------------------------------------- re-opening


def bundled_plan():
    plan, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems, problems
    return plan


def test_recycle_reopens_the_events_after_it_and_the_ticked_items_of_their_sections():
    plan = bundled_plan()
    frontend = [task.id for task in plan.tasks if task.section[-1] == "Frontend Deployment"]
    backend = [task.id for task in plan.tasks if task.section[-1] == "Backend Deployment"]
    events, items = reopen_ids(plan, -3600, checked=[frontend[0], backend[0]])
    assert events == ["deploy-frontend", "enable-traffic", "monitor-metrics", "status-report"]
    assert items == [frontend[0]]  # the backend (T-2h) is before the recycle point: it stays done
    events, items = reopen_ids(plan, None)
    assert len(events) == len(plan.events) and items == []


def test_the_journal_fold_reopens_what_a_recycle_entry_names():
    header = Header("launch", "/plan.toml", "", T0, START, "alice")
    entries = [
        make_entry(1, at(-70), "bob", "check", "a"),
        make_entry(2, at(-70), "bob", "check", "b"),
        make_entry(3, at(-65), "bob", "event", "deploy-frontend", {"state": "done"}),
        make_entry(4, at(-60), "alice", "recycle", "", {"to": "T-1h", "events": ["deploy-frontend"], "items": ["a"]}),
    ]
    state = fold(header, entries)
    assert state.event_state("deploy-frontend") == "pending" and state.events["deploy-frontend"].actor == "alice"
    assert not state.is_checked("a") and state.is_checked("b")
    assert state.checks["a"].note == "re-opened by recycle"
    assert state.ignored == 0 and len(state.control.count_entries) == 1


def test_the_t_clock_is_exact_whatever_millisecond_the_count_started_at():
    # Sessions are stamped to the millisecond; with float seconds added to that anchor the countdown read
    # -7152.000000000004 s (shown as T-01:59:13) for these start instants instead of -7152 (T-01:59:12).
    t0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
    for second, millisecond in ((0, 1), (0, 3), (0, 10), (7, 123), (56, 999)):
        started = datetime(2026, 11, 22, 6, 57, second, millisecond * 1000, tzinfo=timezone.utc)
        count = start_count(t0, started)
        assert count.t_clock(t0 - timedelta(seconds=7152)) == -7152.0
        assert count.t_clock(t0) == 0.0

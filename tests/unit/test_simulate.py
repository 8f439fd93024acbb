"""The synthetic launch: deterministic, realistic, readable by the store, shipped as the example session."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from launchpad.core.journal.journal import KNOWN_KINDS, fold
from launchpad.core.plan.plan import load_plan
from launchpad.core.probes.probe_history import MinuteFolder, fold_minute
from launchpad.core.journal.simulate import session_text, simulate
from launchpad.store.session_file import load_session

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "launch-day.session.toml"


@pytest.fixture(scope="module")
def plan():
    plan, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems
    return plan


def test_same_seed_same_bytes_other_seed_other_launch(plan):
    assert session_text(simulate(plan, seed=9)) == session_text(simulate(plan, seed=9))
    assert session_text(simulate(plan, seed=9)) != session_text(simulate(plan, seed=10))


def test_the_story(plan):
    simulation = simulate(plan, seed=5)
    entries, facts = simulation.entries, simulation.facts
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(a.at <= b.at for a, b in zip(entries, entries[1:]))
    actors = {e.actor for e in entries if e.kind == "check"}
    assert len(actors) >= 4
    state = fold(simulation.header, entries)
    assert state.lead == "Mo Reyes" and len(state.handoffs) == 1
    assert all(state.event_state(event.id) == "done" for event in plan.events)
    assert state.control.mode.mode == "count" and state.control.mode.changes == 2  # rollback, then back
    assert state.trigger_states[facts["trigger_target"]]["state"] == "resolved"
    assert state.probe_states[facts["degraded_probe"]]["state"] == "UP"
    firing = [e for e in entries if e.kind == "trigger" and e.payload["state"] == "firing"]
    assert len(firing) == 1 and firing[0].payload["value"] == facts["trigger_value"] > 3
    assert {e.kind for e in entries} <= set(KNOWN_KINDS) | {"hold", "resume", "poll", "vote", "mode", "ack"}
    assert len(state.probe_history[facts["degraded_probe"]]) == 60
    count = state.control.count(simulation.header.t0, simulation.header.created_at, plan.holds)
    assert count.t_clock(facts["actual_t0"]) == 0


def test_the_store_reads_it_back(plan, tmp_path):
    simulation = simulate(plan, seed=6, hours=6)
    path = tmp_path / "s.toml"
    path.write_text(session_text(simulation), encoding="utf-8")
    header, entries, report = load_session(path)
    assert report.clean and report.fast
    assert tuple(entries) == simulation.entries and header == simulation.header
    assert all(e.at <= simulation.header.created_at + timedelta(hours=6) for e in entries)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "launchpad", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "LAUNCHPAD_USER": "tester"})


def test_cli_simulate_relative_plan_report_and_status_at(tmp_path):
    for folder in ("timelines", "checklists"):
        (tmp_path / folder).mkdir()
        for source in (ROOT / folder).iterdir():
            (tmp_path / folder / source.name).write_bytes(source.read_bytes())
    result = run_cli("simulate", "timelines/launch-day.toml", "-o", "examples/x.session.toml", "--seed", "1",
                     "--relative-plan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    session = tmp_path / "examples" / "x.session.toml"
    assert 'plan = "../timelines/launch-day.toml"' in session.read_text(encoding="utf-8")
    again = run_cli("simulate", "timelines/launch-day.toml", "-o", "examples/x.session.toml", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    before = session.read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report = run_cli("report", str(session), "-o", "r.md", cwd=elsewhere)
    assert report.returncode == 0, report.stderr
    assert "# Post-launch report" in (elsewhere / "r.md").read_text(encoding="utf-8")
    status = run_cli("status", str(session), "--at", "T-2h", "--json", cwd=elsewhere)
    assert status.returncode == 0, status.stderr
    import json

    document = json.loads(status.stdout)
    assert document["at"] == "2026-11-22T16:00:00.000Z" and document["plan_found"]
    assert document["progress"]["done"] < 85
    later = json.loads(run_cli("status", str(session), "--at", "2026-11-22T23:00Z", "--json", cwd=elsewhere).stdout)
    assert later["progress"]["done"] > document["progress"]["done"] and later["lead"] == "Mo Reyes"
    assert run_cli("status", str(session), "--at", "whenever", cwd=elsewhere).returncode == 2  # an argument error, as argparse exits
    assert session.read_bytes() == before


def test_the_shipped_example_is_what_simulate_writes(plan):
    assert EXAMPLE.exists(), "regenerate: launchpad simulate timelines/launch-day.toml -o examples/launch-day.session.toml --seed 1 --relative-plan"
    header, entries, report = load_session(EXAMPLE)
    assert report.clean and header.plan == "../timelines/launch-day.toml"
    expected = simulate(plan, seed=1, plan_ref="../timelines/launch-day.toml")
    assert tuple(entries) == expected.entries


def test_minute_folds():
    from datetime import datetime, timezone

    start = datetime(2026, 11, 22, 17, 0, 3, tzinfo=timezone.utc)
    folder = MinuteFolder()
    closed = []
    for step in range(30):  # every 5 s for 2.5 minutes
        closed += folder.add("api", start + timedelta(seconds=5 * step), step % 7 != 0, 100.0 + step)
    closed += folder.flush()
    assert [m.minute for m in closed] == ["2026-11-22T17:00:00.000Z", "2026-11-22T17:01:00.000Z",
                                          "2026-11-22T17:02:00.000Z"]
    assert [m.count for m in closed] == [12, 12, 6]
    assert sum(m.errors for m in closed) == 5
    first = closed[0]
    assert first.p50 == 105.0 and first.p95 == 111.0
    assert fold_minute("api", start, [], []).p95 is None


def test_a_28_hour_20_probe_session_stays_under_20_mb():
    """Measured, not estimated: every minute of every probe journaled as the probing cockpit does."""
    from datetime import datetime, timezone

    from launchpad.core.journal.journal import entry_to_toml, make_entry
    from launchpad.core.probes.probe_history import KIND

    start = datetime(2026, 11, 21, 14, tzinfo=timezone.utc)
    folder = MinuteFolder()
    size = 0
    seq = 0
    for step in range(28 * 3600 // 5):
        at = start + timedelta(seconds=5 * step)
        for probe in range(20):
            for minute in folder.add(f"probe-{probe:02d}", at, step % 97 != 0, 123.4 + (step * 7 + probe) % 300):
                seq += 1
                size += len(entry_to_toml(make_entry(seq, at, "cockpit-lead", KIND, minute.probe, minute.payload())))
    assert seq == 28 * 60 * 20 - 20  # the last minute of each probe is still open (flushed at shutdown)
    assert size < 20_000_000

"""The post-launch report of a simulated launch states the right figures; GitHub draws exactly its checkboxes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from launchpad.core.journal.journal import make_entry
from launchpad.core.plan.plan import load_plan
from launchpad.core.journal.report import md, render_report
from launchpad.core.journal.simulate import simulate

from test_checklist_oracle import github_task_count  # tests/unit is on sys.path (rootdir-less test modules)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def launch():
    plan, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems
    simulation = simulate(plan, seed=4)
    return plan, simulation, render_report(simulation.header, simulation.entries, plan)


def row(report: str, name: str) -> str:
    found = re.search(rf"^\| \*\*{re.escape(name)}\*\* \| (.*) \|$", report, re.MULTILINE)
    assert found, name
    return found.group(1)


def test_summary_states_t0_planned_and_actual_holds_and_outcome(launch):
    plan, simulation, report = launch
    facts = simulation.facts
    assert row(report, "T-0 planned") == "2026-11-22 18:00:00 UTC"
    late = int((facts["actual_t0"] - simulation.header.t0).total_seconds() // 60)
    assert row(report, "T-0 actual") == f"{facts['actual_t0']:%Y-%m-%d %H:%M:%S} UTC ({late}m later than planned, after holds)"
    held = (facts["hold_seconds"] + sum(hold.duration for hold in plan.holds)) // 60
    assert row(report, "Holds") == f"{facts['holds']}, {held}m held in all"
    assert row(report, "Outcome").startswith("**Rolled back**: rollback declared at T+")
    assert row(report, "Checklist") == (f"{len(facts['checked'])} of {len(plan.tasks)} items done, "
                                        f"{len(plan.tasks) - len(facts['checked'])} left open")
    assert row(report, "Rollback triggers fired") == "1"
    assert row(report, "Lead") == "Rae Kim → Mo Reyes"


def test_holds_triggers_incidents_and_handoffs_carry_their_figures(launch):
    plan, simulation, report = launch
    facts = simulation.facts
    assert f"| {facts['hold_start']:%Y-%m-%d %H:%M:%S} UTC | {facts['hold_end']:%Y-%m-%d %H:%M:%S} UTC | " \
           f"{facts['hold_seconds'] // 60}m |" in report
    assert md(facts["hold_reason"]) in report
    trigger_row = next(line for line in report.splitlines() if line.startswith(f"| {md(facts['trigger'])} |"))
    assert f"| {facts['trigger_value']:.3g}s |" in trigger_row and "by Rae Kim" in trigger_row
    incident = next(line for line in report.splitlines() if line.startswith(f"| {facts['degraded_probe']} | T+"))
    worst = facts["worst_p95"]
    assert (f"{worst / 1000:.3g}s" if worst >= 1000 else f"{worst:.0f}ms") in incident
    assert f"| {facts['incident_errors']} of " in incident
    assert "| Rae Kim | Mo Reyes | Rae Kim | rollback done, post-mortem to schedule |" in report


def test_checklist_is_a_real_task_list(launch):
    plan, simulation, report = launch
    data = report.encode("utf-8")
    assert github_task_count(data) == len(plan.tasks)
    assert github_task_count(data, tables=True) == len(plan.tasks)
    left = [line for line in report.splitlines() if line.startswith("- [ ] ")]
    done = [line for line in report.splitlines() if line.startswith("- [x] ")]
    assert len(done) == len(simulation.facts["checked"]) and len(left) == len(plan.tasks) - len(done)
    for item in simulation.facts["left_open"]:
        assert any(f"`{item}`" in line for line in left)
    assert f"### Left open ({len(left)})" in report


def test_the_report_is_the_same_twice(launch):
    plan, simulation, report = launch
    assert render_report(simulation.header, simulation.entries, plan) == report


def test_outside_text_cannot_open_links_tags_cells_or_boxes(launch):
    plan, simulation, _ = launch
    nasty = "[ ] <script>x</script> | [link](http://127.0.0.1/) *bold* \x1b[31m\x07 `code`\n- [ ] sneaky"
    extra = make_entry(len(simulation.entries) + 1, simulation.entries[-1].at, "ev\x1bil", "note", "", {"text": nasty})
    report = render_report(simulation.header, list(simulation.entries) + [extra], plan)
    assert github_task_count(report.encode("utf-8"), tables=True) == len(plan.tasks)
    assert "\x1b" not in report and "\x07" not in report and "<script>" not in report
    assert "`[link](http://127.0.0.1/)`" in report  # a code span: GFM autolinks nothing inside one


def test_steps_are_reported_in_the_timelines_states_not_only_their_marks(launch):
    """A step nobody marked, whose time and grace have passed, reads LATE (as the cockpit's timeline says it);
    one started reads "in progress"; the summary and the outcome count them the same way."""
    from datetime import timedelta

    from launchpad.core.journal.journal import Header

    plan, simulation, _ = launch
    header = simulation.header
    t0 = header.t0
    started = make_entry(1, t0 - timedelta(hours=3), "alice", "event", "deploy-backend", {"state": "in_progress"})
    later = make_entry(2, t0 + timedelta(minutes=5) - timedelta(seconds=1), "alice", "note", "", {"text": "T-0 passed"})
    report = render_report(header, [started, later], plan)
    steps = report.split("## Timeline steps", 1)[1].split("## Checklist", 1)[0]
    assert re.search(r"^\| T-12h \| Database migration dry run \| backend \| \*\*LATE\*\* by \d", steps, re.MULTILINE)
    assert "| Deploy backend | devops | **LATE**" in steps  # started, but two hours past its end and grace
    assert "| Monitor metrics | all | pending |" in steps
    assert "LATE when the journal ends" in row(report, "Timeline steps")

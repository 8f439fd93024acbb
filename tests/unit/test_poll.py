"""The Go/No-Go poll (votes, launch commit criteria, verdict), the plan's [[hold]]/[poll] tables, and the
rollback steps of real checklists (seed 001's numbered tasks, seed 002's numbered plain steps)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from launchpad.core.journal.journal import Header, fold, make_entry
from launchpad.core.plan.plan import load_plan
from launchpad.core.control.poll import (AWAITING, GO, GO_FOR_LAUNCH, HOLD_PROPOSED, NO_GO, NOT_POLLING, PollState, criteria,
                                 normalise_vote, poll_spec, verdict)
from launchpad.core.plan.progress import checked_ids
from launchpad.core.control.rollback import rollback_steps

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
HEADER = Header("launch", "/plan.toml", "", T0, T0 - timedelta(hours=2), "alice")


@pytest.fixture(scope="module")
def plan():
    plan, problems = load_plan(ROOT / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems, problems
    return plan


def entry(seq, kind, target="", payload=None, actor="alice"):
    return make_entry(seq, T0 - timedelta(minutes=15) + timedelta(seconds=seq), actor, kind, target, payload)


def judge(plan, entries, probes_up=True, firing=False, complete=True):
    state = fold(HEADER, entries)
    sections = [task.id for task in plan.tasks if task.section[-1] in ("Backend Deployment", "Frontend Deployment")]
    marks = {**state.marks(), **({item: True for item in sections} if complete else {})}
    probe_states = {probe.name: {"state": "UP" if probes_up else "DOWN"} for probe in plan.probes}
    trigger_states = {"error-rate": {"trigger": "Error rate > 5%", "state": "firing"}} if firing else {}
    spec = poll_spec(plan)
    measured = criteria(spec, plan, checked_ids(plan.tasks, marks), probe_states, trigger_states)
    return verdict(spec, state.control.poll, measured)


def test_the_bundled_plan_polls_its_signoff_roles_at_t_minus_15m(plan):
    spec = poll_spec(plan)
    assert spec.at == -900
    assert [role.id for role in spec.roles] == ["devops", "backend", "frontend", "security"]
    assert [section[-1] for section in spec.sections] == ["Backend Deployment", "Frontend Deployment"]
    [hold] = plan.holds
    assert (hold.id, hold.at, hold.duration, hold.until[-1]) == ("built-in-hold", -900, 600, "Frontend Deployment")


def test_no_poll_open_and_no_votes_is_not_polling(plan):
    assert judge(plan, []).verdict == NOT_POLLING


def test_all_go_with_every_criterion_met_is_go_for_launch(plan):
    votes = [entry(1, "poll", payload={"action": "open"})] + [
        entry(n, "vote", role, {"vote": "go"}) for n, role in enumerate(["devops", "backend", "frontend", "security"], 2)]
    assert judge(plan, votes[:3]).verdict == AWAITING
    result = judge(plan, votes)
    assert result.verdict == GO_FOR_LAUNCH and result.go and not result.proposes_hold and result.answered == 4


def test_a_no_go_proposes_a_hold_with_its_reason(plan):
    votes = [entry(1, "poll", payload={"action": "open"}), entry(2, "vote", "devops", {"vote": "go"}),
             entry(3, "vote", "backend", {"vote": "no-go", "reason": "replication lag 40 s"}, actor="bo")]
    result = judge(plan, votes)
    assert result.verdict == HOLD_PROPOSED and result.proposes_hold
    assert result.hold_reasons == ("No-Go from Backend Lead: replication lag 40 s",)
    assert dict(fold(HEADER, votes).control.holders) == {}  # a vote answers for a role; it renames nobody


@pytest.mark.parametrize("unmet", ["probes", "trigger", "section"])
def test_an_unmet_criterion_proposes_a_hold_even_when_everyone_says_go(plan, unmet):
    votes = [entry(1, "poll", payload={"action": "open"})] + [
        entry(n, "vote", role, {"vote": "go"}) for n, role in enumerate(["devops", "backend", "frontend", "security"], 2)]
    result = judge(plan, votes, probes_up=unmet != "probes", firing=unmet == "trigger", complete=unmet != "section")
    assert result.verdict == HOLD_PROPOSED
    reason = {"probes": "probes up", "trigger": "no trigger firing: Error rate > 5%", "section": "Backend Deployment complete"}
    assert any(text.startswith(reason[unmet]) for text in result.hold_reasons), result.hold_reasons


def test_opening_a_poll_clears_the_last_answers_and_closing_keeps_its_result(plan):
    entries = [entry(1, "vote", "devops", {"vote": "no-go"}), entry(2, "poll", payload={"action": "open"})]
    state = fold(HEADER, entries).control.poll
    assert state.open and state.number == 1 and state.votes == {}
    entries.append(entry(3, "poll", payload={"action": "close", "result": "no-go"}))
    state = fold(HEADER, entries).control.poll
    assert not state.open and state.result == "no-go"
    bad = fold(HEADER, [entry(1, "vote", "devops", {"vote": "maybe"})]).control.poll
    assert bad.votes == {} or bad.votes is None


def test_votes_read_the_way_people_type_them():
    assert [normalise_vote(text) for text in ("go", "GO", "no-go", "NoGo", "no_go", "No Go", "maybe")] == [
        GO, GO, NO_GO, NO_GO, NO_GO, NO_GO, None]
    assert PollState().votes is None


# --------------------------------------------------------------------------- plan tables


def write_plan(tmp_path: Path, extra: str) -> Path:
    shutil.copytree(ROOT / "checklists", tmp_path / "checklists")
    (tmp_path / "timelines").mkdir()
    text = (ROOT / "timelines" / "launch-day.toml").read_text(encoding="utf-8")
    text = text[: text.index("# The built-in hold")] + extra
    path = tmp_path / "timelines" / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_hold_and_poll_values_are_problems_with_lines_and_hints(tmp_path):
    path = write_plan(tmp_path, '''
[[hold]]
at = "T-15"
duration = "10m"

[[hold]]
at = "T-5m"
duraton = "10m"

[[hold]]
at = "T-1m"
duration = "0s"
until_complete = "Nowhere"

[poll]
at = "T-15m"
roles = ["devops", "qa"]
[poll.criteria]
probes_up = "yes"
sections_complete = ["Go-Live", "Nowhere"]
''')
    plan, problems = load_plan(path, env={})
    text = path.read_text(encoding="utf-8").splitlines()
    found = {(problem.message, text[problem.line - 1].strip() if problem.line else None, problem.hint) for problem in problems}
    messages = [problem.message for problem in problems]
    assert any(m.startswith("bad T-offset `T-15`") for m in messages)
    assert ("unknown key `duraton` in [[hold]]", 'duraton = "10m"', "did you mean `duration`?") in found
    assert any(m == "a [[hold]] has no `duration`" for m in messages)
    assert any(m == "a hold's `duration` must be longer than 0" for m in messages)
    assert ("section `Nowhere` is in none of the plan's checklists", 'until_complete = "Nowhere"',
            'name a heading of an included checklist, e.g. "Deployment Steps/Go-Live"') in found
    assert any(m == "[poll] names `qa`, which is no defined role" for m in messages)
    assert ("`probes_up` must be true or false", 'probes_up = "yes"', "write probes_up = true") in found
    assert any(m == "section `Nowhere` is in none of the plan's checklists" and line.startswith("sections_complete")
               for m, line, _ in found)
    assert all(problem.line for problem in problems), problems
    assert plan.holds == () and [role.id for role in plan.poll.roles] == ["devops"]


# --------------------------------------------------------------------------- rollback steps


def seed_plan(seeds, tmp_path: Path, prefix: str):
    [seed] = [path for path in seeds if path.name.startswith(f"{prefix}_")]
    path = tmp_path / f"{prefix}.md"
    shutil.copy(seed, path)
    plan, _ = load_plan(path)
    return plan


def test_the_bundled_rollback_steps_are_the_numbered_tasks_with_their_commands(plan):
    steps = rollback_steps(plan)
    assert [step.number for step in steps] == [1, 2, 3, 4, 5, 6, 7]
    assert steps[0].text.startswith("Stop accepting new requests") and steps[0].command == "./scripts/maintenance.sh on"
    assert steps[0].task_id == steps[0].id and plan.task(steps[0].id) is not None
    assert steps[3].commands == ()


def test_seed_002_numbered_plain_steps_become_rollback_steps_with_their_shell_commands(seeds, tmp_path):
    steps = rollback_steps(seed_plan(seeds, tmp_path, "002"))
    assert [step.command for step in steps] == [
        "docker compose -f docker-compose.prod.yml down", "git checkout <previous-commit>",
        "docker compose -f docker-compose.prod.yml build", "docker compose -f docker-compose.prod.yml up -d",
        ".\\deploy-production.ps1 -Health"]
    assert all(step.task_id is None and step.id.startswith(f"rollback-{step.number}-") for step in steps)
    assert len({step.id for step in steps}) == 5


def test_seed_001_rollback_procedure_not_its_triggers_and_its_signoff_roles_for_the_poll(seeds, tmp_path):
    plan = seed_plan(seeds, tmp_path, "001")
    steps = rollback_steps(plan)
    assert [step.text for step in steps][:2] == ["Stop accepting new requests (maintenance mode)", "Backup current state"]
    assert len(steps) == 7 and all(step.task_id for step in steps)
    assert not any("vulnerability" in step.text for step in steps)  # the triggers are not steps
    roles = [role.title for role in poll_spec(plan).roles]
    assert roles[:4] == ["DevOps Engineer", "Backend Developer", "Security Engineer", "QA Engineer"]
    assert len(roles) == 10 and "CTO/Technical Director" in roles


def test_the_poll_spec_is_kept_for_the_plan_asked_about_and_made_again_for_another(plan, monkeypatch):
    import dataclasses

    import launchpad.core.control.poll as poll_module

    walks = []
    real = poll_module.signoff_roles
    monkeypatch.setattr(poll_module, "signoff_roles", lambda p: walks.append(p) or real(p))
    monkeypatch.setattr(poll_module, "_last_spec", (None, None))
    unpolled = dataclasses.replace(plan, poll=None)  # no [poll]: the sign-off roles are found by walking the tasks
    first = poll_spec(unpolled)
    assert [role.id for role in first.roles] == ["devops", "backend", "frontend", "security"]
    assert poll_spec(unpolled) is first and len(walks) == 1  # asked again: not walked again
    reloaded = dataclasses.replace(unpolled)  # a reloaded plan is another object: walked again
    assert poll_spec(reloaded) == first and len(walks) == 2
    assert poll_spec(plan) is plan.poll  # the plan's own [poll] as it is

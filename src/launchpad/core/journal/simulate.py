"""A deterministic, realistic synthetic launch: the journal a real launch day of a plan would leave.

Same plan + same seed = the same entries, byte for byte (no clock, no global random state), so tests and
benchmarks can rely on it and the shipped example session can be regenerated. The story, on the plan's
timeline: several people tick their sections while their steps run (T-24h .. T+4h), a hold before T-0 and
its resume (every later step moves with it), traffic enabled, a probe degrading after go-live until a
rollback trigger fires (probe and trigger entries with their figures), the lead acknowledging it and
declaring rollback, the rollback steps worked, the probe recovering, a handoff to the evening lead. Probes
report one folded `probe_minute` entry per probe per minute, as the probing cockpit does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from launchpad.core.journal.journal import Entry, Header, make_entry
from launchpad.core.plan.offsets import format_clock
from launchpad.core.probes.probe_history import fold_minute

DEFAULT_T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
LEAD = "Rae Kim"
EVENING_LEAD = "Mo Reyes"
PIPELINE = "deploy-pipeline"
FALLBACK_PEOPLE = ("Dana Ortiz", "Bo Lindqvist", "Femi Adeyemi", "Sasha Novak")
START_OFFSET = -24 * 3600 - 15 * 60  # the session is opened a quarter of an hour before the first step
DEFAULT_HOURS = 29.5  # T-24h15m .. T+5h15m: the whole launch-day plan (holds included), its report step too
BASE_LATENCY = (45.0, 180.0, 260.0, 120.0, 90.0)  # ms p50 per probe, cycled


@dataclass(frozen=True)
class Simulation:
    """The journal, and the facts the story was built from (what a correct report must state)."""

    header: Header
    entries: tuple[Entry, ...]
    facts: dict[str, Any] = field(default_factory=dict)


class _Journal:
    def __init__(self) -> None:
        self.items: list[tuple[datetime, int, str, str, str, dict | None]] = []

    def add(self, at: datetime, actor: str, kind: str, target: str = "", payload: dict | None = None) -> None:
        self.items.append((at, len(self.items), actor, kind, target, payload))


def _person(plan, role_id: str | None, lead: str, rng: random.Random) -> str:
    if role_id in (None, "", "lead", "all"):
        return lead
    role = plan.role(role_id)
    return role.person if role is not None and role.person else lead


def simulate(plan, *, seed: int = 1, hours: float = DEFAULT_HOURS, t0: datetime = DEFAULT_T0,
             plan_ref: str | None = None, probe_from: float | None = -3 * 3600) -> Simulation:
    """The synthetic session for `plan`. `hours`: how long the session runs from its start (T-24h15m); a longer
    run adds quiet probe minutes after the story. `probe_from`: the T-offset the probes start at (None: at
    the session's start). `plan_ref`: the plan path to write in the header (default: the plan's own path)."""
    rng = random.Random(seed)
    start = t0 + timedelta(seconds=START_OFFSET)
    end = start + timedelta(hours=hours)
    people = [role.person for role in plan.roles if role.person] or list(FALLBACK_PEOPLE)
    journal = _Journal()
    facts: dict[str, Any] = {"seed": seed, "lead": LEAD, "evening_lead": EVENING_LEAD}

    # The hold: called before T-0 on the orders API's latency, resumed minutes later; later steps move with it.
    hold_at = -20 * 60 + rng.randint(-120, 120)
    hold_length = rng.randint(8, 15) * 60
    hold_start = t0 + timedelta(seconds=hold_at)
    hold_end = hold_start + timedelta(seconds=hold_length)

    # Planned holds (`[[hold]]`) stop the count by themselves when it reaches them: the poll runs during them.
    planned = [hold for hold in getattr(plan, "holds", ()) if hold.at > hold_at]
    shifts = sorted([(hold_at, hold_length)] + [(hold.at, hold.duration) for hold in planned])

    def wall(offset: float) -> datetime:
        return t0 + timedelta(seconds=offset + sum(length for at, length in shifts if offset >= at))

    def begin_of(offset: float) -> datetime:
        return t0 + timedelta(seconds=offset + sum(length for at, length in shifts if offset > at))

    handoff_at = wall(2 * 3600 + rng.randint(0, 600))
    facts.update(hold_start=hold_start, hold_end=hold_end, hold_seconds=hold_length, actual_t0=wall(0),
                 held_before_t0=sum(length for at, length in shifts if at <= 0), holds=len(shifts),
                 hold_reason="orders-api p95 above 2 s after the frontend deploy: waiting for the cache to warm up")
    journal.add(start + timedelta(seconds=5), LEAD, "note", "", {"text": "War room open. Bridge: #launch-vor."})

    # --------------------------------------------------------------- timeline steps and their sections
    by_section: dict[tuple[str, ...], list] = {}
    for task in plan.tasks:
        by_section.setdefault(task.section, []).append(task)
    worked: set[str] = set()
    windows: dict[str, tuple[datetime, datetime]] = {}
    for event in plan.events:
        owner = _person(plan, event.owner, LEAD if event.at < 2 * 3600 else EVENING_LEAD, rng)
        begin = wall(event.at + rng.randint(0, 240))
        length = max(event.duration, 600) * rng.uniform(0.7, 1.05)
        finish = begin + timedelta(seconds=length)
        windows[event.id] = (begin, finish)
        journal.add(begin, owner, "event", event.id, {"state": "in_progress"})
        journal.add(finish, owner, "event", event.id, {"state": "done"})
        if event.section:
            for task in plan.tasks:
                if task.section[: len(event.section)] == event.section or \
                        task.section[1:][: len(event.section)] == event.section:
                    worked.add(task.id)
                    who = _person(plan, plan.owner_of(task), owner, rng)
                    if "Deployment Steps" in task.section and rng.random() < 0.5:
                        who = PIPELINE
                    journal.add(begin + timedelta(seconds=rng.uniform(0.05, 0.95) * length), who, "check", task.id)

    # --------------------------------------------------------------- the rest of the checklist
    rollback_section = tuple(plan.rollback_section or ())
    rollback_tasks = [t for t in plan.tasks if rollback_section and t.section[-len(rollback_section):] == rollback_section]
    after_rollback = [t for t in plan.tasks if t.section and t.section[0] == (rollback_section[:1] or ("",))[0]
                      and t not in rollback_tasks]
    remaining = [t for t in plan.tasks if t.id not in worked and t not in rollback_tasks and t not in after_rollback]
    left_open = sorted(rng.sample([t.id for t in remaining if "Sign-off" not in t.section], k=min(2, len(remaining))))
    for task in remaining:
        if task.id in left_open:
            continue
        if "Sign-off" in task.section:
            at = wall(3600 + rng.randint(0, 5400))
        elif "Environment Setup" in task.section:
            at = wall(-3 * 3600 + rng.randint(0, 3000))
        else:
            at = wall(rng.randint(-23 * 3600, -4 * 3600))
        journal.add(at, _person(plan, plan.owner_of(task), rng.choice(people), rng), "check", task.id)
    # A correction: one pre-launch item ticked by mistake, unticked, then done properly.
    corrected = next((t for t in remaining if t.id not in left_open and "Sign-off" not in t.section), None)
    if corrected is not None:
        first = wall(-22 * 3600)
        journal.add(first - timedelta(minutes=20), rng.choice(people), "check", corrected.id)
        journal.add(first - timedelta(minutes=15), LEAD, "uncheck", corrected.id,
                    {"note": "not verified yet: re-tick once the check has really run"})
        journal.add(first + timedelta(hours=1), rng.choice(people), "check", corrected.id)
        facts["corrected"] = corrected.id

    # --------------------------------------------------------------- the hold
    # Where the count stood, as a live cockpit writes it: before the first hold the T-clock is plan time.
    journal.add(hold_start, LEAD, "hold", "", {"reason": facts["hold_reason"], "t_clock": format_clock(hold_at)})
    journal.add(hold_start + timedelta(seconds=30), people[1 % len(people)], "note", "",
                {"text": "Warming the orders cache by hand; p95 falling."})
    journal.add(hold_end, LEAD, "resume", "", {"t_clock": format_clock(hold_at)})
    for hold in planned:  # the planned hold begins by itself; the poll runs in it; the cockpit resumes it
        begins = begin_of(hold.at)
        journal.add(begins + timedelta(seconds=30), LEAD, "poll", "", {"action": "open"})
        voters = [(task.owner, plan.owner_of(task)) for task in plan.tasks if task.owner and "Sign-off" in task.section]
        for number, (_, role_id) in enumerate(dict.fromkeys(voters)):
            if role_id:
                journal.add(begins + timedelta(seconds=60 + 25 * number), _person(plan, role_id, LEAD, rng), "vote",
                            role_id, {"vote": "go"})
        journal.add(begins + timedelta(seconds=240), LEAD, "poll", "", {"action": "close", "result": "go"})
        journal.add(begins + timedelta(seconds=hold.duration), LEAD, "resume", "",
                    {"of": f"planned:{hold.id}", "t_clock": format_clock(hold.at)})

    # --------------------------------------------------------------- probes, the degradation, the rollback
    probes = list(plan.probes)
    degraded = next((p.name for p in probes if "order" in p.name), probes[min(1, len(probes) - 1)].name if probes else "")
    trigger = next((t for t in plan.triggers if t.kind == "response_time"), None)
    degrade_start = wall(25 * 60 + rng.randint(0, 180))
    fire_at = degrade_start + timedelta(minutes=6)
    rollback_at = fire_at + timedelta(minutes=2)
    recover_at = rollback_at + timedelta(minutes=12 + rng.randint(0, 4))
    outage_p95 = round(3400 + rng.uniform(0, 900), 1)
    facts.update(degraded_probe=degraded, degrade_start=degrade_start, recover_at=recover_at,
                 rollback_at=rollback_at, fire_at=fire_at, outage_p95=outage_p95, left_open=left_open)
    probe_begin = start if probe_from is None else max(start, wall(probe_from))
    minute = probe_begin.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for spec in probes:
        journal.add(minute + timedelta(seconds=1), LEAD, "probe", spec.name, {"state": "UP", "status": 200,
                                                                            "latency_ms": BASE_LATENCY[0]})
    worst_p95 = 0.0
    errors_in_incident = 0
    while minute < end:
        closes = minute + timedelta(minutes=1)
        if closes > end:
            break
        for position, spec in enumerate(probes):
            per_minute = max(1, int(round(60 / spec.interval))) if spec.interval else 12
            base = BASE_LATENCY[position % len(BASE_LATENCY)]
            bad = spec.name == degraded and degrade_start <= minute < recover_at
            outcomes, latencies = [], []
            for _ in range(per_minute):
                if bad:
                    value = rng.uniform(0.75, 1.0) * outage_p95
                    ok = rng.random() > 0.15
                else:
                    value = base * rng.uniform(0.8, 1.6)
                    ok = rng.random() > 0.002
                outcomes.append(ok)
                latencies.append(value)
            folded = fold_minute(spec.name, minute, outcomes, latencies)
            if bad:
                worst_p95 = max(worst_p95, folded.p95 or 0.0)
                errors_in_incident += folded.errors
            journal.add(closes + timedelta(milliseconds=200 + position), LEAD if closes < handoff_at else EVENING_LEAD,
                        "probe_minute", spec.name, folded.payload())
        minute = closes
    facts.update(worst_p95=worst_p95, incident_errors=errors_in_incident)
    if degraded:
        down_at = degrade_start + timedelta(seconds=75)
        journal.add(down_at, LEAD, "probe", degraded, {
            "state": "DOWN", "status": 200, "latency_ms": outage_p95,
            "error_kind": "condition", "error": f"condition [RESPONSE_TIME] < 3000 failed: {outage_p95:.0f}"})
        journal.add(recover_at, LEAD, "probe", degraded, {"state": "UP", "status": 200, "latency_ms": 190.0})
        facts.update(down_at=down_at)
    if trigger is not None and degraded:
        target = f"{trigger.name} \u00b7 {degraded}"
        seconds = round(outage_p95 / 1000, 3)
        base_payload = {"trigger": trigger.name, "probe": degraded}
        journal.add(degrade_start + timedelta(seconds=60), LEAD, "trigger", target, {
            **base_payload, "state": "pending", "value": seconds,
            "message": f"{degraded}: response time {seconds:.3g}s > 3s (for 5m), pending 0s of 5m"})
        journal.add(fire_at, LEAD, "trigger", target, {
            **base_payload, "state": "firing", "value": seconds,
            "message": f"{degraded}: response time {seconds:.3g}s > 3s (for 5m)"})
        journal.add(fire_at + timedelta(seconds=40), LEAD, "ack", target, dict(base_payload))
        journal.add(recover_at + timedelta(seconds=30), LEAD, "trigger", target, {
            **base_payload, "state": "resolved", "value": 0.19,
            "message": f"{degraded}: response time 190ms <= 3s (for 5m)"})
        facts.update(trigger=trigger.name, trigger_target=target, trigger_value=seconds)
    journal.add(rollback_at, LEAD, "mode", "", {"mode": "rollback", "trigger": facts.get("trigger_target", ""),
                                                "reason": f"{trigger.name if trigger else 'trigger'} on {degraded}"})
    devops = _person(plan, "devops", LEAD, rng)
    step_at = rollback_at
    for task in rollback_tasks:
        step_at += timedelta(seconds=rng.randint(60, 150))
        journal.add(step_at, devops, "check", task.id)
    for task in after_rollback[:2]:
        step_at += timedelta(seconds=rng.randint(60, 180))
        journal.add(step_at, LEAD, "check", task.id)
    facts["left_open"] = sorted(left_open + [task.id for task in after_rollback[2:]])
    back = max(step_at, recover_at) + timedelta(minutes=2)
    journal.add(back, LEAD, "mode", "", {"mode": "count", "reason": "previous release serving, probes green"})
    journal.add(back + timedelta(seconds=20), LEAD, "note", "",
                {"text": f"Rolled back; {degraded} healthy again on the previous release."})
    facts["rollback_done"] = back

    # --------------------------------------------------------------- the handoff
    journal.add(handoff_at, LEAD, "handoff", "lead", {"from": LEAD, "to": EVENING_LEAD,
                                                      "note": "rollback done, post-mortem to schedule"})
    facts["handoff_at"] = handoff_at

    # --------------------------------------------------------------- in time order, numbered
    ordered = sorted((item for item in journal.items if start <= item[0] <= end), key=lambda item: (item[0], item[1]))
    entries = tuple(make_entry(seq, at, actor, kind, target, payload)
                    for seq, (at, _, actor, kind, target, payload) in enumerate(ordered, start=1))
    header = Header(launch=plan.name, plan=plan_ref or plan.path, plan_sha256=plan.sha256, t0=t0,
                    created_at=start, lead=EVENING_LEAD if any(e.kind == "handoff" for e in entries) else LEAD,
                    started_by=LEAD)
    facts["checked"] = sorted(_final_checked(plan, entries))
    facts["entry_count"] = len(entries)
    facts["end"] = end
    return Simulation(header, entries, facts)


def _final_checked(plan, entries) -> set[str]:
    marks = {task.id: task.checked for task in plan.tasks}
    for entry in entries:
        if entry.kind in ("check", "uncheck") and entry.target in marks:
            marks[entry.target] = entry.kind == "check"
    return {item for item, ticked in marks.items() if ticked}


def session_text(simulation: Simulation) -> str:
    """The session file's text, exactly as the store writes it."""
    from launchpad.core.journal.journal import entry_to_toml, header_to_toml

    return header_to_toml(simulation.header) + "".join(map(entry_to_toml, simulation.entries))


__all__ = ["Simulation", "simulate", "session_text", "DEFAULT_T0"]

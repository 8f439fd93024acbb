"""The Go/No-Go poll: who is polled, how they answered, the launch commit criteria, and the verdict.

Journal entries: `poll` (payload `action` = "open" | "close", a close also carries the `result`) and `vote`
(target = the role, payload `vote` = "go" | "no-go", optional `reason`). Opening a poll clears the answers
of the last one; a vote that arrives with no poll open still counts towards the next verdict.

The verdict is pure: a No-Go or an unmet criterion proposes a hold; every role Go with every criterion met
is GO FOR LAUNCH; anything else waits for answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

GO = "go"
NO_GO = "no-go"
VOTES = (GO, NO_GO)
GO_FOR_LAUNCH = "GO FOR LAUNCH"
HOLD_PROPOSED = "HOLD PROPOSED"
AWAITING = "AWAITING VOTES"
NOT_POLLING = "NO POLL"
_SIGNOFF = re.compile(r"sign[\s-]?off", re.IGNORECASE)


@dataclass(frozen=True)
class PollRole:
    id: str
    title: str


@dataclass(frozen=True)
class PollSpec:
    """`[poll]` of a plan: when to poll, whom, and the launch commit criteria."""

    at: int | None = None  # the T-offset of the planned poll; None polls on demand only
    roles: tuple[PollRole, ...] = ()
    probes_up: bool = True
    no_trigger_firing: bool = True
    sections: tuple[tuple[str, ...], ...] = ()  # checklist sections that must be complete
    line: int | None = None


@dataclass(frozen=True)
class Vote:
    role: str
    value: str  # GO or NO_GO
    reason: str
    actor: str
    at: datetime
    seq: int = 0


@dataclass(frozen=True)
class PollState:
    number: int = 0  # polls opened so far
    open: bool = False
    opened_at: datetime | None = None
    opened_by: str = ""
    closed_at: datetime | None = None
    result: str = ""  # what the last closed poll decided
    votes: Mapping[str, Vote] | None = None  # role -> latest vote since the poll opened


@dataclass(frozen=True)
class Criterion:
    name: str
    met: bool
    detail: str = ""


@dataclass(frozen=True)
class Verdict:
    verdict: str  # GO_FOR_LAUNCH, HOLD_PROPOSED, AWAITING or NOT_POLLING
    roles: tuple[tuple[PollRole, Vote | None], ...]
    criteria: tuple[Criterion, ...]
    hold_reasons: tuple[str, ...]  # why a hold is proposed (No-Go votes, unmet criteria)

    @property
    def proposes_hold(self) -> bool:
        return self.verdict == HOLD_PROPOSED

    @property
    def go(self) -> bool:
        return self.verdict == GO_FOR_LAUNCH

    @property
    def answered(self) -> int:
        return sum(1 for _, vote in self.roles if vote is not None)


# --------------------------------------------------------------------------- the fold


def normalise_vote(text: str) -> str | None:
    """`go`, `GO`, `no-go`, `nogo`, `no_go`, `No Go` -> GO / NO_GO; anything else None."""
    word = re.sub(r"[\s_]+", "-", str(text).strip().lower())
    if word in ("go", "yes", "y"):
        return GO
    if word in ("no-go", "nogo", "no", "n"):
        return NO_GO
    return None


def apply_poll(state: PollState, entry) -> PollState:
    payload = entry.payload or {}
    votes = dict(state.votes or {})
    if entry.kind == "poll":
        action = payload.get("action", "open")
        if action == "open":
            return PollState(state.number + 1, True, entry.at, entry.actor, None, "", {})
        if action == "close":
            result = payload.get("result", "")
            return PollState(state.number, False, state.opened_at, state.opened_by, entry.at,
                             result if isinstance(result, str) else "", votes)
        return state
    if entry.kind == "vote":
        value = normalise_vote(payload.get("vote", ""))
        if value is None or not entry.target:
            return state
        reason = payload.get("reason", "")
        votes[entry.target] = Vote(entry.target, value, reason if isinstance(reason, str) else str(reason),
                                   entry.actor, entry.at, entry.seq)
        return PollState(state.number, state.open, state.opened_at, state.opened_by, state.closed_at,
                         state.result, votes)
    return state


# --------------------------------------------------------------------------- the plan's poll


def signoff_roles(plan) -> tuple[PollRole, ...]:
    """The `**Role**:` owners of items in a Sign-off section, as poll roles (seed 001's sign-off lists)."""
    from launchpad.core.plan.owners import match_role, slugify

    found: list[PollRole] = []
    for task in plan.tasks:
        if not task.owner or not any(_SIGNOFF.search(title) for title in task.section):
            continue
        role = match_role(task.owner, plan.roles)
        entry = PollRole(role.id, role.title) if role else PollRole(slugify(task.owner), task.owner)
        if all(existing.id != entry.id for existing in found):
            found.append(entry)
    return tuple(found)


_last_spec: tuple = (None, None)  # (plan, its poll spec): plans are immutable


def poll_spec(plan) -> PollSpec:
    """The plan's `[poll]`, else a poll of the sign-off roles (or every role) with the default criteria.

    Kept for the last plan asked about: a cockpit asks several times a second, and finding the sign-off roles
    walks every task (10 ms a call at 100,000 items)."""
    global _last_spec
    last_plan, last = _last_spec
    if last_plan is plan:
        return last
    spec = getattr(plan, "poll", None)
    if spec is None or not spec.roles:
        roles = signoff_roles(plan) or tuple(PollRole(role.id, role.title) for role in plan.roles)
        spec = PollSpec(None, roles) if spec is None else PollSpec(spec.at, roles, spec.probes_up,
                                                                   spec.no_trigger_firing, spec.sections, spec.line)
    _last_spec = (plan, spec)
    return spec


# --------------------------------------------------------------------------- criteria and verdict


def criteria(spec: PollSpec, plan, checked: Iterable[str], probe_states: Mapping[str, Mapping[str, Any]],
             trigger_states: Mapping[str, Mapping[str, Any]]) -> tuple[Criterion, ...]:
    out: list[Criterion] = []
    if spec.probes_up:
        names = [probe.name for probe in getattr(plan, "probes", ())]
        if not names:
            out.append(Criterion("probes up", True, "the plan has no probes"))
        else:
            down = [name for name in names if str((probe_states.get(name) or {}).get("state", "")).upper() != "UP"]
            detail = "all up" if not down else ", ".join(
                f"{name} {str((probe_states.get(name) or {}).get('state', 'not measured')).lower()}" for name in down)
            out.append(Criterion("probes up", not down, detail))
    if spec.no_trigger_firing:
        firing = sorted({str(payload.get("trigger") or name) for name, payload in trigger_states.items()
                         if (payload or {}).get("state") == "firing"})
        out.append(Criterion("no trigger firing", not firing, ", ".join(firing) if firing else "none firing"))
    ticked = set(checked)
    for section in spec.sections:
        tasks = [task for task in plan.tasks if task.section[: len(section)] == section]
        done = sum(1 for task in tasks if task.id in ticked)
        out.append(Criterion(f"{section[-1]} complete", done == len(tasks), f"{done}/{len(tasks)}"))
    return tuple(out)


def verdict(spec: PollSpec, poll: PollState, measured: tuple[Criterion, ...]) -> Verdict:
    votes = poll.votes or {}
    rows = tuple((role, votes.get(role.id)) for role in spec.roles)
    reasons: list[str] = []
    for role, vote in rows:
        if vote is not None and vote.value == NO_GO:
            reasons.append(f"No-Go from {role.title}" + (f": {vote.reason}" if vote.reason else ""))
    for criterion in measured:
        if not criterion.met:
            reasons.append(f"{criterion.name}: {criterion.detail}" if criterion.detail else criterion.name)
    if not poll.open and not votes:
        return Verdict(NOT_POLLING, rows, measured, tuple(reasons))
    if reasons:
        return Verdict(HOLD_PROPOSED, rows, measured, tuple(reasons))
    if all(vote is not None and vote.value == GO for _, vote in rows):  # no roles: the criteria decide
        return Verdict(GO_FOR_LAUNCH, rows, measured, ())
    return Verdict(AWAITING, rows, measured, ())


def poll_summary(spec: PollSpec, poll: PollState, result: Verdict) -> dict[str, Any]:
    from launchpad.core.plan.offsets import format_offset

    def iso(moment):
        if moment is None:
            return None
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    return {
        "open": poll.open,
        "number": poll.number,
        "at": None if spec.at is None else format_offset(spec.at),
        "opened_at": iso(poll.opened_at),
        "opened_by": poll.opened_by or None,
        "closed_at": iso(poll.closed_at),
        "result": poll.result or None,
        "verdict": result.verdict,
        "proposes_hold": result.proposes_hold,
        "hold_reasons": list(result.hold_reasons),
        "roles": [{"role": role.id, "title": role.title,
                   "vote": vote.value if vote else None, "reason": vote.reason if vote else None,
                   "actor": vote.actor if vote else None, "at": iso(vote.at) if vote else None}
                  for role, vote in result.roles],
        "criteria": [{"name": c.name, "met": c.met, "detail": c.detail} for c in result.criteria],
    }

"""Launch control of a live session: hold, resume, recycle, scrub, poll, vote, rollback mode.

`LaunchControl` is a service the session owns (`session.control`); the cockpit, the CLI and scripts call the
same methods. Each action checks what it can first (ValueError with a message a person can act on, nothing
written), then writes ONE journal entry through the session; the state follows from the entry read back,
like every other action. The count itself (`session.count()`) stays with the session: its plan time is what
every pane and notification reads.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from launchpad.core.control.count import CountState, fold_count, reopen_ids
from launchpad.core.control.checks import check_recycle_target, check_scrub_t0
from launchpad.core.plan.offsets import format_clock, format_offset
from launchpad.core.control.poll import GO, NO_GO, Verdict, criteria, normalise_vote, poll_spec, verdict
from launchpad.core.control.rollback import COUNT_MODE, MODES, ROLLBACK_MODE, RollbackStep, rollback_steps, step_done


def fold_session_count(session) -> CountState:
    """The count folded from the session journal's count entries (refolded only when one arrives)."""
    entries = session.state.control.count_entries
    key = (len(entries), entries[-1].seq if entries else 0, id(session.plan))
    cached = getattr(session, "_count_cached", None)
    if cached is None or cached[0] != key:
        header = session.file.header
        cached = (key, fold_count(header.t0, header.created_at, entries, session.plan.holds, header.first_lead))
        session._count_cached = cached
    return cached[1]


class LaunchControl:
    """The launch-control actions of one session (which it reads through and appends to)."""

    def __init__(self, session) -> None:
        self.session = session

    # ------------------------------------------------------------------ what it reads through the session

    @property
    def plan(self):
        return self.session.plan

    @property
    def state(self):
        return self.session.state

    def append(self, kind: str, target: str = "", payload=None) -> list:
        return self.session.append(kind, target, payload)

    def checked(self) -> set[str]:
        return self.session.checked()

    def now(self) -> datetime:
        return self.session.clock()

    def count(self) -> CountState:
        return self.session.count()

    # ------------------------------------------------------------------ reading

    def poll_verdict(self) -> Verdict:
        spec = poll_spec(self.plan)
        measured = criteria(spec, self.plan, self.checked(), self.state.probe_states, self.state.trigger_states)
        return verdict(spec, self.state.control.poll, measured)

    def rollback_steps(self) -> tuple[RollbackStep, ...]:
        if getattr(self, "_rollback_plan", None) is not self.plan:
            self._rollback_steps = rollback_steps(self.plan)
            self._rollback_plan = self.plan
        return self._rollback_steps

    def step_is_done(self, step: RollbackStep) -> bool:
        return step_done(step, self.checked(), self.state.control.step_marks)

    # ------------------------------------------------------------------ the count

    def hold(self, reason: str) -> list:
        reason = reason.strip()
        if not reason:
            raise ValueError("a hold needs a reason")
        now = self.now()
        held = self.count().current_hold(now)
        if held is not None and not held.planned:
            raise ValueError(f"the count is already holding ({held.reason})")
        return self.append("hold", "", {"reason": reason, "t_clock": format_clock(self.count().t_clock(now))})

    def resume_count(self, of: str = "") -> list:
        held = self.count().current_hold(self.now())
        if held is None:
            raise ValueError("the count is not holding")
        payload: dict[str, Any] = {"t_clock": format_clock(held.t_at)}
        if of:
            payload["of"] = of
        return self.append("resume", "", payload)

    def resume_planned_if_ready(self) -> list:
        """A planned hold with an exit condition resumes once its time is up and its section is complete.
        The cockpit calls this every tick; the entry names the hold, so two cockpits cannot resume twice."""
        now = self.now()
        planned = self.count().waiting_planned_hold(now)
        if planned is None or planned.until is None:
            return []
        tasks = [task for task in self.plan.tasks if task.section[: len(planned.until)] == planned.until]
        if any(task.id not in self.checked() for task in tasks):
            return []
        return self.resume_count(of=f"planned:{planned.id}")

    def recycle(self, to: float, reason: str = "") -> list:
        now = self.now()
        current = self.count().t_clock(now)
        check_recycle_target(to, current)  # the last door for every caller (CLI, cockpit, scripts)
        events, items = reopen_ids(self.plan, to, self.checked())
        return self.append("recycle", "", {"to": format_offset(to), "from": format_clock(current),
                                           "reason": reason.strip(), "events": events, "items": items})

    def scrub(self, reason: str, t0: datetime) -> list:
        reason = reason.strip()
        if not reason:
            raise ValueError("a scrub needs a reason")
        check_scrub_t0(t0, self.now(), self.count().t0)
        events, _ = reopen_ids(self.plan, None)
        return self.append("scrub", "", {"reason": reason, "t0": t0.astimezone(timezone.utc), "events": events,
                                         "attempt": self.count().attempt})

    # ------------------------------------------------------------------ the poll

    def open_poll(self) -> list:
        return self.append("poll", "", {"action": "open"})

    def close_poll(self) -> list:
        if not self.state.control.poll.open:
            raise ValueError("no poll is open")
        result = self.poll_verdict()
        return self.append("poll", "", {"action": "close", "result": GO if result.go else NO_GO,
                                        "verdict": result.verdict})

    def vote(self, role: str, value: str, reason: str = "") -> list:
        vote = normalise_vote(value)
        if vote is None:
            raise ValueError(f"a vote is go or no-go, not {value!r}")
        payload: dict[str, Any] = {"vote": vote}
        if reason.strip():
            payload["reason"] = reason.strip()
        return self.append("vote", role, payload)

    def take_role(self, role: str, person: str) -> list:
        """`person` holds `role` from now on (the Owners pane shows them, with the time), until the next take."""
        person = " ".join(person.split())
        if not person:
            raise ValueError("taking a role needs the name of who takes it")
        if role not in {r.id for r in self.plan.roles}:
            raise KeyError(f"no role {role!r} in this plan")
        return self.append("take", role, {"person": person})

    # ------------------------------------------------------------------ rollback

    def set_mode(self, mode: str, reason: str = "", trigger: str = "") -> list:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if self.state.control.mode.mode == mode:
            raise ValueError(f"already in {mode} mode")
        payload: dict[str, Any] = {"mode": mode}
        if reason.strip():
            payload["reason"] = reason.strip()
        if trigger:
            payload["trigger"] = trigger
        return self.append("mode", "", payload)

    def declare_rollback(self, reason: str, trigger: str = "") -> list:
        return self.set_mode(ROLLBACK_MODE, reason, trigger)

    def end_rollback(self, reason: str = "") -> list:
        return self.set_mode(COUNT_MODE, reason)

    def toggle_rollback_step(self, step: RollbackStep) -> list:
        if step.task_id is not None:
            return self.session.toggle(step.task_id)
        return self.append("step", step.id, {"done": not self.step_is_done(step)})


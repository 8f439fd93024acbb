"""Launch control in the cockpit: keys, palette commands, prompts and the panes of issue 6.

A mixin of LaunchpadApp, so app.py only hooks it in: `control_tick` once a second, `control_commands` in
the command palette, CONTROL_BINDINGS in its BINDINGS. Every action goes through the session (shell/control.py),
which journals it; the screen follows from the entry read back, like everything else in the cockpit.

Keys: H hold (asks the reason), C continue the count, R recycle, S scrub, p poll every role (again: close
the poll), v vote, X declare a rollback (confirm with the reason; a firing trigger is offered as the reason),
y copy the highlighted rollback step's shell command.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from textual.app import SystemCommand
from textual.binding import Binding

from launchpad.core.literal import printable
from launchpad.core.plan.offsets import OffsetError, format_clock, format_offset, parse_offset, parse_t0
from launchpad.core.control.poll import GO, NO_GO, poll_spec
from launchpad.core.control.rollback import ROLLBACK_MODE
from launchpad.tui.prompt import TextPrompt

ROLLBACK_TOAST = "ROLLBACK declared"  # its title: the toast is taken down when the rollback ends

CONTROL_BINDINGS = [
    Binding("H", "hold", "Hold"),
    Binding("C", "resume_count", "Resume count", show=False),
    Binding("R", "recycle", "Recycle", show=False),
    Binding("S", "scrub", "Scrub", show=False),
    Binding("p", "poll", "Poll"),
    Binding("v", "vote", "Vote", show=False),
    Binding("X", "declare_rollback", "Rollback", show=False),
    Binding("y", "copy_command", "Copy command", show=False),
]


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


class ControlCockpit:
    """Mixed into LaunchpadApp (uses its session, plan, clock, cockpit, colors, _write, notify, push_screen)."""

    _poll_point_passed: bool | None = None
    _hold_reasons_seen: tuple = ()

    # ------------------------------------------------------------------ what the session offers

    @property
    def controllable(self) -> bool:
        """A read-only session (replay) has no count actions: the cockpit then only shows."""
        return hasattr(self.session, "hold")

    def control_count(self):
        count = getattr(self.session, "count", None)
        return count() if callable(count) else None

    def _control_state(self):
        return getattr(self.session.state, "control", None)

    # ------------------------------------------------------------------ once a second

    def control_tick(self, now: datetime, t_clock: float) -> None:
        from launchpad.tui.widgets.count_clock import CountClock
        from launchpad.tui.widgets.poll_pane import PollPane
        from launchpad.tui.widgets.rollback_pane import RollbackPane, format_elapsed

        control = self._control_state()
        count = self.control_count()
        if control is None or count is None:
            return
        cockpit = self.cockpit
        current = count.at(now)
        hold = current.holding
        rollback = control.mode if control.mode.rollback else None
        if cockpit.has_class("-rollback") != (rollback is not None):
            cockpit.set_class(rollback is not None, "-rollback")
            if rollback is None:  # ended (here, in another cockpit, or a replay went back): its toast goes too
                self.dismiss_toasts(ROLLBACK_TOAST)
            if self.active_pane == "checklist":  # tab 2 is the rollback checklist now, or the checklist again
                self.action_show_pane("checklist")
        cockpit.set_class(control.poll.open, "-polling")  # the journal's poll, in every cockpit alike
        next_hold = next((p for p in current.planned if p.id not in current.consumed and p.at >= t_clock
                          and (hold is None or p.id != hold.planned)), None)
        cockpit.query_one(CountClock).show(
            t_clock=t_clock, wall=now.strftime("%H:%M:%S UTC"), hold=hold,
            hold_seconds=hold.seconds(now) if hold else 0.0, attempt=current.attempt,
            expected_t0=current.wall_time_of(0, now).strftime("%H:%M UTC %d %b"), next_hold=next_hold,
            rollback=format_elapsed((now - rollback.since).total_seconds()) if rollback and rollback.since else None,
            colors=self.colors)
        steps = self.session.rollback_steps() if hasattr(self.session, "rollback_steps") else ()
        done = {step.id for step in steps if self.session.step_is_done(step)} if steps else set()
        cockpit.query_one(RollbackPane).show(steps, done, control.mode, now, self.colors)
        result = self.session.poll_verdict() if hasattr(self.session, "poll_verdict") else None
        if result is not None:
            cockpit.query_one(PollPane).show(result, control.poll, poll_spec(self.plan), dict(control.holders), self.colors)
        if not self.controllable:
            return
        self._poll_point(t_clock)
        if result is not None:
            self._propose_hold(result, control.poll.open)
        if getattr(self, "read_only", False):  # a watching cockpit leaves the planned resume to those who write
            return
        # Another cockpit may resume it first: the entry read back says so, so a refusal is quiet.
        self._write(self.session.resume_planned_if_ready, quiet=True)

    def _poll_point(self, t_clock: float) -> None:
        """The count reaching the plan's poll point rings once and says so."""
        spec = poll_spec(self.plan)
        if spec.at is None:
            return
        passed = t_clock >= spec.at
        if self._poll_point_passed is False and passed:
            self.bell()
            self.notify(f"Poll point {format_offset(spec.at)}: press p to poll every role for Go/No-Go",
                        title="Go/No-Go poll", severity="warning", timeout=15)
        self._poll_point_passed = passed

    def _propose_hold(self, result, polling: bool) -> None:
        reasons = tuple(result.hold_reasons) if result.proposes_hold and polling else ()
        fresh = [reason for reason in reasons if reason not in self._hold_reasons_seen]
        self._hold_reasons_seen = reasons
        if fresh:
            self.notify(printable("; ".join(fresh)) + " — press H to hold the count", title="Hold proposed",
                        severity="warning", timeout=10)

    def count_marker(self, now: datetime) -> str:
        """HOLD / ROLLBACK beside the T-clock of the one-line header (narrow screens have no big clock)."""
        control = self._control_state()
        count = self.control_count()
        parts = []
        if count is not None and count.is_holding(now):
            parts.append("HOLD")
        if control is not None and control.mode.rollback:
            parts.append("ROLLBACK")
        return " · ".join(parts)

    def owner_control(self, role_id: str, person: str) -> dict:
        """Who holds a role now (whoever took it, with the time, else the plan's person), and its vote.
        A vote answers for the role; it never renames who holds it."""
        control = self._control_state()
        if control is None:
            return {"holder": person, "vote": None}
        vote = (control.poll.votes or {}).get(role_id)
        holder = control.holders.get(role_id)
        since = control.holder_since.get(role_id)
        if holder and since is not None:
            holder = f"{holder} (since {since.astimezone(timezone.utc):%H:%M})"
        return {"holder": holder or person, "vote": vote.value if vote else None}

    # ------------------------------------------------------------------ the count

    def _ask(self, title: str, placeholder: str, done, value: str = "") -> None:
        self.push_screen(TextPrompt(printable(title), placeholder, value), done)

    def _control(self, method: str, *args):
        """One launch-control action, on the journal thread: the Future of its write (None: refused)."""
        if not self.controllable or getattr(self, "read_only", False):
            self.refuse_write()
            return None
        return self._write(getattr(self.session, method), *args)

    def action_hold(self) -> None:
        result = self.session.poll_verdict() if hasattr(self.session, "poll_verdict") else None
        proposed = "; ".join(result.hold_reasons) if result is not None and result.proposes_hold else ""

        def done(reason: str | None) -> None:
            if reason:
                self._control("hold", reason)

        self._ask("Hold the count: why?", "the reason everyone will see", done, proposed)

    def action_resume_count(self) -> None:
        self._control("resume_count")

    def action_recycle(self) -> None:
        count = self.control_count()
        now = self.clock()
        current = count.t_clock(now) if count else 0
        suggestion = format_offset(int(current // 600) * 600) if current < 0 else format_offset(int(current // 600) * 600)

        def done(text: str | None) -> None:
            if not text:
                return
            to_text, _, reason = text.partition(" ")
            try:
                to = parse_offset(to_text)
            except OffsetError as error:
                self.bell()
                self.notify(str(error), title="Recycle", severity="error")
                return
            self._control("recycle", to, reason.strip())

        self._ask(f"Recycle: take the count (now {format_clock(current)}) back to T-offset, then an optional reason",
                  "T-20m why", done, suggestion + " ")

    def action_scrub(self) -> None:
        def ask_t0(reason: str | None) -> None:
            if not reason:
                return

            def done(text: str | None) -> None:
                if not text:
                    return
                try:
                    t0 = parse_t0(text, self.clock())  # within 400 days: a T-0 the clock can hold
                except OffsetError as error:  # says what it could not read
                    self.bell()
                    self.notify(printable(str(error)), title="Scrub: bad T-0", severity="error")
                    return
                self._control("scrub", reason, t0)

            tomorrow = self.control_count().t0 + timedelta(days=1) if self.control_count() else self.clock()
            self._ask("Scrub: the new attempt's T-0 (ISO-8601, UTC)", "2026-11-23T18:00Z", done, _iso(tomorrow))

        self._ask("Scrub this attempt: why?", "the reason, kept with the attempt", ask_t0)

    # ------------------------------------------------------------------ the poll

    def action_poll(self) -> None:
        control = self._control_state()
        written = self._control("close_poll" if control is not None and control.poll.open else "open_poll")
        if written is not None:  # once on disk (and drawn: the journal's open poll shows the pane), bring it forward
            asyncio.wrap_future(written).add_done_callback(lambda _: self._show_poll_pane() if self.is_running else None)

    def _show_poll_pane(self) -> None:
        """Bring the poll pane forward. Whether wide screens show it is the journal's say (an open poll sets
        Screen.-polling in control_tick), never a local flag: it goes when the poll closes, wherever."""
        if self.screen.has_class("-narrow") or self.cockpit.has_class("-narrow"):
            self.action_show_pane("poll")
        elif self.cockpit.has_class("-polling"):
            self.call_after_refresh(lambda: self.cockpit.query_one("#poll-table").focus())

    def action_vote(self) -> None:
        self._show_poll_pane()
        control = self._control_state()
        if control is not None and not control.poll.open and not self.cockpit.has_class("-narrow"):
            self.notify("No poll is open: p opens one (or vote from the command palette)", timeout=4)
            return
        self.notify("g: Go · N: No-Go for the highlighted role", timeout=4)

    def on_poll_pane_vote_requested(self, message) -> None:
        if getattr(self, "read_only", False):
            self.refuse_write()
            return
        role, vote = message.role, message.vote
        title = next((r.title for r in poll_spec(self.plan).roles if r.id == role), role)
        if vote == GO:
            self._control("vote", role, GO)
            return

        def done(reason: str | None) -> None:
            if reason is not None:
                self._control("vote", role, NO_GO, reason)

        self._ask(f"No-Go for {title}: why? (empty: no reason)", "what must happen first", lambda r: done(r or ""))

    # ------------------------------------------------------------------ who holds each role

    def action_take_role(self) -> None:
        from launchpad.core.plan.owners import match_role

        roles = ", ".join(role.id for role in self.plan.roles)

        def done(text: str | None) -> None:
            if not text:
                return
            name, _, person = text.strip().partition(" ")
            role = match_role(name, self.plan.roles)
            if role is None:
                self.bell()
                self.notify(f"No role {printable(name)!r}: one of {printable(roles)}", title="Take role", severity="error")
                return
            self._control("take_role", role.id, person.strip() or self.session.actor)

        self._ask(f"Take role: ROLE [NAME] (roles: {roles}; NAME defaults to you)", "backend Sam Lee", done)

    # ------------------------------------------------------------------ rollback

    def _firing_trigger(self) -> str:
        control_states = getattr(self.session.state, "trigger_states", {}) or {}
        firing = [str(payload.get("trigger") or name) for name, payload in control_states.items()
                  if (payload or {}).get("state") == "firing"]
        return firing[0] if firing else ""

    def action_declare_rollback(self) -> None:
        control = self._control_state()
        if control is not None and control.mode.rollback:
            self.bring_rollback_forward()
            return
        trigger = self._firing_trigger()

        def done(reason: str | None) -> None:
            if reason:
                self._control("declare_rollback", reason, trigger)

        self._ask("Declare ROLLBACK: the rollback steps become the checklist. Why? (OK confirms)",
                  "the reason", done, f"Trigger fired: {trigger}" if trigger else "")

    def action_end_rollback(self) -> None:
        self._control("end_rollback", "rollback finished")

    def bring_rollback_forward(self) -> None:
        """Rollback mode: the rollback steps are the checklist to work (tab 2 on narrow screens). The mode itself
        (Screen.-rollback) follows the journal in control_tick."""
        if self.active_pane == "checklist" or self.cockpit.has_class("-narrow"):
            self.action_show_pane("checklist")
        self.call_after_refresh(lambda: self.cockpit.query_one("#rollback-table").focus())

    def on_rollback_pane_step_toggled(self, message) -> None:
        step = next((s for s in self.session.rollback_steps() if s.id == message.step_id), None)
        if step is not None:
            self._control("toggle_rollback_step", step)

    def action_copy_command(self) -> None:
        from launchpad.tui.widgets.rollback_pane import RollbackPane

        self.cockpit.query_one(RollbackPane).action_copy_command()

    def control_record(self, entries) -> None:
        """Entries read back: a rollback declared anywhere brings the steps forward in every cockpit."""
        for entry in entries:
            if entry.kind == "mode" and (entry.payload or {}).get("mode") == ROLLBACK_MODE:
                self.bell()
                self.notify(printable(str((entry.payload or {}).get("reason", ""))), title=ROLLBACK_TOAST,
                            severity="error", timeout=15)
                self.bring_rollback_forward()

    # ------------------------------------------------------------------ the command palette

    def control_commands(self):
        yield SystemCommand("Hold the count", "Stop the T-clock, with a reason (H)", self.action_hold)
        yield SystemCommand("Resume the count", "Start the T-clock again after a hold (C)", self.action_resume_count)
        yield SystemCommand("Recycle the count", "Take the count back to an earlier T-offset and re-open what follows (R)",
                            self.action_recycle)
        yield SystemCommand("Scrub this attempt", "End this attempt with a reason and set a new T-0 (S)", self.action_scrub)
        control = self._control_state()
        polling = control is not None and control.poll.open
        yield SystemCommand("Close the Go/No-Go poll" if polling else "Poll every role (Go/No-Go)",
                            "Record the poll's result (p)" if polling else "Open a Go/No-Go poll of every role (p)",
                            self.action_poll)
        for role in poll_spec(self.plan).roles:
            yield SystemCommand(f"Vote Go: {printable(role.title)}", "Answer the poll for this role",
                                lambda r=role.id: self._control("vote", r, GO))
            yield SystemCommand(f"Vote No-Go: {printable(role.title)}", "Answer the poll for this role, with a reason",
                                lambda r=role.id: self.on_poll_pane_vote_requested(_Vote(r, NO_GO)))
        yield SystemCommand("Take role…", "Record who holds a role from now on (journaled, with the time)",
                            self.action_take_role)
        if control is not None and control.mode.rollback:
            yield SystemCommand("Work the rollback steps", "The rollback checklist, in front (2)", self.bring_rollback_forward)
            yield SystemCommand("End rollback mode", "Back to the count", self.action_end_rollback)
        else:
            yield SystemCommand("Declare rollback", "Switch the cockpit to the rollback steps (X)", self.action_declare_rollback)
        yield SystemCommand("Copy step command", "Copy the highlighted rollback step's shell command (y)", self.action_copy_command)


class _Vote:
    def __init__(self, role: str, vote: str) -> None:
        self.role = role
        self.vote = vote


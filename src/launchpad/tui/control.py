"""Launch control in the cockpit: keys, palette commands, prompts, and what the control panes show.

`CockpitControl` is a small controller the app holds (`app.control`); app.py only delegates: `tick` once a
second, `commands` in the command palette, CONTROL_BINDINGS (`control('NAME')` -> `run(NAME)`) in its
BINDINGS, the two pane messages. Every action goes through the session's launch control service
(`session.control`, shell/control.py), which journals it; the screen follows from the entry read back, like
everything else in the cockpit. The panes themselves are widgets: poll_pane, rollback_pane, count_clock.

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
from launchpad.core.control.checks import done_early_by, format_span, recycle_target, scrub_t0
from launchpad.core.plan.timeline import DONE
from launchpad.core.plan.offsets import format_clock, format_offset
from launchpad.core.control.poll import GO, NO_GO, poll_spec
from launchpad.core.control.rollback import ROLLBACK_MODE
from launchpad.tui.forms import Confirm, Field, FormScreen, Parses, Required
from launchpad.tui.prompt import TextPrompt
from launchpad.tui.widgets.on_demand import OnDemand

ROLLBACK_TOAST = "ROLLBACK declared"  # its title: the toast is taken down when the rollback ends

CONTROL_BINDINGS = [
    Binding("H", "control('hold')", "Hold"),
    Binding("C", "control('resume_count')", "Resume count", show=False),
    Binding("R", "control('recycle')", "Recycle", show=False),
    Binding("S", "control('scrub')", "Scrub", show=False),
    Binding("p", "control('poll')", "Poll"),
    Binding("v", "control('vote')", "Vote", show=False),
    Binding("X", "control('declare_rollback')", "Rollback", show=False),
    Binding("y", "control('copy_command')", "Copy command", show=False),
]
# What writes to the session: a watch-only cockpit answers these with "read-only" before asking anything.
WRITES = frozenset({"hold", "resume_count", "recycle", "scrub", "poll", "vote", "declare_rollback", "end_rollback",
                    "take_role"})


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


class CockpitControl:
    """The cockpit's launch control (uses the app's session, plan, clock, cockpit, colors, _write, notify,
    push_screen)."""

    def __init__(self, app) -> None:
        self.app = app
        self._poll_point_passed: bool | None = None
        self._hold_reasons_seen: tuple = ()

    def run(self, name: str) -> None:
        """A key or palette command: one of the actions below by name (a watch-only cockpit refuses writes)."""
        if name in WRITES and self.app.read_only:
            self.app.refuse_write()
            return
        getattr(self, name)()

    # ------------------------------------------------------------------ what the session offers

    @property
    def shows(self) -> bool:
        """The session has launch control (the count, the poll, rollback mode) for the panes to show."""
        return hasattr(self.app.session, "control")

    @property
    def controllable(self) -> bool:
        """Whether this cockpit offers launch-control actions: an app that only shows them says
        `controllable = False` (the replay: no "press p to poll" where p is play/pause, no "press H")."""
        return self.shows and getattr(self.app, "controllable", True)

    def control_count(self):
        count = getattr(self.app.session, "count", None)
        return count() if callable(count) else None

    def _control_state(self):
        return getattr(self.app.session.state, "control", None)

    # ------------------------------------------------------------------ once a second

    def tick(self, now: datetime, t_clock: float) -> None:
        from launchpad.tui.widgets.count_clock import CountClock
        from launchpad.tui.widgets.poll_pane import PollPane
        from launchpad.tui.widgets.rollback_pane import RollbackPane, format_elapsed

        control = self._control_state()
        count = self.control_count()
        if control is None or count is None:
            return
        cockpit = self.app.cockpit
        current = count.at(now)
        hold = current.holding
        rollback = control.mode if control.mode.rollback else None
        if cockpit.has_class("-rollback") != (rollback is not None):
            cockpit.set_class(rollback is not None, "-rollback")
            if rollback is None:  # ended (here, in another cockpit, or a replay went back): its toast goes too
                self.app.dismiss_toasts(ROLLBACK_TOAST)
            if self.app.active_pane == "checklist":  # tab 2 is the rollback checklist now, or the checklist again
                self.app.action_show_pane("checklist")
        cockpit.set_class(control.poll.open, "-polling")  # the journal's poll, in every cockpit alike
        if rollback is not None:  # the panes hidden until now make their rows (widgets/on_demand.py)
            cockpit.query_one(RollbackPane).build()
        if control.poll.open:
            cockpit.query_one(PollPane).build()
        next_hold = next((p for p in current.planned if p.id not in current.consumed and p.at >= t_clock
                          and (hold is None or p.id != hold.planned)), None)
        cockpit.query_one(CountClock).show(
            t_clock=t_clock, wall=now.strftime("%H:%M:%S UTC"), hold=hold,
            hold_seconds=hold.seconds(now) if hold else 0.0, attempt=current.attempt,
            expected_t0=current.wall_time_of(0, now).strftime("%H:%M UTC %d %b"), next_hold=next_hold,
            rollback=format_elapsed((now - rollback.since).total_seconds()) if rollback and rollback.since else None,
            colors=self.app.colors)
        steps = self.app.session.control.rollback_steps() if self.shows else ()
        done = {step.id for step in steps if self.app.session.control.step_is_done(step)} if steps else set()
        cockpit.query_one(RollbackPane).show(steps, done, control.mode, now, self.app.colors)
        result = self.app.session.control.poll_verdict() if self.shows else None
        if result is not None:
            cockpit.query_one(PollPane).show(result, control.poll, poll_spec(self.app.plan), dict(control.holders), self.app.colors)
        if not self.controllable:
            return
        self._poll_point(t_clock)
        if result is not None:
            self._propose_hold(result, control.poll.open)
        if self.app.read_only:  # a watching cockpit leaves the planned resume to those who write
            return
        if count.waiting_planned_hold(now) is None:  # nothing to resume: no journal round trip every second
            return
        # Another cockpit may resume it first: the entry read back says so, so a refusal is quiet.
        self.app._write(self.app.session.control.resume_planned_if_ready, quiet=True)

    def _poll_point(self, t_clock: float) -> None:
        """The count reaching the plan's poll point rings once and says so."""
        spec = poll_spec(self.app.plan)
        if spec.at is None:
            return
        passed = t_clock >= spec.at
        if self._poll_point_passed is False and passed:
            self.app.bell()
            self.app.notify(f"Poll point {format_offset(spec.at)}: press p to poll every role for Go/No-Go",
                        title="Go/No-Go poll", severity="warning", timeout=15)
        self._poll_point_passed = passed

    def _propose_hold(self, result, polling: bool) -> None:
        reasons = tuple(result.hold_reasons) if result.proposes_hold and polling else ()
        fresh = [reason for reason in reasons if reason not in self._hold_reasons_seen]
        self._hold_reasons_seen = reasons
        if fresh:
            self.app.notify(printable("; ".join(fresh)) + " — press H to hold the count", title="Hold proposed",
                        severity="warning", timeout=10)

    def count_marker(self, now: datetime) -> tuple[str, str]:
        """HOLD / ROLLBACK beside the T-clock of the one-line header (narrow screens have no big clock), and
        why the count holds: the header says it there, having no count bar to say it."""
        control = self._control_state()
        count = self.control_count()
        hold = count.current_hold(now) if count is not None else None
        parts = []
        if hold is not None:
            parts.append("HOLD")
        if control is not None and control.mode.rollback:
            parts.append("ROLLBACK")
        return " · ".join(parts), hold.reason if hold is not None else ""

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
        self.app.push_screen(TextPrompt(printable(title), placeholder, value), done)

    def _control(self, method: str, *args):
        """One launch-control action, on the journal thread: the Future of its write (None: refused)."""
        if not self.controllable or self.app.read_only:
            self.app.refuse_write()
            return None
        return self.app._write(getattr(self.app.session.control, method), *args)

    def _form(self, title: str, fields, done) -> None:
        """A modal form (tui/forms.py): `done` gets {field: text} once every field is valid, never a cancel."""
        self.app.push_screen(FormScreen(printable(title), fields), lambda values: done(values) if values else None)

    def hold(self) -> None:
        result = self.app.session.control.poll_verdict() if self.controllable else None
        proposed = "; ".join(result.hold_reasons) if result is not None and result.proposes_hold else ""
        self._form("Hold the count", [Field("reason", "Why? (everyone will see it)", "the reason", proposed,
                                            (Required("the reason for the hold"),))],
                   lambda values: self._control("hold", values["reason"]))

    def resume_count(self) -> None:
        self._control("resume_count")

    def _t_clock(self) -> float:
        count = self.control_count()
        return count.t_clock(self.app.clock()) if count else 0

    def recycle(self) -> None:
        current = self._t_clock()
        suggestion = format_offset(int(current // 600) * 600)

        def target(text: str) -> int:
            return recycle_target(text, self._t_clock())  # checked against the count as it is when typed

        self._form(f"Recycle the count (now {format_clock(current)})", [
            Field("to", "Back to T-offset", "T-20m", suggestion, (Parses(target),)),
            Field("reason", "Why? (optional)", "what is done again"),
        ], lambda values: self._control("recycle", target(values["to"]), values["reason"]))

    def scrub(self) -> None:
        count = self.control_count()
        replaced = count.t0 if count else self.app.clock()

        def new_t0(text: str) -> datetime:
            return scrub_t0(text, self.app.clock(), replaced)

        self._form("Scrub this attempt", [
            Field("reason", "Why? (kept with the attempt)", "the reason", "", (Required("the reason for the scrub"),)),
            Field("t0", "The new attempt's T-0 (ISO-8601 with its zone)", "2026-11-23T18:00Z",
                  _iso(replaced + timedelta(days=1)), (Parses(new_t0),)),
        ], lambda values: self._control("scrub", values["reason"], new_t0(values["t0"])))

    # ------------------------------------------------------------------ timeline steps

    def set_step_state(self, event_id: str, state: str) -> None:
        """A timeline step's new state (d/s/x/r, or the palette). Done well before its start (before its start
        minus its grace) asks first; every other mark stays one key."""
        event = next((e for e in self.app.plan.events if e.id == event_id), None)
        early = done_early_by(event, self.app.session.t_clock(self.app.clock())) if event and state == DONE else 0

        def write(yes: bool | None = True) -> None:
            if yes:
                self.app._write(self.app.session.set_event, event_id, state)

        if not early or self.app.read_only:  # a watch-only cockpit says read-only at once
            write()
            return
        self.app.push_screen(Confirm(f"Mark '{printable(event.title)}' done {format_span(early)} before its start? y/n"),
                             write)

    # ------------------------------------------------------------------ the poll

    def poll(self) -> None:
        control = self._control_state()
        written = self._control("close_poll" if control is not None and control.poll.open else "open_poll")
        if written is not None:  # once on disk (and drawn: the journal's open poll shows the pane), bring it forward
            asyncio.wrap_future(written).add_done_callback(lambda _: self._show_poll_pane() if self.app.is_running else None)

    def _show_poll_pane(self) -> None:
        """Bring the poll pane forward. Whether wide screens show it is the journal's say (an open poll sets
        Screen.-polling in tick), never a local flag: it goes when the poll closes, wherever."""
        if self.app.screen.has_class("-narrow") or self.app.cockpit.has_class("-narrow"):
            self.app.action_show_pane("poll")
        elif self.app.cockpit.has_class("-polling"):
            self.app.cockpit.query_one("#poll", OnDemand).build()
            self.app.call_after_refresh(lambda: self.app.cockpit.query_one("#poll-table").focus())

    def vote(self) -> None:
        self._show_poll_pane()
        control = self._control_state()
        if control is not None and not control.poll.open and not self.app.cockpit.has_class("-narrow"):
            self.app.notify("No poll is open: p opens one (or vote from the command palette)", timeout=4)
            return
        self.app.notify("g: Go · N: No-Go for the highlighted role", timeout=4)

    def vote_requested(self, role: str, vote: str) -> None:
        if self.app.read_only:
            self.app.refuse_write()
            return
        title = next((r.title for r in poll_spec(self.app.plan).roles if r.id == role), role)
        if vote == GO:
            self._control("vote", role, GO)
            return

        def done(reason: str | None) -> None:
            if reason is not None:
                self._control("vote", role, NO_GO, reason)

        self._ask(f"No-Go for {title}: why? (empty: no reason)", "what must happen first", lambda r: done(r or ""))

    # ------------------------------------------------------------------ who holds each role

    def take_role(self) -> None:
        from launchpad.core.plan.owners import match_role

        roles = ", ".join(role.id for role in self.app.plan.roles)

        def role_of(text: str):
            role = match_role(text, self.app.plan.roles)
            if role is None:
                raise ValueError(f"no role {text!r}: one of {roles}")
            return role

        self._form("Take role: who holds it from now on", [
            Field("role", f"Role ({roles})", "backend", "", (Parses(role_of),)),
            Field("person", "Name (empty: you)", self.app.session.actor),
        ], lambda values: self._control("take_role", role_of(values["role"]).id,
                                        values["person"] or self.app.session.actor))

    # ------------------------------------------------------------------ rollback

    def _firing_trigger(self) -> str:
        control_states = getattr(self.app.session.state, "trigger_states", {}) or {}
        firing = [str(payload.get("trigger") or name) for name, payload in control_states.items()
                  if (payload or {}).get("state") == "firing"]
        return firing[0] if firing else ""

    def declare_rollback(self) -> None:
        control = self._control_state()
        if control is not None and control.mode.rollback:
            self.bring_rollback_forward()
            return
        trigger = self._firing_trigger()

        self._form("Declare ROLLBACK: the rollback steps become the checklist (Enter confirms, Escape cancels)", [
            Field("reason", "Why?", "the reason", f"Trigger fired: {trigger}" if trigger else "",
                  (Required("the reason for the rollback"),)),
        ], lambda values: self._control("declare_rollback", values["reason"], trigger))

    def end_rollback(self) -> None:
        self._control("end_rollback", "rollback finished")

    def bring_rollback_forward(self) -> None:
        """Rollback mode: the rollback steps are the checklist to work (tab 2 on narrow screens). The mode itself
        (Screen.-rollback) follows the journal in tick."""
        if self.app.active_pane == "checklist" or self.app.cockpit.has_class("-narrow"):
            self.app.action_show_pane("checklist")
        self.app.cockpit.query_one("#rollback", OnDemand).build()
        self.app.call_after_refresh(lambda: self.app.cockpit.query_one("#rollback-table").focus())

    def step_toggled(self, step_id: str) -> None:
        step = next((s for s in self.app.session.control.rollback_steps() if s.id == step_id), None)
        if step is not None:
            self._control("toggle_rollback_step", step)

    def copy_command(self) -> None:
        from launchpad.tui.widgets.rollback_pane import RollbackPane

        self.app.cockpit.query_one(RollbackPane).action_copy_command()

    def record(self, entries) -> None:
        """Entries read back: a rollback declared anywhere brings the steps forward in every cockpit."""
        for entry in entries:
            if entry.kind == "mode" and (entry.payload or {}).get("mode") == ROLLBACK_MODE:
                self.app.bell()
                self.app.notify(printable(str((entry.payload or {}).get("reason", ""))), title=ROLLBACK_TOAST,
                            severity="error", timeout=15)
                self.bring_rollback_forward()

    # ------------------------------------------------------------------ the command palette

    def commands(self):
        yield SystemCommand("Hold the count", "Stop the T-clock, with a reason (H)", lambda: self.run("hold"))
        yield SystemCommand("Resume the count", "Start the T-clock again after a hold (C)", lambda: self.run("resume_count"))
        yield SystemCommand("Recycle the count", "Take the count back to an earlier T-offset and re-open what follows (R)",
                            lambda: self.run("recycle"))
        yield SystemCommand("Scrub this attempt", "End this attempt with a reason and set a new T-0 (S)", lambda: self.run("scrub"))
        control = self._control_state()
        polling = control is not None and control.poll.open
        yield SystemCommand("Close the Go/No-Go poll" if polling else "Poll every role (Go/No-Go)",
                            "Record the poll's result (p)" if polling else "Open a Go/No-Go poll of every role (p)",
                            lambda: self.run("poll"))
        for role in poll_spec(self.app.plan).roles:
            yield SystemCommand(f"Vote Go: {printable(role.title)}", "Answer the poll for this role",
                                lambda r=role.id: self._control("vote", r, GO))
            yield SystemCommand(f"Vote No-Go: {printable(role.title)}", "Answer the poll for this role, with a reason",
                                lambda r=role.id: self.vote_requested(r, NO_GO))
        yield SystemCommand("Take role…", "Record who holds a role from now on (journaled, with the time)",
                            lambda: self.run("take_role"))
        if control is not None and control.mode.rollback:
            yield SystemCommand("Work the rollback steps", "The rollback checklist, in front (2)", self.bring_rollback_forward)
            yield SystemCommand("End rollback mode", "Back to the count", lambda: self.run("end_rollback"))
        else:
            yield SystemCommand("Declare rollback", "Switch the cockpit to the rollback steps (X)", lambda: self.run("declare_rollback"))
        yield SystemCommand("Copy step command", "Copy the highlighted rollback step's shell command (y)", self.copy_command)


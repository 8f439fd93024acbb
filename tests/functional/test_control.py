"""Launch control in the cockpit, by keys: hold and resume, the Go/No-Go poll, rollback mode, copying a step's
command; every action journaled, and all of it back as it was after reopening the session file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from launchpad.core.control.poll import poll_spec
from launchpad.core.plan.plan import load_plan
from launchpad.shell.session import LiveSession
from launchpad.tui.app import LaunchpadApp
from launchpad.tui.forms import FormScreen
from launchpad.tui.prompt import TextPrompt
from launchpad.tui.widgets.count_clock import CountClock
from launchpad.tui.widgets.header_bar import LaunchHeader
from launchpad.tui.widgets.owners_pane import OwnersPane
from launchpad.tui.widgets.poll_pane import PollPane
from launchpad.tui.widgets.rollback_pane import RollbackPane

from .conftest import NOW, T0, clocks_shown


class Clock:
    """A wall clock the test moves by hand: shared by the session (entry stamps) and the app (the T-clock)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def live(plan_copy, tmp_path, clock):
    # the session is created at NOW by its clock, so planned holds ahead of it are armed whatever the real date is
    plan, problems = load_plan(plan_copy, env={})
    assert plan is not None and not problems
    session = LiveSession.start(plan, tmp_path / "launch.session.toml", t0=T0, actor="alice", clock=clock)
    yield session
    session.close()


def app_for(session, clock) -> LaunchpadApp:
    return LaunchpadApp(session, clock=clock)


def kinds(session) -> list[tuple[str, str]]:
    return [(entry.kind, entry.target) for entry in _entries(session)]


def _entries(session):
    from launchpad.store.session_file import load_session

    return load_session(session.path)[1]


async def answer(pilot, text: str | None = None, **fields: str) -> None:
    """Fill the open prompt or form (replacing what it suggests: `text` the first field, or fields by name)
    and press Enter."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, (TextPrompt, FormScreen))
    if text is not None:
        screen.query_one("Input").value = text
    for name, value in fields.items():
        screen.input(name).value = value
    await pilot.press("enter")
    await pilot.pause()


async def open_form(pilot, key: str, focused: str) -> FormScreen:
    """Press `key`; the form it opens, with the keyboard in field `focused`."""
    await pilot.press(key)
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, FormScreen) and form.input(focused).has_focus
    return form


async def submitted(pilot, form: FormScreen) -> None:
    """Enter on a valid form: it closes and its action is on disk."""
    await pilot.press("enter")
    await pilot.app.journal_settled()
    await pilot.pause()
    assert pilot.app.screen is not form, form.errors


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


async def test_hold_freezes_the_t_clock_and_resume_picks_it_up(live, clock):
    app = app_for(live, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("H")
        await answer(pilot, "DB replication lag")
        assert [(e.kind, dict(e.payload)["reason"]) for e in _entries(live)] == [("hold", "DB replication lag")]
        assert " HOLD " in app.query_one(LaunchHeader).render().plain
        assert "T-01:59:12" in clocks_shown(app)
        clock.advance(minutes=7)
        app.tick()
        await pilot.pause()
        assert "T-01:59:12" in clocks_shown(app)  # frozen
        assert app.query_one(CountClock).has_class("-holding")
        assert "HOLDING  00:07:00 DB replication lag" in app.query_one("#count-info").render().plain
        await pilot.press("C")
        await pilot.pause()
        clock.advance(minutes=1)
        app.tick()
        await pilot.pause()
        assert "T-01:58:12" in clocks_shown(app)
        assert not app.query_one(CountClock).has_class("-holding")
        assert "T-0 expected 18:17 UTC" in app.query_one("#count-info").render().plain  # 7m held + the 10m planned hold
        assert [e.kind for e in _entries(live)] == ["hold", "resume"]


async def test_poll_no_go_proposes_a_hold_and_the_owners_show_the_votes(live, clock):
    app = app_for(live, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert live.state.control.poll.open
        assert app.screen.has_class("-polling")
        pane = app.query_one(PollPane)
        assert pane.display and app.query_one("#poll-table").has_focus
        await pilot.press("g")  # DevOps Lead: Go
        await pilot.pause()
        await pilot.press("down", "N")  # Backend Lead: No-Go, with a reason
        await answer(pilot, "replication lag 40 s")
        votes = {e.target: dict(e.payload) for e in _entries(live) if e.kind == "vote"}
        assert votes == {"devops": {"vote": "go"}, "backend": {"vote": "no-go", "reason": "replication lag 40 s"}}
        verdict = app.query_one("#poll-verdict").render().plain
        assert "HOLD PROPOSED" in verdict and "2/4 answered" in verdict
        assert "No-Go from Backend Lead: replication lag 40 s" in app.query_one("#poll-reasons").render().plain
        await pilot.press("H")  # the proposed hold comes with its reasons filled in
        await pilot.pause()
        assert "No-Go from Backend Lead" in app.screen.query_one("Input").value
        await answer(pilot)
        assert live.count().is_holding(clock())
        app.action_show_pane("owners")
        owners = app.query_one(OwnersPane).query_one("DataTable")
        assert owners.get_cell("devops", "vote").plain == "GO" and owners.get_cell("backend", "vote").plain == "NO-GO"
        assert owners.get_cell("frontend", "vote").plain == "—"


async def test_declared_rollback_puts_the_rollback_steps_in_front_and_copies_a_command(live, clock, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)  # outside tmux: OSC 52 only (inside: the test below)
    live.append("trigger", "error-rate", {"trigger": "Error rate > 5%", "probe": "api-health", "state": "firing"})
    app = app_for(live, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("X")
        await pilot.pause()
        assert app.screen.query_one("Input").value == "Trigger fired: Error rate > 5%"  # the lead confirms
        await answer(pilot)
        [mode] = [e for e in _entries(live) if e.kind == "mode"]
        assert dict(mode.payload) == {"mode": "rollback", "reason": "Trigger fired: Error rate > 5%",
                                      "trigger": "Error rate > 5%"}
        await pilot.pause()
        assert app.screen.has_class("-rollback")
        rollback = app.query_one(RollbackPane)
        assert rollback.display and not app.query_one("#checklist").display
        assert app.query_one("#rollback-table").has_focus
        clock.advance(minutes=3, seconds=5)
        app.tick()
        await pilot.pause()
        assert "ROLLBACK  00:03:05" in app.query_one("#rollback-clock").render().plain
        assert "ROLLBACK" in app.query_one(LaunchHeader).render().plain
        first = rollback.steps[0]
        await pilot.press("y")
        assert app.clipboard == "./scripts/maintenance.sh on"
        await pilot.press("space")
        await pilot.pause()
        assert live.control.step_is_done(first) and ("check", first.id) in kinds(live)
        assert rollback.table.get_cell(first.id, "done").plain == "[x]"


async def test_narrow_rollback_mode_shows_the_steps_under_tab_2(live, clock):
    live.control.declare_rollback("Error rate > 5%")
    app = app_for(live, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one(RollbackPane).display and not app.query_one("#checklist").display
        assert "Stop accepting new requests" in app.query_one("#rollback-table").get_row_at(0)[2].plain
        await pilot.press("6")
        await pilot.pause()
        assert app.query_one(PollPane).display and not app.query_one(RollbackPane).display


async def test_a_planned_hold_with_an_exit_condition_resumes_once_its_section_is_complete(live, clock):
    clock.now = T0 - timedelta(minutes=20)
    app = app_for(live, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        clock.advance(minutes=5)  # T-15m: the built-in hold begins by itself
        app.tick()
        await pilot.pause()
        assert live.count().current_hold(clock()).planned == "built-in-hold"
        clock.advance(minutes=11)  # its ten minutes are up, but the frontend deployment is not complete
        app.tick()
        assert live.t_clock(clock()) == -900 and not [e for e in _entries(live) if e.kind == "resume"]
        for task in live.plan.tasks:
            if task.section[-1] == "Frontend Deployment":
                live.toggle(task.id)
        app.tick()
        await pilot.pause()
        [resume] = [e for e in _entries(live) if e.kind == "resume"]
        assert resume.payload["of"] == "planned:built-in-hold"
        clock.advance(seconds=30)
        assert live.t_clock(clock()) == -870


async def test_every_control_action_is_in_the_command_palette(live, clock):
    app = app_for(live, clock)
    async with app.run_test(size=(120, 40)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Hold the count", "Resume the count", "Recycle the count", "Scrub this attempt",
                       "Poll every role (Go/No-Go)", "Vote Go: DevOps Lead", "Vote No-Go: Security",
                       "Declare rollback", "Copy step command"):
            assert wanted in titles


async def test_recycle_and_scrub_from_the_cockpit(live, clock):
    live.set_event("deploy-frontend", "done")
    app = app_for(live, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("R")
        await answer(pilot, to="T-3h", reason="redo the backend")
        [recycle] = [e for e in _entries(live) if e.kind == "recycle"]
        assert recycle.payload["to"] == "T-3h" and recycle.payload["reason"] == "redo the backend"
        assert live.event_marks()["deploy-frontend"] == "pending"
        assert live.t_clock(clock()) == -3 * 3600
        await pilot.press("S")
        await answer(pilot, reason="weather", t0="2026-11-23T18:00Z")
        count = live.count()
        assert count.attempt == 2 and count.attempts[0].reason == "weather"
        assert "attempt 2" in app.query_one("#count-info").render().plain


async def test_all_of_it_survives_reopening_the_session_file(live, clock):
    live.control.hold("weather")
    live.control.open_poll()
    live.control.vote("backend", "no-go", "lag")
    live.control.declare_rollback("Error rate > 5%")
    step = live.control.rollback_steps()[1]
    live.control.toggle_rollback_step(step)
    expected = (live.t_clock(clock()), live.count().current_hold(clock()).reason, live.control.poll_verdict().verdict)
    path = live.path
    live.close()
    clock.advance(minutes=10)
    again = LiveSession.resume(path, actor="bob")
    again.clock = clock
    try:
        assert (again.t_clock(clock()), again.count().current_hold(clock()).reason, again.control.poll_verdict().verdict) == expected
        assert again.state.control.mode.rollback and again.control.step_is_done(step)
        app = app_for(again, clock)
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.pause()
            assert app.screen.has_class("-rollback") and app.query_one(RollbackPane).display
            assert app.query_one("#poll-verdict").render().plain.startswith(" HOLD PROPOSED")
    finally:
        again.close()


async def test_the_poll_pane_comes_and_goes_with_the_journal_not_a_local_flag(live, clock):
    """Issue 11: after one poll Owners and Activity vanished for the rest of the cockpit's life."""
    other = LiveSession.resume(live.path, actor="bob")  # another cockpit or a script on the same file
    app = app_for(live, clock)
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.press("p")  # this cockpit opens the poll
            await pilot.pause()
            assert app.screen.has_class("-polling") and not app.query_one(OwnersPane).display
            other.poll()
            other.control.close_poll()  # ... another one closes it
            app.poll_session()
            await pilot.pause()
            assert not app.screen.has_class("-polling")
            assert app.query_one(OwnersPane).display and app.query_one("#activity").display
            other.control.open_poll()
            app.poll_session()
            await pilot.pause()
            assert app.screen.has_class("-polling")  # opened elsewhere: shown here too
            other.poll()
            other.control.close_poll()
            await pilot.press("v")  # voting with no poll open does not bring a stuck pane back
            app.poll_session()
            await pilot.pause()
            assert not app.screen.has_class("-polling") and app.query_one(OwnersPane).display
    finally:
        other.close()


async def test_votes_never_rename_a_holder_a_take_does_with_its_time(live, clock):
    live.control.vote("backend", "no-go", "lag")  # alice answers for the backend role
    app = app_for(live, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        app.action_show_pane("owners")
        await pilot.pause()
        owners = app.query_one(OwnersPane).query_one("DataTable")
        assert owners.get_cell("backend", "person").plain == "Bo Lindqvist"  # not "alice"
        app.control.take_role()  # the palette's "Take role…"
        await answer(pilot, role="backend", person="Sam Lee")
        app.tick()
        await pilot.pause()
        assert owners.get_cell("backend", "person").plain == f"Sam Lee (since {NOW:%H:%M})"
        assert owners.get_cell("devops", "person").plain == "Dana Ortiz"
    [take] = [e for e in _entries(live) if e.kind == "take"]
    assert (take.target, dict(take.payload), take.actor, take.at) == ("backend", {"person": "Sam Lee"}, "alice", NOW)


async def test_a_watch_only_cockpit_says_read_only_to_every_write_and_writes_nothing(live, clock):
    from launchpad.tui.read_only import WRITE_KEYS
    from launchpad.tui.watch import WatchApp
    from launchpad.tui.widgets.checklist_pane import ChecklistTree

    before = live.path.read_bytes()
    watcher = LiveSession.resume(live.path, actor="viewer", watch=True)
    app = WatchApp(watcher, clock=clock)
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (said.append(message), notify(message, **kw))[1]  # toasts expire; count them
    try:
        async with app.run_test(size=(200, 60), notifications=True) as pilot:
            assert app.sub_title.startswith("WATCH-ONLY")
            for pane in ("1", "2", "3"):  # the Footer offers no write: no step keys, no hold, no poll
                await pilot.press(pane)
                await pilot.pause()
                shown = [active.binding for active in app.screen.active_bindings.values() if active.binding.show]
                assert not [b.key for b in shown if b.key in WRITE_KEYS or b.key in ("H", "p")], [b.key for b in shown]
            await pilot.press("1")
            attempts = 0
            for key in ("n", "h", "w", "H", "C", "R", "S", "p", "X", "v", "s", "d", "x"):
                await pilot.press(key)
                await pilot.pause()
                attempts += 1
                assert not isinstance(app.screen, (TextPrompt, FormScreen)), key  # no prompt opens: nothing to write
            for command in app.get_system_commands(app.screen):  # every palette command too
                if command.title.startswith(("Show ", "Search", "Open link", "Toggle", "Filter", "Clear", "Copy",
                                             "Keys", "Quit", "Save screenshot", "Theme", "Maximize", "Minimize",
                                             "Change theme", "Screenshot")):
                    continue
                command.callback()
                await pilot.pause()
                attempts += 1
                assert not isinstance(app.screen, (TextPrompt, FormScreen)), command.title
            app.post_message(ChecklistTree.ToggleRequested("deploy-backend"))
            await pilot.pause()
            attempts += 1
            refusals = [message for message in said if "read-only (watch-only)" in message]
            assert attempts > 20 and len(refusals) == attempts  # each one answered "read-only"
    finally:
        watcher.close()
    assert live.path.read_bytes() == before  # not one byte written


# --------------------------------------------------------------------------- prompts as forms (issue 12)


async def test_recycle_journals_its_target_and_reason_as_separate_fields_typed_by_keys_alone(live, clock):
    app = app_for(live, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, "R", "to")
        await type_text(pilot, "T-3h")  # replaces the suggested offset (selected on focus)
        await pilot.press("tab")
        await type_text(pilot, "redeploy backend")
        await submitted(pilot, form)
    [recycle] = [e for e in _entries(live) if e.kind == "recycle"]
    assert (recycle.payload["to"], recycle.payload["reason"]) == ("T-3h", "redeploy backend")


async def test_a_recycle_target_after_the_count_is_refused_in_place(live, clock):
    app = app_for(live, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("R")
        await answer(pilot, to="T+1h", reason="too far")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "a recycle goes back" in form.errors["to"] and form.input("to").has_focus
        assert form.input("reason").value == "too far" and form.errors["reason"] == ""
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert not [e for e in _entries(live) if e.kind == "recycle"]


async def test_a_bad_t0_in_scrub_shows_the_error_in_place_and_keeps_the_reason(live, clock):
    app = app_for(live, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await open_form(pilot, "S", "reason")
        await type_text(pilot, "weather front")
        await pilot.press("tab")
        await type_text(pilot, "2026-13-23T18:00Z")  # no 13th month
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # still open, nothing typed lost
        assert form.errors["t0"] and form.input("t0").has_focus and form.input("t0").has_class("-invalid")
        assert form.query_one("#error-t0").display
        assert form.input("reason").value == "weather front"
        await pilot.press("ctrl+u")  # the error line follows what is typed
        await type_text(pilot, "2026-11-23T18:00")  # no zone: refused in place, as the CLI's --t0 is
        await pilot.pause()
        assert "has no time zone" in form.errors["t0"]
        await type_text(pilot, "Z")
        await pilot.pause()
        assert form.errors["t0"] == "" and not form.query_one("#error-t0").display
        await submitted(pilot, form)
    [scrub] = [e for e in _entries(live) if e.kind == "scrub"]
    assert scrub.payload["reason"] == "weather front" and scrub.payload["t0"] == datetime(2026, 11, 23, 18, tzinfo=timezone.utc)


async def test_a_hold_without_a_reason_is_refused_in_place_and_escape_cancels(live, clock):
    app = app_for(live, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("H")
        await answer(pilot, reason="   ")
        form = app.screen
        assert isinstance(form, FormScreen) and form.errors["reason"] == "needed: the reason for the hold"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert not [e for e in _entries(live) if e.kind == "hold"]


async def test_a_step_marked_done_well_before_its_start_asks_first_and_a_normal_mark_stays_one_key(live, clock):
    from launchpad.tui.forms import Confirm
    from launchpad.tui.widgets.timeline_pane import TimelinePane

    app = app_for(live, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(TimelinePane).table
        await pilot.press("1")
        table.move_cursor(row=table.get_row_index("enable-traffic"))  # T-0, the count is at T-01:59:12
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == "Mark 'Enable traffic' done 1h59m before its start? y/n"
        await pilot.press("n")
        await app.journal_settled()
        await pilot.pause()
        assert not isinstance(app.screen, Confirm) and "enable-traffic" not in live.event_marks()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await app.journal_settled()
        await pilot.pause()
        assert live.event_marks()["enable-traffic"] == "done"
        table.move_cursor(row=table.get_row_index("deploy-backend"))  # due now: one key, no question
        await pilot.press("d")
        await app.journal_settled()
        await pilot.pause()
        assert not isinstance(app.screen, Confirm) and live.event_marks()["deploy-backend"] == "done"


# --------------------------------------------------------------------------- y inside tmux (issue 12)


@pytest.fixture
def tmux_server(monkeypatch):
    """A private tmux server (its own socket, no user config), named by $TMUX as tmux names its own."""
    import os
    import shutil
    import subprocess
    import uuid

    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed: .ci/run installs it")
        pytest.skip("tmux is not installed")
    socket = f"launchpad-copy-{uuid.uuid4().hex[:8]}"

    def tmux(*args: str, check: bool = True) -> str:
        return subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", *args], check=check, capture_output=True,
                              text=True, timeout=20).stdout

    tmux("new-session", "-d", "-s", "copy", "sh")
    path = tmux("display-message", "-p", "#{socket_path}").strip()
    try:
        monkeypatch.setenv("TMUX", f"{path},{tmux('display-message', '-p', '#{pid}').strip()},0")
        yield tmux
    finally:
        tmux("kill-server", check=False)  # a test may have killed it already
        if path:
            Path(path).unlink(missing_ok=True)  # tmux leaves its socket file behind


async def _copy_first_rollback_step(live, clock) -> tuple[LaunchpadApp, list[str]]:
    live.control.declare_rollback("Error rate > 5%")
    app = app_for(live, clock)
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (said.append(message), notify(message, **kw))[1]
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        await pilot.press("y")  # the highlighted rollback step: the first
        await app.workers.wait_for_complete()
        await pilot.pause()
    return app, said


async def test_y_inside_tmux_puts_the_command_in_tmux_s_paste_buffer_and_says_so(live, clock, tmux_server):
    app, said = await _copy_first_rollback_step(live, clock)
    assert tmux_server("show-buffer") == "./scripts/maintenance.sh on"
    assert app.clipboard == "./scripts/maintenance.sh on"  # OSC 52 as well
    assert any(message.startswith("Copied to tmux's paste buffer") for message in said), said


async def test_y_says_so_when_tmux_does_not_take_the_text(live, clock, tmux_server):
    tmux_server("kill-server")  # $TMUX now names a server that is gone
    app, said = await _copy_first_rollback_step(live, clock)
    assert app.clipboard == "./scripts/maintenance.sh on"  # OSC 52 still went out
    assert any(message.startswith("Sent as OSC 52 only; tmux did not take it: tmux load-buffer failed")
               for message in said), said


async def test_form_labels_titles_and_errors_show_outside_text_literally():
    """Role names, reasons and typed text reach a form's label, title and error line: never as markup."""
    from textual.app import App

    from launchpad.tui.forms import Confirm, Field, Parses

    def refuse(text: str) -> None:
        raise ValueError(f"no role {text!r}: one of [/], [b]bold[/b]")

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(FormScreen("Take [red]role[/]", [Field("role", "Role ([/], [b]x[/b])", "[i]p[/i]",
                                                                    "[@click=app.quit]", (Parses(refuse),))]))

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        form = app.screen
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and app.is_running
        shown = [str(widget.render()) for widget in form.query("Static, Label")]
        assert "Take [red]role[/]" in shown and "Role ([/], [b]x[/b])" in shown
        assert "no role '[@click=app.quit]': one of [/], [b]bold[/b]" in shown
        app.push_screen(Confirm("Mark '[b]x[/b]' done 2h before its start? y/n"))
        await pilot.pause()
        assert "Mark '[b]x[/b]' done 2h before its start? y/n" in [str(w.render()) for w in app.screen.query("Static")]


async def test_the_hidden_panes_are_built_when_a_rollback_is_declared_in_another_cockpit(live, clock):
    """The rollback and poll panes start empty (widgets/on_demand.py: nothing of theirs before the first frame);
    a rollback declared by another cockpit on the same file still brings the steps forward here at once, rows
    filled and the table focused, and tab 6 builds the poll pane with the data the ticks gave it meanwhile."""
    other = LiveSession.resume(live.path, actor="bob")
    app = app_for(live, clock)
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.pause()
            rollback, poll = app.query_one(RollbackPane), app.query_one(PollPane)
            assert not rollback.children and not poll.children and not rollback.built
            other.control.declare_rollback("Error rate > 5%")
            app.poll_session()
            await pilot.pause()
            assert app.screen.has_class("-rollback") and rollback.display and rollback.built
            assert "Stop accepting new requests" in app.query_one("#rollback-table").get_row_at(0)[2].plain
            assert app.query_one("#rollback-table").has_focus
            assert "ROLLBACK" in app.query_one("#rollback-clock").render().plain
            assert not poll.children  # no poll opened: still nothing of it
            app.action_show_pane("poll")
            await pilot.pause()
            assert poll.built and "no poll yet" in app.query_one("#poll-verdict").render().plain
            assert app.query_one("#poll-table").row_count == len(poll_spec(live.plan).roles) > 0
    finally:
        other.close()

"""The cockpit driven by keys alone (Textual Pilot): ticking, filtering, search, step states, layouts."""

from __future__ import annotations

import tomllib

import pytest

from textual.widgets import Tabs

from launchpad.shell.session import LiveSession
from launchpad.tui.widgets.checklist_pane import ChecklistPane
from launchpad.tui.widgets.header_bar import LaunchHeader
from launchpad.tui.widgets.timeline_pane import OWNER_LEAST, TITLE_WANTED, TimelinePane

from .conftest import clocks_shown, make_app, start_session


def task_line(pane: ChecklistPane, item_id: str) -> str:
    return pane._task_nodes[item_id].label.plain


def journal(session: LiveSession) -> list[dict]:
    return tomllib.loads(session.path.read_text(encoding="utf-8")).get("entry", [])


async def test_header_shows_name_countdown_and_clock(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        header = pilot.app.query_one(LaunchHeader).render().plain
        assert "VÖR Platform go-live" in header
        assert "T-01:59:12" not in header  # the count bar right below carries both clocks
        assert "T-01:59:12" in clocks_shown(pilot.app) and "16:00:48 UTC" in clocks_shown(pilot.app)
    async with make_app(session).run_test(size=(80, 24)) as pilot:
        header = pilot.app.query_one(LaunchHeader).render().plain  # narrow: no count bar, the header has them
        assert "T-01:59:12" in header and "16:00:48 UTC" in header


async def test_space_ticks_the_item_and_journals_it(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("2")
        pane = pilot.app.query_one(ChecklistPane)
        pane.tree.move_cursor(pane._task_nodes["deploy-backend"])
        await pilot.press("space")
        await pilot.pause()
        assert task_line(pane, "deploy-backend").startswith("[x] Deploy backend")
        entries = journal(session)
        assert [(e["kind"], e["target"], e["actor"]) for e in entries] == [("check", "deploy-backend", "alice")]
        await pilot.press("space")
        await pilot.pause()
        assert task_line(pane, "deploy-backend").startswith("[ ] Deploy backend")
        assert [e["kind"] for e in journal(session)] == ["check", "uncheck"]
        assert "0/85 done" in pilot.app.query_one(LaunchHeader).render().plain


async def test_owner_filter_and_search(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("2")
        pane = pilot.app.query_one(ChecklistPane)
        everything = len(pane._task_nodes)
        assert everything == 85
        await pilot.press("o")  # the first owner in the plan: Security
        shown = {pane.view.owner_of(pane._tasks_by_id[i]) for i in pane._task_nodes}
        assert shown == {pane.owner_filter} and len(pane._task_nodes) < everything
        await pilot.press("c")
        assert len(pane._task_nodes) == everything
        await pilot.press("slash")
        await pilot.press(*"rollback")
        await pilot.pause()
        assert 0 < len(pane._task_nodes) < everything
        assert all("rollback" in (pane._tasks_by_id[i].text + pane._tasks_by_id[i].id).lower() for i in pane._task_nodes)
        await pilot.press("enter")
        assert pane.tree.has_focus
        assert "search: rollback" in pane.border_subtitle


async def test_timeline_keys_set_step_states(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        timeline = pilot.app.query_one(TimelinePane)
        await pilot.press("1")
        table = timeline.table
        table.move_cursor(row=table.get_row_index("deploy-backend"))
        await pilot.press("s")
        await pilot.pause()
        assert session.event_marks()["deploy-backend"] == "in_progress"
        await pilot.press("d")
        await pilot.pause()
        assert session.event_marks()["deploy-backend"] == "done"
        state_cell = table.get_cell("deploy-backend", "state").plain
        assert state_cell == "done"
        assert table.get_cell("security-scan", "state").plain == "▲ LATE"  # T-24h, never done


async def test_narrow_terminal_folds_panes_into_tabs(session):
    async with make_app(session).run_test(size=(80, 24)) as pilot:
        assert pilot.app.screen.has_class("-narrow")
        tabs = pilot.app.query_one(Tabs)
        assert tabs.display
        assert pilot.app.query_one("#timeline").display and not pilot.app.query_one("#checklist").display
        await pilot.press("2")
        assert pilot.app.query_one("#checklist").display and not pilot.app.query_one("#timeline").display
        assert tabs.active == "tab-checklist"
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert pilot.app.screen.has_class("-xwide")
        assert all(pilot.app.query_one(f"#{name}").display for name in ("timeline", "checklist", "owners", "probes"))


async def test_item_text_is_shown_literally(tmp_path):
    checklist = tmp_path / "hostile.md"
    checklist.write_text("# Hostile\n\n- [ ] [bold red]not bold[/] \x1b[31mred\x1b[0m \x07bell\n", encoding="utf-8")
    live = start_session(checklist, tmp_path / "s.toml")
    try:
        async with make_app(live).run_test(size=(200, 60)) as pilot:
            pane = pilot.app.query_one(ChecklistPane)
            (label,) = [node.label for node in pane._task_nodes.values()]
            assert "[bold red]not bold[/]" in label.plain
            assert "\x1b" not in label.plain and "␛[31mred" in label.plain and "␇bell" in label.plain
            assert not any(span.style and "bold red" in str(span.style) for span in label.spans)
    finally:
        live.close()


async def test_another_cockpits_entry_shows_up(session, plan_copy):
    other = LiveSession.resume(session.path, actor="bob")
    try:
        async with make_app(session, poll_interval=0.05).run_test(size=(200, 60)) as pilot:
            pane = pilot.app.query_one(ChecklistPane)
            other.toggle("deploy-frontend")
            for _ in range(40):
                await pilot.pause(0.05)
                if task_line(pane, "deploy-frontend").startswith("[x]"):
                    break
            assert task_line(pane, "deploy-frontend").startswith("[x]")
            assert pane.view.marks["deploy-frontend"].actor == "bob"
    finally:
        other.close()


async def test_note_on_an_item_via_the_prompt(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("2")
        pane = pilot.app.query_one(ChecklistPane)
        pane.tree.move_cursor(pane._task_nodes["run-migrations"])
        await pilot.press("n")
        await pilot.press(*"took 4 min")
        await pilot.press("enter")
        await pilot.pause()
        (entry,) = journal(session)
        assert (entry["kind"], entry["target"], entry["payload"]["text"]) == ("note", "run-migrations", "took 4 min")
        assert "✎1" in task_line(pane, "run-migrations")


async def test_every_action_is_in_the_command_palette(session):
    app = make_app(session)
    async with app.run_test(size=(200, 60)):
        titles = {command.title for command in app.get_system_commands(app.screen)}
    for expected in ("Show Timeline", "Show Checklist", "Search checklist", "Note", "Hand over",
                     "Toggle light/dark", "Show rollback steps", "Done: Deploy backend", "Quit"):
        assert expected in titles


async def test_resuming_after_the_plan_changed_says_so(session, plan_copy):
    session.toggle("deploy-backend")
    session.close()
    checklist = plan_copy.parent.parent / "checklists" / "launch-day.md"
    text = checklist.read_text(encoding="utf-8").replace("- [ ] Deploy backend <!-- id: deploy-backend -->\n", "")
    checklist.write_text(text, encoding="utf-8")
    resumed = LiveSession.resume(session.path, actor="bob")
    try:
        assert any("deploy-backend" in notice for notice in resumed.notices)
        app = make_app(resumed)
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.pause()
            log = "\n".join(line.text for line in app.query_one("#activity-log").lines)
            assert "no longer in the plan" in log and "deploy-backend" in log
    finally:
        resumed.close()


async def test_planned_hold_is_a_timeline_row_that_step_keys_leave_alone(session):
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        (hold,) = pilot.app.plan.holds
        table = pilot.app.query_one(TimelinePane).table
        key = f"hold:{hold.id}"
        assert table.get_cell(key, "at").plain == "T-15m"
        assert table.get_cell(key, "state").plain == "planned"
        order = [row.key.value for row in table.ordered_rows]
        assert order.index("deploy-frontend") < order.index(key) < order.index("enable-traffic")
        await pilot.press("1")
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("d")
        await pilot.pause()
        assert session.event_marks() == {}  # a hold is not a step: nothing journaled


async def test_a_failed_write_shows_and_changes_nothing(session, monkeypatch):
    import errno

    import launchpad.store.session_file as store

    def disk_full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    app = make_app(session)
    async with app.run_test(size=(200, 60), notifications=True) as pilot:
        await pilot.press("2")
        pane = app.query_one(ChecklistPane)
        pane.tree.move_cursor(pane._task_nodes["deploy-backend"])
        monkeypatch.setattr(store.os, "write", disk_full)
        await pilot.press("space")
        await pilot.pause()
        monkeypatch.undo()
        assert task_line(pane, "deploy-backend").startswith("[ ]")  # not shown as done
        assert any("No space left" in str(n.message) for n in app._notifications)
        assert journal(session) == []
        await pilot.press("space")  # the disk has room again: the cockpit carries on
        await pilot.pause()
        assert task_line(pane, "deploy-backend").startswith("[x]")
        assert [e["kind"] for e in journal(session)] == ["check"]


async def test_garbage_in_the_session_file_is_reported_and_set_aside(session):
    other = LiveSession.resume(session.path, actor="bob")
    app = make_app(session, poll_interval=0.05)
    try:
        async with app.run_test(size=(200, 60), notifications=True) as pilot:
            other.toggle("deploy-frontend")
            with open(session.path, "a", encoding="utf-8") as handle:  # a broken writer elsewhere
                handle.write("\n[[entry]]\nseq = 99\nthis is not toml at all\n# end\n")

            def log() -> str:
                return "\n".join(line.text for line in app.query_one("#activity-log").lines)

            for _ in range(60):  # this cockpit reads past the garbage and says so
                await pilot.pause(0.05)
                if "not valid TOML" in log():
                    break
            assert "not valid TOML" in log()
            other.toggle("run-migrations")  # a good writer after it: sets the garbage aside, then appends
            assert any("set aside in" in warning for warning in other.new_warnings())
            pane = app.query_one(ChecklistPane)
            for _ in range(60):
                await pilot.pause(0.05)
                if task_line(pane, "run-migrations").startswith("[x]"):
                    break
            assert task_line(pane, "deploy-frontend").startswith("[x]")
            assert task_line(pane, "run-migrations").startswith("[x]")
            assert "bob ticked #deploy-frontend" in log() and "bob ticked #run-migrations" in log()
    finally:
        other.close()
    entries = tomllib.loads(session.path.read_text(encoding="utf-8"))["entry"]
    assert [e["target"] for e in entries if e["kind"] == "check"] == ["deploy-frontend", "run-migrations"]


@pytest.mark.parametrize("index", range(5))
async def test_every_seed_opens_in_the_cockpit_as_it_is(tmp_path, seeds, index):
    live = start_session(seeds[index], tmp_path / "seed.session.toml")
    try:
        async with make_app(live).run_test(size=(200, 60)) as pilot:
            await pilot.press("2")
            pane = pilot.app.query_one(ChecklistPane)
            assert len(pane._task_nodes) == len(live.plan.tasks) > 0
            first = next(iter(pane._task_nodes))
            pane.tree.move_cursor(pane._task_nodes[first])
            await pilot.press("space")
            await pilot.pause()
            assert task_line(pane, first).startswith("[x]")
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            assert pilot.app.screen.has_class("-narrow")
    finally:
        live.close()


async def test_a_lock_held_by_another_process_never_freezes_the_keys(session):
    """Another process (a long handoff compaction, a stuck script) holds the session lock: the tick waits for
    it on the journal thread while the cockpit keeps answering keys, then lands once the lock is free."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
                               "print('held', flush=True)\nsys.stdin.read()\n", f"{session.path}.lock"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        async with make_app(session).run_test(size=(200, 60)) as pilot:
            await pilot.press("2")
            pane = pilot.app.query_one(ChecklistPane)
            pane.tree.move_cursor(pane._task_nodes["deploy-backend"])
            await pilot.press("space")
            line_before = pane.tree.cursor_line
            await pilot.press("down", "down")  # answered while the write still waits for the lock
            assert pane.tree.cursor_line == line_before + 2
            assert journal(session) == []
            holder.stdin.close()
            holder.wait(10)
            await pilot.pause()
            assert [(e["kind"], e["target"]) for e in journal(session)] == [("check", "deploy-backend")]
            assert task_line(pane, "deploy-backend").startswith("[x] Deploy backend")
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_quit_hold_poll_and_keys_are_in_the_footer_on_every_pane(session, size):
    """At 80x24 the Footer once cut after "t Them": q, H and p never showed. Every pane keeps them in sight,
    and `?` lists every key."""
    from textual.widgets._footer import FooterKey

    async with make_app(session).run_test(size=size) as pilot:
        for pane in "123456":
            await pilot.press(pane)
            await pilot.pause()
            footer_keys = [key for key in pilot.app.screen.query(FooterKey)
                           if key.region.width and key.region.right <= size[0]]
            shown = {key.key for key in footer_keys}
            assert {"q", "H", "p", "question_mark"} <= shown, (pane, shown)
        await pilot.press("question_mark")
        await pilot.pause()
        assert pilot.app.screen.query("HelpPanel")


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36), (160, 45), (200, 60)])
async def test_every_timeline_and_owner_column_fits_its_pane(session, size):
    """At 120x36 the State column was cut to `▲ LA` and When was off the edge; the owners' Contact was never
    seen at any size. Every column now fits; the step title and the contact are cut with an ellipsis."""
    from launchpad.tui.widgets.owners_pane import OwnersPane

    async with make_app(session).run_test(size=size) as pilot:
        for key, pane_type in (("1", TimelinePane), ("3", OwnersPane)):
            await pilot.press(key)
            await pilot.pause()
            table = pilot.app.query_one(pane_type).query_one("DataTable")
            used = sum(column.get_render_width(table) for column in table.columns.values())
            assert used <= table.size.width, (pane_type.__name__, used, table.size.width)
            titles = [table.get_cell_at((row, 1)).plain for row in range(table.row_count)]
            assert all(len(title) <= table.columns[list(table.columns)[1]].get_render_width(table) for title in titles)
            if pane_type is TimelinePane:  # at 160x45 the steps were `Final sec…` beside a full `Backend Lead`
                title_width = table.columns[list(table.columns)[1]].width
                owner_width = table.columns[list(table.columns)[2]].width
                assert title_width >= TITLE_WANTED or owner_width == OWNER_LEAST, (size, title_width, owner_width)


async def test_activity_lines_keep_every_word_at_any_width(session):
    """Wrapped activity lines dropped words (`All secrets stored in envir`): lines written before the layout
    settled kept that width. Every word of a long line is on screen, at 120x36 and after a resize."""
    from textual.widgets import RichLog

    from launchpad.tui.widgets.activity_pane import ActivityPane

    session.toggle("3081kb")
    async with make_app(session).run_test(size=(120, 36)) as pilot:
        for size in ((120, 36), (200, 60), (120, 36)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            log = pilot.app.query_one(ActivityPane).query_one(RichLog)
            width = log.scrollable_content_region.width
            shown = " ".join(strip.crop(0, width).text.strip() for strip in log.lines)  # what fits on screen
            assert "All secrets stored in environment variables" in " ".join(shown.split()), shown


async def test_a_cockpit_that_joins_later_lists_no_probe_folds(session):
    """A cockpit opened on a session with history listed raw `probe_minute` entries in Activity; the one that
    was there when they were written never did."""
    from textual.widgets import RichLog

    from launchpad.tui.widgets.activity_pane import ActivityPane

    session.append("probe_minute", "api-health", {"minute": "2026-11-22T16:00:00Z", "count": 12, "errors": 0,
                                                   "p50": 30.0, "p95": 60.0})
    session.toggle("3081kb")
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        log = pilot.app.query_one(ActivityPane).query_one(RichLog)
        shown = " ".join(strip.text for strip in log.lines)
        assert "ticked #3081kb" in shown and "probe_minute" not in shown and "api-health" not in shown


async def test_owner_columns_are_sized_before_the_table_is_idle(session):
    """Under load a snapshot caught the owners table drawn as `Rele`, `DevO`, ` Dana O `: columns left to
    DataTable's own sizing are as wide as their header until the table's next idle. Every column is given its
    width when the rows are laid out, so the frame drawn right after is already whole."""
    from launchpad.tui.widgets.owners_pane import OwnersPane

    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        pane = pilot.app.query_one(OwnersPane)
        table = pane.query_one("DataTable")
        pane._reshow()  # laid out anew; no idle between this and the check
        roles = [table.get_cell_at((row, 0)).plain for row in range(table.row_count)]
        role_width = table.columns[list(table.columns)[0]].get_render_width(table) - 2 * table.cell_padding
        assert roles and all(len(role) <= role_width for role in roles), (roles, role_width)


async def test_a_narrow_header_says_why_the_count_holds(session):
    """At 80x24 there is no count bar, and the header said HOLD without the reason a lead needs to see."""
    from launchpad.tui.widgets.header_bar import LaunchHeader

    session.control.hold("waiting for the DBA sign-off")
    async with make_app(session).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = pilot.app.query_one(LaunchHeader).render().plain
        assert "HOLD" in header and "waiting for the DBA" in header, header
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert "waiting for the DBA" not in pilot.app.query_one(LaunchHeader).render().plain  # the count bar says it


async def test_on_the_war_room_screen_the_timeline_is_as_tall_as_its_steps(session):
    """At 200x60 a ten-step timeline left two thirds of its pane empty while Owners and Activity were squeezed
    below it; its row is now as tall as its steps (up to half the screen), and back to the stylesheet's rows
    on a narrower screen."""
    from launchpad.tui.widgets.activity_pane import ActivityPane
    from launchpad.tui.widgets.timeline_pane import TimelinePane

    async with make_app(session).run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        app = pilot.app
        app.tick()
        await pilot.pause()
        timeline = app.query_one(TimelinePane)
        assert timeline.size.height <= timeline.table.row_count + 4, (timeline.size.height, timeline.table.row_count)
        assert app.query_one(ActivityPane).size.height >= 15
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        app.tick()
        await pilot.pause()
        assert app._timeline_rows is None
        assert not app.query_one("#panes").styles.inline.has_rule("grid_rows")  # the stylesheet's rows again


async def test_a_wide_cockpit_makes_its_tabs_only_when_the_terminal_becomes_narrow(session):
    """Wide screens never show the pane tabs, so none are made before the first frame; narrowed, the cockpit
    gets them at once, on the pane that was active, and they work."""
    async with make_app(session).run_test(size=(200, 60)) as pilot:
        assert not pilot.app.query("#pane-tabs")
        pilot.app.action_show_pane("owners")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        tabs = pilot.app.query_one(Tabs)
        assert pilot.app.screen.has_class("-narrow") and tabs.display and tabs.active == "tab-owners"
        assert pilot.app.query_one("#owners").display and not pilot.app.query_one("#timeline").display
        await pilot.press("2")
        await pilot.pause()
        assert tabs.active == "tab-checklist" and pilot.app.query_one("#checklist").display
        assert pilot.app.screen.children.index(tabs) == pilot.app.screen.children.index(pilot.app.query_one("#panes")) - 1

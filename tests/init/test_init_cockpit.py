"""The plans `init` writes open in the cockpit (Pilot); a bare checklist offers to write its plan."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.app import SystemCommand

from launchpad.cli.main import main
from launchpad.core.plan.plan import load_plan
from launchpad.shell.session import LiveSession
from launchpad.tui.app import LaunchpadApp
from launchpad.tui.init_offer import COMMAND_TITLE
from launchpad.tui.widgets.timeline_pane import TimelinePane

from .test_trigger_text import SEED_TRIGGERS

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
NOW = T0 - timedelta(hours=3)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)


def open_app(path: Path, tmp_path: Path) -> tuple[LaunchpadApp, LiveSession]:
    plan, problems = load_plan(path, env={})
    assert plan is not None and not problems, problems
    session = LiveSession.start(plan, tmp_path / "launch.session.toml", t0=T0, actor="alice", clock=lambda: NOW)
    return LaunchpadApp(session, clock=lambda: NOW), session


@pytest.mark.parametrize("prefix", sorted(SEED_TRIGGERS))
async def test_each_seed_plan_opens_as_a_live_launch(seeds, tmp_path, prefix, capsys):
    source = next(seed for seed in seeds if seed.name.startswith(prefix))
    checklist = tmp_path / f"{prefix}.md"
    shutil.copy(source, checklist)
    assert main(["init", str(checklist)]) == 0
    app, session = open_app(checklist.with_suffix(".toml"), tmp_path)
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.pause()
            assert pilot.app.plan.kind == "plan"
            table = pilot.app.query_one(TimelinePane).table
            shown = {key.value for key in table.rows}
            assert {event.id for event in pilot.app.plan.events} <= shown
            assert len(pilot.app.plan.events) >= 5
            written = {name for name, rule in SEED_TRIGGERS[prefix].items() if rule is not None}
            assert {trigger.name for trigger in pilot.app.plan.triggers} == written
            commands = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]
            assert COMMAND_TITLE not in commands  # a plan needs no plan written for it
    finally:
        session.close()


async def test_a_bare_checklist_offers_init_and_the_command_writes_the_plan(seeds, tmp_path):
    source = next(seed for seed in seeds if seed.name.startswith("003"))
    checklist = tmp_path / "deploy.md"
    shutil.copy(source, checklist)
    app, session = open_app(checklist, tmp_path)
    try:
        async with app.run_test(size=(200, 60), notifications=True) as pilot:
            await pilot.pause()
            assert any("no plan yet" in str(note.message) and "deploy.toml" in str(note.message)
                       for note in pilot.app._notifications)
            commands = {command.title: command for command in pilot.app.get_system_commands(pilot.app.screen)}
            offer: SystemCommand = commands[COMMAND_TITLE]
            offer.callback()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert checklist.with_suffix(".toml").exists()
            assert any("Wrote" in str(note.message) and "2 trigger rules" in str(note.message)
                       for note in pilot.app._notifications)
            offer.callback()  # a second time: the plan exists now, init refuses to overwrite it and says so
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert any("exists" in str(note.message) for note in pilot.app._notifications)
            commands = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]
            assert COMMAND_TITLE not in commands
    finally:
        session.close()
    plan, problems = load_plan(checklist.with_suffix(".toml"), env={})
    assert plan is not None and not problems


def test_launchpad_checklist_opens_the_plan_beside_it(seeds, tmp_path, capsys):
    source = next(seed for seed in seeds if seed.name.startswith("004"))
    checklist = tmp_path / "launch.md"
    shutil.copy(source, checklist)
    assert main(["init", str(checklist)]) == 0
    capsys.readouterr()
    # No terminal under pytest: the cockpit refuses to draw (exit 2), after choosing and checking the plan.
    assert main([str(checklist)]) == 2
    err = capsys.readouterr().err
    assert f"opening the plan beside the checklist, {checklist.with_suffix('.toml')}" in err
    (tmp_path / "launch.toml").write_text("[launch]\nname = 1\n", encoding="utf-8")
    assert main([str(checklist)]) == 1  # it is that plan which is loaded: its problem is reported
    assert "launch.toml" in capsys.readouterr().err

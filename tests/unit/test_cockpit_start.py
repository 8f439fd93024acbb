"""The `launchpad` command starts a cockpit without garbage collection (cli/main.py) and always turns it back on."""

from __future__ import annotations

import gc

import pytest

from launchpad.cli import cockpit
from launchpad.cli.main import main


@pytest.fixture(autouse=True)
def collection_back_on():
    yield
    gc.enable()  # whatever a failing test left


@pytest.mark.parametrize("argv", [["--no-demo"], ["open", "x.session.toml"], ["watch", "x.session.toml"]])
def test_a_cockpit_starts_without_collection_and_gets_it_back(argv, monkeypatch):
    seen = []
    for name in ("run_cockpit", "run_open", "run_watch"):
        monkeypatch.setattr(cockpit, name, lambda args: seen.append(gc.isenabled()) or 3)
    assert gc.isenabled()
    assert main(argv) == 3
    assert seen == [False] and gc.isenabled()


def test_an_early_return_or_another_command_leaves_collection_on(tmp_path, capsys):
    assert main([str(tmp_path / "missing.toml")]) != 0  # the cockpit's plan check fails before any app
    assert gc.isenabled()
    assert main(["validate", str(tmp_path / "missing.toml")]) != 0
    assert gc.isenabled()



def test_the_plan_and_the_session_file_are_read_with_collection_on(tmp_path, monkeypatch):
    """Only the imports and the screen go without collection: a plan or a journal of any size is read with it."""
    from launchpad.shell.session import LiveSession, SessionOpenError

    seen = []

    def load_plan(path, **options):
        seen.append(("plan", gc.isenabled()))
        return None, []

    def resume(cls, *args, **kwargs):
        seen.append(("session", gc.isenabled()))
        raise SessionOpenError("stop here")

    monkeypatch.setattr(cockpit, "load_plan", load_plan)
    monkeypatch.setattr(cockpit, "no_terminal", lambda: None)
    monkeypatch.setattr(LiveSession, "resume", classmethod(resume))
    assert main([str(tmp_path / "plan.toml")]) != 0
    assert main(["open", str(tmp_path / "x.session.toml")]) != 0
    assert seen == [("plan", True), ("session", True)] and gc.isenabled()

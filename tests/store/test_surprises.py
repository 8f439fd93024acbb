"""No silent surprises from the command line: an existing session is not bent to another plan or T-0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from launchpad.cli.main import main
from launchpad.core.plan.plan import load_plan
from launchpad.store.session_file import create_session, load_session

from .conftest import T0

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "timelines", tmp_path / "timelines")
    shutil.copytree(REPO / "checklists", tmp_path / "checklists")
    return tmp_path / "timelines" / "launch-day.toml"


@pytest.fixture
def empty_session(tmp_path: Path) -> Path:
    empty = tmp_path / "empty.md"
    empty.write_text("# Nothing yet\n", encoding="utf-8")
    plan, _ = load_plan(empty)
    path = tmp_path / "empty.session.toml"
    create_session(plan, path, T0, "alice").close()
    return path


def test_a_session_of_another_plan_is_refused(plan_path, empty_session, capsys):
    before = empty_session.read_bytes()
    assert main([str(plan_path), "--session", str(empty_session), "--no-demo"]) == 2
    err = capsys.readouterr().err
    assert f"{empty_session} follows the plan" in err and "--plan-changed-ok" in err
    assert "needs a terminal" not in err  # refused before anything else
    assert empty_session.read_bytes() == before


def test_a_changed_plan_is_refused_unless_ok(plan_path, tmp_path, capsys):
    plan, _ = load_plan(plan_path)
    session = tmp_path / "s.session.toml"
    create_session(plan, session, T0, "alice").close()
    plan_path.write_text(plan_path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert main([str(plan_path), "--session", str(session)]) == 2
    assert "changed since" in capsys.readouterr().err
    # Allowed: it goes on to the terminal check (no TTY under pytest), not a refusal.
    assert main([str(plan_path), "--session", str(session), "--plan-changed-ok"]) == 2
    assert "needs a terminal" in capsys.readouterr().err


def test_a_different_t0_is_an_error_not_a_note(plan_path, tmp_path, capsys):
    plan, _ = load_plan(plan_path)
    session = tmp_path / "s.session.toml"
    create_session(plan, session, T0, "alice").close()
    assert main([str(plan_path), "--session", str(session), "--t0", "2030-01-01T12:00Z"]) == 2
    err = capsys.readouterr().err
    assert "has its own T-0 (2026-11-22T07:00:00Z)" in err and "cannot change it" in err
    assert main([str(plan_path), "--session", str(session), "--t0", "2026-11-22T07:00Z"]) == 2
    assert "needs a terminal" in capsys.readouterr().err  # the same T-0 is fine
    assert main(["--session", str(session), "--t0", "2030-01-01T12:00Z"]) == 2
    assert "cannot change it" in capsys.readouterr().err
    header, entries, _ = load_session(session)
    assert header.t0 == T0 and entries == []


def test_the_resume_hint_repeats_the_command_as_invoked(monkeypatch):
    from launchpad.cli.cockpit import invoked_as

    assert invoked_as(".venv/bin/launchpad") == ".venv/bin/launchpad"
    assert invoked_as("launchpad") == "launchpad"
    assert invoked_as("/opt/my tools/launchpad") == "'/opt/my tools/launchpad'"
    monkeypatch.setattr("sys.executable", "/usr/bin/python3")
    assert invoked_as("/src/launchpad/__main__.py") == "/usr/bin/python3 -m launchpad"


def test_t0_without_a_zone_is_an_argument_error(plan_path, tmp_path, capsys):
    session = tmp_path / "new.session.toml"
    assert main([str(plan_path), "--t0", "2026-11-22T18:00", "--session", str(session)]) == 2
    err = capsys.readouterr().err
    assert "`2026-11-22T18:00` has no time zone: add one, e.g. 2026-11-22T18:00Z for UTC" in err
    assert not session.exists()
    assert main([str(plan_path), "--t0", "2026-11-22T18:00+01:00", "--session", str(session)]) == 2
    assert "needs a terminal" in capsys.readouterr().err  # with a zone it is accepted

"""`launchpad event | hold | resume | vote | recycle | scrub | poll` from another terminal, and the count, poll and
mode in `launchpad status --json`: exit codes, messages, and a session file untouched on every refusal."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from launchpad.cli import control_cmds, session_cmds
from launchpad.core.plan.plan import load_plan
from launchpad.store.session_file import create_session, load_session

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def actor_env(monkeypatch):
    monkeypatch.setenv("LAUNCHPAD_USER", "pipeline")


@pytest.fixture
def session(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "timelines", tmp_path / "timelines")
    shutil.copytree(REPO / "checklists", tmp_path / "checklists")
    plan, problems = load_plan(tmp_path / "timelines" / "launch-day.toml")
    assert plan is not None and not problems
    path = tmp_path / "launch.session.toml"
    # T-0 an hour ahead of the real clock: these commands stamp entries with it
    create_session(plan, path, datetime.now(timezone.utc) + timedelta(hours=1), "alice").close()
    return path


def run(command: str, *argv: str) -> int:
    module = session_cmds if command == "status" else control_cmds
    parser = argparse.ArgumentParser(prog=f"launchpad {command}")
    getattr(module, f"add_{command}_arguments")(parser)
    return getattr(module, f"run_{command}")(parser.parse_args(list(argv)))


def entries(path: Path):
    return load_session(path)[1]


def status(path: Path, capsys) -> dict:
    capsys.readouterr()
    assert run("status", str(path), "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_event_start_done_skip_from_a_script(session, capsys):
    assert run("event", str(session), "deploy-backend", "start", "--as", "dana") == 0
    assert "event deploy-backend in progress by dana" in capsys.readouterr().out
    assert run("event", str(session), "deploy-backend", "done") == 0
    assert run("event", str(session), "deploy-frontend", "skip") == 0
    assert [(e.kind, e.target, e.payload["state"], e.actor) for e in entries(session)] == [
        ("event", "deploy-backend", "in_progress", "dana"), ("event", "deploy-backend", "done", "pipeline"),
        ("event", "deploy-frontend", "skipped", "pipeline")]


def test_an_unknown_event_id_exits_1_with_a_hint_and_writes_nothing(session, capsys):
    before = session.read_bytes()
    assert run("event", str(session), "deploy-bakend", "done") == 1
    err = capsys.readouterr().err
    assert "unknown event ID `deploy-bakend`" in err and "did you mean `deploy-backend`?" in err
    assert session.read_bytes() == before


def test_hold_and_resume_and_the_count_in_status_json(session, capsys):
    assert run("hold", str(session), "--reason", "DB replication lag") == 0
    assert "HOLDING (DB replication lag)" in capsys.readouterr().out
    before = session.read_bytes()
    assert run("hold", str(session), "--reason", "again") == 1
    assert "already holding (DB replication lag); nothing written" in capsys.readouterr().err
    assert session.read_bytes() == before
    count = status(session, capsys)["count"]
    assert count["holding"] and count["hold"]["reason"] == "DB replication lag" and count["attempt"] == 1
    assert count["hold"]["actor"] == "pipeline" and len(count["holds"]) == 1
    frozen = count["t_clock"]
    assert run("resume", str(session)) == 0
    assert run("resume", str(session)) == 1
    assert "the count is not holding; nothing written" in capsys.readouterr().err
    report = status(session, capsys)
    count = report["count"]
    assert not count["holding"] and count["holds"][0]["end"] is not None
    assert frozen <= count["t_clock"] < frozen + 30
    assert [event for event in count["schedule"] if event["id"] == "enable-traffic"]
    assert report["mode"]["mode"] == "count" and len(report["mode"]["rollback_steps"]) == 7


def test_hold_needs_a_reason(session, capsys):
    before = session.read_bytes()
    assert run("hold", str(session), "--reason", "  ") == 1
    assert "a hold needs a reason" in capsys.readouterr().err
    assert session.read_bytes() == before


def test_vote_by_role_id_or_title_and_the_poll_in_status_json(session, capsys):
    assert run("poll", str(session), "open") == 0
    assert run("vote", str(session), "devops", "go") == 0
    assert run("vote", str(session), "Backend Lead", "no-go", "--reason", "lag 40 s", "--as", "bo") == 0
    out = capsys.readouterr().out
    assert "vote NO-GO for Backend Lead by bo" in out and "hold proposed: No-Go from Backend Lead: lag 40 s" in out
    poll = status(session, capsys)["poll"]
    assert poll["open"] and poll["verdict"] == "HOLD PROPOSED" and poll["proposes_hold"]
    assert {role["role"]: role["vote"] for role in poll["roles"]} == {
        "devops": "go", "backend": "no-go", "frontend": None, "security": None}
    assert {c["name"]: c["met"] for c in poll["criteria"]}["no trigger firing"] is True
    assert run("poll", str(session), "close") == 0
    assert status(session, capsys)["poll"]["result"] == "no-go"


def test_vote_refuses_an_unknown_role_or_answer(session, capsys):
    before = session.read_bytes()
    assert run("vote", str(session), "devopz", "go") == 1
    assert "did you mean `devops`?" in capsys.readouterr().err
    assert run("vote", str(session), "devops", "maybe") == 1
    assert "a vote is `go` or `no-go`, not `maybe`" in capsys.readouterr().err
    assert session.read_bytes() == before


def test_recycle_reopens_and_scrub_starts_a_second_attempt(session, capsys):
    assert run("event", str(session), "enable-traffic", "done") == 0
    assert run("recycle", str(session), "T+1h") == 1  # forwards is no recycle
    assert "a recycle goes back" in capsys.readouterr().err
    assert run("recycle", str(session), "T-2h", "--reason", "redo the deploy") == 0
    assert "re-opened" in capsys.readouterr().out
    report = status(session, capsys)
    assert {e["id"]: e["state"] for e in report["events"]}["enable-traffic"] == "pending"
    assert report["count"]["recycles"][0]["to"] == "T-2h"
    assert run("scrub", str(session), "--reason", "weather", "--t0", "2026-11-23T18:00Z") == 0
    count = status(session, capsys)["count"]
    assert count["attempt"] == 2 and [a["reason"] for a in count["attempts"]] == ["weather", None]
    assert count["t0"] == "2026-11-23T18:00:00.000Z"
    assert run("scrub", str(session), "--reason", "x", "--t0", "tomorrow") == 2  # an argument error
    assert "bad --t0" in capsys.readouterr().err


def test_status_text_shows_the_count(session, capsys):
    assert run("hold", str(session), "--reason", "weather") == 0
    capsys.readouterr()
    assert run("status", str(session)) == 0
    out = capsys.readouterr().out
    assert "  count: T-0" in out and "HOLDING since" in out and "(weather, pipeline)" in out


def test_the_installed_command_runs_hold_and_vote(session):
    """Through `python -m launchpad`, as a script in another terminal would."""
    for argv in (["hold", str(session), "--reason", "weather"], ["vote", str(session), "security", "go"]):
        done = subprocess.run([sys.executable, "-m", "launchpad", *argv], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert [e.kind for e in entries(session)] == ["hold", "vote"]


def test_take_records_who_holds_a_role_and_refuses_an_unknown_one(session, capsys):
    assert run("take", "Backend", str(session), "--as", "Sam Lee") == 0
    assert "Sam Lee holds Backend Lead" in capsys.readouterr().out
    [take] = [e for e in entries(session) if e.kind == "take"]
    assert (take.target, dict(take.payload), take.actor) == ("backend", {"person": "Sam Lee"}, "Sam Lee")
    before = session.read_bytes()
    assert run("take", "bakend", str(session), "--as", "Sam") == 1
    err = capsys.readouterr().err
    assert "`bakend` is not a role of this plan; nothing written" in err and "backend" in err
    assert session.read_bytes() == before

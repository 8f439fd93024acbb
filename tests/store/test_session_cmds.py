"""`launchpad mark | note | status | handoff` against a real plan: exit codes, messages, file untouched on error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from launchpad.cli import session_cmds
from launchpad.core.plan.plan import load_plan
from launchpad.store.session_file import create_session, load_session

from .conftest import T0

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def plan_copy(tmp_path: Path):
    shutil.copytree(REPO / "timelines", tmp_path / "timelines")
    shutil.copytree(REPO / "checklists", tmp_path / "checklists")
    plan, problems = load_plan(tmp_path / "timelines" / "launch-day.toml")
    assert plan is not None
    return plan


@pytest.fixture
def session(plan_copy, tmp_path: Path) -> Path:
    path = tmp_path / "launch.session.toml"
    create_session(plan_copy, path, T0, "alice").close()
    return path


def run(command: str, *argv: str, env_user: str = "pipeline", monkeypatch=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog=f"launchpad {command}")
    getattr(session_cmds, f"add_{command}_arguments")(parser)
    return getattr(session_cmds, f"run_{command}")(parser.parse_args(list(argv)))


@pytest.fixture(autouse=True)
def actor_env(monkeypatch):
    monkeypatch.setenv("LAUNCHPAD_USER", "pipeline")


def test_mark_ticks_an_item_with_a_note_and_undo_unticks(plan_copy, session, capsys):
    item = plan_copy.tasks[0].id
    assert run("mark", str(session), item, "--note", "done by pipeline #4411") == 0
    assert capsys.readouterr().out.startswith(f"#1 check {item} by pipeline at ")
    assert run("mark", str(session), item, "--undo", "--as", "dana") == 0
    header, entries, report = load_session(session)
    assert [(entry.kind, entry.actor, dict(entry.payload)) for entry in entries] == [
        ("check", "pipeline", {"note": "done by pipeline #4411"}), ("uncheck", "dana", {})]


def test_mark_unknown_id_fails_clearly_and_leaves_the_file_unchanged(plan_copy, session, capsys):
    before = session.read_bytes()
    item = plan_copy.tasks[0].id
    assert run("mark", str(session), item[:-1] + "z") == 1
    err = capsys.readouterr().err
    assert f"unknown item ID `{item[:-1]}z`" in err and "nothing written" in err and "hint:" in err
    assert session.read_bytes() == before
    assert not Path(str(session) + ".lock").exists()


@pytest.mark.parametrize("command", ["mark", "note", "status", "handoff"])
def test_missing_or_unreadable_session_is_exit_1_with_a_message(command, tmp_path, capsys):
    missing = tmp_path / "nope.toml"
    argv = {"mark": [str(missing), "x"], "note": [str(missing), "hello"], "status": [str(missing)],
            "handoff": [str(missing), "bob"]}[command]
    assert run(command, *argv) == 1
    err = capsys.readouterr().err
    assert "nope.toml" in err and "not found" in err and "Traceback" not in err
    assert not missing.exists()
    garbage = tmp_path / "garbage.session"
    garbage.write_bytes(b"\xff\xfe not toml at all")
    argv[0] = str(garbage)
    assert run(command, *argv) == 1
    assert "garbage.session" in capsys.readouterr().err
    assert garbage.read_bytes() == b"\xff\xfe not toml at all"


def test_note_on_the_launch_and_on_an_item(plan_copy, session, capsys):
    assert run("note", str(session), "all hands at 06:30") == 0
    assert run("note", str(session), "waiting on DNS", "--item", plan_copy.events[0].id, "--as", "bob") == 0
    before = session.read_bytes()
    assert run("note", str(session), "x", "--item", "no-such-id") == 1
    assert run("note", str(session), "   ") == 1
    assert session.read_bytes() == before
    entries = load_session(session)[1]
    assert [(entry.target, entry.payload["text"], entry.actor) for entry in entries] == [
        ("", "all hands at 06:30", "pipeline"), (plan_copy.events[0].id, "waiting on DNS", "bob")]


def test_handoff_updates_the_header_and_refuses_a_no_op(session, capsys):
    assert run("handoff", str(session), "bob", "--as", "alice") == 0
    assert "bob leads now" in capsys.readouterr().out
    header, entries, _ = load_session(session)
    assert header.lead == "bob" and entries[-1].kind == "handoff"
    before = session.read_bytes()
    assert run("handoff", str(session), "bob") == 1
    assert "already leads" in capsys.readouterr().err
    assert session.read_bytes() == before


def test_status_json_shape_and_progress(plan_copy, session, capsys):
    first, second = plan_copy.tasks[0], plan_copy.tasks[1]
    run("mark", str(session), first.id, "--note", "\x1b[31mred\x07")
    run("mark", str(session), second.id)
    run("mark", str(session), second.id, "--undo")
    capsys.readouterr()
    assert run("status", str(session), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert {"launch", "lead", "t0", "plan", "plan_changed", "vanished_ids", "progress", "sections", "owners",
            "open", "events", "last_entries"} <= set(report)
    assert report["launch"] == "VÖR Platform go-live" and report["lead"] == "alice"
    assert report["t0"] == "2026-11-22T07:00:00.000Z" and report["plan_changed"] is False
    initially = sum(1 for task in plan_copy.tasks if task.checked)
    assert report["progress"] == {"done": initially + (0 if first.checked else 1), "total": len(plan_copy.tasks)}
    open_ids = {item["id"] for item in report["open"]}
    assert first.id not in open_ids and second.id in open_ids
    assert all({"path", "done", "total"} <= set(section) for section in report["sections"])
    assert all({"role", "done", "total", "open"} <= set(owner) for owner in report["owners"])
    assert len(report["events"]) == len(plan_copy.events)  # their states: test_status_uses_the_timeline_states
    assert [entry["seq"] for entry in report["last_entries"]] == [1, 2, 3]
    assert run("status", str(session)) == 0
    text = capsys.readouterr().out
    assert "VÖR Platform go-live" in text and f"[{second.id}]" in text and "\x1b" not in text and "\x07" not in text


def test_status_reports_a_changed_plan_and_vanished_ids(plan_copy, session, tmp_path, capsys):
    gone = plan_copy.tasks[0]
    run("mark", str(session), gone.id)
    source = Path(gone.source)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[gone.line - 1]
    source.write_text("".join(lines), encoding="utf-8")
    plan_file = Path(plan_copy.path)
    plan_file.write_text(plan_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    capsys.readouterr()
    assert run("status", str(session), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["plan_changed"] is True and report["vanished_ids"] == [gone.id]
    assert run("status", str(session)) == 0
    out = capsys.readouterr().out
    assert "CHANGED" in out and gone.id in out


def test_status_without_the_plan_still_shows_the_journal(plan_copy, session, tmp_path, capsys):
    run("mark", str(session), plan_copy.tasks[0].id)
    shutil.rmtree(tmp_path / "timelines")
    capsys.readouterr()
    assert run("status", str(session), "--json") == 0
    captured = capsys.readouterr()
    assert "plan cannot be read" in captured.err
    report = json.loads(captured.out)
    assert report["plan_found"] is False and report["checks"] == {plan_copy.tasks[0].id: True}
    assert run("status", str(session)) == 0


def test_the_installed_command_runs_mark(plan_copy, session):
    """Through `python -m launchpad`, as a deploy pipeline would call it."""
    result = subprocess.run([sys.executable, "-m", "launchpad", "mark", str(session), plan_copy.tasks[2].id,
                             "--as", "ci"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert load_session(session)[1][-1].actor == "ci"


def test_status_uses_the_timeline_states_and_the_activity_words(plan_copy, session, capsys):
    # T0 - 24h is the security scan (2h long: grace 30m); T-12h the dry run (1h: grace 15m).
    run("mark", str(session), plan_copy.tasks[0].id)
    run("note", str(session), "all hands in the war room")
    capsys.readouterr()
    assert run("status", str(session), "--json", "--at", "T-23h50m") == 0
    states = {event["id"]: event["state"] for event in json.loads(capsys.readouterr().out)["events"]}
    assert states["security-scan"] == "due" and states["migration-dry-run"] == "pending"
    assert run("status", str(session), "--json", "--at", "T-11h") == 0
    report = json.loads(capsys.readouterr().out)
    events = {event["id"]: event for event in report["events"]}
    assert events["security-scan"]["state"] == "late" and events["migration-dry-run"]["state"] == "late"
    assert events["migration-dry-run"]["overdue_seconds"] == 3600
    assert run("status", str(session), "--at", "T-11h") == 0
    text = capsys.readouterr().out
    assert "LATE        Database migration dry run" in text  # the timeline's words, as the cockpit says them
    assert run("status", str(session)) == 0  # now: the entries are in
    text = capsys.readouterr().out
    assert f"pipeline ticked #{plan_copy.tasks[0].id} {plan_copy.tasks[0].text}" in text
    assert "pipeline noted: all hands in the war room" in text
    assert "poll #0" not in text  # no poll was ever opened


def test_an_unknown_id_suggests_only_close_matches(plan_copy, session, capsys):
    before = session.read_bytes()
    assert run("note", str(session), "x", "--item", "nope") == 1
    err = capsys.readouterr().err
    assert "unknown item ID `nope`" in err and "did you mean" not in err and "launchpad status SESSION" in err
    assert run("note", str(session), "x", "--item", "deploy-backnd") == 1
    assert "did you mean `deploy-backend`?" in capsys.readouterr().err
    assert run("mark", str(session), "traffic") == 1
    assert "did you mean `enable-traffic`?" in capsys.readouterr().err
    assert session.read_bytes() == before


def test_status_says_step_states_in_the_timelines_words_and_skips_probe_minutes(plan_copy, session, capsys):
    """A started step reads "in progress" (never the raw `in_progress`); the JSON keeps the state and adds its
    label; the last entries are what people did, not the per-minute probe figures written after them."""
    from datetime import timedelta

    from launchpad.store.session_file import open_for_append

    with open_for_append(session, actor="alice", clock=lambda: T0 - timedelta(hours=2)) as file:
        file.append("event", "deploy-backend", {"state": "in_progress"})
        file.append("mode", "", {"mode": "rollback", "reason": "p95 up"})
        for minute in range(12):
            file.append("probe_minute", "api-health", {"minute": f"2026-11-22T16:{minute:02d}:00.000Z", "count": 6,
                                                      "errors": 0, "p50": 40.0, "p95": 80.0})
    capsys.readouterr()
    assert run("status", str(session), "--at", "T-1h55m") == 0
    text = capsys.readouterr().out
    assert "in progress Deploy backend" in text and "in_progress" not in text
    assert "probe_minute" not in text and "alice declared ROLLBACK: p95 up" in text
    assert "alice mode" not in text
    assert run("status", str(session), "--json", "--at", "T-1h55m") == 0
    report = json.loads(capsys.readouterr().out)
    backend = next(event for event in report["events"] if event["id"] == "deploy-backend")
    assert backend["state"] == "in_progress" and backend["label"] == "in progress"
    assert [entry["kind"] for entry in report["last_entries"]] == ["event", "mode"]

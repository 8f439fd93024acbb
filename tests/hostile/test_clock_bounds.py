"""Values the clock cannot hold are refused at the door: plans (`file:line` from validate and the loader), CLI
arguments (exit 2, one line, nothing written) and entries already on disk (reported, skipped, never a crash).

Each reproducer of the issue is here: `recycle S T-99999999h`, `scrub --t0 9999-12-31T23:00:00Z` / `0001-01-01`,
hand-edited `to = -inf | nan | -1e300`, `events = 5`, an event `at = "T-99999999999h"`, `duration = nan`."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from launchpad.cli.main import main
from launchpad.core.plan.plan import load_plan
from launchpad.store.session_file import create_session

from .conftest import ROOT

pytestmark = pytest.mark.hostile

ENTRY = """
[[entry]]
seq = {seq}
at = {at}
actor = "mallory"
kind = "{kind}"
target = ""
[entry.payload]
{payload}
# end
"""


@pytest.fixture
def session(plan_dir, monkeypatch):
    monkeypatch.setenv("LAUNCHPAD_USER", "pipeline")
    plan, problems = load_plan(plan_dir / "timelines" / "launch-day.toml", env={})
    assert plan is not None and not problems
    path = plan_dir / "launch.session.toml"
    create_session(plan, path, datetime.now(timezone.utc) + timedelta(hours=1), "alice").close()
    return path


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def readable_everywhere(path, capsys) -> dict:
    """status, status --json and report all work on the file; returns the status document."""
    code, text, err = cli(capsys, "status", str(path))
    assert code == 0, err
    code, raw, err = cli(capsys, "status", str(path), "--json")
    assert code == 0, err
    code, report, err = cli(capsys, "report", str(path))
    assert code == 0 and report.startswith("# Post-launch report"), err
    return json.loads(raw)


@pytest.mark.parametrize("argv", [
    ("recycle", "{s}", "T-99999999h", "--reason", "x"),
    ("recycle", "{s}", "T-401d", "--reason", "x"),
    ("scrub", "{s}", "--reason", "x", "--t0", "9999-12-31T23:00:00Z"),
    ("scrub", "{s}", "--reason", "x", "--t0", "0001-01-01T00:00+01:00"),  # before year 1 in UTC
    ("scrub", "{s}", "--reason", "x", "--t0", "2000-01-01T00:00Z"),
    ("scrub", "{s}", "--reason", "x", "--t0", (datetime.now(timezone.utc) + timedelta(days=800)).strftime("%Y-%m-%dT%H:%MZ")),
    ("status", "{s}", "--at", "9999-12-31T23:00:00Z"),
    ("status", "{s}", "--at", "T+99999999h"),
])
def test_cli_arguments_the_clock_cannot_hold_are_argument_errors(session, capsys, argv):
    before = session.read_bytes()
    code, out, err = cli(capsys, *(part.format(s=session) for part in argv))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and not out
    assert re.search(r"400 days|ten years|range a clock can hold", err), err
    assert session.read_bytes() == before
    readable_everywhere(session, capsys)


@pytest.mark.parametrize("kind,payload", [
    ("recycle", 'to = -inf'),
    ("recycle", 'to = nan'),
    ("recycle", 'to = -1e300'),
    ("recycle", 'to = -99999999999999999999999'),
    ("recycle", 'to = "T-99999999999h"'),
    ("recycle", 'to = "T-1h"\nevents = 5\nitems = {a = 1}'),
    ("recycle", 'to = [1, 2]'),
    ("scrub", 't0 = 9999-12-31T23:00:00Z\nreason = "x"'),
    ("scrub", 't0 = 0001-01-01T00:00:00Z\nreason = "x"'),
    ("scrub", 't0 = "0001-01-01"\nreason = 5\nevents = 5'),
    ("hold", 'reason = {a = [1, {b = nan}]}'),
    ("resume", 'of = 5'),
    ("vote", 'vote = inf\nreason = -1e300'),
    ("mode", 'mode = "rollback"\nreason = [1]\nsince = 9999-12-31T23:00:00Z'),
    ("event", 'state = {x = 1}'),
])
def test_hand_edited_entries_are_skipped_never_a_crash(session, capsys, kind, payload):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with session.open("a", encoding="utf-8") as file:
        file.write(ENTRY.format(seq=1, at=now, kind=kind, payload=payload))
    document = readable_everywhere(session, capsys)
    if kind == "recycle" and "T-1h" not in payload:
        assert document["count"]["recycles"] == []
        assert any("#1 recycle" in skipped for skipped in document["count"]["skipped"])
    if kind == "scrub":
        assert document["count"]["attempt"] == 1 and document["count"]["skipped"]


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59.999Z", "0001-01-01T00:00:00.000Z"])
def test_an_entry_written_at_a_time_the_clock_cannot_hold_is_skipped(session, capsys, at):
    with session.open("a", encoding="utf-8") as file:
        file.write(ENTRY.format(seq=1, at=at, kind="hold", payload='reason = "far"'))
        file.write(ENTRY.format(seq=2, at=at, kind="recycle", payload='to = "T-1h"'))
    document = readable_everywhere(session, capsys)
    assert document["count"]["holding"] is False and len(document["count"]["skipped"]) == 2


@pytest.mark.parametrize("table,old,new,message", [
    ("event", 'at = "T-24h"', 'at = "T-99999999999h"', "more than 400 days"),
    ("event", 'duration = "2h"', "duration = nan", "finite"),
    ("event", 'duration = "2h"', "duration = 1e300", "longer than 400 days"),
    ("event", 'at = "T-24h"', "at = 5", "must be a string"),
    ("hold", 'at = "T-15m"', 'at = "T+99999999h"', "more than 400 days"),
    ("hold", 'duration = "10m"', "duration = -inf", "finite"),
    ("hold", 'duration = "10m"', "duration = [1]", "not list"),
    ("poll", 'at = "T-15m"', 'at = "T-9999999h"', "more than 400 days"),
])
def test_plan_values_the_clock_cannot_hold_get_file_and_line(plan_dir, capsys, table, old, new, message):
    plan_path = plan_dir / "timelines" / "launch-day.toml"
    source = plan_path.read_text(encoding="utf-8")
    start = source.index(f"[[{table}]]" if table != "poll" else "[poll]")
    source = source[:start] + source[start:].replace(old, new, 1)
    plan_path.write_text(source, encoding="utf-8")
    line = source[:source.index(new, start)].count("\n") + 1
    plan, problems = load_plan(plan_path, env={})
    assert any(problem.line == line and message in problem.message for problem in problems), problems
    code, out, err = cli(capsys, "validate", str(plan_path))
    assert code == 1 and f"{plan_path}:{line}: " in out + err and "Traceback" not in out + err


def test_a_launch_planned_years_ahead_still_counts(plan_dir, capsys, monkeypatch):
    """T-0 three years out (the e2e test's 2030) is a T-0 the clock can hold: holds and recycles fold as usual."""
    monkeypatch.setenv("LAUNCHPAD_USER", "pipeline")
    plan, _ = load_plan(plan_dir / "timelines" / "launch-day.toml", env={})
    path = plan_dir / "far.session.toml"
    create_session(plan, path, datetime.now(timezone.utc) + timedelta(days=3 * 365), "alice").close()
    assert cli(capsys, "hold", str(path), "--reason", "weather")[0] == 0
    document = readable_everywhere(path, capsys)
    assert document["count"]["holding"] is True and document["count"]["skipped"] == []


@pytest.mark.parametrize("t0", ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z"])
def test_a_header_t0_the_clock_cannot_hold_is_a_message_not_a_traceback(session, capsys, t0):
    text = session.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^t0 = .*$", f"t0 = {t0}", text, count=1)
    session.write_text(text, encoding="utf-8")
    for command in ("status", "report"):
        code, out, err = cli(capsys, command, str(session))
        assert code == 1 and "ten years" in err and "Traceback" not in err

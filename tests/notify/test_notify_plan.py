"""`[[notify]]` in a plan: read, checked with file:line problems, and judged by Apprise's own URL parser."""

from __future__ import annotations

from launchpad.cli.main import main
from launchpad.core.control.notify_config import DEFAULT_EVENTS
from launchpad.core.plan.plan import load_plan
from tests.notify.conftest import notify_table, write_plan


def test_targets_are_read_with_their_events_and_digest(tmp_path):
    path = write_plan(tmp_path, notify_table("slack://${SLACK_A}/${SLACK_B}/${SLACK_C}/#launch", '"hold", "go"',
                                             name="war-room", extra='digest = "30m"')
                      + notify_table("json://127.0.0.1:9/hook"))
    plan, problems = load_plan(path, env={"SLACK_A": "a" * 9, "SLACK_B": "b" * 9, "SLACK_C": "c" * 24})
    assert problems == []
    room, hook = plan.notify
    assert (room.name, room.events, room.digest) == ("war-room", frozenset({"hold", "go", "digest"}), 1800)
    assert room.shown == "war-room (slack://…)" and "${SLACK_A}" in room.url  # kept as written, never resolved
    assert hook.name == "notify-2" and hook.events == frozenset(DEFAULT_EVENTS)


def test_unknown_events_missing_variables_and_bad_keys_point_at_their_lines(tmp_path):
    from launchpad.shell.notify import check_urls

    path = write_plan(tmp_path, notify_table("slack://${SLACK_TOKEN}/x", '"hodl", "go"', extra='chanel = "x"'))
    plan, problems = load_plan(path, env={})
    text = path.read_text().splitlines()
    by_message = {problem.message: problem for problem in problems}
    hodl = next(p for m, p in by_message.items() if "`hodl`" in m)
    assert "did you mean `hold`" in hodl.hint and text[hodl.line - 1].startswith("events")
    assert not any("which is not set" in m for m in by_message)  # not the plan's fault: the cockpit opens
    [unset] = check_urls(plan, env={})  # what `launchpad validate` adds: by name, at the url's line
    assert "${SLACK_TOKEN}, which is not set" in unset.message
    assert text[unset.line - 1].startswith("url") and "export SLACK_TOKEN" in unset.hint
    chanel = next(p for m, p in by_message.items() if "`chanel`" in m)
    assert text[chanel.line - 1].startswith("chanel")


def test_validate_asks_apprise_about_each_url_and_never_prints_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HOOK_TOKEN", "s3cr3t-hook-token-value")
    path = write_plan(tmp_path, notify_table("nosuchservice://${HOOK_TOKEN}@example/x", name="pager")
                      + notify_table("json://127.0.0.1:9/${HOOK_TOKEN}", name="hook"))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    url_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("url"))
    assert f"{path}:{url_line}: Apprise does not understand the url of notify target pager (nosuchservice://…)" in out
    assert "target hook" not in out  # the json:// target is fine
    assert "s3cr3t" not in out and "HOOK_TOKEN" not in out


def test_a_valid_notify_table_validates_clean(tmp_path, capsys):
    path = write_plan(tmp_path, notify_table("json://127.0.0.1:9/hook", '"trigger_firing", "hold", "go"'))
    assert main(["validate", str(path)]) == 0
    assert "1 notify target: ok" in capsys.readouterr().out

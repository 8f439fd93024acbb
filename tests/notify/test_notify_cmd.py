"""`launchpad notify SESSION --test | "text"`: each target tried and reported, results journaled, URL never shown."""

from __future__ import annotations

from launchpad.cli.main import main
from launchpad.core.journal.report import render_report
from launchpad.store.session_file import load_session
from tests.notify.conftest import notify_table, start_session, write_plan
from tests.notify.receivers import Receiver, closed_port

SECRET = "s3cret-webhook-token-42"


def test_test_message_reaches_each_target_and_a_dead_one_fails_the_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HOOK_TOKEN", SECRET)
    with Receiver() as good:
        dead = f"json://127.0.0.1:{closed_port()}/hooks/${{HOOK_TOKEN}}"
        path = write_plan(tmp_path, notify_table(good.url("/hooks/${HOOK_TOKEN}"), name="good")
                          + notify_table(dead, name="dead"))
        start_session(path, tmp_path / "s.toml", env={"HOOK_TOKEN": SECRET}).close()
        assert main(["notify", str(tmp_path / "s.toml"), "--test", "--as", "ops"]) == 1
        out, err = capsys.readouterr()
        assert "good (json://…): sent" in out and "dead (json://…): FAILED: " in out
        assert len(good.messages) == 1 and "test message" in good.messages[0]["message"]
        entries = [e for e in load_session(tmp_path / "s.toml")[1] if e.kind == "notify"]
        assert [(e.target, e.payload["status"], e.payload["event"]) for e in entries] == [
            ("good", "sent", "test"), ("dead", "failed", "test")]
        report = render_report(*load_session(tmp_path / "s.toml")[:2])
        assert "announced test to good" in report and "json://…" in report  # link-like words stay inert (code span)
        for shown in (out, err, (tmp_path / "s.toml").read_text(), report):
            assert SECRET not in shown and SECRET[:8] not in shown


def test_a_free_message_is_posted_and_journaled_and_exit_zero_when_all_took_it(tmp_path, capsys):
    with Receiver() as good:
        path = write_plan(tmp_path, notify_table(good.url(), name="room"))
        start_session(path, tmp_path / "s.toml").close()
        assert main(["notify", str(tmp_path / "s.toml"), "Deploy is 10 minutes late, holding at T-30m", "--as", "ops"]) == 0
        assert good.messages[0]["message"] == "Deploy is 10 minutes late, holding at T-30m — ops"
        assert good.messages[0]["title"].startswith("Orbit go-live · T")  # the CLI reads the wall clock
        entry = [e for e in load_session(tmp_path / "s.toml")[1] if e.kind == "notify"][0]
        assert (entry.actor, entry.payload["event"], entry.payload["status"]) == ("ops", "message", "sent")


def test_usage_mistakes_and_a_plan_without_targets_say_what_to_do(tmp_path, capsys):
    path = write_plan(tmp_path, "")
    start_session(path, tmp_path / "s.toml").close()
    assert main(["notify", str(tmp_path / "s.toml")]) == 1
    assert "give either --test or a message text" in capsys.readouterr().err
    assert main(["notify", str(tmp_path / "s.toml"), "--test"]) == 1
    err = capsys.readouterr().err
    assert "no usable [[notify]] target" in err and "hint:" in err and "Traceback" not in err

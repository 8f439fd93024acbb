"""`launchpad validate`: counts, messages with file:line and hints, JSON, exit codes."""

import json
import subprocess
import sys

from launchpad.cli.main import main


def test_seeds_and_bundled_plan_are_valid(capsys, seeds, bundled_plan):
    assert main(["validate", str(bundled_plan), *map(str, seeds)]) == 0
    out = capsys.readouterr().out
    assert "plan, 85 tasks" in out
    assert "54 tasks, 20 sections, 8 events, 4 roles: ok" in out


def test_json_shape(capsys, seeds):
    seed = next(path for path in seeds if path.name.startswith("004_"))
    assert main(["validate", "--json", str(seed)]) == 0
    report = json.loads(capsys.readouterr().out)
    (entry,) = report["files"]
    assert entry["kind"] == "checklist"
    assert (entry["tasks"], entry["events"], entry["roles"], entry["errors"]) == (54, 8, 4, [])
    assert set(entry) >= {"path", "kind", "tasks", "sections", "events", "roles", "errors"}


def test_problems_exit_1_with_file_line_and_hint(tmp_path, capsys):
    plan = tmp_path / "bad.toml"
    plan.write_text('[launch]\nname = "x"\n\n[[event]]\nat = "T-25x"\ntitle = "Deploy"\n', encoding="utf-8")
    assert main(["validate", str(plan)]) == 1
    out = capsys.readouterr().out
    assert f"{plan}:5: bad T-offset `T-25x`" in out
    assert "hint:" in out
    assert main(["validate", "--json", str(plan)]) == 1
    errors = json.loads(capsys.readouterr().out)["files"][0]["errors"]
    assert errors[0]["line"] == 5 and "T-25x" in errors[0]["message"]


def test_usage_error_exits_2():
    result = subprocess.run([sys.executable, "-m", "launchpad", "validate", "--nope"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "PATH" in result.stderr


def test_without_a_path_it_checks_the_bundled_plan():
    result = subprocess.run([sys.executable, "-m", "launchpad", "validate"], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    assert "launch-day.toml: plan, 85 tasks" in result.stdout


def test_missing_file_is_a_problem_not_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "launchpad", "validate", str(tmp_path / "nope.toml")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "file not found" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

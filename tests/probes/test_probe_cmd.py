"""`launchpad probe`: JSON lines, the people table, exit codes, no secrets in any output."""

from __future__ import annotations

import json
import socket

import pytest

from launchpad.cli.main import main

SECRET = "s3cret-token"


def write_plan(tmp_path, probes: str, extra: str = "") -> str:
    path = tmp_path / "plan.toml"
    path.write_text(f'[launch]\nname = "probe test"\n\n{probes}\n{extra}', encoding="utf-8")
    return str(path)


def probe(name: str, url: str, **keys) -> str:
    lines = [f"[[probe]]", f'name = "{name}"', f'url = "{url}"']
    lines += [f"{key} = {value}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_once_json_healthy_exits_0(server, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("API_TOKEN", SECRET)
    plan = write_plan(tmp_path, probe("api", f"{server.url}/headers", conditions='["[BODY].authorization == true"]')
                      + '[probe.headers]\nAuthorization = "Bearer ${API_TOKEN}"\n')
    assert main(["probe", plan, "--once", "--json"]) == 0
    out, err = capsys.readouterr()
    (record,) = json_lines(out)
    assert set(record) == {"probe", "at", "ok", "status", "latency_ms", "error"}
    assert record["probe"] == "api" and record["ok"] is True and record["status"] == 200 and record["error"] is None
    assert record["at"].endswith("Z") and record["latency_ms"] > 0
    assert SECRET not in out + err


def test_once_table_unhealthy_exits_1(server, tmp_path, capsys, closed_port, monkeypatch):
    monkeypatch.setenv("API_TOKEN", SECRET)
    plan = write_plan(
        tmp_path,
        probe("api", f"{server.url}/ok") + '[probe.headers]\nAuthorization = "Bearer ${API_TOKEN}"\n'
        + probe("markup", f"{server.url}/markup-500")
        + probe("gone", f"http://127.0.0.1:{closed_port}/"),
    )
    assert main(["probe", plan, "--once"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["PROBE", "STATE", "STATUS", "LATENCY"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["api"].split()[1] == "UP"
    assert rows["markup"].split()[1:3] == ["DOWN", "500"] and "status 500" in rows["markup"]
    assert "DOWN" in rows["gone"] and "connect" in rows["gone"]
    assert SECRET not in out + err and "\x1b" not in out


def test_error_json_has_kind_and_message(tmp_path, capsys, closed_port):
    plan = write_plan(tmp_path, probe("gone", f"http://127.0.0.1:{closed_port}/"))
    assert main(["probe", plan, "--once", "--json"]) == 1
    (record,) = json_lines(capsys.readouterr().out)
    assert record["ok"] is False and record["error"]["kind"] == "connect" and record["error"]["message"]


def test_duration_reports_trigger_changes_and_exits_1(tmp_path, capsys, closed_port):
    plan = write_plan(
        tmp_path,
        probe("gone", f"http://127.0.0.1:{closed_port}/", interval='"100ms"', timeout='"100ms"'),
        '[[trigger]]\nname = "Health check failures > 1 consecutive"\nkind = "consecutive_failures"\nabove = 1\n',
    )
    assert main(["probe", plan, "--duration", "1.5", "--json"]) == 1
    records = json_lines(capsys.readouterr().out)
    attempts = [r for r in records if "probe" in r and "ok" in r]
    changes = [r for r in records if "trigger" in r]
    assert len(attempts) >= 3
    assert [c["state"] for c in changes][:2] == ["pending", "firing"]
    firing = changes[1]
    assert firing["trigger"] == "Health check failures > 1 consecutive" and firing["probe"] == "gone"
    assert firing["value"] == 2.0 and firing["at"].endswith("Z")


def test_plan_error_exits_2_with_lines_on_stderr(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MISSING_TOKEN", raising=False)
    plan = write_plan(tmp_path, probe("api", "api.example.com/health") + '[probe.headers]\nX-Key = "${MISSING_TOKEN}"\n')
    assert main(["probe", plan, "--once"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "plan.toml:6: invalid_url" in err
    assert "plan.toml:8: header X-Key of probe api uses ${MISSING_TOKEN}, which is not set" in err
    assert "hint: export MISSING_TOKEN=..." in err


def test_plan_without_probes_exits_2(tmp_path, capsys):
    assert main(["probe", write_plan(tmp_path, ""), "--once"]) == 2
    assert "no [[probe]] or [[metric]] tables" in capsys.readouterr().err


def test_once_and_duration_exclude_each_other(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["probe", write_plan(tmp_path, ""), "--once", "--duration", "5"])
    assert exited.value.code == 2


def test_demo_service_is_started_for_the_run(tmp_path, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    plan = write_plan(tmp_path, probe("demo", f"http://127.0.0.1:{port}/health", conditions='["[BODY].status == UP"]'),
                      f"[demo]\nport = {port}\n")
    assert main(["probe", plan, "--once", "--json"]) == 0
    (record,) = json_lines(capsys.readouterr().out)
    assert record["ok"] is True
    with socket.socket() as sock:  # and stopped afterwards: the port is free again
        sock.bind(("127.0.0.1", port))


def test_ctrl_c_ends_probe_like_every_command_with_130(server, tmp_path):
    """`launchpad probe` prints its table on Ctrl-C, then ends as cli/main.py ends every command: one line, 130
    (it caught the interrupt itself and exited 0 or 1, as if the run had finished)."""
    import signal
    import subprocess
    import sys

    from launchpad.cli.main import INTERRUPTED

    plan = write_plan(tmp_path, probe("api", f"{server.url}/ok", interval=1, timeout=1))
    child = subprocess.Popen([sys.executable, "-m", "launchpad", "probe", plan, "--duration", "600", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()  # one attempt made: the probe loop is running
        assert json.loads(first)["probe"] == "api"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == INTERRUPTED, (out, err)
    assert err.endswith("launchpad: interrupted\n") and "Traceback" not in err

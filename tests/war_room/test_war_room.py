"""Several cockpits on one session file, each in its own process (issue 11): they show one truth.

Each cockpit is tests/war_room/cockpit_worker.py: the real LaunchpadApp and ProbeRuntime, headless, reporting
what its screen shows. The probes watch the plan's demo service on 127.0.0.1, started by whichever cockpit
probes. No timed assertions: every wait is "until the screens say so", with a generous ceiling for slow CI.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from launchpad.core.plan.plan import load_plan
from launchpad.shell.session import LiveSession

WORKER = Path(__file__).with_name("cockpit_worker.py")
T0 = "2030-01-01T12:00Z"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def war_room_plan(tmp_path: Path, port: int) -> Path:
    (tmp_path / "rollback.md").write_text("# Rollback\n\n## Rollback Steps\n1. [ ] Revert\n", encoding="utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(f"""
[launch]
name = "War room"
checklists = ["rollback.md"]
rollback_section = "Rollback Steps"

[[role]]
id = "backend"
title = "Backend Lead"
person = "Bo Lindqvist"

[demo]
port = {port}

[[probe]]
name = "health"
url = "http://127.0.0.1:{port}/health"
interval = "2s"
timeout = "1900ms"  # generous: a loaded CI machine (its UI loops starved) must not turn slowness into a failure

[[trigger]]
name = "Health check failures > 3 consecutive"
kind = "consecutive_failures"
above = 3

[[trigger]]
name = "Error rate > 5%"
kind = "error_rate"
above = "5%"
window = "30s"
min_samples = 5
""", encoding="utf-8")
    return plan


class Cockpit:
    def __init__(self, tmp_path: Path, session: Path, actor: str, watch: bool = False):
        self.out = tmp_path / f"{actor}.json"
        self.commands = tmp_path / f"{actor}.commands"
        self.commands.write_text("", encoding="utf-8")
        argv = [sys.executable, str(WORKER), str(session), actor, str(self.out), str(self.commands)]
        self.process = subprocess.Popen(argv + (["--watch"] if watch else []), cwd=tmp_path,
                                        stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"{actor}.err", "w"),
                                        env={**os.environ, "NO_COLOR": "1"})
        self.actor = actor

    def screen(self) -> dict:
        try:
            return json.loads(self.out.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    def send(self, command: str) -> None:
        with open(self.commands, "a", encoding="utf-8") as handle:
            handle.write(command + "\n")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)


def wait_until(predicate, what: str, ceiling: float = 60.0):
    deadline = time.monotonic() + ceiling
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def set_demo(port: int, mode: str) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_demo/mode", data=mode.encode(), method="POST")
    DIRECT.open(request, timeout=5).read()


def journal(session: Path) -> list[dict]:
    return tomllib.loads(session.read_text(encoding="utf-8")).get("entry", [])


@pytest.fixture
def war_room(tmp_path):
    port = free_port()
    plan, problems = load_plan(war_room_plan(tmp_path, port), env={})
    assert plan is not None and not problems
    from datetime import datetime

    session_path = tmp_path / "war.session.toml"
    LiveSession.start(plan, session_path, t0=datetime.fromisoformat(T0.replace("Z", "+00:00")), actor="lead").close()
    cockpits: list[Cockpit] = []

    def open_cockpit(actor: str, watch: bool = False) -> Cockpit:
        cockpit = Cockpit(tmp_path, session_path, actor, watch)
        cockpits.append(cockpit)
        return cockpit

    yield port, session_path, open_cockpit
    for cockpit in cockpits:
        cockpit.stop()


def leader_of(cockpits):
    leaders = [c for c in cockpits if c.screen().get("leader")]
    return leaders[0] if len(leaders) == 1 else None


def test_three_cockpits_show_the_same_figures_and_one_ack_clears_every_banner(war_room):
    port, session, open_cockpit = war_room
    cockpits = [open_cockpit(name) for name in ("ana", "ben", "cy")]
    prober = wait_until(lambda: leader_of(cockpits), "one cockpit probes")
    followers = [c for c in cockpits if c is not prober]

    def same_figures():
        screens = [c.screen() for c in cockpits]
        shown = [s.get("probes", {}).get("health", {}) for s in screens]
        return shown[0].get("n", 0) >= 3 and all(one == shown[0] for one in shown)

    wait_until(same_figures, "the three screens show the prober's figures at one instant")
    for follower in followers:
        assert follower.screen()["source"].startswith(f"from {prober.actor} (pid {prober.process.pid})")
    set_demo(port, "down")
    wait_until(lambda: all("ROLLBACK TRIGGER" in c.screen().get("banner", "") for c in cockpits),
               "every cockpit rings the rollback banner")
    wait_until(lambda: all("+1 more firing" in c.screen()["banner"] for c in cockpits), "both triggers fire")
    followers[0].send("ack")  # a follower acknowledges: every banner stops ringing
    wait_until(lambda: all(c.screen().get("banner") == "" for c in cockpits), "every banner is quiet")
    acks = [e for e in journal(session) if e["kind"] == "ack"]
    assert sorted(a["payload"]["trigger"] for a in acks) == ["Error rate > 5%", "Health check failures > 3 consecutive"]
    assert {a["actor"] for a in acks} == {followers[0].actor}
    followers[1].send("ack")  # nothing is ringing there any more: nothing more is journaled
    prober.send("ack")
    time.sleep(1.0)  # give a wrong second ack every chance to land (not a timing assertion: nothing may appear)
    assert len([e for e in journal(session) if e["kind"] == "ack"]) == 2


def test_kill_9_of_the_prober_hands_over_without_a_trigger_firing(war_room):
    port, session, open_cockpit = war_room
    cockpits = [open_cockpit(name) for name in ("ana", "ben", "cy")]
    prober = wait_until(lambda: leader_of(cockpits), "one cockpit probes")
    wait_until(lambda: all(c.screen().get("probes", {}).get("health", {}).get("state") == "UP" for c in cockpits),
               "every cockpit shows the health probe UP")
    survivors = [c for c in cockpits if c is not prober]
    for cockpit in survivors:
        cockpit.send("forget")  # from here on, what they draw must never be DOWN
    wait_until(lambda: all(c.screen()["done"] == 1 for c in survivors), "the survivors start counting")
    killed_at = len(journal(session))
    os.kill(prober.process.pid, signal.SIGKILL)  # its demo service dies with it
    prober.process.wait(10)
    heir = wait_until(lambda: leader_of(survivors), "another cockpit takes over the probes")

    def probing_again():
        screen = heir.screen()["probes"]["health"]
        return screen["state"] == "UP" and screen["n"] >= 5

    wait_until(probing_again, "the new prober measures the demo service it started itself")
    after = journal(session)[killed_at:]
    assert not [e for e in after if e["kind"] == "trigger" and e["payload"]["state"] in ("pending", "firing")]
    assert not [e for e in after if e["kind"] == "probe" and e["payload"]["state"] == "DOWN"]
    for cockpit in survivors:
        assert "DOWN" not in cockpit.screen()["seen"] and cockpit.screen()["banner"] == ""


def test_a_watching_cockpit_shows_stale_never_down_when_the_prober_is_gone(war_room):
    port, session, open_cockpit = war_room
    prober = open_cockpit("ana")
    watcher = open_cockpit("viewer", watch=True)
    wait_until(lambda: watcher.screen().get("probes", {}).get("health", {}).get("state") == "UP",
               "the watcher shows the prober's UP")
    watcher.send("forget")  # from here on, what it draws must never be DOWN
    wait_until(lambda: watcher.screen()["done"] == 1, "the watcher starts counting")
    before = session.read_bytes()
    os.kill(prober.process.pid, signal.SIGKILL)
    prober.process.wait(10)
    screen = wait_until(lambda: (s := watcher.screen())["probes"]["health"]["state"] == "STALE" and s,
                        "the watcher marks the figures STALE")
    assert screen["source"].startswith("STALE: ana (pid ")
    assert "DOWN" not in screen["seen"] and screen["banner"] == "" and not screen["leader"]
    watcher.send("ack")
    time.sleep(0.5)  # not a timing assertion: the watcher must have written nothing at all
    assert session.read_bytes()[: len(before)] == before
    assert not [e for e in journal(session) if e["actor"] == "viewer"]


def test_an_ack_from_a_script_quiets_every_cockpit_and_a_second_journals_nothing(war_room):
    port, session, open_cockpit = war_room
    cockpits = [open_cockpit(name) for name in ("ana", "ben")]
    wait_until(lambda: leader_of(cockpits), "one cockpit probes")
    launchpad = Path(sys.executable).parent / "launchpad"

    def ack() -> subprocess.CompletedProcess:
        return subprocess.run([str(launchpad), "ack", str(session), "--as", "pager-bot"], capture_output=True,
                              text=True, timeout=30)

    wait_until(lambda: all(c.screen().get("probes", {}).get("health", {}).get("state") == "UP" for c in cockpits),
               "the health probe is UP everywhere")
    set_demo(port, "down")
    wait_until(lambda: all("+1 more firing" in c.screen().get("banner", "") for c in cockpits), "both triggers ring")
    first = ack()
    assert first.returncode == 0 and first.stdout.count("acknowledged ") == 2, first.stdout + first.stderr
    wait_until(lambda: all(c.screen()["banner"] == "" for c in cockpits), "every banner is quiet")
    second = ack()
    assert second.returncode == 0 and second.stdout.count("already acknowledged: ") == 2
    acks = [e for e in journal(session) if e["kind"] == "ack"]
    assert len(acks) == 2 and {a["actor"] for a in acks} == {"pager-bot"}

"""Three cockpits (three processes) on one session file: every event reaches the receiver exactly once, in
journal order, also after the sending cockpit is killed and another takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from launchpad.store.session_file import load_session
from tests.notify.conftest import NOW, notify_table, start_session, write_plan
from tests.notify.receivers import Receiver, wait_until

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("sender_worker.py")


def journal(path):
    return load_session(path)[1]


def test_three_cockpits_post_each_event_once_in_order_and_a_new_leader_resends_nothing(tmp_path):
    with Receiver() as receiver:
        plan = write_plan(tmp_path, notify_table(receiver.url(), '"trigger_firing", "hold", "resume", "go"', name="room"))
        session_path = tmp_path / "s.toml"
        session = start_session(plan, session_path, actor="script")
        stop = tmp_path / "stop"
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        cockpits = {name: subprocess.Popen([sys.executable, str(WORKER), str(session_path), name, NOW.isoformat(), str(stop)],
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
                    for name in ("ann", "ben", "cat")}
        try:
            assert all(process.stdout.readline().strip() == b"ready" for process in cockpits.values())
            assert wait_until(lambda: any(e.kind == "notify" for e in journal(session_path)))
            session.poll()
            session.append("trigger", "errors · api", {"trigger": "errors", "probe": "api", "state": "firing",
                                                      "message": "error rate 7.5% > 5%", "value": 7.5})
            session.control.hold("weather")
            session.append("poll", "", {"action": "open"})
            session.append("poll", "", {"action": "close", "result": "go", "verdict": "GO FOR LAUNCH"})
            assert wait_until(lambda: len(receiver.messages) >= 3)
            watching = next(e for e in journal(session_path) if e.kind == "notify")
            leader = watching.actor
            assert wait_until(lambda: sum(e.payload.get("status") == "sent" for e in journal(session_path)) == 3)
            cockpits[leader].send_signal(signal.SIGKILL)  # the sender dies; another cockpit takes the lock
            cockpits[leader].wait(30)
            session.control.resume_count()
            assert wait_until(lambda: len(receiver.messages) >= 4)
            assert wait_until(lambda: sum(e.payload.get("status") == "sent" for e in journal(session_path)) == 4)
            time.sleep(1.0)  # room for a wrong duplicate to arrive; the assertion below is on counts, not time
            bodies = [body.split(" — ")[0] for body in receiver.bodies()]
            assert bodies == ["🔴 FIRING errors on api: error rate 7.5% > 5% (value 7.5)",
                              "⏸ HOLD at T-01:00:00: weather", "🚀 GO FOR LAUNCH (poll #1)",
                              "▶ count resumed at T-01:00:00"]
            senders = {e.actor for e in journal(session_path) if e.payload.get("status") == "sent"}
            assert len(senders) == 2 and leader in senders  # the first leader, then exactly one successor
        finally:
            stop.touch()
            for process in cockpits.values():
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            session.close()

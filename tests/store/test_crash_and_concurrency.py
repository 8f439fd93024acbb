"""kill -9 at random moments never loses an acknowledged entry; three writers never lose or double one."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from launchpad.core.journal.journal import fold
from launchpad.store.session_file import create_session, load_session, open_session

from .conftest import T0

WORKER = str(Path(__file__).with_name("journal_worker.py"))


def _worker(path: Path, count: int, actor: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WORKER, str(path), str(count), actor],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _read_acks_until(child: subprocess.Popen, deadline: float, acks: list[int]) -> None:
    """Collect acknowledged seqs from the child's pipe until the (random) kill moment."""
    fd = child.stdout.fileno()
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        acks.extend(int(line) for line in lines if line)


def test_kill_9_at_random_moments_loses_no_acknowledged_entry(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    rng = random.Random(4)
    acknowledged: list[int] = []
    for round_number in range(30):
        child = _worker(session_path, 0, f"crash-{round_number}")
        acks: list[int] = []
        # Wait for the first ack (the child is up and appending), then kill at a random moment.
        first_deadline = time.monotonic() + 20
        while not acks and time.monotonic() < first_deadline:
            _read_acks_until(child, time.monotonic() + 0.05, acks)
        _read_acks_until(child, time.monotonic() + rng.uniform(0.0, 0.12), acks)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        rest = child.stdout.read()  # acks already in the pipe were acknowledged before the kill
        acks.extend(int(line) for line in rest.split(b"\n") if line)
        child.stdout.close()
        child.stderr.close()
        assert acks, f"round {round_number}: the child never acknowledged an entry"
        acknowledged.extend(acks)
        header, entries, report = load_session(session_path)  # always loads
        seqs = {entry.seq for entry in entries}
        missing = [seq for seq in acknowledged if seq not in seqs]
        assert not missing, f"round {round_number}: acknowledged but lost: {missing[:5]}"
        if round_number % 5 == 4:
            session, report = open_session(session_path)  # the cockpit's resume path, repairing if needed
            assert {entry.seq for entry in session.entries} >= set(acknowledged)
            session.close()
    header, entries, report = load_session(session_path)
    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    assert len(acknowledged) == len(set(acknowledged))


def test_three_writers_times_1000_give_3000_unique_entries_and_a_follower_sees_them_all(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    follower, _ = open_session(session_path, actor="watcher")
    seen: list = []
    stop = threading.Event()

    def follow() -> None:  # a fourth cockpit polling read_new while the writers run
        while not stop.is_set():
            seen.extend(follower.read_new())
            stop.wait(0.01)

    thread = threading.Thread(target=follow)
    thread.start()
    writers = [_worker(session_path, 1000, f"pane-{n}") for n in range(3)]
    try:
        outputs = [writer.communicate(timeout=240) for writer in writers]
    finally:
        stop.set()
        thread.join()
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    assert [writer.returncode for writer in writers] == [0, 0, 0], [err.decode()[-500:] for _, err in outputs]
    seen.extend(follower.read_new())
    follower.close()
    header, entries, report = load_session(session_path)
    assert report.clean and report.fast
    assert [entry.seq for entry in entries] == list(range(1, 3001))
    for n in range(3):
        mine = [entry.payload["n"] for entry in entries if entry.actor == f"pane-{n}"]
        assert mine == list(range(1, 1001))  # each writer's actions, all there, once, in its order
    acked = sorted(int(line) for out, _ in outputs for line in out.split())
    assert acked == list(range(1, 3001))
    assert seen == entries  # the follower saw every entry once, in file order
    assert fold(header, seen) == fold(header, entries)

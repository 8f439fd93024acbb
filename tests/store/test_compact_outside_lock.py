"""Compaction and handoff copy the journal outside the session lock and swap the copy in under it, adding what
other writers appended meanwhile (store/session_file.SessionFile._swap): nothing is lost, nothing doubled,
the header names the lead the entries name, and a torn write met on the way is still set aside."""

from __future__ import annotations

import fcntl
import os

import pytest

from launchpad.core.journal.journal import current_lead, fold
from launchpad.store import session_file
from launchpad.store.session_file import create_session, load_session, open_for_append, open_session

from .conftest import T0


@pytest.fixture
def during_copy(monkeypatch):
    """Runs the given actions while the compacted copy is being written (the lock must be free then)."""
    actions: list = []
    calls: list[bool] = []
    real = session_file.prepare_replace

    def prepare(path, data, mode=0o666):
        lock_fd = os.open(f"{path}.lock", os.O_RDWR)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if the lock were held
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
        finally:
            os.close(lock_fd)
        calls.append(True)
        if actions:
            actions.pop(0)()
        return real(path, data, mode)

    monkeypatch.setattr(session_file, "prepare_replace", prepare)
    return actions, calls


def test_compaction_copies_outside_the_lock_and_keeps_what_came_meanwhile(stand_in_plan, session_path, during_copy):
    actions, calls = during_copy
    alice = create_session(stand_in_plan, session_path, T0, "alice")
    for index in range(20):
        alice.append("check", f"item-{index}")
    pipeline = open_for_append(session_path, actor="pipeline")
    actions.append(lambda: [pipeline.append("note", "", {"text": f"meanwhile {n}"}) for n in range(3)])
    inode = session_path.stat().st_ino
    alice.compact()
    assert calls and session_path.stat().st_ino != inode  # copied with the lock free, then renamed into place
    assert [entry.seq for entry in alice.read_new()] == list(range(1, 24))  # each entry once, in file order
    assert pipeline.append("check", "after").seq == 24  # the script follows the new file
    header, entries, report = load_session(session_path)
    assert report.clean and report.fast and [entry.seq for entry in entries] == list(range(1, 25))
    assert [entry.payload["text"] for entry in entries[20:23]] == ["meanwhile 0", "meanwhile 1", "meanwhile 2"]
    assert [name for name in os.listdir(session_path.parent) if ".tmp-" in name] == []
    alice.close()
    pipeline.close()


def test_handoff_holds_the_lock_only_to_append_and_to_swap(stand_in_plan, session_path, during_copy):
    actions, calls = during_copy
    alice = create_session(stand_in_plan, session_path, T0, "alice")
    bob, _ = open_session(session_path, actor="bob")
    alice.append("check", "a")
    actions.append(lambda: bob.append("note", "", {"text": "while the copy is written"}))
    entry = alice.handoff("bob", note="pager is yours")
    assert calls and dict(entry.payload) == {"from": "alice", "to": "bob", "note": "pager is yours"}
    header, entries, _ = load_session(session_path)
    assert header.lead == "bob" and [e.kind for e in entries] == ["check", "handoff", "note"]
    assert [e.kind for e in bob.read_new()] == ["check", "handoff", "note"]
    alice.close()
    bob.close()


def test_a_handoff_that_lands_during_the_copy_wins_the_header(stand_in_plan, session_path, during_copy):
    actions, _ = during_copy
    alice = create_session(stand_in_plan, session_path, T0, "alice")
    carol = open_for_append(session_path, actor="carol")
    alice.append("check", "a")
    # While Alice's save copies the file, Carol's handoff (appended and swapped in itself) makes Dave lead.
    actions.append(lambda: carol.handoff("dave"))
    alice.compact()
    header, entries, report = load_session(session_path)
    assert report.clean and header.lead == "dave" == current_lead(header, entries)
    assert [e.kind for e in entries] == ["check", "handoff"] and header.started_by == "alice"
    assert fold(header, entries).lead == "dave"
    alice.close()
    carol.close()


def test_the_outgoing_lead_counts_a_handoff_appended_after_the_snapshot(stand_in_plan, session_path, monkeypatch):
    alice = create_session(stand_in_plan, session_path, T0, "alice")
    other = open_for_append(session_path, actor="ops")
    real = session_file.SessionFile._snapshot

    def snapshot_then_handoff(self):
        taken = real(self)
        if self is alice and not getattr(self, "_raced", False):
            self._raced = True
            other.append("handoff", "lead", {"from": "alice", "to": "erin"})  # not compacted: only appended
        return taken

    monkeypatch.setattr(session_file.SessionFile, "_snapshot", snapshot_then_handoff)
    with pytest.raises(ValueError, match="erin already leads"):
        alice.handoff("erin")
    entry = alice.handoff("frank")
    assert entry.payload["from"] == "erin"
    header, entries, _ = load_session(session_path)
    assert header.lead == "frank" and [e.payload["to"] for e in entries] == ["erin", "frank"]
    alice.close()
    other.close()


def test_a_torn_write_met_during_the_swap_is_set_aside(stand_in_plan, session_path, during_copy):
    actions, _ = during_copy
    alice = create_session(stand_in_plan, session_path, T0, "alice")
    alice.append("check", "a")
    alice.append("check", "b")
    torn = b"\n[[entry]]\nseq = 3\nat = 2026-11-"

    def crash_mid_write():
        with open(session_path, "ab") as handle:
            handle.write(torn)

    actions.append(crash_mid_write)
    alice.compact()
    assert len(alice.repairs) == 1 and open(alice.repairs[0].saved_to, "rb").read() == torn
    header, entries, report = load_session(session_path)
    assert report.clean and [e.seq for e in entries] == [1, 2]
    assert alice.append("check", "c").seq == 3
    alice.close()


def test_garbage_in_the_middle_takes_the_locked_path_and_is_set_aside(stand_in_plan, session_path, during_copy):
    _, calls = during_copy
    alice = create_session(stand_in_plan, session_path, T0, "alice")
    for target in "abc":
        alice.append("check", target)
    data = session_path.read_bytes()
    second = data.index(b"\n[[entry]]\nseq = 2\n")
    session_path.write_bytes(data[:second] + b"\n[[entry]]\nseq = x\n# end\n" + data[second:])
    alice.compact()
    assert not calls and len(alice.repairs) == 1  # no snapshot to copy from: set aside under the lock instead
    header, entries, report = load_session(session_path)
    assert report.clean and [e.seq for e in entries] == [1, 2, 3]
    alice.close()


def test_a_save_packs_hours_of_old_probe_minutes_and_followers_see_nothing_twice(stand_in_plan, session_path):
    from dataclasses import replace
    from datetime import timedelta

    from launchpad.core.journal.journal import Header, entry_to_toml, header_to_toml, make_entry
    from launchpad.core.probes.probe_history import fold_minute

    header = Header(stand_in_plan.name, stand_in_plan.path, stand_in_plan.sha256, T0, T0 - timedelta(hours=6),
                    "alice", "alice")
    blocks, seq = [], 0
    for minute in range(300):  # five hours of three probes' minutes, a check now and then
        at = header.created_at + timedelta(minutes=minute + 1, seconds=1)
        for probe in ("api", "db", "web"):
            seq += 1
            figures = fold_minute(probe, at - timedelta(minutes=1), [minute % 7 != 0] * 12, [12.0 + minute % 9])
            blocks.append(make_entry(seq, at, "cockpit", "probe_minute", probe, figures.payload()))
        if minute % 20 == 0:
            seq += 1
            blocks.append(make_entry(seq, at, "ci", "check", f"item-{minute}"))
    session_path.write_text(header_to_toml(header) + "".join(map(entry_to_toml, blocks)), encoding="utf-8")
    size = session_path.stat().st_size
    before = fold(header, blocks)

    alice, _ = open_session(session_path, actor="alice")
    bob, _ = open_session(session_path, actor="bob")
    alice.compact()
    _, entries, report = load_session(session_path)
    assert report.clean and report.fast and len(entries) < len(blocks) // 2
    assert session_path.stat().st_size < size * 0.6
    after = fold(header, entries)
    assert after.probe_history == before.probe_history
    assert replace(after, entry_count=0) == replace(before, entry_count=0)
    assert bob.read_new() == []  # the packed entries carry seqs bob has already folded
    written = alice.append("check", "after-the-save")
    assert bob.read_new() == [written] and written.seq == seq + 1
    alice.close()
    bob.close()

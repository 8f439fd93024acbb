"""The session file: create, append durably, recover a torn tail, follow other handles, compact, hand off."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from launchpad.core.journal.journal import fold
from launchpad.core.problems import LoadError
from launchpad.store.actor import resolve_actor
from launchpad.store.leader import ProbeLeadership
from launchpad.store.session_file import create_session, load_session, open_for_append, open_session

from .conftest import T0


def make(stand_in_plan, session_path, lead="alice"):
    return create_session(stand_in_plan, session_path, T0, lead)


def test_create_writes_a_readable_header_and_never_overwrites(stand_in_plan, session_path):
    with make(stand_in_plan, session_path) as session:
        assert session.header.lead == "alice" and session.header.t0 == T0
    doc = tomllib.loads(session_path.read_text(encoding="utf-8"))["session"]
    assert doc["format"] == 1 and doc["launch"] == "VÖR Platform go-live" and doc["plan"] == stand_in_plan.path
    assert doc["plan_sha256"] == "ab" * 32 and doc["lead"] == "alice"
    before = session_path.read_bytes()
    with pytest.raises(LoadError, match="already exists"):
        make(stand_in_plan, session_path, lead="mallory")
    assert session_path.read_bytes() == before


def test_append_then_reopen_resumes_exactly(stand_in_plan, session_path):
    with make(stand_in_plan, session_path) as session:
        first = session.append("check", "k3f9aq", {"note": "done by pipeline #4411"})
        second = session.append("note", "", {"text": "go/no-go at 06:45"}, actor="bob")
    assert (first.seq, second.seq) == (1, 2) and second.actor == "bob" and first.actor == "alice"
    reopened, report = open_session(session_path)
    assert report.clean and report.fast and reopened.entries == [first, second]
    assert reopened.append("check", "x").seq == 3
    reopened.close()


def test_missing_binary_and_foreign_files_are_clear_load_errors(tmp_path):
    with pytest.raises(LoadError, match="not found"):
        load_session(tmp_path / "nope.toml")
    binary = tmp_path / "bin.session"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(LoadError, match="binary"):
        open_session(binary)
    foreign = tmp_path / "foreign.session"
    foreign.write_text('[tool]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(LoadError, match="not a launchpad session"):
        open_for_append(foreign)
    broken = tmp_path / "broken.session"
    broken.write_text("[session\nformat = 1\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_session(broken)
    assert caught.value.problems[0].line == 1


def _three_entries(stand_in_plan, session_path):
    with make(stand_in_plan, session_path) as session:
        for seq in range(1, 4):
            session.append("check", f"item-{seq}", {"note": f"note {seq}", "detail": {"n": seq}})
    return session_path.read_bytes()


def test_a_torn_last_write_cut_at_every_byte_is_detected_and_set_aside(stand_in_plan, session_path):
    whole = _three_entries(stand_in_plan, session_path)
    last_block = whole.rfind(b"\n[[entry]]\n")
    for cut in range(last_block + 1, len(whole)):  # every prefix of the last write, however it parses
        session_path.write_bytes(whole[:cut])
        header, entries, report = load_session(session_path)
        assert [entry.seq for entry in entries] == [1, 2], cut
        assert len(report.torn) == 1 and report.torn[0].size == cut - last_block
        assert report.torn[0].line == whole[:last_block].count(b"\n") + 2
        assert session_path.read_bytes() == whole[:cut]  # a read-only load changes nothing
    session, report = open_session(session_path)
    assert report.repaired and session_path.read_bytes() == whole[:last_block]
    session.close()


def test_open_repairs_a_torn_tail_before_anything_is_appended(stand_in_plan, session_path, tmp_path):
    whole = _three_entries(stand_in_plan, session_path)
    last_block = whole.rfind(b"\n[[entry]]\n")
    torn = whole[: last_block + 25]
    session_path.write_bytes(torn)
    session, report = open_session(session_path)
    assert report.repaired and len(report.torn) == 1
    saved = Path(report.torn[0].saved_to)
    assert saved.name.startswith(session_path.name + ".torn-") and saved.read_bytes() == torn[last_block:]
    assert "set aside in" in report.messages()[0]
    assert session.append("check", "again").seq == 3
    session.close()
    header, entries, report = load_session(session_path)
    assert report.clean and [entry.seq for entry in entries] == [1, 2, 3] and entries[-1].target == "again"


def test_a_zero_filled_tail_from_a_power_cut_is_recovered(stand_in_plan, session_path):
    whole = _three_entries(stand_in_plan, session_path)
    session_path.write_bytes(whole + b"\n[[entry]]\nseq = 4\n" + b"\x00" * 300)
    session, report = open_session(session_path)
    assert report.repaired and report.torn[0].size == 319 and [entry.seq for entry in session.entries] == [1, 2, 3]
    session.close()
    assert session_path.read_bytes() == whole


def test_a_script_appending_after_a_torn_tail_repairs_it_under_the_lock(stand_in_plan, session_path):
    whole = _three_entries(stand_in_plan, session_path)
    session_path.write_bytes(whole + b"\n[[entry]]\nseq = 4\nat = 2026-11-")
    script = open_for_append(session_path, actor="pipeline")
    assert script.last_seq == 3
    assert script.append("check", "deploy-backend").seq == 4
    assert len(script.repairs) == 1 and os.path.exists(script.repairs[0].saved_to)
    script.close()
    header, entries, report = load_session(session_path)
    assert report.clean and [entry.seq for entry in entries] == [1, 2, 3, 4]


def test_garbage_in_the_middle_keeps_every_good_entry(stand_in_plan, session_path):
    whole = _three_entries(stand_in_plan, session_path)
    second = whole.find(b"\n[[entry]]\n", whole.find(b"\n[[entry]]\n") + 1)
    damaged = whole[:second] + b"\n[[entry]]\nseq = \x00\x00garbage\n# end\n" + whole[second:]
    session_path.write_bytes(damaged)
    header, entries, report = load_session(session_path)
    assert [entry.seq for entry in entries] == [1, 2, 3] and len(report.torn) == 1 and not report.fast
    session, report = open_session(session_path)
    assert report.repaired and [entry.seq for entry in session.entries] == [1, 2, 3]
    assert session.append("check", "x").seq == 4
    session.close()
    assert load_session(session_path)[2].clean


def test_read_new_sees_other_handles_in_file_order_including_its_own(stand_in_plan, session_path):
    alice = make(stand_in_plan, session_path)
    bob, _ = open_session(session_path, actor="bob")
    assert bob.read_new() == [] and alice.read_new() == []
    a1 = alice.append("check", "a")
    b2 = bob.append("check", "b")
    a3 = alice.append("uncheck", "a")
    assert alice.read_new() == [a1, b2, a3]
    assert bob.read_new() == [a1, b2, a3]
    assert bob.read_new() == []
    state = fold(bob.header, [a1, b2, a3])
    assert not state.is_checked("a") and state.checks["b"].actor == "bob"
    alice.close()
    bob.close()


def test_a_reader_that_passed_garbage_sees_what_a_writer_appends_after_setting_it_aside(stand_in_plan, session_path):
    alice = make(stand_in_plan, session_path)
    bob, _ = open_session(session_path, actor="bob")
    first = alice.append("check", "a")
    assert bob.read_new() == [first]
    with open(session_path, "ab") as raw:  # a broken writer elsewhere leaves a complete but unusable block
        raw.write(b"\n[[entry]]\nseq = 9\nnot toml at all\n# end\n")
    assert bob.read_new() == [] and len(bob.skipped) == 1
    assert bob.read_new() == [] and len(bob.skipped) == 1  # reported once, however often it polls
    second = alice.append("check", "b")  # sets the garbage aside under the lock, then appends where it stood
    assert alice.repairs and alice.repairs[0].saved_to
    assert bob.read_new() == [second]
    assert [entry.seq for entry in load_session(session_path)[1]] == [1, 2]
    alice.close()
    bob.close()


def test_read_new_waits_for_an_unfinished_write(stand_in_plan, session_path):
    alice = make(stand_in_plan, session_path)
    bob, _ = open_session(session_path, actor="bob")
    alice.append("check", "a")
    bob.read_new()
    text = (b"\n[[entry]]\nseq = 2\nat = 2026-11-22T05:00:00.000Z\nactor = \"carol\"\nkind = \"check\"\n"
            b"target = \"b\"\n# end\n")
    with open(session_path, "ab") as raw:  # a neighbour's write, seen half done
        raw.write(text[:30])
        raw.flush()
        assert bob.read_new() == []
        raw.write(text[30:])
    assert [(entry.seq, entry.actor) for entry in bob.read_new()] == [(2, "carol")]
    alice.close()
    bob.close()


def test_handoff_round_trip_updates_header_and_followers(stand_in_plan, session_path):
    alice = make(stand_in_plan, session_path)
    bob, _ = open_session(session_path, actor="bob")
    alice.append("check", "a", {"note": "before the handoff"})
    inode = session_path.stat().st_ino
    handoff = alice.handoff("bob", note="pager is yours")
    assert dict(handoff.payload) == {"from": "alice", "to": "bob", "note": "pager is yours"}
    assert session_path.stat().st_ino != inode  # compacted: a new file, atomically renamed into place
    assert tomllib.loads(session_path.read_text(encoding="utf-8"))["session"]["lead"] == "bob"
    # Bob's handle had the old inode open: it follows the rename, and can write after it.
    seen = bob.read_new()
    assert [entry.kind for entry in seen] == ["check", "handoff"]
    assert bob.append("check", "b").seq == 3
    assert [entry.seq for entry in alice.read_new()] == [1, 2, 3]
    with pytest.raises(ValueError, match="already leads"):
        bob.handoff("bob")
    bob.handoff("carol", actor="bob")
    alice.close()
    bob.close()
    header, entries, report = load_session(session_path)
    state = fold(header, entries)
    assert header.lead == "carol" and state.lead == "carol" and header.started_by == "alice"
    assert [(h.from_lead, h.to_lead) for h in state.handoffs] == [("alice", "bob"), ("bob", "carol")]
    resumed, _ = open_session(session_path)
    assert fold(resumed.header, resumed.entries) == state
    resumed.close()


def test_compact_keeps_every_entry_and_is_atomic(stand_in_plan, session_path):
    with make(stand_in_plan, session_path) as session:
        written = [session.append("check", f"i{n}") for n in range(5)]
        session.compact()
        assert session.append("check", "after").seq == 6
    header, entries, report = load_session(session_path)
    assert entries[:5] == written and report.clean
    leftovers = [name for name in os.listdir(session_path.parent) if ".tmp-" in name]
    assert leftovers == []


def test_probe_leadership_is_exclusive_and_passes_on_when_the_holder_dies(session_path):
    first, second = ProbeLeadership(session_path), ProbeLeadership(session_path)
    assert first.try_acquire() and first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from launchpad.store.leader import ProbeLeadership as P; p = P(sys.argv[1]);"
         " print(p.try_acquire(), flush=True); sys.stdin.read()", str(session_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        assert not first.try_acquire()
        holder.kill()
        holder.wait(timeout=10)
        assert first.try_acquire()  # the kernel dropped the dead cockpit's lock
    finally:
        if holder.poll() is None:
            holder.kill()
        first.release()


def test_resolve_actor_order():
    assert resolve_actor("dana", {"LAUNCHPAD_USER": "eve"}) == "dana"
    assert resolve_actor(None, {"LAUNCHPAD_USER": "eve"}) == "eve"
    assert resolve_actor("  ", {"LAUNCHPAD_USER": "e\x1bve"}) == "eve"
    assert resolve_actor(None, {}) not in ("",)


def test_resolve_actor_falls_back_to_unknown(monkeypatch):
    def no_user() -> str:
        raise OSError("no user")

    monkeypatch.setattr("getpass.getuser", no_user)
    assert resolve_actor(None, {}) == "unknown"


def test_append_many_is_one_write_and_one_fsync_numbered_after_other_writers(stand_in_plan, session_path, monkeypatch):
    """A prober's per-minute folds of every probe go to disk together: one lock, one write, one fsync."""
    with make(stand_in_plan, session_path) as session:
        other, _ = open_session(session_path, actor="bob")
        other.append("note", "", {"text": "from another cockpit"})
        calls = {"write": 0, "fsync": 0}
        real_write, real_fsync = os.write, os.fsync

        def write(fd, data):
            calls["write"] += 1
            return real_write(fd, data)

        def fsync(fd):
            calls["fsync"] += 1
            return real_fsync(fd)

        monkeypatch.setattr(os, "write", write)
        monkeypatch.setattr(os, "fsync", fsync)
        batch = session.append_many([("probe_minute", f"svc-{index}", {"count": index + 1, "errors": 0})
                                     for index in range(200)])
        monkeypatch.undo()
        assert calls == {"write": 1, "fsync": 1}
        assert [entry.seq for entry in batch] == list(range(2, 202))  # after bob's entry, none reused
        assert session.append_many([]) == []
        assert [entry.seq for entry in other.read_new()][-1] == 201
        other.close()
    entries = tomllib.loads(session_path.read_text(encoding="utf-8"))["entry"]
    assert len(entries) == 201 and entries[-1]["target"] == "svc-199" and entries[-1]["payload"]["count"] == 200

"""The fold checkpoint on disk (store/checkpoint.py): a reader that folded a long session leaves one, the next
reader folds only what came after it, and a stale, foreign, damaged or hand-made checkpoint is never trusted:
each case checks the state against the full fold of the file as it is now."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import tomlkit

from launchpad.core.journal.journal import fold
from launchpad.store import checkpoint as cache
from launchpad.store.checkpoint import load_checkpoint
from launchpad.store.session_file import load_folded, load_session, open_for_append
from tests.scale.scale_inputs import write_plan, write_session

ENTRIES = 3_000


@pytest.fixture
def long_session(tmp_path_factory, monkeypatch) -> Path:
    """A generated session of 3,000 entries (mostly probe minutes), with checkpoints made from 100 entries on
    and kept in this test's own cache folder. Outside tmp_path: the conftest's tomlkit read of every .toml
    left there takes seconds on these; the checkpoint's own TOML is read with tomlkit below, once."""
    folder = tmp_path_factory.mktemp("checkpoint")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
    monkeypatch.setattr(cache, "MIN_ENTRIES", 100)
    plan = write_plan(folder / "plan", 20)
    return write_session(folder / "long.session.toml", plan, hashlib.sha256(plan.read_bytes()).hexdigest(), ENTRIES)


def full_fold(path: Path):
    header, entries, _ = load_session(path)
    return fold(header, entries)


def cache_file(path: Path) -> Path:
    return cache._cache_file(str(path.resolve()))


def test_the_second_reader_folds_from_the_checkpoint_and_gets_the_same_state(long_session):
    header, state, entries, report = load_folded(long_session)
    assert not report.from_checkpoint and state == full_fold(long_session)  # the first: a full fold
    assert len(entries) < ENTRIES // 2  # folded run by run: only the essential entries were kept
    assert cache_file(long_session).is_file()
    header2, state2, entries2, report2 = load_folded(long_session)
    assert report2.from_checkpoint and entries2 == entries
    assert state2 == state and header2 == header and report2.entry_count == ENTRIES and report2.clean


def test_entries_appended_after_the_checkpoint_are_folded_on_top_of_it(long_session):
    load_folded(long_session)
    with open_for_append(long_session, actor="bob") as session:
        session.append("note", "", {"text": "after the checkpoint"})
        session.append("handoff", "lead", {"from": "Bo Night", "to": "Cy Day"})
    _, state, _, report = load_folded(long_session)
    assert report.from_checkpoint
    assert state == full_fold(long_session)
    assert state.lead == "Cy Day" and state.notes[-1].text == "after the checkpoint"


def test_a_checkpoint_of_a_rewritten_file_is_ignored(long_session):
    """Same size, one note changed inside the covered prefix (a hand edit; a compaction rewrites it too):
    the prefix no longer hashes to the checkpoint's, so the state is the new file's."""
    load_folded(long_session)
    data = long_session.read_bytes()
    first_note = data.index(b'text = "note ')
    edited = data[:first_note] + b'text = "EDIT ' + data[first_note + len(b'text = "note '):]
    long_session.write_bytes(edited)
    assert load_checkpoint(str(long_session.resolve()), edited) is None
    _, state, _, report = load_folded(long_session)
    assert not report.from_checkpoint and state == full_fold(long_session)
    assert any(note.text.startswith("EDIT ") for note in state.notes)


def test_another_sessions_checkpoint_is_ignored_even_for_the_same_bytes(long_session):
    load_folded(long_session)
    twin = long_session.parent / "twin.session.toml"
    shutil.copyfile(long_session, twin)
    cache_file(twin).write_bytes(cache_file(long_session).read_bytes())  # the path inside says whose it is
    assert load_checkpoint(str(twin.resolve()), twin.read_bytes()) is None


@pytest.mark.parametrize("damage", [
    lambda text: "garbage \x00 not toml",
    lambda text: text.replace("format = 1", "format = 99", 1),
    lambda text: text.replace('code = "', 'code = "0', 1),
    lambda text: text.replace("\nseq = ", "\nseq = -", 1),  # an entry the journal reader refuses
    lambda text: text.replace("\nseq = ", '\nseq = "', 1).replace('\nat = ', '"\nat = ', 1),
    lambda text: text.replace("entry_count = ", "entry_count = -", 1),
    lambda text: text[: len(text) // 2],  # cut short
])
def test_a_damaged_checkpoint_is_ignored_and_replaced(long_session, damage):
    load_folded(long_session)
    target = cache_file(long_session)
    target.write_text(damage(target.read_text(encoding="utf-8")), encoding="utf-8")
    assert load_checkpoint(str(long_session.resolve()), long_session.read_bytes()) is None
    _, state, _, report = load_folded(long_session)
    assert not report.from_checkpoint and state == full_fold(long_session)
    assert load_checkpoint(str(long_session.resolve()), long_session.read_bytes()) is not None  # written anew


def test_a_checkpoint_is_plain_toml_read_as_journal_entries(long_session):
    """Not a pickle: nothing in it can run. Any TOML tool reads it; launchpad reads its entries as it reads
    the journal's, so outside text in a note stays that text."""
    load_folded(long_session)
    text = cache_file(long_session).read_text(encoding="utf-8")
    assert text.startswith("[checkpoint]\n") and "[[entry]]" in text
    doc = tomlkit.parse(text)
    assert doc["checkpoint"]["covers"] == long_session.stat().st_size
    with open_for_append(long_session, actor="bob") as session:
        session.append("note", "", {"text": "[bold red]not markup[/] \x1b[2J"})
    cache_file(long_session).unlink()
    load_folded(long_session)
    _, state, _, report = load_folded(long_session)
    assert report.from_checkpoint and state.notes[-1].text == "[bold red]not markup[/] \x1b[2J"


def test_a_torn_tail_after_the_checkpoint_is_reported_as_without_one(long_session):
    load_folded(long_session)
    with open(long_session, "ab") as out:
        out.write(b'\n[[entry]]\nseq = 999999\nat = 2026-11-22T18:00:00.000Z\nactor = "x"\n')  # no "# end"
    _, state, entries, report = load_folded(long_session)
    header, expected_entries, expected = load_session(long_session)
    assert [piece.reason for piece in report.torn] == [piece.reason for piece in expected.torn] != []
    assert state == fold(header, expected_entries)


def test_small_sessions_leave_no_checkpoint(long_session, monkeypatch):
    monkeypatch.setattr(cache, "MIN_ENTRIES", ENTRIES + 1)
    load_folded(long_session)
    assert not cache_file(long_session).exists()


def test_the_cockpit_opens_by_a_checkpoint_and_leaves_it_for_the_next_opening(long_session):
    """LiveSession.resume (the cockpit's open) folds the journal run by run, keeping only the essential entries,
    and resumes from the checkpoint that fold makes (cached); the next opening starts from the cached one plus
    what was appended since. Every state equals the full fold, and appending and folding go on as before."""
    from launchpad.core.plan.plan import load_plan
    from launchpad.shell.session import LiveSession

    header, _, _ = load_session(long_session)
    plan, problems = load_plan(header.plan, env={})
    assert plan is not None and not problems
    assert not cache_file(long_session).exists()
    first = LiveSession.resume(long_session, actor="ada", plan=plan)
    try:
        assert first.file.checkpoint is not None and len(first.file.entries) < ENTRIES // 2
        assert first.state == full_fold(long_session) and cache_file(long_session).is_file()
        first.append("note", "", {"text": "after the checkpoint"})
    finally:
        first.close()
    cached = cache_file(long_session).read_bytes()
    second = LiveSession.resume(long_session, actor="ada", plan=plan)
    try:
        assert cache_file(long_session).read_bytes() == cached  # the cached one was used, not made again
        assert second.file.entries[-1].payload["text"] == "after the checkpoint"
        assert second.state == full_fold(long_session) and second.state.entry_count == ENTRIES + 1
        second.append("note", "", {"text": "from the resumed cockpit"})
        assert second.state == full_fold(long_session) and second.state.entry_count == ENTRIES + 2
    finally:
        second.close()

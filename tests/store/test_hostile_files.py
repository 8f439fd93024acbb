"""Files that are not files, nesting too deep, damage in the middle of a journal, lock files we cannot open.

Each test starts from a reproducer of issue 10 (a FIFO blocked forever, /dev/zero read until memory ran
out, RecursionError, RuntimeError on a symlink loop, PermissionError from S.probes.lock, one edited seq
setting aside 1,592 entries, temp files left by kill -9) against real files.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from launchpad.core.journal.journal import entry_to_toml, make_entry
from launchpad.core.plan.plan import load_plan
from launchpad.core.problems import LoadError
from launchpad.core.safe_read import PLAN_LIMIT
from launchpad.core.toml_depth import MAX_DEPTH
from launchpad.store.leader import ProbeLeadership
from launchpad.store.recovery import keep_in_order
from launchpad.store.session_file import create_session, load_session, open_for_append, open_session

from .conftest import T0

pytestmark = pytest.mark.hostile

LAUNCHPAD = [sys.executable, "-m", "launchpad"]


def launchpad(*argv: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command in a child process: a FIFO that blocks fails the test by its timeout, not by hanging."""
    return subprocess.run([*LAUNCHPAD, *argv], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def _unix_socket(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


# ----------------------------------------------------------------------------------- not regular files

SPECIALS = ["fifo", "dev-zero", "directory", "socket", "symlink-loop"]


@pytest.fixture
def special(tmp_path: Path, request):
    """A path of the given kind, and the words the message must use."""
    def make(kind: str, name: str) -> tuple[Path, str]:
        path = tmp_path / name
        if kind == "fifo":
            os.mkfifo(path)
            return path, "is a FIFO (named pipe), not a regular file"
        if kind == "dev-zero":
            path.symlink_to("/dev/zero")
            return path, "is a device, not a regular file"
        if kind == "directory":
            path.mkdir()
            return path, "is a directory"
        if kind == "socket":
            request.addfinalizer(_unix_socket(path).close)
            return path, "socket"
        if kind == "symlink-loop":
            path.symlink_to(name)
            return path, "symlink loop"
        raise AssertionError(kind)
    return make


@pytest.mark.parametrize("kind", SPECIALS)
def test_a_plan_that_is_not_a_regular_file_is_refused_by_validate(special, kind):
    path, words = special(kind, "plan.toml")
    _, problems = load_plan(path)
    assert len(problems) == 1 and words in problems[0].message and problems[0].hint
    result = launchpad("validate", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    if kind != "directory":  # validate DIR looks for plans inside it instead
        assert words in result.stdout + result.stderr


@pytest.mark.parametrize("kind", SPECIALS)
def test_a_checklist_that_is_not_a_regular_file_is_named_at_its_plan_line(tmp_path, special, kind):
    special(kind, "list.md")
    plan = tmp_path / "plan.toml"
    plan.write_text('[launch]\nname = "x"\nchecklists = ["list.md"]\n', encoding="utf-8")
    result = launchpad("validate", str(plan))
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert f"{plan}:3: checklist `list.md`:" in out
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", SPECIALS)
def test_a_session_that_is_not_a_regular_file_is_refused_by_every_reader(special, kind):
    path, words = special(kind, "launch.session.toml")
    for argv in (["status", str(path)], ["mark", str(path), "item", "--as", "x"], ["report", str(path)]):
        result = launchpad(*argv)
        assert result.returncode == 1, argv
        assert words in result.stderr, (argv, result.stderr)
        assert "Traceback" not in result.stderr
    for reader in (load_session, open_session, open_for_append):
        with pytest.raises(LoadError, match=re.escape(words)):
            reader(path)


def test_a_plan_over_the_size_cap_is_refused_without_reading_it(tmp_path_factory):
    plan = tmp_path_factory.mktemp("big") / "plan.toml"
    with open(plan, "wb") as handle:
        handle.truncate(PLAN_LIMIT + 1)  # sparse: costs no disk, would cost 16 MB of memory to read
    _, problems = load_plan(plan)
    assert [problem.message for problem in problems] == [
        f"too large ({PLAN_LIMIT + 1:,} bytes; launchpad reads at most {PLAN_LIMIT:,})"]


def test_a_session_over_the_configured_cap_is_refused(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    result = launchpad("status", str(session_path), env={"LAUNCHPAD_MAX_SESSION_BYTES": "100"})
    assert result.returncode == 1
    assert "too large" in result.stderr and "reads at most 100" in result.stderr


# ----------------------------------------------------------------------------------- nesting

@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 400, 1000, 100_000])
def test_deep_arrays_in_a_plan_get_a_line_not_a_recursion_error(tmp_path_factory, depth):
    plan = tmp_path_factory.mktemp("deep") / "plan.toml"  # not in tmp_path: the conftest would parse it
    plan.write_text(f'[launch]\nname = "x"\n\n[extra]\ndeep = {"[" * depth}{"]" * depth}\n', encoding="utf-8")
    _, problems = load_plan(plan)
    assert len(problems) == 1
    assert problems[0].line == 5
    assert f"nest deeper than {MAX_DEPTH} levels" in problems[0].message


def test_deep_dotted_tables_in_a_plan_get_a_line(tmp_path_factory):
    plan = tmp_path_factory.mktemp("deep") / "plan.toml"
    plan.write_text('[launch]\nname = "x"\n\n[a' + ".b" * 1000 + "]\nx = 1\n", encoding="utf-8")
    _, problems = load_plan(plan)
    assert [(problem.line, "nest deeper" in problem.message) for problem in problems] == [(4, True)]


def test_brackets_inside_strings_and_comments_do_not_count_as_nesting(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[launch]\nname = "' + "[" * 100 + '"  # ' + "{" * 100 + "\n"
                    + "description = '''\n" + "[" * 100 + "\n'''\n", encoding="utf-8")
    plan_obj, problems = load_plan(plan)
    assert plan_obj is not None and problems == []


def _entries(session_path: Path, count: int, actor: str = "alice", padding: str = "") -> None:
    """`count` notes "entry N" as seq N, written as the store writes them (one fsync, not one per entry)."""
    blocks = [entry_to_toml(make_entry(n, T0, actor, "note", "", {"text": f"entry {n}{padding}"}))
              for n in range(1, count + 1)]
    with open(session_path, "a", encoding="utf-8") as handle:
        handle.write("".join(blocks))
        handle.flush()
        os.fsync(handle.fileno())


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 1000])
def test_a_deeply_nested_entry_in_the_journal_is_set_aside_alone(stand_in_plan, session_path, depth):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    _entries(session_path, 20)
    text = session_path.read_text(encoding="utf-8")
    deep = "[" * depth + "]" * depth
    text = text.replace('text = "entry 7"', f'text = "entry 7"\ndeep = {deep}', 1)
    session_path.write_text(text, encoding="utf-8")
    _, entries, report = load_session(session_path)
    assert [entry.seq for entry in entries] == [n for n in range(1, 21) if n != 7]
    assert len(report.torn) == 1 and "nest deeper" in report.torn[0].reason
    handle, report = open_session(session_path)
    handle.append("note", "", {"text": "after"})
    handle.close()
    _, entries, report = load_session(session_path)
    assert report.clean and [entry.seq for entry in entries] == [n for n in range(1, 22) if n != 7]
    torn = list(session_path.parent.glob("*.torn-*"))
    assert len(torn) == 1 and deep in torn[0].read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------- damage stays local

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _torn_text(path: Path) -> str:
    return "".join(torn.read_text(encoding="utf-8") for torn in sorted(path.parent.glob(path.name + ".torn-*")))


@pytest.mark.parametrize("edited, set_aside", [("99999", 11), ("3", 11), ("10", 11), ("12", 12)])
def test_one_edited_seq_sets_aside_only_one_entry(stand_in_plan, session_path, edited, set_aside):
    """The issue's reproducer: `seq = 11` edited in a 1,613-entry session. Edited to a seq that already
    exists (12), the first of the two is kept and the later one set aside."""
    create_session(stand_in_plan, session_path, T0, "alice").close()
    _entries(session_path, 1613)
    _edit(session_path, "\nseq = 11\n", f"\nseq = {edited}\n")
    _, entries, report = load_session(session_path)
    assert len(entries) == 1612 and len(report.torn) == 1
    handle, report = open_session(session_path)  # a writer: sets it aside
    assert len(handle.entries) == 1612
    assert report.repaired and len(report.torn) == 1 and "out of order" in report.torn[0].reason
    entry = handle.append("note", "", {"text": "after the repair"})
    handle.close()
    assert entry.seq == 1614
    _, entries, report = load_session(session_path)
    assert report.clean and len(entries) == 1613
    texts = [entry.payload["text"] for entry in entries]
    assert texts == [f"entry {n}" for n in range(1, 1614) if n != set_aside] + ["after the repair"]
    assert _torn_text(session_path).count("[[entry]]") == 1
    assert f'text = "entry {set_aside}"' in _torn_text(session_path)


def test_a_doubled_entry_keeps_the_first_copy(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    _entries(session_path, 30)
    text = session_path.read_text(encoding="utf-8")
    block = re.search(r"\n\[\[entry\]\]\nseq = 5\n.*?# end\n", text, re.S)[0]
    session_path.write_text(text.replace(block, block + block.replace("entry 5", "entry 5 again"), 1), encoding="utf-8")
    handle, report = open_session(session_path)
    handle.close()
    assert [entry.seq for entry in handle.entries] == list(range(1, 31))
    assert [entry.payload["text"] for entry in handle.entries][4] == "entry 5"
    assert "entry 5 again" in _torn_text(session_path)


@pytest.mark.parametrize("where", ["between", "inside"])
def test_garbage_in_the_middle_is_set_aside_and_every_whole_entry_after_it_stays(stand_in_plan, session_path, where):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    _entries(session_path, 500)
    garbage = "\x1b]52;c;cm0gLXJmIH4=\x07 not toml ] [ {{\n"
    if where == "between":
        _edit(session_path, "\n[[entry]]\nseq = 200\n", "\n" + garbage + "[[entry]]\nseq = 200\n")
        kept = list(range(1, 501))
    else:
        _edit(session_path, 'text = "entry 200"\n', 'text = "entry 200"\n' + garbage)
        kept = [n for n in range(1, 501) if n != 200]
    handle, report = open_session(session_path)
    handle.close()
    assert [entry.seq for entry in handle.entries] == kept
    assert len(report.torn) == 1 and report.torn[0].line > 1000
    assert garbage.rstrip("\n") in _torn_text(session_path)
    _, entries, report = load_session(session_path)
    assert report.clean and [entry.seq for entry in entries] == kept


def test_a_block_that_goes_backwards_at_the_end_is_passed_over_by_followers_and_scripts(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    _entries(session_path, 5)
    follower, _ = open_session(session_path, actor="watcher")
    with open(session_path, "a", encoding="utf-8") as handle:  # hand-written, going back to seq 3
        handle.write(entry_to_toml(make_entry(3, T0, "mallory", "note", "", {"text": "backwards"})))
    with open_for_append(session_path, actor="bob") as writer:
        six = writer.append("note", "", {"text": "six"})
    assert six.seq == 6  # the script numbered after the highest seq, not after the last block's
    assert [entry.payload["text"] for entry in follower.read_new()] == ["six"]  # seq 3 is not folded twice
    follower.close()
    handle, report = open_session(session_path)
    handle.close()
    assert [entry.seq for entry in handle.entries] == [1, 2, 3, 4, 5, 6]
    assert [entry.payload["text"] for entry in handle.entries][2] == "entry 3"
    assert "backwards" in _torn_text(session_path)


def test_keep_in_order_drops_only_what_breaks_the_order():
    assert keep_in_order([1, 2, 3, 99999, 5, 6]) == {0, 1, 2, 4, 5}
    assert keep_in_order([1, 2, 3, 1, 5, 6]) == {0, 1, 2, 4, 5}
    assert keep_in_order([1, 2, 2, 3]) == {0, 1, 3}  # the first of two equal seqs
    assert keep_in_order([5, 1, 2, 3]) == {1, 2, 3}
    assert keep_in_order([]) == set()


# ----------------------------------------------------------------------------------- kill -9 mid-compaction

COMPACTOR = """
import sys
from launchpad.store.session_file import open_session
handle, _ = open_session(sys.argv[1])
print("ready", flush=True)
while True:
    handle.compact()
"""


def _temps(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.tmp-*"))


def test_kill_9_during_compaction_leaves_a_temp_that_the_next_open_removes(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    _entries(session_path, 4000, padding=" " + "x" * 400)
    child = subprocess.Popen([sys.executable, "-c", COMPACTOR, str(session_path)], stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"ready\n"
        deadline = time.monotonic() + 120
        while not _temps(session_path) and time.monotonic() < deadline:
            pass  # the child writes a ~2 MB temp over and over: catch it in the middle of one
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    stale = _temps(session_path)
    assert stale, "no temp file was caught mid-compaction"
    assert all(f".tmp-{child.pid}-" in temp.name for temp in stale)
    # A live writer's temp (ours) must survive: it may be mid-write.
    live = session_path.parent / f".{session_path.name}.tmp-{os.getpid()}-abcd1234"
    live.write_bytes(b"in progress")
    handle, report = open_session(session_path)
    handle.close()
    assert _temps(session_path) == [live]
    assert len(handle.entries) == 4000 and report.clean
    live.unlink()


def test_a_script_open_cleans_stale_temps_too(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = session_path.parent / f".{session_path.name}.tmp-{dead.stdout.strip()}-0badc0de"
    stale.write_bytes(b"half a compaction")
    other = session_path.parent / f".other.toml.tmp-{dead.stdout.strip()}-0badc0de"
    other.write_bytes(b"someone else's")
    open_for_append(session_path).close()
    assert not stale.exists() and other.exists()


# ----------------------------------------------------------------------------------- lock files

def test_an_unopenable_probes_lock_means_watch_only_with_a_reason(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    Path(f"{session_path}.probes.lock").mkdir()  # cannot be opened for writing, even by root
    leadership = ProbeLeadership(session_path)
    assert leadership.try_acquire() is False
    assert not leadership.held
    assert "probes.lock" in leadership.problem and "only watches" in leadership.problem


def test_an_unopenable_session_lock_fails_a_write_with_one_sentence(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    before = session_path.read_bytes()
    Path(f"{session_path}.lock").mkdir()
    result = launchpad("note", str(session_path), "hello", "--as", "x")
    assert result.returncode != 0
    assert f"cannot open the lock file {session_path}.lock" in result.stderr
    assert "Traceback" not in result.stderr
    assert session_path.read_bytes() == before
    status = launchpad("status", str(session_path))  # reading still works
    assert status.returncode == 0


def test_parse_appended_names_an_out_of_order_block_and_keeps_the_rest():
    from launchpad.store.recovery import parse_appended

    blocks = [entry_to_toml(make_entry(seq, T0, "a", "note", "", {"text": str(seq)})) for seq in (6, 99999, 7, 8)]
    entries, bad = parse_appended("".join(blocks).encode(), 5)
    assert [entry.seq for entry in entries] == [6, 7, 8]
    assert [(piece.offset, piece.reason) for piece in bad] == [
        (len(blocks[0]), "seq 99999 is out of order; set aside alone")]


def test_resuming_with_an_unopenable_session_lock_says_watch_only_and_still_loads(stand_in_plan, session_path):
    create_session(stand_in_plan, session_path, T0, "alice").close()
    _entries(session_path, 3)
    Path(f"{session_path}.lock").mkdir()
    handle, report = open_session(session_path)
    try:
        assert len(handle.entries) == 3
        assert report.messages() == [f"cannot open the lock file {session_path}.lock: Is a directory: "
                                     "this cockpit can watch the session but not record in it"]
        with pytest.raises(OSError, match="cannot open the lock file"):
            handle.append("note", "", {"text": "not recorded"})
    finally:
        handle.close()

"""Opening a journal with the bulk parser in runs (store/recovery.parse_fast over store/toml_fast): it must read
exactly what tomllib reads, refuse what tomllib's careful path refuses, and never skip the recovery path."""

from __future__ import annotations

import tomllib

import pytest

from launchpad.core.journal.journal import entry_from_table, header_from_table, thaw
from launchpad.store import recovery
from launchpad.store.session_file import create_session, load_session, open_session
from launchpad.store.toml_fast import PARSER

from .conftest import T0


@pytest.fixture
def small_runs(monkeypatch):
    monkeypatch.setattr(recovery, "CHUNK", 300)  # a few blocks a run: every boundary case in a small file


@pytest.fixture
def damaged(tmp_path):
    return tmp_path / "damaged.session"  # not *.toml: the conftest reads every .toml left behind with tomlkit


def written(stand_in_plan, session_path, count=60):
    with create_session(stand_in_plan, session_path, T0, "alice") as session:
        for seq in range(count):
            payload = {"note": f"run {seq} [[entry]] # end"} if seq % 3 else {"nested": {"deep": [1, {"x": "y"}]}}
            session.append("check" if seq % 2 else "note", f"item-{seq}", payload)


def test_the_bulk_parser_is_rtoml_on_this_machine():
    assert PARSER == "rtoml"  # a declared dependency with a CPython 3.11 wheel; the tomllib fallback is for odd platforms


def test_runs_read_exactly_what_tomllib_reads(stand_in_plan, session_path, small_runs):
    written(stand_in_plan, session_path)
    header, entries, report = load_session(session_path)
    assert report.fast and report.clean and len(entries) == 60
    doc = tomllib.loads(session_path.read_text(encoding="utf-8"))
    assert header == header_from_table(doc)
    assert entries == [entry_from_table(table) for table in doc["entry"]]
    assert all(entry.at.tzinfo is T0.tzinfo for entry in entries)  # timezone.utc, not the parser's own object
    assert thaw(entries[0].payload) == {"nested": {"deep": [1, {"x": "y"}]}}  # frozen the same way


def test_a_torn_tail_still_goes_the_careful_way(stand_in_plan, damaged, small_runs):
    written(stand_in_plan, damaged, 20)
    data = damaged.read_bytes()
    damaged.write_bytes(data[:-3])  # the last block loses its end line
    header, entries, report = load_session(damaged)
    assert not report.fast and len(entries) == 19 and len(report.torn) == 1


def test_garbage_in_a_middle_run_falls_back_and_keeps_the_rest(stand_in_plan, damaged, small_runs):
    written(stand_in_plan, damaged, 30)
    data = damaged.read_bytes()
    middle = data.index(b"\n[[entry]]\nseq = 15\n")
    damaged.write_bytes(data[:middle] + b"\n[[entry]]\nseq = oops\n# end\n" + data[middle:])
    _, entries, report = load_session(damaged)
    assert not report.fast and len(entries) == 30 and len(report.torn) == 1


def test_text_between_the_header_and_the_first_block_is_not_skipped(stand_in_plan, damaged):
    written(stand_in_plan, damaged, 3)
    data = damaged.read_bytes()
    first = data.index(b"\n[[entry]]\n")
    damaged.write_bytes(data[:first] + b"\nstray = 1" + data[first:])
    _, entries, report = load_session(damaged)
    assert not report.fast and len(entries) == 3 and report.torn  # named, as the careful path names stray bytes


def test_a_payload_nested_past_the_limit_is_refused_on_the_fast_path_too(stand_in_plan, damaged):
    written(stand_in_plan, damaged, 2)
    deep = "[" * 35 + "]" * 35  # within rtoml's own recursion limit, past launchpad's MAX_DEPTH of 32
    with damaged.open("ab") as handle:
        handle.write(f"\n[[entry]]\nseq = 3\nat = 2026-11-22T07:00:00.000Z\nactor = \"m\"\nkind = \"note\"\n"
                     f"target = \"\"\n\n[entry.payload]\nx = {deep}\n# end\n".encode())
    _, entries, report = load_session(damaged)
    assert len(entries) == 2 and len(report.torn) == 1 and "deeper" in report.torn[0].reason
    handle, _ = open_session(damaged)  # repairs it: set aside, and the fast path reads the rest again
    handle.close()
    assert load_session(damaged)[2].fast

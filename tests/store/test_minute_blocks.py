"""Probe minutes read without the TOML parser (store/minute_blocks.py, store/recovery.read_run) give exactly what
the parser gives: differentially, on any minute launchpad can write (odd strings, any float, big counts), on
hand-edited blocks (which must fall to the parser), on runs mixing both, and on a multi-line string that hides
a block mark inside a value."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.journal.journal import ENTRY_MARK, JournalError, entry_from_table, entry_to_toml, make_entry
from launchpad.store.minute_blocks import read_minute
from launchpad.store.recovery import _parsed_run, read_run

AT = datetime(2026, 11, 22, 17, 41, 7, 123000, tzinfo=timezone.utc)


def by_tomllib(text: str) -> list:
    """The reference: the journal's bulk TOML parser (store/toml_fast: rtoml) and entry_from_table, as every
    block was read before; and the standard library's parser agreeing with it."""
    reference = _parsed_run(text)
    assert reference is not None
    standard = [entry_from_table(table) for table in tomllib.loads(text)["entry"]]
    assert [(entry.seq, entry.actor, entry.target, entry.payload) for entry in standard] == \
        [(entry.seq, entry.actor, entry.target, entry.payload) for entry in reference]
    return reference


def same(ours: list, reference: list) -> None:
    assert ours == reference
    for mine, theirs in zip(ours, reference):  # equal, and alike in every type (a float stays a float ...)
        assert mine.at.tzinfo is theirs.at.tzinfo is timezone.utc
        assert list(mine.payload) == list(theirs.payload)
        assert [type(value) for value in mine.payload.values()] == [type(value) for value in theirs.payload.values()]


def minute(seq=1, at=AT, actor="cockpit", target="api", payload=None) -> str:
    payload = {"minute": "2026-11-22T17:41:00.000Z", "count": 12, "errors": 1, "p50": 41.5, "p95": 380.0} \
        if payload is None else payload
    return entry_to_toml(make_entry(seq, at, actor, "probe_minute", target, payload))


def test_a_minute_as_launchpad_writes_it_is_read_without_the_parser():
    block = minute()
    assert block.startswith(ENTRY_MARK)
    entry = read_minute(block[len(ENTRY_MARK):])
    assert entry is not None
    same([entry], by_tomllib(block))


texts = st.text(st.characters(codec="utf-8"), max_size=12)
figures = st.one_of(st.none(), st.floats(allow_nan=False), st.sampled_from([0.0, -0.0, 1e16, 1e-7, 123456789.125]))
counts = st.one_of(st.integers(0, 2**63 - 1), st.sampled_from([0, 10**17, 10**18, 2**63 - 1]))


@settings(max_examples=300, deadline=None)
@given(texts, texts, texts, counts, counts, figures, figures,
       st.integers(0, 10**7).map(lambda ms: AT + timedelta(milliseconds=ms)), st.integers(1, 2**63 - 1))
def test_any_minute_launchpad_can_write_reads_as_the_parser_reads_it(actor, target, label, count, errors, p50,
                                                                    p95, at, seq):
    payload = {"minute": label, "count": count, "errors": errors}
    if p50 is not None:
        payload["p50"] = p50
    if p95 is not None:
        payload["p95"] = p95
    block = minute(seq, at, actor or "x", target, payload)
    same(read_run(block), by_tomllib(block))


EDITS = [
    ("a comment", lambda b: b.replace("count = ", "# hand edit\ncount = ")),
    ("keys reordered", lambda b: b.replace("count = 12\nerrors = 1\n", "errors = 1\ncount = 12\n")),
    ("an escape", lambda b: b.replace('target = "api"', 'target = "a\\u0070i"')),
    ("a literal string", lambda b: b.replace('actor = "cockpit"', "actor = 'cockpit'")),
    ("an exponent", lambda b: b.replace("p95 = 380.0", "p95 = 3.8e2")),
    ("underscores", lambda b: b.replace("count = 12", "count = 1_2")),
    ("a local time offset", lambda b: b.replace("17:41:07.123Z", "18:41:07.123+01:00")),
    ("microseconds", lambda b: b.replace("07.123Z", "07.123456Z")),
    ("extra spaces", lambda b: b.replace("errors = 1", "errors  =  1")),
    ("a payload key more", lambda b: b.replace("errors = 1\n", "errors = 1\nnote = \"x\"\n")),
    ("a negative count", lambda b: b.replace("count = 12", "count = -12")),
    ("another kind", lambda b: b.replace('kind = "probe_minute"', 'kind = "note"')),
    ("no end line", lambda b: b.replace("# end\n", "")),
]


@pytest.mark.parametrize("name,edit", EDITS, ids=[name for name, _ in EDITS])
def test_a_hand_edited_minute_falls_to_the_parser_and_means_what_toml_says(name, edit):
    block = edit(minute())
    assert read_minute(block[len(ENTRY_MARK):]) is None
    same(read_run(block), by_tomllib(block))


@pytest.mark.parametrize("stamp", ["2026-13-22T17:41:07.123Z", "2026-11-22T17:41:60.123Z", "2026-02-30T00:00:00.000Z"])
def test_a_time_that_is_no_moment_is_the_parsers_to_refuse(stamp):
    block = minute().replace("2026-11-22T17:41:07.123Z", stamp)
    assert read_minute(block[len(ENTRY_MARK):]) is None
    with pytest.raises((ValueError, JournalError)):
        read_run(block)


def test_a_run_mixing_minutes_and_other_blocks_keeps_the_journal_order():
    blocks = [minute(1), entry_to_toml(make_entry(2, AT, "ada", "note", "", {"text": "[b]hi[/b] \\ \" ok"})),
              minute(3, target="web"), minute(4).replace("count = 12", "count = 0x0c"),
              entry_to_toml(make_entry(5, AT, "ada", "check", "item-1")), minute(6, actor="ci")]
    run = "".join(blocks)
    entries = read_run(run)
    same(entries, by_tomllib(run))
    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5, 6]


def test_a_run_with_a_table_that_is_no_entry_is_refused_as_before():
    run = minute(1) + "\n[[entry]]\nseq = 2\n[other]\nx = 1\n# end\n" + minute(3)
    assert read_run(run) is None and _parsed_run(run) is None


def test_a_block_mark_inside_a_multi_line_string_is_not_a_block():
    """A hand-written multi-line string may hold what looks like a whole minute block: TOML says it is text,
    and so does the reader (the run goes to the parser whole)."""
    hidden = minute(2)
    run = (f'\n[[entry]]\nseq = 1\nat = 2026-11-22T17:41:07.123Z\nactor = "ada"\nkind = "note"\ntarget = ""\n'
           f'[entry.payload]\ntext = """{hidden}"""\n# end\n') + minute(3)
    entries = read_run(run)
    same(entries, by_tomllib(run))
    assert [entry.seq for entry in entries] == [1, 3] and entries[0].payload["text"] == hidden[1:]  # TOML trims
    # the newline right after the opening quotes

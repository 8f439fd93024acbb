"""The pure journal: entry text round trips through tomllib and tomlkit, and the fold is the cockpit state."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.journal.journal import (
    END_LINE,
    ENTRY_MARK,
    Header,
    JournalError,
    REDACTED,
    StateBuilder,
    apply,
    current_lead,
    entry_from_table,
    entry_to_toml,
    fold,
    format_utc,
    header_from_table,
    header_to_toml,
    make_entry,
    plan_drift,
)

T0 = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)
START = datetime(2026, 11, 22, 5, 0, 0, 123456, tzinfo=timezone.utc)
HEADER = Header("VÖR Platform go-live", "/abs/plan.toml", "ab" * 32, T0, START, "alice", "alice")


def entry(seq: int, kind: str, target: str = "", payload=None, actor: str = "alice"):
    return make_entry(seq, START + timedelta(seconds=seq), actor, kind, target, payload)


def reparse(*entries):
    text = header_to_toml(HEADER) + "".join(entry_to_toml(item) for item in entries)
    tomlkit.parse(text)
    doc = tomllib.loads(text)
    return header_from_table(doc), [entry_from_table(table) for table in doc.get("entry", [])]


def test_times_are_utc_milliseconds_with_z():
    assert format_utc(START) == "2026-11-22T05:00:00.123Z"
    local = START.astimezone(timezone(timedelta(hours=2)))
    assert format_utc(local) == "2026-11-22T05:00:00.123Z"
    with pytest.raises(JournalError):
        format_utc(datetime(2026, 1, 1))


def test_entry_block_starts_with_the_mark_and_ends_with_the_end_line():
    text = entry_to_toml(entry(1, "check", "k3f9aq", {"note": "done by pipeline #4411"}))
    assert text.startswith(ENTRY_MARK) and text.endswith("\n" + END_LINE)
    assert "at = 2026-11-22T05:00:01.123Z\n" in text
    assert "[entry.payload]\nnote = \"done by pipeline #4411\"\n" in text


def test_round_trip_keeps_every_field_and_header():
    written = [
        entry(1, "check", "k3f9aq", {"note": "done"}),
        entry(2, "note", "", {"text": 'quotes " and \\ and\nnewline and \x1b[31m escape'}),
        entry(3, "probe", "api", {"status": 200, "latency_ms": 12.5, "ok": True,
                                   "checked_at": START, "tags": ["a", "b"], "detail": {"x": {"y": [1, 2]}}}),
        entry(4, "vote", "go", {"ballots": [{"who": "a"}, {"who": "b"}]}),
        entry(5, "uncheck", "k3f9aq", actor="Bø Lindqvist"),
    ]
    header, read = reparse(*written)
    assert read == written
    assert header.launch == "VÖR Platform go-live" and header.lead == "alice" and header.t0 == T0
    assert header.created_at == START.replace(microsecond=123000)


def test_markers_cannot_be_forged_inside_values():
    nasty = "\n[[entry]]\nseq = 99\n# end\n"
    text = entry_to_toml(entry(1, "note", nasty, {nasty: nasty}))
    assert text.count(ENTRY_MARK) == 1 and text.count("\n" + END_LINE) == 1
    assert reparse(entry(1, "note", nasty, {nasty: nasty}))[1][0].payload[nasty] == nasty


def test_secret_looking_payload_keys_are_never_written():
    made = entry(1, "probe", "api", {"headers": {"Authorization": "Bearer s3cr3t", "Accept": "x"}, "api_key": "k"})
    text = entry_to_toml(made)
    assert "s3cr3t" not in text and '"k"' not in text
    assert made.payload["headers"]["Authorization"] == REDACTED


def test_bad_tables_name_the_field():
    good = tomllib.loads(entry_to_toml(entry(1, "check", "x")))["entry"][0]
    for key, value, expected in [("seq", "1", "seq"), ("at", "today", "at"), ("actor", None, "actor"),
                                 ("kind", 3, "kind")]:
        table = dict(good)
        if value is None:
            del table[key]
        else:
            table[key] = value
        with pytest.raises(JournalError, match=expected):
            entry_from_table(table)
    with pytest.raises(JournalError, match="newer"):
        header_from_table({"session": {"format": 2}})
    with pytest.raises(JournalError, match="session"):
        header_from_table({})
    with pytest.raises(JournalError):
        make_entry(1, START, "", "check")
    with pytest.raises(JournalError):
        make_entry(1, START, "a", "Check Me")


def test_fold_follows_checks_notes_events_handoffs_probes_and_ignores_unknown_kinds():
    entries = [
        entry(1, "check", "a", {"note": "deployed"}),
        entry(2, "check", "b", actor="bob"),
        entry(3, "uncheck", "b", actor="carol"),
        entry(4, "note", "", {"text": "all hands at 06:30"}, actor="bob"),
        entry(5, "event", "go-live", {"state": "in_progress"}),
        entry(6, "event", "go-live", {"state": "bogus"}),
        entry(7, "handoff", "lead", {"from": "alice", "to": "bob"}),
        entry(8, "probe", "api", {"status": 200}),
        entry(9, "probe", "api", {"status": 503}),
        entry(10, "trigger", "error-rate", {"fired": True}),
        entry(11, "countdown_v9", "", {"reason": "weather"}),  # a kind from a newer launchpad
    ]
    state = fold(HEADER, entries)
    assert state.lead == "bob"
    assert state.is_checked("a") and not state.is_checked("b") and state.checks["b"].actor == "carol"
    assert state.is_checked("untouched", initial=True)
    assert state.checks["a"].note == "deployed"
    assert [(note.target, note.actor, note.text) for note in state.notes] == [
        ("a", "alice", "deployed"), ("", "bob", "all hands at 06:30")]
    assert state.event_state("go-live") == "in_progress" and state.event_state("other") == "pending"
    assert [(h.from_lead, h.to_lead) for h in state.handoffs] == [("alice", "bob")]
    assert state.probe_states["api"]["status"] == 503
    assert state.trigger_states["error-rate"]["fired"] is True
    assert state.entry_count == 11 and state.last_seq == 11 and state.ignored == 2
    assert state.last_entries[-1].kind == "countdown_v9"
    assert current_lead(HEADER, entries) == "bob"


def test_fold_upto_a_seq_or_a_moment():
    entries = [entry(1, "check", "a"), entry(2, "handoff", "lead", {"from": "alice", "to": "bob"}),
               entry(3, "uncheck", "a")]
    assert fold(HEADER, entries, upto=1).lead == "alice"
    assert fold(HEADER, entries, upto=2).is_checked("a")
    assert not fold(HEADER, entries, upto=entries[2].at).is_checked("a")
    # After a compaction the header names the new lead, but a replay from the start still begins with the first.
    compacted = Header(**{**HEADER.__dict__, "lead": "bob"})
    assert fold(compacted, entries, upto=1).lead == "alice"


def test_apply_equals_fold_and_states_cannot_be_corrupted():
    entries = [entry(seq, "check" if seq % 3 else "uncheck", f"i{seq % 4}", {"note": f"n{seq}", "l": [seq]})
               for seq in range(1, 40)]
    state = fold(HEADER, [])
    for item in entries:
        state = apply(state, item)
    assert state == fold(HEADER, entries)
    with pytest.raises(TypeError):
        state.checks["x"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        state.lead = "mallory"  # type: ignore[misc]
    with pytest.raises(TypeError):
        entries[0].payload["note"] = "rewritten"  # type: ignore[index]
    assert isinstance(entries[0].payload["l"], tuple)
    source = {"note": "original", "nested": {"k": [1]}}
    made = make_entry(1, START, "a", "check", "x", source)
    source["note"] = "changed"
    source["nested"]["k"].append(2)
    assert made.payload["note"] == "original" and made.payload["nested"]["k"] == (1,)


def test_builder_keeps_a_bounded_tail():
    builder = StateBuilder("alice", last_entries=5)
    for seq in range(1, 101):
        builder.apply(entry(seq, "poll", "x"))
    state = builder.snapshot()
    assert [item.seq for item in state.last_entries] == [96, 97, 98, 99, 100]
    assert state.entry_count == 100


def test_plan_drift_lists_vanished_ids_in_journal_order():
    state = fold(HEADER, [entry(1, "check", "gone-2"), entry(2, "check", "kept"), entry(3, "note", "gone-1", {"text": "t"}),
                          entry(4, "note", "go-live", {"text": "event note"}), entry(5, "note", "", {"text": "launch"})])
    assert plan_drift(state, ["kept"], ["go-live"]) == ["gone-2", "gone-1"]
    assert plan_drift(state, ["kept", "gone-1", "gone-2"], ["go-live"]) == []


def test_fold_of_100k_entries_is_linear_enough():
    entries = [entry(seq, "check", f"i{seq % 50}") for seq in range(1, 100_001)]
    assert fold(HEADER, entries).entry_count == 100_000


toml_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
scalars = st.one_of(toml_text, st.integers(-2**63, 2**63 - 1), st.booleans(),
                    st.floats(allow_nan=False, allow_infinity=True))
payloads = st.dictionaries(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10).filter(
        lambda key: not any(word in key.lower() for word in ("token", "secret", "password", "passwd", "cookie", "authorization", "apikey", "api_key", "api-key"))),
    st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=5).filter(
        lambda key: not any(word in key.lower() for word in ("token", "secret", "password", "passwd", "cookie", "authorization", "apikey", "api_key", "api-key"))), inner, max_size=3), max_leaves=6),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(target=toml_text, actor=toml_text.filter(bool), payload=payloads)
def test_any_toml_payload_round_trips(target, actor, payload):
    made = make_entry(7, START, actor, "probe", target, payload)
    text = entry_to_toml(made)
    tomlkit.parse(text)
    assert entry_from_table(tomllib.loads(text)["entry"][0]) == made
    assert text.count(ENTRY_MARK) == 1 and text.endswith("\n" + END_LINE)

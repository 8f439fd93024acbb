"""The fold checkpoint (core/journal/checkpoint.py) against the full fold, differentially: on generated journals
of every entry kind (damaged probe minutes, packed hours, holds, handoffs, future kinds among them), the state
rebuilt from a checkpoint at entry N plus the entries after N equals the fold of the whole journal, and the
checkpoint really leaves most probe minutes out."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta, timezone

import pytest

from launchpad.core.journal.checkpoint import Checkpoint, essential_entries, fold_after, make_checkpoint, resume
from launchpad.core.journal.journal import Header, fold, make_entry
from launchpad.core.journal.pack import pack_minutes
from launchpad.core.probes.probe_history import HISTORY_MINUTES, fold_minute
from launchpad.store.session_file import load_session
from tests.scale.scale_inputs import write_plan, write_session

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
START = T0 - timedelta(hours=6)
HEADER = Header("Launch", "/abs/plan.toml", "ab" * 32, T0, START, "alice", "alice")
PROBES = ("api", "web", "db")


def random_journal(seed: int, size: int) -> list:
    """Mostly probe minutes of three probes (some damaged), with every other kind the fold knows mixed in;
    for odd seeds the minutes older than an hour packed as a compaction packs them (`probe_minutes`)."""
    rng = random.Random(seed)
    entries = []
    for seq in range(1, size + 1):
        at = START + timedelta(seconds=seq * 7)
        probe = rng.choice(PROBES)
        roll = rng.random()
        if roll < 0.70:
            minute = fold_minute(probe, at, [rng.random() > 0.1] * 6, [rng.uniform(5, 500) for _ in range(6)])
            payload = minute.payload() if rng.random() > 0.03 else {"count": "many"}  # a damaged minute
            entry = ("probe_minute", probe, payload)
        else:
            entry = rng.choice([
                ("check", f"item-{rng.randrange(30)}", {"note": "done"} if rng.random() < 0.3 else None),
                ("uncheck", f"item-{rng.randrange(30)}", None),
                ("note", rng.choice(["", "item-3", "go"]), {"text": f"[bold]note {seq}[/]"}),
                ("event", "go", {"state": rng.choice(["in_progress", "done", "bogus"])}),
                ("handoff", "lead", {"from": "alice", "to": rng.choice(["bob", "carol"])}),
                ("probe", probe, {"status": rng.choice(["up", "down"]), "latency_ms": rng.randrange(900)}),
                ("trigger", f"{probe}-slow", {"state": rng.choice(["ok", "firing"])}),
                ("ack", f"{probe}-slow · {probe}", {"since": "x"}),
                ("hold", "", {"reason": "weather"}),
                ("resume", "", {}),
                ("take", "ops", {"person": "dora"}),
                ("future-kind", "", {"x": 1}),
            ])
        kind, target, payload = entry
        entries.append(make_entry(seq, at, "tester", kind, target, payload))
    return pack_minutes(entries) if seed % 2 else entries  # odd seeds: older minutes packed by the hour


def assert_checkpoint_equals_full_fold(header, entries, cuts) -> list[Checkpoint]:
    made = []
    whole = fold(header, entries)
    for cut in cuts:
        checkpoint = make_checkpoint(header, entries[:cut], fold(header, entries[:cut]))
        if checkpoint is None:
            continue
        made.append(checkpoint)
        assert fold_after(header, checkpoint, entries[cut:]) == whole
        assert resume(header, checkpoint).snapshot() == fold(header, entries[:cut])
    return made


@pytest.mark.parametrize("seed", range(12))
def test_a_checkpoint_plus_the_entries_after_it_folds_to_the_full_state(seed):
    entries = random_journal(seed, 1_500)
    made = assert_checkpoint_equals_full_fold(HEADER, entries, [1, 100, 700, 1_499, 1_500])
    assert len(made) == 5  # damaged minutes and packed hours included, every prefix gets its checkpoint
    if seed % 2 == 0:  # unpacked: most of the minutes are left out
        assert len(made[-1].essential) < len(entries) // 2


def test_a_checkpoint_of_a_generated_scale_session_is_made_and_small(tmp_path):
    plan = write_plan(tmp_path / "plan", 50)
    path = write_session(tmp_path / "s.session.toml", plan, hashlib.sha256(plan.read_bytes()).hexdigest(), 6_000)
    header, entries, _ = load_session(path)
    made = assert_checkpoint_equals_full_fold(header, entries, [2_000, 4_000, 5_999, 6_000])
    assert len(made) == 4  # a clean journal always gets its checkpoint
    # 20 probes x HISTORY_MINUTES minutes, plus the checks, notes and the handoff: far fewer than 6,000
    others = sum(entry.kind != "probe_minute" for entry in entries)
    assert len(made[-1].essential) == others + 20 * HISTORY_MINUTES


def test_the_essential_entries_keep_each_probes_newest_minutes_in_order():
    entries = [make_entry(seq, START + timedelta(minutes=seq), "cockpit", "probe_minute", "api",
                          {"minute": f"m{seq}", "count": 1, "errors": 0})
               for seq in range(1, HISTORY_MINUTES + 11)]
    note = make_entry(len(entries) + 1, START + timedelta(hours=3), "alice", "note", "", {"text": "hi"})
    kept = essential_entries([*entries, note])
    assert [entry.seq for entry in kept] == [entry.seq for entry in entries[10:]] + [note.seq]


def test_a_checkpoint_that_would_not_rebuild_the_state_is_refused():
    """The check is real: handed a state that is not the fold of the entries, make_checkpoint says None."""
    entries = random_journal(3, 300)
    assert make_checkpoint(HEADER, entries, fold(HEADER, entries)) is not None
    assert make_checkpoint(HEADER, entries, fold(HEADER, entries[:-1])) is None


def naive_essential(entries):
    """The definition, walked back from the end: a probe minute is kept while fewer than HISTORY_MINUTES
    readable minutes of its probe come after it."""
    from launchpad.core.probes.probe_history import from_payload

    seen, kept = {}, []
    for entry in reversed(entries):
        if entry.kind == "probe_minute":
            if seen.get(entry.target, 0) >= HISTORY_MINUTES:
                continue
            seen[entry.target] = seen.get(entry.target, 0) + (from_payload(entry.target, entry.payload) is not None)
        kept.append(entry)
    return kept[::-1]


@pytest.mark.parametrize("seed", range(6))
def test_the_keeper_fed_in_order_keeps_what_the_definition_keeps(seed):
    entries = random_journal(seed, 2_000)
    assert essential_entries(entries) == naive_essential(entries)

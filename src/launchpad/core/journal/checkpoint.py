"""A checkpoint of the journal's fold: the few entries the state at entry N depends on, and its counters.

Why: a long session is mostly `probe_minute` entries (20 probes write one each a minute), and the fold keeps
only each probe's newest HISTORY_MINUTES of them (`probe_history` is a bounded deque). An older minute changes
nothing else but the counters (`entry_count`, `last_seq`, `ignored`). So the state after N entries equals the
fold of its *essential* entries (every entry except the probe minutes that at least HISTORY_MINUTES later
minutes of the same probe push out) with those three counters set to the full fold's. A reader holding such
a checkpoint folds a few thousand entries instead of 360,000 (store/checkpoint.py keeps one per session).

Exactness is checked where a checkpoint is made, never assumed: `make_checkpoint` rebuilds the state from the
checkpoint and compares it with the full fold's; on any difference (a corner this reasoning missed) there is
no checkpoint and readers fold everything as before.
Since `last_entries` keeps fewer entries (LAST_ENTRIES) than a probe's history (HISTORY_MINUTES), the newest
entries are all essential and the essential fold rebuilds `last_entries` as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from launchpad.core.journal.journal import Entry, Header, SessionState, StateBuilder
from launchpad.core.probes.probe_history import HISTORY_MINUTES, from_payload
from launchpad.core.probes.probe_history import KIND as PROBE_MINUTE


@dataclass(frozen=True)
class Checkpoint:
    """The fold of a journal prefix, as the entries it depends on plus the counters of the whole prefix."""

    essential: tuple[Entry, ...]
    entry_count: int
    last_seq: int
    ignored: int


def essential_entries(entries: Sequence[Entry]) -> list[Entry]:
    """`entries` without the probe minutes that HISTORY_MINUTES later readable minutes of the same probe
    supersede, in journal order. Walked from the end, so each probe's newest minutes are the ones kept; packed
    hours (`probe_minutes`) are all kept and counted as nothing, which keeps more minutes than needed, never
    fewer."""
    seen: dict[str, int] = {}
    kept: list[Entry] = []
    for entry in reversed(entries):
        if entry.kind == PROBE_MINUTE:
            count = seen.get(entry.target, 0)
            if count >= HISTORY_MINUTES:
                continue
            if from_payload(entry.target, entry.payload) is not None:  # a damaged minute pushes nothing out
                seen[entry.target] = count + 1
        kept.append(entry)
    kept.reverse()
    return kept


def resume(header: Header, checkpoint: Checkpoint) -> StateBuilder:
    """A builder holding the checkpoint's state: feed it the entries after the checkpoint, then snapshot()."""
    builder = StateBuilder(header.first_lead)
    apply_entry = builder.apply
    for entry in checkpoint.essential:
        apply_entry(entry)
    builder.entry_count = checkpoint.entry_count
    builder.last_seq = checkpoint.last_seq
    builder.ignored = checkpoint.ignored
    return builder


def make_checkpoint(header: Header, entries: Sequence[Entry], state: SessionState) -> Checkpoint | None:
    """The checkpoint of `state`, the fold of `entries` under `header`; None unless it rebuilds `state` exactly."""
    checkpoint = Checkpoint(tuple(essential_entries(entries)), state.entry_count, state.last_seq, state.ignored)
    return checkpoint if resume(header, checkpoint).snapshot() == state else None


def fold_after(header: Header, checkpoint: Checkpoint, entries: Iterable[Entry]) -> SessionState:
    """The state after the checkpoint's prefix and then `entries` (the journal appended since)."""
    builder = resume(header, checkpoint)
    apply_entry = builder.apply
    for entry in entries:
        apply_entry(entry)
    return builder.snapshot()

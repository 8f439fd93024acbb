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


_TRIM_AT = 4 * HISTORY_MINUTES  # a probe's kept minutes are trimmed back to its newest hour this often


def _newest(kept: list[tuple[int, Entry]]) -> list[tuple[int, Entry]]:
    """The tail of one probe's minutes that fewer than HISTORY_MINUTES readable later minutes supersede:
    walked back from the newest, reading each minute (from_payload, as the fold does) only until that many."""
    readable = 0
    for index in range(len(kept) - 1, -1, -1):
        if readable >= HISTORY_MINUTES:
            return kept[index + 1:]
        entry = kept[index][1]
        readable += from_payload(entry.target, entry.payload) is not None
    return kept


class EssentialKeeper:
    """Picks the essential entries of a journal fed to it in order, without holding the rest: what a reader
    folding a long journal run by run keeps for its checkpoint (and for recent activity). Each probe's minutes
    are appended as they come and trimmed to the newest hour now and then, so a minute costs an append and
    only the minutes a trim walks over are read."""

    def __init__(self) -> None:
        self._order = 0
        self._others: list[tuple[int, Entry]] = []
        self._minutes: dict[str, list[tuple[int, Entry]]] = {}
        self._trim_at: dict[str, int] = {}

    def add(self, entry: Entry) -> None:
        self._order += 1
        if entry.kind != PROBE_MINUTE:
            self._others.append((self._order, entry))
            return
        probe = entry.target
        kept = self._minutes.get(probe)
        if kept is None:
            kept = self._minutes[probe] = []
        kept.append((self._order, entry))
        if len(kept) >= self._trim_at.get(probe, _TRIM_AT):
            kept = self._minutes[probe] = _newest(kept)
            self._trim_at[probe] = max(_TRIM_AT, 2 * len(kept))  # many damaged minutes: trim less often

    def entries(self) -> list[Entry]:
        """The essential entries so far, in journal order."""
        picked = [*self._others, *(pair for kept in self._minutes.values() for pair in _newest(kept))]
        picked.sort(key=lambda pair: pair[0])
        return [entry for _, entry in picked]


def essential_entries(entries: Iterable[Entry]) -> list[Entry]:
    """`entries` without the probe minutes that HISTORY_MINUTES later readable minutes of the same probe
    supersede, in journal order: each probe's newest minutes are the ones kept. Packed hours
    (`probe_minutes`) are all kept and counted as nothing, which keeps more minutes than needed, never fewer."""
    keeper = EssentialKeeper()
    for entry in entries:
        keeper.add(entry)
    return keeper.entries()


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

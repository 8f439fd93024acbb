"""The session file on disk: create, open (and recover), append durably, follow other writers, compact.

Durability contract: `append()` returns only after the whole entry went out in ONE os.write on an O_APPEND
descriptor and os.fsync returned. Writers serialise on a flock of the sidecar `NAME.lock` and number entries
under it, so several cockpits and scripts can share one file. A torn last write (crash mid-write) is found on
open, saved to `NAME.torn-<time>` and cut off under the lock before anything is appended after it.
Compaction (explicit save, every handoff) rewrites the whole file atomically with the header's lead updated;
readers notice the new inode and resynchronise by seq.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from launchpad.core.journal.checkpoint import Checkpoint, EssentialKeeper, fold_after, make_checkpoint
from launchpad.core.journal.journal import (
    Entry,
    Header,
    SessionState,
    StateBuilder,
    current_lead,
    fold,
    entry_to_toml,
    format_utc,
    header_to_toml,
    make_entry,
    utc_ms,
    with_lead,
)
from launchpad.core.clock import Clock, system_clock
from launchpad.core.journal.pack import MIN_TO_PACK, pack_minutes, packable
from launchpad.core.problems import LoadError, Problem
from launchpad.core.safe_read import UnreadableFile, open_regular, read_fd, session_limit
from launchpad.store import checkpoint as checkpoints
from launchpad.store.actor import resolve_actor
from launchpad.store.atomic import (atomic_create, atomic_replace, commit_replace, discard_replace, prepare_replace,
                                    remove_stale_temps)
from launchpad.store.lock import FileLock, LockUnavailable, sidecar
from launchpad.store.recovery import (
    END,
    HEADER_END_B,
    SEQ_AT_BLOCK,
    BadPiece,
    HeaderError,
    Parsed,
    parse_appended,
    parse_fast,
    parse_header,
    parse_recovering,
    parse_session_bytes,
)

_TAIL_WINDOW = 64 * 1024
_SWAP_TRIES = 3  # compactions raced by other compactions or handoffs before the locked path is taken


@dataclass(frozen=True)
class _Snapshot:
    """The session file's complete blocks at one moment, read and parsed without the lock."""

    ident: tuple[int, int]
    end: int  # where those blocks end in the file: what is after it was appended since
    body: bytes | memoryview  # the journal as the compacted file will hold it (verbatim, or with minutes packed)
    header: Header
    lead: str  # who leads after these blocks (the entries themselves are not kept: they were only checked)


@dataclass(frozen=True)
class TornPiece:
    """Bytes of the file that were not a usable entry: where, how big, why, and where they were saved."""

    line: int
    offset: int
    size: int
    reason: str
    saved_to: str | None = None  # None while only detected (read-only load, or a writer may still be busy)

    def format(self, path: str) -> str:
        text = f"{path}:{self.line}: {self.reason} ({self.size} bytes)"
        if self.saved_to:
            text += f"; set aside in {self.saved_to}"
        else:
            text += "; it will be set aside when the session is next written"
        return text


@dataclass
class LoadReport:
    path: str
    entry_count: int = 0
    torn: list[TornPiece] = field(default_factory=list)
    repaired: bool = False  # the file was cut back / rewritten to drop the torn bytes
    fast: bool = True  # loaded by the one-parse path
    from_checkpoint: bool = False  # folded from a checkpoint of the journal's prefix (store/checkpoint.py)
    notes: list[str] = field(default_factory=list)  # other things the person resuming should know

    @property
    def clean(self) -> bool:
        return not self.torn

    def messages(self) -> list[str]:
        return [piece.format(self.path) for piece in self.torn] + self.notes


def _torn_name(path: str, now: datetime) -> str:
    stamp = format_utc(utc_ms(now)).replace("-", "").replace(":", "")
    candidate = f"{path}.torn-{stamp}"
    suffix = 1
    while os.path.exists(candidate):
        suffix += 1
        candidate = f"{path}.torn-{stamp}-{suffix}"
    return candidate


def _read_all(fd: int, path: str = "session file") -> bytes:
    return read_fd(fd, path, session_limit())


_SESSION_HINT = "name the session's .toml file (a regular file written by launchpad)"


def _open_data(path: str) -> int:
    # Through open_regular: a FIFO must not block the open, a device must not be read forever.
    return open_regular(path, os.O_RDWR | os.O_APPEND, what="session file", hint=_SESSION_HINT,
                        limit=session_limit())


def _ident(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_dev, stat.st_ino


def _load_problem(path: str, error: BaseException, line: int | None = None) -> LoadError:
    if isinstance(error, UnreadableFile):
        if error.message == "permission denied":
            return LoadError([Problem(path, None, "permission denied",
                                      "check the file's permissions (it must be readable and writable)")])
        if error.message == "file not found":
            error = FileNotFoundError(path)
        else:
            return LoadError([Problem(path, None, error.message, error.hint)])
    if isinstance(error, FileNotFoundError):
        return LoadError([Problem(path, None, "session file not found", "check the path, or start a session by opening a plan")])
    if isinstance(error, IsADirectoryError):
        return LoadError([Problem(path, None, "is a directory, not a session file", "name the session's .toml file")])
    if isinstance(error, PermissionError):
        return LoadError([Problem(path, None, "permission denied", "check the file's permissions (it must be readable and writable)")])
    if isinstance(error, HeaderError):
        return LoadError([Problem(path, error.line, str(error), "this file is not a launchpad session, or its header was edited by hand")])
    if isinstance(error, OSError):
        return LoadError([Problem(path, None, f"cannot open the session file: {error.strerror or error}", "check the path and permissions")])
    return LoadError([Problem(path, line, str(error))])


def _check_binary(path: str, data: bytes) -> None:
    # Only the header counts: a power cut can leave NUL bytes in a torn tail, and that tail is recoverable.
    header_end = data.find(HEADER_END_B, 0, 1 << 16)
    if b"\x00" in data[: header_end if header_end >= 0 else 4096]:
        raise LoadError([Problem(path, None, "binary file (NUL bytes at its start), not a session file",
                                 "name the session's .toml file")])


class SessionFile:
    """One process's handle on a shared session file. Not thread-safe: use it from one thread (or task)."""

    def __init__(self, path: str | os.PathLike, header: Header, fd: int, *, actor: str | None = None,
                 clock: Clock = system_clock):
        self.path = os.path.abspath(os.fspath(path))
        self.clock = clock  # stamps entries and set-aside files; the session's one clock (core/clock.py)
        self.header = header
        self.actor = resolve_actor(actor)
        self.entries: list[Entry] = []  # what open_session loaded (empty for open_for_append)
        # When open_session came by a checkpoint (store/checkpoint.py): its state is the fold of the journal
        # up to `entries[len(checkpoint.essential)]`, and `entries` skip the superseded probe minutes.
        self.checkpoint: Checkpoint | None = None
        self.repairs: list[TornPiece] = []  # torn bytes this handle set aside while writing
        self.skipped: list[TornPiece] = []  # unusable blocks read_new passed over (a writer wrote garbage)
        self._fd: int | None = fd
        self._ident = _ident(os.fstat(fd))
        self._lock = FileLock(sidecar(self.path, ".lock"))
        self._offset = 0  # bytes of the current inode already turned into entries
        self._last_seq = 0
        self._pending: list[Entry] = []

    # ------------------------------------------------------------------ public API

    @property
    def last_seq(self) -> int:
        return self._last_seq

    def append(self, kind: str, target: str = "", payload: Mapping[str, Any] | None = None, *,
               actor: str | None = None, at: datetime | None = None) -> Entry:
        """Journal one action; returns its Entry once it is on disk (written in one piece and fsync'd)."""
        with self._lock.exclusive():
            return self._append_locked(kind, target, payload, actor, at)

    def append_many(self, items: Iterable[tuple[str, str, Mapping[str, Any] | None]], *,
                    actor: str | None = None, at: datetime | None = None) -> list[Entry]:
        """Journal several entries `(kind, target, payload)` under ONE lock, in ONE write and ONE fsync: a
        prober's per-minute folds of every probe at a minute boundary cost one disk round instead of one each.
        All or nothing, like `append`: a failed write leaves none of them."""
        items = list(items)
        if not items:
            return []
        with self._lock.exclusive():
            return self._append_many_locked(items, actor, at)

    def read_new(self) -> list[Entry]:
        """Entries that reached the file since this handle last read, in file order, this handle's own
        appends included (so a state fed only by read_new equals a fold of the file). One stat when idle."""
        self._catch_up(locked=False)
        new, self._pending = self._pending, []
        return new

    def compact(self, lead: str | None = None) -> None:
        """Rewrite the file atomically (temp, fsync, rename, fsync dir) with the header's `lead` current;
        torn bytes are set aside. The explicit "save". The copy is made outside the lock (see _swap)."""
        self._compact_swapping(self._snapshot(), first_lead=lead)

    save = compact

    def compact_locked(self, lead: str | None = None) -> None:
        """The whole compaction under the lock (parse, rewrite): only for a file with bytes to set aside or
        when writers keep racing the swap; every other writer waits for all of it."""
        with self._lock.exclusive():
            self._catch_up(locked=True)
            parsed = self._parse_current()
            self._compact_locked(parsed, lead)

    def handoff(self, to: str, *, actor: str | None = None, note: str = "") -> Entry:
        """Record the outgoing and incoming lead, then compact so the header names the new lead.

        The lock is held only to append the entry and, later, to swap in the compacted copy: who leads is
        read from a snapshot parsed outside it plus the few blocks appended since."""
        to = to.strip()
        if not to:
            raise ValueError("a handoff needs the name of the incoming lead")
        snapshot = self._snapshot()
        if snapshot is None:
            return self.handoff_locked(to, actor=actor, note=note)
        with self._lock.exclusive():
            self._catch_up(locked=True)
            since = self._appended_since(snapshot)
            if since is None:  # replaced or repaired meanwhile: the snapshot is no base any more
                snapshot = None
            else:
                outgoing = current_lead(with_lead(snapshot.header, snapshot.lead), since[0])
                entry = self._append_handoff(outgoing, to, actor, note)
        if snapshot is None:
            return self.handoff_locked(to, actor=actor, note=note)
        self._compact_swapping(snapshot, first_lead=to)  # that snapshot predates the entry just appended
        return entry

    def _compact_swapping(self, snapshot: "_Snapshot | None", first_lead: str | None) -> None:
        """Try the swap a few times, each on a fresh snapshot; then fall back to the locked compaction.
        The header names `first_lead` (who the caller knows leads now) on the first try; a retry means the
        file moved on (a handoff may have landed), so from then on the lead the entries name."""
        for attempt in range(_SWAP_TRIES):
            if snapshot is None:
                break
            wanted = first_lead if attempt == 0 and first_lead else snapshot.lead
            if self._swap(snapshot, wanted):
                return
            snapshot = self._snapshot()
        self.compact_locked()

    def handoff_locked(self, to: str, *, actor: str | None = None, note: str = "") -> Entry:
        """The handoff with everything under the lock (main's path before the swap): the fallback."""
        with self._lock.exclusive():
            self._catch_up(locked=True)
            parsed = self._parse_current()
            entry = self._append_handoff(current_lead(parsed.header, parsed.entries), to, actor, note)
            parsed.entries.append(entry)
            self._compact_locked(parsed, to)
            return entry

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._lock.close()

    def __enter__(self) -> "SessionFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals

    @property
    def fd(self) -> int:
        if self._fd is None:
            raise ValueError(f"session {self.path} is closed")
        return self._fd

    def _append_locked(self, kind: str, target: str, payload: Mapping[str, Any] | None,
                       actor: str | None, at: datetime | None) -> Entry:
        return self._append_many_locked([(kind, target, payload)], actor, at)[0]

    def _append_many_locked(self, items: list[tuple[str, str, Mapping[str, Any] | None]], actor: str | None,
                            at: datetime | None) -> list[Entry]:
        """Under the lock: what others appended first, then these entries, numbered on from it, one stamp."""
        self._catch_up(locked=True)
        stamp = utc_ms(at or self.clock())
        entries = [make_entry(self._last_seq + 1 + index, stamp, actor or self.actor, kind, target, payload)
                   for index, (kind, target, payload) in enumerate(items)]
        self._write_locked(entries)
        return entries

    def _write_locked(self, entries: list[Entry]) -> None:
        """Under the lock: the entries in ONE os.write, then one fsync; on failure the file is cut back."""
        data = "".join(map(entry_to_toml, entries)).encode("utf-8")
        fd = self.fd
        try:
            written = os.write(fd, data)  # ONE write: a crash leaves all of it or a torn prefix, never a mix
            if written != len(data):
                raise OSError(f"short write ({written} of {len(data)} bytes): disk full?")
            os.fsync(fd)
        except BaseException:
            # Never leave a partial entry for the next writer to append after.
            try:
                os.ftruncate(fd, self._offset)
                os.fsync(fd)
            except OSError:
                pass
            raise
        self._offset += len(data)
        self._last_seq = entries[-1].seq
        self._pending.extend(entries)

    def _append_handoff(self, outgoing: str, to: str, actor: str | None, note: str) -> Entry:
        if to == outgoing:
            raise ValueError(f"{to} already leads this launch")
        payload: dict[str, Any] = {"from": outgoing, "to": to}
        if note:
            payload["note"] = note
        return self._append_locked("handoff", "lead", payload, actor, None)

    def _snapshot(self) -> "_Snapshot | None":
        """Without the lock: the file's complete blocks as they are now, parsed. None when they hold bytes
        to set aside (only the locked path may do that) or the file cannot be read as a whole."""
        try:
            fd = _open_data(self.path)
        except (OSError, UnreadableFile):
            return None
        try:
            ident = _ident(os.fstat(fd))
            data = _read_all(fd, self.path)
        except (OSError, UnreadableFile):
            return None
        finally:
            os.close(fd)
        cut = data.rfind(END)
        if cut >= 0:
            data = data[: cut + len(END)]  # a writer may be mid-block right now: what follows is not ours yet
        try:
            parsed = parse_session_bytes(data)
        except HeaderError:
            return None
        if parsed.bad or parsed.good_end != len(data):
            return None
        if packable(parsed.entries) >= MIN_TO_PACK:  # hours of probe minutes: pack them (core/journal/pack.py)
            body: bytes | memoryview = "".join(map(entry_to_toml, pack_minutes(parsed.entries))).encode("utf-8")
        else:  # the blocks verbatim: they are what entry_to_toml wrote, and parsing proved them whole
            body = memoryview(data)[parse_header(data[:_TAIL_WINDOW])[1]:]
        return _Snapshot(ident, len(data), body, parsed.header, current_lead(parsed.header, parsed.entries))

    def _appended_since(self, snapshot: "_Snapshot") -> tuple[list[Entry], bytes] | None:
        """Under the lock, after _catch_up: the entries written after the snapshot and their bytes, or None
        when the file is no longer the snapshot's (another compaction replaced it, or a repair cut into it)."""
        if self._ident != snapshot.ident or self._offset < snapshot.end:
            return None
        tail = os.pread(self.fd, self._offset - snapshot.end, snapshot.end)
        if not tail:
            return [], tail
        entries, bad = parse_appended(tail, 0)
        return None if bad else (entries, tail)

    def _swap(self, snapshot: "_Snapshot", lead: str) -> bool:
        """Compact outside the lock, swap under it: the snapshot's journal goes after a header naming `lead`
        into a durable temp; then, locked, the blocks appended since are added, fsync'd and the temp renamed
        over the file.
        False (nothing changed) when the file moved on in a way the copy cannot follow: replaced, repaired,
        or handed to someone else meanwhile; the caller takes a new snapshot."""
        header = with_lead(snapshot.header, lead)
        head = header_to_toml(header).encode("utf-8")
        body = snapshot.body
        temp = prepare_replace(self.path, head + body, mode=os.fstat(self.fd).st_mode & 0o777)
        try:
            with self._lock.exclusive():
                self._catch_up(locked=True)
                since = self._appended_since(snapshot)
                if since is None or current_lead(header, since[0]) != lead:
                    return False
                tail = since[1]
                commit_replace(temp, self.path, tail)
                temp = ""
                self._reopen()
                self.header = header
                self._offset = len(head) + len(body) + len(tail)
                return True
        finally:
            if temp:
                discard_replace(temp)

    def _catch_up(self, locked: bool) -> None:
        """Pick up what others appended (or a replaced file) since we last looked."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return  # renamed away under us; keep the old view rather than fail a poll
        if _ident(stat) != self._ident:
            self._reopen()
            self._resync(locked, deliver=True)
            return
        size = stat.st_size
        if size == self._offset:
            return
        if size < self._offset:
            self._resync(locked, deliver=True)
            return
        chunk = os.pread(self.fd, size - self._offset, self._offset)
        cut = chunk.rfind(END)
        complete = chunk[: cut + len(END)] if cut >= 0 else b""
        if complete:
            entries, bad = parse_appended(complete, self._last_seq)
            if bad and locked:
                self._repair_locked()
                return
            self._record_skipped(bad, self._offset)
            self._take(entries)
            if bad:
                # Stay at the garbage: the next writer sets it aside under the lock (truncating it away) and
                # appends where it stood. Reading on from here sees the file as it becomes; entries already
                # taken are not taken twice (they are filtered by seq).
                self._offset += min(piece.offset for piece in bad)
            else:
                self._offset += len(complete)
        if locked and len(complete) < len(chunk):
            # Under the lock no writer is mid-write, so an unfinished block is a torn one: set it aside now.
            self._repair_locked()

    def _take(self, entries: list[Entry]) -> None:
        if entries:
            self._pending.extend(entries)
            self._last_seq = entries[-1].seq

    def _record_skipped(self, bad: list[BadPiece], base: int) -> None:
        """Note unusable bytes once each, however often a poll reads past them."""
        known = {(piece.offset, piece.size) for piece in self.skipped}
        bad = [piece for piece in bad if (base + piece.offset, piece.size) not in known]
        for piece in bad:
            self.skipped.append(TornPiece(0, base + piece.offset, piece.size, piece.reason))

    def _reopen(self) -> None:
        fd = _open_data(self.path)
        if self._fd is not None:
            os.close(self._fd)
        self._fd = fd
        self._ident = _ident(os.fstat(fd))
        header_bytes = os.pread(fd, _TAIL_WINDOW, 0)
        cut = header_bytes.find(HEADER_END_B)
        if cut >= 0:
            try:
                self.header = parse_header(header_bytes[: cut + len(HEADER_END_B)])[0]
            except HeaderError:
                pass

    def _resync(self, locked: bool, deliver: bool) -> None:
        """Find our place in a file we did not read sequentially (replaced, truncated, or just opened) by
        scanning back from the end, reading no more than needed. `deliver`: queue entries newer than the last
        seq we saw; otherwise just learn the last seq (a script that only appends)."""
        fd = self.fd
        size = os.fstat(fd).st_size
        window = _TAIL_WINDOW
        while True:
            start = max(0, size - window)
            data = os.pread(fd, size - start, start)
            seqs = [(match.start(), int(match[1])) for match in SEQ_AT_BLOCK.finditer(data)]
            last_end = data.rfind(END)
            if start == 0:
                break
            if deliver and seqs and seqs[0][1] <= self._last_seq:
                break
            if not deliver and seqs and last_end > seqs[0][0]:
                break
            window *= 4
        begin = -1
        if deliver:
            newer = [position for position, seq in seqs if seq > self._last_seq]
            begin = newer[0] if newer else -1
        else:
            complete = [seq for position, seq in seqs if position < last_end]
            if complete:  # the highest, not the last: a block edited to go backwards must not make us reuse seqs
                self._last_seq = max(complete)
        if begin < 0:
            if last_end >= 0:
                begin = last_end + len(END)
            else:
                journal = data.find(HEADER_END_B)
                begin = journal + len(HEADER_END_B) if journal >= 0 else len(data)
        tail = data[begin:]
        cut = tail.rfind(END)
        complete_bytes = tail[: cut + len(END)] if cut >= 0 else b""
        entries, bad = parse_appended(complete_bytes, self._last_seq) if complete_bytes else ([], [])
        if bad and locked:
            self._repair_locked()
            return
        self._record_skipped(bad, start + begin)
        self._take(entries)
        self._offset = start + begin + len(complete_bytes)
        if locked and len(complete_bytes) < len(tail):
            self._repair_locked()

    def _parse_current(self) -> Parsed:
        """The whole current file, under the lock (so nothing is mid-write)."""
        try:
            return parse_session_bytes(_read_all(self.fd, self.path))
        except (HeaderError, UnreadableFile) as error:
            raise _load_problem(self.path, error) from None

    def _set_aside(self, data: bytes, parsed: Parsed) -> list[TornPiece]:
        """Save the unusable bytes next to the session (never delete them) and say where."""
        if not parsed.bad:
            return []
        target = _torn_name(self.path, self.clock())
        atomic_create(target, b"".join(data[piece.offset: piece.offset + piece.size] for piece in parsed.bad))
        pieces = [TornPiece(piece.line, piece.offset, piece.size, piece.reason, target) for piece in parsed.bad]
        self.repairs.extend(pieces)
        return pieces

    def _repair_locked(self) -> list[TornPiece]:
        """Under the lock: set aside the bad bytes and cut them out, so appends never land after garbage."""
        if _ident(os.stat(self.path)) != self._ident:
            self._reopen()
        data = _read_all(self.fd, self.path)
        try:
            parsed = parse_session_bytes(data)
        except HeaderError as error:
            raise _load_problem(self.path, error) from None
        pieces = self._set_aside(data, parsed)
        if parsed.bad and parsed.tail_only:
            os.ftruncate(self.fd, parsed.good_end)
            os.fsync(self.fd)
            self._offset = parsed.good_end
        elif parsed.bad:
            self._write_compacted(parsed.header, parsed.entries)
        else:
            self._offset = len(data)
        self._take([entry for entry in parsed.entries if entry.seq > self._last_seq])
        return pieces

    def _compact_locked(self, parsed: Parsed, lead: str | None) -> None:
        if parsed.bad:
            self._set_aside(_read_all(self.fd, self.path), parsed)
        lead = lead or current_lead(parsed.header, parsed.entries)
        header = with_lead(parsed.header, lead)
        self._write_compacted(header, parsed.entries)
        self._take([entry for entry in parsed.entries if entry.seq > self._last_seq])

    def _write_compacted(self, header: Header, entries: list[Entry]) -> None:
        data = (header_to_toml(header) + "".join(map(entry_to_toml, entries))).encode("utf-8")
        atomic_replace(self.path, data, mode=os.fstat(self.fd).st_mode & 0o777)
        self._reopen()
        self.header = header
        self._offset = len(data)


# --------------------------------------------------------------------------- opening and creating


def create_session(plan: Any, path: str | os.PathLike, t0: datetime, lead: str, *,
                   actor: str | None = None, clock: Clock = system_clock) -> SessionFile:
    """Start a session for `plan` (anything with .name, .path, .sha256) at `path`; never overwrites a file."""
    path = os.path.abspath(os.fspath(path))
    header = Header(
        launch=plan.name,
        plan=os.path.abspath(plan.path),
        plan_sha256=plan.sha256,
        t0=utc_ms(t0),
        created_at=utc_ms(clock()),
        lead=lead,
        started_by=lead,
    )
    data = header_to_toml(header).encode("utf-8")
    try:
        atomic_create(path, data)
    except FileExistsError:
        raise LoadError([Problem(path, None, "a session file already exists here",
                                 "open it to resume (`launchpad open FILE`), or choose another name")]) from None
    handle = SessionFile(path, header, _open_data(path), actor=actor or lead, clock=clock)
    handle._offset = len(data)
    return handle


def _open_fd(path: str) -> int:
    try:
        return _open_data(path)
    except OSError as error:
        raise _load_problem(path, error) from None


def read_session_bytes(path: str) -> bytes:
    """All of a session file's bytes, for a reader that parses them itself (store/checkpoint.py); LoadError."""
    try:
        fd = open_regular(path, what="session file", hint=_SESSION_HINT, limit=session_limit())
        try:
            data = _read_all(fd, path)
        finally:
            os.close(fd)
    except OSError as error:
        raise _load_problem(path, error) from None
    _check_binary(path, data)
    return data


def load_session(path: str | os.PathLike) -> tuple[Header, list[Entry], LoadReport]:
    """Read-only: the header, every usable entry and a report. Changes nothing on disk and takes no lock
    (a torn tail is reported, not repaired: a writer may still be finishing it). Raises LoadError."""
    path = os.path.abspath(os.fspath(path))
    try:
        fd = open_regular(path, what="session file", hint=_SESSION_HINT, limit=session_limit())
        try:
            holder = [_read_all(fd, path)]  # no other reference: parse_fast drops the bytes once decoded
            _check_binary(path, holder[0])
            parsed = parse_fast(holder) if holder[0].endswith(END) else None
            if parsed is None:
                parsed = parse_recovering(_read_all(fd, path))
        finally:
            os.close(fd)
    except OSError as error:
        raise _load_problem(path, error) from None
    except HeaderError as error:
        raise _load_problem(path, error) from None
    report = LoadReport(path, len(parsed.entries),
                        [TornPiece(piece.line, piece.offset, piece.size, piece.reason) for piece in parsed.bad],
                        fast=parsed.fast)
    return parsed.header, parsed.entries, report


def _fold_runs(holder: list) -> tuple[Parsed, SessionState] | None:
    """The journal in `holder` (handed over, as parse_fast takes it) folded run by run as it is parsed,
    keeping only its essential entries (core/journal/checkpoint.py): (Parsed with those entries, the state
    after the whole journal). 360,000 Entries are never all alive. None when the careful path is needed."""
    builders: list[StateBuilder] = []
    keeper = EssentialKeeper()

    def each(header: Header, run: list[Entry]) -> None:
        if not builders:
            builders.append(StateBuilder(header.first_lead))
        apply_entry, keep = builders[0].apply, keeper.add
        for entry in run:
            apply_entry(entry)
            keep(entry)

    parsed = parse_fast(holder, each)
    if parsed is None:
        return None
    state = builders[0].snapshot() if builders else fold(parsed.header, [])
    return Parsed(parsed.header, keeper.entries(), parsed.good_end), state


def load_folded(path: str | os.PathLike) -> tuple[Header, SessionState, list[Entry], LoadReport]:
    """Read-only, like load_session, for a reader that wants the state at the end of the journal (status):
    (header, state, entries, report). `entries` hold every entry but superseded probe minutes (enough for
    recent activity; all of them only when the file needed the careful path). A full fold of a clean, long
    session leaves a checkpoint for the next reader. Raises LoadError."""
    path = os.path.abspath(os.fspath(path))
    folded = _checkpointed(path, [read_session_bytes(path)])
    if folded is None:  # torn or damaged: the careful path reads it again and says what is wrong
        header, entries, report = load_session(path)
        return header, fold(header, entries), entries, report
    parsed, _, state, cached = folded
    return parsed.header, state, parsed.entries, LoadReport(path, state.entry_count, from_checkpoint=cached)


def _checkpointed(path: str, holder: list) -> tuple[Parsed, Checkpoint, SessionState, bool] | None:
    """The journal in `holder` as (Parsed holding the checkpoint's entries and then the entries after it, the
    checkpoint, the state at the end, whether the checkpoint came from the cache): from the cached checkpoint
    when one is valid (moved on when the journal went a long way past it), else folded run by run as parsed,
    the checkpoint made from that fold and cached for the next reader when the session is long. None when the
    careful path is needed (`holder` may be spent then)."""
    data = holder[0]
    cached = checkpoints.resume_cached(path, data)
    if cached is not None:
        header, checkpoint, tail = cached
        state = fold_after(header, checkpoint, tail)
        if len(tail) >= checkpoints.MIN_ENTRIES:  # a long way past the checkpoint: move it on
            moved = make_checkpoint(header, [*checkpoint.essential, *tail], state)
            if moved is not None:
                checkpoints.save_checkpoint(path, len(data), hashlib.sha256(data).hexdigest(), moved)
                checkpoint, tail = moved, []
        return Parsed(header, [*checkpoint.essential, *tail], len(data)), checkpoint, state, True
    sha256 = hashlib.sha256(data).hexdigest()  # of the very bytes parsed next (~0.05 s for 77 MB)
    del data  # parse_fast drops the bytes once decoded
    folded = _fold_runs(holder)
    if folded is None:
        return None
    parsed, state = folded
    checkpoint = make_checkpoint(parsed.header, parsed.entries, state)
    if checkpoint is None:
        return None
    if state.entry_count >= checkpoints.MIN_ENTRIES:
        checkpoints.save_checkpoint(path, parsed.good_end, sha256, checkpoint)
    return parsed, checkpoint, state, False


def open_session(path: str | os.PathLike, *, actor: str | None = None, repair: bool = True,
                 clock: Clock = system_clock, use_checkpoint: bool = False) -> tuple[SessionFile, LoadReport]:
    """Open a session to resume it: every entry loaded into `.entries` (fold them for the cockpit's state).
    A torn tail is reported and, with `repair`, set aside under the lock before anything else is written.
    With `use_checkpoint` (the cockpit), a clean journal comes as `.checkpoint` (the state of its prefix:
    core/journal/checkpoint.resume) and `.entries` holding only its essential entries and then the entries
    after it; the checkpoint is the cached one when valid, else made while parsing and cached."""
    path = os.path.abspath(os.fspath(path))
    fd = _open_fd(path)
    if repair:
        remove_stale_temps(path)  # what a writer killed mid-compaction left behind
    checkpoint = None
    try:
        holder = [_read_all(fd, path)]  # no other reference: parse_fast drops the bytes once decoded
        _check_binary(path, holder[0])
        resumed = _checkpointed(path, holder) if use_checkpoint else None
        if resumed is not None:
            parsed, checkpoint, _, _ = resumed
        else:
            if not holder:  # spent on a fold that found the file damaged: read it again
                holder = [_read_all(fd, path)]
            parsed = parse_fast(holder) if holder[0].endswith(END) else None
            if parsed is None:
                parsed = parse_recovering(_read_all(fd, path))
    except (HeaderError, UnreadableFile) as error:
        os.close(fd)
        raise _load_problem(path, error) from None
    except BaseException:
        os.close(fd)
        raise
    handle = SessionFile(path, parsed.header, fd, actor=actor, clock=clock)
    handle.checkpoint = checkpoint
    report = LoadReport(path, len(parsed.entries), fast=parsed.fast, from_checkpoint=checkpoint is not None)
    try:
        handle._lock.open()  # now, so a cockpit that could never record says so when it opens, not later
    except LockUnavailable as error:
        report.notes.append(f"{error}: this cockpit can watch the session but not record in it")
        repair = False  # setting bytes aside needs the lock
    handle._offset = parsed.good_end
    handle._last_seq = parsed.entries[-1].seq if parsed.entries else 0
    if parsed.bad and repair:
        with handle._lock.exclusive():
            pieces = handle._repair_locked()  # re-reads: a neighbour's write may have completed meanwhile
        report.torn = pieces
        report.repaired = bool(pieces)
        extra = handle._pending
        handle._pending = []
        handle.entries = parsed.entries + [entry for entry in extra if entry.seq > (parsed.entries[-1].seq if parsed.entries else 0)]
    else:
        report.torn = [TornPiece(piece.line, piece.offset, piece.size, piece.reason) for piece in parsed.bad]
        handle.entries = parsed.entries
    report.entry_count = len(handle.entries)
    if checkpoint is not None:
        report.entry_count += checkpoint.entry_count - len(checkpoint.essential)
    return handle, report


def open_for_append(path: str | os.PathLike, *, actor: str | None = None,
                    clock: Clock = system_clock) -> SessionFile:
    """A light handle for scripts (`launchpad mark`): reads the header and the tail, not the whole journal."""
    path = os.path.abspath(os.fspath(path))
    fd = _open_fd(path)
    remove_stale_temps(path)
    try:
        head = os.pread(fd, _TAIL_WINDOW, 0)
        _check_binary(path, head)
        cut = head.find(HEADER_END_B)
        if cut < 0:
            os.close(fd)
            handle, _ = open_session(path, actor=actor, repair=False, clock=clock)
            handle.entries = []
            return handle
        header = parse_header(head[: cut + len(HEADER_END_B)])[0]
    except HeaderError as error:
        os.close(fd)
        raise _load_problem(path, error) from None
    handle = SessionFile(path, header, fd, actor=actor, clock=clock)
    handle._resync(locked=False, deliver=False)
    handle._pending = []
    return handle

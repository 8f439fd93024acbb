"""A cockpit's live link to its session file: actions go in as journal entries, state comes out as their fold.

Nothing is shown as done before the store has written and fsync'd it: every action returns the entries
read back from the file (its own and any another cockpit wrote meanwhile), and the state is only ever
advanced by entries read back that way.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from launchpad.core.clock import Clock, system_clock
from launchpad.core.journal.demo_history import demo_history, is_demo_note
from launchpad.core.journal.checkpoint import Checkpoint, resume
from launchpad.core.journal.journal import SessionState, StateBuilder, plan_drift
from launchpad.core.plan.plan import Plan, load_plan
from launchpad.core.plan.plan_ref import resolve_plan_path
from launchpad.core.problems import LoadError
from launchpad.core.plan.progress import checked_ids
from launchpad.core.control.count import CountState
from launchpad.shell.control import LaunchControl, fold_session_count
from launchpad.store.actor import resolve_actor
from launchpad.store.session_file import SessionFile, create_session, open_session


class SessionOpenError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def _from_load_error(error: LoadError) -> SessionOpenError:
    first = error.problems[0] if error.problems else None
    if first is None:
        return SessionOpenError(str(error))
    where = f"{first.path}:{first.line}" if first.line else first.path
    return SessionOpenError(f"{where}: {first.message}", first.hint)


class LiveSession:
    def __init__(self, file: SessionFile, plan: Plan, entries=(), notices: list[str] | None = None,
                 clock: Clock | None = None, checkpoint: Checkpoint | None = None):
        self.file = file
        # The session's one clock: entries are stamped, the count and lateness computed, by the same "now".
        self.clock: Clock = clock or file.clock
        file.clock = self.clock
        self.plan = plan
        self.path = Path(file.path)
        self.actor = file.actor
        self.notices = list(notices or [])
        # From a checkpoint (store/checkpoint.py) the fold starts at its state: only the entries after it
        self._builder = StateBuilder(file.header.first_lead) if checkpoint is None else resume(file.header, checkpoint)
        skip = 0 if checkpoint is None else len(checkpoint.essential)
        self._demo = False
        for index, entry in enumerate(entries):
            if index >= skip:
                self._builder.apply(entry)
            self._demo = self._demo or is_demo_note(entry.kind, entry.payload)
        self.state: SessionState = self._builder.snapshot()
        self._checked = checked_ids(plan.tasks, self.state.marks())
        self._listeners: list = []
        # The cockpit writes and polls from its journal thread, the probe runtime may append from the UI
        # loop: one lock keeps the file handle, the fold and the listeners' order single-file.
        self.io_lock = threading.RLock()
        # Hold, resume, recycle, scrub, poll, vote, rollback: shell/control.py, journaled through this session.
        self.control = LaunchControl(self)

    @property
    def demo(self) -> bool:
        """A demo session: its journal holds the note core.demo_history writes."""
        return self._demo

    def seed_demo(self) -> list:
        """Write the history of a launch in flight (core.demo_history) into this fresh demo session."""
        now = self.clock()
        with self.io_lock:
            for entry in demo_history(self.plan, self.t_clock(now), self.state.lead or self.actor):
                self.file.append(entry.kind, entry.target, entry.payload, actor=entry.actor)
            self._demo = True
            return self._absorb_locked()

    def subscribe(self, listener) -> None:
        """`listener(entries)` is called with every batch of entries read back from the file, whoever wrote them."""
        self._listeners.append(listener)

    # ------------------------------------------------------------------ opening

    @classmethod
    def start(cls, plan: Plan, path: str | os.PathLike, *, t0: datetime, actor: str | None = None,
              clock: Clock = system_clock) -> "LiveSession":
        actor = resolve_actor(actor)
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            file = create_session(plan, path, t0, actor, actor=actor, clock=clock)
        except LoadError as error:
            raise _from_load_error(error) from None
        except OSError as error:
            raise SessionOpenError(f"cannot create {path}: {error.strerror or error}",
                                   "choose a writable place with --session FILE") from None
        return cls(file, plan, clock=clock)

    @classmethod
    def resume(cls, path: str | os.PathLike, *, actor: str | None = None, plan: Plan | None = None,
               clock: Clock = system_clock, watch: bool = False) -> "LiveSession":
        if not Path(path).exists():
            raise SessionOpenError(f"{path}: no such session file", "check the path; `ls sessions/` lists recent ones")
        try:  # watching writes nothing: not even the repair of a torn tail
            file, report = open_session(path, actor=resolve_actor(actor), clock=clock, repair=not watch,
                                        use_checkpoint=True)
        except LoadError as error:
            raise _from_load_error(error) from None
        notices = list(report.messages()) if hasattr(report, "messages") else []
        header = file.header
        if plan is None:
            from launchpad.shell.checklist_cache import cached_parse

            # relative: beside the session; an unchanged checklist comes from the parse cache
            plan, problems = load_plan(resolve_plan_path(header.plan, path), parse=cached_parse)
            if plan is None or problems:
                file.close()
                detail = problems[0].format() if problems else header.plan
                raise SessionOpenError(f"cannot load the plan this session follows: {detail}",
                                       "restore the plan file, or pass it: launchpad PLAN --session FILE")
        if plan.sha256 != header.plan_sha256:
            notices.append(f"The plan changed since this session began ({Path(plan.path).name}).")
        session = cls(file, plan, file.entries, notices, clock=clock, checkpoint=file.checkpoint)
        known = [event.id for event in plan.events]
        vanished = plan_drift(session.state, [task.id for task in plan.tasks], known)
        if vanished:
            session.notices.append("Items in the journal but no longer in the plan: " + ", ".join(vanished))
        return session

    # ------------------------------------------------------------------ reading state

    @property
    def t0(self) -> datetime:
        return self.file.header.t0

    def now(self) -> datetime:
        return self.clock()

    def count(self) -> CountState:
        """The count (holds, recycles, scrubs) folded from the journal: shell/control.py."""
        return fold_session_count(self)

    def t_clock(self, now: datetime) -> float:
        """Plan time: seconds from T-0 (negative before it); it stands still during holds (core/control/count.py)."""
        return self.count().t_clock(now)

    def checked(self) -> set[str]:
        return self._checked

    def event_marks(self) -> dict[str, str]:
        return {event_id: mark.state for event_id, mark in self.state.events.items()}

    def _absorb(self) -> list:
        with self.io_lock:
            return self._absorb_locked()

    def _absorb_locked(self) -> list:
        entries = self.file.read_new()
        if entries:
            for entry in entries:
                self._builder.apply(entry)
            self.state = self._builder.snapshot()
            self._checked = checked_ids(self.plan.tasks, self.state.marks())
            for listener in self._listeners:
                listener(entries)
        return entries

    def poll(self) -> list:
        """Entries other cockpits and scripts wrote since the last look (one stat when nothing changed)."""
        return self._absorb()

    def new_warnings(self) -> list[str]:
        """What reading the file passed over since the last call (garbage another writer left, set aside)."""
        pieces = [*self.file.skipped, *self.file.repairs]
        fresh = pieces[getattr(self, "_warned", 0):]
        self._warned = len(pieces)
        return [piece.format(str(self.path)) for piece in fresh]

    # ------------------------------------------------------------------ actions (each returns the entries read back)

    def append(self, kind: str, target: str = "", payload: Mapping[str, Any] | None = None) -> list:
        with self.io_lock:
            self.file.append(kind, target, payload)
            return self._absorb()

    def append_many(self, items) -> list:
        """Several `(kind, target, payload)` entries in one lock, one write and one fsync (store/session_file.py),
        then one read-back and one fold for all of them."""
        with self.io_lock:
            self.file.append_many(items)
            return self._absorb()

    def toggle(self, item_id: str) -> list:
        if self.plan.task(item_id) is None:
            raise KeyError(f"no item #{item_id} in this plan")
        return self.append("uncheck" if item_id in self._checked else "check", item_id)

    def set_event(self, event_id: str, state: str) -> list:
        return self.append("event", event_id, {"state": state})

    def add_note(self, target: str, text: str) -> list:
        return self.append("note", target, {"text": text})

    def handoff(self, to: str) -> list:
        with self.io_lock:
            self.file.handoff(to)
            return self._absorb()

    def save(self) -> Path:
        with self.io_lock:
            self.file.compact(self.state.lead)
            self._absorb()
            return self.path

    def close(self) -> None:
        with self.io_lock:
            self.file.close()

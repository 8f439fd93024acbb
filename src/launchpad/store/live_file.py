"""`SESSION.live.json`: the prober's live figures, replaced atomically, read with one stat when unchanged.

Written by the one cockpit that holds probe leadership (a state change at once, figures and the heartbeat
once a second: core/journal/live_cadence.py), read by every other cockpit on the session. Replaced by write-to-temporary + rename, so a reader sees the old document or the new one, never
half of one; no fsync: it is a display channel, rebuilt within a second by the next prober, and the journal
stays the durable record. Both touch the disk, so the cockpit runs them off its loops (LiveWriter, the follower's watcher thread).
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Callable

from launchpad.store.lock import sidecar

SUFFIX = ".live.json"


def live_path(session_path: str | os.PathLike) -> str:
    return sidecar(os.fspath(session_path), SUFFIX)


def write_live(path: str, document: dict[str, Any]) -> None:
    """Replace `path` with `document` (JSON) in one rename."""
    write_live_text(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")))


def write_live_text(path: str, text: str) -> None:
    """Replace `path` with a document already encoded (the prober keeps it encoded: shell/live_snapshot.py)."""
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


class LiveWriter:
    """Writes the prober's latest document on a thread of its own, without waking the prober back.

    Each publish went through asyncio.to_thread: a pool worker woken to write, then the probe loop woken again
    to hear it was done (two wake-ups of the loop per publish, three with the rate-limiting sleep). Here the
    prober hands over the text and goes on; the thread sleeps on a condition (no polling) and writes the newest
    text it holds: a document that was replaced before its turn is never written (a slow disk delays the figures,
    it never queues them). `on_error(error)` is called on this thread when writing starts failing, once until a
    write succeeds again. `close()` writes what is still waiting, then ends the thread."""

    def __init__(self, path: str, on_error: Callable[[OSError], None] | None = None, name: str = "launchpad-live"):
        self.path = path
        self._on_error = on_error
        self._ready = threading.Condition()
        self._text: str | None = None
        self._closing = False
        self.failed = False
        self.writes = 0  # documents written (tests and benchmarks read it)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def write(self, text: str) -> None:
        """Hand over the newest document (never blocks on the disk)."""
        with self._ready:
            self._text = text
            self._ready.notify()

    def close(self, timeout: float | None = 5.0) -> None:
        with self._ready:
            self._closing = True
            self._ready.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._ready:
                while self._text is None and not self._closing:
                    self._ready.wait()
                text, self._text = self._text, None
                if text is None:
                    return
            try:
                write_live_text(self.path, text)
            except OSError as error:
                if not self.failed and self._on_error is not None:
                    self._on_error(error)
                self.failed = True
                continue
            self.failed = False
            self.writes += 1


def remove_live(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class LiveReader:
    """Reads the document again only when the file changed (inode, size or mtime): one stat otherwise."""

    def __init__(self, path: str):
        self.path = path
        self._seen: tuple[int, int, int] | None = None
        self.document: Any = None

    def read(self) -> tuple[bool, Any]:
        """(changed, document); document is None when there is no file or it is not JSON."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            changed = self._seen is not None
            self._seen, self.document = None, None
            return changed, None
        key = (info.st_ino, info.st_size, info.st_mtime_ns)
        if key == self._seen:
            return False, self.document
        try:
            with open(self.path, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError):  # replaced between stat and open, or a foreign file: try again next time
            return False, self.document
        self._seen, self.document = key, document
        return True, document

"""`SESSION.live.json`: the prober's live figures, replaced atomically, read with one stat when unchanged.

Written by the one cockpit that holds probe leadership a few times a second, read by every other cockpit on
the session. Replaced by write-to-temporary + rename, so a reader sees the old document or the new one, never
half of one; no fsync: it is a display channel, rebuilt within a second by the next prober, and the journal
stays the durable record. Both calls touch the disk, so the cockpit runs them in a worker thread.
"""

from __future__ import annotations

import json
import os
from typing import Any

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

"""Exclusive locks on sidecar files (fcntl.flock), never on the session file itself.

The data file is replaced by every compaction (new inode), so a lock on it would not be seen by a process
holding the old inode open; `NAME.lock` and `NAME.probes.lock` are never replaced.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from typing import Iterator


def sidecar(path: str, suffix: str) -> str:
    return f"{path}{suffix}"


def open_lock_file(path: str) -> int:
    # O_CLOEXEC: a child process (a probe, an editor) must not inherit and keep our lock.
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)


class FileLock:
    """A blocking exclusive flock on `path`, opened once and taken around each critical section."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None  # opened on first use: a handle that never writes leaves no sidecar behind
        self._closed = False

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        if self._closed:
            raise ValueError(f"lock {self.path} is closed")
        if self._fd is None:
            self._fd = open_lock_file(self.path)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._closed = True
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

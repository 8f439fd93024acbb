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


class LockUnavailable(OSError):
    """The lock file cannot be opened or created (permissions, read-only directory, not a regular file):
    this process can still read the session, but must not write to it or lead its probes."""

    def __str__(self) -> str:
        return self.args[0]


def open_lock_file(path: str) -> int:
    """A descriptor on the lock file, created if missing; LockUnavailable (one clear sentence) if impossible.
    O_NONBLOCK: a FIFO planted under the lock's name must not block the open. O_CLOEXEC: a child process
    (a probe, an editor) must not inherit and keep our lock."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NONBLOCK, 0o666)
    except OSError as error:
        raise LockUnavailable(f"cannot open the lock file {path}: {error.strerror or error}") from None


class FileLock:
    """A blocking exclusive flock on `path`, opened once and taken around each critical section."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None  # opened on first use: a handle that never writes leaves no sidecar behind
        self._closed = False

    def open(self) -> None:
        """Open (create) the lock file now rather than on the first write; LockUnavailable if it cannot be."""
        if self._closed:
            raise ValueError(f"lock {self.path} is closed")
        if self._fd is None:
            self._fd = open_lock_file(self.path)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self.open()
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

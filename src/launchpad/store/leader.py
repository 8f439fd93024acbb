"""Probe leadership: of all cockpits sharing one session, exactly one runs the probes.

Whoever holds a non-blocking flock on `SESSION.probes.lock` is the leader. The kernel drops the lock when the
holder closes it or dies (even by kill -9), so another cockpit polling `try_acquire()` takes over.
"""

from __future__ import annotations

import fcntl
import os

from launchpad.store.lock import LockUnavailable, open_lock_file, sidecar


class ProbeLeadership:
    def __init__(self, session_path: str | os.PathLike):
        self.path = sidecar(os.fspath(session_path), ".probes.lock")
        self._fd: int | None = None
        self.problem = ""  # why this process cannot lead (lock file unusable): it only watches

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """True when this process leads the probes now (also when it already did). Never blocks, never raises
        for an unusable lock file: then False, with `problem` saying why (watch only)."""
        if self._fd is not None:
            return True
        try:
            fd = open_lock_file(self.path)
        except LockUnavailable as error:
            self.problem = f"{error}; this cockpit only watches the probes (another cockpit, or none, runs them)"
            return False
        self.problem = ""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the only descriptor releases the flock

    close = release

    def __enter__(self) -> "ProbeLeadership":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:  # the kernel would release it on exit anyway; this covers a dropped object
        try:
            self.release()
        except Exception:
            pass

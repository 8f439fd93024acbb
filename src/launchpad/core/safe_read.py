"""Reading a file someone else controls, without letting it block, exhaust memory or loop.

Plans, checklists and session files are shared; any of them may turn out to be a FIFO (an open that waits
for a writer forever), a device such as /dev/zero (a read that never ends), a socket, a directory, a symlink
to itself, or simply enormous. Every reader goes through `open_regular` / `read_regular`, which open without
blocking, look at what was actually opened (fstat, so a swap after a check cannot fool it) and read no more
than a cap. This module is the core's (plain os calls, no store or UI): the store builds on it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path

MB = 1024 * 1024
PLAN_LIMIT = 16 * MB  # plans and checklists: hand-written text; 16 MB is thousands of times a real one
SESSION_LIMIT_ENV = "LAUNCHPAD_MAX_SESSION_BYTES"
SESSION_LIMIT = 1024 * MB  # a session journal grows all launch long; 1 GB is ~5 million entries


class UnreadableFile(OSError):
    """This path cannot be read as a file: `message` says why, `hint` how to fix it."""

    def __init__(self, path: str, message: str, hint: str):
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def session_limit(env: dict | None = None) -> int:
    """The session size cap: SESSION_LIMIT, or $LAUNCHPAD_MAX_SESSION_BYTES when set to a positive integer."""
    raw = (os.environ if env is None else env).get(SESSION_LIMIT_ENV, "")
    try:
        value = int(raw)
    except ValueError:
        return SESSION_LIMIT
    return value if value > 0 else SESSION_LIMIT


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _too_big(path: str, size: int, limit: int, hint: str) -> UnreadableFile:
    return UnreadableFile(path, f"too large ({size:,} bytes; launchpad reads at most {limit:,})", hint)


def open_regular(path: str, flags: int = os.O_RDONLY, *, what: str = "file", hint: str = "",
                 limit: int | None = None) -> int:
    """A descriptor on `path` if it is a regular file (of at most `limit` bytes); raises UnreadableFile.

    O_NONBLOCK makes opening a FIFO return at once (instead of waiting for a writer); it is cleared again,
    and only regular files get that far, where it meant nothing anyway.
    """
    hint = hint or f"name the {what} itself (a regular file)"
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise UnreadableFile(path, "file not found", "check the path") from None
    except IsADirectoryError:
        raise UnreadableFile(path, "is a directory, not a file", hint) from None
    except PermissionError:
        raise UnreadableFile(path, "permission denied", "check the file's permissions") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnreadableFile(path, "symlink loop (the link points back to itself)",
                                 "point the link at a real file") from None
        if error.errno in (errno.ENXIO, errno.ENODEV, errno.EOPNOTSUPP):
            raise UnreadableFile(path, "is a socket or device, not a file", hint) from None
        raise UnreadableFile(path, f"cannot open: {error.strerror or error}", "check the path and permissions") from None
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not None:
            raise UnreadableFile(path, f"is {kind}, not a regular file", hint)
        if limit is not None and info.st_size > limit:
            raise _too_big(path, info.st_size, limit, "split it, or check that this is the right file")
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_fd(fd: int, path: str, limit: int) -> bytes:
    """All of a regular file's bytes, at most `limit` (it may grow while we read: stop past the cap).
    The size fstat gives is read in one piece, so a file that did not grow is returned as that one bytes
    object: no second copy of a 77 MB journal to join the pieces into."""
    chunks = []
    offset = 0
    size = os.fstat(fd).st_size
    while True:
        want = min(max(size - offset, 1 << 16), limit + 1 - offset)
        if want <= 0:
            break
        chunk = os.pread(fd, want, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    if offset > limit:
        raise _too_big(path, max(offset, os.fstat(fd).st_size), limit,
                       "split it, or check that this is the right file")
    return b"".join(chunks)


def read_regular(path: str, limit: int = PLAN_LIMIT, *, what: str = "file", hint: str = "") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raises UnreadableFile saying what is wrong."""
    fd = open_regular(path, what=what, hint=hint, limit=limit)
    try:
        return read_fd(fd, path, limit)
    finally:
        os.close(fd)


def resolved(path: str | os.PathLike) -> str:
    """The absolute, symlink-free path when it can be had; the plain absolute path when a link loops
    (Path.resolve raises RuntimeError on a loop before Python 3.13): the read then reports the loop."""
    try:
        return str(Path(path).resolve())
    except (RuntimeError, OSError):
        return os.path.abspath(os.fspath(path))

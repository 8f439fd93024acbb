"""Whole-file writes that either happen completely or not at all: temp file in the same directory, fsync,
rename (or link, to create without clobbering), then fsync the directory so the rename itself is durable."""

from __future__ import annotations

import os
import secrets


def fsync_dir(directory: str) -> None:
    fd = os.open(directory or ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(path: str, data: bytes, mode: int) -> str:
    directory, name = os.path.split(os.path.abspath(path))
    temp = os.path.join(directory, f".{name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(temp)
        raise
    os.close(fd)
    return temp


def prepare_replace(path: str, data: bytes, mode: int = 0o666) -> str:
    """The first half of atomic_replace, which may run outside a lock: `data` in a durable temp file beside
    `path`. Finish with commit_replace (or discard_replace); the caller owns the temp until then."""
    return _write_temp(path, data, mode)


def commit_replace(temp: str, path: str, tail: bytes = b"") -> None:
    """Append `tail` to a prepared temp, fsync it, rename it over `path`, fsync the directory: the short
    second half of a replacement (a compaction swaps in what was appended while it copied the rest)."""
    try:
        if tail:
            fd = os.open(temp, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
            try:
                view = memoryview(tail)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(temp, path)
    except BaseException:
        discard_replace(temp)
        raise
    fsync_dir(os.path.dirname(os.path.abspath(path)))


def discard_replace(temp: str) -> None:
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass


def atomic_replace(path: str, data: bytes, mode: int = 0o666) -> None:
    """Replace (or create) `path` with `data`; readers see the old file or the new one, never a mix."""
    commit_replace(prepare_replace(path, data, mode), path)


def atomic_create(path: str, data: bytes, mode: int = 0o666) -> None:
    """Create `path` with `data`, complete or not at all; FileExistsError if it exists (never overwrites)."""
    temp = _write_temp(path, data, mode)
    try:
        os.link(temp, path)  # link() fails on an existing name, unlike rename()
    finally:
        os.unlink(temp)
    fsync_dir(os.path.dirname(os.path.abspath(path)))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def remove_stale_temps(path: str) -> list[str]:
    """Delete `.NAME.tmp-PID-*` files beside `path` whose writer (PID) is dead: a kill -9 during a
    compaction leaves its half-written copy; nothing else ever removes it. A live PID's temp is kept (it
    may be writing right now). Returns what was removed; a directory that cannot be listed is left alone."""
    directory, name = os.path.split(os.path.abspath(path))
    prefix = f".{name}.tmp-"
    removed = []
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return removed
    for candidate in names:
        if not candidate.startswith(prefix):
            continue
        pid_text, _, token = candidate[len(prefix):].partition("-")
        if not (pid_text.isdigit() and token) or _pid_alive(int(pid_text)):
            continue
        try:
            os.unlink(os.path.join(directory, candidate))
        except OSError:
            continue
        removed.append(candidate)
    return removed

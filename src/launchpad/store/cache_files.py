"""Where launchpad keeps what it can always rebuild, and how it writes it.

Three caches make big plans and long sessions open fast (shell/plan_ids.py, shell/checklist_cache.py,
store/checkpoint.py). They share one place, $XDG_CACHE_HOME/launchpad/KIND/ (else ~/.cache/launchpad/KIND/),
one file per source named by a hash of the source's absolute path, and one way of writing: whole (readers see
the old file or the new one, never half of one), private (folder 0700, file 0600: a cache holds plan and journal
text), and without fsync (a cache lost or torn by a crash fails its reader's checks and is rebuilt). Errors are
ignored: a cache that cannot be written only costs the next start its time. Each cache is also keyed by
`code_key`: a file written by other code (a dev checkout, an upgrade) is never trusted.

The folders stay small without anyone emptying them: reading a cache file marks it used (its mtime), and the
first write of a kind in a process removes that kind's files unused for UNUSED_DAYS (plans and sessions since
moved or deleted, temporary folders, a temporary file a crash left). Age is measured against the mtime of the
file just written, the file system's own clock: no wall clock is read, and a test's moved clock cannot empty
the cache.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

from launchpad import __version__
from launchpad.core.safe_read import open_regular, read_fd

PACKAGE = Path(__file__).resolve().parents[1]  # src/launchpad
UNUSED_DAYS = 30
_pruned: set[Path] = set()  # the cache folders this process has pruned already


def package_modules(folder: str, pattern: str = "*.py") -> list[str]:
    """The modules under `folder` of the package matching `pattern`, as paths relative to the package, sorted."""
    return sorted(str(path.relative_to(PACKAGE)) for path in (PACKAGE / folder).rglob(pattern))


def code_key(cache_format: int, modules: Iterable[str]) -> str:
    """A hash of launchpad's version, a cache's format and the source of `modules` (paths relative to the
    package): the code that decides what the cache holds. Callers compute it once a process (functools.cache)."""
    digest = hashlib.sha256(f"{cache_format} {__version__}".encode())
    for name in modules:
        try:
            digest.update(name.encode() + b"\0" + (PACKAGE / name).read_bytes())
        except OSError:
            digest.update(b"missing " + name.encode())
    return digest.hexdigest()


def cache_dir(kind: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "launchpad" / kind


def cache_file(kind: str, source: str, suffix: str) -> Path:
    """The cache file of `kind` standing for the file at `source`."""
    name = hashlib.sha256(os.path.abspath(source).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_dir(kind) / (name + suffix)


def read_cache_file(target: Path, limit: int) -> bytes | None:
    """The bytes of `target` if it is a regular file of at most `limit` bytes, else None (a FIFO, a folder or a
    giant in a cache's place is not ours to read)."""
    try:
        fd = open_regular(str(target), limit=limit)
        try:
            data = read_fd(fd, str(target), limit)
            try:
                os.utime(fd)  # used: pruning keeps it
            except OSError:
                pass
            return data
        finally:
            os.close(fd)
    except OSError:  # UnreadableFile included
        return None


def write_cache_file(target: Path, data: bytes) -> bool:
    """Write `data` to `target` whole and privately; False (and nothing left behind) when it could not be."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False
    if target.parent not in _pruned:
        _pruned.add(target.parent)
        try:
            prune(target.parent, os.stat(target).st_mtime - UNUSED_DAYS * 86_400)
        except OSError:
            pass
    return True


def prune(folder: Path, older_than: float) -> int:
    """Remove the regular files in `folder` last used before `older_than` (a file-system timestamp); the count
    removed. Errors are ignored (another process may be pruning the same folder)."""
    removed = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < older_than:
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
    except OSError:
        pass
    return removed

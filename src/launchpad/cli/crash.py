"""When something unexpected breaks: the traceback goes to a file, the terminal gets one line and its path.

A traceback on a war-room screen helps no one and may show what it should not (Textual's own prints every
frame's locals); the person at the keyboard needs to know that the session file is intact and where the
details are for a bug report.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import traceback

from launchpad.core.literal import one_line

CRASH_EXIT = 70  # EX_SOFTWARE: an internal error, unlike 1 (bad input) and 2 (usage)


def crash_directory() -> str:
    """$XDG_STATE_HOME/launchpad (default ~/.local/state/launchpad), where a user's crash logs belong."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(state, "launchpad")


def write_crash_log(error: BaseException) -> str | None:
    """Write the traceback to a new private file; its path, or None when no directory would take it."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    name = f"crash-{os.getpid()}-{secrets.token_hex(4)}.log"
    for directory in (crash_directory(), tempfile.gettempdir()):
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            path = os.path.join(directory, name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
            handle.write(f"launchpad {' '.join(sys.argv[1:])!r}\n{text}")
        return path
    return None


def report_crash(error: BaseException, doing: str = "launchpad", *, log: str | None = None, after: str = "") -> int:
    """Log `error` (unless `log` already holds it), print ONE line to stderr saying where the log is, and
    return the exit code."""
    path = log or write_crash_log(error)
    summary = one_line(f"{type(error).__name__}: {error}", 200)
    where = f"; details in {path}" if path else ""
    try:
        print(f"launchpad: {doing} stopped on an internal error ({summary}){where}{after}", file=sys.stderr)
    except (OSError, ValueError):
        pass
    return CRASH_EXIT

"""The one shape of every command that writes to a session from a script: open it, act, print, close, and
turn what went wrong into one message on stderr and an exit code (1; 2 for a bad argument).

`cli/session_cmds.py` (mark, note, handoff) and `cli/control_cmds.py` (event, hold, resume, poll, vote, ...)
repeated it command by command; here it is once:

    return in_session("hold", lambda: open_live("hold", args.session, args.actor), body)

where `body(session)` returns the exit code and stops early with `raise Exit(say(...))`, or through
`act(...)`, which runs one journal action and says "nothing written" or "could not write" as it fails.
Journal text is data from other people: everything printed goes through `safe` (core.literal).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, TypeVar

from launchpad.core.literal import one_line, printable
from launchpad.core.journal.journal import format_utc
from launchpad.core.problems import LoadError

S = TypeVar("S")


class Exit(Exception):
    """Ends a command early with this exit code; what went wrong has been said already."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def safe(text: Any) -> str:
    """Journal text is data from other people: controls, bidi and invisible characters shown, never raw
    (core.literal, the one place every display path goes through)."""
    return printable(text, keep_newlines=True)


def say(command: str, *lines: str) -> int:
    """`launchpad COMMAND: what is wrong` (then hint lines, indented) on stderr; exit code 1."""
    for line in lines:
        print(f"launchpad {command}: {safe(line)}" if line and not line.startswith(" ") else safe(line), file=sys.stderr)
    return 1


def say_problems(command: str, error: LoadError) -> int:
    return say(command, *[problem.format() for problem in error.problems])


def bad_argument(command: str, message: str) -> int:
    """An argument the command cannot use (a T-offset or T-0 the clock cannot hold, a bad time): one line on
    stderr and exit code 2, as argparse does for its own argument errors; nothing is read or written."""
    print(f"launchpad {command}: {one_line(message, 300)}", file=sys.stderr)
    return 2


def written_line(entry, what: str) -> str:
    """The confirmation a script prints once its entry is on disk: `#12 check deploy-backend by ci at ...`."""
    return f"#{entry.seq} {what} by {safe(entry.actor)} at {format_utc(entry.at)}"


def add_actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who is acting (default: $LAUNCHPAD_USER, else your login name)")


# --------------------------------------------------------------------------- opening


def open_file(command: str, path: str, actor: str | None):
    """The light append handle (store.session_file): header and tail only, for mark / note / handoff."""
    from launchpad.store.actor import resolve_actor
    from launchpad.store.session_file import open_for_append

    try:
        return open_for_append(path, actor=resolve_actor(actor))
    except LoadError as error:
        raise Exit(say_problems(command, error)) from None


def open_live(command: str, path: str, actor: str | None):
    """The session as a cockpit opens it (plan and fold), for launch control; its notices as warnings."""
    from launchpad.shell.session import LiveSession, SessionOpenError

    try:
        session = LiveSession.resume(path, actor=actor)
    except SessionOpenError as error:
        raise Exit(say(command, f"{error}; nothing written", *([f"    hint: {error.hint}"] if error.hint else []))) from None
    for notice in session.notices:
        print(f"launchpad {command}: warning: {safe(notice)}", file=sys.stderr)
    return session


def in_session(command: str, opener: Callable[[], S], body: Callable[[S], int]) -> int:
    """Open, run `body`, close whatever happens; an `Exit` on the way is its exit code."""
    try:
        session = opener()
        try:
            return body(session)
        finally:
            session.close()
    except Exit as done:
        return done.code


# --------------------------------------------------------------------------- acting


def act(command: str, session, action: Callable, *args, refused: tuple[type[BaseException], ...] = (ValueError, KeyError),
        unwritten: tuple[type[BaseException], ...] = (OSError,), what: str = "write the entry"):
    """One journal action: what it returns, or `Exit` after saying why. `refused` errors are the action
    saying no (nothing written); `unwritten` ones are the file failing."""
    try:
        return action(*args)
    except refused as error:
        raise Exit(say(command, f"{str(error).strip(chr(39))}; nothing written")) from None
    except unwritten as error:
        raise Exit(say(command, f"{session.path}: could not {what}: {error}")) from None


def written(entries, kind: str):
    """The entry of `kind` an action wrote (the last one, when it wrote several)."""
    return next((entry for entry in reversed(entries) if entry.kind == kind), None)

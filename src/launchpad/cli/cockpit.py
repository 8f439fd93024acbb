"""`launchpad [PLAN]`, `launchpad open SESSION` and `launchpad watch SESSION`: the cockpit on a plan or a session
file; `watch` opens it read-only (it never writes and never takes the probes: it draws the prober's figures)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

from launchpad.core.clock import system_clock
from launchpad.core.offsets import OffsetError, parse_instant
from launchpad.core.plan import load_plan


def add_cockpit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", metavar="PLAN",
                        help="a .toml plan or a Markdown checklist (default: the bundled launch-day plan)")
    parser.add_argument("--t0", metavar="ISO-8601",
                        help="when T-0 is, e.g. 2026-11-22T18:00Z (default: two hours from now)")
    parser.add_argument("--session", metavar="FILE",
                        help="the session file to write (resumed if it exists; default: a new one in ./sessions/)")
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who you are in the journal (default: $LAUNCHPAD_USER, else your login name)")
    parser.add_argument("--no-demo", action="store_true", help="do not start the plan's demo service")


def add_open_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="a session file written by launchpad")
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who you are in the journal (default: $LAUNCHPAD_USER, else your login name)")
    parser.add_argument("--no-demo", action="store_true", help="do not start the plan's demo service")


def _fail(message: str, hint: str = "", code: int = 1) -> int:
    print(f"launchpad: {message}", file=sys.stderr)
    if hint:
        print(f"    hint: {hint}", file=sys.stderr)
    return code


def default_t0(now: datetime) -> datetime:
    """Two hours ahead, on the next whole minute: the demo is mid-countdown, with steps late and steps to come."""
    ahead = now + timedelta(hours=2)
    return ahead.replace(second=0, microsecond=0) + timedelta(minutes=1)


def sessions_dir() -> Path:
    """`./sessions/` where the current directory is writable (beside the team's plans), else the user's state
    directory ($XDG_STATE_HOME/launchpad/sessions), so the cockpit opens from `/` or a read-only checkout."""
    here = Path.cwd()
    if os.access(here, os.W_OK) and here != Path(here.anchor):
        return Path("sessions")
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "launchpad" / "sessions"


def default_session_path(plan_path: str, now: datetime) -> Path:
    return sessions_dir() / f"{Path(plan_path).stem}-{now:%Y%m%d-%H%M%S}.session.toml"


def no_terminal() -> int | None:
    """The cockpit draws on a terminal; in a pipe, cron or CI it would never end (and would hold the probes)."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    if "web_driver" in os.environ.get("TEXTUAL_DRIVER", ""):  # a browser tab of `launchpad serve`
        return None
    return _fail("the cockpit needs a terminal (standard input and output are not a TTY)",
                 "run it in a terminal or tmux; from scripts use `launchpad status`, `launchpad mark` or "
                 "`launchpad probe --once`", code=2)


def run_cockpit(args: argparse.Namespace) -> int:
    from launchpad.bundled import bundled_plan
    from launchpad.shell.plan_writer import plan_beside

    plan_path = args.plan
    if plan_path is None:
        found = bundled_plan()
        if found is None:
            return _fail("the bundled plan is not installed", "name a plan: launchpad timelines/launch-day.toml")
        plan_path = str(found)
    elif Path(plan_path).suffix.lower() != ".toml" and plan_beside(plan_path).is_file():
        plan_path = str(plan_beside(plan_path))  # the plan `launchpad init` wrote beside the checklist
        print(f"launchpad: opening the plan beside the checklist, {plan_path}", file=sys.stderr)
    plan, problems = load_plan(plan_path)
    if plan is None or problems:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        return _fail(f"cannot open {plan_path}: fix the problems above", f"`launchpad validate {plan_path}` lists them")
    refused = no_terminal()  # after the plan check, so a bad plan is still reported from scripts
    if refused is not None:
        return refused
    clock = system_clock  # the one clock every part of this cockpit reads (core/clock.py)
    now = clock()
    t0 = None
    if args.t0:
        try:
            t0 = parse_instant(args.t0)
        except OffsetError as error:
            return _fail(str(error), code=2)
    from launchpad.shell.session import LiveSession, SessionOpenError

    try:
        if args.session and Path(args.session).exists():
            session = LiveSession.resume(args.session, actor=args.actor, plan=plan, clock=clock)
            if t0 is not None and t0 != session.t0:
                print(f"launchpad: note: {args.session} keeps its own T-0 ({session.t0:%Y-%m-%dT%H:%M:%SZ}); --t0 ignored",
                      file=sys.stderr)
        else:
            path = Path(args.session) if args.session else default_session_path(plan.path, now)
            session = LiveSession.start(plan, path, t0=t0 or default_t0(now), actor=args.actor, clock=clock)
    except SessionOpenError as error:
        return _fail(str(error), error.hint)
    return _run_app(session, demo=not args.no_demo)


def run_open(args: argparse.Namespace) -> int:
    from launchpad.shell.session import LiveSession, SessionOpenError

    refused = no_terminal()
    if refused is not None:
        return refused
    try:
        session = LiveSession.resume(args.session, actor=args.actor)
    except SessionOpenError as error:
        return _fail(str(error), error.hint)
    return _run_app(session, demo=not args.no_demo)


def add_watch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="a session file written by launchpad")
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who is watching (shown nowhere in the journal: a watching cockpit writes nothing)")


def run_watch(args: argparse.Namespace) -> int:
    from launchpad.shell.session import LiveSession, SessionOpenError

    refused = no_terminal()
    if refused is not None:
        return refused
    try:
        session = LiveSession.resume(args.session, actor=args.actor, watch=True)
    except SessionOpenError as error:
        return _fail(str(error), error.hint)
    return _run_app(session, demo=False, watch=True)


def _run_app(session, *, demo: bool, watch: bool = False) -> int:
    from launchpad.tui.app import LaunchpadApp

    probes = None
    if session.plan.probes:
        from launchpad.shell.probes import ProbeRuntime

        probes = ProbeRuntime(session, start_demo=demo, watch_only=watch)
    app = LaunchpadApp(session, probes=probes, read_only=watch)
    try:
        app.run()
    finally:
        session.close()
        if probes is not None:
            probes.close()
    if not watch:
        print(f"Session saved in {session.path}\nResume it with: launchpad open {session.path}")
    return 0

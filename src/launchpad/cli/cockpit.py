"""`launchpad [PLAN]`, `launchpad open SESSION` and `launchpad watch SESSION`: the cockpit on a plan or a session
file; `watch` opens it read-only (it never writes and never takes the probes: it draws the prober's figures)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shlex
import sys
from datetime import datetime, timedelta
from pathlib import Path

from launchpad.core.clock import system_clock
from launchpad.core.plan.offsets import OffsetError, parse_instant, parse_t0
from launchpad.core.plan.plan import load_plan


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
    parser.add_argument("--plan-changed-ok", action="store_true",
                        help="resume an existing --session with PLAN although it is not the plan the session began with")


def add_open_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="a session file written by launchpad")
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who you are in the journal (default: $LAUNCHPAD_USER, else your login name)")
    parser.add_argument("--no-demo", action="store_true", help="do not start the plan's demo service")


def invoked_as(argv0: str | None = None) -> str:
    """The command as the person typed it (`.venv/bin/launchpad`, `launchpad`, `python -m launchpad`), for
    hints to repeat: `launchpad` alone is often not on PATH in a virtualenv setup."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if not argv0 or Path(argv0).name in ("__main__.py", "-m", "-c"):
        return f"{shlex.quote(sys.executable)} -m launchpad"
    return shlex.quote(argv0)


@contextlib.contextmanager
def collected():
    """Garbage collection on while a plan or a session file is read: the cockpit's start runs without it
    (cli/main.py) for its imports and its screen, never for data of any size (a journal of hundreds of
    thousands of entries), whose cycles would otherwise be frozen with the first frame (tui/app.py)."""
    off = not gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if off:
            gc.disable()


def _fail(message: str, hint: str = "", code: int = 1) -> int:
    print(f"launchpad: {message}", file=sys.stderr)
    if hint:
        print(f"    hint: {hint}", file=sys.stderr)
    return code


def default_t0(now: datetime) -> datetime:
    """Two hours ahead, on the next whole minute: the demo is mid-countdown, with steps done and steps to come."""
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


def _iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def session_conflict(session_path: str, plan, plan_named: bool, t0: datetime | None,
                     plan_changed_ok: bool) -> int | None:
    """An existing --session keeps its own plan and T-0: a different PLAN or --t0 is refused, not ignored.

    A session made for one plan and reopened with another would journal ticks of items it does not have."""
    from launchpad.core.plan.plan_ref import resolve_plan_path
    from launchpad.core.problems import LoadError
    from launchpad.store.session_file import load_session

    try:
        header, _, _ = load_session(session_path)
    except LoadError:
        return None  # opening it reports the problem in full
    if t0 is not None and t0 != header.t0:
        return _fail(f"{session_path} has its own T-0 ({_iso(header.t0)}); --t0 {_iso(t0)} cannot change it",
                     f"drop --t0 to resume it, pass --t0 {_iso(header.t0)}, or start a new session with "
                     "another --session FILE", code=2)
    if not plan_named or plan_changed_ok:
        return None
    theirs = os.path.realpath(resolve_plan_path(header.plan, session_path))
    if theirs != os.path.realpath(plan.path):
        return _fail(f"{session_path} follows the plan {theirs}, not {plan.path}",
                     f"resume it with `launchpad open {session_path}`, start a new session with another "
                     "--session FILE, or pass --plan-changed-ok to journal into it with this plan", code=2)
    if header.plan_sha256 != plan.sha256:
        return _fail(f"{plan.path} changed since {session_path} began (its checksum differs)",
                     "pass --plan-changed-ok to resume the session with the plan as it is now, "
                     "or start a new session with another --session FILE", code=2)
    return None


def _plan_beside(checklist: str) -> Path:
    # Imported here: shell.plan_writer brings the plan drafter and its trigger patterns (~10 ms), which a
    # cockpit on a .toml plan (the bundled one included) never uses before its first frame.
    from launchpad.shell.plan_writer import plan_beside

    return plan_beside(checklist)


def run_cockpit(args: argparse.Namespace) -> int:
    from launchpad.bundled import bundled_plan

    if args.plan is None and args.session and Path(args.session).exists():
        return _resume_named_session(args)  # `launchpad --session FILE`: that session, with its own plan
    plan_path = args.plan
    if plan_path is None:
        found = bundled_plan()
        if found is None:
            return _fail("the bundled plan is not installed", "name a plan: launchpad timelines/launch-day.toml")
        plan_path = str(found)
    elif Path(plan_path).suffix.lower() != ".toml" and _plan_beside(plan_path).is_file():
        plan_path = str(_plan_beside(plan_path))  # the plan `launchpad init` wrote beside the checklist
        print(f"launchpad: opening the plan beside the checklist, {plan_path}", file=sys.stderr)
    from launchpad.shell.checklist_cache import cached_parse

    with collected():  # an unchanged checklist comes from the parse cache: no markdown-it, no parse
        plan, problems = load_plan(plan_path, parse=cached_parse)
    if plan is None or problems:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        return _fail(f"cannot open {plan_path}: fix the problems above", f"`launchpad validate {plan_path}` lists them")
    t0 = None
    if args.t0:
        try:  # a zone is required, and a T-0 within ten years of now: the clock holds launches, not eras
            t0 = parse_t0(args.t0, system_clock(), require_zone=True)
        except OffsetError as error:
            return _fail(str(error), code=2)
    resuming = bool(args.session) and Path(args.session).exists()
    if resuming:
        with collected():
            refused = session_conflict(args.session, plan, True, t0, args.plan_changed_ok)
        if refused is not None:
            return refused
    refused = no_terminal()  # after the plan check, so a bad plan is still reported from scripts
    if refused is not None:
        return refused
    clock = system_clock  # the one clock every part of this cockpit reads (core/clock.py)
    now = clock()
    from launchpad.shell.session import LiveSession, SessionOpenError

    try:
        with collected():
            if resuming:
                session = LiveSession.resume(args.session, actor=args.actor, plan=plan, clock=clock)
            else:
                path = Path(args.session) if args.session else default_session_path(plan.path, now)
                session = LiveSession.start(plan, path, t0=t0 or default_t0(now), actor=args.actor, clock=clock)
                if args.plan is None and not args.session and t0 is None:
                    session.seed_demo()  # the bundled demo opens on a launch in flight (core/journal/demo_history.py)
    except SessionOpenError as error:
        return _fail(str(error), error.hint)
    return _run_app(session, demo=not args.no_demo)


def _resume_named_session(args: argparse.Namespace) -> int:
    if args.t0:
        try:
            t0 = parse_instant(args.t0, require_zone=True)
        except OffsetError as error:
            return _fail(str(error), code=2)
        with collected():
            refused = session_conflict(args.session, None, False, t0, True)
        if refused is not None:
            return refused
    return run_open(args)


def run_open(args: argparse.Namespace) -> int:
    from launchpad.shell.session import LiveSession, SessionOpenError

    refused = no_terminal()
    if refused is not None:
        return refused
    try:
        with collected():
            session = LiveSession.resume(args.session, actor=args.actor)
    except SessionOpenError as error:
        return _fail(str(error), error.hint)
    return _run_app(session, demo=not args.no_demo)


def _crash_safe(app_class):
    """`app_class` whose unexpected exceptions end the app with a crash log instead of Textual's full-screen
    traceback (every frame's locals, secrets included) and a return code the caller must remember to read."""

    class CrashSafeCockpit(app_class):
        crash_log: str | None = None
        crash: BaseException | None = None

        def _handle_exception(self, error: Exception) -> None:
            from launchpad.cli.crash import write_crash_log

            if self.crash is None:
                self.crash = error
                self.crash_log = write_crash_log(error)
            super()._handle_exception(error)  # sets return_code 1 and shuts the app down, terminal restored
            self._exit_renderables.clear()  # the traceback is in the log; the screen gets one line

    CrashSafeCockpit.__name__ = app_class.__name__
    return CrashSafeCockpit


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
        with collected():
            session = LiveSession.resume(args.session, actor=args.actor, watch=True)
    except SessionOpenError as error:
        return _fail(str(error), error.hint)
    return _run_app(session, demo=False, watch=True)


def _run_app(session, *, demo: bool, watch: bool = False) -> int:
    from launchpad.cli.crash import report_crash
    from launchpad.tui.app import LaunchpadApp

    probes = None
    if session.plan.probes or session.plan.metrics:
        from launchpad.shell.probes import ProbeRuntime

        probes = ProbeRuntime(session, start_demo=demo, watch_only=watch)
    if watch:
        from launchpad.tui.watch import WatchApp

        app = _crash_safe(WatchApp)(session, probes=probes)
    else:
        app = _crash_safe(LaunchpadApp)(session, probes=probes)
    intact = f"; the session file is intact: {invoked_as()} open {shlex.quote(str(session.path))}"
    try:
        app.run()
    except Exception as error:  # noqa: BLE001 - raised outside Textual's own handling (e.g. on start-up)
        if app.crash is not None:  # a failure while shutting down after the first one: the first is the cause
            return report_crash(app.crash, "the cockpit", log=app.crash_log, after=intact)
        return report_crash(error, "the cockpit", after=intact)
    finally:
        session.close()
        if probes is not None:
            probes.close()
    if app.crash is not None:
        return report_crash(app.crash, "the cockpit", log=app.crash_log, after=intact)
    if app.return_code:
        return app.return_code
    if not watch:
        print(f"Session saved in {session.path}\nResume it with: {invoked_as()} open {shlex.quote(str(session.path))}")
    return 0

"""`launchpad replay | report | simulate`: a past launch seen again, written up, or made up for tests.

`replay` and `report` only ever read the session file (load_session takes no lock and writes nothing).
`simulate` writes a new file and refuses to overwrite one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from launchpad.core.problems import LoadError


def _fail(command: str, message: str, hint: str = "", code: int = 1) -> int:
    from launchpad.core.literal import printable

    print(f"launchpad {command}: {printable(message)}", file=sys.stderr)
    if hint:
        print(f"    hint: {printable(hint)}", file=sys.stderr)
    return code


def _problems(command: str, problems) -> int:
    from launchpad.core.literal import printable

    for problem in problems:
        print(printable(problem.format(), keep_newlines=True), file=sys.stderr)
    return 1


def _load(command: str, path: str):
    """(header, entries, plan) of a session, or an exit code after saying what is wrong."""
    from launchpad.core.plan.plan import load_plan
    from launchpad.core.plan.plan_ref import resolve_plan_path
    from launchpad.store.session_file import load_session

    try:
        header, entries, report = load_session(path)
    except LoadError as error:
        return _problems(command, error.problems)
    for message in report.messages():
        print(f"launchpad {command}: warning: {message}", file=sys.stderr)
    plan_path = resolve_plan_path(header.plan, path)
    plan, problems = load_plan(plan_path)
    if plan is None:
        _problems(command, problems)
        return _fail(command, f"cannot load the plan this session follows: {plan_path}",
                     "restore the plan file next to where the session names it")
    if plan.sha256 != header.plan_sha256:
        print(f"launchpad {command}: warning: the plan {plan_path} changed since the session began", file=sys.stderr)
    return header, entries, plan


# --------------------------------------------------------------------------- replay


def add_replay_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="a session file written by launchpad")
    parser.add_argument("--speed", type=float, default=60.0, metavar="N",
                        help="playback speed, 1 to 3600 times real time (default 60)")
    parser.add_argument("--from", dest="start", metavar="T-OFFSET|ISO",
                        help="where the playhead starts: a T-offset in plan time (holds included), e.g. T-30m, or a wall "
                             "time, e.g. 2026-11-22T17:30Z (default: the first entry)")
    parser.add_argument("--play", action="store_true", help="start playing at once (default: paused)")


def run_replay(args: argparse.Namespace) -> int:
    from launchpad.core.plan.offsets import OffsetError
    from launchpad.core.journal.replay import offset_moment, parse_moment

    if not 1 <= args.speed <= 3600:
        return _fail("replay", f"speed {args.speed:g} is out of range", "use --speed between 1 and 3600", code=2)
    loaded = _load("replay", args.session)
    if isinstance(loaded, int):
        return loaded
    header, entries, plan = loaded
    start = None
    if args.start:
        try:
            start = parse_moment(args.start, header.t0,
                                 lambda offset: offset_moment(header, entries, offset, getattr(plan, "holds", ())))
        except OffsetError as error:
            return _fail("replay", str(error), "e.g. --from T-30m, --from T+0:30 or --from 2026-11-22T17:30Z", code=2)
    from launchpad.cli.cockpit import no_terminal

    refused = no_terminal()  # after the file checks, so a bad session is still reported from scripts
    if refused is not None:
        return refused
    from launchpad.tui.replay import ReplayApp, ReplaySession

    session = ReplaySession(args.session, header, entries, plan, start=start)
    app = ReplayApp(session, speed=args.speed, start=start, playing=args.play)
    app.run()
    return 0


# --------------------------------------------------------------------------- report


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", metavar="SESSION", help="a session file written by launchpad")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the Markdown here (default: standard output)")


def run_report(args: argparse.Namespace) -> int:
    loaded = _load("report", args.session)
    if isinstance(loaded, int):
        return loaded
    header, entries, plan = loaded
    from launchpad.core.journal.report import render_report

    text = render_report(header, entries, plan)
    if not args.output:
        sys.stdout.write(text)
        return 0
    from launchpad.store.atomic import atomic_replace

    try:
        atomic_replace(os.path.abspath(args.output), text.encode("utf-8"))
    except OSError as error:
        return _fail("report", f"cannot write {args.output}: {error.strerror or error}", "choose a writable path")
    print(f"Report written to {args.output}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- simulate


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", metavar="PLAN", help="the plan to simulate a launch of (default: the bundled plan)")
    parser.add_argument("-o", "--output", metavar="SESSION",
                        help="the session file to write (must not exist; default: a new one in the sessions folder)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed writes the same session (default 1)")
    parser.add_argument("--hours", type=float, default=None, metavar="H",
                        help="how long the session runs from T-24h15m (default 29.5: the whole plan)")
    parser.add_argument("--t0", metavar="ISO-8601", help="T-0 of the simulated launch (default 2026-11-22T18:00Z)")
    parser.add_argument("--relative-plan", action="store_true",
                        help="name the plan relative to the session file, so both can move together")


def run_simulate(args: argparse.Namespace) -> int:
    from launchpad.core.plan.offsets import OffsetError, parse_t0
    from launchpad.core.plan.plan import load_plan
    from launchpad.core.plan.plan_ref import relative_plan_path
    from launchpad.core.journal.simulate import DEFAULT_HOURS, DEFAULT_T0, session_text, simulate

    hours = DEFAULT_HOURS if args.hours is None else args.hours
    if not 0 < hours <= 24 * 365:
        return _fail("simulate", f"--hours {hours:g} is out of range", "give a positive number of hours", code=2)
    try:
        t0 = parse_t0(args.t0, DEFAULT_T0, require_zone=True) if args.t0 else DEFAULT_T0  # a T-0 the clock can hold
    except OffsetError as error:
        return _fail("simulate", str(error), code=2)
    from launchpad.bundled import bundled_plan
    from launchpad.cli.cockpit import sessions_dir

    plan_path = args.plan or bundled_plan()
    if plan_path is None:
        return _fail("simulate", "the bundled plan is not installed", "name a plan: launchpad simulate PLAN -o FILE")
    plan, problems = load_plan(plan_path)
    if plan is None or problems:
        _problems("simulate", problems)
        return _fail("simulate", f"cannot simulate {plan_path}: fix the problems above")
    output = Path(args.output) if args.output else \
        sessions_dir() / f"{Path(plan.path).stem}-simulated-seed{args.seed}.session.toml"
    if output.exists():
        return _fail("simulate", f"{output} already exists", "choose another name; simulate never overwrites a file")
    plan_ref = relative_plan_path(plan.path, output) if args.relative_plan else os.path.abspath(plan.path)
    simulation = simulate(plan, seed=args.seed, hours=hours, t0=t0, plan_ref=plan_ref)
    from launchpad.store.atomic import atomic_create

    try:
        if output.parent and not output.parent.exists():
            output.parent.mkdir(parents=True)
        atomic_create(str(output.absolute()), session_text(simulation).encode("utf-8"))
    except FileExistsError:
        return _fail("simulate", f"{output} already exists", "choose another name; simulate never overwrites a file")
    except OSError as error:
        return _fail("simulate", f"cannot write {output}: {error.strerror or error}", "choose a writable path")
    print(f"Wrote {len(simulation.entries)} entries to {output} (seed {args.seed}); "
          f"replay it with: launchpad replay {output}", file=sys.stderr)
    return 0

"""`launchpad event | hold | resume | vote | recycle | scrub | poll | take`: launch control from another terminal.

Each command opens the session as a cockpit would (plan and fold), checks the action the same way the
cockpit does (shell/control.py) and writes ONE journal entry; on any problem it exits 1 and writes nothing.
"""

from __future__ import annotations

import argparse
import sys

from launchpad.cli.session_cmds import _add_actor, _error, _safe, bad_argument, unknown_id, written_line
from launchpad.core.journal.journal import format_utc

EVENT_STATES = {"start": "in_progress", "done": "done", "skip": "skipped", "reset": "pending"}


def _open(command: str, path: str, actor: str | None):
    """The live session, or an exit code after saying what is wrong."""
    from launchpad.shell.session import LiveSession, SessionOpenError

    try:
        session = LiveSession.resume(path, actor=actor)
    except SessionOpenError as error:
        return None, _error(command, f"{error}; nothing written", *([f"    hint: {error.hint}"] if error.hint else []))
    for notice in session.notices:
        print(f"launchpad {command}: warning: {_safe(notice)}", file=sys.stderr)
    return session, 0


def _written(entries, kind: str):
    return next((entry for entry in reversed(entries) if entry.kind == kind), None)


def _act(command: str, session, action, *args) -> tuple[object | None, int]:
    try:
        entries = action(*args)
    except (ValueError, KeyError) as error:
        return None, _error(command, f"{str(error).strip(chr(39))}; nothing written")
    except OSError as error:
        return None, _error(command, f"{session.path}: could not write the entry: {error}")
    return entries, 0


def _clock(session) -> str:
    from launchpad.core.plan.offsets import format_clock

    now = session.now()
    count = session.count()
    text = format_clock(count.t_clock(now))
    hold = count.current_hold(now)
    return f"T-clock {text}" + (f", HOLDING ({_safe(hold.reason)})" if hold else "")


# --------------------------------------------------------------------------- event


def add_event_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("event_id", metavar="EVENT_ID", help="the timeline step's ID (see `launchpad status`)")
    parser.add_argument("state", choices=sorted(EVENT_STATES), help="start, done, skip (or reset to pending)")
    _add_actor(parser)


def run_event(args: argparse.Namespace) -> int:
    session, code = _open("event", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        refused = unknown_id("event", "event", args.event_id, [e.id for e in session.plan.events], session.plan.path)
        if refused is not None:
            return refused
        state = EVENT_STATES[args.state]
        entries, code = _act("event", session, session.set_event, args.event_id, state)
        if entries is None:
            return code
        entry = _written(entries, "event")
        print(written_line(entry, f"event {_safe(args.event_id)} {state.replace('_', ' ')}"))
        return 0


# --------------------------------------------------------------------------- hold / resume


def add_hold_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why the count holds (shown to everyone)")
    _add_actor(parser)


def run_hold(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        return _error("hold", "a hold needs a reason; nothing written", '    hint: launchpad hold SESSION --reason "why"')
    session, code = _open("hold", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        entries, code = _act("hold", session, session.control.hold, args.reason)
        if entries is None:
            return code
        print(written_line(_written(entries, "hold"), "hold") + f"; {_clock(session)}")
        return 0


def add_resume_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    _add_actor(parser)


def run_resume(args: argparse.Namespace) -> int:
    session, code = _open("resume", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        entries, code = _act("resume", session, session.control.resume_count)
        if entries is None:
            return code
        print(written_line(_written(entries, "resume"), "resume") + f"; {_clock(session)}")
        return 0


# --------------------------------------------------------------------------- recycle / scrub


def add_recycle_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("to", metavar="T-OFFSET", help="the earlier T-offset to take the count back to, e.g. T-20m")
    parser.add_argument("--reason", default="", metavar="TEXT", help="why")
    _add_actor(parser)


def run_recycle(args: argparse.Namespace) -> int:
    from launchpad.core.plan.offsets import HINT, OffsetError, parse_offset

    try:
        to = parse_offset(args.to)
    except OffsetError as error:
        return bad_argument("recycle", f"{error}; {HINT}; nothing written")
    session, code = _open("recycle", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        entries, code = _act("recycle", session, session.control.recycle, to, args.reason)
        if entries is None:
            return code
        entry = _written(entries, "recycle")
        reopened = len(entry.payload.get("events", ())), len(entry.payload.get("items", ()))
        print(written_line(entry, f"recycle to {_safe(args.to)}") +
              f"; re-opened {reopened[0]} events and {reopened[1]} items; {_clock(session)}")
        return 0


def add_scrub_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why this attempt ends")
    parser.add_argument("--t0", required=True, metavar="ISO-8601", help="the new attempt's T-0, e.g. 2026-11-23T18:00Z")
    _add_actor(parser)


def run_scrub(args: argparse.Namespace) -> int:
    from launchpad.core.clock import system_clock
    from launchpad.core.plan.offsets import MAX_DAYS, OffsetError, parse_t0, session_window, within

    if not args.reason.strip():
        return _error("scrub", "a scrub needs a reason; nothing written")
    try:
        t0 = parse_t0(args.t0, system_clock(), require_zone=True)
    except OffsetError as error:  # says what it could not read
        return bad_argument("scrub", f"bad --t0: {error}; write an ISO-8601 time with its zone, e.g. "
                                     "2026-11-23T18:00Z; nothing written")
    session, code = _open("scrub", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        if not within(t0, session_window(session.now(), session.count().t0)):
            return bad_argument("scrub", f"bad --t0 `{args.t0}`: more than {MAX_DAYS} days from now and from the "
                                         "T-0 it replaces; nothing written")
        entries, code = _act("scrub", session, session.control.scrub, args.reason, t0)
        if entries is None:
            return code
        print(written_line(_written(entries, "scrub"), "scrub") +
              f"; attempt {session.count().attempt} begins, T-0 {format_utc(t0)}; {_clock(session)}")
        return 0


# --------------------------------------------------------------------------- poll / vote


def add_poll_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("action", nargs="?", choices=("open", "close", "show"), default="show",
                        help="open a new poll, close it with its result, or show where it stands (default)")
    _add_actor(parser)


def _print_poll(session) -> None:
    result = session.control.poll_verdict()
    poll = session.state.control.poll
    print(f"poll #{poll.number} {'open' if poll.open else 'closed'}: {result.verdict}")
    for role, vote in result.roles:
        answer = "—" if vote is None else vote.value.upper()
        detail = f"  ({_safe(vote.actor)}{': ' + _safe(vote.reason) if vote.reason else ''})" if vote else ""
        print(f"  {_safe(role.title):<24} {answer}{detail}")
    for criterion in result.criteria:
        print(f"  [{'x' if criterion.met else ' '}] {_safe(criterion.name)}  {_safe(criterion.detail)}")
    if result.proposes_hold:
        print("  hold proposed: " + "; ".join(_safe(reason) for reason in result.hold_reasons))


def run_poll(args: argparse.Namespace) -> int:
    session, code = _open("poll", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        if args.action != "show":
            action = session.control.open_poll if args.action == "open" else session.control.close_poll
            entries, code = _act("poll", session, action)
            if entries is None:
                return code
            print(written_line(_written(entries, "poll"), f"poll {args.action}"))
        _print_poll(session)
        return 0


def add_vote_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("role", metavar="ROLE", help="the role answering (its id or title)")
    parser.add_argument("vote", metavar="go|no-go", help="the answer")
    parser.add_argument("--reason", default="", metavar="TEXT", help="why (most useful with a No-Go)")
    _add_actor(parser)


def run_vote(args: argparse.Namespace) -> int:
    from launchpad.core.plan.owners import match_role
    from launchpad.core.control.poll import normalise_vote, poll_spec
    from launchpad.core.problems import did_you_mean

    value = normalise_vote(args.vote)
    if value is None:
        return _error("vote", f"a vote is `go` or `no-go`, not `{args.vote}`; nothing written")
    session, code = _open("vote", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        roles = poll_spec(session.plan).roles
        role = match_role(args.role, roles)
        if role is None:
            hint = did_you_mean(args.role, [r.id for r in roles]) or "roles polled: " + ", ".join(r.id for r in roles)
            return _error("vote", f"`{args.role}` is not a role of this poll; nothing written", f"    hint: {hint}")
        entries, code = _act("vote", session, session.control.vote, role.id, value, args.reason)
        if entries is None:
            return code
        print(written_line(_written(entries, "vote"), f"vote {value.upper()} for {_safe(role.title)}"))
        _print_poll(session)
        return 0


# --------------------------------------------------------------------------- ack


def add_ack_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    _add_actor(parser)


def run_ack(args: argparse.Namespace) -> int:
    """Acknowledge every trigger firing now (as the prober's live figures say): every cockpit stops ringing."""
    from launchpad.shell.probes import acknowledge, read_live

    session, code = _open("ack", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        live = read_live(session)
        if live is None:
            return _error("ack", "no cockpit is probing this session (no live figures beside it); nothing written",
                          "    hint: open it in a cockpit (`launchpad open SESSION`): the first one probes")
        if live.stale(session.now()):
            return _error("ack", f"the live figures are {live.age(session.now()):.0f}s old: the prober is gone and "
                          "nothing is measured now; nothing written")
        firing = [state for state in live.triggers if state.firing]
        try:
            done = acknowledge(session, firing)
        except OSError as error:
            return _error("ack", f"{session.path}: could not write the entry: {error}")
        if not firing:
            print("no trigger is firing; nothing written")
        for state in firing:
            print(f"acknowledged {_safe(state.trigger)} · {_safe(state.probe)}" if state in done else
                  f"already acknowledged: {_safe(state.trigger)} · {_safe(state.probe)}")
        return 0


# --------------------------------------------------------------------------- take


def add_take_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role", metavar="ROLE", help="the role taken over (its id or title)")
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who takes the role (default: $LAUNCHPAD_USER, else your login name)")


def run_take(args: argparse.Namespace) -> int:
    from launchpad.core.plan.owners import match_role
    from launchpad.core.problems import did_you_mean

    session, code = _open("take", args.session, args.actor)
    if session is None:
        return code
    with _closing(session):
        roles = session.plan.roles
        role = match_role(args.role, roles)
        if role is None:
            hint = did_you_mean(args.role, [r.id for r in roles]) or "roles: " + ", ".join(r.id for r in roles)
            return _error("take", f"`{args.role}` is not a role of this plan; nothing written", f"    hint: {hint}")
        entries, code = _act("take", session, session.control.take_role, role.id, session.actor)
        if entries is None:
            return code
        print(written_line(_written(entries, "take"), f"{_safe(session.actor)} holds {_safe(role.title)}"))
        return 0


class _closing:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        return self.session

    def __exit__(self, *exc) -> None:
        self.session.close()



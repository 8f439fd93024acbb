"""`launchpad event | hold | resume | vote | recycle | scrub | poll | take`: launch control from another terminal.

Each command opens the session as a cockpit would (plan and fold), checks the action the same way the
cockpit does (shell/control.py) and writes ONE journal entry; on any problem it exits 1 and writes nothing.
"""

from __future__ import annotations

import argparse

from launchpad.cli.session_cmds import unknown_id
from launchpad.cli.session_io import act, add_actor, bad_argument, in_session, open_live, safe, say, written, written_line
from launchpad.core.journal.journal import format_utc

EVENT_STATES = {"start": "in_progress", "done": "done", "skip": "skipped", "reset": "pending"}


def _live(command: str, args: argparse.Namespace, body) -> int:
    """Run `body(session)` on the session as a cockpit opens it (cli/session_io.py: open, act, close, codes)."""
    return in_session(command, lambda: open_live(command, args.session, args.actor), body)


def _clock(session) -> str:
    from launchpad.core.plan.offsets import format_clock

    now = session.now()
    count = session.count()
    text = format_clock(count.t_clock(now))
    hold = count.current_hold(now)
    return f"T-clock {text}" + (f", HOLDING ({safe(hold.reason)})" if hold else "")


# --------------------------------------------------------------------------- event


def add_event_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("event_id", metavar="EVENT_ID", help="the timeline step's ID (see `launchpad status`)")
    parser.add_argument("state", choices=sorted(EVENT_STATES), help="start, done, skip (or reset to pending)")
    add_actor(parser)


def run_event(args: argparse.Namespace) -> int:
    def body(session) -> int:
        refused = unknown_id("event", "event", args.event_id, [e.id for e in session.plan.events], session.plan.path)
        if refused is not None:
            return refused
        state = EVENT_STATES[args.state]
        entry = written(act("event", session, session.set_event, args.event_id, state), "event")
        print(written_line(entry, f"event {safe(args.event_id)} {state.replace('_', ' ')}"))
        return 0

    return _live("event", args, body)


# --------------------------------------------------------------------------- hold / resume


def add_hold_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why the count holds (shown to everyone)")
    add_actor(parser)


def run_hold(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        return say("hold", "a hold needs a reason; nothing written", '    hint: launchpad hold SESSION --reason "why"')

    def body(session) -> int:
        print(written_line(written(act("hold", session, session.hold, args.reason), "hold"), "hold") + f"; {_clock(session)}")
        return 0

    return _live("hold", args, body)


def add_resume_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    add_actor(parser)


def run_resume(args: argparse.Namespace) -> int:
    def body(session) -> int:
        print(written_line(written(act("resume", session, session.resume_count), "resume"), "resume") + f"; {_clock(session)}")
        return 0

    return _live("resume", args, body)


# --------------------------------------------------------------------------- recycle / scrub


def add_recycle_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("to", metavar="T-OFFSET", help="the earlier T-offset to take the count back to, e.g. T-20m")
    parser.add_argument("--reason", default="", metavar="TEXT", help="why")
    add_actor(parser)


def run_recycle(args: argparse.Namespace) -> int:
    from launchpad.core.plan.offsets import HINT, OffsetError, parse_offset

    try:
        to = parse_offset(args.to)
    except OffsetError as error:
        return bad_argument("recycle", f"{error}; {HINT}; nothing written")

    def body(session) -> int:
        entry = written(act("recycle", session, session.recycle, to, args.reason), "recycle")
        reopened = len(entry.payload.get("events", ())), len(entry.payload.get("items", ()))
        print(written_line(entry, f"recycle to {safe(args.to)}") +
              f"; re-opened {reopened[0]} events and {reopened[1]} items; {_clock(session)}")
        return 0

    return _live("recycle", args, body)


def add_scrub_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why this attempt ends")
    parser.add_argument("--t0", required=True, metavar="ISO-8601", help="the new attempt's T-0, e.g. 2026-11-23T18:00Z")
    add_actor(parser)


def run_scrub(args: argparse.Namespace) -> int:
    from launchpad.core.clock import system_clock
    from launchpad.core.plan.offsets import MAX_DAYS, OffsetError, parse_t0, session_window, within

    if not args.reason.strip():
        return say("scrub", "a scrub needs a reason; nothing written")
    try:
        t0 = parse_t0(args.t0, system_clock(), require_zone=True)
    except OffsetError as error:  # says what it could not read
        return bad_argument("scrub", f"bad --t0: {error}; write an ISO-8601 time with its zone, e.g. "
                                     "2026-11-23T18:00Z; nothing written")

    def body(session) -> int:
        if not within(t0, session_window(session.now(), session.count().t0)):
            return bad_argument("scrub", f"bad --t0 `{args.t0}`: more than {MAX_DAYS} days from now and from the "
                                         "T-0 it replaces; nothing written")
        entry = written(act("scrub", session, session.scrub, args.reason, t0), "scrub")
        print(written_line(entry, "scrub") +
              f"; attempt {session.count().attempt} begins, T-0 {format_utc(t0)}; {_clock(session)}")
        return 0

    return _live("scrub", args, body)


# --------------------------------------------------------------------------- poll / vote


def add_poll_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("action", nargs="?", choices=("open", "close", "show"), default="show",
                        help="open a new poll, close it with its result, or show where it stands (default)")
    add_actor(parser)


def _print_poll(session) -> None:
    result = session.poll_verdict()
    poll = session.state.control.poll
    print(f"poll #{poll.number} {'open' if poll.open else 'closed'}: {result.verdict}")
    for role, vote in result.roles:
        answer = "—" if vote is None else vote.value.upper()
        detail = f"  ({safe(vote.actor)}{': ' + safe(vote.reason) if vote.reason else ''})" if vote else ""
        print(f"  {safe(role.title):<24} {answer}{detail}")
    for criterion in result.criteria:
        print(f"  [{'x' if criterion.met else ' '}] {safe(criterion.name)}  {safe(criterion.detail)}")
    if result.proposes_hold:
        print("  hold proposed: " + "; ".join(safe(reason) for reason in result.hold_reasons))


def run_poll(args: argparse.Namespace) -> int:
    def body(session) -> int:
        if args.action != "show":
            action = session.open_poll if args.action == "open" else session.close_poll
            print(written_line(written(act("poll", session, action), "poll"), f"poll {args.action}"))
        _print_poll(session)
        return 0

    return _live("poll", args, body)


def add_vote_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("role", metavar="ROLE", help="the role answering (its id or title)")
    parser.add_argument("vote", metavar="go|no-go", help="the answer")
    parser.add_argument("--reason", default="", metavar="TEXT", help="why (most useful with a No-Go)")
    add_actor(parser)


def run_vote(args: argparse.Namespace) -> int:
    from launchpad.core.plan.owners import match_role
    from launchpad.core.control.poll import normalise_vote, poll_spec
    from launchpad.core.problems import did_you_mean

    value = normalise_vote(args.vote)
    if value is None:
        return say("vote", f"a vote is `go` or `no-go`, not `{args.vote}`; nothing written")

    def body(session) -> int:
        roles = poll_spec(session.plan).roles
        role = match_role(args.role, roles)
        if role is None:
            hint = did_you_mean(args.role, [r.id for r in roles]) or "roles polled: " + ", ".join(r.id for r in roles)
            return say("vote", f"`{args.role}` is not a role of this poll; nothing written", f"    hint: {hint}")
        entry = written(act("vote", session, session.vote, role.id, value, args.reason), "vote")
        print(written_line(entry, f"vote {value.upper()} for {safe(role.title)}"))
        _print_poll(session)
        return 0

    return _live("vote", args, body)


# --------------------------------------------------------------------------- ack


def add_ack_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    add_actor(parser)


def run_ack(args: argparse.Namespace) -> int:
    """Acknowledge every trigger firing now (as the prober's live figures say): every cockpit stops ringing."""
    from launchpad.shell.probes import acknowledge, read_live

    def body(session) -> int:
        live = read_live(session)
        if live is None:
            return say("ack", "no cockpit is probing this session (no live figures beside it); nothing written",
                          "    hint: open it in a cockpit (`launchpad open SESSION`): the first one probes")
        if live.stale(session.now()):
            return say("ack", f"the live figures are {live.age(session.now()):.0f}s old: the prober is gone and "
                          "nothing is measured now; nothing written")
        firing = [state for state in live.triggers if state.firing]
        done = act("ack", session, acknowledge, session, firing, refused=())
        if not firing:
            print("no trigger is firing; nothing written")
        for state in firing:
            print(f"acknowledged {safe(state.trigger)} · {safe(state.probe)}" if state in done else
                  f"already acknowledged: {safe(state.trigger)} · {safe(state.probe)}")
        return 0

    return _live("ack", args, body)


# --------------------------------------------------------------------------- take


def add_take_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role", metavar="ROLE", help="the role taken over (its id or title)")
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who takes the role (default: $LAUNCHPAD_USER, else your login name)")


def run_take(args: argparse.Namespace) -> int:
    from launchpad.core.plan.owners import match_role
    from launchpad.core.problems import did_you_mean

    def body(session) -> int:
        roles = session.plan.roles
        role = match_role(args.role, roles)
        if role is None:
            hint = did_you_mean(args.role, [r.id for r in roles]) or "roles: " + ", ".join(r.id for r in roles)
            return say("take", f"`{args.role}` is not a role of this plan; nothing written", f"    hint: {hint}")
        entry = written(act("take", session, session.take_role, role.id, session.actor), "take")
        print(written_line(entry, f"{safe(session.actor)} holds {safe(role.title)}"))
        return 0

    return _live("take", args, body)

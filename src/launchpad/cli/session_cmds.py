"""`launchpad mark | note | status | handoff`: the session file from scripts (a deploy pipeline ticks its item).

Every command checks everything it can BEFORE writing, so an unknown ID or an unreadable file exits 1 with
the session file untouched. The lead's cli/main.py registers these four pairs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import unicodedata
from datetime import datetime
from typing import Any

from launchpad.cli.session_io import act, bad_argument, in_session, open_file, say, say_problems, written_line
from launchpad.cli.session_io import add_actor as _add_actor, safe as _safe  # noqa: F401 (their old names here)
from launchpad.core.journal.activity import describe_entry, recent_activity
from launchpad.core.clock import system_clock
from launchpad.core.journal.journal import SessionState, entry_as_json, fold, format_utc, plan_drift
from launchpad.core.problems import LoadError, Problem
from launchpad.store.actor import resolve_actor

LAST_SHOWN = 10


def _load_plan(path: str, parsed: dict | None = None):
    """The plan a session was started from; a seam so tests can hand in a stand-in plan. `parsed`: checklists
    already read (shell.plan_ids)."""
    from launchpad.core.plan.plan import load_plan

    return load_plan(path, parsed=parsed)


_error = say  # one message on stderr, exit code 1 (cli/session_io.py)
_problems = say_problems
WRITE_FAILED = (OSError, LoadError, ValueError)  # an append that did not reach the file: nothing written


def _plan_or_problem(header, session_path: str | None = None, *, ids_only: bool = False,
                     wanted: str | None = None) -> tuple[Any, list[Problem]]:
    """The session's plan; with ids_only, its IDs only (shell.plan_ids: cached by content hash, or just the
    `wanted` item looked up in the checklists that name it, so a script ticking one item of a 100,000-item plan
    does not parse the whole plan)."""
    from launchpad.core.plan.plan_ref import resolve_plan_path

    path = resolve_plan_path(header.plan, session_path)  # relative: beside the session
    try:
        if ids_only:
            from launchpad.shell.plan_ids import load_plan_ids

            plan, problems = load_plan_ids(path, _load_plan, wanted)
        else:
            plan, problems = _load_plan(path)
    except ImportError as error:  # a broken install should read as a message, not a traceback
        return None, [Problem(header.plan, None, f"cannot load plans: {error}")]
    return plan, list(problems)


def close_ids(wanted: str, known: list[str], limit: int = 3) -> list[str]:
    """IDs a person plausibly meant: a near spelling, else IDs holding the word (`traffic` -> `enable-traffic`).

    Generated IDs are six random-looking characters, so the loose 0.6 ratio of difflib's default finds one
    "close" to almost any short word (`nope` -> `y2nfpe`): only a ratio of 0.75 counts as a typo here."""
    unique = list(dict.fromkeys(known))
    close = difflib.get_close_matches(wanted, unique, n=limit, cutoff=0.75)
    if close or len(wanted) < 4:
        return close
    lowered = wanted.lower()
    return [candidate for candidate in unique if lowered in candidate.split("-") or candidate.startswith(lowered)][:limit]


def unknown_id(command: str, what: str, wanted: str, known: list[str], plan_path: str) -> int | None:
    """Exit code 1 after saying so when `wanted` is none of the plan's IDs (with the closest as a hint)."""
    if wanted in known:
        return None
    close = close_ids(wanted, known)
    hint = (f"did you mean {' or '.join(f'`{c}`' for c in close)}?" if close else "") or \
        "list the IDs with `launchpad status SESSION`"
    return _error(command, f"unknown {what} ID `{wanted}` in plan {plan_path}; nothing written", f"    hint: {hint}")


def _plan_changed_warning(command: str, header, plan) -> None:
    if plan is not None and plan.sha256 != header.plan_sha256:
        print(f"launchpad {command}: warning: the plan {_safe(header.plan)} changed since the session began "
              "(sha256 differs); item IDs are checked against the plan as it is now", file=sys.stderr)


# --------------------------------------------------------------------------- mark


def add_mark_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("item_id", metavar="ITEM_ID", help="the checklist item's ID (see `launchpad status`)")
    parser.add_argument("--undo", action="store_true", help="untick the item instead")
    parser.add_argument("--note", metavar="TEXT", default="", help="a note recorded with the mark")
    _add_actor(parser)


def run_mark(args: argparse.Namespace) -> int:
    def body(session) -> int:
        plan, problems = _plan_or_problem(session.header, session.path, ids_only=True, wanted=args.item_id)
        if plan is None:
            return _error("mark", f"cannot check ID `{args.item_id}`: the session's plan cannot be read; nothing written",
                          *[problem.format() for problem in problems])
        refused = unknown_id("mark", "item", args.item_id, list(plan.task_ids), plan.path)
        if refused is not None:
            return refused
        _plan_changed_warning("mark", session.header, plan)
        kind = "uncheck" if args.undo else "check"
        payload = {"note": args.note} if args.note else None
        entry = act("mark", session, session.append, kind, args.item_id, payload, refused=(), unwritten=WRITE_FAILED)
        print(written_line(entry, f"{entry.kind} {_safe(entry.target)}"))
        return 0

    return in_session("mark", lambda: open_file("mark", args.session, args.actor), body)


# --------------------------------------------------------------------------- note


def add_note_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("text", metavar="TEXT", help="the note")
    parser.add_argument("--item", metavar="ITEM_ID", default="", help="attach it to an item or event (default: the launch)")
    _add_actor(parser)


def run_note(args: argparse.Namespace) -> int:
    text = args.text.strip()
    if not text:
        return _error("note", "the note is empty; nothing written", '    hint: launchpad note SESSION "what happened"')

    def body(session) -> int:
        if args.item:
            plan, problems = _plan_or_problem(session.header, session.path, ids_only=True, wanted=args.item)
            if plan is None:
                return _error("note", f"cannot check ID `{args.item}`: the session's plan cannot be read; nothing written",
                              *[problem.format() for problem in problems])
            known = list(plan.task_ids + plan.event_ids)
            refused = unknown_id("note", "item", args.item, known, plan.path)
            if refused is not None:
                return refused
            _plan_changed_warning("note", session.header, plan)
        entry = act("note", session, session.append, "note", args.item, {"text": text}, refused=(), unwritten=WRITE_FAILED)
        where = args.item or "the launch"
        print(written_line(entry, f"note on {_safe(where)}"))
        return 0

    return in_session("note", lambda: open_file("note", args.session, args.actor), body)


# --------------------------------------------------------------------------- handoff


def add_handoff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("to", metavar="TO", help="the incoming lead")
    parser.add_argument("--note", metavar="TEXT", default="", help="a word for the incoming lead")
    _add_actor(parser)


def run_handoff(args: argparse.Namespace) -> int:
    incoming = resolve_actor(args.to) if args.to.strip() else ""
    if not incoming:
        return _error("handoff", "name the incoming lead; nothing written")

    def body(session) -> int:
        entry = act("handoff", session, lambda: session.handoff(incoming, note=getattr(args, "note", "") or ""),
                    refused=(ValueError,), unwritten=(OSError, LoadError), what="write the handoff")
        print(written_line(entry, f"handoff {_safe(entry.payload['from'])} -> {_safe(entry.payload['to'])}")
              + f"; {_safe(incoming)} leads now")
        return 0

    return in_session("handoff", lambda: open_file("handoff", args.session, args.actor), body)


# --------------------------------------------------------------------------- status


def add_status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--at", metavar="T-OFFSET|ISO",
                        help="the state at that instant instead of now: a T-offset in plan time (when the T-clock showed it, "
                             "holds included), e.g. T+0:30, or a wall time, e.g. 2026-11-22T18:30Z")


def _section_name(path: tuple[str, ...] | None) -> str:
    return " › ".join(path or ())


def status_report(header, entries, plan, now: datetime | None = None, state: SessionState | None = None) -> dict[str, Any]:
    """The status JSON document: the journal's state laid over the plan (or the journal alone without one).
    `state`, when the caller has it (from a checkpoint, store/checkpoint.py), is the fold of the whole journal;
    `entries` then need only hold what recent activity shows (every entry but superseded probe minutes)."""
    from launchpad.core.plan.offsets import format_offset

    if state is None:
        state = fold(header, entries)
    report: dict[str, Any] = {
        "launch": header.launch,
        "lead": state.lead,
        "t0": format_utc(header.t0),
        "plan": header.plan,
        "plan_found": plan is not None,
        "plan_changed": bool(plan is not None and plan.sha256 != header.plan_sha256),
        "vanished_ids": [],
        "progress": None,
        "sections": [],
        "owners": [],
        "open": [],
        "events": [],
        "notes": [{"target": note.target, "actor": note.actor, "at": format_utc(note.at), "text": note.text}
                  for note in state.notes[-LAST_SHOWN:]],
        "entry_count": state.entry_count,
        # What a person did last, in the activity log's words: the per-minute probe figures left out
        "last_entries": [{**entry_as_json(entry), "text": describe_entry(entry, plan)}
                         for entry in recent_activity(entries, LAST_SHOWN)],
    }
    from launchpad.core.control.control import control_report  # "count", "poll", "mode": launch control (issue 6)

    report.update(control_report(header, state, plan, now or system_clock()))
    if plan is None:
        report["checks"] = {item: mark.checked for item, mark in state.checks.items()}
        return report
    from launchpad.core.plan.progress import by_owner, by_section, checked_ids, overall

    tasks = list(plan.tasks)
    checked = checked_ids(tasks, state.marks())
    total = overall(tasks, checked)
    report["vanished_ids"] = plan_drift(state, [task.id for task in tasks], [event.id for event in plan.events])
    report["progress"] = {"done": total.done, "total": total.total}
    report["sections"] = [{"path": list(path), "done": tally.done, "total": tally.total}
                          for path, tally in by_section(tasks, checked).items()]
    report["owners"] = [{"role": role, "done": tally.done, "total": tally.total, "open": [task.id for task in open_tasks]}
                        for role, (tally, open_tasks) in by_owner(tasks, checked, plan.owner_of).items()]
    report["open"] = [{"id": task.id, "text": task.text, "section": list(task.section), "owner": plan.owner_of(task)}
                      for task in tasks if task.id not in checked]
    from launchpad.core.plan.timeline import STATE_LABELS, timeline

    # The same states as the cockpit's timeline (due, late ...), at the count's T-clock, holds included.
    marks = {event.id: state.event_state(event.id) for event in plan.events}
    rows = timeline(plan.events, report["count"]["t_clock"], marks)
    report["events"] = [{"id": row.event.id, "at": format_offset(row.event.at), "title": row.event.title,
                         "owner": row.event.owner, "state": row.state, "label": STATE_LABELS.get(row.state, row.state),
                         "overdue_seconds": round(row.overdue_by)}
                        for row in rows]
    return report


def _print_text(report: dict[str, Any]) -> None:
    from launchpad.core.plan.offsets import format_clock

    out = []
    t0 = datetime.fromisoformat(report["t0"].replace("Z", "+00:00"))
    clock = (report.get("count") or {}).get("t_clock_text") or format_clock((system_clock() - t0).total_seconds())
    out.append(f"{report['launch']}")
    when = f"at {report['at']}: {clock}" if report.get("at") else f"now {clock}"
    out.append(f"  lead: {report['lead']}    T-0: {report['t0']} ({when})")
    out.append(f"  plan: {report['plan']}" + ("  [CHANGED since the session began]" if report["plan_changed"] else ""))
    if report["vanished_ids"]:
        out.append(f"  items no longer in the plan (kept in the journal): {', '.join(report['vanished_ids'])}")
    from launchpad.core.control.control import control_text

    out.extend(control_text(report))
    if report["progress"] is not None:
        progress = report["progress"]
        out.append(f"progress: {progress['done']}/{progress['total']} done")
        out.append("sections:")
        for section in report["sections"]:
            indent = "  " * len(section["path"])
            out.append(f"{indent}{section['path'][-1]}  {section['done']}/{section['total']}")
        if report["owners"]:
            out.append("owners:")
            for owner in report["owners"]:
                line = f"  {owner['role']}  {owner['done']}/{owner['total']}"
                if owner["open"]:
                    line += "  open: " + ", ".join(owner["open"])
                out.append(line)
        out.append(f"open items ({len(report['open'])}):")
        for item in report["open"]:
            owner = f", owner {item['owner']}" if item["owner"] else ""
            out.append(f"  [{item['id']}] {item['text']}  ({_section_name(tuple(item['section']))}{owner})")
        if report["events"]:
            out.append("events:")
            for event in report["events"]:
                out.append(f"  {event['at']:>9}  {event['label']:<11} {event['title']}  [{event['id']}]")  # as the timeline says it
    else:
        out.append(f"checked per the journal: {sum(report['checks'].values())} of {len(report['checks'])} marked items")
    if report["notes"]:
        out.append("notes:")
        for note in report["notes"]:
            out.append(f"  {note['at']} {note['actor']} on {note['target'] or 'the launch'}: {note['text']}")
    out.append(f"last entries ({report['entry_count']} in all):")
    for entry in report["last_entries"]:  # in the words of the cockpit's activity log (core/journal/activity.py)
        out.append(f"  #{entry['seq']} {entry['at']} {entry['actor']} {entry['text']}")
    print(_safe("\n".join(out)))


def _upto(entries, at: datetime) -> list:
    """The journal as it stood at `at`: the entries up to the first one written after it (as fold does)."""
    kept = []
    for entry in entries:
        if entry.at > at:
            break
        kept.append(entry)
    return kept


def run_status(args: argparse.Namespace) -> int:
    from launchpad.store.session_file import load_folded, load_session

    state = None
    try:
        if getattr(args, "at", None):  # a state in the past: the whole journal, as entries
            header, entries, load = load_session(args.session)
        else:  # the state at the end: from the session's checkpoint when it has a valid one
            header, state, entries, load = load_folded(args.session)
    except LoadError as error:
        return _problems("status", error)
    for message in load.messages():
        print(f"launchpad status: warning: {_safe(message)}", file=sys.stderr)
    plan, problems = _plan_or_problem(header, args.session)
    at = None
    if getattr(args, "at", None):
        from launchpad.core.plan.offsets import OffsetError
        from launchpad.core.journal.replay import offset_moment, parse_moment

        holds = getattr(plan, "holds", ())
        try:  # a T-offset is plan time: the moment the count showed it, holds included
            at = parse_moment(args.at, header.t0, lambda offset: offset_moment(header, entries, offset, holds))
        except OffsetError as error:
            return bad_argument("status", f"--at: {error} (e.g. --at T+0:30, --at T-2h or --at 2026-11-22T18:30Z)")
        entries = _upto(entries, at)
    if plan is None:
        print("launchpad status: the session's plan cannot be read, showing what the journal alone knows:", file=sys.stderr)
        for problem in problems:
            print(_safe(problem.format()), file=sys.stderr)
    report = status_report(header, entries, plan, now=at) if at else status_report(header, entries, plan, state=state)
    if at is not None:
        report["at"] = format_utc(at)  # the instant asked for (--at); without it the report is "now"
    if args.json:
        print(json.dumps(report, indent=2))  # ASCII escapes: no raw control or C1 characters reach a terminal
    else:
        _print_text(report)
    return 0

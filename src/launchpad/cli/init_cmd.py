"""`launchpad init CHECKLIST.md [-o PLAN.toml] [--t0 ISO-8601] [--force]`: write a first plan for a checklist."""

from __future__ import annotations

import argparse
import sys

from launchpad.core.plan.offsets import OffsetError, parse_instant


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checklist", metavar="CHECKLIST", help="a Markdown checklist (.md, .txt)")
    parser.add_argument("-o", "--output", metavar="PLAN.toml",
                        help="where to write the plan (default: beside the checklist, same name, .toml)")
    parser.add_argument("--t0", metavar="ISO-8601", help="the launch time, e.g. 2026-11-22T18:00Z, for the open command shown")
    parser.add_argument("--force", action="store_true", help="replace the plan if it exists")


def _fail(message: str, hint: str = "", problems=()) -> int:
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    print(f"launchpad init: {message}", file=sys.stderr)
    if hint:
        print(f"    hint: {hint}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    from launchpad.shell.plan_writer import InitError, write_plan

    if args.t0:
        try:
            parse_instant(args.t0, require_zone=True)
        except OffsetError as error:
            return _fail(str(error), "write it like 2026-11-22T18:00Z")
    try:
        draft, path = write_plan(args.checklist, args.output, force=args.force, t0=args.t0)
    except InitError as error:
        return _fail(str(error), error.hint, error.problems)
    print(f"Wrote {path}")
    print(f"  roles: {len(draft.roles)}   timeline events: {len(draft.events)}   "
          f"health probes (commented, placeholder URL): {len(draft.probes)}   Go/No-Go poll: {'yes' if draft.poll else 'no'}")
    for rule in draft.rules:
        print(f"  rule    {rule.text}  ->  {rule.kind}: {rule.reading}")
    for manual, line in draft.manual:
        print(f"  manual  {manual.text}  (line {line}: {manual.reason})")
    for note in draft.notes:
        print(f"  note    {note}")
    when = f" --t0 {args.t0}" if args.t0 else ""
    print(f"Every guess carries a comment saying where it came from. Next: edit it, then `launchpad {path}{when}`.")
    return 0

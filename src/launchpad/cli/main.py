"""The `launchpad` command: `launchpad [PLAN]` opens the cockpit; subcommands serve scripts and CI.

Subcommand modules are imported only when used, so `launchpad validate` does not pay for Textual and the
cockpit does not pay for the CLI tools.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from launchpad import __version__

# name -> (module, add-arguments function, run function, one-line help)
COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "validate": ("launchpad.cli.validate", "add_arguments", "run", "check plans and checklists"),
    "init": ("launchpad.cli.init_cmd", "add_arguments", "run", "write a plan for a Markdown checklist, beside it"),
    "probe": ("launchpad.cli.probe_cmd", "add_arguments", "run", "run a plan's health probes and rollback triggers"),
    "open": ("launchpad.cli.cockpit", "add_open_arguments", "run_open", "resume a session file in the cockpit"),
    "watch": ("launchpad.cli.cockpit", "add_watch_arguments", "run_watch", "watch a session in a read-only cockpit"),
    "serve": ("launchpad.cli.serve_cmd", "add_arguments", "run", "serve the cockpit to browsers (textual-serve)"),
    "mark": ("launchpad.cli.session_cmds", "add_mark_arguments", "run_mark", "tick (or --undo) an item in a session"),
    "note": ("launchpad.cli.session_cmds", "add_note_arguments", "run_note", "add a note to a session or an item"),
    "status": ("launchpad.cli.session_cmds", "add_status_arguments", "run_status", "print where a launch stands"),
    "handoff": ("launchpad.cli.session_cmds", "add_handoff_arguments", "run_handoff", "hand the launch to another lead"),
    "event": ("launchpad.cli.control_cmds", "add_event_arguments", "run_event", "start, finish or skip a timeline step"),
    "hold": ("launchpad.cli.control_cmds", "add_hold_arguments", "run_hold", "hold the count, with a reason"),
    "resume": ("launchpad.cli.control_cmds", "add_resume_arguments", "run_resume", "resume the count after a hold"),
    "vote": ("launchpad.cli.control_cmds", "add_vote_arguments", "run_vote", "answer the Go/No-Go poll for a role"),
    "poll": ("launchpad.cli.control_cmds", "add_poll_arguments", "run_poll", "open, close or show the Go/No-Go poll"),
    "recycle": ("launchpad.cli.control_cmds", "add_recycle_arguments", "run_recycle", "take the count back to an earlier T-offset"),
    "scrub": ("launchpad.cli.control_cmds", "add_scrub_arguments", "run_scrub", "end this attempt with a reason and set a new T-0"),
    "ack": ("launchpad.cli.control_cmds", "add_ack_arguments", "run_ack", "acknowledge the firing rollback triggers"),
    "take": ("launchpad.cli.control_cmds", "add_take_arguments", "run_take", "take over a role (the Owners pane shows who holds it)"),
    "replay": ("launchpad.cli.replay_cmds", "add_replay_arguments", "run_replay", "replay a past launch, read-only"),
    "report": ("launchpad.cli.replay_cmds", "add_report_arguments", "run_report", "write the post-launch report (Markdown)"),
    "simulate": ("launchpad.cli.replay_cmds", "add_simulate_arguments", "run_simulate", "write a synthetic launch session"),
}

USAGE = """\
usage: launchpad [PLAN] [--t0 ISO-8601] [--session FILE] [--as NAME] [--no-demo]
       launchpad COMMAND ...

Open the launch cockpit on PLAN (a .toml plan, or a Markdown checklist); with no PLAN, the bundled
launch-day plan with a live demo service, T-0 two hours ahead.

commands:
{commands}

`launchpad COMMAND --help` tells more about each.
"""


def _overview() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name.ljust(width)}  {spec[3]}" for name, spec in COMMANDS.items()]
    return USAGE.format(commands="\n".join(lines))


def _run_command(name: str, argv: list[str]) -> int:
    module_name, add_name, run_name, help_text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"launchpad {name}", description=help_text)
    getattr(module, add_name)(parser)
    args = parser.parse_args(argv)
    return getattr(module, run_name)(args)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return _run_command(argv[0], argv[1:])
        if argv and argv[0] in ("-h", "--help", "help"):
            print(_overview())
            return 0
        if argv and argv[0] == "--version":
            print(f"launchpad {__version__}")
            return 0
        from launchpad.cli import cockpit

        parser = argparse.ArgumentParser(prog="launchpad", usage=_overview())
        cockpit.add_cockpit_arguments(parser)
        return cockpit.run_cockpit(parser.parse_args(argv))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())

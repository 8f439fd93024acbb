"""The `launchpad` command: `launchpad [PLAN]` opens the cockpit; subcommands serve scripts and CI.

Subcommand modules are imported only when used, so `launchpad validate` does not pay for Textual and the
cockpit does not pay for the CLI tools.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gc
import importlib
import os
import signal
import sys

from launchpad import __version__

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a Ctrl-C'd command
PIPE_CLOSED = 141  # 128 + SIGPIPE, what `yes | head` reports for `yes`

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
    "notify": ("launchpad.cli.notify_cmd", "add_arguments", "run", "test the plan's notification targets, or post to them"),
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


COCKPIT = "launchpad.cli.cockpit"  # `launchpad [PLAN]`, `open`, `watch`: the commands that start a screen


@contextlib.contextmanager
def _collected_after_the_first_frame(cockpit: bool):
    """A cockpit's start runs without garbage collection: its imports and its screen make tens of thousands of
    objects that all live on, and the young-generation passes over them cost 20-40 ms before the first frame.
    The app turns collection back on once that frame is drawn (tui/app.py); here it is turned back on
    whatever happened, for the returns before any app (a bad plan, no terminal). Reading the plan and the
    session file runs with it (cli/cockpit.py `collected`): they are data of any size."""
    if not cockpit:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _run_command(name: str, argv: list[str]) -> int:
    module_name, add_name, run_name, help_text = COMMANDS[name]
    with _collected_after_the_first_frame(module_name == COCKPIT):
        module = importlib.import_module(module_name)
        parser = argparse.ArgumentParser(prog=f"launchpad {name}", description=help_text)
        getattr(module, add_name)(parser)
        args = parser.parse_args(argv)
        return getattr(module, run_name)(args)


def _mistyped_command(argv: list[str]) -> int | None:
    """`launchpad stauts`: a first word that is no file is a mistyped command, not a missing plan (exit 2)."""
    if not argv or argv[0].startswith("-") or os.path.exists(argv[0]):
        return None
    word = argv[0]
    close = difflib.get_close_matches(word, list(COMMANDS), n=1, cutoff=0.6)
    if close:
        hint = f"did you mean `launchpad {close[0]}`?"
    elif "/" not in word and os.sep not in word and "." not in word:  # a bare word: no plan file was meant
        hint = "`launchpad --help` lists the commands; a plan is opened with `launchpad PATH`"
    else:
        return None  # a path: the cockpit says it is not found
    print(f"launchpad: `{word}` is neither a command nor a file\n    hint: {hint}", file=sys.stderr)
    return 2


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        return _run_command(argv[0], argv[1:])
    if argv and argv[0] in ("-h", "--help", "help"):
        print(_overview())
        return 0
    if argv and argv[0] == "--version":
        print(f"launchpad {__version__}")
        return 0
    mistyped = _mistyped_command(argv)
    if mistyped is not None:
        return mistyped
    with _collected_after_the_first_frame(True):
        from launchpad.cli import cockpit

        parser = argparse.ArgumentParser(prog="launchpad", usage=_overview())
        cockpit.add_cockpit_arguments(parser)
        return cockpit.run_cockpit(parser.parse_args(argv))


def _silence_stdout() -> None:
    """The reader of our output went away (`| head`): send what is still buffered nowhere, so neither this
    function's caller nor the interpreter's last flush at exit raises BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Every command ends here, once: a closed pipe ends quietly (141, as if killed by SIGPIPE), Ctrl-C
    with one line (130), and an unexpected exception with one line and a crash log, never a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            return _dispatch(argv)
        finally:  # here, not at interpreter exit (also after --help's SystemExit), where it can be caught
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return PIPE_CLOSED
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the goodbye
        try:
            print("launchpad: interrupted", file=sys.stderr)
        except OSError:
            pass
        return INTERRUPTED
    except Exception as error:  # noqa: BLE001 - the last line of defence: a log file instead of a traceback
        from launchpad.cli.crash import report_crash

        return report_crash(error, argv[0] if argv and argv[0] in COMMANDS else "launchpad")


if __name__ == "__main__":
    raise SystemExit(main())

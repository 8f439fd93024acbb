"""The cockpit's offer, on a bare checklist, to write its plan (`launchpad init`) from the command palette.

Kept out of app.py: the app only yields these commands and shows the hint. The plan is written in a thread
worker (a file write and a re-read must not block the UI loop); the result comes back as a notification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from textual.app import SystemCommand

from launchpad.core.literal import printable

# launchpad.shell.plan_writer (and the plan drafter and its patterns behind it) is imported where it is used:
# a cockpit on a TOML plan, the usual case, never needs it, and it cost every start-up its import.

COMMAND_TITLE = "Write a plan for this checklist (launchpad init)"


def init_hint(plan) -> str | None:
    """The hint line for a checklist opened as a plan; None for a TOML plan."""
    if plan.kind != "checklist":
        return None
    from launchpad.shell.plan_writer import plan_beside

    beside = plan_beside(plan.path)
    if beside.exists():
        return f"A plan is beside this checklist: `launchpad {beside}` opens it live (timeline, probes, triggers)."
    return (f"This checklist has no plan yet: ctrl+p → “{COMMAND_TITLE}” writes {beside.name} "
            f"(or run `launchpad init {Path(plan.path).name}`).")


def init_commands(app) -> Iterable[SystemCommand]:
    if app.plan.kind != "checklist":
        return
    from launchpad.shell.plan_writer import plan_beside

    if not plan_beside(app.plan.path).exists():
        yield SystemCommand(COMMAND_TITLE, "Timeline, roles, poll and the written rollback triggers as rules, "
                            "beside the checklist", lambda: write_in_background(app))


def write_in_background(app) -> None:
    from launchpad.shell.plan_writer import InitError, write_plan

    def work() -> None:
        try:
            draft, path = write_plan(app.plan.path)
        except InitError as error:
            text = printable(str(error)) + (f"\n{printable(error.hint)}" if error.hint else "")
            app.call_from_thread(app.notify, text, title="launchpad init", severity="error", timeout=12)
            return
        text = (f"Wrote {printable(str(path))}: {len(draft.events)} timeline events, {len(draft.rules)} trigger rules, "
                f"{len(draft.manual)} manual triggers.\nQuit (q) and run `launchpad {printable(str(path))}` to open it live.")
        app.call_from_thread(app.notify, text, title="launchpad init", timeout=20)

    app.run_worker(work, thread=True, exclusive=True, group="init", exit_on_error=False)

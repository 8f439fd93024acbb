"""Writes the plan `launchpad init` drafts beside a checklist; shared by the CLI and the cockpit's palette.

The text comes from core.plan_init (pure). This module does the file work: refuses to overwrite without
`force`, writes through a temporary file and a rename (a crash never leaves half a plan), then loads what
it wrote so a plan that would not validate is reported, never handed over silently.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from launchpad.core.plan.plan import TOML_SUFFIXES, load_plan
from launchpad.core.plan.plan_init import Draft, draft_plan
from launchpad.core.problems import Problem


class InitError(Exception):
    def __init__(self, message: str, hint: str = "", problems: list[Problem] | None = None):
        super().__init__(message)
        self.hint = hint
        self.problems = problems or []


def plan_beside(checklist: str | os.PathLike) -> Path:
    """Where a checklist's plan lives: the same folder and stem, `.toml`."""
    return Path(checklist).with_suffix(".toml")


def write_plan(checklist: str | os.PathLike, output: str | os.PathLike | None = None, *, force: bool = False,
               t0: str | None = None) -> tuple[Draft, Path]:
    """Draft and write the plan for `checklist`; (draft, plan path). Raises InitError with a hint."""
    source = Path(checklist)
    if source.suffix.lower() in TOML_SUFFIXES:
        raise InitError(f"{source} is a plan already", "name a Markdown checklist: launchpad init CHECKLIST.md")
    target = Path(output) if output is not None else plan_beside(source)
    if target.suffix.lower() not in TOML_SUFFIXES:
        raise InitError(f"the plan must be a .toml file, not {target}", "write e.g. -o launch.toml")
    if target.resolve() == source.resolve():
        raise InitError(f"{target} is the checklist itself", "name another file with -o PLAN.toml")
    plan, problems = load_plan(source, env={})
    if plan is None:
        raise InitError(f"cannot read {source}", "fix the problem above, or name another checklist", problems)
    if problems:  # the checklist's own (duplicate item IDs...): a plan including it could not validate
        raise InitError(f"{source} has problems a plan would inherit", "fix them in the checklist, then run init again",
                        problems)
    checklist_parsed = plan.checklists[0]
    if not checklist_parsed.sections and not checklist_parsed.tasks and not checklist_parsed.steps:
        raise InitError(f"{source} has no headings, items or steps: there is nothing to plan from",
                        "a checklist needs at least `## A heading` and `- [ ] an item`")
    if target.exists() and not force:
        raise InitError(f"{target} exists; init does not overwrite it",
                        f"open it with `launchpad {target}`, or pass --force to replace it")
    if not target.parent.is_dir():
        raise InitError(f"the folder {target.parent} does not exist", "create it first, or choose another -o path")
    reference = os.path.relpath(source.resolve(), target.parent.resolve()).replace(os.sep, "/")
    draft = draft_plan(plan, reference, source_name=source.name, t0=t0, plan_name=str(target))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".toml", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(draft.text)
        written, problems = load_plan(temporary, env={})
        if written is None or problems:
            raise InitError(f"the plan drafted for {source} does not validate, so it was not written "
                            "(a launchpad bug: please report it with the checklist)", "", problems)
        os.replace(temporary, target)
    except OSError as error:
        raise InitError(f"cannot write {target}: {error.strerror or error}", "check the folder's permissions") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return draft, target

"""The plan's rollback steps, in order, with their shell commands; and the mode the cockpit is in.

Rollback procedures are written two ways: numbered task items (`1. [ ] Stop accepting new requests`,
seed 001, the bundled checklist) and numbered plain steps (`1. Stop current services: \\`docker compose
down\\``, seed 002). Both become RollbackSteps. A step with a checkbox is a checklist item (ticked with a
`check` entry like any other); a plain step is ticked with a `step` entry (payload `done`), since it has no
item ID in the plan.

The rollback section of a plan often holds more than steps (triggers, "after a rollback" follow-ups): when
it has sub-sections called "... Steps" or "... Procedure", only those are the steps; sections about
triggers never are.

Mode entries: `mode` with payload `mode` = "rollback" | "count", an optional `reason` and `trigger`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from launchpad.core.plan.owners import slugify

COUNT_MODE = "count"
ROLLBACK_MODE = "rollback"
MODES = (COUNT_MODE, ROLLBACK_MODE)
_STEPS_TITLE = re.compile(r"\b(steps?|procedure|procedures|runbook)\b", re.IGNORECASE)
_TRIGGERS_TITLE = re.compile(r"\btriggers?\b", re.IGNORECASE)


@dataclass(frozen=True)
class RollbackStep:
    id: str  # the item ID for a task, else "rollback-<n>-<slug>"
    number: int
    text: str
    commands: tuple[str, ...]
    task_id: str | None  # set when the step is a checklist item
    section: tuple[str, ...]
    line: int

    @property
    def command(self) -> str:
        """What the copy key puts on the clipboard: the step's shell commands, one per line."""
        return "\n".join(self.commands)


@dataclass(frozen=True)
class ModeState:
    mode: str = COUNT_MODE
    since: datetime | None = None
    actor: str = ""
    reason: str = ""
    trigger: str = ""
    changes: int = 0

    @property
    def rollback(self) -> bool:
        return self.mode == ROLLBACK_MODE


def apply_mode(state: ModeState, entry) -> ModeState:
    payload = entry.payload or {}
    mode = payload.get("mode")
    if mode not in MODES or mode == state.mode:
        return state
    reason = payload.get("reason", "")
    trigger = payload.get("trigger", "")
    return ModeState(mode, entry.at, entry.actor, reason if isinstance(reason, str) else str(reason),
                     trigger if isinstance(trigger, str) else str(trigger), state.changes + 1)


def _under(section: tuple[str, ...], parent: tuple[str, ...]) -> bool:
    return section[: len(parent)] == parent


def _step_sections(plan) -> list[tuple[str, ...]]:
    root = getattr(plan, "rollback_section", None)
    if not root:
        return []
    below = [section.path for checklist in plan.checklists for section in checklist.sections
             if _under(section.path, root)]
    if _STEPS_TITLE.search(root[-1]):
        return [root]
    named = [path for path in below if path != root and _STEPS_TITLE.search(path[-1])
             and not _TRIGGERS_TITLE.search(path[-1])]
    if named:
        return named
    return [path for path in below if not any(_TRIGGERS_TITLE.search(title) for title in path[len(root) - 1:])]


def rollback_steps(plan) -> tuple[RollbackStep, ...]:
    """The steps to work in rollback mode, in document order."""
    sections = _step_sections(plan)
    if not sections:
        return ()

    def wanted(section: tuple[str, ...]) -> bool:
        return any(section == path or (_under(section, path) and not _TRIGGERS_TITLE.search(section[-1]))
                   for path in sections)

    found: list[tuple[int, int, Any]] = []  # (checklist index, line, task or step)
    for index, checklist in enumerate(plan.checklists):
        for task in checklist.tasks:
            if wanted(task.section) and plan.task(task.id) is task:
                found.append((index, task.line, task))
        for step in checklist.steps:
            if wanted(step.section) and step.ordered:
                found.append((index, step.line, step))
    steps: list[RollbackStep] = []
    used: set[str] = set()
    for number, (_, line, item) in enumerate(sorted(found, key=lambda found_item: (found_item[0], found_item[1])), 1):
        if hasattr(item, "checked"):  # a task item
            steps.append(RollbackStep(item.id, number, item.text, tuple(item.code), item.id, item.section, line))
            continue
        base = f"rollback-{number}-{slugify(item.text)[:24]}".rstrip("-")
        step_id = base
        while step_id in used:
            step_id += "-2"
        used.add(step_id)
        steps.append(RollbackStep(step_id, number, item.text, tuple(item.code), None, item.section, line))
    return tuple(steps)


def step_done(step: RollbackStep, checked: set[str], step_marks: Mapping[str, Any]) -> bool:
    if step.task_id is not None:
        return step.task_id in checked
    mark = step_marks.get(step.id)
    return bool(mark and mark.get("done"))


def mode_summary(mode: ModeState, steps: tuple[RollbackStep, ...], checked: set[str],
                 step_marks: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    def iso(moment):
        if moment is None:
            return None
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    return {
        "mode": mode.mode,
        "since": iso(mode.since),
        "actor": mode.actor or None,
        "reason": mode.reason or None,
        "trigger": mode.trigger or None,
        "rollback_seconds": round((now - mode.since).total_seconds(), 3) if mode.rollback and mode.since else None,
        "rollback_steps": [{"id": step.id, "number": step.number, "text": step.text, "commands": list(step.commands),
                            "done": step_done(step, checked, step_marks), "item": step.task_id} for step in steps],
    }

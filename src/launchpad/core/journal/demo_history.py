"""The history a demo launch opens on: earlier steps done by their owners, the current one under way.

Opening the bundled plan two hours before T-0 with an empty journal showed every earlier step as LATE and
rang the bell before anyone had touched a key; a real launch at that point has its earlier steps done. This
builds that history as journal entries by the people of the plan's roles. They are written (and stamped)
when the demo session is created, and a note says so: the journal never pretends they happened earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from launchpad.core.plan.checklist import tasks_in
from launchpad.core.plan.owners import ALL, LEAD

DEMO_NOTE = ("DEMO: the steps before now were filled in as done by their owners when this demo session was "
             "created, so the cockpit opens on a launch in flight.")


@dataclass(frozen=True)
class SeedEntry:
    actor: str
    kind: str
    target: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)


def is_demo_note(kind: str, payload: Mapping[str, Any] | None) -> bool:
    return kind == "note" and bool(payload) and payload.get("demo") is True


def _person(plan, role_id: str, lead: str) -> str:
    if role_id in ("", ALL, LEAD):
        return lead
    role = plan.role(role_id)
    return (role.person or role.title or role_id) if role else role_id


def demo_history(plan, t_clock: float, lead: str) -> list[SeedEntry]:
    """Entries that make `plan` at plan time `t_clock` a launch in flight, for a session led by `lead`.

    Steps whose time and duration are over are done, with the items of their sections ticked by the people
    who owe them; the first step not over is in progress."""
    entries = [SeedEntry(lead, "note", "", {"text": DEMO_NOTE, "demo": True})]
    current_set = False
    for event in plan.events:
        over = event.at + event.duration <= t_clock
        if not over:
            if not current_set:
                entries.append(SeedEntry(_person(plan, event.owner, lead), "event", event.id, {"state": "in_progress"}))
                current_set = True
            continue
        for checklist in plan.checklists if event.section else ():
            for task in tasks_in(checklist, event.section):
                if not task.checked:
                    owner = plan.owner_of(task) or event.owner
                    entries.append(SeedEntry(_person(plan, owner, lead), "check", task.id))
        entries.append(SeedEntry(_person(plan, event.owner, lead), "event", event.id, {"state": "done"}))
    return entries

"""Which `**Label:**` prefixes of checklist items name an owner, decided once the plan's roles are known.

Real checklists bold a label at the start of items all the time (`**Doctype:** declare it`), so the
parser only proposes the label (Task.owner) and this module settles it: an owner is recognised where it
names a role of the plan (its `[[role]]`s, a contacts table, a timeline's owner column) or sits in a
sign-off section, where items are approvals by role. Anywhere else the label goes back into the text,
as GitHub shows it, so no "role" is invented from a heading-like word or a sentence.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable

from .checklist import Checklist, Task
from .owners import ALL, LEAD, match_role

SIGNOFF = re.compile(r"sign[\s-]?off", re.IGNORECASE)
# A sign-off label longer than this is a sentence in bold, not the name of a role.
_MAX_ROLE_WORDS = 6
_MAX_ROLE_CHARS = 48


def in_signoff(task: Task) -> bool:
    return any(SIGNOFF.search(title) for title in task.section)


def looks_like_role(label: str) -> bool:
    return len(label) <= _MAX_ROLE_CHARS and len(label.split()) <= _MAX_ROLE_WORDS


def names_owner(task: Task, roles: Iterable) -> bool:
    """True when the task's label is an owner: a plan role, `All`/`Lead`, or a role-like label in a sign-off."""
    label = task.owner
    if not label:
        return False
    if label.strip().lower() in (ALL, LEAD) or match_role(label, roles) is not None:
        return True
    return in_signoff(task) and looks_like_role(label)


def _whole(task: Task) -> Task:
    text = f"{task.owner}: {task.text}" if task.text else f"{task.owner}:"
    return dataclasses.replace(task, owner=None, text=text)


def settle_owners(checklists: Iterable[Checklist], roles: Iterable) -> tuple[Checklist, ...]:
    """The checklists with every label that names no owner put back into its item's text.

    Task IDs are left as the parser made them, so settling never moves a journal's ticks."""
    roles = tuple(roles)
    settled = []
    for checklist in checklists:
        if any(task.owner and not names_owner(task, roles) for task in checklist.tasks):
            tasks = tuple(task if not task.owner or names_owner(task, roles) else _whole(task)
                          for task in checklist.tasks)
            checklist = dataclasses.replace(checklist, tasks=tasks)
        settled.append(checklist)
    return tuple(settled)

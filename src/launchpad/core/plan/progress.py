"""Checklist progress: overall, per section (sub-sections roll up) and per owner, from a set of checked IDs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping


@dataclass(frozen=True)
class Tally:
    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"


def checked_ids(tasks: Iterable, marks: Mapping[str, bool]) -> set[str]:
    """What is ticked now: the file's own `[x]` unless the journal says otherwise."""
    return {task.id for task in tasks if marks.get(task.id, task.checked)}


def overall(tasks: Iterable, checked: set[str]) -> Tally:
    tasks = list(tasks)
    return Tally(sum(1 for task in tasks if task.id in checked), len(tasks))


def by_section(tasks: Iterable, checked: set[str]) -> dict[tuple[str, ...], Tally]:
    """Every section path and each of its ancestors, counting the tasks beneath them."""
    done: dict[tuple[str, ...], int] = {}
    total: dict[tuple[str, ...], int] = {}
    for task in tasks:
        for depth in range(1, len(task.section) + 1):
            path = task.section[:depth]
            total[path] = total.get(path, 0) + 1
            if task.id in checked:
                done[path] = done.get(path, 0) + 1
    return {path: Tally(done.get(path, 0), count) for path, count in total.items()}


def by_owner(tasks: Iterable, checked: set[str], owner_of) -> dict[str, tuple[Tally, list]]:
    """role id -> (tally, open tasks). `owner_of(task)` names the role or returns None for unowned tasks."""
    buckets: dict[str, list] = {}
    for task in tasks:
        owner = owner_of(task)
        if owner:
            buckets.setdefault(owner, []).append(task)
    return {
        owner: (overall(owned, checked), [task for task in owned if task.id not in checked])
        for owner, owned in buckets.items()
    }

"""The IDs a plan knows, cached by content hash, so a script that ticks one item does not parse the whole plan.

`launchpad mark SESSION ITEM` runs once per pipeline step and needs only the plan's item and event IDs (and its
path and sha256, for the "plan changed" warning). On a 100,000-item plan, parsing every checklist for that took
about 20 s. The IDs of a plan that loaded without problems are kept in one JSON file per plan under
$XDG_CACHE_HOME/launchpad/plan-ids/ (JSON, not pickle: reading a cache file must never run code), and used
only while the sha256 of the plan file, of every checklist it read and of the parser's own source are what
they were. Any doubt (no cache, a changed or missing file, an unreadable cache) means a full parse; a cache
that cannot be written is silently skipped: it only saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from launchpad.store import cache_files

FORMAT = 1
KIND = "plan-ids"
CACHE_LIMIT = 64 << 20  # 100,000 IDs with their paths are a few MB; a bigger file in its place is not ours
# The modules whose code decides what a plan's IDs are: a change to any of them (a dev checkout, an upgrade)
# changes the key, so a cache written by other code is never trusted.
_PARSER_MODULES = tuple(f"core/plan/{name}.py" for name in (
    "plan", "checklist", "checklist_ids", "checklist_lines", "checklist_markdown", "checklist_text"))


@dataclass(frozen=True)
class PlanIds:
    """What `mark` and `note` check an ID against."""

    path: str
    sha256: str  # of the plan file, as Plan.sha256
    task_ids: tuple[str, ...]  # every item ID; when not `complete`, only the one looked up (see load_plan_ids)
    event_ids: tuple[str, ...]
    complete: bool = True


def cache_dir() -> Path:
    return cache_files.cache_dir(KIND)


def _sha256_file(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


@cache
def _parser_key() -> str:
    return cache_files.code_key(FORMAT, _PARSER_MODULES)


def _cache_file(plan_path: str) -> Path:
    return cache_files.cache_file(KIND, plan_path, ".json")


def cached_ids(plan_path: str) -> PlanIds | None:
    """The IDs cached for `plan_path` if every file they came from is unchanged, else None."""
    try:
        data = cache_files.read_cache_file(_cache_file(plan_path), CACHE_LIMIT)
        if data is None:
            return None
        doc = json.loads(data)
        if doc.get("parser") != _parser_key() or doc.get("path") != os.path.abspath(plan_path):
            return None
        inputs = doc["inputs"]
        if not inputs or any(_sha256_file(path) != sha for path, sha in inputs):
            return None
        return PlanIds(doc["plan_path"], doc["sha256"], tuple(doc["task_ids"]), tuple(doc["event_ids"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ids_of(plan) -> PlanIds:
    return PlanIds(plan.path, plan.sha256, tuple(task.id for task in plan.tasks), tuple(event.id for event in plan.events))


def save_ids(plan_path: str, plan) -> PlanIds:
    """The IDs of a freshly parsed, problem-free `plan` (loaded from `plan_path`), written to the cache."""
    ids = ids_of(plan)
    files = dict.fromkeys([plan.path] + [checklist.path for checklist in plan.checklists])
    inputs = [(path, _sha256_file(path)) for path in files]
    if plan.problems or any(sha is None for _, sha in inputs) or inputs[0][1] != plan.sha256:
        return ids  # a file changed while it was parsed, or one is missing: do not cache what may be stale
    doc = {"format": FORMAT, "parser": _parser_key(), "path": os.path.abspath(plan_path), "plan_path": ids.path,
           "sha256": ids.sha256, "inputs": inputs, "task_ids": ids.task_ids, "event_ids": ids.event_ids}
    cache_files.write_cache_file(_cache_file(plan_path), json.dumps(doc).encode("utf-8", "surrogatepass"))
    return ids


def load_plan_ids(plan_path: str, load_plan, wanted: str | None = None) -> tuple[PlanIds | None, list]:
    """(IDs, problems): from the cache when it is valid, else from `load_plan(plan_path)` (then cached).

    With `wanted` (the one item ID the caller asks about) and no valid cache, the checklists holding that ID's
    text are parsed first (core.plan.plan.locate_task): if one has the item, the answer is that ID alone
    (`complete` False) without parsing the rest of the plan, so the first `mark` of a pinned item on a big plan
    costs what the later ones do. Else the first half of the checklists are parsed in order until one has it
    (a generated ID: core.plan.plan.locate_in_order); an ID further on, or nowhere, gets the whole plan parsed
    (`load_plan(path, parsed)`, reusing the checklists already read) and cached as before."""
    ids = cached_ids(plan_path)
    if ids is not None:
        return ids, []
    parsed: dict = {}
    if wanted:
        from launchpad.core.plan.plan import locate_in_order, locate_task

        found = locate_task(plan_path, wanted) or locate_in_order(plan_path, wanted, parsed)
        if found is not None:
            return PlanIds(found[0], found[1], (wanted,), (), complete=False), []
    plan, problems = load_plan(plan_path, parsed) if parsed else load_plan(plan_path)
    if plan is None:
        return None, list(problems)
    if problems:
        return ids_of(plan), list(problems)
    return save_ids(plan_path, plan), []

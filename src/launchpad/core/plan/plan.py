"""Launch plans: a TOML file under `timelines/`, or any Markdown checklist opened as a plan.

A plan names the launch, the checklists it includes, the roles (who owns what, how to reach them) and the
timeline events at their T-offsets. The probe and trigger tables of a plan are parsed by
`core.probe_config`; this module only routes them there.

`load_plan(path)` never raises on bad input: it returns `(plan or None, problems)`. A plan with problems is
still returned when it is usable, so `validate` can count it and the cockpit can show what is wrong.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from launchpad.core.plan.checklist import Checklist, Task, find_section, load_checklist, parse_checklist
from launchpad.core.control.control_config import CONTROL_TABLE_KEYS, parse_control_tables
from launchpad.core.plan.item_owners import in_signoff, looks_like_role, settle_owners
from launchpad.core.control.notify_config import parse_notify_tables
from launchpad.core.plan.offsets import HINT as OFFSET_HINT
from launchpad.core.plan.offsets import OffsetError, parse_duration, parse_offset
from launchpad.core.plan.owners import ALL, LEAD, match_role, slugify
from launchpad.core.probes.metric_config import METRIC_TABLE_KEYS, parse_metric_tables
from launchpad.core.probes.probe_config import PROBE_TABLE_KEYS, parse_probe_tables
from launchpad.core.problems import Problem, did_you_mean, read_text
from launchpad.core.safe_read import UnreadableFile, read_regular, resolved
from launchpad.core.plan.table_reader import TableReader
from launchpad.core.toml_depth import loads_bounded
from launchpad.core.tomlpos import scan

TOML_SUFFIXES = {".toml"}


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    person: str = ""
    contact: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Event:
    id: str
    at: int  # seconds from T-0, negative before it
    title: str
    owner: str = ""  # a role id, ALL, LEAD, or "" when nobody is named
    section: tuple[str, ...] | None = None  # the checklist section this step works through
    duration: int = 0
    line: int | None = None
    late_after: int | None = None  # grace before the step counts as late; None: core.timeline's default


@dataclass(frozen=True)
class Plan:
    name: str
    path: str
    sha256: str
    kind: str  # "plan" (TOML) or "checklist" (Markdown opened as a plan)
    roles: tuple[Role, ...] = ()
    events: tuple[Event, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    tasks: tuple[Task, ...] = ()
    probes: tuple = ()
    triggers: tuple = ()
    demo: object | None = None
    metrics: tuple = ()  # MetricSpec (core/probes/metric_config)
    metric_triggers: tuple = ()  # MetricTriggerSpec
    rollback_section: tuple[str, ...] | None = None
    problems: tuple[Problem, ...] = ()
    holds: tuple = ()  # core.count.PlannedHold, by T-offset
    poll: object | None = None  # core.poll.PollSpec from [poll]; None: poll the sign-off roles on demand
    notify: tuple = ()  # core.notify_config.NotifySpec from [[notify]]: where the launch's news goes
    _task_index: dict = field(default_factory=dict, repr=False, compare=False)
    _owner_index: dict = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Plan({self.name!r}, {self.path!r}, {len(self.tasks)} tasks, {len(self.events)} events)"

    def task(self, task_id: str) -> Task | None:
        return self._task_index.get(task_id)

    def role(self, role_id: str) -> Role | None:
        return next((role for role in self.roles if role.id == role_id), None)

    def owner_of(self, task: Task) -> str | None:
        """The role id that owes this task: its own `**Role**:`, else the owner of the event working its section."""
        return self._owner_index.get(task.id)

    @property
    def section_paths(self) -> list[tuple[str, ...]]:
        seen: dict[tuple[str, ...], None] = {}
        for checklist in self.checklists:
            for section in checklist.sections:
                seen.setdefault(section.path, None)
        return list(seen)


# --------------------------------------------------------------------------- shared post-processing


def _index_tasks(path: str, checklists: Iterable[Checklist]) -> tuple[tuple[Task, ...], dict, list[Problem]]:
    tasks: list[Task] = []
    index: dict[str, Task] = {}
    problems: list[Problem] = []
    for checklist in checklists:
        problems.extend(checklist.problems)
        for task in checklist.tasks:
            if task.id in index:
                first = index[task.id]
                problems.append(
                    Problem(
                        checklist.path,
                        task.line,
                        f"duplicate item ID `{task.id}` (also {first.source}:{first.line})",
                        "give one of them its own ID with `<!-- id: some-name -->` at the end of the item",
                    )
                )
                continue
            index[task.id] = task
            tasks.append(task)
    return tuple(tasks), index, problems


def _section_under(section: tuple[str, ...], parent: tuple[str, ...]) -> bool:
    return section[: len(parent)] == parent


def _owner_index(tasks: Iterable[Task], roles: tuple[Role, ...], events: tuple[Event, ...]) -> dict[str, str]:
    """Who owes each task: an explicit `**Role**:` wins, else the owner of the deepest event section holding it."""
    linked = sorted(
        (event for event in events if event.section and event.owner),
        key=lambda event: len(event.section or ()),
        reverse=True,
    )
    owners: dict[str, str] = {}
    for task in tasks:
        if task.owner:
            role = match_role(task.owner, roles)
            owners[task.id] = role.id if role else slugify(task.owner)
            continue
        for event in linked:
            if _section_under(task.section, event.section or ()):
                owners[task.id] = event.owner
                break
    return owners


def _resolve_section(name: str, checklists: Iterable[Checklist]) -> tuple[str, ...] | None:
    """A section named by title, full path, or the tail of its path ("Pre-Deployment Checks/Security"
    without the document's own title above it)."""
    checklists = list(checklists)
    wanted = tuple(part.strip().lower() for part in name.split("/") if part.strip())
    for checklist in checklists:
        for section in checklist.sections:
            tail = tuple(title.lower() for title in section.path[-len(wanted):])
            if len(section.path) >= len(wanted) and tail == wanted:
                return section.path
    for checklist in checklists:
        section = find_section(checklist, name)
        if section is not None:
            return section.path
    return None


SECTION_HINT = 'name a heading of an included checklist, e.g. "Pre-Deployment Checks/Security"'


def section_or_problem(out, key_path: tuple, name: str, checklists, what: str = "section", hint: str = SECTION_HINT):
    """The path of the section `name` refers to, or None after adding a problem at `key_path` that says so."""
    section = _resolve_section(name, checklists)
    if section is None:
        out.add(key_path, f"{what} `{name}` is in none of the plan's checklists", hint)
    return section


def _sha256(path: str) -> str:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except UnreadableFile:  # swapped since read_text read it; the plan's problems already say so, or will
        return ""


# --------------------------------------------------------------------------- TOML plans

_KNOWN_TOP = {"launch", "role", "event", "notify"} | PROBE_TABLE_KEYS | CONTROL_TABLE_KEYS | METRIC_TABLE_KEYS
_KNOWN_LAUNCH = {"name", "checklists", "rollback_section", "description", "late_grace"}
_KNOWN_ROLE = {"id", "title", "person", "contact"}
_KNOWN_EVENT = {"id", "at", "title", "owner", "section", "duration", "late_after"}
_TOML_ERROR_LINE = re.compile(r"at line (\d+)")


def _parse_toml_plan(path: str, text: str, env: Mapping[str, str],
                     parsed: dict | None = None, parse=None) -> tuple[Plan | None, list[Problem]]:
    try:
        doc = loads_bounded(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_ERROR_LINE.search(str(error))
        message = _TOML_ERROR_LINE.sub("", str(error)).replace("()", "").strip(" ,")
        return None, [
            Problem(path, int(found[1]) if found else None, f"malformed TOML: {message}",
                    "check quotes, brackets and `key = value` syntax on that line (TOML 1.0)")
        ]
    out = TableReader(path, scan(text))
    out.unknown_keys(doc, _KNOWN_TOP, (), "the plan")

    launch = doc.get("launch")
    if not isinstance(launch, dict):
        out.add((), "the plan has no [launch] table", 'start the plan with `[launch]` and `name = "..."`')
        launch = {}
    out.unknown_keys(launch, _KNOWN_LAUNCH, ("launch",), "[launch]")
    name = out.string(launch, "name", ("launch",), "[launch]", required=True) or Path(path).stem

    checklists: list[Checklist] = []
    listed = _listed_checklists(launch)
    if listed is None:
        out.add(("launch", "checklists"), "`checklists` must be a list of file paths",
                'write checklists = ["../checklists/launch.md"]')
        listed = []
    for relative in listed:
        file = _checklist_path(path, relative)
        checklist, problems = parsed.pop(file) if parsed and file in parsed else load_checklist(file, parse)
        if checklist is None:
            for problem in problems:
                if problem.line is None:
                    out.add(("launch", "checklists"), f"checklist `{relative}`: {problem.message}",
                            problem.hint or "paths are relative to the plan file")
                else:
                    out.problems.append(problem)
            continue
        checklists.append(checklist)

    roles: list[Role] = []
    for index, table in enumerate(out.table_array(doc, "role")):
        where = ("role", index)
        out.unknown_keys(table, _KNOWN_ROLE, where, "[[role]]")
        role_id = out.string(table, "id", where, "[[role]]", required=True)
        title = out.string(table, "title", where, "[[role]]") or role_id
        if role_id in (ALL, LEAD):
            out.add((*where, "id"), f"role id `{role_id}` is reserved", f"`{role_id}` already means "
                    + ("every role" if role_id == ALL else "whoever leads the launch") + "; pick another id")
            continue
        if any(role.id == role_id for role in roles):
            out.add((*where, "id"), f"duplicate role id `{role_id}`", "each [[role]] needs its own id")
            continue
        if role_id:
            roles.append(Role(role_id, title, out.string(table, "person", where, "[[role]]"),
                              out.string(table, "contact", where, "[[role]]"), out.positions.line(*where)))

    late_grace = _duration_or_problem(out, launch, "late_grace", ("launch",))
    events: list[Event] = []
    for index, table in enumerate(out.table_array(doc, "event")):
        where = ("event", index)
        out.unknown_keys(table, _KNOWN_EVENT, where, "[[event]]")
        title = out.string(table, "title", where, "[[event]]", required=True)
        at_text = table.get("at")
        at = None
        if at_text is None:
            out.add(where, f"event `{title}` has no `at`", 'add its T-offset, e.g. at = "T-2h"')
        else:
            try:
                at = parse_offset(at_text)
            except OffsetError as error:
                out.add((*where, "at"), str(error), OFFSET_HINT)
        event_id = out.string(table, "id", where, "[[event]]") or slugify(title)
        if any(event.id == event_id for event in events):
            out.add((*where, "id"), f"duplicate event id `{event_id}`",
                    'give the event its own `id = "..."`')
            continue
        owner_text = out.string(table, "owner", where, "[[event]]")
        owner = ""
        if owner_text:
            if owner_text.lower() in (ALL, LEAD):
                owner = owner_text.lower()
            else:
                role = match_role(owner_text, roles)
                if role is None:
                    out.add((*where, "owner"), f"event `{title}` is owned by `{owner_text}`, which is no defined role",
                            did_you_mean(owner_text, [r.id for r in roles])
                            or "define it in a [[role]] table, or use `all` or `lead`")
                else:
                    owner = role.id
        section = None
        section_text = out.string(table, "section", where, "[[event]]")
        if section_text:
            section = section_or_problem(out, (*where, "section"), section_text, checklists)
        duration = _duration_or_problem(out, table, "duration", where) or 0
        late_after = _duration_or_problem(out, table, "late_after", where)
        if late_after is None:
            late_after = late_grace
        if at is not None and title:
            events.append(Event(event_id, at, title, owner, section, duration, out.positions.line(*where), late_after))

    rollback = None
    rollback_text = out.string(launch, "rollback_section", ("launch",), "[launch]")
    if rollback_text:
        rollback = section_or_problem(out, ("launch", "rollback_section"), rollback_text, checklists, "rollback section",
                                      "name the heading that holds the rollback steps")

    holds, poll = parse_control_tables(doc, out, checklists, roles, section_or_problem)
    probes, triggers, demo, probe_problems = parse_probe_tables(doc, out.positions, path, env)
    out.problems.extend(probe_problems)
    notify = parse_notify_tables(doc, out, env)
    metrics, metric_triggers, metric_problems = parse_metric_tables(doc, out.positions, path, env)
    out.problems.extend(metric_problems)

    checklists = list(settle_owners(checklists, roles))
    tasks, task_index, task_problems = _index_tasks(path, checklists)
    out.problems.extend(task_problems)
    events.sort(key=lambda event: event.at)
    roles_tuple, events_tuple = tuple(roles), tuple(events)
    plan = Plan(
        name=name,
        path=path,
        sha256=_sha256(path),
        kind="plan",
        roles=roles_tuple,
        events=events_tuple,
        checklists=tuple(checklists),
        tasks=tasks,
        probes=tuple(probes),
        triggers=tuple(triggers),
        demo=demo,
        metrics=tuple(metrics),
        metric_triggers=tuple(metric_triggers),
        rollback_section=rollback,
        problems=tuple(out.problems),
        holds=tuple(holds),
        poll=poll,
        notify=notify,
        _task_index=task_index,
        _owner_index=_owner_index(tasks, roles_tuple, events_tuple),
    )
    return plan, out.problems


def _listed_checklists(launch: Mapping) -> list[str] | None:
    """[launch] checklists: the relative paths, or None when it is not a list of strings."""
    listed = launch.get("checklists", [])
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        return None
    return listed


def _checklist_path(plan_path: str, relative: str) -> str:
    """Where a listed checklist is read from: relative to the plan file."""
    return str(resolved(Path(plan_path).parent / relative))


def _duration_or_problem(out, table: Mapping, key: str, where: tuple) -> int | None:
    """`key` of a table read as a duration ("30m"); None when absent or wrong (a problem is added)."""
    if key not in table:
        return None
    try:
        return parse_duration(table[key])
    except OffsetError as error:
        out.add((*where, key), str(error), "write it like \"30m\" or \"1h30m\"")
        return None


# --------------------------------------------------------------------------- Markdown opened as a plan

_TIME_HEADERS = {"time", "when", "t", "offset", "t-offset"}
_ACTION_HEADERS = {"action", "step", "task", "what", "event"}
_OWNER_HEADERS = {"owner", "who", "role", "responsible"}
_ROLE_HEADERS = {"role", "team", "function"}
_CONTACT_HEADERS = {"contact", "contacts", "person", "name", "phone", "email"}
_CONTACT_SECTION = re.compile(r"contact", re.IGNORECASE)


def _column(header: tuple[str, ...], names: set[str]) -> int | None:
    for position, cell in enumerate(header):
        if cell.strip().lower() in names:
            return position
    return None


def _markdown_plan(path: str, checklist: Checklist) -> Plan:
    """Seed 004's tables become the plan: `Time | Action | Owner` gives events, `Role | Contact` gives roles."""
    roles: list[Role] = []
    event_rows: list[tuple] = []
    problems: list[Problem] = []
    for table in checklist.tables:
        time_col, action_col = _column(table.header, _TIME_HEADERS), _column(table.header, _ACTION_HEADERS)
        role_col, contact_col = _column(table.header, _ROLE_HEADERS), _column(table.header, _CONTACT_HEADERS)
        if time_col is not None and action_col is not None:
            owner_col = _column(table.header, _OWNER_HEADERS)
            for row, line in zip(table.rows, table.row_lines):
                cells = list(row) + [""] * len(table.header)
                event_rows.append((cells[time_col], cells[action_col], cells[owner_col] if owner_col is not None else "", line))
        elif role_col is not None and contact_col is not None:
            for row, line in zip(table.rows, table.row_lines):
                cells = list(row) + [""] * len(table.header)
                title = cells[role_col].strip()
                if title and not any(role.title == title for role in roles):
                    contact = cells[contact_col].strip()
                    roles.append(Role(slugify(title), title, "", contact, line))
    # A bullet list under a "Contacts" heading (`- **DevOps Team**: [Contact Info]`) is a contacts table too.
    for step in checklist.steps:
        if step.section and _CONTACT_SECTION.search(step.section[-1]) and ":" in step.text:
            title, contact = (part.strip() for part in step.text.split(":", 1))
            if title and not any(role.title == title for role in roles):
                roles.append(Role(slugify(title), title, "", contact, step.line))

    events: list[Event] = []
    for time_text, action, owner_text, line in event_rows:
        try:
            at = parse_offset(time_text)
        except OffsetError as error:
            problems.append(Problem(path, line, str(error), OFFSET_HINT))
            continue
        owner = ""
        if owner_text.strip():
            lowered = owner_text.strip().lower()
            if lowered in (ALL, "everyone", "everybody", "team", "all hands"):
                owner = ALL
            elif lowered in (LEAD, "release lead", "launch lead"):
                owner = LEAD
            else:
                role = match_role(owner_text, roles)
                if role is None:  # a Markdown plan names its owners in passing: give them a role of their own
                    role = Role(slugify(owner_text), owner_text.strip(), "", "", line)
                    roles.append(role)
                owner = role.id
        event_id = slugify(action) or f"event-{line}"
        while any(event.id == event_id for event in events):
            event_id += "-2"
        events.append(Event(event_id, at, action.strip(), owner, None, 0, line))

    # Owners named on sign-off items (`**DevOps Engineer**: ...`) are roles of a Markdown plan as well;
    # a bold label anywhere else is part of the item's text (see core.item_owners).
    for task in checklist.tasks:
        if task.owner and in_signoff(task) and looks_like_role(task.owner) and match_role(task.owner, roles) is None:
            roles.append(Role(slugify(task.owner), task.owner, "", "", task.line))
    (checklist,) = settle_owners([checklist], roles)

    tasks, task_index, task_problems = _index_tasks(path, [checklist])
    problems.extend(task_problems)
    rollback = next((s.path for s in checklist.sections if re.search(r"rollback", s.title, re.IGNORECASE)), None)
    events.sort(key=lambda event: event.at)
    roles_tuple, events_tuple = tuple(roles), tuple(events)
    return Plan(
        name=checklist.title,
        path=path,
        sha256=_sha256(path),
        kind="checklist",
        roles=roles_tuple,
        events=events_tuple,
        checklists=(checklist,),
        tasks=tasks,
        rollback_section=rollback,
        problems=tuple(problems),
        _task_index=task_index,
        _owner_index=_owner_index(tasks, roles_tuple, events_tuple),
    )


# --------------------------------------------------------------------------- entry point


def _plan_files(path: str) -> tuple[str, str, list[str]] | None:
    """(plan path, its text, the checklist files it lists in order) as load_plan finds them; None when the
    plan cannot be read or is no TOML plan listing checklists (a Markdown plan is its own one file)."""
    text, _ = read_text(path)
    if text is None:
        return None
    if Path(path).suffix.lower() not in TOML_SUFFIXES:
        return path, text, [path]
    try:
        launch = loads_bounded(text).get("launch")
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    listed = _listed_checklists(launch) if isinstance(launch, dict) else None
    return path, text, [_checklist_path(path, relative) for relative in listed or ()]


def locate_task(path: str | os.PathLike, task_id: str) -> tuple[str, str] | None:
    """(plan path, plan sha256) when a checklist of the plan at `path` holds an item with ID `task_id`, found by
    parsing only the checklists whose text holds that ID in an ID comment (`<!-- id: ... -->`); None when none
    of them does, or the plan cannot be read: then only a full load_plan can tell (a generated ID, for one).

    A script ticking one pinned item of a 100,000-item plan needs no more. The answer is load_plan's: the same
    files parsed from the same paths give the same IDs, and a plan with any checklist holding the ID lists it."""
    path = resolved(path) if os.path.lexists(path) else str(path)
    found = _plan_files(path)
    if found is None:
        return None
    path, text, files = found
    comment = re.compile(r"<!--\s*(?i:id)\s*:\s*" + re.escape(task_id) + r"\s*-->")
    for file in files:
        checklist_text = text if file == path else read_text(file)[0]
        if checklist_text is None or task_id not in checklist_text or comment.search(checklist_text) is None:
            continue  # a filter only: a file it skips wrongly costs the full parse, never a different answer
        if any(task.id == task_id for task in parse_checklist(checklist_text, file).tasks):
            return path, _sha256(path)
    return None


def locate_in_order(path: str | os.PathLike, task_id: str, parsed: dict) -> tuple[str, str] | None:
    """(plan path, plan sha256) when one of the first half of the plan's checklists holds an item with ID
    `task_id`, found by parsing them in plan order and stopping at the first that has it: a generated ID is
    hashed from its file, section and text, so no text names it and locate_task cannot filter. Every checklist
    parsed goes into `parsed` (file -> what load_checklist gave), for load_plan(parsed=...) to reuse: when this
    says None (the ID is further on, or nowhere), the full load the caller does next parses nothing twice, and
    the whole plan's IDs get cached as before. Only TOML plans of several checklists: one file is all or none."""
    path = resolved(path) if os.path.lexists(path) else str(path)
    found = _plan_files(path)
    if found is None or len(found[2]) < 2 or found[2][0] == found[0]:
        return None
    path, _, files = found
    for file in files[: (len(files) + 1) // 2]:
        if file not in parsed:
            parsed[file] = load_checklist(file)
        checklist = parsed[file][0]
        if checklist is not None and any(task.id == task_id for task in checklist.tasks):
            return path, _sha256(path)
    return None


def load_plan(path: str | os.PathLike, env: Mapping[str, str] | None = None,
              parsed: dict | None = None, parse=None) -> tuple[Plan | None, list[Problem]]:
    """Load a TOML plan or a Markdown checklist as a plan. Never raises on bad input.
    `parsed`: checklists locate_in_order already read (file -> load_checklist's answer), used instead of
    reading them again; taken out of the dict as they are used.
    `parse(text, path)`: what turns a checklist's text into its Checklist, parse_checklist unless the caller
    has a stand-in giving the same answer (shell/checklist_cache: the parse cached by the text's hash)."""
    path = resolved(path) if os.path.lexists(path) else str(path)
    env = os.environ if env is None else env
    text, problems = read_text(path)
    if text is None:
        return None, problems
    if Path(path).suffix.lower() in TOML_SUFFIXES:
        return _parse_toml_plan(path, text, env, parsed, parse)
    checklist = (parse or parse_checklist)(text, path)
    plan = _markdown_plan(path, checklist)
    return plan, list(plan.problems)

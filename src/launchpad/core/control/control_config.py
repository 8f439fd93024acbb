"""The plan's launch-control tables: `[[hold]]` (planned holds) and `[poll]` (the Go/No-Go poll).

    [[hold]]
    id = "built-in-hold"             # optional; from the title otherwise
    at = "T-15m"                     # where the count stops
    duration = "10m"                 # how long it stays stopped
    title = "Built-in hold"          # optional
    until_complete = "Deployment Steps/Frontend Deployment"   # optional exit condition: a checklist section

    [poll]
    at = "T-15m"                     # the planned poll point (optional: a lead can always poll on demand)
    roles = ["devops", "backend"]    # role ids or titles; default: the Sign-off `**Role**:` items, else every role
    signoff_section = "Sign-off"     # optional: take the roles from this section's `**Role**:` items
    [poll.criteria]                  # the launch commit criteria (defaults shown)
    probes_up = true
    no_trigger_firing = true
    sections_complete = []           # checklist sections that must be complete

Bad values are problems with the line and a hint, like the rest of a plan.
"""

from __future__ import annotations

from typing import Callable, Mapping

from launchpad.core.control.count import PlannedHold
from launchpad.core.plan.offsets import HINT as OFFSET_HINT
from launchpad.core.plan.offsets import OffsetError, parse_duration, parse_offset
from launchpad.core.plan.owners import match_role, slugify
from launchpad.core.control.poll import PollRole, PollSpec
from launchpad.core.problems import did_you_mean

CONTROL_TABLE_KEYS = {"hold", "poll"}
SECTION_HINT = 'name a heading of an included checklist, e.g. "Deployment Steps/Go-Live"'
KNOWN_HOLD = {"id", "at", "duration", "title", "until_complete"}
KNOWN_POLL = {"at", "roles", "signoff_section", "criteria"}
KNOWN_CRITERIA = {"probes_up", "no_trigger_firing", "sections_complete"}


def parse_control_tables(doc: Mapping, out, checklists, roles, find_section: Callable):
    """(planned holds, poll spec or None). `out` is plan.py's problem collector (add, unknown_keys,
    string, table_array); `find_section(out, key_path, name, checklists)` finds a section path, or returns
    None after reporting it at key_path."""
    holds: list[PlannedHold] = []
    for index, table in enumerate(out.table_array(doc, "hold")):
        where = ("hold", index)
        out.unknown_keys(table, KNOWN_HOLD, where, "[[hold]]")
        title = out.string(table, "title", where, "[[hold]]")
        at = None
        if "at" not in table:
            out.add(where, "a [[hold]] has no `at`", 'add where the count stops, e.g. at = "T-15m"')
        else:
            try:
                at = parse_offset(table["at"])
            except OffsetError as error:
                out.add((*where, "at"), str(error), OFFSET_HINT)
        duration = None
        if "duration" not in table:
            out.add(where, "a [[hold]] has no `duration`", 'add how long the count stays stopped, e.g. duration = "10m"')
        else:
            try:
                duration = parse_duration(table["duration"])
            except OffsetError as error:
                out.add((*where, "duration"), str(error), 'write it like "10m" or "1h30m"')
            else:
                if duration <= 0:
                    out.add((*where, "duration"), "a hold's `duration` must be longer than 0",
                            'write it like "10m"; remove the [[hold]] if the count should not stop')
                    duration = None
        until = None
        until_text = out.string(table, "until_complete", where, "[[hold]]")
        if until_text:
            until = find_section(out, (*where, "until_complete"), until_text, checklists, hint=SECTION_HINT)
        hold_id = out.string(table, "id", where, "[[hold]]") or slugify(title or f"hold {table.get('at', index)}")
        if any(hold.id == hold_id for hold in holds):
            out.add((*where, "id"), f"duplicate hold id `{hold_id}`", 'give the hold its own `id = "..."`')
            continue
        if at is not None and duration is not None:
            holds.append(PlannedHold(hold_id, at, duration, title, until, out.positions.line(*where)))

    poll = None
    table = doc.get("poll")
    if table is not None and not isinstance(table, dict):
        out.add(("poll",), "`poll` must be a table", "write it under a `[poll]` header")
    elif isinstance(table, dict):
        poll = _parse_poll(table, out, checklists, roles, find_section)
    return sorted(holds, key=lambda hold: hold.at), poll


def _parse_poll(table: Mapping, out, checklists, roles, find_section) -> PollSpec:
    where = ("poll",)
    out.unknown_keys(table, KNOWN_POLL, where, "[poll]")
    at = None
    if "at" in table:
        try:
            at = parse_offset(table["at"])
        except OffsetError as error:
            out.add((*where, "at"), str(error), OFFSET_HINT)
    poll_roles: list[PollRole] = []
    listed = table.get("roles", [])
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        out.add((*where, "roles"), "`roles` in [poll] must be a list of role ids", 'write roles = ["devops", "backend"]')
        listed = []
    for name in listed:
        role = match_role(name, roles)
        if role is None:
            out.add((*where, "roles"), f"[poll] names `{name}`, which is no defined role",
                    did_you_mean(name, [r.id for r in roles]) or "define it in a [[role]] table")
        elif all(existing.id != role.id for existing in poll_roles):
            poll_roles.append(PollRole(role.id, role.title))
    signoff = out.string(table, "signoff_section", where, "[poll]")
    if signoff:
        section = find_section(out, (*where, "signoff_section"), signoff, checklists, hint=SECTION_HINT)
        if section is not None:
            for checklist in checklists:
                for task in checklist.tasks:
                    if task.owner and task.section[: len(section)] == section:
                        role = match_role(task.owner, roles)
                        found = PollRole(role.id, role.title) if role else PollRole(slugify(task.owner), task.owner)
                        if all(existing.id != found.id for existing in poll_roles):
                            poll_roles.append(found)
    probes_up, no_trigger, sections = True, True, []
    criteria = table.get("criteria", {})
    if not isinstance(criteria, dict):
        out.add((*where, "criteria"), "`criteria` in [poll] must be a table", "write it under `[poll.criteria]`")
        criteria = {}
    out.unknown_keys(criteria, KNOWN_CRITERIA, (*where, "criteria"), "[poll.criteria]")
    for key in ("probes_up", "no_trigger_firing"):
        value = criteria.get(key, True)
        if not isinstance(value, bool):
            out.add((*where, "criteria", key), f"`{key}` must be true or false", f"write {key} = true")
            value = True
        if key == "probes_up":
            probes_up = value
        else:
            no_trigger = value
    listed = criteria.get("sections_complete", [])
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        out.add((*where, "criteria", "sections_complete"), "`sections_complete` must be a list of section names",
                'write sections_complete = ["Deployment Steps/Go-Live"]')
        listed = []
    for name in listed:
        section = find_section(out, (*where, "criteria", "sections_complete"), name, checklists, hint=SECTION_HINT)
        if section is not None and section not in sections:
            sections.append(section)
    return PollSpec(at, tuple(poll_roles), probes_up, no_trigger, tuple(sections), out.positions.line(*where))

"""A first plan for any checklist: what `launchpad init` writes, as TOML text a person reads and edits.

Everything comes from the checklist's own text, and every guess says where it came from in a comment
(`# from "## Rollback Plan / ### Rollback Triggers", line 214`), so the release lead can check it in a
minute: roles from contact tables and lists, `**Role**:` items and "X approval" sign-off items; a timeline
from a "Time | Action" table when there is one, else from the top-level phases placed on T-24h … T+4h;
commented probes for the health endpoints it names; the written rollback triggers as rules (core.trigger_text),
the rest listed as manual; a Go/No-Go poll over the sign-off section. Pure: a parsed Markdown plan in, text out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from launchpad.core.plan.checklist import Checklist, Section
from launchpad.core.plan.offsets import parse_offset
from launchpad.core.plan.owners import ALL, LEAD, slugify
from launchpad.core.plan.plan import Plan, _resolve_section
from launchpad.core.plan.trigger_text import ManualTrigger, TriggerRule, duration_text, read_trigger

MAX_EVENTS = 40  # a timeline longer than this is no longer a launch day one can read
MAX_TRIGGERS = 60
MAX_PROBES = 10
POLL_AT = "T-15m"

_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivx]+\.|[a-z]\))\s+", re.I)
_TRIGGER_SECTION = re.compile(r"trigger|rollback criteria|rollback conditions|when to roll ?back|abort criteria|"
                              r"rollback decision|roll ?back if", re.I)
_SIGNOFF_SECTION = re.compile(r"sign[\s-]?off|approvals?\b", re.I)
_APPROVAL_ITEM = re.compile(r"^(?P<who>[A-Za-z][\w &/.-]{1,40}?)\s+(?:approval|sign[\s-]?off|approved|approves)\b", re.I)
_ROLLBACK_SECTION = re.compile(r"roll\s?-?back", re.I)
_ROLLBACK_STEPS = re.compile(r"steps?|procedure|how to|process", re.I)
_HEALTH_PATH = re.compile(r"(?<![\w/.])(/(?:[\w-]+/){0,3}(?:healthz?|readyz|livez|health[\w-]*))(?![\w/])", re.I)
_HEALTH_PHRASE = re.compile(r"\b(?:(api|backend|frontend|service|app(?:lication)?)\s+)?health(?:[\s-]*check)?\s+endpoints?\b",
                            re.I)
_STOPWORDS = {"the", "a", "an", "and", "or", "of", "to", "for", "in", "on", "with", "all", "final", "initial", "step",
              "run", "check", "checks", "verify", "team", "launch", "day", "production", "prod"}

# Phases of a checklist's top-level sections, in the order they are tried.
_SKIP = re.compile(r"roll\s?-?back|contact|emergency|incident|disaster|\bnotes?\b|maintenance|ongoing|appendix|"
                   r"reference|resources|troubleshoot|\bfaq\b|glossary|table of contents|timeline|escalation|"
                   r"first (?:week|month)|long[\s-]term|future|\babout\b|overview|introduction", re.I)
_POST_FIRST = re.compile(r"^\s*(?:post|after)\b", re.I)
_PRE_FIRST = re.compile(r"^\s*(?:pre|before)\b", re.I)
_GATE = re.compile(r"\bfinal\b|go[\s-]?live|go\s*/\s*no[\s-]?go|sign[\s-]?off|approval", re.I)
_DEPLOY = re.compile(r"deploy|release|roll[\s-]?out|cut[\s-]?over|migration|\blaunch\b|\bship", re.I)
_POST = re.compile(r"verification|smoke|hypercare|first 24|post[\s-]", re.I)
_PRE = re.compile(r"prepar|readiness|environment|config|set[\s-]?up|security|test|review|\bcode\b|infrastructure|"
                  r"compliance|legal|planning|requirement|backup|checklist", re.I)

_PHASES = ((_SKIP, "skip"), (_POST_FIRST, "post"), (_PRE_FIRST, "pre"), (_GATE, "gate"), (_DEPLOY, "deploy"),
           (_POST, "post"), (_PRE, "pre"))

PRE_SLOTS = ("T-24h", "T-12h", "T-6h", "T-4h", "T-3h")
POST_SLOTS = ("T+15m", "T+1h", "T+2h", "T+4h")


@dataclass
class Draft:
    """What `init` found, for the summary it prints; `text` is the plan."""

    text: str = ""
    roles: list = field(default_factory=list)
    events: list = field(default_factory=list)
    rules: list = field(default_factory=list)  # TriggerRule
    manual: list = field(default_factory=list)  # (ManualTrigger, line)
    probes: list = field(default_factory=list)
    poll: bool = False
    notes: list = field(default_factory=list)  # what init could not do, in words


@dataclass(frozen=True)
class _Event:
    id: str
    at: int
    title: str
    owner: str
    section: str | None
    duration: int
    comment: str


# --------------------------------------------------------------------------- TOML text helpers


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, plus DEL, which TOML also wants escaped."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def comment_text(value: str, limit: int = 160) -> str:
    """One line of plain text that is safe inside a `#` comment (no control characters, no line breaks)."""
    flat = "".join(ch if ch == "\t" or (ord(ch) >= 32 and ord(ch) != 127) else " " for ch in value)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return toml_string(str(value))


def offset_text(seconds: int) -> str:
    if seconds == 0:
        return "T-0"
    return ("T+" if seconds > 0 else "T-") + duration_text(abs(seconds))


# --------------------------------------------------------------------------- where things come from


class _Places:
    """Sections by path and by line, to say where a line sits: `"## Rollback Plan / ### Rollback Triggers"`."""

    def __init__(self, checklist: Checklist):
        self.checklist = checklist
        self.by_path: dict[tuple[str, ...], Section] = {}
        for section in checklist.sections:
            self.by_path.setdefault(section.path, section)
        self.by_line = sorted(checklist.sections, key=lambda section: section.line)
        roots = [s for s in checklist.sections if len(s.path) == 1]
        self.root = roots[0].path if len(roots) == 1 and roots[0].level == 1 else None

    def trail(self, path: tuple[str, ...]) -> str:
        parts = []
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix == self.root and len(path) > 1:
                continue
            section = self.by_path.get(prefix)
            level = section.level if section else depth
            parts.append("#" * level + " " + prefix[-1])
        return comment_text(" / ".join(parts), 120)

    def section_at(self, line: int) -> tuple[str, ...] | None:
        found = None
        for section in self.by_line:
            if section.line > line:
                break
            found = section.path
        return found

    def where(self, line: int, path: tuple[str, ...] | None = None) -> str:
        path = path if path is not None else self.section_at(line)
        if not path:
            return f"line {line}"
        return f'"{self.trail(path)}", line {line}'.replace('""', '"')

    def ref(self, path: tuple[str, ...]) -> str | None:
        """How the plan names a section so that the plan loader finds exactly it, or None."""
        candidates = []
        if self.root and path[: len(self.root)] == self.root and len(path) > 1:
            candidates.append(path[len(self.root):])
        candidates.append(path)
        for candidate in candidates:
            if any("/" in part or not part.strip() for part in candidate):
                continue
            name = "/".join(candidate)
            if _resolve_section(name, [self.checklist]) == path:
                return name
        return None


# --------------------------------------------------------------------------- roles


def _signoff_sections(checklist: Checklist) -> list[Section]:
    return [section for section in checklist.sections if _SIGNOFF_SECTION.search(section.title)]


def _roles(plan: Plan, places: _Places, checklist: Checklist, signoff: Section | None):
    """(role rows, poll role ids): the Markdown plan's roles plus "X approval" items of the sign-off section."""
    rows = []
    for role in plan.roles:
        if not role.id or role.id in (ALL, LEAD) or any(row[0] == role.id for row in rows):
            continue  # `**All**:` already means every role; two spellings of one title are one role
        origin = places.where(role.line) if role.line else "the checklist"
        rows.append((role.id, role.title, role.contact, f"from {origin}"))
    poll_ids: list[str] = []
    if signoff is not None:
        under = [task for task in checklist.tasks if task.section[: len(signoff.path)] == signoff.path]
        owned = [task for task in under if task.owner]
        if not owned:
            for task in under:
                match = _APPROVAL_ITEM.match(task.text.strip())
                if not match:
                    continue
                title = match["who"].strip()
                role_id = slugify(title)
                if not role_id or role_id in (ALL, LEAD):
                    continue
                if all(row[0] != role_id for row in rows):
                    rows.append((role_id, title, "", f'from the sign-off item "{comment_text(task.text, 60)}", '
                                 f"{places.where(task.line)}"))
                if role_id not in poll_ids:
                    poll_ids.append(role_id)
    return rows, poll_ids


# --------------------------------------------------------------------------- timeline


def _plain_title(title: str) -> str:
    stripped = _NUMBERING.sub("", title).strip()
    return stripped or title.strip()


def _children(checklist: Checklist, parent: tuple[str, ...] | None) -> list[Section]:
    if parent is None:
        if not checklist.sections:
            return []
        top = min(len(section.path) for section in checklist.sections)
        return [section for section in checklist.sections if len(section.path) == top]
    return [s for s in checklist.sections if len(s.path) == len(parent) + 1 and s.path[: len(parent)] == parent]


def _top_sections(checklist: Checklist, places: _Places) -> list[Section]:
    if places.root is not None:
        children = _children(checklist, places.root)
        if children:
            return children
    return _children(checklist, None)


def _populated(checklist: Checklist) -> set[tuple[str, ...]]:
    """Every section path that holds an item or a step, itself or below it (one pass: checklists can be huge)."""
    paths: set[tuple[str, ...]] = set()
    for section in {item.section for item in (*checklist.tasks, *checklist.steps)}:
        paths.update(section[:depth] for depth in range(1, len(section) + 1))
    return paths


def _phase(title: str) -> str | None:
    """pre, deploy, gate, post, skip, or None (placed by position): the first pattern that fits wins."""
    plain = _plain_title(title)
    return next((phase for pattern, phase in _PHASES if pattern.search(plain)), None)


def _spread(count: int, start: int, end: int, step_unit: int) -> list[int]:
    if count == 1:
        return [start]
    step = max(step_unit, (end - start) // (count - 1) // step_unit * step_unit)
    return [start + index * step for index in range(count)]


def _slots(phase: str, count: int, has_gate: bool) -> list[tuple[int, int]]:
    """(at, duration) for `count` events of one phase, in document order."""
    if phase in ("pre", "post"):
        named = PRE_SLOTS if phase == "pre" else POST_SLOTS
        if count <= len(named):
            ats = [parse_offset(slot) for slot in named[:count]]
        else:
            ats = _spread(count, parse_offset(named[0]), parse_offset(named[-1]), 900)
        cap = 7200 if phase == "pre" else 10800
        last = 3600
        return [(at, min(cap, (ats[i + 1] - at) if i + 1 < len(ats) else last)) for i, at in enumerate(ats)]
    if phase == "deploy":
        end = -1800 if has_gate else 0
        step = max(300, 7200 // count // 300 * 300)
        start = end - step * count
        return [(start + index * step, step) for index in range(count)]
    step = max(300, 1800 // count // 300 * 300)  # gate: the half hour before T-0
    return [(-1800 + index * step, step) for index in range(count)]


def _phase_events(checklist: Checklist, places: _Places, notes: list) -> list[_Event]:
    populated = _populated(checklist)
    tops = [section for section in _top_sections(checklist, places) if section.path in populated]
    phases = [_phase(section.title) for section in tops]
    deploy_at = [index for index, phase in enumerate(phases) if phase == "deploy"]
    first_deploy = deploy_at[0] if deploy_at else len(tops)
    placed: dict[str, list[tuple[Section, str]]] = {"pre": [], "deploy": [], "gate": [], "post": []}
    for index, (section, phase) in enumerate(zip(tops, phases)):
        why = "its title"
        if phase is None:
            phase = "pre" if index < first_deploy else "post"
            why = "its place " + ("before" if phase == "pre" else "after") + " the deployment sections"
        if phase == "skip":
            continue
        if phase == "deploy":
            steps = [child for child in _children(checklist, section.path) if child.path in populated]
            if 2 <= len(steps) <= 8:
                placed["deploy"].extend((child, f"a step of {_plain_title(section.title)!r}") for child in steps)
                continue
        placed[phase].append((section, why))
    events: list[_Event] = []
    labels = {"pre": "before the deployment, from T-24h", "deploy": "a deployment step, in the two hours before T-0",
              "gate": "a last check, in the half hour before T-0", "post": "after T-0, up to T+4h"}
    for phase in ("pre", "deploy", "gate", "post"):
        chosen = placed[phase]
        if len(chosen) > MAX_EVENTS // 4:
            notes.append(f"{len(chosen) - MAX_EVENTS // 4} more {phase} sections were not put on the timeline")
            chosen = chosen[: MAX_EVENTS // 4]
        if not chosen:
            continue
        for (section, why), (at, duration) in zip(chosen, _slots(phase, len(chosen), bool(placed["gate"]))):
            title = _plain_title(section.title)
            comment = f"from {places.where(section.line, section.path)}: {labels[phase]} ({why})"
            events.append(_Event("", at, title, "", places.ref(section.path), duration, comment))
    return events


def _words(text: str) -> set[str]:
    return {word[:5] for word in re.findall(r"[a-z0-9]+", text.lower()) if word not in _STOPWORDS and len(word) > 2}


def _best_section(title: str, at: int, checklist: Checklist, places: _Places) -> Section | None:
    """The section sharing most words with an event's title, among those of the event's side of T-0 (a step
    after T-0 is not linked to a pre-deployment section) and never the rollback, contacts or timeline ones."""
    wanted = _words(title)
    best, best_score = None, 0
    tops = {section.path: _phase(section.title) for section in _top_sections(checklist, places)}
    refused = {"skip", "post"} if at < 0 else {"skip", "pre", "deploy", "gate"} if at > 0 else {"skip", "pre", "post"}
    for section in checklist.sections:
        if places.root == section.path:
            continue
        top = next((path for path in tops if section.path[: len(path)] == path), None)
        if top is not None and tops[top] in refused:
            continue
        common = wanted & _words(section.title)
        if len(common) > best_score:
            best, best_score = section, len(common)
    return best


def _table_events(plan: Plan, checklist: Checklist, places: _Places) -> list[_Event]:
    """The checklist's own "Time | Action | Owner" table, each row linked to the section its words name."""
    rows = sorted(plan.events, key=lambda event: event.at)[:MAX_EVENTS]
    events = []
    for index, event in enumerate(rows):
        gap = rows[index + 1].at - event.at if index + 1 < len(rows) else 1800
        duration = min(gap, 3600 if event.at < 0 else 10800) or 1800
        section = _best_section(event.title, event.at, checklist, places)
        ref = places.ref(section.path) if section else None
        comment = f"from the timeline table, {places.where(event.line)}" if event.line else "from the timeline table"
        if ref:
            comment += f"; section guessed from the words it shares with {places.trail(section.path)!r}"
        events.append(_Event("", event.at, event.title, event.owner, ref, duration, comment))
    return events


def _with_ids(events: list[_Event]) -> list[_Event]:
    taken: set[str] = set()
    result = []
    for index, event in enumerate(sorted(events, key=lambda event: event.at)):
        base = slugify(event.title) or f"event-{index + 1}"
        event_id, number = base, 2
        while event_id in taken or event_id in (ALL, LEAD):
            event_id, number = f"{base}-{number}", number + 1
        taken.add(event_id)
        result.append(_Event(event_id, event.at, event.title, event.owner, event.section, event.duration, event.comment))
    return result


# --------------------------------------------------------------------------- triggers and probes


def trigger_lines(checklist: Checklist) -> list[tuple[str, int, tuple[str, ...]]]:
    """(text, line, section) of every item under a heading that lists rollback triggers."""
    sections = {section.path for section in checklist.sections if _TRIGGER_SECTION.search(section.title)}
    found = []
    for item in sorted((*checklist.tasks, *checklist.steps), key=lambda item: item.line):
        under = any(item.section[:depth] in sections for depth in range(1, len(item.section) + 1))
        if under and item.text.strip():
            found.append((item.text.strip(), item.line, item.section))
    return found


def _health_endpoints(checklist: Checklist) -> dict[str, list[tuple[str, int]]]:
    """path -> [(item text, line)] for each health endpoint the items name."""
    endpoints: dict[str, list[tuple[str, int]]] = {}
    for item in sorted((*checklist.tasks, *checklist.steps), key=lambda item: item.line):
        text = " ".join((item.text, *item.code))
        paths = [match[1] for match in _HEALTH_PATH.finditer(text)]
        phrase = _HEALTH_PHRASE.search(text)
        if not paths and phrase:
            paths = ["/" + (slugify(phrase[1]) + "/" if phrase[1] and phrase[1].lower() == "api" else "") + "health"]
        for path in paths:
            if len(endpoints) >= MAX_PROBES and path not in endpoints:
                break
            endpoints.setdefault(path, []).append((item.text, item.line))
    return endpoints


# --------------------------------------------------------------------------- the plan text


def draft_plan(plan: Plan, checklist_ref: str, *, source_name: str, t0: str | None = None,
               plan_name: str = "PLAN.toml") -> Draft:
    """The plan text for the Markdown plan `plan` (its first checklist), included as `checklist_ref`."""
    draft = Draft()
    checklist = plan.checklists[0]
    places = _Places(checklist)
    out: list[str] = []
    add = out.append

    open_cmd = f"launchpad {plan_name}" + (f" --t0 {t0}" if t0 else " --t0 2026-11-22T18:00Z")
    add(f"# Launch plan written by `launchpad init` from {comment_text(source_name, 80)}.")
    add("# Every value below is a guess from the checklist's text; the comment above it says where it came from.")
    add(f"# Check it with `launchpad validate {comment_text(plan_name, 80)}`, then open it: `{comment_text(open_cmd, 120)}`.")
    add("")

    # [launch]
    signoffs = _signoff_sections(checklist)
    signoff = signoffs[0] if signoffs else None
    rollback = _rollback_section(checklist)
    add("[launch]")
    title_origin = f"the checklist's title, line {places.by_path[places.root].line}" if places.root else "the file name"
    add(f"# name: from {title_origin}")
    add(f"name = {toml_string(comment_text(plan.name, 120) or 'Launch')}")
    add(f"description = {toml_string('Launch plan for ' + comment_text(source_name, 100))}")
    add(f"checklists = [{toml_string(checklist_ref)}]")
    if rollback is not None and places.ref(rollback.path):
        add(f"# rollback_section: from {places.where(rollback.line, rollback.path)}")
        add(f"rollback_section = {toml_string(places.ref(rollback.path))}")
    else:
        add("# rollback_section: the checklist has no heading about rolling back; name one here when you add it")
    add("")

    # roles
    rows, poll_ids = _roles(plan, places, checklist, signoff)
    draft.roles = [row[1] for row in rows]
    if rows:
        add("# Roles: who owns what and how to reach them. People and contacts are yours to fill in.")
    for role_id, title, contact, origin in rows:
        add(f"# {comment_text(origin)}")
        add("[[role]]")
        add(f"id = {toml_string(role_id)}")
        add(f"title = {toml_string(comment_text(title, 80))}")
        add(f"person = {toml_string('')}")
        add(f"contact = {toml_string(comment_text(contact, 120))}")
        add("")

    # timeline
    role_ids = {row[0] for row in rows}
    if plan.events:
        events = _table_events(plan, checklist, places)
        add("# Timeline: the checklist's own timeline table. Durations are guesses: the table gives none.")
    else:
        events = _phase_events(checklist, places, draft.notes)
        add("# Timeline: the checklist's top-level phases placed on T-24h … T+4h (deployment steps in the two hours")
        add("# before T-0, checks after it). Move `at` and `duration` to your real schedule.")
    events = _with_ids(events[:MAX_EVENTS])
    draft.events = [event.title for event in events]
    for event in events:
        add(f"# {comment_text(event.comment, 200)}")
        add("[[event]]")
        add(f"id = {toml_string(event.id)}")
        add(f"at = {toml_string(offset_text(event.at))}")
        add(f"title = {toml_string(comment_text(event.title, 120))}")
        if event.owner and (event.owner in role_ids or event.owner in (ALL, LEAD)):
            add(f"owner = {toml_string(event.owner)}")
        if event.section:
            add(f"section = {toml_string(event.section)}")
        if event.duration > 0:
            add(f"duration = {toml_string(duration_text(event.duration))}")
        add("")

    # poll
    if signoff is not None and places.ref(signoff.path):
        draft.poll = True
        add(f"# The Go/No-Go poll: from the sign-off section {places.where(signoff.line, signoff.path)}.")
        add("# Every role named there answers Go or No-Go; the count needs all Go, probes up and no trigger firing.")
        add("[poll]")
        add(f"at = {toml_string(POLL_AT)}")
        add(f"signoff_section = {toml_string(places.ref(signoff.path))}")
        if poll_ids:
            add(f"roles = {_value(poll_ids)}")
        add("")
        add("[poll.criteria]")
        add("probes_up = true")
        add("no_trigger_firing = true")
        add("")

    # probes
    endpoints = _health_endpoints(checklist)
    draft.probes = list(endpoints)
    if endpoints:
        add("# Health probes for the endpoints the checklist names. They are commented out because the URL is a")
        add("# placeholder: uncomment a block, put your service's address in `url`, and the triggers below watch it.")
    for path, mentions in endpoints.items():
        for text, line in mentions[:3]:
            add(f'# from "{comment_text(text, 80)}", {places.where(line)}')
        name = slugify(path.strip("/")) or "health"
        add("# [[probe]]")
        add(f"# name = {toml_string(name)}")
        add(f"# url = {toml_string('https://your-service.example' + path)}  # placeholder: your service's address")
        add('# conditions = ["[STATUS] == 200"]')
        add("")

    # triggers
    lines = trigger_lines(checklist)
    names: set[str] = set()
    skipped = 0
    for text, line, section in lines:
        result = read_trigger(text)
        if isinstance(result, ManualTrigger):
            draft.manual.append((result, line))
        elif len(draft.rules) < MAX_TRIGGERS:
            draft.rules.append(result)
            _write_rule(add, result, places.where(line, section), names)
        else:
            skipped += 1
    if skipped:
        draft.notes.append(f"{skipped} more trigger lines read as rules were left out: a plan keeps {MAX_TRIGGERS} at most")
    if lines and not draft.rules:
        add("# The checklist's rollback triggers name no threshold a probe can measure: all stay manual (below).")
    if draft.manual:
        add("# Rollback triggers that stay manual checklist items: a person watches for them (no threshold to evaluate).")
        for result, line in draft.manual[:MAX_TRIGGERS]:
            add(f'#   line {line}: "{comment_text(result.text, 90)}" ({comment_text(result.reason, 120)})')
        if len(draft.manual) > MAX_TRIGGERS:
            add(f"#   … and {len(draft.manual) - MAX_TRIGGERS} more, listed by `launchpad init`")
        add("")
    for note in draft.notes:
        add(f"# Note: {comment_text(note)}")
    draft.text = "\n".join(out).rstrip("\n") + "\n"
    return draft


def _write_rule(add, rule: TriggerRule, origin: str, names: set[str]) -> None:
    name = comment_text(rule.text, 100) or rule.kind
    base, number = name, 2
    while name in names:
        name, number = f"{base} ({number})", number + 1
    names.add(name)
    add(f"# from {origin}: {comment_text(rule.reading, 200)}")
    if rule.defaults:
        add(f"# not in the text, launchpad's defaults: {', '.join(rule.defaults)}")
    add("# watches every probe; add `probe = \"name\"` to watch one")
    add("[[trigger]]")
    add(f"name = {toml_string(name)}")
    add(f"kind = {toml_string(rule.kind)}")
    for key, value in rule.fields:
        add(f"{key} = {_value(value)}")
    add("")


def _rollback_section(checklist: Checklist) -> Section | None:
    rollbacks = [section for section in checklist.sections if _ROLLBACK_SECTION.search(section.title)]
    if not rollbacks:
        return None
    steps = [section for section in rollbacks if _ROLLBACK_STEPS.search(section.title)
             and not _TRIGGER_SECTION.search(section.title)]
    return steps[0] if steps else rollbacks[0]

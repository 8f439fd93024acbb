"""Any Markdown file -> sections, GitHub task items, plain steps and tables.

Structure comes from markdown-it-py's token stream (tuned in checklist_markdown), so fences,
HTML blocks, comments, indented code and tables are never mistaken for tasks. What counts as a
task matches GitHub's renderer, cmark-gfm's tasklist extension, quirks included.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from typing import TYPE_CHECKING

from .checklist_ids import EXPLICIT_ID, EXPLICIT_ID_HINT, ID_COMMENT, IdAllocator, normalise_title, suggest_id
from .checklist_lines import HEADING, TASK, scan_lines, simple_document
from launchpad.core.problems import Problem, read_text

if TYPE_CHECKING:
    from markdown_it.token import Token


def _load_parser() -> None:
    """Import markdown-it and the parser parts built on it when the first parse runs, not with this module: a
    cockpit starting from a cached plan (shell/checklist_cache) reads the dataclasses below and never parses,
    and markdown-it's import alone is ~15 ms of a ~400 ms start. Bound as module globals, so the functions
    below read them as if imported at the top; importing them again is a dict lookup."""
    global Token, AFTER_BOX, BOXES, TASK_LINE, close_bare_items, inline_children, parse_blocks, prepare_source
    global flatten, simple_inline, split_owner
    from markdown_it.token import Token

    from .checklist_markdown import (
        AFTER_BOX,
        BOXES,
        TASK_LINE,
        close_bare_items,
        inline_children,
        parse_blocks,
        prepare_source,
    )
    from .checklist_text import flatten, simple_inline, split_owner

__all__ = [
    "Checklist",
    "Link",
    "Section",
    "Step",
    "Table",
    "Task",
    "find_section",
    "load_checklist",
    "parse_checklist",
    "tasks_in",
]


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Task:
    id: str
    text: str
    checked: bool
    owner: str | None
    section: tuple[str, ...]
    line: int
    depth: int
    parent: str | None
    links: tuple[Link, ...] = ()
    code: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Step:
    """A list item without a checkbox, e.g. "1. Revert container to previous version"."""

    text: str
    section: tuple[str, ...]
    line: int
    ordered: bool
    number: int | None
    code: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    section: tuple[str, ...]
    line: int
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_lines: tuple[int, ...]


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    path: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Checklist:
    path: str
    title: str
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    steps: tuple[Step, ...]
    tables: tuple[Table, ...]
    problems: tuple[Problem, ...]


# The blocks a task item's box can sit in, on the item's own line: a paragraph, a setext heading
# (`- [ ] x` over `  ---`), a table header (`- [ ] a | b` over `  --|--`) or, for a bare box,
# the thematic break it was rewritten to.
_TASK_BLOCKS = frozenset({"paragraph_open", "heading_open", "table_open", "hr"})
_WALKED = frozenset(
    {"inline", "list_item_open", "list_item_close", "heading_open", "html_block"}
    | {"tr_open", "tr_close", "table_open", "table_close"}
)


class _OpenItem:
    __slots__ = ("task", "nearest_task", "level")

    def __init__(self, task: "_RawTask | None", nearest_task: "_RawTask | None", level: int):
        self.task = task  # this item's own task, if it has a checkbox
        self.nearest_task = nearest_task  # itself or the closest enclosing task item
        self.level = level


class _RawTask:
    """A task before IDs are assigned (IDs need every explicit ID in the file first)."""

    __slots__ = ("text", "checked", "owner", "section", "line", "depth", "parent", "links", "code", "explicit")

    def __init__(self, text, checked, owner, section, line, depth, parent, links, code, explicit):
        self.text = text
        self.checked = checked
        self.owner = owner
        self.section = section
        self.line = line
        self.depth = depth
        self.parent = parent
        self.links = links
        self.code = code
        self.explicit = explicit


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0] or path


class _Outline:
    """The sections met so far and the path of the current one (headings at the top level only)."""

    __slots__ = ("sections", "stack", "path", "title")

    def __init__(self):
        self.sections: list[Section] = []
        self.stack: list[tuple[int, str]] = []
        self.path: tuple[str, ...] = ()
        self.title: str | None = None

    def heading(self, level: int, heading: str, line: int) -> None:
        stack = self.stack
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        self.path = tuple(name for _, name in stack)
        self.sections.append(Section(heading, level, self.path, line))
        if self.title is None and level == 1:
            self.title = heading


def parse_checklist(text: str, path: str = "<text>") -> Checklist:
    """Read Markdown into a Checklist. Never raises on any str; odd input gives problems, not errors."""
    _load_parser()
    source, lines, breaks_before_blank = prepare_source(text)
    if simple_document(source):
        scanned = scan_lines(lines)
        if scanned is not None:
            return _from_lines(scanned, path)
    return _from_tokens(source, lines, breaks_before_blank, path)


def parse_with_markdown_it(text: str, path: str = "<text>") -> Checklist:
    """parse_checklist without the line-by-line reading: the reference the differential tests hold it to."""
    _load_parser()
    return _from_tokens(*prepare_source(text), path)


def _from_tokens(source: str, lines: list[str], breaks_before_blank: list[int], path: str) -> Checklist:
    env: dict = {}
    try:
        tokens = parse_blocks(source, env)
        if breaks_before_blank:
            closed = close_bare_items(source, tokens, breaks_before_blank)
            if closed is not None:
                env = {}
                tokens = parse_blocks(closed, env)
    except RecursionError:
        problem = Problem(path, None, "too deeply nested to read", "flatten the nesting of lists and quotes")
        return Checklist(path, _stem(path), (), (), (), (), (problem,))

    outline = _Outline()
    raw_tasks: list[_RawTask] = []
    steps: list[Step] = []
    tables: list[Table] = []
    open_items: list[_OpenItem] = []

    table_rows: list[tuple[str, ...]] = []
    table_lines: list[int] = []
    row: list[str] | None = None
    table_line = 0

    for index, token in enumerate(tokens):
        kind = token.type
        if kind not in _WALKED:
            continue
        if kind == "inline":
            if row is not None:
                row.append(flatten(inline_children(token, env)).text)
        elif kind == "list_item_open":
            enclosing_task = open_items[-1].nearest_task if open_items else None
            task = _task_from_item(tokens, index, lines, env, outline.path, len(open_items), enclosing_task)
            if task is not None:
                raw_tasks.append(task)
            elif enclosing_task is None:  # items under a task are its details, not steps
                step = _step_from_item(tokens, index, env, outline.path)
                if step is not None:
                    steps.append(step)
            open_items.append(_OpenItem(task, task or enclosing_task, token.level))
        elif kind == "list_item_close":
            if open_items:
                open_items.pop()
        elif kind == "heading_open":
            # Headings inside lists or quotes are decoration, not the document's outline.
            if token.level == 0:
                heading = _flat(tokens[index + 1].content, env, tokens[index + 1])[0]
                outline.heading(int(token.tag[1]), heading, token.map[0] + 1 if token.map else 0)
        elif kind == "html_block":
            # `- [ ] Deploy\n  <!-- id: deploy -->`: an ID comment on its own line inside the item.
            if open_items and open_items[-1].task is not None and token.level == open_items[-1].level + 1:
                match = ID_COMMENT.match(token.content.strip())
                if match and open_items[-1].task.explicit is None:
                    open_items[-1].task.explicit = match.group(1)
        elif kind == "tr_open":
            row = []
            table_lines.append(token.map[0] + 1 if token.map else 0)
        elif kind == "tr_close":
            table_rows.append(tuple(row or ()))
            row = None
        elif kind == "table_open":
            table_rows, table_lines, table_line = [], [], (token.map[0] + 1 if token.map else 0)
        elif kind == "table_close":
            if table_rows:
                tables.append(
                    Table(outline.path, table_line, table_rows[0], tuple(table_rows[1:]), tuple(table_lines[1:]))
                )

    return _checklist(path, outline, raw_tasks, steps, tables)


def _checklist(path: str, outline: _Outline, raw_tasks: list[_RawTask], steps: list[Step], tables: list[Table]) -> Checklist:
    tasks, problems = _assign_ids(raw_tasks, path)
    return Checklist(
        path=path,
        title=outline.title if outline.title is not None else _stem(path),
        sections=tuple(outline.sections),
        tasks=tasks,
        steps=tuple(steps),
        tables=tuple(tables),
        problems=tuple(problems),
    )


def _from_lines(scanned: list[tuple], path: str) -> Checklist:
    """The Checklist of a document checklist_lines could read line by line: the same one the token walk gives."""
    env: dict = {}
    outline = _Outline()
    raw_tasks: list[_RawTask] = []
    steps: list[Step] = []
    for entry in scanned:
        kind = entry[0]
        if kind == TASK:
            _, index, checked, content = entry
            owner, text, links, code, explicit = _boxed_text(content, env)
            raw_tasks.append(_RawTask(text, checked, owner, outline.path, index + 1, 0, None, links, code, explicit))
        elif kind == HEADING:
            _, index, level, content = entry
            outline.heading(level, _flat(content, env)[0], index + 1)
        else:
            _, index, content, number = entry
            text, code = _flat(content, env)
            steps.append(Step(text, outline.path, index + 1, number is not None, number, code))
    return _checklist(path, outline, raw_tasks, steps, [])


def _flat(content: str, env: dict, inline: Token | None = None) -> tuple[str, tuple[str, ...]]:
    """(display text, code spans) of a block's inline content: the simple shape directly, else markdown-it's parse."""
    simple = simple_inline(content)
    if simple is not None:
        return simple[0], simple[1]
    flat = flatten(inline_children(inline or Token("inline", "", 0, content=content), env))
    return flat.text, tuple(flat.code)


def _task_from_item(
    tokens: list[Token],
    index: int,
    lines: list[str],
    env: dict,
    section: tuple[str, ...],
    depth: int,
    parent_task: _RawTask | None,
) -> _RawTask | None:
    item = tokens[index]
    first = tokens[index + 1]
    line = item.map[0] if item.map else -1
    if first.type == "list_item_close" or (first.map and first.map[0] > line):
        # A bare box rewritten to spaces (see checklist_markdown): an item that starts blank.
        match = TASK_LINE.match(lines[line])
        if match is None or lines[line][match.end():].strip(" \t"):
            return None
        return _RawTask("", match.group(0)[-3] in "xX", None, section, line + 1, depth, parent_task, (), (), None)
    if first.type not in _TASK_BLOCKS or not first.map or first.map[0] != line:
        return None
    match = TASK_LINE.match(lines[line])
    if match is None:
        return None
    checked = match.group(0)[-3] in "xX"
    if first.type == "hr":
        # A bare box rewritten to a break (see checklist_markdown): any text is on the next lines.
        if lines[line][match.end():].strip(" \t"):
            return None
        after = tokens[index + 2]
        owner, text, links, code, explicit = None, "", (), (), None
        if after.type == "paragraph_open" and after.level == first.level:
            owner, text, links, code, explicit = _item_text(inline_children(tokens[index + 3], env))
    elif first.type == "table_open":
        # `- [ ] a | b` over a delimiter row: GitHub ticks the item; its text is the rest of the line.
        inline_text = lines[line][match.end():].strip()
        owner, text, links, code, explicit = None, inline_text, (), (), None
    else:
        inline = tokens[index + 2]
        content = inline.content
        if content[:3] not in BOXES or (len(content) > 3 and content[3] not in AFTER_BOX):
            return None
        owner, text, links, code, explicit = _boxed_text(content, env, inline)
    return _RawTask(text, checked, owner, section, line + 1, depth, parent_task, links, code, explicit)


def _boxed_text(content: str, env: dict, inline: Token | None = None):
    """(owner, text, links, code, explicit id) of a task paragraph's inline `content`, which starts with its box."""
    simple = simple_inline(content[3:])
    if simple is not None:  # no markup: no owner label, no links
        return None, simple[0], (), simple[1], simple[2]
    children = inline_children(inline or Token("inline", "", 0, content=content), env)
    if children and children[0].type == "text" and children[0].content.startswith(content[:3]):
        # The token stream is ours alone, so the box is cut off in place.
        rest = children[0].content[3:].lstrip()
        if rest:
            children[0].content = rest
        else:
            del children[0]
    else:
        # `[x]` was read as a link to a `[x]: url` definition: parse the text after the box alone.
        children = inline_children(Token("inline", "", 0, content=content[3:].lstrip()), env)
    return _item_text(children)


def _item_text(children: list[Token]) -> tuple[str | None, str, tuple[Link, ...], tuple[str, ...], str | None]:
    """(owner, display text, links, code spans, explicit id) of a task's text after its box."""
    owner, children = split_owner(children)
    flat = flatten(children)
    links = tuple([Link(link_text, url) for link_text, url in flat.links]) if flat.links else ()
    return owner, flat.text, links, tuple(flat.code) if flat.code else (), flat.id_comment


def _step_from_item(tokens: list[Token], index: int, env: dict, section: tuple[str, ...]) -> Step | None:
    item = tokens[index]
    first = tokens[index + 1]
    if first.type != "paragraph_open":
        return None
    text, code = _flat(tokens[index + 2].content, env, tokens[index + 2])
    if not text:
        return None
    ordered = item.markup in (".", ")")
    number = int(item.info) if ordered and item.info.isdigit() else None
    line = item.map[0] + 1 if item.map else 0
    return Step(text, section, line, ordered, number, code)


def _assign_ids(raw_tasks: list[_RawTask], path: str) -> tuple[tuple[Task, ...], list[Problem]]:
    problems: list[Problem] = []
    explicit_ids: list[str | None] = []
    first_line: dict[str, int] = {}
    for raw in raw_tasks:
        wanted = raw.explicit
        if wanted is None:
            explicit_ids.append(None)
            continue
        if not EXPLICIT_ID.match(wanted):
            suggestion = suggest_id(wanted)
            hint = EXPLICIT_ID_HINT + (f"; did you mean `{suggestion}`?" if suggestion else "")
            problems.append(Problem(path, raw.line, f"malformed task id `{wanted}`", hint))
            explicit_ids.append(None)
        elif wanted in first_line:
            problems.append(
                Problem(
                    path,
                    raw.line,
                    f"duplicate task id `{wanted}` (first used on line {first_line[wanted]})",
                    "give each task its own id, or delete the comment to get a generated one",
                )
            )
            explicit_ids.append(None)
        else:
            first_line[wanted] = raw.line
            explicit_ids.append(wanted)

    allocator = IdAllocator(_stem(path), set(first_line))
    ids: dict[int, str] = {}
    for raw, explicit in zip(raw_tasks, explicit_ids):
        leaf = raw.section[-1] if raw.section else ""
        ids[id(raw)] = explicit if explicit is not None else allocator.allocate(leaf, raw.text)

    tasks = tuple(
        _task({
            "id": ids[id(raw)],
            "text": raw.text,
            "checked": raw.checked,
            "owner": raw.owner,
            "section": raw.section,
            "line": raw.line,
            "depth": raw.depth,
            "parent": ids[id(raw.parent)] if raw.parent is not None else None,
            "links": raw.links,
            "code": raw.code,
            "source": path,
        })
        for raw in raw_tasks
    )
    return tasks, problems


def _task(values: dict) -> Task:
    """A Task from all its field values, without the frozen dataclass's __init__.

    That __init__ sets each of the eleven fields through object.__setattr__: six times the cost of handing the
    instance its __dict__, and a third of a 100,000-item parse. Task has no __post_init__ and no defaults
    computed at init, so the result is the same object (the unit tests compare it with Task(...))."""
    task = object.__new__(Task)
    object.__setattr__(task, "__dict__", values)
    return task


def load_checklist(path: str, parse=None) -> tuple[Checklist | None, list[Problem]]:
    """Read and parse a checklist file; (None, problems) when it cannot be read as UTF-8 text.
    `parse(text, path)`: parse_checklist, or a caller's stand-in giving the same Checklist (a cache of it)."""
    text, problems = read_text(path)
    if text is None:
        return None, problems
    checklist = (parse or parse_checklist)(text, path)
    return checklist, problems + list(checklist.problems)


def tasks_in(checklist: Checklist, section_path: tuple[str, ...]) -> list[Task]:
    """Tasks in that section and all its sub-sections, in document order."""
    size = len(section_path)
    section_path = tuple(section_path)
    return [task for task in checklist.tasks if task.section[:size] == section_path]


def find_section(checklist: Checklist, name: str) -> Section | None:
    """A section by full path "A/B" or by title, case-insensitive, ignoring numbering like "6.2 " or "Step 1: "."""
    wanted = normalise_title(name)
    for section in checklist.sections:
        if normalise_title(section.title) == wanted:
            return section
    if "/" in name:
        parts = tuple(normalise_title(part) for part in name.strip().strip("/").split("/"))
        for section in checklist.sections:
            if tuple(normalise_title(title) for title in section.path) == parts:
                return section
    return None

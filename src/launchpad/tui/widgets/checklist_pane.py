"""The checklist: sections as a tree with progress, items ticked with space, filtered by owner, searched with /."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region
from textual.widgets import Input

from launchpad.core.literal import cut, printable
from launchpad.tui.widgets.checklist_rows import INDENT, ChecklistTree, Row
from launchpad.tui.widgets.search_input import SearchInput
from launchpad.tui.widgets.text_line import TextLine

__all__ = ["ChecklistPane", "ChecklistTree", "ChecklistView"]


@dataclass
class ChecklistView:
    """What the pane draws, handed over by the app: the plan's tasks plus who ticked what."""

    checklists: tuple
    tasks: tuple
    checked: set[str]
    owner_of: object  # task -> role id | None
    owner_names: dict[str, str]
    marks: dict = field(default_factory=dict)  # item id -> Mark(checked, actor, at, note)
    notes: dict = field(default_factory=dict)  # item id -> [Note]
    focus_section: tuple[str, ...] | None = None


class ChecklistPane(Vertical):
    BORDER_TITLE = "Checklist"
    _subtitle_only = False  # set while the subtitle changes: see refresh
    BINDINGS = [
        Binding("slash", "search", "Find"),
        Binding("o", "cycle_owner", "Owner"),
        Binding("c", "clear_filters", "Clear filters", show=False),
        Binding("l", "open_link", "Open link", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: ChecklistView | None = None
        self.owner_filter: str | None = None
        self.query_text = ""
        self.filter_label = ""  # the owner filter and search, as shown under the pane (plain, literal)
        self._section_nodes: dict[tuple, Row] = {}  # every checklist and section row, by key
        self._tasks_by_id: dict[str, object] = {}
        # Made once per plan, in document order: every row; every item with its row, the headings above it,
        # what a search looks in and its owner. Filters choose among these by index.
        self._all_rows: list[Row] = []
        self._items: list[tuple[Row, tuple]] = []  # (item row, the checklist and section rows above it)
        self._haystacks: list[str] = []  # lower case: ID, text, owner's name and role
        self._owners: list[str] = []  # role id or ""
        self._matched: tuple | None = None  # (owner filter, query, indexes): a longer query searches only these
        self._shown: list[int] | None = None  # indexes of the items the filters let through (None: all)
        self._tallies: dict[tuple, tuple[int, int]] = {}  # row key -> (done, total), until the ticks change
        self._folded: set[Row] = set()  # rows folded shut (their rows below are hidden)
        self._under: dict[tuple, list[str]] = {}  # row key -> the IDs of the items beneath it

    def compose(self):
        search = SearchInput(placeholder="search items, IDs, owners…  (enter: go to list, esc: clear)", id="checklist-search")
        search.display = False
        yield search
        yield ChecklistTree(id="checklist-tree")
        yield TextLine(id="checklist-detail", classes="detail")

    @property
    def tree(self) -> ChecklistTree:
        return self.query_one(ChecklistTree)

    # ------------------------------------------------------------------ building

    def show(self, view: ChecklistView, colors: dict[str, str]) -> None:
        """Lay the rows out when the plan changes; otherwise only the labels change (drawn when on screen)."""
        old = self.view
        self.view = view
        self.palette = colors
        if old is None or old.tasks is not view.tasks or old.checklists is not view.checklists:
            self._tasks_by_id = {task.id: task for task in view.tasks}
            self._lay_out()
            self._rebuild()
        else:
            if old.owner_names != view.owner_names:  # a handoff renames the lead: searches see the new name
                self._index_items()
            self._relabel()
        self._update_subtitle()

    def _lay_out(self) -> None:
        """Every row the plan can show, in document order, made once: filters only choose among them."""
        self._all_rows, self._items, self._section_nodes, self._under = [], [], {}, {}
        self._folded = set()
        parents = {task.parent for task in self.view.tasks if task.parent}
        for checklist in self.view.checklists:
            top = Row("checklist", checklist.path, self._label)
            self._section_nodes[("checklist", checklist.path)] = top
            self._under[("checklist", checklist.path)] = [task.id for task in checklist.tasks]
            self._all_rows.append(top)
            with_items = set()
            by_section: dict[tuple, list] = {}
            for task in checklist.tasks:
                by_section.setdefault(task.section, []).append(task)
                for depth in range(1, len(task.section) + 1):
                    with_items.add(task.section[:depth])
                    self._under.setdefault(("section", checklist.path, task.section[:depth]), []).append(task.id)
            chains: dict[tuple, tuple] = {}  # section path -> the rows above its items (checklist first)
            depths: dict[tuple, int] = {}
            self._add_items(by_section.pop((), ()), (top,), 1, parents)  # items above any heading
            for section in checklist.sections:
                key = ("section", checklist.path, section.path)
                holder = next((section.path[:d] for d in range(len(section.path) - 1, 0, -1) if section.path[:d] in depths), None)
                above = chains[holder] if holder is not None else (top,)
                if len(section.path) == 1 and section.title == checklist.title:
                    self._section_nodes[key] = top  # the document's title
                    depths[section.path], chains[section.path] = 0, (top,)
                    self._add_items(by_section.pop(section.path, ()), (top,), 1, parents)
                    continue
                row = self._section_nodes[key] = Row("section", (checklist.path, section.path), self._label)
                row.depth = depths[section.path] = (depths[holder] if holder is not None else 0) + 1
                chains[section.path] = (*above, row)
                if section.path in with_items:  # headings with no items stay out of the way
                    self._all_rows.append(row)
                self._add_items(by_section.pop(section.path, ()), chains[section.path], row.depth + 1, parents)
            for tasks in by_section.values():  # items under a heading the parser did not list
                self._add_items(tasks, (top,), 1, parents)
        self._index_items()

    def _add_items(self, tasks, chain: tuple, depth: int, parents: set) -> None:
        rows: dict[str, Row] = {}
        for task in tasks:
            row = rows[task.id] = Row("task", task.id, self._label)
            row.foldable = task.id in parents
            holder = rows.get(task.parent) if task.parent else None
            row.depth = holder.depth + 1 if holder is not None else depth  # an item under its parent item
            self._all_rows.append(row)
            self._items.append((row, chain))

    def _index_items(self) -> None:
        """What searches and the owner filter look at, per item, in the order of `_items`."""
        names, owner_of, tasks = self.view.owner_names, self.view.owner_of, self._tasks_by_id
        self._owners, self._haystacks = [], []
        for row, _ in self._items:
            task = tasks[row.key]
            owner = owner_of(task) or ""
            self._owners.append(owner)
            self._haystacks.append(" ".join((task.id, task.text, names.get(owner, ""), task.owner or "")).lower())
        self._matched = None

    def _matches(self) -> list[int] | None:
        """Indexes (into `_items`) of the items the owner filter and the search let through; None: every item.
        A query that extends the previous one searches only what that one found: each key narrows the list."""
        if self.owner_filter is None and not self.query_text:
            return None
        needle = self.query_text.lower()
        found: list[int] | range = range(len(self._items))
        if self._matched is not None:
            owner, previous, before = self._matched
            if owner == self.owner_filter and previous and needle.startswith(previous):
                found = before
        if self.owner_filter is not None:
            owners, wanted = self._owners, self.owner_filter
            found = [index for index in found if owners[index] == wanted]
        haystacks = self._haystacks
        for word in needle.split():
            found = [index for index in found if word in haystacks[index]]
        found = list(found)
        self._matched = (self.owner_filter, needle, found)
        return found

    @property
    def _task_nodes(self) -> dict[str, Row]:
        """The items the filters let through, by ID (folded away or not)."""
        items = self._items
        indexes = range(len(items)) if self._shown is None else self._shown
        return {items[index][0].key: items[index][0] for index in indexes}

    def _rebuild(self, reveal: bool = True) -> None:
        """Choose the rows to show: what the filters let through, the headings above them, minus what is folded
        away. With no item under the cursor, `reveal` brings the view's focus section (the rollback steps)
        forward."""
        keep = self.tree.cursor_node
        self._shown = self._matches()
        if self._shown is None:
            rows = self._all_rows
        else:
            rows, seen, last = [], set(), None
            items = self._items
            for index in self._shown:
                row, chain = items[index]
                if chain is not last:  # the headings above it, those not shown yet
                    last = chain
                    for heading in chain:
                        if heading not in seen:
                            seen.add(heading)
                            rows.append(heading)
                rows.append(row)
        if self._folded:
            rows = self._unfolded(rows)
        self._tallies = {}
        self.tree.set_rows(rows, keep)
        if reveal and self.tree.line_of(keep) < 0 and self.view.focus_section:
            self.reveal_section(self.view.focus_section)
        self._show_detail()

    @staticmethod
    def _unfolded(rows: list[Row]) -> list[Row]:
        """The rows minus those under a folded row."""
        shown, hide_below = [], None
        for row in rows:
            if hide_below is not None and row.depth > hide_below:
                continue
            hide_below = None if row.expanded or not row.foldable else row.depth
            shown.append(row)
        return shown

    def _relabel(self) -> None:
        """Ticks, notes or names changed: the rows on screen draw their labels again (the others when shown)."""
        self._tallies = {}
        self.tree.redraw()
        self._show_detail()

    def _label(self, row: Row) -> Text:
        if row.kind == "task":
            width = self.tree.scrollable_content_region.width or self.size.width or 80
            room = width - INDENT * row.depth - (2 if row.foldable else 0) - 1
            return self._task_label(self._tasks_by_id[row.key], row.key in self.view.checked, room)
        if row.kind == "checklist":
            key = ("checklist", row.key)
            title = next(c.title for c in self.view.checklists if c.path == row.key)
        else:
            key = ("section", *row.key)
            title = row.key[1][-1]
        if key not in self._tallies:
            ids = self._under.get(key, ())
            checked = self.view.checked
            self._tallies[key] = (sum(1 for item in ids if item in checked), len(ids))
        done, total = self._tallies[key]
        return self._tally_label(title, done, total, self.palette, bold=row.kind == "checklist")

    def _task_label(self, task, done: bool, room: int) -> Text:
        """`[x] text  Owner ✎1  #id`, the text cut first so that the owner and the ID stay visible."""
        colors = self.palette
        suffix = Text(no_wrap=True)
        owner = self.view.owner_of(task)
        if owner:
            suffix.append("  " + printable(self.view.owner_names.get(owner, owner)), style=f"italic {colors['secondary']}")
        if self.view.notes.get(task.id):
            suffix.append(f"  ✎{len(self.view.notes[task.id])}", style=colors["warning"])
        suffix.append(f"  #{task.id}", style="dim")
        text = printable(task.text)
        room = max(16, room - 4 - suffix.cell_len)
        if len(text) > room:
            text = text[: room - 1] + "…"
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append("[x] " if done else "[ ] ", style=f"bold {colors['success']}" if done else "bold")
        label.append(text, style="dim" if done else "")
        label.append_text(suffix)
        return label

    def on_resize(self) -> None:
        if self.view is not None:
            self._relabel()

    @staticmethod
    def _tally_label(title: str, done: int, total: int, colors: dict[str, str], bold: bool = False) -> Text:
        complete = total and done == total
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(printable(title), style="bold" if bold or complete else "")
        label.append(f"  {done}/{total} ", style=f"bold {colors['success']}" if complete else "dim")
        width = 10
        filled = round(width * done / total) if total else 0
        label.append("━" * filled, style=colors["success"])
        label.append("━" * (width - filled), style="dim")
        return label

    # ------------------------------------------------------------------ navigation and detail

    def _highlighted_key(self) -> str | None:
        row = self.tree.cursor_node
        return row.key if row is not None and row.kind == "task" else None

    def highlighted_task(self):
        key = self._highlighted_key()
        return self._tasks_by_id.get(key) if key else None

    def reveal_section(self, section_path: tuple[str, ...]) -> bool:
        """Bring a section forward (e.g. the rollback steps when a trigger fires): unfold it and what holds it,
        and move there, the section at the top of the pane."""
        section_path = tuple(section_path)
        for key, row in self._section_nodes.items():
            if key[0] == "section" and key[2] == section_path:
                folded = [self._section_nodes.get(("section", key[1], section_path[:depth])) for depth in range(1, len(section_path) + 1)]
                for holder in (self._section_nodes[("checklist", key[1])], *folded):
                    if holder is not None:
                        holder.expand()
                        self._folded.discard(holder)
                self._rebuild(reveal=False)
                if self.tree.line_of(row) < 0:
                    continue  # filtered out here: perhaps the same heading in another checklist

                def land() -> None:
                    self.tree.move_cursor(row)
                    self.tree.scroll_to(y=max(0, self.tree.line_of(row)), animate=False)

                self.call_after_refresh(land)
                return True
        return False

    @on(ChecklistTree.Highlighted)
    def _on_highlight(self, event: ChecklistTree.Highlighted) -> None:
        event.stop()
        self._show_detail()

    @on(ChecklistTree.FoldChanged)
    def _on_fold(self, event: ChecklistTree.FoldChanged) -> None:
        event.stop()
        (self._folded.discard if event.row.expanded else self._folded.add)(event.row)
        self._rebuild()

    def _show_detail(self) -> None:
        detail = self.query_one("#checklist-detail", TextLine)
        task = self.highlighted_task() if self.view else None
        if task is None:
            detail.update(Text("space: tick · /: search · o: owner filter · n: note · l: open link", style="dim"))
            return
        text = Text(no_wrap=False)
        text.append(f"#{task.id} ", style="bold")
        text.append(printable(" / ".join(task.section)), style="dim")
        mark = self.view.marks.get(task.id)
        if mark is not None:
            verb = "ticked" if mark.checked else "unticked"
            text.append(f"\n{verb} by {printable(mark.actor)} at {mark.at:%H:%M:%S} UTC", style=self.palette["success"])
        for link in getattr(task, "links", ()):
            text.append(f"\n→ {printable(link.url)}", style="underline")
        for note in self.view.notes.get(task.id, [])[-2:]:
            text.append(f"\n✎ {printable(note.actor)} {note.at:%H:%M}: ", style=self.palette["warning"])
            text.append(printable(note.text))
        detail.update(text)

    # ------------------------------------------------------------------ filters

    def _update_subtitle(self) -> None:
        parts = []
        if self.owner_filter is not None:
            parts.append("owner: " + (self.view.owner_names.get(self.owner_filter, self.owner_filter) if self.owner_filter else "nobody"))
        if self.query_text:
            parts.append(f"search: {self.query_text}")
        label = cut(printable(" · ".join(parts)), 200)
        if label == self.filter_label and self.border_subtitle is not None:
            return
        self.filter_label = label
        self._subtitle_only = True  # Widget.border_subtitle repaints the whole pane: its bottom line is enough
        try:
            self.border_subtitle = Text(label)  # a str border title is parsed as markup: a role's name is not
        finally:
            self._subtitle_only = False

    def refresh(self, *regions: Region, **kwargs) -> Self:
        """A new subtitle repaints the pane's bottom line (where it is drawn), not the 50-odd lines above it."""
        if self._subtitle_only and not regions and not kwargs.get("layout") and self.outer_size:
            offset = self.content_offset
            regions = (Region(-offset.x, self.outer_size.height - 1 - offset.y, self.outer_size.width, 1),)
        return super().refresh(*regions, **kwargs)

    def owner_choices(self) -> list[str]:
        owners = []
        for task in self.view.tasks:
            owner = self.view.owner_of(task)
            if owner and owner not in owners:
                owners.append(owner)
        return owners

    def set_owner_filter(self, owner: str | None) -> None:
        self.owner_filter = owner
        self._rebuild()
        self._update_subtitle()

    def action_cycle_owner(self) -> None:
        choices: list[str | None] = [None, *self.owner_choices(), ""]
        position = choices.index(self.owner_filter) if self.owner_filter in choices else 0
        self.set_owner_filter(choices[(position + 1) % len(choices)])
        label = self.filter_label or "all items"
        self.notify(f"Checklist: {label}", timeout=2)

    def action_open_link(self) -> None:
        """Open the highlighted item's first link (a runbook, a dashboard) in the browser."""
        task = self.highlighted_task()
        links = getattr(task, "links", ()) if task else ()
        if not links:
            self.notify("This item has no link.", timeout=3)
            return
        self.app.open_url(links[0].url)
        self.notify(f"Opening {printable(links[0].url)}", timeout=3)

    def action_search(self) -> None:
        search = self.query_one("#checklist-search", Input)
        search.display = True
        search.focus()

    def action_clear_filters(self) -> None:
        search = self.query_one("#checklist-search", Input)
        search.value = ""
        search.display = False
        self.query_text = ""
        self.owner_filter = None
        self._rebuild()
        self._update_subtitle()
        self.tree.focus()

    def on_mount(self) -> None:
        # A watcher, not the Input.Changed message: it runs inside the keystroke, so the Input, the filtered rows
        # and the subtitle are marked for repaint together and come out in ONE frame. Through the message, the
        # Input's own repaint reached the screen first and drew a frame of its own; the rows waited for the
        # next frame, which Textual's update timer puts 17-33 ms later (bench/README.md, session 4).
        self.watch(self.query_one("#checklist-search", Input), "value", self._on_search, init=False)

    def _on_search(self, value: str) -> None:
        query = value.strip()
        if query != self.query_text:
            self.query_text = query
            self._rebuild()
            self._update_subtitle()

    @on(Input.Submitted, "#checklist-search")
    def _on_search_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.display = False
        self.tree.focus()
        first = next((row for row in self.tree.rows if row.kind == "task"), None)
        if first is not None:
            self.tree.move_cursor(first)

    def key_escape(self) -> None:
        search = self.query_one("#checklist-search", Input)
        if search.has_focus or self.query_text:
            self.action_clear_filters()

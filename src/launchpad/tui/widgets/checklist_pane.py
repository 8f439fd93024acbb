"""The checklist: sections as a tree with progress, items ticked with space, filtered by owner, searched with /."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from launchpad.core.literal import cut, printable
from launchpad.tui.widgets.checklist_rows import INDENT, ChecklistTree, Row
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
        self._task_nodes: dict[str, Row] = {}  # the items the filters let through, by ID
        self._section_nodes: dict[tuple, Row] = {}  # every checklist and section row, by key
        self._tasks_by_id: dict[str, object] = {}
        self._layout: list[tuple[Row, list]] = []  # per checklist: its row, then (row, task or None) in order
        self._haystacks: dict[str, str] | None = None  # item ID -> what a search looks in (lower case)
        self._matched: tuple | None = None  # (owner filter, query, IDs): a longer query searches only these
        self._tallies: dict[tuple, tuple[int, int]] = {}  # row key -> (done, total), until the ticks change
        self._under: dict[tuple, list[str]] = {}  # row key -> the IDs of the items beneath it

    def compose(self):
        search = Input(placeholder="search items, IDs, owners…  (enter: go to list, esc: clear)", id="checklist-search")
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
            if old.owner_names != view.owner_names:
                self._haystacks = None
                self._matched = None
            self._relabel()
        self._update_subtitle()

    def _lay_out(self) -> None:
        """Every row the plan can show, in document order, made once: filters only choose among them."""
        self._layout, self._section_nodes, self._under = [], {}, {}
        self._haystacks, self._matched = None, None
        parents = {task.parent for task in self.view.tasks if task.parent}
        for checklist in self.view.checklists:
            top = Row("checklist", checklist.path, self._label)
            top_key = ("checklist", checklist.path)
            self._section_nodes[top_key] = top
            self._under[top_key] = [task.id for task in checklist.tasks]
            depths: dict[tuple, int] = {}
            rows_of: dict[tuple, Row] = {}
            for section in checklist.sections:
                key = ("section", checklist.path, section.path)
                if len(section.path) == 1 and section.title == checklist.title:
                    self._section_nodes[key] = top  # the document's title
                    depths[section.path] = 0
                    continue
                parent_depth = next((depths[section.path[:d]] for d in range(len(section.path) - 1, 0, -1)
                                     if section.path[:d] in depths), 0)
                depths[section.path] = parent_depth + 1
                row = rows_of[section.path] = self._section_nodes[key] = Row("section", (checklist.path, section.path), self._label)
                row.depth = parent_depth + 1
            by_section: dict[tuple, list] = {}
            for task in checklist.tasks:
                by_section.setdefault(task.section if task.section in depths else (), []).append(task)
                for depth in range(1, len(task.section) + 1):
                    self._under.setdefault(("section", checklist.path, task.section[:depth]), []).append(task.id)
            # (row, task or section path, depth); an item under a shown parent item sits one deeper than it
            def item(task, depth: int) -> tuple:
                row = Row("task", task.id, self._label)
                row.foldable = task.id in parents
                return row, task, depth

            order: list[tuple] = [item(task, 1) for task in by_section.get((), [])]  # items above any heading
            with_items = {task.section[:depth] for task in checklist.tasks for depth in range(1, len(task.section) + 1)}
            for section in checklist.sections:
                if section.path in rows_of and section.path in with_items:  # headings with no items stay out of the way
                    order.append((rows_of[section.path], section.path, rows_of[section.path].depth))
                order.extend(item(task, depths[section.path] + 1) for task in by_section.get(section.path, ()))
            self._layout.append((top, order))

    def _matches(self) -> list | None:
        """The items the owner filter and the search let through (None: every item). A query that extends the
        previous one searches only what that one found: each key narrows the list it is typed into."""
        if self.owner_filter is None and not self.query_text:
            return None
        needle = self.query_text.lower()
        candidates = self.view.tasks
        if self._matched is not None:
            owner, previous, found = self._matched
            if owner == self.owner_filter and previous and needle.startswith(previous):
                candidates = found
        tasks = candidates
        if self.owner_filter is not None:
            owner_of, wanted = self.view.owner_of, self.owner_filter
            tasks = [task for task in tasks if (owner_of(task) or "") == wanted] if wanted else \
                [task for task in tasks if not owner_of(task)]
        if needle:
            haystacks = self._search_texts()
            words = needle.split()
            tasks = [task for task in tasks if all(word in haystacks[task.id] for word in words)]
        self._matched = (self.owner_filter, needle, tasks)
        return tasks

    def _search_texts(self) -> dict[str, str]:
        if self._haystacks is None:
            names, owner_of = self.view.owner_names, self.view.owner_of
            self._haystacks = {task.id: " ".join((task.id, task.text, names.get(owner_of(task) or "", ""), task.owner or "")).lower()
                               for task in self.view.tasks}
        return self._haystacks

    def _rebuild(self, reveal: bool = True) -> None:
        """Choose the rows to show: what the filters let through, minus what is folded away. With no item
        under the cursor, `reveal` brings the view's focus section (the rollback steps) forward."""
        keep = self.tree.cursor_node
        matches = self._matches()
        visible = None if matches is None else {task.id for task in matches}
        filtering = visible is not None
        wanted = None
        if filtering:
            wanted = {task.section[:depth] for task in matches for depth in range(1, len(task.section) + 1)}
        rows: list[Row] = []
        shown: dict[str, Row] = {}
        for top, order in self._layout:
            start = len(rows)
            rows.append(top)
            hide_below = None if top.expanded else 0
            found = False
            for row, what, depth in order:
                if row.kind == "task":
                    if filtering and row.key not in visible:
                        continue
                    found = True
                    parent = what.parent and shown.get(what.parent)
                    row.depth = parent.depth + 1 if parent else depth
                    shown[row.key] = row
                elif wanted is not None and what not in wanted:
                    continue
                if hide_below is not None and row.depth > hide_below:
                    continue
                hide_below = None if row.expanded or not row.foldable else row.depth
                rows.append(row)
            if filtering and not found:
                del rows[start:]
        self._task_nodes = shown
        self._tallies = {}
        self.tree.set_rows(rows, keep)
        if reveal and (keep is None or keep.line < 0) and self.view.focus_section:
            self.reveal_section(self.view.focus_section)
        self._show_detail()

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
                self._rebuild(reveal=False)
                if row.line < 0:
                    continue  # filtered out here: perhaps the same heading in another checklist

                def land() -> None:
                    self.tree.move_cursor(row)
                    self.tree.scroll_to(y=max(0, row.line), animate=False)

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
        self.filter_label = cut(printable(" · ".join(parts)), 200)
        self.border_subtitle = Text(self.filter_label)  # a str border title is parsed as markup: a role's name is not

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

    @on(Input.Changed, "#checklist-search")
    def _on_search(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self._rebuild()
        self._update_subtitle()

    @on(Input.Submitted, "#checklist-search")
    def _on_search_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.display = False
        self.tree.focus()
        if self._task_nodes:
            self.tree.move_cursor(next(iter(self._task_nodes.values())))

    def key_escape(self) -> None:
        search = self.query_one("#checklist-search", Input)
        if search.has_focus or self.query_text:
            self.action_clear_filters()

"""The checklist: sections as a tree with progress, items ticked with space, filtered by owner, searched with /."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Tree

from launchpad.core.literal import cut, printable
from launchpad.core.plan.progress import by_section
from launchpad.tui.widgets.text_line import TextLine


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


def _depth(node) -> int:
    """How many levels below the (hidden) root a node sits: its indentation is this times guide_depth."""
    depth = 0
    while node.parent is not None:
        depth += 1
        node = node.parent
    return depth


class ChecklistTree(Tree):
    """A Tree whose space key ticks the highlighted item instead of folding it."""

    BINDINGS = [
        Binding("space", "toggle_item", "Tick"),
        Binding("enter", "toggle_node", "Fold", show=False),
    ]

    class ToggleRequested(Message):
        def __init__(self, item_id: str) -> None:
            self.item_id = item_id
            super().__init__()

    def action_toggle_item(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        kind, key = node.data or (None, None)
        if kind == "task":
            self.post_message(self.ToggleRequested(key))
        else:
            node.toggle()


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
        self._task_nodes: dict[str, object] = {}
        self._section_nodes: dict[tuple, object] = {}
        self._tasks_by_id: dict[str, object] = {}

    def compose(self):
        search = Input(placeholder="search items, IDs, owners…  (enter: go to list, esc: clear)", id="checklist-search")
        search.display = False
        yield search
        tree = ChecklistTree(Text("checklists"), id="checklist-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        yield TextLine(id="checklist-detail", classes="detail")

    @property
    def tree(self) -> ChecklistTree:
        return self.query_one(ChecklistTree)

    # ------------------------------------------------------------------ building

    def show(self, view: ChecklistView, colors: dict[str, str]) -> None:
        """Rebuild only when the set of visible items changes; otherwise relabel in place."""
        first = self.view is None
        self.view = view
        self.palette = colors
        self._tasks_by_id = {task.id: task for task in view.tasks}
        if first:
            self._rebuild()
        else:
            self._relabel()
        self._update_subtitle()

    def _visible(self, task) -> bool:
        if self.owner_filter is not None:
            owner = self.view.owner_of(task)
            if self.owner_filter == "" and owner:
                return False
            if self.owner_filter and owner != self.owner_filter:
                return False
        if self.query_text:
            needle = self.query_text.lower()
            owner = self.view.owner_names.get(self.view.owner_of(task) or "", "")
            haystack = " ".join((task.id, task.text, owner, task.owner or "")).lower()
            return all(word in haystack for word in needle.split())
        return True

    def _rebuild(self) -> None:
        tree = self.tree
        keep = self._highlighted_key()
        tree.clear()
        self._task_nodes.clear()
        self._section_nodes.clear()
        visible = {task.id for task in self.view.tasks if self._visible(task)}
        filtering = bool(self.query_text or self.owner_filter is not None)
        for checklist in self.view.checklists:
            tasks = [task for task in checklist.tasks if task.id in visible]
            if filtering and not tasks:
                continue
            top = tree.root.add(Text(""), data=("checklist", checklist.path), expand=True)
            self._section_nodes[("checklist", checklist.path)] = top
            wanted = {task.section[:depth] for task in tasks for depth in range(1, len(task.section) + 1)}
            for section in checklist.sections:
                if filtering and section.path not in wanted:
                    continue
                if not filtering and section.path not in wanted:
                    continue  # headings with no items below them (intros, notes) stay out of the way
                if len(section.path) == 1 and section.title == checklist.title:
                    self._section_nodes[("section", checklist.path, section.path)] = top  # the document's title
                    continue
                parent = top
                for depth in range(len(section.path) - 1, 0, -1):
                    parent = self._section_nodes.get(("section", checklist.path, section.path[:depth]), None) or parent
                    if parent is not top:
                        break
                node = parent.add(Text(""), data=("section", (checklist.path, section.path)), expand=True)
                self._section_nodes[("section", checklist.path, section.path)] = node
            for task in tasks:
                if task.parent and task.parent in self._task_nodes:
                    parent = self._task_nodes[task.parent]
                    parent.allow_expand = True
                    parent.expand()
                else:
                    parent = self._section_nodes.get(("section", checklist.path, task.section), top)
                self._task_nodes[task.id] = parent.add_leaf(Text(""), data=("task", task.id))
        self._relabel()
        if keep and keep in self._task_nodes:
            tree.move_cursor(self._task_nodes[keep])
        elif self.view.focus_section:
            self.reveal_section(self.view.focus_section)
        self._show_detail()

    def _relabel(self) -> None:
        checked = self.view.checked
        tallies = by_section(self.view.tasks, checked)
        colors = self.palette
        width = self.tree.scrollable_content_region.width or self.size.width or 80
        for task_id, node in self._task_nodes.items():
            room = width - self.tree.guide_depth * _depth(node) - 1
            node.set_label(self._task_label(self._tasks_by_id[task_id], task_id in checked, room))
        for key, node in self._section_nodes.items():
            if key[0] == "checklist":
                checklist = next(c for c in self.view.checklists if c.path == key[1])
                done = sum(1 for task in checklist.tasks if task.id in checked)
                node.set_label(self._tally_label(checklist.title, done, len(checklist.tasks), colors, bold=True))
            else:
                tally = tallies.get(key[2])
                node.set_label(self._tally_label(key[2][-1], tally.done if tally else 0, tally.total if tally else 0, colors))
        self._show_detail()

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
        node = self.tree.cursor_node
        if node is None or not node.data:
            return None
        kind, key = node.data
        return key if kind == "task" else None

    def highlighted_task(self):
        key = self._highlighted_key()
        return self._tasks_by_id.get(key) if key else None

    def reveal_section(self, section_path: tuple[str, ...]) -> bool:
        """Bring a section forward (e.g. the rollback steps when a trigger fires): expand it and move there."""
        for key, node in self._section_nodes.items():
            if key[0] == "section" and key[2] == tuple(section_path):
                node.expand()

                def land() -> None:
                    # a node's line is known only once the expanded tree has been laid out
                    self.tree.move_cursor(node)
                    self.tree.scroll_to(y=max(0, node.line), animate=False)

                self.call_after_refresh(land)
                return True
        return False

    @on(Tree.NodeHighlighted)
    def _on_highlight(self, event: Tree.NodeHighlighted) -> None:
        self._show_detail()

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

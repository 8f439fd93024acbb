"""The owners: role, who holds it now, what each still owes (open items, next step), their poll vote, contact."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.widgets import DataTable

from launchpad.core.literal import printable
from launchpad.core.plan.offsets import format_offset
from launchpad.tui.widgets.fit import content_width, ellipsize, flexible_width, set_columns
from launchpad.tui.widgets.text_line import TextLine
from launchpad.tui.widgets.table_cursor import highlighted_key


MIN_CONTACT = 16
COLUMNS = (("Role", "role"), ("Person", "person"), ("Owes", "owes"), ("Vote", "vote"), ("Contact", "contact"))


class OwnersPane(Vertical):
    """One row per role; the contact takes the width that is left (cut with an ellipsis, whole in the detail
    below, with the role's next step and the first items it owes)."""
    BORDER_TITLE = "Owners"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows: dict[str, dict] = {}

    def compose(self):
        table = DataTable(id="owners-table", cursor_type="row")
        set_columns(table, COLUMNS, {})
        yield table
        yield TextLine(id="owner-detail", classes="detail")

    def on_resize(self) -> None:
        self.call_after_refresh(self._reshow)  # once the layout has settled: the table's size follows the pane's

    def _reshow(self) -> None:
        if getattr(self, "_last_shown", None) is not None:
            self._signature = self._given = None
            self.show(*self._last_shown)

    def show(self, rows: list[dict], colors: dict[str, str]) -> None:
        """rows: key, role, person, contact, open (int), total (int), open_items ([Task]), next (Event|None), late."""
        self._last_shown = (rows, colors)
        # Called every second; its cells are built only when something they are built from changed.
        given = (tuple(tuple((key, value) for key, value in row.items() if key != "open_items")
                       + tuple(task.id for task in row.get("open_items", ())[:3]) for row in rows),
                 tuple(colors.items()), self.size.width)
        if given == getattr(self, "_given", None):
            return
        self._given = given
        self.palette = colors
        table = self.query_one(DataTable)
        self._rows = {row["key"]: row for row in rows}
        votes = any(row.get("vote") is not None for row in rows)  # the Vote column while a poll has answers
        columns = [column for column in COLUMNS if votes or column[1] != "vote"]
        drawn = []
        for row in rows:
            owes = Text(f"{row['open']} open" if row["total"] else "—",
                        style=f"bold {colors['warning']}" if row["open"] else "dim")
            vote = row.get("vote")  # the role's answer to the Go/No-Go poll (core.poll)
            vote_cell = Text("—" if vote is None else vote.upper(), style="dim" if vote is None else
                             f"bold {colors['success'] if vote == 'go' else colors['error']}")
            holder = row.get("holder") or row["person"]  # who holds the role now: the last to answer for it
            cells = {"role": Text(printable(row["role"]), style="bold"), "person": Text(printable(holder or "—")),
                     "owes": owes, "vote": vote_cell, "contact": Text(printable(row["contact"] or "—"), style="dim")}
            drawn.append((row["key"], [cells[key] for _, key in columns]))
        fixed = [content_width(label, (cells[index] for _, cells in drawn)) for index, (label, _) in enumerate(columns[:-1])]
        contact_width = flexible_width(self.size.width, table, fixed, minimum=0)
        # Every width is given: a column left to DataTable's own sizing is as wide as its header until the
        # table's next idle, so a frame drawn before it (a busy machine, a snapshot) showed `Rele`, `DevO`.
        widths = {key: width for (_, key), width in zip(columns, fixed)}
        if contact_width < MIN_CONTACT:  # too narrow to be of use: the detail line below shows it whole
            columns.pop()
            drawn = [(key, cells[:-1]) for key, cells in drawn]
        else:
            widths["contact"] = min(contact_width, content_width("Contact", (cells[-1] for _, cells in drawn)))
            for _, cells in drawn:
                cells[-1] = ellipsize(cells[-1], contact_width)
        # Called every second: redraw only when something shown changed (a cleared table re-lays the screen).
        signature = tuple((key, tuple((cell.plain, str(cell.style)) for cell in cells)) for key, cells in drawn)
        if signature == getattr(self, "_signature", None):
            self._show_detail()  # the table is as it was; its detail (next step, first items owed) may not be
            return
        self._signature = signature
        cursor = table.cursor_row
        set_columns(table, columns, widths)
        for key, cells in drawn:
            table.add_row(*cells, key=key)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _on_highlight(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted role in full: how to reach them and the first things they still owe."""
        table = self.query_one(DataTable)
        detail = self.query_one("#owner-detail", TextLine)
        key = highlighted_key(table)
        if key is None:
            detail.update("")
            return
        row = self._rows.get(key)
        if row is None:
            return
        text = Text(no_wrap=False)
        text.append(printable(row["role"]), style="bold")
        text.append(f" · {printable(row['person'] or 'nobody named')}")
        if row["contact"]:
            text.append(f" · {printable(row['contact'])}", style=self.palette["accent"])
        event = row.get("next")
        if event is not None:
            text.append("\nnext: ", style="dim")
            text.append(f"{format_offset(event.at)} {printable(event.title)}" + (" (late)" if row.get("late") else ""),
                        style=f"bold {self.palette['error']}" if row.get("late") else "")
        items = row.get("open_items", [])
        if items:
            shown = ", ".join(f"#{task.id} {printable(task.text)}" for task in items[:3])
            more = f" (+{len(items) - 3} more)" if len(items) > 3 else ""
            text.append(f"\nowes: {shown}{more}", style="dim")
        detail.update(text)

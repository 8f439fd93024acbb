"""The owners: role, who holds it now, what each still owes (open items, next step), their poll vote, contact."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.widgets import DataTable

from launchpad.core.literal import printable
from launchpad.core.offsets import format_offset
from launchpad.tui.widgets.text_line import TextLine
from launchpad.tui.widgets.table_cursor import highlighted_key


class OwnersPane(Vertical):
    BORDER_TITLE = "Owners"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows: dict[str, dict] = {}

    def compose(self):
        table = DataTable(id="owners-table", cursor_type="row")
        table.add_column("Role", key="role")
        table.add_column("Person", key="person")
        table.add_column("Owes", key="owes")
        table.add_column("Next step", key="next")
        table.add_column("Vote", key="vote")
        table.add_column("Contact", key="contact")
        yield table
        yield TextLine(id="owner-detail", classes="detail")

    def show(self, rows: list[dict], colors: dict[str, str]) -> None:
        """rows: key, role, person, contact, open (int), total (int), open_items ([Task]), next (Event|None), late."""
        self.palette = colors
        table = self.query_one(DataTable)
        self._rows = {row["key"]: row for row in rows}
        drawn = []
        for row in rows:
            owes = Text(f"{row['open']} open" if row["total"] else "—",
                        style=f"bold {colors['warning']}" if row["open"] else "dim")
            event = row["next"]
            nxt = Text("")
            if event is not None:
                nxt = Text(f"{format_offset(event.at)} {printable(event.title)}",
                           style=f"bold {colors['error']}" if row["late"] else "")
            vote = row.get("vote")  # the role's answer to the Go/No-Go poll (core.poll)
            vote_cell = Text("—" if vote is None else vote.upper(), style="dim" if vote is None else
                             f"bold {colors['success'] if vote == 'go' else colors['error']}")
            holder = row.get("holder") or row["person"]  # who holds the role now: the last to answer for it
            drawn.append((row["key"], (Text(printable(row["role"]), style="bold"), Text(printable(holder or "—")),
                                        owes, nxt, vote_cell, Text(printable(row["contact"] or "—"), style="dim"))))
        # Called every second: redraw only when something shown changed (a cleared table re-lays the screen).
        signature = tuple((key, tuple((cell.plain, str(cell.style)) for cell in cells)) for key, cells in drawn)
        if signature == getattr(self, "_signature", None):
            return
        self._signature = signature
        cursor = table.cursor_row
        table.clear()
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
        items = row.get("open_items", [])
        if items:
            shown = ", ".join(f"#{task.id} {printable(task.text)}" for task in items[:3])
            more = f" (+{len(items) - 3} more)" if len(items) > 3 else ""
            text.append(f"\nowes: {shown}{more}", style="dim")
        detail.update(text)

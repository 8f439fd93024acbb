"""The owners: role, person, contact, and what each still owes (open items, next step)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import DataTable

from launchpad.core.literal import printable
from launchpad.core.offsets import format_offset


class OwnersPane(Vertical):
    BORDER_TITLE = "Owners"

    def compose(self):
        table = DataTable(id="owners-table", cursor_type="row")
        table.add_column("Role", key="role")
        table.add_column("Person", key="person")
        table.add_column("Owes", key="owes")
        table.add_column("Next step", key="next")
        table.add_column("Contact", key="contact")
        yield table

    def show(self, rows: list[dict], colors: dict[str, str]) -> None:
        """rows: role, person, contact, open (int), total (int), next (Event or None), late (bool)."""
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in rows:
            owes = Text(f"{row['open']} open" if row["total"] else "—",
                        style=f"bold {colors['warning']}" if row["open"] else "dim")
            event = row["next"]
            nxt = Text("")
            if event is not None:
                nxt = Text(f"{format_offset(event.at)} {printable(event.title)}",
                           style=f"bold {colors['error']}" if row["late"] else "")
            table.add_row(Text(printable(row["role"]), style="bold"), Text(printable(row["person"] or "—")),
                          owes, nxt, Text(printable(row["contact"] or "—"), style="dim"), key=row["key"])
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

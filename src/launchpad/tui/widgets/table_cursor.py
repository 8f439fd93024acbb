"""The key of a DataTable's highlighted row: what the timeline, owners, poll and rollback panes act on."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist


def highlighted_key(table: DataTable) -> str | None:
    """None when the table is empty or being rebuilt (it has no cursor cell then)."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except CellDoesNotExist:
        return None

"""A DataTable whose once-a-second cell changes repaint one cell, not the whole table.

`DataTable.update_cell` refreshes the entire widget: the timeline's "now" row changes every second, so an idle
cockpit rewrote the whole timeline pane (25 rows) to the terminal every second, over SSH and tmux for 28 hours.
A cell whose new text fits its column needs only its cell repainted; when it does not fit, or the table is
not laid out yet, this falls back to `update_cell`, which recomputes the widths.
"""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


class QuietTable(DataTable):
    def set_cell(self, row_key: str, column_key: str, value: Text) -> None:
        """Show `value` in the cell; repaint only that cell when its width still fits the column."""
        current = self.get_cell(row_key, column_key)
        if current.plain == value.plain and current.style == value.style and current.spans == value.spans:
            return
        column = self.columns[ColumnKey(column_key)]
        if not self.is_mounted or value.cell_len > column.content_width:
            self.update_cell(row_key, column_key, value, update_width=True)
            return
        # What update_cell does, minus its full refresh: store the value, invalidate the render caches (they
        # are keyed by the update count), repaint the one cell.
        self._data[RowKey(row_key)][column.key] = value
        self._update_count += 1
        self.refresh_coordinate(Coordinate(self.get_row_index(row_key), self.get_column_index(column_key)))

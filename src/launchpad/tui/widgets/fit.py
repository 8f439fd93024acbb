"""One flexible column per table: the others keep their width, this one gets what is left and cuts its text
with an ellipsis, so no column is cut inside a word without one and the last columns stay on screen.

DataTable sizes columns by their content and lets the table scroll sideways; in a pane of 58 columns the
timeline's State and When columns fell off the edge (`▲ LA`, `pend`) and the owners' Contact was never seen.
"""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.widgets import DataTable

MINIMUM = 8


def flexible_width(pane_width: int, table: DataTable, fixed: Iterable[int], minimum: int = MINIMUM) -> int:
    """Cells left for the flexible column once every other column has its width and its padding, in a table as
    wide as its pane (`pane_width`: the pane's content width, known at its resize before the table's)."""
    fixed = list(fixed)
    padding = 2 * table.cell_padding * (len(fixed) + 1)
    available = pane_width - table.styles.scrollbar_size_vertical
    return max(minimum, available - sum(fixed) - padding)


def set_columns(table: DataTable, columns: Iterable[tuple[str, str]], widths: dict[str, int]) -> None:
    """Clear the table and lay its columns out again with these widths (DataTable keeps a column's auto
    width once grown; a new pane width needs the columns made anew)."""
    table.clear(columns=True)
    for label, key in columns:
        table.add_column(label, key=key, width=widths.get(key))


def ellipsize(text: Text, width: int) -> Text:
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


def content_width(label: str, cells: Iterable[Text]) -> int:
    """A column's natural width: its header or its widest cell."""
    return max([len(label), *(cell.cell_len for cell in cells)])

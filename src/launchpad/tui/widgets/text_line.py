"""Text in a box whose height never depends on the text: updating it repaints only the cells that changed.

A `Static.update` asks Textual for a new layout of the whole screen, since new text may need another size.
Lines that change every second (the header's clocks, the count bar, probe figures) have a fixed height set in
the stylesheet, so they need no layout; and when only some characters changed (a clock's seconds) only those
cells are repainted, so an idle cockpit writes a few bytes a second to the terminal, not whole lines.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.widget import Widget

MERGE_GAP = 4  # changed runs closer than this are repainted as one region (fewer cursor moves)


def changed_columns(old: str, new: str) -> list[tuple[int, int]] | None:
    """The runs of columns (start, end) where two lines of the same length differ; None when the lengths differ
    or a character is wider than one cell (then positions cannot be told without measuring)."""
    if len(old) != len(new) or not (old + new).isascii() and _has_wide(old + new):
        return None
    runs: list[tuple[int, int]] = []
    for index, (a, b) in enumerate(zip(old, new)):
        if a != b:
            if runs and index - runs[-1][1] <= MERGE_GAP:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
    return runs


def _has_wide(text: str) -> bool:
    from rich.cells import cell_len

    return cell_len(text) != len(text)


def changed_regions(old: Text, new: Text) -> list[Region] | None:
    """Regions (in content coordinates) that differ between two texts of the same shape and styling; None when
    the shape or the styling changed, and the whole widget must be repainted."""
    if old.spans != new.spans or old.style != new.style:
        return None
    old_lines, new_lines = old.plain.split("\n"), new.plain.split("\n")
    if len(old_lines) != len(new_lines):
        return None
    regions = []
    for y, (before, after) in enumerate(zip(old_lines, new_lines)):
        runs = changed_columns(before, after)
        if runs is None:
            return None
        regions.extend(Region(start, y, end - start, 1) for start, end in runs)
    return regions


class TextLine(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()

    def render(self) -> Text:
        return self._text

    def set(self, text: Text | str) -> None:
        text = Text(text) if isinstance(text, str) else text
        if text.plain == self._text.plain and text.spans == self._text.spans and text.style == self._text.style:
            return
        regions = changed_regions(self._text, text) if self.is_mounted and self._text.plain else None
        self._text = text
        if regions is None:
            self.refresh()
            return
        self.refresh(*regions)  # content coordinates: Widget.refresh adds the padding and border itself

    update = set  # the Static-style name, for the detail lines

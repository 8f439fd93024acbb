"""The checklist's rows: a line-API widget that draws only the rows on screen.

Textual's `Tree` builds a node object, a label and a tree line for every item whenever it is rebuilt, so a
search keystroke or an owner filter cost time in proportion to the whole plan (375 ms p95 on the bundled plan
under load; tens of seconds at 100,000 items). Here a rebuild is a flat list of `Row`s (built once per plan,
reused by every filter); a row's label is made only when the row scrolls into view, and a cursor move
repaints the two rows it leaves and enters. Folding hides a section's rows from the flat list.
"""

from __future__ import annotations

from typing import Callable, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

INDENT = 2  # cells per level
STRIPS_KEPT = 2_000  # drawn rows kept across filters before the cache starts again


class Row:
    """One line of the checklist: a checklist file, a section, or an item. `data` is (kind, key) as the pane
    and the app use it; `label` is made on demand by the widget that shows the row."""

    __slots__ = ("kind", "key", "depth", "foldable", "expanded", "_labeler")

    def __init__(self, kind: str, key, labeler: Callable[["Row"], Text]) -> None:
        self.kind = kind
        self.key = key
        self.depth = 0
        self.foldable = kind != "task"
        self.expanded = True
        self._labeler = labeler

    @property
    def data(self) -> tuple:
        return self.kind, self.key

    @property
    def label(self) -> Text:
        return self._labeler(self)

    def expand(self) -> None:
        self.expanded = True


class ChecklistTree(ScrollView, can_focus=True):
    """Rows under a cursor: space ticks an item (or folds a section), enter folds."""

    BINDINGS = [
        Binding("space", "toggle_item", "Tick"),
        Binding("enter", "toggle_node", "Fold", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"checklist--cursor", "checklist--guides"}
    DEFAULT_CSS = """
    ChecklistTree {
        /* The scrollbar stays (an empty track when every row fits): a search that leaves fewer rows than the
           pane holds would otherwise hide it, and showing or hiding a scrollbar re-lays the whole screen out
           (the 200 probe panels too) and redraws every row at a new width, for the next keys as well. */
        overflow-y: scroll;
        background: $surface;
        color: $foreground;
        & > .checklist--guides { color: $surface-lighten-2; }
        & > .checklist--cursor {
            text-style: $block-cursor-blurred-text-style;
            background: $block-cursor-blurred-background;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .checklist--cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    class ToggleRequested(Message):
        def __init__(self, item_id: str) -> None:
            self.item_id = item_id
            super().__init__()

    class Highlighted(Message):
        """The cursor moved to another row (or the rows changed under it)."""

    class FoldChanged(Message):
        """A row was folded or unfolded: the pane recomputes which rows show."""

        def __init__(self, row: Row) -> None:
            self.row = row
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[Row] = []
        self._cursor = -1
        # (row, folded open) -> the row drawn (without the cursor), kept across filters: a search keystroke
        # shows rows that were on screen a key before, and their labels are not made again. Cleared when labels
        # change (redraw), on resize and on a new style.
        self._strips: dict[tuple[Row, bool], Strip] = {}
        self._frame_styles: tuple[Style, Style] | None = None  # (base, cursor) while a frame is drawn
        self._strips_width = 0

    # ------------------------------------------------------------------ rows

    def set_rows(self, rows: list[Row], keep: Row | None = None) -> None:
        """Show these rows; the cursor stays on `keep` if it is among them (else on the nearest line)."""
        self.rows = rows
        if len(self._strips) > STRIPS_KEPT:  # a big plan scrolled through: keep memory bounded
            self._strips.clear()
        self._resize_content(Size(self.scrollable_content_region.width or self.size.width, len(rows)))
        line = self.line_of(keep)
        if line >= 0:
            self._cursor = line
        elif not rows:
            self._cursor = -1
        else:
            self._cursor = min(self._cursor, len(rows) - 1)
        self.refresh()
        self.post_message(self.Highlighted())

    def _resize_content(self, size: Size) -> None:
        """Scroll over `size` from now on. `virtual_size` is a layout reactive: set plainly, each search keystroke
        re-arranged every widget on the screen (the 200 probe panels too) for a pane whose own size does not
        change. Here only the scrollbars follow (Textual's own step after a layout); they re-lay the screen out
        themselves when one shows or hides."""
        if size != self.virtual_size:
            self.set_reactive(ChecklistTree.virtual_size, size)
            self._scroll_update(size)

    def redraw(self) -> None:
        """Labels changed (ticks, notes, theme, width): draw the rows on screen again."""
        self._strips.clear()
        self.refresh()

    @property
    def cursor_line(self) -> int:
        return self._cursor

    @property
    def cursor_node(self) -> Row | None:
        return self.rows[self._cursor] if 0 <= self._cursor < len(self.rows) else None

    def line_of(self, row: Row | None) -> int:
        """Where the row is shown, -1 when it is not (filtered out or folded away). A lookup, not a field kept
        on every row: a filter would otherwise touch all 100,000 rows to say which are gone."""
        if row is None:
            return -1
        try:
            return self.rows.index(row)  # identity first: a scan in C
        except ValueError:
            return -1

    def move_cursor(self, row: Row | None) -> None:
        line = self.line_of(row)
        if line >= 0:
            self._move_to(line)

    def _move_to(self, line: int) -> None:
        if not self.rows:
            return
        line = max(0, min(line, len(self.rows) - 1))
        old, self._cursor = self._cursor, line
        if old != line:
            if old >= 0:
                self.refresh_line(old)
            self.refresh_line(line)
            self.post_message(self.Highlighted())
        self.scroll_to_region(Region(0, line, 1, 1), animate=False, force=True, immediate=True)

    # ------------------------------------------------------------------ drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        """Look the widget's styles up once per frame, not once per line: `rich_style` walks every ancestor."""
        self._frame_styles = (self.rich_style, self.get_component_rich_style("checklist--cursor"))
        width = self.scrollable_content_region.width
        if width != self._strips_width:  # a scrollbar came or went: the rows are drawn to the new width
            self._strips.clear()
            self._strips_width = width
        try:
            return super().render_lines(crop)
        finally:
            self._frame_styles = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        base, cursor = self._frame_styles or (self.rich_style, self.get_component_rich_style("checklist--cursor"))
        if not 0 <= line < len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[line]
        strip = self._strips.get((row, row.expanded))
        if strip is None:
            strip = self._strips[row, row.expanded] = self._draw(row, width, base)
        if line == self._cursor:
            strip = strip.apply_style(cursor)
        return strip.crop(scroll_x, scroll_x + width)

    def _draw(self, row: Row, width: int, base: Style) -> Strip:
        icon = ("▼ " if row.expanded else "▶ ") if row.foldable else ""
        guides = base + self.get_component_rich_style("checklist--guides", partial=True)
        segments = [Segment(" " * (INDENT * row.depth) + icon, guides)]
        segments.extend(Segment.apply_style(row.label.render(self.app.console, end=""), base))
        return Strip(segments).crop_extend(0, width, base)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        self._strips.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # ------------------------------------------------------------------ keys

    def action_cursor_up(self) -> None:
        self._move_to(self._cursor - 1 if self._cursor > 0 else 0)

    def action_cursor_down(self) -> None:
        self._move_to(self._cursor + 1)

    def action_page_up(self) -> None:
        self._move_to(self._cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._move_to(self._cursor + max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.rows) - 1)

    def action_toggle_item(self) -> None:
        row = self.cursor_node
        if row is None:
            return
        if row.kind == "task":
            self.post_message(self.ToggleRequested(row.key))
        else:
            self.action_toggle_node()

    def action_toggle_node(self) -> None:
        row = self.cursor_node
        if row is not None and row.foldable:
            row.expanded = not row.expanded
            self.post_message(self.FoldChanged(row))

    def _on_click(self, event) -> None:
        line = self.scroll_offset.y + event.y
        if 0 <= line < len(self.rows):
            if line == self._cursor and event.chain > 1:
                self.action_toggle_item()
            self._move_to(line)

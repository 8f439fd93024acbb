"""Text in a box whose height never depends on the text: updating it repaints only the cells that changed.

A `Static.update` asks Textual for a new layout of the whole screen, since new text may need another size.
Lines that change every second (the header's clocks, the count bar, probe figures) have a fixed height set in
the stylesheet, so they need no layout; and when only some characters changed (a clock's seconds) only those
cells are repainted, so an idle cockpit writes a few bytes a second to the terminal, not whole lines.

Each line is also rendered on its own and kept: a Widget renders all of its lines again whenever any cell is
dirty, and the count bar's three 170-column lines cost about a millisecond every second for one changed digit.
Here only a line whose text changed is rendered again, by the same Textual call for that one line. When a line
would not render alone as it does in the whole (it is wider than the widget and would wrap or be cut, text is
selected, the content is not aligned to the top), the whole text is rendered as a Widget does.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, visualize
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


def _segments(line: Text, console) -> list[Segment]:
    """Rich's segments of one line, its own style included (Rich leaves it to the caller when it has no spans)."""
    if not line.spans:
        return [Segment(line.plain, console.get_style(line.style) if line.style else None)]
    return list(line.render(console, end=""))


def _plain_style(style) -> bool:
    """A style with no link and no meta (Textual turns those into link styles and actions)."""
    if isinstance(style, str):
        return "link" not in style
    return not style.link and not style._meta


def _same(a: Text, b: Text) -> bool:
    return a.plain == b.plain and a.spans == b.spans and a.style == b.style


class TextLine(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()
        self._lines: list[Text] = [Text()]
        self._strips: dict[int, Strip] = {}  # rendered lines, by y, for _strips_for
        self._strips_for: tuple | None = None  # (width, visual style) they were rendered at

    def render(self) -> Text:
        return self._text

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        if not self._lines_render_alone(width, height):
            self._strips.clear()
            return super().render_line(y)
        key = (width, self.visual_style)
        if key != self._strips_for:
            self._strips.clear()
            self._strips_for = key
        strip = self._strips.get(y)
        if strip is None:
            if y >= len(self._lines):  # below the text: as a Widget draws it
                strip = Strip.blank(width, self.visual_style.rich_style)
            elif self._renders_plainly(self._lines[y]):
                # Rich's own segments under the widget's style: what Textual's Content path draws for such a
                # line (tests/functional/test_text_line.py), at a fifth of its cost (46 vs 237 us a line).
                strip = Strip(_segments(self._lines[y], self.app.console))
                strip = strip.apply_style(self.visual_style.rich_style).apply_offsets(0, y)
            else:
                strip = Visual.to_strips(self, visualize(self, self._lines[y]), width, 1, self.visual_style)[0]
                if y:  # the mouse and selection offsets of line y, as the whole text's render has them
                    strip = strip.apply_offsets(0, y)
            self._strips[y] = strip
        return strip

    def _renders_plainly(self, line: Text) -> bool:
        """A left-aligned line without tabs, links or meta: one Textual draws as Rich's segments under the
        widget's style. Anything else (a link, an action, a justified or right-aligned line) goes Textual's way."""
        if self.styles.content_align_horizontal != "left" or line.justify not in (None, "default", "left"):
            return False
        if not line.plain or "\t" in line.plain:
            return False
        return all(_plain_style(style) for style in (line.style, *(span.style for span in line.spans)))

    def _lines_render_alone(self, width: int, height: int) -> bool:
        return (len(self._lines) <= height and self.text_selection is None
                and self.styles.content_align_vertical == "top"
                and all(line.cell_len <= width for line in self._lines))

    def set(self, text: Text | str) -> None:
        text = Text(text) if isinstance(text, str) else text
        if _same(text, self._text):
            return
        regions = changed_regions(self._text, text) if self.is_mounted and self._text.plain else None
        self._text = text
        lines = list(text.split("\n", allow_blank=True)) or [Text()]
        for y, line in enumerate(lines):
            if y >= len(self._lines) or not _same(line, self._lines[y]):
                self._strips.pop(y, None)
        for y in range(len(lines), len(self._lines)):
            self._strips.pop(y, None)
        self._lines = lines
        if regions is None:
            self.refresh()
            return
        self.refresh(*regions)  # content coordinates: Widget.refresh adds the padding and border itself

    update = set  # the Static-style name, for the detail lines

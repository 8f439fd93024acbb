"""Send only the changed cells of a partly repainted line, not the line from the widget's left edge.

Textual composes a screen line from "chops", one per widget crossing it, and a partial update writes each
chop that touches a changed span from the chop's START (the widget's left edge) to the span's end
(`ChopsUpdate.render_segments`, whose own comment says "TODO: crop to x extents"). A widget that repaints
one cell at its right end still sent its whole line: the T-clock's seconds digit sent all three lines of big
digits, the wall clock's seconds the whole "WALL    16:00:49" line, every second for 28 hours, through SSH
and tmux. This crops each chop to the changed span on the left too, so the cells sent are those that changed
(widgets already refresh only the regions that changed: text_line.py, big_clock.py, quiet_table.py).

A cut never falls inside a wide (two-cell) character: the crop then starts at that character, as Textual
would. Installed once, when the cockpit's app module is imported; a Textual without `ChopsUpdate` or with a
different `render_segments` signature is left alone.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.control import Control
from textual.strip import Strip

try:  # a private module: a later Textual may move it, and then its own rendering stays as it is
    from textual._compositor import ChopsUpdate
except ImportError:  # pragma: no cover - depends on the installed Textual
    ChopsUpdate = None


def left_edge(strip: Strip, x: int, x1: int) -> int:
    """The column where a chop starting at `x` should start being sent so that `x1` is included: `x1` itself,
    or the start of a wide character that `x1` falls inside."""
    for segment in strip:
        width = cell_len(segment.text)
        if x + width > x1:
            if width == len(segment.text):  # one cell per character: cut anywhere
                return x1
            for char in segment.text:  # find the character that holds x1
                char_width = cell_len(char)
                if x + char_width > x1:
                    return x
                x += char_width
            return x
        x += width
    return x1


def render_segments(self, console) -> str:
    """`ChopsUpdate.render_segments`, with each chop cropped to the changed span on the left as well."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = self.chops[y]
        for end, (x, strip) in zip(self.chop_ends[y], line.items()):
            if strip is None or x > x2 or end <= x1:
                continue
            if x1 <= x and end <= x2:  # the whole chop changed
                append(move_to(x, y).segment.text)
                append(strip.render(console))
                continue
            start = x if x >= x1 else left_edge(strip, x, x1)
            strip = strip.crop(start - x, min(end, x2) - x)
            append(move_to(start, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def install() -> bool:
    """Use the cropping `render_segments` from now on (idempotent); False when this Textual has no ChopsUpdate."""
    if ChopsUpdate is None or not hasattr(ChopsUpdate, "render_segments"):
        return False
    ChopsUpdate.render_segments = render_segments
    return True

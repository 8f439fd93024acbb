"""A partly repainted line sends only its changed cells (tui/partial_update.py): Textual sent a widget's line
from the widget's left edge, so a clock's seconds digit sent the whole line every second."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from launchpad.tui import partial_update


def sent(text: str, x1: int, x2: int) -> str:
    """What goes to the terminal when the cells x1..x2 of a one-widget line showing `text` changed."""
    strip = Strip([Segment(text, Style(bold=True))])
    update = ChopsUpdate([{0: strip}], [(0, x1, x2)], [[strip.cell_length]])
    return update.render_segments(Console(color_system="truecolor", force_terminal=True, width=80))


def test_only_the_changed_cells_go_out():
    assert partial_update.install()
    out = sent("WALL    16:00:49 UTC", 15, 16)  # the seconds' last digit
    assert "\x1b[1;16H" in out  # the cursor goes to the changed column (1-based)...
    assert "9" in out and "WALL" not in out and "16:00" not in out and "UTC" not in out  # ...and writes it alone


def test_a_whole_changed_line_and_a_span_at_the_start_are_sent_as_before():
    partial_update.install()
    assert "WALL    16:00:49 UTC" in sent("WALL    16:00:49 UTC", 0, 20)
    out = sent("WALL    16:00:49 UTC", 0, 4)
    assert "\x1b[1;1H" in out and "WALL" in out and "16" not in out


def test_a_cut_never_splits_a_wide_character():
    partial_update.install()
    out = sent("日本語 ok", 3, 4)  # column 3 is the right half of 本 (columns 2-3)
    assert "\x1b[1;3H" in out and "本" in out and "日" not in out and "語" not in out

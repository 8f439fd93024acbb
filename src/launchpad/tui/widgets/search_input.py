"""An Input whose typing repaints only itself, without a new layout of the whole screen.

Textual's `Input` sets its `virtual_size` (its text's width, the range it scrolls over) on every change, and
`Widget.virtual_size` is a layout reactive: each keystroke re-arranged every widget on the screen, the 200
probe panels included, for a one-line box whose own size never changes (its height and width are set in CSS).
Here the same value is kept as a repaint-only reactive: the Input still scrolls over the right range (its
`max_scroll_x` reads `virtual_size`), and the rest of the screen is left where it is.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchInput(Input):
    """`Input`, with a keystroke costing a repaint of the box rather than a layout of the screen."""

    virtual_size = Reactive(Size(0, 0), layout=False)

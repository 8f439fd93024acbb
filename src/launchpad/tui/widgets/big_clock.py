"""The T-clock in large digits, repainting only the digits that changed.

Textual's `Digits` repaints all of its three lines on every update; the T-clock changes every second, so that
was the biggest share of what an idle cockpit sent to the terminal. This draws the same glyphs (Textual's
`DigitsRenderable`) and, when the width is unchanged, refreshes only the columns of the changed characters.
"""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.renderables.digits import Digits as DigitsRenderable
from textual.widget import Widget


class BigClock(Widget):
    DEFAULT_CSS = """
    BigClock {
        width: auto;
        height: 3;
    }
    """

    def __init__(self, value: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._value = value

    @property
    def value(self) -> str:
        return self._value

    def render(self) -> DigitsRenderable:
        return DigitsRenderable(self._value, self.rich_style)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return DigitsRenderable.get_width(self._value)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3

    def update(self, value: str) -> None:
        old, self._value = self._value, value
        if old == value:
            return
        if len(old) != len(value) or DigitsRenderable.get_width(old) != DigitsRenderable.get_width(value):
            self.refresh(layout=True)
            return
        changed = [index for index, (a, b) in enumerate(zip(old, value)) if a != b]
        start = DigitsRenderable.get_width(old[: changed[0]])
        end = DigitsRenderable.get_width(old[: changed[-1] + 1])
        self.refresh(Region(start, 0, end - start, 3))  # content coordinates: refresh adds the gutter

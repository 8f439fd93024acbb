"""Text in a box whose height never depends on the text: updating it repaints its own cells only.

A `Static.update` asks Textual for a new layout of the whole screen, since new text may need another size.
Lines that change many times a second (probe figures, the item under the cursor) have a fixed height set
in the stylesheet, so they only need a repaint.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class TextLine(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()

    def render(self) -> Text:
        return self._text

    def set(self, text: Text | str) -> None:
        text = Text(text) if isinstance(text, str) else text
        if text.plain != self._text.plain or text.spans != self._text.spans:
            self._text = text
            self.refresh()

    update = set  # the Static-style name, for the detail lines

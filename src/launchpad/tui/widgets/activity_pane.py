"""The activity log: every journal entry, newest last, with who did what and when.

RichLog wraps a line at the width it renders when the line is written (by default never under 78 columns), so
in a narrower pane, or after a resize, lines lost their end ("All secrets stored in envir"). The pane lets the
log render as narrow as it is, keeps the lines it was given and writes them again, wrapped to the new width,
whenever its size changes.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import RichLog

MAX_LINES = 2000


class ActivityPane(Vertical):
    BORDER_TITLE = "Activity"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines: deque[Text] = deque(maxlen=MAX_LINES)
        self._width = 0

    def compose(self):
        # min_width: RichLog renders at least 78 columns wide by default, and a narrower pane then cut every
        # longer line at its edge instead of wrapping it.
        yield RichLog(id="activity-log", wrap=True, markup=False, highlight=False, max_lines=MAX_LINES, min_width=20)

    def add(self, line: Text) -> None:
        self._lines.append(line)
        self.query_one(RichLog).write(line)

    def on_resize(self) -> None:
        self.call_after_refresh(self._rewrap)

    def _rewrap(self) -> None:
        log = self.query_one(RichLog)
        width = log.scrollable_content_region.width
        if width == self._width or not width:
            return
        self._width = width
        log.clear()
        for line in self._lines:
            log.write(line)

"""The activity log: every journal entry, newest last, with who did what and when."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import RichLog


class ActivityPane(Vertical):
    BORDER_TITLE = "Activity"

    def compose(self):
        yield RichLog(id="activity-log", wrap=True, markup=False, highlight=False, max_lines=2000)

    def add(self, line: Text) -> None:
        self.query_one(RichLog).write(line)

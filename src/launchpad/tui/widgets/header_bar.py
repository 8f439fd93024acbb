"""The top line: launch name, the T-clock countdown, the wall clock, who leads, overall progress."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from launchpad.core.literal import printable
from launchpad.core.offsets import format_clock


class LaunchHeader(Widget):
    """Redrawn once a second by the app. Its size never changes, so it repaints without asking the whole
    screen for a new layout (a `Static.update` would); it never parses its text as markup."""

    DEFAULT_CLASSES = "launch-header"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._text = Text()

    def render(self) -> Text:
        return self._text

    def show(self, *, name: str, t_clock: float, wall: str, lead: str, done: int, total: int,
             session: str, colors: dict[str, str], marker: str = "") -> None:
        """marker: what the count is doing when it is not simply counting ("HOLD", "ROLLBACK")."""
        clock_style = f"bold {colors['warning']}" if t_clock < 0 else f"bold {colors['success']}"
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" " + printable(name) + " ", style="bold")
        text.append(" ")
        text.append(format_clock(t_clock), style=clock_style)
        if marker:
            text.append(" ")
            text.append(f" {marker} ", style=f"bold #ffffff on {colors['error']}")
        text.append("  ")
        text.append(wall)
        text.append("   lead ", style="dim")
        text.append(printable(lead), style="bold")
        text.append(f"   {done}/{total} done", style="dim")
        if session:
            text.append("   " + printable(session), style="dim italic")
        if text.plain != self._text.plain or text.spans != self._text.spans:
            self._text = text
            self.refresh()

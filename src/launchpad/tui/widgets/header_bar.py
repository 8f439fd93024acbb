"""The top line: launch name, the T-clock countdown, the wall clock, who leads, overall progress."""

from __future__ import annotations

from rich.text import Text

from launchpad.core.literal import printable
from launchpad.core.plan.offsets import format_clock
from launchpad.tui.widgets.fit import ellipsize
from launchpad.tui.widgets.text_line import TextLine

WHY_WIDTH = 32  # the reason's share of an 80-column line: the wall clock and who leads still fit after it


class LaunchHeader(TextLine):
    """Redrawn once a second by the app. Its size never changes, so it repaints without asking the whole
    screen for a new layout (a `Static.update` would), only the cells that changed; it never parses its text
    as markup."""

    DEFAULT_CLASSES = "launch-header"

    def show(self, *, name: str, t_clock: float, wall: str, lead: str, done: int, total: int,
             session: str, colors: dict[str, str], marker: str = "", why: str = "") -> None:
        """marker: what the count is doing when it is not simply counting ("HOLD", "ROLLBACK"); why: the hold's
        reason, said here where the screen is too narrow for the count bar that says it otherwise."""
        clock_style = f"bold {colors['warning']}" if t_clock < 0 else f"bold {colors['success']}"
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" " + printable(name) + " ", style="bold")
        # Where the count bar shows (wide screens) the big T-clock and the wall clock stand right below: the
        # header leaves them out, so an idle cockpit repaints one clock a second, not three.
        clocks_below = self.is_mounted and not self.screen.has_class("-narrow")
        if not clocks_below:
            text.append(" ")
            text.append(format_clock(t_clock), style=clock_style)
        if marker:
            text.append(" ")
            text.append(f" {marker} ", style=f"bold #ffffff on {colors['error']}")
            if why and not clocks_below:
                text.append(" ")
                text.append_text(ellipsize(Text(printable(why), style=f"bold {colors['error']}"), WHY_WIDTH))
        if not clocks_below:
            text.append("  ")
            text.append(wall)
        text.append("   lead ", style="dim")
        text.append(printable(lead), style="bold")
        text.append(f"   {done}/{total} done", style="dim")
        if session:
            text.append("   " + printable(session), style="dim italic")
        self.set(text)

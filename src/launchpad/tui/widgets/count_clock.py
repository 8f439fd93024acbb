"""The two clocks where there is room: the T-clock in large digits (BigClock: Textual's digit glyphs), the wall clock, and
what the count is doing (counting, holding and why, which attempt, rollback). Hidden on narrow screens,
where the one-line launch header carries both clocks."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal

from launchpad.core.literal import printable
from launchpad.core.plan.offsets import format_clock, format_offset
from launchpad.tui.widgets.big_clock import BigClock
from launchpad.tui.widgets.text_line import TextLine


def _elapsed(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class CountClock(Horizontal):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._digits = ""
        self._info: tuple = ()

    def compose(self):
        yield BigClock("", id="t-digits")
        yield TextLine(id="count-info")  # fixed height (3): a new second repaints these cells, no layout

    def show(self, *, t_clock: float, wall: str, hold, hold_seconds: float, attempt: int, expected_t0: str,
             next_hold, rollback, colors: dict[str, str]) -> None:
        """hold: core.count.Hold or None; next_hold: the next PlannedHold ahead or None; rollback: ModeState
        when in rollback mode, else None."""
        digits = format_clock(t_clock)[1:]  # Digits draws -, +, 0-9 and : (no T)
        if digits != self._digits:
            self._digits = digits
            self.query_one(BigClock).update(digits)
        self.set_class(hold is not None, "-holding")
        self.set_class(t_clock >= 0 and hold is None, "-positive")
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append("T-CLOCK ", style="dim")
        if hold is not None:
            info.append(" HOLDING ", style=f"bold #ffffff on {colors['error']}")
            info.append(f" {_elapsed(hold_seconds)} ", style=f"bold {colors['error']}")
            info.append(printable(hold.reason))
            if hold.actor:
                info.append(f" · {printable(hold.actor)}", style="dim")
        else:
            info.append("counting", style=f"bold {colors['success']}")
            if next_hold is not None:
                info.append(f" · planned hold at {format_offset(next_hold.at)} ({next_hold.duration // 60}m)", style="dim")
        info.append("\n")
        info.append("WALL    ", style="dim")
        info.append(wall, style="bold")
        info.append(f" · T-0 expected {expected_t0}", style="dim")
        info.append("\n")
        if rollback is not None:
            info.append(" ROLLBACK ", style=f"bold #ffffff on {colors['error']}")
            info.append(f" {rollback} ", style=f"bold {colors['error']}")
        info.append(f"attempt {attempt}", style="bold" if attempt > 1 else "dim")
        key = (info.plain, tuple(info.spans))
        if key != self._info:
            self._info = key
            self.query_one("#count-info", TextLine).set(info)

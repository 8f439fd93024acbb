"""Rollback mode's checklist: the plan's rollback steps in order, a clock since the rollback began, and the
highlighted step's shell command one key away from the clipboard.

space ticks the highlighted step (a checklist item, or a plain numbered step), y copies its command with
OSC 52 and, inside tmux, into tmux's paste buffer too (tui/clipboard.py).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from launchpad.core.literal import printable
from launchpad.tui.clipboard import copy_text
from launchpad.tui.widgets.on_demand import OnDemand
from launchpad.tui.widgets.table_cursor import highlighted_key


def format_elapsed(seconds: float) -> str:
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


class RollbackPane(OnDemand, Vertical):
    BORDER_TITLE = "Rollback"
    BINDINGS = [
        Binding("space", "toggle_step", "Tick step"),
        Binding("y", "copy_command", "Copy command"),
    ]

    class StepToggled(Message):
        def __init__(self, step_id: str) -> None:
            self.step_id = step_id
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.steps: tuple = ()
        self._layout: tuple = ()

    def parts(self):  # built on demand (widgets/on_demand.py): hidden until a rollback
        yield Static(id="rollback-clock")
        table = DataTable(id="rollback-table", cursor_type="row")
        table.add_column("#", key="number", width=3)
        table.add_column("", key="done", width=3)
        table.add_column("Step", key="text")
        yield table
        yield Static(id="rollback-detail", classes="detail")

    @property
    def table(self) -> DataTable:
        self.build()
        return self.query_one(DataTable)

    def draw(self, steps: tuple, done: set[str], mode, now: datetime, colors: dict[str, str]) -> None:
        """steps: core.rollback.RollbackStep; done: ids of steps done; mode: core.rollback.ModeState."""
        elapsed = int((now - mode.since).total_seconds()) if mode.rollback and mode.since else None
        signature = (steps, frozenset(done), mode, elapsed, tuple(sorted(colors.items())))
        if signature == getattr(self, "_signature", None):
            return  # called every second: nothing shown changed
        self._signature = signature
        self.steps = steps
        self.palette = colors
        clock = Text(no_wrap=True, overflow="ellipsis")
        if mode.rollback and mode.since is not None:
            clock.append(" ROLLBACK ", style=f"bold #ffffff on {colors['error']}")
            clock.append(f" {format_elapsed((now - mode.since).total_seconds())} ", style=f"bold {colors['error']}")
            clock.append(f"since {mode.since:%H:%M:%S} UTC by {printable(mode.actor)}", style="dim")
            if mode.reason:
                clock.append(f" · {printable(mode.reason)}")
        else:
            clock.append("Rollback steps (X declares a rollback)", style="dim")
        finished = sum(1 for step in steps if step.id in done)
        clock.append(f"   {finished}/{len(steps)} done", style=f"bold {colors['success']}" if steps and finished == len(steps) else "dim")
        self.query_one("#rollback-clock", Static).update(clock)
        table = self.table
        layout = tuple(step.id for step in steps)
        cells = {}
        for step in steps:
            ticked = step.id in done
            text = Text(printable(step.text), style="dim" if ticked else "")
            if step.commands:
                text.append("  $", style=f"bold {colors['accent']}")
            cells[step.id] = (Text(f"{step.number}.", style="bold"),
                              Text("[x]" if ticked else "[ ]", style=f"bold {colors['success']}" if ticked else "bold"), text)
        if layout != self._layout:
            cursor = table.cursor_row
            table.clear()
            for step in steps:
                table.add_row(*cells[step.id], key=step.id)
            self._layout = layout
            if table.row_count:
                table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))
        else:
            for step_id, values in cells.items():
                for column, value in zip(("number", "done", "text"), values):
                    table.update_cell(step_id, column, value)
        if not steps:
            self.query_one("#rollback-detail", Static).update(Text(
                "This plan has no rollback steps: set rollback_section in [launch], or add a numbered list under a "
                "“Rollback” heading.", style="dim"))
        else:
            self._show_detail()

    def highlighted_step(self):
        key = highlighted_key(self.table)
        return next((step for step in self.steps if step.id == key), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        step = self.highlighted_step()
        detail = self.query_one("#rollback-detail", Static)
        if step is None:
            detail.update("")
            return
        text = Text(no_wrap=False)
        if step.commands:
            text.append("y copies  ", style="dim")
            text.append(printable(" ; ".join(step.commands)), style=f"bold {self.palette['accent']}")
        else:
            text.append("no shell command in this step", style="dim")
        text.append("   space ticks the step", style="dim")
        detail.update(text)

    def action_toggle_step(self) -> None:
        step = self.highlighted_step()
        if step is None:
            self.app.bell()
            return
        self.post_message(self.StepToggled(step.id))

    def action_copy_command(self) -> None:
        step = self.highlighted_step()
        if step is None or not step.commands:
            self.app.bell()
            self.notify("This step has no shell command to copy.", timeout=3)
            return
        copy_text(self.app, step.command, step.commands[0] + (" …" if len(step.commands) > 1 else ""))

"""The launch timeline: each step at its T-offset, its owner, its state, a now-marker; late steps stand out."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from launchpad.core.literal import printable
from launchpad.core.plan.offsets import format_clock, format_offset
from launchpad.core.plan.timeline import DONE, DUE, IN_PROGRESS, LATE, PENDING, SKIPPED, STATE_LABELS, format_relative
from launchpad.tui.widgets.fit import ellipsize, flexible_width, set_columns
from launchpad.tui.widgets.quiet_table import QuietTable
from launchpad.tui.widgets.table_cursor import highlighted_key

NOW_KEY = "__now__"
COLUMNS = (("T", "at"), ("Step", "title"), ("Owner", "owner"), ("State", "state"), ("When", "when"))
FIXED = {"at": 7, "owner": 12, "state": 11, "when": 10}  # the step's title takes what is left (tui/widgets/fit.py)
TITLE_WANTED = 16  # below this the step's name is a guess ("Final sec…"): the Owner column gives up cells first
OWNER_LEAST = 8  # "Backend…": the Owners pane beside it names every role in full
STEP_KEYS = Binding.Group("Step start/done/skip", compact=True)


class TimelinePane(Vertical):
    """A DataTable of events; s/d/x/r set the highlighted step's state (sent to the app as a message)."""

    BORDER_TITLE = "Timeline"
    BINDINGS = [
        # One group in the Footer ("s d x Step start/done/skip"): at 80 columns three labels pushed Quit off it.
        Binding("s", "set_state('in_progress')", "Start step", group=STEP_KEYS),
        Binding("d", "set_state('done')", "Step done", group=STEP_KEYS),
        Binding("x", "set_state('skipped')", "Skip step", group=STEP_KEYS),
        Binding("r", "set_state('pending')", "Reset step", show=False),
    ]

    class StateRequested(Message):
        def __init__(self, event_id: str, state: str) -> None:
            self.event_id = event_id
            self.state = state
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._layout: tuple = ()
        self._owner_names: dict[str, str] = {}

    def compose(self):
        table = QuietTable(id="timeline-table", cursor_type="row", zebra_stripes=False)
        set_columns(table, COLUMNS, FIXED)
        yield table
        empty = Static(id="timeline-empty", classes="empty-note")
        empty.display = False
        yield empty

    @property
    def table(self) -> QuietTable:
        """The pane's one table, found once: a query per cell was 40 % of the once-a-second tick."""
        table = getattr(self, "_table", None)
        if table is None or table.parent is not self:
            table = self._table = self.query_one(QuietTable)
        return table

    def on_resize(self) -> None:
        self.call_after_refresh(self._reshow)  # once the layout has settled: the table's size follows the pane's

    def _reshow(self) -> None:
        if getattr(self, "_last_shown", None) is not None:
            self._signature = None  # the widths follow the new size
            self.show(*self._last_shown)

    def show(self, rows, now: float, owner_names: dict[str, str], colors: dict[str, str], holds=()) -> None:
        """`rows`: core.timeline rows at T-clock `now`; `holds`: (PlannedHold, "planned" | "holding" | "done")
        pairs, drawn as rows among the steps."""
        self._last_shown = (rows, now, owner_names, colors, holds)
        # What the table shows moves by the minute: building its 50 cells every second to find nothing changed
        # was a third of the once-a-second tick.
        signature = (tuple((row.event, row.state, format_relative(row.due_in)) for row in rows),
                     tuple((hold, state, format_relative(hold.at - now)) for hold, state in holds),
                     format_clock(now)[:-3], tuple(owner_names.items()), tuple(colors.items()), self.size.width)
        if signature == getattr(self, "_signature", None):
            return
        self._signature = signature
        table = self.table
        widths = self._widths(rows, owner_names, holds)
        title_width = widths["title"]
        empty = self.query_one("#timeline-empty", Static)
        if empty.display != (not rows):  # set once: an update every second would re-lay the whole screen
            empty.display = not rows
            empty.update(Text("This plan has no timeline. Add [[event]] tables to a TOML plan, or a "
                              "Time | Action | Owner table to a Markdown one.") if not rows else "")
        styles = {LATE: f"bold {colors['error']}", IN_PROGRESS: f"bold {colors['accent']}",
                  DONE: colors["success"], SKIPPED: "dim", PENDING: "", DUE: f"bold {colors['warning']}"}
        cells = {}
        order = []  # (T-offset, holds before steps at the same offset, key)
        for row in rows:
            event = row.event
            style = styles[row.state]
            owner = printable(owner_names.get(event.owner, event.owner or "—"))
            label = STATE_LABELS[row.state]
            if row.state == LATE:
                label = "▲ LATE"
            cells[event.id] = (
                Text(format_offset(event.at), style="bold" if row.state == LATE else ""),
                ellipsize(Text(printable(event.title), style=style if row.state in (LATE, DONE, SKIPPED) else ""),
                          title_width),
                ellipsize(Text(owner, style="dim" if row.state in (DONE, SKIPPED) else ""), widths["owner"]),
                Text(label, style=style),
                Text(format_relative(row.due_in) if row.state not in (DONE, SKIPPED) else "", style="dim"),
            )
            order.append((event.at, 1, event.id))
        for hold, state in holds:
            key = f"hold:{hold.id}"
            style = {"holding": f"bold {colors['warning']}", "done": "dim"}.get(state, "italic")
            minutes = f"{hold.duration // 60}m" if hold.duration % 60 == 0 else f"{hold.duration}s"
            label = printable(hold.label)
            label = label if len(label) <= 18 else label[:17] + "…"  # the header names its exit condition
            cells[key] = (
                Text(format_offset(hold.at), style="dim"),
                ellipsize(Text(f"‖ {label} ({minutes})", style=style), title_width),
                Text("count", style="dim"),
                Text({"holding": "HOLDING", "done": "held"}.get(state, "planned"), style=style),
                Text(format_relative(hold.at - now) if state == "planned" else "", style="dim"),
            )
            order.append((hold.at, 0, key))
        order.sort()
        keys = [key for _, _, key in order]
        marker = next((position for position, (at, _, _) in enumerate(order) if at > now), len(order))
        layout = tuple(keys) + (marker, title_width, widths["owner"])
        now_cells = (Text("▶ now", style=f"bold {colors['accent']}"),
                     Text(f"{format_clock(now)[:-3]} ───", style=f"bold {colors['accent']}"),  # to the minute: the clocks carry seconds
                     Text(""), Text(""), Text(""))
        if layout != self._layout:
            cursor_key = self._cursor_key()
            set_columns(table, COLUMNS, widths)
            for position, key in enumerate(keys):
                if position == marker:
                    table.add_row(*now_cells, key=NOW_KEY)
                table.add_row(*cells[key], key=key)
            if marker == len(keys) and keys:
                table.add_row(*now_cells, key=NOW_KEY)
            self._layout = layout
            if cursor_key is not None:
                self._move_cursor(cursor_key)
            return
        for key, values in cells.items():
            for column, value in zip(("at", "title", "owner", "state", "when"), values):
                self._set_cell(key, column, value)
        if keys:
            self._set_cell(NOW_KEY, "title", now_cells[1])

    def _widths(self, rows, owner_names: dict[str, str], holds) -> dict[str, int]:
        """Column widths for this pane's width: the Owner column as wide as its widest name (at most 12), then,
        when the step's name would get fewer than TITLE_WANTED cells, narrower still (down to OWNER_LEAST).
        Owners and holds change rarely, so the widths (and the table's full rebuild) do not move every tick."""
        names = [printable(owner_names.get(row.event.owner, row.event.owner or "—")) for row in rows]
        owner = min(FIXED["owner"], max([len("Owner"), len("count") if holds else 0, *map(len, names)]))
        title = flexible_width(self.size.width, self.table, {**FIXED, "owner": owner}.values())
        give = min(max(0, TITLE_WANTED - title), max(0, owner - OWNER_LEAST))
        return {**FIXED, "owner": owner - give, "title": title + give}

    def _set_cell(self, row: str, column: str, value: Text) -> None:
        """Touch a cell only when what it shows changed: the table is redrawn every second."""
        self.table.set_cell(row, column, value)

    def _cursor_key(self) -> str | None:
        return highlighted_key(self.table)

    def _move_cursor(self, key: str) -> None:
        table = self.table
        try:
            table.move_cursor(row=table.get_row_index(key))
        except Exception:  # the row may be gone after a plan reload
            pass

    def highlighted_event(self) -> str | None:
        key = self._cursor_key()
        return None if key in (None, NOW_KEY) or key.startswith("hold:") else key

    def action_set_state(self, state: str) -> None:
        event_id = self.highlighted_event()
        if event_id is None:
            self.app.bell()
            return
        self.post_message(self.StateRequested(event_id, state))

"""Many probes at a glance: one line per probe instead of a six-line panel each.

A plan with dozens or hundreds of probes would otherwise mount five widgets per probe, and every layout
of the screen would walk them all; this table is one widget on Textual's line API that draws only its visible
rows, and only the rows whose figures changed.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from launchpad.core.literal import one_line, printable
from launchpad.core.probes.probe_status import ProbeStatus
from launchpad.core.probes.triggers import millis
from launchpad.tui.widgets.probe_panel import TRIGGER_SHORT, worst

BARS = "▁▂▃▄▅▆▇█"
STATE_CELLS = {
    "UP": ("▲ UP", "bold #00af00"),
    "DOWN": ("▼ DOWN", "bold #d70000"),
    "PENDING": ("■ …", "bold #d7af00"),
    "STALE": ("◌ STALE", "bold #8a8a8a"),  # the prober stopped writing: old figures, not DOWN
}
BAD = "bold #d70000"
NO_TRIGGER = ("-", "dim")


def trend(latencies, width: int = 10) -> str:
    """A sparkline in text: the last `width` latencies scaled between their own min and max."""
    recent = list(latencies)[-width:]
    if not recent:
        return ""
    low, high = min(recent), max(recent)
    span = (high - low) or 1.0
    return "".join(BARS[min(len(BARS) - 1, int((value - low) / span * (len(BARS) - 1)))] for value in recent)


def _ms(value: float | None) -> str:
    return "-" if value is None else millis(value)


class ProbeTable(ScrollView, can_focus=True):
    """One line per probe, drawn with Textual's line API.

    A result first becomes its row's cells: a tuple of (text, style name) pairs, cheap to build and to compare,
    so a result that changes nothing on screen costs no drawing at all (most of the 200 results a second at
    200 probes). A changed row in view is repainted: its strip is built straight from one Segment per cell,
    each with a rich Style cached per style name over the widget's base style (no rich Text, no render, no
    apply_style per line). The base style (`rich_style`, computed from the CSS of every ancestor on each read),
    the size and the scroll offset are read once per frame (render_lines), and a change of any of them
    (a theme switch, a resize, a horizontal scroll) drops the cached strips and styles."""

    COLUMNS = (("State", 7), ("Probe", 18), ("Trend", 10), ("p50", 7), ("p95", 7), ("Err", 6), ("Fails", 5),
               ("Trigger", 8), ("Last error", 60))

    def __init__(self, names, **kwargs) -> None:
        super().__init__(**kwargs)
        self.names = list(names)
        self._row_of = {name: index for index, name in enumerate(self.names)}
        self._statuses: dict[str, ProbeStatus] = {name: ProbeStatus(name) for name in self.names}
        self._triggers: dict[str, dict[str, object]] = {name: {} for name in self.names}  # probe -> trigger -> state
        self._printable = {name: printable(name) for name in self.names}  # a probe's name never changes
        self._shown: dict[str, tuple] = {}  # probe -> the cells its row shows; absent: built when drawn
        self._strips: dict[str, Strip] = {}  # probe -> its row as drawn for the current base style, width and x
        self._styles: dict[str, Style] = {}  # style name -> that style over the base style
        self._base = Style()
        self._crop = (-1, -1)  # the (width, scroll x) the strips were cropped for
        self._header: Strip | None = None
        self._blank: Strip | None = None
        self._view = (0, 0, 0, 0)  # top row, height, width, scroll x: of the last frame, or of the call (_look)
        self._in_frame = False
        self._width = sum(width + 1 for _, width in self.COLUMNS)

    def on_mount(self) -> None:
        self.virtual_size = Size(self._width, len(self.names) + 1)

    # -- what a row shows ----------------------------------------------------------------------------

    def _cells(self, status: ProbeStatus) -> tuple:
        """What the row shows, as ((text, style name), ...) per column: the key its repaint is decided on."""
        state = STATE_CELLS.get(status.state) or STATE_CELLS["PENDING"]
        rate = "-" if status.error_rate is None else f"{status.error_rate * 100:.3g}%"
        fails = status.consecutive_failures
        triggers = self._triggers.get(status.name)
        worst_trigger = worst(triggers.values()) if triggers else None
        trigger = TRIGGER_SHORT.get(worst_trigger.state, ("?", "")) if worst_trigger else NO_TRIGGER
        return (
            state,
            (self._printable.get(status.name) or printable(status.name), "bold"),
            (trend(status.latencies), "#5fafff"),
            (_ms(status.p50), ""),
            (_ms(status.p95), ""),
            (rate, BAD if status.error_rate else ""),
            (str(fails), BAD if fails else "dim"),
            trigger,
            (one_line(status.last_error or "", 80), "#d70000" if status.state == "DOWN" else "dim"),
        )

    def _line(self, cells) -> Strip:
        """The whole row (uncropped): each cell cut to its column (with an ellipsis), padded, one Segment each."""
        style_of = self._style_of
        segments = []
        for (text, style), (_, width) in zip(cells, self.COLUMNS):
            shown = text if len(text) <= width else text[: width - 1] + "…"
            segments.append(Segment(shown.ljust(width) + " ", style_of(style)))
        return Strip(segments)

    def _style_of(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self._base + Style.parse(name) if name else self._base
        return style

    # -- results -------------------------------------------------------------------------------------

    def show_trigger(self, state) -> None:
        """A trigger's state on one probe: the Trigger column says the worst of them."""
        if state.probe in self._triggers:
            self._triggers[state.probe][state.trigger] = state
            self.show(self._statuses[state.probe])

    def show(self, status: ProbeStatus) -> None:
        """Update one probe's row; repaint it only if what it shows changed and it is in view. A row out of
        view is only marked: it is built when it scrolls in (render_line), not after every attempt. In view
        is judged on the last frame's view: a scroll or resize since then repaints the whole table anyway."""
        name = status.name
        self._statuses[name] = status
        top, height, width, _ = self._view
        y = 1 + self._row_of[name] - top  # the header is line 0
        if not 1 <= y < height:
            if self._shown.pop(name, None) is not None:
                self._strips.pop(name, None)
            return
        cells = self._cells(status)
        if cells == self._shown.get(name):
            return
        self._shown[name] = cells
        self._strips.pop(name, None)
        self.refresh(Region(0, y, width, 1))

    # -- drawing -------------------------------------------------------------------------------------

    def _look(self) -> tuple[int, int, int, int]:
        """Read the base style, size and scroll offset (once per frame), and drop what they made stale."""
        base = self.rich_style  # computed from the CSS of every ancestor on each read
        if base != self._base:  # a theme switch, or another style of this widget or an ancestor
            self._base = base
            self._styles.clear()
            self._crop = (-1, -1)
        size, offset = self.size, self.scroll_offset
        crop = (size.width, offset.x)
        if crop != self._crop:
            self._crop = crop
            self._strips.clear()
            self._header = self._blank = None
        self._view = (offset.y, size.height, size.width, offset.x)
        return self._view

    def render_lines(self, crop: Region) -> list[Strip]:
        self._look()
        self._in_frame = True
        try:
            return super().render_lines(crop)
        finally:
            self._in_frame = False

    def render_line(self, y: int) -> Strip:
        top, _, width, x = self._view if self._in_frame else self._look()
        if y == 0:  # the header stays put while the rows scroll under it
            if self._header is None:
                self._header = self._fit(self._line([(label, "bold") for label, _ in self.COLUMNS]), width, x)
            return self._header
        index = y - 1 + top
        if index >= len(self.names):
            if self._blank is None:
                self._blank = Strip.blank(width, self._base)
            return self._blank
        name = self.names[index]
        strip = self._strips.get(name)
        if strip is None:
            cells = self._shown.get(name)
            if cells is None:  # changed while out of view (show)
                cells = self._shown[name] = self._cells(self._statuses[name])
            strip = self._strips[name] = self._fit(self._line(cells), width, x)
        return strip

    def _fit(self, line: Strip, width: int, offset_x: int) -> Strip:
        return line.crop(offset_x, offset_x + width).adjust_cell_length(width, self._base)

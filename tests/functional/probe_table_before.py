"""main's ProbeTable as it was before branch tablerows (ddc645c), kept unchanged below this docstring.

It is the reference drawing for tests/functional/test_probe_table_rows.py (the new table must draw exactly the
same cells in the same styles) and the same-run baseline of bench/bench_probe_table.py. Not used by launchpad.
"""
from __future__ import annotations

from rich.text import Text
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
    """One line per probe, drawn with Textual's line API: each row is rendered once into a cached strip
    and repainted only when its figures change, so hundreds of live probes cost only the rows that moved
    (a DataTable re-renders every visible row after any cell update)."""

    COLUMNS = (("State", 7), ("Probe", 18), ("Trend", 10), ("p50", 7), ("p95", 7), ("Err", 6), ("Fails", 5),
               ("Trigger", 8), ("Last error", 60))

    def __init__(self, names, **kwargs) -> None:
        super().__init__(**kwargs)
        self.names = list(names)
        self._row_of = {name: index for index, name in enumerate(self.names)}
        self._statuses: dict[str, ProbeStatus] = {name: ProbeStatus(name) for name in self.names}
        self._triggers: dict[str, dict[str, object]] = {name: {} for name in self.names}  # probe -> trigger -> state
        self._texts: dict[str, Text] = {name: self._line(ProbeStatus(name)) for name in self.names}
        self._strips: dict[tuple[str, int], Strip] = {}
        self._width = sum(width + 1 for _, width in self.COLUMNS)

    def on_mount(self) -> None:
        self.virtual_size = Size(self._width, len(self.names) + 1)

    def _line(self, status: ProbeStatus) -> Text:
        label, style = STATE_CELLS.get(status.state, STATE_CELLS["PENDING"])
        rate = "-" if status.error_rate is None else f"{status.error_rate * 100:.3g}%"
        bad = "bold #d70000"
        worst_trigger = worst(self._triggers.get(status.name, {}).values())
        trigger = TRIGGER_SHORT.get(worst_trigger.state, ("?", "")) if worst_trigger else ("-", "dim")
        cells = (
            (label, style),
            (printable(status.name), "bold"),
            (trend(status.latencies), "#5fafff"),
            (_ms(status.p50), ""),
            (_ms(status.p95), ""),
            (rate, bad if status.error_rate else ""),
            (str(status.consecutive_failures), bad if status.consecutive_failures else "dim"),
            trigger,
            (one_line(status.last_error or "", 80), "#d70000" if status.state == "DOWN" else "dim"),
        )
        return self._join(cells)

    def _join(self, cells) -> Text:
        line = Text(no_wrap=True, overflow="crop")
        for (text, style), (_, width) in zip(cells, self.COLUMNS):
            shown = text if len(text) <= width else text[: width - 1] + "…"
            line.append(shown.ljust(width) + " ", style=style)
        return line

    def show_trigger(self, state) -> None:
        """A trigger's state on one probe: the Trigger column says the worst of them."""
        if state.probe in self._triggers:
            self._triggers[state.probe][state.trigger] = state
            self.show(self._statuses[state.probe])

    def show(self, status: ProbeStatus) -> None:
        """Update one probe's line; repaint it only if what it shows changed and it is in view. A line out of
        view is only marked: it is built when it scrolls in (render_line), not after every attempt (with 200
        probes at 1 s, building 200 lines a second of which a screen shows a tenth was the table's main cost)."""
        self._statuses[status.name] = status
        index = self._row_of[status.name]
        y = 1 + index - self.scroll_offset.y  # the header is line 0
        if not 1 <= y < self.size.height:
            if self._texts.pop(status.name, None) is not None:
                self._drop_strips(status.name)
            return
        text = self._line(status)
        old = self._texts.get(status.name)
        if old is not None and old.plain == text.plain and old.spans == text.spans:
            return
        self._texts[status.name] = text
        self._drop_strips(status.name)
        self.refresh(Region(0, y, self.size.width, 1))

    def _drop_strips(self, name: str) -> None:
        for key in [key for key in self._strips if key[0] == name]:
            del self._strips[key]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:  # the header stays put while the rows scroll under it
            header = self._join([(label, "bold") for label, _ in self.COLUMNS])
            return self._strip(header, width, self.scroll_offset.x)
        index = y - 1 + self.scroll_offset.y
        if index >= len(self.names):
            return Strip.blank(width, self.rich_style)
        name = self.names[index]
        key = (name, width + 10_000 * self.scroll_offset.x)
        strip = self._strips.get(key)
        if strip is None:
            text = self._texts.get(name)
            if text is None:  # changed while out of view (show)
                text = self._texts[name] = self._line(self._statuses[name])
            strip = self._strips[key] = self._strip(text, width, self.scroll_offset.x)
        return strip

    def _strip(self, text: Text, width: int, offset_x: int) -> Strip:
        style = self.rich_style  # computed from the CSS on every read: once per line, not twice
        strip = Strip(list(text.render(self.app.console))).apply_style(style)
        return strip.crop(offset_x, offset_x + width).adjust_cell_length(width, style)

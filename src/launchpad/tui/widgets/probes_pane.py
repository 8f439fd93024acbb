"""The column of probe panels, one per `[[probe]]` in the plan, then one metric panel per `[[metric]]`.

Metric views arrive through the same `show(name, ...)` under `metric:NAME` (core.metric_status.METRIC_KEY_PREFIX),
so they share the probes' batched, on-screen-only redraws. Key `e` shows each metric's PromQL and last answer.

A lead must see every probe's key facts (name, state, last latency, error rate, trigger state) without
scrolling, whatever the terminal: the pane gives its panels the tallest of three heights that fits them all
(six-line panels with sparklines, two lines, one line; see probe_panel.py), and picks again when it is resized.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static


PANEL_LIMIT = 16  # more probes than this are shown as one table row each, not one panel each


class ProbesPane(VerticalScroll):
    BORDER_TITLE = "Probes"
    BINDINGS = [Binding("e", "toggle_queries", "PromQL")]

    def __init__(self, probes, metrics=(), triggers=(), **kwargs) -> None:
        super().__init__(**kwargs)
        self.specs = tuple(probes)
        self.metrics = tuple(metrics)
        self.triggers = tuple(triggers)
        self.mode = "full"
        self._panels: dict[str, object] = {}
        self._stale: dict[str, object] = {}  # probe name -> latest status not drawn yet (panel off screen)
        self._table = None  # a ProbeTable instead of panels when the plan has many probes
        self.specs_by_name = {spec.name for spec in self.specs}

    def compose(self):
        yield from self._compose_probes()
        if self.metrics:
            from launchpad.core.probes.metric_status import METRIC_KEY_PREFIX
            from launchpad.tui.widgets.metric_panel import MetricPanel

            for position, spec in enumerate(self.metrics):
                panel = MetricPanel(spec, id=f"metric-{position}")
                self._panels[METRIC_KEY_PREFIX + spec.name] = panel
                yield panel

    def action_toggle_queries(self) -> None:
        """Show or hide the PromQL and the last raw answer of every metric panel."""
        from launchpad.tui.widgets.metric_panel import MetricPanel

        for panel in self.query(MetricPanel):
            panel.toggle_query()

    def _compose_probes(self):
        if not self.specs and self.metrics:
            return
        if not self.specs:
            yield Static(Text("No health probes in this plan. Add [[probe]] tables (name, url, interval) to "
                              "watch the services going live, and [[trigger]] tables for the rollback "
                              "triggers."), classes="empty-note")
            return
        if len(self.specs) > PANEL_LIMIT:
            from launchpad.tui.widgets.probe_table import ProbeTable

            self._table = ProbeTable([spec.name for spec in self.specs], id="probe-table")
            yield self._table
            return
        from launchpad.tui.widgets.probe_panel import ProbePanel

        name_width = max(len(spec.name) for spec in self.specs)
        for position, spec in enumerate(self.specs):
            watching = [trigger for trigger in self.triggers if trigger.probe in (None, spec.name)]
            thresholds = [trigger.above * 1000.0 for trigger in watching if trigger.kind == "response_time"]
            panel = ProbePanel(spec.name, threshold_ms=min(thresholds, default=None), watched=bool(watching),
                               id=f"probe-{position}")
            panel.name_width = name_width
            self._panels[spec.name] = panel
            yield panel

    def show_trigger(self, state) -> None:
        """A trigger's state on one probe: its panel says the worst of them (the banner says what fires)."""
        if self._table is not None and state.probe in self.specs_by_name:
            self._table.show_trigger(state)
            return
        panel = self._panels.get(state.probe)
        if panel is not None and hasattr(panel, "show_trigger"):
            panel.show_trigger(state)

    def fitting_mode(self, height: int) -> str:
        """The tallest panel height at which every panel fits in `height` lines (one line each at worst)."""
        from launchpad.tui.widgets.probe_panel import HEIGHTS

        for mode in ("full", "compact"):
            if HEIGHTS[mode] * len(self._panels) <= height:
                return mode
        return "line"

    def fit_panels(self) -> None:
        if self._table is not None or not self._panels:
            return
        mode = self.fitting_mode(self.content_size.height)
        if mode == self.mode:
            return
        self.mode = mode
        for panel in self._panels.values():
            panel.set_mode(mode)

    def show(self, name: str, status) -> None:
        """Redraw a panel only while it is on screen; the others keep their latest status for later.
        With hundreds of probes this keeps the cockpit's frame time independent of the probe count."""
        if self._table is not None and name in self.specs_by_name:
            self._table.show(status)  # the table draws only its visible rows itself
            return
        panel = self._panels.get(name)
        if panel is None:
            return
        if self._on_screen(panel):
            panel.show(status)
            self._stale.pop(name, None)
        else:
            self._stale[name] = status

    def _on_screen(self, panel) -> bool:
        if not self.display or not self.is_on_screen:
            return False
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        region = panel.virtual_region
        return region.y < top + height and region.bottom > top

    def catch_up(self) -> None:
        """Draw what scrolled or switched into view since the last results."""
        for name, status in list(self._stale.items()):
            panel = self._panels[name]
            if self._on_screen(panel):
                panel.show(status)
                del self._stale[name]

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.call_after_refresh(self.catch_up)

    def on_resize(self) -> None:
        self.fit_panels()
        self.call_after_refresh(self.catch_up)

    def on_show(self) -> None:
        self.call_after_refresh(self.catch_up)

"""One metric's live panel, in the probe panels' style: state badge, value with unit, sparkline, threshold,
trigger state; on demand (key `e` in the probes pane) the PromQL and the last raw answer. Like a probe panel it
has three heights (full, compact: facts line and sparkline, line: facts line), and its bars are in the error
colour only past the trigger's threshold.

The query, label values and Prometheus's answer are outside text: they go through `printable` into rich
Text, never markup, so `{code=~"5.."}` or `[bold]` stay exactly as written.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from launchpad.core.literal import one_line, printable
from launchpad.core.probes.metric_status import MetricStatus, MetricView, format_value
from launchpad.tui.widgets.probe_panel import FittedPanel, worst
from launchpad.tui.widgets.text_line import TextLine
from launchpad.tui.widgets.threshold_bars import ThresholdBars

BADGES = {
    "MEASURED": ("\u25cf MEASURED", "bold #000000 on #00af00"),
    "UNMEASURED": ("? COULD NOT MEASURE", "bold #000000 on #d7af00"),
    "PENDING": ("\u25a0 PENDING", "bold #000000 on #d7af00"),
    "FIRING": ("\u25bc FIRING", "bold #ffffff on #d70000"),
}
TRIGGER_STYLE = {"firing": "bold #d70000", "pending": "bold #d7af00", "insufficient_data": "dim"}
RAW_SHOWN = 600  # characters of the raw answer in the panel


class MetricPanel(FittedPanel, Widget, can_focus=True):
    """Constructed with the metric's spec; `show(view)` redraws it, `toggle_query()` shows the PromQL.
    Focusable, so the probes pane's key `e` works as soon as the pane is shown (key 4)."""

    def __init__(self, spec, *, id: str | None = None):
        super().__init__(id=id)
        self.spec = spec
        self.view = MetricView(spec, MetricStatus(spec.name))
        self.query_shown = False
        self.add_class("-full")
        self._header = TextLine(classes="metric-header")
        self._sparkline = ThresholdBars(classes="metric-sparkline")
        self._figures = TextLine(classes="metric-figures")
        self._triggers = TextLine(classes="metric-triggers")
        self._query = TextLine(classes="metric-query")
        self._render_view()

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._sparkline
        yield self._figures
        yield self._triggers
        yield self._query

    def show(self, view: MetricView) -> None:
        self.view = view
        self._render_view()

    def redraw(self) -> None:
        self._render_view()

    def toggle_query(self) -> None:
        self.query_shown = not self.query_shown
        self._render_view()

    # -- drawing -------------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        if any(state.firing for state in self.view.triggers):
            return "FIRING"
        return self.view.status.state

    def header_text(self) -> Text:
        label, style = BADGES.get(self.state, BADGES["PENDING"])
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {label} ", style=style)
        text.append(" ")
        text.append(printable(self.spec.title), style="bold")
        if self.mode == "full":
            text.append(f"  {self.spec.unit}", style="dim")
            return text
        status = self.view.status  # the facts line: the value and the worst trigger beside the name
        if status.state == "MEASURED" and status.series:
            value = status.series[0].value
            past = value is not None and any(value > threshold for threshold in self.view.thresholds)
            text.append("  ")
            text.append(format_value(value, self.spec.unit), style="bold #d70000" if past else "bold")
        first = worst(self.view.triggers)
        if first is not None:
            text.append(f"  {first.state.replace('_', ' ')}", style=TRIGGER_STYLE.get(first.state, "dim"))
        return text

    def figures_text(self) -> Text:
        status, unit = self.view.status, self.spec.unit
        text = Text(no_wrap=True, overflow="ellipsis")
        if status.state == "MEASURED":
            shown = status.series[:3]
            for index, series in enumerate(shown):
                if index:
                    text.append("  ")
                if series.shown:
                    text.append(printable(series.shown) + " ", style="dim")
                text.append(format_value(series.value, unit), style="bold")
            if len(status.series) > len(shown):
                text.append(f"  +{len(status.series) - len(shown)} series", style="dim")
        elif status.last_error:
            prefix = "" if self.view.followed else "could not measure: "
            text.append(prefix + one_line(status.last_error, 160), style="#d7af00" if not self.view.followed else "dim")
        else:
            text.append("waiting for the first query", style="dim")
        thresholds = [format_value(value, unit) for value in self.view.thresholds]
        if thresholds:
            text.append("\nthreshold ", style="dim")
            text.append(", ".join(thresholds))
            if status.values:
                text.append(f"  min {format_value(min(status.values), unit)} max {format_value(max(status.values), unit)}", style="dim")
        return text

    def triggers_text(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.view.note:
            text.append(printable(self.view.note) + "\n", style="#d7af00")
        if not self.view.triggers:
            text.append("no trigger on this metric" if not self.view.followed else "", style="dim")
            return text
        first = worst(self.view.triggers)
        text.append(f"{first.state.replace('_', ' ')}: ", style=TRIGGER_STYLE.get(first.state, ""))
        text.append(one_line(f"{first.trigger} · {first.message}", 200))
        return text

    def query_text(self) -> Text:
        if not self.query_shown:
            return Text("")
        text = Text()
        text.append("PromQL ", style="dim")
        text.append(printable(self.spec.query))
        text.append(f"\nsource {printable(self.spec.source.shown_address)}", style="dim")
        text.append("\nlast answer ", style="dim")
        raw = self.view.status.last_raw
        text.append(printable(raw[:RAW_SHOWN]) + ("..." if len(raw) > RAW_SHOWN else "") if raw else "(none yet)")
        return text

    def _render_view(self) -> None:
        for state in BADGES:
            self.set_class(self.state == state, f"-{state.lower()}")
        self.set_class(self.query_shown, "-query")
        self._header.set(self.header_text())
        self._sparkline.show(self.view.status.values, threshold=min(self.view.thresholds, default=None))
        self._figures.set(self.figures_text())
        self._triggers.set(self.triggers_text())
        self._query.set(self.query_text())

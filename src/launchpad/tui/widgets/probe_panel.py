"""One probe's live panel: state badge, latency sparkline, p50/p95, error rate, failures, last error.

Six lines, readable at 30 columns. Everything that came from the network (error messages, body
excerpts) goes through `printable` into rich Text, so `[bold red]` stays literal and ESC/BEL are shown
as inert control pictures instead of being run by the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Sparkline

from launchpad.core.literal import one_line, printable
from launchpad.core.probes.probe_status import ProbeStatus
from launchpad.core.probes.triggers import millis
from launchpad.tui.widgets.text_line import TextLine

# Exact xterm-256 colours, so the badge looks the same on 256-colour terminals as on truecolour ones.
BADGES = {
    "UP": ("\u25b2 UP", "bold #000000 on #00af00"),
    "DOWN": ("\u25bc DOWN", "bold #ffffff on #d70000"),
    "PENDING": ("\u25a0 PENDING", "bold #000000 on #d7af00"),
    "STALE": ("\u25cc STALE", "bold #000000 on #8a8a8a"),  # the prober stopped writing: old figures, not DOWN
}


def badge(state: str) -> Text:
    label, style = BADGES.get(state, BADGES["PENDING"])
    return Text(f" {label} ", style=style)


def _ms(value: float | None) -> str:
    return "-" if value is None else millis(value)


class ProbePanel(Widget):
    """Constructed with the probe's name; `show(status)` redraws it."""

    def __init__(self, probe_name: str, *, name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        self.probe_name = probe_name
        self.status = ProbeStatus(probe_name)
        self._header = TextLine(classes="probe-header")
        self._sparkline = Sparkline([], classes="probe-sparkline")
        self._figures = TextLine(classes="probe-figures")
        self._error = TextLine(classes="probe-error")
        self._render_status()

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._sparkline
        yield self._figures
        yield self._error

    def show(self, status: ProbeStatus) -> None:
        self.status = status
        self._render_status()

    # -- drawing -------------------------------------------------------------------------------------

    def header_text(self) -> Text:
        text = badge(self.status.state)
        text.append(" ")
        text.append(printable(self.probe_name), style="bold")
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def figures_text(self) -> Text:
        status = self.status
        rate = "-" if status.error_rate is None else f"{status.error_rate * 100:.3g}%"
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("p50 ", style="dim")
        text.append(_ms(status.p50))
        text.append("  p95 ", style="dim")
        text.append(_ms(status.p95))
        text.append("\n")
        text.append("err ", style="dim")
        text.append(rate, style="bold #d70000" if status.error_rate else "")
        text.append("  fails ", style="dim")
        text.append(str(status.consecutive_failures), style="bold #d70000" if status.consecutive_failures else "")
        text.append(f"  n={status.attempts}", style="dim")
        return text

    def error_text(self) -> Text:
        if not self.status.last_error:
            return Text("no errors" if self.status.attempts else "waiting for the first check", style="dim")
        prefix = "last error: " if self.status.state == "UP" else ""
        # Two lines at most: the panel has to stay six lines high.
        return Text(prefix + one_line(self.status.last_error, 120), style="#d70000" if self.status.state == "DOWN" else "dim")

    def _render_status(self) -> None:
        for state in ("UP", "DOWN", "PENDING", "STALE"):
            self.set_class(self.status.state == state, f"-{state.lower()}")
        self._header.set(self.header_text())
        latencies = list(self.status.latencies)
        if latencies != self._sparkline.data:
            self._sparkline.data = latencies
        self._figures.set(self.figures_text())
        self._error.set(self.error_text())

"""The column of probe panels, one per `[[probe]]` in the plan."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


class ProbesPane(VerticalScroll):
    BORDER_TITLE = "Probes"

    def __init__(self, probes, **kwargs) -> None:
        super().__init__(**kwargs)
        self.specs = tuple(probes)
        self._panels: dict[str, object] = {}

    def compose(self):
        if not self.specs:
            yield Static(Text("No health probes in this plan. Add [[probe]] tables (name, url, interval) to "
                              "watch the services going live, and [[trigger]] tables for the rollback "
                              "triggers."), classes="empty-note")
            return
        from launchpad.tui.widgets.probe_panel import ProbePanel

        for position, spec in enumerate(self.specs):
            panel = ProbePanel(spec.name, id=f"probe-{position}")
            self._panels[spec.name] = panel
            yield panel

    def show(self, name: str, status) -> None:
        panel = self._panels.get(name)
        if panel is not None:
            panel.show(status)

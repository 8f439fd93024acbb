"""One probe's live panel, in one of three heights the probes pane picks so every probe's key facts fit on screen:

  full     6 lines: state badge and name; last latency beside the sparkline; p50/p95; error rate/failures;
           trigger state; last error
  compact  2 lines: badge, name and trigger state; last latency and error rate beside the sparkline
  line     1 line:  the facts line (badge, name, last latency, error rate, trigger state)

Bars and figures are in the error colour only when they mean trouble: past the response-time trigger's
threshold, or a failed attempt. Everything that came from the network (error messages, body excerpts) and the
probe's name go through `printable` into rich Text, so `[bold red]` stays literal and ESC/BEL are shown as inert
control pictures instead of being run by the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from launchpad.core.literal import one_line, printable
from launchpad.core.probes.probe_status import ProbeStatus
from launchpad.core.probes.triggers import TriggerState, millis
from launchpad.tui.widgets.text_line import TextLine
from launchpad.tui.widgets.threshold_bars import BAD, ThresholdBars

# Exact xterm-256 colours, so the badge looks the same on 256-colour terminals as on truecolour ones.
BADGES = {
    "UP": ("\u25b2 UP", "bold #000000 on #00af00"),
    "DOWN": ("\u25bc DOWN", "bold #ffffff on #d70000"),
    "PENDING": ("\u25a0 PENDING", "bold #000000 on #d7af00"),
    "STALE": ("\u25cc STALE", "bold #000000 on #8a8a8a"),  # the prober stopped writing: old figures, not DOWN
}
BADGE_WIDTH = len(" \u25cc STALE ")  # facts lines align on it; only PENDING (before the first check) is wider
MODES = ("full", "compact", "line")
HEIGHTS = {"full": 6, "compact": 2, "line": 1}

# A probe's triggers, worst first, and how the facts line says each (short) and the full panel (long).
# Calm before could-not-measure: before T-0 the degradation trigger has no baseline yet, and "no data" on every
# probe would hide that its other triggers measure it fine; the full panel still counts the ones without data.
TRIGGER_ORDER = ("firing", "pending", "resolved", "ok", "insufficient_data")
TRIGGER_SHORT = {"firing": ("FIRING", "bold " + BAD), "pending": ("pending", "bold #d7af00"),
                 "insufficient_data": ("no data", "dim"), "resolved": ("ok", "#00af00"), "ok": ("ok", "#00af00")}


def badge(state: str) -> Text:
    """The state on its coloured background; only the label: what follows keeps the panel's own colours."""
    label, style = BADGES.get(state, BADGES["PENDING"])
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {label} ", style=style)
    return text


def worst(states) -> TriggerState | None:
    """The trigger state a lead must see first: firing, then pending, then calm, then could-not-measure."""
    ranked = sorted(states, key=lambda s: (TRIGGER_ORDER.index(s.state) if s.state in TRIGGER_ORDER else 9, s.trigger))
    return ranked[0] if ranked else None


class FittedPanel:
    """A panel the probes pane can make shorter or taller (MODES); `redraw()` draws it for its mode."""

    mode = "full"

    def set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.mode = mode
        for each in MODES:
            self.set_class(each == mode, f"-{each}")
        self.redraw()

    def redraw(self) -> None:
        raise NotImplementedError


def _ms(value: float | None) -> str:
    return "-" if value is None else millis(value)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class ProbePanel(FittedPanel, Widget):
    """Constructed with the probe's name and, if a response-time trigger watches it, its threshold in ms;
    `show(status)` and `show_trigger(state)` redraw it, `set_mode(mode)` changes its height."""

    def __init__(self, probe_name: str, *, threshold_ms: float | None = None, watched: bool = True,
                 name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        self.probe_name = probe_name
        self.threshold_ms = threshold_ms
        self.watched = watched  # some trigger of the plan watches this probe
        self.status = ProbeStatus(probe_name)
        self.triggers: dict[str, TriggerState] = {}
        self.name_width: int | None = None  # set by the pane, so the facts lines of all probes line up
        self._header = TextLine(classes="probe-header")
        self._brief = TextLine(classes="probe-brief")
        self._sparkline = ThresholdBars(classes="probe-sparkline")
        self._figures = TextLine(classes="probe-figures")
        self._trigger = TextLine(classes="probe-trigger")
        self._error = TextLine(classes="probe-error")
        self.add_class("-full")
        self._render_status()

    def compose(self) -> ComposeResult:
        yield self._header
        with Horizontal(classes="probe-row"):
            yield self._brief
            yield self._sparkline
        yield self._figures
        yield self._trigger
        yield self._error

    def show(self, status: ProbeStatus) -> None:
        self.status = status
        self._render_status()

    def show_trigger(self, state: TriggerState) -> None:
        if self.triggers.get(state.trigger) == state:
            return
        self.triggers[state.trigger] = state
        self._render_status()

    def redraw(self) -> None:
        self._render_status()

    def on_resize(self) -> None:
        self._header.set(self._header_line())

    # -- drawing -------------------------------------------------------------------------------------

    def _bad_latency(self, value: float | None) -> bool:
        return value is not None and self.threshold_ms is not None and value > self.threshold_ms

    def header_text(self) -> Text:
        text = badge(self.status.state)
        text.append(" ")
        text.append(printable(self.probe_name), style="bold")
        return text

    def last_latency(self) -> tuple[float | None, bool]:
        """The newest latency, and whether it means trouble (past the threshold, or a failed attempt)."""
        status = self.status
        if not status.latencies:
            return None, False
        value = status.latencies[-1]
        failed = bool(status.latency_ok) and status.latency_ok[-1] is False
        return value, failed or self._bad_latency(value)

    def trigger_short(self) -> Text:
        state = worst(self.triggers.values())
        if state is None:
            return Text("trig –" if self.watched else "no trigger", style="dim")
        label, style = TRIGGER_SHORT.get(state.state, (state.state, ""))
        text = Text("trig ", style="dim")
        text.append(label, style=style)
        return text

    def brief_text(self, rate: bool = True) -> Text:
        """Last latency (and error rate), in a fixed width so the lines of all probes align."""
        status = self.status
        latency, bad = self.last_latency()
        text = Text(no_wrap=True)
        text.append(f"{_ms(latency):>6}", style="bold " + BAD if bad else "")
        if not rate:
            return text
        rate = "-" if status.error_rate is None else f"{status.error_rate * 100:.3g}%"
        text.append("  err ", style="dim")
        text.append(f"{rate:<5}", style="bold " + BAD if status.error_rate else "")
        return text

    def facts_text(self, width: int | None = None, *, figures: bool = True) -> Text:
        """Badge, name, last latency, error rate (unless `figures` is False), trigger state on one line. The
        name is cut (with an ellipsis) before anything else, so the figures stay on screen in a narrow pane."""
        label, _ = BADGES.get(self.status.state, BADGES["PENDING"])
        tail = self.brief_text() if figures else Text()
        tail.append(" ")
        tail.append_text(self.trigger_short())
        name = printable(self.probe_name)
        room = len(name) if width is None else max(6, width - BADGE_WIDTH - 2 - tail.cell_len)
        shown_width = min(room, self.name_width or len(name))
        text = badge(self.status.state)
        text.append(" " * max(0, BADGE_WIDTH - len(label) - 2) + " ")
        text.append(_cut(name, shown_width).ljust(shown_width), style="bold")
        text.append(" ")
        text.append_text(tail)
        return text

    def figures_text(self) -> Text:
        status = self.status
        rate = "-" if status.error_rate is None else f"{status.error_rate * 100:.3g}%"
        # Fixed-width fields: a new figure of another length repaints its cells, not the two lines.
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("p50 ", style="dim")
        text.append(f"{_ms(status.p50):<6}", style=BAD if self._bad_latency(status.p50) else "")
        text.append(" p95 ", style="dim")
        text.append(f"{_ms(status.p95):<6}", style=BAD if self._bad_latency(status.p95) else "")
        text.append("\n")
        text.append("err ", style="dim")
        text.append(f"{rate:<5}", style="bold " + BAD if status.error_rate else "")
        text.append(" fails ", style="dim")
        text.append(str(status.consecutive_failures), style="bold " + BAD if status.consecutive_failures else "")
        # No attempt counter: it changed at every result, and Textual rewrites a widget's whole line for one cell
        # (the trigger line says when there are too few samples).
        return text

    def trigger_text(self) -> Text:
        """The worst trigger on this probe, with its figure (`pending 1m of 5m`, `error rate 7% > 5%`)."""
        state = worst(self.triggers.values())
        if state is None:
            return Text("no trigger evaluated yet" if self.watched else "no trigger watches this probe", style="dim")
        label, style = TRIGGER_SHORT.get(state.state, (state.state, ""))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{label}: ", style=style)
        if state.state in ("ok", "resolved"):  # calm: no figure that changes at every result (a repaint each)
            calm = sum(each.state in ("ok", "resolved") for each in self.triggers.values())
            text.append(f"{calm} trigger{'s' if calm != 1 else ''} calm", style="dim")
            unmeasured = len(self.triggers) - calm
            if unmeasured:
                text.append(f", {unmeasured} without data yet", style="dim")
            return text
        text.append(one_line(f"{state.trigger} · {state.message}", 200))
        return text

    def error_text(self) -> Text:
        if not self.status.last_error:
            text = Text("no errors" if self.status.attempts else "waiting for the first check", style="dim")
        else:
            prefix = "last error: " if self.status.state == "UP" else ""
            text = Text(prefix + one_line(self.status.last_error, 120), style=BAD if self.status.state == "DOWN" else "dim")
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def _header_line(self) -> Text:
        if self.mode == "full":
            return self.header_text()
        return self.facts_text(self.content_size.width or None, figures=self.mode == "line")

    def _render_status(self) -> None:
        for state in ("UP", "DOWN", "PENDING", "STALE"):
            self.set_class(self.status.state == state, f"-{state.lower()}")
        self._header.set(self._header_line())
        if self.mode != "line":
            self._brief.set(self.brief_text(rate=self.mode == "compact"))
        if self.mode != "line":
            self._sparkline.show(self.status.latencies, threshold=self.threshold_ms, ok=self.status.latency_ok)
        if self.mode == "full":
            self._figures.set(self.figures_text())
            self._trigger.set(self.trigger_text())
            self._error.set(self.error_text())

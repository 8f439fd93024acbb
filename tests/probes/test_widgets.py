"""ProbePanel and TriggerBanner in a tiny host app: states, 30 columns, literal outside text, acknowledge."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rich.color import Color
from textual.app import App, ComposeResult

import launchpad.tui
from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
from launchpad.core.probes.triggers import TriggerState
from launchpad.tui.widgets.probe_panel import ProbePanel
from launchpad.tui.widgets.threshold_bars import ThresholdBars
from launchpad.tui.widgets.trigger_banner import TriggerBanner

STYLES = Path(launchpad.tui.__file__).parent / "styles" / "probes.tcss"
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
HOSTILE = "[bold red]boom[/] \x1b[31mred\x1b[0m \x07bell"


class Host(App):
    CSS_PATH = [STYLES]

    def __init__(self):
        super().__init__()
        self.raised: list = []
        self.acked: list = []

    def compose(self) -> ComposeResult:
        yield TriggerBanner(id="banner")
        yield ProbePanel("checkout-api-with-a-long-name", id="panel")

    def on_trigger_banner_raised(self, message: TriggerBanner.Raised) -> None:
        self.raised.append(message.state)

    def on_trigger_banner_acknowledged(self, message: TriggerBanner.Acknowledged) -> None:
        self.acked.extend(message.states)


def screen_text(app: App) -> str:
    """What the terminal would show, as plain text, line by line (the compositor's full render)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def status_after(*attempts: Attempt) -> ProbeStatus:
    status = ProbeStatus("checkout-api-with-a-long-name")
    for attempt in attempts:
        status = apply_attempt(status, attempt)
    return status


def good(seconds: int, latency: float) -> Attempt:
    return Attempt(probe="p", at=T0 + timedelta(seconds=seconds), ok=True, status=200, latency_ms=latency)


def broken(seconds: int) -> Attempt:
    return Attempt(probe="p", at=T0 + timedelta(seconds=seconds), ok=False, status=500, latency_ms=12.0,
                   error_kind="status", error_message=f"status 500: {HOSTILE}")


async def test_panel_pending_up_down_in_30_columns():
    app = Host()
    async with app.run_test(size=(30, 20)) as pilot:
        panel = app.query_one(ProbePanel)
        assert panel.has_class("-pending") and panel.region.height == 6
        text = screen_text(app)
        assert "PENDING" in text and "waiting for the first check" in text

        panel.show(status_after(*(good(i, 40.0 + i) for i in range(10))))
        await pilot.pause()
        assert panel.has_class("-up") and not panel.has_class("-pending")
        assert list(app.query_one(ThresholdBars).values) == [40.0 + i for i in range(10)]
        text = screen_text(app)
        assert "▲ UP" in text and "p50 44ms" in text and "p95 49ms" in text and "err 0%" in text

        panel.show(status_after(*(good(i, 40.0) for i in range(6)), broken(7), broken(8)))
        await pilot.pause()
        assert panel.has_class("-down") and panel.region.height == 6
        text = screen_text(app)
        assert "▼ DOWN" in text and "fails 2" in text and "err 25%" in text
        assert all(len(line) <= 30 for line in text.splitlines())


async def test_panel_shows_hostile_error_text_literally():
    app = Host()
    async with app.run_test(size=(120, 20)) as pilot:
        panel = app.query_one(ProbePanel)
        panel.show(status_after(broken(0)))
        await pilot.pause()
        text = screen_text(app)
        assert "[bold red]boom[/]" in text  # not interpreted as markup
        assert "\x1b" not in text and "\x07" not in text
        assert "␛[31mred" in text  # visible stand-in for ESC


def firing(trigger: str, probe: str, seconds: int = 0, message: str = "api: error rate 7.5% > 5% over 5m (3/40)") -> TriggerState:
    return TriggerState(trigger, probe, "firing", 0.075, T0 + timedelta(seconds=seconds), message)


def calm(trigger: str, probe: str) -> TriggerState:
    return TriggerState(trigger, probe, "resolved", 0.01, T0, "api: error rate 1% <= 5% over 5m (1/100)")


async def test_banner_hidden_until_something_fires_then_names_trigger_probe_and_figure():
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        banner = app.query_one(TriggerBanner)
        assert banner.display is False
        banner.update_state(TriggerState("Error rate > 5%", "api", "pending", 0.06, T0, "pending"))
        await pilot.pause()
        assert banner.display is False and app.raised == []

        banner.update_state(firing("Error rate > 5%", "api"))
        await pilot.pause()
        assert banner.display is True
        text = screen_text(app)
        assert "ROLLBACK TRIGGER" in text and "Error rate > 5% · api" in text
        assert "api: error rate 7.5% > 5% over 5m (3/40)" in text
        assert [s.trigger for s in app.raised] == ["Error rate > 5%"]

        banner.update_state(firing("Error rate > 5%", "api"))  # still firing: not raised twice
        await pilot.pause()
        assert len(app.raised) == 1


async def test_banner_acknowledge_hides_until_it_fires_anew():
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        banner = app.query_one(TriggerBanner)
        banner.update_state(firing("Error rate > 5%", "api"))
        banner.update_state(firing("Health check failures > 3 consecutive", "web", seconds=5, message="web: 4 consecutive failures > 3"))
        await pilot.pause()
        assert "+1 more firing" in screen_text(app)

        banner.focus()
        await pilot.press("a")
        await pilot.pause()
        assert banner.display is False
        assert sorted(s.probe for s in app.acked) == ["api", "web"]

        banner.update_state(firing("Error rate > 5%", "api"))  # the same firing: stays acknowledged
        await pilot.pause()
        assert banner.display is False

        banner.update_state(calm("Error rate > 5%", "api"))
        banner.update_state(firing("Error rate > 5%", "api", seconds=600))  # fires again later
        await pilot.pause()
        assert banner.display is True and len(app.raised) == 3


async def test_banner_text_from_outside_is_literal():
    app = Host()
    async with app.run_test(size=(120, 20)) as pilot:
        banner = app.query_one(TriggerBanner)
        banner.update_state(firing("[b]rollback[/b]", "x\x1b[2Jy", message=HOSTILE))
        await pilot.pause()
        text = screen_text(app)
        assert "[b]rollback[/b]" in text and "[bold red]boom[/]" in text
        assert "\x1b" not in text and "\x07" not in text


ERROR_COLOUR = Color.parse("#d70000")


def bar_colours(app: App, panel) -> list[bool]:
    """For each bar drawn on the panel's sparkline line (its second line): True when it is in the error colour."""
    content = panel.content_region  # not the coloured state border on the left
    strip = app.screen._compositor.render_strips()[content.y + 1].crop(content.x, content.right)
    flags = []
    for segment in strip:
        for character in segment.text:
            if character in "▁▂▃▄▅▆▇█" and segment.style is not None:
                flags.append(segment.style.color == ERROR_COLOUR)
    return flags


class ThresholdHost(App):
    """A panel for a probe watched by a 3 s response-time trigger, as the bundled plan's orders-api."""

    CSS_PATH = [STYLES]

    def compose(self) -> ComposeResult:
        yield ProbePanel("orders-api", threshold_ms=3000.0, id="panel")


async def test_a_healthy_probe_shows_no_bar_in_the_error_colour():
    """Issue 12: the sparkline coloured its tallest bar red relative to the others: a healthy probe at 40-49 ms
    showed a big red block. Colour now means past the trigger's threshold or failed."""
    app = ThresholdHost()
    async with app.run_test(size=(60, 10)) as pilot:
        panel = app.query_one(ProbePanel)
        panel.show(status_after(*(good(i, 40.0 + (i * 7) % 10) for i in range(20))))
        await pilot.pause()
        colours = bar_colours(app, panel)
        assert colours and not any(colours)


async def test_bars_past_the_threshold_and_failed_attempts_are_in_the_error_colour():
    app = ThresholdHost()
    async with app.run_test(size=(60, 10)) as pilot:
        panel = app.query_one(ProbePanel)
        attempts = [good(0, 40.0), good(1, 3400.0), good(2, 45.0), broken(3), good(4, 2900.0), good(5, 3001.0)]
        panel.show(status_after(*attempts))
        await pilot.pause()
        assert bar_colours(app, panel)[-6:] == [False, True, False, True, False, True]
        assert "3s" in screen_text(app).splitlines()[1]  # the last latency, beside the bars


class MetricHost(App):
    CSS_PATH = [STYLES]

    def compose(self) -> ComposeResult:
        from launchpad.core.probes.metric_config import MetricSpec, SourceSpec
        from launchpad.tui.widgets.metric_panel import MetricPanel

        yield MetricPanel(MetricSpec("p95", "histogram_quantile(0.95, x)", SourceSpec("local", "http://127.0.0.1:9"),
                                     unit="seconds"), id="metric")


async def test_metric_bars_are_in_the_error_colour_only_past_the_trigger_threshold():
    """The metric panels follow the probe panels' colour meaning: a healthy p95 is never a red block."""
    from launchpad.core.probes.metric_status import MetricStatus, MetricView, Series
    from launchpad.tui.widgets.metric_panel import MetricPanel

    app = MetricHost()
    async with app.run_test(size=(60, 10)) as pilot:
        panel = app.query_one(MetricPanel)
        values = (0.04, 0.05, 0.045, 3.4, 0.05, 3.1)
        status = MetricStatus("p95", state="MEASURED", series=(Series((), values[-1]),), values=values)
        panel.show(MetricView(panel.spec, status, thresholds=(3.0,)))
        await pilot.pause()
        assert bar_colours(app, panel)[-6:] == [False, False, False, True, False, True]
        panel.show(MetricView(panel.spec, replace(status, values=values[:3]), thresholds=(3.0,)))
        await pilot.pause()
        assert not any(bar_colours(app, panel))


async def test_the_banner_lays_the_screen_out_again_only_when_its_text_changes():
    """Every probe result brings every trigger's state; a Static's update lays the whole screen out again, which
    rewrote the checklist's scrollbar to the terminal at each probe result of an idle cockpit."""
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        banner = app.query_one(TriggerBanner)
        updates = []
        original = banner._text.update
        banner._text.update = lambda text: (updates.append(text), original(text))
        for _ in range(3):
            banner.update_state(calm("Error rate > 5%", "api"))
        banner.update_state(firing("Error rate > 5%", "api"))
        banner.update_state(firing("Error rate > 5%", "api"))
        await pilot.pause()
        assert len(updates) == 2  # the first (empty) text once, then the firing one once


async def test_the_panel_says_its_worst_trigger_state():
    app = ThresholdHost()
    async with app.run_test(size=(120, 10)) as pilot:
        panel = app.query_one(ProbePanel)
        panel.show(status_after(good(0, 3400.0)))
        panel.show_trigger(TriggerState("Error rate > 5%", "orders-api", "ok", 0.0, T0, "orders-api: error rate 0%"))
        panel.show_trigger(TriggerState("Performance degradation > 50%", "orders-api", "insufficient_data", None, T0,
                                        "orders-api: no baseline before T-0"))
        await pilot.pause()
        assert "ok: 1 trigger calm, 1 without data yet" in screen_text(app)
        panel.show_trigger(TriggerState("Response time > 3s for 5 minutes", "orders-api", "pending", 3400.0, T0,
                                        "orders-api: last 3.4s > 3s, pending 30s of 5m"))
        await pilot.pause()
        assert "pending: Response time > 3s for 5 minutes · orders-api: last 3.4s > 3s, pending 30s of 5m" in screen_text(app)
        panel.set_mode("line")
        await pilot.pause()
        line = screen_text(app).splitlines()[0]
        assert "▲ UP" in line and "orders-api" in line and "3.4s" in line and "err 0%" in line and "trig pending" in line

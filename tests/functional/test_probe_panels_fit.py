"""Issue 12: at 120x36 (the README's headline size) only 1⅓ of the bundled plan's 3 probe panels showed. At every
size from 80x24 to 200x60 every probe's key facts (name, state, last latency, error rate, trigger state) must be
on screen without scrolling: the probes pane picks six-line panels, two-line panels or one line per probe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
from launchpad.core.probes.triggers import TriggerState
from launchpad.tui.widgets.probe_panel import ProbePanel
from launchpad.tui.widgets.probes_pane import ProbesPane

from .conftest import NOW, make_app

SIZES = [(80, 24), (100, 30), (120, 36), (160, 45), (200, 60)]
# name -> (latency of every attempt in ms, failed attempts out of 4): figures each panel must show as its own
FIGURES = {"api-health": (41.0, 0), "orders-api": (3520.0, 0), "checkout": (63.0, 1)}
STATE_WORDS = {"api-health": "▲ UP", "orders-api": "▲ UP", "checkout": "▼ DOWN"}


def status_of(name: str) -> ProbeStatus:
    latency, failed = FIGURES[name]
    status = ProbeStatus(name)
    for index in range(4):
        ok = index < 4 - failed
        status = apply_attempt(status, Attempt(name, NOW + timedelta(seconds=index), ok, 200 if ok else 500,
                                               latency / 2, latency, None if ok else "status", None if ok else "status 500"))
    return status


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_every_probe_name_state_and_figures_on_screen_at_every_size(session, size):
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        if size[0] < 120:  # narrow screens fold the panes into tabs: 4 shows the probes
            await pilot.press("4")
        await pilot.pause()
        pane = app.query_one(ProbesPane)
        assert [panel.probe_name for panel in app.query(ProbePanel)] == list(FIGURES)
        for name in FIGURES:
            pane.show(name, status_of(name))
        pane.show_trigger(TriggerState("Response time > 3s for 5 minutes", "orders-api", "pending", 3520.0, NOW,
                                       "orders-api: last 3.52s > 3s, pending 30s of 5m"))
        await pilot.pause()
        lines = screen_lines(app)
        for name, (latency, failed) in FIGURES.items():
            # the name and its state on one line, that line on screen: no scrolling needed
            assert any(name in line and STATE_WORDS[name] in line for line in lines), (size, pane.mode, name, lines)
            shown = f"{latency:.0f}ms" if latency < 1000 else f"{latency / 1000:.3g}s"
            assert any(shown in line for line in lines), (size, pane.mode, name, shown)
        text = "\n".join(lines)
        assert "25%" in text and "pending" in text  # checkout's error rate, orders-api's trigger
        assert pane.max_scroll_y == 0, (size, pane.mode)


async def test_the_pane_picks_full_panels_when_there_is_room_and_one_line_each_when_short(session):
    app = make_app(session)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        pane = app.query_one(ProbesPane)
        assert pane.mode == "full" and all(panel.region.height == 6 for panel in app.query(ProbePanel))
        assert pane.fitting_mode(17) == "compact" and pane.fitting_mode(5) == "line"
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert pane.mode != "full"
        heights = {panel.region.height for panel in app.query(ProbePanel)}
        assert heights == {2 if pane.mode == "compact" else 1}

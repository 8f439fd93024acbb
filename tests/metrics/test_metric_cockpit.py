"""Metrics in the cockpit runtime: only the probe leader queries Prometheus; its metric trigger reaches the
banner and the journal, and a second cockpit on the same session sees it without querying."""

from __future__ import annotations

import asyncio

from launchpad.shell.metrics import FOLLOWED_NOTE, metric_key
from launchpad.shell.probes import ProbeRuntime, trigger_target
from launchpad.shell.session import LiveSession
from .conftest import NOW, Sink, start_session
from .test_real_prometheus import ERROR_RATIO


def metric_plan(tmp_path, address: str):
    plan = tmp_path / "plan.toml"
    plan.write_text(f"""
[launch]
name = "Metric cockpit"

[[metric]]
name = "error-ratio"
label = "Error ratio"
prometheus = "{address}"
query = '{ERROR_RATIO}'
unit = "ratio"
interval = "500ms"
timeout = "500ms"

[[trigger]]
name = "Error rate > 5%"
kind = "error_rate"
metric = "error-ratio"
above = "5%"
""", encoding="utf-8")
    return plan


async def test_leader_queries_fires_and_journals_follower_only_shows(tmp_path, demo, prometheus):
    first = start_session(metric_plan(tmp_path, prometheus.url), tmp_path / "s.toml")
    second = LiveSession.resume(tmp_path / "s.toml", actor="bob", clock=lambda: NOW)  # one clock for both
    leader, follower = ProbeRuntime(first, start_demo=False, env={}), ProbeRuntime(second, start_demo=False, env={})
    lead_sink, follow_sink = Sink(), Sink()
    demo.set_mode("failing")
    try:
        leader.start(lead_sink)
        follower.start(follow_sink)
        assert leader.leader and not follower.leader
        assert follower.metrics.engine is None  # the follower never queries
        view = follow_sink.probes[metric_key("error-ratio")]
        assert view.followed and view.status.last_error == FOLLOWED_NOTE
        for _ in range(300):
            if any(state.firing for state in lead_sink.triggers):
                break
            await asyncio.sleep(0.1)
        assert any(state.firing for state in lead_sink.triggers), (lead_sink.triggers[-3:], lead_sink.notices, lead_sink.probes)
        firing = next(state for state in lead_sink.triggers if state.firing)
        assert (firing.trigger, firing.probe) == ("Error rate > 5%", "error-ratio")
        view = lead_sink.probes[metric_key("error-ratio")]
        assert max(view.status.values) > 0.05  # what it measured (the latest query may have timed out on a loaded machine)
        second.poll()
        follower.tick()
        for _ in range(100):  # the follower draws the prober's live snapshot, read by its watcher thread
            if any(state.firing and state.trigger == "Error rate > 5%" for state in follow_sink.triggers):
                break
            await asyncio.sleep(0.05)
        assert second.state.trigger_states[trigger_target("Error rate > 5%", "error-ratio")]["state"] == "firing"
        assert any(state.firing and state.trigger == "Error rate > 5%" for state in follow_sink.triggers)
    finally:
        demo.set_mode("healthy")
        await leader.stop()
        await follower.stop()
        first.close()
        second.close()


async def test_cockpit_metric_panel_banner_and_query_shown_literally(tmp_path, demo, prometheus):
    from launchpad.tui.widgets.metric_panel import MetricPanel
    from launchpad.tui.widgets.trigger_banner import TriggerBanner
    from launchpad.tui.app import LaunchpadApp

    async def wait_until(pilot, predicate, seconds: float) -> None:
        for _ in range(int(seconds / 0.05)):
            if predicate():
                return
            await pilot.pause(0.05)
        raise AssertionError("condition never became true")

    session = start_session(metric_plan(tmp_path, prometheus.url), tmp_path / "s.toml")
    runtime = ProbeRuntime(session, start_demo=False, env={})
    app = LaunchpadApp(session, clock=lambda: NOW, probes=runtime)
    demo.set_mode("failing")
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("4")  # the probes pane, where the metric panels sit
            panel = app.query_one(MetricPanel)
            await wait_until(pilot, lambda: panel.view.status.state == "MEASURED", 30)
            assert "Error ratio" in panel.header_text().plain and "%" in panel.figures_text().plain
            assert "threshold 5%" in panel.figures_text().plain
            banner = app.query_one(TriggerBanner)
            await wait_until(pilot, lambda: banner.display, 30)
            assert "Error rate > 5%" in banner.banner_text().plain
            await wait_until(pilot, lambda: "FIRING" in panel.header_text().plain, 30)
            assert "firing: Error rate > 5%" in panel.triggers_text().plain
            assert panel.has_focus  # key 4 focused the first metric panel: `e` reaches the probes pane
            await pilot.press("e")
            shown = panel.query_text()
            assert panel.query_shown and ERROR_RATIO in shown.plain  # `{code=~"5.."}` and `[5s]` as written
            assert shown.spans == [span for span in shown.spans if span.style == "dim"]  # no markup from the query
            assert '"resultType":"vector"' in shown.plain.replace(" ", "")
    finally:
        demo.set_mode("healthy")
        session.close()


async def test_a_follower_draws_the_probers_metric_figures_from_the_live_file(tmp_path, demo, prometheus):
    """One truth: the cockpit that does not query shows the querying cockpit's figures (value, sparkline, raw
    answer) and its metric trigger, from the same live document the probe panels use."""
    first = start_session(metric_plan(tmp_path, prometheus.url), tmp_path / "s.toml")
    second = LiveSession.resume(tmp_path / "s.toml", actor="bob", clock=lambda: NOW)  # one clock for both
    leader, follower = ProbeRuntime(first, start_demo=False, env={}), ProbeRuntime(second, start_demo=False, env={})
    lead_sink, follow_sink = Sink(), Sink()
    demo.set_mode("failing")
    key = metric_key("error-ratio")
    try:
        leader.start(lead_sink)
        follower.start(follow_sink)
        for _ in range(300):
            view = follow_sink.probes.get(key)
            if view is not None and view.status.state == "MEASURED" and view.status.values:
                break
            await asyncio.sleep(0.1)
        view = follow_sink.probes[key]
        assert view.followed and view.status.state == "MEASURED" and view.status.values
        assert view.status.last_raw.startswith("{")  # Prometheus's own answer, for the "show query" view
        assert follower.metrics.engine is None  # still never queries itself
        published = leader.metrics.engine.status("error-ratio").values
        assert set(view.status.values) <= set(published)  # the prober's figures, not recomputed
    finally:
        demo.set_mode("healthy")
        await leader.stop()
        await follower.stop()
        first.close()
        second.close()

"""The bundled Prometheus plan against a real Prometheus scraping the real demo: its error-rate trigger fires
from real PromQL when the demo fails, and with Prometheus gone every metric is "could not measure", no trigger."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from launchpad.core.plan.plan import load_plan
from launchpad.engine.metric_engine import MetricEngine

ROOT = Path(__file__).resolve().parents[2]
PLAN = "launch-day-prometheus.toml"


def bundled_plan_against(tmp_path: Path, address: str):
    """The bundled plan, unchanged but for the Prometheus address (the test's own, on a free port)."""
    shutil.copytree(ROOT / "checklists", tmp_path / "checklists")
    (tmp_path / "timelines").mkdir()
    text = (ROOT / "timelines" / PLAN).read_text(encoding="utf-8")
    assert text.count('address = "http://127.0.0.1:9090"') == 1
    (tmp_path / "timelines" / PLAN).write_text(text.replace("http://127.0.0.1:9090", address), encoding="utf-8")
    plan, problems = load_plan(tmp_path / "timelines" / PLAN, env={})
    assert problems == []
    return plan


async def test_bundled_plan_fires_on_real_promql_and_is_unmeasured_without_prometheus(tmp_path, demo, prometheus):
    plan = bundled_plan_against(tmp_path, prometheus.url)
    assert {metric.name for metric in plan.metrics} == {"error-ratio", "p95-latency", "errors-by-path"}
    fired = []

    def on_trigger(trigger, target, state):
        if state.firing:
            fired.append(state)

    engine = MetricEngine(plan.metrics, plan.metric_triggers, env={}, t0=datetime.now(timezone.utc) - timedelta(hours=1),
                          on_trigger=on_trigger)
    demo.set_mode("failing")
    task = asyncio.ensure_future(engine.run())
    try:
        for _ in range(450):
            if any(state.trigger == "Error rate > 5%" for state in fired) and engine.status("errors-by-path").state == "MEASURED":
                break
            await asyncio.sleep(0.2)
        else:
            pytest.fail(f"Error rate > 5% never fired, or no 5xx by path: {engine.trigger_states()} {engine.statuses()}")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        demo.set_mode("healthy")
    state = next(state for state in fired if state.trigger == "Error rate > 5%")
    assert state.probe == "error-ratio" and state.value > 0.05
    assert engine.status("errors-by-path").state == "MEASURED"
    assert all(series.shown.startswith('{path="') for series in engine.status("errors-by-path").series)

    prometheus.stop()
    fired.clear()
    engine = MetricEngine(plan.metrics, plan.metric_triggers, env={}, t0=datetime.now(timezone.utc), on_trigger=on_trigger)
    await engine.run_once()
    assert {name: status.state for name, status in engine.statuses().items()} == dict.fromkeys(
        ("error-ratio", "p95-latency", "errors-by-path"), "UNMEASURED")
    assert fired == [] and {state.state for state in engine.trigger_states().values()} == {"insufficient_data"}

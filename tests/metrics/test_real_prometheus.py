"""Acceptance against a real Prometheus scraping the real demo service: healthy, failing, gone, bad query.

Waits are bounded loops on conditions (never timed assertions): each ends as soon as what it waits for happens.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest

from launchpad.cli.main import main
from launchpad.core.plan.plan import load_plan
from launchpad.core.probes.metric_status import MetricStatus
from launchpad.engine.metric_engine import MetricEngine

ERROR_RATIO = ('(sum(rate(demo_requests_total{code=~"5.."}[5s])) or vector(0))'
               ' / sum(rate(demo_requests_total[5s]))')
P95 = 'histogram_quantile(0.95, sum by (le) (rate(demo_request_duration_seconds_bucket[10s])))'


def plan_text(address: str) -> str:
    return f"""
[launch]
name = "metrics acceptance"

[[metric]]
name = "error-ratio"
prometheus = "{address}"
query = '{ERROR_RATIO}'
unit = "ratio"
interval = "1s"
timeout = "1s"
unmeasured_warning = "2s"

[[metric]]
name = "p95-latency"
prometheus = "{address}"
query = '{P95}'
unit = "seconds"
interval = "1s"
timeout = "1s"

[[metric]]
name = "per-code"
prometheus = "{address}"
query = 'sum by (code) (rate(demo_requests_total[5s]))'
interval = "10s"
timeout = "10s"
max_series = 1

[[metric]]
name = "typo"
prometheus = "{address}"
query = 'sum(rate(demo_requests_total[5s])'
interval = "10s"
timeout = "10s"

[[trigger]]
name = "Error rate > 5%"
kind = "error_rate"
metric = "error-ratio"
above = "5%"
for = "2s"
"""


@pytest.fixture
def plan(tmp_path, prometheus):
    path = tmp_path / "plan.toml"
    path.write_text(plan_text(prometheus.url), encoding="utf-8")
    loaded, problems = load_plan(path)
    assert problems == []
    return loaded


def new_engine(plan, **callbacks) -> MetricEngine:
    now = datetime.now(timezone.utc)
    return MetricEngine(plan.metrics, plan.metric_triggers, env={}, t0=now - timedelta(hours=1), **callbacks)


async def until(condition, what: str, limit: float = 60.0):
    """Poll `condition()` every 0.2 s; fail with `what` if it never holds (a bound, not a timing claim)."""
    for _ in range(int(limit / 0.2)):
        result = condition()
        if result:
            return result
        await asyncio.sleep(0.2)
    pytest.fail(f"never happened: {what}")


async def test_healthy_then_failing_fires_then_prometheus_gone_is_could_not_measure(plan, demo, prometheus):
    demo.set_mode("healthy")
    fired = []
    engine = new_engine(plan, on_trigger=lambda trigger, target, state: fired.append(state) if state.firing else None)
    spec = {metric.name: metric for metric in plan.metrics}

    async def measured(name):
        sample = await engine.query(spec[name])
        return sample if sample.measured else None

    # Healthy: once Prometheus has two scrapes, the error ratio is measured and under 5%.
    for _ in range(150):
        healthy = await measured("error-ratio")
        if healthy:
            break
        await asyncio.sleep(0.2)
    else:
        pytest.fail("the error ratio was never measured")
    assert healthy.series[0].value < 0.05

    # A bad query: Prometheus's own message, kept literally.
    bad = await engine.query(spec["typo"])
    assert bad.error_kind == "query" and "parse error" in bad.error, bad
    assert '"status":"error"' in bad.raw.replace(" ", "")

    # Several series, one watched (max_series = 1): the label set is shown, the rest noted.
    per_code = await engine.query(spec["per-code"])
    assert per_code.measured and per_code.series[0].shown.startswith('{code="')

    # Failing: the error-rate trigger fires from real PromQL, within its window.
    demo.set_mode("failing")
    task = asyncio.ensure_future(engine.run())
    try:
        await until(lambda: fired and engine.status("p95-latency").state == "MEASURED",
                    "the Error rate > 5% trigger firing, and p95 measured")
        state = fired[0]
        assert state.trigger == "Error rate > 5%" and state.probe == "error-ratio"
        assert state.value > 0.05 and " > 5%" in state.message
        latency = engine.status("p95-latency")
        assert latency.state == "MEASURED" and 0 < latency.value < 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    # Prometheus gone: "could not measure", a warning once that lasts, and no trigger fires (demo still failing).
    prometheus.stop()
    fired.clear()
    warnings = []
    engine = new_engine(plan, on_trigger=lambda trigger, target, state: fired.append(state) if state.firing else None,
                        on_warning=lambda metric, text, raised: warnings.append((metric, text, raised)))
    task = asyncio.ensure_future(engine.run())
    try:
        await until(lambda: any(metric == "error-ratio" for metric, _, _ in warnings), "the unmeasured warning")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    status: MetricStatus = engine.status("error-ratio")
    assert status.state == "UNMEASURED" and status.queries >= 3
    assert "unreachable" in status.last_error and prometheus.url.split("//")[1] in status.last_error
    states = engine.trigger_states()
    assert fired == [] and states[("Error rate > 5%", "error-ratio")].state == "insufficient_data"
    assert "could not measure" in states[("Error rate > 5%", "error-ratio")].message
    assert "could not be measured for" in warnings[0][1] and warnings[0][2] is True


def test_probe_once_json_includes_metrics(plan, prometheus, capsys):
    code = main(["probe", plan.path, "--once", "--json"])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_metric = {record["metric"]: record for record in records if "metric" in record}
    assert set(by_metric) == {"error-ratio", "p95-latency", "per-code", "typo"}
    assert by_metric["typo"]["measured"] is False and by_metric["typo"]["error"]["kind"] == "query"
    assert "parse error" in by_metric["typo"]["error"]["message"]
    assert code in (0, 1)  # could not measure (Prometheus just started) is not a failure by itself
    assert main(["probe", plan.path, "--once"]) in (0, 1)
    out = capsys.readouterr().out
    assert "METRIC typo  could not measure: bad_data: " in out and "METRIC error-ratio" in out

"""Metric answers and triggers on injected times: per series, `for:`, failureLimit, baseline, could-not-measure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from launchpad.core.probes.metric_config import MetricSpec, MetricTriggerSpec, SourceSpec
from launchpad.core.probes.metric_status import MetricSample, MetricStatus, Series, apply_sample, format_value, series_from_answer
from launchpad.core.probes.metric_triggers import MetricTriggers

T0 = datetime(2026, 5, 1, 18, 0, tzinfo=timezone.utc)
SOURCE = SourceSpec("prometheus", "http://127.0.0.1:9090")


def vector(*pairs):
    return {"status": "success", "data": {"resultType": "vector",
            "result": [{"metric": labels, "value": [1.0, value]} for labels, value in pairs]}}


def sample(at, *pairs, error=None):
    if error:
        return MetricSample("m", at, error_kind="connect", error=error)
    series, kind, message = series_from_answer(vector(*pairs))
    return MetricSample("m", at, series, kind, message)


def test_answers_could_not_measure_kept_apart_from_values():
    series, kind, error = series_from_answer(vector(({"code": "500"}, "0.5"), ({"code": "200"}, "NaN")))
    assert kind is None and [s.shown for s in series] == ['{code="200"}', '{code="500"}']
    assert [s.value for s in series] == [None, 0.5]
    assert series_from_answer(vector())[1] == "empty"
    assert series_from_answer(vector(({}, "NaN")))[1] == "nan"
    bad = {"status": "error", "errorType": "bad_data", "error": "1:30: parse error: unclosed left parenthesis"}
    assert series_from_answer(bad) == ((), "query", "bad_data: 1:30: parse error: unclosed left parenthesis")
    scalar = {"status": "success", "data": {"resultType": "scalar", "result": [1.0, "2.5"]}}
    assert series_from_answer(scalar)[0] == (Series((), 2.5),)
    assert (format_value(0.0512, "ratio"), format_value(3.2, "seconds"), format_value(12345.0, "count")) == ("5.12%", "3.2s", "1.234e+04")


def test_status_counts_unmeasured_time_and_keeps_the_sparkline():
    status = apply_sample(MetricStatus("m"), sample(T0, ({}, "0.01")))
    status = apply_sample(status, sample(T0 + timedelta(seconds=5), error="unreachable"))
    status = apply_sample(status, sample(T0 + timedelta(seconds=10), error="unreachable"))
    assert (status.state, status.values, status.unmeasured_since, status.failures) == ("UNMEASURED", (0.01,), T0 + timedelta(seconds=5), 2)
    assert apply_sample(status, sample(T0 + timedelta(seconds=15), ({}, "0.02"))).unmeasured_since is None


def group(kind, max_series=10, **fields):
    metric = MetricSpec("m", "q", SOURCE, interval=5, timeout=5, unit="ratio", max_series=max_series)
    return MetricTriggers(metric, [MetricTriggerSpec("t", kind, "m", **fields)], T0)


def test_threshold_for_per_series_and_unmeasured_resets_pending():
    triggers = group("error_rate", above=0.05, for_duration=10)
    at = T0 + timedelta(minutes=1)
    states = triggers.observe(sample(at, ({"path": "/a"}, "0.2"), ({"path": "/b"}, "0.01")), at)
    assert {k[1]: s.state for k, s in states.items()} == {'m{path="/a"}': "pending", 'm{path="/b"}': "ok"}
    states = triggers.observe(sample(at + timedelta(seconds=5), error="Prometheus unreachable"), at + timedelta(seconds=5))
    assert all(s.state == "insufficient_data" and "could not measure: Prometheus unreachable" in s.message for s in states.values())
    for seconds in (10, 15):  # pending restarts after the gap: Prometheus `for:` semantics
        states = triggers.observe(sample(at + timedelta(seconds=seconds), ({"path": "/a"}, "0.2")), at + timedelta(seconds=seconds))
    assert states[("t", 'm{path="/a"}')].state == "pending"
    states = triggers.observe(sample(at + timedelta(seconds=20), ({"path": "/a"}, "0.2")), at + timedelta(seconds=20))
    assert states[("t", 'm{path="/a"}')].state == "firing" and "20% > 5%" in states[("t", 'm{path="/a"}')].message
    assert states[("t", 'm{path="/b"}')].state == "insufficient_data"  # absent from the answer: not a success


def test_series_cap_is_noted():
    triggers = group("threshold", max_series=2, above=1.0)
    states = triggers.observe(sample(T0, *[({"i": str(i)}, "0") for i in range(5)]), T0)
    assert len(states) == 2 and triggers.note.startswith("5 series: triggers watch the first 2") and "3 left out" in triggers.note


def test_consecutive_breaches_skip_unmeasured_and_degradation_uses_frozen_baseline():
    triggers = group("consecutive_failures", above=2, when_above=0.05, resolve_after=2)
    values = ["0.1", "0.1", None, "0.1"]
    for step, value in enumerate(values):
        at = T0 + timedelta(seconds=5 * step)
        state = triggers.observe(sample(at, ({}, value)) if value else sample(at, error="down"), at)[("t", "m")]
    assert state.state == "firing" and "3 queries in a row > 5%" in state.message
    degradation = group("degradation", above=0.5, baseline=600, window=60, min_samples=3)
    for minute in range(-5, 0):  # before T-0: the baseline, median 0.02
        degradation.observe(sample(T0 + timedelta(minutes=minute), ({}, "0.02")), T0 + timedelta(minutes=minute))
    for step in range(3):
        at = T0 + timedelta(seconds=10 * (step + 1))
        state = degradation.observe(sample(at, ({}, "0.04")), at)[("t", "m")]
    assert state.state == "firing" and "median 4% vs baseline 2%: 100% worse > 50%" in state.message

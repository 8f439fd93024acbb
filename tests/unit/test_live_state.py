"""The prober's live document: what goes in comes out, a damaged one is refused, old figures are STALE."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from launchpad.core.journal import live_state
from launchpad.core.probes.probe_status import ProbeStatus
from launchpad.core.probes.triggers import TriggerState

AT = datetime(2026, 11, 22, 17, 30, 0, 123456, tzinfo=timezone.utc)


def _document():
    status = ProbeStatus("api", state="DOWN", latencies=(12.3, 40.0), p50=12.3, p95=40.0, error_rate=0.383,
                         consecutive_failures=23, last_error="status 500 is not in 200-299", attempts=87, failures=33)
    firing = TriggerState("Error rate > 5%", "api", "firing", 0.383, AT - timedelta(seconds=30), "api: error rate 38.3%")
    return live_state.encode("alice", 4242, AT, live_state.figures({"api": status}, [firing])), status, firing


def test_the_document_round_trips_every_figure_a_panel_draws():
    document, status, firing = _document()
    live = live_state.decode(document)
    assert live is not None and live.prober == "alice" and live.pid == 4242 and live.at == AT
    assert live.probes["api"] == status
    assert live.triggers == (firing,)  # `since` too: acks name the firing by it


def test_a_foreign_or_newer_document_is_not_drawn():
    document, _, _ = _document()
    assert live_state.decode({**document, "version": 2}) is None
    assert live_state.decode({**document, "at": "yesterday"}) is None
    assert live_state.decode([1, 2]) is None


def test_figures_older_than_the_limit_are_stale_never_down():
    live = live_state.decode(_document()[0])
    assert not live.stale(AT + timedelta(seconds=live_state.STALE_SECONDS))
    later = AT + timedelta(seconds=live_state.STALE_SECONDS + 1)
    assert live.stale(later)
    assert live_state.stale_status(live.probes["api"]).state == "STALE"
    unknown = live_state.unmeasured(live.triggers[0], "no prober")
    assert unknown.state == "insufficient_data" and not unknown.firing
    assert live_state.describe_source(live, later, here=False).startswith("STALE: alice (pid 4242) stopped 6s ago")
    assert live_state.describe_source(live, AT + timedelta(seconds=0.4), here=False) == "from alice (pid 4242) · updated <2s ago"
    assert live_state.describe_source(live, AT + timedelta(seconds=3.2), here=False) == "from alice (pid 4242) · updated 3s ago"


def test_metric_figures_round_trip_through_the_document():
    from datetime import datetime, timezone

    from launchpad.core.journal import live_state
    from launchpad.core.probes.metric_status import MetricStatus, Series

    status = MetricStatus("error-ratio", state="MEASURED", series=(Series((("code", "500"),), 0.07),),
                          values=(0.01, 0.07), last_raw='{"status":"success"}', queries=4, failures=1)
    at = datetime(2026, 11, 22, 17, 0, tzinfo=timezone.utc)
    body = live_state.figures({}, [], {"error-ratio": status}, {"error-ratio": "3 more series not shown"})
    live = live_state.decode(live_state.encode("alice", 42, at, body))
    assert live.metrics["error-ratio"] == status
    assert live.notes == {"error-ratio": "3 more series not shown"}
    assert live_state.decode(live_state.encode("alice", 42, at, live_state.figures({}, []))).metrics == {}

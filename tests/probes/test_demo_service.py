"""The demo service: real HTTP on 127.0.0.1, modes switched in-process and over HTTP, port reuse."""

from __future__ import annotations

import socket
from datetime import datetime, timezone

import httpx
import pytest

from launchpad.core.probes.conditions import parse_condition
from launchpad.core.probes.probe_config import DemoSpec, ProbeSpec
from launchpad.engine.demo_service import DemoPortBusy, DemoService
from launchpad.engine.probe_engine import ProbeEngine

T0 = datetime(2026, 5, 1, tzinfo=timezone.utc)


@pytest.fixture
def demo():
    service = DemoService(DemoSpec(port=0), seed=7)
    assert service.start() == "started"
    yield service
    service.stop()


def test_healthy_endpoints(demo):
    assert demo.url.startswith("http://127.0.0.1:") and demo.port != 0
    health = httpx.get(f"{demo.url}/health")
    assert health.status_code == 200 and health.json()["status"] == "UP"
    assert httpx.get(f"{demo.url}/api/orders").json()["count"] == 2
    assert httpx.get(f"{demo.url}/checkout").status_code == 200
    assert httpx.get(f"{demo.url}/nope").status_code == 404


def test_mode_over_http_and_in_process(demo):
    response = httpx.post(f"{demo.url}/_demo/mode", content="down")
    assert response.json()["mode"] == "down" and demo.mode == "down"
    assert httpx.get(f"{demo.url}/health").status_code == 503
    demo.set_mode("healthy")
    assert httpx.get(f"{demo.url}/health").status_code == 200
    bad = httpx.post(f"{demo.url}/_demo/mode", content="sideways")
    assert bad.status_code == 400 and "sideways" in bad.json()["error"]
    with pytest.raises(ValueError):
        demo.set_mode("sideways")


def test_failing_mode_answers_some_requests_with_5xx(demo):
    demo.set_mode("failing")
    with httpx.Client() as client:
        codes = [client.get(f"{demo.url}/api/orders").status_code for _ in range(15)]
    assert any(code >= 500 for code in codes) and any(code == 200 for code in codes)


async def test_slow_mode_trips_a_probe_deadline(demo):
    demo.set_mode("slow")
    probe = ProbeSpec(name="api", url=f"{demo.url}/health", timeout=0.5, interval=1)
    engine = ProbeEngine([probe], [], env={}, t0=T0)
    (attempt,) = await engine.run_once()
    assert attempt.error_kind == "timeout"


async def test_the_bundled_style_probe_is_up(demo):
    probe = ProbeSpec(name="health", url=f"{demo.url}/health", conditions=(parse_condition("[BODY].status == UP"),))
    (attempt,) = await ProbeEngine([probe], [], env={}, t0=T0).run_once()
    assert attempt.ok


def test_a_second_start_on_the_same_port_reuses_the_running_demo(demo):
    other = DemoService(DemoSpec(port=demo.port))
    assert other.start() == "reused"
    other.set_mode("failing")  # forwarded over HTTP to the running one
    assert demo.mode == "failing" and other.mode == "failing"
    other.stop()  # stopping the borrower leaves the owner running
    assert httpx.get(f"{demo.url}/_demo/mode").json()["mode"] == "failing"


def test_a_port_held_by_another_program_is_reported():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(DemoPortBusy, match=f"port {port}"):
            DemoService(DemoSpec(port=port)).start()


def test_a_client_that_hangs_up_prints_nothing(capfd):
    """A probe that times out (or a cockpit that quits) mid-answer must not leave a traceback on the terminal."""
    import threading

    service = DemoService(DemoSpec(port=0), seed=7)
    service.start()
    try:
        answered = threading.Event()
        original = service._server.RequestHandlerClass.finish

        def finish(handler):
            try:
                original(handler)
            finally:
                answered.set()

        service._server.RequestHandlerClass.finish = finish
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", service.port)) as client:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
                client.sendall(b"GET /api/orders HTTP/1.1\r\nHost: x\r\n\r\n" * 200)
            answered.wait(5)
            answered.clear()
    finally:
        service._server.RequestHandlerClass.finish = original
        service.stop()
    assert capfd.readouterr().err == ""


def test_metrics_export_request_counts_and_latency_histogram(demo):
    from prometheus_client.parser import text_string_to_metric_families

    httpx.get(f"{demo.url}/api/orders")
    demo.set_mode("down")
    httpx.get(f"{demo.url}/health")
    demo.set_mode("healthy")
    families = {family.name: family for family in text_string_to_metric_families(httpx.get(f"{demo.url}/metrics").text)}
    counts = {(s.labels["path"], s.labels["code"]): s.value for s in families["demo_requests"].samples if s.name == "demo_requests_total"}
    assert counts == {("/api/orders", "200"): 1.0, ("/health", "503"): 1.0}  # /metrics itself is not counted
    buckets = [s for s in families["demo_request_duration_seconds"].samples if s.name.endswith("_count")]
    assert {s.labels["path"]: s.value for s in buckets} == {"/api/orders": 1.0, "/health": 1.0}


@pytest.mark.parametrize("plan_name", ["launch-day.toml", "launch-day-prometheus.toml"])
async def test_slow_mode_fires_the_response_time_trigger_and_times_no_probe_out(demo, plan_name):
    """Issue 12: "slow" answered in 3.2-3.8 s while the bundled plan's api-health gave up at 2.5 s: the probes
    timed out (a failure, the consecutive-failures trigger's business) instead of showing the response-time
    trigger "slow" is there to show. The bundled plans' own probes and triggers, against the real demo service."""
    from dataclasses import replace
    from datetime import timedelta
    from pathlib import Path

    from launchpad.core.plan.plan import load_plan

    plan, problems = load_plan(Path(__file__).resolve().parents[2] / "timelines" / plan_name, env={})
    assert plan is not None and not problems, problems
    probes = [replace(spec, url=spec.url.replace(":8787/", f":{demo.port}/")) for spec in plan.probes]
    demo.set_mode("slow")
    now = [T0]
    engine = ProbeEngine(probes, plan.triggers, env={}, t0=T0, clock=lambda: now[0])
    for _ in range(3):  # at T0, T0+2m30s, T0+5m: the response-time trigger holds for its 5 minutes, then fires
        attempts = await engine.run_once()
        assert all(attempt.ok and attempt.error_kind is None for attempt in attempts), attempts
        by_probe = {spec.name: spec for spec in probes}
        assert all(3000 < attempt.latency_ms < by_probe[attempt.probe].timeout * 1000 for attempt in attempts)
        now[0] += timedelta(minutes=2, seconds=30)
    states = engine.trigger_states()
    if plan_name == "launch-day.toml":  # the Prometheus plan's response-time trigger watches its p95 metric
        fired = {probe for (trigger, probe), state in states.items()
                 if trigger == "Response time > 3s for 5 minutes" and state.firing}
        assert fired == {spec.name for spec in probes}
    assert not [key for key, state in states.items() if state.firing and not key[0].startswith("Response time")]


def test_the_accept_loop_waits_without_a_timeout_and_stop_returns_with_the_port_closed(monkeypatch):
    """serve_forever(poll_interval=0.2) woke the demo's thread five times a second to look at its shutdown flag.
    The accept loop now sleeps in select with no timeout, and stopping wakes it: stop returns (a keep-alive
    client still connected), the thread is gone and the port refuses new connections."""
    import selectors
    import threading

    from launchpad.engine import demo_service

    timeouts = []

    class Recording(selectors.DefaultSelector):
        def select(self, timeout=None):
            timeouts.append(timeout)
            return super().select(timeout)

    monkeypatch.setattr(demo_service.selectors, "DefaultSelector", Recording)
    service = DemoService(DemoSpec(port=0), seed=7)
    assert service.start() == "started"
    port, accepting = service.port, service._thread
    with httpx.Client() as client:  # a keep-alive connection stays open across the stop
        assert client.get(f"{service.url}/health").status_code == 200
        stopper = threading.Thread(target=service.stop)
        stopper.start()
        stopper.join(30)
        assert not stopper.is_alive() and not accepting.is_alive()
    assert timeouts and set(timeouts) == {None}  # every wait was a sleep until something happened
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert not service.running

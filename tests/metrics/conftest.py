"""The demo service under steady traffic, and a real Prometheus scraping it every second.

Without the `prometheus` binary the tests that need it skip, except in CI ($CI set), where they fail: CI
must run them (.ci/run installs the Debian package). Teardown stops the load, Prometheus and the demo.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from launchpad.core.probes.probe_config import DemoSpec
from launchpad.engine.demo_service import DemoService
from launchpad.core.plan.plan import load_plan
from launchpad.shell.session import LiveSession

from .prom_server import BINARY_HINT, LocalPrometheus, prometheus_binary

T0 = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
NOW = T0 - timedelta(hours=2)


def start_session(plan_path, session_path, actor: str = "alice") -> LiveSession:
    plan, problems = load_plan(plan_path, env={})
    assert plan is not None and not problems, problems
    return LiveSession.start(plan, session_path, t0=T0, actor=actor, clock=lambda: NOW)


class Sink:
    """What a cockpit screen receives from the probe runtime, recorded."""

    def __init__(self):
        self.probes, self.triggers, self.notices = {}, [], []

    def show_probe(self, name, status):
        self.probes[name] = status

    def show_trigger(self, state):
        self.triggers.append(state)

    def notice(self, text, severity="information"):
        self.notices.append((severity, text))


class Traffic:
    """Users of the demo: a request every 20 ms, so rates over a few seconds have data."""

    def __init__(self, url: str):
        self.url = url
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="demo traffic", daemon=True)

    def _run(self) -> None:
        with httpx.Client(trust_env=False, timeout=5.0) as client:
            while not self.stop_event.is_set():
                try:
                    client.get(f"{self.url}/api/orders")
                except httpx.HTTPError:
                    pass
                self.stop_event.wait(0.02)

    def __enter__(self) -> "Traffic":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def demo():
    service = DemoService(DemoSpec(port=0), seed=11)
    service.start()
    with Traffic(service.url):
        yield service
    service.stop()


@pytest.fixture(scope="module")
def prometheus_server(demo):
    binary = prometheus_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(f"the `prometheus` binary is missing in CI: {BINARY_HINT}")
        pytest.skip(f"no `prometheus` binary on this machine: {BINARY_HINT}")
    server = LocalPrometheus(binary, [f"127.0.0.1:{demo.port}"]).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def prometheus(prometheus_server):
    """The module's Prometheus, started again (same port, same data) if a test stopped it."""
    if prometheus_server.process is None:
        prometheus_server.start()
    return prometheus_server

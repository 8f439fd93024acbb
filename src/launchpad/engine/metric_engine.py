"""The metric engine: PromQL instant queries (`/api/v1/query`) on schedule, beside the probes.

Built like the probe engine and for the same reasons: each metric on a fixed grid (engine/schedule.py), one
asyncio deadline around the whole query (connect, headers, body), bounded concurrency, one shared client per
TLS setting, a failing callback costs nothing. What is specific to metrics:
- the answer is read raw (`Accept-Encoding: identity`) and never past MAX_ANSWER_BYTES, so a huge vector or
  a hostile endpoint cannot fill memory;
- "could not measure" (unreachable, HTTP or query error, empty vector, NaN) is a sample of its own, never a
  value: triggers see insufficient data, and a metric unmeasured past its `unmeasured_warning` raises a warning;
- Prometheus's own error message (`bad_data: 1:5: parse error: ...`) is kept, redacted, cut, shown literally;
- the deadline is also sent as the query's `timeout` parameter, so Prometheus stops evaluating it too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
from dataclasses import replace
from datetime import datetime
from typing import Callable, Iterable, Mapping

import httpx

from launchpad.core.clock import Clock, system_clock
from launchpad.core.probes.metric_config import MetricSpec, MetricTriggerSpec, SourceSpec, source_redactor
from launchpad.core.probes.metric_status import MetricSample, MetricStatus, apply_sample, series_from_answer, unmeasured_for
from launchpad.core.probes.metric_triggers import MetricTriggers
from launchpad.core.probes.probe_config import resolve_headers
from launchpad.core.probes.triggers import TriggerState, span
from launchpad.engine.classify import MESSAGE_LIMIT, classify, one_line
from launchpad.engine.schedule import GridEngine, call_safely, start_delay_ms

log = logging.getLogger("launchpad.metrics")

MAX_ANSWER_BYTES = 4 * 1024 * 1024
RAW_CHARS = 2000  # of the raw answer kept for "show the query"


class _Unmeasured(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


class MetricEngine(GridEngine):
    what = "metric"

    def __init__(
        self,
        metrics: Iterable[MetricSpec],
        triggers: Iterable[MetricTriggerSpec],
        *,
        env: Mapping[str, str],
        t0: datetime,
        clock: Clock = system_clock,
        max_concurrency: int = 64,
        on_sample: Callable[[MetricSample], None] | None = None,
        on_trigger: Callable[[str, str, TriggerState], None] | None = None,
        on_warning: Callable[[str, str, bool], None] | None = None,
        client: httpx.AsyncClient | None = None,
    ):
        self._metrics = list(metrics)
        self._specs = self._metrics
        triggers = list(triggers)
        sources = {id(spec.source): spec.source for spec in self._metrics}
        # The only place the sources' header secrets are materialised; never logged.
        self._headers = {key: {**self._resolve(source, env), "Accept-Encoding": "identity"} for key, source in sources.items()}
        self._redactors = {key: source_redactor(source, env) for key, source in sources.items()}
        self._statuses = {spec.name: MetricStatus(spec.name) for spec in self._metrics}
        self._triggers = {spec.name: MetricTriggers(spec, triggers, t0) for spec in self._metrics}
        self._trigger_states: dict[tuple[str, str], TriggerState] = {}
        for group in self._triggers.values():
            self._trigger_states.update(group.initial_states())
        self._warned: set[str] = set()
        self._placeholders = {name for _, name in self._trigger_states}  # metrics whose triggers saw no series yet
        self._semaphore = asyncio.Semaphore(max(1, max_concurrency))
        self._max_concurrency = max(1, max_concurrency)
        self._clock = clock
        self._on_sample, self._on_trigger, self._on_warning = on_sample, on_trigger, on_warning
        self._given_client = client
        self._clients: dict[tuple, httpx.AsyncClient] = {}
        self._running = False

    @staticmethod
    def _resolve(source: SourceSpec, env: Mapping[str, str]) -> dict[str, str]:
        try:
            return resolve_headers(source, env)  # type: ignore[arg-type]  (same `headers` and `name` fields)
        except KeyError:
            return {}  # validate reports the missing variable; query without the header rather than crash

    # -- public ---------------------------------------------------------------------------------

    @property
    def metrics(self) -> list[MetricSpec]:
        return list(self._metrics)

    def statuses(self) -> dict[str, MetricStatus]:
        return dict(self._statuses)

    def status(self, name: str) -> MetricStatus:
        return self._statuses[name]

    def trigger_states(self) -> dict[tuple[str, str], TriggerState]:
        return dict(self._trigger_states)

    def note(self, name: str) -> str:
        """Set when the metric's vector had more series than its triggers watch."""
        return self._triggers[name].note

    # -- recording ------------------------------------------------------------------------------

    async def _one(self, spec: MetricSpec, scheduled: float | None) -> MetricSample:
        async with self._semaphore:
            delay_ms = start_delay_ms(scheduled)
            sample = await self.query(spec, start_delay_ms=delay_ms)
        self._record(spec, sample)
        return sample

    def _record(self, spec: MetricSpec, sample: MetricSample) -> None:
        status = apply_sample(self._statuses[spec.name], sample)
        self._statuses[spec.name] = status
        self._call(self._on_sample, sample)
        now = self._clock()
        self._check_unmeasured(spec, status, now)
        try:
            states = self._triggers[spec.name].observe(sample, now)
        except Exception:
            log.exception("triggers on metric %s: evaluation failed", spec.name)
            return
        if spec.name in self._placeholders and any(target != spec.name for _, target in states):
            self._placeholders.discard(spec.name)  # the "no data yet" placeholders give way to the series
            for trigger in self._triggers[spec.name].specs:
                self._trigger_states.pop((trigger.name, spec.name), None)
        for key, state in states.items():
            previous = self._trigger_states.get(key)
            self._trigger_states[key] = state
            if previous is None or previous.state != state.state:
                self._call(self._on_trigger, key[0], key[1], state)

    def _check_unmeasured(self, spec: MetricSpec, status: MetricStatus, now: datetime) -> None:
        unmeasured = unmeasured_for(status, now)
        if unmeasured > spec.unmeasured_warning and spec.name not in self._warned:
            self._warned.add(spec.name)
            self._call(self._on_warning, spec.name,
                       f"metric {spec.name} could not be measured for {span(unmeasured)}: {status.last_error}", True)
        elif status.state == "MEASURED" and spec.name in self._warned:
            self._warned.discard(spec.name)
            self._call(self._on_warning, spec.name, f"metric {spec.name} is measured again", False)

    _call = staticmethod(call_safely)

    # -- one query ------------------------------------------------------------------------------

    def _client_for(self, source: SourceSpec) -> httpx.AsyncClient:
        key = (source.verify_tls, source.ca_file)
        client = self._clients.get(key)
        if client is None:
            if key == (True, None) and self._given_client is not None:
                client = self._given_client
            else:
                verify: bool | ssl.SSLContext = source.verify_tls
                if source.verify_tls and source.ca_file:
                    verify = ssl.create_default_context(cafile=source.ca_file)
                limits = httpx.Limits(max_connections=self._max_concurrency, max_keepalive_connections=self._max_concurrency)
                client = httpx.AsyncClient(verify=verify, limits=limits, follow_redirects=False, trust_env=False)
            self._clients[key] = client
        return client

    async def query(self, spec: MetricSpec, *, start_delay_ms: float | None = None) -> MetricSample:
        """One instant query under one deadline. Never raises (except cancellation); messages and the raw
        answer come back redacted, then cut."""
        at = self._clock()
        started = time.perf_counter()
        raw = b""
        try:
            async with asyncio.timeout(spec.timeout):
                status_code, raw = await self._fetch(spec)
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = None
            if payload is None:
                excerpt = raw[:200].decode("utf-8", errors="replace")
                kind = "answer" if status_code < 300 else "http"
                series, error = (), f"status {status_code} from Prometheus, not a JSON answer: {excerpt}"
            else:
                series, kind, error = series_from_answer(payload)
        except TimeoutError:
            series, kind, error = (), "timeout", f"no answer within {span(spec.timeout)}"
        except _Unmeasured as failure:
            series, kind, error = (), failure.kind, failure.message
        except Exception as problem:
            series, kind, error = (), *classify(problem)
            if kind in ("connect", "dns", "tls"):
                kind = "connect" if kind == "dns" else kind
                error = f"Prometheus at {spec.source.shown_address} is unreachable: {error}"
        redact = self._redactors[id(spec.source)]
        text = raw[: RAW_CHARS * 4].decode("utf-8", errors="replace")
        return MetricSample(
            metric=spec.name, at=at, series=series, error_kind=kind if kind != "tls" else "connect",
            error=one_line(redact.clip(error, MESSAGE_LIMIT * 4)) if error else None,
            raw=redact(text)[:RAW_CHARS], latency_ms=(time.perf_counter() - started) * 1000.0,
            start_delay_ms=start_delay_ms,
        )

    async def _fetch(self, spec: MetricSpec) -> tuple[int, bytes]:
        client = self._client_for(spec.source)
        params = {"query": spec.query, "timeout": f"{max(1, round(spec.timeout * 1000))}ms"}  # Prometheus wants a Go duration
        url = f"{spec.source.address}/api/v1/query"
        async with client.stream("GET", url, params=params, headers=self._headers[id(spec.source)],
                                 timeout=spec.timeout) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
                raise _Unmeasured("answer", f"the answer of {declared} bytes is over the {MAX_ANSWER_BYTES}-byte limit")
            body = bytearray()
            async for chunk in response.aiter_raw():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise _Unmeasured("answer", f"the answer is over the {MAX_ANSWER_BYTES}-byte limit")
            return response.status_code, bytes(body)

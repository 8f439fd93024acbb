"""The probe engine: every probe on its own fixed schedule and its own small httpx client, bounded concurrency.

Why it is built this way:
- a client per probe (one kept-alive connection, one SSL context per verify flag shared by all): a single shared
  pool cost more per request the more connections it held (see _client_for); its connections are kept by a
  ProbePool on httpcore's asyncio backend, not httpcore's pool on anyio (_on_asyncio: a third less CPU);
- each request goes to the client's transport directly (handle_async_request, httpx's transport API), not
  through AsyncClient.send, whose cookie jar, auth and redirect layers the engine does not use (_send: about a
  fifth of a request's CPU at that level); a probe the environment routes through a proxy, and an injected
  client, keep client.send (_direct_transport);
- interval between STARTS on a fixed grid (next = previous scheduled start + interval), so hours of
  running do not drift; an attempt that overruns skips the missed slots instead of bunching them;
- ONE asyncio deadline around the whole attempt (connect, headers, body): httpx timeouts are
  per-operation, so a server dripping a byte a second would outlive them;
- the body is read RAW and decoded here, incrementally, never past body_size_limit: httpx would inflate
  a whole network chunk at once (a few KB of `gzip, gzip` are 1 GiB inside, and the CPU-bound inflate
  cannot be cut by the deadline). Stacked or unknown encodings are refused as kind `encoding`;
- a response with more than MAX_HEADERS headers is refused as too_large before anything else is read;
- every message and excerpt goes through the probe's Redactor (core/redact.py) BEFORE it is cut, so a
  server echoing a secret, a URL with userinfo or an `?access_token=` leaks not even part of it;
- redirects are followed by hand so each probe keeps its own max_redirects and a loop is reported as such; the
  next request is built with httpx's rules (engine/redirects.py: methods, Location joining, credentials dropped
  across origins) and carries only the cookies this attempt's redirects set;
- a failing callback or an unexpected exception costs one attempt, never the engine.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
import zlib
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping

import httpcore
import httpx

from launchpad.core.probes.conditions import ConditionFacts
from launchpad.core.probes.probe_config import ProbeSpec, TriggerSpec, probe_redactor, resolve_headers
from launchpad.core.probes.probe_status import Attempt, ProbeStatus, apply_attempt
from launchpad.core.probes.triggers import TriggerEvaluator, TriggerState, make_evaluators, millis, span
from launchpad.core.clock import Clock, system_clock
from launchpad.engine.asyncio_backend import AsyncioBackend
from launchpad.engine.classify import MESSAGE_LIMIT, classify, one_line
from launchpad.engine.probe_pool import ProbePool
from launchpad.engine.redirects import next_request
from launchpad.engine.schedule import GridEngine, call_safely, start_delay_ms

log = logging.getLogger("launchpad.engine")

EXCERPT_CHARS = 200
EXCERPT_RAW_BYTES = EXCERPT_CHARS * 8  # kept before redaction; the excerpt is cut to EXCERPT_CHARS only after it
MAX_HEADERS = 500  # real services send a few dozen; thousands are an attack on the parser and memory
ACCEPT_ENCODING = "gzip, deflate"  # only what _Inflater decodes under the body limit
_PROBE_POOL = httpx.Limits(max_connections=2, max_keepalive_connections=1)  # one probe: one attempt at a time
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_BACKEND = AsyncioBackend()


def _on_asyncio(client: httpx.AsyncClient, context: ssl.SSLContext) -> httpx.AsyncClient:
    """The client's direct connections kept by a ProbePool (engine/probe_pool.py: no queue, no locks, a probe sends
    one request at a time) through httpcore on plain asyncio (engine/asyncio_backend.py) instead of anyio: about a
    third of a request's CPU below httpx (bench/bench_attempt_cost.py). httpx takes neither, so the default
    transport's httpcore pool is replaced; the client, the transport, the connections and h11 stay httpx's, and
    proxy transports mounted from the environment stay as httpx made them. If a later httpx builds its transport
    otherwise, the client is left as it is (tests/probes/test_asyncio_backend.py says so), and then _send does not
    call its transport directly either (tests/probes/test_direct_send.py)."""
    transport = getattr(client, "_transport", None)
    if isinstance(transport, httpx.AsyncHTTPTransport) and isinstance(getattr(transport, "_pool", None),
                                                                       httpcore.AsyncConnectionPool):
        transport._pool = ProbePool(context, _BACKEND, _PROBE_POOL.keepalive_expiry)
    return client


def _direct_transport(client: httpx.AsyncClient, url: httpx.URL) -> httpx.AsyncBaseTransport | None:
    """The transport the client would send `url` through, when the engine may call it directly; None: use client.send.

    Direct only when it is the client's own transport with the engine's ProbePool (so _on_asyncio recognised how
    httpx built the client) and no proxy mounted from the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY) claims
    the URL: mounts are tried in the client's order (httpx's _transport_for_url), and a NO_PROXY mount (None)
    means the client's own transport. A probe the environment routes through a proxy, or a client httpx built
    otherwise, goes through client.send as before (tests/probes/test_direct_send.py)."""
    transport = getattr(client, "_transport", None)
    mounts = getattr(client, "_mounts", None)
    if not (isinstance(transport, httpx.AsyncHTTPTransport) and isinstance(getattr(transport, "_pool", None), ProbePool)
            and isinstance(mounts, dict)):
        return None
    for pattern, mounted in mounts.items():
        matches = getattr(pattern, "matches", None)
        if matches is None:
            return None
        if matches(url):
            return transport if mounted is None else None
    return transport


def _with_accept_encoding(headers: dict[str, str]) -> dict[str, str]:
    """Ask only for what _Inflater decodes (httpx would offer br and zstd too when they are installed)."""
    if any(name.lower() == "accept-encoding" for name in headers):
        return headers
    return {**headers, "Accept-Encoding": ACCEPT_ENCODING}


class _Failure(Exception):
    """A measured-bad outcome with its kind (status, condition, too_large, redirects)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


class _Progress:
    """What an attempt learned so far, so a timeout can still report status and header latency."""

    __slots__ = ("status", "headers_ms", "body_bytes", "excerpt")

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers_ms: float | None = None
        self.body_bytes = 0
        self.excerpt: str | None = None


def _status_ranges(spec: ProbeSpec) -> str:
    return ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in spec.valid_status_codes)


def _certificate_expires_in(response: httpx.Response, now: datetime) -> float | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    ssl_object = stream.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    certificate = ssl_object.getpeercert()  # empty when verification is off: then it is unknown
    if not certificate or "notAfter" not in certificate:
        return None
    return ssl.cert_time_to_seconds(certificate["notAfter"]) - now.timestamp()


class ProbeEngine(GridEngine):
    what = "probe"

    def __init__(
        self,
        probes: Iterable[ProbeSpec],
        triggers: Iterable[TriggerSpec],
        *,
        env: Mapping[str, str],
        t0: datetime,
        max_concurrency: int = 64,
        on_attempt: Callable[[Attempt], None] | None = None,
        on_trigger: Callable[[str, str, TriggerState], None] | None = None,
        clock: Clock = system_clock,
        client: httpx.AsyncClient | None = None,
    ):
        self._probes = list(probes)
        self._specs = self._probes
        # The only place header secrets are materialised; they live in memory, never in a log.
        self._headers = {spec.name: _with_accept_encoding(resolve_headers(spec, env)) for spec in self._probes}
        # One redactor per probe, knowing its secrets (env values in its headers, credential headers, URL
        # userinfo and token parameters), so a server that echoes them cannot leak them into a panel or log.
        self._redactors = {spec.name: probe_redactor(spec, env) for spec in self._probes}
        self._statuses = {spec.name: ProbeStatus(spec.name) for spec in self._probes}
        self._evaluators = make_evaluators(triggers, [spec.name for spec in self._probes], t0)
        self._by_probe: dict[str, list[tuple[tuple[str, str], TriggerEvaluator]]] = defaultdict(list)
        for key, evaluator in self._evaluators.items():
            self._by_probe[key[1]].append((key, evaluator))
        self._trigger_states = {
            key: TriggerState(key[0], key[1], "insufficient_data", None, None, f"{key[1]}: no data yet")
            for key in self._evaluators
        }
        self._max_concurrency = max(1, max_concurrency)
        self._semaphore = asyncio.Semaphore(self._max_concurrency)
        self._on_attempt = on_attempt
        self._on_trigger = on_trigger
        self._clock = clock
        self._given_client = client
        self._clients: dict[str, httpx.AsyncClient] = {}  # per probe (_client_for)
        self._ssl_contexts: dict[bool, ssl.SSLContext] = {}
        self._requests: dict[str, httpx.Request] = {}  # each probe's first request, sent again every attempt (a GET
        # or HEAD has no body to consume; cookies a server sets are not sent back: every attempt is a fresh visitor,
        # only the hops of one attempt's redirects carry what that attempt was given)
        self._running = False

    # -- public ---------------------------------------------------------------------------------

    def statuses(self) -> dict[str, ProbeStatus]:
        return dict(self._statuses)

    def status(self, name: str) -> ProbeStatus:
        """One probe's status without copying them all (cheap inside on_attempt at 500 attempts/s)."""
        return self._statuses[name]

    def trigger_states(self) -> dict[tuple[str, str], TriggerState]:
        return dict(self._trigger_states)

    @property
    def probes(self) -> list[ProbeSpec]:
        return list(self._probes)

    # -- scheduling -----------------------------------------------------------------------------

    async def _one(self, spec: ProbeSpec, scheduled: float | None) -> Attempt:
        async with self._semaphore:
            delay_ms = start_delay_ms(scheduled)
            attempt = await self.attempt(spec, start_delay_ms=delay_ms)
        self._record(attempt)
        return attempt

    def _record(self, attempt: Attempt) -> None:
        self._statuses[attempt.probe] = apply_attempt(self._statuses[attempt.probe], attempt)
        self._call(self._on_attempt, attempt)
        evaluators = self._by_probe.get(attempt.probe)
        if not evaluators:
            return
        now = self._clock()
        for key, evaluator in evaluators:
            try:
                evaluator.observe(attempt)
                state = evaluator.evaluate(now)
            except Exception:
                log.exception("trigger %s on %s: evaluation failed", key[0], key[1])
                continue
            previous = self._trigger_states.get(key)
            self._trigger_states[key] = state
            if previous is None or previous.state != state.state:
                self._call(self._on_trigger, key[0], key[1], state)

    _call = staticmethod(call_safely)

    # -- one attempt ----------------------------------------------------------------------------

    def _client_for(self, spec: ProbeSpec) -> httpx.AsyncClient:
        """The probe's own client: a pool of one kept-alive connection, sharing one SSL context per verify flag.

        One client shared by every probe cost more per request the more connections its pool held: httpcore
        scans every pooled connection (and asks each socket whether it is readable) to place each request, so
        with 200 probes at 1 s on a loaded machine requests queued, the pool grew to its limit and each attempt
        cost 3-5 ms of CPU, which made more queue (bench/bench_attempt_cost.py). A probe runs one attempt at a
        time, so its own pool stays at one connection (two while a redirect changes host) and placing a request
        costs the same for 3 probes or 500."""
        client = self._clients.get(spec.name)
        if client is None:
            if spec.verify_tls and self._given_client is not None:
                client = self._given_client
            else:
                context = self._ssl_contexts.get(spec.verify_tls)
                if context is None:  # tens of ms each (the CA bundle): once per flag, not once per probe
                    context = self._ssl_contexts[spec.verify_tls] = httpx.create_ssl_context(verify=spec.verify_tls)
                client = _on_asyncio(httpx.AsyncClient(verify=context, limits=_PROBE_POOL, follow_redirects=False),
                                     context)
            self._clients[spec.name] = client
        return client

    async def attempt(self, spec: ProbeSpec, *, start_delay_ms: float | None = None) -> Attempt:
        """One attempt at one probe, bounded by one deadline. Never raises (except cancellation).

        The message and excerpt come back redacted and only then cut (a cut secret no longer matches)."""
        result = await self._attempt(spec, start_delay_ms)
        redact = self._redactors[spec.name]
        excerpt = result.body_excerpt
        if excerpt:
            excerpt = redact(excerpt[: EXCERPT_CHARS * 2])[:EXCERPT_CHARS]  # a redacted prefix cut stays redacted
        message = result.error_message
        if message:
            message = one_line(redact.clip(message, MESSAGE_LIMIT * 4))
        return replace(result, body_excerpt=excerpt, error_message=message)

    async def _attempt(self, spec: ProbeSpec, start_delay_ms: float | None) -> Attempt:
        at = self._clock()
        started = time.perf_counter()
        progress = _Progress()

        def elapsed_ms() -> float:
            return (time.perf_counter() - started) * 1000.0

        def failed(kind: str, message: str, latency: float | None) -> Attempt:
            return Attempt(
                probe=spec.name, at=at, ok=False, status=progress.status, latency_headers_ms=progress.headers_ms,
                latency_ms=latency, error_kind=kind, error_message=message, body_excerpt=progress.excerpt,
                start_delay_ms=start_delay_ms,
            )

        try:
            async with asyncio.timeout(spec.timeout):
                await self._fetch(spec, started, progress)
        except TimeoutError:
            if progress.status is None:
                message = f"no response within {span(spec.timeout)}"
            else:
                message = f"status {progress.status} after {millis(progress.headers_ms or 0)}, body incomplete after {span(spec.timeout)} ({progress.body_bytes} bytes)"
            return failed("timeout", message, elapsed_ms())
        except _Failure as failure:
            return failed(failure.kind, failure.message, elapsed_ms())
        except httpx.TimeoutException as error:
            kind, message = classify(error)
            return failed(kind, message, elapsed_ms())
        except Exception as error:
            kind, message = classify(error)
            # A refused connection or a failed handshake has no response time to speak of.
            return failed(kind, message, None if kind in ("dns", "connect", "tls") and progress.status is None else elapsed_ms())
        return Attempt(
            probe=spec.name, at=at, ok=True, status=progress.status, latency_headers_ms=progress.headers_ms,
            latency_ms=elapsed_ms(), body_excerpt=progress.excerpt, start_delay_ms=start_delay_ms,
        )

    async def _fetch(self, spec: ProbeSpec, started: float, progress: _Progress) -> None:
        client = self._client_for(spec)
        request = self._requests.get(spec.name)
        if request is None:  # built once per probe: parsing the URL and merging headers was a tenth of an attempt
            request = self._requests[spec.name] = client.build_request(
                spec.method, spec.url, headers=self._headers[spec.name], timeout=spec.timeout)
        visited = {str(request.url)}
        redirects = 0
        jar: httpx.Cookies | None = None
        while True:
            response = await self._send(client, request)
            try:
                if len(response.headers.raw) > MAX_HEADERS:
                    raise _Failure("too_large", f"{len(response.headers.raw)} response headers, over the limit of {MAX_HEADERS}")
                if spec.follow_redirects and response.has_redirect_location:
                    jar = httpx.Cookies() if jar is None else jar  # this attempt's only: a fresh visitor
                    following = next_request(request, response, jar)
                    redirects += 1
                    if redirects > spec.max_redirects:
                        raise _Failure("redirects", f"more than {spec.max_redirects} redirects (last to {following.url})")
                    if str(following.url) in visited:
                        raise _Failure("redirects", f"redirect loop: {following.url} was already visited")
                    visited.add(str(following.url))
                    request = following
                    continue
                progress.status = response.status_code
                progress.headers_ms = (time.perf_counter() - started) * 1000.0
                body = await self._read_body(spec, response, progress)
                certificate_expires_in = None
                if any(c.placeholder == "[CERTIFICATE_EXPIRATION]" for c in spec.conditions):
                    certificate_expires_in = _certificate_expires_in(response, self._clock())
            finally:
                await response.aclose()
            break
        if not spec.status_is_valid(response.status_code):
            raise _Failure("status", f"status {response.status_code} is not in {_status_ranges(spec)}")
        if spec.conditions:
            facts = ConditionFacts(
                status=response.status_code,
                response_time_ms=(time.perf_counter() - started) * 1000.0,
                body_text=body.decode(response.encoding or "utf-8", errors="replace"),
                certificate_expires_in_s=certificate_expires_in,
                connected=True,
            )
            for condition in spec.conditions:
                passed, seen = condition.evaluate(facts, self._redactors[spec.name])
                if not passed:
                    raise _Failure("condition", f"condition `{condition.text}` failed: {seen}")

    async def _send(self, client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
        """The response's head, its body still to stream. Through the transport itself when _direct_transport allows:
        AsyncClient.send's layers were a fifth of a request's CPU (bench/bench_http_layers.py: 0.78x) and the engine
        uses none of them: the request is built once with its headers and timeout, there is no auth, redirects are
        followed here (engine/redirects.py) and cookies are never sent back, so the jar only cost (its
        extract_cookies builds urllib objects for every response). An injected client keeps all of client.send."""
        transport = None if client is self._given_client else _direct_transport(client, request.url)
        if transport is None:
            return await client.send(request, stream=True, follow_redirects=False)
        response = await transport.handle_async_request(request)
        response.request = request
        return response

    @staticmethod
    async def _read_body(spec: ProbeSpec, response: httpx.Response, progress: _Progress) -> bytes:
        """The decoded body, never more than body_size_limit (+1 byte to know it was over) in memory."""
        limit = spec.body_size_limit
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _Failure("too_large", f"body of {declared} bytes is over the {limit}-byte limit")
        inflater = _Inflater.for_response(response)
        body = bytearray()

        def take(piece: bytes) -> None:
            body.extend(piece)
            progress.body_bytes = len(body)
            if progress.excerpt is None or len(body) - len(piece) < EXCERPT_RAW_BYTES:  # still filling
                progress.excerpt = bytes(body[:EXCERPT_RAW_BYTES]).decode("utf-8", errors="replace")
            if len(body) > limit:
                raise _Failure("too_large", f"body is over the {limit}-byte limit (cut after {len(body)} bytes)")

        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            take(inflater.feed(chunk, limit - len(body)) if inflater else chunk[: limit + 1 - len(body)])
            if received > limit * 4 + 65536:  # compressed input that inflates to (almost) nothing still costs
                raise _Failure("too_large", f"body is over the {limit}-byte limit ({received} bytes received)")
        if inflater is not None:
            take(inflater.finish(limit - len(body)))
        return bytes(body)


class _Inflater:
    """Decodes one gzip or deflate body piece by piece, producing at most `room + 1` bytes per call.

    zlib's max_length keeps the input it has not decoded in unconsumed_tail, so a bomb never inflates
    past the body limit and each call costs at most that much CPU: the attempt's deadline stays in force.
    """

    def __init__(self, encoding: str):
        self.encoding = encoding
        self._decoder = zlib.decompressobj(_WBITS[encoding])
        self._started = False

    @classmethod
    def for_response(cls, response: httpx.Response) -> "_Inflater | None":
        """An inflater for the response's Content-Encoding; None for none; _Failure for stacked or unknown."""
        codings = [part.strip().lower() for value in response.headers.get_list("content-encoding")
                   for part in value.split(",") if part.strip()]
        codings = [coding for coding in codings if coding != "identity"]
        if len(codings) > 1:
            raise _Failure("encoding", f"stacked content encodings ({', '.join(codings)}) are refused: one of gzip, deflate")
        if not codings:
            return None
        if codings[0] not in _WBITS:
            raise _Failure("encoding", f"content encoding `{codings[0][:40]}` is not supported: gzip, deflate or none")
        return cls(codings[0])

    def feed(self, data: bytes, room: int) -> bytes:
        if self._decoder.eof:
            return b""  # after the end of the stream: ignored, as httpx does
        out = bytearray()
        while data and len(out) <= room:
            try:
                piece = self._decoder.decompress(data, room + 1 - len(out))
            except zlib.error as error:
                if self.encoding == "deflate" and not self._started:  # raw deflate without the zlib header
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise _Failure("encoding", f"the {self.encoding} body cannot be decoded: {error}") from None
            self._started = True
            out += piece
            if self._decoder.eof:
                data = self._decoder.unused_data
                if not (data.startswith(b"\x1f\x8b") and self.encoding != "deflate"):
                    break  # anything after the stream is ignored, as httpx does
                self._decoder = zlib.decompressobj(_WBITS[self.encoding])  # the next gzip member
            else:
                data = self._decoder.unconsumed_tail
        return bytes(out)

    def finish(self, room: int) -> bytes:
        if self._decoder.eof:
            return b""
        try:
            return self._decoder.flush()[: room + 1]
        except zlib.error as error:
            raise _Failure("encoding", f"the {self.encoding} body cannot be decoded: {error}") from None

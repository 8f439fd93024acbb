"""The engine against real servers on 127.0.0.1: every error kind classified, every attempt bounded."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import httpx
import pytest

from launchpad.core.probes.conditions import parse_condition
from launchpad.core.probes.probe_config import ProbeSpec, TriggerSpec
from launchpad.core.redact import REDACTED
from launchpad.engine.probe_engine import ProbeEngine

from .conftest import MARKUP_BODY, FakeClock

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def spec(name: str, url: str, **overrides) -> ProbeSpec:
    overrides.setdefault("timeout", 2.0)
    overrides.setdefault("interval", 5.0)
    return ProbeSpec(name=name, url=url, **overrides)


async def attempt(probe: ProbeSpec, env=None, **engine_options):
    engine = ProbeEngine([probe], [], env=env or {}, t0=T0, **engine_options)
    (result,) = await engine.run_once()
    return result


async def test_every_attempt_visits_as_a_fresh_client_without_cookies_from_the_last(server):
    engine = ProbeEngine([spec("c", f"{server.url}/cookie")], [], env={}, t0=T0)
    try:
        first = await engine.attempt(engine.probes[0])
        second = await engine.attempt(engine.probes[0])  # the same probe's client and request, sent again
    finally:
        await engine.aclose()
    assert first.ok and second.ok, second.error_message


async def test_ok_records_status_and_both_latencies(server):
    result = await attempt(spec("ok", f"{server.url}/ok"))
    assert result.ok and result.status == 200 and result.error_kind is None
    assert 0 < result.latency_headers_ms <= result.latency_ms
    assert result.at.tzinfo is not None
    assert result.body_excerpt == "ok"


async def test_5xx_is_a_status_error_with_the_body_kept_as_data(server):
    result = await attempt(spec("five", f"{server.url}/markup-500"))
    assert not result.ok and result.error_kind == "status" and result.status == 500
    assert "500" in result.error_message and "200-299" in result.error_message
    assert result.body_excerpt == MARKUP_BODY  # raw: display code makes it inert


async def test_valid_status_codes_accept_a_listed_code(server):
    result = await attempt(spec("teapot", f"{server.url}/status/418", valid_status_codes=((418, 418),)))
    assert result.ok


async def test_closed_port_is_connect(server, closed_port):
    result = await attempt(spec("closed", f"http://127.0.0.1:{closed_port}/"))
    assert result.error_kind == "connect" and result.latency_ms is None
    assert "\n" not in result.error_message


async def test_unresolvable_host_is_dns():
    started = time.monotonic()
    result = await attempt(spec("dns", "http://launchpad-probe-test.invalid/health", timeout=3.0))
    # Offline resolvers fail fast; a hanging one is still cut by the deadline (then it is a timeout).
    assert result.error_kind in ("dns", "timeout")
    assert time.monotonic() - started < 3.0 + 5.0  # ended by the deadline, not by a hung resolver
    if result.error_kind == "dns":
        assert "resolve" in result.error_message


async def test_hanging_server_ends_at_the_deadline_as_timeout(server):
    started = time.monotonic()
    result = await attempt(spec("hang", f"{server.url}/hang", timeout=0.5))
    elapsed = time.monotonic() - started
    assert result.error_kind == "timeout" and result.status is None
    # The server would hang for 60 s: ending anywhere near the 0.5 s deadline proves the cut.
    assert elapsed < 0.5 + 5.0
    assert result.latency_ms >= 500 * 0.9


async def test_slow_drip_body_is_cut_by_the_whole_attempt_deadline(server):
    # Every chunk arrives well within any per-read timeout; only a whole-attempt deadline stops it.
    result = await attempt(spec("drip", f"{server.url}/drip", timeout=0.6))
    assert result.error_kind == "timeout"
    assert result.status == 200 and result.latency_headers_ms is not None
    assert "body incomplete" in result.error_message


async def test_slow_response_within_timeout_is_ok(server):
    result = await attempt(spec("slow", f"{server.url}/slow?d=0.3", timeout=2.0))
    assert result.ok and result.latency_ms >= 300


async def test_50mb_streamed_body_is_cut_at_the_limit(server):
    result = await attempt(spec("big", f"{server.url}/big", body_size_limit=1024 * 1024))
    assert result.error_kind == "too_large"
    assert "1048576" in result.error_message


async def test_declared_huge_body_is_refused_without_reading_it(server):
    result = await attempt(spec("declared", f"{server.url}/big-declared", body_size_limit=1024))
    assert result.error_kind == "too_large" and "52428800" in result.error_message


async def test_redirect_loop(server):
    result = await attempt(spec("loop", f"{server.url}/loop-a"))
    assert result.error_kind == "redirects" and "loop" in result.error_message


async def test_too_many_redirects(server):
    result = await attempt(spec("hops", f"{server.url}/hop/5", max_redirects=3))
    assert result.error_kind == "redirects" and "more than 3" in result.error_message


async def test_redirects_within_the_limit_are_followed(server):
    result = await attempt(spec("hops", f"{server.url}/hop/3", max_redirects=3))
    assert result.ok and result.body_excerpt == "landed"


async def test_redirect_not_followed_is_judged_by_its_status(server):
    result = await attempt(spec("nofollow", f"{server.url}/hop/1", follow_redirects=False))
    assert result.error_kind == "status" and result.status == 302
    ok = await attempt(spec("nofollow", f"{server.url}/hop/1", follow_redirects=False, valid_status_codes=((300, 399),)))
    assert ok.ok


async def test_non_utf8_body_does_not_break_anything(server):
    result = await attempt(spec("latin1", f"{server.url}/latin1", conditions=(parse_condition("[BODY] == pat(*na*)"),)))
    assert result.ok
    assert "caf" in result.body_excerpt and "\ufffd" in result.body_excerpt


async def test_markup_body_is_kept_verbatim(server):
    result = await attempt(spec("markup", f"{server.url}/markup"))
    assert result.ok and result.body_excerpt == MARKUP_BODY


@pytest.mark.parametrize(
    "condition, ok",
    [
        ("[STATUS] == 200", True),
        ("[STATUS] == 201", False),
        ("[BODY].status == UP", True),
        ("[BODY].data[0].id == 5", True),
        ("[BODY].data[0].id > 9", False),
        ("len([BODY].items) > 0", True),
        ("has([BODY].ready) == true", True),
        ("has([BODY].missing) == true", False),
        ("[BODY] == pat(*UP*)", True),
        ("[RESPONSE_TIME] < 5000", True),
        ("[CONNECTED] == true", True),
    ],
)
async def test_conditions_against_a_real_json_body(server, condition, ok):
    result = await attempt(spec("json", f"{server.url}/json", conditions=(parse_condition(condition),)))
    assert result.ok is ok
    if not ok:
        assert result.error_kind == "condition" and condition in result.error_message


async def test_self_signed_tls_fails_verification(tls_server):
    result = await attempt(spec("tls", f"{tls_server.url}/ok", verify_tls=True))
    assert result.error_kind == "tls"
    assert "certificate" in result.error_message.lower()


async def test_self_signed_tls_is_ok_without_verification(tls_server):
    result = await attempt(spec("tls", f"{tls_server.url}/ok", verify_tls=False))
    assert result.ok and result.status == 200


async def test_certificate_expiration_condition_with_a_trusting_client(tls_server, tmp_path):
    bundle = tmp_path / "ca.pem"
    tls_server.authority.cert_pem.write_to_path(str(bundle))
    import ssl

    context = ssl.create_default_context(cafile=str(bundle))
    async with httpx.AsyncClient(verify=context) as client:
        good = await attempt(spec("cert", f"{tls_server.url}/ok", conditions=(parse_condition("[CERTIFICATE_EXPIRATION] > 48h"),)), client=client)
        # trustme certificates are valid for years, so "expires within 48h" is false
        bad = await attempt(spec("cert", f"{tls_server.url}/ok", conditions=(parse_condition("[CERTIFICATE_EXPIRATION] < 48h"),)), client=client)
        assert not client.is_closed  # a client handed to the engine stays the caller's
    assert good.ok
    assert bad.error_kind == "condition" and "[CERTIFICATE_EXPIRATION]" in bad.error_message


async def test_headers_are_resolved_from_env_and_sent(server):
    probe = spec("auth", f"{server.url}/headers", headers=(("Authorization", "Bearer ${API_TOKEN}"),),
                 conditions=(parse_condition("[BODY].authorization == true"),))
    result = await attempt(probe, env={"API_TOKEN": "s3cret-token"})
    assert result.ok
    assert "s3cret" not in repr(result)


async def test_a_secret_echoed_by_the_server_is_redacted(server):
    probe = spec("echo", f"{server.url}/echo", headers=(("Authorization", "Bearer ${API_TOKEN}"),))
    result = await attempt(probe, env={"API_TOKEN": "s3cret-token"})
    assert result.error_kind == "status"
    assert result.body_excerpt == f"denied: Bearer {REDACTED}"
    assert "s3cret" not in repr(result)


async def test_a_raising_callback_never_stops_the_engine(server, closed_port):
    seen = []

    def explode(_attempt):
        seen.append(_attempt.probe)
        raise RuntimeError("callback bug")

    probes = [spec("ok", f"{server.url}/ok"), spec("closed", f"http://127.0.0.1:{closed_port}/")]
    triggers = [TriggerSpec(name="fails", kind="consecutive_failures", above=0)]

    def trigger_bomb(*_):
        raise ValueError("trigger callback bug")

    clock = FakeClock(T0)
    engine = ProbeEngine(probes, triggers, env={}, t0=T0, on_attempt=explode, on_trigger=trigger_bomb, clock=clock)
    results = await engine.run_once()
    assert sorted(seen) == ["closed", "ok"]
    assert [r.ok for r in results] == [True, False]
    assert engine.statuses()["closed"].state == "DOWN"
    fired = engine.trigger_states()[("fails", "closed")]
    assert fired.state == "firing" and fired.since == T0  # the injected clock, not the wall clock
    assert all(result.at == T0 for result in results)


async def test_run_keeps_a_fixed_schedule_and_never_overlaps(server):
    starts: dict[str, list[datetime]] = {"fast": [], "slow": []}
    probes = [
        spec("fast", f"{server.url}/ok", interval=0.1, timeout=0.1),
        # 0.25 s attempts on a 0.1 s interval: overruns must skip slots, not run concurrently
        spec("slow", f"{server.url}/slow?d=0.25", interval=0.1, timeout=0.1 - 0.001 + 0.4),
    ]
    in_flight = {"fast": 0, "slow": 0}
    attempts = []

    engine = ProbeEngine(probes, [], env={}, t0=T0, on_attempt=attempts.append)
    original = engine.attempt

    async def counting(probe, **kwargs):
        in_flight[probe.name] += 1
        assert in_flight[probe.name] == 1, "two attempts of one probe at once"
        starts[probe.name].append(datetime.now(timezone.utc))
        try:
            return await original(probe, **kwargs)
        finally:
            in_flight[probe.name] -= 1

    engine.attempt = counting
    task = asyncio.create_task(engine.run())
    deadline = time.monotonic() + 10
    while len(starts["fast"]) < 8 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    while len(starts["slow"]) < 3 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(starts["fast"]) >= 8 and len(starts["slow"]) >= 3
    # slow attempts take 0.25 s, so consecutive starts sit on the grid 0.3 s apart (two slots skipped)
    gaps = [(b - a).total_seconds() for a, b in zip(starts["slow"], starts["slow"][1:])]
    assert all(gap >= 0.25 for gap in gaps)
    fast_delays = [a.start_delay_ms for a in attempts if a.probe == "fast"]
    assert all(delay is not None and delay >= 0 for delay in fast_delays)
    assert engine._clients == {}  # cancellation closed the clients


async def test_run_with_an_exception_in_a_probe_keeps_other_probes_going(server):
    probes = [spec("good", f"{server.url}/ok", interval=0.05, timeout=0.05), spec("bad", f"{server.url}/ok", interval=0.05, timeout=0.05)]
    counts = {"good": 0, "bad": 0}
    engine = ProbeEngine(probes, [], env={}, t0=T0)
    original = engine.attempt

    async def sometimes_broken(probe, **kwargs):
        counts[probe.name] += 1
        if probe.name == "bad":
            raise RuntimeError("engine bug in one probe")
        return await original(probe, **kwargs)

    engine.attempt = sometimes_broken
    task = asyncio.create_task(engine.run())
    deadline = time.monotonic() + 10
    while (counts["good"] < 5 or counts["bad"] < 5) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert counts["good"] >= 5 and counts["bad"] >= 5

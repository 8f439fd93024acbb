"""Gatus conditions (parse + evaluate) and the rolling probe status."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from launchpad.core.probes.conditions import ConditionError, ConditionFacts, parse_condition
from launchpad.core.probes.probe_status import RECENT, Attempt, ProbeStatus, apply_attempt, percentile

BODY = json.dumps({"status": "UP", "data": [{"id": 5}], "items": [1, 2], "flag": False, "n": 2.5})


def facts(**overrides):
    values = dict(status=200, response_time_ms=120.0, body_text=BODY, certificate_expires_in_s=72 * 3600.0)
    values.update(overrides)
    return ConditionFacts(**values)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[STATUS] == 200", True),
        ("[STATUS] != 200", False),
        ("[STATUS] < 300", True),
        ("[STATUS]==200", True),
        ("[STATUS] == any(200, 201)", True),
        ("[RESPONSE_TIME] < 300", True),
        ("[RESPONSE_TIME] <= 120", True),
        ("[RESPONSE_TIME] > 1s", False),
        ("[BODY].status == UP", True),
        ("[BODY].status == DOWN", False),
        ("[BODY].data[0].id == 5", True),
        ("[BODY].data[1].id == 5", False),
        ("[BODY].flag == false", True),
        ("[BODY].n >= 2.5", True),
        ("[BODY] == pat(*\"UP\"*)", True),
        ("[BODY] != pat(*DOWN*)", True),
        ("has([BODY].items) == true", True),
        ("has([BODY].nope) == false", True),
        ("len([BODY].items) > 0", True),
        ("len([BODY].items) == 2", True),
        ("[CERTIFICATE_EXPIRATION] > 48h", True),
        ("[CERTIFICATE_EXPIRATION] > 96h", False),
        ("[CONNECTED] == true", True),
        ("[BODY].status < 5", False),  # ordering of text never passes
    ],
)
def test_evaluate(text, expected):
    passed, seen = parse_condition(text).evaluate(facts())
    assert passed is expected, seen


def test_failure_explains_what_was_seen():
    passed, seen = parse_condition("[BODY].status == DOWN").evaluate(facts())
    assert not passed and seen == "[BODY].status was UP"
    passed, seen = parse_condition("[BODY].missing == 1").evaluate(facts())
    assert not passed and "unknown" in seen


def test_non_json_body_makes_paths_unknown_not_crash():
    passed, _ = parse_condition("[BODY].status == UP").evaluate(facts(body_text="\x1b[31m not json"))
    assert passed is False
    passed, _ = parse_condition("[BODY] == pat(*not json*)").evaluate(facts(body_text="\x1b[31m not json"))
    assert passed is True


def test_unknown_certificate_fails():
    passed, seen = parse_condition("[CERTIFICATE_EXPIRATION] > 48h").evaluate(facts(certificate_expires_in_s=None))
    assert not passed and "unknown" in seen


@pytest.mark.parametrize(
    "text, needle",
    [
        ("[STATUS] 200", "no operator"),
        ("[STAUTS] == 200", "not a placeholder"),
        ("== 200", "nothing left"),
        ("[STATUS] ==", "nothing right"),
        ("size([BODY]) > 1", "unknown function"),
        ("[STATUS].x == 1", "only [BODY] takes a path"),
        ("[BODY].a..b == 1", "cannot read the path"),
        ("[RESPONSE_TIME] < fast", "not a number"),
        ("[STATUS] == ok", "not a status code"),
        ("", "empty"),
    ],
)
def test_parse_errors(text, needle):
    with pytest.raises(ConditionError, match=None) as caught:
        parse_condition(text)
    assert needle in str(caught.value)


def attempt(ok=True, latency=100.0, at=None, **extra):
    return Attempt(probe="api", at=at or datetime(2026, 5, 1, tzinfo=timezone.utc), ok=ok, status=200 if ok else None,
                   latency_ms=latency, **extra)


def test_status_is_pending_until_the_first_attempt_then_follows_it():
    status = ProbeStatus("api")
    assert status.state == "PENDING" and status.p50 is None and status.error_rate is None
    status = apply_attempt(status, attempt())
    assert status.state == "UP" and status.attempts == 1 and status.error_rate == 0
    status = apply_attempt(status, attempt(ok=False, latency=None, error_kind="connect", error_message="refused"))
    assert status.state == "DOWN" and status.consecutive_failures == 1 and status.last_error == "connect: refused"
    assert status.error_rate == 0.5 and status.latencies == (100.0,)
    status = apply_attempt(status, attempt())
    assert status.state == "UP" and status.consecutive_failures == 0 and status.last_error == "connect: refused"


def test_history_is_bounded_and_percentiles_are_nearest_rank():
    status = ProbeStatus("api")
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    for i in range(1, 1001):
        status = apply_attempt(status, attempt(latency=float(i), at=start + timedelta(seconds=i)))
    assert len(status.latencies) == RECENT and len(status.outcomes) == RECENT
    assert status.latencies[-1] == 1000.0 and status.attempts == 1000
    assert status.p50 == 970.0 and status.p95 == 997.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0 and percentile([], 0.5) is None


def test_each_latency_keeps_whether_its_attempt_passed_and_followers_get_it_too():
    """The sparkline draws a failed attempt's bar in the error colour: it needs the outcome beside each latency
    (a connection failure has no latency, so `outcomes` does not line up with `latencies`)."""
    from launchpad.core.journal.live_state import decode_status, encode_status

    status = ProbeStatus("api")
    for each in (attempt(latency=40.0), attempt(ok=False, latency=None, error_kind="connect"),
                 attempt(ok=False, latency=4500.0, error_kind="timeout"), attempt(latency=42.0)):
        status = apply_attempt(status, each)
    assert status.latencies == (40.0, 4500.0, 42.0) and status.latency_ok == (True, False, True)
    assert decode_status("api", encode_status(status)).latency_ok == (True, False, True)
    for i in range(2 * RECENT):
        status = apply_attempt(status, attempt(ok=i % 2 == 0, latency=float(i)))
    assert len(status.latency_ok) == len(status.latencies) == RECENT and status.latency_ok[-1] is False

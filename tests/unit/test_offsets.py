import pytest

from launchpad.core.plan.offsets import (OffsetError, format_clock, format_offset, parse_duration, parse_instant,
                                    parse_offset)


@pytest.mark.parametrize("text, seconds", [
    ("T-24h", -86400), ("T-1h30m", -5400), ("T-0", 0), ("T0", 0), ("T+4h", 14400), ("T+0:30", 1800),
    ("T-01:59:12", -7152), ("T-90m", -5400), ("T+1d2h", 93600), ("T-45s", -45), (" T-2h ", -7200),
])
def test_parse_offset(text, seconds):
    assert parse_offset(text) == seconds


@pytest.mark.parametrize("text", ["T-25x", "24h", "T-", "T-1m1h", "T-1h1h", "T*2h", "T-1:75", "", "T-h"])
def test_bad_offsets_say_what_is_wrong(text):
    with pytest.raises(OffsetError) as error:
        parse_offset(text)
    assert "T-offset" in str(error.value) or "T`" in str(error.value)


def test_offsets_round_trip():
    for seconds in (-86400, -43200, -5400, -60, 0, 3600, 14400, 93600):
        assert parse_offset(format_offset(seconds)) == seconds
    assert format_offset(-86400) == "T-24h"
    assert format_offset(-5400) == "T-1h30m"
    assert format_offset(0) == "T-0"


def test_clock_counts_down_then_up():
    assert format_clock(-7152) == "T-01:59:12"
    assert format_clock(-0.4) == "T-00:00:01"
    assert format_clock(0) == "T+00:00:00"
    assert format_clock(723.9) == "T+00:12:03"


def test_durations():
    assert parse_duration("10s") == 10
    assert parse_duration("1h30m") == 5400
    assert parse_duration(5) == 5
    with pytest.raises(OffsetError):
        parse_duration("5 minutes")


def test_instants_are_utc():
    moment = parse_instant("2026-11-22T18:00Z")
    assert moment.isoformat() == "2026-11-22T18:00:00+00:00"
    assert parse_instant("2026-11-22 19:00+01:00") == moment
    with pytest.raises(OffsetError):
        parse_instant("tomorrow")

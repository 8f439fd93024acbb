"""T-offsets: `T-24h`, `T-1h30m`, `T-0`, `T+4h`, `T+0:30`, `T-01:59:12` <-> signed seconds from T-0."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

# The clock holds launches, not eras. Every T-offset, duration and recycle target stays within MAX_DAYS of T-0;
# a T-0 within T0_DAYS of now; and a journal entry's time within MAX_DAYS of its session (created_at .. T-0).
# Far enough for any plan, far inside what datetime arithmetic holds: `T-99999999h`, `9999-12-31`, `nan` or
# `1e300`, typed or hand-edited, is refused at the door instead of raising OverflowError in every later reader.
MAX_DAYS = 400
MAX_SECONDS = MAX_DAYS * 86400
T0_DAYS = 3653  # ten years: a launch can be planned far ahead, never in year 9999
T0_SECONDS = T0_DAYS * 86400
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_UNITS = re.compile(r"(\d+)([dhms])")
_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
_DURATION_HINT = "write it like `T-24h`, `T-1h30m`, `T-0`, `T+4h` or `T+0:30` (units d, h, m, s)"


class OffsetError(ValueError):
    """A T-offset or duration that cannot be read; the message says how to write it."""


def _parse_magnitude(body: str, original: str, what: str) -> int:
    body = body.strip()
    if body == "0":
        return 0
    clock = _CLOCK.match(body)
    if clock:
        hours, minutes, seconds = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        if minutes >= 60 or seconds >= 60:
            raise OffsetError(f"bad {what} `{original}`: minutes and seconds must be below 60")
        return hours * 3600 + minutes * 60 + seconds
    position = 0
    total = 0
    seen: list[str] = []
    for match in _UNITS.finditer(body):
        if match.start() != position:
            break
        unit = match[2]
        if unit in seen or (seen and "dhms".index(unit) < "dhms".index(seen[-1])):
            raise OffsetError(f"bad {what} `{original}`: units must appear once each, largest first")
        seen.append(unit)
        total += int(match[1]) * _UNIT_SECONDS[unit]
        position = match.end()
    if position != len(body) or not seen:
        raise OffsetError(f"bad {what} `{original}`")
    return total


def in_range(seconds: object) -> bool:
    """True for a real, finite number of seconds within MAX_DAYS of T-0 (bool is not a number here)."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return False
    if isinstance(seconds, float) and not math.isfinite(seconds):
        return False
    return -MAX_SECONDS <= seconds <= MAX_SECONDS


def near(moment: object, reference: datetime, seconds: float = MAX_SECONDS) -> bool:
    """True when `moment` is an aware datetime within `seconds` (MAX_DAYS) of `reference`."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return False
    try:
        return abs((moment - reference).total_seconds()) <= seconds
    except (OverflowError, TypeError):
        return False


def session_window(*anchors: datetime) -> tuple[datetime, datetime]:
    """The span a session's times may fall in: MAX_DAYS before the earliest of its anchors (created_at, T-0,
    now) to MAX_DAYS after the latest."""
    span = timedelta(seconds=MAX_SECONDS)
    low, high = min(anchors), max(anchors)
    try:
        low = low - span
    except OverflowError:
        low = datetime.min.replace(tzinfo=low.tzinfo)
    try:
        high = high + span
    except OverflowError:
        high = datetime.max.replace(tzinfo=high.tzinfo)
    return low, high


def within(moment: object, window: tuple[datetime, datetime]) -> bool:
    return isinstance(moment, datetime) and moment.tzinfo is not None and window[0] <= moment <= window[1]


def clamp_into(moment: datetime, window: tuple[datetime, datetime]) -> datetime:
    """`moment` moved into `window`: a hand-edited entry time in year 9999 sorts last in a replay instead of
    overflowing the arithmetic around it."""
    return min(max(moment, window[0]), window[1])


def _bounded(seconds: int, original: object, what: str) -> int:
    if not in_range(seconds):
        how = "longer than" if what == "duration" else "more than"
        raise OffsetError(f"bad {what} `{original}`: {how} {MAX_DAYS} days{'' if what == 'duration' else ' from T-0'} "
                          "(launchpad counts launches, not eras)")
    return seconds


def parse_offset(text: str) -> int:
    """Seconds relative to T-0 (negative before it). Raises OffsetError with a readable message."""
    original = text
    if not isinstance(text, str):
        raise OffsetError(f"a T-offset must be a string such as \"T-1h\", not {type(text).__name__}")
    text = text.strip().replace("\u2212", "-")
    if not text[:1] in ("T", "t"):
        raise OffsetError(f"bad T-offset `{original}`: it must start with `T`")
    rest = text[1:].strip()
    if rest in ("", "0", "-0", "+0"):
        return 0
    sign = rest[0]
    if sign not in "+-":
        raise OffsetError(f"bad T-offset `{original}`: `T` must be followed by `-` or `+`")
    return _bounded((-1 if sign == "-" else 1) * _parse_magnitude(rest[1:], original, "T-offset"), original, "T-offset")


def parse_duration(text: str) -> int:
    """Seconds in a duration such as `10s`, `5m`, `1h30m` or `0:30`."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if isinstance(text, float) and not math.isfinite(text):
            raise OffsetError(f"bad duration `{text}`: it must be a finite number of seconds, or a string such as \"5m\"")
        if text < 0:
            raise OffsetError(f"bad duration `{text}`: it cannot be negative")
        return _bounded(int(text), text, "duration")
    if not isinstance(text, str):
        raise OffsetError(f"a duration must be a string such as \"5m\", not {type(text).__name__}")
    return _bounded(_parse_magnitude(text, text, "duration"), text, "duration")


def format_offset(seconds: float) -> str:
    """Compact plan notation: -5400 -> `T-1h30m`, 0 -> `T-0`, 14400 -> `T+4h`."""
    if isinstance(seconds, float) and not math.isfinite(seconds):
        return "T?"
    seconds = int(round(seconds))
    if seconds == 0:
        return "T-0"
    sign = "-" if seconds < 0 else "+"
    rest = abs(seconds)
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if unit == "d" and rest < 2 * 86400:
            continue  # T-24h reads better than T-1d
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return f"T{sign}{''.join(parts)}"


def format_clock(seconds: float) -> str:
    """Countdown notation: -7152 -> `T-01:59:12`, 723 -> `T+00:12:03`.

    Before T-0 the clock counts down whole seconds still to go (ceil), so it reads T-00:00:01
    right up to the instant of T-0, then T+00:00:00.
    """
    if isinstance(seconds, float) and not math.isfinite(seconds):
        return "T?"
    if seconds < 0:
        whole = -int(seconds) if seconds == int(seconds) else -int(seconds) + 1
        sign = "-"
    else:
        whole = int(seconds)
        sign = "+"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"T{sign}{hours:02d}:{minutes:02d}:{secs:02d}"


HINT = _DURATION_HINT


def parse_instant(text: str, local_tz=None, *, require_zone: bool = False):
    """An ISO-8601 instant such as `2026-11-22T18:00Z` or `2026-11-22 18:00+01:00`, as an aware UTC datetime.

    A time without a zone is read in `local_tz` (the machine's zone when None), as a person typing it means;
    with require_zone (a launch's T-0 on the command line) it is refused instead: on a server the machine's
    zone is UTC, and a T-0 off by the lead's UTC offset is found out only when the steps turn late.
    """
    from datetime import timezone

    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise OffsetError(
            f"bad time `{text}`: write an ISO-8601 time such as 2026-11-22T18:00Z or \"2026-11-22 18:00+01:00\""
        ) from None
    if moment.tzinfo is None and require_zone:
        bare = text.strip()
        raise OffsetError(f"`{bare}` has no time zone: add one, e.g. {bare}Z for UTC or {bare}+01:00")
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_tz) if local_tz else moment.astimezone()
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError, OSError):  # 0001-01-01 in a zone east of UTC falls before year 1
        raise OffsetError(f"bad time `{text}`: it is outside the range a clock can hold") from None


def parse_t0(text: str, reference: datetime, local_tz=None, *, require_zone: bool = False) -> datetime:
    """A T-0 (`--t0`, a scrub's new T-0): an ISO-8601 instant within T0_DAYS (ten years) of `reference` (now)."""
    moment = parse_instant(text, local_tz, require_zone=require_zone)
    if not near(moment, reference, T0_SECONDS):
        raise OffsetError(f"bad T-0 `{text}`: more than ten years from {reference:%Y-%m-%d}")
    return moment

"""The journal's commonest block read without a TOML parser: a `probe_minute` entry exactly as launchpad writes it.

A long session is ~97 % probe minutes (one per probe per minute), and opening it was half TOML parsing (rtoml,
6 µs a block) and half turning parsed tables into Entries (6 µs more). A minute block is always the same
eleven lines (core/journal/journal.entry_to_toml with tomli_w, the payload of ProbeMinute.payload()), so one
anchored regular expression reads it, straight into its Entry, for a fraction of that.

The expression accepts only a subset of TOML whose meaning is plain: keys in the order written, `key = value`
with single spaces, basic strings without escapes or control characters (their value is their text), decimal
integers without sign, underscores or leading zeros, and decimal floats of the form `-?D.D`, which Python's
float() and the TOML parser both round correctly to the same double. The at time is a UTC date-time to the
millisecond with a trailing Z; one that is no real moment (month 13, second 60) falls to the parser. Anything
else - another key order, an escape, an exponent, a comment, extra lines - is not read here: the caller hands
those blocks to the TOML parser as before (store/recovery.py), so a hand-edited block means what TOML says.
"""

from __future__ import annotations

import re
from datetime import datetime
from sys import intern
from types import MappingProxyType

from launchpad.core.journal.journal import Entry
from launchpad.core.probes.probe_history import KIND

_STRING = r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"'  # a TOML basic string with no escape: its value is its text
_COUNT = r"(0|[1-9][0-9]{0,17})"  # well inside TOML's 64-bit integers
_FIGURE = r"(-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,17})"
MINUTE_BLOCK = re.compile(
    r"seq = ([1-9][0-9]{0,17})\n"
    r"at = ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z)\n"
    rf"actor = {_STRING}\n"
    rf'kind = "{KIND}"\n'
    rf"target = {_STRING}\n"
    r"\[entry\.payload\]\n"
    rf"minute = {_STRING}\n"
    rf"count = {_COUNT}\n"
    rf"errors = {_COUNT}\n"
    rf"(?:p50 = {_FIGURE}\n)?"
    rf"(?:p95 = {_FIGURE}\n)?"
    r"# end\n",
    re.ASCII,
)
fromisoformat = datetime.fromisoformat


def read_minute(body: str) -> Entry | None:
    """The Entry of one block's text after its "\\n[[entry]]\\n" line, if it is a probe minute exactly as
    launchpad writes one; None for anything else (the TOML parser reads it)."""
    found = MINUTE_BLOCK.fullmatch(body)
    if found is None:
        return None
    seq, stamp, actor, target, label, count, errors, p50, p95 = found.groups()
    try:  # C-fast on exactly this shape; "Z" gives timezone.utc itself, as entry_from_table normalises to
        at = fromisoformat(stamp)
    except ValueError:
        return None
    payload = {"minute": label, "count": int(count), "errors": int(errors)}
    if p50 is not None:
        payload["p50"] = float(p50)
    if p95 is not None:
        payload["p95"] = float(p95)
    return Entry(int(seq), at, intern(actor), KIND, intern(target), MappingProxyType(payload))

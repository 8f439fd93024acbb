"""Hostile responses against the engine: each attempt ends with the right error kind, within its deadline
plus a few seconds, and without the process's memory growing by 50 MB.

The servers are real, on 127.0.0.1 (conftest.Handler). Memory is the peak resident set read from
/proc/self/statm by a sampling thread while the attempt runs: the bomb bodies inflate to 1 GiB, so a
decoder that is not bounded by the body limit shows hundreds of MB here (it showed 67 MB for one layer,
2.1 GB for two, before the engine decoded by itself).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from datetime import datetime, timezone

import pytest

from launchpad.core.probes.probe_config import ProbeSpec
from launchpad.engine.probe_engine import ProbeEngine

from .conftest import gzip_bomb, nested_gzip_bomb

pytestmark = pytest.mark.hostile

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
TIMEOUT = 2.0
GRACE = 5.0  # "ended": generous on a shared machine; an unbounded attempt runs far past it or never ends
RSS_LIMIT = 50 * 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakResident:
    """The highest resident set seen while the block runs (sampled every few milliseconds)."""

    def __enter__(self) -> "PeakResident":
        self.start = resident()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, resident())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, resident())

    @property
    def growth(self) -> int:
        return self.peak - self.start


async def bounded_attempt(url: str, timeout: float = TIMEOUT, **overrides):
    probe = ProbeSpec(name="hostile", url=url, timeout=timeout, interval=10.0, **overrides)
    engine = ProbeEngine([probe], [], env={}, t0=T0)
    started = time.monotonic()
    with PeakResident() as memory:
        # wait_for only so that a regression fails instead of hanging the suite
        (result,) = await asyncio.wait_for(engine.run_once(), timeout + 30)
    return result, time.monotonic() - started, memory.growth


@pytest.fixture(scope="module", autouse=True)
def bombs_ready():
    """Build the bombs before any baseline is taken, so their bytes are not counted as the client's."""
    assert len(gzip_bomb()) < 2 * 1024 * 1024 and len(nested_gzip_bomb()) < 64 * 1024


@pytest.mark.parametrize(
    ("path", "kind", "words"),
    [
        ("/gzip-bomb", "too_large", "over the 1048576-byte limit"),  # 1 GiB inside one gzip layer
        ("/nested-gzip-bomb", "encoding", "stacked"),  # Content-Encoding: gzip, gzip
        ("/brotli", "encoding", "`br` is not supported"),
        ("/compressed?coding=corrupt", "encoding", "cannot be decoded"),  # says gzip, is not  # an encoding we do not decode under the limit
        ("/many-headers?size=1", "too_large", "response headers, over the limit"),  # 10,000 short headers
        ("/many-headers?size=40", "too_large", "headers"),  # 10,000 long headers: past the parser's buffer
        ("/endless", "too_large", "over the 1048576-byte limit"),  # chunked, never ends
        ("/drip", "timeout", "body incomplete"),  # one byte every 0.1 s: only the whole-attempt deadline ends it
        ("/drip-headers", "timeout", "no response"),  # headers that never finish
    ],
)
async def test_hostile_response_ends_with_its_kind_in_bounded_time_and_memory(server, path, kind, words):
    # Only the drips need the deadline to end them; the others must end by their kind, so a loaded machine
    # (10,000 headers parsed slowly) gets a longer deadline there rather than a `timeout` in place of the kind.
    timeout = TIMEOUT if kind == "timeout" else 4 * TIMEOUT
    result, elapsed, growth = await bounded_attempt(f"{server.url}{path}", timeout=timeout)
    assert result.error_kind == kind, result
    assert words in result.error_message
    assert elapsed < timeout + GRACE
    assert growth < RSS_LIMIT, f"resident set grew by {growth / 1e6:.1f} MB"


async def test_the_decoded_body_is_what_the_limit_counts(server):
    # About 1 MB on the wire, under a 10 MiB limit; 1 GiB decoded: the decoded size is what is refused,
    # and what was decoded (zeros, not gzip bytes) is what the excerpt shows.
    result, _, growth = await bounded_attempt(f"{server.url}/gzip-bomb", body_size_limit=10 * 1024 * 1024)
    assert result.error_kind == "too_large" and "10485760-byte limit" in result.error_message
    assert result.body_excerpt == "\x00" * 200
    assert growth < RSS_LIMIT


async def test_gzip_and_deflate_responses_still_work(server):
    for path in ("/compressed?coding=gzip", "/compressed?coding=deflate", "/compressed?coding=raw-deflate"):
        result, _, _ = await bounded_attempt(f"{server.url}{path}")
        assert result.ok, (path, result)
        assert result.body_excerpt == "compressed hello " * 3, path

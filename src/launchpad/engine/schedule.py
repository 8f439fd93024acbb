"""Fixed-grid scheduling shared by the probe and metric engines.

Starts sit on a grid (next = previous scheduled start + interval), so hours of running do not drift; a job
that overruns skips the missed slots instead of bunching them; a job that raises costs one slot, never the loop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

log = logging.getLogger("launchpad.engine")


async def run_on_grid(interval: float, offset: float, job: Callable[[float], Awaitable[object]], what: str) -> None:
    """Call `job(scheduled_loop_time)` every `interval` seconds, the first after `offset`, until cancelled."""
    loop = asyncio.get_running_loop()
    scheduled = loop.time() + offset
    while True:
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            await job(scheduled)
        except Exception:  # never lose the loop to one bad attempt
            log.exception("%s: attempt failed unexpectedly", what)
        scheduled += interval
        now = loop.time()
        if now > scheduled:  # overran: skip the missed slots, keep the grid
            missed = int((now - scheduled) // interval) + 1
            scheduled += missed * interval


def start_delay_ms(scheduled: float | None) -> float | None:
    """How late a job started against its slot on the grid (None for an unscheduled, `--once` job)."""
    if scheduled is None:
        return None
    return max(0.0, (asyncio.get_running_loop().time() - scheduled) * 1000.0)


def call_safely(callback: Callable | None, *args) -> None:
    """A broken callback (a screen, a journal) must never stop the engine that calls it."""
    if callback is None:
        return
    try:
        callback(*args)
    except Exception:
        log.exception("engine callback failed")


async def close_clients(clients, keep=None) -> None:
    """Close the engine's HTTP clients, except one it was given (`keep`), which its owner closes."""
    for client in clients:
        if client is not keep:
            try:
                await client.aclose()
            except Exception:  # closing must not mask the reason we are closing
                log.exception("closing the HTTP client failed")


FIRST_START_SPACING = 0.01  # seconds between first starts: spreads load without delaying small plans


class GridEngine:
    """The lifecycle the probe and metric engines share: every spec on its grid (`run`), all at once
    (`run_once`, for `--once`), clients closed on the way out. Subclasses set `_specs`, `_clients`,
    `_given_client`, `_running`, `what`, and implement `_one(spec, scheduled)`."""

    what = "job"
    _specs: list
    _clients: dict
    _given_client = None
    _running = False

    async def _one(self, spec, scheduled: float | None):
        raise NotImplementedError

    async def run(self) -> None:
        """Run every spec on its schedule until cancelled; cancellation closes the clients."""
        self._running = True
        try:
            if not self._specs:
                await asyncio.Event().wait()
            spacing = min(FIRST_START_SPACING, min(spec.interval for spec in self._specs) / len(self._specs))
            async with asyncio.TaskGroup() as group:
                for index, spec in enumerate(self._specs):
                    job = lambda scheduled, spec=spec: self._one(spec, scheduled)  # noqa: E731
                    label = f"{self.what} {spec.name}"
                    group.create_task(run_on_grid(spec.interval, index * spacing, job, label), name=label)
        finally:
            self._running = False
            await self.aclose()

    async def run_once(self) -> list:
        """One attempt per spec, all at once within the concurrency bound."""
        try:
            return list(await asyncio.gather(*(self._one(spec, None) for spec in self._specs)))
        finally:
            if not self._running:
                await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = self._clients, {}
        await close_clients(clients.values(), self._given_client)

"""A timer that falls behind fires at the next slot, not the one after (tui/frame_pacing.py): Textual's screen
timer put the frame after a late one 17-33 ms away, and a search keystroke's frame waited behind it."""

from __future__ import annotations

import asyncio

from textual import _time
from textual.timer import Timer

from launchpad.tui import frame_pacing

INTERVAL = 1 / 60


def test_the_next_slot_is_ahead_and_at_most_one_interval_away():
    for now in (0.0, 0.001, INTERVAL, 0.04, 1.2345, 100.0):
        slot = frame_pacing.missed_slots(0.0, INTERVAL, now)
        assert now < (slot + 1) * INTERVAL <= now + INTERVAL + 1e-12


class Target:
    """What the timer would send events to (only held by a weak reference)."""


class SlowTimer(Timer):
    """Records when each tick was due; every tick takes 1.5 intervals of the fake clock (a slow frame)."""

    def __init__(self, clock: list[float]) -> None:
        self.holder = Target()
        super().__init__(self.holder, INTERVAL, repeat=7)
        self.clock = clock
        self.due: list[float] = []

    async def _tick(self, *, next_timer: float, count: int) -> None:
        self.due.append(next_timer)
        self.clock[0] += 1.5 * INTERVAL


def test_after_a_slow_tick_the_next_comes_at_the_next_slot(monkeypatch):
    assert frame_pacing.install()
    clock = [0.0]

    async def sleep(seconds: float) -> None:  # the fake clock moves by exactly what is slept
        clock[0] += seconds
        await asyncio.sleep(0)

    monkeypatch.setattr(_time, "get_time", lambda: clock[0])
    monkeypatch.setattr(_time, "sleep", sleep)
    timer = SlowTimer(clock)
    asyncio.run(timer._run())
    slots = [round(due / INTERVAL) for due in timer.due]
    # Slot 1 ends at 2.5 intervals: the next is slot 3, half an interval later (Textual's own loop said slot 4).
    assert slots == [1, 3, 5, 7]

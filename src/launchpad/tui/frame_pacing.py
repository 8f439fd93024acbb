"""Timers that fall behind wait for the next slot, not the one after: a keystroke's frame comes up to 17 ms sooner.

Textual draws the screen from an interval timer (60 slots a second) that is paused when nothing changed and
resumed by the next change. `Timer._run` skips the slots a late timer missed, but counts one slot too many
(`count = int((now - start) / interval + 1)`, and the loop adds one again): after any frame that started
late, which is every frame after a pause, the next frame waits 17-33 ms instead of 0-17 ms. Under load
(200 probes redrawing their panels) a search keystroke's frame waited behind it: bench/README.md, "Search
keystroke, session 4". The same off-by-one made any late 1 s timer skip a whole second.

`install()` puts in the same loop with the slot count fixed (`missed_slots`). A Textual without
`Timer._run` is left alone.
"""

from __future__ import annotations

from textual import _time
from textual.timer import EventTargetGone, Timer


def missed_slots(start: float, interval: float, now: float) -> int:
    """Slots of `interval` since `start` that are over at `now`: the next one, slot + 1, is still ahead
    (start + (slot + 1) * interval > now) and at most one interval away."""
    return int((now - start) / interval)


async def _run(self: Timer) -> None:
    """`Timer._run` of Textual 8, the skip excepted (it used `missed_slots(...) + 1`)."""
    count = 0
    _repeat = self._repeat
    _interval = self._interval
    self._active  # Force instantiation in same thread
    await self._active.wait()
    start = _time.get_time()

    while _repeat is None or count <= _repeat:
        next_timer = start + ((count + 1) * _interval)
        now = _time.get_time()
        if self._skip and next_timer < now:
            count = missed_slots(start, _interval, now)
            continue
        now = _time.get_time()
        wait_time = max(0, next_timer - now)
        await _time.sleep(wait_time)
        count += 1
        await self._active.wait()
        if self._reset:
            start = _time.get_time()
            count = 0
            self._reset = False
            continue
        try:
            await self._tick(next_timer=next_timer, count=count)
        except EventTargetGone:
            break


def install() -> bool:
    """Use the fixed `_run` from now on (idempotent); False when this Textual's Timer has no `_run`."""
    if not hasattr(Timer, "_run"):
        return False
    Timer._run = _run
    return True

"""An asyncio event loop on a thread of its own: where the probes and metric queries are timed.

On the UI's event loop a stalled screen (a long layout, a slow terminal, a full garbage collection) held every
attempt in flight past its deadline: 200 fake timeouts, DOWN flips and firing rollback triggers in 90 s. Here
nothing but the engines runs on the loop, so a deadline measures the service, not the screen. A thread, not a
process: the engines' results are small frozen objects handed to the UI by reference, leadership is a flock
of this process, and a blocked UI thread (sleeping, waiting on I/O) releases the GIL.

A BUSY UI thread holds the GIL until the interpreter's switch interval asks it to let go (5 ms by default), and
an I/O-bound thread waits that long each time it wakes (the "convoy effect"): an attempt wakes its loop several
times, so after a stall the screen's catch-up work pushed attempts past their deadlines (93 timeouts in 30 s with
200 probes at 5 s, 1.5 s stalls every 5 s, load 9). While a probe thread runs the interval is SWITCH_INTERVAL
(0 timeouts in the same run; bench/bench_probe_isolation.py): the UI thread yields more often, at a small cost.

A full garbage collection holds the GIL for its whole length, so it stalls the probe thread too: with 200 probes
at 1 s they came every 5-10 s and took 100-720 ms under load. Their length is the number of long-lived objects
made after the start-up freeze (tui/app.py), mostly the screen's; their frequency is the collector's gen2
threshold, which counts young (gen1) collections, and every attempt makes young garbage (about 50 objects in
reference cycles, all httpx/httpcore's: a bare httpx loop makes as many). While a probe thread runs the gen2
threshold is GEN2_THRESHOLD instead of 10: full collections come about ten times less often; nothing is frozen,
so every cycle is still freed (at the latest at the next full collection, or at once when it dies young).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
from concurrent.futures import Future
from typing import Any, Callable, Coroutine

log = logging.getLogger("launchpad.engine")

SWITCH_INTERVAL = 0.0005  # seconds; CPython's default is 0.005
GEN2_THRESHOLD = 100  # young (gen1) collections between full ones; CPython's default is 10
_switch_lock = threading.Lock()
_switch_saved: list[tuple[float, tuple[int, int, int]]] = []  # what the first running probe thread changed
_running = 0


def _lower_switch_interval() -> None:
    """The switch interval lowered and full collections made rarer, while any probe thread runs."""
    global _running
    with _switch_lock:
        _running += 1
        if _running == 1:
            interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
            _switch_saved[:] = [(interval, thresholds)]
            sys.setswitchinterval(min(SWITCH_INTERVAL, interval))
            gc.set_threshold(thresholds[0], thresholds[1], max(GEN2_THRESHOLD, thresholds[2]))


def _restore_switch_interval() -> None:
    global _running
    with _switch_lock:
        _running -= 1
        if _running == 0 and _switch_saved:
            interval, thresholds = _switch_saved.pop()
            sys.setswitchinterval(interval)
            gc.set_threshold(*thresholds)


class LoopThread:
    """`start()` runs a fresh event loop on a daemon thread; `submit(coro)` runs a coroutine there (a
    concurrent Future back); `stop()` cancels what still runs, closes the loop and ends the thread."""

    def __init__(self, name: str):
        self.name = name
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False

    def start(self) -> None:
        self._started = True
        _lower_switch_interval()
        self._thread.start()

    def submit(self, coroutine: Coroutine[Any, Any, Any]) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def call(self, callback: Callable, *args: Any) -> None:
        """Run `callback(*args)` on the loop's thread, soon (a no-op once the loop is closed)."""
        try:
            self.loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:
            pass

    def stop(self, timeout: float | None = 5.0) -> None:
        """Cancel every task, close the loop and wait for the thread (blocking: call it from a worker thread)."""
        if not self._started:
            self.loop.close()
            return
        self.call(self.loop.stop)
        self._thread.join(timeout)
        if self._started:
            self._started = False
            _restore_switch_interval()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        loop = self.loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            try:
                tasks = asyncio.all_tasks(loop)
                for task in tasks:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            except Exception:  # closing must not raise on a thread nobody joins
                log.exception("%s: closing the event loop failed", self.name)
            finally:
                asyncio.set_event_loop(None)
                loop.close()

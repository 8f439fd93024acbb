"""Keys are read by a thread that sleeps until a key comes or the app stops, not one that wakes ten times a second.

Textual's Linux driver reads the terminal in a thread looping on `select(0.1)`: the timeout is there to notice
the app stopping (`exit_event`) and to let a lone Escape through once no sequence follows it (the parser's
`tick`, after ESCDELAY, 100 ms by default). That is ten wake-ups a second for a cockpit left open 28 hours,
about a tenth of what an idle cockpit costs. Here the thread also watches a pipe that `exit_event.set()`
writes to, and it selects with a timeout only while the parser waits on one (a pending Escape); otherwise it
sleeps until a key, a mouse event, a paste or the stop. Everything read goes through Textual's own parser and
`process_message`, as in the driver this extends.

`QuietLinuxDriver` is what `LaunchpadApp.get_driver_class` gives wherever Textual would use its LinuxDriver;
`launchpad serve` (textual-serve's web driver), Windows and headless runs keep their own. A Textual whose
parser no longer has `_timeout_time` gets the 0.1 s ticks back: slower at rest, never a lost Escape.
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

TICK = 0.1  # Textual's own interval, while the parser waits to time out a sequence
UNKNOWN = object()


class _WakingEvent(threading.Event):
    """An Event whose `set()` also wakes the input thread out of its select."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self._wake_fd = wake_fd

    def set(self) -> None:
        super().set()
        try:
            os.write(self._wake_fd, b"!")
        except OSError:  # full (it is drained at each wake-up) or closed: the flag is set all the same
            pass


def select_timeout(parser: XTermParser) -> float | None:
    """None (sleep until something happens) unless the parser waits for a timeout, then Textual's tick."""
    pending = getattr(parser, "_timeout_time", UNKNOWN)
    return None if pending is None else TICK


class QuietLinuxDriver(LinuxDriver):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self.exit_event = _WakingEvent(self._wake_write)

    def run_input_thread(self) -> None:
        """Textual's LinuxDriver.run_input_thread, with the wake pipe and the timeout of `select_timeout`."""
        selector = selectors.SelectSelector()
        fileno, wake = self.fileno, self._wake_read
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(wake, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")().decode

        def process(selector_events, final: bool = False) -> None:
            keys = [key for key, mask in selector_events if mask & selectors.EVENT_READ and key.fd == fileno]
            if len(keys) < len(selector_events):
                drain(wake)
            for index, _ in enumerate(keys):
                unicode_data = decode(os.read(fileno, 1024 * 4), final=final and index == len(keys) - 1)
                if not unicode_data:  # stdin piped and closed
                    break
                for event in feed(unicode_data):
                    self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            drain(wake)  # a stop before a suspend left its byte: this run has only begun
            while not self.exit_event.is_set():
                process(selector.select(select_timeout(parser)))
            selector.unregister(fileno)
            process(selector.select(TICK), final=True)
        finally:
            selector.close()
            try:
                for _ in feed(""):
                    pass
            except (EOFError, ParseError):
                pass

    def close(self) -> None:
        super().close()
        self.exit_event._wake_fd = -1  # a later set() must not write into whatever reuses the number
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass


def drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except (BlockingIOError, OSError):
        pass

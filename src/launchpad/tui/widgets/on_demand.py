"""Panes the first frame never shows (the rollback steps, the Go/No-Go poll) make their children the first
time something needs them, not at start-up.

Mounting and styling their tables and lines cost ~15 ms of the cockpit's start, for panes that stay hidden
until a rollback is declared or a poll opens (often never). The pane itself is mounted as before (its id, its
place in the grid, its border), empty; `build()` mounts its children synchronously, so a query or a focus
right after it finds them, and draws the last data `show` was given meanwhile. Whoever brings such a pane
forward calls `build()` first: tui/control.py when the journal's mode or poll asks for it, the app when a
pane is made active.
"""

from __future__ import annotations

from textual.app import ComposeResult


class OnDemand:
    """Mixin before the container class: `parts()` yields what `compose` would; `show` goes through `shown`."""

    _built = False
    _pending: tuple | None = None

    def compose(self) -> ComposeResult:
        return iter(())

    def parts(self) -> ComposeResult:
        raise NotImplementedError

    @property
    def built(self) -> bool:
        return self._built

    def build(self) -> None:
        """Mount the children now (once), and draw what `show` last received."""
        if self._built:
            return
        self._built = True
        # The app as context, as compose has it: build may run from a journal future's callback, outside any
        # message handler, and a DataTable measures its columns with the app's console.
        with self.app._context():
            self.mount_all(list(self.parts()))
            if self._pending is not None:
                args, self._pending = self._pending, None
                self.draw(*args)

    def show(self, *args) -> None:
        """Called as often as the cockpit ticks: drawn once built, kept for `build` until then."""
        if self._built:
            self.draw(*args)
        else:
            self._pending = args

    def draw(self, *args) -> None:
        raise NotImplementedError

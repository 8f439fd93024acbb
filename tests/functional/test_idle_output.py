"""What an idle cockpit sends each second: the cells of the clocks that changed, and they do change on screen
(issue 13: idle output <= 300 bytes/s; the byte figure is bench/bench_idle.py's)."""

from __future__ import annotations

import re
from datetime import timedelta

from textual._compositor import Compositor

from .conftest import NOW, make_app

CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


async def test_a_second_sends_only_the_changed_clock_cells(session, monkeypatch):
    now = [NOW]
    updates = []
    original = Compositor.render_partial_update

    def recorded(self):
        update = original(self)
        if update is not None:
            updates.append(update)
        return update

    monkeypatch.setattr(Compositor, "render_partial_update", recorded)
    app = make_app(session)
    app.clock = lambda: now[0]
    async with app.run_test(size=(200, 60)) as pilot:
        # Steady state first: a tick and a few frames, so what the start still lays out (the checklist's rows
        # and scrollbar, the timeline's height) is not counted as the second's output.
        await pilot.pause()
        app.tick()
        for _ in range(3):
            await pilot.pause(0.05)
        updates.clear()
        now[0] = NOW + timedelta(seconds=1)  # 16:00:48 -> 16:00:49
        app.tick()
        await pilot.pause()
        sent = "".join(update.render_segments(app.console) for update in updates)
        text = CSI.sub("", sent)
        assert "9" in text  # the wall clock's new second reached the terminal...
        assert "WALL" not in text and "16:00" not in text and "T-0 expected" not in text  # ...alone
        assert "T-CLOCK" not in text and "counting" not in text
        assert len(sent) < 400  # a few cells with their colours, not whole lines of the count bar

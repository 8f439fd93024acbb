"""One headless cockpit for bench_war_room.py: python war_room_child.py SESSION ACTOR OUT.jsonl COMMANDS.txt

Runs the real LaunchpadApp with its ProbeRuntime under Textual's headless driver and appends JSON lines to
OUT.jsonl (times are time.monotonic(), one clock for every process on the machine):
  {"seen": K, "at": T}                 the header first drew "K/N done"
  {"fig": [...], "at": T, "leader": B} what the probe panels and the banner show (on each change and every 0.1 s)
  {"acted": ITEM, "at": T}             this cockpit ticked ITEM (command `tick ITEM`)
Commands (one per line, appended to COMMANDS.txt): `tick ITEM`, `quiet` (stop looking: an idle cockpit), `quit`.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time

DONE = re.compile(r"(\d+)/\d+ done")


async def main(session_path: str, actor: str, out_path: str, commands_path: str) -> None:
    from launchpad.shell.probes import ProbeRuntime
    from launchpad.shell.session import LiveSession
    from launchpad.tui.app import LaunchpadApp
    from launchpad.tui.widgets.header_bar import LaunchHeader
    from launchpad.tui.widgets.probe_panel import ProbePanel
    from launchpad.tui.widgets.trigger_banner import TriggerBanner

    session = LiveSession.resume(session_path, actor=actor)
    runtime = ProbeRuntime(session)
    app = LaunchpadApp(session, probes=runtime)
    out = open(out_path, "a", encoding="utf-8")

    def emit(**record) -> None:
        out.write(json.dumps(record) + "\n")
        out.flush()

    done_seen, handled, sampling, last_sample, last_figures = -1, 0, True, 0.0, None
    async with app.run_test(size=(200, 50)) as pilot:
        while True:
            await pilot.pause(0.02 if sampling else 1.0)
            now = time.monotonic()
            if sampling:
                found = DONE.search(app.query_one(LaunchHeader).render().plain)
                if found and int(found.group(1)) != done_seen:
                    done_seen = int(found.group(1))
                    emit(seen=done_seen, at=now)
                banner = app.query_one(TriggerBanner)
                figures = [[[panel.header_text().plain, panel.figures_text().plain, panel.error_text().plain,
                             list(panel.status.latencies)] for panel in app.query(ProbePanel)],
                           banner.banner_text().plain if banner.display else ""]
                if now - last_sample >= 0.1 or figures != last_figures:  # every drawn state, and every 0.1 s
                    last_sample, last_figures = now, figures
                    emit(fig=figures, at=now, leader=runtime.leader,
                         n=min((p.status.attempts for p in app.query(ProbePanel)), default=0))
            try:
                with open(commands_path, encoding="utf-8") as handle:
                    lines = handle.read().splitlines()
            except FileNotFoundError:
                lines = []
            for line in lines[handled:]:
                verb, _, argument = line.partition(" ")
                if verb == "tick":
                    emit(acted=argument, at=time.monotonic())
                    app._write(session.toggle, argument)
                elif verb == "quiet":
                    sampling = False
                elif verb == "quit":
                    await pilot.press("q")
                    out.close()
                    return
            handled = len(lines)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))

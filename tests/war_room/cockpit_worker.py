"""One headless cockpit in its own process, for the war-room tests: several of these share one session file.

    python cockpit_worker.py SESSION ACTOR OUT.json COMMANDS.txt [--watch]

It runs the real LaunchpadApp (with its ProbeRuntime) under Textual's headless driver and, every 0.1 s,
replaces OUT.json with what its screen shows: each probe panel's header and figures, the probe pane's subtitle,
the trigger banner, whether it leads the probes, and every probe state it ever drew (so a test can prove a
state such as DOWN never appeared). It runs each new line of COMMANDS.txt: `ack`, `quit`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys


async def main(session_path: str, actor: str, out: str, commands: str, watch: bool) -> None:
    from launchpad.shell.probes import ProbeRuntime
    from launchpad.shell.session import LiveSession
    from launchpad.tui.app import LaunchpadApp
    from launchpad.tui.widgets.probe_panel import ProbePanel
    from launchpad.tui.widgets.probes_pane import ProbesPane
    from launchpad.tui.widgets.trigger_banner import TriggerBanner

    session = LiveSession.resume(session_path, actor=actor, watch=watch)
    runtime = ProbeRuntime(session, start_demo=not watch, watch_only=watch)
    app = LaunchpadApp(session, probes=runtime, read_only=watch)
    seen: set[str] = set()
    done = 0
    async with app.run_test(size=(200, 50)) as pilot:
        while True:
            await pilot.pause(0.1)
            panels = {panel.probe_name: panel for panel in app.query(ProbePanel)}
            seen.update(panel.status.state for panel in panels.values())
            banner = app.query_one(TriggerBanner)
            state = {
                "pid": os.getpid(), "leader": runtime.leader, "seen": sorted(seen),
                "source": str(app.query_one(ProbesPane).border_subtitle or ""),
                "banner": banner.banner_text().plain if banner.display else "",
                "probes": {name: {"state": panel.status.state, "header": panel.header_text().plain,
                                  "figures": panel.figures_text().plain, "n": panel.status.attempts}
                           for name, panel in panels.items()},
                "polling": app.screen.has_class("-polling"), "done": done,
            }
            with open(out + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(state, handle)
            os.replace(out + ".tmp", out)
            try:
                with open(commands, encoding="utf-8") as handle:
                    lines = handle.read().splitlines()
            except FileNotFoundError:
                lines = []
            for line in lines[done:]:
                if line == "forget":
                    seen = {panel.status.state for panel in panels.values()}
                elif line == "ack":
                    await pilot.press("a")
                elif line == "quit":
                    await pilot.press("q")
                    return
            done = len(lines)


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--watch"]
    asyncio.run(main(*arguments, watch="--watch" in sys.argv))

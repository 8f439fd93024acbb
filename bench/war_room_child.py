"""One headless cockpit for bench_war_room.py: python war_room_child.py SESSION ACTOR OUT.jsonl COMMANDS.txt

Runs the real LaunchpadApp with its ProbeRuntime under Textual's headless driver. The widgets' own drawing
methods are wrapped (no polling, so measuring costs next to nothing) to append JSON lines to OUT.jsonl at the
moment they draw; times are time.monotonic(), one clock for every process on the machine:
  {"seen": K, "at": T}                       the header drew "K/N done" for the first time
  {"panel": NAME, "fig": [...], "at": T}     a probe panel drew new figures (badge, p50/p95, error, sparkline)
  {"banner": TEXT, "at": T}                  the trigger banner changed ("" when hidden)
  {"acted": ITEM, "at": T}                   this cockpit ticked ITEM (command `tick ITEM`)
  {"leader": B, "at": T}                     whether this cockpit probes (on each change)
Commands (one per line, appended to COMMANDS.txt): `tick ITEM`, `quit`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def main(session_path: str, actor: str, out_path: str, commands_path: str) -> None:
    from launchpad.shell.probes import ProbeRuntime
    from launchpad.shell.session import LiveSession
    from launchpad.tui.app import LaunchpadApp
    from launchpad.tui.widgets.header_bar import LaunchHeader
    from launchpad.tui.widgets.probe_panel import ProbePanel
    from launchpad.tui.widgets.trigger_banner import TriggerBanner

    out = open(out_path, "a", encoding="utf-8")

    def emit(**record) -> None:
        out.write(json.dumps(record) + "\n")
        out.flush()

    def figures(panel) -> list:
        return [panel.header_text().plain, panel.figures_text().plain, panel.error_text().plain,
                list(panel.status.latencies)]

    drawn: dict = {}

    def wrap(cls, name, after):
        original = getattr(cls, name)

        def wrapped(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            after(self, kwargs)
            return result

        setattr(cls, name, wrapped)

    def panel_drawn(panel, _):
        fig = figures(panel)
        if drawn.get(panel.probe_name) != fig:
            drawn[panel.probe_name] = fig
            emit(panel=panel.probe_name, fig=fig, at=time.monotonic())

    def banner_drawn(banner, _):
        text = banner.banner_text().plain if banner.shown else ""
        if drawn.get("banner") != text:
            drawn["banner"] = text
            emit(banner=text, at=time.monotonic())

    def header_drawn(header, kwargs):
        if drawn.get("done") != kwargs.get("done"):
            drawn["done"] = kwargs.get("done")
            emit(seen=kwargs.get("done"), at=time.monotonic())

    wrap(ProbePanel, "show", panel_drawn)
    wrap(TriggerBanner, "_refresh", banner_drawn)
    wrap(LaunchHeader, "show", header_drawn)
    session = LiveSession.resume(session_path, actor=actor)
    runtime = ProbeRuntime(session)
    app = LaunchpadApp(session, probes=runtime)
    handled, leading = 0, None
    async with app.run_test(size=(200, 50)) as pilot:
        while True:
            await pilot.pause(0.1)
            if runtime.leader != leading:
                leading = runtime.leader
                emit(leader=leading, at=time.monotonic())
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
                elif verb == "quit":
                    await pilot.press("q")
                    out.close()
                    return
            handled = len(lines)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))

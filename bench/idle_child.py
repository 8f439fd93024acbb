"""Child process for bench_idle.py: one app left idle on a pseudo-terminal.

`python bench/idle_child.py bare|cockpit|demo WORK_DIR`
- bare: a Textual app with a Header, a Footer and a one-line clock updated every second (the baseline);
- cockpit: the real cockpit on the bundled plan without its probes and demo service (nothing happening);
- demo: the real cockpit on the bundled plan with its demo service and its 3 probes (on a free port).
"""

from __future__ import annotations

import sys
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[1]


def bare() -> None:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static(id="clock")
            yield Footer()

        def on_mount(self) -> None:
            self.set_interval(1.0, self.tick)
            self.tick()

        def tick(self) -> None:
            self.query_one("#clock", Static).update(f"{datetime.now(timezone.utc):%H:%M:%S UTC}")

    Bare().run()


def bundled_plan(work: Path, name: str, change) -> Path:
    """The bundled plan, changed by `change(data)`, written to `work/name` (its checklists by absolute path)."""
    data = tomllib.loads((ROOT / "timelines" / "launch-day.toml").read_text(encoding="utf-8"))
    change(data)
    launch = data["launch"]
    launch["checklists"] = [str((ROOT / "timelines" / path).resolve()) for path in launch["checklists"]]
    plan = work / name
    plan.write_text(tomli_w.dumps(data), encoding="utf-8")
    return plan


def without_probes(data: dict) -> None:
    for table in ("probe", "trigger", "demo", "defaults"):
        data.pop(table, None)


def on_a_free_port(data: dict) -> None:
    """The demo service and its probes on a free port instead of 8787: several benchmarks (and helpers) running
    at once each had their cockpit probe the same demo, or none (port taken)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data["demo"]["port"] = port
    for spec in data["probe"]:
        spec["url"] = spec["url"].replace(":8787/", f":{port}/")


def cockpit(which: str, work: Path) -> None:
    from launchpad.cli.main import main

    plan = bundled_plan(work, "quiet.toml", without_probes) if which == "cockpit" else \
        bundled_plan(work, "demo.toml", on_a_free_port)
    t0 = (datetime.now(timezone.utc) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%MZ")
    sys.exit(main([str(plan), "--session", str(work / "idle.session.toml"), "--t0", t0, "--as", "bench"]))


if __name__ == "__main__":
    which, work = sys.argv[1], Path(sys.argv[2])
    if which == "bare":
        bare()
    else:
        cockpit(which, work)

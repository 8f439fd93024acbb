"""Child process for bench_startup.py: start one app, exit right after its first complete frame.

`python bench/startup_child.py cockpit|bare SESSION_DIR [PLAN]` — the cockpit path is the real one (`launchpad`
with the bundled plan: plan load, session file creation, probes and demo service when the plan has them).
"""

from __future__ import annotations

import os
import sys
import time


def stamp_and_exit(app) -> None:
    """Called once the first complete frame is on screen: write the wall time for the parent, then leave."""
    with open(os.environ["LAUNCHPAD_BENCH_STAMP"], "w") as out:
        out.write(repr(time.time()))
    app.exit()


def main() -> None:
    which, session_dir = sys.argv[1], sys.argv[2]
    if which == "bare":
        from textual.app import App
        from textual.widgets import Footer, Header

        class Bare(App):
            def compose(self):
                yield Header()
                yield Footer()

            def on_mount(self) -> None:
                self.call_after_refresh(stamp_and_exit, self)

        Bare().run()
        return

    import argparse
    from pathlib import Path

    from launchpad.cli import cockpit
    from launchpad.tui.app import LaunchpadApp

    original = LaunchpadApp.on_mount

    def on_mount(self) -> None:  # the real mount, then leave once it is on screen
        # Stamp first: the probes and the demo service start after the first frame too, and their start
        # must not be counted as part of it.
        self.call_after_refresh(stamp_and_exit, self)
        original(self)

    LaunchpadApp.on_mount = on_mount
    plan = sys.argv[3] if len(sys.argv) > 3 else None  # bench_plan_scale.py: a big generated plan
    args = argparse.Namespace(plan=plan, t0=None, session=str(Path(session_dir) / "bench.session.toml"),
                              actor="bench", no_demo=False)
    cockpit.run_cockpit(args)


if __name__ == "__main__":
    main()

"""Child process for bench_startup.py: start one app, exit right after its first complete frame.

`python bench/startup_child.py cockpit|bare SESSION_DIR [PLAN]` — the cockpit path is the real one: the
`launchpad` command's own entry (`launchpad.cli.main.main`, as the console script runs it) with the bundled plan
(plan load, session file creation, probes and demo service when the plan has them). The only change to it: once
`launchpad.tui.app` is loaded, the app's on_mount also asks to be told about the first frame.
"""

from __future__ import annotations

import os
import sys
import time


def stamp_and_exit(app) -> None:
    """Called once the first complete frame is on screen: write the wall time for the parent, then leave."""
    with open(os.environ["LAUNCHPAD_BENCH_STAMP"], "w") as out:
        out.write(f"{time.time()!r} {time.process_time()!r}")  # wall, and this process's CPU so far
    app.exit()


def watch_first_frame(app_class) -> None:
    original = app_class.on_mount

    def on_mount(self) -> None:  # the real mount, then leave once it is on screen
        # Stamp first: the probes and the demo service start after the first frame too, and their start
        # must not be counted as part of it.
        self.call_after_refresh(stamp_and_exit, self)
        original(self)

    app_class.on_mount = on_mount


class _WhenTheAppLoads:
    """Patches LaunchpadApp the moment its module has run, without importing it before `main` does (the
    command imports it, and everything else, in its own order)."""

    def find_spec(self, name, path, target=None):
        if name != "launchpad.tui.app":
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run_module = spec.loader.exec_module

        def exec_module(module) -> None:
            run_module(module)
            watch_first_frame(module.LaunchpadApp)

        spec.loader.exec_module = exec_module
        return spec


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

    sys.meta_path.insert(0, _WhenTheAppLoads())
    from launchpad.cli.main import main as launchpad

    plan = sys.argv[3:4]  # bench_plan_scale.py: a big generated plan
    session = os.path.join(session_dir, "bench.session.toml")
    raise SystemExit(launchpad([*plan, "--session", session, "--as", "bench"]))


if __name__ == "__main__":
    main()

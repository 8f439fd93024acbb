"""Where the cockpit's UI thread goes, by widget: python bench/ui_widget_costs.py [--probes 200 --seconds 20]

A breakdown, not a benchmark (no baseline; run it on main with PYTHONPATH=/path/to/main/src to compare). The real
cockpit of bench/probe_isolation_child.py (LaunchpadApp + ProbeRuntime, headless 200x60, N probes at 1 s against a
local server in another process), in this process, with each widget's render_lines (what a frame asks of it)
timed on the UI thread's CPU clock, the compositor's frames (render_update) counted and timed, and the lines each
widget really re-rendered (the rest come from Textual's line cache). Start-up is included in the UI thread's total.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_probe_isolation as isolation  # noqa: E402
import probe_isolation_child as child  # noqa: E402


def widget_key(node) -> str:
    key = f"{type(node).__name__}#{node.id}"
    if type(node).__name__ == "ScrollBar":  # whose scrollbar
        key += f" of #{getattr(node.parent, 'id', None)}"
    return key


def instrument(spent, calls, rendered) -> None:
    from textual._compositor import Compositor
    from textual._styles_cache import StylesCache
    from textual.widget import Widget

    render_lines, render_line, render_update = Widget.render_lines, StylesCache.render_line, Compositor.render_update

    def timed_render_lines(self, crop):
        start = time.thread_time()
        try:
            return render_lines(self, crop)
        finally:
            spent[widget_key(self)] += time.thread_time() - start
            calls[widget_key(self)] += 1

    def counted_render_line(self, styles, *args, **kwargs):
        rendered[widget_key(styles.node)] += 1
        return render_line(self, styles, *args, **kwargs)

    def timed_render_update(self, *args, **kwargs):
        start = time.thread_time()
        try:
            return render_update(self, *args, **kwargs)
        finally:
            spent["(all frames: render_update)"] += time.thread_time() - start
            calls["(all frames: render_update)"] += 1

    Widget.render_lines, StylesCache.render_line = timed_render_lines, counted_render_line
    Compositor.render_update = timed_render_update


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    spent, calls, rendered = collections.Counter(), collections.Counter(), collections.Counter()
    instrument(spent, calls, rendered)
    port = isolation.free_port()
    server = subprocess.Popen([sys.executable, "-c", isolation.SERVER, str(port)])
    time.sleep(0.5)
    work = tempfile.mkdtemp(prefix="ui-widget-costs-")
    load = os.getloadavg()[0]
    start = time.thread_time()
    real_exit = os._exit

    def report(code: int) -> None:  # the child ends its process with os._exit once it printed its figures
        server.kill()
        shutil.rmtree(work, ignore_errors=True)
        total = time.thread_time() - start
        window, threads = figures.get("window_s") or 1.0, figures.get("threads_cpu_s", {})
        print(f"measured window ({window:.1f} s): whole cockpit {figures.get('window_cpu_s', 0) / window:.1%} of a core, "
              f"UI thread {threads.get('MainThread', 0) / window:.1%}", file=sys.stderr)
        print(f"UI thread CPU {total * 1000:.0f} ms over the cockpit's start and {args.seconds:.0f} s of "
              f"{args.probes} probes at 1 s (load {load:.1f} -> {os.getloadavg()[0]:.1f})", file=sys.stderr)
        print(f"{'ms':>8} {'calls':>6} {'lines drawn':>11}  widget (render_lines, CPU)", file=sys.stderr)
        for key, seconds in spent.most_common(args.top):
            print(f"{seconds * 1000:8.1f} {calls[key]:6d} {rendered.get(key, 0):11d}  {key}", file=sys.stderr)
        sys.stderr.flush()
        real_exit(code)

    class Figures:  # the child's own figures (it prints them with json.dumps, then ends the process)
        @staticmethod
        def dumps(result: dict) -> str:
            figures.update(result)
            return json.dumps(result)

    figures: dict = {}
    child.json = Figures
    os._exit = report
    asyncio.run(child.main("thread", f"http://127.0.0.1:{port}/", args.probes, args.seconds, 0.0, 5.0, work, 1.0, 0.9))


if __name__ == "__main__":
    main()

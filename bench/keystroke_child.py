"""Child for bench_keystroke.py: the cockpit on a plan with N probes against a local HTTP server.

`python bench/keystroke_child.py N PORT WORKDIR` — N probes at a 1 s interval (0 for the baseline run).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    count, port, workdir = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    probes = "".join(
        f'\n[[probe]]\nname = "svc-{index:03d}"\nurl = "http://127.0.0.1:{port}/health"\ninterval = "1s"\ntimeout = "900ms"\n'
        for index in range(count)
    )
    plan_file = workdir / f"plan-{count}.toml"
    plan_file.write_text(
        '[launch]\nname = "Keystroke bench"\nchecklists = '
        f'["{ROOT / "checklists" / "launch-readiness.md"}", "{ROOT / "checklists" / "launch-day.md"}"]\n'
        '\n[[trigger]]\nname = "Error rate > 5%"\nkind = "error_rate"\nabove = "5%"\nwindow = "1m"\nmin_samples = 20\n'
        + probes,
        encoding="utf-8",
    )
    from launchpad.core.plan.plan import load_plan
    from launchpad.shell.probes import ProbeRuntime
    from launchpad.shell.session import LiveSession
    from launchpad.tui.app import LaunchpadApp

    plan, problems = load_plan(plan_file)
    assert plan is not None and not problems, problems
    session = LiveSession.start(plan, workdir / f"s-{count}-{datetime.now():%H%M%S%f}.toml", t0=datetime.now(timezone.utc) + timedelta(hours=2),
                                actor="bench")
    runtime = ProbeRuntime(session, start_demo=False) if count else None
    LaunchpadApp(session, probes=runtime).run()
    session.close()


if __name__ == "__main__":
    main()

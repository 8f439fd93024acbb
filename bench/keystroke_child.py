"""Child for bench_keystroke.py: the cockpit on a plan with N probes against a local HTTP server.

`python bench/keystroke_child.py N PORT WORKDIR [bundled|big]` — N probes at a 1 s interval (0 for the baseline
run), on the bundled checklists or on a generated plan (issue 13): 2,000 items in 200 sections, 100 events.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


BIG_SECTIONS, BIG_PER_SECTION, BIG_EVENTS = 200, 10, 100


def big_id(number: int) -> str:
    return f"big-{number:04d}"


def big_plan(workdir: Path) -> tuple[str, str]:
    """(checklists = ..., the [[role]] and [[event]] tables) of the generated plan; items carry pinned IDs."""
    lines = ["# Big runbook\n"]
    for section in range(BIG_SECTIONS):
        lines.append(f"\n## Area {section + 1}\n\n")
        for item in range(BIG_PER_SECTION):
            number = section * BIG_PER_SECTION + item
            lines.append(f"- [ ] Step {number}: verify replica {number % 17} and drain queue {number % 23} "
                         f"<!-- id: {big_id(number)} -->\n")
    (workdir / "big.md").write_text("".join(lines), encoding="utf-8")
    events = "".join(f'\n[[event]]\nid = "e{index:03d}"\nat = "T-{BIG_EVENTS - index}m"\ntitle = "Step {index}"\nowner = "ops"\n'
                     for index in range(BIG_EVENTS))
    return f'["{workdir / "big.md"}"]', '\n[[role]]\nid = "ops"\ntitle = "Ops"\nperson = "Ada Ops"\n' + events


def main() -> None:
    count, port, workdir = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    which = sys.argv[4] if len(sys.argv) > 4 else "bundled"
    checklists = f'["{ROOT / "checklists" / "launch-readiness.md"}", "{ROOT / "checklists" / "launch-day.md"}"]'
    extra = ""
    if which == "big":
        checklists, extra = big_plan(workdir)
    probes = "".join(
        f'\n[[probe]]\nname = "svc-{index:03d}"\nurl = "http://127.0.0.1:{port}/health"\ninterval = "1s"\ntimeout = "900ms"\n'
        for index in range(count)
    )
    plan_file = workdir / f"plan-{which}-{count}.toml"
    plan_file.write_text(
        f'[launch]\nname = "Keystroke bench"\nchecklists = {checklists}\n' + extra +
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

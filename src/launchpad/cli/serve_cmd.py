"""`launchpad serve [SESSION|PLAN]`: the cockpit in browsers, through textual-serve.

Each browser tab is its own cockpit process on the same session file, so it shows what every terminal cockpit
shows (the journal, and the prober's live figures). Tabs are `launchpad watch` (read-only, never probing) unless
`--allow-actions` makes them `launchpad open`. textual-serve has no authentication: it listens on loopback by
default, and any other `--host` gets a warning and the SSH tunnel that makes it unnecessary.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from pathlib import Path

from launchpad.cli.cockpit import _fail, default_session_path, default_t0
from launchpad.core.clock import system_clock


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", metavar="SESSION|PLAN",
                        help="a session file, or a plan to start a new session on (default: the bundled plan)")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--allow-actions", action="store_true",
                        help="browser tabs may act (tick, hold, acknowledge...); default: watch-only tabs")
    parser.add_argument("--as", dest="actor", metavar="NAME", help="who acts in the journal (with --allow-actions)")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str | None:
    """What to say before listening beyond this machine (None on loopback)."""
    if is_loopback(host):
        return None
    return (f"launchpad serve: warning: --host {host} is not loopback: anyone who can reach {host}:{port} gets the "
            f"cockpit, with no authentication.\n"
            f"    hint: keep the default --host 127.0.0.1 and tunnel instead: ssh -L {port}:127.0.0.1:{port} THIS-HOST")


def _is_session(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return "\n[session]\n" in f"\n{head}"


def _session_for(target: str | None, actor: str | None) -> tuple[Path | None, int]:
    """The session file to serve: the one named, or a new one on the plan named (or the bundled plan)."""
    if target and _is_session(Path(target)):
        return Path(target), 0
    from launchpad.bundled import bundled_plan
    from launchpad.core.plan.plan import load_plan

    plan_path = target or (str(bundled_plan()) if bundled_plan() else None)
    if plan_path is None:
        return None, _fail("the bundled plan is not installed", "name a plan or a session file")
    if not Path(plan_path).exists():
        return None, _fail(f"{plan_path}: no such file", "name a session file or a plan (.toml or .md)", code=2)
    plan, problems = load_plan(plan_path)
    if plan is None or problems:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        return None, _fail(f"cannot open {plan_path}: fix the problems above", f"`launchpad validate {plan_path}` lists them")
    from launchpad.shell.session import LiveSession, SessionOpenError

    now = system_clock()
    try:
        session = LiveSession.start(plan, default_session_path(plan.path, now), t0=default_t0(now), actor=actor,
                                    clock=system_clock)
    except SessionOpenError as error:
        return None, _fail(str(error), error.hint)
    session.close()
    return session.path, 0


def tab_command(session: Path, *, allow_actions: bool, actor: str | None) -> str:
    """The command textual-serve runs for each browser tab."""
    argv = [sys.executable, "-m", "launchpad.cli.main", "open" if allow_actions else "watch", str(session.resolve())]
    if actor:
        argv += ["--as", actor]
    return shlex.join(argv)


def run(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        return _fail("textual-serve is not installed", "pip install textual-serve (a launchpad dependency)")
    if not 0 < args.port < 65536:
        return _fail(f"--port {args.port} is not a port number", "use 1-65535, e.g. --port 8000", code=2)
    session, code = _session_for(args.target, args.actor)
    if session is None:
        return code
    warning = exposure_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr)
    mode = "acting" if args.allow_actions else "watch-only"
    print(f"Serving {session} to browsers ({mode} tabs) on http://{args.host}:{args.port}  (Ctrl+C stops)")
    server = Server(tab_command(session, allow_actions=args.allow_actions, actor=args.actor), host=args.host,
                    port=args.port, title=f"launchpad · {session.name}")
    server.serve()
    return 0

"""`launchpad notify SESSION --test | "text"`: try every `[[notify]]` target, or post a message to all of them.

Sent from this process (no cockpit needs to run), one target after another, each result journaled as a
`notify` entry and printed with the target shown as `name (scheme://…)`: the URL itself holds webhook
tokens and is never printed. Exit 0 when every target took the message, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os

from launchpad.cli.session_io import act, add_actor, in_session, open_live, safe, say

TEST_TEXT = "🔔 test message from launchpad: this target receives the launch's notifications"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", help="the session file (.toml)")
    parser.add_argument("text", nargs="?", default=None, metavar="TEXT", help="a message to post to every target")
    parser.add_argument("--test", action="store_true", help="send a test message to every target and report each")
    add_actor(parser)


def run(args: argparse.Namespace) -> int:
    if args.test == (args.text is not None):
        return say("notify", "give either --test or a message text",
                   '    hint: launchpad notify SESSION --test   or   launchpad notify SESSION "text"')
    if args.text is not None and not args.text.strip():
        return say("notify", "the message is empty; nothing sent")

    def body(session) -> int:
        from launchpad.shell.notify import build_targets, send_now

        targets, problems = build_targets(session.plan.notify, os.environ)
        for problem in problems:
            say("notify", f"{problem}; that target is skipped")
        if not targets:
            return say("notify", f"{session.plan.path}: the plan has no usable [[notify]] target",
                       '    hint: add [[notify]] with url = "json://host/path" (an Apprise URL) to the plan')
        text = TEST_TEXT if args.test else args.text.strip()
        results = act("notify", session, send_now, session, targets, text, "test" if args.test else "message",
                      refused=(), what="journal the result")
        for target, ok, reason in results:
            print(f"{safe(target.shown)}: " + ("sent" if ok else f"FAILED: {safe(reason)}"))
        return 0 if all(ok for _, ok, _ in results) and not problems else 1

    return in_session("notify", lambda: open_live("notify", args.session, args.actor), body)

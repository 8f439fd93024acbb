"""One cockpit's sender in its own process: `python sender_worker.py SESSION ACTOR NOW_ISO STOP_FILE`.

It opens the session as a cockpit does, runs the shell-level Notifier (leadership included) and reads the
journal once a second (slowly, on purpose: a new leader must not rely on its cockpit having caught up), until
STOP_FILE exists. Three of these on one session file are three cockpits.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from launchpad.shell.notify import Notifier
from launchpad.shell.session import LiveSession


def main(session_path: str, actor: str, now_iso: str, stop_file: str) -> None:
    now = datetime.fromisoformat(now_iso)
    session = LiveSession.resume(session_path, actor=actor, clock=lambda: now)
    notifier = Notifier(session, backoff=0.05, interval=0.05)
    notifier.start()
    print("ready", flush=True)
    while not Path(stop_file).exists():
        session.poll()
        time.sleep(1.0)  # a cockpit that reads the journal slowly: the sender must not rely on it
    notifier.stop()
    session.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])

"""Handing copied text to tmux, whose default `set-clipboard external` swallows an application's OSC 52.

Inside tmux ($TMUX set) the cockpit's `y` also loads the text into tmux's paste buffer with
`tmux load-buffer -w -` (`-w`: tmux passes it on to the outer terminal's clipboard itself, when it can).
A blocking subprocess: callers run it off the UI loop.
"""

from __future__ import annotations

import os
import subprocess
from typing import Mapping

TIMEOUT = 5.0


class ClipboardError(Exception):
    """Why the text did not reach tmux, in words for a toast."""


def inside_tmux(env: Mapping[str, str] | None = None) -> bool:
    return bool((os.environ if env is None else env).get("TMUX"))


def tmux_load_buffer(text: str, env: Mapping[str, str] | None = None) -> None:
    """Put `text` in the paste buffer of the tmux server $TMUX names (ClipboardError when it did not)."""
    try:
        done = subprocess.run(["tmux", "load-buffer", "-w", "-"], input=text.encode(), capture_output=True,
                              timeout=TIMEOUT, env=dict(os.environ if env is None else env))
    except FileNotFoundError:
        raise ClipboardError("tmux is not on PATH") from None
    except subprocess.TimeoutExpired:
        raise ClipboardError(f"tmux did not answer within {TIMEOUT:.0f} s") from None
    except OSError as error:
        raise ClipboardError(f"cannot run tmux: {error}") from None
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip() or f"exit status {done.returncode}"
        raise ClipboardError(f"tmux load-buffer failed: {why}")

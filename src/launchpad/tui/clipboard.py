"""Copying a command for the lead to paste: OSC 52 always, and tmux's paste buffer when inside tmux.

Textual's copy_to_clipboard writes OSC 52, which reaches the local clipboard through ssh, but tmux's default
`set-clipboard external` drops it: "Copied" was said while nothing arrived. With $TMUX set the text also
goes to `tmux load-buffer -w -` (shell/clipboard.py), on a worker thread so a stuck tmux never freezes the
keys; the toast says where the text went, or why tmux did not take it.
"""

from __future__ import annotations

import asyncio

from launchpad.core.literal import printable
from launchpad.shell.clipboard import ClipboardError, inside_tmux, tmux_load_buffer


def copy_text(app, text: str, shown: str) -> None:
    """Copy `text` (`shown`: how the toast names it, already cut for display)."""
    app.copy_to_clipboard(text)
    if not inside_tmux():
        app.notify(f"Copied to the terminal's clipboard (OSC 52): {printable(shown)}", timeout=3)
        return

    async def to_tmux() -> None:
        try:
            await asyncio.to_thread(tmux_load_buffer, text)
        except ClipboardError as error:
            app.bell()
            app.notify(f"Sent as OSC 52 only; tmux did not take it: {printable(str(error))}", title="Copy",
                       severity="error", timeout=8)
            return
        app.notify(f"Copied to tmux's paste buffer (prefix ] pastes) and the clipboard: {printable(shown)}", timeout=4)

    app.run_worker(to_tmux(), name="copy to tmux", group="clipboard", exit_on_error=False)

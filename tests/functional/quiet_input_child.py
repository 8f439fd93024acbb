"""Child process for test_quiet_input.py: a small app on a real terminal, with Textual's driver or launchpad's.

`python quiet_input_child.py quiet|stock LOG` appends to LOG: `ready <input thread's native id>` after the first
frame, then the name of each key it gets; `q` quits.
"""

from __future__ import annotations

import sys

from textual.app import App
from textual.widgets import Static

which, log = sys.argv[1], sys.argv[2]


def say(text: str) -> None:
    with open(log, "a", encoding="utf-8") as out:
        out.write(text + "\n")


class Keys(App):
    def compose(self):
        yield Static("keys")

    def on_mount(self) -> None:
        self.call_after_refresh(lambda: say(f"ready {self._driver._key_thread.native_id}"))

    def on_key(self, event) -> None:
        say(event.key)
        if event.key == "q":
            self.exit()


if which == "quiet":
    from launchpad.tui.quiet_input import QuietLinuxDriver

    Keys(driver_class=QuietLinuxDriver).run()
else:
    Keys().run()

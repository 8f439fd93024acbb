"""A dark theme for the war room and a light one for a projector.

Every colour is an exact xterm-256 palette entry, so the cockpit looks the same under tmux's 256 colours
(TERM=tmux-256color, no COLORTERM) as in truecolor.
"""

from textual.theme import Theme

DARK = Theme(
    name="launchpad-dark",
    dark=True,
    primary="#5fafff",  # xterm 75
    secondary="#afafd7",  # 146
    accent="#5fd7ff",  # 81
    warning="#ffd75f",  # 221
    error="#ff5f5f",  # 203
    success="#5fd75f",  # 77
    foreground="#e4e4e4",  # 254
    background="#121212",  # 233
    surface="#1c1c1c",  # 234
    panel="#262626",  # 235
)

LIGHT = Theme(
    name="launchpad-light",
    dark=False,
    primary="#005fd7",  # 26
    secondary="#5f5f87",  # 60
    accent="#0087af",  # 31
    warning="#af5f00",  # 130
    error="#d70000",  # 160
    success="#008700",  # 28
    foreground="#121212",  # 233
    background="#ffffff",  # 231
    surface="#eeeeee",  # 255
    panel="#e4e4e4",  # 254
)

THEMES = (DARK, LIGHT)


def colors(theme: Theme) -> dict[str, str]:
    """The few colours widgets put into Rich Text (cells, labels); the rest comes from .tcss."""
    return {
        "success": theme.success or "green",
        "error": theme.error or "red",
        "warning": theme.warning or "yellow",
        "accent": theme.accent or "cyan",
        "secondary": theme.secondary or "blue",
    }

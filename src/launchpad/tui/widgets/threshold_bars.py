"""A one-line sparkline whose colour means something: a bar is in the error colour when its value is past the
trigger's threshold or its attempt failed, neutral otherwise.

Textual's `Sparkline` colours bars by their height relative to the others (its tallest bar gets the "max"
colour), so a healthy probe at 40 ms showed a big red block next to 38 ms bars. Here heights scale from zero to
the highest value shown (40 ms beside 38 ms look alike), one bar per sample, newest on the right, and colour is
decided only by the threshold and the outcome. Drawn through `TextLine`, so a new sample repaints only the cells
that changed.
"""

from __future__ import annotations

from typing import Sequence

from rich.text import Text

from launchpad.tui.widgets.text_line import TextLine

BARS = "▁▂▃▄▅▆▇█"
BAD = "#d70000"  # the error colour of the badges
CALM = "#5f87af"  # neutral: measured, within the threshold


def bars_text(values: Sequence[float], width: int, *, threshold: float | None = None,
              ok: Sequence[bool] = (), above_is_bad: bool = True) -> Text:
    """The last `width` values as bars. `ok` runs beside `values`, aligned on the newest (a shorter one
    counts the older values as passed); `above_is_bad=False` marks values below the threshold instead."""
    recent = list(values)[-width:] if width > 0 else []
    text = Text(no_wrap=True, overflow="crop")
    if not recent:
        return text
    flags = list(ok)[-len(recent):]
    flags = [True] * (len(recent) - len(flags)) + flags
    high = max(max(recent), 0.0)
    top = len(BARS) - 1
    run, run_style = [], CALM
    for value, passed in zip(recent, flags):
        level = 0 if high <= 0 else max(0, min(top, round(max(value, 0.0) / high * top)))
        past = threshold is not None and (value > threshold if above_is_bad else value < threshold)
        style = BAD if past or not passed else CALM
        if style != run_style and run:
            text.append("".join(run), style=run_style)
            run = []
        run.append(BARS[level])
        run_style = style
    text.append("".join(run), style=run_style)  # one span per run of a colour: one escape sequence, not one a bar
    return text


class ThresholdBars(TextLine):
    """`show(values, threshold=..., ok=...)`; redrawn for the widget's width when it is resized."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._data: tuple = ((), None, (), True)

    def show(self, values: Sequence[float], *, threshold: float | None = None, ok: Sequence[bool] = (),
             above_is_bad: bool = True) -> None:
        data = (tuple(values), threshold, tuple(ok), above_is_bad)
        if data == self._data:
            return
        self._data = data
        self._draw()

    @property
    def values(self) -> tuple:
        return self._data[0]

    def _draw(self) -> None:
        values, threshold, ok, above_is_bad = self._data
        self.set(bars_text(values, self.content_size.width, threshold=threshold, ok=ok, above_is_bad=above_is_bad))

    def on_resize(self) -> None:
        self._draw()

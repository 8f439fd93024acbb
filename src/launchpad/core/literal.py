"""Outside text (checklist items, notes, probe bodies, errors) made safe to draw.

Control characters would be run by the terminal (ESC starts an escape sequence, BEL rings); they are
replaced by their visible Unicode "control picture" (ESC -> ␛) so a person sees that they were there.
Rich markup is not a concern here: callers wrap the result in `rich.text.Text`, which never parses markup.
"""

from __future__ import annotations

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"  # ␡
_PICTURES[ord("\t")] = " "
_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1 controls (CSI is 0x9b)
_TABLE = str.maketrans(_PICTURES)


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character replaced by a visible, inert stand-in."""
    if keep_newlines:
        return "\n".join(line.translate(_TABLE) for line in text.split("\n"))
    return text.translate(_TABLE)


def one_line(text: str, limit: int = 200) -> str:
    """A single printable line, cut with an ellipsis: for errors and body excerpts in a narrow panel."""
    flat = printable(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

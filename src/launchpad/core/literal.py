"""Outside text (checklist items, notes, names, reasons, probe bodies, errors) made inert to draw: the ONE place.

Every display path (cockpit panes, toasts, palette, prompts, replay, `status`, `report`, `probe`) passes outside
text through `printable` (or `one_line`, `markdown_literal`) so a person sees what was written, and the
terminal, Textual and a Markdown renderer never act on it:

- C0 controls become their Unicode "control picture" (ESC -> ␛, BEL -> ␇), DEL becomes ␡: a terminal would run
  them (an escape sequence, OSC 8 links, OSC 52 clipboard writes) and a person should see they were there.
- C1 controls (U+0080-U+009F: U+009B is a one-byte CSI), bidi overrides and isolates (U+202A-U+202E,
  U+2066-U+2069, U+200E/F, U+061C), zero-width characters (U+200B-U+200D, U+2060, U+FEFF) and line or
  paragraph separators become a visible `⟨U+202E⟩`: they reorder or hide what is shown (a "Trojan Source" note
  can read as the opposite of what it says).
- Markup is not parsed here; callers hand the result to Textual as `rich.text.Text`/`Content` (never a markup
  string) or to `notify(..., markup=False)` (the cockpit's `notify` forces that). Markdown output goes through
  `markdown_literal`, which escapes every special character and keeps links from being auto-detected.
"""

from __future__ import annotations

import re

_PICTURES: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"  # ␡
_PICTURES[ord("\t")] = " "
_INVISIBLE = [*range(0x80, 0xA0), 0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, *range(0x202A, 0x202F),
              0x2028, 0x2029, 0x2060, *range(0x2066, 0x206A), 0xFEFF]
_PICTURES.update({code: f"\u27e8U+{code:04X}\u27e9" for code in _INVISIBLE})
_TABLE = str.maketrans(_PICTURES)

LONGEST = 500  # a toast or a prompt title shows at most this much (a longer toast outgrows the screen)


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """`text` with every control, bidi and invisible character replaced by a visible, inert stand-in."""
    text = text if isinstance(text, str) else str(text)
    if keep_newlines:
        return "\n".join(line.translate(_TABLE) for line in text.split("\n"))
    return text.translate(_TABLE)


def cut(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: object, limit: int = 200) -> str:
    """A single printable line, cut with an ellipsis: for errors and body excerpts in a narrow panel."""
    flat = printable(" ".join(str(text).split()))
    return cut(flat, limit)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
_MD_LINKISH = re.compile(r"://|www\.|@|mailto:|xmpp:", re.IGNORECASE)


def _code_span(token: str) -> str:
    """`token` as a Markdown code span: nothing inside one is a link, an emphasis or an HTML tag."""
    longest = max((len(run) for run in re.findall(r"`+", token)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if token.startswith("`") or token.endswith("`") else ""
    return f"{fence}{pad}{token.replace('|', chr(92) + '|')}{pad}{fence}"  # a GFM table splits on | even here


def markdown_literal(text: object) -> str:
    """Outside text as inert GitHub-flavoured Markdown on one line: printable, specials escaped, and words a
    GFM renderer would turn into links (`http://…`, `www.…`, `a@b.c`) put in code spans."""
    words = printable(" ".join(str(text).split())).split(" ")
    return " ".join(_code_span(word) if _MD_LINKISH.search(word) else _MD_SPECIAL.sub(r"\\\1", word)
                    for word in words)

"""Plain display text from markdown-it inline tokens: what a reader sees, not the markup.

Inline code, link text and emphasis become their characters, images their alt text, line breaks a
space; inline HTML tags are dropped for what they enclose, as GitHub shows them. Text is kept literally (`[bold]`, ESC bytes): sanitising for a terminal is the UI's job.
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it.token import Token

from .checklist_ids import ID_COMMENT

_BREAKS = frozenset({"softbreak", "hardbreak"})
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


class InlineText:
    """The result of flattening one inline token run."""

    __slots__ = ("text", "links", "code", "id_comment")

    def __init__(self, text: str, links: list[tuple[str, str]], code: list[str], id_comment: str | None):
        self.text = text
        self.links = links
        self.code = code
        self.id_comment = id_comment  # the raw value of a trailing `<!-- id: ... -->`, if any


def flatten(children: Sequence[Token]) -> InlineText:
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    code: list[str] = []
    id_comment: str | None = None
    link_starts: list[tuple[int, str]] = []
    for token in children:
        kind = token.type
        if kind == "text" or kind == "text_special":
            parts.append(token.content)
        elif kind in _BREAKS:
            parts.append(" ")
        elif kind == "code_inline":
            parts.append(token.content)
            code.append(token.content)
        elif kind == "link_open":
            link_starts.append((len(parts), str(token.attrs.get("href", ""))))
        elif kind == "link_close":
            if link_starts:
                start, url = link_starts.pop()
                links.append(("".join(parts[start:]).strip(), url))
        elif kind == "image":
            parts.append(flatten(token.children or ()).text)
        elif kind == "html_inline":
            content = token.content
            if content.startswith("<!--"):
                # Comments are invisible on GitHub, so they are not display text; one may carry an ID.
                match = ID_COMMENT.match(content)
                if match:
                    id_comment = match.group(1)
            elif _BREAK_TAG.match(content):
                parts.append(" ")
            # Any other tag (`<em>`, `<b>`, `<img ...>`) is markup: GitHub shows what it encloses, not it.
        # Emphasis, strong and strikethrough open/close tokens add no characters.
    return InlineText("".join(parts).strip(), links, code, id_comment)


def split_owner(children: list[Token]) -> tuple[str | None, list[Token]]:
    """Split a leading `**Role**:` or `**Role:**` off an item: -> ("Role", the remaining tokens)."""
    start = 0
    while start < len(children) and (
        children[start].type in _BREAKS or (children[start].type == "text" and not children[start].content.strip())
    ):
        start += 1
    if len(children) - start < 3:
        return None, children
    opening, label, closing = children[start], children[start + 1], children[start + 2]
    if opening.type != "strong_open" or opening.markup != "**" or label.type != "text" or closing.type != "strong_close":
        return None, children
    rest = children[start + 3 :]
    name = label.content.strip()
    if name.endswith(":"):  # **Role:**
        owner = name[:-1].strip()
    elif rest and rest[0].type == "text" and rest[0].content.lstrip().startswith(":"):  # **Role**:
        owner = name
        after = rest[0].content.lstrip()[1:]
        rest = ([_text(after)] if after else []) + rest[1:]
    else:
        return None, children
    if not owner:
        return None, children
    return owner, rest


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


# Characters at which markdown-it's inline rules (CommonMark + strikethrough) may produce anything but
# plain text: escapes, code, emphasis, strikethrough, links, images, autolinks, HTML, entities, breaks.
_INLINE_SPECIAL = re.compile(r"[\\`*_~\[\]!<&\n]")
_SPECIAL_OUTSIDE_CODE = re.compile(r"[\\*_~\[\]!<&\n]")
# The canonical pinned-ID comment at the end of an item, as an author (and `launchpad init`) writes it.
_ID_TAIL = re.compile(r"<!-- id: ([a-z0-9]+(?:-[a-z0-9]+)*) -->")


def simple_inline(content: str) -> tuple[str, tuple[str, ...], str | None] | None:
    """(text, code spans, ID comment) of inline text in the common simple shape, exactly as flatten would
    give after markdown-it's inline parse; None for anything else (the caller then runs that parse).

    The shape: plain words, single-backtick code spans, and an optional `<!-- id: ... -->` at the end. Most
    items of a long checklist are like this, and reading them here skips markdown-it's per-character inline
    rules, the largest share of a big checklist's parse. The differential tests hold it to flatten's answer."""
    id_comment = None
    if "<" in content:
        start = content.rfind("<!-- id: ")
        match = _ID_TAIL.fullmatch(content, start) if start == 0 or start > 0 and content[start - 1] == " " else None
        if match is None:
            return None
        id_comment = match.group(1)
        content = content[:start]
    if "`" not in content:
        if _INLINE_SPECIAL.search(content):
            return None
        return content.strip(), (), id_comment
    if "``" in content or _SPECIAL_OUTSIDE_CODE.search(content):
        # Outside code only `` ` `` may appear; inside code anything else is literal, but a special character
        # there would need the pairing worked out first, so that rare case goes to markdown-it.
        return None
    parts = content.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick
        return None
    code = []
    for index in range(1, len(parts), 2):
        span = parts[index]
        if span.startswith(" ") and span.endswith(" ") and span.strip(" "):
            span = span[1:-1]  # one space each side is padding, as in markdown-it's backticks rule
        parts[index] = span
        code.append(span)
    return "".join(parts).strip(), tuple(code), id_comment

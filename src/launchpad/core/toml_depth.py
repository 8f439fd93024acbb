"""TOML whose values nest too deep is refused with a line, before anything recurses over it.

tomllib parses arrays and inline tables recursively: ~450 nested `[` raise RecursionError from inside it, and
shallower nesting that it accepts can still exhaust the stack of whatever walks the value next (folding,
display, tomli-w on compaction). No plan or journal entry needs more than a few levels, so `loads_bounded`
refuses anything deeper than MAX_DEPTH as an ordinary TOMLDecodeError naming the line.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

MAX_DEPTH = 32  # levels of tables/arrays below the document; real plans use 4, journal entries 3

# Strings and comments are skipped whole, so brackets inside them do not count.
_TOKEN = re.compile(r'"""(?:\\.|[^\\])*?"""|\'\'\'.*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}\n]', re.S)


class TooDeep(tomllib.TOMLDecodeError):
    """Values nested beyond the limit. A TOMLDecodeError, so every existing handler already reports it."""

    def __init__(self, limit: int, line: int | None):
        where = f" (at line {line})" if line else ""
        super().__init__(f"values nest deeper than {limit} levels of arrays and tables: flatten them{where}")
        self.line = line


def deepest_line(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The line where bracket nesting first goes past `limit` (None if it never does)."""
    depth = 0
    line = 1
    for match in _TOKEN.finditer(text):
        token = match[0]
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > limit:
                return line
        elif token in "]}":
            depth = max(0, depth - 1)
        else:
            line += token.count("\n")
    # Not brackets: dotted keys (`a.b.c...`) nest tables too. Name the first line with that many dots.
    for number, text_line in enumerate(text.splitlines(), 1):
        if text_line.count(".") > limit:
            return number
    return None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when dicts/lists in `value` nest more than `limit` levels (checked without recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def loads_bounded(text: str, limit: int = MAX_DEPTH) -> dict:
    """tomllib.loads, refusing values nested more than `limit` levels (TooDeep, a TOMLDecodeError)."""
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise TooDeep(limit, deepest_line(text, limit)) from None
    if too_deep(doc, limit + 1):  # the document itself is one level
        raise TooDeep(limit, deepest_line(text, limit))
    return doc

"""The common shape of a long checklist, read line by line: headings, prose, and top-level items.

A checklist of 100,000 items is almost always made of nothing but ATX headings (`## Area`), blank lines,
paragraphs of prose and one level of `- [ ] item` lines. For a document made ONLY of those lines the block
structure cmark-gfm (and markdown-it tuned by checklist_markdown) sees is certain from each line alone, so it
is read here in one pass, several times faster than markdown-it's block rules; anything else (an indented
line, a fence, a quote, a table, an ordered list, HTML, a tab or control character, an item that runs on to
a second line) makes `scan_lines` answer None, and the caller parses the whole file with markdown-it. The
differential tests hold the two readings equal on every document this accepts.
"""

from __future__ import annotations

import re

# What each accepted line is.
HEADING, TASK, STEP = 0, 1, 2

# A top-level bullet (one space after the marker) with a box, a space, and text on the same line.
_TASK_ITEM = re.compile(r"[-+*] \[([ xX])\] +\S")
_ATX = re.compile(r"(#{1,6})(?: +(.*))?\Z")
# Tabs change indentation, and C0 controls (other than the line feed) are left to the full parser.
_UNUSUAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def scan_lines(lines: list[str]) -> list[tuple] | None:
    """[(kind, line index, ...)] for a document of only simple lines, else None.

    HEADING: (HEADING, index, level, content); TASK: (TASK, index, checked, content) with content the item's
    paragraph text from the box on; STEP: (STEP, index, content) for a bullet without a box. Prose lines give
    nothing: outside tables (which cannot start here) no checklist reads them."""
    found: list[tuple] = []
    in_item = False  # the line above is an item's one-line paragraph: a prose line here would continue it
    for index, line in enumerate(lines):
        if not line.strip(" "):
            in_item = False
            continue
        first = line[0]
        if first == "#":
            match = _ATX.match(line)
            if match is None:
                return None
            content = (match.group(2) or "").rstrip(" ")
            if content.endswith("#"):  # a closing sequence, or a `#` that may be one: left to markdown-it
                return None
            found.append((HEADING, index, len(match.group(1)), content))
            in_item = False
        elif first in "-+*":
            match = _TASK_ITEM.match(line)
            if match is not None:
                found.append((TASK, index, match.group(1) != " ", line[2:].strip()))
            elif line[1:2] == " " and line[2:3].isalpha():
                found.append((STEP, index, line[2:].strip()))
            else:
                return None
            in_item = True
        elif first.isalpha() and not in_item:
            continue  # prose: a paragraph line (a bullet may interrupt it; it cannot be a table's header)
        else:
            return None
    return found


def simple_document(text: str) -> bool:
    """False when the text has a character that rules out the line-by-line reading at once."""
    return _UNUSUAL.search(text) is None

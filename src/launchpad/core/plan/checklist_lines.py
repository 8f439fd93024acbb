"""The common shape of a long checklist, read line by line: headings, prose, and top-level items.

A checklist of 100,000 items is almost always made of nothing but ATX headings (`## Area`), blank lines,
paragraphs of prose, thematic breaks and one level of `- [ ] item` or `1. [ ] item` lines. For a document made ONLY of those lines the block
structure cmark-gfm (and markdown-it tuned by checklist_markdown) sees is certain from each line alone, so it
is read here in one pass, several times faster than markdown-it's block rules; anything else (an indented
line, a fence, a quote, a table, HTML, a tab or control character, an item that runs on to a second line, a
break or an ordered item right under prose, where either would mean something else) makes `scan_lines` answer None, and the caller parses the whole file with markdown-it. The
differential tests hold the two readings equal on every document this accepts.
"""

from __future__ import annotations

import re

# What each accepted line is (HEADING, TASK, STEP), and what the line above one was (HEADING, BLANK, PROSE, ITEM).
HEADING, TASK, STEP = 0, 1, 2
BLANK, PROSE, ITEM = 3, 4, 5

# A top-level item marker followed by one space: a bullet, or an ordered number of up to nine digits.
_MARKER = re.compile(r"(?:[-+*]|([0-9]{1,9})[.)]) ")
# What follows the marker: a box, a space, and text on the same line.
_BOX = re.compile(r"\[([ xX])\] +\S")
# Emphasis opening a paragraph (`**Date**: ...`): no list marker (no space after `*`), no break (a letter follows).
_EMPHASIS_START = re.compile(r"(?:\*{1,2}|_{1,2})[^\W\d_]")
_BREAK = re.compile(r"(?:-{3,}|\*{3,}|_{3,}) *\Z")
_ATX = re.compile(r"(#{1,6})(?: +(.*))?\Z")
# Tabs change indentation, and C0 controls (other than the line feed) are left to the full parser.
_UNUSUAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def scan_lines(lines: list[str]) -> list[tuple] | None:
    """[(kind, line index, ...)] for a document of only simple lines, else None.

    HEADING: (HEADING, index, level, content); TASK: (TASK, index, checked, content) with content the item's
    paragraph text from the box on; STEP: (STEP, index, content, number) for an item without a box (number:
    None for a bullet). Prose lines and breaks give nothing: outside tables (which cannot start here) no
    checklist reads them."""
    found: list[tuple] = []
    above = BLANK  # what the line above was: prose and items' paragraphs may go on into this line
    for index, line in enumerate(lines):
        if not line.strip(" "):
            above = BLANK
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
            above = HEADING
        elif first.isalpha() or first in "*_" and _EMPHASIS_START.match(line):
            if above == ITEM:
                return None  # it would go on the item's paragraph
            above = PROSE  # a paragraph line (an item may interrupt it; it cannot be a table's header)
        elif above != PROSE and _BREAK.match(line):
            above = BLANK  # a thematic break: under prose `---` would underline a heading instead
        else:
            marker = _MARKER.match(line)
            if marker is None:
                return None
            number = marker.group(1)
            if number is not None and above == PROSE and int(number) != 1:
                return None  # only a list starting at 1 may interrupt a paragraph: this line is prose
            start = marker.end()
            box = _BOX.match(line, start)
            if box is not None:
                found.append((TASK, index, box.group(1) != " ", line[start:].strip()))
            elif line[start : start + 1].isalpha() or _EMPHASIS_START.match(line, start):
                found.append((STEP, index, line[start:].strip(), None if number is None else int(number)))
            else:
                return None
            above = ITEM
    return found


def simple_document(text: str) -> bool:
    """False when the text has a character that rules out the line-by-line reading at once."""
    return _UNUSUAL.search(text) is None

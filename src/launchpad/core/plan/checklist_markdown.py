"""markdown-it-py tuned to see the same blocks as GitHub's renderer (cmark-gfm) in checklists.

markdown-it is CommonMark-compliant, but cmark-gfm's tasklist and table extensions and its
reference-definition handling differ from it at a few edges that decide whether a line is a task.
Each adjustment here is named after the input it fixes; the oracle tests compare to cmark-gfm.
"""

from __future__ import annotations

import importlib
import re

from markdown_it import MarkdownIt
from markdown_it.rules_block.paragraph import paragraph as paragraph_rule
from markdown_it.rules_block.reference import reference as reference_rule
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import table as table_rule
from markdown_it.token import Token

# cmark-gfm matches its tasklist pattern against the WHOLE source line from column 0, which is
# why `> - [ ] x` and `- - [ ] x` are not tasks on GitHub while `  1. [ ] x` is; the space after
# `]` must be on the same line (`- [ ]` alone is not a task, `- [ ] ` is).
TASK_LINE = re.compile(r"[ \t]*(?:[-+*]|[0-9]{1,9}[.)])[ \t]+\[[ xX]\][ \t\v\f]")
BOXES = frozenset({"[ ]", "[x]", "[X]"})
AFTER_BOX = frozenset(" \t\n\v\f")

# A box with nothing after it on its line. cmark-gfm consumes the box before any paragraph opens,
# so the item behaves like one that starts with a blank line: no paragraph for the next lines to
# continue lazily, and closed by a following blank line. markdown-it would read "[ ]" as a
# paragraph instead. Rewriting the box gives markdown-it the same shape:
# - before a blank line, when the line above is blank (nothing the item would have to interrupt),
#   the box becomes spaces: an item that starts blank, closed by the blank;
# - otherwise it becomes a thematic break (`***`, or `---` after a `*` marker so the line cannot
#   become a break itself): no lazy continuation lines, may interrupt a paragraph, never a setext
#   underline. Before a blank line it may run on where cmark-gfm closes it: see close_bare_items.
_BARE_BOX = re.compile(r"^([ \t]*)([-+*]|[0-9]{1,9}[.)])([ \t]+)\[[ xX]\](?=[ \t]+$)", re.MULTILINE)


def _rewrite_bare_boxes(text: str, breaks_before_blank: list[int]) -> str:
    def rewrite(match: re.Match) -> str:
        head = match.group(1) + match.group(2) + match.group(3)
        as_break = head + ("---" if match.group(2) == "*" else "***")
        line_end = text.find("\n", match.end())
        if line_end != -1:
            next_end = text.find("\n", line_end + 1)
            if text[line_end + 1 : next_end if next_end != -1 else len(text)].strip(" \t"):
                return as_break
        start = match.start()
        above = text[text.rfind("\n", 0, start - 1) + 1 : start - 1] if start else ""
        if not above.strip(" \t"):
            return head + "   "
        rest = text[line_end + 1 :] if line_end != -1 else ""
        if not rest.strip(" \t\n"):
            # Only blank lines follow: nothing for a break to run on into, and the line above may be
            # paragraph text that merely looks like an item (`2) x` cannot interrupt a paragraph).
            return as_break
        if line_end != -1:
            breaks_before_blank.append(text.count("\n", 0, start))
        return as_break

    return _BARE_BOX.sub(rewrite, text)


def prepare_source(text: str) -> tuple[str, list[str], list[int]]:
    """(text to parse, original lines, lines of bare-box breaks before a blank: see close_bare_items).

    Line ends and NULs are normalised as markdown-it does and a BOM is dropped, so line numbers
    agree with the token maps.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    lines = text.split("\n")
    breaks_before_blank: list[int] = []
    if "[" in text:
        text = _rewrite_bare_boxes(text, breaks_before_blank)
    if "]:" in text and "---" in text:
        text = _underline_after_definitions(text)
    return text, lines, breaks_before_blank


_DEFINITION = re.compile(r" {0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*\S+[ \t]*$")
_DASH_UNDERLINE = re.compile(r"( {0,3})(-{3,}[ \t]*)$")


def _underline_after_definitions(text: str) -> str:
    """cmark-gfm reads a `---` line right under a paragraph made only of link definitions as a setext
    underline, and with no heading text left it becomes the paragraph's text; then `10. [ ] x` cannot
    interrupt that paragraph and is no task. markdown-it takes the line as a thematic break. The line is
    escaped (its first dash a backslash: the same length of line) so markdown-it reads it as cmark-gfm does."""
    lines = text.split("\n")
    changed = False
    for index in range(1, len(lines)):
        underline = _DASH_UNDERLINE.fullmatch(lines[index])
        if underline is None or not _DEFINITION.fullmatch(lines[index - 1]):
            continue
        start = index - 1
        while start > 0 and lines[start - 1].strip():
            start -= 1
        if all(_DEFINITION.fullmatch(line) for line in lines[start:index]):
            lines[index] = underline.group(1) + "\\" + underline.group(2)[1:]  # `\--`: text, not a rule
            changed = True
    return "\n".join(lines) if changed else text


def close_bare_items(source: str, tokens: list[Token], breaks_before_blank: list[int]) -> str | None:
    """The source to parse again if a bare-box item (after paragraph text) ran on past a blank line.

    cmark-gfm closes such an item at the blank line. Once markdown-it has shown the line really is
    a list item (not inside a fence or HTML block), the blank line is replaced by an empty HTML
    comment at the marker's indentation, which ends the item and its list there. Rare: the
    common path never parses twice.
    """
    suspects = set(breaks_before_blank)
    lines_to_close: list[int] = []
    for index, token in enumerate(tokens):
        if token.type != "list_item_open" or not token.map or token.map[0] not in suspects:
            continue
        line, level = token.map[0], token.level
        for inner in tokens[index + 1 :]:
            if inner.type == "list_item_close" and inner.level == level:
                break
            if inner.map and inner.map[0] >= line + 2:
                lines_to_close.append(line)
                break
    if not lines_to_close:
        return None
    source_lines = source.split("\n")
    for line in lines_to_close:
        marker_line = source_lines[line]
        indent = marker_line[: len(marker_line) - len(marker_line.lstrip(" \t"))]
        source_lines[line + 1] = indent + "<!-- -->"
    return "\n".join(source_lines)


# One parser for the process: building a MarkdownIt compiles its rule chains, which costs more
# than parsing a checklist. maxNesting is raised from 20 so ten-deep lists still parse; it stays
# low enough that hostile nesting cannot exhaust Python's recursion limit.
_MARKDOWN = MarkdownIt("commonmark", {"maxNesting": 40}).enable(["table", "strikethrough"])
# Inline parsing is done lazily (see inline_children): only headings, list items and table cells
# are read, so the prose paragraphs of a long runbook never pay for it.
_MARKDOWN.core.ruler.disable(["inline", "text_join"])

# markdown-it tries tables before lists, so `- [ ] a | b` over `|---|---|` became a table header;
# on GitHub a line that opens a list item or a quote is never a table's header row.
_BLOCK_START_CHARS = frozenset("-+*>0123456789")
_LIST_OR_QUOTE_START = re.compile(r">|(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]|$)")


def _table_unless_list_or_quote(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    start = state.bMarks[start_line] + state.tShift[start_line]
    end = state.eMarks[start_line]
    if start < end and state.src[start] in _BLOCK_START_CHARS and _LIST_OR_QUOTE_START.match(state.src, start, end):
        return False
    # While the table reads its rows, a lone HTML tag line ends it (see _lone_tag_ends_list_item).
    outer, state.parentType = state.parentType, "table"
    try:
        return table_rule(state, start_line, end_line, silent)
    finally:
        state.parentType = outer


# cmark-gfm lets a line holding only an HTML tag (`<br>`, `<img src=...>`: an HTML block of type 7)
# start an HTML block when it cannot continue the open list item (less indented than the item's
# text, or without the `>` of an open quote): the list or quote ends there, and the block runs on to the next blank line, swallowing any items in
# between. markdown-it reads the line as lazy paragraph text and the list goes on. This terminator
# ends a list item's paragraph at such a line; markdown-it's own html_block rule does the rest.
_HTML_SEQUENCES = importlib.import_module("markdown_it.rules_block.html_block").HTML_SEQUENCES
_LONE_TAG = _HTML_SEQUENCES[-1][0]
# HTML block starts of types 1-6 (`<div>`, `</details>`, `<!--`...) do interrupt a paragraph; a line that is one
# of them is never "only a lone tag" for the rule below, although type 7's pattern matches it too.
_INTERRUPTING_HTML = tuple(start for start, _end, interrupts in _HTML_SEQUENCES if interrupts)


# cmark reads reference definitions off the front of a finished paragraph, so in
# `[x]: /url` + `10. [ ] ten` the second line stays paragraph text (a list that does not start
# at 1 cannot interrupt a paragraph). markdown-it consumes the definition first and then starts a
# list there. After a definition, a line that could not interrupt a paragraph (including indented
# code) becomes one.
_ORDERED_START = re.compile(r"([0-9]{1,9})[.)](?:[ \t]|$)")
_EMPTY_ITEM = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])[ \t]*$")


def _cannot_interrupt_paragraph(state: StateBlock, line: int) -> bool:
    start = state.bMarks[line] + state.tShift[line]
    end = state.eMarks[line]
    ordered = _ORDERED_START.match(state.src, start, end)
    if ordered is not None and int(ordered.group(1)) != 1:
        return True
    if _EMPTY_ITEM.match(state.src, start, end) is not None:
        return True
    line_text = state.src[start:end]
    return _LONE_TAG.match(line_text) is not None and not any(html.match(line_text) for html in _INTERRUPTING_HTML)


def _reference_like_cmark(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if not reference_rule(state, start_line, end_line, silent):
        return False
    line = state.line
    if silent or line >= end_line or state.isEmpty(line):
        return True
    indent = state.sCount[line] - state.blkIndent
    if indent >= 4 or (indent >= 0 and _cannot_interrupt_paragraph(state, line)):
        paragraph_rule(state, line, end_line, False)
    return True


def _lone_tag_ends_list_item(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if not silent:
        return False
    # A blockquote asks only about lines without `>`: a lone tag there ends the quote as well. A table's rows end
    # at one too (cmark-gfm starts the HTML block there: a table is no paragraph for it to continue).
    lazy = state.parentType in ("blockquote", "table") or (
        state.parentType == "paragraph" and state.sCount[start_line] < state.blkIndent
    )
    if not lazy:
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    return _LONE_TAG.match(state.src[start : state.eMarks[start_line]]) is not None


_MARKDOWN.block.ruler.at("table", _table_unless_list_or_quote, {"alt": ["paragraph", "reference"]})
_MARKDOWN.block.ruler.before("html_block", "lone_tag_ends_list_item", _lone_tag_ends_list_item,
                             {"alt": ["paragraph", "blockquote"]})
_MARKDOWN.block.ruler.at("reference", _reference_like_cmark)


def parse_blocks(source: str, env: dict) -> list[Token]:
    """Block tokens; `inline` tokens get their children only through inline_children."""
    return _MARKDOWN.parse(source, env)


def inline_children(token: Token, env: dict) -> list[Token]:
    """The inline tokens of a block's text, parsed on first use."""
    children = token.children
    if not children:
        children = token.children = []
        if token.content:
            _MARKDOWN.inline.parse(token.content, _MARKDOWN, env, children)
    return children

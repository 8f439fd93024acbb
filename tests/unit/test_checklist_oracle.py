"""GitHub's renderer is the judge: our task count equals cmark-gfm's checkbox count.

cmark-gfm (`apt-get install cmark-gfm`) is skipped when missing, except under CI, which installs it.
The seed checklists are the five in ../shared/seeds beside the repository (where CI puts them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.plan.checklist import load_checklist, parse_checklist

SEED_DIRS = [
    Path(os.environ["LAUNCHPAD_SEEDS"]) if os.environ.get("LAUNCHPAD_SEEDS") else None,
    Path(__file__).resolve().parents[3] / "shared" / "seeds",
]
SEED_TASKS = {"000": 137, "001": 125, "002": 111, "003": 133, "004": 54}
CMARK = shutil.which("cmark-gfm")


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required under CI")
    pytest.skip(f"{what} not available")


def seed_files() -> list[Path]:
    for directory in filter(None, SEED_DIRS):
        files = sorted(directory.glob("*.txt"))
        if files:
            return files
    _missing("the seed checklists in ../shared/seeds")


def github_task_count(markdown: bytes, tables: bool = False) -> int:
    """What `cmark-gfm -e tasklist FILE | grep -c 'type="checkbox"'` prints (one checkbox per line).

    With tables=True the table extension is on too, as on GitHub. It matters only when a table
    has no blank line after it: `-e tasklist` alone reads the table as a paragraph, which a
    following `2. [ ] x` cannot interrupt, while GitHub ends the table and draws the checkbox.
    """
    if CMARK is None:
        _missing("cmark-gfm")
    # GitHub drops a leading BOM before rendering; the cmark-gfm binary does not, so it is removed
    # here: a BOM must not change what a file means.
    markdown = markdown.removeprefix(b"\xef\xbb\xbf")
    command = [CMARK, "-e", "table", "-e", "tasklist"] if tables else [CMARK, "-e", "tasklist"]
    html = subprocess.run(command, input=markdown, capture_output=True, check=True).stdout
    return html.count(b'type="checkbox"')


def test_seed_task_counts():
    counts = {path.name[:3]: len(load_checklist(str(path))[0].tasks) for path in seed_files()}
    assert counts == SEED_TASKS


def test_seeds_match_github():
    for path in seed_files():
        checklist, problems = load_checklist(str(path))
        assert not problems
        assert len(checklist.tasks) == github_task_count(path.read_bytes()), path.name


FRAGMENTS = [
    "- [ ] task",
    "* [x] done",
    "+ [X] Done upper",
    "1. [ ] ordered",
    "2) [x] paren",
    "  - [ ] nested",
    "    - [ ] nested deeper",
    "   3. [ ] indented ordered",
    "- [ ]\ttab after",
    "- [ ]",
    "- [ ] ",
    "- []  not a task",
    "- [ ]x not a task",
    "- [x]",
    "- - [ ] same line",
    "1. - [ ] same line",
    "-     [ ] code in item",
    "- [ ] **Owner**: with owner",
    "- [ ] `code` and [link](http://127.0.0.1/)",
    "- [ ] <!-- id: explicit-id -->",
    "- plain item",
    "1. step one",
    "> - [ ] quoted",
    "> quote",
    ">",
    "```",
    "~~~",
    "    indented code - [ ] x",
    "<!--",
    "-->",
    "<!-- - [ ] comment -->",
    "<div>",
    "</div>",
    "| a | b |",
    "|---|---|",
    "| - [ ] cell | d |",
    "a | b",
    "--|--",
    "",
    "",
    "",
    "Heading",
    "===",
    "---",
    "# - [ ] heading",
    "## Section",
    "paragraph text",
    "lazy continuation",
    "  continuation",
    "[ ] bare box",
    "\t- [ ] tab indented",
    "-\t[ ] tab marker",
    "  [ ] indented box",
    "- [ ] a | b",
    "  --|--",
    "  ---",
    "  ===",
    "[x]: http://127.0.0.1/ref",
    "- [x] [x] box that is a link",
    "10. [ ] ten",
    "1234567890. [ ] too long",
    "  > - [ ] quoted in item",
    "* [ ] ",
    "* * *",
    "- [ ] ~~struck~~ *em* <b>html</b>",
    # a line holding only an HTML tag: GitHub ends a list item's text there (type 7 HTML block)
    "<br>",
    "  <br>",
    '<img src="http://127.0.0.1/a.png">',
    "</details>",
    "<details>",
    "<x-y data-a='1'>",
    "<br> and text",
]


# Inputs where markdown-it and cmark-gfm once disagreed, each fixed in checklist_markdown.
EDGE_CASES = [
    # found by the fuzz test: the line above only looks like an item (`2)` cannot interrupt a paragraph)
    "| a | b |\n2) [x] paren\n- [ ] ",
    "| a | b |\n2) [x] paren\n- [ ] \n",
    "| a | b |\n2) [x] paren\n- [ ] \n\n- [ ] task",
    "- [ ] \nHeading\n2) [x] paren\n",  # bare box: no lazy continuation
    "- [ ] \n\n\t- [ ] tab indented\n",  # bare box then blank: the item closes
    "Heading\n- [ ] \n\n\t- [ ] tab indented\n",  # ... also after paragraph text
    "para\n- [ ] ",  # bare box interrupting a paragraph at the end of the file
    "- [ ] task\n* [ ] \n\n    - [ ] nested deeper\n",
    "<div>\nfoo\n- [ ] \n\n- [ ] real\n",  # the HTML block still ends at the blank line
    "- [ ] a | b\n|---|---|\n",  # a list item is never a table header
    "[x]: http://127.0.0.1/ref\n10. [ ] ten\n",  # a definition's paragraph goes on
    "[x]: http://127.0.0.1/ref\n    indented code - [ ] x\n2) [x] paren\n",
    "- [x] [x] box that is a link\n\n[x]: http://127.0.0.1/\n",
    "- [ ] foo\n  ---\n",  # setext heading inside a task item
    "- [ ] a\n<br>\n- [ ] b\n",  # a lone tag ends the list; the HTML block swallows `- [ ] b`
    '- [ ] a\n<img src="x.png">\n- [ ] b\n',
    "- [ ] a\n<br>\nmore\n- [ ] b\n\n- [ ] c\n",
    "- a\n  - [ ] b\n  <br>\n  - [ ] c\n",  # nested: the inner list ends, the outer item goes on
    "para\n<br>\n- [ ] b\n",  # at the top a lone tag cannot interrupt a paragraph
    # found by the fuzz test: under a paragraph of only definitions `---` is that paragraph's text on GitHub
    "[x]: http://127.0.0.1/ref\n---\n10. [ ] ten\n",
    "[x]: /u\n[y]: /v\n---\n10. [ ] ten\n",
    "[x]: /u\n   -----  \n10. [ ] ten\n",
    "[x]: /u\n---\n- [ ] a bullet still interrupts\n",
    "text\n[x]: /u\n---\n10. [ ] ten\n",  # not only definitions: a setext heading, then the list
    "[x]: /u\n- - -\n10. [ ] ten\n",  # spaced dashes are a thematic break there too
    # found by the fuzz test: after a definition an HTML block of types 1-6 starts (it may interrupt a
    # paragraph) and swallows the item; only a type-7 lone tag is the definition's paragraph text
    "[x]: http://127.0.0.1/ref\n</details>\n- [ ] task",
    "[x]: /u\n<div>\n- [ ] task\n",
    "[x]: /u\n<!-- note -->\n- [ ] task\n",
    "[x]: /u\n<br>\n- [ ] task\n",
]


@pytest.mark.parametrize("markdown", EDGE_CASES)
def test_edge_cases_match_github(markdown):
    ours = len(parse_checklist(markdown).tasks)
    for tables in (False, True):  # these agree with and without the table extension
        assert ours == github_task_count(markdown.encode("utf-8"), tables=tables)


# Inputs where only GitHub's reading, with the table extension, is the judge (without it there is no table).
TABLE_EDGE_CASES = [
    "| a | b |\n--|--\n<x-y data-a='1'>\n- [ ] task",  # a lone tag ends a table: the HTML block swallows the item
    "| a | b |\n--|--\n| c | d |\n<br>\n- [ ] task\n\n- [ ] after the blank\n",
]


@pytest.mark.parametrize("markdown", TABLE_EDGE_CASES)
def test_table_edge_cases_match_github(markdown):
    assert len(parse_checklist(markdown).tasks) == github_task_count(markdown.encode("utf-8"), tables=True)


@pytest.fixture(scope="module", autouse=True)
def _need_cmark():
    if CMARK is None:
        _missing("cmark-gfm")


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=25),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    final_newline=st.booleans(),
)
def test_fragments_match_github(lines, newline, bom, final_newline):
    markdown = ("\ufeff" if bom else "") + newline.join(lines) + (newline if final_newline else "")
    ours = len(parse_checklist(markdown).tasks)
    has_table = any("--|--" in line or "|---|" in line for line in lines)
    assert ours == github_task_count(markdown.encode("utf-8"), tables=has_table), repr(markdown)

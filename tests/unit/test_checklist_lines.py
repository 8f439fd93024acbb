"""The line-by-line reading of simple checklists (core/plan/checklist_lines) gives exactly the token walk's result.

parse_checklist reads a document of only headings, prose, blank lines and one-line top-level items without
markdown-it's block rules, and the plain inline text of items and headings without its inline rules. These
tests hold both shortcuts to the full markdown-it reading (itself held to cmark-gfm by test_checklist_oracle):
on every generated document the shortcut accepts, the whole Checklist must be equal, field for field.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.plan.checklist import Task, parse_checklist, parse_with_markdown_it
from launchpad.core.plan.checklist_lines import scan_lines
from launchpad.core.plan.checklist_markdown import inline_children
from launchpad.core.plan.checklist_text import flatten, simple_inline
from markdown_it.token import Token

# Lines the shortcut reads, and near misses it must hand to markdown-it (or read identically).
LINES = [
    "",
    "   ",
    "# Runbook",
    "## Area 1",
    "### Database: `pg` & replicas",
    "## Closing ##",
    "## ends with #",
    "#NoSpace",
    "####### seven",
    "#",
    "- [ ] deploy the backend",
    "* [x] done",
    "+ [X] Done upper",
    "- [ ] run `./deploy.sh 5` now",
    "- [ ] `first` then text",
    "- [ ] pinned <!-- id: deploy-backend -->",
    "- [ ] pinned badly <!-- id: Deploy Backend -->",
    "- [ ] <!-- id: only-id -->",
    "- [ ] **Ops**: owner label",
    "- [ ] see [docs](http://127.0.0.1/)",
    "- [ ] a & b &amp; c",
    "- [ ] ~~struck~~ *em* _em_",
    "- [ ] trailing spaces   ",
    "- [ ]  two spaces after the box",
    "- [ ] code ` padded ` and `  `",
    "- [ ] `` double ``",
    "- [ ] odd ` tick",
    "- [ ] back\\slash",
    "- [ ] nbsp\u00a0",
    "- [ ]",
    "- [ ] ",
    "-  [ ] two spaces after the marker",
    "- [x] [x] box that is a link",
    "- plain step",
    "- Étape avec `code`",
    "- 2024 not a word first",
    "Prose line with *emphasis*, [a link](http://127.0.0.1/) and <b>html</b>",
    "Éclair prose",
    "lazy continuation",
    "  - [ ] nested",
    "  continuation",
    "1. [ ] ordered",
    "> quote",
    "```",
    "<!-- comment -->",
    "| a | b |",
    "|---|---|",
    "---",
    "===",
    "* * *",
    "[x]: http://127.0.0.1/ref",
    "\t- [ ] tab",
    "- [ ] a | b",
    "  --|--",
]


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(st.sampled_from(LINES), min_size=1, max_size=30), final_newline=st.booleans())
def test_the_shortcut_reads_every_document_as_markdown_it_does(lines, final_newline):
    text = "\n".join(lines) + ("\n" if final_newline else "")
    assert parse_checklist(text, "plan/run.md") == parse_with_markdown_it(text, "plan/run.md"), repr(text)


SIMPLE_LINES = [line for line in LINES if scan_lines([line]) is not None]


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.sampled_from(SIMPLE_LINES), min_size=1, max_size=40))
def test_documents_of_simple_lines_take_the_shortcut_and_agree(lines):
    """The simple lines alone: prose right after an item is the one combination the shortcut refuses."""
    scanned = scan_lines(lines)
    text = "\n".join(lines)
    assert parse_checklist(text) == parse_with_markdown_it(text)
    prose_after_item = any(
        before[:1] in "-+*" and before.strip() and after[:1].isalpha() for before, after in zip(lines, lines[1:]))
    assert (scanned is None) == prose_after_item


def test_which_lines_the_shortcut_reads():
    assert {"# Runbook", "- [ ] deploy the backend", "- plain step", "Éclair prose", "", "   "} <= set(SIMPLE_LINES)
    refused = {"  - [ ] nested", "1. [ ] ordered", "> quote", "```", "<!-- comment -->", "| a | b |", "---",
               "#NoSpace", "## Closing ##", "- [ ]", "- [ ] ", "-  [ ] two spaces after the marker", "\t- [ ] tab"}
    assert not refused & set(SIMPLE_LINES)
    # An item's paragraph would go on into a prose line: that is markdown-it's to read.
    assert scan_lines(["- [ ] deploy", "and verify"]) is None
    assert scan_lines(["- [ ] deploy", "", "and verify"]) is not None


def test_a_big_simple_checklist_reads_the_same_both_ways():
    lines = ["# Runbook part 1", ""]
    for number in range(600):
        if number % 50 == 0:
            lines += ["", f"## Area {number // 50 + 1}", "", "Prose about this area, *with* [markup](http://127.0.0.1/).", ""]
        code = f" `./run.sh {number}`" if number % 5 == 0 else ""
        pin = f" <!-- id: item-{number:06d} -->" if number % 3 == 0 else ""
        lines.append(f"- [{'x' if number % 7 == 0 else ' '}] Step {number}: verify deploy{code}{pin}")
        if number % 100 == 0:
            lines.append(f"- [ ] **Ops**: repeat step {number // 100}")  # markup: markdown-it's inline parse
    text = "\n".join(lines) + "\n"
    assert scan_lines(text.split("\n")) is not None
    fast = parse_checklist(text, "run.md")
    assert fast == parse_with_markdown_it(text, "run.md")
    assert len(fast.tasks) == 606 and sum(task.checked for task in fast.tasks) == len(range(0, 600, 7))
    assert fast.tasks[1].owner == "Ops" and fast.tasks[4].id == "item-000003"  # tasks[1]: the first Ops item
    assert fast.tasks[6].code == ("./run.sh 5",)


INLINE_ALPHABET = "ab `*_~[]()!<>&\\#:-=/ \u00a0"
INLINE_PIECES = st.sampled_from(["<!-- id: x-1 -->", "` x `", "`  `", "<!-- id: Bad -->", "`", "``", " ", "word", "&amp;", "<b>", "**R**:"])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.text(INLINE_ALPHABET, max_size=6), INLINE_PIECES), max_size=8))
def test_simple_inline_equals_flatten(pieces):
    content = "".join(pieces).strip()
    simple = simple_inline(content)
    if simple is None:
        return
    flat = flatten(inline_children(Token("inline", "", 0, content=content), {}))
    assert simple == (flat.text, tuple(flat.code), flat.id_comment), repr(content)


def test_simple_inline_reads_the_common_shapes_and_refuses_markup():
    assert simple_inline("Step 3: verify `./run.sh 3` now <!-- id: item-000003 -->") == (
        "Step 3: verify ./run.sh 3 now", ("./run.sh 3",), "item-000003")
    assert simple_inline("code ` padded `") == ("code padded", ("padded",), None)
    for markup in ("**Ops**: x", "[a](b)", "a & b", "a <b>", "odd ` tick", "a\\b", "`` x ``", "x<!-- id: Bad -->"):
        assert simple_inline(markup) is None, markup


def test_tasks_are_built_whole():
    """checklist._task hands a Task its __dict__: every field must be there, and the object equal to Task(...)."""
    task = parse_checklist("- [ ] deploy `x` <!-- id: deploy -->\n", "run.md").tasks[0]
    assert set(vars(task)) == {field.name for field in dataclasses.fields(Task)}
    assert task == Task(**vars(task)) and hash(task) == hash(Task(**vars(task)))
    assert dataclasses.replace(task, text="other").text == "other" and task.text == "deploy x"

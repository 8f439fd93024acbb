"""The line-by-line reading of simple checklists (core/plan/checklist_lines) gives exactly the token walk's result.

parse_checklist reads a document of only headings, prose, blank lines and one-line top-level items without
markdown-it's block rules, and the plain inline text of items and headings without its inline rules. These
tests hold both shortcuts to the full markdown-it reading (itself held to cmark-gfm by test_checklist_oracle):
on every generated document the shortcut accepts, the whole Checklist must be equal, field for field.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.plan.checklist import Task, parse_checklist, parse_with_markdown_it
from launchpad.core.plan.checklist_lines import scan_lines
from launchpad.core.plan.checklist_markdown import inline_children, prepare_source
from launchpad.core.plan.checklist_text import flatten, simple_inline
from markdown_it.token import Token
from test_checklist_oracle import github_task_count  # tests/unit is on sys.path (rootdir-less test modules)

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
    "**Deployment Date**: _______________",
    "*emphasis* first, __init__ later",
    "_under_ and *",
    "- **DevOps Team**: [Contact Info]",
    "- *em* step",
    "1. __Strong__ step",
    "lazy continuation",
    "  - [ ] nested",
    "  continuation",
    "1. [ ] ordered",
    "2) [x] ordered from two",
    "01. [ ] leading zero",
    "3. Ordered step",
    "1234567890. [ ] too long",
    "1.  [ ] two spaces",
    "___",
    "***",
    "-----",
    "- - -",
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
    assert (scanned is None) == any(_prose_would_go_on(before, after) for before, after in zip(lines, lines[1:]))


def _prose(line: str) -> bool:
    return line[:1].isalpha() or re.match(r"(?:\*{1,2}|_{1,2})[^\W\d_]", line) is not None


def _prose_would_go_on(before: str, after: str) -> bool:
    """The line pairs the shortcut leaves to markdown-it: prose under an item (it would continue the item's
    text), and under prose a break (`---` underlines a heading) or an ordered item not numbered 1."""
    item = before[:1] in ("-", "+", "*") and before[:3] not in ("---", "***", "___") or before[:1].isdigit()
    if item and not _prose(before):
        return _prose(after)
    if _prose(before):
        return after[:3] in ("---", "***", "___") or after[:1].isdigit() and not after.startswith(("1.", "1)", "01."))
    return False


def test_which_lines_the_shortcut_reads():
    assert {"# Runbook", "- [ ] deploy the backend", "- plain step", "Éclair prose", "", "   "} <= set(SIMPLE_LINES)
    assert {"1. [ ] ordered", "2) [x] ordered from two", "3. Ordered step", "___", "-----"} <= set(SIMPLE_LINES)
    assert {"**Deployment Date**: _______________", "- **DevOps Team**: [Contact Info]"} <= set(SIMPLE_LINES)
    refused = {"  - [ ] nested", "1234567890. [ ] too long", "1.  [ ] two spaces", "- - -", "> quote", "```", "<!-- comment -->", "| a | b |",
               "#NoSpace", "## Closing ##", "- [ ]", "- [ ] ", "-  [ ] two spaces after the marker", "\t- [ ] tab"}
    assert not refused & set(SIMPLE_LINES)
    # An item's paragraph would go on into a prose line: that is markdown-it's to read.
    assert scan_lines(["- [ ] deploy", "and verify"]) is None
    assert scan_lines(["- [ ] deploy", "", "and verify"]) is not None
    # Under prose, `---` underlines a setext heading and `2.` cannot start a list: markdown-it's too.
    assert scan_lines(["Prose", "---"]) is None and scan_lines(["Prose", "", "---"]) is not None
    assert scan_lines(["Prose", "2. [ ] x"]) is None and scan_lines(["Prose", "1. [ ] x"]) is not None


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


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.sampled_from(SIMPLE_LINES), min_size=1, max_size=30))
def test_the_shortcut_counts_tasks_as_github_does(lines):
    """The documents the shortcut reads, against cmark-gfm itself (skipped where it is not installed, as there)."""
    text = "\n".join(lines) + "\n"
    if scan_lines(text.split("\n")) is None:
        return
    assert len(parse_checklist(text).tasks) == github_task_count(text.encode("utf-8")), repr(text)


def test_real_checklists_read_the_same_both_ways():
    """The bundled checklists (all read line by line) and the seed runbooks (some of them), both ways."""
    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "checklists").glob("*.md")) + sorted((root.parent / "shared" / "seeds").glob("*.txt"))
    assert len(files) >= 3
    taken = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        taken += scan_lines(prepare_source(text)[1]) is not None
        assert parse_checklist(text, str(path)) == parse_with_markdown_it(text, str(path)), path.name
    assert taken >= 3

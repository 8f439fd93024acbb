"""The checklist parser: tasks, owners, display text, sections, IDs, steps, tables, hostile input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.core.plan.checklist import (
    Link,
    find_section,
    load_checklist,
    parse_checklist,
    tasks_in,
)

ID_SHAPE = re.compile(r"[0-9a-z]{6}\Z")


def texts(markdown: str) -> list[str]:
    return [task.text for task in parse_checklist(markdown).tasks]


# --- what is a task ----------------------------------------------------------------------------


def test_markers_and_checked_state():
    checklist = parse_checklist("- [ ] a\n* [x] b\n+ [X] c\n\n1. [ ] d\n2) [x] e\n")
    assert [(t.text, t.checked) for t in checklist.tasks] == [
        ("a", False),
        ("b", True),
        ("c", True),
        ("d", False),
        ("e", True),
    ]


def test_not_tasks_like_github():
    markdown = "\n\n".join(
        [
            "- []  empty brackets",
            "- [ ]no space",
            "- [ ]",  # nothing after the box on its line: GitHub draws no checkbox
            "> - [ ] quoted",
            "- - [ ] same line nested",
            "```\n- [ ] fenced\n```",
            "    - [ ] indented code",
            "<!--\n- [ ] commented\n-->",
            "<div>\n- [ ] html block\n</div>",
            "| a | b |\n|---|---|\n| - [ ] cell | x |",
            "-     [ ] five spaces is code",
        ]
    )
    assert texts(markdown) == []


def test_tasks_github_does_draw():
    markdown = "- [ ]\ttab after box\n\n- [ ] \n\n- foo\n  1. [ ] nested ordered\n\n   2. [ ] indented ordered\n"
    assert texts(markdown) == ["tab after box", "", "nested ordered", "indented ordered"]


def test_crlf_and_bom_read_the_same():
    plain = "# T\n\n## S\n- [ ] one\n- [x] two\n"
    for variant in (plain.replace("\n", "\r\n"), "\ufeff" + plain, "\ufeff" + plain.replace("\n", "\r")):
        assert parse_checklist(variant, "x.md") == parse_checklist(plain, "x.md")


def test_loose_lists_and_lazy_continuation():
    markdown = "- [ ] first\n\n- [ ] second\n  continued\nlazy line\n"
    checklist = parse_checklist(markdown)
    assert [t.text for t in checklist.tasks] == ["first", "second continued lazy line"]
    assert [t.line for t in checklist.tasks] == [1, 3]


def test_nesting_depth_and_parent():
    markdown = "- [ ] top\n  - [ ] child\n    - plain\n      - [x] grandchild\n- [ ] next\n"
    top, child, grandchild, following = parse_checklist(markdown).tasks
    assert (top.depth, child.depth, grandchild.depth, following.depth) == (0, 1, 3, 0)
    assert top.parent is None and following.parent is None
    assert child.parent == top.id
    assert grandchild.parent == child.id


def test_items_under_a_task_are_not_steps():
    checklist = parse_checklist("- [ ] deploy\n  1. build\n  2. push\n\n1. revert\n2. notify\n")
    assert [s.text for s in checklist.steps] == ["revert", "notify"]


# --- display text, owners, links, code ---------------------------------------------------------


def test_owner_prefix_both_forms():
    checklist = parse_checklist(
        "- [ ] **DevOps Engineer**: Infrastructure and deployment verified\n"
        "- [x] **QA Lead:** Regression suite green\n"
        "- [ ] **Not an owner** because no colon\n"
        "- [ ] plain\n"
    )
    assert [(t.owner, t.text) for t in checklist.tasks] == [
        ("DevOps Engineer", "Infrastructure and deployment verified"),
        ("QA Lead", "Regression suite green"),
        (None, "Not an owner because no colon"),
        (None, "plain"),
    ]


def test_display_text_is_plain_and_literal():
    markdown = (
        "- [ ] Run `make deploy` then see [the runbook](https://example.test/rb) *now* ~~later~~\n"
        "  and ![a diagram](d.png) &amp; \\*stars\\*\n"
        "- [ ] [bold] and \x1b[31mred\x1b[0m stay literal\n"
    )
    first, second = parse_checklist(markdown).tasks
    assert first.text == "Run make deploy then see the runbook now later and a diagram & *stars*"
    assert first.code == ("make deploy",)
    assert first.links == (Link("the runbook", "https://example.test/rb"),)
    assert second.text == "[bold] and \x1b[31mred\x1b[0m stay literal"


def test_box_that_is_also_a_reference_link():
    checklist = parse_checklist("- [x] [x] marks the spot\n\n[x]: https://example.test/\n")
    (task,) = checklist.tasks
    assert task.checked and task.text == "x marks the spot"


# --- sections ----------------------------------------------------------------------------------


def test_sections_nest_atx_and_setext():
    markdown = "Title\n=====\n\n### Deep\n- [ ] a\n\nPart\n----\n- [ ] b\n# Other\n#### Leaf\n- [ ] c\n"
    checklist = parse_checklist(markdown, "runbook.md")
    assert checklist.title == "Title"
    assert [(s.title, s.level, s.path, s.line) for s in checklist.sections] == [
        ("Title", 1, ("Title",), 1),
        ("Deep", 3, ("Title", "Deep"), 4),
        ("Part", 2, ("Title", "Part"), 7),
        ("Other", 1, ("Other",), 10),
        ("Leaf", 4, ("Other", "Leaf"), 11),
    ]
    assert [t.section for t in checklist.tasks] == [("Title", "Deep"), ("Title", "Part"), ("Other", "Leaf")]


def test_title_falls_back_to_stem_and_tasks_before_headings():
    checklist = parse_checklist("- [ ] early\n## Later `code` *em*\n- [ ] b\n", "plans/launch-day.md")
    assert checklist.title == "launch-day"
    assert checklist.tasks[0].section == ()
    assert checklist.sections[0].title == "Later code em"


def test_find_section_and_tasks_in():
    markdown = (
        "# Launch\n## 6.2 Pre-Deployment Checks\n### Security\n- [ ] a\n### Database\n- [ ] b\n"
        "## Step 1: Environment Setup\n- [ ] c\n## CI/CD\n- [ ] d\n"
    )
    checklist = parse_checklist(markdown)
    pre = find_section(checklist, "pre-deployment checks")
    assert pre is not None and pre.path == ("Launch", "6.2 Pre-Deployment Checks")
    assert find_section(checklist, "Launch/Pre-Deployment Checks/security").title == "Security"
    assert find_section(checklist, "environment setup").line == 7
    assert find_section(checklist, "ci/cd").title == "CI/CD"
    assert find_section(checklist, "nowhere") is None
    assert [t.text for t in tasks_in(checklist, pre.path)] == ["a", "b"]
    assert [t.text for t in tasks_in(checklist, ())] == ["a", "b", "c", "d"]


# --- IDs ---------------------------------------------------------------------------------------

BASE = """# Launch
## 1.3 Database
- [ ] Backup taken
- [ ] Migrations tested
- [ ] Backup taken
## 2 Frontend
- [ ] Bundle built
"""


def ids_by_text(markdown: str, path: str = "launch.md") -> dict[tuple[str, int], str]:
    seen: dict[str, int] = {}
    out = {}
    for task in parse_checklist(markdown, path).tasks:
        text = " ".join(task.text.split())
        seen[text] = seen.get(text, -1) + 1
        out[(text, seen[text])] = task.id
    return out


def test_ids_are_short_unique_and_deterministic():
    checklist = parse_checklist(BASE, "launch.md")
    ids = [t.id for t in checklist.tasks]
    assert all(ID_SHAPE.match(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert ids == [t.id for t in parse_checklist(BASE, "launch.md").tasks]


def test_ids_survive_unrelated_edits():
    before = ids_by_text(BASE)
    edited = (
        BASE.replace("1.3 Database", "1.4 Database")
        .replace("- [ ] Migrations tested\n", "")
        .replace("## 2 Frontend", "## New\n- [ ] Something new\n## 3 Frontend")
        .replace("- [ ] Bundle built", "- [x] Bundle   built")  # ticked, spacing changed
        .replace("# Launch\n", "# Launch\nIntro paragraph.\n\n- [ ] Inserted first\n")
    )
    after = ids_by_text(edited)
    assert after[("Backup taken", 0)] == before[("Backup taken", 0)]
    assert after[("Backup taken", 1)] == before[("Backup taken", 1)]
    assert after[("Bundle built", 0)] == before[("Bundle built", 0)]


def test_same_text_in_other_section_or_file_gets_other_id():
    one = parse_checklist("## A\n- [ ] x\n## B\n- [ ] x\n", "one.md").tasks
    assert one[0].id != one[1].id
    other = parse_checklist("## A\n- [ ] x\n", "two.md").tasks
    assert other[0].id != one[0].id


def test_explicit_ids_and_their_problems():
    markdown = (
        "- [ ] Deploy backend <!-- id: deploy-backend -->\n"
        "- [ ] Deploy frontend\n  <!-- id: deploy-frontend -->\n"
        "- [ ] Again <!-- id: deploy-backend -->\n"
        "- [ ] Bad <!-- id: Deploy_Backend -->\n"
        "- [ ] Visible <!-- just a comment -->\n"
    )
    checklist = parse_checklist(markdown, "plan.md")
    tasks = checklist.tasks
    assert [t.text for t in tasks] == ["Deploy backend", "Deploy frontend", "Again", "Bad", "Visible"]
    assert tasks[0].id == "deploy-backend" and tasks[1].id == "deploy-frontend"
    assert tasks[2].id != "deploy-backend" and ID_SHAPE.match(tasks[2].id)
    assert len({t.id for t in tasks}) == 5
    duplicate, malformed = checklist.problems
    assert (duplicate.path, duplicate.line) == ("plan.md", 4)
    assert "duplicate task id `deploy-backend`" in duplicate.message and "line 1" in duplicate.message
    assert malformed.line == 5 and "malformed task id `Deploy_Backend`" in malformed.message
    assert "deploy-backend" in malformed.hint
    assert malformed.format().startswith("plan.md:5: malformed task id")


def test_generated_id_never_takes_an_explicit_one():
    first = parse_checklist("## S\n- [ ] x\n", "f.md").tasks[0].id
    checklist = parse_checklist(f"## S\n- [ ] x\n- [ ] y <!-- id: {first} -->\n", "f.md")
    assert checklist.tasks[1].id == first
    assert checklist.tasks[0].id != first and not checklist.problems


# --- steps and tables --------------------------------------------------------------------------


def test_steps_and_tables():
    markdown = (
        "## Manual Rollback Steps\n1. Revert container to previous version\n2. Run `docker compose down`\n"
        "- note without box\n\n"
        "## Emergency Contacts\n\n| Role | Contact |\n|------|---------|\n| DevOps Lead | `@ops` |\n| QA | [pager](tel:1) |\n"
    )
    checklist = parse_checklist(markdown)
    revert, compose, note = checklist.steps
    assert (revert.text, revert.ordered, revert.number, revert.line) == ("Revert container to previous version", True, 1, 2)
    assert compose.code == ("docker compose down",) and compose.number == 2
    assert (note.ordered, note.number) == (False, None)
    (table,) = checklist.tables
    assert table.section == ("Emergency Contacts",)
    assert (table.line, table.header) == (8, ("Role", "Contact"))
    assert table.rows == (("DevOps Lead", "@ops"), ("QA", "pager"))
    assert table.row_lines == (10, 11)


# --- files and hostile input -------------------------------------------------------------------


def test_load_checklist_reads_files_and_reports_problems(tmp_path):
    good = tmp_path / "launch.md"
    good.write_bytes(b"\xef\xbb\xbf# Go\r\n- [ ] ship it <!-- id: BAD ID -->\r\n")
    checklist, problems = load_checklist(str(good))
    assert checklist is not None and checklist.tasks[0].text == "ship it"
    assert checklist.tasks[0].source == str(good)
    assert [p.line for p in problems] == [2]

    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\x00\x00")
    assert load_checklist(str(binary))[0] is None
    missing, problems = load_checklist(str(tmp_path / "nope.md"))
    assert missing is None and "not found" in problems[0].message


def test_ten_thousand_items():
    markdown = "# Big\n" + "".join(f"- [{' x'[i % 2]}] item {i % 500}\n" for i in range(10_000))
    checklist = parse_checklist(markdown)
    assert len(checklist.tasks) == 10_000
    assert len({t.id for t in checklist.tasks}) == 10_000


def test_deep_nesting_and_odd_characters_do_not_raise():
    for markdown in ("> " * 5000 + "- [ ] x", "- " * 3000 + "[ ] x", "[" * 20000, "*a " * 20000):
        parse_checklist(markdown)
    (task,) = parse_checklist("- [ ] lone \ud800 surrogate\x00 nul <!-- id: \ud800 -->").tasks
    assert task.text == "lone \ud800 surrogate\ufffd nul"


def test_bare_box_takes_the_text_on_the_next_line():
    (task,) = parse_checklist("- [x] \n  **SRE**: page the on-call\n").tasks
    assert (task.checked, task.owner, task.text) == (True, "SRE", "page the on-call")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_text(text):
    checklist = parse_checklist(text)
    assert len({t.id for t in checklist.tasks}) == len(checklist.tasks)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("-*+>[] xX\t\n\r1.)`~<!-#|=\\*_a")), max_size=300))
def test_never_raises_on_markdown_punctuation(text):
    parse_checklist(text)


def test_inline_html_shows_its_text_as_github_does():
    markdown = '- [ ] Use <em>semantic</em> <b>tags</b><br>everywhere <img src="x.png"> <!-- note -->\n'
    assert texts(markdown) == ["Use semantic tags everywhere"]


def test_a_lone_tag_after_an_item_ends_the_list_as_on_github():
    # `<br>` starts an HTML block on GitHub; the block runs to the blank line, swallowing `- [ ] b`.
    assert texts("- [ ] a\n<br>\n- [ ] b\n") == ["a"]
    assert texts('- [ ] a\n<img src="https://127.0.0.1/i.png">\n- [ ] b\n\n- [ ] c\n') == ["a", "c"]

"""The plan loader: the bundled plan, the seeds opened as plans, and every kind of bad input."""

import textwrap
from pathlib import Path

import pytest

from launchpad.core.plan.owners import ALL, LEAD, match_role
from launchpad.core.plan.plan import Role, load_plan


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_bundled_plan_loads_clean(bundled_plan):
    plan, problems = load_plan(bundled_plan)
    assert problems == []
    assert plan.name == "VÖR Platform go-live"
    assert [e.title for e in plan.events] == [
        "Final security scan", "Database migration dry run", "Team briefing", "Deploy backend",
        "Deploy frontend", "Enable traffic", "Monitor metrics", "Initial status report"]
    assert [e.owner for e in plan.events] == ["security", "backend", ALL, "devops", "devops", "devops", ALL, LEAD]
    assert {r.title for r in plan.roles} == {"DevOps Lead", "Backend Lead", "Frontend Lead", "Security"}
    assert plan.rollback_section[-1] == "Rollback Steps"
    # Items in a section worked by a step are owed by that step's owner; `**Role**:` items by that role.
    deploy = plan.task("deploy-backend")
    assert plan.owner_of(deploy) == "devops"
    signoff = next(t for t in plan.tasks if t.owner == "Security")
    assert plan.owner_of(signoff) == "security"
    assert len({t.id for t in plan.tasks}) == len(plan.tasks)


def test_seed_004_opens_as_a_plan(seeds):
    seed = next(path for path in seeds if path.name.startswith("004_"))
    plan, problems = load_plan(seed)
    assert problems == []
    assert (len(plan.tasks), len(plan.events), len(plan.roles)) == (54, 8, 4)
    owners = {e.title: e.owner for e in plan.events}
    assert owners["Team briefing"] == ALL and owners["Initial status report"] == LEAD
    assert owners["Final security scan"] == "security"
    assert owners["Database migration dry run"] == "backend-lead"  # "Backend" means the Backend Lead
    assert plan.rollback_section[-1] == "Rollback Plan"


@pytest.mark.parametrize("index, tasks", [(0, 137), (1, 125), (2, 111), (3, 133), (4, 54)])
def test_every_seed_opens(seeds, index, tasks):
    plan, problems = load_plan(seeds[index])
    assert problems == [] and len(plan.tasks) == tasks


def test_role_matching_reads_like_a_person():
    roles = [Role("devops", "DevOps Lead"), Role("backend", "Backend Lead"), Role("security", "Security")]
    assert match_role("DevOps", roles).id == "devops"
    assert match_role("backend lead", roles).id == "backend"
    assert match_role("security", roles).id == "security"
    assert match_role("Lead", roles) is None  # ambiguous: two titles hold it
    assert match_role("Marketing", roles) is None


PLAN_OK = """\
[launch]
name = "Test launch"
checklists = ["list.md"]

[[role]]
id = "ops"
title = "Ops"

[[event]]
at = "T-1h"
title = "Deploy"
owner = "ops"
section = "Deploy"
"""

CHECKLIST = """\
# List
## Deploy
- [ ] one
- [x] two
"""


def problems_of(tmp_path, plan_text, checklist=CHECKLIST):
    write(tmp_path, "list.md", checklist)
    plan, problems = load_plan(write(tmp_path, "plan.toml", plan_text))
    return plan, problems


def test_small_plan(tmp_path):
    plan, problems = problems_of(tmp_path, PLAN_OK)
    assert problems == []
    assert plan.events[0].id == "deploy" and plan.events[0].section == ("List", "Deploy")
    assert [plan.owner_of(t) for t in plan.tasks] == ["ops", "ops"]


@pytest.mark.parametrize("edit, line, words", [
    (lambda s: s.replace('at = "T-1h"', 'at = "T-25x"'), 10, "bad T-offset `T-25x`"),
    (lambda s: s.replace('owner = "ops"', 'owner = "opz"'), 12, "no defined role"),
    (lambda s: s.replace('title = "Ops"', 'title = "Ops"\nemail = "x"'), 8, "unknown key `email`"),
    (lambda s: s.replace('"list.md"', '"missing.md"'), 3, "file not found"),
    (lambda s: s.replace('section = "Deploy"', 'section = "Nowhere"'), 13, "in none of the plan's checklists"),
    (lambda s: s.replace('name = "Test launch"', 'name = "Test launch'), 2, "malformed TOML"),
    (lambda s: s + '\n[[event]]\nid = "deploy"\nat = "T-0"\ntitle = "Again"\n', 16, "duplicate event id"),
    (lambda s: s.replace("[[role]]", "[[rol]]"), 5, "unknown key `rol`"),
])
def test_bad_plans_point_at_the_line(tmp_path, edit, line, words):
    plan, problems = problems_of(tmp_path, edit(PLAN_OK))
    assert problems, "expected a problem"
    problem = problems[0]
    assert words in problem.message
    assert problem.line == line, problem.format()
    assert problem.hint


def test_duplicate_explicit_ids_across_checklists(tmp_path):
    write(tmp_path, "a.md", "# A\n- [ ] one <!-- id: same -->\n")
    write(tmp_path, "b.md", "# B\n- [ ] two <!-- id: same -->\n")
    plan, problems = load_plan(write(tmp_path, "plan.toml", '[launch]\nname = "x"\nchecklists = ["a.md", "b.md"]\n'))
    assert any("duplicate item ID `same`" in p.message for p in problems)


def test_binary_and_non_utf8_files(tmp_path):
    binary = tmp_path / "x.toml"
    binary.write_bytes(b"\x00\x01\x02binary")
    _, problems = load_plan(binary)
    assert "binary" in problems[0].message
    latin = tmp_path / "y.md"
    latin.write_bytes(b"# Caf\xe9\n- [ ] x\n")
    _, problems = load_plan(latin)
    assert "not valid UTF-8" in problems[0].message and problems[0].line == 1


def test_markdown_with_bom_and_crlf(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes("\ufeff# T\r\n\r\n- [ ] a\r\n- [x] b\r\n".encode("utf-8"))
    plan, problems = load_plan(path)
    assert problems == [] and [t.checked for t in plan.tasks] == [False, True]


# thedaviddias/Front-End-Checklist writes `**Label:**` on every item: labels, not owners.
FRONT_END = """\
# Front-End Checklist
## Head
- [ ] **Doctype:** The Doctype is HTML5 and is at the top of all your HTML pages.
- [ ] **Charset:** The charset (UTF-8) is declared correctly.
- [ ] **This is a long sentence in bold that somebody wrote as a label for a rule:** text
- [ ] **Ops:** restart the frontend
## Sign-off
- [ ] **QA Engineer**: testing completed
"""


def test_bold_labels_are_owners_only_for_roles_or_sign_off(tmp_path):
    plan, problems = load_plan(write(tmp_path, "front.md", FRONT_END))
    assert problems == []
    assert [role.title for role in plan.roles] == ["QA Engineer"]
    texts = [task.text for task in plan.tasks]
    assert texts[0] == "Doctype: The Doctype is HTML5 and is at the top of all your HTML pages."
    assert texts[1] == "Charset: The charset (UTF-8) is declared correctly."
    assert [task.owner for task in plan.tasks] == [None, None, None, None, "QA Engineer"]
    assert [task.text for task in plan.checklists[0].tasks] == texts  # the checklist pane shows the same

    # In a TOML plan a label names an owner when it names one of the plan's roles.
    write(tmp_path, "list.md", FRONT_END)
    plan, problems = load_plan(write(tmp_path, "plan.toml", PLAN_OK.replace('section = "Deploy"', 'section = "Head"')))
    assert problems == []
    owned = {task.text: plan.owner_of(task) for task in plan.tasks}
    assert owned["restart the frontend"] == "ops"
    assert owned["Charset: The charset (UTF-8) is declared correctly."] == "ops"  # the step's owner
    assert plan.owner_of(plan.tasks[-1]) == "qa-engineer"
    assert [role.id for role in plan.roles] == ["ops"]


def test_late_grace_per_plan_and_per_event(tmp_path):
    text = PLAN_OK.replace('name = "Test launch"', 'name = "Test launch"\nlate_grace = "10m"') + """
[[event]]
at = "T-0"
title = "Enable traffic"
late_after = "2m"
"""
    plan, problems = problems_of(tmp_path, text)
    assert problems == []
    assert [(event.title, event.late_after) for event in plan.events] == [("Deploy", 600), ("Enable traffic", 120)]
    plan, problems = problems_of(tmp_path, text.replace('"2m"', '"soon"'))
    assert [(problem.line, problem.message) for problem in problems] == [(19, "bad duration `soon`")]

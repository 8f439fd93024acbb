"""`launchpad init`: a plan that validates for every seed, comments that survive an edit, no traceback ever."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import tomlkit

from launchpad.cli.main import main
from launchpad.core.plan.plan import load_plan

from .test_trigger_text import SEED_TRIGGERS


def copy_seed(seeds, prefix: str, folder: Path) -> Path:
    source = next(seed for seed in seeds if seed.name.startswith(prefix))
    target = folder / f"{prefix}-checklist.md"
    shutil.copy(source, target)
    return target


def init(capsys, *argv) -> tuple[int, str, str]:
    code = main(["init", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("prefix", sorted(SEED_TRIGGERS))
def test_each_seed_becomes_a_plan_that_validates(seeds, tmp_path, capsys, prefix):
    checklist = copy_seed(seeds, prefix, tmp_path)
    code, out, err = init(capsys, checklist, "--t0", "2026-11-22T18:00Z")
    assert code == 0, err
    plan_path = tmp_path / f"{prefix}-checklist.toml"
    assert f"Wrote {plan_path}" in out
    assert main(["validate", str(plan_path)]) == 0
    plan, problems = load_plan(plan_path, env={})
    assert not problems
    assert len(plan.events) >= 5
    assert [checklist.path for checklist in plan.checklists] == [str(checklist.resolve())]
    assert plan.rollback_section is not None and "Rollback" in plan.rollback_section[1]
    written = {name: rule for name, rule in SEED_TRIGGERS[prefix].items() if rule is not None}
    assert {trigger.name for trigger in plan.triggers} == set(written)
    for trigger in plan.triggers:
        assert trigger.kind == written[trigger.name][0]
    for manual in (name for name, rule in SEED_TRIGGERS[prefix].items() if rule is None):
        assert f"manual  {manual}" in out
        assert manual in plan_path.read_text(encoding="utf-8")
    # every section an event names is one of the checklist's, each event with a comment saying where it came from
    text = plan_path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(text):
        if line in ("[[event]]", "[[trigger]]", "[[role]]"):
            start = index
            while start > 0 and text[start - 1].startswith("#"):
                start -= 1
            block = "\n".join(text[start:index])
            assert re.search(r"from .*(line \d+|title)", block), (line, block)


def test_seed_004_keeps_its_timeline_table_and_contacts(seeds, tmp_path, capsys):
    checklist = copy_seed(seeds, "004", tmp_path)
    assert init(capsys, checklist)[0] == 0
    plan, _ = load_plan(tmp_path / "004-checklist.toml", env={})
    assert [(event.title, event.at) for event in plan.events][:2] == [("Final security scan", -86400),
                                                                      ("Database migration dry run", -43200)]
    assert {role.title for role in plan.roles} == {"DevOps Lead", "Backend Lead", "Frontend Lead", "Security"}
    by_title = {event.title: event for event in plan.events}
    assert by_title["Deploy backend"].owner == "devops-lead"
    assert by_title["Deploy backend"].section[-1] == "Step 3: Backend Deployment"
    assert by_title["Final security scan"].section[-2:] == ("Pre-Deployment Checks", "Security")
    assert by_title["Monitor metrics"].section is None  # no post-launch heading names it: not linked to a pre-check


def test_signoff_gives_roles_and_a_poll(seeds, tmp_path, capsys):
    plans = {}
    for prefix in ("001", "003"):
        assert init(capsys, copy_seed(seeds, prefix, tmp_path))[0] == 0
        plans[prefix], _ = load_plan(tmp_path / f"{prefix}-checklist.toml", env={})
    assert [role.title for role in plans["001"].poll.roles][:2] == ["DevOps Engineer", "Backend Developer"]
    assert len(plans["001"].poll.roles) == 10
    assert [role.title for role in plans["003"].poll.roles] == ["Technical team", "Product team", "Security team",
                                                                "Legal team", "Executive"]
    assert plans["001"].poll.at == -900


def test_health_endpoints_become_commented_probes_that_work_once_uncommented(seeds, tmp_path, capsys):
    assert init(capsys, copy_seed(seeds, "002", tmp_path))[0] == 0
    plan_path = tmp_path / "002-checklist.toml"
    text = plan_path.read_text(encoding="utf-8")
    assert "# [[probe]]" in text and 'Health endpoint returns 200 OK' in text
    assert load_plan(plan_path, env={})[0].probes == ()
    uncommented = re.sub(r"(?m)^# (\[\[probe\]\]|name = |url = |conditions = )", r"\1", text)
    uncommented = uncommented.replace("https://your-service.example", "http://127.0.0.1:8080")
    plan_path.write_text(uncommented, encoding="utf-8")
    plan, problems = load_plan(plan_path, env={})
    assert not problems
    assert [(probe.name, probe.url) for probe in plan.probes] == [("health", "http://127.0.0.1:8080/health")]


def test_round_trip_edit_with_tomlkit_keeps_comments(seeds, tmp_path, capsys):
    assert init(capsys, copy_seed(seeds, "003", tmp_path))[0] == 0
    plan_path = tmp_path / "003-checklist.toml"
    before = plan_path.read_text(encoding="utf-8")
    document = tomlkit.parse(before)
    document["event"][0]["at"] = "T-20h"
    document["trigger"][0]["above"] = "2%"
    after = tomlkit.dumps(document)
    plan_path.write_text(after, encoding="utf-8")
    comments = [line for line in before.splitlines() if line.startswith("#")]
    assert comments and all(comment in after.splitlines() for comment in comments)
    assert main(["validate", str(plan_path)]) == 0
    plan, _ = load_plan(plan_path, env={})
    assert plan.events[0].at == -20 * 3600
    assert plan.triggers[0].above == 0.02
    assert tomllib.loads(after)["event"][0]["at"] == "T-20h"


def test_never_overwrites_without_force(seeds, tmp_path, capsys):
    checklist = copy_seed(seeds, "000", tmp_path)
    plan_path = tmp_path / "000-checklist.toml"
    plan_path.write_text("# mine\n", encoding="utf-8")
    code, out, err = init(capsys, checklist)
    assert code == 1
    assert "exists" in err and "--force" in err
    assert plan_path.read_text(encoding="utf-8") == "# mine\n"
    code, out, err = init(capsys, checklist, "--force")
    assert code == 0 and "[launch]" in plan_path.read_text(encoding="utf-8")


def test_output_elsewhere_includes_the_checklist_by_relative_path(seeds, tmp_path, capsys):
    checklist = copy_seed(seeds, "004", tmp_path)
    (tmp_path / "plans").mkdir()
    target = tmp_path / "plans" / "launch.toml"
    assert init(capsys, checklist, "-o", target)[0] == 0
    assert tomllib.loads(target.read_text(encoding="utf-8"))["launch"]["checklists"] == ["../004-checklist.md"]
    assert main(["validate", str(target)]) == 0


@pytest.mark.parametrize("argv, message", [
    (["missing.md"], "file not found"),
    (["plan.toml"], "is a plan already"),
    (["list.md", "-o", "out.txt"], "must be a .toml file"),
    (["list.md", "-o", "nowhere/out.toml"], "does not exist"),
    (["list.md", "--t0", "tomorrow"], "tomorrow"),
])
def test_usage_mistakes_get_a_message(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    Path("list.md").write_text("# L\n\n## Deploy\n- [ ] go\n", encoding="utf-8")
    Path("plan.toml").write_text("[launch]\nname = 'x'\n", encoding="utf-8")
    code, _, err = init(capsys, *argv)
    assert code == 1 and message in err


def _hostile() -> dict[str, bytes]:
    huge = "# Huge\n\n" + "".join(
        f"## Phase {n}\n### Step {n}.1\n" + "".join(f"- [ ] item {n}.{i} error rate > {i}%\n" for i in range(40))
        for n in range(400)  # 16,000 items, 700 KB
    )
    deep_list = "# Deep\n\n## Deployment\n" + "".join("  " * depth + "- [ ] nested\n" for depth in range(400))
    deep_quotes = "# Quotes\n\n## Deployment\n" + "> " * 300 + "- [ ] quoted\n"
    odd = (
        "#   \n## \"Quoted\" \\ back\\slash / slash \x07 bell\n- [ ] a\n"
        "## Deployment\n### Step 1\n- [ ] b\n### Step 1\n- [ ] c\n"
        "## ⚠️ Rollback Triggers 🚀\n- [ ] Error rate > 5%\n- [ ] Error rate > 5%\n- [ ] `p99` **latency** > 2s\n"
        "\n####### seven hashes\n## Sign-off\n- [ ] **\"Boss\\\"**: ok\n- [ ] **all**: ok\n"
    )
    crowded = ("# Crowded\n\n| Time | Action | Owner |\n|---|---|---|\n"
               + "".join(f"| T-{i}m | act {i} | Ops{i % 50} |\n" for i in range(1, 2000))
               + "".join(f"## Rollback Triggers {n}\n" + "".join(f"- [ ] error rate > {i}%\n- [ ] outage {i}\n"
                                                               for i in range(1, 10)) for n in range(100)))
    return {
        "crowded.md": crowded.encode(),
        "duplicate-ids.md": b"# D\n## Deploy\n- [ ] a <!-- id: x -->\n- [ ] b <!-- id: x -->\n",
        "empty.md": b"",
        "blank.md": b"\n\n   \n",
        "huge.md": huge.encode(),
        "deep-list.md": deep_list.encode(),
        "deep-quotes.md": deep_quotes.encode(),
        "odd-headings.md": odd.encode(),
        "no-headings.md": b"- [ ] just an item\n- [ ] another\n",
        "only-title.md": b"# Title only\n",
        "binary.md": b"\x00\x01\x02 not text",
        "latin1.md": "# Café\n- [ ] crème\n".encode("latin-1"),
        "crlf.md": b"# Win\r\n\r\n## Deployment\r\n- [ ] a\r\n## Rollback Triggers\r\n- Error rate > 5%\r\n",
    }


@pytest.mark.parametrize("name", sorted(_hostile()))
def test_hostile_checklists_give_a_plan_or_a_clear_message(tmp_path, capsys, name):
    checklist = tmp_path / name
    checklist.write_bytes(_hostile()[name])
    code, out, err = init(capsys, checklist)
    plan_path = checklist.with_suffix(".toml")
    if code == 0:
        assert main(["validate", str(plan_path)]) == 0, capsys.readouterr()  # validate is load_plan without problems
        tomlkit.parse(plan_path.read_text(encoding="utf-8"))
    else:
        assert code == 1 and err.strip() and not plan_path.exists()
        assert "launchpad init:" in err


def test_empty_and_binary_are_refused_with_a_reason(tmp_path, capsys):
    (tmp_path / "empty.md").write_bytes(b"")
    code, _, err = init(capsys, tmp_path / "empty.md")
    assert code == 1 and "nothing to plan from" in err
    (tmp_path / "binary.md").write_bytes(b"\x00\x01")
    code, _, err = init(capsys, tmp_path / "binary.md")
    assert code == 1 and "binary" in err


def test_odd_headings_keep_their_text_literally(tmp_path, capsys):
    checklist = tmp_path / "odd.md"
    checklist.write_bytes(_hostile()["odd-headings.md"])
    assert init(capsys, checklist)[0] == 0
    plan, _ = load_plan(checklist.with_suffix(".toml"), env={})
    assert [trigger.name for trigger in plan.triggers] == ["Error rate > 5%", "Error rate > 5% (2)", "p99 latency > 2s"]
    assert plan.triggers[2].aggregate == "p99"
    assert "\x07" not in checklist.with_suffix(".toml").read_text(encoding="utf-8")


def test_a_crowded_checklist_is_capped_and_says_so(tmp_path, capsys):
    checklist = tmp_path / "crowded.md"
    checklist.write_bytes(_hostile()["crowded.md"])
    code, out, _ = init(capsys, checklist)
    assert code == 0
    plan, problems = load_plan(checklist.with_suffix(".toml"), env={})
    assert not problems
    assert len(plan.events) == 40 and len(plan.triggers) == 60
    assert "840 more trigger lines read as rules were left out" in out
    assert "and 840 more, listed by `launchpad init`" in checklist.with_suffix(".toml").read_text(encoding="utf-8")


def test_readme_example_is_what_init_writes_for_seed_003(seeds, tmp_path, capsys, monkeypatch):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bring your own checklist", 1)[1].split("\n## ", 1)[0]
    console, toml_block = (section.split(f"```{kind}\n", 1)[1].split("```", 1)[0] for kind in ("console", "toml"))
    source = next(seed for seed in seeds if seed.name.startswith("003"))
    shutil.copy(source, tmp_path / source.name)
    monkeypatch.chdir(tmp_path)
    command = console.splitlines()[0].removeprefix("$ launchpad ").split()
    code, out, _ = init(capsys, *command[1:])
    assert code == 0
    assert console.splitlines()[1:] == out.splitlines()[: len(console.splitlines()) - 1]
    written = (tmp_path / source.with_suffix(".toml").name).read_text(encoding="utf-8").splitlines()
    missing = [line for line in toml_block.splitlines() if line and line not in written]
    assert not missing


def test_a_checklist_with_problems_of_its_own_is_named_with_its_lines(tmp_path, capsys):
    checklist = tmp_path / "dup.md"
    checklist.write_bytes(_hostile()["duplicate-ids.md"])
    code, _, err = init(capsys, checklist)
    assert code == 1
    assert f"{checklist}:4: duplicate task id `x`" in err and "problems a plan would inherit" in err

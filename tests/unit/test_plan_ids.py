"""The plan ID cache of `launchpad mark`/`note`: used only while every file it came from is unchanged."""

from __future__ import annotations

import shutil

from launchpad.core.plan.plan import load_plan
from launchpad.shell import plan_ids
from launchpad.shell.plan_ids import cached_ids, load_plan_ids
from launchpad.store import cache_files

PLAN = '[launch]\nname = "Tiny"\nchecklists = ["list.md"]\n\n[[event]]\nid = "go"\nat = "T-0"\ntitle = "Go"\n'


def write(tmp_path):
    (tmp_path / "list.md").write_text("# List\n- [ ] First <!-- id: first -->\n- [ ] Second\n", encoding="utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    return str(plan)


def counting_loader(calls):
    def load(path, parsed=None):
        calls.append(path)
        return load_plan(path, env={}, parsed=parsed)
    return load


def test_the_second_lookup_comes_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path)
    assert cached_ids(path) is None
    calls = []
    first, problems = load_plan_ids(path, counting_loader(calls))
    second, _ = load_plan_ids(path, counting_loader(calls))
    assert problems == [] and len(calls) == 1
    assert first == second
    assert first.task_ids[0] == "first" and len(first.task_ids) == 2 and first.event_ids == ("go",)
    assert first.sha256 == load_plan(path, env={})[0].sha256


def test_any_changed_input_or_parser_means_a_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path)
    load_plan_ids(path, counting_loader([]))
    (tmp_path / "list.md").write_text("# List\n- [ ] Only <!-- id: only -->\n", encoding="utf-8")
    assert cached_ids(path) is None
    ids, _ = load_plan_ids(path, counting_loader([]))
    assert ids.task_ids == ("only",)
    assert cached_ids(path) == ids
    monkeypatch.setattr(cache_files, "__version__", "999")  # another launchpad wrote it
    plan_ids._parser_key.cache_clear()  # computed once a process: computed again under the other version
    try:
        assert cached_ids(path) is None
    finally:
        monkeypatch.undo()
        plan_ids._parser_key.cache_clear()


def test_a_damaged_cache_file_is_ignored_and_a_plan_with_problems_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path)
    load_plan_ids(path, counting_loader([]))
    (cache,) = plan_ids.cache_dir().iterdir()
    cache.write_text("{not json", encoding="utf-8")
    assert cached_ids(path) is None
    (tmp_path / "plan.toml").write_text(PLAN.replace('"list.md"', '"list.md", "missing.md"'), encoding="utf-8")
    calls = []
    ids, problems = load_plan_ids(path, counting_loader(calls))
    assert problems and ids.task_ids[0] == "first"
    load_plan_ids(path, counting_loader(calls))
    assert len(calls) == 2  # never served from a cache while the plan has problems


def test_a_pinned_item_is_found_without_parsing_the_plan(tmp_path, monkeypatch):
    """Cold, with the ID asked for: only the checklist naming it is parsed, and the answer is load_plan's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path)
    calls = []
    ids, problems = load_plan_ids(path, counting_loader(calls), wanted="first")
    assert calls == [] and problems == [] and cached_ids(path) is None  # nothing parsed whole, nothing cached
    assert ids.task_ids == ("first",) and not ids.complete
    full = load_plan(path, env={})[0]
    assert (ids.path, ids.sha256) == (full.path, full.sha256) and "first" in {task.id for task in full.tasks}


def test_an_id_that_is_no_item_falls_back_to_the_whole_plan(tmp_path, monkeypatch):
    """The ID's text in a fence, in prose, or an item's generated ID: locate_task cannot say, load_plan does."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path)
    with open(tmp_path / "list.md", "a", encoding="utf-8") as out:
        out.write("\n```\n- [ ] Fenced <!-- id: fenced -->\n```\n\nProse naming prose-id.\n")
    generated = load_plan(path, env={})[0].tasks[1].id
    for wanted, known in (("fenced", False), ("prose-id", False), (generated, True), ("nowhere", False)):
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        calls = []
        ids, _ = load_plan_ids(path, counting_loader(calls), wanted=wanted)
        assert calls == [path] and ids.complete and (wanted in ids.task_ids) is known, wanted


def test_a_markdown_plan_and_a_broken_plan(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    checklist = tmp_path / "run.md"
    checklist.write_text("# Run\n- [ ] Deploy <!-- id: deploy -->\n", encoding="utf-8")
    ids, _ = load_plan_ids(str(checklist), counting_loader(calls := []), wanted="deploy")
    assert ids.task_ids == ("deploy",) and not ids.complete and calls == []
    broken = tmp_path / "broken.toml"
    broken.write_text('[launch\nchecklists = ["run.md"]\n', encoding="utf-8")
    ids, problems = load_plan_ids(str(broken), counting_loader(calls), wanted="deploy")
    assert ids is None and problems and calls == [str(broken)]  # the full load says what is wrong


def test_validate_leaves_the_ids_of_a_clean_plan_in_the_cache(tmp_path, monkeypatch, capsys):
    """A pipeline's first `mark` of a generated ID after `launchpad validate` needs no parse of its own."""
    from launchpad.cli.main import main
    from launchpad.shell.plan_ids import ids_of

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write(tmp_path)
    assert main(["validate", path]) == 0
    assert cached_ids(path) == ids_of(load_plan(path, env={})[0])
    calls = []
    load_plan_ids(path, counting_loader(calls), wanted=load_plan(path, env={})[0].tasks[1].id)
    assert calls == []
    broken = tmp_path / "broken.toml"
    broken.write_text(PLAN.replace('"list.md"', '"list.md", "missing.md"'), encoding="utf-8")
    assert main(["validate", str(broken)]) == 1
    assert cached_ids(str(broken)) is None  # a plan with problems is never cached


def write_four(tmp_path):
    """A plan of four checklists whose items all have generated IDs."""
    names = []
    for number in range(1, 5):
        (tmp_path / f"part{number}.md").write_text(
            f"# Part {number}\n## Area\n" + "".join(f"- [ ] Step {number}.{step}\n" for step in range(30)), encoding="utf-8")
        names.append(f'"part{number}.md"')
    plan = tmp_path / "plan.toml"
    plan.write_text(f'[launch]\nname = "Four"\nchecklists = [{", ".join(names)}]\n', encoding="utf-8")
    return str(plan)


def parse_counter(monkeypatch):
    from launchpad.core.plan import plan as plan_module

    parsed_files = []
    real = plan_module.load_checklist

    def counting(path, *parse):
        parsed_files.append(path)
        return real(path, *parse)

    monkeypatch.setattr(plan_module, "load_checklist", counting)
    return parsed_files


def test_a_generated_id_in_the_first_half_is_found_without_the_whole_plan(tmp_path, monkeypatch):
    """Cold: the checklists are parsed in plan order up to the one holding the ID; the answer is load_plan's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write_four(tmp_path)
    full = load_plan(path, env={})[0]
    wanted = next(task.id for task in full.tasks if task.text == "Step 1.7")
    parsed_files = parse_counter(monkeypatch)
    calls = []
    ids, problems = load_plan_ids(path, counting_loader(calls), wanted=wanted)
    assert calls == [] and problems == [] and ids.task_ids == (wanted,) and not ids.complete
    assert (ids.path, ids.sha256) == (full.path, full.sha256)
    assert [name.rsplit("/", 1)[-1] for name in parsed_files] == ["part1.md"]  # the other three never read


def test_a_generated_id_further_on_or_nowhere_parses_each_checklist_once_and_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write_four(tmp_path)
    full = load_plan(path, env={})[0]
    late = next(task.id for task in full.tasks if task.text == "Step 4.7")
    for wanted, known in ((late, True), ("zzzzzz", False)):
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        parsed_files = parse_counter(monkeypatch)
        calls = []
        ids, problems = load_plan_ids(path, counting_loader(calls), wanted=wanted)
        assert calls == [path] and ids.complete and (wanted in ids.task_ids) is known and problems == []
        assert ids.task_ids == tuple(task.id for task in full.tasks)
        assert sorted(name.rsplit("/", 1)[-1] for name in parsed_files) == ["part1.md", "part2.md", "part3.md",
                                                                            "part4.md"]  # once each
        assert cached_ids(path) == ids

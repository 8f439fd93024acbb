"""The plan ID cache of `launchpad mark`/`note`: used only while every file it came from is unchanged."""

from __future__ import annotations

from launchpad.core.plan.plan import load_plan
from launchpad.shell import plan_ids
from launchpad.shell.plan_ids import cached_ids, load_plan_ids

PLAN = '[launch]\nname = "Tiny"\nchecklists = ["list.md"]\n\n[[event]]\nid = "go"\nat = "T-0"\ntitle = "Go"\n'


def write(tmp_path):
    (tmp_path / "list.md").write_text("# List\n- [ ] First <!-- id: first -->\n- [ ] Second\n", encoding="utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    return str(plan)


def counting_loader(calls):
    def load(path):
        calls.append(path)
        return load_plan(path, env={})
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
    monkeypatch.setattr(plan_ids, "__version__", "999")  # another launchpad wrote it
    assert cached_ids(path) is None


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

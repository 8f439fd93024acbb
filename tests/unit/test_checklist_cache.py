"""The parse cache of checklists (shell/checklist_cache) gives exactly the fresh parse, or nothing.

A cockpit starting on an unchanged plan reads its checklists from the cache instead of parsing them. Held here:
the plan loaded through the cache equals the plan parsed fresh (bundled plans, seed runbooks, generated
documents), a changed text or parser is never answered from the cache, a damaged, foreign, oversized or
ill-typed cache file is ignored (the parse runs), the files are private, and a start from the cache imports
no markdown-it at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchpad.core.plan.checklist import parse_checklist
from launchpad.core.plan.checklist_data import checklist_from_data, checklist_to_data
from launchpad.core.plan.plan import load_plan
from launchpad.shell import checklist_cache
from launchpad.shell.checklist_cache import cached_parse, lookup
from test_checklist_lines import LINES  # tests/unit is on sys.path (rootdir-less test modules)

ROOT = Path(__file__).resolve().parents[2]
# Beyond the line shortcut's lines: blocks only markdown-it reads (tables, nesting, fences, HTML, quotes).
BLOCKS = [
    "| Time | Action | Owner |\n|---|---|---|\n| T-1h | Freeze | Ops |\n| T-0 | Go | all |",
    "- [ ] parent\n  - [x] child **Ops**: nested\n    1. step under it",
    "```\n- [ ] not a task\n```",
    "<div>\n- [ ] html\n</div>",
    "> - [ ] quoted",
    "- [ ] <!-- id: dup -->\n- [ ] again <!-- id: dup -->",
    "- [ ] [link](http://127.0.0.1/x) and `code` [b]markup[/b] \x1b[31m",
    "## Contacts\n- **DevOps Team**: ops@example.invalid",
]


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _cache_files() -> list[Path]:
    return sorted(checklist_cache.cache_dir().glob("*.json"))


def _same_plan(fresh, cached) -> None:
    assert cached == fresh  # every compared field, the checklists with their tasks, steps, tables, problems
    assert cached.checklists == fresh.checklists and cached.tasks == fresh.tasks
    assert [cached.owner_of(task) for task in cached.tasks] == [fresh.owner_of(task) for task in fresh.tasks]


def _through_cache(path) -> None:
    """Fresh parse, a load that fills the cache, a load that reads it: the last equals the first."""
    fresh, problems = load_plan(path)
    assert fresh is not None
    load_plan(path, parse=cached_parse)
    for checklist in fresh.checklists:  # every checklist really comes from the cache the second time
        text = Path(checklist.path).read_text(encoding="utf-8")
        assert lookup(text, checklist.path) == checklist, checklist.path
    cached, cached_problems = load_plan(path, parse=cached_parse)
    _same_plan(fresh, cached)
    assert cached_problems == problems


@pytest.mark.parametrize("plan", sorted((ROOT / "timelines").glob("*.toml")) + sorted((ROOT / "checklists").glob("*.md")),
                         ids=lambda path: path.name)
def test_bundled_plans_load_the_same_from_the_cache(plan):
    _through_cache(plan)
    assert _cache_files()


def test_seed_runbooks_load_the_same_from_the_cache(seeds, tmp_path):
    for seed in seeds:
        copy = tmp_path / (seed.stem + ".md")  # a seed opened as a Markdown plan, as `launchpad init` would
        copy.write_bytes(seed.read_bytes())
        _through_cache(copy)
    assert len(_cache_files()) == len(seeds)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(LINES + BLOCKS), min_size=1, max_size=25))
def test_generated_checklists_read_back_equal(parts, tmp_path):
    text = "\n".join(parts) + "\n"
    path = str(tmp_path / "generated.md")
    fresh = parse_checklist(text, path)
    assert checklist_from_data(json.loads(json.dumps(checklist_to_data(fresh)))) == fresh
    assert cached_parse(text, path) == fresh
    assert lookup(text, path) == fresh


def test_a_changed_text_is_parsed_afresh(tmp_path):
    path = str(tmp_path / "a.md")
    cached_parse("# A\n- [ ] one\n", path)
    assert lookup("# A\n- [ ] two\n", path) is None
    assert [task.text for task in cached_parse("# A\n- [ ] two\n", path).tasks] == ["two"]
    assert lookup("# A\n- [ ] one\n", path) is None  # one file per path: the newer parse replaced it
    assert lookup("# A\n- [ ] two\n", str(tmp_path / "b.md")) is None  # another path's cache is not this one's


def test_a_cache_written_by_other_code_is_not_trusted(tmp_path, monkeypatch):
    path = str(tmp_path / "a.md")
    cached_parse("# A\n- [ ] one\n", path)
    monkeypatch.setattr(checklist_cache, "code_key", lambda: "another parser")
    assert lookup("# A\n- [ ] one\n", path) is None


def _tampered(path: str, change) -> Path:
    (file,) = _cache_files()
    doc = json.loads(file.read_text(encoding="utf-8"))
    change(doc)
    file.write_text(json.dumps(doc), encoding="utf-8")
    return file


@pytest.mark.parametrize("change", [
    lambda doc: doc["checklist"][3][0].__setitem__(5, "7"),  # a task's line as a string
    lambda doc: doc["checklist"][3][0].__setitem__(2, 1),  # checked as a number
    lambda doc: doc["checklist"][3][0].__setitem__(5, True),  # a line as a boolean
    lambda doc: doc["checklist"][3][0].pop(),  # a field missing
    lambda doc: doc["checklist"][3][0].append("extra"),  # a field too many
    lambda doc: doc["checklist"].__setitem__(3, {"id": "x"}),  # an object where a list belongs
    lambda doc: doc["checklist"].__setitem__(0, "/elsewhere.md"),  # another file's checklist
    lambda doc: doc.__setitem__("format", 0),
    lambda doc: doc.__setitem__("path", "/elsewhere.md"),
    lambda doc: doc.pop("checklist"),
], ids=["line-str", "checked-int", "line-bool", "short", "long", "object", "other-path", "format", "doc-path", "none"])
def test_an_ill_typed_or_foreign_cache_is_ignored(tmp_path, change):
    path = str(tmp_path / "a.md")
    text = "# A\n- [ ] one **Ops**: x\n1. step\n"
    fresh = cached_parse(text, path)
    _tampered(path, change)
    assert lookup(text, path) is None
    assert cached_parse(text, path) == fresh  # parsed again, and the cache repaired
    assert lookup(text, path) == fresh


@pytest.mark.parametrize("content", [b"", b"\x00\xff not json", b"[1, 2", b"[]", b"null", b"[" * 100_000 + b"]" * 100_000])
def test_a_damaged_cache_is_ignored(tmp_path, content):
    path = str(tmp_path / "a.md")
    fresh = cached_parse("# A\n- [ ] one\n", path)
    (file,) = _cache_files()
    file.write_bytes(content)
    assert lookup("# A\n- [ ] one\n", path) is None
    assert cached_parse("# A\n- [ ] one\n", path) == fresh


def test_an_oversized_or_odd_cache_file_is_not_read(tmp_path, monkeypatch):
    path = str(tmp_path / "a.md")
    cached_parse("# A\n- [ ] one\n", path)
    (file,) = _cache_files()
    monkeypatch.setattr(checklist_cache, "CACHE_LIMIT", file.stat().st_size - 1)
    assert lookup("# A\n- [ ] one\n", path) is None
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert lookup("# A\n- [ ] one\n", path) is not None
    file.unlink()
    os.mkfifo(file)  # a reader must not wait on a FIFO put in the cache file's place
    assert lookup("# A\n- [ ] one\n", path) is None


def test_cache_files_are_private_and_a_failed_write_is_skipped(tmp_path):
    path = str(tmp_path / "a.md")
    cached_parse("# A\n- [ ] one\n", path)
    (file,) = _cache_files()
    assert file.stat().st_mode & 0o777 == 0o600
    assert checklist_cache.cache_dir().stat().st_mode & 0o777 == 0o700
    for leftover in checklist_cache.cache_dir().iterdir():
        leftover.unlink()
    checklist_cache.cache_dir().rmdir()
    checklist_cache.cache_dir().write_bytes(b"")  # a file where the directory belongs: no write can succeed
    assert cached_parse("# A\n- [ ] one\n", path).tasks[0].text == "one"  # no cache, no error
    assert lookup("# A\n- [ ] one\n", path) is None


def test_a_start_from_the_cache_imports_no_markdown_it(tmp_path, bundled_plan):
    """What the cockpit does before its app starts (cli/cockpit.py), in a fresh interpreter, twice."""
    script = (
        "import sys\n"
        "from launchpad.shell.checklist_cache import cached_parse\n"
        "from launchpad.core.plan.plan import load_plan\n"
        f"plan, problems = load_plan({str(bundled_plan)!r}, parse=cached_parse)\n"
        "assert plan is not None and not problems and plan.tasks\n"
        "print('markdown_it' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "fresh-cache")}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]  # the parse needs it; the cached start does not

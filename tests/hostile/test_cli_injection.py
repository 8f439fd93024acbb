"""Every vector through every CLI injection point (note, --as, mark --note, hold/vote/recycle/scrub reasons, handoff
name, item text, step title, probe name), then read back by `status`, `status --json` and `report`: no command
fails, no output carries a raw control or bidi character, the vector reads literally, and the report's Markdown
(rendered by cmark-gfm, GitHub's renderer, when installed) opens no link and styles nothing."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from launchpad.cli.main import main
from launchpad.core.plan.plan import load_plan
from launchpad.core.control.poll import poll_spec
from launchpad.store.session_file import create_session

from .conftest import IDS, VECTORS, assert_inert, hostile_plan, shown

pytestmark = pytest.mark.hostile

CMARK = shutil.which("cmark-gfm")


def cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def hostile_session(plan_dir, monkeypatch):
    def make(vector: str):
        plan_path = hostile_plan(plan_dir, vector)
        plan, problems = load_plan(plan_path, env={})
        assert plan is not None and not problems, problems
        path = plan_dir / "launch.session.toml"
        create_session(plan, path, datetime.now(timezone.utc) + timedelta(hours=1), "alice").close()
        return plan, path

    monkeypatch.setenv("LAUNCHPAD_USER", "pipeline")
    return make


@pytest.mark.parametrize("name", IDS)
def test_every_cli_injection_point_stays_data(name, hostile_session, capsys):
    vector = VECTORS[name]
    plan, path = hostile_session(vector)
    s = str(path)
    role = poll_spec(plan).roles[0].id
    t0 = (datetime.now(timezone.utc) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    written = [
        ("note", s, vector, "--as", vector),
        ("note", s, vector, "--item", "deploy-backend"),
        ("mark", s, "deploy-backend", "--note", vector, "--as", vector),
        ("hold", s, "--reason", vector, "--as", vector),
        ("vote", s, role, "no-go", "--reason", vector),
        ("recycle", s, "T-3h", "--reason", vector),
        ("scrub", s, "--reason", vector, "--t0", t0),
        ("handoff", s, vector, "--note", vector),
    ]
    for argv in written:
        code, output = cli(capsys, *argv)
        assert code == 0, (argv[0], output)
        assert_inert(output)
    code, output = cli(capsys, "mark", s, vector)  # an error that quotes outside text
    assert code == 1
    assert_inert(output)
    plan_file = plan.path
    code, output = cli(capsys, "validate", plan_file)
    assert code == 0, output
    assert_inert(output)
    code, output = cli(capsys, "validate", plan_file, "--json")
    assert code == 0 and output.isascii()
    code, text = cli(capsys, "status", s)
    assert code == 0
    assert_inert(text, vector)
    code, raw = cli(capsys, "status", s, "--json")
    assert code == 0 and raw.isascii()  # JSON escapes: no raw byte a terminal would act on
    document = json.loads(raw)
    assert any(note["text"] == vector for note in document["notes"])  # data kept exactly, escaped by JSON
    code, report = cli(capsys, "report", s)
    assert code == 0
    assert_inert(report)
    if CMARK:
        rendered = subprocess.run([CMARK, "-e", "autolink", "-e", "table", "-e", "strikethrough", "-e", "tagfilter"],
                                  input=report, capture_output=True, text=True, check=True).stdout
        assert "href" not in rendered, re.findall(r".{80}href.{80}", rendered)
        for tag in re.findall(r"<(/?[a-z][a-z0-9]*)", rendered):
            assert tag.lstrip("/") in {"h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
                                       "input", "code", "strong", "em", "hr", "br"}, tag
        plain = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        assert shown(vector, 20) in plain

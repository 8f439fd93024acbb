"""No secret leaves launchpad, not even part of one.

A real server on 127.0.0.1 reflects the Authorization header and the request URL in bodies (plain, wrapped
across lines, JSON-escaped, cut by the server itself), in a malformed header line that the HTTP parser
quotes in its error, and in redirects that send the credentials back in the Location. The probes carry
an `${ENV}` bearer token, URL userinfo and `?access_token=` / `&sig=` parameters.

Then everything launchpad writes or shows is gathered: attempts and statuses from the engine, stdout and
stderr of `launchpad probe` (--json, table, live), the cockpit's probe runtime (what it draws, journals and
notices), the session file, `launchpad report` and `launchpad status`; and each is searched for every
6-character run of every secret. Any hit fails.
"""

from __future__ import annotations

import asyncio
import base64
import json
import string
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchpad.cli.main import main
from launchpad.core.plan.plan import load_plan
from launchpad.core.probes.probe_config import ProbeSpec
from launchpad.core.redact import REDACTED, Redactor, redact_url
from launchpad.engine.probe_engine import ProbeEngine
from launchpad.shell.probes import ProbeRuntime
from launchpad.shell.session import LiveSession

from .conftest import ECHO_PREFIX

pytestmark = pytest.mark.hostile

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)

TOKEN = "tQ7vL2pR9sW4yZ8bN6mK1jH5gFdX3cVa"  # 32 characters, from ${API_TOKEN}
USER = "opsdeployer7"
PASSWORD = "pw8Zq3Lm7Vx2Rt"
ACCESS = "at9Hs2Kd7Fq4Wn6Pz1"
SIGNATURE = "sg4Jt8Yc2Nb6Mv"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()  # what a server echoing Basic auth shows
SECRETS = (TOKEN, USER, PASSWORD, ACCESS, SIGNATURE, BASIC)
ENV = {"API_TOKEN": TOKEN}
RUN = 6


def runs(secret: str) -> set[str]:
    return {secret[i : i + RUN] for i in range(len(secret) - RUN + 1)}


def leaks(text: str) -> list[str]:
    """Every 6-character run of a secret found in text (any longer leak contains one)."""
    return sorted({run for secret in SECRETS for run in runs(secret) if run in text})


def test_the_leak_finder_finds_a_cut_secret():
    # The reproducer: 29 of 32 characters shown after a cut; the finder must see that.
    assert leaks(f"{ECHO_PREFIX}Bearer {TOKEN[:29]}...")
    assert not leaks("nothing here [redacted]")


def plan_text(base: str, closed_port: int) -> str:
    auth = 'headers = { Authorization = "Bearer ${API_TOKEN}" }\n'
    userinfo = base.replace("http://", f"http://{USER}:{PASSWORD}@")
    query = f"access_token={ACCESS}&sig={SIGNATURE}&page=2"
    probes = [
        # body excerpt and status error; the 57-character condition cut falls inside the token
        ("echo-status", f"{base}/echo-all?{query}", auth),
        ("echo-condition", f"{base}/echo-all?{query}", auth + 'valid_status_codes = [500]\nconditions = ["[BODY] == ok"]\n'),
        ("echo-json", f"{base}/echo-json?{query}", auth + 'conditions = ["[BODY].auth == nobody"]\n'),
        ("echo-json-target", f"{base}/echo-json?{query}", auth + 'conditions = ["[BODY].target == nowhere"]\n'),
        # userinfo becomes Basic auth, which the server echoes
        ("userinfo", f"{userinfo}/echo-all?{query}", ""),
        # the Location sends the credentials back: a loop, then a redirect limit
        ("redirect-loop", f"{userinfo}/echo-redirect?{query}", ""),
        ("redirect-limit", f"{userinfo}/echo-redirect?{query}", "max_redirects = 0\n"),
        # the HTTP parser's own error quotes the header line that holds the token
        ("parser-error", f"{base}/echo-bad-header?{query}", auth),
        ("closed", f"http://{USER}:{PASSWORD}@127.0.0.1:{closed_port}/health?{query}", auth),
    ]
    text = '[launch]\nname = "secrets"\n\n[defaults]\ninterval = "10s"\ntimeout = "3s"\n\n'
    for name, url, extra in probes:
        text += f'[[probe]]\nname = "{name}"\nurl = "{url}"\n{extra}\n'
    text += '[[trigger]]\nname = "Any failure"\nkind = "consecutive_failures"\nabove = 0\n'
    return text


@pytest.fixture
def plan_path(tmp_path, server, closed_port) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(plan_text(server.url, closed_port), encoding="utf-8")
    return path


def load(plan_path: Path):
    plan, problems = load_plan(plan_path, env=ENV)
    assert plan is not None and not problems, problems
    return plan


async def test_engine_attempts_and_statuses_hold_no_secret(plan_path):
    plan = load(plan_path)
    engine = ProbeEngine(plan.probes, plan.triggers, env=ENV, t0=T0)
    attempts = await engine.run_once()
    shown = repr(attempts) + repr(engine.statuses()) + repr(engine.trigger_states())
    assert leaks(shown) == []
    by_name = {attempt.probe: attempt for attempt in attempts}
    # the reflections really happened (else the test proves nothing) and came back redacted
    assert by_name["echo-status"].error_kind == "status" and REDACTED in by_name["echo-status"].body_excerpt
    assert by_name["echo-condition"].error_kind == "condition"
    assert by_name["echo-condition"].error_message.startswith("condition `[BODY] == ok` failed: [BODY] was denied")
    assert by_name["echo-json"].error_kind == "condition" and REDACTED in by_name["echo-json"].error_message
    assert "access_token=" + REDACTED in by_name["echo-json-target"].error_message
    assert REDACTED in by_name["userinfo"].body_excerpt
    assert by_name["redirect-loop"].error_kind == "redirects" and "127.0.0.1" in by_name["redirect-loop"].error_message
    assert by_name["redirect-limit"].error_kind == "redirects"
    assert by_name["parser-error"].error_kind == "connect" and REDACTED in by_name["parser-error"].error_message
    assert by_name["closed"].error_kind == "connect"


async def test_a_condition_cut_inside_an_echoed_token_shows_none_of_it(server):
    # The reproducer: `[BODY] == ok` shows 57 characters of the body, which end 29 characters into the token.
    from launchpad.core.probes.conditions import parse_condition

    probe = ProbeSpec(name="cut", url=f"{server.url}/echo-all", headers=(("Authorization", "Bearer ${API_TOKEN}"),),
                      valid_status_codes=((500, 500),), conditions=(parse_condition("[BODY] == ok"),), timeout=3.0)
    engine = ProbeEngine([probe], [], env=ENV, t0=T0)
    (attempt,) = await engine.run_once()
    assert attempt.error_message.startswith(f"condition `[BODY] == ok` failed: [BODY] was {ECHO_PREFIX}Bearer ")
    assert leaks(attempt.error_message) == [] and leaks(attempt.body_excerpt) == []


@pytest.mark.parametrize("options", [["--once", "--json"], ["--once"], ["--duration", "4"], ["--duration", "4", "--json"]])
def test_probe_command_output_holds_no_secret(plan_path, capsys, monkeypatch, options):
    monkeypatch.setenv("API_TOKEN", TOKEN)
    assert main(["probe", str(plan_path), *options]) == 1
    out, err = capsys.readouterr()
    assert leaks(out + err) == []
    assert REDACTED in out
    if "--json" in options:
        records = [json.loads(line) for line in out.splitlines()]
        assert {record.get("probe") for record in records} >= {"echo-json", "redirect-loop", "parser-error"}


class Sink:
    """What the cockpit would draw and toast, as text."""

    def __init__(self):
        self.shown: list[str] = []

    def show_probe(self, name, status):
        self.shown.append(repr(status))

    def show_trigger(self, state):
        self.shown.append(repr(state))

    def notice(self, text, severity):
        self.shown.append(text)


async def test_a_session_with_probes_journaling_holds_no_secret(plan_path, tmp_path, capsys, monkeypatch):
    plan = load(plan_path)
    session_path = tmp_path / "launch.session.toml"
    session = LiveSession.start(plan, session_path, t0=T0, actor="alice")
    runtime = ProbeRuntime(session, start_demo=False, env=ENV)
    sink = Sink()
    try:
        runtime.start(sink)
        assert runtime.leader
        for _ in range(400):  # every probe attempted once (the journal has its DOWN state)
            if all(status.attempts for status in runtime.engine.statuses().values()):
                break
            await asyncio.sleep(0.05)
        await runtime.stop()
    finally:
        runtime.close()
        session.close()
    journal = session_path.read_text(encoding="utf-8")
    assert journal.count('kind = "probe"') >= len(plan.probes) and REDACTED in journal
    monkeypatch.setenv("API_TOKEN", TOKEN)
    assert main(["report", str(session_path)]) == 0
    assert main(["status", str(session_path)]) == 0
    assert main(["status", str(session_path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert "echo-condition" in out  # the report lists the incidents
    everything = "\n".join(sink.shown) + journal + out + err
    for path in tmp_path.iterdir():  # and whatever else launchpad left beside the session
        if path.is_file() and path != plan_path:  # the plan is the user's, and holds the URL as written
            everything += path.read_text(encoding="utf-8", errors="replace")
    assert leaks(everything) == []


def test_an_invalid_probe_url_is_reported_without_its_credentials(tmp_path, capsys, monkeypatch):
    plan = tmp_path / "plan.toml"
    plan.write_text(f'[launch]\nname = "x"\n\n[[probe]]\nname = "bad"\n'
                    f'url = "http://{USER}:{PASSWORD}@127.0.0.1:99999/?access_token={ACCESS}"\n', encoding="utf-8")
    assert main(["probe", str(plan), "--once", "--json"]) == 2
    assert main(["validate", str(plan)]) != 0
    out, err = capsys.readouterr()
    assert "invalid_url" in err + out and "127.0.0.1" in err + out
    assert leaks(out + err) == []


def test_a_shown_probe_url_keeps_host_and_path_but_no_credentials():
    spec = ProbeSpec(name="x", url=f"https://{USER}:{PASSWORD}@api.example.com:8443/health?access_token={ACCESS}&page=2&sig={SIGNATURE}")
    assert spec.shown_url == f"https://{REDACTED}@api.example.com:8443/health?access_token={REDACTED}&page=2&sig={REDACTED}"
    assert redact_url("http://api.example.com/health?page=2") == "http://api.example.com/health?page=2"


@pytest.mark.parametrize("disguise", [
    lambda s: s,  # plain
    lambda s: s[:11] + "\n  " + s[11:22] + "\r\n" + s[22:],  # wrapped across lines
    lambda s: "".join(f"\\u{ord(c):04x}" for c in s),  # JSON-escaped
    lambda s: json.dumps({"k": s[:8] + "/" + s[8:]})[7:-1].replace("/", "\\/") if "/" in s else s,  # \/ escape
    lambda s: "".join(f"%{ord(c):02X}" for c in s),  # percent-encoded
    lambda s: s[5:5 + RUN],  # any 6-character run
    lambda s: s[:-3],  # cut by whoever sent it
])
def test_the_redactor_finds_a_secret_however_it_is_dressed(disguise):
    redact = Redactor([TOKEN])
    text = redact(f"{ECHO_PREFIX}Bearer {disguise(TOKEN)} end")
    assert not leaks(text) and text.startswith(ECHO_PREFIX) and text.endswith(" end")
    assert not leaks(redact.clip(f"{ECHO_PREFIX}Bearer {disguise(TOKEN)}", 57))


def test_credential_parameters_and_userinfo_are_scrubbed_in_any_text():
    redact = Redactor()
    text = redact(f"to https://{USER}:{PASSWORD}@h/x?page=1&access_token={ACCESS}&api_key=k1234567&apikey=k7654321"
                  f"&key=kkkkkkkk&sig={SIGNATURE}&signature=zzzzzzzz&password=hunter22&secret=s3s3s3s3&auth=aaaaaaaa")
    for value in (USER, PASSWORD, ACCESS, "k1234567", "k7654321", "kkkkkkkk", SIGNATURE, "zzzzzzzz", "hunter22",
                  "s3s3s3s3", "aaaaaaaa"):
        assert value not in text
    assert "page=1" in text and "h/x" in text


# ----------------------------------------------------------------------------------------------- fuzzed

_SECRET_ALPHABET = "".join(c for c in string.printable if not c.isspace() and c not in "[]." )  # no marker/ellipsis letters
DISGUISES = {
    "plain": lambda s, k: s,
    "wrapped": lambda s, k: "\n".join(s[i : i + k] for i in range(0, len(s), k)),
    "indented": lambda s, k: "\r\n    ".join(s[i : i + k] for i in range(0, len(s), k)),
    "json": lambda s, k: json.dumps(s)[1:-1],
    "json-unicode": lambda s, k: "".join(f"\\u{ord(c):04x}" for c in s),
    "percent": lambda s, k: "".join(f"%{ord(c):02X}" for c in s),
    "part": lambda s, k: s[k % len(s) :][:RUN + k],
    "zero-width": lambda s, k: "\u200b".join(s),
}


def survivors(secret: str, text: str) -> list[str]:
    # Split on the marker: its own letters are not a leak, and joining across it would invent one.
    pieces = text.split(REDACTED)
    return sorted({run for run in runs(secret) for piece in pieces if run in piece})


@settings(max_examples=300, deadline=None)
@given(secret=st.text(alphabet=_SECRET_ALPHABET, min_size=RUN, max_size=48), before=st.text(max_size=60),
       after=st.text(max_size=60), disguise=st.sampled_from(sorted(DISGUISES)), k=st.integers(1, 12),
       limit=st.integers(10, 300))
def test_no_run_of_a_secret_survives_redaction_and_cutting(secret, before, after, disguise, k, limit):
    redact = Redactor([secret])
    text = before + DISGUISES[disguise](secret, k) + after
    assert survivors(secret, redact(text)) == []
    assert survivors(secret, redact.clip(text, limit)) == []

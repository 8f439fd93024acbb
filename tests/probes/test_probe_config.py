"""Probe config: defaults, env substitution, every problem reported with its line and a hint."""

from __future__ import annotations

import tomllib

import pytest

from launchpad.core.probes.probe_config import (
    DemoSpec,
    ProbeSpec,
    check_url,
    parse_probe_tables,
    parse_seconds,
    resolve_headers,
)
from launchpad.core.tomlpos import scan


def load(text: str, env=None):
    return parse_probe_tables(tomllib.loads(text), scan(text), "plan.toml", env or {})


def only_problem(text: str, env=None):
    probes, triggers, demo, problems = load(text, env)
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def test_defaults_apply_and_probe_values_win():
    probes, _, _, problems = load(
        """
[defaults]
interval = "30s"
timeout = "2s"
verify_tls = false
headers = { User-Agent = "launchpad", X-Team = "web" }

[[probe]]
name = "api"
url = "https://api.example.com/health"
timeout = "500ms"
headers = { X-Team = "api" }

[[probe]]
name = "web"
url = "http://web.example.com/"
"""
    )
    assert problems == []
    api, web = probes
    assert api.interval == 30.0 and api.timeout == 0.5 and api.verify_tls is False
    assert dict(api.headers) == {"User-Agent": "launchpad", "X-Team": "api"}
    assert web.timeout == 2.0 and dict(web.headers)["X-Team"] == "web"
    assert api.line == 8 and web.line == 14


def test_builtin_defaults_match_the_conventions():
    (probe,), _, _, problems = load('[[probe]]\nname = "a"\nurl = "http://127.0.0.1:8787/health"\n')
    assert problems == []
    assert probe == ProbeSpec(name="a", url="http://127.0.0.1:8787/health", line=1)
    assert (probe.method, probe.interval, probe.timeout, probe.valid_status_codes) == ("GET", 10.0, 5.0, ((200, 299),))
    assert (probe.follow_redirects, probe.max_redirects, probe.body_size_limit, probe.verify_tls) == (True, 10, 1048576, True)


def test_status_code_forms_and_sizes():
    (probe,), _, _, problems = load(
        '[[probe]]\nname = "a"\nurl = "http://x/"\nvalid_status_codes = [204, "3xx", "400-404"]\nbody_size_limit = "512KiB"\nmethod = "head"\n'
    )
    assert problems == []
    assert probe.valid_status_codes == ((204, 204), (300, 399), (400, 404))
    assert probe.body_size_limit == 512 * 1024 and probe.method == "HEAD"


def test_env_substitution_keeps_templates_and_resolves_late():
    text = '[[probe]]\nname = "api"\nurl = "http://x/"\n[probe.headers]\nAuthorization = "Bearer ${API_TOKEN}"\n'
    (probe,), _, _, problems = load(text, {"API_TOKEN": "t0ps3cret"})
    assert problems == []
    assert probe.headers == (("Authorization", "Bearer ${API_TOKEN}"),)  # the secret is not in the spec
    assert "t0ps3cret" not in repr(probe)
    assert resolve_headers(probe, {"API_TOKEN": "t0ps3cret"}) == {"Authorization": "Bearer t0ps3cret"}
    with pytest.raises(KeyError):
        resolve_headers(probe, {})


def test_missing_env_var_is_a_problem_at_the_header_line():
    text = '[[probe]]\nname = "api"\nurl = "http://x/"\n[probe.headers]\nAuthorization = "Bearer ${API_TOKEN}"\n'
    problem = only_problem(text, {})
    assert problem.line == 5
    assert problem.message == "header Authorization of probe api uses ${API_TOKEN}, which is not set"
    assert problem.hint == "export API_TOKEN=... before starting launchpad"


def test_missing_env_var_inline_headers_line():
    text = '[[probe]]\nname = "api"\nurl = "http://x/"\nheaders = { X-Key = "${KEY}" }\n'
    problem = only_problem(text)
    assert problem.line == 4 and "${KEY}" in problem.message


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("interval", '"10 parsecs"', "interval of probe api"),
        ("timeout", '"-5s"', "timeout of probe api"),
        ("interval", '"0s"', "more than zero"),
        ("timeout", "true", "timeout of probe api"),
    ],
)
def test_bad_durations_have_lines_and_hints(key, value, expected):
    problem = only_problem(f'[[probe]]\nname = "api"\nurl = "http://x/"\n{key} = {value}\n')
    assert problem.line == 4 and expected in problem.message
    assert "duration" in problem.hint


def test_timeout_longer_than_interval_is_a_problem():
    problem = only_problem('[[probe]]\nname = "api"\nurl = "http://x/"\ninterval = "5s"\ntimeout = "10s"\n')
    assert problem.line == 5 and "longer than its interval" in problem.message


def test_unknown_keys_suggest_the_right_one():
    text = '[defaults]\nintervall = "5s"\n\n[[probe]]\nname = "api"\nurl = "http://x/"\ntimout = "1s"\n\n[demo]\nprot = 9\n'
    probes, triggers, demo, problems = load(text)
    messages = {p.line: (p.message, p.hint) for p in problems}
    assert messages[2] == ("unknown key `intervall` in [defaults]", "did you mean `interval`?")
    assert messages[7] == ("unknown key `timout` in probe api", "did you mean `timeout`?")
    assert messages[10] == ("unknown key `prot` in [demo]", "did you mean `port`?")


@pytest.mark.parametrize(
    "url, reason",
    [
        ("api.example.com/health", "no scheme"),
        ("ftp://example.com/", "not supported"),
        ("http:///nohost", "no host"),
        ("http://exa mple.com/", "spaces"),
        ("http://example.com:99999/", "cannot be read"),
        ("", "empty"),
    ],
)
def test_invalid_urls_are_invalid_url_problems(url, reason):
    problem = only_problem(f'[[probe]]\nname = "api"\nurl = "{url}"\n')
    assert problem.line == 3
    assert problem.message.startswith("invalid_url:") and reason in problem.message
    assert check_url(url) is not None


def test_bad_condition_has_the_line_of_conditions():
    text = '[[probe]]\nname = "api"\nurl = "http://x/"\nconditions = [\n  "[STATUS] == 200",\n  "[STAUTS] == 200",\n]\n'
    problem = only_problem(text)
    assert problem.line == 4 and "[STAUTS]" in problem.message and "[STATUS]" in problem.hint


def test_missing_name_and_url_and_duplicates():
    text = '[[probe]]\nurl = "http://x/"\n[[probe]]\nname = "a"\n[[probe]]\nname = "a"\nurl = "http://y/"\n'
    _, _, _, problems = load(text)
    messages = [(p.line, p.message) for p in problems]
    assert (1, "probe #1 has no name") in messages
    assert (3, "probe a has no url") in messages
    assert (6, "probe name `a` is used twice") in messages


def test_probe_written_as_a_single_table():
    problem = only_problem('[probe]\nname = "a"\nurl = "http://x/"\n')
    assert "[[probe]]" in problem.hint


def test_triggers_parse_with_their_units():
    text = """
[[probe]]
name = "api"
url = "http://x/"

[[trigger]]
name = "Error rate > 5%"
kind = "error_rate"
above = "5%"
window = "5m"
min_samples = 20

[[trigger]]
name = "Response time > 3s for 5 minutes"
kind = "response_time"
probe = "api"
above = "3s"
for = "5m"

[[trigger]]
name = "Health check failures > 3 consecutive"
kind = "consecutive_failures"
above = 3

[[trigger]]
name = "Performance degradation > 50%"
kind = "degradation"
above = "50%"
baseline = "30m"
min_difference = "100ms"
"""
    _, (rate, slow, fails, degraded), _, problems = load(text)
    assert problems == []
    assert (rate.above, rate.window, rate.min_samples, rate.probe) == (0.05, 300.0, 20, None)
    assert (slow.above, slow.for_duration, slow.aggregate, slow.probe, slow.min_samples) == (3.0, 300.0, "last", "api", 1)
    assert (fails.above, fails.resolve_after) == (3.0, 2)
    assert (degraded.above, degraded.baseline, degraded.min_difference) == (0.5, 1800.0, 0.1)
    assert rate.line == 6


@pytest.mark.parametrize(
    "body, line, needle, hint",
    [
        ('kind = "error_rate"\nabove = 5', 4, "bad percentage", '"5%"'),
        ('kind = "eror_rate"\nabove = "5%"', 3, "kind `eror_rate` is not known", "did you mean `error_rate`?"),
        ('kind = "error_rate"\nabove = "5%"\nprobe = "apii"', 5, "watches probe `apii`", "did you mean `api`?"),
        ('kind = "error_rate"\nabove = "5%"\nwindow = "5 min"', 5, "window of trigger t", "duration"),
        ('kind = "consecutive_failures"\nabove = 3\nwindow = "5m"', 5, "`window` does not apply", "resolve_after"),
        ('kind = "error_rate"\nabove = "5%"\nwindnow = "5m"', 5, "unknown key `windnow`", "did you mean `window`?"),
        ('kind = "response_time"\nabove = "3s"\naggregate = "p59"', 5, "aggregate `p59`", "did you mean `p"),
        ('kind = "error_rate"', 1, "has no `above`", '"5%"'),
    ],
)
def test_trigger_problems(body, line, needle, hint):
    text = f'[[probe]]\nname = "api"\nurl = "http://x/"\n'
    text = f'[[trigger]]\nname = "t"\n{body}\n' + text
    problem = only_problem(text)
    assert needle in problem.message and hint in problem.hint
    assert problem.line == line


def test_demo_table():
    _, _, demo, problems = load("[demo]\nport = 0\n")
    assert problems == [] and demo == DemoSpec(port=0)
    assert load("")[2] is None
    problem = only_problem('[demo]\nhost = "0.0.0.0"\n')
    assert problem.line == 2 and "loopback" in problem.message


def test_parse_seconds_forms():
    assert parse_seconds("1m30s") == 90 and parse_seconds("250ms") == 0.25 and parse_seconds(2.5) == 2.5


@pytest.mark.parametrize("key", ["probe", "trigger"])  # [[metric]]: tests/metrics
@pytest.mark.parametrize("value", ["5", '"x"', "{ name = \"a\" }"])
def test_a_table_key_that_is_not_an_array_of_tables_is_a_problem(key, value):
    """`probe = 5` raised TypeError out of the loader (only `[probe]` was checked)."""
    problem = only_problem(f"{key} = {value}\n")
    assert problem.line == 1 and f"`{key}` must be an array of tables" in problem.message

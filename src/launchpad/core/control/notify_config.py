"""`[[notify]]` tables of a plan: where the launch's news goes (an Apprise URL) and which news goes there.

    [[notify]]
    name = "war-room"                              # optional; shown instead of the URL
    url = "slack://${SLACK_A}/${SLACK_B}/${SLACK_C}/#launch"
    events = ["trigger_firing", "hold", "go", "rollback"]
    digest = "30m"                                 # a status digest every 30 minutes

The URL is kept as written (with its `${VAR}` templates): the resolved URL holds webhook tokens, so it is
only ever built by the sender (shell/notify.py) and never stored, shown or logged. Checking that Apprise
understands the URL needs Apprise, which the core does not import: `launchpad validate` does that check
through shell/notify.py; this module checks the table's shape, the event names and the `${VAR}`s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from launchpad.core.plan.offsets import OffsetError, parse_duration
from launchpad.core.problems import did_you_mean

# What can be announced, in the words a plan uses; `all` stands for every one of them.
NOTIFY_EVENTS = (
    "trigger_firing", "trigger_resolved", "hold", "resume", "poll_opened", "poll_result", "go",
    "rollback", "scrub", "handoff", "late_step", "t0", "digest",
)
ALL_EVENTS = "all"
DEFAULT_EVENTS = tuple(event for event in NOTIFY_EVENTS if event != "digest")
DEFAULT_DIGEST_SECONDS = 30 * 60
KNOWN_KEYS = {"name", "url", "events", "digest"}

_TEMPLATE = re.compile(r"\$\{([^}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")


@dataclass(frozen=True)
class NotifySpec:
    name: str
    url: str  # as written in the plan: `${VAR}` templates unresolved
    events: frozenset[str]
    digest: int = 0  # seconds between status digests; 0: none
    line: int | None = None  # of its `url`, for problems Apprise finds in it

    @property
    def scheme(self) -> str:
        found = _SCHEME.match(self.url)
        return found[1].lower() if found else "?"

    @property
    def shown(self) -> str:
        """What a person may see of the target: its name and the URL's scheme, never the rest."""
        return f"{self.name} ({self.scheme}://…)"

    def wants(self, event: str) -> bool:
        return event in self.events


def url_variables(url: str) -> list[str]:
    return _TEMPLATE.findall(url)


def resolve_url(spec: NotifySpec, env: Mapping[str, str]) -> str:
    """The URL with `${VAR}` replaced from env (KeyError naming the variable when one is not set)."""

    def substitute(match: re.Match) -> str:
        if match[1] not in env:
            raise KeyError(f"notify target {spec.name} uses ${{{match[1]}}}, which is not set")
        return env[match[1]]

    return _TEMPLATE.sub(substitute, spec.url)


def secret_values(spec: NotifySpec, env: Mapping[str, str]) -> list[str]:
    """The values the URL takes from the environment: secrets by the plan's own say-so."""
    return [env[name] for name in url_variables(spec.url) if name in env]


def parse_notify_tables(doc: Mapping[str, Any], out, env: Mapping[str, str]) -> tuple[NotifySpec, ...]:
    """The plan's `[[notify]]` targets; problems (with the line of the key) go to `out`, a TableReader."""
    specs: list[NotifySpec] = []
    for index, table in enumerate(out.table_array(doc, "notify")):
        where = ("notify", index)
        out.unknown_keys(table, KNOWN_KEYS, where, "[[notify]]")
        name = out.string(table, "name", where, "[[notify]]") or f"notify-{index + 1}"
        if any(spec.name == name for spec in specs):
            out.add((*where, "name"), f"duplicate notify target name `{name}`", 'give each [[notify]] its own `name = "..."`')
            continue
        url = out.string(table, "url", where, "[[notify]]", required=True)
        if url and not _url_ok(url, name, (*where, "url"), out, env):
            url = ""
        events = _events(table.get("events"), (*where, "events"), name, out)
        digest = 0
        if "digest" in table:
            try:
                digest = parse_duration(table["digest"])
            except OffsetError as error:
                out.add((*where, "digest"), f"digest of notify target {name}: {error}", 'write it like digest = "30m"')
            else:
                if digest < 60:
                    out.add((*where, "digest"), f"digest of notify target {name} is every {digest} s",
                            'a digest comes at most once a minute: write digest = "30m"')
                    digest = 0
            events = events | {"digest"} if digest else events
        elif "digest" in events:
            digest = DEFAULT_DIGEST_SECONDS
        if url:
            specs.append(NotifySpec(name, url, frozenset(events), digest, out.positions.line(*where, "url")))
    return tuple(specs)


def _url_ok(url: str, name: str, at: tuple, out, env: Mapping[str, str]) -> bool:
    if "${" in _TEMPLATE.sub("", url):
        out.add(at, f"url of notify target {name} has an unclosed `${{`", "write `${VAR}`")
        return False
    if not _SCHEME.match(url):
        out.add(at, f"url of notify target {name} has no scheme",
                'write an Apprise URL such as "slack://${SLACK_TOKEN}/#launch" or "json://host/path"')
        return False
    # A `${VAR}` not set is no problem of the plan: the cockpit opens, warns and leaves that target out
    # (shell/notify.py); `launchpad validate` names it (unset_problem). A side channel never blocks a launch.
    fine = True
    for variable in url_variables(url):
        if not _ENV_NAME.fullmatch(variable):
            out.add(at, f"url of notify target {name} uses `${{{variable}}}`, which is not a variable name",
                    "write `${SLACK_TOKEN}`")
            fine = False
    return fine


def unset_variables(spec: NotifySpec, env: Mapping[str, str]) -> list[str]:
    """The `${VAR}` names of the target's URL that env does not set (names only, never a value)."""
    return [name for name in dict.fromkeys(url_variables(spec.url)) if name not in env]


def unset_problem(spec: NotifySpec, env: Mapping[str, str]) -> tuple[str, str] | None:
    """(message, hint) naming the first unset `${VAR}` of the target's URL, or None when all are set."""
    missing = unset_variables(spec, env)
    if not missing:
        return None
    return (f"url of notify target {spec.name} uses ${{{missing[0]}}}, which is not set",
            f"export {missing[0]}=... before starting launchpad (until then the cockpit leaves this target out)")


def _events(value: Any, at: tuple, name: str, out) -> set[str]:
    if value is None:
        return set(DEFAULT_EVENTS)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        out.add(at, f"events of notify target {name} must be a list of event names",
                'write events = ["trigger_firing", "hold", "go"]')
        return set(DEFAULT_EVENTS)
    chosen: set[str] = set()
    for item in value:
        word = item.strip().lower().replace("-", "_").replace(" ", "_")
        if word == ALL_EVENTS:
            chosen.update(DEFAULT_EVENTS)
        elif word in NOTIFY_EVENTS:
            chosen.add(word)
        else:
            out.add(at, f"unknown event `{item}` for notify target {name}",
                    did_you_mean(word, NOTIFY_EVENTS) or f"known events: {', '.join(NOTIFY_EVENTS)}, or all")
    return chosen

"""Sending the launch's news to chat, pager and webhook targets (Apprise), once, by one cockpit, never blocking.

Why it is built this way:
- Only the cockpit that holds the session's probe leadership sends (the same flock the probes use: one
  leader for everything that talks to the outside), so three cockpits on one session post once.
- What to send comes from the journal (core/control/notify_events.py) and every delivery is journaled (`notify`
  entries: sent, or failed with the reason), so a cockpit that takes over sends only what was not sent.
- Nothing here runs on the UI loop: `tick()` only wakes a dispatcher thread; each target has its own
  worker thread and queue, so a target that is down or hangs delays only its own messages, in order, and
  never another target's nor the cockpit's keys. Retries are bounded (attempts, backoff, Apprise timeouts);
  after the last one the message is journaled as failed and the next one goes.
- A resolved URL holds webhook tokens: it lives only inside a `Target`; everything shown, logged or
  journaled names the target as `name (scheme://…)` and passes through a Redactor knowing the URL's secrets.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlsplit

from launchpad.core.journal.journal import format_utc
from launchpad.core.literal import one_line
from launchpad.core.control.notify_config import NotifySpec, resolve_url, secret_values, unset_problem
from launchpad.core.control.notify_events import (FAILED, KIND, SENT, WATCHING, Announcement, NotifyFold,
                                          digest_announcement, digest_number, timed_announcements, title)
from launchpad.core.plan.offsets import format_clock
from launchpad.core.problems import Problem
from launchpad.core.redact import Redactor, url_secrets
from launchpad.store.leader import ProbeLeadership

ATTEMPTS = 3  # one try and two retries, then the message is journaled as failed and the next one goes
BACKOFF_SECONDS = 2.0  # the wait before a retry, doubled each time
TIMEOUT_SECONDS = 15.0  # Apprise's deadline for one attempt (connect and read timeouts are set lower)
_TIMEOUT_ARGS = {"cto": "4", "rto": "8"}  # Apprise's connect / read timeouts, unless the URL sets its own
_HTTP_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls", "http", "https"}


def _apprise():
    import logging

    import apprise  # heavy: imported by the cockpit that sends, on its sending thread, or by the CLI

    # Apprise's own log lines can carry a target's URL: they reach us through each call's log_callback
    # (redacted there), never the process's logging, whatever handlers a host application set up.
    logging.getLogger(apprise.LOGGER_NAME).propagate = False
    return apprise


# --------------------------------------------------------------------------- one target


@dataclass
class Target:
    spec: NotifySpec
    url: str  # resolved: secret, never shown
    redact: Redactor

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def shown(self) -> str:
        return self.spec.shown

    def send(self, title_text: str, body: str, level: str = "info",
             timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
        """One attempt: (delivered, why not). Never raises; the reason is redacted."""
        try:
            apprise = _apprise()
            sender = apprise.Apprise()
            if not sender.add(with_timeouts(self.url)):
                return False, "Apprise does not understand this URL"
            logs: list[str] = []
            result = sender.notify(body, title=title_text, notify_type=level, timeout=timeout,
                                   log_callback=lambda entry, _plugin: logs.append(str(entry.message)))
            if bool(result):
                return True, ""
            reason = "; ".join(dict.fromkeys(logs)) or f"not delivered ({getattr(result, 'status', 'failed')})"
        except Exception as error:  # a bug in a plugin must cost one message, not the sender
            reason = f"{type(error).__name__}: {error}"
        return False, self.redact.clip(one_line(reason, 400), 200)


def with_timeouts(url: str) -> str:
    """The URL with Apprise's connect and read timeouts set, unless it sets them itself: a target that
    accepts the connection and then says nothing must not keep a message (and those after it) forever."""
    query = urlsplit(url).query
    missing = [f"{key}={value}" for key, value in _TIMEOUT_ARGS.items() if not re.search(rf"(^|&){key}=", query)]
    if not missing:
        return url
    return url + ("&" if "?" in url else "?") + "&".join(missing)


def _secrets(spec: NotifySpec, url: str, env: Mapping[str, str]) -> list[str]:
    """What must never show: the `${ENV}` values, URL credentials, and the token-like parts of the URL
    (for a chat service the host and path ARE the webhook token)."""
    found = secret_values(spec, env) + url_secrets(url.replace(f"{spec.scheme}://", "http://", 1))
    try:
        parts = urlsplit(url.replace(f"{spec.scheme}://", "http://", 1))
        pieces = [piece for piece in parts.path.split("/") if len(piece) >= 6]
        if spec.scheme not in _HTTP_SCHEMES and parts.hostname:
            pieces.append(parts.hostname)
        found += pieces
    except ValueError:
        pass
    return found


def build_targets(specs: Sequence[NotifySpec], env: Mapping[str, str]) -> tuple[list[Target], list[str]]:
    """Targets ready to send, and a line for each one left out (a `${VAR}` not set: named, never valued)."""
    targets, problems = [], []
    for spec in specs:
        try:
            url = resolve_url(spec, env)
        except KeyError as error:  # that target is off until its variable is set; the others still send
            problems.append(str(error).strip("'\""))
            continue
        targets.append(Target(spec, url, Redactor(_secrets(spec, url, env))))
    return targets, problems


def check_urls(plan, env: Mapping[str, str] | None = None) -> list[Problem]:
    """`launchpad validate`: every `[[notify]]` URL parsed by Apprise itself (file:line problems)."""
    env = os.environ if env is None else env
    problems = []
    for spec in getattr(plan, "notify", ()):
        unset = unset_problem(spec, env)
        if unset is not None:  # by name, never a value; the cockpit opens all the same, without this target
            problems.append(Problem(plan.path, spec.line, *unset))
            continue
        url = resolve_url(spec, env)
        if _apprise().Apprise.instantiate(url, suppress_exceptions=True) is None:
            problems.append(Problem(plan.path, spec.line, f"Apprise does not understand the url of notify target "
                                                          f"{spec.name} ({spec.scheme}://…)",
                                    "see https://github.com/caronc/apprise/wiki for the URL of each service, "
                                    'e.g. "slack://TokenA/TokenB/TokenC/#channel" or "json://host/path"'))
    return problems


# --------------------------------------------------------------------------- direct sends (the CLI)


def send_now(session, targets: Sequence[Target], text: str, event: str, *, timeout: float = TIMEOUT_SECONDS,
             attempts: int = 1) -> list[tuple[Target, bool, str]]:
    """Send `text` to every target now (the CLI's `notify`), journaling each result; [(target, ok, reason)]."""
    now = session.now()
    head = title(session.plan.name, format_clock(session.count().t_clock(now)))
    body = one_line(f"{text} — {session.actor}", 300)
    key = f"{event}:{format_utc(now)}:{session.actor}"
    results = []
    for target in targets:
        ok, reason, tries = False, "", 0
        while tries < max(1, attempts) and not ok:
            tries += 1
            ok, reason = target.send(head, target.redact(body), "info", timeout)
        session.append(KIND, target.name, _delivery(target, key, event, target.redact(body), ok, reason, tries))
        results.append((target, ok, reason))
    return results


def _delivery(target: Target, key: str, event: str, text: str, ok: bool, reason: str, attempts: int) -> dict[str, Any]:
    payload: dict[str, Any] = {"status": SENT if ok else FAILED, "key": key, "event": event, "to": target.shown,
                               "text": text, "attempts": attempts}
    if not ok:
        payload["reason"] = reason
    return payload


# --------------------------------------------------------------------------- the cockpit's sender


class Notifier:
    """The cockpit's sender: folds the journal, and while it leads, sends what is due from worker threads.

    `leadership` is the probe runtime's when the plan has probes (one leader, one lock per process), else
    the notifier takes the same session lock itself. `notice(text, severity)` is told about failures.
    """

    def __init__(self, session, *, leadership=None, env: Mapping[str, str] | None = None,
                 attempts: int = ATTEMPTS, backoff: float = BACKOFF_SECONDS, timeout: float = TIMEOUT_SECONDS,
                 notice: Callable[[str, str], None] | None = None, interval: float = 1.0):
        self.session = session
        self.plan = session.plan
        env = dict(os.environ if env is None else env)
        self.targets, self.problems = build_targets(self.plan.notify, env)
        self.own_leadership = leadership is None
        self.leadership = leadership if leadership is not None else ProbeLeadership(session.path)
        self.attempts, self.backoff, self.timeout, self.interval = attempts, backoff, timeout, interval
        self.notice = notice or (lambda text, severity: None)
        self.leader = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._queued: set[tuple[str, str]] = set()
        self._queues = {target.name: queue.Queue() for target in self.targets}
        self._threads: list[threading.Thread] = []
        self._watching_written = False
        self.fold = NotifyFold(self.plan.name, self._tclock)
        with session.io_lock:  # every entry exactly once: what is read so far, then each batch read after
            entries = session.file.entries
            # Opened by a checkpoint, `entries` skip superseded probe minutes: no news, so the fold is the same
            checkpoint = session.file.checkpoint
            skipped = checkpoint.entry_count - len(checkpoint.essential) if checkpoint is not None else 0
            if session.state.entry_count != len(entries) + skipped:
                from launchpad.store.session_file import load_session

                entries = load_session(session.path)[1]
            self.fold.apply_all(entries)
            session.subscribe(self._entries_read)

    def _tclock(self, moment: datetime) -> str:
        return format_clock(self.session.count().t_clock(moment))

    def _entries_read(self, entries) -> None:
        with self._lock:
            self.fold.apply_all(entries)
        self._wake.set()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if not self.targets or self._threads:
            return
        self._threads.append(threading.Thread(target=self._dispatch, name="launchpad-notify", daemon=True))
        for target in self.targets:
            self._threads.append(threading.Thread(target=self._deliver, args=(target,), daemon=True,
                                                  name=f"launchpad-notify-{target.name}"))
        for thread in self._threads:
            thread.start()

    def tick(self) -> None:
        """Cheap, from any thread (the UI loop's timer): the dispatcher looks again."""
        self._wake.set()

    def stop(self, wait: float = 0.0) -> None:
        """Never blocks on a target: a message still in flight is not journaled, so the next leader sends it."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(wait)
        if self.own_leadership:
            self.leadership.release()

    # ------------------------------------------------------------------ the dispatcher thread

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self._dispatch_once()
            except Exception as error:  # never the end of sending: say so, look again next time
                self.notice(f"Notifications: {one_line(str(error))}", "error")

    def _dispatch_once(self) -> None:
        if not self.leader:
            if not self.leadership.try_acquire():
                return
            self.leader = True
        # Read the journal up to now before choosing what to send: a cockpit that has just taken over must
        # see the deliveries its predecessor journaled, however far behind its own polling is.
        self.session.poll()
        if self.fold.baseline is None and not self._watching_written:
            self._watching_written = True
            self.session.append(KIND, "", {"status": WATCHING, "from_seq": self.session.state.last_seq})
            return  # the entry read back sets the baseline and wakes us
        now = self.session.now()
        count = self.session.count()
        with self._lock:
            since = self.fold.baseline_at
            timed = timed_announcements(self.plan, count, self.session.event_marks(), now, since)
            for target in self.targets:
                extra = list(timed)
                number = digest_number(target.spec.digest, since, now)
                if number:
                    extra.append(digest_announcement(number, self.plan, count, self.session.checked(),
                                                     self.session.state.probe_states, now))
                for announcement in self.fold.pending(target.spec, extra):
                    if (target.name, announcement.key) not in self._queued:
                        self._queued.add((target.name, announcement.key))
                        self._queues[target.name].put(announcement)

    # ------------------------------------------------------------------ one worker thread per target

    def _deliver(self, target: Target) -> None:
        waiting = self._queues[target.name]
        while not self._stop.is_set():
            try:
                announcement: Announcement = waiting.get(timeout=0.5)
            except queue.Empty:
                continue
            ok, reason, tries = self._attempt(target, announcement)
            if self._stop.is_set():
                return  # not journaled: the next leader sends it
            payload = _delivery(target, announcement.key, announcement.events[0], announcement.body, ok, reason, tries)
            try:
                self.session.append(KIND, target.name, payload)
            except Exception as error:
                self.notice(f"Could not journal a notification to {target.shown}: {one_line(str(error))}", "error")
            if not ok:
                self.notice(f"Notification to {target.shown} failed: {reason}", "warning")

    def _attempt(self, target: Target, announcement: Announcement) -> tuple[bool, str, int]:
        reason = ""
        for attempt in range(1, self.attempts + 1):
            ok, reason = target.send(announcement.title, announcement.body, announcement.level, self.timeout)
            if ok:
                return True, "", attempt
            if attempt < self.attempts and self._stop.wait(self.backoff * 2 ** (attempt - 1)):
                return False, reason, attempt
        return False, reason, self.attempts


def start_notifier(session, probes=None, notice: Callable[[str, str], None] | None = None,
                   **options) -> Notifier | None:
    """The cockpit's notifier when the plan names targets (sharing the probes' leadership), else None."""
    if not getattr(session.plan, "notify", ()):
        return None
    notifier = Notifier(session, leadership=getattr(probes, "leadership", None), notice=notice, **options)
    for problem in notifier.problems:
        if notice is not None:
            notice(f"Notifications: {problem}; this target is left out", "warning")
    notifier.start()
    return notifier

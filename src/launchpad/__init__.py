"""launchpad: a terminal cockpit for launch day.

Layout (functional core, imperative shell):
  core/    pure Python, no I/O, by domain:
    plan/      the plan file, checklist (GitHub task lists), owners, T-offsets, timeline
    probes/    probe and metric configuration, history, status, rollback triggers
    control/   the count and its holds, go/no-go polls, rollback, what to announce
    journal/   journal entries and their fold, live document, replay, report, activity words
    (top)      what every domain shares: the clock, literal text, redaction, safe reads, problems
  engine/  the async probe engine and the demo service it can watch (owns its network I/O)
  store/   the TOML session file on disk: append, fsync, lock, recover
  tui/     the Textual cockpit: renders state, sends actions
  cli/     the `launchpad` command and its subcommands
"""

__version__ = "0.1.0"

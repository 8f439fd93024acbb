"""launchpad: a terminal cockpit for launch day.

Layout (functional core, imperative shell):
  core/    pure Python: checklist, plan, timeline, probe config, trigger rules, journal fold
  engine/  the async probe engine and the demo service it can watch (owns its network I/O)
  store/   the TOML session file on disk: append, fsync, lock, recover
  tui/     the Textual cockpit: renders state, sends actions
  cli/     the `launchpad` command and its subcommands
"""

__version__ = "0.1.0"

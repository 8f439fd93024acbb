"""The demo service's modes, apart from the service: a cockpit lists them (palette, keys) long before it
starts the service, and importing the service (http.server, prometheus_client) cost its start-up ~50 ms."""

MODES = ("healthy", "slow", "failing", "down")

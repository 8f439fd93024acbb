"""The prober's live document (core/journal/live_state.py), kept encoded and updated incrementally.

With 200 probes the document was rebuilt from every probe's figures, compared whole with the last one and
encoded whole up to ten times a second. Here each probe keeps its JSON piece until its status changes (a
status is a new frozen object after every attempt, so "changed" is an identity test), triggers and metrics
are re-encoded only when they differ, and the text written is the pieces joined. Followers decode exactly
what `live_state.encode(prober, pid, at, live_state.figures(...))` would have produced.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from launchpad.core.journal import live_state
from launchpad.core.probes.probe_status import ProbeStatus


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class LiveSnapshot:
    def __init__(self) -> None:
        self._probes: dict[str, tuple[ProbeStatus, str]] = {}  # name -> (status encoded, its JSON)
        self._triggers: list = []
        self._rest: dict[str, Any] = {}  # the document beside "probes": triggers, metrics, notes
        self._rest_text = "{}"

    def update(self, statuses: Mapping[str, ProbeStatus], triggers, metrics=None, notes=None) -> list[str]:
        """Take the prober's figures now. Returns the probes whose status changed since the last update (drawn
        by the prober itself); `changed_rest` tells whether triggers or metrics did."""
        changed = [name for name, status in statuses.items()
                   if (self._probes.get(name) or (None,))[0] is not status]
        for name in changed:
            self._probes[name] = (statuses[name], _json(live_state.encode_status(statuses[name])))
        for name in [name for name in self._probes if name not in statuses]:
            del self._probes[name]
        triggers = list(triggers)
        rest = live_state.figures({}, triggers if triggers != self._triggers else (), metrics, notes)
        rest.pop("probes")
        if triggers == self._triggers:
            rest["triggers"] = self._rest.get("triggers", [])
        self._triggers = triggers
        self.changed_rest = rest != self._rest
        if self.changed_rest:
            self._rest, self._rest_text = rest, _json(rest)
        return changed

    def text(self, prober: str, pid: int, at) -> str:
        """The whole document as JSON text: the header, every probe's kept piece, the rest."""
        head = _json(live_state.encode(prober, pid, at, {}))
        probes = ",".join(f"{_json(name)}:{piece}" for name, (_, piece) in self._probes.items())
        rest = self._rest_text[1:-1]
        return f'{head[:-1]},"probes":{{{probes}}}{"," + rest if rest else ""}}}'

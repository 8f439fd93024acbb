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
        self._probes: dict[str, tuple[ProbeStatus, str]] = {}  # name -> (status encoded, `"name":{its JSON}`)
        self._triggers: list[tuple[Any, str]] = []  # (trigger state encoded, its JSON), in document order
        self._metrics: dict[str, Any] = {}  # the document's metrics and metric_notes, when the plan has metrics
        self._metrics_text = ""
        self.changed_rest = True

    def status(self, name: str) -> ProbeStatus | None:
        """The probe's status as last published (what followers show now), or None."""
        kept = self._probes.get(name)
        return kept[0] if kept is not None else None

    def update(self, statuses: Mapping[str, ProbeStatus], triggers, metrics=None, notes=None) -> list[str]:
        """Take the prober's figures now. Returns the probes whose status changed since the last update (drawn
        by the prober itself); `changed_rest` tells whether triggers or metrics did."""
        changed = [name for name, status in statuses.items()
                   if (self._probes.get(name) or (None,))[0] is not status]
        for name in changed:
            self._probes[name] = (statuses[name], f"{_json(name)}:{_json(live_state.encode_status(statuses[name]))}")
        for name in [name for name in self._probes if name not in statuses]:
            del self._probes[name]
        changed_triggers = self._update_triggers(list(triggers))
        rest = live_state.figures({}, (), metrics, notes)
        del rest["probes"], rest["triggers"]
        changed_metrics = rest != self._metrics
        if changed_metrics:
            self._metrics, self._metrics_text = rest, _json(rest)[1:-1]
        self.changed_rest = changed_triggers or changed_metrics
        return changed

    def _update_triggers(self, triggers: list) -> bool:
        """Each trigger keeps its JSON piece while its state is equal: with 200 probes and 4 triggers each, a
        publish re-encoded all 800 (15 ms) when any one had moved; now only those of the probes that ran."""
        kept, changed = self._triggers, len(triggers) != len(self._triggers)
        pieces = []
        for index, state in enumerate(triggers):
            old = kept[index] if index < len(kept) else None
            if old is not None and (old[0] is state or old[0] == state):
                pieces.append(old)
            else:
                pieces.append((state, _json(live_state.encode_trigger(state))))
                changed = True
        self._triggers = pieces
        return changed

    def text(self, prober: str, pid: int, at) -> str:
        """The whole document as JSON text: the header, every probe's kept piece, the triggers' pieces, the rest."""
        head = _json(live_state.encode(prober, pid, at, {}))
        probes = ",".join(piece for _, piece in self._probes.values())  # names encoded once, with their piece
        triggers = ",".join(piece for _, piece in self._triggers)
        rest = f",{self._metrics_text}" if self._metrics_text else ""
        return f'{head[:-1]},"probes":{{{probes}}},"triggers":[{triggers}]{rest}}}'

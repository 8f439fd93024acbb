"""The cockpit's metrics: the PromQL engine run by the cockpit that leads the probes, and only by it.

It plugs into ProbeRuntime (shell/probes.py) rather than holding a leadership of its own, so one cockpit
queries Prometheus and the others see the trigger states it journals (through ProbeRuntime's trigger
journal, the same entries as probe triggers). Panels get a MetricView through the runtime's sink under the
key `metric_key(name)`, so they batch with the probe panels' redraws.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from launchpad.core.literal import one_line
from launchpad.core.journal.live_state import unmeasured
from launchpad.core.probes.metric_status import METRIC_KEY_PREFIX, MetricSample, MetricStatus, MetricView
from launchpad.core.redact import scrub

VALUE_KINDS = ("threshold", "error_rate", "response_time")  # triggers whose `above` is a value of the metric
FOLLOWED_NOTE = "queried by the cockpit that leads the probes; its trigger states show in the banner"


def _on_metric(target: str, name: str) -> bool:
    """Whether a trigger state's target is this metric: its name, or one of its series (`name{code="500"}`)."""
    return target == name or target.startswith(name + "{")


def metric_key(name: str) -> str:
    return METRIC_KEY_PREFIX + name


class MetricRuntime:
    def __init__(self, runtime):
        self.runtime = runtime  # the ProbeRuntime: session, plan, env, sink, trigger journal
        self.specs = {spec.name: spec for spec in runtime.plan.metrics}
        self.engine = None  # queried on the runtime's probe thread (ProbeRuntime._lead)
        self._followed = False
        self.thresholds = {name: tuple(sorted({trigger.above for trigger in runtime.plan.metric_triggers
                                               if trigger.metric == name and trigger.kind in VALUE_KINDS}))
                           for name in self.specs}

    def lead(self) -> None:
        """Start querying; called by ProbeRuntime when this cockpit takes the probe leadership."""
        from launchpad.engine.metric_engine import MetricEngine  # httpx only where the queries run

        runtime = self.runtime
        self.engine = MetricEngine(runtime.plan.metrics, runtime.plan.metric_triggers, env=runtime.env,
                                   t0=runtime.session.t0, clock=runtime.session.clock, on_sample=self._on_sample,
                                   on_trigger=self._on_trigger, on_warning=self._on_warning)

    def follow(self) -> None:
        """Another cockpit queries: say so on each panel, once (until its live figures arrive: show_live)."""
        if self._followed or self.runtime._sink is None:
            return
        self._followed = True
        for name, spec in self.specs.items():
            status = MetricStatus(name, last_error=FOLLOWED_NOTE)
            self.runtime._sink.show_probe(metric_key(name), MetricView(spec, status, followed=True,
                                                                       thresholds=self.thresholds[name]))

    async def run(self) -> None:
        """On the probe thread (ProbeRuntime runs it beside the probe engine, and cancels it on stop)."""
        try:
            await self.engine.run()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.runtime._notice(f"Metric engine stopped: {one_line(scrub(str(error)))}", "error")

    def view(self, name: str) -> MetricView:
        states = tuple(state for key, state in self.engine.trigger_states().items() if _on_metric(key[1], name))
        return MetricView(self.specs[name], self.engine.status(name), states, self.engine.note(name),
                          thresholds=self.thresholds[name])

    # The engine's callbacks run on the probe thread: what they draw reaches the UI loop through the runtime's
    # coalescing hop (`_draw`), the latest view of each metric.

    def _draw_view(self, name: str) -> None:
        key = metric_key(name)
        self.runtime._draw(("probe", key), "show_probe", key, self.view(name))

    def _on_sample(self, sample: MetricSample) -> None:
        self._draw_view(sample.metric)
        mark = getattr(self.runtime, "_mark", None)
        if mark is not None:  # the new figure goes to the other cockpits with the next figures (within a second)
            mark(False)

    def show_live(self, live, stale: bool) -> None:
        """A follower draws the prober's metric figures from the live document, exactly as the prober has
        them; figures from a prober that stopped writing are shown as not measured (STALE), never as a breach."""
        for name, spec in self.specs.items():
            status = (live.metrics or {}).get(name)
            if status is None:
                continue
            if stale:
                status = replace(status, state="UNMEASURED", last_error="STALE: the querying cockpit stopped writing")
            states = tuple(state for state in live.triggers if _on_metric(state.probe, name))
            if stale:
                states = tuple(unmeasured(state, "no prober: could not measure") for state in states)
            self._followed = True
            self.runtime._sink.show_probe(metric_key(name), MetricView(
                spec, status, states, (live.notes or {}).get(name, ""), followed=True, thresholds=self.thresholds[name]))

    def _on_trigger(self, trigger: str, target: str, state) -> None:
        # Drawn here: a plan with metrics only runs no probe engine, whose live snapshot would draw it.
        self.runtime._draw(("trigger", trigger, target), "show_trigger", state)
        self.runtime._on_trigger(trigger, target, state)
        name = next((name for name in self.specs if _on_metric(target, name)), None)
        if name is not None:
            self._draw_view(name)

    def _on_warning(self, metric: str, text: str, raised: bool) -> None:
        self.runtime._notice(text, "warning" if raised else "information")

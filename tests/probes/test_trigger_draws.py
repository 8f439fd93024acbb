"""Which trigger states the prober sends to its screen again (shell/probes.drawn_alike): a calm trigger only when
its state changes, any other state whenever anything in it changes (its message is on screen)."""

from __future__ import annotations

from launchpad.core.probes.triggers import TriggerState
from launchpad.shell.probes import drawn_alike


def state(kind: str, message: str, value: float | None = 0.0) -> TriggerState:
    return TriggerState("Error rate > 5%", "api", kind, value, None, message)


def test_a_calm_trigger_whose_figure_moved_is_not_drawn_again():
    assert drawn_alike(state("ok", "error rate 0% (20 samples)"), state("ok", "error rate 1% (21 samples)", 0.01))
    assert drawn_alike(state("resolved", "back under 5%"), state("resolved", "error rate 0%"))


def test_a_change_of_state_is_drawn():
    assert not drawn_alike(state("ok", "error rate 0%"), state("resolved", "error rate 0%"))
    assert not drawn_alike(state("pending", "error rate 7% > 5%"), state("ok", "error rate 4%"))
    assert not drawn_alike(None, state("ok", "error rate 0%"))


def test_a_state_whose_message_is_on_screen_is_drawn_again_when_it_moves():
    for kind in ("firing", "pending", "insufficient_data"):
        assert not drawn_alike(state(kind, "error rate 7% > 5%"), state(kind, "error rate 8% > 5%"))
        assert drawn_alike(state(kind, "error rate 7% > 5%"), state(kind, "error rate 7% > 5%"))

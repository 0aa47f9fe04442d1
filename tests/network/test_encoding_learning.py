"""Input maps and the online learning rule on the currents."""

import numpy as np
import pytest

from network.encoding import LinearMap, encode
from network.learning import OnlineRule, current_for_frequency, tuning_slope
from network.readout import locked_to_sources
from network.simulator import simulate
from network.vowels import default_oscillators

OSC = default_oscillators(1, spread=0.0, temperature=0.0)[0]


def test_linear_map_ends_and_inverse():
    f2 = LinearMap((700.0, 3100.0), (330e6, 347e6))
    assert f2(700.0) == 330e6 and f2(3100.0) == 347e6
    assert f2.inverse(f2(2000.0)) == pytest.approx(2000.0, rel=1e-12)
    both = encode(np.array([[500.0, 700.0]]), [LinearMap((300.0, 1200.0), (351e6, 359.5e6)), f2])
    assert both[0].tolist() == pytest.approx([351e6 + 200 * 8.5e6 / 900, 330e6])
    with pytest.raises(ValueError, match="increasing"):
        LinearMap((2.0, 1.0), (1e6, 2e6))


def test_current_for_frequency_inverts_the_model():
    current = current_for_frequency(OSC, 345e6, 3e-3, 9e-3)
    assert float(OSC.frequency(current)) == pytest.approx(345e6, abs=1.0)
    # the tuning slope is the derivative of f(I) (central difference, 1e-6 relative)
    step = 1e-7
    numeric = (OSC.frequency(current + step) - OSC.frequency(current - step)) / (2 * step)
    assert tuning_slope(OSC, current) == pytest.approx(float(numeric), rel=1e-6)


@pytest.mark.parametrize("want_lock", [True, False])
def test_one_step_lands_at_the_edge_margin(want_lock):
    """rate 1: the free frequency moves to (1 ∓ margin) Δ_lock(I_start) from the source.

    The step is linearised in the current (df/dI at the start; f(I) bends through N p0(I)),
    so the landing point is exact to first order only: 1 % of Δ_lock.
    """
    rule = OnlineRule(rate_toward=1.0, rate_away=1.0, margin=0.1)
    current = 5.0e-3
    width = float(OSC.locking_range(current, 1.3e7))
    source = float(OSC.frequency(current)) + (2.5 if want_lock else 0.5) * width
    new = rule.update([OSC], np.array([current]), np.array([[not want_lock]]),
                      np.array([[True]]), np.array([[want_lock]]),
                      np.array([float(OSC.frequency(current))]), np.array([source]),
                      np.array([1.3e7]))
    distance = abs(source - float(OSC.frequency(new[0])))
    expected = (0.9 if want_lock else 1.1) * width
    assert distance == pytest.approx(expected, abs=0.01 * width)


def test_rule_with_the_simulator_learns_to_lock():
    """An oscillator 3 Δ_lock below a source is locked to it by the rule within 6 steps.

    η = 0.5 halves the distance to (1 - margin) Δ_lock per step: 2.1 Δ_lock · 0.5⁵ ≈ 0.07
    Δ_lock is left after five steps, well inside the locking range.
    """
    rule = OnlineRule(rate_toward=0.5)
    current = np.array([5.0e-3])
    source = float(OSC.frequency(5.0e-3)) + 3 * float(OSC.locking_range(5.0e-3, 1.3e7))
    for _ in range(6):
        response = simulate([OSC], current, np.array([[source]]), [1.3e7], seed=0)
        locked = locked_to_sources(response)[0]
        if locked[0, 0]:
            break
        current = rule.update([OSC], current, locked, np.ones((1, 1), bool),
                              np.ones((1, 1), bool), response.frequency[0],
                              np.array([source]), np.array([1.3e7]))
    assert locked[0, 0]

"""Stopping a run once its oscillation is steady (micromag.engines.SteadyState)."""

import math

import numpy as np
import pytest

from micromag.engines import RunSpec, SteadyState

DT = 50e-12
F = 0.8e9


def orbit(duration, radius, phase):
    """A core orbit x + i y = r(t) exp(i phase(t)) sampled every DT, as (n, 2) in m."""
    t = np.arange(int(round(duration / DT)) + 1) * DT
    z = radius(t) * np.exp(1j * phase(t))
    return t, np.stack([z.real, z.imag], axis=1)


def first_stop(rule, t, signal):
    """The first check time (every rule.check_interval) at which the rule stops the run."""
    step = int(round(rule.check_interval / DT))
    for k in range(step, t.size, step):
        if rule.check(t[: k + 1], signal[: k + 1]) is not None:
            return t[k]
    return None


def test_a_ringing_up_orbit_stops_when_the_power_has_settled_to_the_tolerance():
    # r(t) = r0 (1 - a e^{-t/tau}): p = r^2 deviates from p_end by ~2 a e^{-t/tau}; over a
    # window w ending at t the block means of p spread by 2 a r0^2 e^{-(t-w)/tau}(1 - e^{-w/tau})
    # to first order (block centres w/8 in from the window's ends: factor (e^{-w/(8tau)} -
    # e^{-7w/(8tau)}) instead). The rule stops at the first check where that is < 1e-3.
    r0, a, tau = 40e-9, 0.5, 8e-9
    rule = SteadyState(min_duration=5e-9, min_window=10e-9, window_fraction=0.3)
    t, signal = orbit(200e-9, lambda t: r0 * (1 - a * np.exp(-t / tau)),
                      lambda t: 2 * np.pi * F * t)

    def spread(t_now):
        w = max(rule.min_window, rule.window_fraction * t_now)
        start = t_now - w
        return 2 * a * (math.exp(-(start + w / 8) / tau) - math.exp(-(start + 7 * w / 8) / tau))

    checks = np.arange(1, 200) * 1e-9
    predicted = next(tc for tc in checks if spread(tc) < rule.power_tolerance)
    stopped = first_stop(rule, t, signal)
    assert stopped is not None
    assert abs(stopped - predicted) <= 1.01e-9  # one check interval


def test_a_drifting_frequency_is_not_steady_and_a_steady_orbit_stops_at_min_duration():
    rule = SteadyState(min_duration=30e-9)
    # constant radius, frequency rising by 5 % over the run: between the first and last block
    # centres of a window w it differs by 0.05 (3w/4) / 100 ns, 3.8e-3 at w = 10 ns, above the
    # 1e-3 tolerance at every check
    t, signal = orbit(100e-9, lambda t: 40e-9 + 0 * t,
                      lambda t: 2 * np.pi * F * (t + 0.025 * t**2 / 100e-9))
    assert first_stop(rule, t, signal) is None
    t, signal = orbit(100e-9, lambda t: 40e-9 + 0 * t, lambda t: 2 * np.pi * F * t)
    assert first_stop(rule, t, signal) == pytest.approx(30e-9)
    reason = rule.check(t[:601], signal[:601])
    assert reason.startswith("steady at 30.0 ns")


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="power_tolerance = 2"):
        SteadyState(power_tolerance=2)
    with pytest.raises(ValueError, match="blocks = 1"):
        SteadyState(blocks=1)
    with pytest.raises(ValueError, match="thermal"):
        RunSpec(temperature=300, seed=1, steady_state=SteadyState())


def test_run_identity_without_it_is_unchanged_and_it_round_trips():
    plain = RunSpec(current_density=1e11)
    assert "steady_state" not in plain.to_dict()
    spec = RunSpec(current_density=1e11, duration=50e-9, steady_state=SteadyState(blocks=5))
    again = RunSpec.from_dict(spec.to_dict())
    assert again.steady_state == SteadyState(blocks=5) and again == spec

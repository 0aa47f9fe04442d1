"""compact.transients: a relaxation at fixed current gives the model's own Γ_p, N and p0."""

from __future__ import annotations

import numpy as np
import pytest

from compact.model import AutoOscillator
from compact.observables import complex_amplitude
from compact.simulate import simulate
from compact.transients import local_parameters

CURRENT = 3.2e-3
DT = 50e-12
PULSE = (1e-9, 2.5e-9)  # the current is cut to zero over this interval (s)


def _pulse_run(model):
    """The micromagnetic protocol on the compact model: zero current for 1.5 ns, then I."""
    run = simulate(model, lambda t: np.where((t >= PULSE[0]) & (t < PULSE[1]), 0.0, CURRENT),
                   50e-9, dt=DT, initial_power=float(model.stationary_power(CURRENT)))
    return complex_amplitude(run).values[0]


@pytest.mark.parametrize("N, Q", [(63.6e6, 0.0), (-237e6, 0.0), (40e6, 0.8)])
def test_local_parameters_recover_the_model_at_its_current(N, Q):
    # with Q > 0 the gain g(p) is still linear in p, with Γ_p = Γ_G (ζ - 1) for every Q
    model = AutoOscillator(f0=8.3e8, N=N, df_dI=-2.85e10, gamma_g=1.69e8, Q=Q, I_th=1.893e-3)
    c = _pulse_run(model)
    start = int(round(PULSE[1] / DT)) + 1
    local, curves = local_parameters(c, DT, start, 1 / model.frequency(CURRENT), tail=10e-9)
    # the power fell to p0 exp(-2 Γ_G 1.5 ns) ~ 0.6 p0: a return over a wide range of p
    assert local.largest_deviation > 0.3 * model.stationary_power(CURRENT)
    assert local.stationary_power == pytest.approx(model.stationary_power(CURRENT), rel=1e-3)
    # per-period averages of a smooth return: the slopes to a few 1e-3
    assert local.relaxation_rate == pytest.approx(model.relaxation_rate(CURRENT), rel=0.01)
    assert local.frequency_shift == pytest.approx(N, rel=0.01)
    assert local.nonlinearity == pytest.approx(model.nonlinearity(CURRENT), rel=0.02)
    assert local.frequency == pytest.approx(model.frequency(CURRENT), rel=1e-4)
    assert curves["fitted"].sum() == local.points >= 5


def test_a_run_that_never_leaves_its_orbit_is_refused():
    model = AutoOscillator(f0=8.3e8, N=6e7, df_dI=0.0, gamma_g=1.69e8, Q=0.0, I_th=1.893e-3)
    run = simulate(model, CURRENT, 20e-9, dt=DT,
                   initial_power=float(model.stationary_power(CURRENT)))
    c = complex_amplitude(run).values[0]
    with pytest.raises(ValueError, match="no return to the orbit"):
        local_parameters(c, DT, 10, 1 / model.frequency(CURRENT), tail=5e-9)
    with pytest.raises(ValueError, match="periods after the pulse"):
        local_parameters(c[:100], DT, 10, 1 / model.frequency(CURRENT), tail=5e-9)


@pytest.mark.parametrize("N", [63.6e6, -237e6])
def test_the_ring_up_of_a_sweep_run_gives_the_models_n(N):
    """A sweep run rings up from near zero at fixed current: ring_up_frequency_shift (what
    the calibration records as frequency_shift_ringup) recovers the model's one N."""
    from compact.transients import ring_up_frequency_shift

    model = AutoOscillator(f0=8.3e8, N=N, df_dI=-2.85e10, gamma_g=1.69e8, Q=0.0, I_th=1.893e-3)
    run = simulate(model, CURRENT, 60e-9, dt=DT, initial_power=1e-3)
    c = complex_amplitude(run).values[0]
    shift, error = ring_up_frequency_shift(c, DT, float(model.frequency(CURRENT)))
    assert shift == pytest.approx(N, rel=0.02) and 0 < error < 0.02 * abs(N)
    # a record that never leaves its orbit has no ring-up to fit
    steady = simulate(model, CURRENT, 20e-9, dt=DT,
                      initial_power=float(model.stationary_power(CURRENT)))
    assert np.isnan(ring_up_frequency_shift(complex_amplitude(steady).values[0], DT,
                                            float(model.frequency(CURRENT)))[0])

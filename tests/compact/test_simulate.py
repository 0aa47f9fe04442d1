"""The reference integrator: schema, seeds, exact carrier, and an independent ODE solver."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from compact.model import AutoOscillator
from compact.observables import observables, phase_frequency
from compact.simulate import simulate, sweep

MODEL = AutoOscillator(f0=1e9, N=-3e8, df_dI=2e10, gamma_g=2 * np.pi * 1e9 * 0.01, Q=1.5,
                       I_th=2e-3)


def test_schema_of_the_time_series_dataset():
    ds = sweep(MODEL, [1e-3, 4e-3, 5e-3], 200e-9, seed=5)
    assert dict(ds.sizes) == {"current": 3, "time": ds.sizes["time"]}
    for name in ("mx", "my", "mz"):
        assert ds[name].dims == ("current", "time")
    for name in list(ds.data_vars) + ["current", "current_density", "time"]:
        assert "units" in ds[name].attrs, name
    for key in ("device", "engine", "engine_version", "suite_version", "cell_size",
                "temperature", "seed", "created"):
        assert key in ds.attrs, key
    assert json.loads(ds.attrs["device"])["type"] == "auto-oscillator"
    assert AutoOscillator.from_json(ds.attrs["device"]) == MODEL
    assert ds.attrs["seed"] == 5 and ds.attrs["engine"] == "compact"
    np.testing.assert_allclose(ds.current, [1e-3, 4e-3, 5e-3])
    # mz completes a unit vector
    norm = ds.mx**2 + ds.my**2 + ds.mz**2
    np.testing.assert_allclose(norm, 1.0, rtol=1e-12)
    # dt default resolves f_max = f0 + |N| + |df_dI| max|I - I_th| with 8 samples a period
    f_max = MODEL.f0 + abs(MODEL.N) + MODEL.df_dI * 3e-3
    assert float(ds.time[1] - ds.time[0]) == pytest.approx(1 / (8 * f_max))


def test_seed_is_recorded_and_reproduces_the_noise():
    noisy = AutoOscillator(**{**MODEL.__dict__, "temperature": 300.0, "mode_energy": 1e-19})
    first = simulate(noisy, 4e-3, 50e-9, seed=11)
    again = simulate(noisy, 4e-3, 50e-9, seed=first.attrs["seed"])
    other = simulate(noisy, 4e-3, 50e-9, seed=12)
    np.testing.assert_array_equal(first.mx, again.mx)
    assert not np.array_equal(first.mx, other.mx)
    drawn = simulate(noisy, 4e-3, 50e-9)  # a seed is drawn and recorded
    replay = simulate(noisy, 4e-3, 50e-9, seed=drawn.attrs["seed"])
    np.testing.assert_array_equal(drawn.my, replay.my)


def _reference(model: AutoOscillator, current, time: np.ndarray, c0: complex) -> np.ndarray:
    """The same equation by scipy's DOP853 at tight tolerance (another integrator)."""

    def rhs(t, y):
        c = y[0] + 1j * y[1]
        p = abs(c) ** 2
        current_t = current(t)
        omega = 2 * np.pi * (model.f0 + model.N * p + model.df_dI * (current_t - model.I_th))
        gain = model.sigma * current_t * (1 - p) - model.gamma_g * (1 + model.Q * p)
        dc = (-1j * omega + gain) * c
        return [dc.real, dc.imag]

    sol = solve_ivp(rhs, (0, time[-1]), [c0.real, c0.imag], t_eval=time, method="DOP853",
                    rtol=1e-11, atol=1e-13, max_step=time[1] - time[0])
    return sol.y[0] + 1j * sol.y[1]


def test_against_an_independent_ode_solver_with_a_current_step():
    """A current step 5 mA -> 3 mA at 60 ns (ring-down); large step, exact carrier."""
    model = AutoOscillator(f0=300e6, N=1e8, df_dI=1e10, gamma_g=3e8, Q=1.0, I_th=2e-3)
    dt = 0.5e-9
    n = 301
    time = np.arange(n) * dt

    def current(t):
        return np.where(np.asarray(t) < 60e-9, 5e-3, 3e-3)

    # the integrator holds I constant over a sample interval: put the step on a sample
    ds = simulate(model, current, time[-1], dt=dt, initial_power=0.01, seed=0)
    c = ds.mx.values[0] + 1j * ds.my.values[0]
    reference = _reference(model, lambda t: 5e-3 if t < 60e-9 - 1e-15 else 3e-3, time,
                           0.1 + 0j)
    # exponential Heun (second order) at the default Γ h ≤ 0.05 (14 substeps here): measured
    # 1.4e-5 in p and 1.3e-5 rad over 150 ns (45 periods); 1 substep gives 3.5e-3
    np.testing.assert_allclose(np.abs(c) ** 2, np.abs(reference) ** 2, rtol=0, atol=1e-4)
    phase_error = np.angle(c * np.conj(reference))
    assert np.max(np.abs(phase_error)) < 1e-4
    # the same with the waveform given as an array on the time grid
    ds_array = simulate(model, current(time), time[-1], dt=dt, initial_power=0.01, seed=0)
    np.testing.assert_array_equal(ds_array.mx, ds.mx)
    assert float(ds.current[0]) == pytest.approx(3e-3)


def test_carrier_does_not_force_a_small_step():
    """10 GHz with 4 samples a period: the stationary state is exact at any substep count."""
    model = AutoOscillator(f0=10e9, N=2e9, df_dI=0.0, gamma_g=2e9, Q=2.0, I_th=1e-3)
    current = 2.5e-3
    results = []
    for substeps in (1, 8):
        ds = simulate(model, current, 40e-9, dt=1 / (4 * 11e9), substeps=substeps,
                      initial_power=1e-3, seed=0)
        c = ds.mx.values[0] + 1j * ds.my.values[0]
        tail = c[-800:]  # the last 18 ns of 40
        results.append((phase_frequency(tail, 1 / (4 * 11e9)), np.mean(np.abs(tail) ** 2)))
    for frequency, power in results:
        assert frequency == pytest.approx(float(model.frequency(current)), rel=1e-9)
        assert power == pytest.approx(float(model.stationary_power(current)), rel=1e-9)


def test_ring_down_after_a_current_step_gives_the_relaxation_rate():
    """Γ_p = Γ_G (ζ - 1) at the final current, from the ring-down after a downward step."""
    model = AutoOscillator(f0=500e6, N=5e7, df_dI=0.0, gamma_g=1e8, Q=1.0, I_th=1e-3)
    dt = 0.25e-9
    time = np.arange(int(round(400e-9 / dt)) + 1) * dt
    waveform = np.where(time < 50e-9, 3e-3, 2e-3)
    ds = simulate(model, waveform, time[-1], dt=dt,
                  initial_power=float(model.stationary_power(3e-3)), seed=0)
    measured = observables(ds)
    assert bool(measured.oscillating[0])
    # the estimator uses the logistic form, exact for this model: 1 % covers the step error
    assert float(measured.relaxation_rate[0]) == pytest.approx(model.gamma_g * 1.0, rel=0.01)
    # p0 = (ζ-1)/(ζ+Q) = 1/3 at ζ = 2, Q = 1
    assert float(measured.power[0]) == pytest.approx(1 / 3, rel=1e-6)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="drive_frequency"):
        simulate(MODEL, 3e-3, 1e-8, drive_amplitude=1e6)
    with pytest.raises(ValueError, match="time grid"):
        simulate(MODEL, np.ones(7) * 3e-3, 1e-8, dt=1e-10)
    with pytest.raises(ValueError, match="duration"):
        simulate(MODEL, 3e-3, -1.0)
    with pytest.raises(ValueError, match="NaN"):
        simulate(MODEL, lambda t: np.full_like(t, np.nan), 1e-8)

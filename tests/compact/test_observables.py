"""Observables from any schema Dataset: the three mappings to c, flags, and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from compact.model import AutoOscillator
from compact.observables import complex_amplitude, observables, resolve_mode
from compact.simulate import sweep

MODEL = AutoOscillator(f0=400e6, N=3e7, df_dI=5e10, gamma_g=2.5e7, Q=1.0, I_th=4e-3)
CURRENTS = np.array([2e-3, 5e-3, 6e-3, 7e-3, 8e-3])


@pytest.fixture(scope="module")
def series() -> xr.Dataset:
    return sweep(MODEL, CURRENTS, 3e-6, initial_power=1e-3, seed=2)


def test_auto_oscillator_observables_match_the_model(series):
    obs = observables(series)
    assert obs.attrs["mode"] == "auto-oscillator"
    np.testing.assert_array_equal(obs.oscillating, [False, True, True, True, True])
    on = obs.oscillating.values
    # noise-free and exact stationary state: phase slope and mean power to ~1e-9
    np.testing.assert_allclose(obs.frequency[on], MODEL.frequency(CURRENTS[on]), rtol=1e-8)
    np.testing.assert_allclose(obs.power[on], MODEL.stationary_power(CURRENTS[on]), rtol=1e-8)
    # spectral peak, Hann window with Gaussian sub-bin interpolation: far below one bin
    # (bin ≈ 1/(2 T_steady) ≈ 0.3 MHz); measured ~1e-6 relative
    np.testing.assert_allclose(obs.frequency_spectrum[on], obs.frequency[on], rtol=1e-5)
    # ring-up in the logistic form: 1 % (measured < 0.1 %)
    np.testing.assert_allclose(obs.relaxation_rate[on], MODEL.relaxation_rate(CURRENTS[on]),
                               rtol=0.01)
    # below threshold: flagged, NaN frequency, not a made-up number; no noise: no linewidth
    assert np.isnan(obs.frequency[0]) and np.isnan(obs.relaxation_rate[0])
    assert np.isnan(obs.linewidth).all()
    for name in obs.data_vars:
        if name != "oscillating":
            assert "units" in obs[name].attrs


def _vortex(series: xr.Dataset, radius: float) -> xr.Dataset:
    """A vortex-like Dataset: core orbit R·c* (counter-clockwise, like a p = +1 core) about an
    off-centre point, device JSON with the diameter only."""
    c = series.mx + 1j * series.my
    z = radius * np.conj(c) + (3e-9 - 2e-9j)
    ds = series.drop_vars(["mx", "my", "mz"])
    ds["core_x"] = z.real.assign_attrs(units="m")
    ds["core_y"] = z.imag.assign_attrs(units="m")
    ds.attrs = {**series.attrs, "device": json.dumps({"type": "vortex-disk",
                                                      "geometry": {"diameter": 2 * radius}})}
    return ds


def _assert_same_observables(ds: xr.Dataset, series: xr.Dataset) -> None:
    """Observables of a mapped Dataset equal those of the complex-amplitude series."""
    reference = observables(series)
    obs = observables(ds)
    on = reference.oscillating.values
    np.testing.assert_array_equal(obs.oscillating, reference.oscillating)
    np.testing.assert_allclose(obs.power[on], reference.power[on], rtol=1e-6)
    np.testing.assert_allclose(obs.frequency[on], reference.frequency[on], rtol=1e-9)


def test_vortex_mapping_gives_the_same_observables(series):
    vortex = _vortex(series, 100e-9)
    assert resolve_mode(vortex) == "vortex"
    # centre removal over the steady half takes the offset off exactly for a circle; the
    # rotation sense is normalised (positive frequencies)
    _assert_same_observables(vortex, series)
    no_radius = vortex.assign_attrs(device=json.dumps({"type": "vortex-disk"}))
    with pytest.raises(ValueError, match="radius"):
        observables(no_radius)


def test_uniform_mode_cone_angle(series):
    """Precession about a tilted axis with cone angle θ, sin²(θ/2) = p of the series."""
    c = (series.mx + 1j * series.my).values
    p = np.abs(c) ** 2
    theta = 2 * np.arcsin(np.sqrt(p))
    phase = np.angle(c)
    # frame: axis n tilted 30° from z in the x-z plane
    tilt = np.deg2rad(30)
    axis = np.array([np.sin(tilt), 0, np.cos(tilt)])
    e1 = np.array([np.cos(tilt), 0, -np.sin(tilt)])
    e2 = np.cross(axis, e1)
    m = (np.cos(theta)[..., None] * axis
         + (np.sin(theta) * np.cos(phase))[..., None] * e1
         + (np.sin(theta) * np.sin(phase))[..., None] * e2)
    ds = series.copy()
    for k, name in enumerate(("mx", "my", "mz")):
        ds[name] = (("current", "time"), m[..., k], {"units": "1"})
    del ds.attrs["device"]
    assert resolve_mode(ds) == "uniform"
    # the axis is the time-mean of m: for a circular cone it is n exactly
    _assert_same_observables(ds, series)
    amplitude = complex_amplitude(ds)
    assert amplitude.attrs["mode"] == "uniform"


def test_a_run_that_has_not_settled_is_not_oscillating():
    # ζ = 1.25: Γ_p = 6e6/s; from p = 1e-6 the ring-up takes ~1 µs, the record is 0.3 µs
    ds = sweep(MODEL, [5e-3], 0.3e-6, initial_power=1e-6, seed=0)
    obs = observables(ds)
    assert not bool(obs.oscillating[0])
    assert np.isnan(obs.frequency[0])


def test_bad_input_is_named(series):
    with pytest.raises(ValueError, match="'mx' has 1 NaN"):
        bad = series.copy(deep=True)
        bad["mx"][1, 10] = np.nan
        observables(bad)
    with pytest.raises(ValueError, match="too short"):
        observables(series.isel(time=slice(0, 20)))
    with pytest.raises(ValueError, match="strictly monotonic"):
        observables(series.isel(current=[0, 2, 1, 3]))
    with pytest.raises(ValueError, match="strictly monotonic"):
        observables(series.isel(current=[0, 1, 1, 3]))
    with pytest.raises(ValueError, match="variable 'my' missing"):
        observables(series.drop_vars("my"))
    with pytest.raises(ValueError, match="uniform"):
        observables(series.isel(time=np.r_[0:100, 101:400]))
    with pytest.raises(ValueError, match="dimension 'current' missing"):
        observables(series.isel(current=0))
    with pytest.raises(ValueError, match="mode"):
        observables(series, mode="skyrmion")


def test_thermal_noise_below_threshold_is_not_oscillation():
    """Below threshold, noise drives a damped resonance with a broad distribution of p that can
    lie above the power floor. It must not count as oscillating."""
    from scipy.integrate import quad

    from compact.model import BOLTZMANN

    kT_over_lambda = 1e-3
    noisy = AutoOscillator(**{**MODEL.__dict__, "temperature": 300.0,
                              "mode_energy": BOLTZMANN * 300.0 / kT_over_lambda})
    ds = sweep(noisy, [2e-3, 3.6e-3, 10e-3], 40e-6, seed=9)
    obs = observables(ds)
    np.testing.assert_array_equal(obs.oscillating, [False, False, True])
    assert np.isnan(obs.frequency[:2]).all() and np.isnan(obs.linewidth[:2]).all()
    # Exact stationary law of the power below threshold (Fokker-Planck, additive noise with
    # D = Γ_G k_B T/λ): P(p) ∝ exp(-[(1-ζ) p + (ζ+Q) p²/2] λ/(k_B T)).
    for k, zeta in enumerate((0.5, 0.9)):
        def weight(p, zeta=zeta):
            return np.exp(-((1 - zeta) * p + (zeta + MODEL.Q) * p**2 / 2) / kT_over_lambda)

        norm = quad(weight, 0, 1)[0]
        mean = quad(lambda p: p * weight(p), 0, 1)[0] / norm
        second = quad(lambda p: p * p * weight(p), 0, 1)[0] / norm
        spread = np.sqrt(second - mean**2) / mean  # 0.99 and 0.92: far above 0.5
        # 40 µs holds ~200 correlation times 1/(2 Γ_G (1-ζ)) at ζ = 0.9: ~7 % statistical
        assert float(obs.power[k]) == pytest.approx(mean, rel=0.2)
        assert float(obs.power[k]) > 1e-3  # above the floor: only the spread tells
        assert float(obs.power_spread[k]) == pytest.approx(spread, rel=0.2)


@pytest.mark.parametrize("mapped", [False, True], ids=["auto-oscillator", "vortex"])
def test_a_record_that_ends_early_is_analysed_over_its_own_samples(series, mapped):
    """A run stopped once steady (micromag.engines.SteadyState) ends in NaN in a sweep of
    several currents; its observables are those of its samples alone, the others unchanged."""
    ds = _vortex(series, 100e-9) if mapped else series
    names = ("core_x", "core_y") if mapped else ("mx", "my", "mz")
    end = ds.sizes["time"] * 2 // 3
    short = ds.copy(deep=True)
    for name in names:
        short[name][3, end:] = np.nan
    obs = observables(short)
    alone = observables(ds.isel(current=[3], time=slice(0, end)))
    full = observables(ds)
    for name in ("frequency", "power", "relaxation_rate", "settling_time"):
        np.testing.assert_allclose(obs[name][3], alone[name][0], rtol=1e-12)
        others = [0, 1, 2, 4]
        np.testing.assert_allclose(obs[name][others], full[name][others], rtol=1e-12)
    # a gap inside a record is not an early end
    gap = short.copy(deep=True)
    gap[names[0]][1, 50] = np.nan
    with pytest.raises(ValueError, match="inside a record"):
        observables(gap)

"""The fit, the estimator and the accessor on exactly known observables and series."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from sklearn.base import clone

import compact.accessor  # noqa: F401  (registers ds.stno)
from compact.estimator import AutoOscillatorFit
from compact.fit import PARAMETERS, fit_calibration, model_from_calibration
from compact.model import AutoOscillator
from compact.simulate import sweep

MODEL = AutoOscillator(f0=3e9, N=-4e8, df_dI=-2e10, gamma_g=1.5e8, Q=3.0, I_th=-2e-3,
                       mode_energy=4e-19, temperature=300.0)
CURRENTS = np.linspace(-1e-3, -6e-3, 9)


def exact_observables(model: AutoOscillator, currents: np.ndarray) -> xr.Dataset:
    """Observables as the model predicts them (what a perfect measurement would give)."""
    p0 = model.stationary_power(currents)
    on = p0 > 0
    nan = np.full(currents.size, np.nan)
    return xr.Dataset(
        {
            "frequency": ("current", np.where(on, model.frequency(currents), nan)),
            "power": ("current", p0),
            "relaxation_rate": ("current", model.relaxation_rate(currents)),
            "linewidth": ("current", model.linewidth(currents)),
            "oscillating": ("current", on),
        },
        coords={"current": currents},
        attrs={"source_temperature": model.temperature},
    )


def test_exact_observables_give_the_exact_model_including_mode_energy():
    calibration = fit_calibration(exact_observables(MODEL, CURRENTS))
    fitted = model_from_calibration(calibration)
    for name in PARAMETERS:
        # exact data: only round-off remains (negative threshold polarity included)
        assert getattr(fitted, name) == pytest.approx(getattr(MODEL, name), rel=1e-7), name
    assert calibration.attrs["mode_energy_identified"] == 1
    assert fitted.temperature == MODEL.temperature
    np.testing.assert_allclose(calibration.nonlinearity, MODEL.nonlinearity(CURRENTS),
                               rtol=1e-6)
    on = calibration.oscillating.values
    assert np.all(np.abs(calibration.frequency_residual[on]) < 1e-3)  # Hz
    cov = calibration.covariance
    np.testing.assert_allclose(cov, cov.T)
    assert set(calibration.unit.values) == {"Hz", "Hz/A", "1/s", "1", "A", "J"}


def test_textbook_model_without_current_tuning():
    textbook = AutoOscillator(**{**MODEL.__dict__, "df_dI": 0.0, "temperature": 0.0})
    calibration = fit_calibration(exact_observables(textbook, CURRENTS), fit_df_dI=False)
    fitted = model_from_calibration(calibration)
    assert fitted.df_dI == 0.0
    assert float(calibration.stderr.sel(parameter="df_dI")) == 0.0
    assert fitted.N == pytest.approx(textbook.N, rel=1e-9)
    # no linewidths at T = 0: λ is not identified and says so
    assert calibration.attrs["mode_energy_identified"] == 0
    assert np.isnan(float(calibration.stderr.sel(parameter="mode_energy")))


def test_a_threshold_far_below_every_current_is_fitted_with_a_warning():
    """Exact data fix I_th exactly wherever it lies, but a user measuring real devices gets
    the threshold only by extrapolation when no current comes near it: the fit says so
    (a sweep of examples/circuit_vortex.toml at 1.5-2.0e11 A/m^2 only returned I_th = 5 uA
    and Q = 1670 with no word of it)."""
    assert fit_calibration(exact_observables(MODEL, CURRENTS)).attrs["warnings"] == "[]"
    far = AutoOscillator(**{**MODEL.__dict__, "I_th": -0.25e-3})  # lowest current 4x above
    estimator = AutoOscillatorFit().fit(exact_observables(far, CURRENTS))
    [warning] = estimator.warnings_
    assert "I_th = -0.00025 A is extrapolated" in warning and "4 times above it" in warning


def test_a_power_that_falls_with_the_current_is_fitted_with_a_warning():
    """An out-of-plane precession (examples/mtj_perp_polarizer.toml) closes its cone as the
    current rises: p falls from 0.05 to 0.002 over its window. The model cannot describe that,
    and the fit says so instead of returning I_th ~ 0 and Q ~ 3e4 without a word."""
    observables = exact_observables(MODEL, CURRENTS)
    on = observables.oscillating.values
    falling = observables.power.values.copy()
    falling[on] = falling[on][::-1]  # the same powers, in reversed order of current
    estimator = AutoOscillatorFit().fit(observables.assign(power=("current", falling)))
    assert any("the power falls as |I| rises" in w for w in estimator.warnings_)
    rising = AutoOscillatorFit().fit(observables)
    assert not any("falls" in w for w in rising.warnings_)


def test_too_little_to_fit_is_an_error():
    below = exact_observables(MODEL, np.linspace(-0.5e-3, -1.9e-3, 6))
    with pytest.raises(ValueError, match="only 0 oscillating"):
        fit_calibration(below)
    three = exact_observables(MODEL, np.array([-1e-3, -3e-3, -4e-3, -5e-3]))
    with pytest.raises(ValueError, match="at least 4"):
        fit_calibration(three)
    no_ringup = exact_observables(MODEL, CURRENTS).assign(
        relaxation_rate=("current", np.full(CURRENTS.size, np.nan)))
    with pytest.raises(ValueError, match="gamma_g"):
        fit_calibration(no_ringup)
    with pytest.raises(ValueError, match="'power' missing"):
        fit_calibration(exact_observables(MODEL, CURRENTS).drop_vars("power"))


def test_estimator_and_accessor_agree_and_round_trip(tmp_path):
    model = AutoOscillator(f0=5e8, N=1e8, df_dI=1e10, gamma_g=5e7, Q=0.5, I_th=1e-3)
    ds = sweep(model, np.linspace(0.6e-3, 3e-3, 8), 1.5e-6, seed=3)
    estimator = AutoOscillatorFit(power_floor=1e-3).fit(ds)
    assert estimator.fit(ds) is estimator
    calibration = ds.stno.fit()
    assert calibration.stno.model() == estimator.model_
    assert set(estimator.stderr_) == set(PARAMETERS)
    assert set(estimator.residuals_.data_vars) == {
        "frequency_residual", "power_residual", "relaxation_rate_residual"}
    assert estimator.predict(2e-3) == pytest.approx(model.frequency(2e-3), rel=1e-6)
    assert clone(estimator).get_params() == estimator.get_params()
    # calibration Dataset: netCDF round trip keeps values, units and the model
    path = tmp_path / "calibration.nc"
    calibration.to_netcdf(path, engine="h5netcdf")
    back = xr.load_dataset(path, engine="h5netcdf")
    assert model_from_calibration(back) == estimator.model_
    xr.testing.assert_allclose(back[["frequency", "power", "estimate"]],
                               calibration[["frequency", "power", "estimate"]])
    for name in ("frequency", "power", "linewidth", "relaxation_rate", "frequency_fit"):
        assert back[name].attrs["units"] == calibration[name].attrs["units"]
    assert back.oscillating.dtype == bool
    # observables on the accessor equal those inside the estimator's calibration
    observed = ds.stno.observables()
    xr.testing.assert_equal(observed, estimator.calibration_[list(observed.data_vars)])


def test_ring_up_shifts_that_no_single_n_describes_are_a_warning():
    """The ring-up of each sweep run measures df/dp at its current. On the default chain's
    tilted-reference vortex they ran from -4 to -244 MHz across the window (60 ns runs,
    2026-12-07) while the fit has one N = -11.5 MHz; the fit says so. Shifts that agree
    within their errors give no warning."""
    from compact.fit import fit_warnings

    current = np.array([4.08e-3, 4.40e-3, 4.71e-3, 5.18e-3, 5.65e-3, 6.28e-3])
    measured = np.array([-4.4, -4.3, -46.3, -124.9, -164.9, -244.0]) * 1e6
    error = np.array([11.1, 4.4, 3.4, 7.0, 12.7, 16.9]) * 1e6
    model = AutoOscillator(**{**MODEL.__dict__, "N": -11.5e6})
    [warning] = fit_warnings(current, model, 0.0, shift=measured, shift_error=error)
    assert "not one N" in warning and "-244" in warning and "N = -11.5 MHz" in warning
    agreeing = -11.5e6 + error * np.array([0.5, -1.0, 0.3, 1.2, -0.8, 0.1])
    assert fit_warnings(current, model, 0.0, shift=agreeing, shift_error=error) == []
    assert fit_warnings(current, model, 0.0, shift=measured[:2], shift_error=error[:2]) == []

"""The resistance oscillation r = dR/dc from a time series (compact.resistance)."""

from __future__ import annotations

import numpy as np
import pytest

from compact.model import AutoOscillator
from compact.resistance import resistance_oscillation
from compact.simulate import sweep

MODEL = AutoOscillator(f0=400e6, N=3e7, df_dI=0.0, gamma_g=2.5e7, Q=1.0, I_th=4e-3)
CURRENTS = np.array([5e-3, 7e-3])


@pytest.fixture(scope="module")
def series():
    return sweep(MODEL, CURRENTS, 2e-6, initial_power=1e-3, seed=2)


def _with_resistance(ds, r0, r, harmonic=0.0):
    c = ds["mx"] + 1j * ds["my"]
    values = r0 + np.real(r * c) + harmonic * np.real(c ** 2)
    return ds.assign(resistance=values.assign_attrs(units="ohm"))


def test_a_first_order_resistance_is_recovered_with_its_phase(series):
    r = 12.0 * np.exp(0.7j)
    res = resistance_oscillation(_with_resistance(series, 80.0, r))
    np.testing.assert_allclose(res.resistance_amplitude, abs(r), rtol=1e-9)
    np.testing.assert_allclose(res.resistance_phase, 0.7, atol=1e-9)
    np.testing.assert_allclose(res.resistance, 80.0, rtol=1e-6)
    # at the record's power: the late half of the ring-up is within ~2e-5 of p0 (measured)
    power = MODEL.stationary_power(CURRENTS)
    np.testing.assert_allclose(res.resistance_oscillation, abs(r) * np.sqrt(power), rtol=1e-4)
    assert np.all(res.resistance_residual < 1e-8)


def test_a_second_harmonic_is_left_in_the_residual_not_in_r(series):
    """Re[c²] oscillates at 2f: orthogonal to c over whole turns, so r is unchanged and the
    residual is the harmonic's share of δR: rms(h p)/rms(δR) with δR = |r| √p cos ⊕ h p cos 2."""
    r, h = 12.0, 30.0
    res = resistance_oscillation(_with_resistance(series, 80.0, r, harmonic=h))
    np.testing.assert_allclose(res.resistance_amplitude, r, rtol=1e-3)
    p = MODEL.stationary_power(CURRENTS)
    expected = h * p / np.sqrt(r ** 2 * p + h ** 2 * p ** 2)
    np.testing.assert_allclose(res.resistance_residual, expected, rtol=1e-2)


def test_a_dataset_without_resistance_is_refused_naming_it(series):
    with pytest.raises(ValueError, match="'resistance'"):
        resistance_oscillation(series)


def test_the_calibration_carries_the_resistance_into_the_model(series):
    """A sweep with a resistance: the fitted AutoOscillator holds R0, |r| and arg r (means
    over the oscillating currents), and they survive its JSON; without one they are NaN."""
    from compact.estimator import AutoOscillatorFit
    from compact.model import AutoOscillator

    ds = sweep(MODEL, np.array([5e-3, 6e-3, 7e-3, 8e-3]), 2e-6, initial_power=1e-3, seed=2)
    r = 12.0 * np.exp(-2.0j)
    model = AutoOscillatorFit(fit_df_dI=False).fit(_with_resistance(ds, 80.0, r)).model_
    assert model.resistance == pytest.approx(80.0, rel=1e-6)
    assert model.resistance_amplitude == pytest.approx(12.0, rel=1e-6)
    assert model.resistance_phase == pytest.approx(-2.0, abs=1e-6)
    assert model.resistance_coefficient == pytest.approx(r, rel=1e-6)
    again = AutoOscillator.from_json(model.to_json())
    assert again.resistance_amplitude == model.resistance_amplitude
    plain = AutoOscillatorFit(fit_df_dI=False).fit(ds).model_
    assert np.isnan(plain.resistance_amplitude)
    assert plain.to_dict()["resistance_amplitude"] is None

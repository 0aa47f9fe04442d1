"""compact.rates: one source for numpy and numba, and the model's relations between the rates."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import scipy.constants

from compact import model as model_module
from compact import rates
from compact.model import AutoOscillator

MODEL = AutoOscillator(f0=1e9, N=-3e8, df_dI=2e10, gamma_g=6e7, Q=1.5, I_th=2e-3,
                       mode_energy=4e-19, temperature=300.0)
ARGS = dict(f0=MODEL.f0, N=MODEL.N, df_dI=MODEL.df_dI, gamma_g=MODEL.gamma_g, Q=MODEL.Q,
            I_th=MODEL.I_th)


@numba.njit
def _in_a_kernel(power, current, f0, N, df_dI, gamma_g, Q, I_th, temperature, energy):
    """Every rate evaluated inside a numba kernel, point by point (scalars)."""
    out = np.empty((10, power.size))
    for k in range(power.size):
        p, i = power[k], current[k]
        out[0, k] = rates.supercriticality(i, I_th)
        out[1, k] = rates.stationary_power(i, Q, I_th)
        out[2, k] = rates.frequency(p, i, f0, N, df_dI, I_th)
        out[3, k] = rates.angular_frequency(p, i, f0, N, df_dI, I_th)
        out[4, k] = rates.damping(p, gamma_g, Q)
        out[5, k] = rates.antidamping(p, i, gamma_g, I_th)
        out[6, k] = rates.net_gain(p, i, gamma_g, Q, I_th)
        out[7, k] = rates.relaxation_rate(i, gamma_g, I_th)
        out[8, k] = rates.thermal_diffusion(p, gamma_g, Q, temperature, energy)
        out[9, k] = rates.linewidth(p, 0.7, gamma_g, Q, temperature, energy)
    return out


def test_numba_kernels_and_numpy_get_the_same_numbers():
    """The same source compiled by numba and run by numpy on arrays: bit for bit."""
    rng = np.random.default_rng(0)
    power = rng.uniform(0.01, 1.0, 200)
    current = rng.uniform(-3, 3, 200) * MODEL.I_th
    a = ARGS
    compiled = _in_a_kernel(power, current, a["f0"], a["N"], a["df_dI"], a["gamma_g"], a["Q"],
                            a["I_th"], MODEL.temperature, MODEL.mode_energy)
    arrays = [
        rates.supercriticality(current, a["I_th"]),
        rates.stationary_power(current, a["Q"], a["I_th"]),
        rates.frequency(power, current, a["f0"], a["N"], a["df_dI"], a["I_th"]),
        rates.angular_frequency(power, current, a["f0"], a["N"], a["df_dI"], a["I_th"]),
        rates.damping(power, a["gamma_g"], a["Q"]),
        rates.antidamping(power, current, a["gamma_g"], a["I_th"]),
        rates.net_gain(power, current, a["gamma_g"], a["Q"], a["I_th"]),
        rates.relaxation_rate(current, a["gamma_g"], a["I_th"]),
        rates.thermal_diffusion(power, a["gamma_g"], a["Q"], MODEL.temperature,
                                MODEL.mode_energy),
        rates.linewidth(power, 0.7, a["gamma_g"], a["Q"], MODEL.temperature, MODEL.mode_energy),
    ]
    for row, expected in zip(compiled, arrays, strict=True):
        np.testing.assert_array_equal(row, expected)


def test_stationary_power_values_and_threshold():
    # ζ = 2, Q = 1.5: p0 = 1/3.5; zero at and below threshold, also where ζ + Q = 0 (the
    # opposite polarity, where a naive (ζ-1)/(ζ+Q) would divide 0 by 0 or change sign)
    zeta = np.array([2.0, 1.0, 0.5, 0.0, -MODEL.Q, -5.0])
    p0 = rates.stationary_power(zeta * MODEL.I_th, MODEL.Q, MODEL.I_th)
    assert p0[0] == pytest.approx(1 / 3.5, rel=1e-15)
    np.testing.assert_array_equal(p0[1:], 0.0)
    assert not np.signbit(p0).any()
    # continuous at threshold: p0 ≈ (ζ-1)/(1+Q) just above it
    assert rates.stationary_power(1.001 * MODEL.I_th, MODEL.Q, MODEL.I_th) == pytest.approx(
        0.001 / 2.5, rel=1e-3)


def test_stationary_power_is_where_the_net_gain_vanishes():
    """p0 is the fixed point of dp/dt = 2 p (Γ₋ - Γ₊): net_gain(p0, I) = 0 above threshold."""
    current = np.linspace(1.05, 6.0, 50) * MODEL.I_th
    p0 = rates.stationary_power(current, MODEL.Q, MODEL.I_th)
    gain = rates.net_gain(p0, current, MODEL.gamma_g, MODEL.Q, MODEL.I_th)
    # cancellation of two rates of size ~Γ_G ζ: a few ulps of them
    np.testing.assert_allclose(gain, 0.0, atol=1e-14 * MODEL.gamma_g * current.max() / MODEL.I_th)
    # σ I_th = Γ_G: the two dampings balance at threshold and p = 0
    assert rates.antidamping(0.0, MODEL.I_th, MODEL.gamma_g, MODEL.I_th) == pytest.approx(
        rates.damping(0.0, MODEL.gamma_g, MODEL.Q), rel=1e-15)


def test_relaxation_rate_is_the_linearised_power_equation():
    """d/dp [2 p net_gain(p)] at p0 = -2 p0 (σ I + Γ_G Q) = -2 Γ_p, with Γ_p = Γ_G (ζ - 1)."""
    current = np.array([1.2, 2.0, 4.0]) * MODEL.I_th
    p0 = rates.stationary_power(current, MODEL.Q, MODEL.I_th)
    dp = 1e-6 * p0

    def growth(p):
        return 2 * p * rates.net_gain(p, current, MODEL.gamma_g, MODEL.Q, MODEL.I_th)

    slope = (growth(p0 + dp) - growth(p0 - dp)) / (2 * dp)  # exact for a quadratic, to ulps
    gamma_p = rates.relaxation_rate(current, MODEL.gamma_g, MODEL.I_th)
    np.testing.assert_allclose(-slope / 2, gamma_p, rtol=1e-8)
    np.testing.assert_allclose(gamma_p, MODEL.gamma_g * np.array([0.2, 1.0, 3.0]), rtol=1e-14)


def test_rate_coefficients_give_the_linear_rate():
    """L(p, I) = Γ₋ - Γ₊ - iω = L₀ - p L₁, exactly affine in p."""
    current = np.array([[1.5, 3.0], [0.5, 2.2]]) * MODEL.I_th
    power = np.array([[0.0, 0.3], [0.9, 1.0]])
    rate_at_zero, rate_slope = rates.rate_coefficients(current, **ARGS)
    direct = (rates.net_gain(power, current, MODEL.gamma_g, MODEL.Q, MODEL.I_th)
              - 1j * rates.angular_frequency(power, current, MODEL.f0, MODEL.N, MODEL.df_dI,
                                             MODEL.I_th))
    np.testing.assert_allclose(rate_at_zero - power * rate_slope, direct, rtol=1e-14)
    np.testing.assert_allclose(rate_slope.imag, 2 * np.pi * MODEL.N, rtol=1e-15)


def test_noise_constants_and_linewidth_inversion():
    assert rates.BOLTZMANN == scipy.constants.k
    assert model_module.BOLTZMANN is rates.BOLTZMANN
    # D = Γ_G (1 + Q p) k_B T / λ at p = 0.2, Q = 1.5: 6e7 · 1.3 · (k_B · 300 K) / 4e-19 J
    d = rates.thermal_diffusion(0.2, MODEL.gamma_g, MODEL.Q, 300.0, 4e-19)
    assert d == pytest.approx(6e7 * 1.3 * scipy.constants.k * 300 / 4e-19, rel=1e-14)
    # Δf λ is fixed: the same function with Δf in λ's place returns λ
    width = rates.linewidth(0.2, 1.3, MODEL.gamma_g, MODEL.Q, 300.0, 4e-19)
    assert width == pytest.approx(d * (1 + 1.3**2) / (2 * np.pi * 0.2), rel=1e-14)
    assert rates.linewidth(0.2, 1.3, MODEL.gamma_g, MODEL.Q, 300.0, width) == pytest.approx(
        4e-19, rel=1e-14)


def test_model_methods_are_the_rates():
    current = np.linspace(0.5, 4, 8) * MODEL.I_th
    np.testing.assert_array_equal(MODEL.stationary_power(current),
                                  rates.stationary_power(current, MODEL.Q, MODEL.I_th))
    above = current > MODEL.I_th
    np.testing.assert_array_equal(
        MODEL.relaxation_rate(current)[above],
        rates.relaxation_rate(current, MODEL.gamma_g, MODEL.I_th)[above])
    assert np.isnan(MODEL.relaxation_rate(current)[~above]).all()
    p0 = MODEL.stationary_power(current)
    np.testing.assert_array_equal(
        MODEL.noise_diffusion(current),
        rates.thermal_diffusion(p0, MODEL.gamma_g, MODEL.Q, MODEL.temperature,
                                MODEL.mode_energy))
    assert MODEL.sigma == MODEL.gamma_g / MODEL.I_th


def test_stationary_power_slope_is_the_derivative_of_p0():
    Q, I_th = 1.7, 2e-3
    current = np.array([0.0, 1e-3, 2e-3, 2.4e-3, 3e-3, 6e-3])
    slope = rates.stationary_power_slope(current, Q, I_th)
    step = 1e-9  # A; central difference, error ~ step² p0''' ≈ 1e-12 relative here
    numeric = (rates.stationary_power(current + step, Q, I_th)
               - rates.stationary_power(current - step, Q, I_th)) / (2 * step)
    above = current > I_th
    assert np.all(slope[~above] == 0.0)
    assert slope[above] == pytest.approx(numeric[above], rel=1e-6)
    kernel = numba.njit(lambda i: rates.stationary_power_slope(i, Q, I_th))
    assert [kernel(i) for i in current] == list(slope)


def test_a_mirrored_oscillator_at_minus_i_is_the_original_at_i():
    """An oscillator with I_th < 0 (an MTJ driven with J < 0) as one driven by I' = -I: every
    rate and observable of the model at -I equals the original's at I, and an RF current drives
    it with the opposite sign."""
    original = AutoOscillator(f0=14.6e9, N=-13.9e9, df_dI=3.9e12, gamma_g=6.8e8, Q=0.3,
                              I_th=-1.04e-4, mode_energy=2.6e-18, temperature=300.0,
                              kappa_current=7e9, kappa_current_phase=-0.4)
    mirrored = original.mirrored()
    assert mirrored.I_th == pytest.approx(1.04e-4) and mirrored.df_dI == pytest.approx(-3.9e12)
    current = np.array([-1.1e-4, -1.3e-4, -1.5e-4])
    for name in ("stationary_power", "frequency", "relaxation_rate", "nonlinearity",
                 "linewidth"):
        np.testing.assert_allclose(getattr(mirrored, name)(-current),
                                   getattr(original, name)(current), rtol=1e-12, err_msg=name)
    assert mirrored.input_coupling("rf_current") == pytest.approx(
        -original.input_coupling("rf_current"), rel=1e-12)
    twice = mirrored.mirrored()
    assert twice.I_th == original.I_th and twice.df_dI == original.df_dI
    assert twice.kappa_current_phase == pytest.approx(original.kappa_current_phase, abs=1e-15)

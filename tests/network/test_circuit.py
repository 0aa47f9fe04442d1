"""The series circuit: emitted RF current and coupling matrix from device and circuit values."""

from __future__ import annotations

import numpy as np
import pytest

from network.circuit import coupling_matrix, emitted_current, load_power, loop_resistance

R0 = np.array([60.0, 80.0, 100.0])            # ohm
R_AMP = np.array([20.0, 30j, -10.0 + 5j])      # ohm per unit amplitude
I_DC = np.array([2e-3, 3e-3, 4e-3])            # A
KAPPA = np.array([1e8, 2e8, 3e8 * np.exp(0.3j)])  # 1/(s A)
LOAD = 50.0


def _loop_current(t, freqs, power, phase, r0=R0, r_amp=R_AMP, i_dc=I_DC, load=LOAD):
    """i(t) of the loop from Kirchhoff's law with the full resistances R_l(t) (A), and the
    amplitudes c_l(t) ∝ exp(-iωt) behind it."""
    c = np.sqrt(power) * np.exp(-1j * (2 * np.pi * np.outer(t, freqs) + phase))
    delta = np.real(r_amp * c)                                   # δR_l(t)
    current = -(i_dc * delta).sum(axis=1) / (load + (r0 + delta).sum(axis=1))
    return current, c


def test_the_emitted_current_is_kirchhoffs_to_first_order_in_the_resistance_swing():
    """Three oscillators at their own frequencies: Re Î(t) against the loop current solved
    with the full R_l(t); they differ at second order, by ~max|ΣδR| / R_loop of i."""
    t = np.linspace(0, 20e-9, 4001)
    freqs = np.array([0.80e9, 0.83e9, 0.90e9])
    for power in (1e-4, 1e-2):
        exact, c = _loop_current(t, freqs, power, np.array([0.0, 1.0, 2.0]))
        linear = np.real(emitted_current(I_DC, R0, R_AMP, c, LOAD))
        swing = np.abs(np.real(R_AMP * c).sum(axis=1)).max() / loop_resistance(R0, LOAD)
        assert np.abs(linear - exact).max() <= 1.01 * swing * np.abs(exact).max()
        assert np.abs(linear - exact).max() > 0.1 * swing * np.abs(exact).max()  # not 0


def test_each_oscillator_is_driven_by_kappa_times_the_loop_current():
    """f_j = Σ_l K_jl c_l is κ_j times the complex loop current: Re[f_j/κ_j] = i(t)."""
    t = np.linspace(0, 5e-9, 501)
    _, c = _loop_current(t, np.array([0.8e9, 0.85e9, 0.9e9]), 0.04, np.zeros(3))
    k = coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD)
    drive = c @ k.T
    loop = emitted_current(I_DC, R0, R_AMP, c, LOAD)
    np.testing.assert_allclose(drive, KAPPA * loop[:, None], rtol=1e-12)


def test_coupling_in_numbers():
    """K_jl = -κ_j I_l r_l / (R_L + Σ R0): 1/s from 1/(s A), A and Ω."""
    k = coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD)
    total = LOAD + R0.sum()
    assert total == loop_resistance(R0, LOAD) == 290.0
    assert k[0, 1] == pytest.approx(-1e8 * 3e-3 * 30j / 290.0)
    assert k[2, 0] == pytest.approx(-KAPPA[2] * 2e-3 * 20.0 / 290.0)
    assert np.all(np.diag(coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD,
                                          self_coupling=False)) == 0)
    # a perpendicular reference layer emits nothing: its column is zero
    silent = coupling_matrix(I_DC, R0, [20.0, 0.0, 5.0], KAPPA, LOAD)
    assert np.all(silent[:, 1] == 0) and np.all(silent[1, [0, 2]] != 0)


def test_a_delay_turns_the_mutual_coupling_only():
    k0 = coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD)
    k1 = coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD, frequency=1e9, delay=0.25e-9)
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(k1[off], k0[off] * 1j, rtol=1e-12)  # quarter turn
    np.testing.assert_array_equal(np.diag(k1), np.diag(k0))
    with pytest.raises(ValueError, match="frequency"):
        coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD, delay=1e-10)


def test_load_power_and_bad_input():
    assert load_power(2e-3, 50.0) == pytest.approx(1e-4)  # 0.1 mW = -10 dBm
    with pytest.raises(ValueError, match="load_resistance"):
        loop_resistance(R0, -1.0)
    with pytest.raises(ValueError, match="kappa_current"):
        coupling_matrix(I_DC, R0, R_AMP, [1.0, 2.0], LOAD)
    with pytest.raises(ValueError, match="short circuit"):
        loop_resistance([0.0, 0.0], 0.0)
    with pytest.raises(ValueError, match="resistance_coefficient"):
        coupling_matrix(I_DC, R0, [1.0, 2.0], KAPPA, LOAD)
    with pytest.raises(ValueError, match="delay"):
        coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD, frequency=1e9, delay=float("nan"))
    with pytest.raises(ValueError, match="delay"):
        coupling_matrix(I_DC, R0, R_AMP, KAPPA, LOAD, frequency=1e9, delay=1e300)
    with pytest.raises(ValueError, match="dc_current"):
        coupling_matrix(I_DC + 0j, R0, R_AMP, KAPPA, LOAD)

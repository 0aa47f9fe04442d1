"""The thermal line in every regime (compact.lineshape, Kim, Tiberkevich & Slavin 2008)."""

import math

import numpy as np
import pytest

from compact import rates
from compact.lineshape import generation_linewidth, phase_variance


def test_phase_variance_limits():
    """Short times: 2Δω₀ t (1 + ν² Γ_p t), to the next order's ν² (2Γ_p t)²/6 (5e-6 of it
    here); long times: 2Δω₀ (1 + ν²) t - Δω₀ ν²/Γ_p."""
    base, nu, gp = 1e6, 30.0, 1e8
    t = 1e-12
    assert phase_variance(t, base, nu, gp) == pytest.approx(2 * base * t * (1 + nu**2 * gp * t),
                                                            rel=2e-5)
    t = 1e-6  # Γ_p t = 100
    assert phase_variance(t, base, nu, gp) == pytest.approx(
        2 * base * (1 + nu**2) * t - base * nu**2 / gp, rel=1e-12)
    assert phase_variance(0.0, base, nu, gp) == 0.0
    assert np.all(np.diff(phase_variance(np.linspace(0, 1e-7, 100), base, nu, gp)) > 0)


@pytest.mark.parametrize("nu", [0.0, 2.0, 10.0])
def test_lorentzian_limit_is_the_rates_formula(nu):
    """2π Δf ≪ Γ_p: the width of compact.rates.linewidth, Γ₊ k_B T (1 + ν²)/(2π λ p0), to
    1e-3 (the finite Γ_p leaves a relative correction of order 2π Δf / Γ_p = 1e-4 here)."""
    p0, gamma_g, Q, T, lam = 0.2, 1e8, 1.0, 300.0, 1e-16
    expected = rates.linewidth(p0, nu, gamma_g, Q, T, lam)
    base = rates.damping(p0, gamma_g, Q) * rates.BOLTZMANN * T / (2 * lam * p0)
    power_rate = 1e4 * 2 * math.pi * expected
    assert generation_linewidth(base, nu, power_rate) == pytest.approx(expected, rel=1e-3)


def test_gaussian_limit():
    """2π Δf ≫ Γ_p: a Gaussian of FWHM (|ν|/π) √(4 ln 2 Δω₀ Γ_p); ν² Δω₀/Γ_p = 1e4 here, so
    the Lorentzian core (relative size ~ Δω₀ / (ν √(Δω₀ Γ_p)) = 1 %) is what remains: 3 %."""
    base, nu, gp = 1e6, 100.0, 1e6
    gaussian = abs(nu) / math.pi * math.sqrt(4 * math.log(2) * base * gp)
    assert generation_linewidth(base, nu, gp) == pytest.approx(gaussian, rel=0.03)
    assert generation_linewidth(base, -nu, gp) == pytest.approx(
        generation_linewidth(base, nu, gp), rel=1e-9)


def test_between_the_limits_the_line_is_narrower_than_either_formula():
    """The Lorentzian formula overestimates a slow-relaxing line; the Gaussian one describes
    its wings' start only: the exact width lies below both."""
    base, nu, gp = 1e6, 10.0, 3e7  # 2π Δf_L / Γ_p ~ 3
    lorentz = (1 + nu**2) * base / math.pi
    width = generation_linewidth(base, nu, gp)
    assert width < lorentz
    assert width > 2 * base / math.pi  # never below the line without nonlinearity


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_bad_rates_are_named(bad):
    with pytest.raises(ValueError, match="base_rate"):
        generation_linewidth(bad, 1.0, 1e8)
    with pytest.raises(ValueError, match="power_rate"):
        generation_linewidth(1e6, 1.0, bad)


def test_the_model_gives_the_lorentzian_where_it_holds_and_less_where_it_does_not():
    """AutoOscillator.generation_linewidth: the Lorentzian formula of .linewidth for a vortex-
    like ν ~ 1 (2π Δf/Γ_p ~ 1e-3), far less for a perpendicular MTJ's ν ~ 100 at 300 K."""
    from compact.model import AutoOscillator

    vortex = AutoOscillator(f0=8.3e8, N=6e7, df_dI=-3e10, gamma_g=1.9e8, Q=1.0, I_th=2e-3,
                            mode_energy=1e-16, temperature=300.0)
    assert vortex.generation_linewidth(4e-3) == pytest.approx(float(vortex.linewidth(4e-3)),
                                                              rel=2e-3)
    mtj = AutoOscillator(f0=15.1e9, N=-16.2e9, df_dI=0.0, gamma_g=6.1e8, Q=0.0, I_th=1.04e-4,
                         mode_energy=2.7e-18, temperature=300.0)
    assert mtj.generation_linewidth(1.38e-4) < 0.2 * float(mtj.linewidth(1.38e-4))
    assert math.isnan(mtj.generation_linewidth(0.5e-4))  # below threshold

"""The thermal line of an auto-oscillator in every regime of its nonlinearity.

Kim, Tiberkevich & Slavin, Phys. Rev. Lett. 100, 017207 (2008): with thermal noise the phase of
an oscillator whose frequency depends on its power (ν ≠ 0) wanders as

    ⟨Δφ²(t)⟩ = 2 Δω₀ [(1 + ν²) |t| - ν² (1 - exp(-2 Γ_p |t|)) / (2 Γ_p)],

Δω₀ = Γ₊(p0) k_B T / (2 λ p0) (rad/s) the linewidth the oscillator would have without
nonlinearity, Γ_p the power relaxation rate (δp ∝ exp(-2 Γ_p t)), and the spectrum is the
Fourier transform of exp(-⟨Δφ²(t)⟩/2). Two limits:

- 2π Δf ≪ Γ_p (small noise, large power restoring rate): a Lorentzian of full width
  Δf = (1 + ν²) Δω₀ / π, the formula of :func:`compact.rates.linewidth`;
- 2π Δf ≫ Γ_p (strongly nonlinear oscillators at room temperature, e.g. perpendicular MTJs
  with ν ~ 100): power fluctuations too slow to average, a Gaussian line of full width
  Δf = (|ν| / π) √(4 ln 2 Δω₀ Γ_p).

:func:`generation_linewidth` computes the full width at half maximum from the expression
above in any regime (numerical cosine transform, scipy.integrate.quad); both limits are
recovered (tests/compact/test_lineshape.py). The theory linearises the power fluctuations
about p0 (δp ≪ p0) and takes N, Γ₊ and Γ_p at p0.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["generation_linewidth", "phase_variance"]

#: the correlation exp(-⟨Δφ²⟩/2) is integrated until ⟨Δφ²⟩ reaches this (e^-20 of its start)
PHASE_VARIANCE_END = 40.0


def phase_variance(t, base_rate: float, nonlinearity: float, power_rate: float):
    """⟨Δφ²(t)⟩ (rad²) at times ``t`` (s); ``base_rate`` Δω₀ (rad/s), ``nonlinearity`` ν,
    ``power_rate`` Γ_p (1/s)."""
    t = np.abs(np.asarray(t, dtype=float))
    x = 2.0 * power_rate * t
    # (1 - e^-x)/x without cancellation at small x
    relaxed = np.where(x > 1e-6, -np.expm1(-x) / np.where(x > 0, x, 1.0), 1.0 - x / 2)
    return 2.0 * base_rate * t * ((1.0 + nonlinearity**2) - nonlinearity**2 * relaxed)


def generation_linewidth(base_rate: float, nonlinearity: float, power_rate: float) -> float:
    """Full width at half maximum (Hz) of the line of an oscillator with Δω₀ = ``base_rate``
    (rad/s, > 0), ν = ``nonlinearity`` and Γ_p = ``power_rate`` (1/s, > 0)."""
    from scipy.integrate import quad
    from scipy.optimize import brentq

    for name, value in (("base_rate", base_rate), ("power_rate", power_rate)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"generation_linewidth: {name} = {value!r}: must be > 0 (1/s)")
    if not math.isfinite(nonlinearity):
        raise ValueError(f"generation_linewidth: nonlinearity = {nonlinearity!r}: must be finite")

    def variance(t):
        return float(phase_variance(t, base_rate, nonlinearity, power_rate))

    # the time where the correlation has decayed: ⟨Δφ²⟩ grows monotonically in t
    end = 1.0 / (base_rate * (1 + nonlinearity**2))
    while variance(end) < PHASE_VARIANCE_END:
        end *= 2.0
    end = brentq(lambda t: variance(t) - PHASE_VARIANCE_END, end / 2, end)

    def spectrum(omega: float) -> float:
        value, _ = quad(lambda t: math.exp(-variance(t) / 2), 0.0, end, weight="cos",
                        wvar=omega, limit=400)
        return value

    peak = spectrum(0.0)
    # half width: between the Lorentzian core 2Δω₀ and the wider of the two limits, doubled
    high = 2.0 * max((1 + nonlinearity**2) * base_rate,
                     abs(nonlinearity) * math.sqrt(4 * math.log(2) * base_rate * power_rate))
    low = 0.0
    while spectrum(high) > peak / 2:
        low, high = high, 2.0 * high
    half_width = brentq(lambda w: spectrum(w) - peak / 2, low, high, xtol=1e-6 * high)
    return 2.0 * half_width / (2.0 * math.pi)

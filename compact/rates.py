"""The rates of the Slavin–Tiberkevich auto-oscillator, written once for every integrator.

Slavin & Tiberkevich, IEEE Trans. Magn. 45, 1875 (2009); PHYSICS.md section 2. Complex
amplitude ``c`` with ``c ∝ exp(-i ω t)``, power ``p = |c|²``::

    dc/dt = -i ω(p, I) c - Γ₊(p) c + Γ₋(p, I) c + f(t) + ξ(t),   ⟨ξ(t) ξ*(t')⟩ = 2 D δ(t - t')

=====================  =============================================  ========
quantity               formula                                        unit
=====================  =============================================  ========
supercriticality ζ     I / I_th                                       1
stationary power p0    (ζ - 1)/(ζ + Q) for ζ > 1, else 0              1
frequency f(p, I)      f0 + N p + df_dI (I - I_th)                    Hz
ω(p, I)                2π f(p, I)                                     rad/s
σ                      Γ_G / I_th                                     1/(A s)
Γ₊(p)                  Γ_G (1 + Q p)                                  1/s
Γ₋(p, I)               σ I (1 - p)                                    1/s
Γ_p(I)                 Γ_G (ζ - 1); δp ∝ exp(-2 Γ_p t)                1/s
D(p)                   Γ₊(p) k_B T / λ, taken at p = p0(I)            1/s
Δf                     Γ₊(p0) k_B T (1 + ν²) / (2π λ p0)              Hz
=====================  =============================================  ========

The linear rate of the amplitude equation, ``L(p, I) = Γ₋ - Γ₊ - i ω``, is affine in ``p``:
``L = L₀(I) - p L₁(I)`` (:func:`rate_coefficients`).

Every function here is plain arithmetic on its arguments (numpy ufuncs where a branch would
be needed), so one source serves two callers:

- numpy code calls it with floats or arrays (they broadcast), e.g. the methods of
  :class:`compact.model.AutoOscillator` and the set-up of :mod:`network.simulator`;
- numba kernels (:mod:`compact.simulate`, :mod:`network.reservoir`) call it with scalars: each
  function is registered as a numba overload compiled from the same source and inlined where
  it is called, so a kernel costs what it did with the formula written in place.

Numba's on-disk cache (``cache=True``) keys a kernel on its own file only: after editing this
module, delete the ``__pycache__/*.nbi`` index files of the kernels that call it (or set
``NUMBA_CACHE_DIR`` to a fresh folder) so that they are compiled again.

Constants come from :mod:`scipy.constants`; :data:`BOLTZMANN` is k_B (exact in the 2019 SI)
for everything that imports ``compact``. (``micromag`` keeps Ubermag's CODATA 2014 value,
1.3806485279e-23 J/K, for its engines; ``compact`` does not import ``micromag``.)
"""

from __future__ import annotations

import math

import numpy as np
from numba.extending import overload
from scipy import constants

__all__ = [
    "BOLTZMANN",
    "TWO_PI",
    "supercriticality",
    "stationary_power",
    "stationary_power_slope",
    "frequency",
    "angular_frequency",
    "spin_torque_efficiency",
    "damping",
    "antidamping",
    "net_gain",
    "rate_coefficients",
    "relaxation_rate",
    "thermal_diffusion",
    "linewidth",
]

#: Boltzmann constant k_B (J/K), exact in the 2019 SI.
BOLTZMANN = constants.k
TWO_PI = 2.0 * math.pi


def _numba_too(function):
    """Register ``function`` as a numba overload of itself, inlined at its call sites."""
    overload(function, inline="always", strict=False)(lambda *args: function)
    return function


@_numba_too
def supercriticality(current, I_th):
    """ζ = I / I_th (1); ``current`` and ``I_th`` in A."""
    return current / I_th


@_numba_too
def stationary_power(current, Q, I_th):
    """Stationary power p0 = (ζ - 1)/(ζ + Q) above threshold (ζ > 1), 0 below (1).

    Written without a branch, ``max(ζ - 1, 0) / (max(ζ, 1) + Q)``: the same numbers above
    threshold, an exact 0 at and below it, for floats and arrays alike.
    """
    zeta = supercriticality(current, I_th)
    return np.maximum(zeta - 1.0, 0.0) / (np.maximum(zeta, 1.0) + Q)


@_numba_too
def stationary_power_slope(current, Q, I_th):
    """dp0/dI = (1 + Q) / (I_th (ζ + Q)²) above threshold, 0 at and below it (1/A).

    Branchless like :func:`stationary_power` (the denominator uses max(ζ, 1), so no 0/0).
    """
    zeta = supercriticality(current, I_th)
    return (1.0 + Q) / (I_th * (np.maximum(zeta, 1.0) + Q) ** 2) * (zeta > 1.0)


@_numba_too
def frequency(power, current, f0, N, df_dI, I_th):
    """f(p, I) = f0 + N p + df_dI (I - I_th) (Hz); at ``power`` = p0(I) the generated one."""
    return f0 + N * power + df_dI * (current - I_th)


@_numba_too
def angular_frequency(power, current, f0, N, df_dI, I_th):
    """ω(p, I) = 2π f(p, I) (rad/s)."""
    return TWO_PI * frequency(power, current, f0, N, df_dI, I_th)


@_numba_too
def spin_torque_efficiency(gamma_g, I_th):
    """σ = Γ_G / I_th (1/(A s)), so that Γ₋ = Γ₊ at threshold and p = 0."""
    return gamma_g / I_th


@_numba_too
def damping(power, gamma_g, Q):
    """Positive (Gilbert) damping Γ₊(p) = Γ_G (1 + Q p) (1/s)."""
    return gamma_g * (1.0 + Q * power)


@_numba_too
def antidamping(power, current, gamma_g, I_th):
    """Negative damping of the spin torque Γ₋(p, I) = σ I (1 - p) (1/s)."""
    return spin_torque_efficiency(gamma_g, I_th) * current * (1.0 - power)


@_numba_too
def net_gain(power, current, gamma_g, Q, I_th):
    """Growth rate of |c|: Γ₋(p, I) - Γ₊(p) = Re L (1/s); ``dp/dt = 2 p × net_gain``."""
    return antidamping(power, current, gamma_g, I_th) - damping(power, gamma_g, Q)


@_numba_too
def rate_coefficients(current, f0, N, df_dI, gamma_g, Q, I_th):
    """(L₀, L₁) of the linear rate L(p, I) = Γ₋ - Γ₊ - i ω = L₀ - p L₁ (complex, 1/s).

    ``L₀ = L(0, I)`` and ``L₁ = σ I + Γ_G Q + i 2π N``, the slopes of Γ₋, Γ₊ and ω in ``p``.
    """
    rate_at_zero = (net_gain(0.0, current, gamma_g, Q, I_th)
                    - 1j * angular_frequency(0.0, current, f0, N, df_dI, I_th))
    rate_slope = (antidamping(0.0, current, gamma_g, I_th) + gamma_g * Q) + 1j * (TWO_PI * N)
    return rate_at_zero, rate_slope


@_numba_too
def relaxation_rate(current, gamma_g, I_th):
    """Power relaxation rate Γ_p = Γ_G (ζ - 1) (1/s); δp decays as exp(-2 Γ_p t).

    The formula of the oscillating state: it is meaningful above threshold (ζ > 1) only.
    """
    return gamma_g * (supercriticality(current, I_th) - 1.0)


@_numba_too
def thermal_diffusion(power, gamma_g, Q, temperature, mode_energy):
    """Thermal diffusion D = Γ₊(p) k_B T / λ (1/s) of ⟨ξ ξ*⟩ = 2 D δ(t - t').

    Slavin & Tiberkevich take it at the stationary power, ``power`` = p0(I);
    ``temperature`` in K, ``mode_energy`` λ (the energy per unit power) in J.
    """
    return damping(power, gamma_g, Q) * BOLTZMANN * temperature / mode_energy


@_numba_too
def linewidth(power, nonlinearity, gamma_g, Q, temperature, mode_energy):
    """Thermal full linewidth Δf = Γ₊(p0) k_B T (1 + ν²) / (2π λ p0) (Hz), far above threshold.

    ``power`` is p0, ``nonlinearity`` ν = 2π N p0 / Γ_p. The product Δf λ is fixed, so the
    same function with the measured linewidth (Hz) in place of ``mode_energy`` returns λ (J).
    """
    return (damping(power, gamma_g, Q) * BOLTZMANN * temperature * (1 + nonlinearity**2)
            / (TWO_PI * mode_energy * power))

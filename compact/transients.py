"""The auto-oscillator's local parameters at one current, from a relaxation at that current.

A free-running sweep gives f and p at each current, but not how f and the gain change with p
at fixed current: across currents N p0(I) and df_dI I both move f, and Γ_G (ζ - 1) and the
shape of p0(I) both set the relaxation. A run that knocks the orbit off its stationary power
(a short current pulse) and then lets it return at fixed current I measures them directly:

- the net gain g(p) = (dp/dt) / (2 p) = Γ₋(p, I) - Γ₊(p), zero at the stationary power p0;
  Γ_p = -p0 dg/dp at p0, so δp ∝ exp(-2 Γ_p t) near p0 (the model: Γ_G (ζ - 1));
- the frequency f(p) at fixed I; N = df/dp at p0 (the model: N, the same at every p);
- ν = 2π N p0 / Γ_p, which with p0 sets the locking range
  Δ_lock = |F| √(1+ν²) / (2π √p0) and the linewidth enhancement 1 + ν².

Both slopes are straight-line fits over the part of the return where |p - p0| is at most
``span`` times the largest deviation after the pulse, so a curved g(p) or f(p) far from p0
does not enter; the full curves are returned for figures. Units: Hz, s, 1/s.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["LocalParameters", "local_parameters", "ring_up_frequency_shift"]


@dataclass(frozen=True)
class LocalParameters:
    """What a relaxation at fixed current gives (:func:`local_parameters`)."""

    stationary_power: float  #: p0, the mean power of the last stretch of the run (1)
    relaxation_rate: float  #: Γ_p = -p0 dg/dp at p0 (1/s)
    relaxation_rate_error: float  #: one standard error of the slope fit (1/s)
    frequency_shift: float  #: N = df/dp at fixed current (Hz)
    frequency_shift_error: float  #: one standard error (Hz)
    frequency: float  #: f at p0 (Hz), the intercept of the f(p) fit
    largest_deviation: float  #: max |p - p0| after the pulse (1)
    points: int  #: samples (one per oscillation period) in the fits

    @property
    def nonlinearity(self) -> float:
        """ν = 2π N p0 / Γ_p (1)."""
        return 2 * math.pi * self.frequency_shift * self.stationary_power / self.relaxation_rate

    def to_dict(self) -> dict:
        return {**asdict(self), "nonlinearity": self.nonlinearity}


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least-squares y = a + b x: (a, b, standard error of b)."""
    design = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    dof = max(x.size - 2, 1)
    cov = np.linalg.inv(design.T @ design) * float(residual @ residual) / dof
    return float(coef[0]), float(coef[1]), float(np.sqrt(max(cov[1, 1], 0.0)))


def local_parameters(c: np.ndarray, dt: float, start: int, period: float, *,
                     tail: float, span: float = 0.6) -> tuple[LocalParameters, dict]:
    """Γ_p, N and p0 at fixed current from the return of ``c`` (∝ e^{-iωt}) to its orbit.

    Parameters
    ----------
    c
        Complex amplitude sampled every ``dt`` (s); the current is constant from sample
        ``start`` on (after the pulse).
    period
        The oscillation period (s): p and f are averaged over whole periods (the orbit's
        ripple) and taken once per period.
    tail
        The last ``tail`` seconds give p0 (the run must have returned by then).
    span
        Fit where |p - p0| <= ``span`` × the largest deviation after ``start``.

    Returns
    -------
    (LocalParameters, curves)
        ``curves``: time (s), p, f (Hz) and g (1/s) per period from ``start`` on.
    """
    c = np.asarray(c)[start:]
    n = max(2, int(round(period / dt)))
    blocks = c.size // n
    if blocks < 10:
        raise ValueError(f"local_parameters: {blocks} periods after the pulse, need >= 10")
    c = c[:blocks * n]
    power = (np.abs(c) ** 2).reshape(blocks, n).mean(axis=1)
    phase = np.unwrap(np.angle(c))
    # the mean frequency over each period: the phase advance between its ends
    edges = phase[::n]
    frequency = -np.diff(np.append(edges, phase[-1])) / (2 * math.pi * n * dt)
    frequency[-1] = -(phase[-1] - edges[-1]) / (2 * math.pi * (n - 1) * dt)
    time = (start + (np.arange(blocks) + 0.5) * n) * dt
    gain = np.gradient(power, n * dt) / (2 * power)
    p0 = float(np.mean(power[time >= time[-1] - tail]))
    deviation = np.abs(power - p0)
    largest = float(deviation.max())
    if largest < 0.01 * p0:
        raise ValueError(f"local_parameters: |p - p0| <= {largest:.3g} after the pulse, less "
                         f"than 1 % of p0 = {p0:.3g}: no return to the orbit in the record")
    # from where the return has come within span of its largest deviation, up to where it
    # has settled to 2 % of it (beyond that g is noise over a tiny p range)
    first = int(np.argmax(deviation))
    near = (np.arange(blocks) >= first) & (deviation <= span * largest) & (
        deviation >= 0.02 * largest)
    if near.sum() < 5:
        raise ValueError(f"local_parameters: {int(near.sum())} periods in the fit, need >= 5 "
                         "(no return to the orbit in the record)")
    x = power[near] - p0
    g0, slope, slope_error = _line(x, gain[near])
    f_at_p0, shift, shift_error = _line(x, frequency[near])
    parameters = LocalParameters(p0, -p0 * slope, p0 * slope_error, shift, shift_error,
                                 f_at_p0, largest, int(near.sum()))
    curves = {"time": time, "power": power, "frequency": frequency, "gain": gain,
              "fitted": near}
    return parameters, curves


def ring_up_frequency_shift(c: np.ndarray, dt: float, frequency: float) -> tuple[float, float]:
    """N = df/dp at fixed current (Hz) and its standard error from a free run's ring-up.

    A sweep run starts off its orbit (from the relaxed state) and rings up at fixed current:
    :func:`local_parameters` on the record from 5 % of its length on, p0 from its last 10 %
    (at least 10 periods), one point per period of ``frequency`` (Hz). (NaN, NaN) where the
    record does not allow the fit (too short, no return to the orbit).
    """
    period = 1 / abs(frequency)
    c = np.asarray(c)
    tail = max(0.1 * c.size * dt, 10 * period)
    try:
        local, _ = local_parameters(c, dt, int(0.05 * c.size), period, tail=tail)
    except (ValueError, np.linalg.LinAlgError):
        return math.nan, math.nan
    return local.frequency_shift, local.frequency_shift_error

"""Injection locking measured in a driven time series, and the input coupling κ fitted to it.

A drive at f_e enters the auto-oscillator equation as f(t) = F e^{-i 2π f_e t} with
F = κ · (drive amplitude) (PHYSICS.md section 7). The phase difference ψ = arg c + 2π f_e t
(``c ∝ e^{-iωt}``) then obeys Adler's equation

    dψ/dt = -2π (f_free - f_e) - 2π Δ_lock sin(ψ - ψ0),

so the oscillator locks (f = f_e) for |f_free - f_e| <= Δ_lock, and outside the plateau its
mean frequency is pulled towards f_e:

    f - f_e = sign(f_free - f_e) sqrt((f_free - f_e)^2 - Δ_lock^2).

Δ_lock = |F| √(1+ν²) / (2π √p0) (:meth:`compact.model.AutoOscillator.locking_range`), so a
measured half-width at a drive amplitude A gives κ = 2π Δ_lock √p0 / (A √(1+ν²)).

Δ_lock is measured by fitting Adler's equation itself to ψ(t) of all runs at one amplitude
(:func:`fit_adler`, linear least squares): near the plateau edge a beat period is longer than
any affordable run, so the mean frequency of a finite run (:func:`mean_frequency`) is shown
and compared (:func:`adler_window_frequency`) but not fitted.

Units: Hz, s, 1/s; κ in 1/(s·A/m) for an RF field, 1/(s·A) for an RF current.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "LockingFit",
    "adler_frequency",
    "adler_window_frequency",
    "driven_phases",
    "fit_adler",
    "fit_mutual",
    "input_coupling",
    "mean_frequency",
    "phase_difference",
]


def mean_frequency(c: np.ndarray, dt: float, drive_frequency: float,
                   start: int = 0) -> tuple[float, float]:
    """Mean frequency (Hz) of ``c`` (∝ e^{-iωt}, sampled every ``dt`` s) from sample
    ``start`` on, and the mean phase difference ψ (rad) to the drive e^{-i 2π f_e t}.

    The frequency is the drift of the unwrapped phase difference ψ between its first and last
    crossing of the same level modulo 2π (a whole number of phase slips, so the partial beat at
    the ends does not bias it); with fewer than two slips, the least-squares slope of ψ.
    """
    psi = phase_difference(c, dt, drive_frequency, start)
    t = (start + np.arange(psi.size)) * dt
    level = psi[0]
    slips = np.floor((psi - level) / (2 * math.pi))
    changes = np.nonzero(np.diff(slips))[0]
    if changes.size >= 2 and abs(slips[changes[-1] + 1] - slips[changes[0] + 1]) >= 1:
        first, last = changes[0] + 1, changes[-1] + 1
        drift = (psi[last] - psi[first]) / (t[last] - t[first])
    else:
        drift = np.polyfit(t - t.mean(), psi, 1)[0]
    mean_psi = float(np.angle(np.mean(np.exp(1j * psi))))
    return float(drive_frequency - drift / (2 * math.pi)), mean_psi


def adler_frequency(drive_frequency, free_frequency: float, half_width: float) -> np.ndarray:
    """Mean oscillator frequency (Hz) of Adler's equation at drive frequencies f_e (Hz)."""
    f_e = np.asarray(drive_frequency, dtype=float)
    detuning = free_frequency - f_e
    beat = np.sqrt(np.clip(detuning**2 - half_width**2, 0.0, None))
    return f_e + np.sign(detuning) * beat


@dataclass(frozen=True)
class LockingFit:
    """Adler's phase equation fitted to driven runs at one amplitude (:func:`fit_adler`)."""

    centre: float  #: free-running frequency in the drive's presence (Hz), the plateau centre
    centre_error: float  #: one standard error (Hz)
    half_width: float  #: Δ_lock (Hz)
    half_width_error: float  #: one standard error (Hz)
    phase: float  #: ψ0 (rad): f_inst = centre + Δ_lock sin(ψ - ψ0)
    residual_rms: float  #: rms of the instantaneous-frequency residuals (Hz)
    phase_error: float = math.nan  #: one standard error of ψ0 (rad)

    @property
    def edges(self) -> tuple[float, float]:
        """Plateau edges (Hz)."""
        return self.centre - self.half_width, self.centre + self.half_width

    def locked(self, drive_frequency) -> np.ndarray:
        """Whether drive frequencies (Hz) lie inside the plateau."""
        return np.abs(np.asarray(drive_frequency, dtype=float) - self.centre) <= self.half_width


def phase_difference(c: np.ndarray, dt: float, drive_frequency: float,
                     start: int = 0) -> np.ndarray:
    """Unwrapped ψ(t) = arg c + 2π f_e t (rad) from sample ``start`` on (c ∝ e^{-iωt})."""
    c = np.asarray(c)[start:]
    t = (start + np.arange(c.size)) * dt
    return np.unwrap(np.angle(c) + 2 * math.pi * drive_frequency * t)


def fit_adler(runs, dt: float, smoothing: int) -> LockingFit:
    """Fit Adler's equation to the phase difference of driven runs at one amplitude.

    The instantaneous frequency f_inst = f_e - (1/2π) dψ/dt of every run obeys
    f_inst = f_c + Δ sin(ψ - ψ0) = f_c + a sin ψ + b cos ψ: a linear least-squares problem for
    (f_c, a, b) over all runs, Δ = hypot(a, b). Locked runs (dψ/dt = 0) contribute their
    stationary phase, slipping runs (whole or partial slips) the shape of the curve, so
    runs shorter than a beat period still count. ψ and dψ/dt are averaged over ``smoothing``
    samples (one oscillation period: the orbit's ripple) and taken once per ``smoothing``
    samples, the points of the standard errors.

    Parameters
    ----------
    runs
        (ψ(t) from :func:`phase_difference`, f_e in Hz) per run.
    dt
        Sampling step (s).
    smoothing
        Samples per average (>= 1).
    """
    kernel = np.ones(max(1, int(smoothing))) / max(1, int(smoothing))
    rows, values = [], []
    for psi, f_e in runs:
        psi = np.asarray(psi, dtype=float)
        if psi.size < 3 * kernel.size:
            continue
        rate = np.convolve(np.gradient(psi, dt), kernel, mode="valid")
        phase = np.convolve(psi, kernel, mode="valid")
        step = kernel.size
        rate, phase = rate[::step], phase[::step]
        rows.append(np.column_stack([np.ones_like(phase), np.sin(phase), np.cos(phase)]))
        values.append(f_e - rate / (2 * math.pi))
    if not rows:
        raise ValueError("fit_adler: no run long enough to fit")
    design, target = np.vstack(rows), np.concatenate(values)
    if design.shape[0] < 4:
        raise ValueError(f"fit_adler: {design.shape[0]} points, need >= 4")
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    residual = target - design @ coef
    dof = max(design.shape[0] - 3, 1)
    variance = float(residual @ residual) / dof
    try:
        cov = np.linalg.inv(design.T @ design) * variance
    except np.linalg.LinAlgError:
        cov = np.full((3, 3), np.nan)
    f_c, a, b = (float(v) for v in coef)
    width = math.hypot(a, b)
    grad = np.array([a, b]) / width if width > 0 else np.array([np.nan, np.nan])
    width_error = float(np.sqrt(max(grad @ cov[1:, 1:] @ grad, 0.0)))
    # a sin ψ + b cos ψ = Δ sin(ψ - ψ0) with Δ cos ψ0 = a, -Δ sin ψ0 = b
    turn = np.array([b, -a]) / width**2 if width > 0 else np.array([np.nan, np.nan])
    phase_error = float(np.sqrt(max(turn @ cov[1:, 1:] @ turn, 0.0)))
    return LockingFit(f_c, float(np.sqrt(max(cov[0, 0], 0.0))), width, width_error,
                      float(math.atan2(-b, a)), float(np.sqrt(np.mean(residual**2))),
                      phase_error)


def fit_mutual(pairs, dt: float, smoothing: int, start: int = 0) -> LockingFit:
    """Adler's equation of two mutually coupled oscillators fitted to their phase difference.

    ``pairs``: (c1, c2, δ) per run, the complex amplitudes (c ∝ e^{-iωt}) sampled every
    ``dt`` (s) and the free detuning δ = f1 - f2 (Hz). With ψ = arg c1 - arg c2,
    -(1/2π) dψ/dt = f1 - f2, and (f1 - f2) - δ = f_c + Δ sin(ψ - ψ0): :func:`fit_adler` with
    f_e = -δ, from sample ``start`` on. Δ (``half_width``) is the pair's locking half-width in
    δ; the pair locks at ψ = ψ0 (``phase``; 0 in phase, π anti-phase).
    """
    runs = [(np.unwrap(np.angle(np.asarray(c1)[start:]) - np.angle(np.asarray(c2)[start:])),
             -float(detuning)) for c1, c2, detuning in pairs]
    return fit_adler(runs, dt, smoothing)


def adler_window_frequency(fit: LockingFit, drive_frequency: float, initial_phase: float,
                           duration: float) -> float:
    """Mean frequency (Hz) over ``duration`` (s) of Adler's equation with ``fit``, started at
    ψ = ``initial_phase``: what a finite run measures (compare :func:`mean_frequency`)."""
    from scipy.integrate import solve_ivp

    def rate(t, psi):
        return -2 * math.pi * (fit.centre - drive_frequency
                               + fit.half_width * np.sin(psi - fit.phase))

    solution = solve_ivp(rate, (0.0, duration), [initial_phase], rtol=1e-9, atol=1e-9)
    drift = (solution.y[0, -1] - initial_phase) / duration
    return float(drive_frequency - drift / (2 * math.pi))


def input_coupling(half_width, amplitude, stationary_power, nonlinearity) -> np.ndarray:
    """κ = 2π Δ_lock √p0 / (A √(1+ν²)): per unit drive amplitude A (1/s per unit of A).

    The inverse of :meth:`compact.model.AutoOscillator.locking_range` with F = κ A.
    """
    half_width = np.asarray(half_width, dtype=float)
    amplitude = np.asarray(amplitude, dtype=float)
    return (2 * math.pi * half_width * np.sqrt(stationary_power)
            / (np.abs(amplitude) * np.sqrt(1 + np.asarray(nonlinearity, dtype=float) ** 2)))


def driven_phases(model, current: float, drive_strength: complex, drive_frequencies,
                  duration: float, dt: float, settle: float,
                  initial_phase: float = 0.0) -> tuple[list, list]:
    """The compact model driven as a micromagnetic locking study drives its device.

    One run per drive frequency (Hz) of ``duration`` (s) from the stationary power at
    ``current`` (A) and arg c = ``initial_phase`` (rad; the drive's phase is 0 at t = 0, so
    this is ψ(0)), with F = ``drive_strength`` (1/s), T = 0, sampled every ``dt``; returns
    ((ψ after ``settle``, f_e) per run, mean frequency per run), the inputs of
    :func:`fit_adler` and the plateau: measured exactly as the micromagnetic runs are.
    """
    from compact.observables import complex_amplitude
    from compact.simulate import simulate

    start = int(round(settle / dt))
    runs, means = [], []
    for f_e in np.atleast_1d(np.asarray(drive_frequencies, dtype=float)):
        start_amplitude = math.sqrt(float(model.stationary_power(current))) * complex(
            math.cos(initial_phase), math.sin(initial_phase))
        result = simulate(model, current, duration, dt=dt, drive_amplitude=drive_strength,
                          drive_frequency=float(f_e), initial_amplitude=[start_amplitude])
        c = complex_amplitude(result, "auto-oscillator").values[0]
        runs.append((phase_difference(c, dt, float(f_e), start), float(f_e)))
        means.append(mean_frequency(c, dt, float(f_e), start=start)[0])
    return runs, means

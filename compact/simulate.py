"""Reference integrator of one Slavin–Tiberkevich auto-oscillator.

Integrates (PHYSICS.md section 2, ``c ∝ exp(-i ω t)``)::

    dc/dt = -i ω(p, I) c - Γ₊(p) c + Γ₋(p, I) c + F exp(-i 2π f_e t) + ξ(t)

and writes the time-series Dataset of DESIGN.md, so that synthetic data take the same road as
micromagnetic or measured data.

Numerics
--------
Exponential predictor–corrector (exponential Heun). Over one step ``h`` the linear rate
``L(p, I) = [Γ₋(p, I) - Γ₊(p)] - i ω(p, I)`` is frozen at the mean of its values at the start
and at a predicted end of the step, and the linear equation with the injected drive is then
solved exactly::

    c(t+h) = exp(L h) c(t) + F exp(-i ω_e (t+h)) h φ₁((L + i ω_e) h) + ΔW,   φ₁(z) = (eᶻ-1)/z

The carrier rotation is therefore exact whatever ``h``: a 10 GHz oscillator does not force a
tiny step; ``h`` is set by the slow rates (Γ_G ζ, Γ_G Q, |F|), and a stationary state
(``Re L = 0``) is reproduced exactly. The rates ω, Γ±, p0 and D are those of
:mod:`compact.rates`, inlined into the compiled loop. Thermal noise is additive,
``⟨ξ ξ*⟩ = 2 D δ(t - t')`` with D taken at the stationary power p0 of the instantaneous
current (the form of Slavin & Tiberkevich); it does not depend on ``c``, so Itô and
Stratonovich readings coincide. Its increment ``ΔW`` (complex Gaussian, ``E|ΔW|² = 2 D h``) is
drawn once per step and used in predictor and corrector alike. The inner loop is compiled with
numba.

The current is held constant over each output sample interval (zero-order hold), so a step in
current is represented exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numba
import numpy as np
import xarray as xr

from compact import rates
from compact.model import AutoOscillator

__all__ = ["simulate", "sweep", "suite_version"]

#: Largest product (slow rate × internal step) allowed by the default step choice.
_RATE_STEP = 0.05


def suite_version() -> str:
    """Version of the installed suite (``"0+unknown"`` from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stno-multiscale")
    except PackageNotFoundError:
        return "0+unknown"


@numba.njit(cache=True)
def _phi1(z: complex) -> complex:
    """φ₁(z) = (exp(z) - 1)/z, accurate near z = 0."""
    if abs(z) < 1e-4:
        return 1.0 + z / 2.0 + z * z / 6.0
    return (np.exp(z) - 1.0) / z


@numba.njit(cache=True)
def _rate(p, current, f0, N, df_dI, gamma_g, Q, I_th):
    """L(p, I) = Γ₋(p, I) - Γ₊(p) - i ω(p, I) (1/s), from :mod:`compact.rates`."""
    return complex(rates.net_gain(p, current, gamma_g, Q, I_th),
                   -rates.angular_frequency(p, current, f0, N, df_dI, I_th))


@numba.njit(cache=True)
def _integrate(
    c0, current, substeps, h, f0, N, df_dI, gamma_g, Q, I_th, temperature, mode_energy,
    drive, omega_e, seeds,
):  # pragma: no cover - compiled
    n_runs, n_samples = current.shape
    out = np.empty((n_runs, n_samples), dtype=np.complex128)
    for r in range(n_runs):
        np.random.seed(seeds[r])
        c = c0[r]
        out[r, 0] = c
        for k in range(1, n_samples):
            I = current[r, k - 1]
            p_stat = rates.stationary_power(I, Q, I_th)
            noise_std = math.sqrt(
                rates.thermal_diffusion(p_stat, gamma_g, Q, temperature, mode_energy) * h
            )
            for j in range(substeps):
                t_end = ((k - 1) * substeps + j + 1) * h
                dw = 0j
                if noise_std > 0.0:
                    dw = noise_std * complex(np.random.standard_normal(),
                                             np.random.standard_normal())
                forcing = 0j
                if drive != 0j:
                    forcing = drive * np.exp(-1j * omega_e * t_end) * h
                L0 = _rate(c.real**2 + c.imag**2, I, f0, N, df_dI, gamma_g, Q, I_th)
                pred = np.exp(L0 * h) * c + forcing * _phi1((L0 + 1j * omega_e) * h) + dw
                L1 = _rate(pred.real**2 + pred.imag**2, I, f0, N, df_dI, gamma_g, Q, I_th)
                Lm = 0.5 * (L0 + L1)
                c = np.exp(Lm * h) * c + forcing * _phi1((Lm + 1j * omega_e) * h) + dw
            out[r, k] = c
    return out


def _current_array(current, time: np.ndarray) -> tuple[np.ndarray, float]:
    """Current on the time grid (A) and its nominal (final) value."""
    n = time.size
    if callable(current):
        try:
            values = np.asarray(current(time), dtype=float)
        except (TypeError, ValueError):
            values = np.array([float(current(t)) for t in time])
        values = np.broadcast_to(values, (n,)).astype(float)
    else:
        values = np.asarray(current, dtype=float)
        if values.ndim == 0:
            values = np.full(n, float(values))
        elif values.shape != (n,):
            raise ValueError(
                f"current: an array must lie on the time grid, shape ({n},); got shape "
                f"{values.shape}. For a sweep over DC currents use compact.simulate.sweep"
            )
    if not np.all(np.isfinite(values)):
        raise ValueError("current: contains NaN or infinite values (A)")
    return values, float(values[-1])


def _default_dt(model: AutoOscillator, currents: np.ndarray, drive_frequency: float | None,
                samples_per_period: float) -> float:
    """Sample interval resolving the highest frequency the run can reach (s)."""
    detuning = np.max(np.abs(currents - model.I_th))
    f_max = abs(model.f0) + abs(model.N) + abs(model.df_dI) * detuning
    if drive_frequency is not None:
        f_max = max(f_max, abs(drive_frequency))
    return 1.0 / (samples_per_period * f_max)


def _default_substeps(model: AutoOscillator, currents: np.ndarray, dt: float,
                      drive_amplitude: complex) -> int:
    zeta = np.max(np.abs(currents / model.I_th))
    slow_rate = model.gamma_g * (1 + zeta + model.Q) + 10 * abs(drive_amplitude)
    return max(1, math.ceil(dt * slow_rate / _RATE_STEP))


def sweep(
    model: AutoOscillator,
    currents: Sequence[float] | np.ndarray | Sequence[Callable],
    duration: float,
    *,
    dt: float | None = None,
    samples_per_period: float = 8.0,
    substeps: int | None = None,
    drive_amplitude: complex = 0.0,
    drive_frequency: float | None = None,
    initial_power: float = 1e-4,
    initial_amplitude: complex | Sequence[complex] | None = None,
    temperature: float | None = None,
    seed: int | None = None,
) -> xr.Dataset:
    """Integrate one oscillator for each current of a sweep; one Dataset with dim ``current``.

    Parameters
    ----------
    model : AutoOscillator
        Device parameters.
    currents : sequence of float, or of (float | array | callable)
        One run per entry: a DC current (A), an array of currents on the time grid (A), or a
        callable ``I(t)`` of time (s) returning A. The ``current`` coordinate is the current at
        the end of each run (its DC value for a constant current).
    duration : float
        Length of each run (s).
    dt : float, optional
        Output sample interval (s). Default: ``1/(samples_per_period · f_max)`` with ``f_max``
        the highest frequency the model reaches in the run (p = 1) or the drive frequency.
    samples_per_period : float
        Samples per period of ``f_max`` for the default ``dt``.
    substeps : int, optional
        Integration steps per output sample. Default: enough that every slow rate times the
        step stays below 0.05 (the carrier rotation is exact and does not count).
    drive_amplitude : complex
        Amplitude ``F`` of the injected term ``F exp(-i 2π f_e t)`` (1/s). 0 for none.
    drive_frequency : float, optional
        Drive frequency ``f_e`` (Hz); required when ``drive_amplitude`` is non-zero.
    initial_power : float
        Initial power ``|c(0)|²`` (dimensionless), phase 0; the run rings up (or down) from it.
    initial_amplitude : complex or sequence of complex, optional
        Initial complex amplitude per run; overrides ``initial_power``.
    temperature : float, optional
        Temperature (K) of the thermal noise; default ``model.temperature``.
    seed : int, optional
        Seed of the noise; drawn at random and recorded in ``attrs["seed"]`` if omitted. Each
        run gets its own stream spawned from it.

    Returns
    -------
    xarray.Dataset
        Dims ``current`` and ``time``; ``mx``, ``my`` = Re c, Im c; ``mz`` = √max(0, 1-p)
        (completes a unit vector; not used by :mod:`compact`); ``drive_current`` (A) on the
        time grid; attrs per DESIGN.md, ``device`` the model JSON of type ``"auto-oscillator"``.
    """
    if not isinstance(model, AutoOscillator):
        raise TypeError(f"model: expected an AutoOscillator, got {type(model).__name__}")
    if not (np.isfinite(duration) and duration > 0):
        raise ValueError(f"duration = {duration!r}: must be > 0 s")
    if drive_amplitude != 0 and drive_frequency is None:
        raise ValueError("drive_frequency: required (Hz) when drive_amplitude is non-zero")
    if isinstance(currents, int | float | np.floating) or callable(currents):
        currents = [currents]
    currents = list(currents)
    if not currents:
        raise ValueError("currents: empty; give at least one current (A)")
    temperature = model.temperature if temperature is None else float(temperature)
    if temperature < 0:
        raise ValueError(f"temperature = {temperature!r}: must be >= 0 K")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**63)
    seed = int(seed)

    if dt is None:
        # currents on a provisional grid, only to find their range
        probe_time = np.linspace(0.0, duration, 257)
        probe = np.concatenate([
            np.ravel(c) if isinstance(c, np.ndarray) else _current_array(c, probe_time)[0]
            for c in currents
        ])
        dt = _default_dt(model, probe, drive_frequency, samples_per_period)
    if not (np.isfinite(dt) and 0 < dt < duration):
        raise ValueError(f"dt = {dt!r}: must be > 0 s and shorter than duration {duration} s")
    n_samples = int(round(duration / dt)) + 1
    time = np.arange(n_samples) * dt
    waveforms, nominal = zip(*(_current_array(c, time) for c in currents), strict=True)
    waveform = np.ascontiguousarray(np.stack(waveforms))
    drive_amplitude = complex(drive_amplitude)
    if substeps is None:
        substeps = _default_substeps(model, waveform, dt, drive_amplitude)
    substeps = int(substeps)
    if substeps < 1:
        raise ValueError(f"substeps = {substeps}: must be >= 1")

    if initial_amplitude is None:
        c0 = np.full(len(currents), math.sqrt(initial_power), dtype=complex)
    else:
        c0 = np.broadcast_to(np.asarray(initial_amplitude, dtype=complex), (len(currents),))
        c0 = np.array(c0)
    run_seeds = np.array(
        [s.generate_state(1)[0] for s in np.random.SeedSequence(seed).spawn(len(currents))],
        dtype=np.int64,
    )
    omega_e = 0.0 if drive_frequency is None else 2 * math.pi * float(drive_frequency)
    c = _integrate(
        c0, waveform, substeps, dt / substeps, model.f0, model.N, model.df_dI, model.gamma_g,
        model.Q, model.I_th, temperature, model.mode_energy, drive_amplitude,
        omega_e, run_seeds,
    )
    power = c.real**2 + c.imag**2
    dims = ("current", "time")
    ds = xr.Dataset(
        {
            "mx": (dims, c.real, {"units": "1", "long_name": "Re c, complex amplitude"}),
            "my": (dims, c.imag, {"units": "1", "long_name": "Im c, complex amplitude"}),
            "mz": (dims, np.sqrt(np.maximum(0.0, 1.0 - power)),
                   {"units": "1", "long_name": "sqrt(max(0, 1 - |c|^2)), completes a unit "
                    "vector; not used by compact"}),
            "drive_current": (dims, waveform, {"units": "A", "long_name": "current I(t)"}),
        },
        coords={
            "current": ("current", np.array(nominal),
                        {"units": "A", "long_name": "current at the end of the run"}),
            "current_density": ("current", np.full(len(currents), np.nan),
                                {"units": "A/m^2",
                                 "long_name": "not defined for a compact model"}),
            "time": ("time", time, {"units": "s"}),
        },
        attrs={
            "device": model.to_json(),
            "engine": "compact",
            "engine_version": suite_version(),
            "suite_version": suite_version(),
            "cell_size": "n/a (auto-oscillator model)",
            "temperature": temperature,
            "seed": seed,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "integrator": "exponential Heun, exact carrier rotation, additive noise",
            "substeps": substeps,
            "drive_amplitude_re": drive_amplitude.real,
            "drive_amplitude_im": drive_amplitude.imag,
            "drive_frequency": np.nan if drive_frequency is None else float(drive_frequency),
        },
    )
    return ds


def simulate(
    model: AutoOscillator,
    current: float | np.ndarray | Callable[[np.ndarray], np.ndarray],
    duration: float,
    **options,
) -> xr.Dataset:
    """Integrate one oscillator driven by one current: constant, on the time grid, or ``I(t)``.

    Parameters
    ----------
    model : AutoOscillator
        Device parameters.
    current : float, array or callable
        DC current (A); an array of currents on the output time grid (A), which needs ``dt``
        so the grid is known (``n = round(duration/dt) + 1`` samples); or a callable ``I(t)``
        of time (s) returning A.
    duration : float
        Length of the run (s).
    **options
        As for :func:`sweep` (``dt``, ``drive_amplitude``, ``drive_frequency``, ``seed``, ...).

    Returns
    -------
    xarray.Dataset
        The time-series Dataset with a ``current`` dimension of length 1.
    """
    if isinstance(current, np.ndarray) and current.ndim == 1 and options.get("dt") is None:
        raise ValueError("current: an array on the time grid needs dt (s) to fix the grid")
    return sweep(model, [current], duration, **options)

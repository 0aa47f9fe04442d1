"""Numba simulator of coupled spin-torque auto-oscillators driven by external RF sources.

Each oscillator ``j`` obeys the Slavin–Tiberkevich equation of its own
:class:`compact.model.AutoOscillator` record (PHYSICS.md section 2, ``c ∝ exp(-i ω t)``)::

    dc_j/dt = -i ω_j(p_j, I_j) c_j - Γ₊_j(p_j) c_j + Γ₋_j(p_j, I_j) c_j
              + Σ_k F_k exp(-i (ω_k t + ψ_k))          (K external sources)
              + Σ_l K_jl c_l                            (coupling, complex matrix)
              + ξ_j(t)                                  (thermal noise, ⟨ξ ξ*⟩ = 2 D_j δ)

with the rates ω, Γ±, p0 and the diffusion ``D_j`` of :mod:`compact.rates` (D at the stationary
power of its current, as in :mod:`compact.simulate`). Source ``k`` has frequency
``f_k = ω_k/2π`` (Hz), amplitude ``F_k`` (1/s) and phase ``ψ_k`` (rad), each per sample.

Numerics
--------
The state is integrated in a frame rotating at a reference frequency ``f_ref`` (the middle of
the source and oscillator frequencies), ``a = c exp(i ω_ref t)``, with the exponential
predictor–corrector of :mod:`compact.simulate`: over a step ``h`` the linear rate
``L = Γ₋ - Γ₊ - i (ω - ω_ref)`` is frozen at the mean of its start and predicted-end values and
the linear equation is solved exactly, each source term included exactly through
``φ₁((L + i Δω_k) h)``. The coupling term varies at the (slow) frequency differences in this
frame and is taken as the mean of its start and predicted-end values (trapezoid). So the step is
set by the slow rates (Γ_p, |F|, |K|, detunings), not by the ~GHz carrier: the default 0.5 ns
agrees with a ten-times-finer step to better than 10 kHz in every mean frequency
(``tests/physics/test_network_locking.py``).

Noise increments are complex Gaussians with ``E|ΔW|² = 2 D h``, drawn once per step and used in
predictor and corrector alike; each sample has its own stream seeded from ``seed``, so results
do not depend on the number of threads.

Readout quantities (over the last ``readout_window`` of each run), with the phase of an
oscillator ``φ_j = -arg c_j`` (it grows at ``+ω``) and of a source ``φ_k = ω_k t + ψ_k``:

- ``frequency[s, j]``: mean frequency ``Δφ_j / (2π T)`` (Hz);
- ``source_order[s, j, k]``: ``|⟨exp i(φ_j - φ_k)⟩|``, 1 for a fixed phase difference;
- ``source_slip[s, j, k]``: range (max - min) of the unwrapped ``φ_j - φ_k`` in cycles;
- ``pair_order`` and ``pair_slip`` likewise between oscillators (optional).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from compact import rates
from compact.model import AutoOscillator

__all__ = ["NetworkResponse", "simulate", "electrical_coupling", "oscillator_arrays"]

TWO_PI = 2.0 * math.pi
#: LLVM fast-math flags: contraction and reassociation, reciprocal division (complex division
#: then needs no special-case branches); NaN and infinity handling kept (the readout's running
#: minima start at ±inf)
FASTMATH = {"contract", "reassoc", "arcp", "nsz", "afn"}


# ---------------------------------------------------------------------------- kernel
@numba.njit(cache=True, inline="always", fastmath=FASTMATH)
def _phi1_series(z):
    """φ₁(z) = (exp(z) - 1)/z = Σ zⁿ/(n+1)! to z⁶: relative error < 3e-12 for |z| < 0.1."""
    z2 = z * z  # Estrin's scheme: short dependency chains
    return ((1.0 + 0.5 * z) + z2 * ((1 / 6) + (1 / 24) * z)
            + (z2 * z2) * ((1 / 120) + (1 / 720) * z + (1 / 5040) * z2))


@numba.njit(cache=True, inline="always", fastmath=FASTMATH)
def _is_small(z):
    """|z| < 0.1, where φ₁'s series is used instead of (exp(z) - 1)/z."""
    return z.real * z.real + z.imag * z.imag < 0.01


@numba.njit(cache=True, inline="always", fastmath=FASTMATH)
def _cexp(z):
    """exp(z) for complex z."""
    magnitude = math.exp(z.real)
    return complex(magnitude * math.cos(z.imag), magnitude * math.sin(z.imag))


@numba.njit(cache=True, inline="always", fastmath=FASTMATH)
def _step(a, lin, coupling_term, noise, h, src_amp, rot, src_domega, ahead):
    """One exponential step of ``da/dt = L a + coupling_term + Σ_k F_k rot_k(t)`` + noise.

    exp(L h) a + h φ₁(L h) coupling_term + noise + Σ_k F_k rot_k h φ₁((L + iΔω_k) h). With
    the step resolving the slow rates |L h| is small and φ₁ comes from its series, exp(L h) =
    1 + L h φ₁(L h), with no transcendental function; otherwise from exp(L h) and
    exp((L + iΔω_k) h) = exp(L h) · ahead_k, one complex exponential per call.
    """
    z = lin * h
    if _is_small(z):
        phi = _phi1_series(z)
        exp_z = 1.0 + z * phi
    else:
        exp_z = _cexp(z)
        phi = (exp_z - 1.0) / z
    x = exp_z * a + h * phi * coupling_term + noise
    for k in range(rot.shape[0]):
        zk = z + 1j * (src_domega[k] * h)
        if zk.real * zk.real + zk.imag * zk.imag < 1e-6:  # |zk| < 1e-3: series to zk³
            phi_k = 1.0 + zk * (0.5 + zk * (1 / 6 + zk * (1 / 24)))
        else:  # relative error <= (error of exp_z, < 3e-13)/|zk| < 3e-10
            phi_k = (exp_z * ahead[k] - 1.0) / zk
        x += src_amp[k] * rot[k] * h * phi_k
    return x


@numba.njit(cache=True, inline="always", fastmath=FASTMATH)
def _turn_angle(turn):
    """arg(turn) (rad); for the small turns of one step from the series of atan(im/re)
    (|im/re| < 0.1: error < 1e-14), else atan2."""
    re, im = turn.real, turn.imag
    if re > 0.0 and abs(im) < 0.1 * re:
        x = im / re
        x2 = x * x
        return x * (1.0 - x2 * (1 / 3 - x2 * (0.2 - x2 * (1 / 7 - x2 * (1 / 9 - x2 * (1 / 11))))))
    return math.atan2(im, re)


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH)
def _integrate(
    a0, rate_at_zero, rate_slope, noise_std,
    src_domega, src_amp, src_phase, indptr, indices, weights,
    omega_ref, h, n_steps, n_readout, trace_every, pairs, seeds,
    frequency, src_order, src_slip, pair_order, pair_slip, trace_phase, trace_power,
):  # pragma: no cover - compiled
    n_samples, n_osc = rate_at_zero.shape
    n_src = src_domega.shape[1]
    start = n_steps - n_readout
    for s in numba.prange(n_samples):
        np.random.seed(seeds[s])
        a = a0[s].copy()
        pred = np.empty(n_osc, np.complex128)
        new = np.empty(n_osc, np.complex128)
        c0 = np.empty(n_osc, np.complex128)
        c1 = np.empty(n_osc, np.complex128)
        lin0 = np.empty(n_osc, np.complex128)
        dw = np.empty(n_osc, np.complex128)
        rot = np.empty(n_src, np.complex128)
        turn_src = np.empty(n_src, np.complex128)
        ahead = np.empty(n_src, np.complex128)
        amp = src_amp[s]
        domega = src_domega[s]
        for k in range(n_src):  # source phasors exp(-i(Δω_k t + ψ_k)), advanced per step
            rot[k] = np.exp(-1j * src_phase[s, k])
            turn_src[k] = np.exp(-1j * src_domega[s, k] * h)
            ahead[k] = np.conj(turn_src[k])
        unwrapped = np.zeros(n_osc)
        u_start = np.zeros(n_osc)
        sum_src = np.zeros((n_osc, n_src), np.complex128)
        min_src = np.full((n_osc, n_src), np.inf)
        max_src = np.full((n_osc, n_src), -np.inf)
        sum_pair = np.zeros((n_osc, n_osc), np.complex128)
        min_pair = np.full((n_osc, n_osc), np.inf)
        max_pair = np.full((n_osc, n_osc), -np.inf)
        for j in range(n_osc):
            unwrapped[j] = math.atan2(a[j].imag, a[j].real)
        n_trace = 0
        for n in range(n_steps):
            t_end = (n + 1) * h
            for k in range(n_src):
                rot[k] *= turn_src[k]
            # coupling at the start of the step
            for j in range(n_osc):
                acc = 0j
                for m in range(indptr[j], indptr[j + 1]):
                    acc += weights[m] * a[indices[m]]
                c0[j] = acc
                if noise_std[s, j] > 0.0:
                    dw[j] = noise_std[s, j] * complex(
                        np.random.standard_normal(), np.random.standard_normal()
                    )
                else:
                    dw[j] = 0j
            # predictor
            for j in range(n_osc):
                p = a[j].real ** 2 + a[j].imag ** 2
                lin0[j] = rate_at_zero[s, j] - p * rate_slope[s, j]
                pred[j] = _step(a[j], lin0[j], c0[j], dw[j], h, amp, rot, domega, ahead)
            # corrector: rate and coupling as the mean of their start and predicted values
            for j in range(n_osc):
                acc = 0j
                for m in range(indptr[j], indptr[j + 1]):
                    acc += weights[m] * pred[indices[m]]
                c1[j] = acc
            for j in range(n_osc):
                p = pred[j].real ** 2 + pred[j].imag ** 2
                lin = 0.5 * (lin0[j] + rate_at_zero[s, j] - p * rate_slope[s, j])
                new[j] = _step(a[j], lin, 0.5 * (c0[j] + c1[j]), dw[j], h, amp, rot, domega,
                               ahead)
            # phase bookkeeping: u_j = arg a_j unwrapped (φ_j = ω_ref t - u_j), needed only
            # in the readout window unless traces are kept
            unwrap = trace_every > 0 or n + 1 > start
            for j in range(n_osc):
                if unwrap:
                    unwrapped[j] += _turn_angle(new[j] * np.conj(a[j]))
                a[j] = new[j]
            if n + 1 == start:
                for j in range(n_osc):
                    if trace_every == 0:
                        unwrapped[j] = math.atan2(a[j].imag, a[j].real)
                    u_start[j] = unwrapped[j]
            if n + 1 > start:
                for j in range(n_osc):
                    norm = math.sqrt(a[j].real ** 2 + a[j].imag ** 2)
                    unit = np.conj(a[j]) * (1.0 / norm) if norm > 0.0 else 0j
                    for k in range(n_src):
                        # φ_j - φ_k = -Δω_k t - u_j - ψ_k
                        theta = -src_domega[s, k] * t_end - unwrapped[j] - src_phase[s, k]
                        sum_src[j, k] += unit * rot[k]
                        min_src[j, k] = min(min_src[j, k], theta)
                        max_src[j, k] = max(max_src[j, k], theta)
                    if pairs:
                        for m in range(n_osc):
                            theta = unwrapped[m] - unwrapped[j]
                            other = abs(a[m])
                            if norm > 0.0 and other > 0.0:
                                sum_pair[j, m] += unit * a[m] / other
                            min_pair[j, m] = min(min_pair[j, m], theta)
                            max_pair[j, m] = max(max_pair[j, m], theta)
            if trace_every > 0 and (n + 1) % trace_every == 0:
                for j in range(n_osc):
                    trace_phase[s, j, n_trace] = omega_ref * t_end - unwrapped[j]
                    trace_power[s, j, n_trace] = a[j].real ** 2 + a[j].imag ** 2
                n_trace += 1
        window = n_readout * h
        for j in range(n_osc):
            frequency[s, j] = (omega_ref - (unwrapped[j] - u_start[j]) / window) / TWO_PI
            for k in range(n_src):
                src_order[s, j, k] = abs(sum_src[j, k]) / n_readout
                src_slip[s, j, k] = (max_src[j, k] - min_src[j, k]) / TWO_PI
            if pairs:
                for m in range(n_osc):
                    pair_order[s, j, m] = abs(sum_pair[j, m]) / n_readout
                    pair_slip[s, j, m] = (max_pair[j, m] - min_pair[j, m]) / TWO_PI


# ---------------------------------------------------------------------------- Python side
@dataclass(frozen=True)
class NetworkResponse:
    """What one batch of runs returns (arrays over samples ``S``, oscillators ``N``, sources
    ``K``).

    Attributes
    ----------
    frequency : (S, N) mean frequency over the readout window (Hz).
    source_frequency : (S, K) source frequencies (Hz).
    source_order : (S, N, K) phase-locking index ``|⟨exp i(φ_j - φ_k)⟩|`` (1).
    source_slip : (S, N, K) range of the unwrapped phase difference to each source (cycles).
    pair_order, pair_slip : (S, N, N) the same between oscillators (NaN when not computed).
    readout_window : length of the readout window (s).
    step : integration step (s).
    trace_time : (T,) times of the decimated traces (s), empty when none were asked for.
    trace_phase : (S, N, T) oscillator phases ``φ_j = -arg c_j`` (rad, unwrapped).
    trace_power : (S, N, T) oscillator powers ``|c_j|²`` (1).
    """

    frequency: np.ndarray
    source_frequency: np.ndarray
    source_order: np.ndarray
    source_slip: np.ndarray
    pair_order: np.ndarray
    pair_slip: np.ndarray
    readout_window: float
    step: float
    trace_time: np.ndarray = field(default_factory=lambda: np.empty(0))
    trace_phase: np.ndarray = field(default_factory=lambda: np.empty((0, 0, 0)))
    trace_power: np.ndarray = field(default_factory=lambda: np.empty((0, 0, 0)))


def oscillator_arrays(oscillators: Sequence[AutoOscillator]) -> dict[str, np.ndarray]:
    """The fields of the records as float arrays, one entry per oscillator."""
    names = ("f0", "N", "df_dI", "gamma_g", "Q", "I_th", "mode_energy", "temperature")
    return {name: np.array([getattr(o, name) for o in oscillators], float) for name in names}


def electrical_coupling(n_oscillators: int, strength: float, phase: float = 0.0) -> np.ndarray:
    """Coupling matrix of oscillators wired in series (1/s, complex, zero diagonal).

    The microwave current each oscillator emits flows through all the others and drives them
    like an injected signal proportional to its amplitude, ``K_jl = Ω exp(iβ)`` for ``j ≠ l``
    (Romera et al. 2018: electrical coupling through the emitted currents). ``Ω`` (1/s) sets
    the mutual locking range, ``β`` (rad) the phase delay of the circuit.
    """
    if n_oscillators < 1:
        raise ValueError(f"n_oscillators = {n_oscillators!r}: must be >= 1")
    if not (np.isfinite(strength) and strength >= 0):
        raise ValueError(f"coupling strength = {strength!r}: must be >= 0 (1/s)")
    matrix = np.full((n_oscillators, n_oscillators), strength * np.exp(1j * phase), complex)
    np.fill_diagonal(matrix, 0.0)
    return matrix


def _csr(coupling, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(indptr, indices, weights) of a dense array or scipy.sparse coupling matrix."""
    if coupling is None:
        return np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0, complex)
    if hasattr(coupling, "tocsr"):
        matrix = coupling.tocsr()
        matrix.sum_duplicates()
        if matrix.shape != (n, n):
            raise ValueError(f"coupling: shape {matrix.shape}, expected ({n}, {n})")
        return (matrix.indptr.astype(np.int64), matrix.indices.astype(np.int64),
                matrix.data.astype(complex))
    dense = np.asarray(coupling, dtype=complex)
    if dense.shape != (n, n):
        raise ValueError(f"coupling: shape {dense.shape}, expected ({n}, {n})")
    if not np.all(np.isfinite(dense)):
        raise ValueError("coupling: contains NaN or infinite values (1/s)")
    rows, cols = np.nonzero(dense)
    indptr = np.zeros(n + 1, np.int64)
    np.add.at(indptr, rows + 1, 1)
    return np.cumsum(indptr), cols.astype(np.int64), dense[rows, cols]


def _per_sample(values, n_samples: int, width: int, name: str, unit: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim <= 1:
        array = np.broadcast_to(array, (n_samples, width))
    if array.shape != (n_samples, width):
        raise ValueError(
            f"{name}: shape {np.shape(values)}; expected ({width},) or ({n_samples}, {width})"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: contains NaN or infinite values ({unit})")
    array = np.ascontiguousarray(array)
    # a read-only input (a broadcast view, an xarray's values) would make numba compile a
    # second specialization of ``_integrate`` (~8 s from an empty cache): pass a writable copy
    return array if array.flags.writeable else array.copy()


def simulate(
    oscillators: Sequence[AutoOscillator],
    current,
    source_frequency,
    source_amplitude,
    source_phase=None,
    coupling=None,
    *,
    duration: float = 1.5e-6,
    readout_window: float = 1.0e-6,
    step: float = 0.5e-9,
    seed: int = 0,
    reference_frequency: float | None = None,
    trace_interval: float | None = None,
    pairs: bool = True,
    initial_phase=None,
) -> NetworkResponse:
    """Integrate a batch of samples of the driven, coupled network.

    Parameters
    ----------
    oscillators : sequence of AutoOscillator
        One record per oscillator (devices may differ).
    current : (N,) or (S, N) array
        DC current of each oscillator (A), shared by all samples or per sample.
    source_frequency : (S, K) array
        Frequency of each source in each sample (Hz). ``S`` is taken from it.
    source_amplitude : (K,) or (S, K) array
        Amplitude ``F_k`` of each source's injected term (1/s).
    source_phase : (K,) or (S, K) array, optional
        Phase ``ψ_k`` of each source (rad); default 0.
    coupling : (N, N) complex array or scipy.sparse matrix, optional
        ``K_jl`` (1/s); term ``Σ_l K_jl c_l`` in oscillator ``j``'s equation. Default none.
    duration : float
        Length of each run (s); it starts from the free-running stationary power with a
        random phase.
    readout_window : float
        Final part of the run over which the readout quantities are averaged (s).
    step : float
        Integration step (s).
    seed : int
        Seed of the initial phases and the thermal noise.
    reference_frequency : float, optional
        Frequency of the rotating frame (Hz); default the mean source frequency.
    trace_interval : float, optional
        Keep phase and power every ``trace_interval`` (s), rounded to a whole number of steps.
    pairs : bool
        Compute oscillator–oscillator locking indicators (cost ∝ N² per step).
    initial_phase : (N,) or (S, N) array, optional
        Initial phases ``-arg c_j`` (rad) instead of random ones.
    """
    if len(oscillators) == 0:
        raise ValueError("oscillators: need at least one AutoOscillator")
    for o in oscillators:
        if not isinstance(o, AutoOscillator):
            raise TypeError(f"oscillators: expected AutoOscillator records, got {type(o)}")
    params = oscillator_arrays(oscillators)
    n_osc = len(oscillators)
    freq = np.asarray(source_frequency, dtype=float)
    if freq.ndim != 2:
        raise ValueError(f"source_frequency: shape {freq.shape}; expected (samples, sources)")
    n_samples, n_src = freq.shape
    freq = _per_sample(freq, n_samples, n_src, "source_frequency", "Hz")
    amp = _per_sample(source_amplitude, n_samples, n_src, "source_amplitude", "1/s")
    phase = _per_sample(0.0 if source_phase is None else source_phase, n_samples, n_src,
                        "source_phase", "rad")
    cur = _per_sample(current, n_samples, n_osc, "current", "A")
    for name, value in (("duration", duration), ("readout_window", readout_window),
                        ("step", step)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} = {value!r}: must be > 0 (s)")
    if readout_window > duration:
        raise ValueError(f"readout_window = {readout_window!r}: must be <= duration "
                         f"{duration!r} (s)")
    n_steps = int(round(duration / step))
    n_readout = max(1, int(round(readout_window / step)))
    if reference_frequency is None:
        reference_frequency = float(np.mean(freq)) if n_src else float(np.mean(params["f0"]))
    omega_ref = TWO_PI * reference_frequency

    # stationary power of each oscillator's current: initial state and noise strength
    p0 = rates.stationary_power(cur, params["Q"], params["I_th"])
    diffusion = rates.thermal_diffusion(p0, params["gamma_g"], params["Q"],
                                        params["temperature"], params["mode_energy"])
    noise_std = np.sqrt(diffusion * step)

    sequence = np.random.SeedSequence(seed)
    phase_rng, kernel_rng = (np.random.default_rng(s) for s in sequence.spawn(2))
    if initial_phase is None:
        start_phase = phase_rng.uniform(0, TWO_PI, (n_samples, n_osc))
    else:
        start_phase = _per_sample(initial_phase, n_samples, n_osc, "initial_phase", "rad")
    a0 = np.sqrt(np.maximum(p0, 1e-4)) * np.exp(-1j * start_phase)
    seeds = kernel_rng.integers(0, 2**31 - 1, n_samples)

    indptr, indices, weights = _csr(coupling, n_osc)
    trace_every = 0
    n_trace = 0
    if trace_interval is not None:
        trace_every = max(1, int(round(trace_interval / step)))
        n_trace = n_steps // trace_every
    shape_pairs = (n_samples, n_osc, n_osc) if pairs else (0, 0, 0)
    frequency = np.empty((n_samples, n_osc))
    src_order = np.empty((n_samples, n_osc, n_src))
    src_slip = np.empty((n_samples, n_osc, n_src))
    pair_order = np.empty(shape_pairs)
    pair_slip = np.empty(shape_pairs)
    trace_phase = np.empty((n_samples, n_osc, n_trace))
    trace_power = np.empty((n_samples, n_osc, n_trace))
    # L(p) = Γ₋ - Γ₊ - i(ω - ω_ref) = rate_at_zero - p rate_slope, per sample and oscillator
    rate_at_zero, rate_slope = rates.rate_coefficients(
        cur, params["f0"], params["N"], params["df_dI"], params["gamma_g"], params["Q"],
        params["I_th"],
    )
    rate_at_zero = rate_at_zero + 1j * omega_ref  # in the frame rotating at ω_ref
    _integrate(
        a0, np.ascontiguousarray(rate_at_zero), np.ascontiguousarray(rate_slope), noise_std,
        TWO_PI * freq - omega_ref, amp, phase,
        indptr, indices, weights, omega_ref, step, n_steps, n_readout, trace_every,
        pairs, seeds, frequency, src_order, src_slip, pair_order, pair_slip,
        trace_phase, trace_power,
    )
    if not pairs:
        pair_order = np.full((n_samples, n_osc, n_osc), np.nan)
        pair_slip = np.full((n_samples, n_osc, n_osc), np.nan)
    return NetworkResponse(
        frequency=frequency,
        source_frequency=freq,
        source_order=src_order,
        source_slip=src_slip,
        pair_order=pair_order,
        pair_slip=pair_slip,
        readout_window=n_readout * step,
        step=step,
        trace_time=(np.arange(1, n_trace + 1) * trace_every * step),
        trace_phase=trace_phase,
        trace_power=trace_power,
    )

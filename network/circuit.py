"""Oscillators in series with a load: the RF current they emit and the coupling it makes.

The circuit (PHYSICS.md section 7; Romera et al., Nature 563, 230 (2018), four vortex
oscillators in series): N magnetoresistive oscillators in series; oscillator l carries the
DC current I_l (its own source through a bias tee, or one source for all); the RF loop is
closed through the load R_L (the readout, e.g. 50 Ω) by the bias tees' capacitors, whose
impedance at the oscillation frequency is neglected, as are the lines' reactances. All
quantities SI.

Derivation (first order in the resistance oscillations, rotating-wave approximation), in the
suite's conventions (complex amplitude c ∝ exp(-iωt), dc/dt = ... + f(t)):

1. Each oscillator's resistance R_l(t) = R_l0 + δR_l(t), δR_l = Re[r_l c_l(t)], with r_l the
   complex resistance coefficient (Ω per unit amplitude) that :func:`compact.resistance.
   resistance_oscillation` measures in micromagnetics and
   :attr:`compact.model.AutoOscillator.resistance_coefficient` carries (|r| √p is the ΔR_rf
   of the device at power p; a perpendicular reference layer gives r = 0: it emits nothing).
2. Oscillator l then emits the RF voltage v_l = I_l δR_l(t). The DC sources are ideal
   (infinite RF impedance), so the RF current i(t) is the same in every element of the loop,
   and Kirchhoff's voltage law round the loop, to first order (δR_l i is second order), gives
       i(t) = -Σ_l I_l δR_l(t) / R_loop,   R_loop = R_L + Σ_l R_l0.
3. With complex amplitudes, i(t) = Re[Î(t)] and Î(t) = -(1/R_loop) Σ_l I_l r_l c_l(t).
4. An RF current I_rf cos(ωt + ψ) drives oscillator j as f_j = κ_j I_rf exp(-i(ωt + ψ)) (the
   input coupling κ_I of :class:`compact.model.AutoOscillator`, 1/(s A)), i.e. f_j = κ_j Î for
   Î = I_rf exp(-i(ωt + ψ)). So f_j = Σ_l K_jl c_l with the coupling matrix
       K_jl = -κ_j I_l r_l / R_loop   (1/s).
   κ_j is complex: its phase is where on the orbit an RF current pushes the oscillator.
   |κ| comes from the width of a locking plateau, arg κ from the phase at which the device
   locks (:func:`multiscale.coupling_calibration.calibrate_coupling`: the micromagnetic
   locked phase minus the compact model's with a real κ); a model without
   ``kappa_current_phase`` is taken with arg κ = 0, an ASSUMPTION on which the phase of K
   rests (it decides between in-phase and anti-phase mutual locking and whether K_jj adds
   gain or shifts the frequency).
   ``benchmarks/mutual_locking.py`` checks K against two devices simulated together in
   series (:mod:`micromag.engines.builtin.series`).
   A delay τ between the oscillators (a transmission line) multiplies the off-diagonal K_jl
   by exp(i 2π f τ) at the oscillation frequency f.
5. The diagonal: each oscillator also drives itself with the current it emits. K_jj c_j adds
   Re K_jj to its gain and -Im K_jj to its angular frequency: a property of the circuit that a
   calibration of the isolated device does not contain; ``self_coupling=False`` drops it (as the
   network's free ``electrical_coupling`` does).

The power the oscillators deliver into the load is |Î|² R_L / 2 (for one frequency).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compact.model import AutoOscillator

__all__ = ["SeriesCircuit", "coupling_matrix", "emitted_current", "load_power",
           "loop_resistance", "mutual_coupling"]


def _vector(value, n: int, name: str, unit: str, complex_ok: bool = False) -> np.ndarray:
    if not complex_ok and np.iscomplexobj(value):
        raise ValueError(f"{name} = {value!r}: must be real ({unit})")
    array = np.asarray(value, dtype=complex if complex_ok else float)
    if array.ndim == 0:
        array = np.full(n, array)
    if array.shape != (n,):
        raise ValueError(f"{name}: shape {np.shape(value)}; expected one value or ({n},) ({unit})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} = {value!r}: must be finite ({unit})")
    return array


#: longest delay between the oscillators (s): 300 m of cable; a longer one is a typo, and its
#: phase 2π f τ would lose every digit
MAX_DELAY = 1e-6


def _check_load(load_resistance: float) -> None:
    if not (math.isfinite(load_resistance) and load_resistance >= 0):
        raise ValueError(f"load_resistance = {load_resistance!r}: must be >= 0 (ohm)")


def _check_delay(delay: float) -> None:
    if not (math.isfinite(delay) and 0 <= delay <= MAX_DELAY):
        raise ValueError(f"delay = {delay!r}: must be 0 ... {MAX_DELAY:g} s")


def loop_resistance(resistance, load_resistance: float) -> float:
    """R_loop = R_L + Σ R_l0 (Ω) of the RF loop."""
    resistance = np.asarray(resistance, float)
    if not (np.all(np.isfinite(resistance)) and np.all(resistance >= 0)):
        raise ValueError(f"resistance = {resistance.tolist()!r}: must be >= 0 (ohm)")
    _check_load(load_resistance)
    total = float(load_resistance + resistance.sum())
    if total <= 0:
        raise ValueError("load_resistance and resistance are all 0: the RF loop is a short "
                         "circuit without resistance; give R_L or the devices' R0 (ohm)")
    return total


def emitted_current(dc_current, resistance, resistance_coefficient, amplitude,
                    load_resistance: float = 50.0) -> np.ndarray:
    """Complex amplitude Î (A) of the RF loop current, i(t) = Re[Î]: Î = -Σ_l I_l r_l c_l / R_loop.

    Parameters
    ----------
    dc_current : (N,) or scalar
        DC current I_l through each oscillator (A).
    resistance : (N,)
        R_l0 (Ω).
    resistance_coefficient : (N,) complex
        r_l (Ω per unit amplitude).
    amplitude : (..., N) complex
        The oscillators' complex amplitudes c_l (at one time, or a time series along axis 0).
    load_resistance : float
        R_L (Ω).
    """
    amplitude = np.asarray(amplitude, complex)
    if amplitude.ndim == 0:
        raise ValueError("amplitude: one complex amplitude per oscillator, shape (..., N)")
    n = amplitude.shape[-1]
    current = _vector(dc_current, n, "dc_current", "A")
    r = _vector(resistance_coefficient, n, "resistance_coefficient", "ohm", complex_ok=True)
    total = loop_resistance(_vector(resistance, n, "resistance", "ohm"), load_resistance)
    return -(amplitude * (current * r)).sum(axis=-1) / total


def coupling_matrix(dc_current, resistance, resistance_coefficient, kappa_current,
                    load_resistance: float = 50.0, *, frequency: float | None = None,
                    delay: float = 0.0, self_coupling: bool = True) -> np.ndarray:
    """K_jl = -κ_j I_l r_l / R_loop (1/s, complex (N, N)): f_j = Σ_l K_jl c_l.

    Parameters
    ----------
    dc_current, resistance, resistance_coefficient
        As for :func:`emitted_current` (A, Ω, Ω per unit amplitude).
    kappa_current : (N,) or scalar, real or complex
        Input coupling κ_j of an RF current (1/(s A)); a complex κ carries the phase with
        which the RF current acts on the oscillator.
    load_resistance : float
        R_L (Ω).
    frequency, delay
        A delay τ (s) between the oscillators multiplies the off-diagonal entries by
        exp(i 2π f τ) at the oscillation frequency f (Hz); without a delay ``frequency`` is
        not used.
    self_coupling : bool
        Keep K_jj, each oscillator driven by its own emitted current.
    """
    n = max(np.size(v) for v in (dc_current, resistance, resistance_coefficient,
                                 kappa_current))
    current = _vector(dc_current, n, "dc_current", "A")
    r = _vector(resistance_coefficient, n, "resistance_coefficient", "ohm", complex_ok=True)
    kappa = _vector(kappa_current, n, "kappa_current", "1/(s A)", complex_ok=True)
    total = loop_resistance(_vector(resistance, n, "resistance", "ohm"), load_resistance)
    matrix = -np.outer(kappa, current * r) / total
    _check_delay(delay)
    if delay:
        if frequency is None or not (math.isfinite(frequency) and frequency > 0):
            raise ValueError(f"frequency = {frequency!r}: a delay needs the oscillation "
                             "frequency (Hz, > 0)")
        off = ~np.eye(n, dtype=bool)
        matrix[off] *= np.exp(2j * math.pi * math.fmod(frequency * delay, 1.0))
    if not self_coupling:
        np.fill_diagonal(matrix, 0.0)
    return matrix


def load_power(current_amplitude, load_resistance: float = 50.0) -> np.ndarray:
    """Power (W) delivered into the load R_L (Ω) by the RF current of complex amplitude Î (A):
    |Î|² R_L / 2."""
    return np.abs(np.asarray(current_amplitude, complex)) ** 2 * float(load_resistance) / 2


def mutual_coupling(coupling) -> float:
    """Mean |K_jl| over j ≠ l (1/s) of a coupling matrix (complex, or its magnitudes); NaN for
    a single oscillator."""
    magnitude = np.abs(np.asarray(coupling))
    off = ~np.eye(magnitude.shape[0], dtype=bool)
    return float(magnitude[off].mean()) if off.any() else math.nan


#: the calibrated fields of :class:`compact.model.AutoOscillator` that the circuit needs
DEVICE_FIELDS = ("resistance", "resistance_amplitude", "resistance_phase", "kappa_current")


@dataclass(frozen=True)
class SeriesCircuit:
    """The circuit of a network: its oscillators in series with the load (see above).

    Parameters
    ----------
    load_resistance : float
        R_L (Ω).
    delay : float
        Delay τ between the oscillators (s).
    self_coupling : bool
        Keep K_jj.
    """

    load_resistance: float = 50.0
    delay: float = 0.0
    self_coupling: bool = True

    def __post_init__(self) -> None:
        _check_load(self.load_resistance)
        _check_delay(self.delay)

    @staticmethod
    def check(oscillators: Sequence[AutoOscillator]) -> None:
        """ValueError naming the first device field the circuit needs and a model lacks."""
        for j, osc in enumerate(oscillators):
            for name in DEVICE_FIELDS:
                if math.isnan(getattr(osc, name)):
                    raise ValueError(
                        f"oscillator {j}: {name} is not calibrated (NaN); the circuit needs "
                        "the device's resistance, its oscillation r (a sweep with "
                        "resistance_P and an in-plane reference) and kappa_current "
                        "(multiscale lock with an RF current)")

    def coupling(self, oscillators: Sequence[AutoOscillator], currents) -> np.ndarray:
        """K (1/s, complex (N, N)) at the DC currents (A): (N,), or (S, N) whose mean over
        the samples is taken (one matrix per simulation)."""
        self.check(oscillators)
        currents = np.asarray(currents, float)
        if currents.ndim == 2:
            currents = currents.mean(axis=0)
        return coupling_matrix(
            currents, [o.resistance for o in oscillators],
            [o.resistance_coefficient for o in oscillators],
            [o.input_coupling("rf_current") for o in oscillators], self.load_resistance,
            frequency=float(np.mean([o.f0 for o in oscillators])), delay=self.delay,
            self_coupling=self.self_coupling)

"""The frequency plan of the vowel network, the reference oscillator it is written for, and its
mapping onto another device.

A :class:`FrequencyPlan` is everything fixed about how the network uses frequency: the linear
maps of the formants F1, F2 onto the source bands f_A, f_B (:mod:`network.encoding`), the source
amplitudes, the electrical coupling, the allowed DC currents, and the simulation times and lock
tolerance that go with those rates. Its defaults are the design of :mod:`network.vowels`, written
for the :func:`reference_oscillator` (free-running 317–378 MHz over 3–9 mA).

:func:`adapt_plan` maps a plan onto a device: frequencies affinely onto the device's tuning
range within its window of steady orbits (the widest monotonic branch of f(I),
:func:`monotonic_branch`), source and coupling amplitudes so that locking ranges keep the same
fraction of that range, times inversely. So the plan asks the same of every device, and what
changes with the device is its physics (noise, nonlinearity, relaxation).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from compact.model import AutoOscillator
from network.encoding import LinearMap

__all__ = ["FrequencyPlan", "PlanMapping", "PlanError", "reference_oscillator",
           "monotonic_branch", "adapt_plan", "positive_currents", "source_drive_strength",
           "MAX_STEP"]

#: Largest integration step (s) of the network simulator a plan may ask for.
MAX_STEP = 2e-9
#: Fraction of (I_max - I_th) that the mapped current range keeps above threshold.
THRESHOLD_CLEARANCE = 0.05
#: Currents on which f(I) is sampled to find its monotonic branches.
BRANCH_GRID = 401


class PlanError(ValueError):
    """The plan cannot be used with these oscillators (bands out of reach, flat f(I), ...)."""


def reference_oscillator(*, temperature: float = 300.0,
                         mode_energy: float = 5e-19) -> AutoOscillator:
    """The nominal vortex STNO the default plan is written for (no device spread).

    f0 = 300 MHz, N = 5 MHz (small nonlinearity, ν ≈ 0.3), df_dI = 10 MHz/mA (Oersted tuning),
    Γ_G = 2×10⁷ 1/s, Q = 2 (PHYSICS.md table), I_th = 1.5 mA, mode energy 5×10⁻¹⁹ J (thermal
    linewidth ≈ 0.1 MHz at 300 K and 5–7 mA, the order measured on vortex MTJs, ~0.2 MHz; the
    gyration energy of a 375 nm FeB disk, ½ G ω_G R², is ~10× larger, so this stands for all
    noise sources, not only the thermal one).
    """
    return AutoOscillator(f0=300e6, N=5e6, df_dI=1e10, gamma_g=2e7, Q=2.0, I_th=1.5e-3,
                          mode_energy=mode_energy, temperature=temperature)


@dataclass(frozen=True)
class FrequencyPlan:
    """How the network uses frequency (defaults: the plan of :mod:`network.vowels`).

    Attributes
    ----------
    f1_range, f2_range : formant values (Hz) mapped onto the ends of ...
    f1_band, f2_band : ... the source bands f_A and f_B (Hz).
    source_amplitude : drive F of sources A and B (1/s).
    coupling_strength, coupling_phase : electrical coupling Ω (1/s) and its phase β (rad).
    current_range : allowed DC currents (A).
    duration, readout_window, step : simulation times (s), set by the rates of the plan.
    tolerance : lock criterion |f_osc - f_source| <= tolerance (Hz).
    max_slip : lock criterion: range of the phase difference < max_slip (cycles).
    """

    f1_range: tuple[float, float] = (300.0, 1200.0)
    f1_band: tuple[float, float] = (351e6, 359.5e6)
    f2_range: tuple[float, float] = (700.0, 3100.0)
    f2_band: tuple[float, float] = (330e6, 347e6)
    source_amplitude: tuple[float, float] = (1.6e7, 1.15e7)
    coupling_strength: float = 3e5
    coupling_phase: float = 0.0
    current_range: tuple[float, float] = (3e-3, 9e-3)
    duration: float = 1.5e-6
    readout_window: float = 1.0e-6
    step: float = 0.5e-9
    tolerance: float = 0.2e6
    max_slip: float = 1.0

    def __post_init__(self) -> None:
        for name in ("f1_range", "f1_band", "f2_range", "f2_band", "source_amplitude",
                     "current_range"):
            value = tuple(float(v) for v in getattr(self, name))
            if len(value) != 2 or (name != "source_amplitude" and not value[1] > value[0]):
                raise PlanError(f"{name} = {list(value)}: must be two numbers"
                                + ("" if name == "source_amplitude" else ", increasing"))
            object.__setattr__(self, name, value)

    @property
    def maps(self) -> tuple[LinearMap, LinearMap]:
        """The feature -> source-frequency maps (F1 -> f_A, F2 -> f_B)."""
        return LinearMap(self.f1_range, self.f1_band), LinearMap(self.f2_range, self.f2_band)

    def check_reach(self, oscillators) -> None:
        """PlanError unless every oscillator reaches both bands within ``current_range``."""
        lo, hi = self.current_range
        # sorted: f(I) may rise or fall with current (df_dI and N of either sign)
        reach = [sorted((float(o.frequency(lo)), float(o.frequency(hi)))) for o in oscillators]
        low, high = max(r[0] for r in reach), min(r[1] for r in reach)
        for name in ("f1_band", "f2_band"):
            band = getattr(self, name)
            if band[0] < low or band[1] > high:
                raise PlanError(
                    f"{name} = {list(band)}: outside the frequencies every oscillator reaches "
                    f"with current_range = {list(self.current_range)} A ({low:.4g}–{high:.4g} "
                    "Hz)")


@dataclass(frozen=True)
class PlanMapping:
    """How :func:`adapt_plan` mapped a plan: its ``to_dict`` is the record ``plan.json``."""

    scale: float
    branch: str
    reference_current_range_A: tuple[float, float]
    reference_frequency_range_Hz: tuple[float, float]
    current_range_A: tuple[float, float]
    frequency_range_Hz: tuple[float, float]
    drive_factor: float
    coupling_factor: float
    nonlinearity_mid: float
    locking_half_width_Hz: tuple[float, ...]
    linewidth_mid_Hz: float

    def to_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
                for f in dataclasses.fields(self)}


def positive_currents(model: AutoOscillator, window: tuple[float, float] | None = None
                      ) -> tuple[AutoOscillator, tuple[float, float] | None, int]:
    """(model, window, polarity) as the network drives the device. A device that oscillates at
    negative currents (I_th < 0: an MTJ whose torque opens the cone for J < 0) is driven with
    I' = -I: its model mirrored (:meth:`compact.model.AutoOscillator.mirrored`), its current
    window (A) mirrored, polarity -1. Any other device is returned as it is, polarity +1."""
    if model.I_th >= 0:
        return model, window, 1
    mirrored = None if window is None else (-float(window[1]), -float(window[0]))
    return model.mirrored(), mirrored, -1


def monotonic_branch(model: AutoOscillator, lo: float, hi: float) -> tuple[float, float, str]:
    """The widest (in frequency) part of [lo, hi] (A) over which ``model``'s f(I) is monotonic.

    The learning rule moves a current towards or away from a source's frequency, so it needs
    a monotonic tuning curve. A vortex oscillator's f(I) may rise and then fall (the
    nonlinear shift N p(I) against a negative df/dI): then only one branch is used.
    Returns (lo, hi, "rising" or "falling").
    """
    current = np.linspace(lo, hi, BRANCH_GRID)
    frequency = np.asarray(model.frequency(current), float)
    sign = np.sign(np.diff(frequency))
    # runs of one sign: [start, end] indices into current
    breaks = np.flatnonzero(sign[1:] != sign[:-1]) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(sign)]])
    spans = [abs(frequency[e] - frequency[b]) if sign[b] != 0 else 0.0
             for b, e in zip(starts, ends, strict=True)]
    best = int(np.argmax(spans))
    if spans[best] <= 0.0:
        raise PlanError(f"calibrated model: f(I) does not change over the current "
                        f"window [{lo:.4g}, {hi:.4g}] A; nothing to tune the network with")
    b, e = starts[best], ends[best]
    return float(current[b]), float(current[e]), "rising" if sign[b] > 0 else "falling"


def adapt_plan(plan: FrequencyPlan, model: AutoOscillator, current_window: tuple[float, float],
               margin: float = 0.0, *, reference: AutoOscillator | None = None,
               temperature: float | None = None) -> tuple[FrequencyPlan, PlanMapping]:
    """Map ``plan``, written for ``reference`` over its ``current_range``, onto ``model``.

    With ``s = Δf_device / Δf_reference`` the ratio of the tuning ranges (device: over
    ``current_window`` (A), shrunk by ``margin`` at each end, kept above threshold, and
    restricted to the widest monotonic branch of f(I), :func:`monotonic_branch`; rising or
    falling), frequencies map affinely onto the device's reach [min f, max f], the source
    amplitudes scale by ``s · Δ_ref(1)/Δ_dev(1)`` (Δ the locking half-width per unit drive at
    mid-range, so locking windows cover the same fraction of the range), the mutual coupling by
    ``s · √(1+ν_ref²)/√(1+ν_dev²)``, the lock tolerance by ``s`` and the durations and step by
    ``1/s`` (the step at most :data:`MAX_STEP`). ``reference`` defaults to
    :func:`reference_oscillator`; ``temperature`` (K, default the model's) is that of the
    linewidth reported in the mapping. Returns (the mapped plan, the :class:`PlanMapping`).
    """
    ref = reference_oscillator() if reference is None else reference
    lo_ref, hi_ref = plan.current_range
    lo, hi = sorted(float(v) for v in current_window)
    width = hi - lo
    lo, hi = lo + margin * width, hi - margin * width
    if model.I_th <= 0 or hi <= model.I_th:
        raise PlanError(f"calibrated model: I_th = {model.I_th:.4g} A, current window "
                        f"[{lo:.4g}, {hi:.4g}] A; the plan needs positive currents above "
                        "threshold")
    lo = max(lo, model.I_th + THRESHOLD_CLEARANCE * (hi - model.I_th))
    fr_lo, fr_hi = float(ref.frequency(lo_ref)), float(ref.frequency(hi_ref))
    lo, hi, branch = monotonic_branch(model, lo, hi)
    f_lo, f_hi = sorted((float(model.frequency(lo)), float(model.frequency(hi))))
    scale = (f_hi - f_lo) / (fr_hi - fr_lo)  # a falling f(I) maps the same bands

    def frequency(f: float) -> float:
        return f_lo + (f - fr_lo) * scale

    mid_ref, mid = 0.5 * (lo_ref + hi_ref), 0.5 * (lo + hi)
    drive = scale * float(ref.locking_range(mid_ref, 1.0)) / float(model.locking_range(mid, 1.0))
    nu_ref, nu_dev = float(ref.nonlinearity(mid_ref)), float(model.nonlinearity(mid))
    coupling = scale * math.sqrt(1 + nu_ref**2) / math.sqrt(1 + nu_dev**2)
    mapped = dataclasses.replace(
        plan,
        f1_band=tuple(frequency(f) for f in plan.f1_band),
        f2_band=tuple(frequency(f) for f in plan.f2_band),
        current_range=(lo, hi),
        source_amplitude=tuple(a * drive for a in plan.source_amplitude),
        coupling_strength=plan.coupling_strength * coupling,
        duration=plan.duration / scale, readout_window=plan.readout_window / scale,
        step=min(plan.step / scale, MAX_STEP), tolerance=plan.tolerance * scale,
    )
    hot = model if temperature is None else dataclasses.replace(model, temperature=temperature)
    mapping = PlanMapping(
        scale=scale, branch=branch, reference_current_range_A=(lo_ref, hi_ref),
        reference_frequency_range_Hz=(fr_lo, fr_hi), current_range_A=(lo, hi),
        frequency_range_Hz=(f_lo, f_hi), drive_factor=drive, coupling_factor=coupling,
        nonlinearity_mid=nu_dev,
        locking_half_width_Hz=tuple(float(model.locking_range(mid, a))
                                    for a in mapped.source_amplitude),
        linewidth_mid_Hz=float(np.nan_to_num(hot.generation_linewidth(mid), nan=0.0)),
    )
    return mapped, mapping


def source_drive_strength(oscillators, *, field=None, current=None, power_dbm=None,
                          impedance: float = 50.0) -> tuple[float, ...]:
    """F (1/s) of each source from its physical amplitude, through the oscillators' κ.

    Exactly one of ``field`` (RF field at the pillars, A/m, through ``kappa_field``),
    ``current`` (RF current amplitude, A, through ``kappa_current``) or ``power_dbm`` (RF power
    delivered into ``impedance`` ohm, I = sqrt(2 P / Z), then as ``current``). The network
    gives each source one F for all oscillators, so their κ must agree (copies of one
    calibrated device do); ValueError otherwise or where κ is not calibrated.
    """
    from compact.units import current_amplitude

    given = [name for name, value in (("field", field), ("current", current),
                                      ("power_dbm", power_dbm)) if value is not None]
    if len(given) != 1:
        raise ValueError(f"source amplitudes: give exactly one of field (A/m), current (A), "
                         f"power_dbm (dBm); got {given or 'none'}")
    if power_dbm is not None:
        current = current_amplitude(power_dbm, impedance)
    keyword = "rf_field" if field is not None else "rf_current"
    amplitudes = np.atleast_1d(np.asarray(field if field is not None else current, float))
    strengths = np.array([[float(osc.drive_strength(**{keyword: a})) for a in amplitudes]
                          for osc in oscillators])
    if not np.allclose(strengths, strengths[0], rtol=1e-9, atol=0):
        raise ValueError(f"source amplitudes: the oscillators' {keyword} couplings κ differ; "
                         "a source drives every oscillator with one F")
    return tuple(float(v) for v in strengths[0])

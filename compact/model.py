"""The auto-oscillator parameter record and the model's closed-form predictions.

Slavin & Tiberkevich, IEEE Trans. Magn. 45, 1875 (2009); PHYSICS.md section 2. Complex
amplitude ``c`` with ``c ∝ exp(-i ω t)``, power ``p = |c|²``::

    dc/dt = -i ω(p, I) c - Γ₊(p) c + Γ₋(p, I) c + f(t) + ξ(t)

with the rates ω, Γ₊, Γ₋, p0, Γ_p and D of :mod:`compact.rates`, where each formula is
written once; the methods below evaluate them for this record's parameters.
All quantities are SI; frequencies in Hz, rates in 1/s, currents in A.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from compact import rates
from compact.rates import BOLTZMANN

__all__ = ["AutoOscillator", "BOLTZMANN", "OPTIONAL", "UNITS"]

#: Units of every field of :class:`AutoOscillator`, written into its JSON.
UNITS = {
    "f0": "Hz",
    "N": "Hz",
    "df_dI": "Hz/A",
    "gamma_g": "1/s",
    "Q": "1",
    "I_th": "A",
    "mode_energy": "J",
    "temperature": "K",
    "kappa_field": "1/(s A/m)",
    "kappa_field_error": "1/(s A/m)",
    "kappa_current": "1/(s A)",
    "kappa_current_error": "1/(s A)",
    "kappa_field_phase": "rad",
    "kappa_current_phase": "rad",
    "resistance": "ohm",
    "resistance_amplitude": "ohm",
    "resistance_phase": "rad",
}

#: Fields that may be NaN (written as null in JSON): not calibrated.
OPTIONAL = ("kappa_field", "kappa_field_error", "kappa_current", "kappa_current_error",
            "kappa_field_phase", "kappa_current_phase",
            "resistance", "resistance_amplitude", "resistance_phase")


@dataclass(frozen=True)
class AutoOscillator:
    """Parameters of one spin-torque auto-oscillator (SI units).

    Parameters
    ----------
    f0 : float
        Small-amplitude frequency at threshold (Hz), > 0.
    N : float
        Nonlinear frequency shift (Hz): the frequency rises by ``N p`` at power ``p``.
    df_dI : float
        Frequency tuning by current at fixed power (Hz/A), e.g. Oersted confinement of a
        vortex core. 0 gives the textbook model.
    gamma_g : float
        Linear (Gilbert) damping rate Γ_G (1/s), > 0.
    Q : float
        Nonlinear damping coefficient (dimensionless), >= 0.
    I_th : float
        Threshold current (A), non-zero; its sign is the polarity that drives oscillation.
    mode_energy : float
        Oscillation energy per unit power λ (J), > 0; sets the thermal noise.
    temperature : float
        Temperature (K), >= 0.
    kappa_field, kappa_field_error : float
        Input coupling of an RF field and its standard error (1/(s·A/m)): an RF field of
        amplitude H_rf at the pillar enters as F = κ_H H_rf; NaN: not calibrated.
    kappa_current, kappa_current_error : float
        Input coupling of an RF current (1/(s·A)): F = κ_I I_rf; NaN: not calibrated.
    kappa_field_phase, kappa_current_phase : float
        arg κ (rad): a drive H_rf cos(ω t) (or I_rf cos(ω t)) enters as
        F = |κ| e^{i arg κ} H_rf e^{-iωt}, so arg κ is where on the orbit the drive pushes;
        measured from the locked phase of driven micromagnetics
        (:func:`multiscale.coupling_calibration.calibrate_coupling`); NaN: not calibrated
        (taken as 0 where a phase is needed, e.g. in :meth:`input_coupling`).
    resistance, resistance_amplitude, resistance_phase : float
        R0 (Ω) and the resistance oscillation R = R0 + Re[r c] with |r| (Ω per unit amplitude
        √p) and arg r (rad) (:mod:`compact.resistance`), what a series circuit needs
        (:mod:`network.circuit`); NaN: not calibrated (no resistance in the time series).
    """

    f0: float
    N: float
    df_dI: float
    gamma_g: float
    Q: float
    I_th: float
    mode_energy: float = 1e-18
    temperature: float = 0.0
    kappa_field: float = math.nan
    kappa_field_error: float = math.nan
    kappa_current: float = math.nan
    kappa_current_error: float = math.nan
    kappa_field_phase: float = math.nan
    kappa_current_phase: float = math.nan
    resistance: float = math.nan
    resistance_amplitude: float = math.nan
    resistance_phase: float = math.nan

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
                raise TypeError(
                    f"AutoOscillator.{f.name} = {value!r}: expected a real number in "
                    f"{UNITS[f.name]}"
                )
            if not math.isfinite(value) and not (f.name in OPTIONAL and math.isnan(value)):
                raise ValueError(f"AutoOscillator.{f.name} = {value!r}: must be finite")
            object.__setattr__(self, f.name, float(value))
        _require(self.f0 > 0, "f0", self.f0, "> 0 Hz")
        _require(self.gamma_g > 0, "gamma_g", self.gamma_g, "> 0 1/s")
        _require(self.Q >= 0, "Q", self.Q, ">= 0")
        _require(self.I_th != 0, "I_th", self.I_th, "non-zero (A)")
        _require(self.mode_energy > 0, "mode_energy", self.mode_energy, "> 0 J")
        _require(self.temperature >= 0, "temperature", self.temperature, ">= 0 K")
        for name in ("kappa_field", "kappa_current"):
            value = getattr(self, name)
            _require(math.isnan(value) or value > 0, name, value,
                     f"> 0 {UNITS[name]}, or NaN (not calibrated)")
        for name in ("resistance", "resistance_amplitude"):
            value = getattr(self, name)
            _require(math.isnan(value) or value >= 0, name, value,
                     f">= 0 {UNITS[name]}, or NaN (not calibrated)")

    @property
    def resistance_coefficient(self) -> complex:
        """r = |r| exp(i arg r) (Ω per unit amplitude): R = R0 + Re[r c]; NaN if not
        calibrated (:mod:`compact.resistance`, used by :mod:`network.circuit`)."""
        return self.resistance_amplitude * complex(math.cos(self.resistance_phase),
                                                   math.sin(self.resistance_phase))

    def input_coupling(self, drive: str) -> complex:
        """Complex κ = |κ| e^{i arg κ} of ``drive`` ("rf_current", 1/(s·A), or "rf_field",
        1/(s·A/m)); arg κ = 0 where its phase is not calibrated, NaN where |κ| is not."""
        if drive not in ("rf_current", "rf_field"):
            raise ValueError(f"drive = {drive!r}: expected 'rf_current' or 'rf_field'")
        name = "kappa_current" if drive == "rf_current" else "kappa_field"
        magnitude, phase = getattr(self, name), getattr(self, f"{name}_phase")
        phase = 0.0 if math.isnan(phase) else phase
        return magnitude * complex(math.cos(phase), math.sin(phase))

    def mirrored(self) -> AutoOscillator:
        """The same oscillator with the sign of the current reversed: a device that oscillates
        at negative currents (I_th < 0, e.g. an MTJ whose torque opens the cone for J < 0) as
        one driven by I' = -I. I_th and df_dI change sign, and an RF current drives with the
        opposite sign (kappa_current's phase + pi); every rate at I' is the original's at I."""
        phase = self.kappa_current_phase
        if math.isfinite(self.kappa_current):  # an uncalibrated phase counts as 0
            phase = math.remainder((0.0 if math.isnan(phase) else phase) + math.pi, 2 * math.pi)
        return dataclasses.replace(self, I_th=-self.I_th, df_dI=-self.df_dI,
                                   kappa_current_phase=phase)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict:
        """Parameters and a ``units`` table, as written to JSON."""
        values = {k: (None if k in OPTIONAL and math.isnan(v) else v)
                  for k, v in asdict(self).items()}
        return {"type": "auto-oscillator", **values, "units": dict(UNITS)}

    @classmethod
    def from_dict(cls, data: dict) -> AutoOscillator:
        """Inverse of :meth:`to_dict`; rejects unknown keys and foreign units."""
        data = dict(data)
        data.pop("type", None)
        units = data.pop("units", None)
        if units is not None:
            for key, unit in units.items():
                if key in UNITS and unit != UNITS[key]:
                    raise ValueError(
                        f"AutoOscillator units[{key!r}] = {unit!r}: only {UNITS[key]!r} is "
                        "understood"
                    )
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(
                f"AutoOscillator: unknown key(s) {unknown}; allowed: {sorted(names)}"
            )
        missing = sorted(n for n in ("f0", "N", "df_dI", "gamma_g", "Q", "I_th") if n not in data)
        if missing:
            raise ValueError(f"AutoOscillator: missing key(s) {missing}")
        for key in OPTIONAL:
            if key in data and data[key] is None:
                data[key] = math.nan
        return cls(**data)

    def to_json(self, path: str | Path | None = None) -> str:
        """JSON text; written atomically to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        if path is not None:
            path = Path(path)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text)
            tmp.replace(path)
        return text

    @classmethod
    def from_json(cls, source: str | Path) -> AutoOscillator:
        """Read from a JSON file path or a JSON string."""
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text()
        return cls.from_dict(json.loads(text))

    # ------------------------------------------------------------------ predictions
    # Formulas: compact.rates. Inputs are floats or arrays (A, or dimensionless power).
    @property
    def sigma(self) -> float:
        """Spin-torque efficiency σ (1/(A s)), :func:`compact.rates.spin_torque_efficiency`."""
        return rates.spin_torque_efficiency(self.gamma_g, self.I_th)

    def supercriticality(self, current):
        """ζ = I / I_th (dimensionless)."""
        return rates.supercriticality(np.asarray(current, dtype=float), self.I_th)

    def stationary_power(self, current):
        """Stationary power p0(I) (1), 0 at and below threshold; see :mod:`compact.rates`."""
        return rates.stationary_power(np.asarray(current, dtype=float), self.Q, self.I_th)

    def frequency(self, current, power=None):
        """Frequency f(p, I) (Hz), :func:`compact.rates.frequency`.

        ``power`` defaults to the stationary power p0(I): the generated frequency.
        """
        current = np.asarray(current, dtype=float)
        p = self.stationary_power(current) if power is None else np.asarray(power, float)
        return rates.frequency(p, current, self.f0, self.N, self.df_dI, self.I_th)

    def damping_rate(self, power):
        """Positive damping Γ₊(p) (1/s), :func:`compact.rates.damping`."""
        return rates.damping(np.asarray(power, dtype=float), self.gamma_g, self.Q)

    def relaxation_rate(self, current):
        """Power relaxation rate Γ_p above threshold, NaN at and below (1/s).

        Power deviations decay as ``exp(-2 Γ_p t)``; :func:`compact.rates.relaxation_rate`.
        """
        current = np.asarray(current, dtype=float)
        return np.where(self.supercriticality(current) > 1,
                        rates.relaxation_rate(current, self.gamma_g, self.I_th), np.nan)

    def nonlinearity(self, current):
        """Dimensionless nonlinearity ν = 2π N p0 / Γ_p above threshold, NaN below."""
        p0 = self.stationary_power(current)
        return 2 * np.pi * self.N * p0 / self.relaxation_rate(current)

    def noise_diffusion(self, current):
        """Thermal diffusion D at the stationary power p0(I) (1/s); see :mod:`compact.rates`."""
        return rates.thermal_diffusion(self.stationary_power(current), self.gamma_g, self.Q,
                                       self.temperature, self.mode_energy)

    def linewidth(self, current):
        """Thermal full linewidth far above threshold (Hz); NaN at or below threshold.

        :func:`compact.rates.linewidth` at p0(I) and ν(I).
        """
        p0 = self.stationary_power(current)
        nu = self.nonlinearity(current)
        with np.errstate(divide="ignore", invalid="ignore"):
            width = rates.linewidth(p0, nu, self.gamma_g, self.Q, self.temperature,
                                    self.mode_energy)
        return np.where(p0 > 0, width, np.nan)

    def generation_linewidth(self, current: float) -> float:
        """Thermal full linewidth (Hz) at one current in every regime of ν: the Lorentzian of
        :meth:`linewidth` while 2π Δf ≪ Γ_p, a Gaussian when the power relaxes slower than the
        phase wanders (:func:`compact.lineshape.generation_linewidth`, Kim, Tiberkevich &
        Slavin 2008); NaN at or below threshold or at T = 0."""
        from compact.lineshape import generation_linewidth

        p0 = float(self.stationary_power(current))
        if not (p0 > 0 and self.temperature > 0):
            return math.nan
        base = float(self.noise_diffusion(current)) / (2 * p0)  # Δω₀ = D / (2 p0)
        return generation_linewidth(base, float(self.nonlinearity(current)),
                                    float(self.relaxation_rate(current)))

    def drive_strength(self, *, rf_field=None, rf_current=None):
        """|F| (1/s) of a physical drive through the calibrated input coupling κ.

        ``rf_field``: RF field amplitude at the pillar (A/m), F = κ_H H_rf; ``rf_current``: RF
        current amplitude (A), F = κ_I I_rf. Exactly one; its κ must be calibrated.
        """
        if (rf_field is None) == (rf_current is None):
            raise ValueError("drive_strength: give exactly one of rf_field (A/m) and "
                             "rf_current (A)")
        name, amplitude = (("kappa_field", rf_field) if rf_field is not None
                           else ("kappa_current", rf_current))
        kappa = getattr(self, name)
        if math.isnan(kappa):
            raise ValueError(f"AutoOscillator.{name} is not calibrated (NaN): fit it from "
                             "driven micromagnetics (multiscale lock) or give F in 1/s")
        return kappa * np.abs(np.asarray(amplitude, dtype=float))

    def locking_range(self, current, drive_amplitude=None, *, rf_field=None,
                      rf_current=None):
        """Half-width of injection locking Δ_lock = |F| √(1+ν²) / (2π √p0) (Hz).

        ``drive_amplitude`` is |F| of the injected term ``F exp(-i 2π f_e t)`` (1/s); or give
        the physical amplitude ``rf_field`` (A/m) or ``rf_current`` (A), converted through the
        calibrated κ (:meth:`drive_strength`). NaN at or below threshold.
        """
        if drive_amplitude is None:
            drive_amplitude = self.drive_strength(rf_field=rf_field, rf_current=rf_current)
        elif rf_field is not None or rf_current is not None:
            raise ValueError("locking_range: give drive_amplitude (1/s) or a physical "
                             "amplitude, not both")
        p0 = self.stationary_power(current)
        nu = self.nonlinearity(current)
        with np.errstate(divide="ignore", invalid="ignore"):
            width = np.abs(drive_amplitude) * np.sqrt(1 + nu**2) / (2 * np.pi * np.sqrt(p0))
        return np.where(p0 > 0, width, np.nan)


def _require(ok: bool, name: str, value: float, allowed: str) -> None:
    if not ok:
        raise ValueError(f"AutoOscillator.{name} = {value!r}: must be {allowed}")

"""The oscillating resistance of a magnetoresistive oscillator, per unit complex amplitude.

What a series circuit needs from a device (PHYSICS.md section 7, :mod:`network.circuit`): how
much its resistance oscillates, and with which phase, for a given oscillation amplitude. With
the complex amplitude c (c ∝ exp(-iωt), p = |c|², :func:`compact.observables.complex_amplitude`)
the resistance of a device in a steady orbit is, to first order in the amplitude,

    R(t) = R0 + Re[r c(t)],

r complex (Ω per unit amplitude). ``|r| √p`` is the amplitude of the resistance oscillation at
power p (the ΔR_rf(p) of the circuit); ``arg r`` says where on the orbit the resistance is
largest, which sets the phase of the coupling. For a vortex whose reference layer points along
an in-plane axis, δR = -(ΔR/2) δ⟨m⟩·m_ref follows the core's displacement perpendicular to that
axis: |δ⟨m⟩| = ξ |X|/R for a core at X in a disk of radius R, ξ = 2/3 when the side surfaces
stay free of charge (Guslienko et al. 2002), ξ = 1 for a rigidly shifted vortex with a point
core, so ΔR/3 <= |r| <= ΔR/2 with c = X/R (measured 0.40 ΔR, tests/physics/
test_micromag_resistance.py); with a perpendicular reference (m_ref = z) a centred orbit leaves
R constant and r = 0: such a device emits no RF signal and couples to nothing in series.

r is fitted by linear least squares over the later half of each record, or of its settled
part where the calibration's ``settling_time`` is given (the samples its power comes from);
the fit's residual says whether the first-order form holds (an elliptical or off-centre orbit
adds harmonics that it cannot follow).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from compact.observables import complex_amplitude, record_lengths, resolve_mode

__all__ = ["RESISTANCE_PARAMETERS", "resistance_oscillation", "resistance_parameters",
           "with_resistance"]

#: the model fields of :class:`compact.model.AutoOscillator` that the resistance gives
RESISTANCE_PARAMETERS = ("resistance", "resistance_amplitude", "resistance_phase")


def resistance_oscillation(ds: xr.Dataset, mode: str | None = None,
                           settling_time: xr.DataArray | None = None) -> xr.Dataset:
    """r = dR/dc of every current from the ``resistance`` (Ω) of a time-series Dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        Time-series Dataset of the DESIGN schema with a ``resistance`` variable (Ω), as
        micromag writes for a device with ``resistance_P`` set.
    mode : {"auto-oscillator", "vortex", "uniform"}, optional
        Mapping to the complex amplitude (guessed from the Dataset if omitted).
    settling_time : DataArray over ``current``, optional
        End of each record's transient (s), as :func:`compact.observables.observables` finds
        it; the fit then uses the later half of the settled part, as the calibration's power.

    Returns
    -------
    xarray.Dataset
        Dim ``current``: ``resistance`` (mean R0, Ω), ``resistance_amplitude`` (|r|, Ω per unit
        amplitude √p), ``resistance_phase`` (arg r, rad), ``resistance_oscillation`` (|r| √p,
        the amplitude of δR at the record's power, Ω), ``resistance_residual`` (rms of the
        part of δR that Re[r c] does not explain, relative to rms δR; NaN where R is
        constant).
    """
    if "resistance" not in ds:
        raise ValueError("resistance_oscillation: the Dataset has no 'resistance' variable "
                         "(Ω); give the device a resistance_P (and resistance_change, "
                         "reference) before the sweep")
    mode = resolve_mode(ds, mode)
    c_all = complex_amplitude(ds, mode).values
    lengths = record_lengths(ds, mode)
    resistance = ds["resistance"].transpose("current", "time").values
    time = np.asarray(ds["time"].values, dtype=float)
    dt = float(time[1] - time[0])
    names = ("resistance", "resistance_amplitude", "resistance_phase",
             "resistance_oscillation", "resistance_residual")
    out = {name: np.full(c_all.shape[0], np.nan) for name in names}
    for i, (c, r_t) in enumerate(zip(c_all, resistance, strict=True)):
        n = int(lengths[i])
        settled = 0
        if settling_time is not None and np.isfinite(float(settling_time.values[i])):
            settled = min(int(round(float(settling_time.values[i]) / dt)), n)
        late = slice((settled + n) // 2, n)
        c, r_t = c[late], r_t[late]
        if c.size < 4 or not np.all(np.isfinite(r_t)):
            continue
        # R = R0 + Re[r c] = R0 + Re r Re c - Im r Im c: linear in (R0, Re r, Im r); R0 and r
        # together, since a window of no whole number of turns leaves a mean of Re[r c]
        design = np.stack([np.ones(c.size), c.real, -c.imag], axis=1)
        (mean, re, im), *_ = np.linalg.lstsq(design, r_t, rcond=None)
        r = complex(re, im)
        delta = r_t - np.mean(r_t)
        spread = float(np.sqrt(np.mean(delta ** 2)))
        rest = r_t - mean - (r * c).real
        out["resistance"][i] = float(mean)
        out["resistance_amplitude"][i] = abs(r)
        out["resistance_phase"][i] = math.atan2(r.imag, r.real)
        out["resistance_oscillation"][i] = abs(r) * math.sqrt(float(np.mean(np.abs(c) ** 2)))
        out["resistance_residual"][i] = (float(np.sqrt(np.mean(rest ** 2))) / spread
                                         if spread > 1e-12 * max(abs(mean), 1e-300)
                                         else math.nan)
    units = {"resistance": "ohm", "resistance_amplitude": "ohm", "resistance_phase": "rad",
             "resistance_oscillation": "ohm", "resistance_residual": "1"}
    long_names = {
        "resistance": "mean resistance R0 over the steady orbit",
        "resistance_amplitude": "|r|: resistance oscillation per unit amplitude, "
                                "R = R0 + Re[r c]",
        "resistance_phase": "arg r (c ∝ exp(-iωt))",
        "resistance_oscillation": "|r| √p: amplitude of the resistance oscillation",
        "resistance_residual": "rms of δR - Re[r c] over rms δR",
    }
    return xr.Dataset(
        {name: ("current", values, {"units": units[name], "long_name": long_names[name]})
         for name, values in out.items()},
        coords={"current": ds["current"]}, attrs={"mode": mode})


def with_resistance(calibration: xr.Dataset, ds: xr.Dataset) -> xr.Dataset:
    """The calibration Dataset of ``ds`` (:func:`compact.observables.observables`) with the
    variables of :func:`resistance_oscillation` added where ``ds`` has a ``resistance``;
    unchanged otherwise."""
    if "resistance" not in ds:
        return calibration
    return calibration.merge(resistance_oscillation(ds, calibration.attrs.get("mode"),
                                                    calibration.get("settling_time")))


def resistance_parameters(calibration: xr.Dataset) -> dict[str, float]:
    """R0, |r| and arg r of the model: means over the oscillating currents (NaN where the
    calibration has no resistance). The phase is the circular mean."""
    names = RESISTANCE_PARAMETERS
    if "resistance_amplitude" not in calibration:
        return {name: math.nan for name in names}
    on = (np.asarray(calibration["oscillating"].values, bool)
          & np.isfinite(calibration["resistance_amplitude"].values))
    if not on.any():
        return {name: math.nan for name in names}
    phase = calibration["resistance_phase"].values[on]
    return {"resistance": float(np.mean(calibration["resistance"].values[on])),
            "resistance_amplitude": float(np.mean(calibration["resistance_amplitude"].values[on])),
            "resistance_phase": float(np.angle(np.mean(np.exp(1j * phase))))}

"""κ from micromagnetic injection locking: the compact model driven through the same protocol.

:func:`multiscale.lock.run_locking` measures the half-width Δ_lock and the locked phase ψ0 of
a device driven by an RF field or current. :func:`calibrate_coupling` turns them into the
input coupling κ (``kappa_field`` or ``kappa_current``, magnitude and phase) of a calibrated
compact model: the closed form κ = 2π Δ_lock √p0 / (A √(1+ν²)) first, then rescaled until the
compact model, driven and measured exactly as the micromagnetic runs were
(:func:`compact_locking`), gives the same Δ_lock and ψ0 (a finite run biases both alike).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

__all__ = ["calibrate_coupling", "compact_locking", "PROTOCOL_ITERATIONS",
           "PROTOCOL_TOLERANCE", "PHASE_TOLERANCE"]


#: at most this many rescalings of κ, until the compact model's measured Δ_lock is within
#: PROTOCOL_TOLERANCE (relative) of the micromagnetic one
PROTOCOL_ITERATIONS, PROTOCOL_TOLERANCE = 8, 0.005
#: ... and until the compact model's locked phase ψ0 is within this of the micromagnetic (rad)
PHASE_TOLERANCE = 0.01


def compact_locking(model: Any, dataset: Any, kappa: float, amplitude: float,
                    current_index: int, kappa_phase: float = 0.0) -> Any:
    """The compact model with input coupling ``kappa`` e^{i ``kappa_phase``} driven at
    ``amplitude`` over the detunings of the study (relative to the model's own f(I)), measured
    as the micromagnetic runs are (:func:`compact.locking.driven_phases`,
    :func:`compact.locking.fit_adler`), from the micromagnetic runs' phase to the drive at
    t = 0 (``initial_phase``, where the Dataset has it: a finite run's Adler fit depends on
    where on the curve it starts); returns (LockingFit, drive frequencies, mean
    frequencies). The fit's ψ0 is that of the complex κ: the runs are made with the real κ
    from ψ(0) - arg κ and ψ0 is shifted back by arg κ."""
    import json

    from compact.locking import driven_phases, fit_adler

    settings = json.loads(dataset.attrs["settings"])
    i = current_index
    current = float(dataset.current.values[i])
    scale = 1.0 if dataset.attrs["drive"] == "rf_field" else current / float(
        dataset.current_density.values[i])
    f_model = float(model.frequency(current))
    detunings = (np.asarray(sorted(settings["detunings"]), dtype=float)
                 * settings["detuning_scale"] * amplitude / min(settings["amplitudes"]))
    dt = settings["sampling_interval"]
    start = 0.0
    if "initial_phase" in dataset and np.isfinite(float(dataset.initial_phase.values[i])):
        start = float(dataset.initial_phase.values[i])
    runs, means = driven_phases(model, current, kappa * amplitude * scale,
                                f_model + detunings, settings["duration"], dt,
                                settings["settle"], initial_phase=start - kappa_phase)
    f_free = float(dataset.free_frequency.values[i])  # the micromagnetic fit's smoothing
    fit = fit_adler(runs, dt, smoothing=max(1, round(1 / (f_free * dt))))
    fit = dataclasses.replace(fit, phase=float(np.angle(np.exp(1j * (fit.phase + kappa_phase)))))
    return fit, f_model + detunings, np.asarray(means)


def calibrate_coupling(dataset: Any, model: Any, *, amplitude: float | None = None) -> dict:
    """κ from the micromagnetic half-widths at ``amplitude`` (default the smallest), and the
    model's predictions at every amplitude.

    Per DC current, κ_J is first the inverse of Δ_lock = κ A √(1+ν²) / (2π √p0) with the
    model's p0 and ν; the compact model is then driven with it and measured exactly as the
    micromagnetic runs were (:func:`compact_locking`: same run length, settling time and
    detunings), and κ_J is rescaled (a few times, if the drive is strong) until its measured
    half-width equals the micromagnetic one — a finite run biases both measurements alike.
    κ is the error-weighted mean over the currents, its error the larger of the weighted
    standard error and their scatter.

    arg κ per current is the micromagnetic locked phase ψ0 minus the compact model's with the
    real κ (same protocol); the model's is their circular mean (NaN for a locking Dataset
    without ``locking_phase``).

    Returns ``{"kappa", "kappa_error", "kappa_phase", "kappa_phase_error" (from the fit's
    error of ψ0), "name", "model", "per_current", "predictions"}``;
    predictions: for every (J, amplitude) the measured Δ_lock, the compact model's measured
    with the device's κ (``predicted``, ``rel_err``), and the closed form (``formula``).
    """

    from compact.locking import input_coupling

    drive = dataset.attrs["drive"]
    name = "kappa_field" if drive == "rf_field" else "kappa_current"
    keyword = "rf_field" if drive == "rf_field" else "rf_current"
    amplitudes = dataset.amplitude.values
    a0 = float(amplitudes.min()) if amplitude is None else float(amplitude)
    j0 = int(np.argmin(np.abs(amplitudes - a0)))
    per_current = []
    for i, J in enumerate(dataset.current_density.values):
        current = float(dataset.current.values[i])
        scale = 1.0 if drive == "rf_field" else current / float(J)  # A per A/m^2
        p0 = float(model.stationary_power(current))
        nu = float(model.nonlinearity(current))
        width = float(dataset.half_width.values[i, j0])
        error = float(dataset.half_width_error.values[i, j0])
        if not (math.isfinite(width) and width > 0):  # no plateau fitted at this current
            per_current.append({"current_density": float(J), "current": current, "p0": p0,
                                "nu": nu, "half_width": width, "kappa": math.nan,
                                "kappa_phase": math.nan, "kappa_phase_error": math.nan,
                                "kappa_formula": math.nan, "protocol_factor": math.nan,
                                "protocol_converged": False, "kappa_error": math.nan})
            continue
        kappa_formula = float(input_coupling(width, a0 * scale, p0, nu))
        kappa, converged = kappa_formula, False
        # arg κ: a phase θ of F rotates the locked c, and so ψ0, by θ; the micromagnetic ψ0
        # minus the compact model's with a real κ (same protocol) is arg κ. Without a
        # measured ψ0 the phase stays 0 (not calibrated).
        has_phase = "locking_phase" in dataset
        phase = 0.0
        for _ in range(PROTOCOL_ITERATIONS):  # Δ is nearly linear in κ: converges at once
            fit, _, _ = compact_locking(model, dataset, kappa, a0, i, phase)
            step = 0.0
            if has_phase:
                step = float(np.angle(np.exp(1j * (float(dataset.locking_phase.values[i, j0])
                                                   - fit.phase))))
            converged = (abs(fit.half_width / width - 1) < PROTOCOL_TOLERANCE
                         and abs(step) < PHASE_TOLERANCE)
            if converged:
                break
            kappa *= width / fit.half_width
            phase = float(np.angle(np.exp(1j * (phase + step))))
        phase = phase if has_phase else math.nan
        phase_error = (float(dataset.locking_phase_error.values[i, j0])
                       if has_phase and "locking_phase_error" in dataset else math.nan)
        per_current.append({"current_density": float(J), "current": current, "p0": p0,
                            "nu": nu, "half_width": width, "kappa": kappa,
                            "kappa_phase": phase, "kappa_phase_error": phase_error,
                            "kappa_formula": kappa_formula,
                            "protocol_factor": kappa / kappa_formula,
                            "protocol_converged": bool(converged),
                            "kappa_error": kappa * error / width if width > 0 else math.nan})
    values = np.array([c["kappa"] for c in per_current])
    errors = np.array([c["kappa_error"] for c in per_current])
    good = np.isfinite(values) & np.isfinite(errors) & (errors > 0)
    if not good.any():
        raise ValueError("calibrate_coupling: no finite half-width at the fitting amplitude")
    weights = 1 / errors[good] ** 2
    kappa = float(np.sum(weights * values[good]) / np.sum(weights))
    kappa_error = max(float(np.sqrt(1 / np.sum(weights))),
                      float(np.std(values[good], ddof=1)) if good.sum() > 1 else 0.0)
    phases = np.array([c["kappa_phase"] for c in per_current])[good]
    phases = phases[np.isfinite(phases)]
    kappa_phase = (float(np.angle(np.mean(np.exp(1j * phases)))) if phases.size
                   else math.nan)  # circular mean
    phase_errors = np.array([c["kappa_phase_error"] for c in per_current])[good]
    phase_errors = phase_errors[np.isfinite(phase_errors)]
    kappa_phase_error = (float(np.sqrt(np.sum(phase_errors**2))) / phase_errors.size
                         if phase_errors.size else math.nan)  # of the mean; scatter aside
    fitted = dataclasses.replace(model, **{name: kappa, f"{name}_error": kappa_error,
                                           f"{name}_phase": kappa_phase})
    predictions = []
    for i, J in enumerate(dataset.current_density.values):
        current = float(dataset.current.values[i])
        scale = 1.0 if drive == "rf_field" else current / float(J)
        for j, a in enumerate(amplitudes):
            measured = float(dataset.half_width.values[i, j])
            device_phase = 0.0 if math.isnan(kappa_phase) else kappa_phase
            own_phase = per_current[i]["kappa_phase"]
            fit, f_e, means = compact_locking(model, dataset, kappa, float(a), i, device_phase)
            own_width = math.nan  # the compact model with this current's own κ, if any
            if math.isfinite(per_current[i]["kappa"]):
                own, _, _ = compact_locking(model, dataset, per_current[i]["kappa"], float(a),
                                            i, 0.0 if math.isnan(own_phase) else own_phase)
                own_width = own.half_width
            formula = float(fitted.locking_range(current, **{keyword: a * scale}))
            predictions.append({
                "current_density": float(J), "amplitude": float(a), "measured": measured,
                "measured_error": float(dataset.half_width_error.values[i, j]),
                "measured_centre_shift": float(dataset.centre.values[i, j]
                                               - dataset.free_frequency.values[i]),
                "predicted": fit.half_width, "rel_err": (fit.half_width - measured) / measured,
                "predicted_centre_shift": fit.centre - float(model.frequency(current)),
                "predicted_own_kappa": own_width,
                "rel_err_own_kappa": (own_width - measured) / measured,
                "formula": formula, "rel_err_formula": (formula - measured) / measured,
                "compact_drive_frequency": f_e.tolist(), "compact_frequency": means.tolist(),
                "fitting_point": j == j0})
    return {"kappa": kappa, "kappa_error": kappa_error, "kappa_phase": kappa_phase,
            "kappa_phase_error": kappa_phase_error, "name": name, "model": fitted,
            "per_current": per_current, "predictions": predictions}

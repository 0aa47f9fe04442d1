"""Calibration of the auto-oscillator model from observables: f(I), p(I), Γ_p(I).

Three least-squares fits over the oscillating currents (scipy.optimize.curve_fit):

1. power ``p(I) = (I/I_th - 1)/(I/I_th + Q)``            -> ``I_th``, ``Q``
2. relaxation ``Γ_p(I) = Γ_G (I/I_th - 1)``                -> ``gamma_g`` (``I_th`` from 1)
3. frequency ``f(I) = f0 + N p + df_dI (I - I_th)``, with ``p`` the *measured* power
                                                              -> ``f0``, ``N``, ``df_dI``

(the model's formulas, evaluated by :mod:`compact.rates`).

Identifiability. ``p(I)`` alone fixes ``I_th`` and ``Q``; the ring-up/ring-down rate alone
fixes ``gamma_g``. In the frequency fit, ``N`` multiplies ``p(I)`` and ``df_dI`` multiplies
``I - I_th``: the two are separable only because ``p(I)`` is nonlinear in ``I``. For large
``Q`` (``p ≈ (ζ - 1)/Q``) or a narrow current window ``p`` is nearly linear in ``I`` and ``N``
and ``df_dI`` become strongly (anti-)correlated; the calibration Dataset reports their full
covariance (``covariance``) and correlation so a user sees it. With ``fit_df_dI=False``
(textbook model) ``df_dI`` is fixed at 0.

The mode energy λ is identified only from thermal linewidths (with the temperature known):
the linewidth formula of :func:`compact.rates.linewidth` solved for λ per current, median over
currents. Without them the record keeps ``mode_energy`` at its default and says so
(``mode_energy_identified = 0``).

Standard errors: from the covariance of each fit (scaled by the residual variance); the
uncertainty of ``I_th`` is propagated into ``f0`` and ``gamma_g``. Parameters of different fits
are treated as independent (their cross-covariances are 0 in ``covariance``).
"""

from __future__ import annotations

import json
import math

import numpy as np
import xarray as xr

from compact import rates
from compact.model import UNITS, AutoOscillator
from compact.resistance import resistance_parameters

__all__ = ["PARAMETERS", "fit_calibration", "fit_warnings", "model_from_calibration"]

PARAMETERS = ("f0", "N", "df_dI", "gamma_g", "Q", "I_th", "mode_energy")

#: Fewest oscillating currents a calibration accepts.
MIN_POINTS = 4


def _power_model(current, I_th, Q):
    """p0(I; I_th, Q) in curve_fit's argument order."""
    return rates.stationary_power(current, Q, I_th)


def _fit_power(current: np.ndarray, power: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(I_th, Q) and their covariance. Start: the exact linear form I(1-p)/I_th - Q p = 1."""
    from scipy.optimize import curve_fit

    design = np.column_stack([current * (1 - power), -power])
    (inverse_threshold, q_start), *_ = np.linalg.lstsq(design, np.ones_like(power), rcond=None)
    threshold_start = 1 / inverse_threshold if inverse_threshold != 0 else current.min() / 2
    # the threshold lies between 0 and the lowest oscillating current, on its side
    nearest = current[np.argmin(np.abs(current))]
    if not (0 < threshold_start / nearest < 1):
        threshold_start = 0.9 * nearest
    q_start = max(float(q_start), 0.0)
    lower = [min(0.0, nearest), 0.0]
    upper = [max(0.0, nearest), np.inf]
    guess = [threshold_start, q_start]
    guess[0] = np.clip(guess[0], *sorted([1e-9 * nearest, 0.999999 * nearest]))
    params, cov = curve_fit(_power_model, current, power, p0=guess, bounds=(lower, upper),
                            method="trf", x_scale=[abs(nearest), 1.0], max_nfev=10000)
    return params, cov


def _linear_fit(design: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares with the covariance scaled by the residual variance."""
    scale = np.max(np.abs(design), axis=0)
    scale[scale == 0] = 1
    coef, *_ = np.linalg.lstsq(design / scale, y, rcond=None)
    coef = coef / scale
    residual = y - design @ coef
    dof = max(y.size - design.shape[1], 1)
    sigma2 = float(residual @ residual) / dof
    gram = (design / scale).T @ (design / scale)
    cov = np.linalg.pinv(gram) * sigma2 / np.outer(scale, scale)
    return coef, cov


#: a rank correlation of p with |I| below this: the power falls as the drive rises
POWER_FALLS_CORRELATION = -0.5


def _power_falls(current, power) -> bool:
    """Spearman's rank correlation of the power with |I| is below -0.5."""
    from scipy.stats import spearmanr

    if np.size(current) < 3:
        return False
    rho = spearmanr(np.abs(current), power).statistic
    return bool(np.isfinite(rho) and rho < POWER_FALLS_CORRELATION)


#: the fitted threshold is an extrapolation when the lowest oscillating current is more than
#: this many times above it: p0 = (ζ - 1)/(ζ + Q) then hardly depends on I_th
THRESHOLD_BRACKET = 3.0


#: the ring-up shifts disagree with one N when their reduced χ² about their weighted mean
#: exceeds this (a 3σ scatter per current)
SHIFT_CHI2 = 9.0


def fit_warnings(oscillating_current, model: AutoOscillator, threshold_error: float,
                 power=None, shift=None, shift_error=None) -> list:
    """What a user must know before trusting a fit (empty when nothing): a threshold far below
    every oscillating current (A), one whose standard error exceeds half of it, a measured
    ``power`` (at those currents) that falls as |I| rises, or frequency shifts df/dp at fixed
    current (``shift`` ± ``shift_error``, Hz, from the ring-ups) that no single N describes."""
    warnings = []
    if shift is not None and shift_error is not None:
        shift, shift_error = np.asarray(shift, float), np.asarray(shift_error, float)
        ok = np.isfinite(shift) & np.isfinite(shift_error) & (shift_error > 0)
        if ok.sum() >= 3:
            weights = 1 / shift_error[ok] ** 2
            mean = float(np.sum(weights * shift[ok]) / np.sum(weights))
            chi2 = float(np.sum(weights * (shift[ok] - mean) ** 2)) / (ok.sum() - 1)
            if chi2 > SHIFT_CHI2:
                currents = np.asarray(oscillating_current, float)[ok]
                lo, hi = int(np.argmin(np.abs(currents))), int(np.argmax(np.abs(currents)))
                warnings.append(
                    f"the frequency shift at fixed current (df/dp from the ring-ups) is not one "
                    f"N: {shift[ok][lo] / 1e6:.3g} ± {shift_error[ok][lo] / 1e6:.2g} MHz at "
                    f"{currents[lo]:.4g} A, {shift[ok][hi] / 1e6:.3g} ± "
                    f"{shift_error[ok][hi] / 1e6:.2g} MHz at {currents[hi]:.4g} A (reduced chi2 "
                    f"{chi2:.3g}), against the fitted N = {model.N / 1e6:.3g} MHz: the model's "
                    "nu, and so its locking ranges and locked phases, may be far from the "
                    "device's at a given current (calibration variable frequency_shift_ringup)")
    if power is not None and _power_falls(oscillating_current, power):
        order = np.argsort(np.abs(oscillating_current))
        low, high = order[0], order[-1]
        warnings.append(
            f"the power falls as |I| rises (p = {power[low]:.3g} at {oscillating_current[low]:.4g}"
            f" A, {power[high]:.3g} at {oscillating_current[high]:.4g} A): not the onset of an "
            "auto-oscillator (e.g. an out-of-plane precession whose cone closes as the current "
            "rises); the fitted model does not describe these currents")
    lowest = float(np.min(np.abs(oscillating_current)))
    threshold = abs(model.I_th)
    if threshold > 0 and lowest > THRESHOLD_BRACKET * threshold:
        warnings.append(
            f"I_th = {model.I_th:.4g} A is extrapolated: the lowest oscillating current, "
            f"{lowest:.4g} A in magnitude, is {lowest / threshold:.3g} times above it "
            f"(Q = {model.Q:.4g}); add currents nearer the threshold")
    if np.isfinite(threshold_error) and threshold_error > 0.5 * abs(model.I_th):
        warnings.append(f"I_th = {model.I_th:.4g} A is poorly fixed: standard error "
                        f"{threshold_error:.2g} A")
    return warnings


def fit_calibration(
    calibration: xr.Dataset,
    *,
    fit_df_dI: bool = True,
    temperature: float | None = None,
    mode_energy: float | None = None,
) -> xr.Dataset:
    """Fit the model to a calibration Dataset of observables; return it with the fit added.

    Parameters
    ----------
    calibration : xarray.Dataset
        Output of :func:`compact.observables.observables` (``frequency``, ``power``,
        ``relaxation_rate``, ``oscillating``, optional ``linewidth`` over ``current``).
    fit_df_dI : bool
        Fit the linear current tuning ``df_dI`` (Hz/A); if False it is fixed at 0.
    temperature : float, optional
        Temperature (K) for the record and for λ from linewidths; default
        ``attrs["source_temperature"]`` or 0.
    mode_energy : float, optional
        Mode energy λ (J) to use when it cannot be identified from linewidths.

    Returns
    -------
    xarray.Dataset
        The input plus ``frequency_fit``, ``power_fit``, ``relaxation_rate_fit`` and their
        ``*_residual`` (over ``current``), ``nonlinearity`` ν(I) of the fitted model, and over
        a ``parameter`` dim: ``estimate``, ``stderr``, ``covariance`` (with
        ``parameter_other``). ``attrs["model"]`` is the AutoOscillator JSON.

    Raises
    ------
    ValueError
        Fewer than 4 oscillating currents, or no relaxation rate to fix ``gamma_g``.
    """
    for name in ("frequency", "power", "relaxation_rate", "oscillating"):
        if name not in calibration:
            raise ValueError(f"calibration: variable {name!r} missing; found "
                             f"{sorted(calibration.data_vars)}")
    current = np.asarray(calibration["current"].values, dtype=float)
    oscillating = np.asarray(calibration["oscillating"].values, dtype=bool)
    frequency = np.asarray(calibration["frequency"].values, dtype=float)
    power = np.asarray(calibration["power"].values, dtype=float)
    relaxation = np.asarray(calibration["relaxation_rate"].values, dtype=float)
    use = oscillating & np.isfinite(frequency) & np.isfinite(power)
    if use.sum() < MIN_POINTS:
        raise ValueError(
            f"only {int(use.sum())} oscillating current(s) of {current.size} "
            f"({current[use].tolist()} A); the fit needs at least {MIN_POINTS}. Below "
            "threshold at every current, or the runs did not settle: extend the current range "
            "or the duration"
        )
    sign = np.sign(np.median(current[use]))
    if np.any(np.sign(current[use]) != sign):
        raise ValueError("current: oscillation at both polarities; calibrate each separately")
    I, p, f = current[use], power[use], frequency[use]

    # 1. threshold and nonlinear damping from p(I)
    (I_th, Q), cov_power = _fit_power(I, p)
    var_I_th = float(cov_power[0, 0])

    # 2. linear damping from Γ_p(I)
    rel_use = use & np.isfinite(relaxation)
    if not rel_use.any():
        raise ValueError(
            "relaxation_rate: no ring-up or ring-down found at any current, so gamma_g cannot "
            "be fitted; start the runs from a small (or large) amplitude"
        )
    def fit_gamma(threshold: float) -> tuple[float, float]:
        excess = current[rel_use] / threshold - 1
        (value,), cov_value = _linear_fit(excess[:, None], relaxation[rel_use])
        return float(value), float(cov_value[0, 0])

    gamma_g, var_gamma = fit_gamma(I_th)
    # propagate the uncertainty of I_th (numerical derivative of the estimate)
    step = 1e-6 * abs(I_th)
    d_gamma = (fit_gamma(I_th + step)[0] - fit_gamma(I_th - step)[0]) / (2 * step)
    var_gamma += d_gamma**2 * var_I_th

    # 3. frequency: f = a + N p + df_dI I, then f0 = a + df_dI I_th
    if fit_df_dI:
        design = np.column_stack([np.ones_like(I), p, I])
        (a, N, df_dI), cov_freq = _linear_fit(design, f)
    else:
        design = np.column_stack([np.ones_like(I), p])
        (a, N), cov2 = _linear_fit(design, f)
        df_dI = 0.0
        cov_freq = np.zeros((3, 3))
        cov_freq[:2, :2] = cov2
    f0 = a + df_dI * I_th
    # covariance of (f0, N, df_dI) from (a, N, df_dI) and I_th
    jac = np.array([[1, 0, I_th], [0, 1, 0], [0, 0, 1]], dtype=float)
    cov_fnd = jac @ cov_freq @ jac.T
    cov_fnd[0, 0] += df_dI**2 * var_I_th

    # mode energy from thermal linewidths, if any
    if temperature is None:
        temperature = float(calibration.attrs.get("source_temperature", 0.0) or 0.0)
    provisional = AutoOscillator(f0=f0, N=N, df_dI=df_dI, gamma_g=gamma_g, Q=Q, I_th=I_th,
                                 temperature=temperature)
    lam, lam_err, identified = _mode_energy(calibration, provisional, use)
    if not identified:
        lam = mode_energy if mode_energy is not None else provisional.mode_energy
    model = AutoOscillator(f0=f0, N=N, df_dI=df_dI, gamma_g=gamma_g, Q=Q, I_th=I_th,
                           mode_energy=lam, temperature=temperature,
                           **resistance_parameters(calibration))

    n_par = len(PARAMETERS)
    cov = np.zeros((n_par, n_par))
    idx = {name: k for k, name in enumerate(PARAMETERS)}
    for a_name, b_name, value in [
        ("I_th", "I_th", cov_power[0, 0]), ("I_th", "Q", cov_power[0, 1]),
        ("Q", "Q", cov_power[1, 1]), ("gamma_g", "gamma_g", var_gamma),
        ("mode_energy", "mode_energy", lam_err**2 if identified else np.nan),
    ]:
        cov[idx[a_name], idx[b_name]] = cov[idx[b_name], idx[a_name]] = value
    for r, a_name in enumerate(("f0", "N", "df_dI")):
        for s, b_name in enumerate(("f0", "N", "df_dI")):
            cov[idx[a_name], idx[b_name]] = cov_fnd[r, s]
    if not fit_df_dI:
        cov[idx["df_dI"], :] = cov[:, idx["df_dI"]] = 0.0
    stderr = np.sqrt(np.clip(np.diag(cov), 0, None))
    stderr[idx["mode_energy"]] = lam_err if identified else np.nan

    out = calibration.copy()
    nan = np.full(current.size, np.nan)
    predicted = {
        "frequency": np.where(use, model.frequency(current, power), nan),
        "power": model.stationary_power(current),
        "relaxation_rate": model.relaxation_rate(current),
    }
    units = {"frequency": "Hz", "power": "1", "relaxation_rate": "1/s"}
    for name, values in predicted.items():
        out[f"{name}_fit"] = ("current", values, {"units": units[name],
                                                  "long_name": f"fitted model: {name}"})
        measured = np.asarray(calibration[name].values, dtype=float)
        residual = np.where(use, measured - values, np.nan)
        out[f"{name}_residual"] = ("current", residual,
                                   {"units": units[name], "long_name": "data - fit"})
    out["nonlinearity"] = ("current", model.nonlinearity(current),
                           {"units": "1", "long_name": "nu = 2 pi N p0 / Gamma_p (fitted)"})
    values = [getattr(model, name) for name in PARAMETERS]
    units_list = [UNITS[name] for name in PARAMETERS]
    out = out.assign_coords(parameter=("parameter", list(PARAMETERS)),
                            parameter_other=("parameter_other", list(PARAMETERS)),
                            unit=("parameter", units_list))
    out["estimate"] = ("parameter", values, {"long_name": "fitted parameter (units: unit)"})
    out["stderr"] = ("parameter", stderr, {"long_name": "standard error (units: unit)"})
    out["covariance"] = (("parameter", "parameter_other"), cov,
                         {"long_name": "covariance; blocks of separate fits, cross terms 0"})
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov[idx["N"], idx["df_dI"]] / (stderr[idx["N"]] * stderr[idx["df_dI"]])
    out.attrs.update({
        "model": model.to_json(),
        "warnings": json.dumps(fit_warnings(
            current[use], model, stderr[idx["I_th"]], power[use],
            *(calibration[name].values[use] if name in calibration else None
              for name in ("frequency_shift_ringup", "frequency_shift_ringup_error")))),
        "fit_df_dI": int(fit_df_dI),
        "mode_energy_identified": int(identified),
        "n_oscillating": int(use.sum()),
        "correlation_N_df_dI": float(corr) if np.isfinite(corr) else np.nan,
    })
    return out


def _mode_energy(calibration: xr.Dataset, model: AutoOscillator,
                 use: np.ndarray) -> tuple[float, float, bool]:
    """λ (J) from thermal linewidths (:func:`compact.rates.linewidth` solved for λ), median."""
    if "linewidth" not in calibration or model.temperature <= 0:
        return math.nan, math.nan, False
    width = np.asarray(calibration["linewidth"].values, dtype=float)
    ok = use & np.isfinite(width) & (width > 0)
    if not ok.any():
        return math.nan, math.nan, False
    current = np.asarray(calibration["current"].values, dtype=float)[ok]
    p0 = model.stationary_power(current)
    nu = model.nonlinearity(current)
    # Δf λ is fixed by the model, so the linewidth formula with Δf in λ's place gives λ
    lam = rates.linewidth(p0, nu, model.gamma_g, model.Q, model.temperature, width[ok])
    lam = lam[np.isfinite(lam) & (lam > 0)]
    if lam.size == 0:
        return math.nan, math.nan, False
    err = float(np.std(lam, ddof=1) / math.sqrt(lam.size)) if lam.size > 1 else math.nan
    return float(np.median(lam)), err, True


def model_from_calibration(calibration: xr.Dataset) -> AutoOscillator:
    """The fitted AutoOscillator stored in a calibration Dataset."""
    if "model" not in calibration.attrs:
        raise ValueError("calibration: no fitted model in attrs['model']; run the fit first")
    return AutoOscillator.from_dict(json.loads(calibration.attrs["model"]))

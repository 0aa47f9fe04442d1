"""Observables of an oscillator from any time-series Dataset (DESIGN.md schema).

Per current: the complex amplitude ``c`` (normalised so that ``c ∝ exp(-i ω t)`` with ω > 0),
its power ``p = |c|²``, the end of the transient, the frequency (unwrapped phase; spectrum peak
with sub-bin interpolation as a cross-check), the mean power, the linewidth (Lorentzian fit of
the Welch PSD, only with thermal noise), the power relaxation rate Γ_p from the ring-up or
ring-down of ``p`` (or, where noise truncates the transient, from the autocorrelation of the
power fluctuations), and whether the device oscillates at all. A current that does not give a
settled oscillation above ``power_floor`` with a well-defined amplitude (relative power spread
below ``max_power_spread``) is flagged ``oscillating = False`` and gets NaN for every
frequency-like quantity: never a made-up number.

Mapping to ``c`` (PHYSICS.md section 2), chosen by ``mode`` or from the Dataset:

- ``"auto-oscillator"`` (``attrs["device"]`` of that type, or ``mz`` all NaN): ``c = mx + i my``.
- ``"vortex"`` (``core_x``, ``core_y`` present): ``c = (X + i Y)/R`` with the orbit centre
  removed and ``R`` the disk radius from ``attrs["device"]`` (``radius`` or ``diameter``/2, m).
- ``"uniform"`` (otherwise): precession about the mean magnetisation; ``p = sin²(θ/2)`` of the
  cone angle θ and the phase the azimuth about that axis.

A record may end early (a run stopped once steady, ``RunSpec.steady_state``): in a Dataset of
several currents its samples after the end are NaN, and each current is analysed over its own
samples (:func:`record_lengths`).

For the vortex and uniform mappings the sense of rotation is normalised (``c`` conjugated where
it turns counter-clockwise) so that frequencies come out positive; the auto-oscillator's own
convention ``c ∝ exp(-i ω t)`` is kept as is.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import xarray as xr

from compact.transients import ring_up_frequency_shift

__all__ = ["complex_amplitude", "observables", "record_lengths", "resolve_mode",
           "validate_timeseries"]

MODES = ("auto-oscillator", "vortex", "uniform")


# ---------------------------------------------------------------------------- input checks
def device_info(ds: xr.Dataset) -> dict:
    """``attrs["device"]`` as a dict ({} if absent)."""
    device = ds.attrs.get("device")
    if device is None:
        return {}
    if isinstance(device, dict):
        return device
    try:
        info = json.loads(device)
    except (TypeError, ValueError) as err:
        raise ValueError(f"attrs['device'] = {str(device)[:80]!r}: not valid JSON ({err})") from err
    return info if isinstance(info, dict) else {}


def resolve_mode(ds: xr.Dataset, mode: str | None = None) -> str:
    """Which mapping to ``c`` applies: ``mode`` if given, else guessed (module docstring)."""
    if mode is not None:
        if mode not in MODES:
            raise ValueError(f"mode = {mode!r}: allowed {list(MODES)} or None (guess)")
        return mode
    if "core_x" in ds and "core_y" in ds:
        return "vortex"
    if str(device_info(ds).get("type", "")).lower() == "auto-oscillator":
        return "auto-oscillator"
    if "mz" in ds and bool(np.all(np.isnan(ds["mz"].values))):
        return "auto-oscillator"
    return "uniform"


def _required_variables(mode: str) -> tuple[str, ...]:
    return {"auto-oscillator": ("mx", "my"), "vortex": ("core_x", "core_y"),
            "uniform": ("mx", "my", "mz")}[mode]


def validate_timeseries(ds: xr.Dataset, mode: str | None = None, min_samples: int = 64) -> str:
    """Check that ``ds`` is a usable time-series Dataset; return the mapping mode.

    Raises ValueError naming the problem: missing dimension or variable, NaN or infinite values,
    a record that is too short, a non-uniform time grid, a current axis that is not strictly
    monotonic.
    """
    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"expected an xarray.Dataset, got {type(ds).__name__}")
    for dim in ("current", "time"):
        if dim not in ds.dims:
            raise ValueError(
                f"dimension {dim!r} missing: the time-series schema needs dims ('current', "
                f"'time'); found {tuple(ds.dims)}"
            )
        if dim not in ds.coords:
            raise ValueError(f"coordinate {dim!r} missing (values of the {dim} axis)")
    mode = resolve_mode(ds, mode)
    for name in _required_variables(mode):
        if name not in ds:
            raise ValueError(
                f"variable {name!r} missing: mode {mode!r} needs {_required_variables(mode)}; "
                f"found {sorted(ds.data_vars)}"
            )
        values = ds[name].transpose("current", "time").values
        if not (np.issubdtype(values.dtype, np.integer)
                or np.issubdtype(values.dtype, np.floating)):
            raise ValueError(f"variable {name!r} has dtype {values.dtype}: must be real "
                             "numbers")
        finite = np.isfinite(values)
        lengths = finite.sum(axis=1)
        # a record ends at its last finite sample; a non-finite value before it is a gap
        end = values.shape[1] - np.argmax(finite[:, ::-1], axis=1)
        inside = np.arange(values.shape[1])[None, :] < end[:, None]
        if np.any(~finite & inside):
            bad = int((~finite & inside).sum())
            raise ValueError(
                f"variable {name!r} has {bad} NaN or infinite value(s) of {values.size} "
                "inside a record (only a record that ends early may end in NaN); remove or "
                "fill them first"
            )
        if lengths.min() < min_samples:
            row = int(np.argmin(lengths))
            raise ValueError(f"variable {name!r}: current {ds['current'].values[row]!r} has "
                             f"{int(lengths[row])} samples, too short; need at least "
                             f"{min_samples}")
    time = np.asarray(ds["time"].values, dtype=float)
    if time.size < min_samples:
        raise ValueError(f"time: {time.size} samples, too short; need at least {min_samples}")
    steps = np.diff(time)
    if not (np.all(steps > 0) and np.ptp(steps) <= 1e-6 * np.mean(steps)):
        raise ValueError(
            "time: the grid must be uniform and increasing (steps from "
            f"{steps.min():.6g} to {steps.max():.6g} s); resample first"
        )
    current = np.asarray(ds["current"].values, dtype=float)
    if not np.all(np.isfinite(current)):
        raise ValueError(f"current: NaN or infinite values in {current.tolist()} (A)")
    if current.size > 1:
        d = np.diff(current)
        if not (np.all(d > 0) or np.all(d < 0)):
            raise ValueError(
                f"current: the axis must be strictly monotonic; got {current.tolist()} (A). "
                "Sort it (ds.sortby('current')) and drop duplicates"
            )
    return mode


# ---------------------------------------------------------------------------- amplitude
def _radius(ds: xr.Dataset) -> float:
    info = device_info(ds)
    stack = [info]
    while stack:  # search nested dicts for a radius or a diameter (m)
        d = stack.pop()
        for key in ("radius", "disk_radius", "R"):
            if isinstance(d.get(key), int | float):
                return float(d[key])
        for key in ("diameter", "disk_diameter"):
            if isinstance(d.get(key), int | float):
                return float(d[key]) / 2
        stack.extend(v for v in d.values() if isinstance(v, dict))
    raise ValueError(
        "attrs['device']: no 'radius' or 'diameter' (m) found; the vortex amplitude "
        "c = (X + iY)/R needs the disk radius R"
    )


def _clockwise(c: np.ndarray) -> np.ndarray:
    """Conjugate rows of ``c`` that turn counter-clockwise, so that c ∝ exp(-i ω t), ω > 0."""
    half = c[..., c.shape[-1] // 2:]
    turn = np.sum(np.angle(half[..., 1:] * np.conj(half[..., :-1])), axis=-1)
    return np.where((turn > 0)[..., None], np.conj(c), c)


def record_lengths(ds: xr.Dataset, mode: str | None = None) -> np.ndarray:
    """Samples of each current's record (int, dim ``current``): where its samples stop being
    finite (a run that stopped once steady), else the whole time axis."""
    mode = resolve_mode(ds, mode)
    name = {"auto-oscillator": "mx", "vortex": "core_x"}.get(mode, "mx")
    return np.isfinite(ds[name].transpose("current", "time").values).sum(axis=1)


def complex_amplitude(ds: xr.Dataset, mode: str | None = None) -> xr.DataArray:
    """Complex amplitude ``c(current, time)`` (dimensionless); see the module docstring.

    Each current over its own record (:func:`record_lengths`); NaN after a record's end."""
    mode = resolve_mode(ds, mode)
    dims = ("current", "time")
    lengths = record_lengths(ds, mode)
    if np.any(lengths < ds.sizes["time"]):
        rows = []
        for i, n in enumerate(lengths):
            row = complex_amplitude(ds.isel(current=[i], time=slice(0, int(n))), mode).values
            rows.append(np.concatenate([row[0], np.full(ds.sizes["time"] - n, np.nan)]))
        return xr.DataArray(np.stack(rows), dims=dims, coords={k: ds[k] for k in dims},
                            attrs={"units": "1", "mode": mode})
    if mode == "auto-oscillator":
        c = ds["mx"].transpose(*dims).values + 1j * ds["my"].transpose(*dims).values
    elif mode == "vortex":
        radius = _radius(ds)
        z = ds["core_x"].transpose(*dims).values + 1j * ds["core_y"].transpose(*dims).values
        centre = z[:, z.shape[1] // 2:].mean(axis=1, keepdims=True)
        c = _clockwise((z - centre) / radius)
    else:
        m = np.stack([ds[k].transpose(*dims).values for k in ("mx", "my", "mz")], axis=-1)
        m = m / np.linalg.norm(m, axis=-1, keepdims=True)
        axis = m[:, m.shape[1] // 2:].mean(axis=1)
        axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
        helper = np.where(np.abs(axis[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
        e1 = np.cross(helper, axis)
        e1 /= np.linalg.norm(e1, axis=-1, keepdims=True)
        e2 = np.cross(axis, e1)
        cos_theta = np.clip(np.einsum("ctk,ck->ct", m, axis), -1, 1)
        phase = np.arctan2(np.einsum("ctk,ck->ct", m, e2), np.einsum("ctk,ck->ct", m, e1))
        c = _clockwise(np.sqrt((1 - cos_theta) / 2) * np.exp(1j * phase))
    return xr.DataArray(c, dims=dims, coords={k: ds[k] for k in dims},
                        attrs={"units": "1", "mode": mode})


# ---------------------------------------------------------------------------- estimators
def _moving_average(x: np.ndarray, width: int) -> np.ndarray:
    width = max(1, int(width))
    if width == 1:
        return x
    kernel = np.ones(width) / width
    return np.convolve(x, kernel, mode="same")


def settling_index(power: np.ndarray, block: int, tolerance: float) -> tuple[int, float]:
    """End of the transient: first sample after which the power stays settled.

    The power is averaged over blocks of ``block`` samples; ``p_end`` is the mean of the last
    20 % of the blocks and the power counts as settled within ``max(tolerance · p_end,
    5 · spread)`` of it, ``spread`` the std of those final block means (noise). Returns
    ``(index, p_end)``; the index is a block boundary.
    """
    n_blocks = power.size // block
    means = power[: n_blocks * block].reshape(n_blocks, block).mean(axis=1)
    tail = means[int(0.8 * n_blocks):]
    p_end = float(np.mean(tail))
    band = max(tolerance * abs(p_end), 5 * float(np.std(tail)), 1e-300)
    outside = np.nonzero(np.abs(means - p_end) > band)[0]
    index = 0 if outside.size == 0 else (int(outside[-1]) + 1) * block
    return index, p_end


def phase_frequency(c: np.ndarray, dt: float) -> float:
    """Mean frequency from the least-squares slope of the unwrapped phase (Hz), c ∝ e^{-iωt}."""
    phase = np.unwrap(np.angle(c))
    t = np.arange(c.size) * dt
    slope = np.polyfit(t - t.mean(), phase, 1)[0]
    return float(-slope / (2 * math.pi))


def spectrum_frequency(c: np.ndarray, dt: float) -> float:
    """Frequency of the spectral peak with Gaussian (log-parabolic) sub-bin interpolation (Hz).

    Hann window, zero-padded to at least twice the length.
    """
    n = c.size
    n_fft = 1 << int(math.ceil(math.log2(2 * n)))
    spectrum = np.abs(np.fft.fft(np.conj(c) * np.hanning(n), n_fft)) ** 2
    k = int(np.argmax(spectrum))
    left, mid, right = (np.log(spectrum[(k + j) % n_fft] + 1e-300) for j in (-1, 0, 1))
    denominator = left - 2 * mid + right
    shift = 0.0 if denominator == 0 else 0.5 * (left - right) / denominator
    freqs = np.fft.fftfreq(n_fft, dt)
    return float(freqs[k] + shift / (n_fft * dt))


def _lorentzian_log(f, log_amplitude, centre, half_width, log_background):
    return np.log(np.exp(log_amplitude) / (1 + ((f - centre) / half_width) ** 2)
                  + np.exp(log_background))


def lorentzian_linewidth(c: np.ndarray, dt: float) -> float:
    """Full width at half maximum (Hz) of a Lorentzian fitted to the Welch PSD of ``c``.

    The segment length is chosen from a phase-diffusion estimate of the width
    (``⟨Δφ²⟩ = 2 D_φ τ``, FWHM = D_φ/π) so that a bin is ~1/16 of the line; the fit is made on
    the logarithm of the PSD (Welch estimates have a constant relative error) within ±8
    estimated widths of the peak. NaN when the line is not resolved (width < 2 bins).
    """
    from scipy.optimize import OptimizeWarning, curve_fit
    from scipy.signal import welch

    n = c.size
    phase = np.unwrap(np.angle(c))
    lag = max(1, n // 20)
    increments = phase[lag:] - phase[:-lag]
    diffusion = np.var(increments) / (2 * lag * dt)
    width_guess = diffusion / math.pi
    if not np.isfinite(width_guess) or width_guess <= 0:
        return math.nan
    nperseg = 1 << int(round(math.log2(max(16.0 / (width_guess * dt), 2.0))))
    nperseg = int(min(max(nperseg, 256), max(n // 8, 16)))
    freqs, psd = welch(np.conj(c), fs=1 / dt, window="hann", nperseg=nperseg,
                       return_onesided=False, detrend=False, scaling="density")
    order = np.argsort(freqs)
    freqs, psd = freqs[order], psd[order]
    bin_width = 1 / (nperseg * dt)
    k = int(np.argmax(psd))
    span = max(8 * width_guess, 10 * bin_width)
    sel = np.abs(freqs - freqs[k]) <= span
    sel &= psd > 0
    if sel.sum() < 6:
        return math.nan
    guess = (math.log(psd[k]), freqs[k], max(width_guess / 2, bin_width),
             math.log(max(np.min(psd[sel]), 1e-300)))
    try:
        with warnings.catch_warnings():  # the covariance is not used
            warnings.simplefilter("ignore", OptimizeWarning)
            params, _ = curve_fit(_lorentzian_log, freqs[sel], np.log(psd[sel]), p0=guess,
                                  maxfev=5000)
    except (RuntimeError, ValueError):
        return math.nan
    width = 2 * abs(params[2])
    return float(width) if width >= 2 * bin_width else math.nan


def relaxation_rate(power: np.ndarray, dt: float, p_end: float, floor: float,
                    upper: float = 1.0) -> float:
    """Power relaxation rate Γ_p (1/s) from the ring-up or ring-down of ``p`` towards ``p_end``.

    Fits ``ln|p_end/p - 1| = const - 2 Γ_p t``, exact for the auto-oscillator's logistic power
    equation ``dp/dt = 2 Γ_p p (1 - p/p_end)`` and equal to the linearised decay
    ``δp ∝ exp(-2 Γ_p t)`` near ``p_end``. Uses the stretch where ``|p_end/p - 1|`` first falls
    from half its largest value (at most ``upper``) to ``floor`` (the noise floor); NaN if that
    spans less than one e-fold or fewer than 5 samples (no transient in the record).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.abs(p_end / power - 1)
    below = np.nonzero(y < floor)[0]
    if below.size == 0 or below[0] < 5:
        return math.nan
    stop = int(below[0])
    # start where the deviation has fallen to half its largest value (at most ``upper``):
    # skips a flat stretch before a current step and the far, non-model part of a ring-up
    top = min(upper, float(np.max(y[:stop])))
    start = int(np.nonzero(y[:stop] >= top / 2)[0][-1])
    if stop - start < 5 or math.log(y[start] / max(y[stop - 1], 1e-300)) < 1.0:
        return math.nan
    t = np.arange(start, stop) * dt
    slope = np.polyfit(t, np.log(y[start:stop]), 1)[0]
    return float(-slope / 2)


def fluctuation_relaxation_rate(power: np.ndarray, dt: float, min_lag: int = 1) -> float:
    """Power relaxation rate Γ_p (1/s) from the autocorrelation of steady power fluctuations.

    With noise, ``δp = p - ⟨p⟩`` relaxes as in a ring-down, so its autocorrelation decays as
    ``exp(-2 Γ_p τ)`` (linearised power equation driven by white noise). Fits the logarithm of
    the autocorrelation for lags from ``min_lag`` samples (past any smoothing) to where it has
    fallen by e²; NaN if that is fewer than 4 lags or the record holds fewer than 20
    correlation times.
    """
    x = power - power.mean()
    n = x.size
    n_fft = 1 << int(math.ceil(math.log2(2 * n)))
    spectrum = np.fft.rfft(x, n_fft)
    acf = np.fft.irfft(np.abs(spectrum) ** 2, n_fft)[:n] / (n - np.arange(n))
    if acf[min_lag] <= 0:
        return math.nan
    below = np.nonzero(acf[min_lag:] < acf[min_lag] * math.exp(-2))[0]
    if below.size == 0:
        return math.nan
    stop = min_lag + int(below[0])
    if stop - min_lag < 4 or n < 20 * (stop - min_lag) / 2:
        return math.nan
    lags = np.arange(min_lag, stop)
    slope = np.polyfit(lags * dt, np.log(acf[min_lag:stop]), 1)[0]
    return float(-slope / 2)


# ---------------------------------------------------------------------------- the Dataset
def _has_noise(ds: xr.Dataset) -> bool:
    temperature = ds.attrs.get("temperature")
    try:
        return not (temperature is not None and float(temperature) == 0.0)
    except (TypeError, ValueError):
        return True


def observables(
    ds: xr.Dataset,
    *,
    mode: str | None = None,
    power_floor: float = 1e-3,
    settle_tolerance: float = 0.02,
    min_steady_fraction: float = 0.2,
    max_power_spread: float = 0.5,
) -> xr.Dataset:
    """The calibration observables of DESIGN.md from a time-series Dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        Time-series Dataset (dims ``current``, ``time``), micromagnetic, synthetic or measured.
    mode : {"auto-oscillator", "vortex", "uniform"}, optional
        Mapping to the complex amplitude; guessed from the Dataset if omitted.
    power_floor : float
        Smallest stationary power counted as oscillation (dimensionless).
    settle_tolerance : float
        Relative band around the final power within which the transient counts as over.
    min_steady_fraction : float
        Fraction of the record that must remain after the transient; otherwise the run has not
        settled and is flagged not oscillating.
    max_power_spread : float
        Largest relative spread std(p)/mean(p) of the steady power (smoothed over a carrier
        period) that still counts as an auto-oscillation. Below threshold, thermal noise drives
        a damped resonance whose c is complex Gaussian, std(p)/mean(p) = 1; a stable orbit
        has a well-defined amplitude, std(p)/mean(p) ≪ 1.

    Returns
    -------
    xarray.Dataset
        Dim ``current``: ``frequency`` (Hz, unwrapped phase), ``frequency_spectrum`` (Hz,
        spectral peak), ``power`` (1), ``linewidth`` (Hz; NaN without noise, i.e.
        ``attrs["temperature"] == 0``, or unresolved), ``relaxation_rate`` (1/s),
        ``settling_time`` (s), ``oscillating`` (bool). Attrs link to the source Dataset.
    """
    mode = validate_timeseries(ds, mode)
    c_all = complex_amplitude(ds, mode).values
    lengths = record_lengths(ds, mode)
    time = np.asarray(ds["time"].values, dtype=float)
    dt = float(time[1] - time[0])
    noisy = _has_noise(ds)
    names = ("frequency", "frequency_spectrum", "power", "linewidth", "relaxation_rate",
             "settling_time", "power_spread", "relaxation_rate_transient",
             "relaxation_rate_fluctuation", "frequency_shift_ringup",
             "frequency_shift_ringup_error")
    out = {k: np.full(c_all.shape[0], np.nan) for k in names}
    oscillating = np.zeros(c_all.shape[0], dtype=bool)
    for i, c in enumerate(c_all):
        n = int(lengths[i])
        c = c[:n]  # a record that stopped once steady ends early
        power = np.abs(c) ** 2
        # smoothing over ~one carrier period removes 2f ripple of elliptical orbits
        rough = abs(phase_frequency(c[n // 2:], dt))
        width = int(round(1 / (rough * dt))) if rough * dt > 1 / n else n // 50
        width = int(min(max(width, 1), n // 20))
        index, p_end = settling_index(power, max(width, n // 100), settle_tolerance)
        out["settling_time"][i] = time[index] - time[0]
        steady = c[index:]
        # power and frequency over the same, later half of the steady part: the tail of the
        # transient biases them less, and the (f, p) pairs of the fit stay consistent
        late = (index + n) // 2
        out["power"][i] = float(np.mean(power[late:]))
        smooth = _moving_average(power, width)
        spread = float(np.std(smooth[late: n - width]) / max(out["power"][i], 1e-300))
        out["power_spread"][i] = spread
        if (index > (1 - min_steady_fraction) * n or out["power"][i] < power_floor
                or spread > max_power_spread):
            continue
        oscillating[i] = True
        out["frequency"][i] = phase_frequency(c[late:], dt)
        out["frequency_spectrum"][i] = spectrum_frequency(steady, dt)
        if noisy:
            out["linewidth"][i] = lorentzian_linewidth(steady, dt)
        else:  # df/dp at this current, from the ring-up (compact.transients)
            (out["frequency_shift_ringup"][i],
             out["frequency_shift_ringup_error"][i]) = ring_up_frequency_shift(
                c, dt, out["frequency"][i])
        floor = max(1e-3, 3 * spread * out["power"][i] / max(p_end, 1e-300))
        out["relaxation_rate_transient"][i] = relaxation_rate(smooth, dt, p_end, floor)
        if noisy and spread > 1e-6:
            out["relaxation_rate_fluctuation"][i] = fluctuation_relaxation_rate(
                smooth[late: n - width], dt, min_lag=width)
        # A clean transient (noise floor <= 2 %: >= 3 e-folds fitted) is the direct measure;
        # with more noise the ring-up is truncated and the power fluctuations give Γ_p.
        transient = out["relaxation_rate_transient"][i]
        fluctuation = out["relaxation_rate_fluctuation"][i]
        use_transient = np.isfinite(transient) and (floor <= 0.02 or not np.isfinite(fluctuation))
        out["relaxation_rate"][i] = transient if use_transient else fluctuation
    units = {"frequency": "Hz", "frequency_spectrum": "Hz", "power": "1", "linewidth": "Hz",
             "relaxation_rate": "1/s", "settling_time": "s", "power_spread": "1",
             "relaxation_rate_transient": "1/s", "relaxation_rate_fluctuation": "1/s",
             "frequency_shift_ringup": "Hz", "frequency_shift_ringup_error": "Hz"}
    long_names = {
        "frequency": "mean frequency from the unwrapped phase",
        "frequency_spectrum": "spectral peak, sub-bin interpolated",
        "power": "mean power |c|^2 after the transient",
        "linewidth": "FWHM of a Lorentzian fit to the Welch PSD",
        "relaxation_rate": "power relaxation rate Gamma_p, dp ~ exp(-2 Gamma_p t): the "
                           "transient's, or the fluctuations' where noise truncates it",
        "settling_time": "end of the transient",
        "power_spread": "std(p)/mean(p) after the transient, smoothed over a period",
        "relaxation_rate_transient": "Gamma_p from the ring-up or ring-down",
        "relaxation_rate_fluctuation": "Gamma_p from the autocorrelation of power noise",
        "frequency_shift_ringup": "df/dp at this current from the ring-up (the model's N, "
                                  "if one N describes the device); T = 0 only",
        "frequency_shift_ringup_error": "standard error of frequency_shift_ringup",
    }
    data = {k: ("current", v, {"units": units[k], "long_name": long_names[k]})
            for k, v in out.items()}
    data["oscillating"] = ("current", oscillating, {
        "long_name": f"settled oscillation, power > {power_floor}, power_spread < "
                     f"{max_power_spread}"})
    coords = {"current": ds["current"]}
    if "current_density" in ds.coords:
        coords["current_density"] = ds["current_density"]
    attrs = {
        "mode": mode,
        "power_floor": power_floor,
        "settle_tolerance": settle_tolerance,
        "max_power_spread": max_power_spread,
        "noise": int(noisy),
    }
    for key in ("device", "engine", "engine_version", "suite_version", "seed", "created",
                "temperature"):
        if key in ds.attrs:
            attrs[f"source_{key}"] = ds.attrs[key]
    if ds.encoding.get("source"):
        attrs["source_path"] = str(ds.encoding["source"])
    return xr.Dataset(data, coords=coords, attrs=attrs)

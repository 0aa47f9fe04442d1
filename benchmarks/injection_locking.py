"""Injection locking and the current-step response of the calibration device: micromagnetics
against the calibrated compact model; and the engines on one short driven run.

1. Calibration: the former default chain's sweep and fit
   (``examples/chain_vortex_perpendicular.toml``: the
   calibration device, 200 nm x 20 nm permalloy, six currents over its window, 100 ns each),
   from the store if it is there.
2. Locking (:mod:`multiscale.lock`): at each DC current a free run, then RF-field-driven runs
   (uniform in-plane field along x) over a grid of drive frequencies at each amplitude; Adler's
   curve fitted to mean frequency versus drive frequency gives Δ_lock(amplitude). κ_H is
   fitted at the smallest amplitude and predicts Δ_lock at the larger ones through the model
   (Δ_lock = κ H √(1+ν²) / (2π √p0)); the same grid is run on the compact model driven with
   F = κ H, and the plateau centres (the tongue's asymmetry) are compared.
3. Step: a DC current step inside the window (CurrentWaveform) from the steady orbit; the
   power relaxation rate Γ_p of p(t) = |c|^2 after the step
   (:func:`compact.observables.relaxation_rate`) against the model's Γ_p = Γ_G (ζ - 1).
4. Engines: a short run of a small disk driven by an RF current and an RF field, built-in
   versus magnum.np (and OOMMF where it runs): the largest difference of <m>.
5. Nonlinearity scan: compact models that differ only in N (the calibrated one, the df/dp
   measured at fixed current after the step, 0, minus the calibrated) through the same
   locking protocol: does another ν explain what the calibrated one misses?
6. Operating points: at each locking current the current is cut to zero for 1.5 ns and the
   orbit's return at that current gives Γ_p, N = df/dp and so ν of the device there
   (:mod:`compact.transients`); with them and the micromagnetic Δ_lock, κ_H per current.
7. Local models: at each locking current a compact model with that current's measured p0,
   Γ_p and N through the locking protocol: does the model lock like the device once its
   parameters are the device's at the operating point, and with one κ_H?

Ends with ``lock_rel_err_max=<x> gamma_p_rel_err=<y> engines_max_diff=<z>``: the largest
relative error of Δ_lock predicted with the device's κ at the amplitudes it was not fitted at,
that of Γ_p, and the largest difference of <m> between engines. ``--quick``: one DC current,
two amplitudes, four detunings, 40 ns driven runs, the step, a 30 ns pulse run, no RF-current
run, the calibration on 60 ns sweep runs (the full run: 100 ns, the chain's own). Results:
``OUT/results.json`` and figures in OUT (default ``benchmarks/results/injection_locking``;
``--quick``: ``..._quick``).

Usage: ``python benchmarks/injection_locking.py [--quick] [--out DIR] [--skip-engines]``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

#: the locking grids: DC currents (A/m^2; points of the calibration sweep, whose runs the free
#: runs reuse; on the falling branch of f(I), where the orbit is steady within 60 ns: at 9e10
#: it still drifts after 100 ns), RF-field amplitudes (A/m), detunings in units of
#: DETUNING_SCALE at the smallest amplitude (scaled with the amplitude), run lengths (s)
FULL = {"current_densities": [1.0e11, 1.1e11], "amplitudes": [50.0, 100.0, 200.0],
        "detunings": [-2.0, -1.2, -0.6, 0.0, 0.6, 1.2, 2.0],
        "free_duration": 100e-9, "duration": 60e-9, "settle": 20e-9}
QUICK = {"current_densities": [1.1e11], "amplitudes": [50.0, 100.0],
         "detunings": [-2.0, -0.6, 0.6, 2.0],
         "free_duration": 60e-9, "duration": 40e-9, "settle": 10e-9}
DETUNING_SCALE = 3e6  # Hz at 50 A/m: probe runs locked at 200 A/m up to ~10 MHz detuning
#: --quick calibrates on the chain's sweep with runs of this length instead of 100 ns
QUICK_SWEEP_DURATION = 60e-9
#: the current step (A/m^2) and when it happens (s)
STEP = (9.0e10, 1.05e11, 2e-9)
#: the step run's length (s)
STEP_DURATION = 50e-9
#: the operating-point runs: the current is cut to zero at PULSE[0] for PULSE[1] (s), then the
#: orbit returns at the DC current for the rest of PULSE_RUN (s)
PULSE = (1e-9, 1.5e-9)
PULSE_RUN = {"full": 50e-9, "quick": 30e-9}
#: the RF-current run: its DC current density (A/m^2), J_rf / J_dc and f_e - f_free (Hz)
RF_CURRENT_DC, RF_CURRENT_FRACTION, RF_CURRENT_DETUNING = 1.0e11, 0.2, 2e6


#: the device measured: the default chain's until 2026-12-07 (a perpendicular-polarizer vortex)
CONFIG = Path(__file__).resolve().parents[1] / "examples" / "chain_vortex_perpendicular.toml"

def calibrate(out: Path, store, quick: bool, progress: bool):
    import dataclasses

    from multiscale.pipeline import calibration_stage, sweep_stage
    from multiscale.schemas import load_chain_config

    config = load_chain_config(CONFIG)
    # the documented figures (docs/injection_locking.md) calibrate on full-length runs: the
    # default chain's runs stop once steady, which moves Γ_G by 0.1 of its standard error
    settings = dataclasses.replace(config.sweep, stop_when_steady=False)
    if quick:
        settings = dataclasses.replace(settings, duration=QUICK_SWEEP_DURATION)
    config = dataclasses.replace(config, sweep=settings)
    sweep = sweep_stage(config, out, store, progress=progress)
    calibration = calibration_stage(config, sweep.dataset, sweep.runs, store)
    return config, calibration


def locking(config, model, out: Path, store, quick: bool, progress: bool) -> tuple:
    """The micromagnetic locking study and κ: (results for results.json, locking Dataset)."""
    from multiscale.config import parse
    from multiscale.coupling_calibration import calibrate_coupling
    from multiscale.lock import LockSettings, run_locking

    settings = parse(LockSettings, {
        **(QUICK if quick else FULL), "detuning_scale": DETUNING_SCALE, "drive": "rf_field",
        "direction": [1.0, 0.0, 0.0], "sampling_interval": 50e-12}, where="lock")
    result = run_locking(config.device, settings, out=out / "lock", store_root=store.root,
                         progress=progress)
    coupling = calibrate_coupling(result.dataset, model)
    summary = {"settings": {k: getattr(settings, k) for k in
                            ("current_densities", "amplitudes", "detunings", "detuning_scale",
                             "duration", "settle")},
               "failed": result.failed, "wall_s": result.wall_s,
               "kappa_field": coupling["kappa"], "kappa_field_error": coupling["kappa_error"],
               "per_current": coupling["per_current"], "predictions": coupling["predictions"],
               "micromag": _fits(result.dataset), "model": coupling["model"].to_dict()}
    return summary, result.dataset


def with_frequency_shift(model, N: float, current: float):
    """``model`` with nonlinear frequency shift ``N`` (Hz) and the same generated frequency
    f(p0(I), I) and current tuning d f/dI at ``current`` (A): df_dI and f0 take up the
    difference. The calibration across currents cannot tell N p0(I) from df_dI I apart, so
    these models fit the same f(I) locally and differ only in ν."""
    import dataclasses

    from compact import rates

    p0 = float(model.stationary_power(current))
    slope = float(rates.stationary_power_slope(current, model.Q, model.I_th))
    df_dI = model.df_dI + (model.N - N) * slope
    f0 = model.f0 + (model.N - N) * p0 + (model.df_dI - df_dI) * (current - model.I_th)
    return dataclasses.replace(model, N=N, df_dI=df_dI, f0=f0)


def nonlinearity_scan(lock_dataset, model, shifts) -> list[dict]:
    """The locking predictions of models that differ only in N (:func:`with_frequency_shift`
    at the mean DC current): does a different ν explain what the calibrated one misses?"""
    from multiscale.coupling_calibration import calibrate_coupling

    mean_current = float(np.mean(lock_dataset.current.values))
    rows = []
    for label, N in shifts:
        variant = with_frequency_shift(model, float(N), mean_current)
        coupling = calibrate_coupling(lock_dataset, variant)
        rows.append({"label": label, "N": float(N), "df_dI": variant.df_dI,
                     "kappa": coupling["kappa"], "kappa_error": coupling["kappa_error"],
                     "per_current": [{k: c[k] for k in ("current_density", "nu", "kappa")}
                                     for c in coupling["per_current"]],
                     "predictions": [{k: q[k] for k in (
                         "current_density", "amplitude", "measured", "predicted",
                         "rel_err", "predicted_own_kappa", "rel_err_own_kappa",
                         "measured_centre_shift", "predicted_centre_shift", "fitting_point")}
                         for q in coupling["predictions"]]})
    return rows


def _fits(ds) -> list[dict]:
    rows = []
    for i, J in enumerate(ds.current_density.values):
        for j, a in enumerate(ds.amplitude.values):
            f_e = ds.drive_frequency.values[i, j]
            f = ds.frequency.values[i, j]
            rows.append({"current_density": float(J), "amplitude": float(a),
                         "free_frequency": float(ds.free_frequency.values[i]),
                         "free_power": float(ds.free_power.values[i]),
                         "centre": float(ds.centre.values[i, j]),
                         "centre_error": float(ds.centre_error.values[i, j]),
                         "half_width": float(ds.half_width.values[i, j]),
                         "half_width_error": float(ds.half_width_error.values[i, j]),
                         "drive_frequency": f_e.tolist(), "frequency": f.tolist()})
    return rows


def step_response(config, model, out: Path, store, quick: bool, progress: bool,
                  beside: list = ()) -> tuple[dict, dict]:
    """Micromagnetic Γ_p after a DC current step against the model; the runs ``beside``
    (run_specs items) go in the same batch, on the other worker. Returns (results, folders of
    ``beside``)."""
    import xarray as xr

    from compact.locking import mean_frequency
    from compact.observables import complex_amplitude, relaxation_rate
    from compact.transients import local_parameters
    from micromag.drives import CurrentWaveform, RFCurrent
    from micromag.engines import RunSpec, get_engine
    from multiscale.lock import run_specs
    from multiscale.sweep import _relaxed_state

    before, after, at = STEP
    engine = get_engine("builtin")
    initial = _relaxed_state(engine, config.device, store, progress)
    common = {"sampling_interval": 50e-12}
    grid = QUICK if quick else FULL
    # the RF-current run only in the full run: the quick run's 60 ns free run at
    # RF_CURRENT_DC has not settled, so the driven run drifts for other reasons
    frees = [(name, RunSpec(current_density=J, duration=grid["free_duration"],
                            record_final=True, **common), initial, {})
             for name, J in (("free", before), ("free_rf", RF_CURRENT_DC))
             if name == "free" or not quick]
    folders, failed, _ = run_specs(frees, engine, config.device, store, progress=progress,
                                   description="free runs")
    if failed:
        raise RuntimeError(f"step: free run failed: {failed}")
    step = CurrentWaveform.step_function(before, after, at, rise_time=0.1e-9)
    driven = RunSpec(current_density=before, duration=STEP_DURATION, drives=(step,), **common)
    batch = [("step", driven, str(folders["free"] / "m_final.npy"), {}), *beside]
    dt = 50e-12
    if not quick:
        # an RF current near f_free, which a centred vortex with a perpendicular polarizer
        # cannot lock to (the drive is cylindrically symmetric)
        c_free = complex_amplitude(xr.load_dataset(folders["free_rf"] / "timeseries.nc",
                                                   engine="h5netcdf")).values[0]
        f_free = mean_frequency(c_free, dt, 0.0, start=c_free.size // 2)[0]
        rf = RFCurrent(RF_CURRENT_FRACTION * RF_CURRENT_DC, f_free + RF_CURRENT_DETUNING)
        rf_spec = RunSpec(current_density=RF_CURRENT_DC, duration=grid["duration"],
                          drives=(rf,), **common)
        batch.append(("rf_current", rf_spec, str(folders["free_rf"] / "m_final.npy"), {}))
    folders2, failed, _ = run_specs(batch, engine, config.device, store, progress=progress,
                                    description="step, pulses, RF current")
    if failed:
        raise RuntimeError(f"step: driven run failed: {failed}")
    rf_current = None
    if not quick:
        c_rf = complex_amplitude(xr.load_dataset(folders2["rf_current"] / "timeseries.nc",
                                                 engine="h5netcdf")).values[0]
        f_rf, _ = mean_frequency(c_rf, dt, rf.frequency, start=int(grid["settle"] / dt))
        rf_current = {"amplitude_A_per_m2": rf.amplitude,
                      "amplitude_A": rf.amplitude * config.device.area,
                      "drive_frequency": rf.frequency, "free_frequency": f_free,
                      "frequency": f_rf, "pulled_by": f_free - f_rf,
                      "radius_free": float(np.mean(np.abs(c_free[c_free.size // 2:]))),
                      "radius_driven": float(np.mean(np.abs(c_rf[c_rf.size // 3:])))}
    ds = xr.load_dataset(folders2["step"] / "timeseries.nc", engine="h5netcdf")
    c = complex_amplitude(ds).values[0]
    start = int(round((at + 0.1e-9) / dt)) + 1
    # the orbit's power, averaged over one period so the discretisation ripple is gone
    period = max(1, int(round(1 / (0.83e9 * dt))))
    power = np.convolve(np.abs(c) ** 2, np.ones(period) / period, mode="same")
    p_after = power[start:-period]
    p_end = float(np.mean(p_after[-int(10e-9 / dt):]))
    measured = relaxation_rate(p_after, dt, p_end, floor=0.02, upper=1.0)
    I_after = after * config.device.area
    predicted = float(model.relaxation_rate(I_after))
    # the nonlinear frequency shift at fixed current: f(t) against p(t) while p relaxes
    shift = local_parameters(c, dt, start, period * dt, tail=10e-9)[0].frequency_shift
    nu_micromag = 2 * np.pi * shift * p_end / measured
    nu_model = float(model.nonlinearity(I_after))
    p0_model = (float(model.stationary_power(before * config.device.area)),
                float(model.stationary_power(I_after)))
    return {"rf_current": rf_current, "step": STEP, "gamma_p_micromag": measured,
            "gamma_p_model": predicted, "rel_err": (predicted - measured) / measured,
            "N_micromag": shift, "N_model": model.N, "nu_micromag": nu_micromag,
            "nu_model": nu_model,
            "p_end_micromag": p_end,
            "p_start_micromag": float(np.mean(power[period // 2:start - 3 - period // 2])),
            "p0_model": p0_model, "time": ds.time.values[start:-period].tolist()[::4],
            "power": p_after.tolist()[::4]}, {label: folders2[label] for label, *_ in beside}


def pulse_specs(config, lock_dataset, store, quick: bool, progress: bool) -> list:
    """The operating-point runs (run_specs items labelled by J): from the locking study's
    free run at J (found in the store), the current cut to zero for PULSE[1] s at PULSE[0],
    then held at J while the orbit returns."""
    from micromag.drives import CurrentWaveform
    from micromag.engines import RunSpec, get_engine
    from multiscale.lock import run_specs
    from multiscale.sweep import _relaxed_state

    grid = QUICK if quick else FULL
    engine = get_engine("builtin")
    common = {"sampling_interval": 50e-12, "tolerance": 1e-5}
    currents = [float(J) for J in lock_dataset.current_density.values]
    initial = _relaxed_state(engine, config.device, store, progress)
    frees = [(J, RunSpec(current_density=J, record_final=True,
                         duration=grid["free_duration"], **common), initial, {})
             for J in currents]
    free, failed, _ = run_specs(frees, engine, config.device, store, progress=progress,
                                description="free runs")
    if failed:
        raise RuntimeError(f"operating points: free run failed: {failed}")
    at, width = PULSE
    rise = 0.1e-9
    duration = PULSE_RUN["quick" if quick else "full"]
    specs = []
    for J in currents:
        hold = int(round(width / rise))
        pulse = CurrentWaveform(values=(J,) + (0.0,) * hold + (J,), step=rise, start=at)
        specs.append((J, RunSpec(current_density=J, duration=duration, drives=(pulse,),
                                 **common), str(free[J] / "m_final.npy"), {}))
    return specs


def operating_points(config, model, lock_dataset, folders: dict) -> list:
    """Γ_p, N and ν at each locking current, measured in micromagnetics at that current.

    From the pulse runs (:func:`pulse_specs`; ``folders`` by J) the orbit's return at fixed
    current (:func:`compact.transients.local_parameters`). With the measured p0, ν and the
    micromagnetic Δ_lock at the smallest amplitude, κ_H = 2π Δ √p0 / (H √(1+ν²)) per current:
    if the two currents give one κ_H, the compact model locks like the device once its ν and
    p0 are those of the device at that current.
    """
    import xarray as xr

    from compact.locking import input_coupling
    from compact.observables import complex_amplitude
    from compact.transients import local_parameters

    at, width = PULSE
    dt = 50e-12
    amplitude = float(lock_dataset.amplitude.values.min())
    rows = []
    for i, J in enumerate(float(J) for J in lock_dataset.current_density.values):
        ds = xr.load_dataset(folders[J] / "timeseries.nc", engine="h5netcdf")
        c = complex_amplitude(ds).values[0]
        f_free = float(lock_dataset.free_frequency.values[i])
        start = int(round((at + width + 0.2e-9) / dt)) + 1
        local, curves = local_parameters(c, dt, start, 1 / f_free, tail=10e-9)
        half_width = float(lock_dataset.half_width.sel(amplitude=amplitude).values[i])
        I = J * config.device.area
        rows.append({
            "current_density": J, "current": I, "micromag": local.to_dict(),
            "model": {"stationary_power": float(model.stationary_power(I)),
                      "relaxation_rate": float(model.relaxation_rate(I)),
                      "frequency_shift": model.N,
                      "nonlinearity": float(model.nonlinearity(I))},
            "amplitude": amplitude, "half_width": half_width,
            "kappa_measured_nu": float(input_coupling(half_width, amplitude,
                                                      local.stationary_power,
                                                      local.nonlinearity)),
            "kappa_model_nu": float(input_coupling(half_width, amplitude,
                                                   model.stationary_power(I),
                                                   model.nonlinearity(I))),
            "curves": {k: np.asarray(v).tolist()[::2] for k, v in curves.items()}})
    return rows


def local_model(point: dict, free_frequency: float):
    """The compact model whose p0, Γ_p, N and generated frequency at the point's current are
    those measured there in micromagnetics (:func:`operating_points`). Q = 0 and df_dI = 0:
    the return at one current fixes Γ_p = Γ_G (ζ - 1) and p0, not how the gain splits into
    Γ_G and Q, nor how f moves with I."""
    from compact.model import AutoOscillator

    mm = point["micromag"]
    p0 = mm["stationary_power"]
    zeta = 1 / (1 - p0)  # p0 = (ζ - 1)/ζ at Q = 0
    return AutoOscillator(f0=free_frequency - mm["frequency_shift"] * p0,
                          N=mm["frequency_shift"], df_dI=0.0,
                          gamma_g=mm["relaxation_rate"] / (zeta - 1), Q=0.0,
                          I_th=point["current"] / zeta)


def local_model_locking(lock_dataset, points: list) -> list[dict]:
    """Each locking current through the protocol with its :func:`local_model`: κ_H fitted at
    the smallest amplitude, Δ_lock predicted at the others. Does the compact model lock like
    the device once Γ_p, ν and p0 are the device's at that current, and is κ_H then one?"""
    from multiscale.coupling_calibration import calibrate_coupling

    rows = []
    for i, point in enumerate(points):
        one = lock_dataset.isel(current_density=[i])
        variant = local_model(point, float(one.free_frequency.values[0]))
        coupling = calibrate_coupling(one, variant)
        c = coupling["per_current"][0]
        rows.append({"current_density": point["current_density"], "model": variant.to_dict(),
                     "nu": c["nu"], "p0": c["p0"], "kappa": c["kappa"],
                     "kappa_error": c["kappa_error"],
                     "predictions": [{k: q[k] for k in (
                         "amplitude", "measured", "predicted_own_kappa", "rel_err_own_kappa",
                         "measured_centre_shift", "predicted_centre_shift", "fitting_point")}
                         for q in coupling["predictions"]]})
    return rows


def engines() -> dict:
    """Built-in against magnum.np (and OOMMF where it runs) on one short driven run."""
    from micromag.devices import VortexSTNO
    from micromag.drives import RFCurrent, RFField
    from micromag.engines import RunSpec, get_engine

    device = VortexSTNO(diameter=100e-9, thickness=10e-9, cell_size=5e-9,
                        relax_field=(0.0, -1.6e4, 0.0))
    builtin = get_engine("builtin")
    m0 = builtin.relax(device)
    spec = RunSpec(current_density=3e10, duration=1.5e-9, sampling_interval=20e-12,
                   initial_state=m0, drives=(RFCurrent(1e10, 2e9), RFField(2000.0, 2e9)))
    runs = {"builtin": builtin.run(device, spec)}
    for name in ("magnumnp", "oommf"):
        engine = get_engine(name)
        ok, why = engine.availability()
        if ok:
            runs[name] = engine.run(device, spec)
        else:
            print(f"{name}: not compared ({why})")
    ref = np.stack([runs["builtin"][k].values[0] for k in ("mx", "my", "mz")], axis=-1)
    diffs = {}
    for name, ds in runs.items():
        if name != "builtin":
            m = np.stack([ds[k].values[0] for k in ("mx", "my", "mz")], axis=-1)
            diffs[name] = float(np.max(np.abs(m - ref)))
    moved = float(np.max(np.abs(ref - ref[0])))
    return {"max_abs_diff_m": diffs, "max_change_of_m": moved,
            "wall_s": {k: float(v.attrs.get("wall_s", v.attrs.get("wall_time_s", math.nan)))
                       for k, v in runs.items()}}


def figures(results: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from compact.locking import adler_frequency

    rows = results["locking"]["micromag"]
    compact_rows = results["locking"]["predictions"]
    currents = sorted({r["current_density"] for r in rows})
    fig, axes = plt.subplots(1, len(currents), figsize=(5.5 * len(currents), 4.2),
                             squeeze=False)
    for ax, J in zip(axes[0], currents, strict=True):
        for r, rc in zip(rows, compact_rows, strict=True):
            if r["current_density"] != J:
                continue
            f_e = np.array(r["drive_frequency"])
            x = (f_e - r["free_frequency"]) / 1e6
            line, = ax.plot(x, (np.array(r["frequency"]) - f_e) / 1e6, "o",
                            label=f"micromag {r['amplitude']:g} A/m")
            grid = np.linspace(f_e.min(), f_e.max(), 300)
            ax.plot((grid - r["free_frequency"]) / 1e6,
                    (adler_frequency(grid, r["centre"], r["half_width"]) - grid) / 1e6, "-",
                    color=line.get_color(), lw=0.8)
            fc = np.array(rc["compact_drive_frequency"])
            ax.plot((fc - fc[len(fc) // 2]) / 1e6,
                    (np.array(rc["compact_frequency"]) - fc) / 1e6, "x", ms=8, mew=1.5,
                    color=line.get_color(), label=f"compact model {r['amplitude']:g} A/m")
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set(xlabel="f_e - f_free (MHz)", ylabel="f - f_e (MHz)",
               title=f"J = {J:.3g} A/m$^2$: locking plateaus")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "locking_plateaus.png", dpi=120)
    plt.close(fig)

    step = results["step"]
    fig, ax = plt.subplots(figsize=(5.5, 4))
    t = np.array(step["time"]) * 1e9
    p = np.array(step["power"])
    ax.plot(t, p, label="micromagnetics")
    t0 = t[0]
    for name, rate in (("Γ_p micromag", step["gamma_p_micromag"]),
                       ("Γ_p model", step["gamma_p_model"])):
        ax.plot(t, step["p_end_micromag"] + (p[0] - step["p_end_micromag"])
                * np.exp(-2 * rate * (t - t0) * 1e-9), "--", label=f"exp(-2 {name} t)")
    ax.set(xlabel="t (ns)", ylabel="p = |c|^2", title="power after a current step")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "step_response.png", dpi=120)
    plt.close(fig)

    operating_point_figure(results.get("operating_points") or [], out)


def operating_point_figure(points: list, out: Path) -> None:
    """g(p) and f(p) at fixed current after the pulse, with the fitted slopes."""
    if not points:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_g, ax_f) = plt.subplots(1, 2, figsize=(10, 4))
    for row in points:
        curves, mm = row["curves"], row["micromag"]
        p = np.array(curves["power"])
        fitted = np.array(curves["fitted"], dtype=bool)
        label = f"J = {row['current_density']:.3g} A/m$^2$"
        dots, = ax_g.plot(p, np.array(curves["gain"]) / 1e6, ".", ms=3, label=label)
        ax_f.plot(p, np.array(curves["frequency"]) / 1e6, ".", ms=3,
                  color=dots.get_color(), label=label)
        x = np.linspace(p[fitted].min(), p[fitted].max(), 2) if fitted.any() else p[:0]
        p0 = mm["stationary_power"]
        ax_g.plot(x, -mm["relaxation_rate"] / p0 * (x - p0) / 1e6, "-",
                  color=dots.get_color())
        ax_f.plot(x, (mm["frequency"] + mm["frequency_shift"] * (x - p0)) / 1e6, "-",
                  color=dots.get_color())
    ax_g.axhline(0, color="0.6", lw=0.8)
    ax_g.set(xlabel="p = |c|²", ylabel="g = (dp/dt)/(2p) (1/µs)",
             title="gain at fixed current, after the pulse")
    ax_f.set(xlabel="p = |c|²", ylabel="f (MHz)", title="frequency at fixed current")
    ax_g.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "operating_points.png", dpi=120)
    plt.close(fig)


def summary(results: dict) -> str:
    """The results as markdown tables (pasted into docs/injection_locking.md)."""
    lock, step = results["locking"], results["step"]
    lines = ["| J (A/m²) | H (A/m) | Δ_lock micromag (MHz) | compact, device κ (MHz) | rel. err "
             "| compact, this J's κ | closed form (MHz) | centre − f_free micromag / compact "
             "(MHz) |", "|---|---|---|---|---|---|---|---|"]
    for p in lock["predictions"]:
        mark = " (κ fitted)" if p["fitting_point"] else ""
        lines.append(
            f"| {p['current_density']:.3g} | {p['amplitude']:g}{mark} | "
            f"{p['measured'] / 1e6:.3f} ± {p['measured_error'] / 1e6:.3f} | "
            f"{p['predicted'] / 1e6:.3f} | {100 * p['rel_err']:+.1f} % | "
            f"{100 * p['rel_err_own_kappa']:+.1f} % | {p['formula'] / 1e6:.3f} | "
            f"{p['measured_centre_shift'] / 1e6:+.3f} / {p['predicted_centre_shift'] / 1e6:+.3f} |")
    lines += ["", "| J (A/m²) | I (mA) | model p0 | micromag p | model ν | κ_H closed form "
              "| protocol factor | κ_H (1/(s·A/m)) |", "|---|---|---|---|---|---|---|---|"]
    free_power = {r["current_density"]: r["free_power"] for r in lock["micromag"]}
    for c in lock["per_current"]:
        lines.append(f"| {c['current_density']:.3g} | {c['current'] * 1e3:.3f} | {c['p0']:.3f} | "
                     f"{free_power[c['current_density']]:.3f} | {c['nu']:.2f} | "
                     f"{c['kappa_formula']:.4g} | {c['protocol_factor']:.3f} | "
                     f"{c['kappa']:.4g} ± {c['kappa_error']:.2g} |")
    lines += ["", "Models that differ only in N (same f(I) and df/dI at the mean DC current): "
              "Δ_lock(H)/Δ_lock(H_fit) and the plateau centre − f_free, compact against "
              "micromagnetics.", "",
              "| model | N (MHz) | J (A/m²) | ν | κ_H | H (A/m) | Δ ratio micromag / compact "
              "| rel. err, this J's κ | centre shift micromag / compact (MHz) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for row in results.get("nonlinearity_scan", []):
        nus = {c["current_density"]: (c["nu"], c["kappa"]) for c in row["per_current"]}
        fitted = {q["current_density"]: q for q in row["predictions"] if q["fitting_point"]}
        for q in row["predictions"]:
            ref = fitted[q["current_density"]]
            nu, kappa = nus[q["current_density"]]
            lines.append(
                f"| {row['label']} | {row['N'] / 1e6:.1f} | {q['current_density']:.3g} | "
                f"{nu:+.2f} | {kappa:.3g} | {q['amplitude']:g} | "
                f"{q['measured'] / ref['measured']:.3f} / "
                f"{q['predicted_own_kappa'] / ref['predicted_own_kappa']:.3f} | "
                f"{100 * q['rel_err_own_kappa']:+.1f} % | "
                f"{q['measured_centre_shift'] / 1e6:+.3f} / "
                f"{q['predicted_centre_shift'] / 1e6:+.3f} |")
    rf = step["rf_current"]
    lines += ["", f"κ_H of the device: {lock['kappa_field']:.4g} ± "
              f"{lock['kappa_field_error']:.2g} 1/(s·A/m).", "",
              f"Step {step['step'][0]:.3g} → {step['step'][1]:.3g} A/m²: Γ_p micromag "
              f"{step['gamma_p_micromag']:.4g} 1/s, model {step['gamma_p_model']:.4g} 1/s "
              f"({100 * step['rel_err']:+.1f} %); df/dp at fixed I micromag "
              f"{step['N_micromag'] / 1e6:.1f} MHz, model N {step['N_model'] / 1e6:.1f} MHz; ν "
              f"micromag {step['nu_micromag']:.2f}, model {step['nu_model']:.2f}; p after the "
              f"step micromag {step['p_end_micromag']:.3f}, model {step['p0_model'][1]:.3f}."]
    if rf is not None:
        lines += ["", f"RF current {rf['amplitude_A'] * 1e3:.3f} mA (J_rf = "
                  f"{rf['amplitude_A_per_m2']:.3g} A/m²) at f_free "
                  f"{(rf['drive_frequency'] - rf['free_frequency']) / 1e6:+.2f} MHz: mean "
                  f"frequency moved by {-rf['pulled_by'] / 1e6:+.3f} MHz (locking would move it "
                  f"by {(rf['drive_frequency'] - rf['free_frequency']) / 1e6:+.2f} MHz); orbit "
                  f"radius {rf['radius_free']:.4f} → {rf['radius_driven']:.4f} R."]
    if results.get("operating_points"):
        lines += ["", "At fixed current (the current cut to zero for 1.5 ns, then the orbit's "
                  "return): micromagnetics against the model, and κ_H from Δ_lock at the "
                  "smallest amplitude with each ν and p0.", "",
                  "| J (A/m²) | p0 micromag / model | Γ_p micromag / model (1/s) | N micromag / "
                  "model (MHz) | ν micromag / model | κ_H with micromag ν, p0 / with model's |",
                  "|---|---|---|---|---|---|"]
        for row in results["operating_points"]:
            mm, md = row["micromag"], row["model"]
            lines.append(
                f"| {row['current_density']:.3g} | {mm['stationary_power']:.3f} / "
                f"{md['stationary_power']:.3f} | {mm['relaxation_rate']:.3g} ± "
                f"{mm['relaxation_rate_error']:.1g} / {md['relaxation_rate']:.3g} | "
                f"{mm['frequency_shift'] / 1e6:.0f} ± {mm['frequency_shift_error'] / 1e6:.0f} / "
                f"{md['frequency_shift'] / 1e6:.1f} | {mm['nonlinearity']:+.2f} / "
                f"{md['nonlinearity']:+.2f} | {row['kappa_measured_nu']:.3g} / "
                f"{row['kappa_model_nu']:.3g} |")
    if results.get("local_models"):
        lines += ["", "Compact models with each current's micromagnetic p0, Γ_p and N (Q = 0, "
                  "df_dI = 0) through the same protocol, κ_H fitted at the smallest amplitude:",
                  "", "| J (A/m²) | ν | κ_H (1/(s·A/m)) | H (A/m) | Δ_lock micromag / compact "
                  "(MHz) | rel. err | centre − f_free micromag / compact (MHz) |",
                  "|---|---|---|---|---|---|---|"]
        for row in results["local_models"]:
            for q in row["predictions"]:
                mark = " (κ fitted)" if q["fitting_point"] else ""
                lines.append(
                    f"| {row['current_density']:.3g} | {row['nu']:+.2f} | "
                    f"{row['kappa']:.3g} ± {row['kappa_error']:.1g} | {q['amplitude']:g}{mark} | "
                    f"{q['measured'] / 1e6:.3f} / {q['predicted_own_kappa'] / 1e6:.3f} | "
                    f"{100 * q['rel_err_own_kappa']:+.1f} % | "
                    f"{q['measured_centre_shift'] / 1e6:+.3f} / "
                    f"{q['predicted_centre_shift'] / 1e6:+.3f} |")
    if "engines" in results:
        e = results["engines"]
        lines += ["", "Engines, 1.5 ns driven run: max |Δ<m>| "
                  + ", ".join(f"{k} {v:.2g}" for k, v in e["max_abs_diff_m"].items())
                  + f" (the drive moves <m> by up to {e['max_change_of_m']:.2g})."]
    lines += ["", f"Wall time {results['wall_s']:.0f} s (calibration "
              f"{results['calibration']['wall_s']:.0f} s, locking "
              f"{lock['wall_s_total']:.0f} s, step {step['wall_s']:.0f} s"
              + (f", engines {results['engines']['wall_s_total']:.0f} s" if "engines" in results
                 else "") + f"); load average at start {results['load_average_start'][0]:.2f}, "
              f"at end {results['load_average_end'][0]:.2f}."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--store", type=Path, help="provenance store (default: OUT/store); "
                        "share one between the quick and full runs to reuse their runs")
    parser.add_argument("--skip-engines", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from multiscale.store import Store, versions, write_json

    name = "injection_locking_quick" if args.quick else "injection_locking"
    out = args.out or Path(__file__).resolve().parent / "results" / name
    out.mkdir(parents=True, exist_ok=True)
    store = Store(args.store or out / "store")
    progress = not args.quiet
    started = time.time()
    results: dict = {"quick": args.quick, "versions": versions(), "machine": platform.node(),
                     "cpus": os.cpu_count(),
                     "load_average_start": os.getloadavg()}
    config, calibration = calibrate(out, store, args.quick, progress)
    model = calibration.model
    results["calibration"] = {"model": model.to_dict(), "stderr": calibration.stderr,
                              "wall_s": time.time() - started}
    t = time.time()
    results["locking"], lock_dataset = locking(config, model, out, store, args.quick,
                                               progress)
    results["locking"]["wall_s_total"] = time.time() - t
    t = time.time()
    # the step and the operating-point pulses in one batch of runs
    pulses = pulse_specs(config, lock_dataset, store, args.quick, progress)
    results["step"], pulse_runs = step_response(config, model, out, store, args.quick,
                                                progress, beside=pulses)
    results["operating_points"] = operating_points(config, model, lock_dataset, pulse_runs)
    results["step"]["wall_s"] = time.time() - t
    results["local_models"] = local_model_locking(lock_dataset, results["operating_points"])
    t = time.time()
    results["nonlinearity_scan"] = nonlinearity_scan(
        lock_dataset, model,
        [("calibrated N", model.N), ("N from the step", results["step"]["N_micromag"]),
         ("N = 0", 0.0), ("N = -N_calibrated", -model.N)])
    results["nonlinearity_scan_wall_s"] = time.time() - t
    if not args.skip_engines:
        t = time.time()
        results["engines"] = engines()
        results["engines"]["wall_s_total"] = time.time() - t
    results["wall_s"] = time.time() - started
    results["load_average_end"] = os.getloadavg()
    write_json(results, out / "results.json")
    figures(results, out)
    (out / "summary.md").write_text(summary(results))

    predictions = [p for p in results["locking"]["predictions"] if not p["fitting_point"]]
    for p in results["locking"]["predictions"]:
        print(f"J={p['current_density']:.3g} H={p['amplitude']:g} A/m: Δ_lock micromag "
              f"{p['measured'] / 1e6:.3f} ± {p['measured_error'] / 1e6:.3f} MHz, compact model "
              f"{p['predicted'] / 1e6:.3f} MHz ({100 * p['rel_err']:+.1f} %; with this "
              f"current's own κ {100 * p['rel_err_own_kappa']:+.1f} %; closed form "
              f"{p['formula'] / 1e6:.3f} MHz); plateau centre - f_free micromag "
              f"{p['measured_centre_shift'] / 1e6:+.3f} MHz, compact "
              f"{p['predicted_centre_shift'] / 1e6:+.3f} MHz"
              + (" [κ fitted here]" if p["fitting_point"] else ""))
    step = results["step"]
    rf = step["rf_current"]
    if rf is not None:
        offset = rf["drive_frequency"] - rf["free_frequency"]
        print(f"RF current {rf['amplitude_A'] * 1e3:.3f} mA at f_free {offset / 1e6:+.3g} MHz: "
              f"mean frequency pulled by {rf['pulled_by'] / 1e6:+.3f} MHz (locked would be "
              f"{-offset / 1e6:+.3g} MHz)")
    print(f"step {STEP[0]:.3g} -> {STEP[1]:.3g} A/m^2: Γ_p micromag "
          f"{step['gamma_p_micromag']:.4g} 1/s, model {step['gamma_p_model']:.4g} 1/s; "
          f"df/dp at fixed I: micromag {step['N_micromag'] / 1e6:.1f} MHz, model N "
          f"{step['N_model'] / 1e6:.1f} MHz; ν micromag {step['nu_micromag']:.2f}, model "
          f"{step['nu_model']:.2f}")
    for row in results["operating_points"]:
        mm, md = row["micromag"], row["model"]
        print(f"J={row['current_density']:.3g} at fixed current (current pulse): Γ_p micromag "
              f"{mm['relaxation_rate']:.4g} 1/s, model {md['relaxation_rate']:.4g}; N micromag "
              f"{mm['frequency_shift'] / 1e6:.1f} MHz, model {md['frequency_shift'] / 1e6:.1f}; "
              f"ν micromag {mm['nonlinearity']:+.2f}, model {md['nonlinearity']:+.2f}; κ_H from "
              f"Δ_lock({row['amplitude']:g} A/m) with the measured ν, p0 "
              f"{row['kappa_measured_nu']:.4g}, with the model's {row['kappa_model_nu']:.4g}")
    for row in results["local_models"]:
        errors = [abs(q["rel_err_own_kappa"]) for q in row["predictions"]
                  if not q["fitting_point"]]
        print(f"J={row['current_density']:.3g} compact model with the local p0, Γ_p, N "
              f"(ν {row['nu']:+.2f}): κ_H {row['kappa']:.4g} 1/(s A/m); largest error of "
              f"Δ_lock at the other amplitudes {100 * max(errors, default=math.nan):.1f} %")
    for row in results["nonlinearity_scan"]:
        errors = [abs(q["rel_err_own_kappa"]) for q in row["predictions"]
                  if not q["fitting_point"]]
        print(f"{row['label']}: N = {row['N'] / 1e6:.1f} MHz, ν = "
              + ", ".join(f"{c['nu']:+.2f}" for c in row["per_current"])
              + f"; largest error with each current's own κ {100 * max(errors):.1f} %")
    lock = results["locking"]
    print(f"κ_H = {lock['kappa_field']:.4g} ± {lock['kappa_field_error']:.2g} 1/(s A/m); "
          f"wall {results['wall_s']:.0f} s")
    lock_err = max((abs(p["rel_err"]) for p in predictions), default=math.nan)
    engines_diff = max(results.get("engines", {}).get("max_abs_diff_m", {}).values(),
                       default=math.nan)
    print(f"lock_rel_err_max={lock_err:.4g} gamma_p_rel_err={abs(step['rel_err']):.4g} "
          f"engines_max_diff={engines_diff:.4g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

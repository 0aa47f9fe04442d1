"""Two vortex oscillators in series with a load: their micromagnetic mutual-locking range
against the compact network's prediction with the circuit-derived coupling K.

1. Calibration: the sweep and fit of ``examples/circuit_vortex.toml`` (a vortex MTJ whose
   reference layer is tilted 60° out of plane, R_P = 50 Ω, ΔR = 100 Ω): f(I), p(I), Γ_G, Q,
   I_th and the resistance oscillation r = |r| e^{i arg r} (:mod:`compact.resistance`).
2. κ_I: the device at the operating current J0 locked by an RF current over a few drive
   frequencies (:mod:`multiscale.lock`); |κ| from the plateau's half-width, arg κ from the
   locked phase (:func:`multiscale.coupling_calibration.calibrate_coupling`).
3. Micromagnetics in series (:func:`micromag.engines.builtin.series.run_series`): the device
   first runs alone in the circuit (the other device a static resistor R0) until its orbit is
   the circuit's; then two copies of it in series with the load carry the same current
   I(t) = I_dc + i_rf(t), the RF loop closed by R_L through a bias tee, the second copy turned
   by 90°, 180°, 270° about the disk axis (exact on the square mesh: the same orbit a quarter,
   half, three quarters of a period on). Identical devices have no detuning, and whatever
   drifts in one drifts in the other, so the phase difference ψ = arg c1 - arg c2 moves only
   by the coupling: Adler's equation -(1/2π) dψ/dt = f_c + Δ sin(ψ - ψ0), fitted to the three
   runs at once (:func:`compact.locking.fit_adler`, as for injection locking), gives the
   pair's locking half-width Δ (they lock for a free detuning |δ - f_c| <= Δ) and the phase
   difference they lock at. (A first attempt detuned the second device by a perpendicular
   field: over 80 ns each device's frequency drifted by 0.3-1 MHz, more than the coupling
   moves it; docs/mutual_locking.md.)
4. The compact network (:func:`network.simulator.simulate`) with the calibrated model, K from
   :func:`network.circuit.coupling_matrix` (K_jl = -κ_j I r_l / R_loop, diagonal included),
   started from the micromagnetic runs' phases and measured with exactly the same protocol
   (run length, settling time, fit).

5. Scaling: the same pair with half the magnetoresistance ΔR. A coupling first order in the
   circuit scales as K ∝ r / R_loop, one second order as K²: the measured ratio of the
   half-widths says which one the micromagnetic locking is.

Ends with ``mutual_lock_rel_err=<x>``: (Δ_compact - Δ_micromag) / Δ_micromag. ``--quick``:
five calibration currents, four locking detunings (60 ns driven runs), 60 ns series runs
(≤ 15 min on 2 cores: a smoke test, its short runs overestimate the tilted pair's Δ nearly
twofold); the full run: six currents, six detunings (100 ns), 150 ns series runs (~40 min).
Results: ``OUT/results.json`` and ``OUT/mutual_locking.png`` (default
``benchmarks/results/mutual_locking[_quick]``). A rerun reuses what an interrupted one wrote.

Usage: ``python benchmarks/mutual_locking.py [--quick] [--out DIR] [--store DIR] [--quiet]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "examples" / "circuit_vortex.toml"
#: operating current density J0 (A/m^2), one of the sweep's
OPERATING_POINT = 1.8e11
#: the circuit: load (Ω) and bias-tee capacitance (F)
LOAD_RESISTANCE, CAPACITANCE = 50.0, 100e-12
#: RF-current locking of one device: amplitude J_rf (A/m^2, ~2x the current the partner
#: emits: a wider plateau, a better-defined locked phase), detunings in units of
#: DETUNING_SCALE (Hz)
LOCK_AMPLITUDE, DETUNING_SCALE = 3.0e10, 3.0e6
#: calibration currents (A/m^2): the threshold is near 0.95e11 (fitted I_th ~3 mA), the orbit
#: saturates at r ~ 65 nm above 1.65e11; without currents near threshold the fit has no
#: threshold to find (with 1.5-2.0e11 only: I_th = 5 uA, Q = 1670)
FULL = {"currents": [1.3e11, 1.4e11, 1.5e11, 1.65e11, 1.8e11, 2.0e11],
        "lock_detunings": [-2.0, -1.2, -0.4, 0.4, 1.2, 2.0], "lock_duration": 100e-9,
        "quarter_turns": [1, 2, 3], "free": 60e-9, "series": 150e-9, "settle": 10e-9}
QUICK = {"currents": [1.3e11, 1.5e11, 1.65e11, 1.8e11, 2.0e11],
         "lock_detunings": [-1.5, -0.5, 0.5, 1.5], "lock_duration": 60e-9,
         "quarter_turns": [1, 2, 3], "free": 60e-9, "series": 60e-9, "settle": 10e-9}
SAMPLING = 50e-12
#: the crossed analyzer: a reference layer on the same stack whose in-plane part (along y) is
#: perpendicular to the polarizer's (along x); same tilt
CROSSED_REFERENCE = (0.0, 0.8660254037844386, 0.5)


def calibrate(out: Path, store, grid: dict, progress: bool):
    from multiscale.pipeline import calibration_stage, sweep_stage
    from multiscale.schemas import load_chain_config

    config = load_chain_config(CONFIG)
    config = dataclasses.replace(config, sweep=dataclasses.replace(
        config.sweep, current_densities=grid["currents"]))
    sweep = sweep_stage(config, out, store, progress=progress)
    calibration = calibration_stage(config, sweep.dataset, sweep.runs, store)
    j0 = int(np.argmin(np.abs(np.asarray(grid["currents"]) - OPERATING_POINT)))
    return config, calibration, Path(store.root) / sweep.runs[j0] / "m_final.npy", sweep


def read_through(model, device, sweep, calibration):
    """``model`` with the resistance oscillation r of ``device`` (another reference layer on
    the same free layer and polarizer): R recomputed from the sweep's <m>, then fitted as the
    calibration fits it (:func:`compact.resistance.resistance_oscillation`)."""
    from compact.resistance import (
        RESISTANCE_PARAMETERS,
        resistance_oscillation,
        resistance_parameters,
    )

    ds = sweep.dataset.copy()
    m = np.stack([ds[name].values for name in ("mx", "my", "mz")], axis=-1)
    ds["resistance"] = (("current", "time"), device.resistance(m))
    cal = calibration.calibration
    fitted = resistance_oscillation(ds, "vortex", cal.get("settling_time"))
    merged = cal.drop_vars([v for v in fitted.data_vars if v in cal]).merge(
        fitted, compat="no_conflicts")
    values = resistance_parameters(merged)
    return dataclasses.replace(model, **{k: values[k] for k in RESISTANCE_PARAMETERS})


def locking(config, model, out: Path, store, grid: dict, progress: bool):
    from multiscale.config import parse
    from multiscale.coupling_calibration import calibrate_coupling
    from multiscale.lock import LockSettings, run_locking

    settings = parse(LockSettings, {
        "current_densities": [OPERATING_POINT], "amplitudes": [LOCK_AMPLITUDE],
        "detunings": grid["lock_detunings"], "detuning_scale": DETUNING_SCALE,
        "drive": "rf_current", "free_duration": grid["free"], "duration": grid["lock_duration"],
        "settle": 20e-9, "sampling_interval": SAMPLING}, where="lock")
    result = run_locking(config.device, settings, out=out / "lock", store_root=store.root,
                         progress=progress)
    coupling = calibrate_coupling(result.dataset, model)
    return coupling, result


# ---------------------------------------------------------------- micromagnetics in series
def _series_task(args):
    """One series run into ``path`` (netCDF of both devices, final states beside it)."""
    name, devices, current, duration, load, initial, path = args
    import xarray as xr

    from micromag.engines.builtin.series import run_series

    path = Path(path)
    if path.exists():
        return name, str(path)
    states = [None if p is None else np.load(p) for p in initial]
    result = run_series(devices, current, duration, SAMPLING, load_resistance=load,
                        capacitance=CAPACITANCE, initial_states=states)
    for j, state in enumerate(result.final_states):
        np.save(path.with_name(f"{path.stem}.final{j}.npy"), state)
    ds = xr.concat([d.expand_dims(device=[j]) for j, d in enumerate(result.datasets)],
                   dim="device", combine_attrs="drop_conflicts")
    ds.attrs["wall_time_s"] = result.wall_time
    for j, d in enumerate(result.datasets):  # the devices differ: each keeps its own record
        ds.attrs[f"device_{j}"] = d.attrs["device"]
    tmp = path.with_suffix(".tmp.nc")
    ds.to_netcdf(tmp)
    os.replace(tmp, path)
    return name, str(path)


def _parallel(tasks, progress: bool):
    workers = min(len(tasks), os.cpu_count() or 1)
    done = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for name, path in pool.map(_series_task, tasks):
            done[name] = path
            if progress:
                print(f"  {name}: {path}", flush=True)
    return done


def _phases(path: Path, settle: float):
    """(c of each device after ``settle``, wall time) of a series run."""
    import xarray as xr

    from compact.observables import complex_amplitude

    with xr.open_dataset(path) as ds:
        start = int(round(settle / SAMPLING))
        cs = []
        for j in ds.device.values:
            one = ds.sel(device=j)
            one.attrs["device"] = ds.attrs.get(f"device_{j}", ds.attrs.get("device"))
            cs.append(complex_amplitude(one, "vortex").values[0, start:])
        return cs, float(ds.attrs.get("wall_time_s", math.nan))


def micromag_pairs(device, r0: float, operating_state: Path, runs: Path, grid: dict,
                   progress: bool) -> dict:
    """``device`` alone in the circuit (the other one a static resistor ``r0``, Ω) until its
    orbit is the circuit's; then two copies of it in series, the second turned by 90°, 180°
    and 270°. Runs and states in the folder ``runs``."""
    from compact.locking import mean_frequency
    from micromag.engines.builtin.series import turned

    current = OPERATING_POINT * device.area
    runs.mkdir(parents=True, exist_ok=True)
    # file names carry the run length: a rerun with other settings does not reuse them
    alone = runs / f"alone_{grid['free'] * 1e9:g}ns.nc"
    done = _parallel([("alone", [device], current, grid["free"], LOAD_RESISTANCE + r0,
                       [str(operating_state)], str(alone))], progress)
    free, _ = _phases(Path(done["alone"]), grid["free"] / 2)
    f_free = mean_frequency(free[0], SAMPLING, 0.0)[0]
    in_circuit = alone.with_name(f"{alone.stem}.final0.npy")
    state = np.load(in_circuit)
    pairs = []
    for k in grid["quarter_turns"]:
        path = runs / f"turned_{k}.npy"
        np.save(path, turned(state, k))
        pairs.append((f"pair turned {k}x90", [device, device], current, grid["series"],
                      LOAD_RESISTANCE, [str(in_circuit), str(path)],
                      str(runs / f"pair_{k}_{grid['series'] * 1e9:g}ns.nc")))
    done.update(_parallel(pairs, progress))
    rows = []
    for k in grid["quarter_turns"]:
        (c1, c2), wall = _phases(Path(done[f"pair turned {k}x90"]), 0.0)
        start = int(round(grid["settle"] / SAMPLING))
        rows.append({"quarter_turns": k, "detuning": 0.0, "f_free": f_free,
                     "c1": c1, "c2": c2, "start": start, "wall_s": wall,
                     "initial_phase_difference": float(np.angle(c1[0] / c2[0])),
                     "f1": mean_frequency(c1, SAMPLING, 0.0, start=start)[0],
                     "f2": mean_frequency(c2, SAMPLING, 0.0, start=start)[0]})
    return {"rows": rows, "current": current, "resistance": r0, "f_free": f_free,
            "in_circuit": in_circuit}


def mutual_fit(rows, smoothing: int):
    """:func:`compact.locking.fit_mutual` over the pairs' runs after their settling time."""
    from compact.locking import fit_mutual

    return fit_mutual([(row["c1"][row["start"]:], row["c2"][row["start"]:], row["detuning"])
                       for row in rows], SAMPLING, smoothing)


# ---------------------------------------------------------------- the compact network
def compact_pairs(model, current: float, rows, grid: dict) -> list[dict]:
    """The same protocol on the compact network with the circuit's K: two copies of the
    calibrated model in series, from the micromagnetic runs' initial phases."""
    from network.circuit import coupling_matrix
    from network.simulator import simulate

    model = dataclasses.replace(model, temperature=0.0)
    r, kappa = model.resistance_coefficient, model.input_coupling("rf_current")
    pair_k = coupling_matrix([current] * 2, [model.resistance] * 2, [r] * 2, [kappa] * 2,
                             LOAD_RESISTANCE)
    out = []
    for row in rows:
        phase0 = [-float(np.angle(row["c1"][0])), -float(np.angle(row["c2"][0]))]
        pair = simulate([model, model], [current] * 2, np.zeros((1, 0)), np.zeros(0),
                        coupling=pair_k, duration=grid["series"],
                        readout_window=grid["series"] - grid["settle"], step=0.01e-9,
                        trace_interval=SAMPLING, initial_phase=phase0, pairs=False)
        phi = pair.trace_phase[0]  # φ = -arg c, sampled from t = SAMPLING on
        c1, c2 = np.exp(-1j * phi[0]), np.exp(-1j * phi[1])
        out.append({"quarter_turns": row["quarter_turns"], "detuning": 0.0, "c1": c1,
                    "c2": c2, "start": max(row["start"] - 1, 0),
                    "f1": float(pair.frequency[0, 0]), "f2": float(pair.frequency[0, 1])})
    return out


def figure(mm_rows, compact_rows, mm_fit, compact_fit, path: Path) -> None:
    """ψ(t) = arg c1 - arg c2 of each pair: micromagnetics (solid), compact network (dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for row, crow in zip(mm_rows, compact_rows, strict=True):
        psi = np.unwrap(np.angle(row["c1"]) - np.angle(row["c2"]))
        t = np.arange(psi.size) * SAMPLING
        line = ax.plot(t * 1e9, np.degrees(psi), "-", lw=1,
                       label=f"turned {90 * row['quarter_turns']}°")
        cpsi = np.unwrap(np.angle(crow["c1"]) - np.angle(crow["c2"]))
        cpsi += 2 * np.pi * np.round((psi[0] - cpsi[0]) / (2 * np.pi))
        ax.plot((np.arange(cpsi.size) + 1) * SAMPLING * 1e9, np.degrees(cpsi), "--", lw=1,
                color=line[0].get_color())
    ax.set_xlabel("time (ns)")
    ax.set_ylabel("arg c1 - arg c2 (degrees)")
    ax.set_title(f"micromagnetics (solid): Δ = {mm_fit.half_width / 1e6:.3f} MHz; "
                 f"compact + circuit K (dashed): {compact_fit.half_width / 1e6:.3f} MHz",
                 fontsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def compare(device, model, start_state: Path, folder: Path, grid: dict, progress: bool,
            kappa_phase_error: float) -> dict:
    """Micromagnetic pair runs of ``device`` against the compact network with ``model``'s
    circuit K; the compact prediction also at ±1 standard error of |κ| and arg κ."""
    from network.circuit import coupling_matrix

    mm = micromag_pairs(device, float(model.resistance), start_state, folder, grid, progress)
    current = mm["current"]
    smoothing = max(1, round(1 / (float(model.frequency(current)) * SAMPLING)))
    mm_fit = mutual_fit(mm["rows"], smoothing)
    compact_rows = compact_pairs(model, current, mm["rows"], grid)
    compact_fit = mutual_fit(compact_rows, smoothing)
    band = {}
    sigma_k, sigma_arg = model.kappa_current_error, kappa_phase_error
    for label, change in (("|kappa| - 1 sigma", {"kappa_current": model.kappa_current - sigma_k}),
                          ("|kappa| + 1 sigma", {"kappa_current": model.kappa_current + sigma_k}),
                          ("arg kappa - 1 sigma",
                           {"kappa_current_phase": model.kappa_current_phase - sigma_arg}),
                          ("arg kappa + 1 sigma",
                           {"kappa_current_phase": model.kappa_current_phase + sigma_arg})):
        key, value = next(iter(change.items()))
        if np.isfinite(value) and (value > 0 or key.endswith("phase")):
            varied = dataclasses.replace(model, **change)
            band[label] = mutual_fit(compact_pairs(varied, current, mm["rows"], grid),
                                     smoothing).half_width
    k = coupling_matrix([current] * 2, [model.resistance] * 2,
                        [model.resistance_coefficient] * 2,
                        [model.input_coupling("rf_current")] * 2, LOAD_RESISTANCE)
    return {"mm": mm, "mm_fit": mm_fit, "compact_rows": compact_rows,
            "compact_fit": compact_fit, "band": band, "K": k, "current": current,
            "rel_err": (compact_fit.half_width - mm_fit.half_width) / mm_fit.half_width}


def _record(result: dict, model) -> dict:
    strip = ("c1", "c2")
    k = result["K"]
    return {"model_resistance": {"R0": model.resistance, "r_abs": model.resistance_amplitude,
                                 "r_arg": model.resistance_phase},
            "coupling_matrix": {"abs": np.abs(k).tolist(), "phase": np.angle(k).tolist()},
            "micromag": {**dataclasses.asdict(result["mm_fit"]), "rows": [
                {key: v for key, v in r.items() if key not in strip}
                for r in result["mm"]["rows"]]},
            "compact": {**dataclasses.asdict(result["compact_fit"]), "rows": [
                {key: v for key, v in r.items() if key not in strip}
                for r in result["compact_rows"]]},
            "compact_sensitivity": result["band"], "rel_err": result["rel_err"]}


def _report(name: str, result: dict, model) -> None:
    k, mm_fit, compact_fit = result["K"], result["mm_fit"], result["compact_fit"]
    print(f"[{name}] R0 {model.resistance:.2f} ohm, |r| {model.resistance_amplitude:.2f} ohm, "
          f"arg r {model.resistance_phase:+.3f} rad; K at I = {result['current'] * 1e3:.3f} mA,"
          f" R_L = {LOAD_RESISTANCE:g} ohm: |K12| {abs(k[0, 1]):.4g} 1/s, arg K12 "
          f"{np.angle(k[0, 1]):+.3f} rad, |K11| {abs(k[0, 0]):.4g} 1/s")
    for row, crow in zip(result["mm"]["rows"], result["compact_rows"], strict=True):
        psi = np.unwrap(np.angle(row["c1"]) - np.angle(row["c2"]))
        cpsi = np.unwrap(np.angle(crow["c1"]) - np.angle(crow["c2"]))
        print(f"[{name}] turned {90 * row['quarter_turns']:3d} deg: psi {np.degrees(psi[0]):+7.1f}"
              f" -> {np.degrees(psi[-1]):+7.1f} deg micromagnetics, {np.degrees(cpsi[0]):+7.1f}"
              f" -> {np.degrees(cpsi[-1]):+7.1f} deg compact")
    print(f"[{name}] mutual half-width micromag {mm_fit.half_width / 1e6:.3f} +- "
          f"{mm_fit.half_width_error / 1e6:.3f} MHz (locks at psi = "
          f"{np.degrees(mm_fit.phase) % 360:.0f} deg), compact "
          f"{compact_fit.half_width / 1e6:.3f} MHz (at {np.degrees(compact_fit.phase) % 360:.0f}"
          f" deg), rel. err {100 * result['rel_err']:+.1f} %")
    for label, width in result["band"].items():
        print(f"[{name}] compact half-width with {label}: {width / 1e6:.3f} MHz")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--store", type=Path, help="provenance store (default: OUT/store)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from multiscale.store import Store, versions, write_json

    grid = QUICK if args.quick else FULL
    name = "mutual_locking_quick" if args.quick else "mutual_locking"
    out = args.out or ROOT / "benchmarks" / "results" / name
    out.mkdir(parents=True, exist_ok=True)
    store = Store(args.store or out / "store")
    progress = not args.quiet
    started = time.time()
    results: dict = {"quick": args.quick, "versions": versions(), "machine": platform.node(),
                     "cpus": os.cpu_count(), "load_average_start": os.getloadavg(),
                     "grid": grid, "operating_point": OPERATING_POINT,
                     "load_resistance": LOAD_RESISTANCE, "capacitance": CAPACITANCE,
                     "crossed_reference": CROSSED_REFERENCE}
    config, calibration, state, sweep = calibrate(out, store, grid, progress)
    results["calibration_wall_s"] = time.time() - started
    t = time.time()
    coupling, lock = locking(config, calibration.model, out, store, grid, progress)
    model = coupling["model"]
    results["locking"] = {"kappa_current": coupling["kappa"],
                          "kappa_current_error": coupling["kappa_error"],
                          "kappa_current_phase": coupling["kappa_phase"],
                          "kappa_current_phase_error": coupling["kappa_phase_error"],
                          "per_current": coupling["per_current"], "wall_s": time.time() - t,
                          "failed": lock.failed}
    results["model"] = model.to_dict()
    device = config.device
    t = time.time()
    tilted = compare(device, model, state, out / "series", grid, progress,
                     coupling["kappa_phase_error"])
    results["tilted"] = _record(tilted, model)
    in_circuit = tilted["mm"]["in_circuit"]
    # the crossed analyzer: the same dynamics read through a reference whose in-plane part is
    # perpendicular to the polarizer's, so R follows the core along the direction the RF
    # current pushes it
    crossed_device = dataclasses.replace(device, reference=CROSSED_REFERENCE)
    crossed_model = read_through(model, crossed_device, sweep, calibration)
    crossed = compare(crossed_device, crossed_model, in_circuit, out / "series_crossed", grid,
                      progress, coupling["kappa_phase_error"])
    results["crossed"] = _record(crossed, crossed_model)
    # half the magnetoresistance: first order in the circuit scales as K ∝ r / R_loop,
    # second order as K^2
    half = dataclasses.replace(device, resistance_change=device.resistance_change / 2)
    r0_half = float(half.resistance(np.zeros(3)))  # a centred orbit's mean resistance
    half_model = dataclasses.replace(model, resistance=r0_half,
                                     resistance_amplitude=model.resistance_amplitude / 2)
    mm_half = micromag_pairs(half, r0_half, in_circuit, out / "series_half_dR", grid, progress)
    results["series_wall_s"] = time.time() - t
    smoothing = max(1, round(1 / (float(model.frequency(tilted["current"])) * SAMPLING)))
    half_fit = mutual_fit(mm_half["rows"], smoothing)
    k_ratio = ((half_model.resistance_amplitude / (LOAD_RESISTANCE + 2 * r0_half))
               / (model.resistance_amplitude / (LOAD_RESISTANCE + 2 * model.resistance)))
    full_fit = tilted["mm_fit"]
    ratio = half_fit.half_width / full_fit.half_width
    results["half_dR"] = {**dataclasses.asdict(half_fit), "resistance": r0_half,
                          "measured_ratio": ratio,
                          "measured_ratio_error": ratio * math.hypot(
                              half_fit.half_width_error / half_fit.half_width,
                              full_fit.half_width_error / full_fit.half_width),
                          "first_order_ratio": k_ratio, "second_order_ratio": k_ratio**2}
    results["mutual_lock_rel_err"] = tilted["rel_err"]
    results["mutual_lock_rel_err_crossed"] = crossed["rel_err"]
    results["wall_s"] = time.time() - started
    results["load_average_end"] = os.getloadavg()
    write_json(results, out / "results.json")
    figure(tilted["mm"]["rows"], tilted["compact_rows"], tilted["mm_fit"],
           tilted["compact_fit"], out / "mutual_locking.png")
    figure(crossed["mm"]["rows"], crossed["compact_rows"], crossed["mm_fit"],
           crossed["compact_fit"], out / "mutual_locking_crossed.png")
    print(f"kappa_I {coupling['kappa']:.4g} +- {coupling['kappa_error']:.2g} 1/(s A), arg "
          f"{coupling['kappa_phase']:+.3f} +- {coupling['kappa_phase_error']:.3f} rad at "
          f"J0 = {OPERATING_POINT:.3g} A/m^2 (nu {model.nonlinearity(tilted['current']):+.2f})")
    _report("tilted reference", tilted, model)
    _report("crossed analyzer", crossed, crossed_model)
    hd = results["half_dR"]
    print(f"[tilted reference] half the magnetoresistance (ΔR = {half.resistance_change:g} "
          f"ohm): micromag half-width {half_fit.half_width / 1e6:.3f} +- "
          f"{half_fit.half_width_error / 1e6:.3f} MHz, ratio {hd['measured_ratio']:.2f} +- "
          f"{hd['measured_ratio_error']:.2f} (first order in K: {k_ratio:.2f}, second order: "
          f"{k_ratio**2:.2f}); wall {results['wall_s']:.0f} s")
    print(f"mutual_lock_rel_err_crossed={crossed['rel_err']:.4f}")
    print(f"mutual_lock_rel_err={tilted['rel_err']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The report a person reads first: ``report.md`` of a chain run, and the spectra figure.

The report states the device, the sweep, the calibrated auto-oscillator (with standard errors),
how the network's frequency plan was mapped onto the device, the accuracy, the figures and
where every stage lives in the provenance store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["spectra_figure", "write_report", "format_quantity"]


def spectra_figure(timeseries: Any, calibration: Any, path: str | Path) -> Path:
    """Power spectral density of m_x (or the core's x) at every current, and f(I).

    Currents whose core was expelled (NaN position) show the part before expulsion.

    Welch's estimate over the last half of each record (the settled part), one line per
    current, offset for legibility; the calibrated frequency of each oscillating current is
    marked.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from scipy.signal import welch

    from multiscale.store import write_figure

    name = "core_x" if "core_x" in timeseries else "mx"
    time = np.asarray(timeseries["time"].values, float)
    rate = 1.0 / float(np.median(np.diff(time)))
    currents = np.asarray(timeseries["current"].values, float)
    fig, ax = plt.subplots(figsize=(7.0, 4.5), constrained_layout=True)
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, currents.size))
    for i, current in enumerate(currents):
        signal = np.asarray(timeseries[name].isel(current=i).values, float)
        signal = signal[: np.isfinite(signal).sum()]  # a run that stopped early ends in NaN
        signal = signal[signal.size // 2:]
        signal = signal[np.isfinite(signal)]
        if signal.size < 16:
            continue
        freq, psd = welch(signal - signal.mean(), fs=rate, nperseg=min(signal.size, 1024))
        psd = psd / psd.max() if psd.max() > 0 else psd
        ax.semilogy(freq / 1e9, psd * 10.0 ** (-2 * i), color=colours[i],
                    label=f"{current * 1e3:.3g} mA")
        fitted = np.flatnonzero(np.isclose(calibration["current"].values, current, rtol=1e-9))
        if fitted.size and bool(calibration["oscillating"].values[fitted[0]]):
            f = float(calibration["frequency"].values[fitted[0]])
            ax.plot([f / 1e9], [10.0 ** (-2 * i)], "v", color=colours[i])
    f_cal = np.asarray(calibration["frequency"].values, float)
    f_max = np.nanmax(f_cal) if np.isfinite(f_cal).any() else rate / 4
    ax.set(xlim=(0, min(rate / 2, 3 * f_max) / 1e9), xlabel="frequency (GHz)",
           ylabel=f"PSD of {name} (normalised, offset)",
           title="spectra over the settled half of each run (triangles: fitted f)")
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    write_figure(fig, path)
    plt.close(fig)
    return Path(path)


def format_quantity(value: float, unit: str) -> str:
    """``value`` with an SI prefix chosen for ``unit`` (Hz -> MHz/GHz, A -> mA, ...)."""
    scales = {"Hz": [(1e9, "GHz"), (1e6, "MHz"), (1e3, "kHz")], "A": [(1e-3, "mA")],
              "Hz/A": [(1e9, "MHz/mA")], "1/s": [], "J": [], "K": [], "1": [], "m": [(1e-9, "nm")],
              "A/m^2": [], "A/m": [], "s": [(1e-9, "ns")]}
    for factor, name in scales.get(unit, []):
        if abs(value) >= factor or name in ("mA", "nm", "ns", "MHz/mA"):
            return f"{value / factor:.4g} {name}"
    return f"{value:.4g} {unit}"


def _drives_section(result: Any, config: Any) -> list[str]:
    """What the network's source amplitudes F and coupling K (1/s) were made of: κ from the
    lock stage, the physical source amplitudes, R0 and r of the device, the circuit."""
    import math

    import numpy as np

    from compact.units import power_dbm
    from multiscale.schemas import PHYSICAL_SOURCES

    model, summary, network = result.model, result.summary, config.classify.network
    lines = []
    coupling = result.coupling
    if coupling is not None:
        lock = config.lock
        unit = "1/(s·A)" if coupling["name"] == "kappa_current" else "1/(s·A/m)"
        fitting = [p for p in coupling["predictions"] if p["fitting_point"]]
        lines += [
            f"Input coupling from micromagnetic injection locking ({lock.drive}, "
            f"J = {', '.join(f'{j:.3g}' for j in lock.current_densities)} A/m², amplitude "
            f"{min(lock.amplitudes):g} {'A/m' if lock.drive == 'rf_field' else 'A/m²'}, "
            f"{len(lock.detunings)} drive frequencies of {format_quantity(lock.duration, 's')}"
            + (", each from the end of the sweep's run at that current"
               if coupling.get("free_runs_from_sweep") else "") + "):"
            " Δ_lock = " + ", ".join(format_quantity(p["measured"], "Hz") for p in fitting)
            + f"; **{coupling['name']} = {coupling['kappa']:.4g} ± {coupling['kappa_error']:.2g}"
            f" {unit}**, phase {coupling['kappa_phase']:.3f} ± "
            f"{coupling['kappa_phase_error']:.3f} rad. Failed lock runs: "
            + (", ".join(f"{k} ({v})" for k, v in coupling.get("failed", {}).items())
               or "none") + ".",
            "",
        ]
    else:
        lines += ["No `[lock]` table: κ not calibrated in this chain.", ""]
    amplitudes = summary.get("sources", {}).get("amplitude_1_per_s", [])
    physical = [name for name in PHYSICAL_SOURCES if getattr(network, name)]
    window = result.plan.get("current_range_A", network.current_range)
    middle_current = 0.5 * (window[0] + window[1])
    lines += [f"| source | physical amplitude | F (1/s) | Δ_lock at "
              f"{format_quantity(middle_current, 'A')} |", "|---|---|---|---|"]
    for k, rate in enumerate(amplitudes):
        if not physical:
            given = "none: `source_amplitude` given in 1/s (**free, not derived**)"
        elif physical[0] == "source_field":
            given = f"RF field {network.source_field[k]:.4g} A/m"
        elif physical[0] == "source_current":
            current = network.source_current[k]
            given = (f"RF current {format_quantity(current, 'A')} "
                     f"({float(power_dbm(current, network.source_impedance)):.1f} dBm into "
                     f"{network.source_impedance:g} Ω)")
        else:
            given = (f"{network.source_power_dBm[k]:g} dBm into "
                     f"{network.source_impedance:g} Ω")
        width = float(model.locking_range(middle_current, rate))
        lines.append(f"| {'AB'[k] if k < 2 else k} | {given} | {rate:.4g} | "
                     f"{format_quantity(width, 'Hz')} |")
    record = summary.get("coupling", {})
    middle = record.get("middle_of_current_range", {})
    magnitude = np.asarray(middle.get("magnitude_1_per_s", [[]]), float)
    phase = np.asarray(middle.get("phase_rad", [[]]), float)
    lines.append("")
    if record.get("kind") == "circuit":
        from network.circuit import emitted_current, load_power, mutual_coupling

        r = model.resistance_coefficient
        off = ~np.eye(magnitude.shape[0], dtype=bool)
        n = magnitude.shape[0]
        one = np.zeros(n, complex)
        one[0] = math.sqrt(float(model.stationary_power(middle_current)))  # one at p0, rest off
        emitted = abs(complex(emitted_current([middle_current] * n, [model.resistance] * n,
                                              [r] * n, one, record["load_resistance_ohm"])))
        lines += [
            f"Each oscillator at {format_quantity(middle_current, 'A')} (p0 = "
            f"{float(model.stationary_power(middle_current)):.3g}) emits an RF current of "
            f"{emitted * 1e6:.4g} µA into the loop of {n} devices "
            f"({float(power_dbm(emitted, record['load_resistance_ohm'])):.1f} dBm, "
            f"{float(load_power(emitted, record['load_resistance_ohm'])) * 1e9:.3g} nW in the "
            "load): the physical coupling; through κ_I it becomes K.",
            "",
            f"Coupling from the series circuit (`network.circuit`): K_jl = −κ_j I_l r_l / "
            f"(R_L + Σ R0) with R0 = {model.resistance:.4g} Ω, |r| = {abs(r):.4g} Ω, "
            f"arg r = {np.angle(r):.3f} rad (calibrated from the sweep's resistance), "
            f"κ_I above, R_L = {record['load_resistance_ohm']:g} Ω, delay "
            f"{record['delay_s']:g} s, self-coupling {record['self_coupling']}. At the middle "
            f"of the current range: |K_jl| (j ≠ l) = "
            f"{format_quantity(mutual_coupling(magnitude), '1/s')} "
            f"(range {magnitude[off].min():.3g}–{magnitude[off].max():.3g}), phase "
            f"{float(np.angle(np.exp(1j * phase[off]).mean())):.3f} rad; "
            f"|K_jj| = {float(np.diag(magnitude).mean()):.3g} 1/s. Each run uses K at its own "
            "trained currents (`classify/summary.json`, `coupling.folds`).",
        ]
    else:
        value = float(magnitude.max()) if magnitude.size else math.nan
        lines += [
            f"Coupling: free rate {value:.4g} 1/s at phase {network.coupling_phase:g} rad "
            "(`classify.network.coupling_strength`: **free, not derived**; "
            "`coupling = 'circuit'` derives it from the device and the circuit).",
        ]
    return lines


def write_report(result: Any, config: Any, stderr: dict, path: str | Path) -> Path:
    """Write ``report.md`` for a :class:`multiscale.pipeline.ChainResult`."""
    from compact.model import UNITS
    from multiscale.store import versions, write_text

    model, summary, plan = result.model, result.summary, result.plan
    device = config.device.to_dict()
    sweep = config.sweep
    ts = result.timeseries
    lines = [
        "# Device to system: chain report",
        "",
        f"**Test accuracy {summary['accuracy_test']:.3f}** (train "
        f"{summary['accuracy_train']:.3f}) of {len(summary['oscillators'])} calibrated "
        f"oscillators recognising {len(summary['classes'])} vowels by synchronization, "
        f"speaker-independent folds. Calibrated f0 = {format_quantity(model.f0, 'Hz')}, "
        f"I_th = {format_quantity(model.I_th, 'A')}. Chain wall time {result.wall_s:.1f} s.",
        "",
        "## 1. Device",
        "",
        "| parameter | value |",
        "|---|---|",
    ]
    for key, value in device.items():
        lines.append(f"| {key} | {value} |")
    currents = ts["current"].values
    lines += [
        "",
        "## 2. Micromagnetic sweep",
        "",
        f"Engine `{ts.attrs.get('engine', sweep.engine)}` "
        f"{ts.attrs.get('engine_version', '')}; {currents.size} currents "
        f"({', '.join(format_quantity(float(c), 'A') for c in currents)}), "
        f"J = {', '.join(f'{j:.3g}' for j in ts['current_density'].values)} A/m²; "
        f"{format_quantity(sweep.duration, 's')} each, sampled every "
        f"{format_quantity(sweep.sampling_interval, 's')}, T = {sweep.temperature:g} K.",
        "Failed currents: " + (", ".join(f"{k} A/m² ({v})" for k, v in
                                        result.stages["sweep"]["failed"].items()) or "none")
        + ".",
        "",
        "![spectra](figures/spectra.png)",
        "",
        "## 3. Calibrated auto-oscillator",
        "",
        "| parameter | value | standard error | unit |",
        "|---|---|---|---|",
    ]
    for name in ("f0", "N", "df_dI", "gamma_g", "Q", "I_th", "mode_energy", "temperature"):
        err = float(stderr.get("stderr", {}).get(name, "nan"))
        lines.append(f"| {name} | {getattr(model, name):.6g} | {err:.2g} | {UNITS[name]} |")
    cal = result.calibration
    lines += [
        "",
        f"{int(cal['oscillating'].sum())} of {cal.sizes['current']} currents oscillate; mode "
        f"energy from: {cal.attrs.get('mode_energy_source', 'fit')} (a zero-temperature sweep "
        "has no linewidth; 'thiele' is λ = π Ms L ω R²/γ of the vortex core, 'uniform "
        "precession' λ = 2 μ0 Ms V ω/γ0 of an MTJ free layer).",
        *[f"**Warning:** {text}." for text in json.loads(cal.attrs.get("warnings", "[]"))],
        "",
        "![f(I), p(I) and relaxation rate with the fit](figures/calibration.png)",
        "",
        "## 4. Drives and coupling: from device and circuit parameters to rates",
        "",
        *_drives_section(result, config),
        "",
        "## 5. Network: vowels by synchronization",
        "",
    ]
    if plan.get("adapted"):
        lines += [
            f"The reference frequency plan was mapped onto this device (scale "
            f"{plan['scale']:.3g}): currents {format_quantity(plan['current_range_A'][0], 'A')}"
            f" to {format_quantity(plan['current_range_A'][1], 'A')} tune the oscillators over "
            f"{format_quantity(plan['frequency_range_Hz'][0], 'Hz')} to "
            f"{format_quantity(plan['frequency_range_Hz'][1], 'Hz')}"
            f" ({plan.get('branch', 'monotonic')} branch of f(I)); locking half-widths "
            + (", ".join(format_quantity(w, "Hz") for w in plan["locking_half_width_Hz"])
               + " (sources A, B)" if not config.classify.network.physical_sources()
               else "of the physical sources in section 4")
            + "; thermal linewidth at mid-range "
            f"{format_quantity(plan['linewidth_mid_Hz'], 'Hz')} at "
            f"{config.classify.network.temperature:g} K; nonlinearity ν = "
            f"{plan['nonlinearity_mid']:.3g}. Synchronization needs the linewidth well below "
            "the locking half-width (the reference plan has a ratio of about 0.03).",
            "",
        ]
    if plan.get("current_polarity", 1) < 0:
        lines += ["The device oscillates at negative currents: the network drives it with "
                  "I' = −I, and every current of this section and of the plan is −I "
                  "(`compact.AutoOscillator.mirrored`).", ""]
    lines += ["| fold | train | test |", "|---|---|---|"]
    for fold, values in summary["folds"].items():
        lines.append(f"| {fold} | {values['train']:.3f} | {values['test']:.3f} |")
    lines += [
        f"| mean | {summary['accuracy_train']:.3f} | {summary['accuracy_test']:.3f} |",
        "",
        "![response map](figures/response_map.png)",
        "![accuracy during training](figures/training.png)",
        "![confusion matrix (test)](figures/confusion.png)",
        "",
        "## 6. Provenance",
        "",
        "| stage | store folder | reused | wall time (s) |",
        "|---|---|---|---|",
    ]
    for name, stage in result.stages.items():
        lines.append(f"| {name} | `{stage['folder']}` | {stage['reused']} | "
                     f"{stage['wall_s']:.1f} |")
    lines += ["", "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()), ""]
    return write_text("\n".join(lines), path)

"""The output of a device study: one xarray Dataset over the study's parameters, and its figures.

:func:`study_dataset` turns the per-point results of :mod:`multiscale.study` into a Dataset with
a dimension per grid parameter (or a ``point`` dimension for a list of points): accuracies, the
calibrated model's parameters, couplings and the evidence that each chain point lies in a
window of steady orbits, every variable with its unit. :func:`plot_study` draws accuracy
against the first parameter and, for two or more, a heat map of the first two.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from multiscale.config import to_dict

__all__ = ["UNITS", "VARIABLES", "plot_study", "study_dataset"]

#: unit of each parameter a study may sweep
UNITS = {"f0": "Hz", "N": "Hz", "df_dI": "Hz/A", "gamma_g": "1/s", "Q": "1", "I_th": "A",
         "mode_energy": "J", "temperature": "K", "spread": "1", "coupling_strength": "1/s",
         "coupling_phase": "rad", "device_seed": "1", "damping": "1", "alpha": "1",
         "Ms": "A/m", "A": "J/m", "diameter": "m", "thickness": "m", "P": "1",
         "resistance": "ohm", "resistance_amplitude": "ohm", "kappa_current": "1/(s A)",
         "kappa_field": "1/(s A/m)", "load_resistance": "ohm", "resistance_change": "ohm",
         "resistance_P": "ohm"}

#: the per-point results a study Dataset holds: name -> (unit, long name)
VARIABLES = {"accuracy_test": ("1", "test accuracy (mean over folds)"),
             "accuracy_train": ("1", "training accuracy (mean over folds)"),
             "f0": ("Hz", "f0 of the model"), "I_th": ("A", "threshold current"),
             "gamma_g": ("1/s", "linear damping rate"), "N": ("Hz", "nonlinear shift"),
             "Q": ("1", "nonlinear damping"), "df_dI": ("Hz/A", "current tuning"),
             "mode_energy": ("J", "mode energy"),
             "linewidth": ("Hz", "thermal linewidth at mid current range"),
             "locking_half_width": ("Hz", "locking half-width to source A at mid range"),
             "coupling_magnitude": ("1/s", "mean |K_jl|, j != l, at mid current range"),
             "current_polarity": ("1", "+1: the network drives the device with its currents "
                                       "I; -1: with I' = -I (a device that oscillates at "
                                       "negative currents, network.plan.positive_currents)"),
             "kappa_current": ("1/(s A)", "input coupling of an RF current"),
             "kappa_field": ("1/(s A/m)", "input coupling of an RF field"),
             "resistance_amplitude": ("ohm", "|r|, resistance oscillation per unit amplitude"),
             "steady_currents": ("1", "swept currents whose run ended on a steady orbit"),
             "oscillating_currents": ("1", "swept currents the calibration counts as "
                                           "oscillating"),
             "core_lost_currents": ("1", "swept currents whose vortex core was lost"),
             "core_reversed_currents": ("1", "swept currents whose vortex core ended "
                                             "reversed")}


def study_dataset(study: Any, results: list[dict]):
    """One Dataset: a dimension per grid parameter (or ``point``), the results as variables.

    ``study``: a :class:`multiscale.study.Study`; ``results``: one dict per point (None for a
    point whose task crashed), in the order of ``study.point_values()``."""
    import numpy as np
    import xarray as xr

    names = study.parameters
    shape = ([len(study.settings.grid[n]) for n in names] if study.settings.grid
             else [len(results)])
    data = {}
    for var, (unit, long_name) in VARIABLES.items():
        if var in names:  # a swept parameter is a coordinate
            continue
        values = np.array([float(r.get(var, np.nan)) if r is not None else np.nan
                           for r in results]).reshape(shape)
        if np.all(np.isnan(values)) and var not in ("accuracy_test", "accuracy_train"):
            continue
        dims = names if study.settings.grid else ["point"]
        data[var] = (dims, values, {"units": unit, "long_name": long_name})
    errors = np.array([(r or {}).get("error") or "" for r in results], dtype=object)
    dims = names if study.settings.grid else ["point"]
    data["error"] = (dims, errors.reshape(shape).astype(str))
    if study.settings.grid:
        coords = {n: (n, np.asarray(study.settings.grid[n], float),
                      {"units": UNITS.get(n, "")}) for n in names}
    else:
        coords = {n: ("point", np.asarray([p[n] for p in study.settings.points], float),
                      {"units": UNITS.get(n, "")}) for n in names}
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(level=study.settings.level, parameters=json.dumps(names),
                    alpha_ref=study.settings.alpha_ref, plan=study.settings.plan,
                    config=json.dumps({"study": to_dict(study.settings),
                                       "classify": to_dict(study.classify)}))
    return ds


def plot_study(ds: Any, out: str | Path) -> list[Path]:
    """Accuracy against each parameter (lines over the others) and a heat map of two."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from multiscale.store import write_figure

    out = Path(out)
    names = json.loads(ds.attrs["parameters"])
    grid = "point" not in ds.dims
    accuracy = ds["accuracy_test"]
    written = []

    def label(name: str) -> str:
        unit = UNITS.get(name, "")
        return f"{name} ({unit})" if unit and unit != "1" else name

    first = names[0]
    fig, ax = plt.subplots(figsize=(6.0, 4.0), constrained_layout=True)
    if grid and len(names) >= 2:
        second = names[1]
        rest = [n for n in names[2:]]
        acc = accuracy.mean(rest) if rest else accuracy
        for value in ds[second].values:
            ax.plot(ds[first].values, acc.sel({second: value}).values, "o-",
                    label=f"{second} = {value:g}")
        ax.legend(frameon=False, fontsize=8)
    elif grid:
        ax.plot(ds[first].values, accuracy.values, "o-", label="test")
        ax.plot(ds[first].values, ds["accuracy_train"].values, "s--", label="train")
        ax.legend(frameon=False)
    else:
        ax.plot(ds[first].values, accuracy.values, "o")
    ax.set(xlabel=label(first), ylabel="test accuracy", ylim=(0, 1.02),
           title=f"accuracy against {first}")
    written.append(write_figure(fig, out / f"accuracy_vs_{first}.png"))
    plt.close(fig)
    if grid and len(names) >= 2:
        second = names[1]
        rest = names[2:]
        acc = accuracy.mean(rest) if rest else accuracy
        fig, ax = plt.subplots(figsize=(6.0, 4.5), constrained_layout=True)
        values = acc.transpose(second, first).values
        mesh = ax.pcolormesh(np.arange(len(ds[first])), np.arange(len(ds[second])), values,
                             vmin=0, vmax=1, cmap="viridis", shading="nearest")
        for (j, i), v in np.ndenumerate(values):
            ax.text(i, j, "–" if np.isnan(v) else f"{v:.2f}", ha="center", va="center",
                    color="w" if not np.isnan(v) and v < 0.6 else "k", fontsize=8)
        ax.set_xticks(np.arange(len(ds[first])), [f"{v:g}" for v in ds[first].values])
        ax.set_yticks(np.arange(len(ds[second])), [f"{v:g}" for v in ds[second].values])
        ax.set(xlabel=label(first), ylabel=label(second), title="test accuracy")
        fig.colorbar(mesh, ax=ax, label="test accuracy")
        written.append(write_figure(fig, out / f"heatmap_{first}_{second}.png"))
        plt.close(fig)
    return written

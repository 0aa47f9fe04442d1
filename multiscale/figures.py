"""Figures of the chain's library stages (matplotlib imported inside each function)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["plot_calibration"]


def plot_calibration(calibration: Any, path: str | Path) -> None:
    """f(I), p(I) and Γ_p(I): data (points) and the fitted model (lines)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from compact.fit import model_from_calibration
    from multiscale.store import write_figure

    model = model_from_calibration(calibration)
    current = calibration["current"].values
    on = calibration["oscillating"].values.astype(bool)
    dense = np.linspace(current.min(), current.max(), 400)
    above = model.stationary_power(dense) > 0
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
    ma = 1e3  # plot in mA
    axes[0].plot(current[on] * ma, calibration["frequency"].values[on] / 1e9, "o",
                 label="data")
    axes[0].plot(dense[above] * ma, model.frequency(dense[above]) / 1e9, "-", label="fit")
    axes[0].set(xlabel="current (mA)", ylabel="frequency (GHz)")
    axes[1].plot(current * ma, calibration["power"].values, "o", label="data")
    axes[1].plot(dense * ma, model.stationary_power(dense), "-", label="fit")
    axes[1].set(xlabel="current (mA)", ylabel="power p = |c|²")
    axes[2].plot(current * ma, calibration["relaxation_rate"].values, "o", label="data")
    axes[2].plot(dense[above] * ma, model.relaxation_rate(dense[above]), "-", label="fit")
    axes[2].set(xlabel="current (mA)", ylabel="relaxation rate Γ_p (1/s)")
    for ax in axes:
        ax.axvline(model.I_th * ma, color="0.6", lw=0.8, ls=":")
        ax.legend(frameon=False)
    fig.suptitle(f"f0 = {model.f0 / 1e9:.4g} GHz, N = {model.N / 1e6:.4g} MHz, "
                 f"I_th = {model.I_th * ma:.4g} mA, Q = {model.Q:.3g}, "
                 f"Γ_G = {model.gamma_g:.3g} 1/s")
    write_figure(fig, path)
    plt.close(fig)

"""Figures of the vowel task (matplotlib imported inside each function)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["plot_response_map", "plot_confusion", "plot_baselines", "plot_training"]


def plot_response_map(f_a, f_b, classes_map, classes: Sequence[str], source_frequency=None,
                      labels=None, oscillator_frequency=None):
    """The (f_A, f_B) plane coloured by decoded class, with samples on top (Romera Fig. 3).

    ``classes_map`` is (len(f_b), len(f_a)) of class indices, -1 (white) for a pattern that
    maps to no class; ``source_frequency`` (S, 2) in Hz and ``labels`` (S,) the samples;
    ``oscillator_frequency`` (N,) free-running frequencies drawn as lines.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    colours = plt.get_cmap("tab20" if len(classes) > 10 else "tab10").colors[: len(classes)]
    cmap = ListedColormap([(1, 1, 1), *colours])
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    f_a, f_b = np.asarray(f_a), np.asarray(f_b)
    ax.pcolormesh(np.asarray(f_a) / 1e6, np.asarray(f_b) / 1e6, np.asarray(classes_map) + 1,
                  cmap=cmap, vmin=-0.5, vmax=len(classes) + 0.5, shading="auto", alpha=0.45)
    if source_frequency is not None:
        for c, name in enumerate(classes):
            mine = np.asarray(labels) == c
            ax.scatter(source_frequency[mine, 0] / 1e6, source_frequency[mine, 1] / 1e6, s=14,
                       color=colours[c], edgecolor="k", linewidth=0.4, label=name)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.12, 1.0),
                  title="training samples")
    x_lim, y_lim = (f_a[0] / 1e6, f_a[-1] / 1e6), (f_b[0] / 1e6, f_b[-1] / 1e6)
    if oscillator_frequency is not None:  # free-running frequencies inside the plane
        for j, f in enumerate(np.asarray(oscillator_frequency) / 1e6):
            if x_lim[0] <= f <= x_lim[1]:
                ax.axvline(f, color="0.3", lw=0.6, ls=":")
                ax.text(f, y_lim[1], f" osc {j + 1}", fontsize=7, va="bottom", ha="center")
            if y_lim[0] <= f <= y_lim[1]:
                ax.axhline(f, color="0.3", lw=0.6, ls=":")
                ax.text(x_lim[1], f, f" osc {j + 1}", fontsize=7, va="center")
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_xlabel("f_A (source of F1) [MHz]")
    ax.set_ylabel("f_B (source of F2) [MHz]")
    ax.set_title("synchronization response (white: pattern of no class)", fontsize=9)
    return fig


def plot_confusion(matrix, classes: Sequence[str]):
    """Confusion matrix (rows true, columns predicted, last column: no class)."""
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(1.0 + 0.5 * matrix.shape[1], 1.0 + 0.45 * matrix.shape[0]))
    ax.imshow(matrix, cmap="Blues")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(matrix.shape[1]), [*classes, "none"][: matrix.shape[1]], fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), classes, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return fig


def plot_baselines(results, network_parameters: int, network_accuracy: float,
                   network_spread: float = 0.0):
    """Test accuracy against trained parameters, software baselines and the network."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.6, 4.0))
    for r in results:
        ax.errorbar(r.parameters, r.mean_test, yerr=np.std(r.test_accuracy), fmt="o",
                    color="tab:blue", capsize=2)
        ax.annotate(r.name, (r.parameters, r.mean_test), fontsize=7, xytext=(4, -10),
                    textcoords="offset points")
    ax.errorbar(network_parameters, network_accuracy, yerr=network_spread, fmt="*",
                color="tab:red", ms=12, capsize=2, label="oscillator network (currents)")
    ax.set_xscale("log")
    ax.set_xlabel("trained parameters")
    ax.set_ylabel("test accuracy (mean over folds)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    return fig


def plot_training(histories):
    """Training accuracy per epoch, one line per fold."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.4))
    for fold, accuracy in enumerate(histories):
        ax.plot(np.arange(1, len(accuracy) + 1), accuracy, marker="o", label=f"fold {fold}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training accuracy")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return fig

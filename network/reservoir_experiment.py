"""Reservoir experiments end to end: splits, the three readouts, a results Dataset, a figure.

Used by ``multiscale reservoir`` and notebook 05; takes arrays (features, labels, speakers),
never reads files, so that ``network`` stays free of the orchestrator.

Results Dataset (dim ``sample``: every test prediction; one per test utterance or point):
``label``, ``predicted`` (oscillator reservoir), ``predicted_linear_only``,
``predicted_esn``, ``fold``; dim ``step``: ``example_current`` (A) and ``example_power`` (1)
of the first test sample, the virtual-node responses. Attributes: the accuracies (pooled
over folds), θ (s), τ_p (s), node count, the model JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from compact.model import AutoOscillator
from network.esn import EchoStateNetwork
from network.reservoir import TimeMultiplexedReservoir, relaxation_time
from network.reservoir_tasks import (
    compare_readouts,
    sine_square_sequence,
    standardize_frames,
    waveform_task,
)

__all__ = [
    "build_reservoir",
    "digit_splits",
    "run_digits",
    "run_waveform",
    "plot_results",
]

READOUTS = ("reservoir", "linear_only", "esn")


def build_reservoir(model: AutoOscillator, n_nodes: int, theta_over_relaxation: float,
                    bias: float, amplitude: float, mask: str = "uniform", mask_seed: int = 0,
                    noise_seed: int = 1) -> TimeMultiplexedReservoir:
    """Reservoir with currents in units of the threshold and θ in units of τ_p.

    ``bias`` = I_b / I_th (> 1), ``amplitude`` = ΔI / |I_th|, θ = ``theta_over_relaxation``·τ_p
    with τ_p = 1 / (2 Γ_G (ζ_b - 1)) the power relaxation time at the bias.
    """
    if not bias > 1:
        raise ValueError(f"bias = {bias!r}: I_b / I_th must be > 1 (oscillating bias)")
    bias_current = bias * model.I_th
    theta = theta_over_relaxation * relaxation_time(model, bias_current)
    return TimeMultiplexedReservoir(model, n_nodes, theta, bias_current,
                                    amplitude * abs(model.I_th), mask_seed=mask_seed,
                                    noise_seed=noise_seed, mask=mask)


def digit_splits(speakers: np.ndarray, official_test: np.ndarray,
                 split: str) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, train_indices, test_indices)`` of the official or leave-one-speaker-out split.

    ``official_test`` is True for recordings with index 0–4 (FSDD's official test set).
    """
    index = np.arange(len(speakers))
    if split == "official":
        return [("official", index[~official_test], index[official_test])]
    if split == "leave_one_speaker_out":
        names = sorted(set(speakers))
        if len(names) < 2:
            raise ValueError("split = 'leave_one_speaker_out': needs at least 2 speakers")
        return [(name, index[speakers != name], index[speakers == name]) for name in names]
    raise ValueError(f"split = {split!r}: allowed 'official', 'leave_one_speaker_out'")


def _dataset(labels, predictions: dict, folds, reservoir, scores: dict, example):
    import xarray as xr

    ds = xr.Dataset(
        {
            "label": ("sample", np.asarray(labels)),
            "predicted": ("sample", np.asarray(predictions["reservoir"])),
            "predicted_linear_only": ("sample", np.asarray(predictions["linear_only"])),
            "predicted_esn": ("sample", np.asarray(predictions["esn"])),
            "fold": ("sample", np.asarray(folds)),
            "example_current": ("step", example[0], {"units": "A"}),
            "example_power": ("step", example[1], {"units": "1"}),
        },
        coords={"time": ("step", reservoir.theta * (1 + np.arange(example[0].size)),
                         {"units": "s"})},
    )
    for name in READOUTS:
        ds.attrs[f"accuracy_{name}" if name != "reservoir" else "accuracy_test"] = float(
            np.mean(ds[_var(name)].values == ds["label"].values))
    ds.attrs.update(scores)
    ds.attrs.update(theta=reservoir.theta, relaxation_time=reservoir.relaxation_time,
                    n_nodes=reservoir.n_nodes, bias_current=reservoir.bias_current,
                    input_current=reservoir.input_current, model=reservoir.model.to_json())
    return ds


def _var(name: str) -> str:
    return "predicted" if name == "reservoir" else f"predicted_{name}"


def run_digits(frames: np.ndarray, digits: np.ndarray, speakers: np.ndarray,
               official_test: np.ndarray, reservoir: TimeMultiplexedReservoir,
               esn: EchoStateNetwork, split: str = "official", n_segments: int = 4,
               progress: Callable[[Iterable], Iterable] = iter):
    """Spoken digits: the three readouts on every fold of ``split``; a results Dataset.

    Parameters
    ----------
    frames : (n_utterances, n_frames, n_features) preprocessed features
    digits, speakers, official_test : per-utterance label, speaker and official-test flag
    reservoir, esn : the oscillator reservoir and the echo-state network
    split : "official" or "leave_one_speaker_out"
    n_segments : time segments of the readout features
    progress : wraps the fold iterator (e.g. ``tqdm``)
    """
    digits, speakers = np.asarray(digits), np.asarray(speakers)
    labels, folds, predictions = [], [], {name: [] for name in READOUTS}
    scores: dict[str, float] = {}
    for name, train, test in progress(digit_splits(speakers, np.asarray(official_test), split)):
        result = compare_readouts(frames[train], digits[train], frames[test], digits[test],
                                  {"reservoir": reservoir.transform, "esn": esn.transform},
                                  n_segments=n_segments)
        labels.append(digits[test])
        folds += [name] * test.size
        for key in READOUTS:
            predictions[key].append(result[key].predicted)
            scores[f"accuracy_train_{key}_{name}"] = result[key].accuracy_train
            scores[f"alpha_{key}_{name}"] = result[key].alpha
        if len(labels) == 1:
            example = _example(reservoir, standardize_frames(frames[train], frames[test[:1]])[1])
    return _dataset(np.concatenate(labels), {k: np.concatenate(v) for k, v in predictions.items()},
                    folds, reservoir, scores, example)


def _example(reservoir: TimeMultiplexedReservoir, frames: np.ndarray, n_frames: int = 2):
    frames = frames[:1, :n_frames]
    return reservoir.currents(frames)[0], reservoir.transform(frames)[0].ravel()


def run_waveform(reservoir: TimeMultiplexedReservoir, esn: EchoStateNetwork,
                 n_periods: int = 150, train_fraction: float = 0.5, seed: int = 0):
    """Sine versus square, every point classified; a results Dataset."""
    reservoir_scores = waveform_task(reservoir.transform, n_periods, train_fraction, seed=seed)
    esn_scores = waveform_task(esn.transform, n_periods, train_fraction, seed=seed)
    signal, labels = sine_square_sequence(n_periods, seed=seed)
    n_test = reservoir_scores["reservoir"].predicted.size
    predictions = {"reservoir": reservoir_scores["reservoir"].predicted,
                   "linear_only": reservoir_scores["linear_only"].predicted,
                   "esn": esn_scores["reservoir"].predicted}
    scores = {f"accuracy_train_{k}": v.accuracy_train for k, v in
              (("reservoir", reservoir_scores["reservoir"]),
               ("linear_only", reservoir_scores["linear_only"]),
               ("esn", esn_scores["reservoir"]))}
    example = _example(reservoir, signal[None, :, None], n_frames=8)
    return _dataset(labels[-n_test:], predictions, ["waveform"] * n_test, reservoir, scores,
                    example)


def plot_results(ds, path, class_names: list[str] | None = None) -> None:
    """Confusion matrix of the reservoir and the virtual-node response of one sample."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    # every class of the task on both axes, also those a small test set lacks (labels are the
    # class indices when ``class_names`` is given)
    if class_names:
        labels = np.arange(len(class_names))
        names = list(class_names)
    else:
        labels = np.union1d(ds["label"].values, ds["predicted"].values)
        names = [str(v) for v in labels]
    matrix = confusion_matrix(ds["label"].values, ds["predicted"].values, labels=labels)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    axes[0].imshow(matrix, cmap="Blues")
    axes[0].set(xticks=range(len(labels)), yticks=range(len(labels)), xticklabels=names,
                yticklabels=names, xlabel="predicted", ylabel="true",
                title=f"oscillator reservoir: {ds.attrs['accuracy_test']:.3f} "
                      f"(linear {ds.attrs['accuracy_linear_only']:.3f}, "
                      f"ESN {ds.attrs['accuracy_esn']:.3f})")
    for (i, j), count in np.ndenumerate(matrix):
        axes[0].text(j, i, str(count), ha="center", va="center", fontsize=7)
    t = ds["time"].values * 1e9
    axes[1].step(t, ds["example_power"].values, where="post", label="power p (node states)")
    axes[1].set(xlabel="time (ns)", ylabel="oscillator power p",
                title=f"θ = {ds.attrs['theta'] * 1e9:.3g} ns, "
                      f"τ_p = {ds.attrs['relaxation_time'] * 1e9:.3g} ns, "
                      f"{ds.attrs['n_nodes']} nodes")
    twin = axes[1].twinx()
    twin.step(t, ds["example_current"].values * 1e3, where="post", color="0.6", lw=0.7)
    twin.set_ylabel("current (mA)", color="0.4")
    axes[1].set_zorder(twin.get_zorder() + 1)  # the node states in front of the current
    axes[1].patch.set_visible(False)
    fig.savefig(path, dpi=120)
    plt.close(fig)

"""Speaker-independent cross-validation of the synchronization network and its results
Dataset (DESIGN.md: dims ``sample``, ``oscillator``, ``source``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from network.encoding import encode
from network.learning import OnlineRule
from network.vowels import SyncNetwork, VowelSamples, train

__all__ = ["FoldResult", "cross_validate", "confusion_matrix", "results_dataset"]


@dataclass(frozen=True)
class FoldResult:
    """One fold: accuracies, trained currents (A), training history, test responses."""

    fold: int
    train_accuracy: float
    test_accuracy: float
    currents: np.ndarray
    history: list[float]
    test_index: np.ndarray
    predicted: np.ndarray
    locked: np.ndarray
    frequency: np.ndarray
    train_index: np.ndarray
    train_predicted: np.ndarray
    network: Any = None  #: the fold's own network (fitted maps and table), or None: the shared


def cross_validate(
    network: SyncNetwork,
    samples: VowelSamples,
    folds: np.ndarray,
    *,
    run_folds: Sequence[int] | None = None,
    epochs: int = 10,
    rule: OnlineRule | None = None,
    decay: float = 1.0,
    batch_size: int = 1,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    estimator: Any = None,
) -> list[FoldResult]:
    """Train on all folds but one, test on it; for each fold in ``run_folds`` (default all).

    The training of fold ``k`` is seeded with ``seed + k``; its test run with ``seed + 1000 +
    k``. With ``estimator`` (a :class:`network.estimator.SyncClassifier`), each fold fits a
    clone of it (its own encoding, table and currents; ``network``, ``epochs``, ``rule``,
    ``decay`` and ``batch_size`` are the estimator's) and records its network.
    """
    results = []
    for k in (np.unique(folds) if run_folds is None else run_folds):
        k = int(k)
        train_index = np.flatnonzero(folds != k)
        test_index = np.flatnonzero(folds == k)
        training = samples.subset(train_index)
        if estimator is not None:
            results.append(_fit_fold(estimator, samples, k, train_index, test_index, seed))
            if progress is not None:
                progress(len(train_index))
            continue
        currents, history = train(network, training, epochs=epochs, rule=rule, decay=decay,
                                  batch_size=batch_size, seed=seed + k, progress=progress)
        train_predicted, _, _ = network.respond(currents, training.features, seed=seed + 500 + k)
        predicted, locked, response = network.respond(
            currents, samples.features[test_index], seed=seed + 1000 + k)
        results.append(FoldResult(
            fold=k,
            train_accuracy=float(np.mean(train_predicted == training.label)),
            test_accuracy=float(np.mean(predicted == samples.label[test_index])),
            currents=currents, history=list(history.accuracy), test_index=test_index,
            predicted=predicted, locked=locked, frequency=response.frequency,
            train_index=train_index, train_predicted=train_predicted,
        ))
    return results


def _fit_fold(estimator, samples: VowelSamples, k: int, train_index, test_index,
              seed: int) -> FoldResult:
    """Fold ``k`` of :func:`cross_validate` through a clone of ``estimator``."""
    from sklearn.base import clone

    names = np.asarray(samples.classes)
    fitted = clone(estimator).set_params(seed=seed + k).fit(
        samples.features[train_index], names[samples.label[train_index]])
    index_of = np.array([samples.classes.index(str(c)) for c in fitted.classes_])

    def labels(index):  # the estimator's class index -> the samples' label index, -1 kept
        return np.where(index >= 0, index_of[np.clip(index, 0, None)], -1)

    train_predicted, _, _ = fitted.respond(samples.features[train_index], seed=seed + 500 + k)
    predicted, locked, response = fitted.respond(samples.features[test_index],
                                                 seed=seed + 1000 + k)
    train_predicted, predicted = labels(train_predicted), labels(predicted)
    return FoldResult(
        fold=k, train_accuracy=float(np.mean(train_predicted == samples.label[train_index])),
        test_accuracy=float(np.mean(predicted == samples.label[test_index])),
        currents=fitted.currents_, history=list(fitted.history_), test_index=test_index,
        predicted=predicted, locked=locked, frequency=response.frequency,
        train_index=train_index, train_predicted=train_predicted, network=fitted.network_)


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts (C, C+1): rows true class, columns predicted class, last column no class."""
    matrix = np.zeros((n_classes, n_classes + 1), int)
    np.add.at(matrix, (labels, np.where(predicted < 0, n_classes, predicted)), 1)
    return matrix


def results_dataset(network: SyncNetwork, samples: VowelSamples, folds: np.ndarray,
                    results: Sequence[FoldResult], config: dict | None = None):
    """Out-of-fold test responses of every tested sample as an xarray Dataset."""
    import xarray as xr

    index = np.concatenate([r.test_index for r in results])
    n_osc, n_src = len(network.oscillators), len(network.maps)
    source_frequency = np.concatenate([
        encode(samples.features[r.test_index], (r.network or network).maps) for r in results])
    classes = np.array([*samples.classes, "none"])
    predicted = np.concatenate([r.predicted for r in results])
    ds = xr.Dataset(
        {
            "frequency": (("sample", "oscillator"), np.concatenate([r.frequency for r in results]),
                          {"units": "Hz", "long_name": "mean frequency over the readout window"}),
            "locked": (("sample", "oscillator", "source"),
                       np.concatenate([r.locked for r in results])),
            "label": ("sample", np.asarray(samples.classes)[samples.label[index]]),
            "predicted": ("sample", classes[predicted],
                          {"note": "'none': the pattern maps to no class (an error)"}),
            "source_frequency": (("sample", "source"), source_frequency, {"units": "Hz"}),
            "feature": (("sample", "source"), samples.features[index],
                        {"kind": samples.feature_kind,
                         "long_name": "feature encoded onto each source"}),
            "F1": ("sample", samples.F1[index], {"units": "Hz"}),
            "F2": ("sample", samples.F2[index], {"units": "Hz"}),
            "test_fold": ("sample", folds[index], {"long_name": "fold the sample was tested in"}),
            "current": (("fold", "oscillator"), np.array([r.currents for r in results]),
                        {"units": "A", "long_name": "trained DC currents"}),
        },
        coords={
            "sample": samples.token[index],
            "speaker": ("sample", samples.speaker[index]),
            "oscillator": np.arange(1, n_osc + 1),
            "source": ["A", "B"][:n_src] if n_src <= 2 else np.arange(n_src),
            "fold": [r.fold for r in results],
        },
    )
    ds.attrs.update(
        config=json.dumps(config or {}, default=str),
        accuracy_train=float(np.mean([r.train_accuracy for r in results])),
        accuracy_test=float(np.mean([r.test_accuracy for r in results])),
        fold_accuracy_test=json.dumps([r.test_accuracy for r in results]),
        fold_accuracy_train=json.dumps([r.train_accuracy for r in results]),
        models=json.dumps([o.to_dict() for o in network.oscillators]),
        patterns=json.dumps(network.table.to_dict()),
    )
    if any(r.network is not None for r in results):  # fitted per fold
        ds.attrs["fold_patterns"] = json.dumps({str(r.fold): r.network.table.to_dict()
                                                for r in results})
        ds.attrs["fold_maps"] = json.dumps({
            str(r.fold): [{"x_range": list(m.x_range), "frequency_range":
                           list(m.frequency_range)} for m in r.network.maps]
            for r in results})
        del ds.attrs["patterns"]
    return ds

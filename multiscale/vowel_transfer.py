"""Transfer of the vowel network: train on one set of speakers, test on others.

:func:`transfer_stage` trains one :class:`network.estimator.SyncClassifier` on every token of
the config's task (corpus, group, vowels, features) and tests it on each of
``task.test_sets``; the software baselines are trained and tested the same way. The transfer
table (test set × model) is written as ``transfer.nc`` with ``summary.json``.
:func:`evaluate_saved` tests a classifier saved by ``multiscale classify --save`` on sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from multiscale.errors import InputError
from multiscale.schemas import ClassifyConfig

__all__ = ["TransferResult", "load_set", "test_sets", "train_classifier", "transfer_stage",
           "evaluate_saved"]


@dataclass(frozen=True)
class TransferResult:
    """The trained classifier, its training accuracy and each test set's accuracies."""

    classifier: Any  #: network.estimator.SyncClassifier, fitted
    accuracy_train: float
    test_sets: tuple[str, ...]
    accuracy: dict  #: test set -> accuracy of the network
    baselines: dict  #: model name -> {test set -> accuracy}
    n_outside: dict  #: test set -> tokens with a feature outside the fitted range, per source

    @property
    def accuracy_test(self) -> float:
        """Mean accuracy of the network over the test sets."""
        return float(np.mean(list(self.accuracy.values())))

    def summary(self) -> dict:
        return {"accuracy_train": self.accuracy_train, "accuracy_test": self.accuracy_test,
                "transfer": {s: {"network": self.accuracy[s],
                                 "n_outside_fitted_range": self.n_outside[s],
                                 **{m: v[s] for m, v in self.baselines.items()}}
                             for s in self.test_sets}}

    def dataset(self):
        """The transfer table as an xarray Dataset: accuracy (test_set, model)."""
        import xarray as xr

        models = ["oscillator network", *self.baselines]
        table = [[self.accuracy[s], *(self.baselines[m][s] for m in self.baselines)]
                 for s in self.test_sets]
        return xr.Dataset(
            {"accuracy": (("test_set", "model"), np.array(table),
                          {"long_name": "accuracy on the test set"})},
            coords={"test_set": list(self.test_sets), "model": models},
            attrs={"accuracy_train": self.accuracy_train})


def load_set(corpus: str, group: str, vowels: Sequence[str], features: str,
             data: str = "", key: str = "task.test_sets"):
    """The :class:`network.vowels.VowelSamples` of one corpus and group (InputError naming
    ``key``)."""
    from multiscale import datasets
    from network.vowels import vowel_samples

    loaders = {"hillenbrand": datasets.hillenbrand,
               "peterson_barney": datasets.peterson_barney}
    if corpus not in loaders:
        raise InputError(f"{key}: corpus {corpus!r} unknown; allowed {sorted(loaders)}")
    try:
        return vowel_samples(loaders[corpus](data or None), tuple(vowels), group,
                             features=features)
    except ValueError as error:
        raise InputError(f"{key} = '{corpus}:{group}': {error}") from None


def test_sets(config: ClassifyConfig, where: str = "") -> dict:
    """'corpus:group' -> the samples of each of ``task.test_sets`` (InputError naming the key
    when a set cannot be read or lacks a vowel of the task)."""
    task = config.task
    key = f"{where + '.' if where else ''}task.test_sets"
    return {entry: load_set(*spec, task.vowels, task.features, task.data, key)
            for entry, spec in zip(task.test_sets, task.test_set_specs(), strict=True)}


def _labels(samples) -> np.ndarray:
    return np.asarray(samples.classes)[samples.label]


def train_classifier(config: ClassifyConfig, models=None, where: str = ""):
    """(fitted SyncClassifier, training samples) on every token of the config's task."""
    from multiscale.vowel_stage import classifier_for, network_for, vowel_task

    task = vowel_task(config, where)
    network = network_for(config, models, where)
    classifier = classifier_for(config, network, task.rule, always=True)
    classifier.fit(task.samples.features, _labels(task.samples))
    return classifier, task.samples


def transfer_stage(config: ClassifyConfig, models=None, out: str | Path | None = None,
                   where: str = "") -> TransferResult:
    """Train on the task's set, test on ``task.test_sets`` (module docstring)."""
    import warnings

    from sklearn.base import clone

    from network.baselines import baseline_models

    task = config.task
    if not task.test_sets:
        raise InputError(f"{where + '.' if where else ''}task.test_sets: empty; give the sets "
                         "to test on ('corpus:group')")
    tests = test_sets(config, where)  # every set readable before the training
    classifier, training = train_classifier(config, models, where)
    accuracy_train = float(classifier.score(training.features, _labels(training)))
    accuracy, outside = {}, {}
    for name, samples in tests.items():
        accuracy[name] = float(classifier.score(samples.features, _labels(samples)))
        outside[name] = classifier.count_outside(samples.features).tolist()
    baselines: dict = {}
    if config.output.baselines:
        for model_name, model in baseline_models(task.seed).items():
            fitted = clone(model)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # lbfgs iteration limits on tiny MLPs
                fitted.fit(training.features, training.label)
            baselines[model_name] = {name: float(fitted.score(s.features, s.label))
                                     for name, s in tests.items()}
    result = TransferResult(classifier, accuracy_train, tuple(tests), accuracy, baselines,
                            outside)
    if out is not None:
        from multiscale.store import write_dataset, write_json

        write_dataset(result.dataset(), Path(out) / "transfer.nc")
        write_json(result.summary(), Path(out) / "summary.json")
    return result


def evaluate_saved(path: str | Path, sets: Sequence[str], data: str = ""
                   ) -> tuple[dict, dict]:
    """(accuracy on each ``'corpus:group'`` set, the saved metadata) of the classifier saved at
    ``path``, fed the vowels and features it was trained on (its metadata)."""
    from network.estimator import SyncClassifier

    try:
        classifier = SyncClassifier.load(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"--load = {str(path)!r}: not a saved classifier "
                         f"({type(error).__name__}: {error})") from None
    meta = classifier.metadata_
    if not {"vowels", "features", "trained_on", "accuracy_train"} <= set(meta):
        raise InputError(f"--load = {str(path)!r}: its metadata lacks the vowels and features "
                         "it was trained on (save it with multiscale classify --save)")
    results = {}
    for entry in sets:
        corpus, _, group = str(entry).partition(":")
        samples = load_set(corpus, group, meta["vowels"], meta["features"], data, "--test")
        results[entry] = float(classifier.score(samples.features, _labels(samples)))
    return results, meta

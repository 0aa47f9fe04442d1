"""The vowel-network stage of the chain: one function for ``multiscale classify``, the pipeline
and the studies.

:func:`classify_stage` takes a :class:`~multiscale.schemas.ClassifyConfig` and the oscillator
models, trains the DC currents and tests them over speaker-independent folds
(:func:`network.experiment.cross_validate`), and, given an output folder, writes the results
Dataset, the figures, the software baselines and ``summary.json``. It returns a
:class:`ClassifyResult`.

Bad values raise :class:`~multiscale.errors.InputError` naming the key (``where`` is the path of
the classify tables in the whole config: '' for ``multiscale classify``, ``classify`` in a chain
or study); a frequency plan that the oscillators cannot reach raises
:class:`~multiscale.errors.NetworkPlanError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from multiscale.config import fail
from multiscale.errors import InputError, NetworkPlanError
from multiscale.schemas import PHYSICAL_SOURCES, ClassifyConfig
from network.plan import PlanError
from network.vowels import NetworkDiverged

__all__ = ["VowelTask", "ClassifyResult", "vowel_task", "oscillators_for", "network_for",
           "classifier_for", "classify_stage"]

@dataclass(frozen=True)
class VowelTask:
    """What the config alone fixes: the tokens, their folds and the learning rule."""

    samples: Any  #: network.vowels.VowelSamples
    folds: np.ndarray
    rule: Any  #: network.learning.OnlineRule


@dataclass(frozen=True)
class ClassifyResult:
    """What :func:`classify_stage` produced."""

    network: Any  #: network.vowels.SyncNetwork
    samples: Any  #: network.vowels.VowelSamples
    folds: np.ndarray
    results: tuple  #: network.experiment.FoldResult per tested fold
    accuracy_train: float
    accuracy_test: float
    confusion: np.ndarray  #: (C, C + 1) counts over the test folds, last column: no class
    baselines: tuple = ()  #: network.baselines results (with ``output.baselines``)
    files: tuple[str, ...] = ()  #: written into the folder

    def _coupling(self) -> dict:
        """The coupling matrix K (1/s) as magnitude and phase: the free one, or the circuit's
        at the middle of the current range and at each fold's trained currents."""
        def polar(matrix) -> dict:
            return {"magnitude_1_per_s": np.abs(matrix).tolist(),
                    "phase_rad": np.angle(matrix).tolist()}

        circuit = self.network.circuit
        record = {"kind": "free" if circuit is None else "circuit",
                  "middle_of_current_range": polar(self.network.coupling)}
        if circuit is not None:
            record.update(load_resistance_ohm=circuit.load_resistance, delay_s=circuit.delay,
                          self_coupling=circuit.self_coupling,
                          folds={str(r.fold): polar(self.network.coupling_at(r.currents))
                                 for r in self.results})
        return record

    def summary(self, seed: int) -> dict:
        """The record ``summary.json``: accuracies per fold and overall, confusion, models."""
        summary = {
            "classes": list(self.samples.classes),
            "folds": {str(r.fold): {"train": r.train_accuracy, "test": r.test_accuracy,
                                    "currents_A": r.currents.tolist(),
                                    **_fitted(r.network)} for r in self.results},
            "features": self.samples.feature_kind,
            "accuracy_train": self.accuracy_train,
            "accuracy_test": self.accuracy_test,
            "confusion_test": self.confusion.tolist(),
            "fold_seed": seed,
            "n_samples": len(self.samples),
            "oscillators": [o.to_dict() for o in self.network.oscillators],
            "coupling": self._coupling(),
            "sources": {"amplitude_1_per_s": [float(a) for a in self.network.source_amplitude]},
        }
        if self.baselines:
            summary["baselines"] = [
                {"model": b.name, "parameters": b.parameters, "test": b.mean_test,
                 "train": b.mean_train, "fold_test": list(b.test_accuracy)}
                for b in self.baselines]
        return summary


def _fitted(network) -> dict:
    """A fold's fitted encoding and pattern table, for the summary ({} for the shared one)."""
    if network is None:
        return {}
    return {"patterns": network.table.to_dict()["patterns"],
            "feature_ranges": [list(m.x_range) for m in network.maps]}


def _prefix(where: str) -> str:
    return f"{where}." if where else ""


#: the most oscillator-steps a training may integrate without simulation.allow_large: about
#: 600 times the default network (hours, not the seconds to minutes of a study point)
MAX_OSCILLATOR_STEPS = 1e11


def oscillator_steps(config: ClassifyConfig, folds: np.ndarray) -> float:
    """Integration steps times oscillators that training and testing ``config`` takes: per
    run fold, every training sample each epoch plus a final pass over all samples; one
    response map."""
    steps = config.simulation.duration / config.simulation.step
    steps = math.ceil(steps) if math.isfinite(steps) else math.inf  # 1e300 s: no overflow
    samples = 0
    learning = config.learning
    epochs = learning.epochs
    if learning.assignment == "learned":  # every split (3 for 4 oscillators) for every round
        splits = len(learning.splits) or max(config.network.n_oscillators - 1, 1)
        epochs *= max(learning.rounds, 1) * splits
    for k in config.run_folds:
        test = int(np.sum(folds == k))
        train = folds.size - test
        samples += train * epochs + folds.size
    samples += config.output.response_map_grid ** 2
    return float(samples) * steps * config.network.n_oscillators


def vowel_task(config: ClassifyConfig, where: str = "") -> VowelTask:
    """Tokens, folds and rule of ``config`` (reads the data; InputError naming the key)."""
    from multiscale import datasets
    from network import vowels
    from network.learning import OnlineRule

    prefix = _prefix(where)
    task, learning = config.task, config.learning
    load = {"hillenbrand": datasets.hillenbrand, "peterson_barney": datasets.peterson_barney}
    data = load[task.corpus](task.data or None)
    try:
        samples = vowels.vowel_samples(data, task.vowels, task.group, features=task.features)
    except ValueError as error:
        raise InputError(f"{prefix}task: {error}") from None
    speakers = len(set(samples.speaker))
    if task.folds > speakers:
        fail(f"{prefix}task.folds", task.folds,
             f"must be at most the {speakers} speakers of group {task.group!r}")
    folds = vowels.speaker_folds(samples.speaker, task.folds, task.seed)
    work = oscillator_steps(config, folds)
    simulation = config.simulation
    if work > MAX_OSCILLATOR_STEPS and not simulation.allow_large:
        fail(f"{prefix}simulation.duration", simulation.duration,
             f"the training would integrate {work:.3g} oscillator-steps ({prefix}"
             f"simulation.step = {simulation.step:g} s, {prefix}learning.epochs = "
             f"{learning.epochs}, {len(config.run_folds)} folds, {prefix}network."
             f"n_oscillators = {config.network.n_oscillators}, {prefix}output."
             f"response_map_grid = {config.output.response_map_grid}), over the limit "
             f"{MAX_OSCILLATOR_STEPS:.0e} (the default network: ~2e8); a shorter duration, a "
             f"larger step, fewer epochs, or {prefix}simulation.allow_large = true")
    lo, hi = config.network.current_range
    try:
        rule = OnlineRule(rate_toward=learning.rate_toward, rate_away=learning.rate_away,
                          margin=learning.margin, toward=learning.toward,
                          current_min=lo, current_max=hi)
    except ValueError as error:
        raise InputError(f"{prefix}learning: {error}") from None
    return VowelTask(samples, folds, rule)


def oscillators_for(config: ClassifyConfig, models: Sequence[Any] | None = None) -> tuple:
    """The network's oscillators: ``models`` None: the reference oscillators of
    :func:`network.vowels.default_oscillators`; one model: ``network.n_oscillators`` copies
    of it (:func:`network.vowels.with_spread`); else the models as they are."""
    from network.vowels import default_oscillators, with_spread

    net = config.network
    if models is None:
        return default_oscillators(net.n_oscillators, spread=net.spread, seed=net.device_seed,
                                   temperature=net.temperature)
    if len(models) == 1:  # one calibrated device, copied with the configured variability
        return with_spread(models[0], net.n_oscillators, net.spread, net.device_seed,
                           temperature=net.temperature)
    return tuple(models)


def network_for(config: ClassifyConfig, models: Sequence[Any] | None = None,
                where: str = ""):
    """The :class:`network.vowels.SyncNetwork` of ``config`` on :func:`oscillators_for`.

    Physical source amplitudes (``network.source_field``, ``source_current`` or
    ``source_power_dBm``) replace ``source_amplitude`` by F = κ A of the calibrated models
    (:func:`network.plan.source_drive_strength`), also after a plan was mapped onto the device.
    """
    import dataclasses

    from network.plan import source_drive_strength
    from network.vowels import build_network

    plan, oscillators = config.plan(), oscillators_for(config, models)
    physical = config.network.physical_sources()
    if physical is not None:
        key = next(k for k in PHYSICAL_SOURCES if getattr(config.network, k))
        if models is None:
            raise InputError(f"{_prefix(where)}network.{key}: physical source amplitudes need "
                             "a calibrated model with its κ (classify --model)")
        try:
            strength = source_drive_strength(oscillators, **physical)
        except ValueError as error:
            raise InputError(f"{_prefix(where)}network.{key} = {getattr(config.network, key)}"
                             f": {error}") from None
        plan = dataclasses.replace(plan, source_amplitude=strength)
    try:
        circuit = config.network.circuit()
    except ValueError as error:  # the circuit's own checks: "delay = ...", "load_resistance = ..."
        name, _, rest = str(error).partition(" = ")
        key = {"delay": "circuit_delay"}.get(name, name)
        raise InputError(f"{_prefix(where)}network.{key} = {rest}") from None
    if circuit is not None:
        if models is None:
            raise InputError(f"{_prefix(where)}network.coupling = 'circuit': needs a calibrated "
                             "model with its resistance, r and kappa_current (classify --model)")
        try:
            circuit.check(oscillators)
        except ValueError as error:
            raise InputError(f"{_prefix(where)}network.coupling = 'circuit': {error}") from None
    if config.learning.assignment == "learned":  # replaced by each fold's learned table
        from network.assignment import placeholder_table

        table = placeholder_table(config.task.vowels, len(oscillators))
    else:
        table = config.table()
    try:
        return build_network(plan, oscillators, table, circuit)
    except PlanError as error:
        raise NetworkPlanError(
            f"{_prefix(where)}network.{error}; set the bands (and current_range) for these "
            "devices, or give classify --window LO HI (A) to map the plan onto a --model "
            "device") from None
    except ValueError as error:
        raise InputError(f"{_prefix(where)}network: {error}") from None


def classifier_for(config: ClassifyConfig, network, rule, always: bool = False):
    """The :class:`network.estimator.SyncClassifier` of the config. Unless ``always``: None
    for the hand table with hand maps (the original network, whose folds are trained by
    :func:`network.vowels.train` directly)."""
    learning, net = config.learning, config.network
    if learning.assignment == "table" and net.encoding == "fixed" and not always:
        return None
    from network.estimator import SyncClassifier

    return SyncClassifier(
        network=network, assignment=learning.assignment,
        patterns=dict(network.table.patterns) if learning.assignment == "table" else None,
        encoding=net.encoding, encoding_quantiles=tuple(net.encoding_quantiles),
        encoding_margin=net.encoding_margin,
        splits=[tuple(x) for x in learning.splits] or None, rounds=learning.rounds,
        epochs=learning.epochs, rule=rule, decay=learning.decay,
        batch_size=learning.batch_size, seed=config.task.seed)


def classify_stage(config: ClassifyConfig, models: Sequence[Any] | None = None,
                   out: str | Path | None = None, *, progress: bool = False,
                   where: str = "") -> ClassifyResult:
    """Train and test the vowel network of ``config`` on ``models`` over its folds.

    Parameters
    ----------
    config
        The classify config (:func:`multiscale.schemas.parse_classify`).
    models
        AutoOscillator records: None for the reference oscillators, one to be copied with the
        configured spread, or one per oscillator (:func:`oscillators_for`).
    out
        Folder for ``results.nc``, ``summary.json``, the figures (response map of the first
        tested fold, confusion, training) and, with ``output.baselines``, the scikit-learn
        baselines and ``baselines.png``. None: train and test only (no files, no baselines).
    progress
        Show a progress bar over the training samples.
    where
        Path of the classify tables in the whole config, for messages.
    """
    from tqdm import tqdm

    from network import experiment

    task = vowel_task(config, where)
    network = network_for(config, models, where)
    learning, run_folds = config.learning, config.run_folds
    estimator = classifier_for(config, network, task.rule)
    total = sum(int(np.sum(task.folds != k)) for k in run_folds) * (
        1 if estimator is not None else learning.epochs)
    with tqdm(total=total, desc="training", unit="sample", disable=not progress,
              leave=False) as bar:
        try:
            results = tuple(experiment.cross_validate(
                network, task.samples, task.folds, run_folds=run_folds,
                epochs=learning.epochs, rule=task.rule, decay=learning.decay,
                batch_size=learning.batch_size, seed=config.task.seed, progress=bar.update,
                estimator=estimator))
        except NetworkDiverged as error:
            raise NetworkPlanError(
                f"{_prefix(where)}network (coupling_strength, source_amplitude or their "
                f"physical sources) and {_prefix(where)}simulation.step: {error}") from None
    samples = task.samples
    labels = samples.label[np.concatenate([r.test_index for r in results])]
    confusion = experiment.confusion_matrix(
        labels, np.concatenate([r.predicted for r in results]), len(samples.classes))
    result = ClassifyResult(
        network=network, samples=samples, folds=task.folds, results=results,
        accuracy_train=float(np.mean([r.train_accuracy for r in results])),
        accuracy_test=float(np.mean([r.test_accuracy for r in results])),
        confusion=confusion)
    return result if out is None else _write(result, config, Path(out))


def _write(result: ClassifyResult, config: ClassifyConfig, out: Path) -> ClassifyResult:
    """Results Dataset, figures, baselines and summary of ``result`` into ``out``."""
    import dataclasses

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from multiscale.config import to_dict
    from multiscale.store import drawn, write_dataset, write_figure, write_json
    from network import experiment, figures, vowels
    from network.encoding import encode

    network, samples, results = result.network, result.samples, result.results
    seed = config.task.seed
    write_dataset(experiment.results_dataset(network, samples, result.folds, results,
                                             to_dict(config)), out / "results.nc")
    first = results[0]
    first_network = first.network or network  # a fitted fold has its own maps and table
    f_a, f_b, grid = vowels.response_map(first_network, first.currents,
                                         config.output.response_map_grid, seed=seed)
    if first.network is not None:  # a fitted table lists its classes in sorted order
        order = np.array([samples.classes.index(c) for c in first_network.table.classes])
        grid = np.where(grid >= 0, order[np.clip(grid, 0, None)], -1)
    training = samples.subset(first.train_index)
    free = [float(o.frequency(i)) for o, i in zip(network.oscillators, first.currents,
                                                   strict=True)]
    makers = {
        "response_map.png": lambda: figures.plot_response_map(
            f_a, f_b, grid, samples.classes, encode(training.features, first_network.maps),
            training.label, free),
        "confusion.png": lambda: figures.plot_confusion(result.confusion, samples.classes),
        "training.png": lambda: figures.plot_training([r.history for r in results]),
    }
    baselines = ()
    if config.output.baselines:
        from network.baselines import run_baselines

        baselines = tuple(run_baselines(samples.features, samples.label, result.folds,
                                        seed=seed, test_folds=config.run_folds))
        spread = float(np.std([r.test_accuracy for r in results]))
        makers["baselines.png"] = lambda: figures.plot_baselines(
            baselines, len(network.oscillators), result.accuracy_test, spread)
    result = dataclasses.replace(result, baselines=baselines)
    summary = result.summary(seed)
    write_json(summary, out / "summary.json")  # the results first: a figure may fail

    def save(name):
        fig = makers[name]()
        write_figure(fig, out / name)
        plt.close(fig)

    warnings = [w for w in (drawn(lambda n=name: save(n), name) for name in makers) if w]
    files = ("results.nc", "summary.json") + tuple(
        name for name in makers if (out / name).is_file())
    if warnings:
        write_json({**summary, "figure_warnings": warnings}, out / "summary.json")
    result = dataclasses.replace(result, files=files)
    return result

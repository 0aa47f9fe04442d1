"""The synchronization network as a scikit-learn classifier.

:class:`SyncClassifier` follows scikit-learn's contract: hyperparameters in ``__init__``,
``fit(X, y)`` returns ``self``, fitted values end in ``_``, ``predict`` and ``score``; so
``cross_val_score`` with ``GroupKFold`` by speaker, ``GridSearchCV`` and ``clone`` work on it.
``X`` holds one feature per source (for vowels: F1 and F2, raw or normalised, see
:mod:`network.features`); ``y`` any labels. A trained classifier is saved to and loaded from
JSON (:meth:`SyncClassifier.save`, :meth:`SyncClassifier.load`).

What ``fit`` learns, in order:

1. the encoding: with ``encoding = "quantile"`` or ``"range"`` each feature's map onto its
   source band is fitted on the training data (:func:`network.encoding.fit_map`; values
   outside clip and are counted in ``n_outside_``); ``"fixed"`` keeps the plan's hand-written
   maps (which extrapolate, as the original design);
2. the class-to-pattern table and the currents: ``assignment = "learned"``
   (:func:`network.assignment.learn_assignment`: ``rounds`` rounds of ``epochs`` epochs), or
   ``"table"``: the given ``patterns`` (default :data:`network.readout.DEFAULT_VOWEL_PATTERNS`)
   and ``epochs`` epochs of the online rule (:func:`network.vowels.train`).

A sample whose pattern belongs to no class is predicted as :data:`NO_CLASS` (string labels)
or -1 (numeric labels): an error in ``score``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from compact.model import AutoOscillator
from network.assignment import learn_assignment, placeholder_table
from network.circuit import SeriesCircuit
from network.encoding import FIT_METHODS, LinearMap, fit_map, outside
from network.learning import OnlineRule
from network.plan import FrequencyPlan
from network.readout import DEFAULT_VOWEL_PATTERNS, PatternTable
from network.vowels import SyncNetwork, VowelSamples, build_network, default_oscillators, train

__all__ = ["SyncClassifier", "network_to_dict", "network_from_dict", "NO_CLASS", "ASSIGNMENTS",
           "ENCODINGS", "STATE_FORMAT"]

#: prediction of a sample whose synchronization pattern belongs to no class (string labels)
NO_CLASS = "none"
ASSIGNMENTS = ("learned", "table")
ENCODINGS = ("fixed", *FIT_METHODS)
#: version of the JSON written by :meth:`SyncClassifier.save`
STATE_FORMAT = 1


def _as_samples(X: np.ndarray, label: np.ndarray, classes) -> VowelSamples:
    """Features X (S, K) and label indices as the samples the training functions take."""
    n = len(label)
    blank = np.array([""] * n)
    return VowelSamples(F1=X[:, 0], F2=X[:, -1], label=label, speaker=blank, token=blank,
                        classes=tuple(str(c) for c in classes), feature_kind="given",
                        normalised=X)


class SyncClassifier(ClassifierMixin, BaseEstimator):
    """Oscillators that classify by which of them lock to which source.

    Parameters
    ----------
    network : SyncNetwork, optional
        The oscillators, their coupling (free or a circuit), the source amplitudes and bands
        (its maps' frequency ranges), the current range and the simulation times
        (:func:`network.vowels.build_network`); its table and, unless ``encoding = "fixed"``,
        its maps' feature ranges are replaced by what ``fit`` learns. Default: the default
        frequency plan on four reference oscillators with 1 % spread.
    assignment : {"learned", "table"}
        How classes get their synchronization patterns (module docstring).
    patterns : dict, optional
        class -> patterns for ``assignment = "table"`` (default: the vowel table).
    encoding : {"quantile", "range", "fixed"}
        How features map onto the source bands (module docstring).
    encoding_quantiles : (float, float)
        Quantiles of the training values mapped near the band ends (``"quantile"``).
    encoding_margin : float
        The fitted feature range is widened by this fraction of its width at each end.
    splits : list of (int, int), optional
        Oscillators per source to try (``"learned"``; default every split).
    rounds : int
        Rounds of training and re-assignment per split (``"learned"``).
    epochs : int
        Epochs of the online rule per round (``"learned"``), or in all (``"table"``).
    rule : OnlineRule, optional
        Constants of the learning rule; its current bounds are the network's current range.
    decay, batch_size : float, int
        As in :func:`network.vowels.train`.
    seed : int
        Seeds training, noise and the test runs.
    """

    def __init__(self, network: SyncNetwork | None = None, assignment: str = "learned",
                 patterns: dict | None = None,
                 encoding: str = "quantile", encoding_quantiles=(0.01, 0.99),
                 encoding_margin: float = 0.05, splits=None, rounds: int = 8, epochs: int = 2,
                 rule: OnlineRule | None = None, decay: float = 1.0, batch_size: int = 8,
                 seed: int = 0):
        self.network = network
        self.assignment = assignment
        self.patterns = patterns
        self.encoding = encoding
        self.encoding_quantiles = encoding_quantiles
        self.encoding_margin = encoding_margin
        self.splits = splits
        self.rounds = rounds
        self.epochs = epochs
        self.rule = rule
        self.decay = decay
        self.batch_size = batch_size
        self.seed = seed

    # ------------------------------------------------------------------ fitting
    def _check_params(self) -> None:
        if self.assignment not in ASSIGNMENTS:
            raise ValueError(f"assignment = {self.assignment!r}: allowed {list(ASSIGNMENTS)}")
        if self.encoding not in ENCODINGS:
            raise ValueError(f"encoding = {self.encoding!r}: allowed {list(ENCODINGS)}")
        for name in ("rounds", "epochs", "batch_size"):
            value = getattr(self, name)
            if not (isinstance(value, int | np.integer) and value >= (0 if name == "rounds"
                                                                       else 1)):
                raise ValueError(f"{name} = {value!r}: must be an integer >= "
                                 f"{0 if name == 'rounds' else 1}")

    def _base_network(self) -> SyncNetwork:
        if self.network is not None:
            return self.network
        oscillators = default_oscillators(4)
        return build_network(FrequencyPlan(), oscillators, placeholder_table(("class",), 4))

    def fit(self, X, y):
        """Fit the encoding, the class-to-pattern table and the currents on (X, y)."""
        from sklearn.utils.validation import check_X_y

        self._check_params()
        X, y = check_X_y(X, y)
        base = self._base_network()
        if X.shape[1] != len(base.maps):
            raise ValueError(f"X: {X.shape[1]} features; the network has {len(base.maps)} "
                             "sources (one feature each)")
        self.classes_, label = np.unique(y, return_inverse=True)
        names = [str(c) for c in self.classes_]
        if self.encoding == "fixed":
            maps = base.maps
        else:
            maps = tuple(fit_map(X[:, k], m.frequency_range, method=self.encoding,
                                 quantiles=self.encoding_quantiles,
                                 margin=self.encoding_margin)
                         for k, m in enumerate(base.maps))
        n_osc = len(base.oscillators)
        if self.assignment == "table":
            given = self.patterns or DEFAULT_VOWEL_PATTERNS
            missing = sorted(set(names) - set(given))
            if missing:
                raise ValueError(f"patterns: classes {missing} have no pattern; give them one "
                                 "or use assignment = 'learned'")
            table = PatternTable(tuple(names), {c: given[c] for c in names}, n_osc, len(maps))
        else:
            table = placeholder_table(names, n_osc)
        network = replace(base, maps=tuple(maps), table=table)
        lo, hi = network.current_range
        rule = replace(self.rule or OnlineRule(), current_min=lo, current_max=hi)
        options = dict(epochs=self.epochs, rule=rule, decay=self.decay,
                       batch_size=self.batch_size)
        samples = _as_samples(X, label, names)
        if self.assignment == "learned":
            learned = learn_assignment(network, samples, rounds=self.rounds, seed=self.seed,
                                       splits=self.splits, train_options=options)
            table, self.currents_ = learned.table, learned.currents
            self.history_, self.split_ = list(learned.history), learned.split
        else:
            self.currents_, history = train(network, samples, seed=self.seed, **options)
            self.history_, self.split_ = list(history.accuracy), None
        self.network_ = replace(network, table=table)
        self.n_outside_ = outside(X, maps).sum(axis=0).astype(int)
        return self

    # ------------------------------------------------------------------ prediction
    def respond(self, X, seed: int | None = None):
        """(class index (S,) or -1, locked (S, N, K), raw response) of features X."""
        from sklearn.utils.validation import check_array, check_is_fitted

        check_is_fitted(self, "currents_")
        X = check_array(X)
        return self.network_.respond(self.currents_, X,
                                     seed=self.seed + 1000 if seed is None else seed)

    def count_outside(self, X) -> np.ndarray:
        """Samples of X (per source) whose feature lies outside the fitted range (clipped)."""
        from sklearn.utils.validation import check_array, check_is_fitted

        check_is_fitted(self, "currents_")
        return outside(check_array(X), self.network_.maps).sum(axis=0).astype(int)

    def predict(self, X):
        """Labels of X; :data:`NO_CLASS` (or -1) where the pattern belongs to no class."""
        index, _, _ = self.respond(X)
        none = NO_CLASS if self.classes_.dtype.kind in "USO" else -1
        labels = self.classes_[np.clip(index, 0, None)].astype(object)
        labels[index < 0] = none
        return labels if self.classes_.dtype.kind in "USO" else labels.astype(
            self.classes_.dtype)

    # ------------------------------------------------------------------ state
    def to_dict(self) -> dict:
        """The hyperparameters and, when fitted, the trained state (JSON-ready)."""
        params = self.get_params()
        params["network"] = None if self.network is None else network_to_dict(self.network)
        params["rule"] = None if self.rule is None else dataclasses.asdict(self.rule)
        params["encoding_quantiles"] = list(self.encoding_quantiles)
        params["splits"] = None if self.splits is None else [list(x) for x in self.splits]
        state = {"format": STATE_FORMAT, "estimator": type(self).__name__, "params": params}
        if hasattr(self, "currents_"):
            state["fitted"] = {
                "classes": self.classes_.tolist(),
                "network": network_to_dict(self.network_),
                "currents_A": [float(c) for c in self.currents_],
                "history": [float(a) for a in self.history_],
                "split": None if self.split_ is None else list(self.split_),
                "n_outside": self.n_outside_.tolist(),
            }
        return state

    def save(self, path: str | Path, metadata: dict | None = None) -> Path:
        """Write :meth:`to_dict` as JSON to ``path``: to a temporary file beside it, renamed
        into place, so an interrupted save leaves the old file or none; returns the path.
        ``metadata`` (JSON-ready: e.g. the features the classifier expects, seeds, versions)
        is stored beside the state and read back into ``metadata_`` by :meth:`load`."""
        import os
        import tempfile

        path = Path(path)
        state = self.to_dict()
        if metadata is not None:
            state["metadata"] = metadata
        text = json.dumps(state, indent=2) + "\n"
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
        try:
            with os.fdopen(handle, "w") as stream:
                stream.write(text)
            os.replace(name, path)
        finally:
            if os.path.exists(name):
                os.unlink(name)
        return path

    @classmethod
    def load(cls, path: str | Path) -> SyncClassifier:
        """The classifier saved at ``path`` by :meth:`save` (its metadata in ``metadata_``)."""
        state = json.loads(Path(path).read_text())
        estimator = cls.from_dict(state)
        estimator.metadata_ = state.get("metadata", {})
        return estimator

    @classmethod
    def from_dict(cls, state: dict) -> SyncClassifier:
        """The classifier of :meth:`to_dict`'s output, fitted if the state was."""
        if state.get("format") != STATE_FORMAT or state.get("estimator") != cls.__name__:
            raise ValueError(f"state: format {state.get('format')!r} of "
                             f"{state.get('estimator')!r}; expected format {STATE_FORMAT} of "
                             f"{cls.__name__!r}")
        params = dict(state["params"])
        if params.get("network") is not None:
            params["network"] = network_from_dict(params["network"])
        if params.get("rule") is not None:
            params["rule"] = OnlineRule(**params["rule"])
        params["encoding_quantiles"] = tuple(params["encoding_quantiles"])
        estimator = cls(**params)
        fitted = state.get("fitted")
        if fitted is not None:
            estimator.classes_ = np.asarray(fitted["classes"])
            estimator.network_ = network_from_dict(fitted["network"])
            estimator.currents_ = np.asarray(fitted["currents_A"], float)
            estimator.history_ = list(fitted["history"])
            estimator.split_ = None if fitted["split"] is None else tuple(fitted["split"])
            estimator.n_outside_ = np.asarray(fitted["n_outside"], int)
        return estimator


def network_to_dict(network: SyncNetwork) -> dict:
    """Everything of a :class:`~network.vowels.SyncNetwork` as JSON-ready values."""
    return {
        "oscillators": [o.to_dict() for o in network.oscillators],
        "maps": [{"x_range": list(m.x_range), "frequency_range": list(m.frequency_range),
                  "clip": m.clip} for m in network.maps],
        "source_amplitude_1_per_s": [float(a) for a in network.source_amplitude],
        "coupling_real_1_per_s": np.real(network.coupling).tolist(),
        "coupling_imag_1_per_s": np.imag(network.coupling).tolist(),
        "table": network.table.to_dict(),
        "duration_s": network.duration, "readout_window_s": network.readout_window,
        "step_s": network.step, "tolerance_Hz": network.tolerance,
        "max_slip": network.max_slip, "current_range_A": list(network.current_range),
        "circuit": None if network.circuit is None else dataclasses.asdict(network.circuit),
    }


def network_from_dict(data: dict) -> SyncNetwork:
    """The network of :func:`network_to_dict`'s output."""
    oscillators = tuple(AutoOscillator.from_dict(o) for o in data["oscillators"])
    maps = tuple(LinearMap(tuple(m["x_range"]), tuple(m["frequency_range"]), bool(m["clip"]))
                 for m in data["maps"])
    table = data["table"]
    return SyncNetwork(
        oscillators=oscillators, maps=maps,
        source_amplitude=tuple(data["source_amplitude_1_per_s"]),
        coupling=(np.asarray(data["coupling_real_1_per_s"])
                  + 1j * np.asarray(data["coupling_imag_1_per_s"])),
        table=PatternTable(tuple(table["classes"]), table["patterns"], len(oscillators),
                           len(maps)),
        duration=data["duration_s"], readout_window=data["readout_window_s"],
        step=data["step_s"], tolerance=data["tolerance_Hz"], max_slip=data["max_slip"],
        current_range=tuple(data["current_range_A"]),
        circuit=None if data["circuit"] is None else SeriesCircuit(**data["circuit"]))

"""Vowel recognition by synchronization (Romera et al., Nature 563, 230 (2018)).

Four spin-torque oscillators, two RF sources: the first formant F1 sets the frequency f_A of
source A, the second formant F2 that of source B (linear maps, :mod:`network.encoding`). A
vowel is recognised from which oscillators lock to which source (:mod:`network.readout`);
only the four DC currents are trained (:mod:`network.learning`).

The frequency plan is a :class:`network.plan.FrequencyPlan`; :func:`build_network` puts it on
a set of oscillators (:func:`with_spread` copies one device with the device-to-device spread).
Default frequency plan (vortex oscillators of :func:`default_oscillators`, free-running
frequency 317–378 MHz for 3–9 mA, 10 MHz/mA): F2 ∈ [700, 3100] Hz maps onto f_B ∈ [330, 347]
MHz and F1 ∈ [300, 1200] Hz onto f_A ∈ [351, 359.5] MHz, so the two sources never share an
oscillator's locking window. With source amplitudes F_A = 1.6×10⁷ 1/s and F_B = 1.15×10⁷ 1/s
the model's locking half-width (``AutoOscillator.locking_range``) is ≈3 MHz, i.e. ≈900 Hz of
F2 and ≈650 Hz of F1 for a full window: three overlapping F2 windows cut F2 into five bands and
one F1 window separates open from close vowels, which is what the default pattern table
(:data:`network.readout.DEFAULT_VOWEL_PATTERNS`) asks of them. (F_B was chosen among 1.0, 1.15
and 1.3×10⁷ 1/s by the mean *training* accuracy over the folds: the simulated windows are
~10 % wider than the weak-drive formula because the far source A modulates the amplitude.)
The electrical coupling Ω = 3×10⁵ 1/s is ~2 % of the drives: the sources dominate, as in the
experiment (Romera et al. 2022).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from compact.model import AutoOscillator
from network.circuit import SeriesCircuit
from network.corpus import parse_groups
from network.encoding import LinearMap, encode
from network.features import formant_features
from network.learning import OnlineRule, current_for_frequency
from network.plan import FrequencyPlan, reference_oscillator
from network.readout import PatternTable, locked_to_sources
from network.simulator import NetworkResponse, electrical_coupling, simulate

__all__ = [
    "VOWELS_7",
    "VOWELS_12",
    "with_spread",
    "default_oscillators",
    "VowelSamples",
    "vowel_samples",
    "speaker_folds",
    "SyncNetwork",
    "NetworkDiverged",
    "build_network",
    "default_network",
    "initial_currents",
    "train",
    "response_map",
]

VOWELS_7 = ("iy", "ih", "eh", "ae", "ah", "aw", "uw")
VOWELS_12 = ("iy", "ih", "ei", "eh", "ae", "ah", "aw", "oa", "oo", "uw", "uh", "er")


def with_spread(model: AutoOscillator, n: int, spread: float, seed: int = 0,
                **changes) -> tuple[AutoOscillator, ...]:
    """``n`` copies of ``model`` with device-to-device variability, seeded.

    Copy ``j`` has f0 × (1 + spread·x) and I_th × (1 + 3·spread·y), with x, y standard normal
    draws of ``numpy.random.default_rng(seed)`` taken in the order x₁, y₁, x₂, y₂, ... (the
    threshold varies three times as much: it depends on the damping and the spin-torque
    efficiency as well as on the mode). ``changes`` replace further fields of every copy
    (e.g. ``temperature``).
    """
    rng = np.random.default_rng(seed)
    return tuple(
        replace(model, f0=model.f0 * (1 + spread * rng.standard_normal()),
                I_th=model.I_th * (1 + 3 * spread * rng.standard_normal()), **changes)
        for _ in range(n)
    )


def default_oscillators(n: int = 4, *, spread: float = 0.01, seed: int = 0,
                        temperature: float = 300.0, mode_energy: float = 5e-19,
                        ) -> tuple[AutoOscillator, ...]:
    """``n`` copies of :func:`network.plan.reference_oscillator` with :func:`with_spread`."""
    return with_spread(reference_oscillator(temperature=temperature, mode_energy=mode_energy),
                       n, spread, seed)


@dataclass(frozen=True)
class VowelSamples:
    """Tokens of the task: formants (Hz), label index, speaker, token ids, speaker group, and
    the features the network and the baselines see (``feature_kind``,
    :mod:`network.features`; ``"hz"``: F1, F2 themselves)."""

    F1: np.ndarray
    F2: np.ndarray
    label: np.ndarray
    speaker: np.ndarray
    token: np.ndarray
    classes: tuple[str, ...]
    group: np.ndarray | None = None
    feature_kind: str = "hz"
    normalised: np.ndarray | None = None  #: (S, 2) features of a kind other than "hz"

    def __len__(self) -> int:
        return len(self.label)

    def subset(self, mask) -> VowelSamples:
        def take(a):
            return None if a is None else a[mask]

        return VowelSamples(self.F1[mask], self.F2[mask], self.label[mask], self.speaker[mask],
                            self.token[mask], self.classes, take(self.group), self.feature_kind,
                            take(self.normalised))

    @property
    def formants(self) -> np.ndarray:
        """(S, 2) array of (F1, F2) in Hz."""
        return np.stack([self.F1, self.F2], axis=1)

    @property
    def features(self) -> np.ndarray:
        """(S, 2) features: (F1, F2) in Hz, or their ``feature_kind`` transform."""
        return self.formants if self.normalised is None else self.normalised

    def with_features(self, kind: str) -> VowelSamples:
        """The same tokens with features of ``kind`` (:func:`network.features.formant_features`;
        per-speaker statistics from each speaker's tokens in this set)."""
        values = formant_features(self.formants, self.speaker, kind)
        return replace(self, feature_kind=kind, normalised=None if kind == "hz" else values)


def vowel_samples(dataset, vowels: Sequence[str] = VOWELS_7, group: str | Sequence[str] = "w",
                  features: str = "hz") -> VowelSamples:
    """Steady-state F1, F2 of some speaker groups of a vowel corpus (:mod:`network.corpus`).

    ``dataset`` has dim ``token`` and coords ``group``, ``speaker``, ``vowel`` with data vars
    ``F1`` and ``F2`` (Hz). ``group``: a code, a name or a union (:func:`network.corpus.
    parse_groups`, e.g. ``"children"``, ``"w+m"``). Tokens with a missing formant are dropped.
    ``features``: :data:`network.features.FEATURE_KINDS`, per-speaker statistics over each
    speaker's tokens of these vowels.
    """
    codes = parse_groups(group)
    vowel = np.asarray(dataset["vowel"].values).astype(str)
    missing = sorted(set(vowels) - set(vowel))
    if missing:
        raise ValueError(f"vowels {missing} are not in the data; found {sorted(set(vowel))}")
    f1 = np.asarray(dataset["F1"].values, float)
    f2 = np.asarray(dataset["F2"].values, float)
    groups = np.asarray(dataset["group"].values).astype(str)
    keep = np.isin(groups, codes) & np.isin(vowel, vowels)
    keep &= np.isfinite(f1) & np.isfinite(f2)
    if not keep.any():
        raise ValueError(f"group = {group!r}: no tokens of that group with both formants")
    index = {v: i for i, v in enumerate(vowels)}
    samples = VowelSamples(
        F1=f1[keep], F2=f2[keep], label=np.array([index[v] for v in vowel[keep]]),
        speaker=np.asarray(dataset["speaker"].values).astype(str)[keep],
        token=np.asarray(dataset["token"].values).astype(str)[keep], classes=tuple(vowels),
        group=groups[keep],
    )
    return samples if features == "hz" else samples.with_features(features)


def speaker_folds(speakers: np.ndarray, n_folds: int = 5, seed: int = 0) -> np.ndarray:
    """Fold index of each token: speakers shuffled with ``seed``, dealt round-robin.

    Every speaker's tokens sit in one fold, so a test fold holds only unseen speakers.
    """
    unique = np.unique(speakers)
    if not 2 <= n_folds <= unique.size:
        raise ValueError(f"n_folds = {n_folds!r}: must be in [2, {unique.size}] (speakers)")
    order = np.random.default_rng(seed).permutation(unique)
    fold_of = {s: i % n_folds for i, s in enumerate(order)}
    return np.array([fold_of[s] for s in speakers])


class NetworkDiverged(ArithmeticError):
    """A network run gave non-finite frequencies: its rates (coupling, sources) are too
    large for its integration step, or unphysical."""


@dataclass(frozen=True)
class SyncNetwork:
    """Everything fixed about the network; only ``currents`` are trained.

    Attributes
    ----------
    oscillators : one AutoOscillator per oscillator.
    maps : one LinearMap per source (feature -> frequency).
    source_amplitude : F_k of each source (1/s).
    coupling : (N, N) complex coupling matrix (1/s); with a circuit, the circuit's at the
        middle of the current range (a record; each run uses the circuit at its currents).
    table : class -> synchronization pattern table.
    duration, readout_window, step : simulation times (s).
    tolerance : frequency tolerance of the lock criterion (Hz).
    max_slip : phase-slip tolerance of the lock criterion (cycles).
    """

    oscillators: tuple[AutoOscillator, ...]
    maps: tuple[LinearMap, ...]
    source_amplitude: tuple[float, ...]
    coupling: np.ndarray
    table: PatternTable
    duration: float = 1.5e-6
    readout_window: float = 1.0e-6
    step: float = 0.5e-9
    tolerance: float = 0.2e6
    max_slip: float = 1.0
    current_range: tuple[float, float] = (3e-3, 9e-3)
    circuit: SeriesCircuit | None = None  #: K from the devices in series, at each run's currents

    def coupling_at(self, currents) -> np.ndarray:
        """The coupling matrix (1/s) of a run at ``currents`` (A)."""
        if self.circuit is None:
            return self.coupling
        return self.circuit.coupling(self.oscillators, currents)

    def respond(self, currents: np.ndarray, features: np.ndarray, seed: int = 0,
                ) -> tuple[np.ndarray, np.ndarray, NetworkResponse]:
        """(predicted class (S,), locked (S, N, K), raw response) for features (S, K)."""
        source_frequency = encode(features, self.maps)
        response = simulate(
            self.oscillators, currents, source_frequency, np.asarray(self.source_amplitude),
            coupling=self.coupling_at(currents), duration=self.duration,
            readout_window=self.readout_window,
            step=self.step, seed=seed, pairs=False,
        )
        if np.isnan(response.frequency).any():  # a phase that stops at 0 gives 0, not NaN
            coupling = np.abs(self.coupling_at(currents)).max(initial=0.0)
            raise NetworkDiverged(
                f"the integration diverged (NaN frequencies) with step = {self.step:g} s, "
                f"|K| up to {coupling:.3g} 1/s and sources F = "
                f"{', '.join(f'{a:.3g}' for a in self.source_amplitude)} 1/s: these rates "
                "times the step must stay well below 1, and far below the oscillators' "
                "frequencies")
        locked = locked_to_sources(response, self.tolerance, self.max_slip)
        return self.table.decode(locked), locked, response


def build_network(plan: FrequencyPlan, oscillators: Sequence[AutoOscillator],
                  table: PatternTable, circuit: SeriesCircuit | None = None) -> SyncNetwork:
    """The network of ``plan`` on ``oscillators``, decoded by ``table``; coupled by the free
    ``plan.coupling_strength`` and phase, or by ``circuit`` (:mod:`network.circuit`).

    Raises :class:`network.plan.PlanError` (a ValueError) when some oscillator cannot reach
    a source band within the plan's current range, ValueError when the circuit needs a
    device field the models lack.
    """
    oscillators = tuple(oscillators)
    plan.check_reach(oscillators)
    if circuit is None:
        coupling = electrical_coupling(len(oscillators), plan.coupling_strength,
                                       plan.coupling_phase)
    else:
        middle = np.full(len(oscillators), 0.5 * sum(plan.current_range))
        coupling = circuit.coupling(oscillators, middle)
    return SyncNetwork(
        oscillators=oscillators, maps=plan.maps, source_amplitude=plan.source_amplitude,
        coupling=coupling, circuit=circuit,
        table=table, duration=plan.duration, readout_window=plan.readout_window,
        step=plan.step, tolerance=plan.tolerance, max_slip=plan.max_slip,
        current_range=plan.current_range,
    )


def default_network(classes: Sequence[str], table: PatternTable, *,
                    oscillators: Sequence[AutoOscillator] | None = None,
                    **settings) -> SyncNetwork:
    """The default frequency plan (:class:`network.plan.FrequencyPlan`), ``settings`` (its
    fields, e.g. ``coupling_strength`` or ``duration``) changed; ``classes`` are
    ``table.classes``."""
    if tuple(classes) != tuple(table.classes):
        raise ValueError(f"classes = {list(classes)}: the table is for {list(table.classes)}")
    oscillators = tuple(oscillators or default_oscillators(table.n_oscillators))
    return build_network(replace(FrequencyPlan(), **settings), oscillators, table)


def initial_currents(network: SyncNetwork, samples: VowelSamples) -> np.ndarray:
    """Start each oscillator at the mean source frequency of the samples that should lock it.

    For oscillator ``j``: the mean of ``f_k`` over training samples whose class's first
    pattern asks ``j`` to lock to ``k``; the middle of the current range if none does.
    """
    frequencies = encode(samples.features, network.maps)
    lo, hi = network.current_range
    currents = np.full(len(network.oscillators), 0.5 * (lo + hi))
    for j, osc in enumerate(network.oscillators):
        wanted = []
        for k in range(len(network.maps)):
            for c, name in enumerate(network.table.classes):
                if not network.table.patterns[name]:
                    continue
                first = network.table.patterns[name][0].split("/")[k][j]
                if first == "1":
                    wanted.append(frequencies[samples.label == c, k])
        if wanted:
            currents[j] = current_for_frequency(osc, float(np.mean(np.concatenate(wanted))),
                                                lo, hi)
    return currents


@dataclass
class TrainingHistory:
    """Training accuracy after each epoch and the currents (A) it was reached with."""

    accuracy: list[float] = field(default_factory=list)
    currents: list[np.ndarray] = field(default_factory=list)


def train(
    network: SyncNetwork,
    samples: VowelSamples,
    *,
    epochs: int = 10,
    rule: OnlineRule | None = None,
    decay: float = 0.3,
    batch_size: int = 1,
    seed: int = 0,
    currents: np.ndarray | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, TrainingHistory]:
    """Train the currents online; return the currents of the best training epoch.

    Each epoch visits the training samples in a seeded random order. With ``batch_size`` 1
    the network is simulated after every update (online); a larger batch simulates that many
    samples with the same currents and then applies their updates one after the other (faster,
    an approximation). Rates are scaled by ``1/(1 + decay·epoch)``. The currents kept are
    those with the best training accuracy (ties: the later epoch), measured after each epoch.
    """
    rule = rule or OnlineRule(current_min=network.current_range[0],
                              current_max=network.current_range[1])
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs = {epochs!r}, batch_size = {batch_size!r}: must be >= 1")
    rng = np.random.default_rng(seed)
    current = (initial_currents(network, samples) if currents is None
               else np.array(currents, float))
    features = samples.features
    history = TrainingHistory()
    amplitude = np.asarray(network.source_amplitude, float)
    best = (-1.0, current.copy())
    for epoch in range(epochs):
        scale = 1.0 / (1.0 + decay * epoch)
        order = rng.permutation(len(samples))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            _, locked, response = network.respond(current, features[batch],
                                                  seed=int(rng.integers(2**31)))
            for i, s in enumerate(batch):
                care, target = network.table.target(locked[i], int(samples.label[s]))
                current = rule.update(
                    network.oscillators, current, locked[i], care, target,
                    response.frequency[i], response.source_frequency[i], amplitude, scale,
                )
            if progress is not None:
                progress(len(batch))
        predicted, _, _ = network.respond(current, features, seed=int(rng.integers(2**31)))
        accuracy = float(np.mean(predicted == samples.label))
        history.accuracy.append(accuracy)
        history.currents.append(current.copy())
        if accuracy >= best[0]:
            best = (accuracy, current.copy())
    return best[1], history


def response_map(network: SyncNetwork, currents: np.ndarray, n_grid: int = 60,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decoded class on an (n_grid × n_grid) grid of (f_A, f_B) (Hz): (f_A, f_B, class).

    The grid spans each map's frequency range; class is -1 where the pattern is unassigned.
    """
    f_a = np.linspace(*network.maps[0].frequency_range, n_grid)
    f_b = np.linspace(*network.maps[1].frequency_range, n_grid)
    grid_a, grid_b = np.meshgrid(f_a, f_b, indexing="xy")
    features = np.stack([network.maps[0].inverse(grid_a.ravel()),
                         network.maps[1].inverse(grid_b.ravel())], axis=1)
    predicted, _, _ = network.respond(currents, features, seed=seed)
    return f_a, f_b, predicted.reshape(grid_a.shape)

"""The config schema of the vowel network (``multiscale classify``, and ``[classify]`` of a
chain or study): :class:`ClassifyConfig` of :class:`Task`, :class:`Network`,
:class:`Simulation`, :class:`Learning`, :class:`Output` and ``patterns``;
:func:`parse_classify`, :func:`load_classify`. :meth:`ClassifyConfig.plan` turns it into the
:class:`network.plan.FrequencyPlan` of the network, :func:`with_plan` back. Re-exported by
:mod:`multiscale.schemas`, beside the chain, study and reservoir schemas.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from multiscale.config import MAX_TEMPERATURE, fail, parse, read_toml, spec
from multiscale.errors import InputError
from network.corpus import parse_groups
from network.encoding import FIT_METHODS
from network.features import FEATURE_KINDS
from network.plan import MAX_STEP, FrequencyPlan
from network.vowels import VOWELS_7

__all__ = ["Task", "Network", "Simulation", "Learning", "Output", "ClassifyConfig",
           "parse_classify", "load_classify", "with_plan", "CORPORA", "DEFAULT_TABLE_SIZE",
           "MAX_SOURCE_CURRENT", "PHYSICAL_SOURCES"]

_PLAN = FrequencyPlan()  # the defaults of the network's tables
#: the vowel corpora a task may name (multiscale.datasets loaders of one layout)
CORPORA = ("hillenbrand", "peterson_barney")
#: Oscillators of the default pattern table (:func:`network.readout.default_table`).
DEFAULT_TABLE_SIZE = 4


# ---------------------------------------------------------------------------- classify
@dataclass(frozen=True)
class Task:
    vowels: list[str] = spec(list(VOWELS_7), help="Hillenbrand vowel codes, in label order")
    corpus: str = spec("hillenbrand", choices=CORPORA, help="vowel corpus (network.corpus)")
    group: str = spec("w", help="speaker group: m, w, b, g, a name (men, women, boys, girls, "
                      "children, adults, all) or several joined by '+'")
    features: str = spec("hz", choices=FEATURE_KINDS, help="what the network and the "
                         "baselines see: hz, log, or normalised per speaker (lobanov, "
                         "nearey; network.features)")
    test_sets: list[str] = spec([], help="transfer: train on the whole task set, test on each "
                                "of these, 'corpus:group' (e.g. 'hillenbrand:m', "
                                "'peterson_barney:children'); [] = cross-validate over folds")
    folds: int = spec(5, ge=2, help="speaker-independent folds")
    run_folds: list[int] = spec([], help="folds to train and test; [] = all")
    seed: int = spec(0, ge=0, help="seed of the fold split, training order and noise")
    data: str = spec("", help="data folder or file of the corpus; '' = the default search")

    def __post_init__(self) -> None:
        if len(self.vowels) < 2 or len(set(self.vowels)) != len(self.vowels):
            fail("task.vowels", self.vowels, "needs at least two different Hillenbrand vowel "
                 f"codes (e.g. {list(VOWELS_7)})")
        try:
            parse_groups(self.group)
        except ValueError as error:
            fail("task.group", self.group, str(error).partition(": ")[2])
        for entry in self.test_sets:
            corpus, _, group = str(entry).partition(":")
            if corpus not in CORPORA or not group:
                fail("task.test_sets", self.test_sets, f"each entry is 'corpus:group' with a "
                     f"corpus in {list(CORPORA)}; {entry!r} is not")
            try:
                parse_groups(group)
            except ValueError as error:
                fail("task.test_sets", self.test_sets, str(error))

    def test_set_specs(self) -> list[tuple[str, str]]:
        """(corpus, group) of each transfer test set."""
        return [tuple(str(entry).split(":", 1)) for entry in self.test_sets]


#: Largest RF source current (A): nanopillars carry DC currents of a few mA and are destroyed
#: well below 1 A; a larger value is a unit slip (mA written as A).
MAX_SOURCE_CURRENT = 1.0
#: The network keys that give the sources' amplitudes in physical units.
PHYSICAL_SOURCES = ("source_field", "source_current", "source_power_dBm")


@dataclass(frozen=True)
class Network:
    n_oscillators: int = spec(4, ge=1, help="oscillators")
    spread: float = spec(0.01, ge=0, lt=0.2, help="device variability of f0 (rel. std)")
    device_seed: int = spec(0, ge=0, help="seed of the device variability")
    temperature: float = spec(300.0, unit="K", ge=0, le=MAX_TEMPERATURE,
                              help="temperature of thermal noise")
    coupling_strength: float = spec(_PLAN.coupling_strength, unit="1/s", ge=0,
                                    help="electrical coupling Ω")
    coupling_phase: float = spec(_PLAN.coupling_phase, unit="rad", help="coupling phase β")
    coupling: str = spec("free", choices=("free", "circuit"),
                         help="'free': coupling_strength and coupling_phase (1/s, rad); "
                              "'circuit': the devices in series with load_resistance "
                              "(network.circuit; needs a model with its resistance, r and "
                              "kappa_current)")
    load_resistance: float = spec(50.0, unit="ohm", ge=0, help="with coupling = 'circuit': "
                                  "the load closing the RF loop (default 50 ohm: ASSUMED, the "
                                  "RF line of a measurement; Romera 2018 does not give it)")
    circuit_delay: float = spec(0.0, unit="s", ge=0, help="with coupling = 'circuit': delay "
                                "between the oscillators")
    self_coupling: bool = spec(True, help="with coupling = 'circuit': each oscillator also "
                               "driven by the current it emits")
    source_amplitude: list[float] = spec(list(_PLAN.source_amplitude), unit="1/s", gt=0,
                                         help="F of sources A and B (hand-made models)")
    source_field: list[float] = spec([], unit="A/m", gt=0, help="RF field of sources A and "
                                     "B at the pillars, F = kappa_field H (calibrated model)")
    source_current: list[float] = spec([], unit="A", gt=0, le=MAX_SOURCE_CURRENT,
                                       help="RF current of sources A and B, F = "
                                       "kappa_current I (calibrated model)")
    source_power_dBm: list[float] = spec([], unit="dBm", help="RF power of sources A and B "
                                         "into source_impedance, I = sqrt(2 P / Z)")
    source_impedance: float = spec(50.0, unit="ohm", gt=0, help="impedance the source "
                                   "power is delivered into")
    f1_range: list[float] = spec(list(_PLAN.f1_range), unit="Hz", gt=0, help="F1 mapped ...")
    f1_band: list[float] = spec(list(_PLAN.f1_band), unit="Hz", gt=0, help="... onto f_A")
    f2_range: list[float] = spec(list(_PLAN.f2_range), unit="Hz", gt=0, help="F2 mapped ...")
    f2_band: list[float] = spec(list(_PLAN.f2_band), unit="Hz", gt=0, help="... onto f_B")
    current_range: list[float] = spec(list(_PLAN.current_range), unit="A", gt=0,
                                      help="allowed DC currents")
    encoding: str = spec("fixed", choices=("fixed", *FIT_METHODS), help="'fixed': f1_range "
                         "and f2_range as given (values outside extrapolate); 'quantile' or "
                         "'range': each feature's range fitted on the training fold, values "
                         "outside clipped (network.encoding.fit_map)")
    encoding_quantiles: list[float] = spec([0.01, 0.99], ge=0, le=1, help="with encoding = "
                                           "'quantile': the training quantiles mapped near "
                                           "the band ends")
    encoding_margin: float = spec(0.05, ge=0, lt=1, help="fitted range widened by this "
                                  "fraction of its width at each end")

    def __post_init__(self) -> None:
        if len(self.encoding_quantiles) != 2 or not (
                self.encoding_quantiles[0] < self.encoding_quantiles[1]):
            fail("network.encoding_quantiles", self.encoding_quantiles,
                 "must be two increasing numbers in [0, 1]")
        for name in ("source_amplitude", "f1_range", "f1_band", "f2_range", "f2_band",
                     "current_range"):
            value = getattr(self, name)
            if len(value) != 2 or (name != "source_amplitude" and value[1] <= value[0]):
                fail(f"network.{name}", value, "must be two numbers"
                     + ("" if name == "source_amplitude" else ", increasing"))
        physical = [name for name in PHYSICAL_SOURCES if getattr(self, name)]
        if len(physical) > 1:
            fail(f"network.{physical[1]}", getattr(self, physical[1]),
                 f"empty when network.{physical[0]} is given (one physical source amplitude)")
        for name in physical:
            if len(getattr(self, name)) != 2:
                fail(f"network.{name}", getattr(self, name), "must be two numbers (A, B)")

    def circuit(self):
        """The :class:`network.circuit.SeriesCircuit` with coupling = 'circuit', else None."""
        if self.coupling != "circuit":
            return None
        from network.circuit import SeriesCircuit

        return SeriesCircuit(load_resistance=self.load_resistance, delay=self.circuit_delay,
                             self_coupling=self.self_coupling)

    def physical_sources(self) -> dict | None:
        """The physical source amplitudes as keywords of
        :func:`network.plan.source_drive_strength`, or None (``source_amplitude`` in 1/s)."""
        if self.source_field:
            return {"field": list(self.source_field)}
        if self.source_current:
            return {"current": list(self.source_current)}
        if self.source_power_dBm:
            return {"power_dbm": list(self.source_power_dBm),
                    "impedance": self.source_impedance}
        return None


@dataclass(frozen=True)
class Simulation:
    duration: float = spec(_PLAN.duration, unit="s", gt=0, help="length of each run")
    readout_window: float = spec(_PLAN.readout_window, unit="s", gt=0,
                                 help="averaging window (end)")
    step: float = spec(_PLAN.step, unit="s", gt=0, le=MAX_STEP, help="integration step")
    tolerance: float = spec(_PLAN.tolerance, unit="Hz", gt=0,
                            help="lock: |f_osc - f_source| <= this")
    max_slip: float = spec(_PLAN.max_slip, gt=0, le=1, help="lock: phase-difference range < "
                           "this (cycles); at most 1: a range of a cycle or more is a slip, "
                           "and a larger bound would count slipping oscillators as locked")
    allow_large: bool = spec(False, help="run even when the training would integrate more "
                             "than 1e11 oscillator-steps (~600 x the default network)")

    def __post_init__(self) -> None:
        if self.readout_window > self.duration:
            fail("simulation.readout_window", self.readout_window,
                 f"must be <= simulation.duration = {self.duration} s")


@dataclass(frozen=True)
class Learning:
    epochs: int = spec(6, ge=1, help="passes over the training set")
    rate_toward: float = spec(0.3, gt=0, le=1, help="η of a missed lock")
    rate_away: float = spec(0.3, gt=0, le=1, help="η of an unwanted lock")
    margin: float = spec(0.1, ge=0, lt=1, help="relative margin to the locking edge")
    toward: str = spec("edge", choices=("edge", "center"), help="form of the toward step")
    decay: float = spec(1.0, ge=0, help="rates scale as 1/(1 + decay·epoch)")
    batch_size: int = spec(8, ge=1, help="samples simulated per batch; 1 = strictly online")
    assignment: str = spec("table", choices=("table", "learned"), help="'table': the "
                           "[patterns] table or the default one; 'learned': patterns chosen "
                           "from the training fold (network.assignment), epochs per round")
    rounds: int = spec(8, ge=0, le=100, help="with assignment = 'learned': rounds of "
                       "training and re-assignment per split (each a full training; more than "
                       "100 is a typo)")
    splits: list[list[int]] = spec([], help="with assignment = 'learned': oscillators per "
                                   "source to try, e.g. [[1, 3]]; [] = every split")


@dataclass(frozen=True)
class Output:
    response_map_grid: int = spec(60, ge=4, le=400, help="grid points per axis")
    baselines: bool = spec(True, help="run the scikit-learn baselines")


@dataclass(frozen=True)
class ClassifyConfig:
    """The vowel network: task, network, simulation, learning, output and pattern table."""

    task: Task = spec(Task())
    network: Network = spec(Network())
    simulation: Simulation = spec(Simulation())
    learning: Learning = spec(Learning())
    output: Output = spec(Output())
    patterns: dict[str, list[str]] = spec(
        {}, help="class -> list of patterns; {} = the default table")

    @property
    def run_folds(self) -> list[int]:
        """The folds to train and test (all when ``task.run_folds`` is empty)."""
        return list(self.task.run_folds) or list(range(self.task.folds))

    def plan(self) -> FrequencyPlan:
        """The :class:`network.plan.FrequencyPlan` of ``network`` and ``simulation``."""
        net, sim = self.network, self.simulation
        return FrequencyPlan(
            f1_range=tuple(net.f1_range), f1_band=tuple(net.f1_band),
            f2_range=tuple(net.f2_range), f2_band=tuple(net.f2_band),
            source_amplitude=tuple(net.source_amplitude),
            coupling_strength=net.coupling_strength, coupling_phase=net.coupling_phase,
            current_range=tuple(net.current_range), duration=sim.duration,
            readout_window=sim.readout_window, step=sim.step, tolerance=sim.tolerance,
            max_slip=sim.max_slip)

    def table(self):
        """The :class:`network.readout.PatternTable` (ValueError on a bad table)."""
        from network.readout import PatternTable, default_table

        if not self.patterns:
            return default_table(tuple(self.task.vowels))
        patterns = {k: ([v] if isinstance(v, str) else list(v)) for k, v in self.patterns.items()}
        return PatternTable(tuple(self.task.vowels), patterns, self.network.n_oscillators, 2)


def with_plan(config: ClassifyConfig, plan: FrequencyPlan) -> ClassifyConfig:
    """``config`` with its network and simulation tables set from ``plan``."""
    network = dataclasses.replace(
        config.network, f1_range=list(plan.f1_range), f1_band=list(plan.f1_band),
        f2_range=list(plan.f2_range), f2_band=list(plan.f2_band),
        source_amplitude=list(plan.source_amplitude),
        coupling_strength=plan.coupling_strength, coupling_phase=plan.coupling_phase,
        current_range=list(plan.current_range))
    simulation = dataclasses.replace(
        config.simulation, duration=plan.duration, readout_window=plan.readout_window,
        step=plan.step, tolerance=plan.tolerance, max_slip=plan.max_slip)
    return dataclasses.replace(config, network=network, simulation=simulation)


def parse_classify(mapping: Any, where: str = "classify") -> ClassifyConfig:
    """A :class:`ClassifyConfig` from a mapping; the pattern table is checked here too.

    ``config.parse`` takes ``patterns`` as a bare table; its entries (class -> pattern string
    or list of them) and the table they make are checked here, so a bad table, or a network
    size without a table, fails before anything runs. ``where``: the dotted path of the
    mapping in the whole config ('' for the file of ``multiscale classify``).
    """
    prefix = f"{where}." if where else ""
    if not isinstance(mapping, dict):
        fail(where or "config", mapping, "must be a table of the classify sections")
    patterns = mapping.get("patterns", {})
    if not isinstance(patterns, dict) or not all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
            for v in patterns.values()):
        fail(f"{prefix}patterns", patterns,
             "must be a table: vowel -> pattern string or list of pattern strings")
    config = parse(ClassifyConfig, mapping, where=where)
    task = config.task
    if any(not 0 <= k < task.folds for k in task.run_folds):
        fail(f"{prefix}task.run_folds", task.run_folds, f"folds must be in [0, {task.folds - 1}]")
    band = min(config.network.f1_band[1] - config.network.f1_band[0],
               config.network.f2_band[1] - config.network.f2_band[0])
    if not config.simulation.tolerance < band:
        fail(f"{prefix}simulation.tolerance", config.simulation.tolerance,
             f"must be < the narrower source band, {band:.4g} Hz (network.f1_band, "
             "network.f2_band): a wider tolerance counts every oscillator in reach of a source "
             "as locked to it")
    step = config.simulation.step
    for name in ("coupling_strength", "source_amplitude"):  # rates in 1/s
        rate = getattr(config.network, name)
        if not max(rate if isinstance(rate, list) else [rate]) * step < 1:
            fail(f"{prefix}network.{name}", rate,
                 f"must be < 1/{prefix}simulation.step = {1 / step:.3g} 1/s (a faster rate "
                 "diverges in an explicit step)")
    if config.task.features != "hz" and config.network.encoding == "fixed":
        fail(f"{prefix}network.encoding", "fixed", f"{prefix}task.features = "
             f"{config.task.features!r} are not in Hz; the hand-written f1_range and f2_range "
             "are: use encoding = 'quantile' or 'range'")
    learned = config.learning.assignment == "learned"
    if learned and config.patterns:
        fail(f"{prefix}patterns", config.patterns, f"a pattern table is not used with "
             f"{prefix}learning.assignment = 'learned'; remove one of them")
    n = config.network.n_oscillators
    for split in config.learning.splits:
        if len(split) != 2 or sum(split) != n or min(split) < 1:
            fail(f"{prefix}learning.splits", config.learning.splits, f"each split is two "
                 f"counts >= 1 (sources A, B) adding up to network.n_oscillators = {n}")
    if learned:
        return config
    if not config.patterns and n != DEFAULT_TABLE_SIZE:
        fail(f"{prefix}network.n_oscillators", n, f"the default pattern table is for "
             f"{DEFAULT_TABLE_SIZE}; give [{prefix}patterns] for other sizes")
    try:
        config.table()
    except ValueError as error:
        key = "patterns" if config.patterns else "task.vowels"
        raise InputError(f"{prefix}{key}: {error}") from None
    return config


def load_classify(path: str | Path) -> ClassifyConfig:
    """Read the TOML config of ``multiscale classify``."""
    return parse_classify(read_toml(path), where="")

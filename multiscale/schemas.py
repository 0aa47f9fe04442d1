"""The config schemas of the chain: frozen dataclasses read from TOML by :mod:`multiscale.config`.

- ``multiscale classify`` (and ``[classify]`` of a chain or study): :class:`ClassifyConfig` of
  :class:`Task`, :class:`Network`, :class:`Simulation`, :class:`Learning`, :class:`Output` and
  ``patterns``; :func:`parse_classify`, :func:`load_classify`. :meth:`ClassifyConfig.plan`
  turns it into the :class:`network.plan.FrequencyPlan` of the network, :func:`with_plan` back.
- ``multiscale run``: :class:`ChainConfig` of ``[device]``, ``[sweep]``
  (:mod:`multiscale.sweep`), :class:`CalibrationSettings`, :class:`PlanSettings`, the
  optional ``[lock]`` (:class:`multiscale.lock.LockSettings`: κ for physical drives and the
  circuit), the optional ``[circuit]`` (the devices in series with a load, and the RF
  sources in A or dBm: :func:`with_circuit`) and ``[classify]``; :func:`parse_chain_config`,
  :func:`load_chain_config`.
- ``multiscale study``: :class:`StudySettings` (the ``[study]`` table).
- ``multiscale reservoir``: :class:`ReservoirConfig`.

Imported where a config is read, not by the CLI's parser (``multiscale --help`` stays fast).
Defaults of the network are the documented design of :mod:`network.vowels` and
:mod:`network.plan`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multiscale.config import CHAIN_SECTIONS, MAX_TEMPERATURE, fail, parse, read_toml, spec, to_dict
from multiscale.errors import InputError
from network.corpus import parse_groups
from network.encoding import FIT_METHODS
from network.features import FEATURE_KINDS
from network.plan import MAX_STEP, FrequencyPlan
from network.vowels import VOWELS_7

__all__ = ["Task", "Network", "Simulation", "Learning", "Output", "ClassifyConfig",
           "parse_classify", "load_classify", "with_plan", "CalibrationSettings",
           "PlanSettings", "ChainConfig", "parse_chain_config", "load_chain_config",
           "default_config_path", "StudySettings", "ReservoirConfig", "CIRCUIT_KEYS",
           "with_circuit"]

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
    rounds: int = spec(8, ge=0, help="with assignment = 'learned': rounds of training and "
                       "re-assignment per split")
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


# ---------------------------------------------------------------------------- chain
@dataclass(frozen=True)
class CalibrationSettings:
    """The ``[calibration]`` table: options of :class:`compact.AutoOscillatorFit`."""

    mode: str = spec("auto", choices=("auto", "vortex", "uniform"),
                     help="mapping to the complex amplitude (auto: from the Dataset)")
    power_floor: float = spec(1e-3, gt=0, lt=1, help="smallest power counted as oscillation")
    fit_df_dI: bool = spec(True, help="fit the Oersted tuning df_dI (false: textbook model)")
    mode_energy: float = spec(0.0, unit="J", ge=0,
                              help="λ when linewidths cannot identify it; 0: Thiele estimate "
                                   "for a vortex")


@dataclass(frozen=True)
class PlanSettings:
    """The ``[plan]`` table."""

    adapt: bool = spec(True, help="map the reference frequency plan onto the device")
    window_margin: float = spec(0.0, ge=0, lt=0.5,
                                help="fraction of the calibrated current window left unused "
                                     "at each end")


@dataclass(frozen=True)
class ChainConfig:
    """A parsed chain config: the device, the sweep, the calibration, the plan, the network."""

    device: Any
    sweep: Any
    calibration: CalibrationSettings
    plan: PlanSettings
    classify: ClassifyConfig
    lock: Any = None  #: multiscale.lock.LockSettings: calibrate κ in the chain; None: no κ
    raw: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        record = {"device": self.device.to_dict(), "sweep": to_dict(self.sweep),
                  "calibration": to_dict(self.calibration), "plan": to_dict(self.plan),
                  "classify": to_dict(self.classify)}
        if self.lock is not None:  # configs without [lock] keep their store keys
            record["lock"] = to_dict(self.lock)
        return record


def default_config_path() -> Path:
    """The embedded default config (package data ``multiscale/defaults/chain.toml``)."""
    return Path(__file__).resolve().parent / "defaults" / "chain.toml"


def parse_chain_config(data: dict, overrides: dict | None = None) -> ChainConfig:
    """A :class:`ChainConfig` from a TOML mapping; ``overrides`` replace ``[device]`` keys."""
    from multiscale.sweep import SweepSettings, check_sweep_size, parse_device

    if not isinstance(data, dict):
        fail("config", data, "must be a table")
    unknown = sorted(set(data) - set(CHAIN_SECTIONS))
    if unknown:
        fail(unknown[0], data[unknown[0]], f"unknown section; allowed: {list(CHAIN_SECTIONS)}")
    if "device" not in data:
        raise InputError("device: required section is missing")
    device_table = dict(data["device"]) if isinstance(data["device"], dict) else data["device"]
    if overrides and isinstance(device_table, dict):
        device_table.update(overrides)
    device = parse_device(device_table)
    sweep = parse(SweepSettings, data.get("sweep", {}), where="sweep")
    check_sweep_size(device, sweep)
    calibration = parse(CalibrationSettings, data.get("calibration", {}), where="calibration")
    plan = parse(PlanSettings, data.get("plan", {}), where="plan")
    classify_table = data.get("classify", {})
    if "circuit" in data:
        classify_table = with_circuit(data["circuit"], classify_table)
    classify = parse_classify(classify_table)
    lock = None
    if "lock" in data:
        from multiscale.lock import LockSettings, check_lock_size

        lock = parse(LockSettings, data["lock"], where="lock")
        check_lock_size(device, lock)
    _check_drives(classify.network, lock)
    return ChainConfig(device, sweep, calibration, plan, classify, lock=lock, raw=data)


#: The keys of a chain's ``[circuit]`` table: the :class:`Network` keys of the series circuit
#: and of the RF sources that feed it, given in physical units.
CIRCUIT_KEYS = ("load_resistance", "circuit_delay", "self_coupling", "source_current",
                "source_power_dBm", "source_impedance")


def with_circuit(circuit: Any, classify: Any) -> dict:
    """The ``[classify]`` mapping with the chain's ``[circuit]`` table moved into its network.

    ``[circuit]`` says how the oscillators are wired: in series with a load, fed by two RF
    sources (amplitudes in A, or in dBm into ``source_impedance``); the network then takes
    its coupling from the circuit (``coupling = 'circuit'``, :mod:`network.circuit`) and its
    source strengths from the device's calibrated κ, so it has no rate in 1/s. The device's
    resistances are ``[device]`` keys (``resistance_P``, ``resistance_change``).
    """
    if not isinstance(circuit, dict):
        fail("circuit", circuit, f"must be a table of {list(CIRCUIT_KEYS)}")
    unknown = sorted(set(circuit) - set(CIRCUIT_KEYS))
    if unknown:
        fail(f"circuit.{unknown[0]}", circuit[unknown[0]],
             f"unknown key; allowed keys here: {list(CIRCUIT_KEYS)}")
    if not (circuit.get("source_current") or circuit.get("source_power_dBm")):
        fail("circuit", circuit, "needs the RF sources: source_current (A) or "
             "source_power_dBm (dBm into source_impedance)")
    if circuit.get("source_current") and circuit.get("source_power_dBm"):
        fail("circuit.source_power_dBm", circuit["source_power_dBm"],
             "not with circuit.source_current: give the sources once, in A or in dBm")
    parse(Network, {**circuit, "coupling": "circuit"}, where="circuit")  # names circuit.KEY
    if not isinstance(classify, dict) or not isinstance(classify.get("network", {}), dict):
        return classify  # not tables: parse_classify names them
    classify, network = dict(classify), dict(classify.get("network", {}))
    given = [key for key in ("coupling", "coupling_strength", "coupling_phase",
                             "source_amplitude", *PHYSICAL_SOURCES, *CIRCUIT_KEYS)
             if key in network]
    if given:
        fail(f"classify.network.{given[0]}", network[given[0]],
             "not with a [circuit] table: the circuit gives the coupling and the sources")
    classify["network"] = {**network, **circuit, "coupling": "circuit"}
    return classify


def _check_drives(network: Network, lock: Any) -> None:
    """A chain whose network needs a κ (physical sources, the circuit) calibrates it: the
    ``[lock]`` drive must be the one they use."""
    needs = {}
    if network.coupling == "circuit":
        needs["rf_current"] = "classify.network.coupling = 'circuit'"
    for name in PHYSICAL_SOURCES:
        if getattr(network, name):
            drive = "rf_field" if name == "source_field" else "rf_current"
            needs.setdefault(drive, f"classify.network.{name} = {getattr(network, name)}")
    if len(needs) > 1:
        fail("classify.network.source_field", network.source_field,
             "empty with coupling = 'circuit': the chain calibrates one drive, and the circuit "
             "needs kappa_current (give the sources as source_current or source_power_dBm)")
    for drive, reason in needs.items():
        if lock is None:
            raise InputError(f"lock: required section is missing: {reason} needs the "
                             f"device's kappa, calibrated by [lock] with drive = '{drive}'")
        if lock.drive != drive:
            fail("lock.drive", lock.drive, f"'{drive}' for {reason}")


def load_chain_config(path: str | Path | None = None) -> ChainConfig:
    """Read a chain config; ``None`` reads the embedded default."""
    path = default_config_path() if path is None else Path(path)
    return parse_chain_config(read_toml(path))


# ---------------------------------------------------------------------------- study
@dataclass(frozen=True)
class StudySettings:
    """The ``[study]`` table."""

    level: str = spec("compact", choices=("compact", "chain"),
                      help="from the compact model onward, or through micromagnetics")
    model: str = spec("reference", help="compact level: 'reference' or an AutoOscillator JSON")
    chain: str = spec("", help="chain level: chain config ('' = the embedded default)")
    alpha_ref: float = spec(0.01, gt=0, le=1, help="Gilbert damping the base model stands for")
    plan: str = spec("fixed", choices=("fixed", "adapted"),
                     help="compact level: keep the network's plan, or map it onto each point")
    grid: dict[str, list] = spec({}, help="parameter -> list of values (a grid over all)")
    points: list[dict[str, float]] = spec([], help="a list of points: parameter -> value")

    def __post_init__(self) -> None:
        if bool(self.grid) == bool(self.points):
            fail("study.grid", self.grid, "give exactly one of study.grid or study.points")
        for name, values in self.grid.items():
            if not isinstance(values, list) or not values:
                fail(f"study.grid.{name}", values, "must be a non-empty list of numbers")
            if len(set(values)) != len(values):
                fail(f"study.grid.{name}", values, "must not repeat a value")
            for v in values:
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    fail(f"study.grid.{name}", values, "must be a list of finite numbers")
        if self.points:
            names = set(self.points[0])
            for i, point in enumerate(self.points):
                if set(point) != names:
                    fail(f"study.points[{i}]", point, f"every point needs the keys {sorted(names)}")


# ---------------------------------------------------------------------------- reservoir
@dataclass(frozen=True)
class ReservoirTask:
    kind: str = spec("fsdd", choices=("fsdd", "waveform"), help="the task")
    split: str = spec("official", choices=("official", "leave_one_speaker_out"),
                      help="FSDD split: indices 0-4 test, or each speaker held out")
    max_index: int = spec(50, ge=6, le=50,
                          help="FSDD: use recordings with index < this (0-4 stay test)")
    speakers: list[str] = spec([], help="FSDD speakers to use; [] = all")
    preprocessing: str = spec("mfcc", choices=("mfcc", "cochleagram"),
                              help="front end (librosa MFCC or scipy gammatone)")
    n_frames: int = spec(32, ge=1, le=1000, help="frames per utterance")
    n_features: int = spec(13, ge=1, le=512, help="MFCC coefficients or gammatone channels")
    n_segments: int = spec(4, ge=1, help="time segments averaged for the readout")
    n_periods: int = spec(150, ge=20, le=100_000, help="waveform: periods in the sequence")
    train_fraction: float = spec(0.5, gt=0, lt=1, help="waveform: periods for training")
    seed: int = spec(0, ge=0, help="waveform: seed of the sequence")
    data: str = spec("", help="FSDD folder; '' = the default search")

    def __post_init__(self) -> None:
        if self.n_segments > self.n_frames:
            fail("task.n_segments", self.n_segments,
                 f"must be <= task.n_frames = {self.n_frames}")

@dataclass(frozen=True)
class ReservoirSettings:
    n_nodes: int = spec(100, ge=1, le=5000, help="virtual nodes per frame (at most 5000: the "
                        "echo-state baseline holds n_nodes^2 weights, 200 MB there)")
    theta_over_relaxation: float = spec(0.3, gt=0, le=100, help="θ / τ_p, τ_p = 1/(2 Γ_p) "
                                        "(beyond ~5 the nodes no longer remember each other)")
    bias: float = spec(1.5, gt=1, le=10, help="I_b / I_th (at most 10: the steady orbits of "
                       "the devices mapped end at 1.2-2 times threshold)")
    amplitude: float = spec(0.75, gt=0, le=10, help="input current ΔI / |I_th|")
    mask: str = spec("uniform", choices=("uniform", "binary"), help="mask entries")
    mask_seed: int = spec(0, ge=0, help="seed of the input mask")
    noise_seed: int = spec(1, ge=0, help="seed of the thermal noise")
    temperature: float = spec(300.0, unit="K", ge=0, le=MAX_TEMPERATURE,
                              help="device temperature (replaces that of --model)")

@dataclass(frozen=True)
class EsnSettings:
    spectral_radius: float = spec(0.9, ge=0, le=10, help="of the recurrent weights (at most "
                                  "10: above ~1 an echo state network loses its fading memory, "
                                  "and 10 is far past any useful one)")
    leak: float = spec(0.5, gt=0, le=1, help="leak rate")
    input_scale: float = spec(1.0, gt=0, help="input weight scale")
    seed: int = spec(0, ge=0, help="seed of the weights")

@dataclass(frozen=True)
class ReservoirConfig:
    """``multiscale reservoir``: the task, the time-multiplexed reservoir, the ESN baseline."""

    task: ReservoirTask = spec(ReservoirTask())
    reservoir: ReservoirSettings = spec(ReservoirSettings())
    esn: EsnSettings = spec(EsnSettings())


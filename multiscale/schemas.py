"""The config schemas of the chain: frozen dataclasses read from TOML by :mod:`multiscale.config`.

- ``multiscale classify`` (and ``[classify]`` of a chain or study): :class:`ClassifyConfig`
  and its tables, in :mod:`multiscale.classify_schema`, re-exported here.
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

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multiscale.classify_schema import (
    PHYSICAL_SOURCES,
    ClassifyConfig,
    Learning,
    Network,
    Output,
    Simulation,
    Task,
    load_classify,
    parse_classify,
    with_plan,
)
from multiscale.config import CHAIN_SECTIONS, MAX_TEMPERATURE, fail, parse, read_toml, spec, to_dict
from multiscale.errors import InputError

__all__ = ["Task", "Network", "Simulation", "Learning", "Output", "ClassifyConfig",
           "parse_classify", "load_classify", "with_plan", "CalibrationSettings",
           "PlanSettings", "ChainConfig", "parse_chain_config", "load_chain_config",
           "default_config_path", "StudySettings", "ReservoirConfig", "CIRCUIT_KEYS",
           "with_circuit"]

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


"""The fuzz corpus: malformed and extreme inputs every command must refuse with exit 2.

Every :class:`Case` is one command line of the real CLI. It must end with exit code 2, no
traceback and one line on stderr that names ``case.names``: the config key (``sweep.duration``,
``device.Ms``), the option (``--out``) or the file at fault.

Two sources:

- generated (:func:`generated_cases`): a shipped example config (or the embedded default chain)
  with one key replaced by a bad value. The bad values come from the key's declared type and
  bounds in the config schemas (:func:`multiscale.config.spec`): a wrong type, NaN, infinity, a
  negative number or zero where the bounds forbid them, an absurdly large number, a bad choice,
  a list element of the wrong kind, and one unknown key per table. Values a key accepts are
  never generated: a case that starts a simulation is a mistake of the corpus.
- hand-written (:mod:`fuzz_files`): files that are not configs (encodings, binary, truncated,
  empty, a folder), unknown tables, bad paths and bad options.

``python tests/fuzz/fuzz_cases.py`` prints the number of cases by command and by category.
"""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
import types
import typing
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DEFAULT_CHAIN = REPO / "multiscale" / "defaults" / "chain.toml"
COMMANDS = ("sweep", "calibrate", "lock", "classify", "reservoir", "run", "study")

#: Wrong types, taken in turn from key to key (each key gets one, the corpus all four).
WRONG_TYPES = {"string": "abc", "list": [1.0, 2.0], "bool": True, "table": {"value": 1.0}}
#: Non-finite numbers, taken in turn from key to key like the wrong types.
NON_FINITE = (("nan", math.nan), ("inf", math.inf), ("nan", math.nan), ("inf", -math.inf))
HUGE_FLOAT = 1e300
HUGE_INT = 10**15


@dataclass(frozen=True)
class Case:
    """One command line that must be refused.

    ``argv`` may hold ``{tmp}`` (a fresh folder of this case, where ``config`` is written as
    ``config.toml``) and ``{shared}`` (a folder of prepared files shared by all cases, see
    :mod:`fuzz_files`). ``names`` is what the error line must contain.
    """

    command: str
    names: str
    category: str
    argv: tuple[str, ...]
    config: str | bytes | None = None
    tag: str = ""  #: tells apart two cases of one command, key and category

    @property
    def id(self) -> str:
        """The pytest id: command-key-category (and the tag, where needed)."""
        return "-".join(part for part in (self.command, self.names, self.category, self.tag)
                        if part)


# ---------------------------------------------------------------------------- TOML
def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def toml_value(value: Any) -> str:
    """``value`` written as a TOML value (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {value!r}")


def toml_dumps(data: dict) -> str:
    """A TOML document: one line per top-level key, every table inline."""
    return "".join(f"{_toml_key(k)} = {toml_value(v)}\n" for k, v in data.items())


def with_value(data: dict, path: str, value: Any) -> dict:
    """A deep copy of ``data`` with the dotted ``path`` set to ``value`` (tables made)."""
    data = json.loads(json.dumps(data))  # configs hold no NaN: a JSON round trip copies
    *tables, key = path.split(".")
    table = data
    for name in tables:
        table = table.setdefault(name, {})
    table[key] = value
    return data


def read_example(name: str | Path) -> dict:
    """The tables of an example config (a name in examples/ or a path)."""
    path = name if isinstance(name, Path) else EXAMPLES / name
    return tomllib.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------- bad values
def _kind(tp: Any) -> tuple[str, tuple]:
    """(kind, choices) of a field type: float, int, bool, str, floats, ints, strs, tables,
    table; Optional is unwrapped."""
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _kind(next(a for a in get_args(tp) if a is not type(None)))
    if origin is Literal:
        return "str", get_args(tp)
    if origin in (list, tuple):
        item = get_args(tp)[0] if get_args(tp) else Any
        if get_origin(item) is dict or item is dict:
            return "tables", ()
        return {float: "floats", int: "ints", str: "strs"}.get(item, "list"), ()
    if origin is dict or tp is dict:
        return "table", ()
    return {float: "float", int: "int", bool: "bool", str: "str"}.get(tp, "other"), ()


def _forbids(meta: dict, x: float) -> bool:
    """Whether the bounds of a spec refuse the number ``x``."""
    return ((meta.get("gt") is not None and not x > meta["gt"])
            or (meta.get("ge") is not None and not x >= meta["ge"])
            or (meta.get("lt") is not None and not x < meta["lt"])
            or (meta.get("le") is not None and not x <= meta["le"]))


def bad_values(tp: Any, meta: dict, base: Any, turn: int) -> dict[str, Any]:
    """Category -> a value that the key of type ``tp`` and spec ``meta`` must refuse.

    ``base``: the value in the example (or the default), to keep lengths of lists; ``turn``
    picks the wrong type of this key from :data:`WRONG_TYPES` and its non-finite value from
    :data:`NON_FINITE`.
    """
    kind, choices = _kind(tp)
    choices = choices or meta.get("choices") or ()
    wrong = list(WRONG_TYPES)[turn % len(WRONG_TYPES)]
    out: dict[str, Any] = {}
    if kind in ("float", "int") and not choices:
        number = float(base) if isinstance(base, int | float) and base else 1.0
        out[f"type-{wrong}"] = WRONG_TYPES[wrong]
        if kind == "float":
            out.update([NON_FINITE[turn % len(NON_FINITE)]])
        else:
            out["type-float"] = number + 0.5
        if _forbids(meta, -abs(number)):
            out["negative"] = -abs(number) if kind == "float" else -abs(int(number))
        if _forbids(meta, 0) and not _forbids(meta, abs(number)):
            out["zero"] = 0.0 if kind == "float" else 0
        out["huge"] = HUGE_FLOAT if kind == "float" else HUGE_INT
    elif kind in ("float", "int", "str") and choices:
        out["choice"] = "no-such-choice" if isinstance(choices[0], str) else 7
        out["type-" + ("string" if not isinstance(choices[0], str) else "number")] = (
            "abc" if not isinstance(choices[0], str) else 1)
    elif kind == "bool":
        out["type-string"] = "yes"
        out["type-number"] = 1
    elif kind == "str":
        out["type-number"] = 1
    elif kind in ("floats", "ints"):
        items = list(base) if isinstance(base, list | tuple) and base else [1.0, 2.0]
        out["type-string"] = "abc"
        out["element-type"] = ["abc"] * len(items)
        if kind == "floats":
            category, value = NON_FINITE[turn % len(NON_FINITE)]
            out[category] = [value] + items[1:]
        if _forbids(meta, -1.0):
            out["negative"] = [-abs(x) or -1 for x in items]
        if kind == "floats" and meta.get("unit") != "1":  # (1e300, 0, 0) is a direction
            out["huge"] = [HUGE_FLOAT] * len(items)
    elif kind == "strs":
        out["type-string"] = "abc"
        out["element-type"] = [1, 2]
    elif kind in ("table", "tables"):
        out["type-string"] = "abc"
    return out


def schema_fields(cls: type) -> dict[str, tuple[Any, dict, Any]]:
    """Key -> (type, spec metadata, default) of a config dataclass."""
    hints = typing.get_type_hints(cls)
    fields = {}
    for f in dataclasses.fields(cls):
        default = (f.default_factory() if f.default_factory is not dataclasses.MISSING
                   else None if f.default is dataclasses.MISSING else f.default)
        fields[f.name] = (hints[f.name], dict(f.metadata), default)
    return fields


# ---------------------------------------------------------------------------- generated
def _device_class(kind: str) -> type:
    from micromag.devices import DEVICE_TYPES
    from multiscale.sweep import _config_class  # the spec of every [device] key

    return _config_class(DEVICE_TYPES[kind])


def _sources() -> list[tuple[str, str | Path, str, type, tuple[str, ...] | None]]:
    """(command, base config, table, its schema, keys to mutate or None for all)."""
    from multiscale.lock import LockSettings
    from multiscale.schemas import (
        CalibrationSettings,
        EsnSettings,
        Learning,
        Network,
        Output,
        PlanSettings,
        ReservoirSettings,
        ReservoirTask,
        Simulation,
        StudySettings,
        Task,
    )
    from multiscale.sweep import SweepSettings

    vortex, mtj = _device_class("vortex"), _device_class("mtj")
    return [
        ("sweep", "vortex_small.toml", "device", vortex, None),
        ("sweep", "vortex_small.toml", "sweep", SweepSettings, None),
        ("sweep", "mtj_inplane.toml", "device", mtj,
         ("length", "width", "shape", "anisotropy_K", "anisotropy_axis", "initial_tilt",
          "initial_direction")),
        ("lock", "vortex_locking.toml", "lock", LockSettings, None),
        ("lock", "vortex_locking.toml", "device", vortex, ("Ms", "diameter")),
        # the chain reads the tables above with the same schemas: a few keys of each
        ("run", DEFAULT_CHAIN, "device", vortex, ("alpha", "thickness")),
        ("run", DEFAULT_CHAIN, "sweep", SweepSettings, ("current_densities", "duration")),
        ("run", DEFAULT_CHAIN, "calibration", CalibrationSettings, None),
        ("run", DEFAULT_CHAIN, "plan", PlanSettings, None),
        ("run", DEFAULT_CHAIN, "classify.network", Network, ("temperature", "spread")),
        ("run", DEFAULT_CHAIN, "circuit", Network, ("load_resistance", "source_current",
                                                     "source_impedance")),
        ("run", DEFAULT_CHAIN, "classify.simulation", Simulation, ("duration",)),
        ("run", DEFAULT_CHAIN, "classify.learning", Learning, ("epochs",)),
        ("run", "chain_circuit.toml", "lock", LockSettings, ("amplitudes", "detuning_scale")),
        ("classify", "vowels.toml", "task", Task, None),
        ("classify", "vowels.toml", "network", Network, None),
        ("classify", "vowels.toml", "simulation", Simulation, None),
        ("classify", "vowels.toml", "learning", Learning, None),
        ("classify", "vowels.toml", "output", Output, None),
        ("reservoir", "reservoir_waveform.toml", "task", ReservoirTask, None),
        ("reservoir", "reservoir_waveform.toml", "reservoir", ReservoirSettings, None),
        ("reservoir", "reservoir_waveform.toml", "esn", EsnSettings, None),
        ("study", "study_damping_temperature.toml", "study", StudySettings,
         ("level", "model", "alpha_ref", "plan", "grid", "points")),
        ("study", "study_damping_temperature.toml", "classify.network", Network,
         ("n_oscillators", "spread")),
        ("study", "study_damping_temperature.toml", "classify.learning", Learning,
         ("epochs",)),
    ]


#: (command, key, category) whose generated value the key rightly accepts, and why: these
#: would start real work, so they are not in the corpus. (Seeds and angles are never given
#: the 'huge' value: every integer is a seed, every angle is an angle.)
ACCEPTED: dict[tuple[str, str, str], str] = {
    ("sweep", "device.resistance_P", "huge"): "read-out only: R is recorded, finite",
    ("sweep", "device.resistance_change", "huge"): "read-out only: R is recorded, finite",
    ("sweep", "sweep.steady_min_duration", "huge"): "read only with stop_when_steady = true "
                                                    "(then it must be <= sweep.duration)",
    ("run", "calibration.mode_energy", "huge"): "λ only sets the thermal noise of the model: "
                                                "a huge λ, none",
    **{("classify", f"network.{key}", "huge"): "read only with coupling = 'circuit' or "
                                               "source_power_dBm"
       for key in ("load_resistance", "circuit_delay", "source_impedance")},
    ("run", "circuit.load_resistance", "huge"): "an open loop: K = 0, a network without "
                                                "coupling",
    ("run", "circuit.source_impedance", "huge"): "read only with source_power_dBm",
    ("classify", "learning.decay", "huge"): "the rates fall to ~0 after the first epoch",
    ("classify", "learning.batch_size", "huge"): "one batch of all samples",
    ("run", "classify.learning.batch_size", "huge"): "one batch of all samples",
    # currents that drive a device beyond its window: failed points, recorded (issue 19, 3)
    ("lock", "lock.current_densities", "huge"): "a diverging point is recorded as failed",
    ("lock", "lock.amplitudes", "huge"): "a diverging point is recorded as failed",
    ("run", "lock.amplitudes", "huge"): "a diverging point is recorded as failed",
    ("sweep", "sweep.current_densities", "huge"): "a diverging point is recorded as failed",
    ("run", "sweep.current_densities", "huge"): "a diverging point is recorded as failed",
    ("reservoir", "esn.input_scale", "huge"): "a saturated baseline ESN, still an answer",
}


def _argv(command: str) -> tuple[str, ...]:
    return (command, "{tmp}/config.toml", "--out", "{tmp}/out")


def _absolute_paths(data: dict) -> dict:
    """Relative model and chain paths of a study made absolute (the config moves to {tmp})."""
    study = data.get("study", {})
    for key in ("model", "chain"):
        value = study.get(key)
        if value and value != "reference" and not Path(value).is_absolute():
            study[key] = str(EXAMPLES / value)
    return data


def generated_cases() -> list[Case]:
    """One case per (example, key, category) that the schemas must refuse."""
    cases, turn = [], 0
    for command, base_name, table, cls, keys in _sources():
        base = _absolute_paths(read_example(base_name))
        section = base
        for name in table.split("."):
            section = section.get(name, {})
        fields = schema_fields(cls)
        tag = Path(base_name).stem if (command, table) in _SHARED_TABLES else ""
        for key in keys or fields:
            tp, meta, default = fields[key]
            path = f"{table}.{key}"
            for category, value in bad_values(tp, meta, section.get(key, default),
                                              turn).items():
                if (command, path, category) in ACCEPTED or (category == "huge" and (
                        key.endswith("seed") or meta.get("unit") == "rad")):
                    continue
                config = toml_dumps(with_value(base, path, value))
                cases.append(Case(command, path, category, _argv(command), config, tag))
            turn += 1
        unknown = f"{table}.bogus_key"
        cases.append(Case(command, unknown, "unknown-key", _argv(command),
                          toml_dumps(with_value(base, unknown, 1.0)), tag))
    return cases


#: (command, table) mutated in two example configs: their cases carry the example's name.
_SHARED_TABLES = {("sweep", "device")}


def all_cases() -> list[Case]:
    """The whole corpus: generated and hand-written; ids are unique."""
    from fuzz_files import handwritten_cases

    cases = generated_cases() + handwritten_cases()
    ids = Counter(case.id for case in cases)
    repeated = [i for i, n in ids.items() if n > 1]
    if repeated:
        raise ValueError(f"fuzz case ids repeat: {repeated}")
    return cases


def counts(cases: list[Case] | None = None) -> tuple[Counter, Counter]:
    """(cases by command, cases by category) of the corpus."""
    cases = all_cases() if cases is None else cases
    return Counter(c.command for c in cases), Counter(c.category for c in cases)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    by_command, by_category = counts()
    print(f"{sum(by_command.values())} cases")
    print("by command: " + ", ".join(f"{k} {by_command[k]}" for k in COMMANDS))
    print("by category: " + ", ".join(f"{k} {n}" for k, n in sorted(by_category.items())))

"""Current sweeps of a micromagnetic device: relax once, one run per current, on dask.

The device is relaxed once (``Engine.relax``); every current then starts from that state and
records <m> and (vortex) the core position at a fixed sampling interval. Each current is one
dask.distributed task (a local cluster of single-threaded workers by default, or an existing
scheduler by address). Every run, the relaxation included, lives in the provenance store
(:mod:`multiscale.store`) keyed by its inputs, so a rerun computes only the missing currents. A
run that fails (diverges, engine error) is reported and the others go on.

Config (TOML)::

    [device]
    type = "vortex"          # or "mtj"; other keys: the device's parameters (SI)
    diameter = 200e-9
    ...
    [sweep]
    engine = "builtin"
    current_densities = [2.0e10, 2.5e10]   # A/m^2, + along +z
    duration = 20e-9
    ...
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from micromag.engines.registry import ENGINE_NAMES as ENGINES
from multiscale.config import MAX_TEMPERATURE, fail, parse, read_toml, spec, to_dict
from multiscale.errors import InputError
from multiscale.tasks import MAX_LOCAL_WORKERS

__all__ = ["SweepSettings", "SweepResult", "load_sweep_config", "parse_device", "run_sweep",
           "check_size", "check_sweep_size"]

# unit and checks of each device parameter (the device classes hold the defaults)
_PARAMETER_SPECS: dict[str, dict[str, Any]] = {
    "diameter": {"unit": "m", "gt": 0}, "length": {"unit": "m", "gt": 0},
    "width": {"unit": "m", "gt": 0}, "thickness": {"unit": "m", "gt": 0},
    "cell_size": {"unit": "m", "gt": 0}, "cell_z": {"unit": "m", "gt": 0},
    "Ms": {"unit": "A/m", "gt": 0}, "A": {"unit": "J/m", "gt": 0},
    "alpha": {"unit": "1", "gt": 0}, "gamma0": {"unit": "m/(A s)", "gt": 0},
    "P": {"unit": "1", "ge": 0, "le": 1}, "Lambda": {"unit": "1", "ge": 1},
    "eps_prime": {"unit": "1"}, "polarizer": {"unit": "1"},
    "bias_field": {"unit": "A/m"}, "relax_field": {"unit": "A/m"},
    "core_shift": {"unit": "m"}, "core_radius": {"unit": "m", "gt": 0},
    "chirality": {"choices": (1, -1)}, "core_polarity": {"choices": (1, -1)},
    "shape": {"choices": ("ellipse", "rectangle")},
    "anisotropy_K": {"unit": "J/m^3"}, "anisotropy_axis": {"unit": "1"},
    "initial_direction": {"unit": "1"}, "initial_tilt": {"unit": "rad"},
    "resistance_P": {"unit": "ohm", "ge": 0}, "resistance_change": {"unit": "ohm", "ge": 0},
    "reference": {"unit": "1"}, "oersted_field": {},
}


def _config_class(device_cls: type) -> type:
    """A config dataclass with the device's fields, defaults, units and checks."""
    hints = typing.get_type_hints(device_cls)
    fields = []
    for f in dataclasses.fields(device_cls):
        tp = hints[f.name]
        fields.append((f.name, tp, spec(f.default, **_PARAMETER_SPECS.get(f.name, {}))))
    return dataclasses.make_dataclass(f"{device_cls.__name__}Config", fields, frozen=True)


def parse_device(table: Any, where: str = "device") -> Any:
    """A device of :mod:`micromag.devices` from a ``[device]`` table with ``type``."""
    from micromag.devices import DEVICE_TYPES

    if not isinstance(table, dict):
        fail(where, table, "must be a table with a 'type' key")
    table = dict(table)
    kind = table.pop("type", None)
    if kind not in DEVICE_TYPES:
        fail(f"{where}.type", kind, f"must be one of {sorted(DEVICE_TYPES)}")
    device_cls = DEVICE_TYPES[kind]
    config = parse(_config_class(device_cls), table, where=where)
    try:
        return device_cls(**{f.name: getattr(config, f.name)
                             for f in dataclasses.fields(config)})
    except ValueError as error:  # cross-field checks (cell larger than the device, ...)
        # the device names its keys 'VortexSTNO.Ms': in the config they are 'device.Ms'
        message = str(error).replace(f"{device_cls.__name__}.", f"{where}.")
        raise InputError(message if message != str(error) else f"{where}: {error}") from None


#: the most cell-steps a sweep (or a lock scan) may integrate without allow_large = true:
#: ~200 times the default chain's sweep (1257 cells, 6 runs of at most 60 ns: 4.5e9), days
#: of work with the built-in engine
MAX_CELL_STEPS = 1e12
#: the step counted per run at T = 0 (s): the order of the adaptive step of the built-in
#: engine on a 5 nm permalloy mesh; at T > 0 the fixed thermal_time_step counts
NOMINAL_STEP = 1e-13
#: the most samples one run may record without allow_large (5 variables: 400 MB)
MAX_SAMPLES = 1e7


@dataclass(frozen=True)
class SweepSettings:
    """The ``[sweep]`` table."""

    engine: str = spec("builtin", choices=ENGINES, help="micromagnetic engine")
    current_densities: list[float] = spec([2.0e10], unit="A/m^2",
                                          help="current densities, + along +z")
    duration: float = spec(10e-9, unit="s", gt=0, help="simulated time per current")
    sampling_interval: float = spec(10e-12, unit="s", gt=0, help="time between samples")
    temperature: float = spec(0.0, unit="K", ge=0, le=MAX_TEMPERATURE,
                              help="temperature (at most 1500 K: above the Curie temperature "
                                   "of every ferromagnet, Co: 1388 K)")
    seed: int = spec(0, ge=0, help="seed of the thermal field")
    tolerance: float = spec(1e-5, gt=0, lt=1, help="relative tolerance of adaptive steps")
    thermal_time_step: float = spec(1e-13, unit="s", gt=0, help="fixed step for T > 0")
    relax: bool = spec(True, help="relax the device once before the runs")
    workers: int = spec(0, ge=0, le=MAX_LOCAL_WORKERS,
                        help="local dask workers (0: one per core)")
    drives: list[dict[str, Any]] = spec([], help="drives of every run (micromag.drives, a table "
                                        "per drive with kind = 'rf_current' | "
                                        "'current_waveform' | 'rf_field' and its fields)")
    stop_when_steady: bool = spec(False, help="end a run before `duration` once its "
                                  "oscillation is steady (micromag.engines.SteadyState; "
                                  "the built-in engine; T = 0 only)")
    steady_min_duration: float = spec(30e-9, unit="s", ge=0,
                                      help="with stop_when_steady: no run ends before this")
    allow_large: bool = spec(False, help="run even when the sweep would integrate more than "
                             "1e12 cell-steps (~200 x the default chain's sweep) or a run "
                             "record more than 1e7 samples")

    def __post_init__(self) -> None:
        self.drive_objects()  # bad drive tables: an error naming them, before anything runs
        if not self.current_densities:
            fail("sweep.current_densities", self.current_densities, "must not be empty")
        if len(set(self.current_densities)) != len(self.current_densities):
            fail("sweep.current_densities", self.current_densities, "must not repeat a value")
        if self.sampling_interval > self.duration:
            fail("sweep.sampling_interval", self.sampling_interval,
                 f"must be <= sweep.duration = {self.duration} s")
        if self.stop_when_steady and self.temperature > 0:
            fail("sweep.stop_when_steady", self.stop_when_steady,
                 f"must be false with sweep.temperature = {self.temperature} K (a thermal run "
                 "does not become steady)")
        if self.stop_when_steady and self.steady_min_duration > self.duration:
            fail("sweep.steady_min_duration", self.steady_min_duration,
                 f"must be <= sweep.duration = {self.duration} s")
        if self.thermal_time_step > self.sampling_interval:
            fail("sweep.thermal_time_step", self.thermal_time_step,
                 "must be <= sweep.sampling_interval")

    def steady_state(self) -> Any:
        """The :class:`~micromag.engines.SteadyState` of every run, or None."""
        if not self.stop_when_steady:
            return None
        from micromag.engines import SteadyState

        return SteadyState(min_duration=self.steady_min_duration)

    def drive_objects(self) -> tuple[Any, ...]:
        """The ``drives`` tables as :mod:`micromag.drives` objects."""
        from micromag.drives import current_signal, drive_from_dict, field_drive

        drives = []
        for i, table in enumerate(self.drives):
            try:
                drives.append(drive_from_dict(table))
            except (ValueError, TypeError) as error:
                raise InputError(f"sweep.drives[{i}] = {table!r}: {error}") from None
        try:
            current_signal(0.0, tuple(drives))
            field_drive(tuple(drives))
        except ValueError as error:
            raise InputError(f"sweep.{error}") from None
        return tuple(drives)


def check_size(device: Any, durations: list[tuple[str, float]], sampling_interval: float, *,
               where: str, temperature: float = 0.0, thermal_time_step: float = NOMINAL_STEP,
               allow_large: bool = False) -> None:
    """Refuse, before any work, runs that would record or integrate beyond the limits.

    ``durations``: (key, simulated time in s) of every run, the key of ``where`` that sets
    it; the longest is named. The work counted is cells x steps, one step per
    :data:`NOMINAL_STEP` at T = 0 and per ``thermal_time_step`` at T > 0 (never coarser than
    ``sampling_interval``). InputError naming ``where``'s keys and ``{where}.allow_large``,
    the way to go beyond them.
    """
    if allow_large:
        return
    key, duration = max(durations, key=lambda run: run[1])
    samples = duration / sampling_interval
    if samples > MAX_SAMPLES:
        raise InputError(
            f"{where}.{key} = {duration:g} s with {where}.sampling_interval = "
            f"{sampling_interval:g} s: a run would record {samples:.3g} samples, over the "
            f"limit {MAX_SAMPLES:.0e}; a shorter duration, a longer sampling interval, or "
            f"{where}.allow_large = true")
    thermal = temperature > 0
    step = min(thermal_time_step if thermal else NOMINAL_STEP, sampling_interval)
    cells = int(device.magnetic_volume_mask.sum())
    work = cells * sum(run[1] for run in durations) / step
    if work > MAX_CELL_STEPS:
        per = (f"{where}.thermal_time_step = {step:g} s" if thermal
               else f"{step:g} s (the order of an adaptive step)")
        raise InputError(
            f"{where}.{key} = {duration:g} s: the {len(durations)} runs of {cells} cells "
            f"would integrate {work:.3g} cell-steps at one step per {per}, over the limit "
            f"{MAX_CELL_STEPS:.0e} (the default chain's sweep: ~5e9); a shorter duration, "
            f"fewer runs, a coarser mesh, or {where}.allow_large = true")


def load_sweep_config(path: str | Path) -> tuple[Any, SweepSettings]:
    """(device, settings) from a TOML file with ``[device]`` and ``[sweep]`` tables."""
    path = Path(path)
    data = read_toml(path)
    unknown = sorted(set(data) - {"device", "sweep"})
    if unknown:
        fail(unknown[0], data[unknown[0]], "unknown section; allowed: [device], [sweep]")
    if "device" not in data:
        raise InputError("device: required section is missing")
    device = parse_device(data["device"])
    settings = parse(SweepSettings, data.get("sweep", {}), where="sweep")
    check_sweep_size(device, settings)
    return device, settings


def check_sweep_size(device: Any, settings: SweepSettings) -> None:
    """:func:`check_size` of a sweep: one run of ``settings.duration`` per current."""
    check_size(device, [("duration", settings.duration)] * len(settings.current_densities),
               settings.sampling_interval, where="sweep", temperature=settings.temperature,
               thermal_time_step=settings.thermal_time_step,
               allow_large=settings.allow_large)


@dataclass
class SweepResult:
    """What :func:`run_sweep` did."""

    dataset: Any  #: xarray Dataset of the successful currents (DESIGN time-series schema)
    computed: int
    reused: int
    failed: dict[float, str]  #: current density -> error message
    wall_s: float
    #: current densities (A/m^2) whose vortex core left the disk (core position NaN) during
    #: the run: a result, kept in the Dataset, but no steady orbit
    core_lost: list[float] = dataclasses.field(default_factory=list)
    #: current densities (A/m^2) whose vortex core ended with the polarity opposite to the
    #: device's: driven past the upper window edge, no longer this device's oscillator
    core_reversed: list[float] = dataclasses.field(default_factory=list)


def _core_lost(dataset: Any) -> bool:
    """The vortex core left the disk during the run: its position (or, without a core, <m>)
    became NaN."""
    import numpy as np

    return bool(np.isnan(dataset.get("core_x", dataset.mx)).any())


def _core_reversed(dataset: Any, device: Any) -> bool:
    """The run ended with a vortex core of the polarity opposite to ``device.core_polarity``
    (``final_core_polarity``, :func:`micromag.engines.timeseries.core_polarity`; runs that
    do not record it count as not reversed)."""
    polarity = int(dataset.attrs.get("final_core_polarity", 0))
    expected = getattr(device, "core_polarity", None)
    return expected is not None and polarity != 0 and polarity != expected


def _run_one(engine_name: str, device_dict: dict, spec_dict: dict, initial_path: str | None,
             store_root: str, inputs: dict, engine_version: str) -> tuple[str, bool]:
    """One run (a dask task): write ``timeseries.nc`` and, where the engine gives it, the final
    magnetisation ``m_final.npy`` into its store folder; returns (the folder, whether this
    task computed it: False when an identical run elsewhere finished it first)."""
    import numpy as np

    from micromag.devices import device_from_dict
    from micromag.engines import RunSpec, get_engine
    from multiscale.progress import reported_run
    from multiscale.store import Store, write_array, write_dataset

    device = device_from_dict(device_dict)
    engine = get_engine(engine_name)
    initial = None if initial_path is None else np.load(initial_path)
    run_spec = RunSpec.from_dict(spec_dict, initial_state=initial)
    store = Store(store_root)
    with store.claim(inputs, engine=engine_name, engine_version=engine_version) as found:
        if found is not None:  # an identical run elsewhere finished it meanwhile
            return str(found), False
        with store.record(inputs, seed=run_spec.seed, engine=engine_name,
                          engine_version=engine_version) as run:
            dataset = reported_run(engine, device, run_spec)
            if "m_final" in dataset:  # where a later run continues from
                write_array(dataset["m_final"].values[0], run.path / "m_final.npy")
                dataset = dataset.drop_vars("m_final")
            write_dataset(dataset, run.path / "timeseries.nc")
            run.note(core_lost=_core_lost(dataset))
    return str(run.path), True


def available_engine(name: str, key: str) -> Any:
    """The engine ``name``; InputError naming ``key`` if it is unknown or cannot run here."""
    from micromag.engines import get_engine

    if name not in ENGINES:
        fail(key, name, f"must be one of {list(ENGINES)}")
    engine = get_engine(name)
    ok, reason = engine.availability()
    if not ok:
        raise InputError(f"{key} = {name!r} cannot run here: {reason}")
    return engine


def _relaxed_state(engine: Any, device: Any, store: Any, progress: bool) -> str:
    """Path of the relaxed magnetisation (``m.npy``), computed once and stored."""
    from multiscale.store import write_array

    inputs = {"kind": "relax", "device": device.to_dict(), "engine": engine.name}
    version = engine.version()
    found = store.find(inputs, engine=engine.name, engine_version=version)
    if found is not None:
        return str(found / "m.npy")
    if progress:
        print(f"relaxing the device with {engine.name} ...", flush=True)
    with store.claim(inputs, engine=engine.name, engine_version=version) as found:
        if found is not None:  # relaxed meanwhile by an identical sweep
            return str(found / "m.npy")
        with store.record(inputs, engine=engine.name, engine_version=version) as run:
            write_array(engine.relax(device), run.path / "m.npy")
    return str(run.path / "m.npy")


def run_sweep(device: Any, settings: SweepSettings, *, engine: str | None = None,
              out: str | Path = "sweep", store_root: str | Path | None = None,
              scheduler: str | None = None, progress: bool = True) -> SweepResult:
    """Relax ``device`` once and run every current of ``settings``; write ``out/timeseries.nc``.

    Parameters
    ----------
    device
        A device of :mod:`micromag.devices`.
    settings
        The ``[sweep]`` settings.
    engine
        Engine name overriding ``settings.engine``.
    out
        Output folder: ``timeseries.nc`` (DESIGN schema, successful currents in increasing
        order), ``info.json``, and the store under ``out/store`` unless ``store_root`` is given.
    scheduler
        Address of an existing dask scheduler; None: a local cluster of single-threaded workers.
    progress
        Show a tqdm progress bar.
    """
    import numpy as np
    import xarray as xr

    from micromag.engines import RunSpec
    from multiscale.store import open_store, output_folder, write_dataset, write_json

    started = time.time()
    name = engine or settings.engine
    eng = available_engine(name, "engine")
    out = output_folder(out)
    store = open_store(store_root, out)
    version = eng.version()

    specs = []
    for J in sorted(settings.current_densities):
        run_spec = RunSpec(current_density=J, duration=settings.duration, record_final=True,
                           sampling_interval=settings.sampling_interval,
                           temperature=settings.temperature,
                           seed=settings.seed if settings.temperature > 0 else None,
                           tolerance=settings.tolerance,
                           thermal_time_step=min(settings.thermal_time_step,
                                                 settings.sampling_interval),
                           drives=settings.drive_objects(),
                           steady_state=settings.steady_state())
        eng.check(device, run_spec)  # unsupported terms: an error before anything runs
        specs.append(run_spec)
    initial = _relaxed_state(eng, device, store, progress) if settings.relax else None
    device_dict = device.to_dict()

    folders: dict[float, Path] = {}
    pending = []
    for run_spec in specs:
        inputs = {"kind": "driven" if run_spec.drives else "current", "device": device_dict,
                  "engine": name,
                  "run": run_spec.to_dict(),
                  "initial": None if initial is None else Path(initial).parent.name}
        found = store.find(inputs, engine=name, engine_version=version)
        if found is not None:
            folders[run_spec.current_density] = found
        else:
            pending.append((run_spec, inputs))
    reused = len(folders)
    failed: dict[float, str] = {}
    found_meanwhile = 0  # by an identical sweep into the same store
    if pending:
        failed, found_meanwhile = _compute(pending, name, device_dict, initial, store, version,
                                           folders, scheduler, settings.workers, progress)
    reused += found_meanwhile
    computed = len(pending) - len(failed) - found_meanwhile

    datasets = [xr.load_dataset(folders[J] / "timeseries.nc", engine="h5netcdf")
                for J in sorted(folders)]
    core_lost = [J for J, ds in zip(sorted(folders), datasets, strict=True) if _core_lost(ds)]
    core_reversed = [J for J, ds in zip(sorted(folders), datasets, strict=True)
                     if _core_reversed(ds, device)]
    resolution = getattr(device, "resolution_warning", lambda: None)()
    device_warnings = [resolution] if resolution else []
    if datasets:
        # runs that stopped once steady are shorter: NaN after their end (join="outer")
        dataset = xr.concat(datasets, dim="current", combine_attrs="drop_conflicts",
                            join="outer")
        if settings.stop_when_steady:
            dataset.attrs["stop_reasons"] = json.dumps(
                {f"{J:.6g}": ds.attrs.get("stop_reason", "") for J, ds
                 in zip(sorted(folders), datasets, strict=True)})
        for key in ("run_spec", "wall_s", "wall_time_s", "steps", "steps_accepted",
                    "steps_rejected", "field_evaluations",
                    "final_core_polarity"):  # per-run figures: in the store
            dataset.attrs.pop(key, None)
        dataset.attrs["failed_current_densities"] = np.array(sorted(failed), dtype=float)
        dataset.attrs["core_lost_current_densities"] = np.array(core_lost, dtype=float)
        dataset.attrs["core_reversed_current_densities"] = np.array(core_reversed, dtype=float)
        dataset.attrs["warnings"] = json.dumps(device_warnings)
        dataset.attrs["created"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        write_dataset(dataset, out / "timeseries.nc")
    else:
        dataset = None
    wall = time.time() - started
    write_json({"config": {"device": device_dict, "sweep": to_dict(settings), "engine": name},
                "engine_version": version, "computed": computed,
                "reused": reused, "failed": {str(k): v for k, v in failed.items()},
                "runs": {str(k): str(v) for k, v in folders.items()}, "wall_s": wall,
                "core_lost": core_lost, "core_reversed": core_reversed,
                "warnings": device_warnings, "success": not failed},
               out / "info.json")
    return SweepResult(dataset, computed, reused, failed, wall, core_lost, core_reversed)


def _compute(pending: list, name: str, device_dict: dict, initial: str | None, store: Any,
             version: str, folders: dict, scheduler: str | None, workers: int,
             progress: bool) -> tuple[dict[float, str], int]:
    """Run the pending currents on dask; fill ``folders``; return the failures and how many
    an identical sweep finished first."""
    from multiscale.tasks import run_tasks

    def task(item):
        run_spec, inputs = item
        return _run_one(name, device_dict, run_spec.to_dict(), initial, str(store.root),
                        inputs, version)

    outcomes = run_tasks(task, pending, scheduler=scheduler,
                         workers=min(workers or os.cpu_count() or 1, len(pending)),
                         description=f"sweep ({name}, {len(pending)} currents)",
                         progress=progress,
                         simulated_time=[run_spec.duration for run_spec, _ in pending],
                         label=lambda item: f"current density {item[0].current_density:.4g} "
                                            "A/m^2")
    failed: dict[float, str] = {}
    found_meanwhile = 0
    for outcome in outcomes:
        J = outcome.item[0].current_density
        if outcome.ok:
            folder, computed = outcome.result
            folders[J] = Path(folder)
            found_meanwhile += not computed
        else:
            failed[J] = outcome.error.splitlines()[0]
    return failed, found_meanwhile

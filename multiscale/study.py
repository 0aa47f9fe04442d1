"""Device-parameter studies: accuracy over a grid (or list) of parameters, every point a dask task.

A study is stated at one of two levels:

- ``level = "compact"``: from the compact model onward. The base model is the reference
  oscillator of :func:`network.vowels.default_oscillators` or an AutoOscillator JSON
  (``model``); a point changes model parameters (``f0``, ``N``, ``df_dI``, ``gamma_g``, ``Q``,
  ``I_th``, ``mode_energy``), the network's (``temperature``, ``spread``,
  ``coupling_strength``, ``coupling_phase``, ``device_seed``), or the Gilbert damping
  ``damping``. A ``damping`` value α scales Γ_G and I_th together by α/``alpha_ref``: in the
  auto-oscillator theory both are proportional to α (Γ_G = α ω_0 times a mode factor, and the
  threshold is reached when the spin-torque anti-damping σI equals Γ_G with σ independent of
  α; Slavin & Tiberkevich, IEEE Trans. Magn. 45, 1875 (2009), eqs. for Γ_G and I_th). f0, N,
  Q and λ do not depend on α at this order.
- ``level = "chain"``: through micromagnetics. A point changes device parameters (``alpha``,
  ``Ms``, ``diameter``, ``thickness``, ...) of the chain config ``chain`` (or network keys as
  above); every device is swept (its currents dask tasks), calibrated and classified
  (:mod:`multiscale.pipeline`). When ``alpha`` or the spin polarization ``P`` is swept, the
  sweep's current densities scale by (alpha/alpha_base) (P_base/P) (:func:`current_scale`):
  threshold and expulsion currents of the vortex disks mapped here both scale with α (100 nm x
  10 nm permalloy: orbit decays at 1.5, 3.0, 15e10 A/m² and is expelled at 2.0, 4.0, 19e10
  A/m² for α = 0.005, 0.01, 0.05), so the window is followed.

Every point is one task of :func:`multiscale.tasks.run_tasks` (a local cluster of
single-threaded workers by default, ``scheduler`` for an existing one, e.g. a dask-jobqueue
``SLURMCluster``, see :mod:`multiscale.tasks`). Each finished point is a folder of the
provenance store keyed by its inputs, so an interrupted study resumes and computes only the
missing points. The result is one xarray Dataset with a dimension per swept parameter (grid) or
a ``point`` dimension (list).

Config (TOML)::

    [study]
    level = "compact"
    model = "reference"
    alpha_ref = 0.01
    [study.grid]
    damping = [0.005, 0.0075, 0.01, 0.0125]
    temperature = [0.0, 300.0, 600.0]
    [classify.task]   # ... the network tables of ``multiscale classify``
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from multiscale.config import fail, parse, read_toml, to_dict
from multiscale.errors import DeviceError, InputError
from multiscale.schemas import StudySettings, parse_classify
from multiscale.study_output import plot_study, study_dataset

__all__ = ["StudySettings", "Study", "load_study", "parse_study", "check_points", "run_study",
           "evaluate_point", "plot_study", "MODEL_KEYS", "NETWORK_KEYS"]

MODEL_KEYS = ("f0", "N", "df_dI", "gamma_g", "Q", "I_th", "mode_energy", "resistance",
              "resistance_amplitude", "kappa_current", "kappa_field")
NETWORK_KEYS = ("temperature", "spread", "coupling_strength", "coupling_phase", "device_seed",
                "load_resistance")
SECTIONS = ("study", "classify")


@dataclass(frozen=True)
class Study:
    """A parsed study: settings, the network config, and the base chain config (chain level)."""

    settings: StudySettings
    classify: Any
    chain: Any = None
    base_model: Any = None

    @property
    def parameters(self) -> list[str]:
        return list(self.settings.grid) if self.settings.grid else list(self.settings.points[0])

    def point_values(self) -> list[dict]:
        """Every point as a dict parameter -> value, grid in C order."""
        if self.settings.grid:
            names = self.parameters
            return [dict(zip(names, values, strict=True))
                    for values in itertools.product(*(self.settings.grid[n] for n in names))]
        return [dict(p) for p in self.settings.points]


def parse_study(data: dict, base: Path | None = None) -> Study:
    """A :class:`Study` from a TOML mapping; relative paths resolve against ``base``."""
    from multiscale.schemas import load_chain_config

    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        fail(unknown[0], data[unknown[0]], f"unknown section; allowed: {list(SECTIONS)}")
    if "study" not in data:
        raise InputError("study: required section is missing")
    settings = parse(StudySettings, data["study"], where="study")
    classify = parse_classify(data.get("classify", {}))
    names = list(settings.grid) if settings.grid else list(settings.points[0])
    chain, model = None, None
    if settings.level == "compact":
        allowed = (*MODEL_KEYS, *NETWORK_KEYS, "damping")
        model = _base_model(settings.model, base)
    else:
        path = None
        if settings.chain:
            path = Path(settings.chain)
            if base is not None and not path.is_absolute():
                path = base / path
            if not path.is_file():
                fail("study.chain", settings.chain, f"no such chain config file ({path})")
        try:
            chain = load_chain_config(path)
        except InputError as error:
            raise InputError(f"study.chain = {settings.chain!r}: {error}") from None
        allowed = (*[f.name for f in dataclasses.fields(chain.device)], *NETWORK_KEYS)
    for name in names:
        where = "study.grid" if settings.grid else "study.points"
        if name not in allowed:
            fail(f"{where}.{name}", name, f"unknown parameter at level {settings.level!r}; "
                 f"allowed: {sorted(allowed)}")
        values = (settings.grid[name] if settings.grid
                  else [point[name] for point in settings.points])
        if name == "device_seed" and any(float(v) != int(v) or v < 0 for v in values):
            fail(f"{where}.device_seed", values, "must be integers >= 0 (seeds)")
    study = Study(settings, classify, chain, model)
    _check_values(study)
    if settings.level == "chain":  # every device must parse before anything runs
        for point in study.point_values():
            try:
                _chain_config_for(study, point)
            except InputError as error:
                raise InputError(f"study point {point}: {error}") from None
    return study


def _check_values(study: Study) -> None:
    """Every value of the grid on its own (or every point of the list): InputError naming
    ``study.grid.<parameter>`` (``study.points[i]``) and the value the device or the network
    refuses. A point without a network (:class:`DeviceError`) is a result, not an error."""
    settings = study.settings
    point_of = _chain_config_for if settings.level == "chain" else _compact_point
    if settings.grid:
        single = [(f"study.grid.{name}", value, {name: value})
                  for name, values in settings.grid.items() for value in values]
    else:
        single = [(f"study.points[{i}]", point, point) for i, point in enumerate(settings.points)]
    for key, value, point in single:
        try:
            point_of(study, point)
        except DeviceError:
            pass
        except InputError as error:
            fail(key, value, f"refused: {error}")


def load_study(path: str | Path) -> Study:
    """Read a study config (TOML)."""
    path = Path(path)
    data = read_toml(path)
    return parse_study(data, base=path.resolve().parent)


def _base_model(name: str, base: Path | None):
    from compact.model import AutoOscillator
    from network.plan import reference_oscillator

    if name == "reference":
        return reference_oscillator()
    path = Path(name)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.is_file():
        fail("study.model", name, "must be 'reference' or an existing AutoOscillator JSON file")
    try:
        return AutoOscillator.from_json(path)
    except (ValueError, TypeError) as error:
        fail("study.model", name, f"not an AutoOscillator JSON ({error})")


def _network_overrides(classify: Any, point: dict) -> Any:
    changes = {k: (int(v) if k == "device_seed" else float(v)) for k, v in point.items()
               if k in NETWORK_KEYS}
    if not changes:
        return classify
    data = to_dict(classify)
    data["network"].update(changes)
    return parse_classify(data)


def _compact_point(study: Study, point: dict) -> tuple[Any, Any, int]:
    """(model as the network drives it, classify config, current polarity) of a compact-level
    point. A device that oscillates at negative currents (I_th < 0, an MTJ) is driven with
    I' = -I (:func:`network.plan.positive_currents`, polarity -1): its model mirrored, and
    ``classify.network.current_range`` read as currents -I."""
    from multiscale.errors import NetworkPlanError
    from multiscale.schemas import with_plan
    from network.plan import PlanError, adapt_plan, positive_currents

    model = study.base_model
    changes = {k: float(v) for k, v in point.items() if k in MODEL_KEYS}
    if "damping" in point:
        ratio = float(point["damping"]) / study.settings.alpha_ref
        if ratio <= 0:
            fail("study.damping", point["damping"], "must be > 0")
        changes.setdefault("gamma_g", model.gamma_g * ratio)
        changes.setdefault("I_th", model.I_th * ratio)
    try:
        model = dataclasses.replace(model, **changes)
    except ValueError as error:
        raise InputError(f"study point {point}: {error}") from None
    classify = _network_overrides(study.classify, point)
    ratio = model.I_th / study.base_model.I_th  # the same supercriticality range
    model, _, polarity = positive_currents(model)
    if study.settings.plan == "adapted":
        lo, hi = classify.network.current_range
        try:
            plan, _ = adapt_plan(classify.plan(), model, (lo * ratio, hi * ratio))
        except PlanError as error:
            raise NetworkPlanError(f"study point {point}: plan: {error}") from None
        classify = with_plan(classify, plan)
    return model, classify, polarity


def current_scale(base_device: Any, point: dict) -> float:
    """Factor on the sweep's current densities that keeps a chain point in its window.

    The Slonczewski torque is P J times a function of m alone (OOMMF's form, eps = P Lambda^2 /
    (...)), and the threshold balances it against the Gilbert damping: J_c ~ alpha / P. The
    expulsion current scales the same way (the orbit radius is set by zeta = J / J_c), so
    currents (alpha / alpha_base) (P_base / P) keep every point at the same zeta. The Oersted
    field, proportional to J, does not follow: measured for alpha on the 100 nm disk (module
    docstring), the window follows to the listed currents.
    """
    ratio = 1.0
    if "alpha" in point:
        ratio *= float(point["alpha"]) / base_device.alpha
    if "P" in point:
        ratio *= base_device.P / float(point["P"])
    return ratio


def _chain_config_for(study: Study, point: dict) -> Any:
    from multiscale.schemas import parse_chain_config

    device = {k: v for k, v in point.items() if k not in NETWORK_KEYS}
    config = parse_chain_config(study.chain.raw, overrides=device)
    ratio = current_scale(study.chain.device, point)
    if ratio != 1.0:  # the window of steady orbits moves with alpha / P: follow it
        sweep = dataclasses.replace(
            config.sweep, current_densities=[j * ratio for j in config.sweep.current_densities])
        config = dataclasses.replace(config, sweep=sweep)
    return dataclasses.replace(config, classify=_network_overrides(config.classify, point))


# ---------------------------------------------------------------------------- one point
def evaluate_point(task: dict) -> dict:
    """One study point (a dask task): train and test, store ``result.json``, return it.

    ``task`` holds ``store`` (root), ``inputs`` (the store key), and either ``model`` and
    ``classify`` (compact level) or ``chain`` (raw chain config), ``overrides`` and ``sweep``
    (the folder of the device's sweep; chain level). A device that allows no network (no
    oscillation to calibrate, bands out of its reach: :class:`~multiscale.errors.DeviceError`)
    is a result too: NaN accuracy and the reason. A config error (any other InputError)
    propagates: the study stops with it.
    """
    from compact.model import AutoOscillator
    from multiscale.store import Store, write_json
    from multiscale.vowel_stage import classify_stage
    from network.circuit import mutual_coupling

    store = Store(task["store"])
    found = store.find(task["inputs"], engine="network")
    if found is not None:
        return json.loads((found / "result.json").read_text())
    with store.record(task["inputs"], engine="network") as run:
        result: dict[str, Any] = {"error": None}
        try:
            if "chain" in task:
                result.update(_chain_tail(task, store))
            else:
                model = AutoOscillator.from_dict(task["model"])  # as the network drives it
                polarity = int(task.get("current_polarity", 1))
                device = model.mirrored() if polarity < 0 else model  # its recorded parameters
                classify = parse_classify(task["classify"])
                trained = classify_stage(classify, [model], where="classify")
                mid = float(sum(classify.network.current_range) / 2)
                hot = dataclasses.replace(model, temperature=classify.network.temperature)
                result.update(
                    accuracy_train=trained.accuracy_train,
                    accuracy_test=trained.accuracy_test,
                    coupling_magnitude=mutual_coupling(trained.network.coupling),
                    linewidth=float(hot.linewidth(mid)),
                    locking_half_width=float(model.locking_range(
                        mid, trained.network.source_amplitude[0])),
                    current_polarity=polarity,
                    **{k: getattr(device, k) for k in MODEL_KEYS})
        except DeviceError as error:  # this point has no working network: a result, NaN
            result.update(accuracy_train=math.nan, accuracy_test=math.nan, error=str(error))
        write_json(result, run.path / "result.json")
    return json.loads((run.path / "result.json").read_text())


def _chain_tail(task: dict, store: Any) -> dict:
    """Calibration and classify of one swept device (chain level)."""
    import xarray as xr

    from multiscale.pipeline import calibration_stage, network_stage
    from multiscale.schemas import parse_chain_config
    from network.circuit import mutual_coupling

    config = parse_chain_config(task["chain"], overrides=task["overrides"])
    config = dataclasses.replace(
        config, classify=_network_overrides(config.classify, task["network"]))
    timeseries = xr.load_dataset(Path(task["sweep"]) / "timeseries.nc", engine="h5netcdf")
    calibration = calibration_stage(config, timeseries, task["runs"], store)
    model = calibration.model
    if config.lock is not None:  # κ from the lock runs made before this task
        if task.get("model") is None:
            raise DeviceError("lock: no input coupling could be measured for this device")
        from compact.model import AutoOscillator

        model = AutoOscillator.from_dict(task["model"])
    classify = network_stage(config, model, calibration.calibration, store, progress=False)
    return {**_window_evidence(timeseries, calibration.calibration),
            "accuracy_train": classify.summary["accuracy_train"],
            "accuracy_test": classify.summary["accuracy_test"],
            "coupling_magnitude": mutual_coupling(
                classify.summary["coupling"]["middle_of_current_range"]["magnitude_1_per_s"]),
            "current_polarity": int(classify.plan.get("current_polarity", 1)),
            **{k: getattr(model, k) for k in MODEL_KEYS}}


def _window_evidence(timeseries: Any, calibration: Any) -> dict:
    """How a chain point shows that its currents lie in a window of steady orbits: the number
    of swept currents whose run ended steady (``sweep.stop_when_steady``; NaN when the sweep
    ran fixed durations), the number the calibration counts as oscillating, and the numbers
    whose vortex core was lost or ended reversed."""
    import numpy as np

    reasons = json.loads(timeseries.attrs.get("stop_reasons", "null") or "null")
    steady = (math.nan if reasons is None
              else sum(str(r).startswith("steady") for r in reasons.values()))
    lost = np.atleast_1d(timeseries.attrs.get("core_lost_current_densities", []))
    reversed_at = np.atleast_1d(timeseries.attrs.get("core_reversed_current_densities", []))
    return {"steady_currents": steady,
            "oscillating_currents": int(np.sum(calibration["oscillating"].values)),
            "core_lost_currents": int(np.size(lost)),
            "core_reversed_currents": int(np.size(reversed_at))}


# ---------------------------------------------------------------------------- the study
def check_points(study: Study) -> None:
    """Every point's network config against the data, before any task starts.

    InputError naming the key (vowels not in the data, more folds than speakers, a bad
    learning rule, ...), so a config error exits 2 instead of becoming a NaN point.
    """
    from multiscale.vowel_stage import vowel_task

    checked = set()
    for point in study.point_values():
        if study.settings.level == "compact":
            _, classify, _ = _compact_point(study, point)
        else:
            classify = _chain_config_for(study, point).classify
        key = json.dumps([to_dict(classify.task), to_dict(classify.learning),
                          classify.network.current_range])
        if key not in checked:
            checked.add(key)
            vowel_task(classify, where="classify")


@dataclass
class StudyResult:
    dataset: Any
    computed: int
    reused: int
    failed: dict  #: point (JSON) -> error of a task that crashed
    wall_s: float
    figures: list
    #: point (JSON) -> why the device there allows no network (a result: NaN accuracy)
    without_network: dict = dataclasses.field(default_factory=dict)


def _tasks(study: Study, store: Any, client: Any, out: Path, progress: bool) -> list[dict]:
    """The task dict of every point (chain level: sweeps every device first)."""
    tasks = []
    for point in study.point_values():
        if study.settings.level == "compact":
            model, classify, polarity = _compact_point(study, point)
            inputs = {"kind": "study-point", "level": "compact", "model": model.to_dict(),
                      "classify": to_dict(classify)}
            tasks.append({"store": str(store.root), "inputs": inputs, "point": point,
                          "model": model.to_dict(), "classify": to_dict(classify),
                          "current_polarity": polarity})
        else:
            tasks.append(_chain_task(study, point, store, client, out, progress))
    return tasks


def _chain_task(study: Study, point: dict, store: Any, client: Any, out: Path,
                progress: bool) -> dict:
    from multiscale.store import input_hash
    from multiscale.sweep import run_sweep

    config = _chain_config_for(study, point)
    device = config.device.to_dict()
    folder = out / "sweeps" / input_hash({"device": device, "sweep": to_dict(config.sweep)}, {})
    result = run_sweep(config.device, config.sweep, out=folder, store_root=store.root,
                       scheduler=client.scheduler.address, progress=progress)
    info = json.loads((folder / "info.json").read_text())
    runs = sorted(Path(p).name for p in info["runs"].values())
    overrides = {k: v for k, v in point.items() if k not in NETWORK_KEYS}
    network = {k: v for k, v in point.items() if k in NETWORK_KEYS}
    inputs = {"kind": "study-point", "level": "chain", "device": device, "sweep_runs": runs,
              "config": config.to_dict()}
    task = {"store": str(store.root), "inputs": inputs, "point": point, "chain": config.raw,
            "overrides": overrides, "network": network, "sweep": str(folder), "runs": runs}
    if config.lock is not None and result.dataset is not None:
        # κ by injection locking, its runs spread over the study's workers like the sweep's
        task["model"] = _locked_model(config, result.dataset, runs, store, client,
                                      out / "locks" / folder.name, progress, folder)
        inputs["model"] = task["model"]
    del result
    return task


def _locked_model(config: Any, timeseries: Any, runs: list[str], store: Any, client: Any,
                  out: Path, progress: bool, sweep_folder: Path) -> dict | None:
    """The calibrated model of a chain point with the κ of its ``[lock]`` table (None when the
    device cannot be calibrated or locked: the point's task then reports why)."""
    from multiscale.pipeline import calibration_stage, lock_stage

    try:
        calibration = calibration_stage(config, timeseries, runs, store)
        locked = lock_stage(config, calibration.model, out, store,
                            scheduler=client.scheduler.address, progress=progress,
                            sweep_folder=sweep_folder)
    except DeviceError:
        return None
    return locked.model.to_dict()


def run_study(study: Study, *, out: str | Path = "study", store_root: str | Path | None = None,
              scheduler: str | None = None, workers: int | None = None,
              progress: bool = True) -> StudyResult:
    """Run every missing point on dask; write ``out/study.nc`` and the figures.

    Parameters
    ----------
    study
        From :func:`load_study`.
    out
        Output folder: ``study.nc``, ``info.json``, figures; the store in ``out/store`` unless
        ``store_root`` is given.
    scheduler, workers
        An existing dask scheduler's address, or the number of local single-threaded workers
        (default one per core).
    """
    from multiscale.store import drawn, open_store, output_folder, record_run, write_dataset
    from multiscale.tasks import dask_client, run_tasks

    started = time.time()
    out = output_folder(out)
    store = open_store(store_root, out)
    inputs = {"kind": "study", "settings": to_dict(study.settings),
              "classify": to_dict(study.classify), "store": str(store.root.resolve())}
    from multiscale import datasets

    datasets.hillenbrand(study.classify.task.data or None)  # missing data: say so now
    check_points(study)
    with record_run(out, inputs) as record:
        with dask_client(scheduler, workers) as client:
            tasks = _tasks(study, store, client, out, progress)
            results: list[dict | None] = [None] * len(tasks)
            missing = []
            for i, task in enumerate(tasks):
                found = store.find(task["inputs"], engine="network")
                if found is not None:
                    results[i] = json.loads((found / "result.json").read_text())
                else:
                    missing.append(i)
            outcomes = run_tasks(evaluate_point, [tasks[i] for i in missing], client=client,
                                 description=f"study ({len(missing)} of {len(tasks)} points)",
                                 progress=progress)
        failed = {}
        for i, outcome in zip(missing, outcomes, strict=True):
            if isinstance(outcome.exception, InputError):  # a config error: not a result
                raise InputError(f"study point {json.dumps(tasks[i]['point'])}: "
                                 f"{outcome.exception}")
            if outcome.ok:
                results[i] = outcome.result
            else:  # NaN, with the reason
                results[i] = {"error": outcome.error}
                failed[json.dumps(tasks[i]["point"])] = outcome.error
        without_network = {json.dumps(task["point"]): result["error"]
                           for task, result in zip(tasks, results, strict=True)
                           if result.get("error") and json.dumps(task["point"]) not in failed}
        ds = study_dataset(study, results)
        write_dataset(ds, out / "study.nc")
        figures = []
        warning = drawn(lambda: figures.extend(plot_study(ds, out)), "study figures")
        wall = time.time() - started
        record.note(computed=len(missing) - len(failed), reused=len(tasks) - len(missing),
                    failed=failed, without_network=without_network, wall_s=wall,
                    figures=[str(f) for f in figures],
                    figure_warnings=[warning] if warning else [])
    return StudyResult(ds, len(missing) - len(failed), len(tasks) - len(missing), failed, wall,
                       figures, without_network)

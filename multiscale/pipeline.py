"""The whole chain as one Python function: micromagnetic sweep -> calibration -> vowel network.

:func:`run_chain` runs three stages, each a public function here and each cached in the
provenance store (:mod:`multiscale.store`) under a key made of its inputs, so a rerun with the
same config finds every stage and takes seconds:

1. **sweep** (:func:`sweep_stage`, :func:`multiscale.sweep.run_sweep`): relax the device once,
   one micromagnetic run per current (each current its own store folder, run on dask).
2. **calibration** (:func:`calibration_stage`, :class:`compact.AutoOscillatorFit`):
   observables and the auto-oscillator fit. A zero-temperature sweep cannot identify the mode
   energy λ from linewidths; for a vortex the Thiele estimate is used instead
   (:meth:`micromag.devices.VortexSTNO.thiele_mode_energy`), for an MTJ the energy of a
   uniform precession (:meth:`micromag.devices.MTJOscillator.uniform_mode_energy`), and the
   record says so.
3. **lock** (:func:`lock_stage`, only with a ``[lock]`` table): the device at a DC current
   inside its window, driven by an RF current (or field) over a few drive frequencies in
   micromagnetics (:func:`multiscale.lock.run_locking`, each run cached in the store); the
   Adler fit gives the input coupling κ, magnitude and phase
   (:func:`multiscale.coupling_calibration.calibrate_coupling`), added to the calibrated
   model. The network needs it for source amplitudes in physical units (A, A/m, dBm) and
   for the circuit's coupling K = −κ I r / R_loop (``classify.network.coupling =
   'circuit'``, or a ``[circuit]`` table).
4. **classify** (:func:`network_stage`, :func:`multiscale.vowel_stage.classify_stage`): copies
   of the calibrated device (with the configured device-to-device spread) learn the vowels by
   synchronization, cross-validated over speakers.

The frequency plan of the network (source bands, current range, source amplitudes, ...) in
``[classify.network]`` is written for the reference oscillator of
:func:`network.plan.reference_oscillator`. With ``[plan] adapt = true`` (the default) it is
mapped onto the calibrated device by :func:`network.plan.adapt_plan` within its calibrated
window of steady orbits (:func:`calibrated_window`).

Config (TOML, :class:`multiscale.schemas.ChainConfig`): ``[device]`` and ``[sweep]`` as for
``multiscale sweep``; ``[calibration]``; ``[plan]``; ``[lock]`` as for ``multiscale lock``;
``[classify.task]``,
``[classify.network]``, ``[classify.simulation]``, ``[classify.learning]``,
``[classify.output]`` and ``[classify.patterns]`` as for ``multiscale classify``. See
``examples/chain_small.toml``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from multiscale.config import to_dict
from multiscale.errors import DeviceError, NetworkPlanError
from multiscale.schemas import (
    ChainConfig,
    default_config_path,
    load_chain_config,
    parse_chain_config,
)

__all__ = [
    "ChainConfig",
    "ChainResult",
    "SweepStage",
    "CalibrationStage",
    "LockStage",
    "NetworkStage",
    "load_chain_config",
    "parse_chain_config",
    "default_config_path",
    "sweep_stage",
    "calibration_stage",
    "calibrated_window",
    "lock_stage",
    "sweep_free_runs",
    "network_stage",
    "run_chain",
]

# ---------------------------------------------------------------------------- stages
@dataclass(frozen=True)
class SweepStage:
    """The micromagnetic sweep: its Dataset, the store folders of its runs, what failed."""

    dataset: Any
    runs: tuple[str, ...]
    failed: dict
    reused: bool
    computed: int
    wall_s: float
    folder: str


@dataclass(frozen=True)
class CalibrationStage:
    """The calibration Dataset, the fitted model and its standard errors."""

    calibration: Any
    model: Any
    stderr: dict
    folder: str
    reused: bool
    wall_s: float


@dataclass(frozen=True)
class LockStage:
    """The injection-locking measurement and the κ it gives (``coupling``: the record of
    :func:`multiscale.coupling_calibration.calibrate_coupling` without its model)."""

    model: Any  #: the calibrated model with kappa_current or kappa_field (and its phase)
    coupling: dict
    locking: Any  #: the locking Dataset (multiscale.lock.run_locking)
    folder: str
    reused: bool
    wall_s: float


@dataclass(frozen=True)
class NetworkStage:
    """The vowel network of the chain: its folder (summary.json, plan.json, figures)."""

    folder: str
    reused: bool
    wall_s: float
    summary: dict  #: the record summary.json
    plan: dict  #: the record plan.json (``adapted`` and the mapping)
    config: Any  #: the classify config run (the plan mapped onto the device)


def sweep_stage(config: ChainConfig, out: Path, store: Any, engine: str | None = None,
                scheduler: str | None = None, progress: bool = True) -> SweepStage:
    """Sweep the device into ``out/sweep`` (each current a store folder, on dask)."""
    from multiscale.sweep import run_sweep

    started = time.time()
    result = run_sweep(config.device, config.sweep, engine=engine, out=out / "sweep",
                       store_root=store.root, scheduler=scheduler, progress=progress)
    if result.dataset is None:
        raise DeviceError(f"sweep: every current failed: {result.failed}")
    info = json.loads((out / "sweep" / "info.json").read_text())
    return SweepStage(dataset=result.dataset,
                      runs=tuple(sorted(Path(p).name for p in info["runs"].values())),
                      failed={str(k): v for k, v in result.failed.items()},
                      reused=result.computed == 0, computed=result.computed,
                      wall_s=time.time() - started, folder=str(out / "sweep"))


def calibration_stage(config: ChainConfig, timeseries: Any, runs: Any,
                      store: Any) -> CalibrationStage:
    """Fit the auto-oscillator model to the sweep ``timeseries`` (store key: its ``runs``).

    Raises :class:`~multiscale.errors.DeviceError` when the sweep cannot be calibrated (no
    oscillating current, ...).
    """
    import xarray as xr

    from compact.estimator import AutoOscillatorFit
    from compact.model import AutoOscillator
    from multiscale.figures import plot_calibration
    from multiscale.store import drawn, write_dataset, write_json

    started = time.time()
    settings = config.calibration
    inputs = {"kind": "calibration", "runs": list(runs), "settings": to_dict(settings)}
    found = store.find(inputs, engine="compact")
    reused = found is not None
    if found is None:
        with store.record(inputs, engine="compact") as run:
            mode = None if settings.mode == "auto" else settings.mode
            kept, expelled = _without_expelled_core(timeseries)
            try:
                fit = AutoOscillatorFit(mode=mode, power_floor=settings.power_floor,
                                        fit_df_dI=settings.fit_df_dI).fit(kept)
            except ValueError as error:
                raise DeviceError(
                    f"calibration of the sweep (sweep.current_densities, sweep.duration): "
                    f"{error}" + (f"; the core was expelled or reversed at {expelled} A/m^2"
                                  if expelled else "")) from None
            calibration, model = fit.calibration_, fit.model_
            calibration.attrs["expelled_current_densities"] = json.dumps(expelled)
            source = "fit"
            if not calibration.attrs.get("mode_energy_identified", 0):
                if settings.mode_energy > 0:
                    lam, source = settings.mode_energy, "calibration.mode_energy"
                elif getattr(config.device, "kind", "") == "vortex":
                    lam, source = config.device.thiele_mode_energy(model.f0), "thiele"
                elif getattr(config.device, "kind", "") == "mtj":
                    lam = config.device.uniform_mode_energy(model.f0)
                    source = "uniform precession"
                else:
                    lam, source = model.mode_energy, "default"
                model = dataclasses.replace(model, mode_energy=lam)
                calibration.attrs["model"] = json.dumps(model.to_dict())
            calibration.attrs["mode_energy_source"] = source
            write_dataset(calibration, run.path / "calibration.nc")
            model.to_json(run.path / "model.json")
            warning = drawn(lambda: plot_calibration(calibration, run.path / "calibration.png"),
                            "calibration.png")
            run.note(figure_warnings=[warning] if warning else [])
            write_json({"stderr": fit.stderr_, "mode_energy_source": source},
                       run.path / "stderr.json")
        found = run.path
    return CalibrationStage(
        calibration=xr.load_dataset(found / "calibration.nc", engine="h5netcdf"),
        model=AutoOscillator.from_json(found / "model.json"),
        stderr=json.loads((found / "stderr.json").read_text()), folder=str(found),
        reused=reused, wall_s=time.time() - started)


def _without_expelled_core(timeseries: Any) -> tuple[Any, list[float]]:
    """The sweep without currents whose vortex core left the disk (NaN core position) or
    ended reversed (the sweep's ``core_reversed_current_densities``).

    Above the upper window edge J_c2 there is no steady orbit to calibrate; those currents
    are reported (A/m²) and left out.
    """
    import numpy as np

    if "core_x" not in timeseries:
        return timeseries, []
    # a sample without a core; NaN in mx too is after the end of a run that stopped early
    no_core = np.isnan(timeseries["core_x"]) & np.isfinite(timeseries["mx"])
    lost = np.asarray(no_core.any("time").values, bool)
    reversed_at = np.atleast_1d(timeseries.attrs.get("core_reversed_current_densities", []))
    lost |= np.isin(timeseries["current_density"].values, np.asarray(reversed_at, float))
    expelled = [float(j) for j in timeseries["current_density"].values[lost]]
    return timeseries.isel(current=np.flatnonzero(~lost)), expelled


def calibrated_window(calibration: Any, model: Any) -> tuple[float, float]:
    """(lowest, highest) oscillating current of the calibration (A), above threshold."""
    import numpy as np

    current = np.asarray(calibration["current"].values, float)
    on = np.asarray(calibration["oscillating"].values, bool) & (np.abs(current) > abs(model.I_th))
    if on.sum() < 2:
        raise DeviceError("calibration: fewer than two oscillating currents above the fitted "
                          "threshold; extend sweep.current_densities above threshold")
    return float(current[on].min()), float(current[on].max())


def lock_stage(config: ChainConfig, model: Any, out: Path, store: Any,
               engine: str | None = None, scheduler: str | None = None,
               progress: bool = True, sweep_folder: str | Path | None = None) -> LockStage:
    """κ of the device from micromagnetic injection locking (``config.lock``) into
    ``out/lock``; the model returned carries it.

    With the chain's ``sweep_folder``, a lock current that the sweep ran (free, at zero temperature,
    sampled as the lock samples) is not run free again: its driven runs start where the
    sweep's run ended (:func:`sweep_free_runs`).

    Raises :class:`~multiscale.errors.DeviceError` when no plateau could be fitted.
    """
    from multiscale.coupling_calibration import calibrate_coupling
    from multiscale.lock import run_locking
    from multiscale.store import write_json

    started = time.time()
    settings = config.lock
    if engine is not None:
        settings = dataclasses.replace(settings, engine=engine)
    free_runs = sweep_free_runs(config, sweep_folder, engine)
    result = run_locking(config.device, settings, out=out / "lock", store_root=store.root,
                         scheduler=scheduler, progress=progress, free_runs=free_runs)
    try:
        coupling = calibrate_coupling(result.dataset, model)
    except ValueError as error:
        raise DeviceError(f"lock: {error}; failed runs: {result.failed or 'none'} (lock."
                          "amplitudes, lock.detunings, lock.current_densities)") from None
    record = {k: v for k, v in coupling.items() if k != "model"}
    record["failed"] = result.failed
    record["free_runs_from_sweep"] = sorted(free_runs)  # A/m^2: the sweep's run was the free run
    write_json(record, out / "lock" / "coupling.json")
    coupling["model"].to_json(out / "lock" / "model.json")
    return LockStage(model=coupling["model"], coupling=record, locking=result.dataset,
                     folder=str(out / "lock"), reused=result.computed == 0,
                     wall_s=time.time() - started)


def sweep_free_runs(config: ChainConfig, sweep_folder: str | Path | None,
                    engine: str | None = None) -> dict[float, Path]:
    """The runs of the sweep in ``sweep_folder`` that can serve as the lock's free runs, by
    current density.

    A sweep run is a free run of the lock when both stages use the same engine and sampling
    interval and the sweep is free (no drive, zero temperature): it is then the same
    simulation from the same relaxed state, run until steady or ``sweep.duration``.
    """
    settings, lock = config.sweep, config.lock
    if (sweep_folder is None or lock is None or settings.drives or settings.temperature > 0
            or not settings.relax or not lock.relax
            or settings.sampling_interval != lock.sampling_interval
            or (engine or settings.engine) != (engine or lock.engine)):
        return {}
    runs = json.loads((Path(sweep_folder) / "info.json").read_text())["runs"]
    return {float(J): Path(folder) for J, folder in runs.items()
            if float(J) in lock.current_densities and (Path(folder) / "m_final.npy").exists()}


def network_stage(config: ChainConfig, model: Any, calibration: Any, store: Any,
                  progress: bool = True) -> NetworkStage:
    """The vowel network on copies of ``model``, its plan mapped onto the device's window."""
    from multiscale.schemas import with_plan
    from multiscale.store import write_json
    from multiscale.vowel_stage import classify_stage
    from network.plan import PlanError, adapt_plan, positive_currents

    started = time.time()
    classify_config, plan = config.classify, {"adapted": False}
    window = calibrated_window(calibration, model) if config.plan.adapt else None
    # a device that oscillates at negative currents: the network drives it with I' = -I
    model, window, polarity = positive_currents(model, window)
    if config.plan.adapt:
        try:
            mapped, mapping = adapt_plan(config.classify.plan(), model, window,
                                         config.plan.window_margin,
                                         temperature=config.classify.network.temperature)
        except PlanError as error:
            raise NetworkPlanError(f"plan: {error}") from None
        classify_config = with_plan(config.classify, mapped)
        plan = {**mapping.to_dict(), "adapted": True}
    plan["current_polarity"] = polarity  # -1: the plan's currents are -I of the device
    inputs = {"kind": "classify", "model": model.to_dict(), "config": to_dict(classify_config)}
    found = store.find(inputs, engine="network")
    reused = found is not None
    if found is None:
        with store.record(inputs, seed=classify_config.task.seed, engine="network") as run:
            classify_stage(classify_config, [model], run.path, progress=progress,
                           where="classify")
            write_json(plan, run.path / "plan.json")
        found = run.path
    return NetworkStage(folder=str(found), reused=reused, wall_s=time.time() - started,
                        summary=json.loads((found / "summary.json").read_text()),
                        plan=json.loads((found / "plan.json").read_text()),
                        config=classify_config)


# ---------------------------------------------------------------------------- the chain
@dataclass
class ChainResult:
    """What :func:`run_chain` produced (Datasets loaded, paths in ``out``)."""

    out: Path
    timeseries: Any
    calibration: Any
    model: Any
    results: Any
    summary: dict
    plan: dict
    stages: dict  #: stage -> {"folder", "reused", "wall_s"}
    wall_s: float
    coupling: dict | None = None  #: the lock stage's κ record (None without [lock])

    @property
    def figures(self) -> dict:
        """The closing figures: wall time, f0, I_th, test accuracy."""
        return {"wall_s": self.wall_s, "f0_Hz": self.model.f0, "I_th_A": self.model.I_th,
                "accuracy_test": self.summary["accuracy_test"]}


@contextlib.contextmanager
def _shared_cluster(config: ChainConfig, scheduler: str | None):
    """The scheduler address the chain's micromagnetic stages use: ``scheduler`` if given; with a
    ``[lock]`` and none given, one local cluster of ``sweep.workers`` workers for the sweep and
    the lock, whose workers then start the lock's runs already warm (imports, compiled
    kernels); else None (the sweep makes its own)."""
    if scheduler is not None or config.lock is None:
        yield scheduler
        return
    from multiscale.tasks import dask_client

    with dask_client(None, config.sweep.workers or None) as client:
        yield client.scheduler.address


def run_chain(config: ChainConfig | str | Path | None = None, *, out: str | Path = "run",
              engine: str | None = None, store_root: str | Path | None = None,
              scheduler: str | None = None, progress: bool = True) -> ChainResult:
    """Run sweep -> calibration -> (lock) -> classify; write Datasets, figures and a report
    into ``out``.

    Parameters
    ----------
    config
        A :class:`ChainConfig`, a TOML path, or None for the embedded default.
    out
        Output folder: ``report.md`` (read it first), ``info.json``, ``sweep/``,
        ``calibration/``, ``lock/`` (with ``[lock]``), ``classify/`` and ``figures/``.
    engine
        Micromagnetic engine overriding ``sweep.engine``.
    store_root
        Provenance store (default ``out/store``); every stage is looked up there first.
    scheduler
        Address of a dask scheduler for the sweep (default: a local cluster).
    progress
        Show progress bars.
    """
    from multiscale import datasets
    from multiscale.report import spectra_figure, write_report
    from multiscale.store import drawn, open_store, output_folder, record_run, write_dataset
    from multiscale.vowel_stage import vowel_task

    started = time.time()
    if not isinstance(config, ChainConfig):
        config = load_chain_config(config)
    datasets.hillenbrand(config.classify.task.data or None)  # missing data: say so first
    vowel_task(config.classify, "classify")  # folds and the size of the training, before any run
    out = output_folder(out)
    store = open_store(store_root, out)
    inputs = {"kind": "chain", "config": config.to_dict(), "engine": engine,
              "store": str(store.root.resolve())}
    with record_run(out, inputs, seed=config.sweep.seed,
                    engine=engine or config.sweep.engine) as record:
        with _shared_cluster(config, scheduler) as address:  # closed before the network
            sweep = sweep_stage(config, out, store, engine, address, progress)
            calibration = calibration_stage(config, sweep.dataset, sweep.runs, store)
            model, lock = calibration.model, None
            if config.lock is not None:
                lock = lock_stage(config, model, out, store, engine, address, progress,
                                  sweep.folder)
                model = lock.model
        classify = network_stage(config, model, calibration.calibration, store, progress)
        for name, stage in (("calibration", calibration), ("classify", classify)):
            shutil.copytree(stage.folder, out / name, dirs_exist_ok=True)
        figures = out / "figures"
        figures.mkdir(exist_ok=True)
        for stage, name in (("calibration", "calibration.png"), ("classify", "response_map.png"),
                            ("classify", "confusion.png"), ("classify", "training.png"),
                            ("lock", "plateau.png")):
            if (out / stage / name).is_file():  # a figure that could not be drawn is missing
                shutil.copy(out / stage / name, figures / name)
        warning = drawn(lambda: spectra_figure(sweep.dataset, calibration.calibration,
                                               figures / "spectra.png"), "spectra.png")
        import xarray as xr

        results = xr.load_dataset(out / "classify" / "results.nc", engine="h5netcdf")
        stages = {
            "sweep": {"folder": sweep.folder, "reused": sweep.reused,
                      "computed": sweep.computed, "failed": sweep.failed,
                      "wall_s": sweep.wall_s},
            **{name: {"folder": stage.folder, "reused": stage.reused, "wall_s": stage.wall_s}
               for name, stage in (("calibration", calibration), ("lock", lock),
                                   ("classify", classify)) if stage is not None},
        }
        wall = time.time() - started
        result = ChainResult(out=out, timeseries=sweep.dataset,
                             calibration=calibration.calibration, model=model,
                             results=results, summary=classify.summary,
                             plan=classify.plan, stages=stages, wall_s=wall,
                             coupling=None if lock is None else lock.coupling)
        write_report(result, config, calibration.stderr, out / "report.md")
        write_dataset(calibration.calibration, out / "calibration.nc")
        record.note(figures=result.figures, stages=stages,
                    figure_warnings=[warning] if warning else [])
    return result

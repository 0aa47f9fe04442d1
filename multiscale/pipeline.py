"""The whole chain as one Python function: micromagnetic sweep -> calibration -> vowel network.

:func:`run_chain` runs three stages, each cached in the provenance store
(:mod:`multiscale.store`) under a key made of its inputs, so a rerun with the same config finds
every stage and takes seconds:

1. **sweep** (:func:`multiscale.sweep.run_sweep`): relax the device once, one micromagnetic run
   per current (each current its own store folder, run on dask).
2. **calibration** (:class:`compact.AutoOscillatorFit`): observables and the auto-oscillator
   fit. A zero-temperature sweep cannot identify the mode energy λ from linewidths; for a vortex
   the Thiele estimate is used instead (:func:`vortex_mode_energy`) and the record says so.
3. **classify** (:mod:`network.vowels`, :mod:`network.experiment`): four copies of the
   calibrated device (with the configured device-to-device spread) learn the vowels by
   synchronization, cross-validated over speakers.

The frequency plan of the network (source bands, current range, source amplitudes, ...) in
``[classify.network]`` is written for the reference oscillators of
:func:`network.vowels.default_oscillators`. With ``[plan] adapt = true`` (the default) it is
mapped onto the calibrated device by :func:`adapt_plan`: frequencies affinely onto the
device's tuning range within its calibrated window of steady orbits, source and coupling
amplitudes so that locking ranges keep the same fraction of that range, times inversely. So the
plan asks the same of every device, and what changes with the device is its physics (noise,
nonlinearity, relaxation).

Config (TOML): ``[device]`` and ``[sweep]`` as for ``multiscale sweep``; ``[calibration]``;
``[plan]``; ``[classify.task]``, ``[classify.network]``, ``[classify.simulation]``,
``[classify.learning]``, ``[classify.output]`` and ``[classify.patterns]`` as for
``multiscale classify``. See ``examples/chain_small.toml``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multiscale.config import fail, parse, read_toml, spec, to_dict
from multiscale.errors import InputError

__all__ = [
    "CalibrationSettings",
    "PlanSettings",
    "ChainConfig",
    "ChainResult",
    "load_chain_config",
    "parse_chain_config",
    "default_config_path",
    "run_chain",
    "adapt_plan",
    "monotonic_branch",
    "vortex_mode_energy",
    "train_and_test",
    "classify_models",
    "parse_classify",
    "NetworkPlanError",
]

class NetworkPlanError(InputError):
    """The network cannot be built for these oscillators (bands out of reach, ...)."""


SECTIONS = ("device", "sweep", "calibration", "plan", "classify")
GYROMAGNETIC_RATIO = 1.76085963e11  # γ = γ0/μ0 (rad/(s T)), for the vortex gyrovector


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
    classify: Any
    raw: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        return {"device": self.device.to_dict(), "sweep": to_dict(self.sweep),
                "calibration": to_dict(self.calibration), "plan": to_dict(self.plan),
                "classify": to_dict(self.classify)}


def default_config_path() -> Path:
    """The embedded default config (package data ``multiscale/defaults/chain.toml``)."""
    return Path(__file__).resolve().parent / "defaults" / "chain.toml"


def parse_classify(mapping: Any, where: str = "classify") -> Any:
    """The ``multiscale classify`` config from a mapping (``patterns`` checked here).

    ``config.parse`` does not take the bare ``dict`` type of ``patterns``; it is checked here
    (class -> pattern string or list of them) and set after parsing.
    """
    from multiscale.commands.classify import config_class

    if not isinstance(mapping, dict):
        fail(where, mapping, "must be a table of the classify sections")
    mapping = dict(mapping)
    patterns = mapping.pop("patterns", {})
    if not isinstance(patterns, dict) or not all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
            for v in patterns.values()):
        fail(f"{where}.patterns", patterns,
             "must be a table: vowel -> pattern string or list of pattern strings")
    config = parse(config_class(), mapping, where=where)
    return dataclasses.replace(config, patterns=dict(patterns)) if patterns else config


def parse_chain_config(data: dict, overrides: dict | None = None) -> ChainConfig:
    """A :class:`ChainConfig` from a TOML mapping; ``overrides`` replace ``[device]`` keys."""
    from multiscale.sweep import SweepSettings, parse_device

    if not isinstance(data, dict):
        fail("config", data, "must be a table")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        fail(unknown[0], data[unknown[0]], f"unknown section; allowed: {list(SECTIONS)}")
    if "device" not in data:
        raise InputError("device: required section is missing")
    device_table = dict(data["device"]) if isinstance(data["device"], dict) else data["device"]
    if overrides and isinstance(device_table, dict):
        device_table.update(overrides)
    device = parse_device(device_table)
    sweep = parse(SweepSettings, data.get("sweep", {}), where="sweep")
    calibration = parse(CalibrationSettings, data.get("calibration", {}), where="calibration")
    plan = parse(PlanSettings, data.get("plan", {}), where="plan")
    classify = parse_classify(data.get("classify", {}))
    return ChainConfig(device, sweep, calibration, plan, classify, raw=data)


def load_chain_config(path: str | Path | None = None) -> ChainConfig:
    """Read a chain config; ``None`` reads the embedded default."""
    path = default_config_path() if path is None else Path(path)
    data = read_toml(path)
    return parse_chain_config(data)


# ---------------------------------------------------------------------------- physics helpers
def vortex_mode_energy(device: Any, f0: float) -> float:
    """Thiele estimate of the mode energy λ (J) of a vortex gyrating at ``f0`` (Hz).

    With c = (X + iY)/R the power is p = (r/R)², and the confinement energy of the core at
    radius r is ½ κ r² with stiffness κ = G ω (Thiele: gyrotropic force balance, ω = κ/G), G
    = 2π Ms L / γ the gyrovector (kg/s). So E = λ p with λ = ½ G ω R² = π Ms L ω R² / γ.
    """
    radius = device.diameter / 2
    gyrovector = 2 * math.pi * device.Ms * device.thickness / GYROMAGNETIC_RATIO
    return 0.5 * gyrovector * (2 * math.pi * f0) * radius**2


def _reference_oscillator():
    from network.vowels import default_oscillators

    return default_oscillators(1, spread=0.0)[0]


def monotonic_branch(model: Any, lo: float, hi: float) -> tuple[float, float, str]:
    """The widest (in frequency) part of [lo, hi] (A) over which ``model``'s f(I) is monotonic.

    The learning rule moves a current towards or away from a source's frequency, so it needs
    a monotonic tuning curve. A vortex oscillator's f(I) may rise and then fall (the
    nonlinear shift N p(I) against a negative df/dI): then only one branch is used.
    Returns (lo, hi, "rising" or "falling").
    """
    import numpy as np

    current = np.linspace(lo, hi, 401)
    frequency = np.asarray(model.frequency(current), float)
    sign = np.sign(np.diff(frequency))
    # runs of one sign: [start, end] indices into current
    breaks = np.flatnonzero(sign[1:] != sign[:-1]) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(sign)]])
    spans = [abs(frequency[e] - frequency[b]) if sign[b] != 0 else 0.0
             for b, e in zip(starts, ends, strict=True)]
    best = int(np.argmax(spans))
    if spans[best] <= 0.0:
        raise NetworkPlanError(f"calibrated model: f(I) does not change over the current "
                               f"window [{lo:.4g}, {hi:.4g}] A; nothing to tune the network with")
    b, e = starts[best], ends[best]
    return float(current[b]), float(current[e]), "rising" if sign[b] > 0 else "falling"


def adapt_plan(classify_config: Any, model: Any, current_window: tuple[float, float],
               margin: float = 0.0) -> tuple[Any, dict]:
    """Map the reference frequency plan of ``classify_config`` onto the device ``model``.

    The plan in ``classify.network`` is read as written for the reference oscillator
    (:func:`network.vowels.default_oscillators`) over its ``current_range``. With
    ``s = Δf_device / Δf_reference`` the ratio of the tuning ranges (device: over
    ``current_window`` (A), shrunk by ``margin`` at each end, and restricted to the widest
    monotonic branch of f(I), :func:`monotonic_branch`; rising or falling), frequencies
    map affinely onto the device's reach [min f, max f], the
    source amplitudes scale by ``s · Δ_ref(1)/Δ_dev(1)`` (Δ the locking half-width per unit
    drive at mid-range, so locking windows cover the same fraction of the range), the mutual
    coupling by ``s · √(1+ν_ref²)/√(1+ν_dev²)``, the lock tolerance by ``s`` and the durations
    and step by ``1/s``. Returns (new config, a dict describing the mapping).
    """
    import numpy as np

    net, sim = classify_config.network, classify_config.simulation
    ref = _reference_oscillator()
    lo_ref, hi_ref = net.current_range
    lo, hi = sorted(float(v) for v in current_window)
    width = hi - lo
    lo, hi = lo + margin * width, hi - margin * width
    if model.I_th <= 0 or hi <= model.I_th:
        raise InputError(f"calibrated model: I_th = {model.I_th:.4g} A, current window [{lo:.4g}, "
                         f"{hi:.4g}] A; the plan needs positive currents above threshold")
    lo = max(lo, model.I_th + 0.05 * (hi - model.I_th))  # stay above threshold
    fr_lo, fr_hi = float(ref.frequency(lo_ref)), float(ref.frequency(hi_ref))
    lo, hi, branch = monotonic_branch(model, lo, hi)
    f_lo, f_hi = sorted((float(model.frequency(lo)), float(model.frequency(hi))))
    scale = (f_hi - f_lo) / (fr_hi - fr_lo)  # a falling f(I) maps the same bands

    def frequency(f: float) -> float:
        return f_lo + (f - fr_lo) * scale

    mid_ref, mid = 0.5 * (lo_ref + hi_ref), 0.5 * (lo + hi)
    unit_ref = float(ref.locking_range(mid_ref, 1.0))
    unit_dev = float(model.locking_range(mid, 1.0))
    drive = scale * unit_ref / unit_dev
    nu_ref, nu_dev = float(ref.nonlinearity(mid_ref)), float(model.nonlinearity(mid))
    coupling = scale * math.sqrt(1 + nu_ref**2) / math.sqrt(1 + nu_dev**2)
    new_net = dataclasses.replace(
        net,
        f1_band=[frequency(f) for f in net.f1_band],
        f2_band=[frequency(f) for f in net.f2_band],
        current_range=[lo, hi],
        source_amplitude=[a * drive for a in net.source_amplitude],
        coupling_strength=net.coupling_strength * coupling,
    )
    new_sim = dataclasses.replace(
        sim, duration=sim.duration / scale, readout_window=sim.readout_window / scale,
        step=min(sim.step / scale, 2e-9), tolerance=sim.tolerance * scale)
    description = {
        "scale": scale, "branch": branch, "reference_current_range_A": [lo_ref, hi_ref],
        "reference_frequency_range_Hz": [fr_lo, fr_hi], "current_range_A": [lo, hi],
        "frequency_range_Hz": [f_lo, f_hi], "drive_factor": drive,
        "coupling_factor": coupling, "nonlinearity_mid": nu_dev,
        "locking_half_width_Hz": [float(model.locking_range(mid, a))
                                  for a in new_net.source_amplitude],
        "linewidth_mid_Hz": float(np.nan_to_num(dataclasses.replace(
            model, temperature=net.temperature).linewidth(mid), nan=0.0)),
    }
    return dataclasses.replace(classify_config, network=new_net, simulation=new_sim), description


# ---------------------------------------------------------------------------- network stage
def classify_models(classify_config: Any, model: Any) -> list:
    """The oscillators of the network: ``model`` copied with the configured spread."""
    from multiscale.commands.classify import build_network

    return list(build_network(classify_config, [model]).oscillators)


def build_sync_network(classify_config: Any, model: Any):
    """The vowel network of ``classify_config`` on copies of ``model`` (with the spread).

    :func:`multiscale.commands.classify.build_network` with one model; its ValueError names
    the key within ``[classify]``.
    """
    from multiscale.commands.classify import build_network

    try:
        return build_network(classify_config, [model])
    except ValueError as error:
        raise ValueError(f"classify.{error}") from None


# ---------------------------------------------------------------------------- training
def train_and_test(classify_config: Any, model: Any | None, progress=None) -> dict:
    """Cross-validate the vowel network of ``classify_config`` built on ``model``.

    ``model`` None: the reference oscillators. Returns a dict with ``network``, ``samples``,
    ``folds``, ``results`` (list of :class:`network.experiment.FoldResult`),
    ``accuracy_train`` and ``accuracy_test``. Bad values raise InputError naming the key.
    """
    import numpy as np

    from multiscale import datasets
    from multiscale.commands.classify import build_network
    from network import experiment, vowels
    from network.learning import OnlineRule

    config = classify_config
    data = datasets.hillenbrand(config.task.data or None)
    try:
        samples = vowels.vowel_samples(data, config.task.vowels, config.task.group)
    except ValueError as error:
        raise InputError(f"classify.task: {error}") from None
    try:
        network = (build_network(config, None) if model is None
                   else build_sync_network(config, model))
    except ValueError as error:
        raise NetworkPlanError(str(error)) from None
    try:
        folds = vowels.speaker_folds(samples.speaker, config.task.folds, config.task.seed)
        rule = OnlineRule(rate_toward=config.learning.rate_toward,
                          rate_away=config.learning.rate_away, margin=config.learning.margin,
                          toward=config.learning.toward,
                          current_min=network.current_range[0],
                          current_max=network.current_range[1])
    except InputError:
        raise
    except ValueError as error:
        raise InputError(str(error)) from None
    run_folds = config.task.run_folds or list(range(config.task.folds))
    bad = [k for k in run_folds if not 0 <= k < config.task.folds]
    if bad:
        raise InputError(f"classify.task.run_folds = {run_folds!r}: folds must be in "
                         f"[0, {config.task.folds - 1}]")
    results = experiment.cross_validate(
        network, samples, folds, run_folds=run_folds, epochs=config.learning.epochs,
        rule=rule, decay=config.learning.decay, batch_size=config.learning.batch_size,
        seed=config.task.seed, progress=progress)
    return {"network": network, "samples": samples, "folds": folds, "results": results,
            "accuracy_train": float(np.mean([r.train_accuracy for r in results])),
            "accuracy_test": float(np.mean([r.test_accuracy for r in results]))}


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

    @property
    def figures(self) -> dict:
        """The closing figures: wall time, f0, I_th, test accuracy."""
        return {"wall_s": self.wall_s, "f0_Hz": self.model.f0, "I_th_A": self.model.I_th,
                "accuracy_test": self.summary["accuracy_test"]}


def _stage_sweep(config: ChainConfig, out: Path, store, engine, scheduler, progress) -> dict:
    from multiscale.sweep import run_sweep

    started = time.time()
    result = run_sweep(config.device, config.sweep, engine=engine, out=out / "sweep",
                       store_root=store.root, scheduler=scheduler, progress=progress)
    if result.dataset is None:
        raise InputError(f"sweep: every current failed: {result.failed}")
    info = json.loads((out / "sweep" / "info.json").read_text())
    return {"dataset": result.dataset, "runs": sorted(Path(p).name for p in info["runs"].values()),
            "failed": {str(k): v for k, v in result.failed.items()},
            "reused": result.computed == 0, "computed": result.computed,
            "wall_s": time.time() - started, "folder": str(out / "sweep")}


def _stage_calibration(config: ChainConfig, sweep: dict, store) -> dict:
    import xarray as xr

    from compact.estimator import AutoOscillatorFit
    from compact.model import AutoOscillator
    from multiscale.commands.calibrate import plot_calibration
    from multiscale.store import write_dataset, write_json

    started = time.time()
    settings = config.calibration
    inputs = {"kind": "calibration", "runs": sweep["runs"], "settings": to_dict(settings)}
    found = store.find(inputs, engine="compact")
    reused = found is not None
    if found is None:
        with store.record(inputs, engine="compact") as run:
            mode = None if settings.mode == "auto" else settings.mode
            timeseries, expelled = _without_expelled_core(sweep["dataset"])
            try:
                fit = AutoOscillatorFit(mode=mode, power_floor=settings.power_floor,
                                        fit_df_dI=settings.fit_df_dI).fit(timeseries)
            except ValueError as error:
                raise InputError(
                    f"calibration of the sweep (sweep.current_densities, sweep.duration): "
                    f"{error}" + (f"; the core was expelled at {expelled} A/m^2" if expelled
                                  else "")) from None
            calibration, model = fit.calibration_, fit.model_
            calibration.attrs["expelled_current_densities"] = json.dumps(expelled)
            source = "fit"
            if not calibration.attrs.get("mode_energy_identified", 0):
                if settings.mode_energy > 0:
                    lam, source = settings.mode_energy, "calibration.mode_energy"
                elif getattr(config.device, "kind", "") == "vortex":
                    lam, source = vortex_mode_energy(config.device, model.f0), "thiele"
                else:
                    lam, source = model.mode_energy, "default"
                model = dataclasses.replace(model, mode_energy=lam)
                calibration.attrs["model"] = json.dumps(model.to_dict())
            calibration.attrs["mode_energy_source"] = source
            write_dataset(calibration, run.path / "calibration.nc")
            model.to_json(run.path / "model.json")
            plot_calibration(calibration, run.path / "calibration.png")
            write_json({"stderr": fit.stderr_, "mode_energy_source": source},
                       run.path / "stderr.json")
        found = run.path
    calibration = xr.load_dataset(found / "calibration.nc", engine="h5netcdf")
    return {"calibration": calibration, "model": AutoOscillator.from_json(found / "model.json"),
            "stderr": json.loads((found / "stderr.json").read_text()), "folder": str(found),
            "reused": reused,
            "wall_s": time.time() - started}


def _without_expelled_core(timeseries: Any) -> tuple[Any, list[float]]:
    """The sweep without currents whose vortex core left the disk (NaN core position).

    Above the expulsion current J_c2 there is no steady orbit to calibrate; those currents
    are reported (A/m²) and left out.
    """
    import numpy as np

    if "core_x" not in timeseries:
        return timeseries, []
    lost = np.asarray(np.isnan(timeseries["core_x"]).any("time").values, bool)
    expelled = [float(j) for j in timeseries["current_density"].values[lost]]
    return timeseries.isel(current=np.flatnonzero(~lost)), expelled


def calibrated_window(calibration: Any, model: Any) -> tuple[float, float]:
    """(lowest, highest) oscillating current of the calibration (A), above threshold."""
    import numpy as np

    current = np.asarray(calibration["current"].values, float)
    on = np.asarray(calibration["oscillating"].values, bool)
    on &= np.abs(current) > abs(model.I_th)
    if on.sum() < 2:
        raise InputError("calibration: fewer than two oscillating currents above the fitted "
                         "threshold; extend sweep.current_densities above threshold")
    return float(current[on].min()), float(current[on].max())


def _stage_classify(config: ChainConfig, model, calibration, store, progress) -> dict:
    from multiscale.store import write_json

    started = time.time()
    classify_config, plan = config.classify, {"adapted": False}
    if config.plan.adapt:
        window = calibrated_window(calibration, model)
        classify_config, plan = adapt_plan(config.classify, model, window,
                                           config.plan.window_margin)
        plan["adapted"] = True
    inputs = {"kind": "classify", "model": model.to_dict(), "config": to_dict(classify_config)}
    found = store.find(inputs, engine="network")
    reused = found is not None
    if found is None:
        with store.record(inputs, seed=classify_config.task.seed, engine="network") as run:
            _classify_into(classify_config, model, run.path, progress)
            write_json(plan, run.path / "plan.json")
        found = run.path
    return {"folder": str(found), "reused": reused, "wall_s": time.time() - started,
            "summary": json.loads((found / "summary.json").read_text()),
            "plan": json.loads((found / "plan.json").read_text()), "config": classify_config}


def _classify_into(classify_config, model, folder: Path, progress: bool) -> None:
    """Train, test and write results.nc, summary.json and the network figures in ``folder``."""
    import numpy as np
    from tqdm import tqdm

    from multiscale.store import write_dataset, write_figure, write_json
    from network import experiment, figures, vowels
    from network.encoding import encode

    config = classify_config
    with tqdm(desc="training", unit="sample", disable=not progress, leave=False) as bar:
        trained = train_and_test(config, model, progress=bar.update)
    network, samples, folds, results = (trained[k] for k in
                                        ("network", "samples", "folds", "results"))
    ds = experiment.results_dataset(network, samples, folds, results, to_dict(config))
    write_dataset(ds, folder / "results.nc")
    first = results[0]
    f_a, f_b, grid = vowels.response_map(network, first.currents,
                                         config.output.response_map_grid, seed=config.task.seed)
    training = samples.subset(first.train_index)
    free = [float(o.frequency(i)) for o, i in zip(network.oscillators, first.currents,
                                                   strict=True)]
    fig = figures.plot_response_map(f_a, f_b, grid, samples.classes,
                                    encode(training.features, network.maps), training.label,
                                    free)
    write_figure(fig, folder / "response_map.png")
    labels = samples.label[np.concatenate([r.test_index for r in results])]
    matrix = experiment.confusion_matrix(
        labels, np.concatenate([r.predicted for r in results]), len(samples.classes))
    write_figure(figures.plot_confusion(matrix, samples.classes), folder / "confusion.png")
    write_figure(figures.plot_training([r.history for r in results]), folder / "training.png")
    import matplotlib.pyplot as plt

    plt.close("all")
    write_json({
        "classes": list(samples.classes),
        "folds": {str(r.fold): {"train": r.train_accuracy, "test": r.test_accuracy,
                                "currents_A": r.currents.tolist()} for r in results},
        "accuracy_train": trained["accuracy_train"], "accuracy_test": trained["accuracy_test"],
        "confusion_test": matrix.tolist(), "n_samples": len(samples),
        "oscillators": [o.to_dict() for o in network.oscillators],
    }, folder / "summary.json")


def run_chain(config: ChainConfig | str | Path | None = None, *, out: str | Path = "run",
              engine: str | None = None, store_root: str | Path | None = None,
              scheduler: str | None = None, progress: bool = True) -> ChainResult:
    """Run sweep -> calibration -> classify; write Datasets, figures and a report into ``out``.

    Parameters
    ----------
    config
        A :class:`ChainConfig`, a TOML path, or None for the embedded default.
    out
        Output folder: ``report.md`` (read it first), ``info.json``, ``sweep/``,
        ``calibration/``, ``classify/`` and ``figures/``.
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
    from multiscale.store import Store, record_run, write_dataset

    started = time.time()
    if not isinstance(config, ChainConfig):
        config = load_chain_config(config)
    datasets.hillenbrand(config.classify.task.data or None)  # missing data: say so first
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(store_root if store_root is not None else out / "store")
    inputs = {"kind": "chain", "config": config.to_dict(), "engine": engine,
              "store": str(store.root.resolve())}
    with record_run(out, inputs, seed=config.sweep.seed,
                    engine=engine or config.sweep.engine) as record:
        sweep = _stage_sweep(config, out, store, engine, scheduler, progress)
        calibration = _stage_calibration(config, sweep, store)
        classify = _stage_classify(config, calibration["model"], calibration["calibration"],
                                   store, progress)
        for name, stage in (("calibration", calibration), ("classify", classify)):
            shutil.copytree(stage["folder"], out / name, dirs_exist_ok=True)
        figures = out / "figures"
        figures.mkdir(exist_ok=True)
        shutil.copy(out / "calibration" / "calibration.png", figures / "calibration.png")
        for name in ("response_map.png", "confusion.png", "training.png"):
            shutil.copy(out / "classify" / name, figures / name)
        spectra_figure(sweep["dataset"], calibration["calibration"], figures / "spectra.png")
        import xarray as xr

        results = xr.load_dataset(out / "classify" / "results.nc", engine="h5netcdf")
        stages = {
            "sweep": {"folder": sweep["folder"], "reused": sweep["reused"],
                      "computed": sweep["computed"], "failed": sweep["failed"],
                      "wall_s": sweep["wall_s"]},
            "calibration": {"folder": calibration["folder"], "reused": calibration["reused"],
                            "wall_s": calibration["wall_s"]},
            "classify": {"folder": classify["folder"], "reused": classify["reused"],
                         "wall_s": classify["wall_s"]},
        }
        wall = time.time() - started
        result = ChainResult(out=out, timeseries=sweep["dataset"],
                             calibration=calibration["calibration"], model=calibration["model"],
                             results=results, summary=classify["summary"],
                             plan=classify["plan"], stages=stages, wall_s=wall)
        write_report(result, config, calibration["stderr"], out / "report.md")
        write_dataset(calibration["calibration"], out / "calibration.nc")
        record.note(figures=result.figures, stages=stages)
    return result

"""Micromagnetic injection locking: mean frequency versus drive frequency, Δ_lock, κ.

For each DC current density the device runs free (from its relaxed state) until its orbit is
steady; every driven run then starts from the end of that free run, with an RF field (or RF
current) at drive frequency f_e = f_free + detuning, for each drive amplitude. Adler's equation
fitted to the phase difference ψ(t) after ``settle`` of all runs at one amplitude
(:func:`compact.locking.fit_adler`) gives the half-width Δ_lock(amplitude) and the plateau
centre; the mean oscillator frequency of each run (:func:`compact.locking.mean_frequency`)
against f_e shows the plateau and the pulling outside it, beside what the fitted equation
gives over the same window. With a calibrated
compact model, κ from Δ_lock at the smallest amplitude
(:func:`multiscale.coupling_calibration.calibrate_coupling`: the
closed form κ = 2π Δ_lock √p0 / (A √(1+ν²)), then corrected by driving the compact model
through the same protocol) is the input coupling, stored in the model (``kappa_field`` or
``kappa_current``) with its error.

Every run is a dask task in the provenance store (:mod:`multiscale.store`), so an interrupted
study resumes and a failed run is reported while the others go on.

Config (TOML)::

    [device]
    type = "vortex"
    ...
    [lock]
    current_densities = [9.0e10]      # A/m^2, DC points inside the window
    drive = "rf_field"                 # or "rf_current"
    amplitudes = [200.0, 400.0]        # A/m (rf_field) or A/m^2 (rf_current)
    detunings = [-2.0, -1.0, 0.0, 1.0, 2.0]   # x detuning_scale, x amplitude/amplitudes[0]
    detuning_scale = 5e6               # Hz
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from micromag.engines.registry import ENGINE_NAMES as ENGINES
from multiscale.config import CHAIN_SECTIONS, fail, parse, read_toml, spec, to_dict
from multiscale.errors import InputError
from multiscale.tasks import MAX_LOCAL_WORKERS

__all__ = ["LockSettings", "LockResult", "load_lock_config", "run_locking", "run_specs"]


@dataclass(frozen=True)
class LockSettings:
    """The ``[lock]`` table."""

    current_densities: list[float] = spec(unit="A/m^2", help="DC current densities")
    amplitudes: list[float] = spec(unit="A/m or A/m^2", gt=0, help="drive amplitudes")
    detunings: list[float] = spec(unit="detuning_scale", help="f_e - f_free in units of "
                                  "detuning_scale at amplitudes[0], scaled with amplitude")
    detuning_scale: float = spec(unit="Hz", gt=0, help="unit of the detunings")
    drive: Literal["rf_field", "rf_current"] = spec("rf_field", help="what drives the device")
    direction: list[float] = spec([1.0, 0.0, 0.0], unit="1", help="RF field direction")
    phase: float = spec(0.0, unit="rad", help="drive phase")
    strip_line_width: float = spec(0.0, unit="m", ge=0, help="strip line width; 0: uniform")
    strip_line_height: float = spec(0.0, unit="m", ge=0, help="strip line height above "
                                    "the free layer")
    engine: str = spec("builtin", choices=ENGINES, help="micromagnetic engine")
    free_duration: float = spec(100e-9, unit="s", gt=0, help="free run before the drive")
    duration: float = spec(60e-9, unit="s", gt=0, help="driven run")
    settle: float = spec(20e-9, unit="s", ge=0, help="excluded from the mean frequency")
    sampling_interval: float = spec(50e-12, unit="s", gt=0, help="time between samples")
    tolerance: float = spec(1e-5, gt=0, lt=1, help="relative tolerance of adaptive steps")
    relax: bool = spec(True, help="relax the device once before the free runs")
    workers: int = spec(0, ge=0, le=MAX_LOCAL_WORKERS,
                        help="local dask workers (0: one per core)")
    allow_large: bool = spec(False, help="run even when the scan would integrate more than "
                             "1e12 cell-steps or a run record more than 1e7 samples "
                             "(multiscale.sweep.check_size)")

    def __post_init__(self) -> None:
        for key in ("current_densities", "amplitudes", "detunings"):
            values = getattr(self, key)
            if not values:
                fail(f"lock.{key}", values, "must not be empty")
            if len(set(values)) != len(values):
                fail(f"lock.{key}", values, "must not repeat a value")
        if 10 * self.sampling_interval > self.duration:
            fail("lock.sampling_interval", self.sampling_interval,
                 f"must give >= 10 samples of lock.duration = {self.duration} s")
        nyquist = 0.5 / self.sampling_interval
        largest = float(np.max(np.abs(self.detuning(max(self.amplitudes)))))
        if not largest < nyquist:
            fail("lock.detuning_scale", self.detuning_scale,
                 f"the largest detuning, {largest:.3g} Hz, must stay below the Nyquist "
                 f"frequency 1/(2 lock.sampling_interval) = {nyquist:.3g} Hz")
        if self.settle >= self.duration - 10 * self.sampling_interval:
            fail("lock.settle", self.settle,
                 f"must leave >= 10 samples of lock.duration = {self.duration} s")
        if (self.strip_line_width > 0) != (self.strip_line_height > 0):
            fail("lock.strip_line_height", self.strip_line_height,
                 "> 0 together with lock.strip_line_width > 0 (both 0: a uniform field)")
        if self.drive == "rf_current" and self.strip_line_width > 0:
            fail("lock.strip_line_width", self.strip_line_width,
                 "0 for drive = 'rf_current' (a strip line makes an RF field)")
        if len(self.direction) != 3 or not math.hypot(*self.direction) > 0:
            fail("lock.direction", self.direction, "must be a non-zero 3-vector")
        self.make_drive(min(self.amplitudes), nyquist / 2)  # the drive's own checks, now

    def detuning(self, amplitude: float) -> np.ndarray:
        """Detunings f_e - f_free (Hz) at ``amplitude``."""
        scale = self.detuning_scale * amplitude / min(self.amplitudes)
        return np.asarray(sorted(self.detunings), dtype=float) * scale

    def make_drive(self, amplitude: float, frequency: float) -> Any:
        """The micromag drive of one run."""
        from micromag.drives import RFCurrent, RFField, StripLine

        if self.drive == "rf_current":
            return RFCurrent(amplitude, frequency, self.phase)
        strip = (StripLine(self.strip_line_width, self.strip_line_height)
                 if self.strip_line_width > 0 else None)
        return RFField(amplitude, frequency, self.phase, tuple(self.direction), strip)


def load_lock_config(path: str | Path) -> tuple[Any, LockSettings]:
    """(device, settings) from a TOML file with ``[device]`` and ``[lock]`` tables (other
    tables, e.g. ``[sweep]``, are ignored)."""
    from multiscale.sweep import parse_device

    data = read_toml(Path(path))
    unknown = sorted(set(data) - set(CHAIN_SECTIONS))
    if unknown:
        fail(unknown[0], data[unknown[0]],
             f"unknown section; allowed: [device], [lock] (and, ignored here, the other "
             f"sections of a chain config: {list(CHAIN_SECTIONS)})")
    if "device" not in data:
        raise InputError("device: required section is missing")
    if "lock" not in data:
        raise InputError("lock: required section is missing (see multiscale.lock)")
    device = parse_device(data["device"])
    settings = parse(LockSettings, data["lock"], where="lock")
    check_lock_size(device, settings)
    return device, settings


def check_lock_size(device: Any, settings: LockSettings) -> None:
    """:func:`multiscale.sweep.check_size` of a lock scan: per current density, one free run
    and one driven run per amplitude and detuning."""
    from multiscale.sweep import check_size

    driven = len(settings.amplitudes) * len(settings.detunings)
    durations = ([("free_duration", settings.free_duration)]
                 + [("duration", settings.duration)] * driven) * len(settings.current_densities)
    check_size(device, durations, settings.sampling_interval, where="lock",
               allow_large=settings.allow_large)


@dataclass
class LockResult:
    """What :func:`run_locking` did."""

    dataset: Any  #: xarray Dataset (current_density, amplitude, detuning) of the measurements
    fits: dict  #: (J, amplitude) -> compact.locking.LockingFit
    computed: int
    reused: int
    failed: dict  #: run label -> error message
    wall_s: float


def run_specs(specs: list[tuple[str, Any, str | None, dict]], engine: Any, device: Any,
              store: Any, *, scheduler: str | None = None, workers: int = 0,
              progress: bool = True, description: str = "runs") -> tuple[dict, dict, int]:
    """Run labelled RunSpecs (each from an initial-state .npy path or None) through the store.

    ``specs``: (label, RunSpec, initial .npy path or None, extra inputs). Returns (label ->
    store folder, label -> error, number reused).
    """
    import os

    from multiscale.sweep import _run_one
    from multiscale.tasks import run_tasks

    device_dict = device.to_dict()
    version = engine.version()
    folders: dict[str, Path] = {}
    pending = []
    for label, run_spec, initial, extra in specs:
        engine.check(device, run_spec)  # unsupported terms: an error before anything runs
        inputs = {"kind": "driven" if run_spec.drives else "current", "device": device_dict,
                  "engine": engine.name, "run": run_spec.to_dict(),
                  "initial": None if initial is None else Path(initial).parent.name, **extra}
        found = store.find(inputs, engine=engine.name, engine_version=version)
        if found is not None:
            folders[label] = found
        else:
            pending.append((label, run_spec, initial, inputs))
    reused = len(folders)

    def task(item):
        label, run_spec, initial, inputs = item
        return _run_one(engine.name, device_dict, run_spec.to_dict(), initial,
                        str(store.root), inputs, version)

    outcomes = run_tasks(task, pending, scheduler=scheduler,
                         workers=min(workers or os.cpu_count() or 1, max(len(pending), 1)),
                         description=description, progress=progress,
                         simulated_time=[run_spec.duration for _, run_spec, *_ in pending],
                         label=lambda item: f"run {item[0]}")
    failed = {}
    for outcome in outcomes:
        label = outcome.item[0]
        if outcome.ok:
            folder, computed = outcome.result
            folders[label] = Path(folder)
            reused += not computed  # an identical run elsewhere finished it first
        else:
            failed[label] = outcome.error.splitlines()[0]
    return folders, failed, reused


def _amplitude(folder: Path) -> tuple[Any, np.ndarray]:
    import xarray as xr

    from compact.observables import complex_amplitude

    ds = xr.load_dataset(folder / "timeseries.nc", engine="h5netcdf")
    return ds, complex_amplitude(ds).values[0]


def run_locking(device: Any, settings: LockSettings, *, out: str | Path = "lock",
                store_root: str | Path | None = None, scheduler: str | None = None,
                progress: bool = True,
                free_runs: dict[float, str | Path] | None = None) -> LockResult:
    """Free runs, then the driven runs of ``settings``; write ``out/locking.nc`` and figures.

    ``free_runs``: store folders of free runs made elsewhere, by current density (the chain's
    sweep: the same device and relaxed state, ``timeseries.nc`` sampled at
    ``settings.sampling_interval`` and ``m_final.npy``); those currents are not run free
    again, and their driven runs start where those runs ended.

    Writes ``out/locking.nc`` (dims current_density, amplitude, detuning: drive and mean
    oscillator frequency, phase difference; fitted half-widths and centres), ``info.json``, and
    ``plateau.png`` / ``tongue.png``.
    """
    import xarray as xr

    from compact.locking import adler_window_frequency, fit_adler, mean_frequency, phase_difference
    from micromag.engines import RunSpec
    from multiscale.store import open_store, output_folder, write_dataset, write_json
    from multiscale.sweep import _relaxed_state, available_engine

    started = time.time()
    engine = available_engine(settings.engine, "lock.engine")
    out = output_folder(out)
    store = open_store(store_root, out)
    dt = settings.sampling_interval
    common = {"sampling_interval": dt, "tolerance": settings.tolerance}

    given = {f"free J={J:.6g}": Path(folder) for J, folder in (free_runs or {}).items()
             if J in settings.current_densities}
    free_specs = [(f"free J={J:.6g}", RunSpec(current_density=J, record_final=True,
                                                duration=settings.free_duration, **common),
                   None, {}) for J in settings.current_densities
                  if f"free J={J:.6g}" not in given]
    for _, run_spec, _, _ in free_specs:
        engine.check(device, run_spec)
    initial = (_relaxed_state(engine, device, store, progress)
               if settings.relax and free_specs else None)
    free_specs = [(label, s, initial, extra) for label, s, _, extra in free_specs]
    free, failed, reused = run_specs(free_specs, engine, device, store, scheduler=scheduler,
                                     workers=settings.workers, progress=progress,
                                     description="free runs")
    computed = len(free) - reused
    free.update(given)
    reused += len(given)
    free_frequency, free_power = {}, {}
    driven_specs = []
    for J in settings.current_densities:
        folder = free.get(f"free J={J:.6g}")
        if folder is None or not (folder / "m_final.npy").exists():
            failed.setdefault(f"free J={J:.6g}", "the engine gave no final state to continue")
            continue
        _, c = _amplitude(folder)
        half = c.size // 2
        free_frequency[J], _ = mean_frequency(c, dt, 0.0, start=half)
        free_power[J] = float(np.mean(np.abs(c[half:]) ** 2))
        for amplitude in settings.amplitudes:
            for detuning in settings.detuning(amplitude):
                drive = settings.make_drive(amplitude, free_frequency[J] + detuning)
                run_spec = RunSpec(current_density=J, duration=settings.duration,
                                   drives=(drive,), **common)
                driven_specs.append(((J, amplitude, float(detuning)), run_spec,
                                     str(folder / "m_final.npy"), {}))
    driven, driven_failed, driven_reused = run_specs(
        driven_specs, engine, device, store, scheduler=scheduler, workers=settings.workers,
        progress=progress, description="driven runs")
    failed.update({f"J={k[0]:.6g} A={k[1]:.6g} detuning={k[2]:.6g}": v
                   for k, v in driven_failed.items()})
    computed += len(driven) - driven_reused
    reused += driven_reused

    currents = [J for J in settings.current_densities if J in free_frequency]
    amplitudes = sorted(settings.amplitudes)
    n_det = len(settings.detunings)
    shape = (len(currents), len(amplitudes), n_det)
    drive_f, osc_f, psi, adler_f = (np.full(shape, np.nan) for _ in range(4))
    start = int(round(settings.settle / dt))
    window = (settings.duration - settings.settle)
    fits = {}
    centre, centre_err, width, width_err, locking_phase, locking_phase_err = (
        np.full(shape[:2], np.nan) for _ in range(6))
    initial_phase = np.full(len(currents), np.nan)
    for i, J in enumerate(currents):
        smoothing = max(1, int(round(1 / (free_frequency[J] * dt))))  # one period
        for j, amplitude in enumerate(amplitudes):
            runs = []
            for k, detuning in enumerate(settings.detuning(amplitude)):
                drive_f[i, j, k] = free_frequency[J] + detuning
                folder = driven.get((J, amplitude, float(detuning)))
                if folder is not None:
                    _, c = _amplitude(folder)
                    if not np.isfinite(c).all():  # e.g. the vortex core left the disk
                        failed[f"J={J:.6g} A={amplitude:.6g} detuning={detuning:.6g}"] = (
                            "the complex amplitude is not finite over the run (core lost?)")
                        continue
                    initial_phase[i] = float(np.angle(c[0]))  # ψ(0): the drive's phase is 0
                    osc_f[i, j, k], psi[i, j, k] = mean_frequency(c, dt, drive_f[i, j, k],
                                                                  start=start)
                    runs.append((k, phase_difference(c, dt, drive_f[i, j, k], start)))
            try:
                fit = fit_adler([(phase, drive_f[i, j, k]) for k, phase in runs], dt,
                                smoothing)
            except ValueError as error:
                failed[f"fit J={J:.6g} A={amplitude:.6g}"] = str(error)
                continue
            fits[(J, amplitude)] = fit
            centre[i, j], centre_err[i, j] = fit.centre, fit.centre_error
            width[i, j], width_err[i, j] = fit.half_width, fit.half_width_error
            locking_phase[i, j], locking_phase_err[i, j] = fit.phase, fit.phase_error
            for k, phase in runs:
                adler_f[i, j, k] = adler_window_frequency(fit, drive_f[i, j, k], phase[0],
                                                          window)

    unit = "A/m" if settings.drive == "rf_field" else "A/m^2"
    dims = ("current_density", "amplitude", "detuning")
    dataset = xr.Dataset(
        {
            "drive_frequency": (dims, drive_f, {"units": "Hz", "long_name": "f_e"}),
            "frequency": (dims, osc_f, {"units": "Hz",
                                        "long_name": "mean oscillator frequency after settle"}),
            "phase_difference": (dims, psi, {"units": "rad",
                                             "long_name": "mean of arg c + 2 pi f_e t"}),
            "adler_frequency": (dims, adler_f, {
                "units": "Hz", "long_name": "mean frequency over the same window of the fitted "
                "Adler equation from the run's phase at settle"}),
            "free_frequency": (("current_density",), [free_frequency[J] for J in currents],
                               {"units": "Hz", "long_name": "free-running frequency"}),
            "initial_phase": (("current_density",), initial_phase, {
                "units": "rad", "long_name": "arg c at the start of the driven runs (the "
                "drive's phase is 0 there)"}),
            "free_power": (("current_density",), [free_power[J] for J in currents],
                           {"units": "1", "long_name": "free-running |c|^2"}),
            "half_width": (dims[:2], width, {"units": "Hz",
                                             "long_name": "Delta_lock (Adler fit)"}),
            "half_width_error": (dims[:2], width_err, {"units": "Hz"}),
            "centre": (dims[:2], centre, {"units": "Hz", "long_name": "plateau centre"}),
            "centre_error": (dims[:2], centre_err, {"units": "Hz"}),
            "locking_phase": (dims[:2], locking_phase, {
                "units": "rad", "long_name": "psi0 of the Adler fit: f_inst = centre + "
                "half_width sin(psi - psi0), psi = arg c + 2 pi f_e t"}),
            "locking_phase_error": (dims[:2], locking_phase_err, {"units": "rad"}),
        },
        coords={"current_density": ("current_density", currents, {"units": "A/m^2"}),
                "current": ("current_density", [J * device.area for J in currents],
                            {"units": "A"}),
                "amplitude": ("amplitude", amplitudes, {"units": unit}),
                "detuning": ("detuning", np.arange(n_det),
                             {"long_name": "index into the sorted lock.detunings"})},
        attrs={"drive": settings.drive, "amplitude_units": unit,
               "device": __import__("json").dumps(device.to_dict()),
               "settings": __import__("json").dumps(to_dict(settings)),
               "engine": engine.name, "engine_version": engine.version()},
    )
    write_dataset(dataset, out / "locking.nc")
    _figures(dataset, fits, out)
    wall = time.time() - started
    write_json({"config": {"device": device.to_dict(), "lock": to_dict(settings)},
                "computed": computed, "reused": reused, "failed": failed, "wall_s": wall,
                "success": not failed}, out / "info.json")
    return LockResult(dataset, fits, computed, reused, failed, wall)


def _figures(dataset: Any, fits: dict, out: Path) -> None:
    """``plateau.png`` (f - f_e versus f_e with Adler's fitted curve) and ``tongue.png``
    (plateau edges versus amplitude)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from compact.locking import adler_frequency
    from multiscale.store import write_figure

    currents = dataset.current_density.values
    unit = dataset.attrs["amplitude_units"]
    fig, axes = plt.subplots(1, len(currents), figsize=(5 * len(currents), 4), squeeze=False)
    for i, J in enumerate(currents):
        ax = axes[0, i]
        for j, a in enumerate(dataset.amplitude.values):
            f_e = dataset.drive_frequency.values[i, j]
            f = dataset.frequency.values[i, j]
            line, = ax.plot(f_e / 1e9, (f - f_e) / 1e6, "o", label=f"{a:g} {unit}")
            fit = fits.get((J, a))
            if fit is not None:
                grid = np.linspace(f_e.min(), f_e.max(), 300)
                ax.plot(grid / 1e9, (adler_frequency(grid, fit.centre, fit.half_width)
                                     - grid) / 1e6, "-", color=line.get_color())
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set(xlabel="drive frequency (GHz)", ylabel="f - f_e (MHz)",
               title=f"J = {J:.3g} A/m$^2$")
        ax.legend(fontsize=8)
    fig.tight_layout()
    write_figure(fig, out / "plateau.png", dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 4))
    for i, J in enumerate(currents):
        a = dataset.amplitude.values
        c = dataset.centre.values[i]
        w = dataset.half_width.values[i]
        f_free = float(dataset.free_frequency.values[i])
        line, = ax.plot((c - w - f_free) / 1e6, a, "o-", label=f"J = {J:.3g} A/m$^2$")
        ax.plot((c + w - f_free) / 1e6, a, "o-", color=line.get_color())
    ax.set(xlabel="f_e - f_free (MHz)", ylabel=f"drive amplitude ({unit})",
           title="Arnold tongue (plateau edges)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    write_figure(fig, out / "tongue.png", dpi=120)
    plt.close(fig)

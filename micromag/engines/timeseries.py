"""Shared output of every engine: the DESIGN.md time-series Dataset and the vortex core position.

Samples are recorded at t = k * sampling_interval, k = 0 .. round(duration/sampling_interval),
the initial state included. Dataset attr ``seed`` is -1 when there was no seed (netCDF
attributes cannot be None). The magnum.np worker imports this module in its own process: keep
it free of Ubermag and of the engine interface.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from ..version import suite_version

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from .problem import Problem
    from .runspec import RunSpec

__all__ = ["CORE_MIN_PEAK", "CORE_REGION_FRACTION", "CORE_WEIGHT_POWER", "core_polarity",
           "core_position", "timeseries_dataset"]

#: Below this peak |m_z| (1) a frame has no vortex core (it was expelled).
CORE_MIN_PEAK = 0.5
#: Exponent of the centroid weight (p m_z)^power of the core finder.
CORE_WEIGHT_POWER = 4
#: Cells with p m_z above this fraction of the peak enter the core centroid.
CORE_REGION_FRACTION = 0.5


def core_position(
    mz: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    *,
    min_peak: float = CORE_MIN_PEAK,
    power: int = CORE_WEIGHT_POWER,
) -> tuple[np.ndarray, np.ndarray]:
    """Vortex core position from the out-of-plane magnetisation.

    The core is where |m_z| peaks. Its position is the centroid of (p m_z)^power over the cells
    with p m_z above half the peak (p = sign of the peak), which resolves the position to a
    small fraction of a cell.

    Parameters
    ----------
    mz
        m_z averaged over the thickness, shape ``(nx, ny)`` or ``(nt, nx, ny)`` (1).
    x, y
        Cell-centre coordinates (m) relative to the disk centre, shapes ``(nx,)``, ``(ny,)``.
    min_peak
        Below this peak |m_z| there is no core (expelled): NaN is returned.
    power
        Weight exponent.

    Returns
    -------
    core_x, core_y
        Core coordinates (m), scalars or arrays of shape ``(nt,)``; NaN where there is no core.
    """
    mz = np.asarray(mz, dtype=float)
    single = mz.ndim == 2
    frames = mz[None] if single else mz
    nt = frames.shape[0]
    flat = np.abs(frames).reshape(nt, -1)
    peak_index = flat.argmax(axis=1)
    peak = flat[np.arange(nt), peak_index]
    sign = np.sign(frames.reshape(nt, -1)[np.arange(nt), peak_index])
    signed = frames * sign[:, None, None]
    weight = np.where(signed > CORE_REGION_FRACTION * peak[:, None, None], signed, 0.0) ** power
    total = weight.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        cx = np.einsum("tij,i->t", weight, x) / total
        cy = np.einsum("tij,j->t", weight, y) / total
    gone = peak < min_peak
    cx[gone] = np.nan
    cy[gone] = np.nan
    return (cx[0], cy[0]) if single else (cx, cy)


def core_polarity(mz: np.ndarray, *, min_peak: float = CORE_MIN_PEAK) -> int:
    """The vortex core's polarity: the sign (+1 or -1) of m_z where |m_z| peaks; 0 without a
    core (peak |m_z| below ``min_peak``).

    ``mz``: m_z of one frame, any shape (cells outside the magnet hold 0). A vortex driven
    above its upper window edge reverses its core (the critical core velocity, Guslienko et
    al., PRL 100, 027203 (2008)); the reversed core is damped by the same current and the
    orbit collapses, so the run is no longer an oscillator of the device's polarity.
    """
    mz = np.asarray(mz, dtype=float).ravel()
    peak = int(np.argmax(np.abs(mz)))
    return int(np.sign(mz[peak])) if abs(mz[peak]) >= min_peak else 0


def timeseries_dataset(
    device: Any,
    problem: Problem,
    spec: RunSpec,
    *,
    engine: str,
    engine_version: str,
    time: np.ndarray,
    m_average: np.ndarray,
    core: tuple[np.ndarray, np.ndarray] | None = None,
    final_state: np.ndarray | None = None,
    extra_attrs: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Assemble one current's run in the DESIGN.md time-series schema.

    Parameters
    ----------
    device
        The device (``to_dict()``, ``kind``, ``area``; MTJs ``resistance(m)``).
    problem, spec
        What was run.
    engine, engine_version
        Who ran it.
    time
        Sample times (s), shape ``(nt,)``.
    m_average
        Average of m over the magnetic volume, shape ``(nt, 3)`` (1).
    core
        Vortex core (x, y) (m), shapes ``(nt,)``; None for devices without a vortex.
    final_state
        The unit magnetisation at the end ``(nx, ny, nz, 3)``, stored as ``m_final`` so that a
        later run can continue from it (``RunSpec.initial_state``); None: not stored.
    extra_attrs
        More Dataset attrs (e.g. wall time, steps taken).
    """
    import xarray as xr

    time = np.asarray(time, dtype=float)
    m_average = np.asarray(m_average, dtype=float)
    if m_average.shape != (time.size, 3):
        raise ValueError(f"m_average has shape {m_average.shape}, expected ({time.size}, 3)")
    current = spec.current_density * float(device.area)
    coords = {
        "current": ("current", [current], {"units": "A", "long_name": "drive current"}),
        "current_density": ("current", [spec.current_density],
                            {"units": "A/m^2", "long_name": "current density, + along +z"}),
        "time": ("time", time, {"units": "s"}),
    }
    dims = ("current", "time")
    data = {
        name: (dims, m_average[None, :, i],
               {"units": "1", "long_name": f"average {name} / Ms over the magnetic volume"})
        for i, name in enumerate(("mx", "my", "mz"))
    }
    if core is not None:
        for name, values in zip(("core_x", "core_y"), core, strict=True):
            data[name] = (dims, np.asarray(values, float)[None, :],
                          {"units": "m", "long_name": f"vortex core {name[-1]} from disk centre"})
    resistance = getattr(device, "resistance", None)
    if callable(resistance):
        values = resistance(m_average)
        if values is not None:
            data["resistance"] = (dims, np.asarray(values, float)[None, :],
                                  {"units": "ohm", "long_name": "R = R_P + dR (1 - m.m_ref)/2"})
    final_polarity = None
    if final_state is not None:
        final_state = np.asarray(final_state, dtype=float)
        data["m_final"] = (("current", "x", "y", "z", "vector"), final_state[None], {
            "units": "1", "long_name": "unit magnetisation at the end of the run"})
        if core is not None:  # a vortex: which way its core points at the end
            final_polarity = core_polarity(final_state[..., 2].mean(axis=2))
    signal = spec.current_signal()
    if signal is not None:
        values = [signal.current_density(t) for t in time]
        data["drive_current_density"] = (dims, np.asarray(values)[None, :], {
            "units": "A/m^2", "long_name": "drive current density J(t) (DC + RF/waveform)"})
    rf_field = spec.field_drive()
    if rf_field is not None:
        values = rf_field.amplitude * np.cos(2 * np.pi * rf_field.frequency * time
                                             + rf_field.phase)
        data["drive_field"] = (dims, values[None, :], {
            "units": "A/m", "long_name": "RF field along its direction at the pillar axis"})
    attrs = {
        "device": json.dumps(device.to_dict()),
        "drives": json.dumps([drive.to_dict() for drive in spec.drives]),
        "engine": engine,
        "engine_version": engine_version,
        "suite_version": suite_version(),
        "cell_size": list(problem.cell),
        "temperature": float(spec.temperature),
        "seed": -1 if spec.seed is None else int(spec.seed),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "gamma0": problem.gamma0,
        "run_spec": json.dumps(spec.to_dict()),
    }
    if final_polarity is not None:
        attrs["final_core_polarity"] = final_polarity
    if spec.steady_state is not None:  # engines that stop early say why in extra_attrs
        attrs["stop_reason"] = f"{engine} cannot stop early: ran the whole duration"
    attrs.update(extra_attrs or {})
    return xr.Dataset(data, coords=coords, attrs=attrs)

"""Magnetoresistive oscillators in series with a load, simulated together in one run.

The circuit of :mod:`network.circuit` (Romera et al., Nature 563, 230 (2018)) with nothing
linearised: N devices in series carry the current I(t) of one DC current source I_dc; a bias
tee closes the RF loop through its capacitor C and the load R_L (the readout). Each device's
resistance follows its magnetisation, R_j = R_P + ΔR (1 - ⟨m_j⟩·m_ref)/2
(:meth:`micromag.devices.VortexSTNO.resistance`), and each device sees the current density
J_j(t) = I(t) / area_j in its spin-transfer torque and Oersted field — so the devices are
coupled only through the current they share.

Circuit (node A at the top of the chain; an ideal current source, whose RF impedance is
infinite, feeds it through the bias tee's inductor; the load branch is C in series with R_L):

    R_chain = Σ_j R_j(m_j)                     chain resistance (Ω)
    i_L = (R_chain I_dc - V_C) / (R_chain + R_L)   load current (A): Kirchhoff at node A and
                                               round the loop chain - C - R_L
    I = I_dc - i_L                             the chain current (A)
    C dV_C/dt = i_L                            the capacitor (V)

The capacitor starts charged to the chain's DC voltage R_chain(m(0)) I_dc (no load current
at t = 0). With C large enough that 1/(2π f C) << R_chain + R_L at the oscillation frequency f,
V_C follows the mean of R_chain I_dc and I = I_dc + i_rf with
i_rf = -I_dc δR_chain / (R_L + R_chain): the first-order form of :mod:`network.circuit`. The
capacitor's voltage is one more variable of the Runge-Kutta state (error-controlled in volts
with the same tolerance), so the current is exact at every stage.

Built-in engine only (the other engines cannot share a current between two meshes); each
device keeps its own mesh, terms and demagnetising field (the devices are far apart: no
magnetostatic coupling), T = 0.
"""

from __future__ import annotations

import json
import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..base import PROGRESS_INTERVAL
from ..errors import RunFailed
from ..runspec import RunSpec
from ..timeseries import core_position, timeseries_dataset
from . import kernels
from .engine import BuiltinEngine
from .recording import SampleClock
from .solver import FIRST_STEP, MAX_STEP, Simulation, integrate_rk45

__all__ = ["DEFAULT_CAPACITANCE", "SeriesCircuitRun", "SeriesResult", "run_series", "turned"]

#: bias-tee capacitance (F): 1/(2π f C) = 1.9 Ω at 0.83 GHz against a loop of ~250 Ω; the
#: capacitor then follows the mean chain voltage within (R_chain + R_L) C = 25 ns
DEFAULT_CAPACITANCE = 100e-12


def _positive(name: str, value: float, unit: str, allow_zero: bool = False) -> float:
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} = {value!r}: must be finite and {bound} ({unit})")
    return value


class SeriesCircuitRun:
    """The devices' simulations and the circuit as one state: the right-hand side.

    State y (flat): each device's unit magnetisation (3, nx, ny, nz), one after the other,
    then the capacitor voltage V_C (V).
    """

    def __init__(self, devices: Sequence[Any], simulations: Sequence[Simulation],
                 dc_current: float, load_resistance: float, capacitance: float):
        self.devices = list(devices)
        self.simulations = list(simulations)
        self.dc_current = float(dc_current)
        self.load_resistance = float(load_resistance)
        self.capacitance = float(capacitance)
        self.areas = np.array([float(d.area) for d in self.devices])
        sizes = [3 * int(np.prod(sim.n)) for sim in self.simulations]
        edges = np.concatenate([[0], np.cumsum(sizes)])
        self.slices = [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:],
                                                               strict=True)]
        self.size = int(edges[-1]) + 1
        self._layers = [np.zeros(sim.n[:2]) for sim in self.simulations]
        self._mean = np.zeros(3)

    def member(self, y: np.ndarray, j: int) -> np.ndarray:
        """Device j's magnetisation (3, nx, ny, nz): a view into the flat state."""
        return y[self.slices[j]].reshape(3, *self.simulations[j].n)

    def mean_magnetisation(self, y: np.ndarray, j: int,
                           layer: np.ndarray | None = None) -> np.ndarray:
        """Ms-weighted average of device j's m (3,)."""
        layer = self._layers[j] if layer is None else layer
        mean = np.zeros(3)
        kernels.mean_and_layer(self.member(y, j), self.simulations[j].ms, mean, layer)
        return mean

    def resistances(self, y: np.ndarray) -> np.ndarray:
        """R_j (Ω) of every device in state y."""
        return np.array([float(d.resistance(self.mean_magnetisation(y, j)))
                         for j, d in enumerate(self.devices)])

    def load_current(self, chain_resistance: float, capacitor_voltage: float) -> float:
        """i_L = (R_chain I_dc - V_C) / (R_chain + R_L) (A)."""
        return ((chain_resistance * self.dc_current - capacitor_voltage)
                / (chain_resistance + self.load_resistance))

    def initial_state(self, magnetisations: Sequence[np.ndarray]) -> np.ndarray:
        """Flat state of the devices' m (3, nx, ny, nz) with the capacitor at R_chain I_dc."""
        y = np.zeros(self.size)
        for j, m in enumerate(magnetisations):
            self.member(y, j)[...] = self.simulations[j].initial(m)
        y[-1] = self.resistances(y).sum() * self.dc_current
        return y

    def rhs(self, t: float, y: np.ndarray, out: np.ndarray) -> None:
        """dy/dt into ``out``: each device's LLG at J_j = I / area_j, and dV_C/dt = i_L / C."""
        i_load = self.load_current(self.resistances(y).sum(), y[-1])
        current = self.dc_current - i_load
        for j, sim in enumerate(self.simulations):
            sim.rhs(t, self.member(y, j), self.member(out, j),
                    current_density=current / self.areas[j])
        out[-1] = i_load / self.capacitance

    def normalize(self, y: np.ndarray) -> None:
        for j, sim in enumerate(self.simulations):
            kernels.normalize(self.member(y, j), sim.ms)


class _SeriesRecorder(SampleClock):
    """Samples of a series run: every device's average m, core and resistance; the current."""

    def __init__(self, run: SeriesCircuitRun, count: int, interval: float,
                 progress: Callable[[float], None] | None = None,
                 progress_interval: float = PROGRESS_INTERVAL):
        self.run = run
        self.count, self.interval, self.index = count, interval, 0
        self.stop_reason = None
        n = len(run.devices)
        self.times = np.zeros(count)
        self.m = np.zeros((n, count, 3))
        self.core = np.full((n, count, 2), np.nan)
        self.resistance = np.zeros((n, count))
        self.current = np.zeros(count)
        self.capacitor = np.zeros(count)
        self.progress, self.progress_interval = progress, float(progress_interval)
        self._next_report = self.progress_interval
        self._axes = []
        for sim in run.simulations:
            nx, ny, _ = sim.n
            self._axes.append(((np.arange(nx) + 0.5 - nx / 2) * sim.cell[0],
                               (np.arange(ny) + 0.5 - ny / 2) * sim.cell[1]))

    def record(self, t: float, y: np.ndarray) -> None:
        if self.full:
            return
        k = self.index
        for j, device in enumerate(self.run.devices):
            layer = self.run._layers[j]
            self.m[j, k] = self.run.mean_magnetisation(y, j, layer)
            self.resistance[j, k] = float(device.resistance(self.m[j, k]))
            if getattr(device, "kind", None) == "vortex":
                self.core[j, k] = core_position(layer, *self._axes[j])
        self.current[k] = self.run.dc_current - self.run.load_current(
            self.resistance[:, k].sum(), y[-1])
        self.capacitor[k] = y[-1]
        self.times[k] = t
        self.index += 1
        if self.progress is not None and (t >= self._next_report or self.full):
            self.progress(t)
            self._next_report = (t // self.progress_interval + 1) * self.progress_interval


@dataclass
class SeriesResult:
    """A series run: one DESIGN-schema time-series Dataset per device, and the final states."""

    datasets: list  #: xarray Datasets, one per device, with ``series_current`` (A) over time
    final_states: list  #: (nx, ny, nz, 3) unit magnetisation per device at the end
    wall_time: float  #: s


def run_series(devices: Sequence[Any], dc_current: float, duration: float,
               sampling_interval: float, *, load_resistance: float = 50.0,
               capacitance: float = DEFAULT_CAPACITANCE,
               initial_states: Sequence[Any] | None = None, tolerance: float = 1e-5,
               engine: BuiltinEngine | None = None,
               progress: Callable[[float], None] | None = None) -> SeriesResult:
    """Run ``devices`` in series with the load for ``duration`` (s) at the DC current I_dc (A).

    Parameters
    ----------
    devices
        Devices of :mod:`micromag.devices` with a read-out (``resistance_P`` set); they may
        differ (size, bias field, polarizer).
    dc_current
        I_dc (A) of the current source; J_j = I / area_j.
    duration, sampling_interval
        s.
    load_resistance, capacitance
        R_L (Ω, >= 0) and the bias tee's C (F, > 0).
    initial_states
        Per device (nx, ny, nz, 3) (e.g. the ``m_final`` of a free run), or None: the device's
        initial magnetisation.
    tolerance
        Of the adaptive Runge-Kutta steps (as :class:`~micromag.engines.runspec.RunSpec`).
    engine
        The built-in engine whose settings (FFT library, Runge-Kutta pair) are used.
    progress
        Called with the simulated time (s) reached.
    """
    if len(devices) < 1:
        raise ValueError("devices: need at least one device in the circuit")
    for j, device in enumerate(devices):
        if getattr(device, "resistance_P", None) is None:
            raise ValueError(f"devices[{j}].resistance_P = None: every device in a series "
                             "circuit needs its read-out (resistance_P, resistance_change, "
                             "reference) in ohm")
    dc_current = float(dc_current)
    if not np.isfinite(dc_current):
        raise ValueError(f"dc_current = {dc_current!r}: must be finite (A)")
    load_resistance = _positive("load_resistance", load_resistance, "ohm", allow_zero=True)
    capacitance = _positive("capacitance", capacitance, "F")
    duration = _positive("duration", duration, "s")
    sampling_interval = _positive("sampling_interval", sampling_interval, "s")
    if initial_states is None:
        initial_states = [None] * len(devices)
    if len(initial_states) != len(devices):
        raise ValueError(f"initial_states: {len(initial_states)} states for {len(devices)} "
                         "devices")
    engine = BuiltinEngine() if engine is None else engine
    simulations, problems, specs, m0 = [], [], [], []
    for device, state in zip(devices, initial_states, strict=True):
        spec = RunSpec(current_density=dc_current / float(device.area), duration=duration,
                       sampling_interval=sampling_interval, tolerance=tolerance,
                       initial_state=state)
        problem = engine.check(device, spec)
        if problem.temperature > 0:
            raise ValueError("run_series: T = 0 only (the thermal field's stochastic Heun "
                             "integrator does not carry the circuit)")
        simulations.append(engine._simulation(problem, spec))
        problems.append(problem)
        specs.append(spec)
        m0.append(np.moveaxis(problem.m0, -1, 0))
    run = SeriesCircuitRun(devices, simulations, dc_current, load_resistance, capacitance)
    nsamples = int(round(duration / sampling_interval))
    recorder = _SeriesRecorder(run, nsamples + 1, sampling_interval, progress)
    start = _time.perf_counter()
    final, accepted, rejected, _ = integrate_rk45(
        run.rhs, run.normalize, run.initial_state(m0), nsamples * sampling_interval, recorder,
        tolerance, MAX_STEP, simulations[0]._tableau, FIRST_STEP)
    wall = _time.perf_counter() - start
    if not (np.all(np.isfinite(recorder.m)) and np.all(np.isfinite(recorder.current))):
        raise RunFailed("builtin series run: the magnetisation or the current became NaN")
    circuit = {"dc_current": dc_current, "load_resistance": load_resistance,
               "capacitance": capacitance, "devices": len(devices)}
    datasets, finals = [], []
    for j, device in enumerate(devices):
        core = (recorder.core[j, :, 0], recorder.core[j, :, 1]) if device.kind == "vortex" \
            else None
        ds = timeseries_dataset(
            device, problems[j], specs[j], engine=engine.name, engine_version=engine.version(),
            time=recorder.times, m_average=recorder.m[j], core=core,
            extra_attrs={"wall_time_s": wall, "steps_accepted": accepted,
                         "steps_rejected": rejected, "integrator": engine.method,
                         "series_circuit": json.dumps(circuit), "series_position": j})
        ds["series_current"] = (("current", "time"), recorder.current[None, :], {
            "units": "A", "long_name": "current through the series chain I(t)"})
        ds["capacitor_voltage"] = (("current", "time"), recorder.capacitor[None, :], {
            "units": "V", "long_name": "bias-tee capacitor voltage V_C(t)"})
        datasets.append(ds)
        finals.append(np.ascontiguousarray(np.moveaxis(run.member(final, j), 0, -1)))
    return SeriesResult(datasets, finals, wall)


def turned(state: np.ndarray, quarter_turns: int) -> np.ndarray:
    """A magnetisation (nx, ny, nz, 3) on a square mesh turned by ``quarter_turns`` × 90°
    counter-clockwise about the z axis through the mesh centre, positions and vectors alike.

    Exact on the mesh (nx = ny); for a disk it is the same device, so the turned steady orbit
    of a vortex is that orbit a quarter period on (up to the polarizer's in-plane part, which
    the turn does not carry): the way to start identical devices at set phase differences.
    """
    state = np.asarray(state, dtype=float)
    if state.ndim != 4 or state.shape[-1] != 3 or state.shape[0] != state.shape[1]:
        raise ValueError(f"state: shape {state.shape}; expected (n, n, nz, 3) on a square mesh")
    out = state
    for _ in range(int(quarter_turns) % 4):
        out = np.rot90(out, 1, axes=(0, 1)).copy()
        mx, my = out[..., 0].copy(), out[..., 1].copy()
        out[..., 0], out[..., 1] = -my, mx
    return out

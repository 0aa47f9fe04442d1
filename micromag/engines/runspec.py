"""What to run for one current: :class:`RunSpec`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..drives import CurrentSignal, CurrentWaveform, RFCurrent, RFField, current_signal, field_drive
from .steady import SteadyState

__all__ = ["RunSpec"]


@dataclass(frozen=True)
class RunSpec:
    """What to run for ONE current.

    Parameters
    ----------
    current_density
        J_dc (A/m^2); positive J flows along +z and drives m towards the polarizer.
    drives
        Time-dependent drives (:mod:`micromag.drives`): at most one
        :class:`~micromag.drives.RFCurrent` (added to J_dc), one
        :class:`~micromag.drives.CurrentWaveform` (replacing J_dc) and one
        :class:`~micromag.drives.RFField`.
    duration
        Simulated time (s).
    sampling_interval
        Time between recorded samples (s).
    temperature
        T (K); T > 0 needs an engine with the ``"thermal"`` capability and a ``seed``.
    seed
        Seed of the thermal field's random numbers (recorded in the Dataset).
    tolerance
        Relative error tolerance of adaptive time stepping (1).
    thermal_time_step
        Fixed time step (s) of the stochastic integrator for T > 0.
    initial_state
        None: the device's own initial state (``device.initial_magnetisation()``); otherwise an
        array ``(nx, ny, nz, 3)`` on the device mesh (e.g. from ``Engine.relax``) or a
        discretisedfield Field.
    record_core
        Record the vortex core position ``core_x``, ``core_y`` (m).
    record_final
        Also return the final unit magnetisation as ``m_final`` (current, x, y, z, vector), for
        a later run to continue from (outside the time-series schema).
    steady_state
        Stop before ``duration`` once the oscillation is steady (:class:`SteadyState`); the
        Dataset then ends there and says why in ``attrs["stop_reason"]``. Engines that cannot
        stop early (OOMMF, magnum.np) run the whole duration. None: always the whole duration.
    """

    current_density: float = 0.0
    duration: float = 5e-9
    sampling_interval: float = 10e-12
    temperature: float = 0.0
    seed: int | None = None
    tolerance: float = 1e-5
    thermal_time_step: float = 1e-13
    initial_state: Any = field(default=None, compare=False, repr=False)
    record_core: bool = True
    record_final: bool = False
    drives: tuple[RFCurrent | CurrentWaveform | RFField, ...] = ()
    steady_state: SteadyState | None = None

    def __post_init__(self) -> None:
        if isinstance(self.steady_state, dict):
            object.__setattr__(self, "steady_state", SteadyState.from_dict(self.steady_state))
        if self.steady_state is not None and not isinstance(self.steady_state, SteadyState):
            raise ValueError(f"RunSpec.steady_state = {self.steady_state!r}: must be None or "
                             "a micromag.engines.SteadyState")
        if self.steady_state is not None and self.temperature > 0:
            raise ValueError("RunSpec.steady_state: a thermal run (temperature > 0) never "
                             "becomes steady in this sense; use None")
        drives = (self.drives,) if isinstance(self.drives, (RFCurrent, CurrentWaveform,
                                                             RFField)) else tuple(self.drives)
        for drive in drives:
            if not isinstance(drive, (RFCurrent, CurrentWaveform, RFField)):
                raise ValueError(f"RunSpec.drives: {drive!r} is not a drive; allowed are "
                                 "micromag.drives.RFCurrent, CurrentWaveform, RFField")
        object.__setattr__(self, "drives", drives)
        current_signal(self.current_density, drives)  # at most one of each kind
        field_drive(drives)
        checks = [
            ("duration", self.duration, self.duration > 0, "> 0 s"),
            ("sampling_interval", self.sampling_interval,
             0 < self.sampling_interval <= self.duration, "0 < value <= duration"),
            ("temperature", self.temperature, self.temperature >= 0, ">= 0 K"),
            ("tolerance", self.tolerance, 0 < self.tolerance < 1, "0 < value < 1"),
            ("thermal_time_step", self.thermal_time_step,
             0 < self.thermal_time_step <= self.sampling_interval, "0 < value <= sampling"),
            ("current_density", self.current_density, np.isfinite(self.current_density),
             "a finite number (A/m^2)"),
        ]
        for key, value, ok, allowed in checks:
            if not ok:
                raise ValueError(f"RunSpec.{key} = {value!r}: must be {allowed}")
        if self.temperature > 0 and self.seed is None:
            raise ValueError(
                f"RunSpec.seed = None with temperature = {self.temperature} K: a thermal run "
                "needs an integer seed so that it can be reproduced"
            )

    def current_signal(self) -> CurrentSignal | None:
        """J(t) of this run as a :class:`~micromag.drives.CurrentSignal`; None: J is constant."""
        return current_signal(self.current_density, self.drives)

    @property
    def reference_current_density(self) -> float:
        """J_ref (A/m^2): the current density of the System's Slonczewski term, J(t) =
        J_ref a(t); J_dc for a constant current."""
        signal = self.current_signal()
        return self.current_density if signal is None else signal.reference

    def field_drive(self) -> RFField | None:
        """The RF field of this run, or None."""
        return field_drive(self.drives)

    @property
    def n_samples(self) -> int:
        """Number of recorded samples, t = 0 included."""
        return int(round(self.duration / self.sampling_interval)) + 1

    def times(self) -> np.ndarray:
        """Sampling times (s), starting at 0."""
        return np.arange(self.n_samples) * self.sampling_interval

    @classmethod
    def from_dict(cls, data: dict[str, Any], initial_state: Any = None) -> RunSpec:
        """Inverse of :meth:`to_dict` (drives from their dict form)."""
        from ..drives import drive_from_dict

        data = dict(data)
        drives = tuple(drive_from_dict(d) if isinstance(d, dict) else d
                       for d in data.pop("drives", ()))
        return cls(**data, drives=drives, initial_state=initial_state)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able fields (``initial_state`` left out; ``steady_state`` only where set,
        so that the identity of a run without it is what it was before it existed)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("initial_state", "drives", "steady_state")}
        data["drives"] = [drive.to_dict() for drive in self.drives]
        if self.steady_state is not None:
            data["steady_state"] = self.steady_state.to_dict()
        return data

"""Samples of a run: averages and vortex-core positions at fixed times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..timeseries import core_position
from . import kernels

__all__ = ["Recorder", "SampleClock", "Trajectory"]


@dataclass
class Trajectory:
    """Samples of one run.

    Attributes
    ----------
    time : ndarray (n,)
        Sample times (s).
    m : ndarray (n, 3)
        Volume (Ms-weighted) average of the unit magnetisation.
    core : ndarray (n, 2) or None
        Vortex core position (m) relative to the mesh centre, NaN without a core.
    final : ndarray (3, nx, ny, nz)
        Magnetisation at the end.
    """

    time: np.ndarray
    m: np.ndarray
    core: np.ndarray | None
    final: np.ndarray
    accepted_steps: int = 0
    rejected_steps: int = 0
    field_evaluations: int = 0
    wall_time: float = 0.0
    seed: int | None = None
    stop_reason: str | None = None


class SampleClock:
    """The sample times of a recorder: ``count`` samples every ``interval`` (s) from t = 0;
    ``index`` counts those taken. The integrators ask ``next_time`` and ``full``."""

    count: int
    interval: float
    index: int

    @property
    def full(self) -> bool:
        return self.index >= self.count

    @property
    def next_time(self) -> float:
        return self.index * self.interval


class Recorder(SampleClock):
    """Averages and vortex-core positions at the sample times.

    The core is found by ``core_function(mz_layer)`` or, by default, by
    :func:`~micromag.engines.timeseries.core_position` (positions from the mesh centre).
    ``progress(t)`` is called at the first sample after every ``progress_interval`` (s) of
    simulated time and at the last sample. With ``steady`` (a
    :class:`~micromag.engines.steady.SteadyState`), the samples so far are checked every
    ``steady.check_interval``; once they are steady, ``stop_reason`` says why and the
    integrators stop.
    """

    def __init__(self, sim: Any, count: int, interval: float, record_core: bool,
                 core_function: Callable | None = None, *,
                 progress: Callable[[float], None] | None = None,
                 progress_interval: float = 1e-9, steady: Any = None):
        self.sim = sim
        self.steady = steady
        self.stop_reason: str | None = None
        self._next_check = steady.check_interval if steady is not None else np.inf
        self.progress = progress
        self.progress_interval = float(progress_interval)
        self._next_report = self.progress_interval
        self.core_function = core_function
        self.count = count
        self.interval = interval
        self.index = 0
        self.times = np.zeros(count)
        self.m = np.zeros((count, 3))
        self.record_core = record_core
        self.core = np.full((count, 2), np.nan) if record_core else None
        nx, ny, _ = sim.n
        self.layer = np.zeros((nx, ny))
        self.x = (np.arange(nx) + 0.5 - nx / 2) * sim.cell[0]
        self.y = (np.arange(ny) + 0.5 - ny / 2) * sim.cell[1]

    def record(self, t, m):
        if self.full:
            return
        m = m.reshape(3, *self.sim.n)
        mean = self.m[self.index]
        kernels.mean_and_layer(m, self.sim.ms, mean, self.layer)
        self.times[self.index] = t
        if self.record_core:
            finder = self.core_function
            self.core[self.index] = (finder(self.layer) if finder is not None
                                     else core_position(self.layer, self.x, self.y))
        self.index += 1
        if t >= self._next_check * (1 - 1e-9) and not self.full:
            self._next_check += self.steady.check_interval
            k = self.index
            signal = self.core[:k] if self.record_core else self.m[:k]
            self.stop_reason = self.steady.check(self.times[:k], signal)
        if self.progress is not None and (t >= self._next_report or self.full
                                          or self.stop_reason is not None):
            self.progress(t)
            self._next_report = (t // self.progress_interval + 1) * self.progress_interval

    def trajectory(self, final) -> Trajectory:
        k = self.index
        return Trajectory(time=self.times[:k].copy(), m=self.m[:k].copy(),
                          core=None if self.core is None else self.core[:k].copy(),
                          final=final.copy())

"""The engine interface: a device plus a run spec in, one time-series Dataset out.

Every engine (see :mod:`micromag.engines.registry`) implements :class:`Engine`. It states what
it can do (``capabilities``, names in :mod:`micromag.engines.capabilities`); :meth:`Engine.check`
translates the device (:func:`micromag.engines.translate.build_problem`) and raises
:class:`~micromag.engines.errors.UnsupportedTerm` for a term it cannot do, never dropping it.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .capabilities import DESCRIPTIONS
from .errors import EngineUnavailable, UnsupportedTerm
from .problem import Problem
from .runspec import RunSpec
from .translate import build_problem

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["Engine", "PROGRESS_INTERVAL"]

#: simulated time (s) between two calls of a run's ``progress`` callback, where the engine
#: can report during a run
PROGRESS_INTERVAL = 1e-9


class Engine(abc.ABC):
    """A micromagnetic engine: device + :class:`RunSpec` -> time-series Dataset.

    Subclasses set ``name`` and ``capabilities`` and implement :meth:`availability`,
    :meth:`version`, :meth:`relax` and :meth:`run`. ``run`` must call :meth:`check` first and
    return :func:`micromag.engines.timeseries.timeseries_dataset` so that every engine gives
    the same schema.
    """

    name: str = "abstract"
    capabilities: frozenset[str] = frozenset()

    @classmethod
    @abc.abstractmethod
    def availability(cls) -> tuple[bool, str]:
        """``(True, "")`` if the engine can run here, else ``(False, reason)``."""

    @abc.abstractmethod
    def version(self) -> str:
        """The engine's version string (recorded in every Dataset)."""

    def check(self, device: Any, spec: RunSpec, *, system: Any = None) -> Problem:
        """Translate the device and raise :class:`UnsupportedTerm` for any term not supported.

        Returns the :class:`Problem` so that engines need not build it twice.
        """
        problem = build_problem(device, spec, system=system)
        missing = sorted(problem.terms - self.capabilities)
        if missing:
            what = DESCRIPTIONS.get(missing[0], missing[0])
            raise UnsupportedTerm(missing[0], self.name,
                                  f"{what}; capabilities are {sorted(self.capabilities)}")
        return problem

    def require_available(self) -> None:
        """Raise :class:`EngineUnavailable` with the reason if the engine cannot run here."""
        ok, reason = self.availability()
        if not ok:
            raise EngineUnavailable(f"engine {self.name!r} is not available: {reason}")

    @abc.abstractmethod
    def relax(self, device: Any) -> np.ndarray:
        """Relax ``device.relax_system()`` (J = 0, energy minimisation or high damping).

        Returns the relaxed unit magnetisation ``(nx, ny, nz, 3)`` (0 outside the magnet), to be
        passed as ``RunSpec.initial_state`` of the runs that follow.
        """

    @abc.abstractmethod
    def run(self, device: Any, spec: RunSpec, *,
            progress: Callable[[float], None] | None = None) -> xr.Dataset:
        """Integrate the LLG-Slonczewski equation for one current; see
        :func:`micromag.engines.timeseries.timeseries_dataset`.

        ``progress(t)``, if given, is called with the simulated time t (s) reached, every
        :data:`PROGRESS_INTERVAL` of simulated time, by engines that can report during a run
        (the built-in one); engines that run in another program (OOMMF, magnum.np's process)
        do not call it, and the caller counts their run when it ends.

        Raises :class:`~micromag.engines.errors.RunFailed` if the integration diverges or the
        engine fails.
        """

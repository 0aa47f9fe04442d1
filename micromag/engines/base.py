"""The engine interface: a device plus a run spec in, one time-series Dataset out.

Every engine (``"builtin"``, ``"magnumnp"``, ``"oommf"``) implements :class:`Engine`. The
device (``micromag.devices``) describes the physics in Ubermag's language
(:class:`micromagneticmodel.System` on a :mod:`discretisedfield` mesh) plus the Oersted term
that Ubermag lacks. :func:`build_problem` translates both into one neutral, array-based
:class:`Problem`, so that every engine reads the same numbers and a term an engine cannot do is
detected in one place (:meth:`Engine.check`, raising :class:`UnsupportedTerm`), never dropped.

Conventions (shared by all engines, see PHYSICS.md section 1)
-------------------------------------------------------------
- SI units; gamma0 = ``micromagneticmodel.consts.gamma0`` = 2.21276e5 m/(A s).
- Arrays of vectors have discretisedfield's layout ``(nx, ny, nz, 3)``; scalar fields
  ``(nx, ny, nz)``. Cells outside the magnet have Ms = 0 and m = 0.
- Coordinates: cell centres ``x = origin + (i + 1/2) cell``; the devices put the pillar axis at
  x = y = 0, so core positions are measured from the disk centre.
- Positive current density J (A/m^2) flows along +z (electrons along -z) and, in OOMMF's
  Slonczewski form, drives m towards the polarizer m_p. Its Oersted field circulates
  counter-clockwise seen from +z: H = (J/2)(-y, x, 0) inside the pillar.
- Samples are recorded at t = k * sampling_interval, k = 0 .. round(duration/sampling_interval),
  the initial state included.
- Dataset attr ``seed`` is -1 when there was no seed (netCDF attributes cannot be None).

Engines are registered in ``_REGISTRY`` by "module:Class" and imported lazily by
:func:`get_engine`: ``micromag.engines.builtin`` must export ``BuiltinEngine``,
``micromag.engines.magnumnp`` ``MagnumNPEngine``, ``micromag.engines.oommf`` ``OOMMFEngine``.
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .timeseries import core_position, suite_version, timeseries_dataset

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = [
    "CAPABILITIES",
    "ENGINE_NAMES",
    "Engine",
    "EngineUnavailable",
    "Problem",
    "RunFailed",
    "RunSpec",
    "UnsupportedTerm",
    "build_problem",
    "core_position",
    "get_engine",
    "required_terms",
    "suite_version",
    "timeseries_dataset",
]

#: Everything an engine may declare it can do.
CAPABILITIES = frozenset(
    {
        "exchange",  # mm.Exchange
        "demag",  # mm.Demag
        "zeeman",  # static, uniform mm.Zeeman (bias field)
        "zeeman_time",  # mm.Zeeman with wave/func (time-dependent amplitude)
        "uniaxial_anisotropy",  # mm.UniaxialAnisotropy
        "slonczewski",  # mm.Slonczewski, OOMMF form
        "oersted",  # micromag.oersted.OerstedField of the drive current
        "thermal",  # temperature > 0 (Brown's thermal field)
        "relax",  # Engine.relax
    }
)

#: Registered engines, imported lazily: name -> "module:ClassName".
_REGISTRY = {
    "builtin": "micromag.engines.builtin:BuiltinEngine",
    "magnumnp": "micromag.engines.magnumnp:MagnumNPEngine",
    "oommf": "micromag.engines.oommf:OOMMFEngine",
}
ENGINE_NAMES = tuple(_REGISTRY)


class UnsupportedTerm(ValueError):
    """An engine was asked for a term it cannot compute (never dropped silently)."""

    def __init__(self, term: str, engine: str, detail: str = "") -> None:
        self.term = term
        self.engine = engine
        message = f"engine {engine!r} cannot compute the term {term!r}"
        super().__init__(message + (f": {detail}" if detail else ""))


class EngineUnavailable(RuntimeError):
    """The engine is not installed or cannot run here; the message says why."""


class RunFailed(RuntimeError):
    """A run did not finish: diverged, NaN magnetisation, or the engine process failed."""


@dataclass(frozen=True)
class RunSpec:
    """What to run for ONE current.

    Parameters
    ----------
    current_density
        J (A/m^2); positive J flows along +z and drives m towards the polarizer.
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
        array ``(nx, ny, nz, 3)`` on the device mesh (e.g. from :meth:`Engine.relax`) or a
        discretisedfield Field.
    record_core
        Record the vortex core position ``core_x``, ``core_y`` (m).
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

    def __post_init__(self) -> None:
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

    @property
    def n_samples(self) -> int:
        """Number of recorded samples, t = 0 included."""
        return int(round(self.duration / self.sampling_interval)) + 1

    def times(self) -> np.ndarray:
        """Sampling times (s), starting at 0."""
        return np.arange(self.n_samples) * self.sampling_interval

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able fields (``initial_state`` left out)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name != "initial_state"}


@dataclass(frozen=True)
class Problem:
    """The device plus run spec in plain arrays: what every engine computes, in SI units.

    Built by :func:`build_problem`; ``None`` means the term is absent. Vector arrays are
    ``(nx, ny, nz, 3)``, scalar ones ``(nx, ny, nz)``.
    """

    n: tuple[int, int, int]  #: cells along x, y, z
    cell: tuple[float, float, float]  #: cell edges (m)
    origin: tuple[float, float, float]  #: lower corner of the mesh (m)
    Ms: np.ndarray  #: saturation magnetisation per cell (A/m), 0 outside the magnet
    m0: np.ndarray  #: initial unit magnetisation (0 outside the magnet)
    gamma0: float  #: gyromagnetic ratio (m/(A s))
    alpha: float  #: Gilbert damping (1)
    exchange_A: float | None  #: exchange stiffness (J/m)
    demag: bool  #: demagnetising field on
    zeeman_H: np.ndarray | None  #: uniform static applied field (A/m), shape (3,)
    zeeman_wave: dict | None  #: {"wave": "sin"|"sinc", "f": Hz, "t0": s} multiplying zeeman_H
    anisotropy_K: float | None  #: uniaxial anisotropy constant (J/m^3)
    anisotropy_u: np.ndarray | None  #: easy axis (unit, shape (3,))
    slonczewski: dict | None  #: {"J", "mp" (3,), "P", "Lambda", "eps_prime"} OOMMF form
    oersted_H: np.ndarray | None  #: Oersted field of the current (A/m), (nx, ny, nz, 3)
    temperature: float  #: K
    seed: int | None
    terms: frozenset[str]  #: the capabilities this problem needs

    def coordinates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cell-centre coordinates x, y, z (m), 1-D arrays."""
        return tuple(  # type: ignore[return-value]
            self.origin[i] + (np.arange(self.n[i]) + 0.5) * self.cell[i] for i in range(3)
        )

    @property
    def magnetic(self) -> np.ndarray:
        """Boolean mask of the magnetic cells."""
        return self.Ms > 0


def _field_array(value: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A discretisedfield Field, array, or constant as a float array of ``shape``."""
    array = getattr(value, "array", value)
    return np.broadcast_to(np.asarray(array, dtype=float), shape).copy()


def required_terms(system: Any, oersted: Any, spec: RunSpec) -> frozenset[str]:
    """Capability names that running ``system`` with ``spec`` needs.

    Raises :class:`UnsupportedTerm` (engine ``"any"``) for Ubermag terms no engine of the suite
    knows, e.g. DMI or cubic anisotropy.
    """
    names = {
        "Exchange": "exchange",
        "Demag": "demag",
        "Zeeman": "zeeman",
        "UniaxialAnisotropy": "uniaxial_anisotropy",
        "Precession": None,
        "Damping": None,
        "Slonczewski": "slonczewski",
    }
    terms: set[str] = set()
    for term in list(system.energy) + list(system.dynamics):
        kind = type(term).__name__
        if kind not in names:
            raise UnsupportedTerm(kind, "any", "the suite's engines do not implement it")
        if names[kind]:
            terms.add(names[kind])
        given = vars(term)  # Ubermag terms return descriptor objects for unset attributes
        if kind == "Zeeman" and ("wave" in given or "func" in given):
            terms.add("zeeman_time")
        if kind == "Zeeman" and "func" in given:
            raise UnsupportedTerm("Zeeman(func=...)", "any", "use wave='sin' or 'sinc'")
        if kind == "Slonczewski" and "func" in given:
            raise UnsupportedTerm("Slonczewski(func=...)", "any",
                                  "time-dependent currents are not supported yet")
    if oersted is not None and spec.current_density != 0.0:
        terms.add("oersted")
    if spec.temperature > 0:
        terms.add("thermal")
    return frozenset(terms)


def build_problem(device: Any, spec: RunSpec, *, system: Any = None) -> Problem:
    """Translate ``device.system(spec.current_density)`` and the Oersted term into a Problem.

    Parameters
    ----------
    device
        A device of :mod:`micromag.devices`: ``system(current_density)``, ``oersted``
        (an ``OerstedField`` or None), ``initial_magnetisation()``.
    spec
        The run spec; its ``initial_state`` replaces the device's initial state if given.
    system
        A ready ``micromagneticmodel.System`` to use instead of ``device.system(J)``
        (e.g. :meth:`device.relax_system`).
    """
    if system is None:
        system = device.system(spec.current_density)
    mesh = system.m.mesh
    n = tuple(int(v) for v in mesh.n)
    shape3 = (*n, 3)
    Ms = _field_array(system.m.norm, (*n, 1))[..., 0]
    if spec.initial_state is not None:
        m0 = _field_array(spec.initial_state, shape3)
    else:
        m0 = _field_array(system.m, shape3)
    norm = np.linalg.norm(m0, axis=-1, keepdims=True)
    m0 = np.where((Ms[..., None] > 0) & (norm > 0), m0 / np.where(norm > 0, norm, 1), 0.0)
    if np.any((Ms > 0) & (norm[..., 0] == 0)):
        raise ValueError("initial_state: zero magnetisation inside the magnet")

    def get(kind: str, where: Any) -> Any:
        found = [t for t in where if type(t).__name__ == kind]
        return found[0] if found else None

    exchange = get("Exchange", system.energy)
    zeeman = get("Zeeman", system.energy)
    anisotropy = get("UniaxialAnisotropy", system.energy)
    precession = get("Precession", system.dynamics)
    damping = get("Damping", system.dynamics)
    stt = get("Slonczewski", system.dynamics)
    if precession is None or damping is None:
        raise ValueError("the system's dynamics needs mm.Precession and mm.Damping")
    for name, term in (("Exchange.A", exchange and exchange.A),
                       ("UniaxialAnisotropy.K", anisotropy and anisotropy.K),
                       ("Damping.alpha", damping.alpha)):
        if term is not None and not np.isscalar(term):
            raise UnsupportedTerm(name + " (spatially varying)", "any", "use one value")

    zeeman_wave = None
    if zeeman is not None and "wave" in vars(zeeman):
        zeeman_wave = {"wave": zeeman.wave, "f": float(zeeman.f), "t0": float(zeeman.t0)}
    slonczewski = None
    if stt is not None:
        slonczewski = {
            "J": float(stt.J),
            "mp": np.asarray(stt.mp, dtype=float) / np.linalg.norm(stt.mp),
            "P": float(stt.P),
            "Lambda": float(stt.Lambda),
            "eps_prime": float(stt.eps_prime),
        }
    oersted = getattr(device, "oersted", None)
    oersted_H = None
    if oersted is not None and spec.current_density != 0.0:
        oersted_H = oersted.to_array(mesh, spec.current_density)
        oersted_H[Ms == 0] = 0.0

    return Problem(
        n=n,
        cell=tuple(float(v) for v in mesh.cell),
        origin=tuple(float(v) for v in mesh.region.pmin),
        Ms=Ms,
        m0=m0,
        gamma0=float(precession.gamma0),
        alpha=float(damping.alpha),
        exchange_A=float(exchange.A) if exchange is not None else None,
        demag=get("Demag", system.energy) is not None,
        zeeman_H=_field_array(zeeman.H, (3,)) if zeeman is not None else None,
        zeeman_wave=zeeman_wave,
        anisotropy_K=float(anisotropy.K) if anisotropy is not None else None,
        anisotropy_u=(np.asarray(anisotropy.u, float) / np.linalg.norm(anisotropy.u)
                      if anisotropy is not None else None),
        slonczewski=slonczewski,
        oersted_H=oersted_H,
        temperature=float(spec.temperature),
        seed=spec.seed,
        terms=required_terms(system, oersted, spec),
    )


class Engine(abc.ABC):
    """A micromagnetic engine: device + :class:`RunSpec` -> time-series Dataset.

    Subclasses set ``name`` and ``capabilities`` and implement :meth:`availability`,
    :meth:`version`, :meth:`relax` and :meth:`run`. ``run`` must call :meth:`check` first and
    return :func:`timeseries_dataset` so that every engine gives the same schema.
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
            raise UnsupportedTerm(missing[0], self.name,
                                  f"capabilities are {sorted(self.capabilities)}")
        return problem

    def require_available(self) -> None:
        """Raise :class:`EngineUnavailable` with the reason if the engine cannot run here."""
        ok, reason = self.availability()
        if not ok:
            raise EngineUnavailable(f"engine {self.name!r} is not available: {reason}")

    @abc.abstractmethod
    def relax(self, device: Any) -> np.ndarray:
        """Relax ``device.relax_system()`` (J = 0, high damping or energy minimisation).

        Returns the relaxed unit magnetisation ``(nx, ny, nz, 3)`` (0 outside the magnet), to be
        passed as ``RunSpec.initial_state`` of the runs that follow.
        """

    @abc.abstractmethod
    def run(self, device: Any, spec: RunSpec) -> xr.Dataset:
        """Integrate the LLG-Slonczewski equation for one current; see :func:`timeseries_dataset`.

        Raises :class:`RunFailed` if the integration diverges or the engine fails.
        """


def get_engine(name: str) -> Engine:
    """An engine instance by name: one of :data:`ENGINE_NAMES`."""
    if name not in _REGISTRY:
        raise ValueError(f"engine = {name!r}: allowed are {', '.join(ENGINE_NAMES)}")
    module_name, class_name = _REGISTRY[name].split(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)()

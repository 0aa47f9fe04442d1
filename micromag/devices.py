"""Spin-torque nano-oscillator devices in Ubermag's language.

Each device is a frozen dataclass of SI parameters that builds a
:class:`micromagneticmodel.System` on a :mod:`discretisedfield` mesh (``system(J)``) plus the
Oersted term Ubermag lacks (``oersted``, :class:`micromag.oersted.OerstedField`).

- :class:`VortexSTNO`: cylindrical free layer in the vortex state, perpendicular polarizer.
  Defaults: the suite's reference device (PHYSICS.md section 6): permalloy disk 200 nm across,
  10 nm thick, 5 nm cells, Ms 8.0e5 A/m, A 1.3e-11 J/m, alpha 0.01 (standard permalloy values),
  P 0.4, Lambda 2, eps' 0 (OOMMF's Oxs_SpinXferEvolve defaults), m_p = +z.
- :class:`MTJOscillator`: uniformly magnetised free layer of an MTJ pillar, uniaxial anisotropy,
  in-plane or perpendicular polarizer, resistance R(m) = R_P + dR (1 - m.m_ref)/2.

Geometry: the pillar axis is x = y = 0, the free layer spans 0 <= z <= thickness and is ONE
cell thick along z: OOMMF's Slonczewski torque takes the free-layer thickness as the cell edge
along the current, so any other discretisation mis-scales the torque (an error here).
Sign convention: J > 0 flows along +z and drives m towards m_p (PHYSICS.md section 1).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .constants import GAMMA0, MU0
from .oersted import OerstedField

__all__ = [
    "DEVICE_TYPES",
    "MTJOscillator",
    "VortexSTNO",
    "device_from_dict",
    "exchange_length",
]

#: cells at most this many exchange lengths wide resolve the magnetisation (else a warning)
MAX_CELL_EXCHANGE_LENGTHS = 1.5
#: upper bounds of the material parameters: FeCo, the largest Ms known, has 1.9e6 A/m; the
#: exchange stiffness of ferromagnets is ~1e-12 to 3e-11 J/m
MAX_MS, MAX_EXCHANGE = 1.0e7, 1.0e-9
#: upper bounds of material and geometry parameters, with why (key, bound, unit, why):
#: beyond them a run overflows, diverges or never ends, and no device comes near them
BOUNDS = (("Ms", MAX_MS, "A/m", "FeCo, the largest, has 1.9e6"),
          ("A", MAX_EXCHANGE, "J/m", "ferromagnets: 1e-12-3e-11"),
          ("thickness", 1e-6, "m", "free layers of STNOs: 1-100 nm"),
          ("alpha", 1.0, "", "Gilbert damping of materials: 1e-3-0.1"),
          ("gamma0", 1e6, "m/(A s)", "2.21e5 for g = 2"),
          ("Lambda", 100.0, "", "Slonczewski's asymmetry: 1-3 in experiments"))
#: |eps_prime| at most this: the secondary torque no larger than a fully polarised current's
MAX_EPS_PRIME = 1.0
#: |anisotropy_K| at most this (J/m^3): the strongest magnets (SmCo5) have ~2e7
MAX_ANISOTROPY = 1e8
#: |bias_field|, |relax_field| at most this (A/m): ~125 T
MAX_FIELD = 1e8
#: the most cells a device's mesh may have (a 4096 x 4096 film: ~1 GiB per field array set)
MAX_CELLS = 4096 * 4096
#: Guslienko's thin-disk gyrotropic stiffness prefactor 5/(9 pi) (J. Appl. Phys. 91, 8037)
GUSLIENKO_PREFACTOR = 5.0 / (9.0 * math.pi)


def exchange_length(A: float, Ms: float) -> float:
    """Exchange length l_ex = sqrt(2 A / (mu0 Ms^2)) (m)."""
    return math.sqrt(2.0 * A / (MU0 * Ms**2))


def _bad(cls: str, key: str, value: Any, allowed: str) -> ValueError:
    return ValueError(f"{cls}.{key} = {value!r}: {allowed}")


def _unit(vector: Any, cls: str, key: str) -> np.ndarray:
    v = np.asarray(vector, dtype=float)
    if v.shape != (3,) or not np.isfinite(v).all() or math.hypot(*v) == 0:
        raise _bad(cls, key, vector, "must be a non-zero 3-vector")
    return v / math.hypot(*v)  # not np.linalg.norm: its squares overflow beyond ~1e154


class _Pillar:
    """Shared geometry, checks and System assembly of the pillar devices (mixin)."""

    kind = "pillar"

    def _check_common(self) -> None:
        name = type(self).__name__
        for key in ("thickness", "cell_size", "Ms", "A", "alpha", "gamma0"):
            value = getattr(self, key)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise _bad(name, key, value, "must be > 0")
        if self.cell_z is not None and not math.isclose(self.cell_z, self.thickness,
                                                        rel_tol=1e-9):
            raise _bad(name, "cell_z", self.cell_z,
                       f"the free layer must be ONE cell thick along z (cell_z = thickness = "
                       f"{self.thickness} m): the Slonczewski torque uses the cell edge along "
                       "the current as the layer thickness")
        for key, bound, unit, why in BOUNDS:
            if getattr(self, key) > bound:
                raise _bad(name, key, getattr(self, key),
                           f"must be <= {bound:g}{' ' + unit if unit else ''} ({why})")
        if not abs(self.eps_prime) <= MAX_EPS_PRIME:
            raise _bad(name, "eps_prime", self.eps_prime,
                       f"must be in [-{MAX_EPS_PRIME:g}, {MAX_EPS_PRIME:g}] (the secondary "
                       "torque, at most that of a fully polarised current)")
        lx, ly = self._extent_xy()
        cells = (lx / self.cell_size) * (ly / self.cell_size)  # float: no overflow
        if cells > MAX_CELLS:
            size = " x ".join(f"{name}.{key} = {value:.3g} m"
                              for key, value in zip(self._size_keys(), (lx, ly), strict=True)
                              if key)
            raise _bad(name, "cell_size", self.cell_size,
                       f"with {size} the mesh would have {cells:.3g} cells; at most "
                       f"{MAX_CELLS} (larger cells, or a smaller device)")
        if not 0 <= self.P <= 1:
            raise _bad(name, "P", self.P, "spin polarization must be in [0, 1]")
        if not self.Lambda >= 1:
            raise _bad(name, "Lambda", self.Lambda, "must be >= 1 (1: no angular dependence)")
        _unit(self.polarizer, name, "polarizer")
        if self.reference is not None:
            _unit(self.reference, name, "reference")
        for key in ("bias_field", "relax_field"):
            field = np.asarray(getattr(self, key), dtype=float)
            if field.shape != (3,):
                raise _bad(name, key, getattr(self, key), "must be a 3-vector in A/m")
            if not math.hypot(*field) <= MAX_FIELD:
                raise _bad(name, key, getattr(self, key),
                           f"must be at most {MAX_FIELD:g} A/m in magnitude (~125 T, beyond "
                           "the strongest laboratory magnets)")
        extent = min(self._extent_xy())
        if self.cell_size > extent:
            raise _bad(name, "cell_size", self.cell_size,
                       f"must not exceed the device's smallest in-plane size {extent} m")
        if not self.magnetic_volume_mask.any():
            raise _bad(name, "cell_size", self.cell_size,
                       "no cell centre lies inside the device: use smaller cells")
        warning = self.resolution_warning()
        if warning:
            warnings.warn(warning, UserWarning, stacklevel=3)

    def resolution_warning(self) -> str | None:
        """Why the mesh does not resolve the magnetisation (cells wider than
        :data:`MAX_CELL_EXCHANGE_LENGTHS` exchange lengths), or None."""
        l_ex = exchange_length(self.A, self.Ms)
        if self.cell_size <= MAX_CELL_EXCHANGE_LENGTHS * l_ex:
            return None
        return (f"{type(self).__name__}.cell_size = {self.cell_size:.3g} m exceeds "
                f"{MAX_CELL_EXCHANGE_LENGTHS:g} exchange lengths (l_ex = {l_ex:.3g} m): the "
                "magnetisation is not resolved")

    # geometry -------------------------------------------------------------------------------
    def _extent_xy(self) -> tuple[float, float]:
        raise NotImplementedError

    def _inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @cached_property
    def mesh(self) -> Any:
        """The discretisedfield mesh: one cell along z, centred on the pillar axis."""
        import discretisedfield as df

        lx, ly = self._extent_xy()
        nx = max(1, math.ceil(lx / self.cell_size - 1e-9))
        ny = max(1, math.ceil(ly / self.cell_size - 1e-9))
        half = (nx * self.cell_size / 2, ny * self.cell_size / 2)
        return df.Mesh(p1=(-half[0], -half[1], 0.0), p2=(half[0], half[1], self.thickness),
                       cell=(self.cell_size, self.cell_size, self.thickness))

    @cached_property
    def magnetic_volume_mask(self) -> np.ndarray:
        """Boolean ``(nx, ny, nz)``: cells whose centre lies inside the free layer."""
        x, y, z = (np.asarray(c) for c in self.mesh.cells)
        X, Y = np.meshgrid(x, y, indexing="ij")
        return np.repeat(self._inside(X, Y)[..., None], z.size, axis=2)

    @property
    def cell(self) -> tuple[float, float, float]:
        """Cell edges (m)."""
        return (self.cell_size, self.cell_size, self.thickness)

    @property
    def oersted(self) -> OerstedField | None:
        """The Oersted term of the drive current, or None if switched off: the long-cylinder
        field of the pillar's (elliptic) cross-section; for a rectangular MTJ pillar the
        ellipse of the same semi-axes, an approximation."""
        if not self.oersted_field:
            return None
        a, b = (v / 2 for v in self._extent_xy())
        return OerstedField(radius=a, radius_y=None if a == b else b)

    # Ubermag ---------------------------------------------------------------------------------
    def initial_magnetisation(self) -> np.ndarray:
        """Initial unit magnetisation ``(nx, ny, nz, 3)``, 0 outside the magnet."""
        raise NotImplementedError

    def _m_field(self, value: np.ndarray) -> Any:
        import discretisedfield as df

        norm = np.where(self.magnetic_volume_mask, self.Ms, 0.0)[..., None]
        return df.Field(self.mesh, nvdim=3, value=value, norm=norm, valid="norm")

    def system(self, current_density: float = 0.0, *, extra_field: Any = None,
               drives: tuple[Any, ...] = ()) -> Any:
        """The device as a :class:`micromagneticmodel.System` for current density J (A/m^2).

        Energy: exchange, demagnetisation, Zeeman (bias field plus ``extra_field``, A/m),
        uniaxial anisotropy where set. Dynamics: precession (gamma0), damping (alpha), and the
        Slonczewski torque when J != 0. The Oersted field is NOT in the System (Ubermag has no
        such term): it is :attr:`oersted`, which every engine adds.

        ``drives`` (:mod:`micromag.drives`) in Ubermag's terms: a current drive makes the torque
        ``mm.Slonczewski(J=J_ref, func=CurrentSignal, dt=...)`` with J(t) = J_ref func(t); an
        :class:`~micromag.drives.RFField` is a second ``mm.Zeeman(name="rf_field")`` of the
        spatial field H_rf u(r) with ``func="sin"`` and the t0 of its phase.
        """
        import micromagneticmodel as mm

        from .drives import current_signal, field_drive

        signal = current_signal(current_density, tuple(drives))
        rf_field = field_drive(tuple(drives))
        if signal is not None:
            current_density = signal.reference
        system = mm.System(name=self.kind)
        energy = mm.Exchange(A=self.A) + mm.Demag()
        field = np.asarray(self.bias_field, dtype=float)
        if extra_field is not None:
            field = field + np.asarray(extra_field, dtype=float)
        if np.any(field != 0):
            energy += mm.Zeeman(H=tuple(float(v) for v in field))
        if rf_field is not None:
            import discretisedfield as df

            mesh = self.mesh
            x, y, z = (float(mesh.region.pmin[i]) + (np.arange(int(mesh.n[i])) + 0.5)
                       * float(mesh.cell[i]) for i in range(3))
            pattern = rf_field.field(x, y, z) * self.magnetic_volume_mask[..., None]
            energy += mm.Zeeman(H=df.Field(self.mesh, nvdim=3, value=pattern), func="sin",
                                f=rf_field.frequency, t0=rf_field.t0(), name="rf_field")
        if getattr(self, "anisotropy_K", 0.0):
            axis = _unit(self.anisotropy_axis, type(self).__name__, "anisotropy_axis")
            energy += mm.UniaxialAnisotropy(K=self.anisotropy_K, u=tuple(axis))
        system.energy = energy
        dynamics = mm.Precession(gamma0=self.gamma0) + mm.Damping(alpha=self.alpha)
        if current_density != 0.0:
            profile = {} if signal is None else {"func": signal, "dt": signal.sample_step()}
            dynamics += mm.Slonczewski(J=float(current_density), mp=tuple(self.polarizer),
                                       P=self.P, Lambda=self.Lambda, eps_prime=self.eps_prime,
                                       **profile)
        system.dynamics = dynamics
        system.m = self._m_field(self.initial_magnetisation())
        system.T = 0.0
        return system

    def relax_system(self) -> Any:
        """The System relaxed before a sweep: J = 0, bias field plus ``relax_field``."""
        return self.system(0.0, extra_field=getattr(self, "relax_field", None))

    @property
    def area(self) -> float:
        """Pillar cross-section (m^2); the drive current is I = J * area."""
        a, b = (v / 2 for v in self._extent_xy())
        return math.pi * a * b

    def resistance(self, m_average: np.ndarray) -> np.ndarray | None:
        """MTJ resistance R = R_P + dR (1 - m.m_ref)/2 (ohm) of average m ``(..., 3)``, or None."""
        if self.resistance_P is None:
            return None
        ref = self.polarizer if self.reference is None else self.reference
        ref = _unit(ref, type(self).__name__, "reference")
        return self.resistance_P + self.resistance_change * (1.0 - np.asarray(m_average) @ ref) / 2

    def to_dict(self) -> dict[str, Any]:
        """Every parameter (SI), plus ``type`` and the derived mesh; JSON-able."""
        data = {"type": self.kind}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            data[f.name] = list(value) if isinstance(value, tuple) else value
        data["mesh_n"] = [int(v) for v in self.mesh.n]
        data["exchange_length"] = exchange_length(self.A, self.Ms)
        return data


@dataclass(frozen=True, eq=True)
class VortexSTNO(_Pillar):
    """Vortex spin-torque nano-oscillator: a magnetic disk in the vortex state.

    Defaults are the suite's reference device (PHYSICS.md section 6). Positive J with the
    default core polarity -1 amplifies gyration (J p < 0 with m_p = +z, PHYSICS.md section 1),
    and the default chirality +1 (counter-clockwise seen from +z) curls with the Oersted field
    of positive J.

    Parameters
    ----------
    diameter, thickness
        Disk size (m).
    cell_size
        In-plane cell edge (m); along z the disk is one cell (``cell_z`` None or = thickness).
    Ms, A, alpha, gamma0
        Saturation magnetisation (A/m), exchange stiffness (J/m), Gilbert damping (1),
        gyromagnetic ratio (m/(A s), Ubermag's ``mm.consts.gamma0``). Permalloy.
    polarizer, P, Lambda, eps_prime
        Slonczewski torque in OOMMF's form: m_p, polarization, Lambda, field-like eps'.
    oersted_field
        Include the long-cylinder Oersted field of the drive current.
    bias_field
        Static applied field (A/m).
    chirality
        +1: in-plane m curls counter-clockwise seen from +z (with the Oersted field of J > 0).
    core_polarity
        +1: core points along +z.
    core_shift
        Initial core position (x, y) (m) so that gyration starts.
    relax_field
        Extra in-plane field (A/m) applied only while relaxing, to hold the core off centre;
        released at t = 0 of every run.
    core_radius
        Width of the initial core profile (m).
    resistance_P, resistance_change, reference
        Optional MTJ read-out R = R_P + dR (1 - m.m_ref)/2 (ohm); ``reference`` None: polarizer.
    """

    diameter: float = 200e-9
    thickness: float = 10e-9
    cell_size: float = 5e-9
    cell_z: float | None = None
    Ms: float = 8.0e5
    A: float = 1.3e-11
    alpha: float = 0.01
    gamma0: float = GAMMA0
    polarizer: tuple[float, float, float] = (0.0, 0.0, 1.0)
    P: float = 0.4
    Lambda: float = 2.0
    eps_prime: float = 0.0
    oersted_field: bool = True
    bias_field: tuple[float, float, float] = (0.0, 0.0, 0.0)
    chirality: int = 1
    core_polarity: int = -1
    core_shift: tuple[float, float] = (0.0, 0.0)
    relax_field: tuple[float, float, float] = (0.0, 0.0, 0.0)
    core_radius: float = 10e-9
    resistance_P: float | None = None
    resistance_change: float = 0.0
    reference: tuple[float, float, float] | None = None

    kind = "vortex"

    def __post_init__(self) -> None:
        if not (isinstance(self.diameter, int | float) and math.isfinite(self.diameter)
                and self.diameter > 0):
            raise _bad("VortexSTNO", "diameter", self.diameter, "must be > 0")
        self._check_common()
        for key in ("chirality", "core_polarity"):
            if getattr(self, key) not in (1, -1):
                raise _bad("VortexSTNO", key, getattr(self, key), "must be +1 or -1")
        if math.hypot(*self.core_shift) >= self.diameter / 2:
            raise _bad("VortexSTNO", "core_shift", self.core_shift, "must lie inside the disk")
        if not self.core_radius < self.diameter / 2:
            raise _bad("VortexSTNO", "core_radius", self.core_radius,
                       f"must be smaller than the disk's radius {self.diameter / 2:g} m")

    @property
    def radius(self) -> float:
        """Disk radius R (m)."""
        return self.diameter / 2

    def _extent_xy(self) -> tuple[float, float]:
        return (self.diameter, self.diameter)

    def _size_keys(self) -> tuple[str, str]:
        """The keys of :meth:`_extent_xy` ('' where a key repeats)."""
        return ("diameter", "")

    def _inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x**2 + y**2 <= self.radius**2

    def guslienko_frequency(self) -> float:
        """Thin-disk gyrotropic frequency f = (5/(9 pi)) gamma0 Ms (L/R) / (2 pi) (Hz).

        Guslienko et al., J. Appl. Phys. 91, 8037 (2002), SI form (PHYSICS.md section 1): an
        estimate, good to ~10-20 % against micromagnetics.
        """
        omega = GUSLIENKO_PREFACTOR * self.gamma0 * self.Ms * self.thickness / self.radius
        return omega / (2 * math.pi)

    def thiele_mode_energy(self, frequency: float) -> float:
        """Thiele estimate of the mode energy lambda (J) of the vortex gyrating at ``frequency``
        (Hz).

        With c = (X + iY)/R the power is p = (r/R)^2, and the confinement energy of the core at
        radius r is (1/2) kappa r^2 with stiffness kappa = G omega (Thiele: gyrotropic force
        balance, omega = kappa/G), G = 2 pi Ms L / gamma the gyrovector (kg/s) and
        gamma = gamma0/mu0 (rad/(s T)) from the device's own gamma0. So E = lambda p with
        lambda = (1/2) G omega R^2 = pi Ms L omega R^2 / gamma.
        """
        gamma = self.gamma0 / MU0
        gyrovector = 2 * math.pi * self.Ms * self.thickness / gamma
        return 0.5 * gyrovector * (2 * math.pi * frequency) * self.radius**2

    def initial_magnetisation(self) -> np.ndarray:
        """Vortex with the given chirality and polarity, core at ``core_shift``."""
        x, y, _ = (np.asarray(c) for c in self.mesh.cells)
        X, Y = np.meshgrid(x - self.core_shift[0], y - self.core_shift[1], indexing="ij")
        r = np.hypot(X, Y)
        mz = self.core_polarity * np.exp(-((r / self.core_radius) ** 2))
        in_plane = np.sqrt(1 - mz**2) / np.where(r > 0, r, 1.0)
        m = np.stack([-self.chirality * Y * in_plane, self.chirality * X * in_plane, mz], -1)
        m = np.repeat(m[:, :, None, :], self.mesh.n[2], axis=2)
        return np.where(self.magnetic_volume_mask[..., None], m, 0.0)


@dataclass(frozen=True, eq=True)
class MTJOscillator(_Pillar):
    """Uniformly magnetised free layer of a magnetic tunnel junction pillar.

    Defaults: an in-plane CoFeB-like free layer (Ms 1.0e6 A/m, A 2e-11 J/m, alpha 0.01, typical
    of MgO MTJ oscillators, e.g. Deac et al., Nat. Phys. 4, 803 (2008) [values typical, not
    fitted]) in a 100 nm x 50 nm elliptical pillar, 2 nm thick, with an in-plane polarizer along
    +x (parallel to the easy axis), TMR 100 %.

    Parameters
    ----------
    length, width
        Pillar extent along x and y (m).
    shape
        "ellipse" or "rectangle".
    anisotropy_K, anisotropy_axis
        Uniaxial anisotropy (J/m^3) and easy axis ((0, 0, 1): perpendicular).
    initial_direction, initial_tilt
        Start along ``initial_direction`` (None: the easy axis) tilted by ``initial_tilt`` (rad)
        towards z (or towards x if the direction is along z).
    resistance_P, resistance_change, reference
        R = R_P + dR (1 - m.m_ref)/2 (ohm); ``reference`` None: the polarizer.
    Other parameters as in :class:`VortexSTNO`.
    """

    length: float = 100e-9
    width: float = 50e-9
    shape: str = "ellipse"
    thickness: float = 2e-9
    cell_size: float = 2.5e-9
    cell_z: float | None = None
    Ms: float = 1.0e6
    A: float = 2.0e-11
    alpha: float = 0.01
    gamma0: float = GAMMA0
    anisotropy_K: float = 0.0
    anisotropy_axis: tuple[float, float, float] = (1.0, 0.0, 0.0)
    polarizer: tuple[float, float, float] = (1.0, 0.0, 0.0)
    P: float = 0.4
    Lambda: float = 2.0
    eps_prime: float = 0.0
    oersted_field: bool = True
    bias_field: tuple[float, float, float] = (0.0, 0.0, 0.0)
    initial_direction: tuple[float, float, float] | None = None
    initial_tilt: float = 0.1
    relax_field: tuple[float, float, float] = (0.0, 0.0, 0.0)
    resistance_P: float | None = 500.0
    resistance_change: float = 500.0
    reference: tuple[float, float, float] | None = None

    kind = "mtj"

    def __post_init__(self) -> None:
        for key in ("length", "width"):
            value = getattr(self, key)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise _bad("MTJOscillator", key, value, "must be > 0")
        if self.shape not in ("ellipse", "rectangle"):
            raise _bad("MTJOscillator", "shape", self.shape, "allowed: ellipse, rectangle")
        self._check_common()
        _unit(self.anisotropy_axis, "MTJOscillator", "anisotropy_axis")
        if self.initial_direction is not None:
            _unit(self.initial_direction, "MTJOscillator", "initial_direction")
        if not abs(self.anisotropy_K) <= MAX_ANISOTROPY:
            raise _bad("MTJOscillator", "anisotropy_K", self.anisotropy_K,
                       f"must be in [-{MAX_ANISOTROPY:g}, {MAX_ANISOTROPY:g}] J/m^3 (the "
                       "strongest magnets, SmCo5: ~2e7)")

    def _extent_xy(self) -> tuple[float, float]:
        return (self.length, self.width)

    def _size_keys(self) -> tuple[str, str]:
        return ("length", "width")

    def _inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.shape == "rectangle":
            return (np.abs(x) <= self.length / 2) & (np.abs(y) <= self.width / 2)
        return (x / (self.length / 2)) ** 2 + (y / (self.width / 2)) ** 2 <= 1.0

    @property
    def area(self) -> float:
        """Pillar cross-section (m^2)."""
        if self.shape == "rectangle":
            return self.length * self.width
        return math.pi * self.length * self.width / 4

    def macrospin(self) -> MTJOscillator:
        """The free layer in its macrospin limit: ONE cell, a square of the pillar's area and
        thickness (same volume, same current at a given J), the cell's Newell tensor as its
        demagnetising tensor. Its cell spans several exchange lengths on purpose, so the
        resolution warning is not raised."""
        side = math.sqrt(self.area)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return dataclasses.replace(self, shape="rectangle", length=side, width=side,
                                       cell_size=side)

    def uniform_mode_energy(self, frequency: float) -> float:
        """Mode energy lambda (J) of the free layer precessing in a small circular cone about
        its effective field at ``frequency`` f0 (Hz): E = mu0 Ms V H0 (1 - cos theta) =
        2 mu0 Ms V H0 p with p = sin^2(theta/2) and H0 = 2 pi f0 / gamma0, so lambda =
        2 mu0 Ms V 2 pi f0 / gamma0 (V = area x thickness). Exact for a circular orbit (a
        perpendicular free layer under a perpendicular field) at small amplitude, an estimate
        for elliptical (in-plane) ones (tests/physics/test_mtj_mode_energy.py)."""
        if not (math.isfinite(frequency) and frequency > 0):
            raise ValueError(f"uniform_mode_energy: frequency = {frequency!r}: must be > 0 Hz")
        volume = self.area * self.thickness
        return 2.0 * MU0 * self.Ms * volume * 2.0 * math.pi * frequency / self.gamma0

    def initial_magnetisation(self) -> np.ndarray:
        """Uniform state along the initial direction, tilted by ``initial_tilt``."""
        u = _unit(self.initial_direction or self.anisotropy_axis, "MTJOscillator",
                  "initial_direction")
        towards = np.array([1.0, 0.0, 0.0]) if abs(u[2]) > 0.9 else np.array([0.0, 0.0, 1.0])
        v = towards - (towards @ u) * u
        v /= np.linalg.norm(v)
        m = math.cos(self.initial_tilt) * u + math.sin(self.initial_tilt) * v
        return np.where(self.magnetic_volume_mask[..., None], m, 0.0)


DEVICE_TYPES = {"vortex": VortexSTNO, "mtj": MTJOscillator}


def device_from_dict(data: dict[str, Any]) -> VortexSTNO | MTJOscillator:
    """Rebuild a device from :meth:`to_dict` output (derived entries ignored)."""
    data = dict(data)
    kind = data.pop("type", None)
    if kind not in DEVICE_TYPES:
        raise ValueError(f"device type = {kind!r}: allowed are {sorted(DEVICE_TYPES)}")
    cls = DEVICE_TYPES[kind]
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}
    return cls(**values)

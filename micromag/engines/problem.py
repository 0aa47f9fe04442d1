"""The device plus run spec in plain arrays: :class:`Problem`, what every engine computes.

Built by :func:`micromag.engines.translate.build_problem`, each term's part filled by its
translator (:mod:`micromag.engines.terms`).

Conventions (shared by all engines, see PHYSICS.md section 1)
-------------------------------------------------------------
- SI units; gamma0 from the system's mm.Precession (the devices use Ubermag's
  ``mm.consts.gamma0`` = 2.21276e5 m/(A s), :mod:`micromag.constants`).
- Arrays of vectors have discretisedfield's layout ``(nx, ny, nz, 3)``; scalar fields
  ``(nx, ny, nz)``. Cells outside the magnet have Ms = 0 and m = 0.
- Coordinates: cell centres ``x = origin + (i + 1/2) cell``; the devices put the pillar axis at
  x = y = 0, so core positions are measured from the disk centre.
- Positive current density J (A/m^2) flows along +z (electrons along -z) and, in OOMMF's
  Slonczewski form, drives m towards the polarizer m_p. Its Oersted field circulates
  counter-clockwise seen from +z: H = (J/2)(-y, x, 0) inside the pillar.
- A time-dependent current J(t) = J_ref a(t) (``current_profile``, e.g. a
  :class:`micromag.drives.CurrentSignal`) multiplies both the Slonczewski torque and the
  Oersted field. An RF field is the time-dependent Zeeman term ``zeeman_time_H`` a(t).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .drive import Drive

__all__ = ["Problem"]


@dataclass(frozen=True)
class Problem:
    """The device plus run spec in plain arrays, SI units.

    ``None`` (or False) means the term is absent. Vector arrays are ``(nx, ny, nz, 3)``,
    scalar ones ``(nx, ny, nz)``.
    """

    n: tuple[int, int, int]  #: cells along x, y, z
    cell: tuple[float, float, float]  #: cell edges (m)
    origin: tuple[float, float, float]  #: lower corner of the mesh (m)
    Ms: np.ndarray  #: saturation magnetisation per cell (A/m), 0 outside the magnet
    m0: np.ndarray  #: initial unit magnetisation (0 outside the magnet)
    gamma0: float  #: gyromagnetic ratio (m/(A s)), mm.Precession
    alpha: float  #: Gilbert damping (1), mm.Damping
    temperature: float  #: K
    seed: int | None
    terms: frozenset[str]  #: the capabilities this problem needs
    exchange_A: float | None = None  #: exchange stiffness (J/m)
    demag: bool = False  #: demagnetising field on
    zeeman_H: np.ndarray | None = None  #: static uniform applied field (A/m), shape (3,)
    zeeman_time_H: np.ndarray | None = None  #: field multiplied by zeeman_drive (A/m), (n, 3)
    zeeman_drive: Drive | None = None  #: time profile a(t) of zeeman_time_H
    anisotropy_K: float | None = None  #: uniaxial anisotropy constant (J/m^3)
    anisotropy_u: np.ndarray | None = None  #: easy axis (unit, shape (3,))
    slonczewski: dict | None = None  #: {"J", "mp" (3,), "P", "Lambda", "eps_prime"} OOMMF form
    oersted_H: np.ndarray | None = None  #: Oersted field at current_density (A/m), (n, 3)
    current_density: float = 0.0  #: J_ref (A/m^2): J(t) = J_ref a(t); Slonczewski's J
    current_profile: Callable[[float], float] | None = None  #: a(t); None: J constant

    def coordinates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cell-centre coordinates x, y, z (m), 1-D arrays."""
        return tuple(  # type: ignore[return-value]
            self.origin[i] + (np.arange(self.n[i]) + 0.5) * self.cell[i] for i in range(3)
        )

    @property
    def magnetic(self) -> np.ndarray:
        """Boolean mask of the magnetic cells."""
        return self.Ms > 0

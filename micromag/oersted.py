"""The Oersted field of the drive current, the term Ubermag lacks.

Sign convention (PHYSICS.md section 1): a positive current density J (A/m^2) flows along +z.
By Ampere's law its field circulates counter-clockwise seen from +z (right-hand rule): at a point
on the +x axis it points along +y. For a long cylinder of radius R carrying uniform J,

    H = (J/2) (-y, x, 0)        for r <= R,   |H| = J r / 2
    H = (J R^2 / (2 r^2)) (-y, x, 0)   for r > R,

(A/m). For an elliptical cross-section with semi-axes a (along x) and b (along y) the field
inside is uniform in its gradient, H = J/(a + b) (-a y, b x, 0), which is the circular result
for a = b and the field of an infinite slab for a >> b (vector potential
A_z = -mu0 J (b x^2 + a y^2) / (2 (a + b)) satisfies del^2 A_z = -mu0 J and is constant on the
ellipse). Outside an ellipse the line-current field I/(2 pi r) is used, exact far away; the
magnet lies inside the pillar, so only the inside matters for the devices of this suite.

A finite pillar with leads gives a different magnitude; the long-cylinder field is the standard
nanopillar model (PHYSICS.md), and magnum.np's own thin-disk Oersted term is far weaker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["OerstedField"]


@dataclass(frozen=True)
class OerstedField:
    """Long-cylinder Oersted field of a uniform current density along z.

    Parameters
    ----------
    radius
        Pillar semi-axis along x, a (m); the radius of a circular pillar.
    radius_y
        Pillar semi-axis along y, b (m); None for a circular pillar (b = a).
    center
        Pillar axis (x, y) (m).
    """

    radius: float
    radius_y: float | None = None
    center: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        if not self.radius > 0:
            raise ValueError(f"OerstedField.radius = {self.radius!r}: must be > 0 m")
        if self.radius_y is not None and not self.radius_y > 0:
            raise ValueError(f"OerstedField.radius_y = {self.radius_y!r}: must be > 0 m")

    @property
    def area(self) -> float:
        """Cross-section of the pillar (m^2): the drive current is I = J * area."""
        b = self.radius if self.radius_y is None else self.radius_y
        return float(np.pi * self.radius * b)

    def h(self, points: Any, current_density: float) -> np.ndarray:
        """Oersted field (A/m) at ``points`` (m), array ``(..., 2)`` or ``(..., 3)``.

        Parameters
        ----------
        points
            Positions; only x and y matter (long cylinder).
        current_density
            J (A/m^2), positive along +z.

        Returns
        -------
        H
            Array ``(..., 3)`` in A/m, z component 0.
        """
        points = np.asarray(points, dtype=float)
        x = points[..., 0] - self.center[0]
        y = points[..., 1] - self.center[1]
        a = self.radius
        b = self.radius if self.radius_y is None else self.radius_y
        inside = (x / a) ** 2 + (y / b) ** 2 <= 1.0
        hx = -current_density * a / (a + b) * y
        hy = current_density * b / (a + b) * x
        r2 = x**2 + y**2
        with np.errstate(divide="ignore", invalid="ignore"):
            # outside: line current I = J pi a b, H = I / (2 pi r) azimuthal
            scale = np.where(r2 > 0, current_density * a * b / (2.0 * r2), 0.0)
        hx = np.where(inside, hx, -scale * y)
        hy = np.where(inside, hy, scale * x)
        return np.stack([hx, hy, np.zeros_like(hx)], axis=-1)

    def to_array(self, mesh: Any, current_density: float) -> np.ndarray:
        """Field (A/m) at the cell centres of a discretisedfield mesh, shape ``(nx, ny, nz, 3)``."""
        x, y, z = (np.asarray(c, dtype=float) for c in mesh.cells)
        grid = np.stack(np.meshgrid(x, y, z, indexing="ij"), axis=-1)
        return self.h(grid, current_density)

    def to_field(self, mesh: Any, current_density: float) -> Any:
        """The field as a :class:`discretisedfield.Field` (A/m), e.g. for an OOMMF Zeeman term."""
        import discretisedfield as df

        return df.Field(mesh, nvdim=3, value=self.to_array(mesh, current_density))

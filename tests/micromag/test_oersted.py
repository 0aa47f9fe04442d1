"""The Oersted term: analytic values and the sign convention (PHYSICS.md section 1)."""

import numpy as np
import pytest

from micromag.oersted import OerstedField


def test_long_cylinder_values_and_sign():
    """H = (J/2)(-y, x, 0) inside: at (50 nm, 0) with J = 1e11 A/m^2, H_y = +2500 A/m.

    Positive J flows along +z; the right-hand rule makes H point along +y on the +x axis
    (counter-clockwise seen from +z). Exact formula: tolerance is rounding only.
    """
    field = OerstedField(radius=100e-9)
    h = field.h([[50e-9, 0.0, 0.0], [0.0, 50e-9, 5e-9], [-30e-9, -40e-9, 0.0]], 1e11)
    np.testing.assert_allclose(h[0], [0.0, 2500.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(h[1], [-2500.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(h[2], [2000.0, -1500.0, 0.0], atol=1e-9)
    # reversing the current reverses the field
    np.testing.assert_allclose(field.h([[50e-9, 0.0]], -1e11)[0], [0.0, -2500.0, 0.0])


def test_ampere_law_circulation():
    """The line integral of H around a circle equals the enclosed current (Ampere's law),
    inside (I = J pi r^2) and outside (I = J pi R^2) of the pillar, to quadrature accuracy."""
    J, R = 3e10, 80e-9
    field = OerstedField(radius=R)
    phi = np.linspace(0, 2 * np.pi, 2001)[:-1]
    for r, enclosed in ((50e-9, J * np.pi * 50e-9**2), (150e-9, J * np.pi * R**2)):
        points = np.stack([r * np.cos(phi), r * np.sin(phi)], axis=-1)
        h = field.h(points, J)
        tangent = np.stack([-np.sin(phi), np.cos(phi)], axis=-1)
        circulation = np.sum(np.einsum("ij,ij->i", h[:, :2], tangent)) * r * (phi[1] - phi[0])
        assert circulation == pytest.approx(enclosed, rel=1e-9)


def test_elliptic_pillar_circulation_and_circle_limit():
    """Ellipse: circulation around the pillar boundary equals J pi a b; a = b: the circle."""
    J, a, b = 2e10, 60e-9, 30e-9
    field = OerstedField(radius=a, radius_y=b)
    t = np.linspace(0, 2 * np.pi, 4001)[:-1]
    points = np.stack([0.999999 * a * np.cos(t), 0.999999 * b * np.sin(t)], axis=-1)
    dl = np.stack([-a * np.sin(t), b * np.cos(t)], axis=-1) * (t[1] - t[0])
    circulation = np.sum(np.einsum("ij,ij->i", field.h(points, J)[:, :2], dl))
    assert circulation == pytest.approx(J * np.pi * a * b, rel=1e-4)
    circle = OerstedField(radius=a, radius_y=a)
    point = [[10e-9, 20e-9]]
    np.testing.assert_allclose(circle.h(point, J), OerstedField(a).h(point, J))


def test_invalid_radius():
    with pytest.raises(ValueError, match="radius"):
        OerstedField(radius=0.0)

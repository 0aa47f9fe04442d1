"""Small-angle uniform precession of an MTJ free layer against Kittel's formula (PHYSICS.md 1).

The free layer is a 10 nm x 5 nm x 2 nm prism of two 5 nm cells. By mirror symmetry both cells
feel the same demagnetising field for a uniform state, equal to the prism's magnetometric
factors (Aharoni), and exchange does not act on the uniform mode: Kittel's formula with
Aharoni's factors is then exact for the discretised problem in the small-angle limit.
"""

import math

import numpy as np
import pytest

from micromag.constants import GAMMA0
from micromag.devices import MTJOscillator
from micromag.engines import ENGINE_NAMES, RunSpec


def aharoni_nz(a: float, b: float, c: float) -> float:
    """Demagnetising factor along z of a prism 2a x 2b x 2c (Aharoni, JAP 83, 3432 (1998))."""
    r = math.sqrt(a * a + b * b + c * c)
    ab, bc, ac = math.hypot(a, b), math.hypot(b, c), math.hypot(a, c)
    value = ((b * b - c * c) / (2 * b * c) * math.log((r - a) / (r + a))
             + (a * a - c * c) / (2 * a * c) * math.log((r - b) / (r + b))
             + b / (2 * c) * math.log((ab + a) / (ab - a))
             + a / (2 * c) * math.log((ab + b) / (ab - b))
             + c / (2 * a) * math.log((bc - b) / (bc + b))
             + c / (2 * b) * math.log((ac - a) / (ac + a))
             + 2 * math.atan(a * b / (c * r))
             + (a**3 + b**3 - 2 * c**3) / (3 * a * b * c)
             + (a * a + b * b - 2 * c * c) * r / (3 * a * b * c)
             + c * (ac + bc) / (a * b)
             - (ab**3 + bc**3 + ac**3) / (3 * a * b * c))
    return value / math.pi


def demag_factors(lx: float, ly: float, lz: float) -> tuple[float, float, float]:
    a, b, c = lx / 2, ly / 2, lz / 2
    return aharoni_nz(b, c, a), aharoni_nz(c, a, b), aharoni_nz(a, b, c)


def test_aharoni_factors_are_consistent():
    """Cube: 1/3 each; any prism: the factors sum to 1 (checks the formula's transcription)."""
    assert demag_factors(1.0, 1.0, 1.0) == pytest.approx((1 / 3,) * 3, rel=1e-10)
    assert sum(demag_factors(10.0, 5.0, 2.0)) == pytest.approx(1.0, rel=1e-10)


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_small_angle_precession_matches_kittel(name, engine_or_skip):
    engine = engine_or_skip(name)
    Ms, H, K = 1.0e6, 1.6e4, 2.0e4  # A/m, A/m (20 mT along the easy axis x), J/m^3
    device = MTJOscillator(length=10e-9, width=5e-9, shape="rectangle", thickness=2e-9,
                           cell_size=5e-9, Ms=Ms, alpha=0.005, anisotropy_K=K,
                           bias_field=(H, 0.0, 0.0), initial_tilt=0.02, oersted_field=False)
    ds = engine.run(device, RunSpec(duration=0.5e-9, sampling_interval=2e-12))
    my, t = ds.my.values[0], ds.time.values
    up = np.flatnonzero((my[:-1] < 0) & (my[1:] >= 0))
    crossings = t[up] - my[up] * (t[up + 1] - t[up]) / (my[up + 1] - my[up])
    frequency = (len(crossings) - 1) / (crossings[-1] - crossings[0])
    nx, ny, nz = demag_factors(10e-9, 5e-9, 2e-9)
    hk = 2 * K / (4e-7 * math.pi * Ms)
    kittel = GAMMA0 / (2 * math.pi) * math.sqrt((H + hk + (nz - nx) * Ms)
                                                 * (H + hk + (ny - nx) * Ms))
    # 0.5 % (the issue asks for 2 %): a 0.02 rad cone shifts the frequency by ~1e-4, the
    # damping alpha = 0.005 by alpha^2/2, zero-crossing timing by < 0.1 % at 2 ps sampling;
    # measured here: 0.03 % (builtin and magnum.np agree to 1e-5)
    assert frequency == pytest.approx(kittel, rel=0.005)
    assert float(ds.resistance.values[0, 0]) == pytest.approx(
        500 + 500 * (1 - math.cos(0.02)) / 2, rel=1e-6)

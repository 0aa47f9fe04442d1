"""Vortex core position from m_z."""

import numpy as np

from micromag.engines import core_position


def test_core_position_subcell_and_expelled():
    """A Gaussian core centred between cells is found to < 5 % of a cell (the weighted
    centroid of the peak region is symmetric about the true centre for a symmetric profile);
    without a core (peak |m_z| < 0.5) the position is NaN."""
    cell = 5e-9
    x = (np.arange(40) + 0.5) * cell - 100e-9
    X, Y = np.meshgrid(x, x, indexing="ij")
    x0, y0 = 23.7e-9, -41.2e-9
    mz = -np.exp(-((X - x0) ** 2 + (Y - y0) ** 2) / (9e-9) ** 2)
    cx, cy = core_position(mz, x, x)
    assert abs(cx - x0) < 0.05 * cell and abs(cy - y0) < 0.05 * cell
    frames = np.stack([mz, 0.3 * mz])
    cx, cy = core_position(frames, x, x)
    assert np.isfinite(cx[0]) and np.isnan(cx[1]) and np.isnan(cy[1])

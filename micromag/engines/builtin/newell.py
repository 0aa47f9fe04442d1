"""Demagnetisation tensor of a regular mesh of rectangular cells (Newell, Williams & Dunlop 1993).

The tensor N relates the cell-averaged demagnetising field to the (uniform per cell)
magnetisation, H_i = -sum_j N(r_i - r_j) M_j, with N(0) of a cube equal to diag(1/3, 1/3, 1/3).
Near cells use Newell's exact f and g functions, far cells (beyond ``near_cells`` cell
diagonals, where the 27-point differences of f and g lose digits) the point-dipole limit, as
magnum.np does. The kernel's Fourier transform is computed once per geometry and cached.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.fft

__all__ = ["DemagKernel", "demag_kernel", "newell_tensor", "self_demag_factors"]


def _safe_div(num, den):
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _newell_f(x, y, z):
    """Newell's f(x, y, z) (dimension length^3); even in every argument."""
    x, y, z = np.abs(x), np.abs(y), np.abs(z)
    x2, y2, z2 = x * x, y * y, z * z
    r = np.sqrt(x2 + y2 + z2)
    res = (2.0 * x2 - y2 - z2) * r / 6.0
    res += y / 2.0 * (z2 - x2) * np.arcsinh(_safe_div(y, np.sqrt(x2 + z2)))
    res += z / 2.0 * (y2 - x2) * np.arcsinh(_safe_div(z, np.sqrt(x2 + y2)))
    res -= x * y * z * np.arctan(_safe_div(y * z, x * r))
    return res


def _newell_g(x, y, z):
    """Newell's g(x, y, z) (dimension length^3); odd in x and y, even in z."""
    z = np.abs(z)
    x2, y2, z2 = x * x, y * y, z * z
    r = np.sqrt(x2 + y2 + z2)
    res = -x * y * r / 3.0
    res += x * y * z * np.arcsinh(_safe_div(z, np.sqrt(x2 + y2)))
    res += y / 6.0 * (3.0 * z2 - y2) * np.arcsinh(_safe_div(x, np.sqrt(y2 + z2)))
    res += x / 6.0 * (3.0 * z2 - x2) * np.arcsinh(_safe_div(y, np.sqrt(x2 + z2)))
    res -= z**3 / 6.0 * np.arctan(_safe_div(x * y, z * r))
    res -= z * y2 / 2.0 * np.arctan(_safe_div(x * z, y * r))
    res -= z * x2 / 2.0 * np.arctan(_safe_div(y * z, x * r))
    return res


def _stencil(func, x, y, z, dx, dy, dz):
    """Newell's 27-point combination of f or g divided by 4 pi V (dimensionless)."""
    total = np.zeros(np.broadcast(x, y, z).shape)
    for a in (-1, 0, 1):
        for b in (-1, 0, 1):
            for c in (-1, 0, 1):
                nonzero = (a != 0) + (b != 0) + (c != 0)
                weight = (-1.0) ** nonzero * 2.0 ** (3 - nonzero)
                total += weight * func(x + a * dx, y + b * dy, z + c * dz)
    return total / (4.0 * np.pi * dx * dy * dz)


def newell_tensor(offsets, cell, near_cells: float = 20.0):
    """Demagnetisation tensor between two cells a given offset apart.

    Parameters
    ----------
    offsets : tuple of three arrays
        Centre-to-centre offsets (X, Y, Z) in m, broadcastable.
    cell : tuple of float
        Cell edges (dx, dy, dz) in m.
    near_cells : float
        Offsets beyond this many cell diagonals use the point-dipole limit.

    Returns
    -------
    dict of str to ndarray
        Components ``xx, yy, zz, xy, xz, yz`` (dimensionless; N(0) of a cube is 1/3).
    """
    scale = min(cell)
    dx, dy, dz = (c / scale for c in cell)
    x, y, z = np.broadcast_arrays(*(np.atleast_1d(np.asarray(o, dtype=float)) / scale
                                    for o in offsets))
    r2 = x * x + y * y + z * z
    near = r2 <= near_cells**2 * (dx * dx + dy * dy + dz * dz)
    xn, yn, zn = x[near], y[near], z[near]
    r5 = np.where(near, 1.0, r2) ** 2.5
    dip = -dx * dy * dz / (4.0 * np.pi) / r5
    out = {
        "xx": dip * (2 * x * x - y * y - z * z),
        "yy": dip * (2 * y * y - x * x - z * z),
        "zz": dip * (2 * z * z - x * x - y * y),
        "xy": dip * 3 * x * y,
        "xz": dip * 3 * x * z,
        "yz": dip * 3 * y * z,
    }
    # Newell's components by permutation of the arguments of f and g.
    out["xx"][near] = _stencil(_newell_f, xn, yn, zn, dx, dy, dz)
    out["yy"][near] = _stencil(_newell_f, yn, xn, zn, dy, dx, dz)
    out["zz"][near] = _stencil(_newell_f, zn, yn, xn, dz, dy, dx)
    out["xy"][near] = _stencil(_newell_g, xn, yn, zn, dx, dy, dz)
    out["xz"][near] = _stencil(_newell_g, xn, zn, yn, dx, dz, dy)
    out["yz"][near] = _stencil(_newell_g, yn, zn, xn, dy, dz, dx)
    return out


def self_demag_factors(cell) -> np.ndarray:
    """Demagnetising factors (Nxx, Nyy, Nzz) of one uniformly magnetised rectangular prism."""
    tensor = newell_tensor((0.0, 0.0, 0.0), cell)
    return np.array([tensor[k].item() for k in ("xx", "yy", "zz")])


def _fft_size(n: int) -> int:
    return 1 if n == 1 else scipy.fft.next_fast_len(2 * n - 1, real=True)


class DemagKernel:
    """Fourier transform of the zero-padded demagnetisation tensor of one mesh.

    Parameters
    ----------
    n : tuple of int
        Cells (nx, ny, nz).
    cell : tuple of float
        Cell edges in m.
    """

    components = ("xx", "yy", "zz", "xy", "xz", "yz")

    def __init__(self, n, cell, near_cells: float = 20.0):
        self.n = tuple(int(k) for k in n)
        self.cell = tuple(float(c) for c in cell)
        self.padded = tuple(_fft_size(k) for k in self.n)
        index = [np.fft.fftfreq(p, 1.0 / p).astype(int) for p in self.padded]
        grids = np.meshgrid(*index, indexing="ij")
        offsets = [g * c for g, c in zip(grids, self.cell, strict=True)]
        tensor = newell_tensor(offsets, self.cell, near_cells)
        # offsets of magnitude >= n never couple two cells of the mesh; zero them explicitly
        unused = np.zeros(self.padded, dtype=bool)
        for g, k in zip(grids, self.n, strict=True):
            unused |= np.abs(g) >= k
        for key in self.components:
            tensor[key][unused] = 0.0
        if self.n[2] == 1:
            # one layer: every offset has z = 0, where N_xz and N_yz vanish (odd in z); the
            # Newell sums leave ~1e-20 of roundoff, which would make the convolution carry
            # four products per Fourier point that are zero
            tensor["xz"][...] = 0.0
            tensor["yz"][...] = 0.0
        self.real_space = tensor
        #: mesh axes transformed (those with more than one cell); the last one by a real FFT
        self.fft_axes = tuple(a for a in range(3) if self.padded[a] > 1)
        if self.fft_axes:
            spectra = [scipy.fft.rfftn(tensor[k], axes=self.fft_axes).real
                       for k in self.components]
        else:
            spectra = [tensor[k] for k in self.components]
        #: real spectra (6, Px, Py, Pz) with the last transformed axis halved, order ``components``
        self.spectra = np.ascontiguousarray(np.stack(spectra))
        self.has_z_coupling = bool(np.any(tensor["xz"] != 0) or np.any(tensor["yz"] != 0))


@functools.lru_cache(maxsize=16)
def demag_kernel(n, cell, near_cells: float = 20.0) -> DemagKernel:
    """Cached :class:`DemagKernel` for a geometry (reused across the currents of a sweep)."""
    return DemagKernel(tuple(n), tuple(cell), near_cells)

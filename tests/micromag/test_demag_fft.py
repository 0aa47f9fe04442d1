"""The demag convolution equals the direct sum H_i = -sum_j N(r_i - r_j) M_j of the Newell
tensor, with each FFT library (micromag.engines.builtin.fft); ducc0 is an optional extra."""

import numpy as np
import pytest

from micromag.engines.builtin.fft import BACKENDS, DemagConvolution, default_backend
from micromag.engines.builtin.newell import demag_kernel, newell_tensor

COMPONENTS = {(0, 0): "xx", (1, 1): "yy", (2, 2): "zz", (0, 1): "xy", (0, 2): "xz",
              (1, 2): "yz"}


def direct_sum(magnetisation, cell):
    """H (A/m) by summing the Newell tensor over every pair of cells: O(n^2), small meshes."""
    n = magnetisation.shape[1:]
    index = np.stack(np.meshgrid(*map(np.arange, n), indexing="ij"), -1).reshape(-1, 3)
    offsets = (index[:, None, :] - index[None, :, :]) * np.asarray(cell)
    tensor = newell_tensor(tuple(offsets[..., a] for a in range(3)), cell)
    m = magnetisation.reshape(3, -1)
    h = np.zeros_like(m)
    for (i, j), key in COMPONENTS.items():
        h[i] -= tensor[key] @ m[j]
        if i != j:
            h[j] -= tensor[key] @ m[i]
    return h.reshape(magnetisation.shape)


def backends():
    for name in BACKENDS:
        marks = []
        if name == "ducc0":
            marks = [pytest.mark.skipif(default_backend() != "ducc0",
                                        reason="ducc0 not installed (the fft extra)")]
        yield pytest.param(name, marks=marks)


@pytest.mark.parametrize("backend", list(backends()))
@pytest.mark.parametrize(("n", "cell"), [
    ((7, 5, 1), (5e-9, 5e-9, 20e-9)),   # one layer: 2-D convolution, no z coupling
    ((6, 4, 3), (4e-9, 5e-9, 3e-9)),    # three layers: every tensor component
    ((9, 1, 1), (2e-9, 5e-9, 5e-9)),    # a chain of cells: one transformed axis
    ((1, 1, 1), (3e-9, 5e-9, 2e-9)),    # one cell (a macrospin): no transform
])
def test_convolution_is_the_direct_sum(backend, n, cell):
    rng = np.random.default_rng(7)
    magnetisation = 8e5 * rng.uniform(-1, 1, (3, *n))
    magnetisation[:, 0, -1, :] = 0.0  # a vacuum cell
    expected = direct_sum(magnetisation, cell)
    convolution = DemagConvolution(demag_kernel(n, cell), n, backend)
    h = convolution(magnetisation, np.zeros_like(magnetisation))
    assert convolution.backend == backend
    # both sides are sums of the same ~n^2 terms in double precision
    np.testing.assert_allclose(h, expected, rtol=0, atol=1e-12 * np.abs(expected).max())


def test_an_unknown_backend_is_named():
    kernel = demag_kernel((2, 2, 1), (5e-9, 5e-9, 5e-9))
    with pytest.raises(ValueError, match="'fftw'.*scipy"):
        DemagConvolution(kernel, (2, 2, 1), "fftw")

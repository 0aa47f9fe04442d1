"""The demag convolution's Fourier transforms: scipy.fft, or ducc0 where it is installed.

Both compute H = IFFT(-N_hat FFT(M)) on the zero-padded mesh of a
:class:`~micromag.engines.builtin.newell.DemagKernel`, to 1e-12 of max |H| of each other
(tests/micromag/test_demag_fft.py). ``benchmarks/demag_fft.py`` times them, with numpy.fft,
pyFFTW and mkl_fft beside them, on the default chain's 40 x 40 x 1 mesh (docs/engine_speed.md;
quiet machine, 2026-12-03): one convolution takes 156 us with the scipy.fft path below, 121 us
with ducc0's multi-axis r2c/c2r and 112 us with pyFFTW's FFTW_MEASURE plans. ducc0 is taken
over pyFFTW, 8 % slower, because it needs no plans (0.6 s with FFTW_MEASURE for this mesh, per
mesh and array layout, in every worker process of a sweep) and keeps no state between calls.
scipy.fft stays the dependency because ducc0 (like the FFTW inside pyFFTW's wheels) is
GPL-2.0-or-later while the suite is BSD: a user who installs it (the ``fft`` extra) gets the
faster path, and the engine's version string names the backend, so the provenance store keeps
the two apart.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from . import kernels

__all__ = ["BACKENDS", "DemagConvolution", "default_backend"]

#: the FFT libraries the demag convolution can use
BACKENDS = ("scipy", "ducc0")


def default_backend() -> str:
    """``"ducc0"`` where it can be imported, else ``"scipy"``."""
    try:
        import ducc0  # noqa: F401
    except ImportError:
        return "scipy"
    return "ducc0"


class DemagConvolution:
    """H_demag (A/m) from M = Ms m (A/m) by FFT on the kernel's zero-padded mesh.

    Parameters
    ----------
    kernel : DemagKernel
        Its ``padded`` shape, ``fft_axes`` and ``spectra`` (xx, yy, zz, xy, xz, yz).
    n : (nx, ny, nz)
        The mesh.
    backend : {"scipy", "ducc0", "auto"}
        "auto": :func:`default_backend`.
    workers : int
        Threads of the FFT library.
    """

    def __init__(self, kernel, n, backend: str = "auto", workers: int = 1) -> None:
        backend = default_backend() if backend == "auto" else backend
        if backend not in BACKENDS:
            raise ValueError(f"fft backend {backend!r}: allowed {list(BACKENDS)} or 'auto'")
        self.kernel = kernel
        self.n = tuple(n)
        self.backend = backend
        self.workers = int(workers)
        self.full = kernel.has_z_coupling
        self.axes = tuple(a + 1 for a in kernel.fft_axes)  # the component axis comes first
        self.region = (slice(None),) + tuple(slice(0, k) for k in self.n)
        self._scaled = None  # Ms m of :meth:`of_unit` without ducc0
        if backend == "ducc0" and self.axes:
            import ducc0

            self._ducc = ducc0.fft
            shape = [kernel.padded[a] if a in kernel.fft_axes else self.n[a] for a in range(3)]
            self._padded = np.zeros((3, *shape))  # the padding stays zero
            self._lastsize = shape[self.axes[-1] - 1]
            spectrum = list(self._padded.shape)
            spectrum[self.axes[-1]] = self._lastsize // 2 + 1
            # preallocated outputs: no array is allocated per field evaluation (glibc returns
            # freed blocks to the system where MALLOC_TRIM_THRESHOLD_ is small, as in dask
            # workers, and a fresh allocation then costs page faults)
            self._spectrum = np.zeros(spectrum, dtype=complex)
            self._field = np.zeros_like(self._padded)
            self._inorm = 2  # c2r divides by the product of the transformed lengths

    def of_unit(self, m: np.ndarray, ms: np.ndarray, out: np.ndarray) -> np.ndarray:
        """H into ``out`` from the unit magnetisation ``m`` and Ms (A/m) of the mesh: with
        ducc0, Ms m is written straight into the zero-padded buffer (no copy between)."""
        if self.backend == "ducc0" and self.axes:
            kernels.scale_magnetisation(m, ms, self._padded)
            return self._transform(out)
        magnetisation = np.empty_like(m) if self._scaled is None else self._scaled
        self._scaled = magnetisation
        kernels.scale_magnetisation(m, ms, magnetisation)
        return self(magnetisation, out)

    def __call__(self, magnetisation: np.ndarray, out: np.ndarray) -> np.ndarray:
        """H into ``out`` ((3, nx, ny, nz)) from M ((3, nx, ny, nz), A/m)."""
        if not self.axes:  # one cell in every direction
            kernels.demag_multiply(magnetisation, self.kernel.spectra, self.full, out)
            return out
        if self.backend == "ducc0":
            return self._ducc0(magnetisation, out)
        return self._scipy(magnetisation, out)

    def _ducc0(self, magnetisation, out):
        self._padded[self.region] = magnetisation
        return self._transform(out)

    def _transform(self, out):
        """ducc0: H into ``out`` from the zero-padded M in ``self._padded``."""
        x = self._ducc.r2c(self._padded, axes=self.axes, out=self._spectrum,
                           nthreads=self.workers)
        kernels.demag_multiply(x, self.kernel.spectra, self.full, x)
        h = self._ducc.c2r(x, axes=self.axes, lastsize=self._lastsize, forward=False,
                           inorm=self._inorm, out=self._field, nthreads=self.workers,
                           allow_overwriting_input=True)
        out[...] = h[self.region]
        return out

    def _scipy(self, magnetisation, out):
        # zero padding by transforming one axis at a time, so that the FFTs along the later
        # axes skip the rows that are all zero (forward) or not needed (inverse)
        padded, axes, w = self.kernel.padded, self.kernel.fft_axes, self.workers
        last = axes[-1] + 1
        x = scipy.fft.rfft(magnetisation, n=padded[last - 1], axis=last, workers=w)
        for a in reversed(axes[:-1]):
            x = scipy.fft.fft(x, n=padded[a], axis=a + 1, workers=w, overwrite_x=True)
        kernels.demag_multiply(x, self.kernel.spectra, self.full, x)
        for a in axes[:-1]:
            x = scipy.fft.ifft(x, axis=a + 1, workers=w, overwrite_x=True)
            x = x[(slice(None),) * (a + 1) + (slice(0, self.n[a]),)]
        h = scipy.fft.irfft(x, n=padded[last - 1], axis=last, workers=w)
        out[...] = h[(slice(None),) * last + (slice(0, self.n[last - 1]),)]
        return out

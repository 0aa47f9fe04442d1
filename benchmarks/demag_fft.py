"""Where the built-in engine's time goes, and which FFT library the demag field should use.

On the default chain's device (200 nm x 20 nm disk, 5 nm cells, 40 x 40 x 1: a 2-D demag on an
80 x 80 padded grid) this times, single-threaded and in one process:

1. one right-hand side of the LLG equation (``Simulation.rhs``) with each backend of the
   engine, and its demag part (``Simulation.demag_field``), so the demag share is known;
2. the demag convolution (scale M, forward real FFT, tensor multiply, inverse) with each FFT
   library that is installed: the engine's scipy.fft backend (axis by axis, skipping zero
   rows), ``scipy.fft`` with one ``rfftn``/``irfftn`` pair, ``numpy.fft``, pyFFTW (FFTW plans
   built once, ``FFTW_MEASURE``), the engine's ducc0 backend (``ducc0.fft.r2c``/``c2r``) and
   mkl_fft. Every variant must give the engine's field to 1e-12 of max |H|; the script stops
   if one does not.

Each time is the median of ``--repeat`` batches of ``--calls`` calls (perf_counter), printed in
microseconds with its ratio to the engine's current demag. The last lines are::

    rhs_us=<x> demag_us=<y> demag_share=<y/x>      (scipy.fft backend)
    rhs_ducc0_us=<z> rhs_speedup_ducc0=<x/z>       (where ducc0 is installed)
    fastest=<library> speedup_vs_engine=<t_engine/t_fastest>

Usage: ``python benchmarks/demag_fft.py [--calls 2000] [--repeat 7]``. Run it on a quiet
machine (``uptime`` is printed first).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

#: the engine's scipy.fft backend, the reference of every ratio
ENGINE = "engine, scipy.fft backend (axis by axis)"


#: the device measured: the default chain's until 2026-12-07 (a perpendicular-polarizer vortex)
CONFIG = Path(__file__).resolve().parents[1] / "examples" / "chain_vortex_perpendicular.toml"

def default_simulation(fft: str = "scipy"):
    """The built-in engine's Simulation of the default chain's device at 1e11 A/m^2."""
    from micromag.engines import RunSpec
    from micromag.engines.builtin.engine import BuiltinEngine
    from multiscale.schemas import load_chain_config

    device = load_chain_config(CONFIG).device
    engine = BuiltinEngine(fft=fft)
    spec = RunSpec(current_density=1e11, duration=1e-9, sampling_interval=50e-12)
    problem = engine.check(device, spec)
    sim = engine._simulation(problem, spec)
    return sim, sim.initial(np.moveaxis(problem.m0, -1, 0))


def time_call(function, calls: int, repeat: int) -> float:
    """Median seconds per call over ``repeat`` batches of ``calls`` calls."""
    function()  # warm: numba compilation, FFTW plans, caches
    batches = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        batches.append((time.perf_counter() - start) / calls)
    return statistics.median(batches)


def convolutions(sim) -> dict:
    """name -> a function m -> H_demag (A/m) for each installed FFT library."""
    from micromag.engines.builtin import kernels

    kernel = sim.kernel
    axes = tuple(a + 1 for a in kernel.fft_axes)  # component axis first
    shape = tuple(kernel.padded[a] for a in kernel.fft_axes)
    n = sim.n
    crop = (slice(None),) + tuple(slice(0, k) for k in n)
    full = sim._full
    mbuf = np.zeros((3, *n))

    def spectrum_product(x):
        kernels.demag_multiply(x, kernel.spectra, full, x)
        return x

    def padded_m(m):
        kernels.scale_magnetisation(m, sim.ms, mbuf)
        return mbuf

    variants = {ENGINE: lambda m: sim.demag_field(m, sim._hd)}

    import scipy.fft

    def scipy_rfftn(m):
        x = scipy.fft.rfftn(padded_m(m), s=shape, axes=axes, workers=1)
        return scipy.fft.irfftn(spectrum_product(x), s=shape, axes=axes, workers=1)[crop]

    variants["scipy.fft rfftn/irfftn"] = scipy_rfftn

    def numpy_rfftn(m):
        x = np.fft.rfftn(padded_m(m), s=shape, axes=axes)
        return np.fft.irfftn(spectrum_product(x), s=shape, axes=axes)[crop]

    variants["numpy.fft rfftn/irfftn"] = numpy_rfftn

    try:
        import pyfftw
    except ImportError:
        print("pyfftw: not installed")
    else:
        real = pyfftw.empty_aligned((3, *[kernel.padded[a] if a in kernel.fft_axes else n[a]
                                          for a in range(3)]), dtype="float64")
        forward = pyfftw.builders.rfftn(real, axes=axes, threads=1,
                                       planner_effort="FFTW_MEASURE")
        inverse = pyfftw.builders.irfftn(forward.output_array.copy(), s=shape, axes=axes,
                                        threads=1, planner_effort="FFTW_MEASURE")
        region = (slice(None),) + tuple(slice(0, k) for k in n)

        def fftw(m):
            real[...] = 0.0
            real[region] = padded_m(m)
            x = spectrum_product(forward())
            inverse.input_array[...] = x
            return inverse()[crop]

        variants[f"pyfftw {pyfftw.__version__} (FFTW_MEASURE plans)"] = fftw

    from micromag.engines.builtin.fft import DemagConvolution, default_backend

    if default_backend() == "ducc0":
        import ducc0

        ducc = DemagConvolution(kernel, n, "ducc0")
        out = np.zeros((3, *n))
        variants[f"engine, ducc0 {ducc0.__version__} backend (r2c/c2r)"] = (
            lambda m: ducc(padded_m(m), out))
    else:
        print("ducc0: not installed")

    try:
        import mkl_fft
        from mkl_fft import interfaces
    except ImportError:
        print("mkl_fft: not installed")
    else:
        def mkl(m):
            x = interfaces.numpy_fft.rfftn(padded_m(m), s=shape, axes=axes)
            return interfaces.numpy_fft.irfftn(spectrum_product(x), s=shape, axes=axes)[crop]

        variants[f"mkl_fft {mkl_fft.__version__}"] = mkl
    return variants


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    print("load:", open("/proc/loadavg").read().strip(), f"({os.cpu_count()} cores)")
    sim, m = default_simulation()
    print(f"mesh {sim.n}, padded {sim.kernel.padded}, fft axes {sim.kernel.fft_axes}")
    dmdt = np.zeros_like(m)
    rhs = time_call(lambda: sim.rhs(0.0, m, dmdt), args.calls, args.repeat)
    reference = sim.demag_field(m).copy()
    scale = np.abs(reference).max()
    times = {}
    for name, function in convolutions(sim).items():
        difference = np.abs(function(m) - reference).max() / scale
        if difference > 1e-12:
            raise SystemExit(f"{name}: field differs from the engine's by {difference:.2e}")
        times[name] = time_call(lambda f=function: f(m), args.calls, args.repeat)
    engine_time = times[ENGINE]
    width = max(map(len, times))
    for name, seconds in times.items():
        print(f"{name:<{width}}  {seconds * 1e6:8.1f} us  x{engine_time / seconds:5.2f}")
    fastest = min(times, key=times.get)
    print(f"rhs_us={rhs * 1e6:.1f} demag_us={engine_time * 1e6:.1f} "
          f"demag_share={engine_time / rhs:.3f}")
    from micromag.engines.builtin.fft import default_backend

    if default_backend() == "ducc0":
        sim_ducc, _ = default_simulation("ducc0")
        rhs_ducc = time_call(lambda: sim_ducc.rhs(0.0, m, dmdt), args.calls, args.repeat)
        print(f"rhs_ducc0_us={rhs_ducc * 1e6:.1f} rhs_speedup_ducc0={rhs / rhs_ducc:.2f}")
    library = fastest.split()[1] if fastest.startswith("engine") else fastest.split()[0]
    print(f"fastest={library} speedup_vs_engine={engine_time / times[fastest]:.2f}")


if __name__ == "__main__":
    main()

"""Built-in engine versus magnum.np (and OOMMF where installed) on the reference vortex STNO.

The reference device (PHYSICS.md section 6: permalloy disk 200 nm x 10 nm, 5 nm cells,
Slonczewski torque with m_p = +z and the long-cylinder Oersted field) is relaxed once in a
20 mT in-plane field (core off centre, as for a calibration run), then
each engine runs a 1 ns transient at one current and is timed over the next 5 ns, single-
threaded, with the same adaptive-step tolerance (atol = rtol). magnum.np runs in a child
process (its import changes torch's global state). The last lines printed are::

    builtin_s_per_ns=<x>
    magnumnp_s_per_ns=<y>
    speedup_vs_magnumnp=<y/x>
    freq_rel_diff=<|f_b - f_m| / f_m>

and, where OOMMF can run (``OOMMFTCL`` or ``oommf`` on the PATH, not as root), the same
against OOMMF: ``oommf_s_per_ns``, ``speedup_vs_oommf``, ``freq_rel_diff_oommf`` (OOMMF's
wall time for the timed part, as the difference of a transient-only run and a full run;
OOMMF keeps its own error control).

Times are CPU seconds of each single-threaded process per simulated ns (wall times are
printed too; on a shared machine they include time the core was given to others).

Usage: ``python benchmarks/micromag_engines.py [--current-density 2.3e10] [--duration 5e-9]
[--fft auto|scipy|ducc0]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def gyration_frequency(t: np.ndarray, signal: np.ndarray) -> float:
    """Frequency (Hz) of the dominant oscillation: FFT peak refined by a sinusoid fit."""
    from scipy.optimize import curve_fit

    centred = signal - signal.mean()
    spectrum = np.abs(np.fft.rfft(centred * np.hanning(len(centred)), n=16 * len(centred)))
    freqs = np.fft.rfftfreq(16 * len(centred), t[1] - t[0])
    guess = freqs[spectrum.argmax()]

    def model(tt, c, a, b, f, g):
        return c + (a + g * (tt - tt[0])) * np.cos(2 * np.pi * f * tt + b)

    p0 = [signal.mean(), np.abs(centred).max(), 0.0, guess, 0.0]
    best = None
    for phase in np.linspace(0, 2 * np.pi, 8, endpoint=False):
        p0[2] = phase
        try:
            params, _ = curve_fit(model, t, signal, p0=p0, maxfev=5000)
        except RuntimeError:
            continue
        residual = np.sum((model(t, *params) - signal) ** 2)
        if best is None or residual < best[0]:
            best = (residual, abs(params[3]))
    return best[1] if best else guess


# --------------------------------------------------------------------------- magnum.np child
def _magnumnp_worker(path: str) -> None:
    """Run the arrays in ``path`` (npz) with magnum.np: transient, then timed duration."""
    import magnumnp as mnp
    import torch

    torch.set_num_threads(1)
    d = np.load(path)
    n, cell = tuple(int(k) for k in d["n"]), tuple(float(c) for c in d["cell"])
    ms = d["Ms"]
    mask = torch.tensor(ms > 0)
    mesh = mnp.Mesh(n, cell)
    state = mnp.State(mesh)
    state.material = {
        "Ms": torch.tensor(ms).unsqueeze(-1),
        "A": torch.tensor(np.where(ms > 0, float(d["A"]), 0.0)).unsqueeze(-1),
        "alpha": float(d["alpha"]),
        "P": float(d["P"]), "Lambda": float(d["Lambda"]),
        "epsilon_prime": float(d["eps_prime"]), "mp": torch.tensor(d["mp"]),
        "J": float(d["J"]), "d": cell[2],
    }
    state.m = torch.tensor(d["m0"])
    terms = [mnp.DemagField(), mnp.ExchangeField(), mnp.ExternalField(torch.tensor(d["H_ext"]))]
    if float(d["J"]) != 0.0:
        terms.append(mnp.SpinTorqueSlonczewski())
    tol = float(d["tolerance"])
    llg = mnp.LLGSolver(terms, atol=tol, rtol=tol)
    interval = float(d["sampling_interval"])

    def advance(duration):
        times, ms_avg = [], []
        for _ in range(int(round(duration / interval))):
            llg.step(state, interval)
            times.append(float(state.t))
            ms_avg.append(state.m[mask].mean(dim=0).numpy())
        return np.array(times), np.array(ms_avg)

    advance(float(d["transient"]))
    start, start_cpu = time.perf_counter(), time.process_time()
    times, m_avg = advance(float(d["duration"]))
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    np.savez(path + ".out.npz", time=times - times[0] + interval, m=m_avg, wall=wall, cpu=cpu,
             version=mnp.__version__)


def run_magnumnp(arrays: dict) -> dict | None:
    """magnum.np in a child process; None if it is not installed."""
    if importlib.util.find_spec("magnumnp") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "problem.npz")
        np.savez(path, **arrays)
        subprocess.run([sys.executable, __file__, "--magnumnp-worker", path], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = np.load(path + ".out.npz")
        return {k: out[k] for k in out.files}


# --------------------------------------------------------------------------- main
def magnumnp_arrays(problem, tolerance: float, transient: float, duration: float,
                    sampling_interval: float) -> dict:
    """The arrays the magnum.np child reads: the Problem's fields, static parts summed."""
    h_ext = np.zeros((*problem.n, 3))
    if problem.zeeman_time_H is not None or problem.current_profile is not None:
        raise SystemExit("benchmark: time-dependent drives (RF field, RF current, current "
                         "waveform) are not translated; run them through the engines")
    if problem.zeeman_H is not None:
        h_ext += problem.zeeman_H
    if problem.oersted_H is not None:
        h_ext += problem.oersted_H
    stt = problem.slonczewski or {"J": 0.0, "mp": np.array([0, 0, 1.0]), "P": 0.0,
                                  "Lambda": 1.0, "eps_prime": 0.0}
    return dict(n=problem.n, cell=problem.cell, Ms=problem.Ms, A=problem.exchange_A or 0.0,
                alpha=problem.alpha, P=stt["P"], Lambda=stt["Lambda"],
                eps_prime=stt["eps_prime"], mp=stt["mp"], J=stt["J"], m0=problem.m0,
                H_ext=h_ext, tolerance=tolerance, transient=transient, duration=duration,
                sampling_interval=sampling_interval)


def run_oommf(device, spec, transient: float, duration: float) -> dict | None:
    """OOMMF through the suite's engine, or None where it cannot run here.

    OOMMF runs as its own process tree (wall time, one thread) and keeps its own error
    control (``RunSpec.tolerance`` is not mapped). Two runs from the same state, of
    ``transient`` and of ``transient + duration``: the difference of their wall times is the
    time of ``duration`` without OOMMF's start-up.
    """
    from dataclasses import replace

    from micromag.engines.oommf import OOMMFEngine, oommf_availability

    available, why = oommf_availability()
    if not available:
        print(f"oommf: not run ({why})")
        return None
    engine = OOMMFEngine(n_threads=1)
    walls = []
    for length in (transient, transient + duration):
        start = time.perf_counter()
        ds = engine.run(device, replace(spec, duration=length))
        walls.append(time.perf_counter() - start)
    t = ds["time"].values
    last = t > t[-1] - duration - 1e-15
    return {"wall": walls[1] - walls[0], "time": t[last], "mx": ds["mx"].values[0, last]}


def reference_problem(current_density: float):
    """The reference vortex device's Problem (micromag.devices) and its relaxed state."""
    from micromag.devices import VortexSTNO
    from micromag.engines import RunSpec, build_problem
    from micromag.engines.builtin import BuiltinEngine

    device = VortexSTNO(relax_field=(20e-3 / (4e-7 * np.pi), 0.0, 0.0))  # core held ~40 nm out
    relaxed = BuiltinEngine().relax(device)
    spec = RunSpec(current_density=current_density, initial_state=relaxed)
    return device, build_problem(device, spec), spec


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--current-density", type=float, default=2.3e10, help="J (A/m^2)")
    parser.add_argument("--duration", type=float, default=5e-9, help="timed run (s)")
    parser.add_argument("--transient", type=float, default=1e-9, help="untimed start (s)")
    parser.add_argument("--tolerance", type=float, default=1e-5, help="atol = rtol")
    parser.add_argument("--sampling-interval", type=float, default=10e-12, help="(s)")
    parser.add_argument("--fft", default="auto", choices=["auto", "scipy", "ducc0"],
                        help="the built-in engine's demag FFT (auto: ducc0 where installed)")
    parser.add_argument("--magnumnp-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.magnumnp_worker:
        _magnumnp_worker(args.magnumnp_worker)
        return 0

    from micromag.engines.builtin import simulation_from_problem

    device, problem, spec = reference_problem(args.current_density)
    sim = simulation_from_problem(problem, spec, fft=args.fft)
    m0 = np.moveaxis(problem.m0, -1, 0)
    print(f"device: {type(device).__name__}, mesh {problem.n}, cell {problem.cell} m, "
          f"J = {args.current_density:g} A/m^2, tolerance {args.tolerance:g}, "
          f"builtin demag FFT: {sim.fft}")
    print(f"load average before: {os.getloadavg()}")
    sim.run(m0, 10e-12, 10e-12, tolerance=args.tolerance)  # compile (cached on disk)
    transient = sim.run(m0, args.transient, args.sampling_interval, tolerance=args.tolerance)
    start, start_cpu = time.perf_counter(), time.process_time()
    timed = sim.run(transient.final, args.duration, args.sampling_interval,
                    tolerance=args.tolerance)
    builtin_wall = time.perf_counter() - start
    builtin_cpu = time.process_time() - start_cpu
    # CPU time of the (single-threaded) process: on a shared machine wall time also counts
    # the time other processes held the core; both are printed
    builtin_s_per_ns = builtin_cpu / (args.duration * 1e9)
    f_builtin = gyration_frequency(timed.time, timed.m[:, 0])
    print(f"builtin: {timed.accepted_steps} steps (+{timed.rejected_steps} rejected), "
          f"{timed.field_evaluations} field evaluations, f = {f_builtin / 1e9:.5f} GHz")

    arrays = magnumnp_arrays(problem, args.tolerance, args.transient, args.duration,
                             args.sampling_interval)
    magnum = run_magnumnp(arrays)
    from dataclasses import replace

    oommf = run_oommf(device, replace(spec, sampling_interval=args.sampling_interval),
                      args.transient, args.duration)
    print(f"load average after: {os.getloadavg()}")
    ns = args.duration * 1e9
    oommf_lines = []
    if oommf is not None:
        f_oommf = gyration_frequency(oommf["time"], oommf["mx"])
        oommf_s_per_ns = oommf["wall"] / ns
        oommf_lines = [f"oommf_s_per_ns={oommf_s_per_ns:.4g}",
                       f"speedup_vs_oommf={oommf_s_per_ns / builtin_s_per_ns:.3g}",
                       f"freq_rel_diff_oommf={abs(f_builtin - f_oommf) / f_oommf:.3g}"]
        print(f"oommf: f = {f_oommf / 1e9:.5f} GHz (wall time: a separate process tree, "
              "its own error control)")
    if magnum is None:
        print(f"builtin_s_per_ns={builtin_s_per_ns:.4g}")
        print("magnumnp_s_per_ns=nan  # magnum.np not installed")
        print("\n".join(oommf_lines))
        return 0
    magnum_s_per_ns = float(magnum["cpu"]) / (args.duration * 1e9)
    print(f"wall time per ns: builtin {builtin_wall / ns:.4g} s, magnum.np "
          f"{float(magnum['wall']) / ns:.4g} s (CPU time below)")
    f_magnum = gyration_frequency(magnum["time"], magnum["m"][:, 0])
    print(f"builtin_s_per_ns={builtin_s_per_ns:.4g}")
    print(f"magnumnp_s_per_ns={magnum_s_per_ns:.4g}")
    print(f"speedup_vs_magnumnp={magnum_s_per_ns / builtin_s_per_ns:.3g}")
    print(f"freq_rel_diff={abs(f_builtin - f_magnum) / f_magnum:.3g}")
    if oommf_lines:
        print("\n".join(oommf_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

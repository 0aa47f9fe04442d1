"""Make the magnum.np reference traces used by ``tests/physics/test_builtin_*.py``.

Run it in its own process (importing magnum.np changes torch's global state)::

    OMP_NUM_THREADS=1 python tests/physics/data/make_builtin_references.py [sp4] [vortex] [stno]

It writes ``sp4_magnumnp.npz``, ``vortex_gyration_magnumnp.npz`` and ``stno_magnumnp.npz``
beside itself: the geometry and material, the relaxed initial magnetisation (so every engine
starts from the same state) and the volume-averaged magnetisation every ``sampling_interval``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from micromag.constants import MU0

HERE = Path(__file__).resolve().parent


def _setup(n, cell, ms, exchange, alpha, m0):
    import magnumnp as mnp
    import torch

    torch.set_num_threads(1)
    mesh = mnp.Mesh(tuple(int(k) for k in n), tuple(float(c) for c in cell))
    state = mnp.State(mesh)
    mask = torch.tensor(ms > 0)
    state.material = {
        "Ms": torch.tensor(ms, dtype=torch.float64).unsqueeze(-1),
        "A": torch.tensor(np.where(ms > 0, exchange, 0.0), dtype=torch.float64).unsqueeze(-1),
        "alpha": alpha,
    }
    state.m = torch.tensor(np.moveaxis(m0, 0, -1).copy(), dtype=torch.float64)
    state.m[~mask] = 0.0
    mnp.normalize(state.m)
    return mnp, torch, state, mask


def _mean_m(state, mask):
    m = state.m[mask]
    return m.mean(dim=0).cpu().numpy()


def _run(mnp, state, mask, terms, duration, sampling_interval, tol):
    llg = mnp.LLGSolver(terms, atol=tol, rtol=tol)
    times = [0.0]
    traces = [_mean_m(state, mask)]
    nsteps = int(round(duration / sampling_interval))
    t0 = time.perf_counter()
    for _ in range(nsteps):
        llg.step(state, sampling_interval)
        times.append(float(state.t))
        traces.append(_mean_m(state, mask))
    wall = time.perf_counter() - t0
    return np.array(times), np.array(traces), wall


def _relax(mnp, state, terms):
    llg = mnp.LLGSolver(terms, atol=1e-7, rtol=1e-7)
    llg.relax(state, maxiter=2000, dm_tol=1e-2)


def make_sp4(duration=3e-9, sampling_interval=1e-11, tol=1e-7):
    """muMAG standard problem 4, field 1, on 5 x 5 x 3 nm cells."""
    n = (100, 25, 1)
    cell = (5e-9, 5e-9, 3e-9)
    ms = np.full(n, 8e5)
    exchange = 1.3e-11
    m0 = np.zeros((3, *n))
    m0[0], m0[1], m0[2] = 1.0, 0.25, 0.1
    mnp, torch, state, mask = _setup(n, cell, ms, exchange, 1.0, m0)
    demag, exch = mnp.DemagField(), mnp.ExchangeField()
    _relax(mnp, state, [demag, exch])
    m_relaxed = np.moveaxis(state.m.cpu().numpy(), -1, 0).copy()
    state.material["alpha"] = 0.02
    state.t = 0.0
    field = np.array([-24.6e-3, 4.3e-3, 0.0]) / MU0
    zeeman = mnp.ExternalField(torch.tensor(field))
    times, m_avg, wall = _run(mnp, state, mask, [demag, exch, zeeman], duration,
                              sampling_interval, tol)
    np.savez_compressed(
        HERE / "sp4_magnumnp.npz", n=n, cell=cell, Ms=8e5, A=exchange, alpha=0.02,
        field=field, tolerance=tol, m0=m_relaxed, time=times, m=m_avg, wall_s=wall,
        versions=_versions(mnp, torch))
    print(f"sp4: {wall:.1f} s for {duration * 1e9:g} ns")


def make_vortex(duration=5e-9, sampling_interval=1e-11, tol=1e-7, cell_xy=5e-9):
    """Free gyration of the reference vortex (200 nm disk, 10 nm thick, one cell along z)."""
    radius, thickness = 100e-9, 10e-9
    nxy = int(round(2 * radius / cell_xy))
    n = (nxy, nxy, 1)
    cell = (cell_xy, cell_xy, thickness)
    x = (np.arange(nxy) + 0.5) * cell_xy - radius
    xx, yy = np.meshgrid(x, x, indexing="ij")
    inside = xx**2 + yy**2 <= radius**2
    ms = np.where(inside, 8e5, 0.0)[..., None]
    exchange = 1.3e-11
    r = np.hypot(xx, yy)
    core = np.exp(-(r / 10e-9) ** 2)
    m0 = np.zeros((3, *n))
    m0[0, ..., 0] = -yy / np.maximum(r, 1e-12) * (1 - core)
    m0[1, ..., 0] = xx / np.maximum(r, 1e-12) * (1 - core)
    m0[2, ..., 0] = core
    mnp, torch, state, mask = _setup(n, cell, ms, exchange, 1.0, m0)
    demag, exch = mnp.DemagField(), mnp.ExchangeField()
    push = np.array([10e-3, 0.0, 0.0]) / MU0
    _relax(mnp, state, [demag, exch, mnp.ExternalField(torch.tensor(push))])
    m_relaxed = np.moveaxis(state.m.cpu().numpy(), -1, 0).copy()
    state.material["alpha"] = 0.01
    state.t = 0.0
    times, m_avg, wall = _run(mnp, state, mask, [demag, exch], duration, sampling_interval, tol)
    np.savez_compressed(
        HERE / "vortex_gyration_magnumnp.npz", n=n, cell=cell, Ms=ms[..., 0] if False else ms,
        A=exchange, alpha=0.01, push_field=push, tolerance=tol, m0=m_relaxed, time=times,
        m=m_avg, wall_s=wall, versions=_versions(mnp, torch))
    print(f"vortex: {wall:.1f} s for {duration * 1e9:g} ns")


def make_stno(currents=(2.2e10, 2.6e10), duration=5e-9, sampling_interval=1e-11, tol=1e-7):
    """Reference vortex STNO (micromag.devices.VortexSTNO defaults: Slonczewski torque and
    Oersted field) released from a 20 mT relaxed state, at two currents of its window.

    The state is relaxed by the built-in engine; magnum.np then runs each current through
    ``benchmarks/micromag_engines.py --magnumnp-worker`` (its own process).
    """
    import subprocess
    import tempfile

    from micromag.devices import VortexSTNO
    from micromag.engines import RunSpec, build_problem
    from micromag.engines.builtin import BuiltinEngine

    device = VortexSTNO(relax_field=(20e-3 / MU0, 0.0, 0.0))
    relaxed = BuiltinEngine().relax(device)
    worker = HERE.parents[2] / "benchmarks" / "micromag_engines.py"
    traces, walls = [], []
    for j in currents:
        problem = build_problem(device, RunSpec(current_density=j, initial_state=relaxed))
        stt = problem.slonczewski
        arrays = dict(n=problem.n, cell=problem.cell, Ms=problem.Ms, A=problem.exchange_A,
                      alpha=problem.alpha, P=stt["P"], Lambda=stt["Lambda"],
                      eps_prime=stt["eps_prime"], mp=stt["mp"], J=stt["J"], m0=problem.m0,
                      H_ext=problem.oersted_H, tolerance=tol, transient=0.0,
                      duration=duration, sampling_interval=sampling_interval)
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "problem.npz")
            np.savez(path, **arrays)
            subprocess.run([sys.executable, str(worker), "--magnumnp-worker", path],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out = np.load(path + ".out.npz")
            start = problem.m0[problem.Ms > 0].mean(axis=0)
            traces.append(np.concatenate([start[None], out["m"]]))
            walls.append(float(out["wall"]))
            version = str(out["version"])
    times = np.arange(traces[0].shape[0]) * sampling_interval
    np.savez_compressed(
        HERE / "stno_magnumnp.npz", currents=np.array(currents), m0=relaxed, time=times,
        m=np.array(traces), tolerance=tol, wall_s=np.array(walls),
        device=json.dumps(device.to_dict()),
        versions=f"magnumnp {version}, numpy {np.__version__}")
    print(f"stno: {walls} s for {duration * 1e9:g} ns each")


def _versions(mnp, torch):
    return f"magnumnp {mnp.__version__}, torch {torch.__version__}, numpy {np.__version__}"


if __name__ == "__main__":
    which = sys.argv[1:] or ["sp4", "vortex", "stno"]
    if "sp4" in which:
        make_sp4()
    if "vortex" in which:
        make_vortex()
    if "stno" in which:
        make_stno()

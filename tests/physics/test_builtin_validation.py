"""The built-in engine against magnum.np on the same mesh, from the same initial state.

The magnum.np traces are stored in ``tests/physics/data`` (made by
``make_builtin_references.py`` in its own process; see the README there). Set
``MICROMAG_REGENERATE_REFERENCES=1`` to remake them first where magnum.np is installed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import curve_fit

from micromag.engines.builtin.solver import Simulation

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module", autouse=True)
def _regenerate():
    if os.environ.get("MICROMAG_REGENERATE_REFERENCES") == "1":
        if importlib.util.find_spec("magnumnp") is None:
            pytest.skip("MICROMAG_REGENERATE_REFERENCES=1 but magnum.np is not installed")
        subprocess.run([sys.executable, str(DATA / "make_builtin_references.py")], check=True,
                       env={**os.environ, "OMP_NUM_THREADS": "1"})


def _first_zero_crossing(t, x):
    i = int(np.nonzero(np.sign(x[1:]) != np.sign(x[:-1]))[0][0])
    return t[i] - x[i] * (t[i + 1] - t[i]) / (x[i + 1] - x[i])


def test_standard_problem_4_field_1_matches_magnumnp():
    """muMAG SP4 field 1 (500 x 125 x 3 nm, 5 x 5 x 3 nm cells), first 1 ns."""
    ref = np.load(DATA / "sp4_magnumnp.npz")
    duration = 1e-9
    count = int(round(duration / 1e-11)) + 1
    sim = Simulation(tuple(ref["cell"]), np.full(tuple(ref["n"]), float(ref["Ms"])),
                     float(ref["A"]), float(ref["alpha"]), zeeman=ref["field"])
    traj = sim.run(ref["m0"], duration, 1e-11, tolerance=1e-6)
    np.testing.assert_allclose(traj.time, ref["time"][:count], rtol=1e-9, atol=1e-20)
    rms = np.sqrt(np.mean((traj.m - ref["m"][:count]) ** 2, axis=0))
    # issue 6's criterion is RMS < 1e-2; with the same mesh, kernel convention and initial
    # state the engines differ only by integration error (measured ~2e-7 at tol 1e-6)
    assert np.all(rms < 1e-2)
    assert np.all(rms < 1e-4)
    t_ours = _first_zero_crossing(traj.time, traj.m[:, 0])
    t_ref = _first_zero_crossing(ref["time"], ref["m"][:, 0])
    assert t_ours == pytest.approx(t_ref, rel=0.02)  # issue 6's criterion


def _damped(t, offset, amplitude, decay, frequency, phase):
    return offset + amplitude * np.exp(-t * decay) * np.cos(2 * np.pi * frequency * t + phase)


def gyration_frequency(t, signal):
    """Frequency (Hz) of a damped oscillation, least-squares fit seeded by zero crossings."""
    centred = signal - signal.mean()
    crossings = np.nonzero(np.sign(centred[1:]) != np.sign(centred[:-1]))[0]
    guess = (len(crossings) - 1) / (2 * (t[crossings[-1]] - t[crossings[0]]))
    amplitude = np.abs(centred).max()
    phase = 0.0 if centred[0] > 0 else np.pi
    params, _ = curve_fit(_damped, t, signal, p0=[signal.mean(), amplitude, 1e8, guess, phase],
                          maxfev=20000)
    return abs(params[3])


def test_free_vortex_gyration_matches_magnumnp():
    """Reference vortex (200 nm disk, 10 nm, 5 x 5 x 10 nm cells, alpha 0.01), released from
    the core displacement of a 10 mT in-plane field; 5 ns (two periods)."""
    ref = np.load(DATA / "vortex_gyration_magnumnp.npz")
    sim = Simulation(tuple(ref["cell"]), ref["Ms"], float(ref["A"]), float(ref["alpha"]))
    traj = sim.run(ref["m0"], 5e-9, 1e-11, tolerance=1e-5, record_core=True)
    rms = np.sqrt(np.mean((traj.m - ref["m"]) ** 2, axis=0))
    assert np.all(rms < 1e-4)  # same mesh and start: integration error only (~5e-8 measured)
    f_ours = gyration_frequency(traj.time, traj.m[:, 1])
    f_ref = gyration_frequency(ref["time"], ref["m"][:, 1])
    assert f_ours == pytest.approx(f_ref, rel=0.01)  # issue 6's criterion
    # the core orbit: radius ~20 nm at the start, counter-clockwise for a p = +1 core
    radius = np.hypot(traj.core[:, 0], traj.core[:, 1])
    assert 10e-9 < radius[0] < 40e-9
    angle = np.unwrap(np.arctan2(traj.core[:, 1], traj.core[:, 0]))
    assert angle[-1] - angle[0] > 2 * np.pi  # two turns counter-clockwise in 5 ns
    # Guslienko's estimate (5/9pi) gamma0 Ms L/R is good to ~10-20 % (PHYSICS.md section 1)
    guslienko = 5 / (9 * np.pi) * 2.21276e5 * 8e5 * (10e-9 / 100e-9) / (2 * np.pi)
    assert f_ours == pytest.approx(guslienko, rel=0.25)


def test_vortex_stno_frequency_at_two_currents_matches_magnumnp():
    """The reference vortex STNO (Slonczewski torque, m_p = +z, Oersted field) released from
    its 20 mT relaxed state at two currents of its steady-orbit window (2.2 and 2.6e10 A/m^2),
    first 3 ns of the stored 5 ns magnum.np runs, through the engine interface."""
    from micromag.devices import VortexSTNO
    from micromag.engines import RunSpec
    from micromag.engines.builtin import BuiltinEngine

    ref = np.load(DATA / "stno_magnumnp.npz")
    device = VortexSTNO(relax_field=(20e-3 / (4e-7 * np.pi), 0.0, 0.0))
    duration = 3e-9
    count = int(round(duration / 1e-11)) + 1
    for index, j in enumerate(ref["currents"]):
        spec = RunSpec(current_density=float(j), duration=duration, sampling_interval=1e-11,
                       tolerance=1e-5, initial_state=ref["m0"])
        ds = BuiltinEngine().run(device, spec)
        ours = np.stack([ds[k].values[0] for k in ("mx", "my", "mz")], axis=-1)
        theirs = ref["m"][index, :count]
        # same mesh, state and torque/Oersted conventions: integration error only
        assert np.sqrt(np.mean((ours - theirs) ** 2)) < 1e-4
        f_ours = gyration_frequency(ds.time.values, ours[:, 0])
        f_ref = gyration_frequency(ref["time"][:count], theirs[:, 0])
        assert f_ours == pytest.approx(f_ref, rel=0.01)  # issue 6's criterion

"""A macrospin peer for the MTJ free layer: cmtj against the built-in engine on one cell
(issue 16, point 4; the full comparison is benchmarks/mtj_cmtj.py, docs/mtj_macrospin.md).

The free layer of the Houssameddine et al. design (PHYSICS.md section 8): in-plane CoFeB-like
layer (Ms 1e6 A/m, alpha 0.01, 2 nm, K = 5e3 J/m^3 along x), polarizer +z, P 0.4, Lambda 2,
no field, no Oersted field, T = 0, as ONE 20 nm x 20 nm x 2 nm cell of the built-in engine
(a macrospin with the cell's Newell tensor) and as a cmtj layer with that tensor. The
translation of conventions (cmtj's LL form with beta = alpha, Ms in tesla, the suite's
constants set in cmtj) is the benchmark's, imported from it so that CI checks the code the
benchmark ran. The issue's target is 1 % on f(J) and on the threshold J_c1; the codes agree
far better, and the tolerances below say how much better and why.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("cmtj", reason="cmtj (PyPI `cmtj`, in the `test` extra) is not installed: "
                    "no macrospin peer to compare with")

ROOT = Path(__file__).resolve().parents[2]


def _benchmark():
    """benchmarks/mtj_cmtj.py as a module (its thread settings in os.environ undone: they are
    for the script, not for the tests that share this process)."""
    name = "mtj_cmtj_benchmark"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "mtj_cmtj.py")
        module = importlib.util.module_from_spec(spec)
        environ, path = dict(os.environ), list(sys.path)
        try:
            sys.modules[name] = module
            spec.loader.exec_module(module)
        finally:
            os.environ.clear()
            os.environ.update(environ)
            sys.path[:] = path
    return sys.modules[name]


B = _benchmark()
DEVICE = B.free_layer()
#: three currents across the precession window J_step ~ 3.7e10 < J < J_c2 ~ 1.36e11 A/m^2
CURRENTS = (5.0e10, 9.0e10, 1.25e11)


def test_cmtj_gets_the_engine_macrospin():
    """The device is one cell, and cmtj's tensor is that cell's: N_xx = N_yy (a square), trace
    1, N_zz of a 20 x 20 x 2 nm prism (Aharoni: 0.80508)."""
    assert [int(n) for n in DEVICE.mesh.n] == [1, 1, 1]
    n = B.demag_tensor(DEVICE)
    # symmetry and trace are exact for Newell's tensor (roundoff ~1e-15); N_zz is Aharoni's
    # 0.8050776 (tests/physics/test_micromag_kittel.py's formula) quoted to 5 decimals
    assert n[0, 0] == pytest.approx(n[1, 1], rel=1e-12)
    assert n.trace() == pytest.approx(1.0, rel=1e-10)
    assert n[2, 2] == pytest.approx(0.80508, abs=1e-5)


@pytest.mark.parametrize("current", CURRENTS)
def test_cmtj_precession_frequency_matches_builtin(current):
    """f and <m_z> of the steady out-of-plane precession (last 15 ns of 30 ns) in both codes.

    Tolerance 2e-5 on f and on <m_z>, far inside the issue's 1 %: the two codes integrate the
    same ODE with the same constants, and measured here they agree to 8e-7 (5e10), 1.4e-6
    (9e10) and 3e-6 (1.25e11) in f, 3e-6 in <m_z>: the built-in engine's RKF45 error at
    tolerance 1e-7 (at 1e-9 it falls to 4e-8). The bound must catch convention slips far
    smaller than 1 %: cmtj's own constants (gamma 220880 against the suite's 221276) shift f
    by -1.8e-3, and beta = 0 instead of alpha (dropping the alpha m x T part of the
    Gilbert-form torque) by -1.0e-4 (= alpha^2), both measured at 9e10.
    """
    t, m = B.run_builtin(DEVICE, current, B.RUN)
    builtin = B.precession(t, m)
    t, m = B.run_cmtj(DEVICE, current, B.RUN)
    peer = B.precession(t, m)
    assert builtin["frequency"] == pytest.approx(peer["frequency"], rel=2e-5)
    assert builtin["mz"] == pytest.approx(peer["mz"], abs=2e-5)
    # precession about the demagnetising field -N_zz Ms m_z z (m_z > 0): clockwise seen from
    # +z in both codes (negative frequency)
    assert builtin["frequency"] < 0 and peer["frequency"] < 0
    # sanity against the energy balance alpha (N_zz - N_xx) Ms m_z = b eps(m_z) J and
    # f = (gamma0 / 2 pi) (N_zz - N_xx) Ms m_z: an estimate that neglects H_k (0.011 of
    # (N_zz - N_xx) Ms) and the orbit's ellipticity; 1 % (measured at these currents: f
    # +0.09 to +0.13 %, m_z -0.43 to -0.47 %)
    estimate = B.analytic_precession(DEVICE, current)
    assert abs(peer["frequency"]) == pytest.approx(estimate["frequency"], rel=0.01)
    assert peer["mz"] == pytest.approx(estimate["mz"], rel=0.01)


def test_cmtj_threshold_jc1_matches_builtin():
    """J_c1, where the static in-plane state disappears (a fold at b eps(0) J = H_k / 2, i.e.
    J_c1 = K e t (L^2 + 1) / (hbar P L^2) = 4.748e10 A/m^2), by the same bisection in both
    codes: J ramped linearly 0 -> J over 20 ns, held 10 ns, does m end out of the plane?

    Bracket [0.98, 1.01] x analytic, resolved to 2e-3 (a fifth of the issue's 1 %). Both codes
    classify every probed current alike (measured: identical brackets, here and at 1e-4 in
    the benchmark), so their thresholds agree to the resolution. The analytic fold is the
    adiabatic limit: a 20 ns ramp leaves the state a little behind the moving equilibrium and
    it escapes slightly early, measured -1e-3 (-2.7e-4 with the benchmark's 60 ns ramp), so
    the bracket's middle must lie within 5e-3 of it (measured -4e-4).
    """
    jc1 = B.analytic_jc1(DEVICE)
    assert jc1 == pytest.approx(DEVICE.anisotropy_K * B.ELEMENTARY_CHARGE * DEVICE.thickness
                                * (DEVICE.Lambda**2 + 1)
                                / (B.HBAR * DEVICE.P * DEVICE.Lambda**2), rel=1e-12)
    resolution = 2e-3
    brackets = {engine: B.ramp_threshold(engine, DEVICE, 0.98 * jc1, 1.01 * jc1, resolution,
                                         ramp=20e-9, hold=10e-9)
                for engine in ("builtin", "cmtj")}
    middles = {engine: math.sqrt(low * high) for engine, (low, high, _) in brackets.items()}
    assert middles["builtin"] == pytest.approx(middles["cmtj"], rel=resolution)
    for middle in middles.values():
        assert middle == pytest.approx(jc1, rel=5e-3)


def test_cmtj_switch_on_threshold_matches_builtin():
    """J_step: the current switched on at t = 0 from the easy axis tilted 0.01 rad (20 ns
    runs). Below J_c1 the in-plane state still exists, but the precession exists too (at
    least down to J_step ~ 0.78 J_c1) and the switch-on transient reaches it: a threshold of
    the protocol and the initial state, sensitive to the whole transient, so a sharper check
    of the dynamics than J_c1. Bracket [0.7, 0.85] x J_c1 resolved to 2e-3 in both codes;
    they must agree to the resolution (measured: identical brackets, J_step = 0.779 J_c1).
    """
    jc1 = B.analytic_jc1(DEVICE)
    resolution = 2e-3
    middles = {}
    for engine in ("builtin", "cmtj"):
        low, high, _ = B.step_threshold(engine, DEVICE, 0.7 * jc1, 0.85 * jc1, resolution)
        middles[engine] = math.sqrt(low * high)
    assert middles["builtin"] == pytest.approx(middles["cmtj"], rel=resolution)
    # below the fold, clearly (measured 0.779): the bistable range the docstring describes
    assert middles["cmtj"] < 0.95 * jc1

"""Unit physics of the built-in engine's core solver (plain arrays, no Ubermag).

Every test compares with a number that an analytic result predicts: Aharoni's demagnetising
factors of a prism, the Kittel frequency, the Langevin function, the LLG energy balance.
"""

from __future__ import annotations

import numpy as np
import pytest

from micromag.constants import BOLTZMANN, ELEMENTARY_CHARGE, GAMMA0, HBAR, MU0
from micromag.engines.builtin.newell import DemagKernel, self_demag_factors
from micromag.engines.builtin.solver import Simulation


def aharoni_nz(lx: float, ly: float, lz: float) -> float:
    """Demagnetising factor along z of a rectangular prism (Aharoni, JAP 83, 3432 (1998))."""
    a, b, c = lx / 2, ly / 2, lz / 2
    r = np.sqrt(a * a + b * b + c * c)
    ab, bc, ac = np.hypot(a, b), np.hypot(b, c), np.hypot(a, c)
    s = ((b * b - c * c) / (2 * b * c) * np.log((r - a) / (r + a))
         + (a * a - c * c) / (2 * a * c) * np.log((r - b) / (r + b))
         + b / (2 * c) * np.log((ab + a) / (ab - a)) + a / (2 * c) * np.log((ab + b) / (ab - b))
         + c / (2 * a) * np.log((bc - b) / (bc + b)) + c / (2 * b) * np.log((ac - a) / (ac + a))
         + 2 * np.arctan(a * b / (c * r)) + (a**3 + b**3 - 2 * c**3) / (3 * a * b * c)
         + (a * a + b * b - 2 * c * c) / (3 * a * b * c) * r + c / (a * b) * (ac + bc)
         - (ab**3 + bc**3 + ac**3) / (3 * a * b * c))
    return s / np.pi


def test_cube_self_demag_is_one_third():
    factors = self_demag_factors((5e-9, 5e-9, 5e-9))
    # exact identities: trace 1 for any prism, 1/3 each by symmetry; double precision
    assert factors.sum() == pytest.approx(1.0, abs=1e-12)
    assert factors == pytest.approx(1 / 3, abs=1e-12)


@pytest.mark.parametrize("dims", [(10e-9, 6e-9, 2e-9), (5e-9, 5e-9, 3e-9), (2e-9, 3e-9, 5e-9)])
def test_prism_self_demag_matches_aharoni(dims):
    factors = self_demag_factors(dims)
    # two independent closed forms of the same integral: agreement to rounding
    assert factors[2] == pytest.approx(aharoni_nz(*dims), abs=1e-10)
    assert factors[0] == pytest.approx(aharoni_nz(dims[1], dims[2], dims[0]), abs=1e-10)
    assert factors.sum() == pytest.approx(1.0, abs=1e-12)


def test_thin_film_of_cells_approaches_nzz_one():
    """A 320 x 320 x 1 nm film uniformly magnetised along z, from 64 x 64 cells.

    The cell-averaged fields of Newell's tensor are exact, so the volume-averaged N_zz of the
    composite film equals that of one prism of the same size (Aharoni: 0.98708), up to the
    point-dipole far field used beyond 20 cell diagonals.
    """
    n, cell = (64, 64, 1), (5e-9, 5e-9, 1e-9)
    sim = Simulation(cell, np.full(n, 1.0), demag=True)
    h = sim.demag_field(sim.initial((0.0, 0.0, 1.0)))
    n_zz = -h[2].mean()
    expected = aharoni_nz(320e-9, 320e-9, 1e-9)
    assert expected > 0.98  # the thin-film limit N_zz -> 1
    assert n_zz == pytest.approx(expected, abs=2e-5)  # dipole far-field error is ~1e-6


def test_demag_fft_matches_direct_sum():
    """The FFT convolution against the direct double sum, three layers (xz, yz coupling)."""
    n, cell = (5, 4, 3), (4e-9, 5e-9, 3e-9)
    rng = np.random.default_rng(7)
    ms = np.full(n, 8e5)
    ms[0, 0, 0] = 0.0
    sim = Simulation(cell, ms)
    m = sim.initial(rng.normal(size=(3, *n)))
    h_fft = sim.demag_field(m)
    kernel = DemagKernel(n, cell)
    names = {(0, 0): "xx", (1, 1): "yy", (2, 2): "zz", (0, 1): "xy", (0, 2): "xz", (1, 2): "yz"}
    big_m = m * ms
    h_direct = np.zeros_like(h_fft)
    cells = np.array(np.unravel_index(np.arange(np.prod(n)), n)).T
    for a in cells:
        for b in cells:
            off = tuple((a - b) % np.array(kernel.padded))
            for i in range(3):
                for j in range(3):
                    comp = kernel.real_space[names[(min(i, j), max(i, j))]][off]
                    h_direct[(i, *a)] -= comp * big_m[(j, *b)]
    assert np.abs(h_fft - h_direct).max() < 1e-10 * np.abs(h_direct).max()


def _film(alpha, field=(2e4, 1e4, 0.0)):
    n, cell = (16, 8, 1), (5e-9, 5e-9, 3e-9)
    sim = Simulation(cell, np.full(n, 8e5), 1.3e-11, alpha, zeeman=field,
                     anisotropy=2e4, anisotropy_axis=(1, 1, 0))
    x = np.linspace(-1, 1, n[0])[:, None, None]
    m0 = np.stack(np.broadcast_arrays(np.cos(x), np.sin(x) + 0.3, 0.2 + 0 * x))
    return sim, m0


def test_energy_conserved_without_damping():
    sim, m0 = _film(alpha=0.0)
    traj = sim.run(m0, 0.1e-9, 5e-12, tolerance=1e-8)
    e0 = sim.energy(sim.initial(m0))["total"]
    e_end = sim.energy(traj.final)["total"]
    scale = MU0 * 8e5**2 * sim.volume * np.prod(sim.n)  # the demag energy scale, ~3.8e-18 J
    # a 5th-order step at tol 1e-8: the drift over 0.1 ns is ~1e-8 of the scale
    assert abs(e_end - e0) < 1e-6 * scale
    assert abs(traj.m[-1] - traj.m[0]).max() > 0.05  # it moved


def test_energy_decreases_with_damping():
    sim, m0 = _film(alpha=0.05)
    energies = [sim.energy(sim.initial(m0))["total"]]
    m = sim.initial(m0)
    for _ in range(20):
        traj = sim.run(m, 10e-12, 10e-12, tolerance=1e-8)
        m = traj.final
        energies.append(sim.energy(m)["total"])
    steps = np.diff(energies)
    scale = MU0 * 8e5**2 * sim.volume * np.prod(sim.n)
    # dE/dt = -alpha mu0 Ms gamma'/... |m x H|^2 <= 0; allow round-off (1e-12 of the scale)
    assert np.all(steps < 1e-12 * scale)
    assert energies[-1] < energies[0] - 1e-3 * scale


def test_small_angle_precession_matches_kittel():
    """One 10 x 6 x 2 nm cell: its Newell self-demag is the prism's, so Kittel is exact."""
    cell = (10e-9, 6e-9, 2e-9)
    ms, k1 = 8e5, 1e4
    field = 4e4  # A/m along the easy axis x
    sim = Simulation(cell, np.full((1, 1, 1), ms), 0.0, 0.0, zeeman=(field, 0, 0),
                     anisotropy=k1, anisotropy_axis=(1, 0, 0))
    tilt = np.deg2rad(1.0)
    traj = sim.run((np.cos(tilt), np.sin(tilt), 0.0), 1e-9, 0.5e-12, tolerance=1e-9)
    nx, ny, nz = self_demag_factors(cell)
    hk = 2 * k1 / (MU0 * ms)
    kittel = GAMMA0 / (2 * np.pi) * np.sqrt((field + (nz - nx) * ms + hk)
                                            * (field + (ny - nx) * ms + hk))
    my = traj.m[:, 1]
    up = np.nonzero((my[:-1] < 0) & (my[1:] >= 0))[0]
    t_cross = traj.time[up] - my[up] * (traj.time[up + 1] - traj.time[up]) / (my[up + 1] - my[up])
    frequency = (len(t_cross) - 1) / (t_cross[-1] - t_cross[0])
    # 1 degree cone: nonlinear shift ~ theta^2 ~ 3e-4; zero-crossing timing error ~1e-4
    assert frequency == pytest.approx(kittel, rel=1e-3)


def test_slonczewski_torque_matches_oommf_form():
    """dm/dt of one cell at m = x, m_p = z, alpha = 0, against the formula of PHYSICS.md."""
    ms, thickness, j = 8e5, 3e-9, 1e11
    pol, lam, eps_prime = 0.4, 2.0, 0.3
    sim = Simulation((5e-9, 5e-9, thickness), np.full((1, 1, 1), ms), 0.0, 0.0, demag=False,
                     current_density=j, polarizer=(0, 0, 1), polarization=pol,
                     lambda_asymmetry=lam, eps_prime=eps_prime)
    m = sim.initial((1.0, 0.0, 0.0))
    dm = sim.rhs(0.0, m, np.zeros_like(m))[:, 0, 0, 0]
    beta = HBAR / (MU0 * ELEMENTARY_CHARGE) * j / (thickness * ms)
    eps = pol * lam**2 / (lam**2 + 1)  # m . m_p = 0
    # gamma0 beta eps m x (mp x m) = gamma0 beta eps z ; -gamma0 beta eps' m x mp = +y
    expected = GAMMA0 * beta * np.array([0.0, eps_prime, eps])
    assert dm == pytest.approx(expected, rel=1e-12)
    assert dm[2] > 0  # positive J pulls m towards m_p


def _langevin(x):
    return 1 / np.tanh(x) - 1 / x


def test_thermal_macrospins_follow_langevin():
    """2000 uncoupled 2 nm cubes (no exchange, no demag) at 300 K in a field along z.

    Boltzmann statistics of a classical moment: <m_z> = coth(x) - 1/x, x = mu0 Ms V H / kT.
    """
    n, cell = (50, 40, 1), (2e-9, 2e-9, 2e-9)
    ms, temperature, x = 8e5, 300.0, 2.0
    volume = np.prod(cell)
    field = x * BOLTZMANN * temperature / (MU0 * ms * volume)
    sim = Simulation(cell, np.full(n, ms), 0.0, 1.0, demag=False, zeeman=(0, 0, field),
                     temperature=temperature)
    traj = sim.run((0.0, 0.0, 1.0), 400e-12, 10e-12, seed=12345, time_step=1e-13)
    samples = traj.m[10:, 2]  # after 100 ps (~10 relaxation times 2/(alpha gamma0 H))
    expected = _langevin(x)
    # 2000 spins x 30 samples, sigma(m_z) ~ 0.3 -> standard error ~0.002 (samples correlate
    # over ~10 ps); Heun's O(dt) bias at gamma0 H dt = 0.023 is below 0.005
    assert samples.mean() == pytest.approx(expected, abs=0.01)
    again = sim.run((0.0, 0.0, 1.0), 50e-12, 10e-12, seed=12345, time_step=1e-13)
    np.testing.assert_array_equal(again.m, traj.m[: len(again.m)])  # same seed, same run

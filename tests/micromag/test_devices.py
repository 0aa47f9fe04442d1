"""Device models: Ubermag Systems, checks, the reference device, the Problem translation."""

import json
import math

import numpy as np
import pytest

from micromag.devices import MTJOscillator, VortexSTNO, device_from_dict, exchange_length
from micromag.engines import RunSpec, UnsupportedTerm, build_problem, required_terms


def test_reference_device_matches_physics_md():
    """PHYSICS.md section 6: permalloy disk 200 nm x 10 nm, 5 nm cells, alpha 0.01, P 0.4,
    Lambda 2, eps' 0, m_p = +z; one cell along z; gamma0 is Ubermag's."""
    import micromagneticmodel as mm

    d = VortexSTNO()
    assert (d.diameter, d.thickness, d.cell_size) == (200e-9, 10e-9, 5e-9)
    assert (d.Ms, d.A, d.alpha, d.P, d.Lambda, d.eps_prime) == (8e5, 1.3e-11, 0.01, 0.4, 2, 0)
    assert d.polarizer == (0.0, 0.0, 1.0)
    assert d.gamma0 == mm.consts.gamma0
    assert tuple(d.mesh.n) == (40, 40, 1)
    # chirality +1 curls with the Oersted field of J > 0; J p < 0 drives (p = -1, J > 0)
    assert d.chirality == 1 and d.core_polarity == -1
    # 1264 of the 1600 cells have their centre inside the disk: area within 1.2 % of pi R^2
    assert d.magnetic_volume_mask.sum() * 25e-18 == pytest.approx(math.pi * 1e-14, rel=0.012,
                                                                    abs=0)
    assert d.guslienko_frequency() == pytest.approx(
        5 / (9 * math.pi) * mm.consts.gamma0 * 8e5 * 0.1 / (2 * math.pi))


def test_thiele_mode_energy_is_the_closed_formula():
    """lambda = (1/2) G omega R^2 = pi Ms L omega R^2 / gamma, gamma = gamma0/mu0 of the
    device (PHYSICS.md): for the reference disk at 1 GHz, ~9.0e-18 J."""
    import micromagneticmodel as mm

    d = VortexSTNO()
    f = 1.0e9
    gamma = mm.consts.gamma0 / mm.consts.mu0
    expected = math.pi * 8e5 * 10e-9 * (2 * math.pi * f) * (100e-9) ** 2 / gamma
    assert d.thiele_mode_energy(f) == pytest.approx(expected, rel=1e-12, abs=0)
    assert d.thiele_mode_energy(f) == pytest.approx(8.968e-18, rel=1e-4, abs=0)
    # the pipeline's former constant gamma = 1.76085963e11 rad/(s T), gamma0/mu0 rounded to
    # nine digits, differs by 7.3e-9 (approx's default absolute 1e-12 is switched off)
    former = 0.5 * (2 * math.pi * 8e5 * 10e-9 / 1.76085963e11) * (2 * math.pi * f) * 1e-14
    assert d.thiele_mode_energy(f) == pytest.approx(former, rel=1e-8, abs=0)
    # the device's own gamma0 is used, and lambda is linear in frequency
    slow = VortexSTNO(gamma0=mm.consts.gamma0 / 2)
    assert slow.thiele_mode_energy(f) == pytest.approx(2 * d.thiele_mode_energy(f), rel=1e-12,
                                                          abs=0)
    assert d.thiele_mode_energy(3 * f) == pytest.approx(3 * d.thiele_mode_energy(f), rel=1e-12,
                                                          abs=0)


def test_system_terms_and_problem():
    d = VortexSTNO(diameter=60e-9, core_shift=(10e-9, 0.0))
    system = d.system(2e10)
    kinds = [type(t).__name__ for t in list(system.energy) + list(system.dynamics)]
    assert kinds == ["Exchange", "Demag", "Precession", "Damping", "Slonczewski"]
    problem = build_problem(d, RunSpec(current_density=2e10))
    assert problem.terms == {"exchange", "demag", "slonczewski", "oersted"}
    # initial vortex: counter-clockwise (chirality +1) in-plane curl, core -z at (10 nm, 0)
    x, y, _ = problem.coordinates()
    i, j = np.argmin(abs(x - 27.5e-9)), np.argmin(abs(y - 2.5e-9))
    assert problem.m0[i, j, 0, 1] > 0.9
    assert problem.m0[..., 2].min() < -0.8  # Gaussian core 10 nm wide, cells 5 nm
    norms = np.linalg.norm(problem.m0, axis=-1)
    np.testing.assert_allclose(norms[problem.magnetic], 1.0)
    assert np.all(norms[~problem.magnetic] == 0)
    assert np.all(problem.oersted_H[~problem.magnetic] == 0)
    # no current: no torque term, no Oersted field
    assert build_problem(d, RunSpec()).terms == {"exchange", "demag"}


def test_free_layer_must_be_one_cell_thick():
    with pytest.raises(ValueError, match="ONE cell thick"):
        VortexSTNO(cell_z=5e-9)


def test_coarse_cell_warns():
    """Permalloy l_ex = 5.7 nm: 10 nm cells exceed 1.5 l_ex = 8.5 nm."""
    assert exchange_length(1.3e-11, 8e5) == pytest.approx(5.69e-9, rel=1e-2, abs=0)
    with pytest.warns(UserWarning, match="exchange lengths"):
        VortexSTNO(cell_size=10e-9)


@pytest.mark.parametrize("kwargs, key", [
    ({"Ms": -1.0}, "Ms"), ({"alpha": 0.0}, "alpha"), ({"cell_size": 300e-9}, "cell_size"),
    ({"chirality": 2}, "chirality"), ({"Lambda": 0.5}, "Lambda"),
    ({"core_shift": (150e-9, 0.0)}, "core_shift"),
])
def test_bad_inputs_name_the_key(kwargs, key):
    with pytest.raises(ValueError, match=key):
        VortexSTNO(**kwargs)


def test_mtj_resistance_and_round_trip():
    d = MTJOscillator(resistance_P=400.0, resistance_change=600.0)
    np.testing.assert_allclose(d.resistance(np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0]])),
                               [400.0, 1000.0, 700.0])
    copy = device_from_dict(json.loads(json.dumps(d.to_dict())))
    assert copy == d
    assert d.area == pytest.approx(math.pi * 50e-9 * 25e-9, abs=0)


def test_unknown_ubermag_term_is_an_error():
    import micromagneticmodel as mm

    d = MTJOscillator()
    system = d.system()
    system.energy += mm.DMI(D=1e-3, crystalclass="Cnv_z")
    with pytest.raises(UnsupportedTerm, match="DMI"):
        required_terms(system, None, RunSpec())

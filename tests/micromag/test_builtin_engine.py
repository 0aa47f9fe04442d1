"""The built-in engine behind the engine interface: translation of the suite's devices."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from micromag.constants import MU0
from micromag.devices import MTJOscillator, VortexSTNO
from micromag.engines import CAPABILITIES, RunSpec, UnsupportedTerm, build_problem, get_engine
from micromag.engines.builtin import BuiltinEngine, simulation_from_problem


def test_registered_available_and_declares_every_capability():
    engine = get_engine("builtin")
    assert isinstance(engine, BuiltinEngine)
    ok, reason = engine.availability()
    assert ok and "numba" in reason
    assert engine.capabilities == CAPABILITIES


def test_oersted_field_is_the_devices_scaled_by_current():
    device = VortexSTNO(cell_size=6.25e-9)
    j = 3e10
    problem = build_problem(device, RunSpec(current_density=j))
    sim = simulation_from_problem(problem)
    x, y, z = problem.coordinates()
    points = np.stack(np.meshgrid(x, y, z, indexing="ij"), axis=-1)
    expected = device.oersted.h(points, j)
    applied = np.moveaxis(sim.current(0.0) * sim.hoe, 0, -1)
    inside = problem.Ms > 0
    np.testing.assert_allclose(applied[inside], expected[inside], rtol=1e-12, atol=1e-9)
    # long cylinder: |H| = J r / 2 at the rim, counter-clockwise seen from +z
    rim = np.unravel_index(np.argmax(np.where(inside[..., 0], np.hypot(*np.meshgrid(
        x, y, indexing="ij")), 0)), inside.shape[:2])
    r = math.hypot(x[rim[0]], y[rim[1]])
    assert np.linalg.norm(applied[rim[0], rim[1], 0]) == pytest.approx(j * r / 2, rel=1e-9)


def test_time_dependent_zeeman_follows_ubermags_sine():
    import micromagneticmodel as mm

    device = MTJOscillator(cell_size=5e-9)
    system = device.system(0.0)
    h0, frequency, t0 = 2e4, 3e9, 0.1e-9
    system.energy += mm.Zeeman(H=(h0, 0.0, 0.0), wave="sin", f=frequency, t0=t0)
    problem = build_problem(device, RunSpec(), system=system)
    assert "zeeman_time" in problem.terms
    sim = simulation_from_problem(problem)
    m = sim.initial(np.moveaxis(problem.m0, -1, 0))
    t1, t2 = 0.13e-9, 0.37e-9
    change = sim.effective_field(m, t2) - sim.effective_field(m, t1)
    expected = h0 * (math.sin(2 * math.pi * frequency * (t2 - t0))
                     - math.sin(2 * math.pi * frequency * (t1 - t0)))
    inside = sim.ms > 0
    np.testing.assert_allclose(change[0][inside], expected, rtol=1e-12)
    np.testing.assert_allclose(change[1:, inside], 0.0, atol=1e-9)


def test_unknown_term_is_refused_not_dropped():
    import micromagneticmodel as mm

    device = MTJOscillator(cell_size=5e-9)
    system = device.system(0.0)
    system.energy += mm.DMI(D=1e-3, crystalclass="Cnv_z")
    with pytest.raises(UnsupportedTerm, match="DMI"):
        BuiltinEngine().check(device, RunSpec(), system=system)


def test_thermal_run_is_reproducible_from_its_seed():
    device = MTJOscillator()
    engine = BuiltinEngine()
    spec = RunSpec(duration=50e-12, sampling_interval=10e-12, temperature=300.0, seed=4,
                   record_core=False)
    first, again = engine.run(device, spec), engine.run(device, spec)
    other = engine.run(device, RunSpec(**{**spec.to_dict(), "seed": 5}))
    np.testing.assert_array_equal(first.mx.values, again.mx.values)
    assert np.abs(first.my.values - other.my.values).max() > 1e-6
    assert first.attrs["seed"] == 4 and first.attrs["temperature"] == 300.0


def _orbit_radius(ds) -> np.ndarray:
    return np.hypot(ds.core_x.values[0], ds.core_y.values[0])


def test_vortex_gyration_grows_for_negative_j_times_polarity():
    """PHYSICS.md section 1 (OOMMF): with m_p = +z the gyration is amplified for J p < 0.

    Reference disk on 6.25 nm cells (coarse, for speed), core released from ~30 nm; 3 ns at
    +-4e10 A/m^2 with core polarity -1. Measured: J > 0 holds the orbit (31.5 -> 31.1 nm,
    the torque balancing damping plus the Oersted confinement), J < 0 shrinks it to 18 nm.
    """
    device = VortexSTNO(cell_size=6.25e-9, relax_field=(15e-3 / MU0, 0.0, 0.0))
    engine = BuiltinEngine()
    relaxed = engine.relax(device)
    radii = {}
    for j in (4e10, -4e10):
        spec = RunSpec(current_density=j, duration=3e-9, sampling_interval=20e-12,
                       initial_state=relaxed)
        ds = engine.run(device, spec)
        assert ds.attrs["engine"] == "builtin"
        assert ds.mx.attrs["units"] == "1" and ds.core_x.attrs["units"] == "m"
        assert ds.sizes["time"] == spec.n_samples
        radii[j] = _orbit_radius(ds)
    start = radii[4e10][0]
    assert 10e-9 < start < 50e-9
    assert radii[4e10][-1] > 0.9 * start  # sustained
    assert radii[-4e10][-1] < 0.7 * start  # damped faster than by alpha alone (~8 % in 3 ns)
    assert radii[4e10][-1] > 1.4 * radii[-4e10][-1]


def test_demag_kernel_is_computed_once_per_geometry():
    """A current sweep reuses the Newell kernel: same mesh, same cached object."""
    device = VortexSTNO(cell_size=6.25e-9)
    sims = [simulation_from_problem(build_problem(device, RunSpec(current_density=j)))
            for j in (1e10, 2e10)]
    assert sims[0].kernel is sims[1].kernel
    other = simulation_from_problem(build_problem(VortexSTNO(cell_size=5e-9), RunSpec()))
    assert other.kernel is not sims[0].kernel


def test_a_run_reports_its_simulated_time_every_nanosecond():
    """``progress(t)`` at the first sample after each PROGRESS_INTERVAL and at the end."""
    from micromag.engines.base import PROGRESS_INTERVAL

    device = VortexSTNO(diameter=40e-9, thickness=5e-9, cell_size=5e-9, core_shift=(5e-9, 0.0))
    reached = []
    spec = RunSpec(current_density=5e10, duration=2.5e-9, sampling_interval=0.1e-9)
    BuiltinEngine().run(device, spec, progress=reached.append)
    assert PROGRESS_INTERVAL == 1e-9
    np.testing.assert_allclose(reached, [1e-9, 2e-9, 2.5e-9], rtol=1e-9)


def test_a_run_stops_once_steady_and_its_record_is_the_start_of_the_full_run():
    """The former default chain's device (examples/chain_vortex_perpendicular.toml: 200 nm x
    20 nm disk, 40 x 40 cells, perpendicular polarizer) at 1.2e11 A/m^2 rings
    up with Gamma_p ~ 2.3e8 1/s and is steady to 1e-3 in power after ~30 ns (of the 100 ns a
    sweep gives it): with a SteadyState the run ends there, and what it recorded is, sample
    for sample, a run of that length without it (stopping changes no step before it; the
    last sample to the step tolerance)."""
    from micromag.engines import SteadyState
    from multiscale.schemas import load_chain_config

    device = load_chain_config(Path(__file__).parents[2] / "examples"
                               / "chain_vortex_perpendicular.toml").device
    engine = get_engine("builtin")
    m0 = engine.relax(device)
    common = dict(current_density=1.2e11, sampling_interval=50e-12, initial_state=m0)
    stopped = engine.run(device, RunSpec(**common, duration=60e-9,
                                         steady_state=SteadyState()))
    reason = stopped.attrs["stop_reason"]
    assert reason.startswith("steady at"), reason
    end = float(stopped.time[-1])
    assert 30e-9 <= end < 45e-9, end  # not before min_duration; measured 32 ns
    plain = engine.run(device, RunSpec(**common, duration=end))
    assert "stop_reason" not in plain.attrs
    for name in ("mx", "my", "mz", "core_x", "core_y"):
        np.testing.assert_array_equal(stopped[name].values[:, :-1], plain[name].values[:, :-1])
    # the last sample: interpolated inside a step (stopped) or at the end of a step cut to
    # the duration (plain), the same to the error tolerance of a step
    for name in ("mx", "my", "mz"):
        np.testing.assert_allclose(stopped[name].values[:, -1], plain[name].values[:, -1],
                                   rtol=0, atol=1e-5)

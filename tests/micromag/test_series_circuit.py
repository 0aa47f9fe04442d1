"""Devices in series with a load in one built-in run (micromag.engines.builtin.series)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from micromag.devices import VortexSTNO
from micromag.engines.builtin.engine import BuiltinEngine
from micromag.engines.builtin.series import run_series
from micromag.engines.runspec import RunSpec

#: a small gyrating disk (20 x 20 cells): the core starts 20 nm off centre
DEVICE = VortexSTNO(diameter=100e-9, thickness=10e-9, cell_size=5e-9, core_shift=(20e-9, 0.0),
                    polarizer=(0.5, 0.0, 0.8660254037844386), resistance_P=50.0,
                    resistance_change=100.0)
J = 5e10  # A/m^2
DURATION, SAMPLING = 1.0e-9, 10e-12


def test_one_device_without_magnetoresistance_is_the_plain_run():
    """ΔR = 0: the current stays I_dc and the run is the engine's own, step for step."""
    device = dataclasses.replace(DEVICE, resistance_change=0.0)
    plain = BuiltinEngine().run(device, RunSpec(current_density=J, duration=DURATION,
                                                sampling_interval=SAMPLING))
    series = run_series([device], J * device.area, DURATION, SAMPLING).datasets[0]
    for name in ("mx", "my", "mz", "core_x", "core_y"):
        np.testing.assert_allclose(series[name].values, plain[name].values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(series.series_current.values, J * device.area, rtol=1e-14)
    assert series.attrs["steps_accepted"] == plain.attrs["steps_accepted"]


@pytest.fixture(scope="module")
def pair():
    """Two devices, the second started from the mirror image of the first's core offset."""
    other = dataclasses.replace(DEVICE, core_shift=(0.0, -20e-9))
    result = run_series([DEVICE, other], J * DEVICE.area, DURATION, SAMPLING,
                        load_resistance=50.0, capacitance=100e-12)
    return result


def test_the_circuit_obeys_kirchhoff_and_the_capacitor_its_charge(pair):
    a, b = pair.datasets
    current = a.series_current.values[0]
    np.testing.assert_array_equal(current, b.series_current.values[0])
    load = a.attrs["series_circuit"]
    i_dc = J * DEVICE.area
    chain = a.resistance.values[0] + b.resistance.values[0]
    v_c = a.capacitor_voltage.values[0]
    # Kirchhoff at the chain's top node and round the loop: I = I_dc - (R I_dc - V_C)/(R + R_L)
    np.testing.assert_allclose(current, i_dc - (chain * i_dc - v_c) / (chain + 50.0),
                               rtol=1e-12)
    assert '"load_resistance": 50.0' in load
    # the capacitor holds the charge the load current brought: C ΔV_C = ∫ i_L dt (trapezoid
    # over 10 ps samples of a ~1 GHz current: a 1e-3 error)
    time = a.time.values
    charge = np.trapezoid(i_dc - current, time)
    assert abs(100e-12 * (v_c[-1] - v_c[0]) - charge) < 2e-3 * np.max(np.abs(charge)) + 1e-18
    # the devices gyrate, the current oscillates by percent
    assert np.std(current) / i_dc > 5e-3


def test_the_capacitor_shorts_the_rf_loop(pair):
    """At the oscillation frequency the capacitor's voltage stays put (1/(ωC) ~ 1.6 Ω against
    a loop of ~250 Ω), so the current follows the resistances alone:
    dI/dt = -I_dc (R_L + V_C/I_dc) dR_chain/dt / (R_chain + R_L)^2. The first-order form of
    network.circuit, dI/dt = -I_dc dR_chain/dt / R_loop, holds to δR/R_loop (here ±5 %)."""
    a, b = pair.datasets
    i_dc = J * DEVICE.area
    current = a.series_current.values[0]
    chain = a.resistance.values[0] + b.resistance.values[0]
    v_c = a.capacitor_voltage.values[0]
    rate = np.gradient(current, SAMPLING)
    held = -i_dc * (50.0 + v_c / i_dc) * np.gradient(chain, SAMPLING) / (chain + 50.0) ** 2
    rms = np.sqrt(np.mean(held**2))
    assert np.sqrt(np.mean((rate - held) ** 2)) < 0.01 * rms
    first_order = -i_dc * np.gradient(chain, SAMPLING) / (50.0 + chain.mean())
    spread = (chain.max() - chain.min()) / 2 / (50.0 + chain.mean())
    assert np.sqrt(np.mean((rate - first_order) ** 2)) < 1.5 * spread * rms


def test_identical_devices_from_one_state_stay_identical():
    result = run_series([DEVICE, DEVICE], J * DEVICE.area, 0.2e-9, SAMPLING)
    a, b = result.datasets
    np.testing.assert_array_equal(a.mx.values, b.mx.values)
    np.testing.assert_array_equal(result.final_states[0], result.final_states[1])


@pytest.mark.parametrize("change, key", [
    ({"device": dataclasses.replace(DEVICE, resistance_P=None)}, "resistance_P"),
    ({"capacitance": 0.0}, "capacitance"),
    ({"load_resistance": -1.0}, "load_resistance"),
    ({"dc_current": float("nan")}, "dc_current"),
])
def test_bad_input_names_the_key(change, key):
    kwargs = {"capacitance": 1e-10, "load_resistance": 50.0}
    device = change.pop("device", DEVICE)
    current = change.pop("dc_current", 1e-3)
    kwargs.update(change)
    with pytest.raises(ValueError, match=key):
        run_series([device], current, 1e-11, 1e-12, **kwargs)


def test_the_circuit_example_device_reads_and_drives_through_one_tilted_reference():
    from pathlib import Path

    from multiscale.schemas import load_chain_config

    config = load_chain_config(Path(__file__).parents[2] / "examples" / "circuit_vortex.toml")
    device = config.device
    assert np.degrees(np.arccos(device.polarizer[2])) == pytest.approx(60.0)
    assert device.reference is None  # the polarizer is the reference layer
    # a centred vortex (<m> = 0) sits half-way between R_P and R_AP; a core pushed across the
    # in-plane reference axis moves R by ΔR p_x <m_x> / 2
    assert device.resistance(np.zeros(3)) == pytest.approx(100.0)
    assert device.resistance(np.array([0.1, 0.0, 0.0])) == pytest.approx(
        100.0 - 100.0 * 0.1 * np.sin(np.radians(60.0)) / 2)


def test_a_turned_state_is_the_orbit_turned():
    from micromag.engines.builtin.series import turned
    from micromag.engines.timeseries import core_position

    sim_state = BuiltinEngine().run(DEVICE, RunSpec(current_density=J, duration=0.1e-9,
                                                    sampling_interval=0.1e-9,
                                                    record_final=True)).m_final.values[0]
    n = sim_state.shape[0]
    axis = (np.arange(n) + 0.5 - n / 2) * DEVICE.cell_size
    x0, y0 = core_position(sim_state[..., 2].mean(axis=2), axis, axis)
    for k, (x, y) in enumerate([(x0, y0), (-y0, x0), (-x0, -y0), (y0, -x0)]):
        state = turned(sim_state, k)
        np.testing.assert_allclose(core_position(state[..., 2].mean(axis=2), axis, axis),
                                   (x, y), atol=1e-12)
        np.testing.assert_allclose(np.linalg.norm(state, axis=-1),
                                   np.linalg.norm(sim_state, axis=-1), atol=1e-15)
    # the curl (chirality) survives: m at the +x edge keeps its +y component
    edge = turned(sim_state, 1)[n - 2, n // 2, 0]
    assert edge[1] > 0.9


"""The mode energy λ of a uniform free layer (MTJOscillator.uniform_mode_energy) against the
built-in engine: its energy of a tilted macrospin and its precession frequency.

A perpendicular macrospin (one 20 nm x 20 nm x 2 nm cell, K along z, field along z: the free
layer of examples/mtj_perpendicular.toml in its macrospin limit) precesses in a circular cone,
so E(θ) - E(0) = λ sin²(θ/2) with λ = 2 μ0 Ms V (2π f0)/γ0 to order θ². The engine gives both
E(θ) (Simulation.energy: demag, anisotropy, Zeeman) and f0 (a free precession at J = 0,
α = 1e-4, which shifts f0 by α² = 1e-8): the test ties the factors 2, 2π and μ0 of λ, which
set every thermal linewidth and noise amplitude the compact model predicts for an MTJ, to the
micromagnetic energy.
"""

import math
import warnings

import numpy as np
import pytest

from micromag.devices import MTJOscillator
from micromag.engines import RunSpec, get_engine
from micromag.engines.builtin.engine import simulation_from_problem

with warnings.catch_warnings():  # one cell of 3.5 exchange lengths: a macrospin on purpose
    warnings.simplefilter("ignore", UserWarning)
    DEVICE = MTJOscillator(length=20e-9, width=20e-9, shape="rectangle", cell_size=20e-9,
                           thickness=2e-9, Ms=1.0e6, A=2e-11, alpha=1e-4,
                           anisotropy_K=6.5e5, anisotropy_axis=(0.0, 0.0, 1.0),
                           polarizer=(1.0, 0.0, 0.0), bias_field=(0.0, 0.0, 2.0e5),
                           oersted_field=False, initial_tilt=0.01)


def test_uniform_mode_energy_is_the_energy_per_unit_power_of_the_engine():
    engine = get_engine("builtin")
    spec = RunSpec(current_density=0.0, duration=1e-9, sampling_interval=1e-12)
    ds = engine.run(DEVICE, spec)
    phase = np.unwrap(np.angle(ds.mx.values[0] + 1j * ds.my.values[0]))
    f0 = abs(np.polyfit(ds.time.values, phase, 1)[0]) / (2 * math.pi)
    lam = DEVICE.uniform_mode_energy(f0)

    sim = simulation_from_problem(engine.check(DEVICE, spec), spec)
    theta = 0.02  # rad: the next order is theta^2 H_k/(4 (H + H_k)) ~ 5e-5 of E

    def energy(angle):
        m = np.array([math.sin(angle), 0.0, math.cos(angle)]).reshape(3, 1, 1, 1)
        return sim.energy(m)["total"]

    per_unit_power = (energy(theta) - energy(0.0)) / math.sin(theta / 2) ** 2
    # 1e-3: the order-theta^2 terms (5e-5) and f0 from 1 ns of a ~15 GHz precession (the
    # fit of the phase slope over ~15 turns: ~1e-6)
    assert per_unit_power == pytest.approx(lam, rel=1e-3)
    # and not a factor of 2 (or 2 pi) away: the formula's own magnitude for this layer
    assert 1e-18 < lam < 2e-18


@pytest.mark.parametrize("frequency", [0.0, -1e9, math.nan, math.inf])
def test_uniform_mode_energy_refuses_unphysical_frequencies(frequency):
    with pytest.raises(ValueError, match="frequency = "):
        DEVICE.uniform_mode_energy(frequency)

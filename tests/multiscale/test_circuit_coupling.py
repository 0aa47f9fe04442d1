"""The vowel network coupled by its circuit (network.circuit) instead of a free rate in 1/s."""

import dataclasses
import math

import numpy as np
import pytest

from multiscale.errors import InputError
from multiscale.schemas import parse_classify
from multiscale.vowel_stage import network_for
from network.circuit import coupling_matrix
from network.plan import reference_oscillator

R0, R_AMP, R_PHASE, KAPPA_I = 100.0, 30.0, 0.4, 4.0e9  # ohm, ohm, rad, 1/(s A)


def _device(**fields):
    values = dict(resistance=R0, resistance_amplitude=R_AMP, resistance_phase=R_PHASE,
                  kappa_current=KAPPA_I)
    values.update(fields)
    return dataclasses.replace(reference_oscillator(), **values)


def test_the_circuit_gives_the_coupling_at_the_networks_currents():
    config = parse_classify({"network": {"coupling": "circuit", "load_resistance": 50.0,
                                         "spread": 0.0}})
    network = network_for(config, [_device()])
    n = len(network.oscillators)
    lo, hi = config.network.current_range
    mid = 0.5 * (lo + hi)
    r = R_AMP * np.exp(1j * R_PHASE)
    expected = -KAPPA_I * mid * r / (50.0 + n * R0)  # every entry: identical devices
    np.testing.assert_allclose(network.coupling, np.full((n, n), expected), rtol=1e-12)
    currents = np.linspace(lo, hi, n)
    np.testing.assert_allclose(network.coupling_at(currents),
                               coupling_matrix(currents, [R0] * n, [r] * n, [KAPPA_I] * n, 50.0),
                               rtol=1e-12)
    # a run goes through the circuit at its own currents
    features = np.array([[500.0, 1500.0], [700.0, 2000.0]])
    predicted, locked, _ = dataclasses.replace(network, duration=2e-7,
                                               readout_window=1e-7).respond(currents, features)
    assert predicted.shape == (2,) and locked.shape[:2] == (2, n)


def test_a_circuit_equal_to_the_free_rate_builds_the_same_matrix():
    """Ω e^{iβ} of the free coupling from a circuit: |K| = κ I |r| / R_loop, arg K = π + arg r."""
    free = parse_classify({"network": {"spread": 0.0}})
    omega, beta = free.network.coupling_strength, free.network.coupling_phase
    lo, hi = free.network.current_range
    n = free.network.n_oscillators
    load = 50.0
    amplitude = omega * (load + n * R0) / (KAPPA_I * 0.5 * (lo + hi))
    device = _device(resistance_amplitude=amplitude,
                     resistance_phase=math.remainder(beta - math.pi, 2 * math.pi))
    circuit = parse_classify({"network": {"spread": 0.0, "coupling": "circuit",
                                          "load_resistance": load, "self_coupling": False}})
    a = network_for(free, [device]).coupling
    b = network_for(circuit, [device]).coupling
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-9 * omega)


def test_a_circuit_needs_calibrated_devices():
    config = parse_classify({"network": {"coupling": "circuit"}})
    with pytest.raises(InputError, match="network.coupling = 'circuit'.*classify --model"):
        network_for(config, None)
    with pytest.raises(InputError, match="network.coupling = 'circuit'.*kappa_current is not "
                                         "calibrated"):
        network_for(config, [_device(kappa_current=math.nan)])
    with pytest.raises(InputError, match="network.coupling"):
        parse_classify({"network": {"coupling": "wires"}})
    with pytest.raises(InputError, match="network.load_resistance"):
        parse_classify({"network": {"coupling": "circuit", "load_resistance": -5.0}})
    # a delay past 1 µs (300 m of cable) is refused naming the key: 1e300 made the phase NaN
    far = parse_classify({"network": {"coupling": "circuit", "circuit_delay": 1e300}})
    with pytest.raises(InputError, match="network.circuit_delay = 1e\\+300: must be 0"):
        network_for(far, [_device()])

"""The software echo-state network baseline."""

import numpy as np
import pytest

from network.esn import EchoStateNetwork


def test_spectral_radius_is_the_requested_one():
    esn = EchoStateNetwork(80, spectral_radius=0.7, seed=3)
    recurrent, w_in, bias = esn.weights(5)
    assert np.max(np.abs(np.linalg.eigvals(recurrent))) == pytest.approx(0.7, rel=1e-10)
    assert w_in.shape == (80, 5) and bias.shape == (80,)


def test_leaky_integration_of_a_step_without_recurrence():
    # ρ = 0: x_k = (1-a) x_{k-1} + a tanh(w u + b) ⇒ x_k = (1 - (1-a)^k) tanh(w u + b).
    esn = EchoStateNetwork(6, spectral_radius=0.0, leak=0.3, seed=0)
    _, w_in, bias = esn.weights(1)
    states = esn.transform(np.ones((1, 12, 1)))[0]
    target = np.tanh(w_in[:, 0] + bias)
    k = np.arange(1, 13)[:, None]
    np.testing.assert_allclose(states, (1 - 0.7**k) * target, rtol=1e-12)


def test_echo_state_property_forgets_the_distant_past():
    # Two inputs that differ only in their first 10 frames: with ρ = 0.5 the difference
    # shrinks by at least 0.5 per step (tanh' <= 1), so after 100 steps it is below 1e-20
    # times its start in theory; 1e-10 leaves room for ||W||_2 > ρ.
    esn = EchoStateNetwork(40, spectral_radius=0.5, leak=1.0, seed=1)
    u = np.random.default_rng(0).normal(size=(2, 120, 3))
    u[1, 10:] = u[0, 10:]
    states = esn.transform(u)
    assert np.max(np.abs(states[0, 110:] - states[1, 110:])) < 1e-10
    assert np.max(np.abs(states[0, 5] - states[1, 5])) > 1e-2


def test_bad_parameters_are_rejected():
    with pytest.raises(ValueError, match="leak"):
        EchoStateNetwork(10, leak=0.0)
    with pytest.raises(ValueError, match="n_nodes"):
        EchoStateNetwork(0)

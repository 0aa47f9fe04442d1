"""The time-multiplexed oscillator reservoir: physics of the kernel, memory, waveform task."""

import dataclasses

import numpy as np
import pytest

from compact.simulate import simulate
from network.esn import EchoStateNetwork
from network.reservoir import (
    VORTEX_MODE_ENERGY,
    TimeMultiplexedReservoir,
    memory_capacity,
    relaxation_time,
    vortex_oscillator,
)
from network.reservoir_experiment import build_reservoir
from network.reservoir_tasks import waveform_task


def test_power_relaxes_to_stationary_power_with_the_predicted_time():
    # A current step from 1.5 I_th to 2 I_th, noise-free: the power must settle on
    # p0 = (ζ-1)/(ζ+Q) (closed form) and the small-signal deviation must decay as
    # exp(-2 Γ_p t) with Γ_p = Γ_G (ζ-1) at the new current (PHYSICS.md section 2).
    model = vortex_oscillator(temperature=0.0)
    theta = 1e-9
    res = TimeMultiplexedReservoir(model, n_nodes=1, theta=theta, bias_current=1.5 * model.I_th,
                                   input_current=0.5 * model.I_th, mask="binary")
    sign = np.sign(res.input_mask(1)[0, 0])
    frames = np.full((1, 400, 1), sign)  # 400 ns at ζ = 2
    power = res.transform(frames)[0, :, 0]
    p_final = float(model.stationary_power(2 * model.I_th))
    # 400 ns = 15 relaxation times: converged to 1e-6 (integrator error of the rate step)
    assert power[-1] == pytest.approx(p_final, rel=1e-6)
    rate = 2 * float(model.relaxation_rate(2 * model.I_th))
    late = slice(100, 150)  # deviation already small (< 5 %): linear regime
    slope = np.polyfit(theta * np.arange(400)[late], np.log(p_final - power[late]), 1)[0]
    # the exponential integrator with ≤ 0.1 rate·step reproduces the rate to < 1 %
    assert -slope == pytest.approx(rate, rel=0.01)


def test_kernel_matches_compact_integrator_for_a_piecewise_current():
    # The amplitude-only kernel against compact.simulate (full complex model, phase
    # included) for the same piecewise-constant current, noise-free: the power must agree.
    model = vortex_oscillator(temperature=0.0)
    res = build_reservoir(model, n_nodes=8, theta_over_relaxation=0.3, bias=1.5, amplitude=0.75)
    frames = np.random.default_rng(3).normal(size=(1, 6, 2))
    current = res.currents(frames)[0]
    power = res.transform(frames)[0].ravel()
    held = np.concatenate([current, current[-1:]])  # zero-order hold on the θ grid
    p_bias = float(model.stationary_power(res.bias_current))
    ds = simulate(model, held, current.size * res.theta, dt=res.theta, substeps=20,
                  initial_amplitude=np.sqrt(p_bias), temperature=0.0, seed=0)
    c = ds["mx"].values.ravel() + 1j * ds["my"].values.ravel()
    reference = np.abs(c[1:]) ** 2
    # both integrators are second order at rate·step <= 0.1; they must agree to 1e-3 of p
    np.testing.assert_allclose(power, reference, atol=1e-3 * p_bias)


def test_state_depends_on_past_inputs_and_memory_vanishes_for_long_theta():
    # Linear memory capacity (Jaeger): with θ = 0.1 τ_p and 10 nodes a frame lasts one
    # relaxation time, so the state must recall the previous input (MC_1 well above the
    # ~1/n_test ≈ 0.002 of a memoryless system); with θ = 10 τ_p every node relaxes fully
    # before the next and the memory of earlier frames must vanish (falsifiable both ways).
    model = vortex_oscillator(temperature=300.0)
    short = build_reservoir(model, 10, 0.1, bias=1.5, amplitude=0.5)
    long_ = build_reservoir(model, 10, 10.0, bias=1.5, amplitude=0.5)
    mc_short = memory_capacity(short.transform, n_steps=1200, max_delay=4)
    mc_long = memory_capacity(long_.transform, n_steps=1200, max_delay=4)
    assert mc_short[0] > 0.9 and mc_long[0] > 0.9  # both encode the present input
    assert mc_short[1:].sum() > 0.3
    # ~0: statistical floor of r² on 575 test points is ~1/575 per delay; 4 delays < 0.03
    assert mc_long[1:].sum() < 0.03


def test_echo_state_network_has_memory():
    # Sanity of the software baseline: a leaky ESN with ρ = 0.9 remembers several steps.
    esn = EchoStateNetwork(50, spectral_radius=0.9, leak=0.5, seed=0)
    mc = memory_capacity(esn.transform, n_steps=1200, max_delay=4)
    assert mc[1:].sum() > 2.0


def test_waveform_task_above_99_percent():
    # Sine vs square, 8 points per period (Markovic et al. 2019: > 99 %). Noise-free device,
    # 64 nodes over 4 τ_p, current swinging through threshold (examples/reservoir_waveform.toml).
    # The input point alone cannot do it (both waveforms take ±1): linear-only stays < 70 %.
    model = vortex_oscillator(temperature=0.0)
    res = build_reservoir(model, 64, 0.0625, bias=1.5, amplitude=3.0)
    scores = waveform_task(res.transform, n_periods=120, seed=0)
    assert scores["reservoir"].accuracy_test >= 0.99
    assert scores["linear_only"].accuracy_test < 0.7


def test_thermal_noise_is_seeded_and_has_the_predicted_size():
    # Constant bias current at 300 K: power fluctuations around p0 with the Ornstein-
    # Uhlenbeck variance of the linearised amplitude equation,
    # var(p) = 2 D p0 / (2 Γ_p) with D = Γ₊(p0) k_B T / λ (one complex noise of ⟨|ξ|²⟩ = 2D,
    # projected on the amplitude: dp = -2Γ_p δp dt + 2√(p0 D) dW_real ⇒ var = 4 p0 D / (4Γ_p)).
    model = dataclasses.replace(vortex_oscillator(300.0), mode_energy=2e-17)
    res = TimeMultiplexedReservoir(model, 1, 20e-9, 1.5 * model.I_th, 0.0, noise_seed=7)
    frames = np.zeros((4, 2000, 1))
    first, again = res.transform(frames), res.transform(frames)
    np.testing.assert_array_equal(first, again)
    p0 = float(model.stationary_power(res.bias_current))
    d = float(model.noise_diffusion(res.bias_current))
    predicted = 2 * d * p0 / (2 * float(model.relaxation_rate(res.bias_current)))
    samples = first[:, 50:, 0]
    # 8000 samples 20 ns apart (0.5 τ_p, correlated): the variance estimate has ~5 % error;
    # the linearisation adds ~(δp/p0)² ~ 1 %; 15 % tolerance
    assert samples.var() == pytest.approx(predicted, rel=0.15)
    assert samples.mean() == pytest.approx(p0, rel=0.02)


def test_bad_inputs_are_rejected():
    model = vortex_oscillator()
    with pytest.raises(ValueError, match="bias_current"):
        TimeMultiplexedReservoir(model, 10, 1e-9, 0.5 * model.I_th, 1e-3)
    with pytest.raises(ValueError, match="theta"):
        TimeMultiplexedReservoir(model, 10, 0.0, 1.5 * model.I_th, 1e-3)
    res = TimeMultiplexedReservoir(model, 10, 1e-9, 1.5 * model.I_th, 1e-3)
    with pytest.raises(ValueError, match="frames"):
        res.transform(np.full((1, 3, 2), np.nan))
    assert relaxation_time(model, 0.5 * model.I_th) == np.inf


def test_default_mode_energy_is_the_thiele_energy_of_the_reference_vortex():
    # λ of the default oscillator against micromag's Thiele estimate for the device it stands
    # for (VortexSTNO defaults: permalloy, 200 nm across, 10 nm thick) at its 250 MHz. The
    # default keeps the rounded γ = 1.76e11 rad/(s T); the device uses γ0/μ0 = 1.76086e11, so
    # λ differs by 4.9e-4 (1e-3 tolerance) and, rescaled by the two γ, agrees to rounding.
    from micromag.constants import MU0
    from micromag.devices import VortexSTNO

    device = VortexSTNO()
    assert (device.diameter, device.thickness, device.Ms) == (200e-9, 10e-9, 8.0e5)
    thiele = device.thiele_mode_energy(250e6)
    assert vortex_oscillator().mode_energy == VORTEX_MODE_ENERGY
    assert VORTEX_MODE_ENERGY == pytest.approx(thiele, rel=1e-3)
    assert VORTEX_MODE_ENERGY * 1.76e11 == pytest.approx(thiele * device.gamma0 / MU0, rel=1e-12)

"""Parameter recovery: calibrate the auto-oscillator model on series from its own integrator.

Noise-free series (T = 0) from :func:`compact.simulate.sweep` over a current sweep that starts
below threshold and rings up from p = 1e-4 at every current. The fit must return the
parameters it was generated with, over the realistic range of issue 4: f0 100 MHz–10 GHz,
|ν| 0–10, Q 0–5.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compact.estimator import AutoOscillatorFit
from compact.model import AutoOscillator
from compact.simulate import sweep

#: supercriticalities ζ = I/I_th of the sweep: two below threshold, six above.
ZETA = np.array([0.5, 0.9, 1.2, 1.5, 1.8, 2.2, 2.6, 3.0])
#: ν is specified at this supercriticality.
ZETA_NU = 2.0


def make_model(f0, nu, Q, damping_ratio, tuning, threshold):
    """A model with ν(ζ=2) = nu; Γ_G = 2π f0 · damping_ratio; df_dI = tuning · f0 / |I_th|."""
    gamma_g = 2 * np.pi * f0 * damping_ratio
    p_nu = (ZETA_NU - 1) / (ZETA_NU + Q)
    N = nu * gamma_g * (ZETA_NU - 1) / (2 * np.pi * p_nu)
    return AutoOscillator(f0=f0, N=N, df_dI=tuning * f0 / abs(threshold), gamma_g=gamma_g,
                          Q=Q, I_th=threshold)


def recover(model: AutoOscillator, seed: int = 0) -> AutoOscillatorFit:
    # 60/Γ_G: ring-up from 1e-4 at ζ = 1.2 (≈ 30/Γ_G to settle) plus a steady part
    duration = 60 / model.gamma_g
    ds = sweep(model, ZETA * model.I_th, duration, initial_power=1e-4, seed=seed)
    return AutoOscillatorFit().fit(ds)


def relative_errors(true: AutoOscillator, fitted: AutoOscillator) -> dict[str, float]:
    errors = {}
    for name in ("f0", "gamma_g", "I_th"):
        errors[name] = abs(getattr(fitted, name) / getattr(true, name) - 1)
    # Q and N may be 0: measure them on a scale that stays meaningful there
    errors["Q"] = abs(fitted.Q - true.Q) / max(true.Q, 0.1)
    errors["N"] = abs(fitted.N - true.N) / max(abs(true.N), 1e-6 * true.f0)
    return errors


# Tolerances of issue 4. The data are noise-free and the integrator reproduces the stationary
# state exactly, so what remains are the estimators' own errors (transient tails, the
# ring-up window), measured at < 0.1 % for f0, N, I_th, Q and < 1 % for gamma_g.
TOLERANCE = {"f0": 0.01, "N": 0.01, "I_th": 0.03, "Q": 0.10, "gamma_g": 0.10}


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    log_f0=st.floats(np.log10(1e8), np.log10(1e10)),
    nu=st.floats(-10, 10),
    Q=st.floats(0, 5),
    damping_ratio=st.floats(0.002, 0.02),
    tuning=st.floats(-0.05, 0.2),
    threshold=st.sampled_from([2e-3, -5e-3, 0.5e-3]),
)
def test_recovery_over_the_realistic_range(log_f0, nu, Q, damping_ratio, tuning, threshold):
    true = make_model(10**log_f0, nu, Q, damping_ratio, tuning, threshold)
    fitted = recover(true).model_
    errors = relative_errors(true, fitted)
    for name, tolerance in TOLERANCE.items():
        assert errors[name] <= tolerance, (name, errors, true, fitted)


def test_recovery_reports_stderr_and_correlation():
    """Standard errors cover the actual errors; N and df_dI come out strongly correlated."""
    true = make_model(2e9, 3.0, 2.0, 0.01, 0.1, 1e-3)
    estimator = recover(true)
    for name in ("f0", "N", "df_dI", "Q", "I_th"):
        error = abs(getattr(estimator.model_, name) - getattr(true, name))
        # a noise-free fit has tiny but non-zero residuals; its stderr is their scale. Allow
        # the error to exceed it by the small deterministic biases of the estimators.
        assert error <= 10 * estimator.stderr_[name] + 1e-6 * abs(getattr(true, name)), name
    correlation = estimator.calibration_.attrs["correlation_N_df_dI"]
    # f = f0 + N p + df_dI (I - I_th) with p(I) close to linear: |ρ| near 1 (measured -0.99)
    assert abs(correlation) > 0.9
    # below threshold: not oscillating, no frequency
    cal = estimator.calibration_
    below = cal["current"] < true.I_th
    assert not cal["oscillating"].where(below, drop=True).any()
    assert np.isnan(cal["frequency"].where(below, drop=True)).all()


if __name__ == "__main__":  # measure the errors over more examples
    import sys
    rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    worst: dict[str, float] = {}
    for _ in range(40):
        true = make_model(10 ** rng.uniform(8, 10), rng.uniform(-10, 10), rng.uniform(0, 5),
                          rng.uniform(0.002, 0.02), rng.uniform(-0.05, 0.2),
                          rng.choice([2e-3, -5e-3, 0.5e-3]))
        errors = relative_errors(true, recover(true).model_)
        for k, v in errors.items():
            worst[k] = max(worst.get(k, 0), v)
    print({k: f"{v:.2e}" for k, v in worst.items()})


def test_recovery_with_thermal_noise():
    """A vortex-like device at 300 K with k_B T/λ = 1e-4 (weak noise).

    Thermal noise rounds the threshold: near it ⟨p⟩ exceeds p0 (measured here: N +2 %,
    Q +2.4 %, I_th -0.5 %, gamma_g -2.5 % with Γ_p from the power-noise autocorrelation).
    The tolerances of issue 4 hold for I_th, Q and gamma_g; f0 stays within 1 %; N, the most
    sensitive to the power bias, within 5 %. Below threshold the noise-driven damped resonance
    (std(p)/⟨p⟩ ≈ 1) must not count as oscillation.
    """
    from compact.model import BOLTZMANN

    true = AutoOscillator(f0=400e6, N=5e7, df_dI=2e10, gamma_g=2.5e7, Q=1.0, I_th=4e-3,
                          temperature=300.0, mode_energy=BOLTZMANN * 300.0 / 1e-4)
    ds = sweep(true, ZETA * true.I_th, 180 / true.gamma_g, seed=4)
    estimator = AutoOscillatorFit().fit(ds)
    fitted = estimator.model_
    cal = estimator.calibration_
    np.testing.assert_array_equal(cal.oscillating, ZETA > 1)
    assert (cal.power_spread.values[ZETA < 1] > 0.5).all()
    errors = relative_errors(true, fitted)
    for name, tolerance in {**TOLERANCE, "N": 0.05}.items():
        assert errors[name] <= tolerance, (name, errors)

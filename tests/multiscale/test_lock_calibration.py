"""multiscale.coupling_calibration.calibrate_coupling: |κ| and arg κ recovered from driven runs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import xarray as xr

from compact.locking import driven_phases, fit_adler
from compact.model import AutoOscillator
from multiscale.coupling_calibration import calibrate_coupling

MODEL = AutoOscillator(f0=8.3e8, N=6.0e7, df_dI=0.0, gamma_g=1.7e8, Q=0.0, I_th=1.9e-3)
AREA = math.pi * 1e-14  # m^2: a 200 nm pillar
J = 1.0e11  # A/m^2
SETTINGS = {"detunings": [-2.0, -0.6, 0.6, 2.0], "detuning_scale": 1.5e6,
            "amplitudes": [5e9], "sampling_interval": 50e-12, "duration": 40e-9,
            "settle": 10e-9}


def measured(kappa: complex, start: float = 0.4) -> xr.Dataset:
    """A locking Dataset as multiscale.lock writes it, from the compact model driven by an RF
    current with the complex input coupling ``kappa`` (the stand-in for a device), every run
    starting at arg c = ``start`` (rad)."""
    current = J * AREA
    amplitude = SETTINGS["amplitudes"][0]
    f_free = float(MODEL.frequency(current))
    f_e = f_free + np.asarray(SETTINGS["detunings"]) * SETTINGS["detuning_scale"]
    dt = SETTINGS["sampling_interval"]
    runs, _ = driven_phases(MODEL, current, kappa * amplitude * AREA, f_e,
                            SETTINGS["duration"], dt, SETTINGS["settle"], initial_phase=start)
    fit = fit_adler(runs, dt, smoothing=round(1 / (f_free * dt)))

    def grid(value):
        return (("current_density", "amplitude"), [[value]])

    return xr.Dataset(
        {"half_width": grid(fit.half_width), "half_width_error": grid(fit.half_width_error),
         "centre": grid(fit.centre), "locking_phase": grid(fit.phase),
         "free_frequency": (("current_density",), [f_free]),
         "initial_phase": (("current_density",), [start])},
        coords={"current_density": [J], "current": ("current_density", [current]),
                "amplitude": [amplitude]},
        attrs={"drive": "rf_current", "settings": json.dumps(SETTINGS)})


@pytest.mark.parametrize("phase", [0.0, 1.1, 2.0, -2.5])
def test_kappa_and_its_phase_are_recovered(phase):
    """The protocol (40 ns runs, four detunings, partial slips) is reproduced exactly, so
    |κ| comes back to the protocol tolerance (0.5 %) and arg κ to its (0.01 rad). Started
    from ψ(0) = 0 instead of the runs' own, |κ| would be off by up to 16 % and arg κ by 0.15
    rad here: where a finite run starts on Adler's curve changes what it measures."""
    kappa = 2.0e9  # 1/(s A)
    coupling = calibrate_coupling(measured(kappa * complex(math.cos(phase), math.sin(phase))),
                                  MODEL)
    assert coupling["kappa"] == pytest.approx(kappa, rel=0.01)
    assert abs(np.angle(np.exp(1j * (coupling["kappa_phase"] - phase)))) < 0.02
    fitted = coupling["model"]
    assert fitted.kappa_current_phase == coupling["kappa_phase"]
    assert np.angle(fitted.input_coupling("rf_current")) == pytest.approx(
        coupling["kappa_phase"])


def test_without_a_locking_phase_the_phase_is_not_calibrated():
    coupling = calibrate_coupling(measured(2.0e9).drop_vars("locking_phase"), MODEL)
    assert math.isnan(coupling["kappa_phase"])
    # the circuit then takes arg κ = 0
    assert coupling["model"].input_coupling("rf_current") == pytest.approx(coupling["kappa"])

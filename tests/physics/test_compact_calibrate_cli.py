"""``multiscale calibrate`` end to end: files, the closing line, recovery, bad input.

Two inputs: a Dataset written by :func:`compact.simulate.sweep`, and one written by another
program (h5netcdf directly, no xarray) holding only the schema's required fields, its series the
closed-form solution of the model's power equation (logistic ring-up) with the phase integrated
exactly — so this also checks the integrator-free road.
"""

from __future__ import annotations

import json
import re

import h5netcdf
import numpy as np
import pytest
import xarray as xr

from compact.model import AutoOscillator
from compact.simulate import sweep
from multiscale.cli import main

FIGURES = re.compile(
    r"^f0_Hz=(\S+) N_Hz=(\S+) I_th_A=(\S+) Q=(\S+) gamma_g_per_s=(\S+) df_dI_Hz_per_A=(\S+)$"
)
TRUE = AutoOscillator(f0=2.5e9, N=-6e8, df_dI=4e10, gamma_g=1.2e8, Q=2.5, I_th=3e-3)
ZETA = np.array([0.6, 1.2, 1.5, 1.8, 2.2, 2.6, 3.0])


def closed_form(model: AutoOscillator, current: float, time: np.ndarray,
                initial_power: float) -> np.ndarray:
    """c(t) of dc/dt = [-iω(p, I) - Γ₊(p) + Γ₋(p, I)] c from c(0) = √p_i (no noise, no drive).

    The power obeys dp/dt = 2 r p (1 - p/K), r = Γ_G (ζ-1), K = (ζ-1)/(ζ+Q) (a logistic law,
    also below threshold where r, K < 0): p = K/(1 + A e^{-2rt}), A = K/p_i - 1, and
    ∫p dt = K/(2r) ln[(e^{2rt} + A)/(1 + A)] enters the phase through N.
    """
    zeta = current / model.I_th
    rate = model.gamma_g * (zeta - 1)
    capacity = (zeta - 1) / (zeta + model.Q)
    a = capacity / initial_power - 1
    power = capacity / (1 + a * np.exp(-2 * rate * time))
    integral = capacity / (2 * rate) * np.log((np.exp(2 * rate * time) + a) / (1 + a))
    base = model.f0 + model.df_dI * (current - model.I_th)
    phase = 2 * np.pi * (base * time + model.N * integral)
    return np.sqrt(power) * np.exp(-1j * phase)


def write_by_hand(path, model: AutoOscillator) -> None:
    currents = ZETA * model.I_th
    dt = 1 / (8 * 4e9)
    time = np.arange(int(50 / model.gamma_g / dt)) * dt
    c = np.stack([closed_form(model, current, time, 1e-4) for current in currents])
    with h5netcdf.File(path, "w") as f:
        f.dimensions = {"current": currents.size, "time": time.size}
        for name, dims, values, units in [
            ("current", ("current",), currents, "A"),
            ("current_density", ("current",), currents / (np.pi * (50e-9) ** 2), "A/m^2"),
            ("time", ("time",), time, "s"),
            ("mx", ("current", "time"), c.real, "1"),
            ("my", ("current", "time"), c.imag, "1"),
            ("mz", ("current", "time"), np.sqrt(1 - np.abs(c) ** 2), "1"),
        ]:
            variable = f.create_variable(name, dims, data=values)
            variable.attrs["units"] = units
        f.attrs["device"] = json.dumps({"type": "auto-oscillator"})


def run_cli(args, capsys):
    code = main(["calibrate", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_recovery(out: str, true: AutoOscillator) -> AutoOscillator:
    last = out.strip().splitlines()[-1]
    match = FIGURES.match(last)
    assert match, last
    f0, N, I_th, Q, gamma_g, df_dI = map(float, match.groups())
    # issue 4's tolerances (6 significant digits printed)
    assert f0 == pytest.approx(true.f0, rel=0.01)
    assert N == pytest.approx(true.N, rel=0.01)
    assert I_th == pytest.approx(true.I_th, rel=0.03)
    assert Q == pytest.approx(true.Q, rel=0.10)
    assert gamma_g == pytest.approx(true.gamma_g, rel=0.10)
    assert df_dI == pytest.approx(true.df_dI, rel=0.01)
    return AutoOscillator(f0=f0, N=N, df_dI=df_dI, gamma_g=gamma_g, Q=Q, I_th=I_th)


def test_calibrate_a_simulated_sweep(tmp_path, capsys):
    source = tmp_path / "timeseries.nc"
    sweep(TRUE, ZETA * TRUE.I_th, 60 / TRUE.gamma_g, seed=1).to_netcdf(source,
                                                                        engine="h5netcdf")
    out_dir = tmp_path / "cal"
    code, out, err = run_cli([source, "--out", out_dir], capsys)
    assert code == 0, err
    printed = check_recovery(out, TRUE)
    for name in ("calibration.nc", "model.json", "calibration.png", "info.json"):
        assert (out_dir / name).is_file(), name
    model = AutoOscillator.from_json(out_dir / "model.json")
    assert model.f0 == pytest.approx(printed.f0, rel=1e-5)
    assert json.loads((out_dir / "model.json").read_text())["units"]["df_dI"] == "Hz/A"
    calibration = xr.load_dataset(out_dir / "calibration.nc", engine="h5netcdf")
    assert AutoOscillator.from_json(calibration.attrs["model"]) == model
    assert calibration.attrs["source_path"] == str(source.resolve())
    for name in ("frequency", "power", "linewidth", "relaxation_rate"):
        assert name in calibration and "units" in calibration[name].attrs
    info = json.loads((out_dir / "info.json").read_text())
    assert info["success"] is True and info["seed"] == 1


def test_calibrate_a_file_written_by_another_program(tmp_path, capsys):
    source = tmp_path / "by_hand.nc"
    write_by_hand(source, TRUE)
    code, out, err = run_cli([source, "--out", tmp_path / "cal"], capsys)
    assert code == 0, err
    check_recovery(out, TRUE)
    assert "6 of 7 currents oscillate" in out


def test_bad_input_exits_2_naming_the_problem(tmp_path, capsys):
    code, _, err = run_cli([tmp_path / "missing.nc"], capsys)
    assert code == 2 and "no such file" in err and "Traceback" not in err

    ds = sweep(TRUE, ZETA[:4] * TRUE.I_th, 20 / TRUE.gamma_g, seed=0)
    cases = {
        "nan.nc": (ds.assign(mx=ds.mx.where(ds.time != ds.time[5])), "'mx' has 4 NaN"),
        "order.nc": (ds.isel(current=[0, 2, 1, 3]), "strictly monotonic"),
        "nomy.nc": (ds.drop_vars("my"), "variable 'my' missing"),
        "below.nc": (sweep(TRUE, np.array([0.3, 0.5, 0.7, 0.9]) * TRUE.I_th,
                           20 / TRUE.gamma_g, seed=0), "only 0 oscillating"),
        # was a ValueError traceback from int('abc')
        "seed.nc": (ds.assign_attrs(seed="abc"), "attribute seed = 'abc': must be an integer"),
    }
    for name, (bad, message) in cases.items():
        bad.to_netcdf(tmp_path / name, engine="h5netcdf")
        code, out, err = run_cli([tmp_path / name, "--out", tmp_path / f"out-{name}"], capsys)
        assert code == 2, (name, out, err)
        assert message in err, (name, err)
        assert "Traceback" not in err
    # a failed run says so in its info.json
    info = json.loads((tmp_path / "out-below.nc" / "info.json").read_text())
    assert info["success"] is False and "oscillating" in info["error"]
    (tmp_path / "garbage.nc").write_text("not netcdf")
    code, _, err = run_cli([tmp_path / "garbage.nc", "--out", tmp_path / "g"], capsys)
    assert code == 2 and "not a readable netCDF" in err


def test_integrator_matches_the_closed_form():
    """simulate against the closed-form ring-up (and decay below threshold) used above."""
    currents = np.array([0.6, 1.5, 3.0]) * TRUE.I_th
    ds = sweep(TRUE, currents, 50 / TRUE.gamma_g, initial_power=1e-4, seed=0)
    time = ds.time.values
    for k, current in enumerate(currents):
        c = ds.mx.values[k] + 1j * ds.my.values[k]
        exact = closed_form(TRUE, current, time, 1e-4)
        # exponential Heun at Γh ≤ 0.05 (one step per sample here): measured ≤ 1.4e-5
        # relative in p and ≤ 4e-5 rad of phase over ~1000 carrier periods
        np.testing.assert_allclose(np.abs(c) ** 2, np.abs(exact) ** 2, rtol=1e-4, atol=1e-12)
        assert np.max(np.abs(np.angle(c * np.conj(exact)))) < 2e-4

"""``multiscale lock``: config checks, a tiny locking study, resuming from the store."""

import json

import numpy as np
import pytest

from multiscale.cli import main

TINY = """
[device]
type = "vortex"
diameter = 60e-9
thickness = 10e-9
cell_size = 5e-9
relax_field = [0.0, -8.0e3, 0.0]

[lock]
current_densities = [1.0e11]
amplitudes = [2000.0, 4000.0]
detunings = [-1.0, 0.0, 1.0]
detuning_scale = 50e6
free_duration = 0.5e-9
duration = 1.5e-9
settle = 0.1e-9
sampling_interval = 10e-12
workers = 1
"""


@pytest.mark.parametrize("change, message", [
    ("amplitudes = []", "lock.amplitudes = []: must not be empty"),
    ("amplitudes = [-1.0]", "lock.amplitudes = [-1.0]: must be > 0"),
    ("detunings = [1.0, 1.0]", "lock.detunings = [1.0, 1.0]: must not repeat a value"),
    ("settle = 1.5e-9", "lock.settle = 1.5e-09: must leave >= 10 samples"),
    ("drive = \"laser\"", "lock.drive = 'laser'"),
    ("strip_line_width = 1e-6", "lock.strip_line_height = 0.0"),
    ("colour = 1", "lock.colour"),
])
def test_bad_lock_config_exits_2(tmp_path, capsys, change, message):
    key = change.split(" = ")[0]
    lines = TINY.splitlines()
    if any(line.startswith(key + " = ") for line in lines):
        text = "\n".join(change if line.startswith(key + " = ") else line for line in lines)
    else:
        text = TINY + change + "\n"
    config = tmp_path / "bad.toml"
    config.write_text(text)
    assert main(["lock", str(config), "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err


def test_missing_lock_section_and_unreadable_model_exit_2(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text(TINY.split("[lock]")[0])
    assert main(["lock", str(config)]) == 2
    assert "lock: required section is missing" in capsys.readouterr().err
    config.write_text(TINY)
    assert main(["lock", str(config), "--model", str(tmp_path / "none.json")]) == 2
    assert "--model" in capsys.readouterr().err


def test_tiny_locking_study_writes_and_resumes(tmp_path, capsys):
    """The flow on a 60 nm disk (too short to lock: the physics is in tests/physics): one
    free run, 2 x 3 driven runs from its end, the Dataset and figures; a rerun computes
    nothing."""
    import xarray as xr

    config = tmp_path / "lock.toml"
    config.write_text(TINY)
    out = tmp_path / "out"
    code = main(["lock", str(config), "--out", str(out), "--quiet"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert code == 0, last
    assert "runs_computed=7" in last and "runs_reused=0" in last
    ds = xr.load_dataset(out / "locking.nc", engine="h5netcdf")
    assert ds.frequency.shape == (1, 2, 3)
    assert ds.amplitude.values.tolist() == [2000.0, 4000.0]
    f_free = float(ds.free_frequency.values[0])
    assert f_free > 0
    # detunings scale with the amplitude: x 2 at 4000 A/m
    detuning = ds.drive_frequency.values[0] - f_free
    assert detuning[1] == pytest.approx(2 * detuning[0])
    assert detuning[0].tolist() == pytest.approx([-50e6, 0.0, 50e6])
    assert np.isfinite(ds.frequency.values).all()
    for name in ("plateau.png", "tongue.png", "info.json"):
        assert (out / name).exists()
    info = json.loads((out / "info.json").read_text())
    assert info["computed"] == 7 and info["success"] is True
    # each driven run recorded its drive
    runs = [p for p in (out / "store").iterdir() if p.name.startswith("driven-")]
    assert len(runs) == 6
    one = xr.load_dataset(runs[0] / "timeseries.nc", engine="h5netcdf")
    drives = json.loads(one.attrs["drives"])
    assert drives[0]["kind"] == "rf_field" and "drive_field" in one
    assert main(["lock", str(config), "--out", str(out), "--quiet"]) == 0
    assert "runs_computed=0 runs_reused=7" in capsys.readouterr().out


def test_tiny_locking_study_writes_kappa_into_the_model(tmp_path, capsys):
    """With --model, κ_H from the smallest amplitude (closed form, then the compact model
    driven through the same protocol) goes into DIR/model.json with its error, and the
    compact model's measurements at every amplitude into coupling.json. (The tiny disk is
    driven far beyond weak drive, so the protocol correction need not converge here; the
    benchmark's figures are in docs/injection_locking.md.)"""
    from compact.model import AutoOscillator

    config = tmp_path / "lock.toml"
    config.write_text(TINY)
    model = AutoOscillator(f0=2.0e9, N=1e8, df_dI=0.0, gamma_g=3e8, Q=0.5, I_th=1e-4)
    model.to_json(tmp_path / "model.json")
    out = tmp_path / "out"
    code = main(["lock", str(config), "--out", str(out), "--quiet", "--model",
                 str(tmp_path / "model.json")])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert code == 0, last
    fitted = AutoOscillator.from_json(out / "model.json")
    assert fitted.kappa_field > 0 and fitted.kappa_field_error > 0
    assert f"kappa_field={fitted.kappa_field:.6g}" in last
    coupling = json.loads((out / "coupling.json").read_text())
    assert [p["amplitude"] for p in coupling["predictions"]] == [2000.0, 4000.0]
    first = coupling["per_current"][0]
    assert first["kappa"] == pytest.approx(first["kappa_formula"] * first["protocol_factor"])
    assert isinstance(first["protocol_converged"], bool)
    assert all(len(p["compact_frequency"]) == 3 for p in coupling["predictions"])

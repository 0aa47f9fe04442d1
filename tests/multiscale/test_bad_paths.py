"""Bad files, folders and schedulers: exit 2 with one line naming the option and the value,
never a traceback (the failures a new user met, issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from multiscale.cli import main

EXAMPLES = Path(__file__).parents[2] / "examples"
SWEEP = EXAMPLES / "vortex_small.toml"


def _fails_with(capsys, argv, *words):
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    for word in words:
        assert word in err[0], err[0]
    return err[0]


@pytest.mark.parametrize("content", [b'[device]\ntype = "vortex"\n# caf\xe9\n',
                                     bytes(range(256))])
@pytest.mark.parametrize("command", ["sweep", "run", "study", "classify", "reservoir"])
def test_a_config_that_is_not_utf8_is_named(tmp_path, capsys, command, content):
    config = tmp_path / "bad.toml"
    config.write_bytes(content)
    _fails_with(capsys, [command, config, "--out", tmp_path / "out"], "bad.toml", "UTF-8")


def test_a_folder_given_as_config_is_called_a_folder(tmp_path, capsys):
    _fails_with(capsys, ["sweep", tmp_path, "--out", tmp_path / "out"], "is a directory")


@pytest.mark.parametrize("argv", [
    ["sweep", SWEEP, "--store", "{file}", "--out", "{tmp}/out"],
    ["study", EXAMPLES / "study_chain_alpha.toml", "--store", "{file}", "--out", "{tmp}/out"],
    ["classify", EXAMPLES / "vowels.toml", "--out", "{file}"],
    ["calibrate", "{timeseries}", "--out", "{file}"],
    ["reservoir", EXAMPLES / "reservoir_waveform.toml", "--out", "{file}/below"],
])
def test_an_output_or_store_on_a_file_is_named(tmp_path, capsys, argv):
    afile = tmp_path / "afile"
    afile.write_text("x")
    if "{timeseries}" in argv:  # calibrate checks its Dataset first: give it a real one
        from compact.model import AutoOscillator
        from compact.simulate import sweep

        model = AutoOscillator(f0=4e8, N=3e7, df_dI=0.0, gamma_g=2.5e7, Q=1.0, I_th=4e-3)
        sweep(model, [5e-3, 6e-3], 2e-7, initial_power=1e-3).to_netcdf(
            tmp_path / "ts.nc", engine="h5netcdf")
    argv = [str(a).replace("{file}", str(afile)).replace("{tmp}", str(tmp_path))
            .replace("{timeseries}", str(tmp_path / "ts.nc")) for a in argv]
    option = "--store" if "--store" in argv else "--out"
    _fails_with(capsys, argv, option, "cannot write there")


def test_an_unreachable_or_malformed_scheduler_is_named(tmp_path, capsys):
    import dask
    import distributed  # noqa: F401  (its config defaults, timeouts among them)

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        _fails_with(capsys, ["sweep", SWEEP, "--scheduler", "tcp://127.0.0.1:9", "--out",
                             tmp_path / "out"], "--scheduler", "127.0.0.1:9",
                    "no dask scheduler answers")
    _fails_with(capsys, ["sweep", SWEEP, "--scheduler", "notanaddress::", "--out",
                         tmp_path / "out"], "--scheduler", "not a scheduler address")

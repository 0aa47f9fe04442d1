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
    ["sweep", SWEEP, "--store", "{file}"],
    ["study", EXAMPLES / "study_chain_alpha.toml", "--store", "{file}"],
    ["classify", EXAMPLES / "vowels.toml", "--out", "{file}"],
    ["calibrate", "{file}", "--out", "{file}"],
    ["reservoir", EXAMPLES / "reservoir_waveform.toml", "--out", "{file}/below"],
])
def test_an_output_or_store_on_a_file_is_named(tmp_path, capsys, argv):
    afile = tmp_path / "afile"
    afile.write_text("x")
    argv = [str(a).replace("{file}", str(afile)) for a in argv]
    option = "--store" if "--store" in argv else "--out"
    _fails_with(capsys, argv, option, "cannot write there")


def test_an_unreachable_scheduler_is_named(tmp_path, capsys, monkeypatch):
    import multiscale.tasks

    monkeypatch.setattr(multiscale.tasks, "SCHEDULER_TIMEOUT", "2s")
    _fails_with(capsys, ["sweep", SWEEP, "--scheduler", "tcp://127.0.0.1:9", "--out",
                         tmp_path / "out"], "--scheduler", "127.0.0.1:9", "no dask scheduler")

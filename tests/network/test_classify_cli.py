"""`multiscale classify`: bad input is refused with the key named; a tiny run writes the
results Dataset, figures and info.json and ends with the figures line."""

import json
from pathlib import Path

import pytest
import xarray as xr

from multiscale.cli import main


def test_bad_config_names_the_key(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text("[learning]\nepochs = 0\n")
    assert main(["classify", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "learning.epochs = 0" in capsys.readouterr().err
    config.write_text('[task]\nvowels = ["iy", "ih"]\n'
                      '[patterns]\niy = ["0000/0000"]\nih = ["0000/0000"]\n')
    assert main(["classify", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "same synchronization pattern" in capsys.readouterr().err
    config.write_text("[network]\nn_oscillators = 5\n")  # the default table is for 4
    assert main(["classify", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "network.n_oscillators = 5" in capsys.readouterr().err
    config.write_text("[task]\nvowels = []\n")  # was "patterns: no class has a pattern"
    assert main(["classify", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "task.vowels = []: needs at least two" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_rates_that_make_the_integration_diverge_are_an_error_not_chance(tmp_path, capsys):
    """coupling_strength = 1e300 1/s passed validation and the run exited 0 at chance with
    every frequency NaN; a rate of 1/simulation.step or more is now refused before anything
    runs (exit 2 naming the key and the step). A divergence this check cannot foresee (rates
    from physical sources through the model's kappa) is still exit 2 when it happens."""
    config = tmp_path / "huge.toml"
    config.write_text("[task]\nrun_folds = [0]\n[network]\ncoupling_strength = 1e300\n"
                      "[learning]\nepochs = 1\n[output]\nbaselines = false\n")
    assert main(["classify", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "network.coupling_strength = 1e+300" in err and "simulation.step" in err, err
    assert "diverges" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_tiny_run_writes_results(tmp_path, capsys):
    """One fold, one epoch in batches of 32: far from converged, but the initial layout of
    the windows (each oscillator at the mean source frequency of the classes it must lock
    to) already separates most vowels; 0.6 is four times chance (1/7) and well below the
    ~0.85 of a full run, so a broken simulator, readout or rule fails it."""
    config = tmp_path / "tiny.toml"
    config.write_text(
        "[task]\nrun_folds = [1]\n[learning]\nepochs = 1\nbatch_size = 32\n"
        "[output]\nresponse_map_grid = 6\nbaselines = false\n"
    )
    out = tmp_path / "out"
    assert main(["classify", str(config), "--out", str(out)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = dict(item.split("=") for item in last.split())
    assert set(figures) == {"accuracy_train", "accuracy_test"}
    assert float(figures["accuracy_test"]) >= 0.6

    info = json.loads((out / "info.json").read_text())
    assert info["success"] is True
    ds = xr.load_dataset(out / "results.nc")
    assert dict(ds.sizes) == {"sample": ds.sizes["sample"], "oscillator": 4, "source": 2,
                              "fold": 1}
    assert ds["locked"].dtype == bool
    assert ds.attrs["accuracy_test"] == pytest.approx(float(figures["accuracy_test"]),
                                                      abs=1e-4)
    for name in ("response_map.png", "confusion.png", "training.png", "summary.json"):
        assert (out / name).is_file()


def test_a_device_model_with_its_window_gets_the_plan_mapped(tmp_path, capsys):
    """--model with --window maps the frequency plan onto the device (as `multiscale run`).

    The device is the reference oscillator moved up by 300 MHz: the plan's source bands,
    written for the reference, would miss it entirely; mapped, they move with it (scale 1),
    so the tiny run's accuracy bound of the reference (0.6) holds.
    """
    from dataclasses import replace

    from network.vowels import default_oscillators

    reference = default_oscillators(1, spread=0.0)[0]
    device = replace(reference, f0=reference.f0 + 300e6)
    (tmp_path / "model.json").write_text(json.dumps(device.to_dict()))
    config = tmp_path / "tiny.toml"
    config.write_text(
        "[task]\nrun_folds = [1]\n[learning]\nepochs = 1\nbatch_size = 32\n"
        "[output]\nresponse_map_grid = 6\nbaselines = false\n"
    )
    low, high = "3e-3", "9e-3"  # the reference range of the default plan
    assert main(["classify", str(config), "--window", low, high,
                 "--out", str(tmp_path / "x")]) == 2
    assert "--window" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["classify", str(config), "--model", str(tmp_path / "model.json"),
                 "--window", low, high, "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert any("plan mapped onto the device" in line for line in printed)
    figures = dict(item.split("=") for item in printed[-1].split())
    assert float(figures["accuracy_test"]) >= 0.6


def test_a_device_oscillating_at_negative_currents_is_classified_as_its_mirror(tmp_path,
                                                                               capsys):
    """An MTJ-like model with I_th < 0 and its window in negative currents: classify drives it
    with I' = -I (network.plan.positive_currents), so its mirror image, the device with the
    window (LO, HI) = (-HI', -LO'), gives the same run; the command says so, and info.json
    records polarity -1 and the plan mapped onto the mirror."""
    from dataclasses import replace

    from network.vowels import default_oscillators

    device = replace(default_oscillators(1, spread=0.0)[0], f0=9e9, N=-2e9)  # red shift
    (tmp_path / "mirror.json").write_text(json.dumps(device.to_dict()))
    (tmp_path / "negative.json").write_text(json.dumps(device.mirrored().to_dict()))
    config = tmp_path / "tiny.toml"
    config.write_text(
        "[task]\nrun_folds = [1]\n[learning]\nepochs = 1\nbatch_size = 32\n"
        "[output]\nresponse_map_grid = 6\nbaselines = false\n"
    )
    figures = {}
    for name, window in (("mirror", ("3e-3", "9e-3")), ("negative", ("-9e-3", "-3e-3"))):
        out = tmp_path / name
        assert main(["classify", str(config), "--model", str(tmp_path / f"{name}.json"),
                     "--window", *window, "--out", str(out)]) == 0, capsys.readouterr().err
        printed = capsys.readouterr().out.strip().splitlines()
        figures[name] = dict(item.split("=") for item in printed[-1].split())
        notes = json.loads((out / "info.json").read_text())["notes"]
        assert notes["current_polarity"] == (1 if name == "mirror" else -1)
        assert notes["plan"]["adapted"] and notes["plan"]["current_range_A"][0] > 0
        assert any("negative currents" in line for line in printed) == (name == "negative")
    assert figures["negative"] == figures["mirror"]


def test_a_figure_that_cannot_be_drawn_is_a_warning_not_a_lost_run(tmp_path, capsys,
                                                                    monkeypatch):
    """The results are written before the figures; a failing figure is one line on stderr,
    recorded in summary.json, and the run still succeeds."""
    import network.figures

    def broken(*args, **kwargs):
        raise RuntimeError("no font for this label")

    monkeypatch.setattr(network.figures, "plot_confusion", broken)
    config = tmp_path / "tiny.toml"
    config.write_text("[task]\nrun_folds = [1]\n[learning]\nepochs = 1\nbatch_size = 64\n"
                      "[simulation]\nduration = 0.6e-6\nreadout_window = 0.4e-6\n"
                      "[output]\nresponse_map_grid = 4\nbaselines = false\n")
    out = tmp_path / "out"
    assert main(["classify", str(config), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning: figure not drawn: confusion.png: RuntimeError: no font" in captured.err
    assert (out / "results.nc").is_file() and (out / "training.png").is_file()
    assert not (out / "confusion.png").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["figure_warnings"] == ["confusion.png: RuntimeError: no font for this label"]
    assert json.loads((out / "info.json").read_text())["success"] is True


@pytest.mark.parametrize("window", [["8e-3", "5e-3"], ["nan", "nan"], ["5e-3", "inf"]])
def test_a_window_that_is_not_lo_below_hi_is_refused_naming_it(tmp_path, capsys, window):
    config = tmp_path / "c.toml"
    config.write_text("[task]\nrun_folds = [1]\n")
    model = Path(__file__).parents[2] / "examples" / "circuit_oscillator.json"
    assert main(["classify", str(config), "--model", str(model), "--window", *window,
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--window = [" in err and "LO < HI" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_training_of_hours_is_refused_before_it_starts(tmp_path, capsys):
    """duration = 1 s (2e9 steps per sample) used to start, and run for days; the size of the
    training is estimated from the config first (the default network: 1.6e8
    oscillator-steps) and anything over 1e11 needs simulation.allow_large."""
    from multiscale.schemas import parse_classify
    from multiscale.vowel_stage import oscillator_steps, vowel_task

    default = parse_classify({})
    assert oscillator_steps(default, vowel_task(default).folds) == pytest.approx(1.6e8, rel=0.05)
    config = tmp_path / "big.toml"
    config.write_text("[simulation]\nduration = 1.0\nreadout_window = 0.5\n")
    assert main(["classify", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "simulation.duration = 1.0" in err and "simulation.allow_large = true" in err
    assert not (tmp_path / "out").exists()
    large = parse_classify({"simulation": {"duration": 1.0, "readout_window": 0.5,
                                           "allow_large": True}})
    assert oscillator_steps(large, vowel_task(large).folds) > 1e13  # allowed: no error

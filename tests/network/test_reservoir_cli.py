"""``multiscale reservoir``: waveform and a small FSDD run end to end, and bad input."""

import json

import pytest
import xarray as xr

from multiscale.cli import main

WAVEFORM = """
[task]
kind = "waveform"
n_periods = 100
[reservoir]
n_nodes = 64
theta_over_relaxation = 0.0625
bias = 1.5
amplitude = 3.0
temperature = 0.0
"""

DIGITS = """
[task]
kind = "fsdd"
split = "{split}"
max_index = 8
speakers = ["george", "jackson"]
n_frames = 16
[reservoir]
n_nodes = 40
"""


def _last_line(capsys) -> dict[str, float]:
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.split()[0].startswith("accuracy_test=")
    figures = dict(item.split("=") for item in line.split())
    assert list(figures) == ["accuracy_test", "accuracy_linear_only", "accuracy_esn"]
    return {k: float(v) for k, v in figures.items()}


def test_waveform_run_writes_results(tmp_path, capsys):
    config = tmp_path / "w.toml"
    config.write_text(WAVEFORM)
    assert main(["reservoir", str(config), "--out", str(tmp_path / "out")]) == 0
    figures = _last_line(capsys)
    # noise-free reservoir: >= 99 % (as in test_reservoir); the input point alone cannot
    assert figures["accuracy_test"] >= 0.99 and figures["accuracy_linear_only"] < 0.7
    ds = xr.load_dataset(tmp_path / "out" / "results.nc")
    assert ds.attrs["accuracy_test"] == pytest.approx(figures["accuracy_test"], abs=1e-6)
    assert (tmp_path / "out" / "results.png").is_file()
    info = json.loads((tmp_path / "out" / "info.json").read_text())
    assert info["success"] is True and info["notes"]["n_nodes"] == 64


def test_the_smallest_waveform_run_draws_its_figure(tmp_path, capsys):
    """n_periods = 20 (the allowed minimum) and 16 nodes: a test set of few points may hold one
    class only; the confusion matrix still has both classes on its axes (this crashed in
    matplotlib's FixedLocator after the science had run)."""
    config = tmp_path / "w.toml"
    config.write_text(WAVEFORM.replace("n_periods = 100", "n_periods = 20")
                      .replace("n_nodes = 64", "n_nodes = 16"))
    assert main(["reservoir", str(config), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "results.png").is_file()
    assert json.loads((tmp_path / "out" / "info.json").read_text())["success"] is True


@pytest.mark.parametrize("split", ["official", "leave_one_speaker_out"])
def test_fsdd_smoke_on_a_subset(tmp_path, capsys, split):
    # 2 speakers × 10 digits × 8 recordings (official: 5 test, 3 train per digit and
    # speaker). Far from the full run's 97 %, but any working reservoir is far above the
    # 10 % of chance: 0.4 is 10 binomial standard deviations (0.03) above it for 100 samples.
    # Leave-one-speaker-out here trains on ONE speaker and tests on the other (measured
    # ~0.3): 0.2 is 4 standard deviations (0.024, 160 samples) above chance.
    config = tmp_path / "d.toml"
    config.write_text(DIGITS.format(split=split))
    assert main(["reservoir", str(config), "--out", str(tmp_path / "out")]) == 0
    figures = _last_line(capsys)
    assert figures["accuracy_test"] > (0.4 if split == "official" else 0.2)
    ds = xr.load_dataset(tmp_path / "out" / "results.nc")
    assert ds.sizes["sample"] == (100 if split == "official" else 160)


def test_bad_config_exits_with_code_2(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text('[reservoir]\nbias = 0.5\n')
    assert main(["reservoir", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "reservoir.bias" in capsys.readouterr().err
    config.write_text('[reservoir]\nbias = 1e300\n')  # ran to exit 0 with a dead reservoir
    assert main(["reservoir", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "reservoir.bias = 1e+300: must be <= 10" in capsys.readouterr().err
    # sizes that ended in an 89 GiB ArrayMemoryError or an integer overflow, with tracebacks
    for key, value, bound in (("n_nodes", "10000000", "5000"),
                              ("theta_over_relaxation", "1e300", "100"),
                              ("amplitude", "1e300", "10")):
        config.write_text(f"[reservoir]\n{key} = {value}\n")
        assert main(["reservoir", str(config), "--out", str(tmp_path / "out")]) == 2
        assert f"reservoir.{key} = " in (err := capsys.readouterr().err)
        assert f"must be <= {bound}" in err
    assert not (tmp_path / "out").exists()


def test_calibrated_model_is_used(tmp_path, capsys):
    # A model.json as `multiscale calibrate` writes it: the run must use its parameters
    # (θ scales with its relaxation time: Γ_G doubled halves τ_p and θ).
    from compact.model import AutoOscillator
    from network.reservoir import vortex_oscillator

    model = vortex_oscillator()
    fast = AutoOscillator.from_dict({**model.to_dict(), "gamma_g": 2 * model.gamma_g})
    fast.to_json(tmp_path / "model.json")
    config = tmp_path / "w.toml"
    config.write_text(WAVEFORM.replace("n_periods = 100", "n_periods = 30"))
    out = tmp_path / "out"
    assert main(["reservoir", str(config), "--model", str(tmp_path / "model.json"),
                 "--out", str(out)]) == 0
    info = json.loads((out / "info.json").read_text())
    assert info["inputs"]["model"]["gamma_g"] == pytest.approx(2 * model.gamma_g)
    tau_default = 1 / (2 * model.gamma_g * 0.5)  # ζ_b = 1.5
    assert info["notes"]["relaxation_time_s"] == pytest.approx(tau_default / 2, rel=1e-12)
    capsys.readouterr()
    (tmp_path / "bad.json").write_text('{"f0": 1e9}')
    assert main(["reservoir", str(config), "--model", str(tmp_path / "bad.json"),
                 "--out", str(out)]) == 2
    assert "--model" in capsys.readouterr().err


def test_a_failing_figure_leaves_the_results(tmp_path, capsys, monkeypatch):
    import network.reservoir_experiment

    def broken(*args, **kwargs):
        raise ValueError("ticks and labels differ")

    monkeypatch.setattr(network.reservoir_experiment, "plot_results", broken)
    config = tmp_path / "w.toml"
    config.write_text(WAVEFORM.replace("n_periods = 100", "n_periods = 20")
                      .replace("n_nodes = 64", "n_nodes = 16"))
    assert main(["reservoir", str(config), "--out", str(tmp_path / "out")]) == 0
    assert "warning: figure not drawn: results.png" in capsys.readouterr().err
    assert (tmp_path / "out" / "results.nc").is_file()
    info = json.loads((tmp_path / "out" / "info.json").read_text())
    assert info["success"] is True
    assert info["notes"]["figure_warnings"] == ["results.png: ValueError: ticks and labels differ"]
    assert "results.png" not in info["notes"]["files"]

"""The chain on an MTJ oscillator (examples/chain_mtj.toml, the perpendicular free layer in its
macrospin limit so that it runs in seconds): the uniform mapping, λ of a uniform precession, a
device that oscillates at negative currents driving the network as I' = -I."""

import dataclasses
import json
import math
import warnings
from pathlib import Path

import pytest

from micromag.engines.builtin.newell import self_demag_factors
from multiscale.pipeline import load_chain_config, run_chain

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def mtj_chain(tmp_path_factory):
    config = load_chain_config(EXAMPLES / "chain_mtj.toml")
    tiny = load_chain_config(EXAMPLES / "chain_tiny.toml")  # its small network settings
    device = config.device.macrospin()
    network = dataclasses.replace(tiny.classify.network, temperature=0.0)
    config = dataclasses.replace(config, device=device,
                                 sweep=dataclasses.replace(config.sweep, workers=1),
                                 classify=dataclasses.replace(tiny.classify, network=network))
    out = tmp_path_factory.mktemp("mtj") / "run"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return config, run_chain(config, out=out, progress=False), out


def test_the_chain_calibrates_an_mtj_with_its_own_physics(mtj_chain):
    config, result, _ = mtj_chain
    device, model = config.device, result.model
    assert model.I_th < 0  # the cone opens for J < 0 (OOMMF's sign, in-plane polarizer +x)
    # f0: the Kittel frequency of the macrospin in its field, (γ0/2π)(H + H_k,eff) with
    # H_k,eff = 2K/(μ0 Ms) - (N_zz - N_xx) Ms from the cell's Newell factors. Measured -3e-4;
    # 2e-3 because the fit extrapolates f(p) to p = 0 from cones of p >= 0.01
    # (tests/physics/test_mtj_perpendicular_window.py checks f(m_z) itself to 0.5 %)
    nxx, _, nzz = self_demag_factors(device.cell)
    hk_eff = 2 * device.anisotropy_K / (4e-7 * math.pi * device.Ms) - (nzz - nxx) * device.Ms
    kittel = device.gamma0 / (2 * math.pi) * (device.bias_field[2] + hk_eff)
    assert model.f0 == pytest.approx(kittel, rel=2e-3)
    assert model.N < 0  # the frequency falls as the cone opens
    # no linewidth at T = 0: λ is that of a uniform precession at the fitted f0
    assert result.calibration.attrs["mode_energy_source"] == "uniform precession"
    assert model.mode_energy == pytest.approx(device.uniform_mode_energy(model.f0), rel=1e-12)


def test_negative_currents_drive_the_network_mirrored(mtj_chain):
    config, result, out = mtj_chain
    assert result.plan["current_polarity"] == -1
    # the plan's currents are |I|: above |I_th|, inside the swept (negative) window
    low, high = result.plan["current_range_A"]
    swept = max(abs(J) for J in config.sweep.current_densities) * config.device.area
    assert abs(result.model.I_th) < low < high <= swept * (1 + 1e-9)
    report = (out / "report.md").read_text()
    assert "oscillates at negative currents" in report
    assert json.loads((Path(result.stages["classify"]["folder"]) / "plan.json").read_text())[
        "current_polarity"] == -1
    # at 0 K the network learns: measured 0.333 with chain_tiny's one fold and one epoch,
    # against 1/7 = 0.143 by chance (the full settings give 0.60, docs/mtj_windows.md)
    assert result.summary["accuracy_test"] > 0.25

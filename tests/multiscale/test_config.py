"""Config parsing: every kind of bad input is rejected with key, value and what is allowed."""

import subprocess
import sys
from dataclasses import dataclass
from typing import Literal

import pytest

from multiscale.config import fail, load_toml, parse, spec
from multiscale.errors import InputError


@dataclass(frozen=True)
class Material:
    Ms: float = spec(8e5, unit="A/m", gt=0, help="saturation magnetisation")
    alpha: float = spec(0.01, gt=0, help="Gilbert damping")


@dataclass(frozen=True)
class Disk:
    diameter: float = spec(unit="m", gt=0, help="disk diameter")
    thickness: float = spec(10e-9, unit="m", gt=0)
    cell: list[float] = spec([5e-9, 5e-9, 10e-9], unit="m", gt=0)
    shape: Literal["circle", "ellipse"] = "circle"

    def __post_init__(self):
        if max(self.cell[:2]) > self.diameter:
            fail("device.cell", self.cell, f"must not exceed the diameter {self.diameter:g} m")


@dataclass(frozen=True)
class Config:
    device: Disk
    material: Material = spec(Material())
    duration: float = spec(5e-9, unit="s", gt=0)
    seed: int = 0
    extra: dict = spec({}, help="free-form table")


GOOD = {"device": {"diameter": 200e-9}, "material": {"Ms": 8e5}}


def test_good_config_parses_into_frozen_dataclasses():
    config = parse(Config, GOOD)
    assert config.device.diameter == 200e-9
    assert config.material.alpha == 0.01
    assert config.device.cell == [5e-9, 5e-9, 10e-9]
    assert parse(Config, {**GOOD, "extra": {"a": 1}}).extra == {"a": 1}
    with pytest.raises(AttributeError):
        config.seed = 1  # frozen


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({**GOOD, "colour": "red"}, ["colour", "'red'", "unknown key", "device"]),
        ({"device": {"diameter": 2e-7, "thicknes": 1e-8}}, ["device.thicknes", "unknown key"]),
        ({"device": {"diameter": "200nm"}}, ["device.diameter", "'200nm'", "must be a number"]),
        ({"device": {"diameter": 2e-7}, "seed": 1.5}, ["seed", "1.5", "must be an integer"]),
        ({"device": {"diameter": 2e-7}, "seed": True}, ["seed", "True", "integer"]),
        ({"material": {"Ms": 8e5}}, ["device", "required key is missing"]),
        ({"device": {}}, ["device.diameter", "required key is missing", "disk diameter"]),
        ({**GOOD, "material": {"Ms": -8e5}}, ["material.Ms", "-800000.0", "must be > 0 (A/m)"]),
        ({**GOOD, "material": {"alpha": 0.0}}, ["material.alpha", "0.0", "must be > 0"]),
        ({"device": {"diameter": -1e-9}}, ["device.diameter", "must be > 0 (m)"]),
        ({**GOOD, "duration": 0}, ["duration", "must be > 0 (s)"]),
        ({"device": {"diameter": 2e-7, "cell": [5e-9, -5e-9, 1e-8]}}, ["device.cell", "> 0"]),
        ({"device": {"diameter": 2e-7, "shape": "square"}}, ["device.shape", "'circle'"]),
        ({"device": {"diameter": 2e-9}}, ["device.cell", "must not exceed the diameter"]),
        ({"device": {"diameter": float("nan")}}, ["device.diameter", "finite"]),
        ({**GOOD, "extra": []}, ["extra", "must be a table"]),
    ],
)
def test_bad_config_is_rejected_naming_key_value_and_allowed(data, fragments):
    with pytest.raises(InputError) as raised:
        parse(Config, data)
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_load_toml_reports_missing_file_and_syntax(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_toml(tmp_path / "absent.toml", Config)
    broken = tmp_path / "broken.toml"
    broken.write_text("device = {diameter = }\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_toml(broken, Config)
    good = tmp_path / "good.toml"
    good.write_text("[device]\ndiameter = 2e-7\n[material]\nMs = 1.1e6\n")
    assert load_toml(good, Config).material.Ms == 1.1e6


def test_cli_bad_input_exits_2_without_traceback(tmp_path):
    """The CLI maps InputError to exit code 2 and a one-line message on stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "multiscale.cli", "doctor", "--data", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0  # doctor reports missing data, it does not fail
    assert "missing" in result.stdout
    code = (
        "import sys; from multiscale.cli import main; from multiscale.errors import InputError\n"
        "import multiscale.commands.doctor as d\n"
        "def bad(args): raise InputError(\"device.Ms = -1.0: must be > 0 (A/m)\")\n"
        "d.run = bad\n"
        "sys.exit(main(['doctor']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "device.Ms = -1.0: must be > 0 (A/m)" in result.stderr
    assert "Traceback" not in result.stderr

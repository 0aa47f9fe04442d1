"""A chain's ``[circuit]`` table, the default chain's physical network, and the lock's free
runs taken from the sweep."""

import dataclasses
import json
import tomllib
from pathlib import Path

import pytest

from multiscale.errors import InputError
from multiscale.pipeline import sweep_free_runs
from multiscale.schemas import (
    CIRCUIT_KEYS,
    default_config_path,
    load_chain_config,
    parse_chain_config,
)

#: the keys that give the network a rate in 1/s (a free coupling or free source strengths)
RATES_IN_1_PER_S = ("coupling_strength", "coupling_phase", "source_amplitude")


def _tables(mapping, where=""):
    for key, value in mapping.items():
        if isinstance(value, dict):
            yield from _tables(value, f"{where}{key}.")
        else:
            yield f"{where}{key}", value


def test_the_default_chain_derives_every_rate_of_its_network_from_the_device_and_circuit():
    """Issue 14's acceptance: the default chain has a [circuit] table and gives no rate in
    1/s; its network couples through the circuit and its sources are RF currents (A), whose
    κ the chain calibrates by locking to an RF current."""
    raw = tomllib.loads(default_config_path().read_text())
    assert "circuit" in raw
    keys = [key.rsplit(".", 1)[-1] for key, _ in _tables(raw)]
    assert not set(keys) & set(RATES_IN_1_PER_S)
    config = load_chain_config()
    network = config.classify.network
    assert network.coupling == "circuit"
    assert network.source_current and not network.source_field
    assert config.lock is not None and config.lock.drive == "rf_current"
    device = config.device
    assert device.resistance_P > 0 and device.resistance_change > 0
    # the device emits: its reference layer has an in-plane component
    assert abs(device.polarizer[0]) > 0.1
    # the lock current is one of the sweep's, so the sweep's run is the lock's free run
    assert set(config.lock.current_densities) <= set(config.sweep.current_densities)


def _circuit_chain(circuit: str, network: str = "") -> dict:
    text = default_config_path().read_text()
    head, tail = text.split("\n[circuit]\n", 1)
    tail = tail.split("\n[plan]\n", 1)[1]
    text = head + "\n" + circuit + "\n[plan]\n" + tail
    text = text.replace("[classify.network]\n", "[classify.network]\n" + network, 1)
    return tomllib.loads(text)


def test_a_circuit_table_is_the_network_keys_it_stands_for():
    """[circuit] moves its keys into [classify.network] with coupling = 'circuit': the same
    config (and so the same store keys) as writing them there."""
    as_circuit = parse_chain_config(_circuit_chain(
        "[circuit]\nload_resistance = 75.0\nsource_power_dBm = [-20.0, -23.0]\n"))
    as_network = parse_chain_config(_circuit_chain(
        "", "coupling = \"circuit\"\nload_resistance = 75.0\n"
        "source_power_dBm = [-20.0, -23.0]\n"))
    assert as_circuit.to_dict() == as_network.to_dict()
    network = as_circuit.classify.network
    assert (network.coupling, network.load_resistance) == ("circuit", 75.0)
    assert network.source_power_dBm == [-20.0, -23.0]
    assert set(CIRCUIT_KEYS) <= {f.name for f in dataclasses.fields(network)}


BAD = [
    ("[circuit]\nload_resistance = 50.0\nsource_current = [1e-4, 1e-4]\nresistance = 3.0\n",
     "", "circuit.resistance = 3.0: unknown key"),
    ("[circuit]\nload_resistance = 50.0\n", "", "circuit = {'load_resistance': 50.0}: needs "
     "the RF sources"),
    ("[circuit]\nload_resistance = -5.0\nsource_current = [1e-4, 1e-4]\n", "",
     "circuit.load_resistance = -5.0"),
    ("[circuit]\nsource_current = [1e-4]\n", "", "must be two numbers"),
    ("[circuit]\nsource_current = [1e-4, 1e-4]\n", "coupling_strength = 3e5\n",
     "classify.network.coupling_strength = 300000.0: not with a [circuit] table"),
    ("[circuit]\nsource_current = [1e-4, 1e-4]\n", "source_amplitude = [1e6, 1e6]\n",
     "classify.network.source_amplitude"),
    ("[circuit]\nsource_current = [1e-4, 1e-4]\nsource_power_dBm = [-20.0, -20.0]\n", "",
     "circuit.source_power_dBm = [-20.0, -20.0]: not with circuit.source_current"),
    ("circuit = 3\n", "", "circuit = 3: must be a table"),
]


def test_a_classify_that_is_not_a_table_is_named_with_a_circuit_table_too():
    data = _circuit_chain("[circuit]\nsource_current = [1e-4, 1e-4]\n")
    for bad, message in ((3, "classify = 3: must be a table"),
                         ({**data["classify"], "network": 3}, "classify.network = 3")):
        with pytest.raises(InputError) as error:
            parse_chain_config({**data, "classify": bad})
        assert message in str(error.value)


@pytest.mark.parametrize(("circuit", "network", "message"), BAD,
                         ids=[message.split(":")[0] for _, _, message in BAD])
def test_a_bad_circuit_table_is_an_input_error_naming_the_key(circuit, network, message):
    data = _circuit_chain(circuit, network) if circuit.startswith("[") else None
    if data is None:  # a bare value where the table belongs
        data = _circuit_chain("")
        data["circuit"] = 3
    with pytest.raises(InputError) as error:
        parse_chain_config(data)
    assert message in str(error.value)


def _sweep_folder(tmp_path: Path, currents: dict) -> Path:
    folder = tmp_path / "sweep"
    folder.mkdir()
    runs = {}
    for J, name in currents.items():
        run = tmp_path / "store" / name
        run.mkdir(parents=True)
        (run / "m_final.npy").write_bytes(b"")
        runs[str(float(J))] = str(run)
    (folder / "info.json").write_text(json.dumps({"runs": runs}))
    return folder


def test_the_lock_takes_its_free_run_from_the_sweep_only_when_it_is_the_same_simulation(
        tmp_path):
    config = load_chain_config()
    J = config.lock.current_densities[0]
    folder = _sweep_folder(tmp_path, {J: "current-a", 1.3e11: "current-b"})
    assert sweep_free_runs(config, folder) == {J: tmp_path / "store" / "current-a"}
    assert sweep_free_runs(config, None) == {}
    different = {
        "a thermal sweep": dataclasses.replace(
            config, sweep=dataclasses.replace(config.sweep, temperature=300.0,
                                              stop_when_steady=False)),
        "another sampling": dataclasses.replace(
            config, lock=dataclasses.replace(config.lock, sampling_interval=20e-12)),
        "another engine": dataclasses.replace(
            config, lock=dataclasses.replace(config.lock, engine="magnumnp")),
        "no relaxed start": dataclasses.replace(
            config, lock=dataclasses.replace(config.lock, relax=False)),
    }
    for name, other in different.items():
        assert sweep_free_runs(other, folder) == {}, name
    # one engine for both stages (the CLI's --engine) makes them the same simulation again
    assert sweep_free_runs(different["another engine"], folder, engine="builtin") == {
        J: tmp_path / "store" / "current-a"}
    # a run without its final state cannot be continued
    (tmp_path / "store" / "current-a" / "m_final.npy").unlink()
    assert sweep_free_runs(config, folder) == {}

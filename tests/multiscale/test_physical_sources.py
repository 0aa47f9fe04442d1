"""The vowel network's sources in physical units: RF field, RF current, RF power."""

import math

import numpy as np
import pytest

from compact.model import AutoOscillator
from compact.units import current_amplitude, power_dbm
from multiscale.errors import InputError
from multiscale.schemas import parse_classify
from multiscale.vowel_stage import network_for
from network.plan import reference_oscillator

KAPPA_H, KAPPA_I = 2.5e4, 4.0e9  # 1/(s A/m), 1/(s A)
OLD = (1.6e7, 1.15e7)  # 1/s, the hand-made sources of examples/vowels.toml


def _model(**kappa):
    import dataclasses

    return dataclasses.replace(reference_oscillator(), **kappa)


def test_dbm_and_current_amplitude():
    # 0 dBm = 1 mW into 50 ohm: I = sqrt(2 P / Z) = 6.32 mA peak
    assert current_amplitude(0.0, 50.0) == pytest.approx(math.sqrt(2e-3 / 50))
    assert power_dbm(current_amplitude(-17.5, 50.0), 50.0) == pytest.approx(-17.5)
    with pytest.raises(ValueError, match="impedance = 0"):
        current_amplitude(0.0, 0.0)


@pytest.mark.parametrize("network, kappa", [
    ({"source_field": [OLD[0] / KAPPA_H, OLD[1] / KAPPA_H]}, {"kappa_field": KAPPA_H}),
    ({"source_current": [OLD[0] / KAPPA_I, OLD[1] / KAPPA_I]}, {"kappa_current": KAPPA_I}),
    ({"source_power_dBm": [float(power_dbm(OLD[0] / KAPPA_I, 75.0)),
                           float(power_dbm(OLD[1] / KAPPA_I, 75.0))],
      "source_impedance": 75.0}, {"kappa_current": KAPPA_I}),
])
def test_physical_amplitude_equal_to_the_old_rate_gives_the_same_network(network, kappa):
    """A physical amplitude that equals the old 1/s value through κ builds the same network
    (so the same accuracy: the simulation and training see only F)."""
    model = _model(**kappa)
    old = network_for(parse_classify({"network": {"source_amplitude": list(OLD)}}), [model])
    new = network_for(parse_classify({"network": network}), [model])
    assert np.allclose(new.source_amplitude, old.source_amplitude, rtol=1e-12)
    assert new.oscillators == old.oscillators


def test_physical_amplitudes_need_a_calibrated_model():
    config = parse_classify({"network": {"source_field": [500.0, 400.0]}})
    with pytest.raises(InputError, match="network.source_field.*calibrated model"):
        network_for(config, None)
    with pytest.raises(InputError, match="kappa_field is not calibrated"):
        network_for(config, [_model()])
    with pytest.raises(InputError, match="network.source_current.*empty when "
                                         "network.source_field is given"):
        parse_classify({"network": {"source_field": [500.0, 400.0],
                                    "source_current": [1e-4, 1e-4]}})
    with pytest.raises(InputError, match="network.source_field = \\[500.0\\]: must be two"):
        parse_classify({"network": {"source_field": [500.0]}})


def test_oscillators_with_different_kappa_are_refused():
    a, b = _model(kappa_field=KAPPA_H), _model(kappa_field=2 * KAPPA_H)
    config = parse_classify({"network": {"source_field": [500.0, 400.0]}})
    with pytest.raises(InputError, match="couplings κ differ"):
        network_for(config, [a, b, a, b])
    assert isinstance(a, AutoOscillator)

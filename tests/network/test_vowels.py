"""The vowel task's data handling: tokens, speaker-independent folds, the default network."""

import numpy as np
import pytest

from multiscale.datasets import hillenbrand
from network.readout import default_table
from network.vowels import (
    VOWELS_7,
    default_network,
    initial_currents,
    speaker_folds,
    vowel_samples,
)


@pytest.fixture(scope="module")
def samples():
    return vowel_samples(hillenbrand(), VOWELS_7, group="w")


def test_tokens_of_the_women(samples):
    """48 women × 7 vowels = 336 tokens, minus the 2 with a missing F2 (ah, aw: PHYSICS.md)."""
    assert len(samples) == 334
    assert np.bincount(samples.label).tolist() == [48, 48, 48, 48, 47, 47, 48]
    assert samples.F1.min() == 331.0 and samples.F2.max() == 3049.0  # women's ranges, Hz


def test_folds_are_speaker_independent_and_seeded(samples):
    folds = speaker_folds(samples.speaker, 5, seed=0)
    for speaker in np.unique(samples.speaker):
        assert np.unique(folds[samples.speaker == speaker]).size == 1
    per_fold = [np.unique(samples.speaker[folds == k]).size for k in range(5)]
    assert sorted(per_fold) == [9, 9, 10, 10, 10]  # 48 speakers dealt round-robin
    assert np.array_equal(folds, speaker_folds(samples.speaker, 5, seed=0))
    assert not np.array_equal(folds, speaker_folds(samples.speaker, 5, seed=1))


def test_default_plan_keeps_the_sources_apart(samples):
    """Every source-B oscillator starts more than one locking range below any f_A, and
    oscillator 4 more than one locking range above any f_B, so no oscillator sits between
    the two sources (the design of network.vowels)."""
    network = default_network(samples.classes, default_table(samples.classes))
    currents = initial_currents(network, samples)
    f_a = network.maps[0](samples.F1)
    f_b = network.maps[1](samples.F2)
    for j, osc in enumerate(network.oscillators):
        f = float(osc.frequency(currents[j]))
        width = float(osc.locking_range(currents[j], max(network.source_amplitude)))
        if j < 3:
            assert f + width < f_a.min()
        else:
            assert f - width > f_b.max()


def test_a_run_that_diverges_raises_instead_of_answering_at_chance(samples):
    """Rates far beyond 1/step (here sources of 1e300 1/s, which no config check sees when
    they come from physical sources through a model's κ) give NaN frequencies: the network
    raises NetworkDiverged naming the step and the rates, never a prediction from NaN."""
    import dataclasses

    from network.vowels import NetworkDiverged

    table = default_table(VOWELS_7)
    network = default_network(VOWELS_7, table)
    huge = dataclasses.replace(network, source_amplitude=(1e300,) * len(network.maps),
                               duration=20e-9, readout_window=10e-9)
    currents = initial_currents(network, samples)
    with pytest.raises(NetworkDiverged, match="step = "):
        huge.respond(currents, samples.features[:2])

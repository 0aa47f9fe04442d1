"""The network as a scikit-learn classifier: fitted encoding, learned assignment, saved state."""

import numpy as np
import pytest

from multiscale import datasets
from network.assignment import majority_table, source_splits
from network.encoding import fit_map, outside
from network.estimator import NO_CLASS, SyncClassifier
from network.vowels import VOWELS_7, speaker_folds, vowel_samples


def test_fitted_map_spans_the_training_quantiles_with_its_margin_and_clips():
    values = np.linspace(100.0, 200.0, 101)
    m = fit_map(values, (1e8, 2e8), method="range", margin=0.1)
    assert m.x_range == pytest.approx((90.0, 210.0)) and m.clip
    assert m(150.0) == pytest.approx(1.5e8)
    assert m(500.0) == pytest.approx(2e8) and m(-5.0) == pytest.approx(1e8)  # clipped
    q = fit_map(values, (1e8, 2e8), method="quantile", quantiles=(0.1, 0.9), margin=0.0)
    assert q.x_range == pytest.approx((110.0, 190.0))
    assert outside(np.array([[100.0], [150.0], [195.0]]), [q]).ravel().tolist() == [
        True, False, True]
    with pytest.raises(ValueError, match="encoding = 'median'"):
        fit_map(values, (1e8, 2e8), method="median")
    with pytest.raises(ValueError, match="encoding_margin = 1.5"):
        fit_map(values, (1e8, 2e8), margin=1.5)


def test_majority_table_gives_each_pattern_to_its_most_frequent_class():
    on, off = np.ones((2, 1), bool), np.zeros((2, 1), bool)
    locked = np.array([on, on, on, off, off, np.array([[True], [False]])])  # (6, N=2, K=1)
    labels = np.array([0, 0, 1, 1, 1, 2])
    table, accuracy = majority_table(locked, labels, ("a", "b", "c"))
    assert table.patterns == {"a": ("11",), "b": ("00",), "c": ("10",)}
    assert accuracy == pytest.approx(5 / 6)  # one "b" shows a's pattern
    assert table.decode(np.array([[[False], [True]]])).tolist() == [-1]  # never seen


def test_every_split_gives_each_source_an_oscillator():
    assert source_splits(4, 2) == [(1, 3), (2, 2), (3, 1)]
    assert source_splits(3, 3) == [(1, 1, 1)]
    with pytest.raises(ValueError, match="n_oscillators = 1"):
        source_splits(1, 2)


@pytest.fixture(scope="module")
def women():
    if datasets.data_root() is None:
        pytest.skip("MULTISCALE_DATA is not set (tests/conftest.py)")
    samples = vowel_samples(datasets.hillenbrand(), VOWELS_7, "w")
    folds = speaker_folds(samples.speaker, 5, seed=0)
    names = np.asarray(samples.classes)[samples.label]
    return samples.features, names, folds


@pytest.fixture(scope="module")
def fitted(women):
    X, y, folds = women
    return SyncClassifier(rounds=2, epochs=1, seed=3).fit(X[folds != 0], y[folds != 0])


def test_learned_assignment_classifies_far_above_chance(women, fitted):
    """Seven vowels, chance 1/7: the placement alone reaches ~0.5 on the training set, two
    rounds of training and re-assignment ~0.7; the held-out speakers likewise."""
    X, y, folds = women
    assert fitted.history_[-1] > fitted.history_[0]
    assert fitted.score(X[folds == 0], y[folds == 0]) > 0.6
    assert sum(fitted.split_) == 4 and set(fitted.classes_) == set(VOWELS_7)
    assert fitted.n_outside_.sum() > 0  # the 1 %/99 % quantiles leave a few outside
    attributes = set(vars(fitted))
    predicted = fitted.predict(X[folds == 0])
    assert set(predicted) <= set(VOWELS_7) | {NO_CLASS}
    assert set(vars(fitted)) == attributes  # predict changes nothing (scikit-learn's rule)
    counts = fitted.count_outside(X[folds == 0])
    assert counts.shape == (2,) and counts.sum() <= 0.1 * (folds == 0).sum()


def test_saved_state_predicts_the_same(tmp_path, women, fitted):
    X, y, folds = women
    path = fitted.save(tmp_path / "state.json")
    loaded = SyncClassifier.load(path)
    assert loaded.get_params()["rounds"] == 2 and loaded.network_.table == fitted.network_.table
    assert np.array_equal(loaded.predict(X[folds == 0]), fitted.predict(X[folds == 0]))
    assert np.allclose(loaded.currents_, fitted.currents_)


def test_scikit_learn_contract(women):
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold, cross_val_score

    X, y, folds = women
    estimator = SyncClassifier(rounds=0, seed=1)
    assert clone(estimator).get_params() == estimator.get_params()
    assert estimator.fit(X[:120], y[:120]) is estimator
    scores = cross_val_score(SyncClassifier(rounds=0), X[:160], y[:160],
                             groups=folds[:160], cv=GroupKFold(n_splits=2))
    assert scores.shape == (2,) and np.all(scores > 1 / 7)
    with pytest.raises(ValueError, match="assignment = 'magic'"):
        SyncClassifier(assignment="magic").fit(X[:50], y[:50])


def test_hand_table_with_fixed_maps_is_the_original_network(women):
    """assignment = 'table', encoding = 'fixed': the hand table and the hand maps; features in
    Hz outside the hand ranges are not clipped (they extrapolate, as before)."""
    X, y, folds = women
    clf = SyncClassifier(assignment="table", encoding="fixed", epochs=1).fit(X[::4], y[::4])
    assert not any(m.clip for m in clf.network_.maps)
    assert clf.network_.table.patterns["uw"] == ("0000/-000",)
    with pytest.raises(ValueError, match=r"classes \['xx'\] have no pattern"):
        SyncClassifier(assignment="table").fit(X[::4], np.where(y == "iy", "xx", y)[::4])

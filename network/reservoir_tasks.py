"""Tasks and readout of the time-multiplexed reservoir (PHYSICS.md section 4).

- :func:`sine_square_sequence` / :func:`waveform_task`: a random sequence of sine and square
  periods, 8 points each; every point is classified (Marković et al., APL 114, 012409 (2019);
  Torrejon et al. 2017). The current point alone is ambiguous (both waveforms take the values
  ±1), so the task needs memory and a nonlinearity.
- :func:`compare_readouts`: utterance classification (spoken digits) of the oscillator
  reservoir beside the same preprocessing with a linear readout and no reservoir, and a software
  echo-state network with as many nodes (the honest comparison of Abreu Araujo et al., Sci.
  Rep. 10, 328 (2020)).

Readout: features standardised on the training data only, then scikit-learn's
``RidgeClassifierCV`` whose regularisation is chosen by efficient leave-one-out
cross-validation on the training set only. An utterance is described by the states averaged over
``n_segments`` equal parts of its frame sequence (``n_segments`` = 1 is the time average, as in
the sum of frame outputs of Torrejon et al.); the linear baseline gets the input features
averaged the same way, so both readouts see the same time resolution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ALPHAS",
    "sine_square_sequence",
    "segment_features",
    "fit_readout",
    "Scores",
    "score",
    "waveform_task",
    "standardize_frames",
    "compare_readouts",
]

#: Ridge regularisations searched by leave-one-out cross-validation.
ALPHAS = np.logspace(-4, 4, 17)


def sine_square_sequence(n_periods: int, points_per_period: int = 8,
                         seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A random sequence of sine and square periods.

    Returns
    -------
    input : (n_periods * points_per_period,) float
        sin(2π k / points) for a sine period, +1 for the first half and -1 for the second
        half of a square period.
    label : (n,) int
        0 for points of a sine period, 1 for a square period.
    """
    if n_periods < 1 or points_per_period < 2:
        raise ValueError(
            f"n_periods = {n_periods!r}, points_per_period = {points_per_period!r}: need >= 1, >= 2"
        )
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, 2, size=n_periods)
    phase = np.arange(points_per_period) / points_per_period
    sine = np.sin(2 * np.pi * phase)
    square = np.where(phase < 0.5, 1.0, -1.0)
    signal = np.concatenate([square if k else sine for k in kinds])
    labels = np.repeat(kinds, points_per_period)
    return signal, labels


def segment_features(states: np.ndarray, n_segments: int = 1) -> np.ndarray:
    """Mean states over ``n_segments`` equal parts of the frames, concatenated.

    ``states`` (n_samples, n_frames, n_nodes) -> (n_samples, n_segments * n_nodes).
    """
    states = np.asarray(states, dtype=float)
    if not 1 <= n_segments <= states.shape[1]:
        raise ValueError(
            f"n_segments = {n_segments!r}: must be between 1 and n_frames = {states.shape[1]}"
        )
    parts = np.array_split(np.arange(states.shape[1]), n_segments)
    return np.concatenate([states[:, part].mean(axis=1) for part in parts], axis=1)


def fit_readout(features: np.ndarray, labels: np.ndarray, alphas: np.ndarray = ALPHAS):
    """Standardise (training statistics) and fit ``RidgeClassifierCV`` (LOO on training)."""
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=alphas)).fit(
        features, labels)


@dataclass(frozen=True)
class Scores:
    """Accuracies of one readout and its predictions on the test set."""

    accuracy_train: float
    accuracy_test: float
    alpha: float
    predicted: np.ndarray


def score(train: np.ndarray, y_train: np.ndarray, test: np.ndarray,
          y_test: np.ndarray) -> Scores:
    """Fit the readout on ``train`` and score it on both sets."""
    readout = fit_readout(train, y_train)
    predicted = readout.predict(test)
    return Scores(
        accuracy_train=float(np.mean(readout.predict(train) == y_train)),
        accuracy_test=float(np.mean(predicted == y_test)),
        alpha=float(readout[-1].alpha_),
        predicted=predicted,
    )


def waveform_task(transform: Callable[[np.ndarray], np.ndarray], n_periods: int = 300,
                  train_fraction: float = 0.5, washout_periods: int = 5,
                  seed: int = 0) -> dict[str, Scores]:
    """Sine versus square classification of every point.

    The whole sequence drives ``transform`` (one point per frame, one input); the states of
    the first ``train_fraction`` of the periods (after a washout) train the readout, the rest
    test it. Returns the scores of the reservoir (``"reservoir"``) and of a linear readout of
    the input point alone (``"linear_only"``).
    """
    signal, labels = sine_square_sequence(n_periods, seed=seed)
    points = signal.size // n_periods
    states = np.asarray(transform(signal[None, :, None]))[0]
    start = washout_periods * points
    split = start + int(train_fraction * (n_periods - washout_periods)) * points
    train, test = slice(start, split), slice(split, None)
    raw = signal[:, None]
    return {
        "reservoir": score(states[train], labels[train], states[test], labels[test]),
        "linear_only": score(raw[train], labels[train], raw[test], labels[test]),
    }


def standardize_frames(train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Standardise every feature channel with the mean and std of the training frames."""
    mean = train.mean(axis=(0, 1))
    std = train.std(axis=(0, 1))
    std = np.where(std > 0, std, 1.0)
    return [(x - mean) / std for x in (train, *others)]


def compare_readouts(frames_train: np.ndarray, y_train: np.ndarray, frames_test: np.ndarray,
                     y_test: np.ndarray, transforms: dict[str, Callable],
                     n_segments: int = 1) -> dict[str, Scores]:
    """Scores of ``"linear_only"`` and of every reservoir in ``transforms`` on one split.

    Frames are standardised with training statistics before they drive any reservoir.
    """
    frames_train, frames_test = standardize_frames(frames_train, frames_test)
    results = {
        "linear_only": score(segment_features(frames_train, n_segments), y_train,
                             segment_features(frames_test, n_segments), y_test)
    }
    n_train = frames_train.shape[0]
    both = np.concatenate([frames_train, frames_test])
    for name, transform in transforms.items():
        # one call for both sets, so that no test sample shares a noise stream with a
        # training sample
        features = segment_features(transform(both), n_segments)
        results[name] = score(features[:n_train], y_train, features[n_train:], y_test)
    return results

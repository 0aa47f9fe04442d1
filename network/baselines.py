"""Software baselines on the same features and folds (scikit-learn).

Features: those the network sees (:mod:`network.features`: raw Hz, log, or normalised per
speaker), standardised on each training fold. Trained-parameter counts:

- quadratic discriminant analysis: a mean (2) and a covariance (3) per class;
- logistic regression (multinomial): ``(2 + 1) × C``;
- MLP with one hidden layer of ``h`` units: ``2h + h + h·C + C``.

No standard ``C``-class network has as few trained parameters as the oscillator network's four
currents; the smallest MLP (one hidden unit, ``3 + 2C`` parameters, 17 for 7 classes) is the
"equal-parameter" software network here, and it already has more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BaselineResult", "baseline_models", "count_parameters", "run_baselines"]


@dataclass(frozen=True)
class BaselineResult:
    """Accuracies of one model over the folds."""

    name: str
    parameters: int
    train_accuracy: tuple[float, ...]
    test_accuracy: tuple[float, ...]

    @property
    def mean_test(self) -> float:
        return float(np.mean(self.test_accuracy))

    @property
    def mean_train(self) -> float:
        return float(np.mean(self.train_accuracy))


def baseline_models(seed: int = 0, hidden: tuple[int, ...] = (1, 2, 4, 8, 32)) -> dict:
    """Name -> unfitted scikit-learn pipeline (standardisation + model)."""
    from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    models = {
        "QDA": make_pipeline(StandardScaler(), QuadraticDiscriminantAnalysis()),
        "logistic regression": make_pipeline(StandardScaler(),
                                             LogisticRegression(max_iter=5000)),
    }
    for h in hidden:
        models[f"MLP 2-{h}-C"] = make_pipeline(
            StandardScaler(),
            MLPClassifier(hidden_layer_sizes=(h,), max_iter=5000, alpha=1e-4,
                          random_state=seed, solver="lbfgs"),
        )
    return models


def count_parameters(model) -> int:
    """Trained parameters of a fitted pipeline's final estimator (scaler excluded)."""
    estimator = model[-1]
    if hasattr(estimator, "coefs_"):
        return int(sum(w.size for w in estimator.coefs_)
                   + sum(b.size for b in estimator.intercepts_))
    if hasattr(estimator, "rotations_"):  # QDA: mean + symmetric covariance per class
        d = estimator.means_.shape[1]
        return int(estimator.means_.shape[0] * (d + d * (d + 1) // 2))
    return int(estimator.coef_.size + estimator.intercept_.size)


def run_baselines(features: np.ndarray, labels: np.ndarray, folds: np.ndarray, seed: int = 0,
                  hidden: tuple[int, ...] = (1, 2, 4, 8, 32),
                  test_folds=None) -> list[BaselineResult]:
    """Fit every baseline on each training fold and score it on the held-out fold.

    ``features`` (S, K) as given (each model standardises them on its training fold).
    ``test_folds`` limits the held-out folds (default all).
    """
    import warnings

    from sklearn.base import clone

    x = np.asarray(features, float)
    results = []
    for name, model in baseline_models(seed, hidden).items():
        train_acc, test_acc, parameters = [], [], 0
        for fold in (np.unique(folds) if test_folds is None else test_folds):
            test = folds == fold
            fitted = clone(model)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # lbfgs iteration limits on tiny MLPs
                fitted.fit(x[~test], labels[~test])
            train_acc.append(float(fitted.score(x[~test], labels[~test])))
            test_acc.append(float(fitted.score(x[test], labels[test])))
            parameters = count_parameters(fitted)
        results.append(BaselineResult(name, parameters, tuple(train_acc), tuple(test_acc)))
    return results

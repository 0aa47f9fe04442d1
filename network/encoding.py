"""Input encoding: a feature (e.g. a formant, Hz) mapped linearly onto a source frequency (Hz).

Romera et al. (2018) map the first formant F1 onto the frequency f_A of source A and the second,
F2, onto f_B, each by a linear map onto the oscillators' tunable band (PHYSICS.md section 3).

A map is either written by hand (``x_range`` in the config; values outside it extrapolate, as
the original design did) or fitted on training data by :func:`fit_map` (quantiles or the range
of the training values, widened by a stated margin); a fitted map clips values outside its
``x_range`` onto the band's ends, and :func:`outside` counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["LinearMap", "encode", "fit_map", "outside", "FIT_METHODS"]

FIT_METHODS = ("quantile", "range")


@dataclass(frozen=True)
class LinearMap:
    """``f = f_lo + (x - x_lo) (f_hi - f_lo) / (x_hi - x_lo)``: ``x_range`` onto
    ``frequency_range``.

    Parameters
    ----------
    x_range : (float, float)
        Feature values mapped onto the ends of ``frequency_range`` (feature unit, e.g. Hz).
    frequency_range : (float, float)
        Source frequencies (Hz) for those two feature values.
    clip : bool
        Feature values outside ``x_range`` map onto the ends of ``frequency_range`` (True) or
        extrapolate (False).
    """

    x_range: tuple[float, float]
    frequency_range: tuple[float, float]
    clip: bool = False

    def __post_init__(self) -> None:
        x_lo, x_hi = (float(v) for v in self.x_range)
        f_lo, f_hi = (float(v) for v in self.frequency_range)
        if not x_hi > x_lo:
            raise ValueError(f"x_range = {self.x_range!r}: needs two increasing values")
        if not (f_hi > f_lo > 0):
            raise ValueError(
                f"frequency_range = {self.frequency_range!r}: needs two increasing positive "
                "frequencies (Hz)"
            )
        object.__setattr__(self, "x_range", (x_lo, x_hi))
        object.__setattr__(self, "frequency_range", (f_lo, f_hi))

    @property
    def slope(self) -> float:
        """df/dx (Hz per feature unit)."""
        return (self.frequency_range[1] - self.frequency_range[0]) / (
            self.x_range[1] - self.x_range[0]
        )

    def __call__(self, x) -> np.ndarray:
        """Source frequency (Hz) of feature values ``x``."""
        x = np.asarray(x, float)
        if self.clip:
            x = np.clip(x, *self.x_range)
        return self.frequency_range[0] + (x - self.x_range[0]) * self.slope

    def inverse(self, frequency) -> np.ndarray:
        """Feature value of a source frequency (Hz)."""
        return self.x_range[0] + (np.asarray(frequency, float) - self.frequency_range[0]) / (
            self.slope
        )


def encode(features: np.ndarray, maps: Sequence[LinearMap]) -> np.ndarray:
    """Source frequencies (S, K) of features (S, K), feature ``k`` through ``maps[k]``."""
    features = np.asarray(features, float)
    if features.ndim != 2 or features.shape[1] != len(maps):
        raise ValueError(f"features: shape {features.shape}; expected (samples, {len(maps)})")
    return np.stack([m(features[:, k]) for k, m in enumerate(maps)], axis=1)


def outside(features: np.ndarray, maps: Sequence[LinearMap]) -> np.ndarray:
    """Boolean (S, K): feature ``k`` of sample ``s`` lies outside ``maps[k].x_range``."""
    features = np.asarray(features, float)
    return np.stack([(features[:, k] < m.x_range[0]) | (features[:, k] > m.x_range[1])
                     for k, m in enumerate(maps)], axis=1)


def fit_map(values, frequency_range: tuple[float, float], *, method: str = "quantile",
            quantiles: tuple[float, float] = (0.01, 0.99), margin: float = 0.05) -> LinearMap:
    """A clipping :class:`LinearMap` of training feature ``values`` onto ``frequency_range``.

    ``method = "quantile"``: x_range from the ``quantiles`` of the values; ``"range"``: from
    their minimum and maximum. Either is widened by ``margin`` times its width at each end, so
    the training values sit inside the band and new values have room before they clip.
    """
    if method not in FIT_METHODS:
        raise ValueError(f"encoding = {method!r}: allowed {list(FIT_METHODS)}")
    if not 0 <= margin < 1:
        raise ValueError(f"encoding_margin = {margin!r}: must be in [0, 1)")
    q_lo, q_hi = (float(q) for q in quantiles)
    if not 0 <= q_lo < q_hi <= 1:
        raise ValueError(f"encoding_quantiles = {list(quantiles)}: need 0 <= low < high <= 1")
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if values.size < 2:
        raise ValueError("encoding: needs at least two finite training values to fit a map")
    lo, hi = ((np.quantile(values, q_lo), np.quantile(values, q_hi)) if method == "quantile"
              else (values.min(), values.max()))
    if not hi > lo:
        raise ValueError(f"encoding: the training values span nothing ({lo:g} to {hi:g})")
    width = hi - lo
    return LinearMap((lo - margin * width, hi + margin * width), frequency_range, clip=True)

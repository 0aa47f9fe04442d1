"""Input encoding: a feature (e.g. a formant, Hz) mapped linearly onto a source frequency (Hz).

Romera et al. (2018) map the first formant F1 onto the frequency f_A of source A and the second,
F2, onto f_B, each by a linear map onto the oscillators' tunable band (PHYSICS.md section 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["LinearMap", "encode"]


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
    """

    x_range: tuple[float, float]
    frequency_range: tuple[float, float]

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
        return self.frequency_range[0] + (np.asarray(x, float) - self.x_range[0]) * self.slope

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

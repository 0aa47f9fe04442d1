"""Online learning rule on the DC currents (PHYSICS.md section 3; exact published rule
UNCONFIRMED, so every constant here is configurable).

After each training sample, for every (oscillator ``j``, source ``k``) pair whose target bit is
specified and missed:

- should lock but does not: move the oscillator's frequency toward the source. With
  ``toward = "center"`` (the working form of PHYSICS.md) all the way to it,
  ``ΔI_j = η_toward (f_k - f̄_j) / (df_j/dI)`` with ``f̄_j`` its measured mean frequency; with
  ``toward = "edge"`` (default) only until the source sits ``(1 - margin) Δ_lock`` inside the
  locking range, ``ΔI_j = η_toward sign(f_k - f_j) [|f_k - f_j| - (1 - margin) Δ_lock] /
  (df_j/dI)``. The edge form is the mirror image of the "away" step below, so the window
  edges settle where wrong locks and missed locks balance (a perceptron-like rule); the
  center form drags a window meant to cover one side of a class onto its middle;
- locks but should not: move its free-running frequency ``f_j(I)`` out of the locking range,
  to ``(1 + margin) Δ_lock`` from ``f_k`` on its own side:
  ``ΔI_j = -η_away sign(f_k - f_j) [(1 + margin) Δ_lock - |f_k - f_j|] / (df_j/dI)``,
  with ``Δ_lock`` from :meth:`compact.model.AutoOscillator.locking_range`.

``df_j/dI`` is the total tuning slope of the model, ``df_dI + N dp0/dI``. Currents stay inside
``[current_min, current_max]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compact import rates
from compact.model import AutoOscillator

__all__ = ["OnlineRule", "tuning_slope", "current_for_frequency"]


def tuning_slope(oscillator: AutoOscillator, current: float) -> float:
    """Total df/dI of the free-running frequency at ``current`` (Hz/A), above threshold."""
    dp_di = rates.stationary_power_slope(current, oscillator.Q, oscillator.I_th)
    return oscillator.df_dI + oscillator.N * float(dp_di)


def current_for_frequency(oscillator: AutoOscillator, frequency: float, current_min: float,
                          current_max: float) -> float:
    """Current (A) in ``[current_min, current_max]`` whose free frequency is ``frequency`` (Hz).

    Bisection on the monotonic f(I); the nearest end of the interval when out of reach.
    """
    lo, hi = current_min, current_max
    f_lo, f_hi = float(oscillator.frequency(lo)), float(oscillator.frequency(hi))
    if (frequency - f_lo) * (frequency - f_hi) > 0:
        return lo if abs(frequency - f_lo) < abs(frequency - f_hi) else hi
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        f_mid = float(oscillator.frequency(mid))
        if (f_mid - frequency) * (f_lo - frequency) > 0:
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class OnlineRule:
    """Constants of the rule (see module docstring).

    Parameters
    ----------
    rate_toward : float
        η_toward (1), fraction of the frequency gap closed per missed lock.
    rate_away : float
        η_away (1), fraction of the way out of the locking range per unwanted lock.
    margin : float
        Relative margin of the target position inside or outside the locking range (1).
    toward : {"edge", "center"}
        Form of the step toward a source that should lock (see module docstring).
    current_min, current_max : float
        Allowed DC currents (A).
    """

    rate_toward: float = 0.3
    rate_away: float = 0.3
    margin: float = 0.1
    toward: str = "edge"
    current_min: float = 3e-3
    current_max: float = 9e-3

    def __post_init__(self) -> None:
        for name in ("rate_toward", "rate_away"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} = {value!r}: must be in (0, 1]")
        if self.toward not in ("edge", "center"):
            raise ValueError(f"toward = {self.toward!r}: must be 'edge' or 'center'")
        if not 0 <= self.margin < 1:
            raise ValueError(f"margin = {self.margin!r}: must be in [0, 1)")
        if not self.current_max > self.current_min:
            raise ValueError(
                f"current_max = {self.current_max!r}: must be > current_min "
                f"{self.current_min!r} (A)"
            )

    def update(
        self,
        oscillators: Sequence[AutoOscillator],
        current: np.ndarray,
        locked: np.ndarray,
        care: np.ndarray,
        target: np.ndarray,
        frequency: np.ndarray,
        source_frequency: np.ndarray,
        source_amplitude: np.ndarray,
        scale: float = 1.0,
    ) -> np.ndarray:
        """New currents (A) after one sample.

        ``locked``, ``care``, ``target``: (N, K) booleans; ``frequency``: (N,) measured mean
        frequencies (Hz); ``source_frequency``, ``source_amplitude``: (K,) (Hz, 1/s);
        ``scale`` multiplies both rates (a schedule over epochs).
        """
        new = np.array(current, float)
        for j, osc in enumerate(oscillators):
            slope = tuning_slope(osc, new[j])
            if slope == 0:
                continue
            shift = 0.0
            for k in range(len(source_frequency)):
                if not care[j, k] or locked[j, k] == target[j, k]:
                    continue
                free = float(osc.frequency(new[j]))
                gap = source_frequency[k] - free
                width = float(osc.locking_range(new[j], source_amplitude[k]))
                if not np.isfinite(width):
                    width = 0.0
                if target[j, k] and self.toward == "center":
                    shift += self.rate_toward * (source_frequency[k] - frequency[j])
                elif target[j, k]:
                    # at least margin·Δ_lock when the model's window already holds the
                    # source (the other source or the coupling can still prevent the lock)
                    inside = max(abs(gap) - (1 - self.margin) * width, self.margin * width)
                    shift += self.rate_toward * np.sign(gap or 1.0) * inside
                else:
                    away = (1 + self.margin) * width - abs(gap)
                    if away > 0:
                        shift -= self.rate_away * np.sign(gap or 1.0) * away
            new[j] = np.clip(new[j] + scale * shift / slope, self.current_min, self.current_max)
        return new

"""When a run may stop early: its oscillation has become steady (:class:`SteadyState`).

A current sweep runs every current for a fixed time, long enough for the slowest ring-up near
threshold; far above threshold the orbit is steady after a fraction of it. The rule here looks
at what a run has recorded so far (the vortex core position, or the average magnetisation)
over its last window, split into blocks: the oscillation power (the mean squared distance of
the signal from its centre over the window, the orbit radius squared for a circular core
orbit) and the frequency (the slope of the orbit's unwrapped phase in the plane of the two
components that vary most) must agree between the blocks to within ``power_tolerance`` and
``frequency_tolerance``.

The window is the last ``window_fraction`` of the run so far (at least ``min_window``), so a
run that stops keeps a steady stretch of at least that fraction: the compact model's
observables (:func:`compact.observables.observables`) take the settled power, frequency and
the ring-up rate from a record that ends this way nearly as from a longer one, because the
ring-up's deviation from the final power has fallen below ``power_tolerance`` (1e-3 by
default, the noise floor of that fit) by the time the run stops. Measured on the default
chain's device at 1.2e11 A/m^2 (built-in engine): the run stops at 32 ns of 100; frequency
-3e-5, power -4e-4 and Γ_p +4 % against the 100 ns record (Γ_p moves by ~1 % between 70 and
100 ns records too: the fit's own scatter with record length).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["SteadyState"]


@dataclass(frozen=True)
class SteadyState:
    """Stop a run once its oscillation is steady.

    Parameters
    ----------
    power_tolerance
        Largest relative spread (max - min) / mean of the block powers (1).
    frequency_tolerance
        Largest relative spread of the block frequencies (1).
    window_fraction
        The window is this fraction of the run so far (1).
    min_window
        Shortest window (s).
    min_duration
        No stop before this simulated time (s).
    blocks
        Blocks of the window compared with each other.
    check_interval
        Simulated time between two checks (s).
    """

    power_tolerance: float = 1e-3
    frequency_tolerance: float = 1e-3
    window_fraction: float = 0.3
    min_window: float = 10e-9
    min_duration: float = 30e-9
    blocks: int = 4
    check_interval: float = 1e-9

    def __post_init__(self) -> None:
        checks = [
            ("power_tolerance", self.power_tolerance, 0 < self.power_tolerance < 1, "in (0, 1)"),
            ("frequency_tolerance", self.frequency_tolerance,
             0 < self.frequency_tolerance < 1, "in (0, 1)"),
            ("window_fraction", self.window_fraction, 0 < self.window_fraction < 1,
             "in (0, 1)"),
            ("min_window", self.min_window, self.min_window > 0, "> 0 s"),
            ("min_duration", self.min_duration, self.min_duration >= 0, ">= 0 s"),
            ("blocks", self.blocks, isinstance(self.blocks, int) and self.blocks >= 2,
             "an integer >= 2"),
            ("check_interval", self.check_interval, self.check_interval > 0, "> 0 s"),
        ]
        for key, value, ok, allowed in checks:
            if not ok:
                raise ValueError(f"SteadyState.{key} = {value!r}: must be {allowed}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SteadyState:
        return cls(**data)

    def check(self, time: np.ndarray, signal: np.ndarray) -> str | None:
        """Why the run may stop now, or None.

        ``time`` (n,) the sample times so far (s), ``signal`` (n, d) the recorded components
        (core x, y in m, or the average magnetisation).
        """
        t = float(time[-1])
        if t < self.min_duration or time.size < 2:
            return None
        dt = float(time[1] - time[0])
        window = max(self.min_window, self.window_fraction * t)
        count = int(round(window / dt))
        if count > time.size or count < 8 * self.blocks:
            return None
        tail = signal[-count:]
        if not np.all(np.isfinite(tail)):
            return None
        blocks = np.array_split(np.arange(count), self.blocks)
        centre = tail.mean(axis=0)  # the orbit's centre over the window
        squared = np.sum((tail - centre) ** 2, axis=1)  # r^2 of a circular core orbit
        phase = _orbit_phase(tail - centre)
        powers, frequencies = [], []
        for block in blocks:
            powers.append(float(np.mean(squared[block])))
            frequencies.append(_phase_frequency(phase[block], dt))
        mean_power = float(np.mean(powers))
        if not (mean_power > 0 and all(math.isfinite(f) and f > 0 for f in frequencies)):
            return None  # no oscillation in every block
        power_spread = (max(powers) - min(powers)) / mean_power
        frequency_spread = (max(frequencies) - min(frequencies)) / float(np.mean(frequencies))
        if power_spread > self.power_tolerance or frequency_spread > self.frequency_tolerance:
            return None
        return (f"steady at {t * 1e9:.1f} ns: over the last {count * dt * 1e9:.1f} ns "
                f"({self.blocks} blocks) the power varied by {power_spread:.1e} and the "
                f"frequency by {frequency_spread:.1e} (tolerances {self.power_tolerance:g}, "
                f"{self.frequency_tolerance:g})")


def _orbit_phase(centred: np.ndarray) -> np.ndarray:
    """Unwrapped phase (rad) of the orbit in the plane of the two components that vary most
    (core x and y of a vortex); NaN where fewer than two components vary."""
    variance = np.var(centred, axis=0)
    order = np.argsort(variance)[::-1]
    if centred.shape[1] < 2 or variance[order[1]] <= 0:
        return np.full(centred.shape[0], np.nan)
    return np.unwrap(np.arctan2(centred[:, order[1]], centred[:, order[0]]))


def _phase_frequency(phase: np.ndarray, dt: float) -> float:
    """|d phase / dt| / 2 pi (Hz) by least squares; exact for a circular orbit whatever the
    number of turns in the block."""
    if not np.all(np.isfinite(phase)):
        return math.nan
    t = np.arange(phase.size) * dt
    return abs(float(np.polyfit(t, phase, 1)[0])) / (2 * math.pi)

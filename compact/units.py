"""RF power and amplitude: the conversions between dBm, watts and current amplitudes.

A sinusoidal current of amplitude I (A, peak) delivers the mean power P = I^2 Z / 2 into a
resistive impedance Z (ohm); P in dBm is 10 log10(P / 1 mW).
"""

from __future__ import annotations

import numpy as np

__all__ = ["current_amplitude", "dbm_to_watt", "power_dbm", "watt_to_dbm"]


def dbm_to_watt(power_dbm):
    """P (W) of a power in dBm."""
    return 1e-3 * 10.0 ** (np.asarray(power_dbm, dtype=float) / 10.0)


def watt_to_dbm(power_w):
    """P (dBm) of a power in W (> 0)."""
    return 10.0 * np.log10(np.asarray(power_w, dtype=float) / 1e-3)


def current_amplitude(power_dbm, impedance: float = 50.0):
    """Peak RF current I = sqrt(2 P / Z) (A) of power ``power_dbm`` (dBm) delivered into
    ``impedance`` Z (ohm, > 0)."""
    if not impedance > 0:
        raise ValueError(f"impedance = {impedance!r}: must be > 0 ohm")
    return np.sqrt(2.0 * dbm_to_watt(power_dbm) / impedance)


def power_dbm(current, impedance: float = 50.0):
    """Power (dBm) of a peak RF current ``current`` (A) in ``impedance`` Z (ohm)."""
    if not impedance > 0:
        raise ValueError(f"impedance = {impedance!r}: must be > 0 ohm")
    return watt_to_dbm(0.5 * np.asarray(current, dtype=float) ** 2 * impedance)

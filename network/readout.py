"""Synchronization readout: locked or not, the pattern of a sample, and its class.

Oscillator ``j`` is *locked* to source ``k`` when, over the readout window ``T``,

1. its mean frequency is within ``tolerance`` of ``f_k``: ``|f̄_j - f_k| ≤ tolerance``, and
2. the phase difference does not drift: the unwrapped ``φ_j - φ_k`` spans less than
   ``max_slip`` cycles (default 1: not one full slip).

The default ``tolerance`` of 0.2 MHz with a 1 µs window: an oscillator that misses the locking
range by ``δ`` beats at ``√(δ_edge² + ...)``; a beat of 0.2 MHz is a fifth of a slip in the
window, so criterion 2 alone could miss it, criterion 1 does not; and it moves the apparent
edge of a 3 MHz locking range by ``√(3² + 0.2²) - 3 ≈ 7 kHz`` only.

A sample's *pattern* is the boolean array ``locked[j, k]`` over all (oscillator, source)
pairs. A :class:`PatternTable` maps classes to target patterns written as strings, one group
of ``N`` characters per source separated by ``/`` (source A first), each ``1`` (locked), ``0``
(not locked) or ``-`` (either). A class may own several patterns, or none: a class the grid of
locking windows has no room for is then never predicted (its samples count as errors) and
gives no learning signal. A pattern that matches no class, or more than one, is decoded as
``-1`` and counted as an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["locked_to_sources", "locked_pairs", "PatternTable", "format_pattern"]


def locked_to_sources(response, tolerance: float = 0.2e6, max_slip: float = 1.0) -> np.ndarray:
    """Boolean (S, N, K): oscillator ``j`` locked to source ``k`` in sample ``s``.

    Parameters
    ----------
    response : NetworkResponse
        Output of :func:`network.simulator.simulate`.
    tolerance : float
        Largest ``|f̄_j - f_k|`` counted as locked (Hz).
    max_slip : float
        Largest range of the phase difference over the window (cycles).
    """
    if not tolerance > 0:
        raise ValueError(f"tolerance = {tolerance!r}: must be > 0 (Hz)")
    offset = np.abs(response.frequency[:, :, None] - response.source_frequency[:, None, :])
    return (offset <= tolerance) & (response.source_slip < max_slip)


def locked_pairs(response, tolerance: float = 0.2e6, max_slip: float = 1.0) -> np.ndarray:
    """Boolean (S, N, N): oscillators ``j`` and ``l`` mutually locked (same criteria)."""
    offset = np.abs(response.frequency[:, :, None] - response.frequency[:, None, :])
    return (offset <= tolerance) & (response.pair_slip < max_slip)


def format_pattern(locked: np.ndarray) -> str:
    """The string of one (N, K) boolean pattern, e.g. ``"0001/1100"``."""
    locked = np.asarray(locked, bool)
    return "/".join("".join("1" if x else "0" for x in locked[:, k])
                    for k in range(locked.shape[1]))


def _parse(text: str, n_osc: int, n_src: int, where: str) -> tuple[np.ndarray, np.ndarray]:
    groups = text.split("/")
    if len(groups) != n_src or any(len(g) != n_osc for g in groups) or set(text) - set("01-/"):
        raise ValueError(
            f"{where} = {text!r}: a pattern is {n_src} group(s) of {n_osc} characters in "
            f"'0', '1', '-', separated by '/' (e.g. {'/'.join(['0' * n_osc] * n_src)!r})"
        )
    care = np.array([[g[j] != "-" for g in groups] for j in range(n_osc)])
    value = np.array([[g[j] == "1" for g in groups] for j in range(n_osc)])
    return care, value


@dataclass(frozen=True)
class PatternTable:
    """Classes and their target synchronization patterns.

    Parameters
    ----------
    classes : sequence of str
        Class names in label order.
    patterns : mapping of class name to sequence of str
        Target patterns of each class (see module docstring).
    n_oscillators, n_sources : int
        Shape of a pattern.
    """

    classes: tuple[str, ...]
    patterns: Mapping[str, tuple[str, ...]]
    n_oscillators: int
    n_sources: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "classes", tuple(self.classes))
        fixed = {}
        for name in self.classes:
            entry = self.patterns.get(name)
            if entry is None:
                raise ValueError(f"patterns.{name}: missing; every class needs an entry "
                                 "(an empty list: never predicted)")
            fixed[name] = tuple([entry] if isinstance(entry, str) else entry)
        extra = sorted(set(self.patterns) - set(self.classes))
        if extra:
            raise ValueError(f"patterns: {extra} are not classes; classes: {list(self.classes)}")
        object.__setattr__(self, "patterns", fixed)
        care, value, owner = [], [], []
        for index, name in enumerate(self.classes):
            for i, text in enumerate(fixed[name]):
                c, v = _parse(text, self.n_oscillators, self.n_sources, f"patterns.{name}[{i}]")
                care.append(c)
                value.append(v)
                owner.append(index)
        if not owner:
            raise ValueError("patterns: no class has a pattern")
        object.__setattr__(self, "_care", np.array(care))
        object.__setattr__(self, "_value", np.array(value))
        object.__setattr__(self, "_owner", np.array(owner))
        # two classes must never claim the same pattern
        for a in range(len(owner)):
            for b in range(a + 1, len(owner)):
                if owner[a] == owner[b]:
                    continue
                both = care[a] & care[b]
                if np.all(value[a][both] == value[b][both]):
                    raise ValueError(
                        f"patterns: {self.classes[owner[a]]!r} and {self.classes[owner[b]]!r}"
                        " can match the same synchronization pattern; make them differ in a "
                        "bit that both specify"
                    )

    def decode(self, locked: np.ndarray) -> np.ndarray:
        """Class index of each (S, N, K) pattern; -1 where none (or several) match."""
        locked = np.asarray(locked, bool)
        match = np.all(~self._care[None] | (locked[:, None] == self._value[None]), axis=(2, 3))
        owners = np.where(match, self._owner[None], -1)
        first = owners.max(axis=1)
        several = (np.where(match, self._owner[None], 10**9).min(axis=1) != first) & (first >= 0)
        return np.where(several, -1, first)

    def target(self, locked: np.ndarray, label: int) -> tuple[np.ndarray, np.ndarray]:
        """(care, value) of the pattern of class ``label`` closest to ``locked`` (N, K)."""
        rows = np.flatnonzero(self._owner == label)
        if rows.size == 0:  # a class without a pattern: nothing to learn from it
            return np.zeros_like(self._care[0]), np.zeros_like(self._value[0])
        misses = [np.sum(self._care[r] & (self._value[r] != locked)) for r in rows]
        best = rows[int(np.argmin(misses))]
        return self._care[best], self._value[best]

    def to_dict(self) -> dict:
        return {"classes": list(self.classes),
                "patterns": {k: list(v) for k, v in self.patterns.items()}}


#: Default table for the 7 vowels iy ih eh ae ah aw uw with 4 oscillators and 2 sources
#: (A = F1, B = F2). Oscillator 4 listens to A: its locking window covers F1 above ~570 Hz
#: (open vowels). Oscillators 1–3 listen to B with overlapping windows along F2, which cut it
#: into the segments none | 1 | 1+2 | 2 | 3 (edges near 1.35, 1.75, 2.2 and 2.6 kHz). Every
#: class is one cell of that grid; see :mod:`network.vowels` for the frequency plan.
DEFAULT_VOWEL_PATTERNS: dict[str, tuple[str, ...]] = {
    "uw": ("0000/-000",),
    "aw": ("0001/0000",),
    "ah": ("0001/1000",),
    "eh": ("0001/1100",),
    "ae": ("0001/0100", "0001/0-10"),
    "ih": ("0000/-100",),
    "iy": ("0000/--1-",),
}


def default_table(classes: Sequence[str] = tuple(DEFAULT_VOWEL_PATTERNS)) -> PatternTable:
    """The documented default table (4 oscillators, 2 sources) for the given vowels."""
    missing = sorted(set(classes) - set(DEFAULT_VOWEL_PATTERNS))
    if missing:
        raise ValueError(
            f"vowels {missing} have no default pattern; give a pattern table for them "
            f"(defaults exist for {sorted(DEFAULT_VOWEL_PATTERNS)})"
        )
    return PatternTable(tuple(classes), {c: DEFAULT_VOWEL_PATTERNS[c] for c in classes}, 4, 2)

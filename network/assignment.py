"""A class-to-pattern assignment learned from the training data.

The hand-written table (:data:`network.readout.DEFAULT_VOWEL_PATTERNS`) fits one corpus's
vowel layout. Here the table is learned instead, for any classes:

1. **Placement.** Each source gets some of the oscillators; their free-running frequencies are
   put at evenly spaced quantiles of that source's encoded training frequencies
   (:func:`placement_currents`), so their locking windows cut the populated part of each band
   into segments. Every split of the oscillators between the sources is tried.
2. **Assignment.** The training samples are run; every synchronization pattern that occurs is
   given to the class with the most training samples showing it (:func:`majority_table`). For
   fixed currents this is the table of highest training accuracy: each pattern is one cell of
   the response map, and a cell can only be right for one class.
3. **Training.** The currents are trained by the online rule towards that table
   (:func:`network.vowels.train`), the patterns re-assigned, and so on for a few rounds; the
   round of best training accuracy is kept (:func:`learn_assignment`).

A pattern that no training sample showed is decoded as "no class" (an error), as in a hand
table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from network.encoding import encode
from network.learning import OnlineRule, current_for_frequency
from network.readout import PatternTable, format_pattern
from network.vowels import train

__all__ = ["placeholder_table", "majority_table", "placement_currents", "source_splits",
           "LearnedAssignment", "learn_assignment"]


def placeholder_table(classes: Sequence[str], n_oscillators: int, n_sources: int = 2
                      ) -> PatternTable:
    """A table for a network whose table is learned later: the first class owns every
    pattern."""
    either = "/".join(["-" * n_oscillators] * n_sources)
    return PatternTable(tuple(classes), {c: ((either,) if i == 0 else ())
                                         for i, c in enumerate(classes)}, n_oscillators,
                        n_sources)


def majority_table(locked: np.ndarray, labels: np.ndarray, classes: Sequence[str]
                   ) -> tuple[PatternTable, float]:
    """(table, training accuracy): each pattern of ``locked`` (S, N, K) owned by the class of
    ``labels`` (S,) (indices into ``classes``) most frequent among the samples showing it
    (ties: the lower class index)."""
    locked = np.asarray(locked, bool)
    labels = np.asarray(labels, int)
    texts = np.array([format_pattern(p) for p in locked])
    patterns: dict[str, list[str]] = {c: [] for c in classes}
    correct = 0
    for text in np.unique(texts):
        counts = np.bincount(labels[texts == text], minlength=len(classes))
        winner = int(np.argmax(counts))
        patterns[classes[winner]].append(text)
        correct += int(counts[winner])
    table = PatternTable(tuple(classes), patterns, locked.shape[1], locked.shape[2])
    return table, correct / len(labels)


def source_splits(n_oscillators: int, n_sources: int) -> list[tuple[int, ...]]:
    """Every way to give each source at least one of ``n_oscillators`` (counts per source)."""
    if n_oscillators < n_sources:
        raise ValueError(f"n_oscillators = {n_oscillators}: needs at least one per source "
                         f"({n_sources})")
    if n_sources == 1:
        return [(n_oscillators,)]
    return [(first, *rest) for first in range(1, n_oscillators - n_sources + 2)
            for rest in source_splits(n_oscillators - first, n_sources - 1)]


def placement_currents(network, features: np.ndarray, split: Sequence[int]) -> np.ndarray:
    """Currents (A) that put ``split[k]`` oscillators on source ``k``, their free frequencies at
    the quantiles (i + 1) / (split[k] + 1) of the source's encoded training frequencies.
    Oscillators are taken in order: the first ``split[0]`` for source A, and so on."""
    frequencies = encode(features, network.maps)
    lo, hi = network.current_range
    currents = np.empty(len(network.oscillators))
    j = 0
    for k, count in enumerate(split):
        targets = np.quantile(frequencies[:, k], (np.arange(count) + 1) / (count + 1))
        for target in targets:
            currents[j] = current_for_frequency(network.oscillators[j], float(target), lo, hi)
            j += 1
    return currents


@dataclass(frozen=True)
class LearnedAssignment:
    """The outcome of :func:`learn_assignment`."""

    table: PatternTable
    currents: np.ndarray
    split: tuple[int, ...]
    train_accuracy: float
    history: tuple[float, ...]  #: of the chosen split: placement and after each round


def learn_assignment(network, samples, *, rounds: int = 8, seed: int = 0,
                     splits: Sequence[Sequence[int]] | None = None,
                     train_options: dict | None = None) -> LearnedAssignment:
    """Place, assign and train (module docstring) on ``samples``
    (:class:`network.vowels.VowelSamples`); the network's own table is not used.

    ``splits``: the oscillators per source to try (default every split,
    :func:`source_splits`); ``rounds`` rounds of training per split, the rule's rates cooled by
    1 / (1 + r/2) in round r; ``train_options``: of :func:`network.vowels.train`. The state of
    highest training accuracy over all splits and rounds is returned.
    """
    if rounds < 0:
        raise ValueError(f"rounds = {rounds!r}: must be >= 0")
    features, labels = samples.features, samples.label
    options = dict(train_options or {})
    rule = options.pop("rule", None) or OnlineRule(current_min=network.current_range[0],
                                                   current_max=network.current_range[1])

    def one_round(current, table, r):
        """Train towards ``table`` with the rule's rates cooled by 1 / (1 + r/2), re-assign."""
        cooled = replace(rule, rate_toward=rule.rate_toward / (1 + 0.5 * r),
                         rate_away=rule.rate_away / (1 + 0.5 * r))
        current, _ = train(replace(network, table=table), samples, currents=current,
                           seed=seed + r, rule=cooled, **options)
        _, locked, _ = network.respond(current, features, seed=seed + 104729 * (r + 1))
        table, accuracy = majority_table(locked, labels, samples.classes)
        return current, table, accuracy

    # every split of the oscillators between the sources: placed, assigned, trained; the
    # split that ends best is not the one that starts best, so each runs all its rounds
    best = None
    for i, split in enumerate(splits or source_splits(len(network.oscillators),
                                                      len(network.maps))):
        current = placement_currents(network, features, split)
        _, locked, _ = network.respond(current, features, seed=seed + 7919 * (i + 1))
        table, accuracy = majority_table(locked, labels, samples.classes)
        mine = LearnedAssignment(table, current, tuple(split), accuracy, (accuracy,))
        history = [accuracy]
        for r in range(rounds):
            current, table, accuracy = one_round(current, table, r)
            history.append(accuracy)
            if accuracy > mine.train_accuracy:
                mine = replace(mine, table=table, currents=current, train_accuracy=accuracy)
        mine = replace(mine, history=tuple(history))
        if best is None or mine.train_accuracy > best.train_accuracy:
            best = mine
    return best

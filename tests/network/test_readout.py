"""Synchronization readout: lock criterion and the class-to-pattern table."""

import numpy as np
import pytest

from network.readout import (
    DEFAULT_VOWEL_PATTERNS,
    PatternTable,
    default_table,
    format_pattern,
    locked_to_sources,
)
from network.simulator import NetworkResponse


def _pattern(text: str) -> np.ndarray:
    """(N, K) booleans of a fully specified pattern string."""
    groups = text.split("/")
    return np.array([[g[j] == "1" for g in groups] for j in range(len(groups[0]))])


def test_default_table_decodes_each_class_and_rejects_the_rest():
    table = default_table()
    for index, name in enumerate(table.classes):
        for text in DEFAULT_VOWEL_PATTERNS[name]:
            for fill in "01":  # both values of every wildcard decode to the same class
                locked = _pattern(text.replace("-", fill))
                assert table.decode(locked[None])[0] == index
                assert format_pattern(locked) == text.replace("-", fill)
    # a source-B oscillator locked to A, and nothing locked to A with all of B: no class
    assert table.decode(_pattern("1000/0000")[None])[0] == -1
    assert table.decode(_pattern("0001/1110")[None])[0] == -1


def test_target_is_the_closest_pattern_of_the_class():
    table = default_table()
    ae = table.classes.index("ae")
    care, value = table.target(_pattern("0001/0011"), ae)  # one miss from 0-10, two from 0100
    assert format_pattern(value & care) == "0001/0010"
    assert not care[1, 1]  # the wildcard stays free


def test_overlapping_or_malformed_tables_are_refused():
    with pytest.raises(ValueError, match="same synchronization pattern"):
        PatternTable(("a", "b"), {"a": ("1-/00",), "b": ("-1/00",)}, 2, 2)
    with pytest.raises(ValueError, match=r"group\(s\) of 2 characters"):
        PatternTable(("a",), {"a": ("10/0",)}, 2, 2)
    with pytest.raises(ValueError, match="no default pattern"):
        default_table(("iy", "er"))


def test_lock_needs_frequency_and_no_slip():
    """Locked: within 0.2 MHz and < 1 cycle of slip; either failing means not locked."""
    response = NetworkResponse(
        frequency=np.array([[100.0e6, 100.1e6, 100.3e6, 100.0e6]]),
        source_frequency=np.array([[100.0e6]]),
        source_order=np.ones((1, 4, 1)),
        source_slip=np.array([[[0.0], [0.5], [0.0], [1.5]]]),
        pair_order=np.ones((1, 4, 4)), pair_slip=np.zeros((1, 4, 4)),
        readout_window=1e-6, step=1e-9,
    )
    assert locked_to_sources(response)[0, :, 0].tolist() == [True, True, False, False]


def test_class_without_pattern_is_never_predicted_and_teaches_nothing():
    table = PatternTable(("a", "b"), {"a": ("1-/00",), "b": ()}, 2, 2)
    assert table.decode(_pattern("10/00")[None]).tolist() == [0]
    assert table.decode(_pattern("00/00")[None]).tolist() == [-1]
    care, _ = table.target(_pattern("00/00"), 1)
    assert not care.any()

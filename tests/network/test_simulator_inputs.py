"""Inputs of ``network.simulator.simulate`` reach the compiled kernel in one array layout."""

import numpy as np

from network.simulator import _per_sample


def test_per_sample_inputs_are_writable_so_numba_compiles_one_specialization():
    """A read-only array (a broadcast view of one row, an xarray's values) is a different
    numba type from a writable one: it made the vowel stage compile ``_integrate`` twice
    (~8 s more from an empty cache). Every per-sample input is passed writable."""
    row = np.broadcast_to(np.array([1.0, 2.0]), (1, 2))  # C-contiguous and read-only
    table = np.arange(6.0).reshape(3, 2)
    table.flags.writeable = False
    for value, samples in ((row, 1), (table, 3), ([1.0, 2.0], 1), ([1.0, 2.0], 4)):
        array = _per_sample(value, samples, 2, "source_amplitude", "1/s")
        assert array.flags.writeable and array.flags.c_contiguous
        np.testing.assert_array_equal(array, np.broadcast_to(np.asarray(value), (samples, 2)))

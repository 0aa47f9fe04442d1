"""Data loaders against the counts and the authors' own statistics."""

import re
from pathlib import Path

import numpy as np
import pytest

from multiscale import datasets
from multiscale.errors import InputError

pytestmark = pytest.mark.skipif(
    datasets.data_root() is None, reason="MULTISCALE_DATA is not set (tests/conftest.py)"
)


def _author_statistics(path: Path) -> dict:
    """Women's per-vowel means of F1 and F2 from the author's vowdata.ds."""
    stats = {}
    for line in path.read_text(errors="replace").splitlines():
        fields = line.split()
        if len(fields) == 9 and fields[1] == "w" and fields[8] in ("F1", "F2"):
            stats[(fields[0], fields[8])] = float(fields[2])
    return stats


def test_hillenbrand_counts_and_womens_means_match_the_author():
    ds = datasets.hillenbrand()
    assert ds.sizes["token"] == 1668
    women = ds.where(ds.group == "w", drop=True)
    assert women.sizes["token"] == 576
    assert len(set(women.speaker.values)) == 48
    assert ds.duration.attrs["units"] == "s" and ds.F1.attrs["units"] == "Hz"
    # 0 in the file means "not measurable": 10 tokens lack F2 at steady state
    assert int(ds.F2.isnull().sum()) == 10
    stats = _author_statistics(datasets.data_root() / "hillenbrand1995" / "vowdata.ds")
    assert len(stats) == 24
    means = women.groupby("vowel").mean()
    for (vowel, formant), expected in stats.items():
        assert abs(float(means[formant].sel(vowel=vowel)) - expected) < 1.0, (vowel, formant)
    # the published Table V value for adult women /i/: F1 437 Hz, F2 2761 Hz
    assert round(float(means.F1.sel(vowel="iy"))) == 437
    assert round(float(means.F2.sel(vowel="iy"))) == 2761


def test_peterson_barney_rows_and_column_sums():
    ds = datasets.peterson_barney()
    assert ds.sizes["token"] == 1520
    men = ds.where(ds.group == "m", drop=True)
    # column sums of the original CMU file, published independently (data README)
    assert [int(men[f].sum()) for f in ("F0", "F1", "F2", "F3")] == [
        86638, 329929, 940291, 1572322,
    ]  # fmt: skip


def test_fsdd_recordings_and_official_split():
    table = datasets.fsdd()
    assert len(table) == 3000
    assert (table.split == "test").sum() == 300
    assert set(table.digit) == set(range(10))
    assert table.groupby("speaker").size().tolist() == [500] * 6
    rate, samples = datasets.read_wav(table.path[0])
    assert rate == 8000
    assert samples.ndim == 1 and 0 < np.abs(samples).max() <= 1.0


def test_explicit_path_wins_and_missing_data_says_where_to_put_it(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="no file 'vowdata.dat'"):
        datasets.hillenbrand(tmp_path)
    monkeypatch.setenv("MULTISCALE_DATA", str(tmp_path))
    monkeypatch.setattr(datasets, "_cache_root", lambda: tmp_path / "cache")
    with pytest.raises(InputError, match=re.escape("$MULTISCALE_DATA/peterson_barney1952")):
        datasets.peterson_barney()

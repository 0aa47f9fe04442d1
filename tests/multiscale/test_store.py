"""Provenance store: atomic writes, info.json, and finding finished runs again."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr

from multiscale.store import Store, input_hash, versions, write_dataset, write_json

WRITER = """
import sys, numpy as np, xarray as xr
from multiscale.store import write_dataset
path = sys.argv[1]
for k in range(10**6):
    ds = xr.Dataset({"m": ("x", np.full(2_000_000, float(k)))})
    write_dataset(ds, path)
    print(k, flush=True)
"""


def _assert_one_whole_write(path):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        values = ds["m"].values
    assert values.size == 2_000_000
    assert np.all(values == values[0])  # one whole write, not a mixture


def _writer(target):
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )


def test_killed_write_leaves_old_file_or_nothing_never_half(tmp_path):
    """SIGKILL a process that rewrites a 16 MB netCDF in a loop, at several moments."""
    target = tmp_path / "series.nc"
    # killed around its first write: no file, or a whole one
    child = _writer(target)
    time.sleep(0.5)
    child.send_signal(signal.SIGKILL)
    child.wait()
    if target.exists():
        _assert_one_whole_write(target)
    # killed while rewriting: always a whole file, the old one or the new one
    for delay in (0.0, 0.05, 0.15, 0.4):
        child = _writer(target)
        assert child.stdout.readline().strip() == "0"  # one whole write is done
        time.sleep(delay)  # then kill at some moment of the following writes
        child.send_signal(signal.SIGKILL)
        child.wait()
        _assert_one_whole_write(target)


def test_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.nc"
    write_dataset(xr.Dataset({"m": ("x", np.zeros(3))}), target)

    class Exploding(xr.Dataset):
        __slots__ = ()

        def to_netcdf(self, path, **kwargs):
            open(path, "wb").write(b"half a file")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_dataset(Exploding({"m": ("x", np.ones(3))}), target)
    with xr.open_dataset(target, engine="h5netcdf") as ds:
        assert ds["m"].values.tolist() == [0.0, 0.0, 0.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.nc"]  # no temporary left


def test_rerun_finds_finished_run_and_recomputes_failed(tmp_path):
    store = Store(tmp_path)
    inputs = {"kind": "sweep-point", "current_density": 2e10, "device": {"Ms": 8e5}}
    assert store.find(inputs) is None
    with store.record(inputs, seed=7, engine="builtin", engine_version="1") as run:
        write_json({"frequency": 4.3e8}, run.path / "result.json")
    assert store.find(inputs, engine="builtin", engine_version="1") == run.path
    info = json.loads((run.path / "info.json").read_text())
    assert info["success"] is True and info["seed"] == 7
    assert info["inputs"]["current_density"] == 2e10
    assert info["start"] <= info["end"]
    assert info["versions"]["engine"] == "builtin"
    # other inputs, or another engine version, are another run
    assert store.find({**inputs, "current_density": 3e10}, engine="builtin") is None
    assert store.find(inputs, engine="builtin", engine_version="2") is None

    failing = {"kind": "sweep-point", "current_density": 9e10}
    with pytest.raises(RuntimeError), store.record(failing) as run:
        raise RuntimeError("core expelled")
    info = json.loads((run.path / "info.json").read_text())
    assert info["success"] is False and "core expelled" in info["error"]
    assert store.find(failing) is None  # a failed run is computed again
    with store.record(failing) as run:
        pass
    assert store.find(failing) == run.path  # found again with the same (default) engine


def test_a_damaged_entry_is_computed_again(tmp_path, capsys):
    """A successful run records the SHA-256 of its files; an entry truncated or overwritten
    afterwards (netCDF has no checksum of its own) is not reused but named and recomputed
    (it used to crash the rerun, or be read as if whole)."""
    store = Store(tmp_path)
    inputs = {"kind": "sweep-point", "current_density": 2e10}
    with store.record(inputs) as run:
        write_json({"frequency": 4.3e8}, run.path / "result.json")
        (run.path / "sub").mkdir()
        (run.path / "sub" / "state.npy").write_bytes(b"\x00" * 4000)
    info = json.loads((run.path / "info.json").read_text())
    assert sorted(info["files_sha256"]) == ["result.json", "sub/state.npy"]
    assert store.find(inputs) == run.path and capsys.readouterr().err == ""
    data = (run.path / "sub" / "state.npy").read_bytes()
    (run.path / "sub" / "state.npy").write_bytes(data[:2000])  # truncated
    assert store.find(inputs) is None
    assert "sub/state.npy changed or missing since the run" in capsys.readouterr().err
    with store.record(inputs) as again:
        (again.path / "sub" / "state.npy").write_bytes(data)
    assert store.find(inputs) == run.path
    (run.path / "result.json").unlink()  # a file gone is damage too
    assert store.find(inputs) is None


def test_arrays_are_written_atomically_under_a_unique_temporary_name(tmp_path):
    """The relaxed state and each run's final state were saved through one fixed temporary
    name (m.tmp.npy): two identical runs at once could mix their bytes."""
    from multiscale.store import write_array

    m = np.random.default_rng(0).normal(size=(4, 4, 1, 3))
    assert write_array(m, tmp_path / "m.npy") == tmp_path / "m.npy"
    np.testing.assert_array_equal(np.load(tmp_path / "m.npy"), m)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npy"]  # nothing left beside it


def test_hash_is_canonical_and_sensitive():
    table = versions()
    assert input_hash({"a": 1, "b": [1, 2]}, table) == input_hash({"b": [1, 2], "a": 1}, table)
    assert input_hash({"a": 1}, table) != input_hash({"a": 1.0000001}, table)
    assert input_hash({"a": np.float64(2.0)}, table) == input_hash({"a": 2.0}, table)

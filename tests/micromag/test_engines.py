"""One test module for every engine: same Dataset schema, declared capabilities, errors.

Each test runs on every registered engine and skips, with the reason, where the engine cannot
run here (OOMMF missing or running as root, magnum.np not installed) or lacks a capability.
"""

import functools
import json
import re

import numpy as np
import pytest

from micromag.devices import VortexSTNO
from micromag.engines import (
    CAPABILITIES,
    ENGINE_NAMES,
    EngineUnavailable,
    RunSpec,
    UnsupportedTerm,
    get_engine,
)

TINY = VortexSTNO(diameter=40e-9, thickness=5e-9, cell_size=5e-9, core_shift=(5e-9, 0.0))
SPEC = RunSpec(current_density=5e10, duration=0.1e-9, sampling_interval=10e-12)


@functools.cache
def tiny_run(name: str, temperature: float = 0.0, seed: int | None = None):
    spec = RunSpec(current_density=SPEC.current_density, duration=SPEC.duration,
                   sampling_interval=SPEC.sampling_interval, temperature=temperature,
                   seed=seed, thermal_time_step=1e-12)
    return get_engine(name).run(TINY, spec)


def test_registry_rejects_unknown_names():
    with pytest.raises(ValueError, match="allowed are builtin, magnumnp, oommf"):
        get_engine("mumax3")


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_capabilities_are_declared(name):
    try:
        engine = get_engine(name)
    except ImportError as error:
        pytest.skip(f"engine {name!r} is not importable: {error}")
    assert engine.capabilities <= CAPABILITIES
    assert {"exchange", "demag", "slonczewski", "oersted"} <= engine.capabilities
    ok, reason = engine.availability()
    assert isinstance(ok, bool) and isinstance(reason, str)
    if ok:
        assert engine.require_available() is None
    else:  # a missing engine always says why, and refuses to run with that reason
        assert reason.strip()
        with pytest.raises(EngineUnavailable, match=re.escape(reason)):
            engine.require_available()


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_dataset_schema(name, tmp_path, engine_or_skip):
    """DESIGN.md time-series schema, written and read back as netCDF (h5netcdf)."""
    import xarray as xr

    engine_or_skip(name)
    ds = tiny_run(name)
    assert ds.mx.dims == ("current", "time") and ds.sizes == {"current": 1, "time": 11}
    np.testing.assert_allclose(ds.time.values, np.arange(11) * 10e-12, rtol=1e-12)
    assert float(ds.current_density[0]) == 5e10
    assert float(ds.current[0]) == pytest.approx(5e10 * TINY.area)
    for var in ("mx", "my", "mz", "core_x", "core_y", "current", "current_density", "time"):
        assert "units" in ds[var].attrs, var
    for key in ("device", "engine", "engine_version", "suite_version", "cell_size",
                "temperature", "seed", "created"):
        assert key in ds.attrs, key
    assert ds.attrs["engine"] == name
    assert json.loads(ds.attrs["device"])["type"] == "vortex"
    # averages over the magnetic volume are averages of unit vectors
    norm = np.sqrt(ds.mx**2 + ds.my**2 + ds.mz**2).values
    assert np.all(norm <= 1 + 1e-9) and np.all(np.isfinite(norm))
    # t = 0 is the initial state: core at the 5 nm shift to within a tenth of a cell
    assert float(ds.core_x[0, 0]) == pytest.approx(5e-9, abs=0.5e-9)
    path = tmp_path / "run.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    back = xr.load_dataset(path, engine="h5netcdf")
    xr.testing.assert_allclose(back, ds)


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_missing_capability_is_an_error(name, engine_or_skip):
    """A term outside the declared capabilities raises UnsupportedTerm naming it."""
    engine = engine_or_skip(name)
    engine.capabilities = engine.capabilities - {"oersted"}
    with pytest.raises(UnsupportedTerm, match=f"'{name}' cannot compute the term 'oersted'"):
        engine.run(TINY, SPEC)


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_thermal_runs_are_seeded(name, engine_or_skip):
    """T = 300 K: the same seed gives the same trajectory, and it differs from T = 0."""
    engine_or_skip(name, "thermal")
    first = tiny_run(name, 300.0, 7)
    again = tiny_run.__wrapped__(name, 300.0, 7)
    np.testing.assert_array_equal(first.mx.values, again.mx.values)
    assert first.attrs["seed"] == 7 and first.attrs["temperature"] == 300.0
    assert not np.allclose(first.mx.values, tiny_run(name).mx.values, rtol=0, atol=1e-6)


def test_thermal_run_needs_a_seed():
    with pytest.raises(ValueError, match="seed"):
        RunSpec(temperature=300.0)

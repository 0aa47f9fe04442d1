"""Injection locking of the calibration vortex by an RF field: a small version of
benchmarks/injection_locking.py (docs/injection_locking.md).

The calibration device (200 nm x 20 nm permalloy, 5 nm cells) at J = 1.1e11 A/m^2 runs free
for 40 ns from its relaxed state; driven runs continue from there with a uniform in-plane RF
field along x at two amplitudes, each at the free frequency (locks) and beyond the plateau
edge (slips). Adler's equation fitted to the phase difference gives Δ_lock per amplitude: in
the weak-drive regime it is proportional to the amplitude, the property that lets κ fitted at
one amplitude predict the others.
"""

import numpy as np
import pytest

from compact.locking import fit_adler, mean_frequency, phase_difference
from compact.observables import complex_amplitude

J = 1.1e11  # A/m^2, inside the window 7.5e10 to 1.2e11, where the orbit settles fast
AMPLITUDES = (100.0, 200.0)  # A/m
EXPECTED = 4.1e6  # Hz at 100 A/m: Δ_lock of the benchmark (60 ns runs), to place the detunings
DT = 50e-12
#: steady free frequency at J (Hz): the chain's 100 ns sweep run, 40-100 ns (the 40 ns free run
#: here is still settling: its second half runs ~5 MHz higher)
STEADY_FREQUENCY = 812.83e6


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    import xarray as xr

    from micromag.drives import RFField
    from micromag.engines import RunSpec, get_engine
    from multiscale.lock import run_specs
    from multiscale.store import Store
    from multiscale.sweep import _relaxed_state, load_sweep_config

    device, _ = load_sweep_config("examples/vortex_calibration.toml")
    engine = get_engine("builtin")
    store = Store(tmp_path_factory.mktemp("lock") / "store")
    initial = _relaxed_state(engine, device, store, progress=False)
    free = RunSpec(current_density=J, duration=40e-9, sampling_interval=DT, record_final=True)
    folders, failed, _ = run_specs([("free", free, initial, {})], engine, device, store,
                                   workers=1, progress=False)
    assert not failed, failed
    c = complex_amplitude(xr.load_dataset(folders["free"] / "timeseries.nc",
                                          engine="h5netcdf")).values[0]
    f_free = mean_frequency(c, DT, 0.0, start=c.size // 2)[0]
    specs = []
    for amplitude in AMPLITUDES:
        width = EXPECTED * amplitude / AMPLITUDES[0]
        for detuning in (0.0, 3.0 * width):
            drive = RFField(amplitude, f_free + detuning)
            spec = RunSpec(current_density=J, duration=35e-9, sampling_interval=DT,
                           drives=(drive,))
            specs.append(((amplitude, detuning), spec, str(folders["free"] / "m_final.npy"),
                          {}))
    driven, failed, _ = run_specs(specs, engine, device, store, workers=2, progress=False)
    assert not failed, failed
    out = {}
    for (amplitude, detuning), folder in driven.items():
        ds = xr.load_dataset(folder / "timeseries.nc", engine="h5netcdf")
        out[amplitude, detuning] = (complex_amplitude(ds).values[0], f_free + detuning)
    return f_free, out


def _fit(runs, amplitude, f_free):
    start = int(5e-9 / DT)
    pairs = [(phase_difference(c, DT, f_e, start), f_e)
             for (a, _), (c, f_e) in runs.items() if a == amplitude]
    return fit_adler(pairs, DT, smoothing=round(1 / (f_free * DT)))


def test_locked_at_the_free_frequency_and_slipping_beyond_the_edge(runs):
    f_free, data = runs
    for amplitude in AMPLITUDES:
        c, f_e = data[amplitude, 0.0]
        psi = phase_difference(c, DT, f_e, int(15e-9 / DT))
        assert abs(psi[-1] - psi[0]) < 0.5  # locked: the phase stays within 0.5 rad
        c, f_e = data[amplitude, 3.0 * EXPECTED * amplitude / AMPLITUDES[0]]
        psi = phase_difference(c, DT, f_e, int(15e-9 / DT))
        assert abs(psi[-1] - psi[0]) > 1.5  # slipping: the phase runs away


def test_locking_range_is_proportional_to_the_field(runs):
    """Δ_lock(200 A/m) / Δ_lock(100 A/m) = 2 within 15 % (the benchmark measures 2.12 at this
    current with 60 ns runs; at 1e11 A/m^2 the micromagnetic Δ_lock grows more slowly than the
    field, docs/injection_locking.md), the plateau centred on the steady free frequency within
    half its width (the benchmark: +0.7 and +2.2 MHz at 100 and 200 A/m), and Δ_lock(100 A/m)
    within 30 % of the benchmark's (shorter runs here)."""
    f_free, data = runs
    small, large = (_fit(data, a, f_free) for a in AMPLITUDES)
    assert large.half_width / small.half_width == pytest.approx(2.0, rel=0.15)
    for fit in (small, large):
        assert abs(fit.centre - STEADY_FREQUENCY) < 0.5 * fit.half_width
    assert small.half_width == pytest.approx(EXPECTED, rel=0.3)
    assert np.isfinite(small.half_width_error) and small.half_width_error < 0.1 * small.half_width

"""``multiscale sweep``: config checks, a tiny sweep per engine, resuming from the store."""

import time
from pathlib import Path

import numpy as np
import pytest

from micromag.engines import ENGINE_NAMES, get_engine
from multiscale.cli import main

TINY = """
[device]
type = "vortex"
diameter = 60e-9
thickness = 10e-9
cell_size = 5e-9
relax_field = [0.0, -8.0e3, 0.0]

[sweep]
current_densities = [{currents}]
duration = 0.1e-9
sampling_interval = 10e-12
"""


@pytest.mark.parametrize("change, message", [
    ("Ms = -1.0", "device.Ms = -1.0: must be > 0 (A/m)"),
    ("cell_size = 100e-9", "device.cell_size = 1e-07: must not exceed"),
    ("cell_size = 50e-9", "no cell centre lies inside the device"),
    ("colour = 1", "device.colour"),
    ("chirality = 3", "device.chirality = 3"),
    # extreme values that passed validation and ended in OverflowError tracebacks
    ("Ms = 1e300", "device.Ms = 1e+300: must be <= 1e+07 A/m"),
    ("A = 1e300", "device.A = 1e+300: must be <= 1e-09 J/m"),
    ("diameter = 1e300", "device.diameter = 1e+300 m the mesh would have inf cells; at most"),
    # found by the fuzz corpus (tests/fuzz): more bounds, and the device's keys named
    ("thickness = 1e300", "device.thickness = 1e+300: must be <= 1e-06 m"),
    ("alpha = 1e300", "device.alpha = 1e+300: must be <= 1 (Gilbert damping"),
    ("core_radius = 1e300", "device.core_radius = 1e+300: must be smaller than the disk"),
    ("diameter = 1e-3", "would have 4e+10 cells"),
])
def test_bad_device_config_exits_2(tmp_path, capsys, change, message):
    config = tmp_path / "bad.toml"
    text = TINY.format(currents="1e11")
    key = change.split(" = ")[0]
    if f"\n{key} = " in text:  # replace the line, else add one
        text = "\n".join(change if line.startswith(key + " = ") else line
                          for line in text.splitlines())
    else:
        text = text.replace('type = "vortex"', 'type = "vortex"\n' + change)
    config.write_text(text)
    assert main(["sweep", str(config), "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err


def test_bad_sweep_config_exits_2(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text(TINY.format(currents="1e11").replace("duration = 0.1e-9",
                                                            "duration = -1.0"))
    assert main(["sweep", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "sweep.duration = -1.0: must be > 0 (s)" in capsys.readouterr().err


def test_a_sweep_of_days_is_refused_unless_allowed(tmp_path, capsys):
    """duration = 1e300 s ended in a TypeError traceback after the relaxation, 1 ms would run
    for months: the cell-steps of a sweep are counted first (issue 19, point 2)."""
    from multiscale.sweep import load_sweep_config

    config = tmp_path / "long.toml"
    config.write_text(TINY.format(currents="1e11").replace("duration = 0.1e-9", "duration = 1e-3")
                      .replace("sampling_interval = 10e-12", "sampling_interval = 1e-9"))
    assert main(["sweep", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "sweep.duration = 0.001 s" in err and "sweep.allow_large = true" in err, err
    assert not (tmp_path / "out").exists()
    config.write_text(config.read_text() + "allow_large = true\n")
    device, settings = load_sweep_config(config)  # allowed: no error
    assert settings.allow_large and settings.duration == 1e-3


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_sweep_writes_schema_and_resumes(name, tmp_path, capsys):
    import xarray as xr

    try:
        ok, reason = get_engine(name).availability()
    except ImportError as error:
        ok, reason = False, str(error)
    if not ok:
        pytest.skip(f"engine {name!r}: {reason}")
    # the full resume logic with the fast engine; one current with each other engine (each
    # magnum.np or OOMMF run is a process start of ~10 s)
    currents = [1e11, 5e10] if name == "builtin" else [1e11]
    config = tmp_path / "tiny.toml"
    text = TINY.format(currents=", ".join(map(str, currents)))
    config.write_text(text)
    out = tmp_path / "sweep"
    args = ["sweep", str(config), "--engine", name, "--out", str(out), "--quiet"]
    assert main(args) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    n = len(currents)
    assert last.startswith(f"currents={n} computed={n} reused=0 failed=0 ")
    ds = xr.load_dataset(out / "timeseries.nc", engine="h5netcdf")
    assert ds.mx.dims == ("current", "time") and ds.sizes == {"current": n, "time": 11}
    np.testing.assert_array_equal(ds.current_density.values, sorted(currents))
    assert ds.attrs["engine"] == name
    # every current starts from the one relaxed state: the 8 kA/m field moved the core to +x
    # (rigid-vortex susceptibility: ~4 nm here)
    np.testing.assert_array_equal(ds.core_x.values[:, 0], ds.core_x.values[0, 0])
    assert 1e-9 < ds.core_x.values[0, 0] < 10e-9
    started = time.time()
    assert main(args) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith(
        f"currents={n} computed=0 reused={n} failed=0 ")
    assert time.time() - started < 20  # reuse reads small files (seconds)
    if name != "builtin":
        return
    # one more current: only that one is computed
    config.write_text(TINY.format(currents="1e11, 5e10, 2e11"))
    assert main(args) == 0
    assert "computed=1 reused=2" in capsys.readouterr().out


@pytest.mark.parametrize("config", ["vortex_reference", "vortex_small", "vortex_calibration",
                                    "mtj_inplane", "mtj_perpendicular", "mtj_perp_polarizer"])
def test_example_configs_are_valid(config):
    from pathlib import Path

    from multiscale.sweep import load_sweep_config

    path = Path(__file__).resolve().parents[2] / "examples" / f"{config}.toml"
    device, settings = load_sweep_config(path)
    assert device.kind in ("vortex", "mtj")
    assert settings.current_densities == sorted(settings.current_densities)
    if config == "vortex_reference":  # PHYSICS.md section 6
        assert (device.diameter, device.thickness, device.cell_size) == (200e-9, 10e-9, 5e-9)


def test_sweep_drives_are_checked_and_recorded(tmp_path, capsys):
    """``[[sweep.drives]]`` tables become micromag drives of every run (an RF field here);
    a bad table exits 2 naming it."""
    import json

    import xarray as xr

    config = tmp_path / "driven.toml"
    text = TINY.format(currents="1e11")
    config.write_text(text + '\n[[sweep.drives]]\nkind = "rf_field"\namplitude = 2000.0\n'
                      'frequency = "fast"\n')
    assert main(["sweep", str(config), "--out", str(tmp_path / "bad")]) == 2
    assert "sweep.drives[0]" in capsys.readouterr().err
    config.write_text(text + '\n[[sweep.drives]]\nkind = "rf_field"\namplitude = 2000.0\n'
                      'frequency = 2e9\n')
    out = tmp_path / "out"
    assert main(["sweep", str(config), "--out", str(out), "--quiet"]) == 0
    ds = xr.load_dataset(out / "timeseries.nc", engine="h5netcdf")
    assert json.loads(ds.attrs["drives"])[0]["frequency"] == 2e9
    assert "drive_field" in ds


def _vortex_small_config(folder: Path, current_densities: str, duration: str) -> Path:
    """examples/vortex_small.toml with other currents (a TOML list, A/m^2) and duration (s)."""
    text = (Path(__file__).parents[2] / "examples" / "vortex_small.toml").read_text()
    lines = [line for line in text.splitlines()
             if not line.startswith(("current_densities", "duration"))]
    at = lines.index("[sweep]") + 1
    lines[at:at] = [f"current_densities = {current_densities}", f"duration = {duration}"]
    config = folder / "vortex_small.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.mark.parametrize("currents, duration, event, J", [
    # far above the expulsion current: the core leaves the disk within 3 ns
    ("[2.0e10, 1.0e12]", "3e-9", "core_lost", 1e12),
    # far past the upper window edge: within 2 ns the core reverses to +1 (the device's is
    # -1) and settles at the centre, a curled state that no longer gyrates
    ("[1.0e11, 5.0e12]", "2e-9", "core_reversed", 5e12),
])
def test_a_lost_or_reversed_vortex_core_is_counted_not_a_silent_success(
        tmp_path, capsys, currents, duration, event, J):
    """vortex_small driven far beyond its window (the cases of issue 19 recorded as
    successes): the point stays in the Dataset (a result, not a failure), but the sweep names
    it, counts it on its summary line and records it; the current inside the window does
    not."""
    import xarray as xr

    config = _vortex_small_config(tmp_path, currents, duration)
    assert main(["sweep", str(config), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"{event.replace('_', ' ')}: current_density={J:.6g} A/m^2" in out
    summary = out.strip().splitlines()[-1]
    assert " failed=0 " in summary and f" {event}=1 " in summary
    ds = xr.load_dataset(tmp_path / "out" / "timeseries.nc", engine="h5netcdf")
    np.testing.assert_array_equal(ds.attrs[f"{event}_current_densities"], [J])
    assert ds.sizes["current"] == 2


def test_an_unresolved_mesh_is_recorded_not_only_warned(tmp_path):
    """Cells wider than 1.5 exchange lengths warned on stderr and were recorded nowhere; the
    sweep's Dataset and info.json now carry the warning."""
    import json

    import xarray as xr

    from micromag.devices import VortexSTNO
    from multiscale.sweep import SweepSettings, run_sweep

    with pytest.warns(UserWarning, match="exchange lengths"):
        device = VortexSTNO(diameter=60e-9, thickness=10e-9, cell_size=10e-9)
    settings = SweepSettings(current_densities=[1e11], duration=0.05e-9,
                             sampling_interval=10e-12, relax=False, workers=1)
    result = run_sweep(device, settings, out=tmp_path / "out", progress=False)
    [warning] = json.loads((tmp_path / "out" / "info.json").read_text())["warnings"]
    assert "cell_size = 1e-08 m exceeds 1.5 exchange lengths" in warning
    ds = xr.load_dataset(tmp_path / "out" / "timeseries.nc", engine="h5netcdf")
    assert json.loads(ds.attrs["warnings"]) == [warning] == json.loads(
        result.dataset.attrs["warnings"])


def test_two_identical_sweeps_at_once_compute_each_run_once(tmp_path):
    """Two `multiscale sweep` processes of one config into one store, started together: each
    run (and the relaxation) is claimed in the store, so the second waits for it and reuses
    it; between them they compute the four currents once (before, both computed them)."""
    import json
    import os
    import subprocess
    import sys

    from multiscale.tasks import WORKER_ENVIRONMENT

    config = tmp_path / "tiny.toml"
    config.write_text(TINY.format(currents="1.0e11, 1.1e11, 1.2e11, 1.3e11").replace(
        "duration = 0.1e-9", "duration = 0.4e-9") + "workers = 1\n")
    env = {**os.environ, **WORKER_ENVIRONMENT}
    processes = [subprocess.Popen(
        [sys.executable, "-m", "multiscale.cli", "sweep", str(config), "--out",
         str(tmp_path / name), "--store", str(tmp_path / "store"), "--quiet"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-2000:]
    infos = [json.loads((tmp_path / name / "info.json").read_text()) for name in ("a", "b")]
    assert sum(info["computed"] for info in infos) == 4
    assert all(info["computed"] + info["reused"] == 4 for info in infos)
    assert len(list((tmp_path / "store").glob("current-*"))) == 4


def test_ctrl_c_stops_a_sweep_with_one_line_and_no_workers_left(tmp_path):
    """SIGINT to the sweep's process group (what a terminal's Ctrl-C sends) while its runs
    are going: exit 130, one line on stderr, and no process of the group left behind."""
    import os
    import signal
    import subprocess
    import sys

    from multiscale.tasks import WORKER_ENVIRONMENT

    config = tmp_path / "long.toml"
    config.write_text(TINY.format(currents="1.0e11, 1.1e11").replace(
        "duration = 0.1e-9", "duration = 500e-9"))
    process = subprocess.Popen(
        [sys.executable, "-m", "multiscale.cli", "sweep", str(config), "--out",
         str(tmp_path / "out"), "--quiet"], env={**os.environ, **WORKER_ENVIRONMENT},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # as from a terminal: pytest-xdist's workers ignore SIGINT, and children inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120
    while not list((tmp_path / "out" / "store").glob("current-*/info.json")):
        assert process.poll() is None and time.time() < deadline, "no run started"
        time.sleep(0.2)
    time.sleep(2.0)  # the runs are under way
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err[-2000:]
    assert err.strip().splitlines() == [
        "multiscale sweep: interrupted; finished work is kept and a rerun resumes"]
    deadline = time.time() + 30  # a worker may linger a second or two as a zombie
    while time.time() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break  # nothing of the group is left
        time.sleep(0.5)
    else:
        pytest.fail("processes of the sweep's group are still alive 30 s after it ended")


def test_core_polarity_is_the_sign_at_the_peak_and_zero_without_a_core():
    from micromag.engines.timeseries import core_polarity

    mz = np.zeros((5, 5))
    mz[2, 2], mz[1, 1] = -0.9, 0.3
    assert core_polarity(mz) == -1
    mz[3, 3] = 0.95
    assert core_polarity(mz) == 1
    assert core_polarity(0.4 * np.ones((5, 5))) == 0  # peak below CORE_MIN_PEAK: no core


def test_a_sweep_killed_at_a_seeded_moment_resumes_with_only_the_missing_runs(
        tmp_path, finished_runs, kill_after_runs):
    """SIGKILL to a running `multiscale sweep` (its process group: the command, its scheduler
    and its worker) at a seeded moment after its first run has finished: the rerun computes
    only the missing runs, and its Dataset is the uninterrupted sweep's, value for value."""
    import json
    import os
    import subprocess
    import sys

    import xarray as xr

    from multiscale.tasks import WORKER_ENVIRONMENT

    config = tmp_path / "four.toml"
    config.write_text(TINY.format(currents="1.0e11, 1.1e11, 1.2e11, 1.3e11").replace(
        "duration = 0.1e-9", "duration = 15e-9") + "workers = 1\n")  # one run at a time

    def sweep(name):
        return [sys.executable, "-m", "multiscale.cli", "sweep", str(config), "--out",
                str(tmp_path / name), "--quiet"]

    env = {**os.environ, **WORKER_ENVIRONMENT}
    whole = subprocess.run(sweep("whole"), env=env, capture_output=True, text=True,
                           timeout=600)
    assert whole.returncode == 0, whole.stderr[-2000:]
    wait_after = float(np.random.default_rng(19).uniform(0.0, 1.0))  # s after the first run
    process = subprocess.Popen(sweep("killed"), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    store = tmp_path / "killed" / "store"
    kill_after_runs(process, store, "current", wait_after)
    finished = finished_runs(store, "current")
    assert 1 <= finished < 4 and not (tmp_path / "killed" / "timeseries.nc").exists()

    resumed = subprocess.run(sweep("killed"), env=env, capture_output=True, text=True,
                             timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    info = json.loads((tmp_path / "killed" / "info.json").read_text())
    assert (info["reused"], info["computed"]) == (finished, 4 - finished)
    expected = xr.load_dataset(tmp_path / "whole" / "timeseries.nc", engine="h5netcdf")
    got = xr.load_dataset(tmp_path / "killed" / "timeseries.nc", engine="h5netcdf")
    for name in ("mx", "my", "mz", "core_x", "core_y"):
        np.testing.assert_array_equal(got[name].values, expected[name].values)

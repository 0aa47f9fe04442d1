"""Device-parameter studies: one Dataset over the grid, dask tasks, resume after a real kill.

The study of ``data/study_tiny.toml`` is a 2 x 2 grid (damping x temperature) of a small vowel
network at compact level: one fold, one epoch, short runs (seconds per point).
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from multiscale.tasks import WORKER_ENVIRONMENT

DATA = Path(__file__).parent / "data"
TINY = DATA / "study_tiny.toml"
# what the docs tell a user to export before starting workers by hand (multiscale.tasks)
ENV = {**os.environ, **WORKER_ENVIRONMENT}


def _cli(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "multiscale.cli", *map(str, args)], cwd=cwd,
                          env=ENV, capture_output=True, text=True, timeout=timeout)


def _figures(stdout: str) -> dict:
    last = stdout.strip().splitlines()[-1]
    return dict(item.split("=", 1) for item in last.split())


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("study") / "whole"
    started = time.time()
    done = _cli("study", TINY, "--workers", "2", "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    return out, _figures(done.stdout), time.time() - started


def test_study_is_one_dataset_with_a_dimension_per_parameter(uninterrupted):
    out, figures, _ = uninterrupted
    ds = xr.load_dataset(out / "study.nc", engine="h5netcdf")
    assert ds["accuracy_test"].dims == ("damping", "temperature")
    np.testing.assert_allclose(ds["damping"], [0.008, 0.012])
    np.testing.assert_allclose(ds["temperature"], [0.0, 600.0])
    assert figures["points"] == "4" and figures["computed"] == "4"
    # the documented damping axis: Γ_G and I_th both scale by α/α_ref from the reference
    # oscillator (2e7 1/s, 1.5 mA); f0 does not. Exact up to float rounding.
    ratio = ds["damping"].values / 0.01
    np.testing.assert_allclose(ds["gamma_g"].isel(temperature=0), 2e7 * ratio, rtol=1e-12)
    np.testing.assert_allclose(ds["I_th"].isel(temperature=1), 1.5e-3 * ratio, rtol=1e-12)
    np.testing.assert_allclose(ds["f0"], 300e6, rtol=1e-12)
    # thermal linewidth at mid current range (6 mA), far-above-threshold formula of
    # PHYSICS.md section 2 written out here: Δf = Γ_G(1+Q p0) k_B T (1+ν²)/(2π λ p0),
    # p0 = (ζ-1)/(ζ+Q), ν = 2π N p0/(Γ_G(ζ-1)); zero at 0 K.
    assert np.all(ds["linewidth"].sel(temperature=0.0) == 0)
    from network.vowels import default_oscillators

    lam = default_oscillators(1, spread=0.0)[0].mode_energy  # the reference record's λ
    np.testing.assert_allclose(ds["mode_energy"], lam, rtol=1e-12)
    k_B, T, Q, N = 1.380649e-23, 600.0, 2.0, 5e6
    gamma_g, I_th = 2e7 * ratio, 1.5e-3 * ratio
    zeta = 6e-3 / I_th
    p0 = (zeta - 1) / (zeta + Q)
    nu = 2 * np.pi * N * p0 / (gamma_g * (zeta - 1))
    expected = gamma_g * (1 + Q * p0) * k_B * T * (1 + nu**2) / (2 * np.pi * lam * p0)
    np.testing.assert_allclose(ds["linewidth"].sel(temperature=600.0), expected, rtol=1e-9)
    # every point learned something: better than guessing one of 7 vowels (1/7 = 0.14) by a
    # margin larger than the spread of one test fold of ~70 samples (±0.05)
    assert float(ds["accuracy_test"].min()) > 0.25
    assert (out / "accuracy_vs_damping.png").stat().st_size > 1000
    assert (out / "heatmap_damping_temperature.png").stat().st_size > 1000


def test_a_killed_study_resumes_with_only_the_missing_points(uninterrupted, tmp_path,
                                                             finished_runs):
    whole, _, _ = uninterrupted
    out = tmp_path / "killed"
    store = out / "store"
    process = subprocess.Popen(
        [sys.executable, "-m", "multiscale.cli", "study", str(TINY), "--workers", "1",
         "--out", str(out), "--quiet"],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 240
        while finished_runs(store, "study-point") < 2 and time.time() < deadline:
            assert process.poll() is None, "the study ended before it could be killed"
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)  # the study, its scheduler and its worker
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    finished = finished_runs(store, "study-point")
    assert 2 <= finished < 4
    assert not (out / "study.nc").exists()

    resumed = _cli("study", TINY, "--workers", "1", "--out", out, "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    figures = _figures(resumed.stdout)
    assert int(figures["reused"]) == finished
    assert int(figures["computed"]) == 4 - finished
    a = xr.load_dataset(out / "study.nc", engine="h5netcdf")
    b = xr.load_dataset(whole / "study.nc", engine="h5netcdf")
    # seeded training and noise: the same numbers, point for point
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("level = \"compact\"", "level = \"device\""), "study.level"),
        (("temperature = [0.0, 600.0]", "Ms = [8e5]"), "study.grid.Ms"),
        (("damping = [0.008, 0.012]", "damping = [0.008, 0.008]"), "study.grid.damping"),
        (("epochs = 1", "epochs = 0"), "classify.learning.epochs"),
        # config errors of the network inside every point: refused before any task runs
        (("[classify.task]", "[classify.network]\nn_oscillators = 5\n[classify.task]"),
         "classify.network.n_oscillators = 5"),
        (("run_folds = [0]", "run_folds = [0]\nfolds = 60"), "classify.task.folds = 60"),
        (("run_folds = [0]", "run_folds = [0]\nvowels = [\"iy\", \"xx\"]"),
         "classify.task"),
        # a seed is an integer: 0.5 was silently truncated while the Dataset listed 0.5
        (("temperature = [0.0, 600.0]", "device_seed = [0.5, 1.5]"),
         "study.grid.device_seed = [0.5, 1.5]: must be integers"),
    ],
)
def test_bad_study_configs_exit_2_naming_the_key(tmp_path, change, key):
    text = TINY.read_text()
    assert change[0] in text
    config = tmp_path / "bad.toml"
    config.write_text(text.replace(change[0], change[1]))
    done = _cli("study", config, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr[-2000:]
    assert key in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "store").exists()  # no point ran


def test_a_device_without_a_network_is_a_recorded_nan_with_its_reason(tmp_path):
    """f0 raised by 300 and 400 MHz: no oscillator reaches the fixed plan's source bands
    (330-359.5 MHz over 3-9 mA), a property of these devices, not a config error: both points
    are results (NaN accuracy, the reason stored), the study exits 0, and a rerun reuses them."""
    text = TINY.read_text().replace("damping = [0.008, 0.012]\ntemperature = [0.0, 600.0]",
                                    "f0 = [600e6, 700e6]")
    assert "f0 = [600e6, 700e6]" in text
    config = tmp_path / "far.toml"
    config.write_text(text)
    done = _cli("study", config, "--workers", "1", "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    figures = _figures(done.stdout)
    assert figures["computed"] == "2" and figures["failed"] == "0"
    assert figures["no_network"] == "2"  # counted on the summary line, each reason printed
    assert done.stdout.count("no network: ") == 2
    assert figures["accuracy_test_max"] == "nan"
    ds = xr.load_dataset(tmp_path / "out" / "study.nc", engine="h5netcdf")
    assert np.isnan(ds["accuracy_test"].values).all()
    for reason in ds["error"].values:
        assert "classify.network.f1_band" in reason and "outside the frequencies" in reason
    again = _cli("study", config, "--workers", "1", "--out", tmp_path / "out", "--quiet")
    assert _figures(again.stdout)["reused"] == "2"


@pytest.fixture
def separate_cluster(tmp_path):
    """A `dask scheduler` and two `dask worker` processes, as on a cluster of machines."""
    scheduler_file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    processes = [subprocess.Popen(
        [*dask, "scheduler", "--port", "0", "--no-dashboard", "--scheduler-file",
         str(scheduler_file)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.time() + 60
        while not scheduler_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        for name in ("w0", "w1"):
            processes.append(subprocess.Popen(
                [*dask, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                 "--no-dashboard", "--name", name], env=ENV,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from dask.distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def test_a_study_runs_on_a_separate_scheduler_and_its_workers(uninterrupted, separate_cluster,
                                                              tmp_path):
    whole, _, _ = uninterrupted
    out = tmp_path / "scaled_out"
    done = _cli("study", TINY, "--scheduler", separate_cluster, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    assert _figures(done.stdout)["computed"] == "4"
    from dask.distributed import Client

    with Client(separate_cluster, timeout=60) as client:
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2 and all(count >= 1 for count in executed.values()), executed
    # seeded: the same numbers as on the local cluster, point for point
    a = xr.load_dataset(out / "study.nc", engine="h5netcdf")
    b = xr.load_dataset(whole / "study.nc", engine="h5netcdf")
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


def test_the_slurm_recipe_starts_workers_that_run_a_study(uninterrupted, tmp_path):
    """examples/study_on_slurm.py without SLURM: its job script, run as sbatch would run it
    (bash; the #SBATCH lines are comments), starts a worker that joins the recipe's
    scheduler, and the study runs there with the same numbers as on the local cluster."""
    pytest.importorskip("dask_jobqueue")
    import importlib.util

    from dask.distributed import Client

    from multiscale.study import load_study, run_study

    path = Path(__file__).parents[2] / "examples" / "study_on_slurm.py"
    spec = importlib.util.spec_from_file_location("study_on_slurm", path)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    whole, _, _ = uninterrupted
    with recipe.slurm_cluster(queue=None, account=None, memory="2GB",
                              walltime="00:10:00") as cluster:
        script = cluster.job_script()
        assert "--nthreads 1" in script and "export NUMBA_NUM_THREADS=1" in script
        job = tmp_path / "job.sh"
        job.write_text(script)
        worker = subprocess.Popen(["bash", str(job)], env=ENV, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            with Client(cluster.scheduler_address, timeout=60) as client:
                client.wait_for_workers(1, timeout=120)
            result = run_study(load_study(TINY), out=tmp_path / "slurm",
                               scheduler=cluster.scheduler_address, progress=False)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
    assert result.computed == 4 and not result.failed
    a = xr.load_dataset(tmp_path / "slurm" / "study.nc", engine="h5netcdf")
    b = xr.load_dataset(whole / "study.nc", engine="h5netcdf")
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


def test_chain_points_follow_the_window_as_alpha_over_p():
    """J_c ~ alpha / P (the spin torque is P J times a function of m against the Gilbert
    damping): a chain point at alpha = 0.06, P = 0.3 of the base alpha = 0.05, P = 0.4 sweeps
    its currents times (0.06 / 0.05) (0.4 / 0.3) = 1.6."""
    from multiscale.study import _chain_config_for, load_study

    study = load_study(Path(__file__).parents[2] / "examples" / "study_chain_alpha_P.toml")
    base = np.array(study.chain.sweep.current_densities)
    config = _chain_config_for(study, {"alpha": 0.06, "P": 0.3})
    assert (config.device.alpha, config.device.P) == (0.06, 0.3)
    np.testing.assert_allclose(config.sweep.current_densities, 1.6 * base, rtol=1e-12)
    same = _chain_config_for(study, {"alpha": 0.05, "P": 0.4})
    np.testing.assert_allclose(same.sweep.current_densities, base, rtol=0)


def test_the_circuit_is_a_study_axis():
    """load_resistance (network) and the device's resistance oscillation (model) are grid keys:
    a point changes them in the classify config and the model it trains."""
    from multiscale.study import MODEL_KEYS, NETWORK_KEYS, _network_overrides, parse_classify

    assert "load_resistance" in NETWORK_KEYS and "resistance_amplitude" in MODEL_KEYS
    classify = parse_classify({"network": {"coupling": "circuit"}})
    changed = _network_overrides(classify, {"load_resistance": 10.0, "resistance_amplitude": 5})
    assert changed.network.load_resistance == 10.0 and changed.network.coupling == "circuit"


def test_the_circuit_study_example_loads_with_its_assumed_device():
    from multiscale.study import load_study

    study = load_study(Path(__file__).parents[2] / "examples" / "study_circuit.toml")
    model = study.base_model
    assert study.classify.network.coupling == "circuit"
    assert (model.resistance, model.resistance_amplitude, model.kappa_current) == (
        100.0, 40.0, 5.625e8)
    # the example's claim: at 6 mA and R_L = 50 ohm it is the default free coupling 3e5 1/s
    k = 5.625e8 * 6e-3 * model.resistance_amplitude / (50.0 + 4 * model.resistance)
    assert k == pytest.approx(3e5, rel=1e-12)


def test_a_calibrated_circuit_point_records_the_coupling_it_derived(tmp_path):
    """A compact point of examples/study_circuit_calibrated.toml (the chain's calibrated
    device, sources as RF currents, K from the circuit) records |K_jl| = κ_I I |r| / (R_L +
    4 R0) at the middle of the current range and the locking half-width of source A's
    F = κ_I I_A, for the point's |r| and R_L (a short training run: one fold, one epoch)."""
    from multiscale.config import to_dict
    from multiscale.store import Store
    from multiscale.study import _compact_point, evaluate_point, load_study, parse_classify

    study = load_study(Path(__file__).parents[2] / "examples" / "study_circuit_calibrated.toml")
    point = {"resistance_amplitude": 13.38, "load_resistance": 450.0}
    model, classify, polarity = _compact_point(study, point)
    assert polarity == 1
    data = to_dict(classify)
    data["task"]["run_folds"] = [0]
    data["learning"].update(epochs=1, batch_size=64)
    data["output"].update(baselines=False, response_map_grid=8)
    classify = parse_classify(data)
    task = {"store": str(Store(tmp_path / "store").root), "point": point,
            "inputs": {"kind": "test", "point": point}, "model": model.to_dict(),
            "classify": to_dict(classify)}
    result = evaluate_point(task)
    assert result["error"] is None and 0 <= result["accuracy_test"] <= 1
    mid = sum(classify.network.current_range) / 2
    expected = model.kappa_current * mid * 13.38 / (450.0 + 4 * model.resistance)
    assert result["coupling_magnitude"] == pytest.approx(expected, rel=1e-9)
    assert result["resistance_amplitude"] == 13.38
    assert result["locking_half_width"] == pytest.approx(
        float(model.locking_range(mid, model.kappa_current * 0.46e-3)), rel=1e-9)


def test_a_chain_point_with_a_lock_table_measures_its_kappa_first(tmp_path):
    """Chain level with [lock]: before the point's task, the study calibrates the device and
    locks it to an RF field in micromagnetics (its runs on the study's workers, like the
    sweep's); the point's network uses that κ_H for its sources, and the Dataset records it."""
    root = Path(__file__).parents[2]
    chain = tmp_path / "chain.toml"
    chain.write_text((root / "examples" / "chain_tiny.toml").read_text().replace(
        "[classify.network]\n", (DATA / "tiny_lock.toml").read_text(), 1))
    config = tmp_path / "study.toml"
    config.write_text(f'[study]\nlevel = "chain"\nchain = "{chain}"\n\n'
                      "[study.grid]\nspread = [0.0005]\n")
    done = _cli("study", config, "--workers", "2", "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    [coupling] = (tmp_path / "out" / "locks").glob("*/lock/coupling.json")
    kappa = json.loads(coupling.read_text())["kappa"]
    ds = xr.load_dataset(tmp_path / "out" / "study.nc", engine="h5netcdf")
    assert kappa > 0 and float(ds["kappa_field"].values[0]) == pytest.approx(kappa, rel=1e-12)
    assert np.isfinite(ds["accuracy_test"].values).all()
    # the window's evidence: all four currents oscillate, no core lost or reversed; the runs
    # have fixed durations (chain_tiny does not stop them once steady), so there is no count
    # of steady ones (a variable NaN at every point is left out of the Dataset)
    assert ds["oscillating_currents"].values.tolist() == [4]
    assert ds["core_lost_currents"].values.tolist() == [0]
    assert ds["core_reversed_currents"].values.tolist() == [0]
    assert "steady_currents" not in ds


def test_a_compact_point_of_a_device_oscillating_at_negative_currents_is_its_mirror(tmp_path):
    """An MTJ whose torque opens the cone for J < 0 has I_th < 0: a compact-level study drives
    it with I' = -I (network.plan.positive_currents). Its mirror image, the reference
    oscillator, must then give the same network and the same accuracy, while the study
    records the device's own parameters (I_th < 0, df_dI reversed) and polarity -1."""
    from multiscale.config import to_dict
    from multiscale.store import Store
    from multiscale.study import _compact_point, evaluate_point, load_study
    from network.plan import reference_oscillator

    reference = reference_oscillator()
    reference.mirrored().to_json(tmp_path / "negative.json")
    text = TINY.read_text()
    (tmp_path / "reference.toml").write_text(text)
    (tmp_path / "negative.toml").write_text(text.replace('model = "reference"',
                                                         'model = "negative.json"'))
    point = {"damping": 0.012, "temperature": 0.0}
    results = {}
    for name in ("reference", "negative"):
        model, classify, polarity = _compact_point(load_study(tmp_path / f"{name}.toml"), point)
        task = {"store": str(Store(tmp_path / f"store-{name}").root), "point": point,
                "inputs": {"kind": "test", "point": point}, "model": model.to_dict(),
                "classify": to_dict(classify), "current_polarity": polarity}
        results[name] = (model, to_dict(classify), polarity, evaluate_point(task))
    (m_ref, c_ref, p_ref, r_ref), (m_neg, c_neg, p_neg, r_neg) = results.values()
    assert (p_ref, p_neg) == (1, -1)
    assert m_neg == m_ref and c_neg == c_ref  # the network sees the same oscillator
    assert r_neg["accuracy_test"] == r_ref["accuracy_test"]
    assert r_neg["accuracy_train"] == r_ref["accuracy_train"]
    assert r_neg["I_th"] == -r_ref["I_th"] < 0 and r_neg["df_dI"] == -r_ref["df_dI"]
    assert (r_ref["current_polarity"], r_neg["current_polarity"]) == (1, -1)

"""The progress bar of a batch of runs counts simulated ns over all workers (issue "Speed",
point 4): runs in dask workers report their simulated time, the client's bar adds it up."""

import functools
import math

import pytest

from micromag.devices import VortexSTNO
from micromag.engines import RunSpec
from multiscale.progress import TOPIC, reported_run, simulated_time_reporter
from multiscale.tasks import dask_client, run_tasks

TINY = VortexSTNO(diameter=40e-9, thickness=5e-9, cell_size=5e-9, core_shift=(5e-9, 0.0))


def spec(duration: float) -> RunSpec:
    return RunSpec(current_density=5e10, duration=duration, sampling_interval=0.1e-9)


def test_workers_report_simulated_time_and_the_bar_counts_it(capsys):
    durations = [2.5e-9, 3e-9]
    with dask_client(workers=2) as client:
        # functions the workers can import (test modules are not importable by them)
        outcomes = run_tasks(functools.partial(reported_run, "builtin", TINY),
                             [spec(d) for d in durations], client=client,
                             simulated_time=durations, description="runs")
        events = client.get_events(TOPIC)
    assert [float(o.result.time[-1]) for o in outcomes] == pytest.approx(durations)
    by_task: dict[str, list[float]] = {}
    for _, message in events:
        by_task.setdefault(message["key"], []).append(message["t"])
    assert sorted(max(t) for t in by_task.values()) == pytest.approx(durations)
    for times in by_task.values():  # every ns during the run, not only at its end
        assert times[:2] == pytest.approx([1e-9, 2e-9])
    bar = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "5.5/5.5 simulated ns" in bar, bar


def test_a_failed_run_counts_as_done_and_is_named(capsys):
    with dask_client(workers=1) as client:
        outcomes = run_tasks(math.log, [-1.0], client=client, simulated_time=[1e-9],
                             description="runs", label=lambda x: f"log of {x:g}")
    assert not outcomes[0].ok
    err = capsys.readouterr().err
    assert "log of -1 failed: ValueError: math domain error" in err
    assert "1.0/1.0 simulated ns" in err


def test_outside_a_worker_there_is_no_reporter():
    assert simulated_time_reporter() is None


def test_the_bar_never_counts_past_its_total():
    """Six 40 ns runs reported in 0.1 ns steps: the float steps summed to 240.00000000000418 of
    240 ns, and tqdm printed 'clamping frac to range [0, 1]' beside the bar at the end of a
    sweep. The bar shows the rounded sum of what each task reached, at most its total."""
    import io
    import warnings

    import numpy as np
    from tqdm import tqdm

    from multiscale.progress import SimulatedTimeBar

    keys = [f"run-{i}" for i in range(6)]
    bar = SimulatedTimeBar(None, keys, [40e-9] * 6, description="runs", disable=True)
    bar.bar = tqdm(total=240.0, file=io.StringIO())  # a bar without a dask client
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a TqdmWarning fails the test
        for key in keys:
            for t in np.arange(0.1e-9, 40e-9, 0.1e-9) * (1 + 1e-7):
                bar.reached(key, t)
            bar.finished(key)
        assert bar.bar.n == 240.0
        bar.bar.close()
